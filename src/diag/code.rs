//! Every diagnostic code menulint itself emits (rule findings carry their rule's id).

use std::fmt;

/// A `menulint::…` diagnostic code: something about the input, not a policy rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    Io,
    Encoding,
    TooLarge,
    Syntax,
    TooDeep,
    Schema,
    HoldingsCycle,
    History,
    Lineup,
    Config,
    RulePack,
    Authority,
    RuleEval,
    WaiverExpired,
    WaiverUnused,
    WaiverExpiring,
}

impl Code {
    /// Every code, for listings and the uniqueness test.
    pub const ALL: [Code; 16] = [
        Code::Io,
        Code::Encoding,
        Code::TooLarge,
        Code::Syntax,
        Code::TooDeep,
        Code::Schema,
        Code::HoldingsCycle,
        Code::History,
        Code::Lineup,
        Code::Config,
        Code::RulePack,
        Code::Authority,
        Code::RuleEval,
        Code::WaiverExpired,
        Code::WaiverUnused,
        Code::WaiverExpiring,
    ];

    /// The full code as printed: `menulint::schema`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "menulint::io",
            Code::Encoding => "menulint::encoding",
            Code::TooLarge => "menulint::too-large",
            Code::Syntax => "menulint::syntax",
            Code::TooDeep => "menulint::too-deep",
            Code::Schema => "menulint::schema",
            Code::HoldingsCycle => "menulint::holdings-cycle",
            Code::History => "menulint::history",
            Code::Lineup => "menulint::lineup",
            Code::Config => "menulint::config",
            Code::RulePack => "menulint::rule-pack",
            Code::Authority => "menulint::authority",
            Code::RuleEval => "menulint::rule-eval",
            Code::WaiverExpired => "menulint::waiver-expired",
            Code::WaiverUnused => "menulint::waiver-unused",
            Code::WaiverExpiring => "menulint::waiver-expiring",
        }
    }

    /// One line on what the code means.
    pub fn description(self) -> &'static str {
        match self {
            Code::Io => "a file or directory could not be read",
            Code::Encoding => "a file is not valid UTF-8",
            Code::TooLarge => "a file is over the size limit",
            Code::Syntax => "a file is not valid TOML",
            Code::TooDeep => "values nest deeper than any menu needs",
            Code::Schema => "a menu does not match the menu format (JSON Schema)",
            Code::HoldingsCycle => "look-through holdings lead back to where they started",
            Code::Lineup => "a lineup export or its mapping cannot be read as a menu: a missing column, an unknown value, a bad figure, a duplicate fund",
            Code::History => "a monitoring history row is wrong: a bad value, an unknown option, or a quarter repeated or out of order",
            Code::Config => "a menulint.toml config is wrong",
            Code::RulePack => "a rule pack is wrong",
            Code::Authority => "a rule cites an authority that was rescinded or withdrawn",
            Code::RuleEval => "a rule could not be evaluated on a menu",
            Code::WaiverExpired => "a waiver's expiry date has passed; it no longer applies",
            Code::WaiverUnused => "a waiver matches no finding",
            Code::WaiverExpiring => "a waiver expires within 30 days",
        }
    }

    /// True when the code means the file could not be checked (exit code 2).
    pub fn is_input_error(self) -> bool {
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
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
        assert!(Code::ALL.iter().all(|c| !c.description().is_empty()));
    }
}
