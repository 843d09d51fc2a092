//! Every diagnostic code menulint itself emits (rule findings carry their rule's id).

use std::fmt;
use strum::{EnumMessage, IntoEnumIterator};

/// A `menulint::…` diagnostic code: something about the input, not a policy rule.
/// Its name (`menulint::too-large`) and its one line on what it means come from
/// the variant, as cargo-deny derives its codes.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumMessage,
)]
#[strum(serialize_all = "kebab-case", prefix = "menulint::")]
pub enum Code {
    /// A file or directory could not be read.
    #[strum(message = "a file or directory could not be read")]
    Io,
    /// A file is not valid UTF-8.
    #[strum(message = "a file is not valid UTF-8")]
    Encoding,
    /// A file is over the size limit.
    #[strum(message = "a file is over the size limit")]
    TooLarge,
    /// A file is not valid TOML.
    #[strum(message = "a file is not valid TOML")]
    Syntax,
    /// Values nest deeper than any menu needs.
    #[strum(message = "values nest deeper than any menu needs")]
    TooDeep,
    /// A menu does not match the menu format's JSON Schema.
    #[strum(message = "a menu does not match the menu format (JSON Schema)")]
    Schema,
    /// Look-through holdings lead back to where they started.
    #[strum(message = "look-through holdings lead back to where they started")]
    HoldingsCycle,
    /// A monitoring history row is wrong: a bad value, an unknown option, or a quarter
    /// repeated or out of order.
    #[strum(
        message = "a monitoring history row is wrong: a bad value, an unknown option, or a quarter repeated or out of order"
    )]
    History,
    /// A lineup export or its mapping cannot be read as a menu.
    #[strum(
        message = "a lineup export or its mapping cannot be read as a menu: a missing column, an unknown value, a bad figure, a duplicate fund"
    )]
    Lineup,
    /// A baseline file (`--baseline`) cannot be used.
    #[strum(
        message = "a baseline file cannot be used: unreadable, not JSON, or of another format"
    )]
    Baseline,
    /// A `menulint.toml` config is wrong.
    #[strum(message = "a menulint.toml config is wrong")]
    Config,
    /// A rule pack is wrong.
    #[strum(message = "a rule pack is wrong")]
    RulePack,
    /// A rule cites a rescinded or withdrawn authority.
    #[strum(message = "a rule cites an authority that was rescinded or withdrawn")]
    Authority,
    /// A rule could not be evaluated on a menu.
    #[strum(message = "a rule could not be evaluated on a menu")]
    RuleEval,
    /// A waiver's expiry date has passed; it no longer applies.
    #[strum(message = "a waiver's expiry date has passed; it no longer applies")]
    WaiverExpired,
    /// A waiver matches no finding.
    #[strum(message = "a waiver matches no finding")]
    WaiverUnused,
    /// A waiver expires within 30 days.
    #[strum(message = "a waiver expires within 30 days")]
    WaiverExpiring,
}

impl Code {
    /// Every code, for listings and `explain`.
    pub fn all() -> impl Iterator<Item = Code> {
        Code::iter()
    }

    /// The full code as printed: `menulint::schema`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// One line on what the code means.
    pub fn description(self) -> &'static str {
        self.get_message().unwrap_or_default()
    }
    /// True when the code means the file could not be checked (exit code 2).
    pub(crate) fn is_input_error(self) -> bool {
        !matches!(
            self,
            Code::WaiverExpired | Code::WaiverUnused | Code::WaiverExpiring | Code::Authority
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_described() {
        let mut names: Vec<_> = Code::all().map(Code::as_str).collect();
        let count = names.len();
        assert_eq!(Code::TooLarge.as_str(), "menulint::too-large");
        assert_eq!(Code::RulePack.to_string(), "menulint::rule-pack");
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        assert!(Code::all().all(|c| !c.description().is_empty()));
    }
}
