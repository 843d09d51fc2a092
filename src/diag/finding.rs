//! What every stage reports: a [`Finding`] located in a source file.

use super::code::Code;
use super::path::MenuPath;
use super::source::{Location, SourceFile, Span};
use serde::{Deserialize, Serialize, Serializer};
use std::sync::Arc;

/// How much a finding matters; ordered so that `Error` is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails the run.
    Info,
    /// Fails the run only with `--deny warnings`.
    Warning,
    /// Fails the run unless a waiver excuses it.
    Error,
}

impl Severity {
    /// The word every output uses for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Whether a rule runs once per menu or once per option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The rule runs once per menu.
    Plan,
    /// The rule runs once per option.
    Option,
}

/// Why a rule must be met: the law requires it, a condition of optional fiduciary
/// relief does, the sponsor's investment policy does, or the data must be right
/// for any verdict to be. A committee weighs a finding by it, so every output names
/// it; the order is the order reports take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A statute or regulation in force requires it of every plan it covers.
    Law,
    /// A condition of relief a plan may choose to rely on (ERISA 404(c), the QDIA
    /// regulation): missing it is no breach in itself, but the relief is lost.
    SafeHarbor,
    /// A choice of the sponsor's investment policy statement (caps, allowed assets,
    /// fee limits, a process a proposal describes before it is final).
    Policy,
    /// The menu's data must be consistent and correct (check digits, totals,
    /// plausible figures) before any other verdict can be trusted.
    DataQuality,
}

impl Basis {
    /// Every basis, in report order.
    pub(crate) const ALL: [Basis; 4] = [
        Basis::Law,
        Basis::SafeHarbor,
        Basis::Policy,
        Basis::DataQuality,
    ];

    /// As packs, JSON and SARIF write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Law => "law",
            Basis::SafeHarbor => "safe-harbor",
            Basis::Policy => "policy",
            Basis::DataQuality => "data-quality",
        }
    }

    /// How reports head the findings of each basis.
    pub fn heading(self) -> &'static str {
        match self {
            Basis::Law => "Legal requirements",
            Basis::SafeHarbor => "Conditions for fiduciary relief",
            Basis::Policy => "Investment policy",
            Basis::DataQuality => "Data quality",
        }
    }

    /// What the basis means, in words for a committee.
    pub(crate) fn meaning(self) -> &'static str {
        match self {
            Basis::Law => "What a statute or regulation in force requires of the plan.",
            Basis::SafeHarbor => {
                "Conditions of fiduciary relief the plan relies on (ERISA section 404(c), \
                 the qualified default investment alternative regulation): not duties of \
                 every plan, but the relief is lost while one is not met."
            }
            Basis::Policy => {
                "Choices of the plan's investment policy statement: limits and steps \
                 the committee sets and can change."
            }
            Basis::DataQuality => {
                "Facts in the menu that are inconsistent or implausible: until they are \
                 corrected, the other verdicts rest on them."
            }
        }
    }
}

/// Who acts on a rule's finding. The committee decides (a cap breached, an option to
/// replace, a process step not taken); the plan's administrator corrects or supplies
/// facts (a check digit, a missing link or figure from the recordkeeper). The
/// committee's documents list the two apart, so page one holds only decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Acts {
    /// The fiduciary committee decides.
    Committee,
    /// The plan's administrator corrects or supplies the data.
    Administrator,
}

impl Acts {
    /// Who acts when a rule does not say: data quality is the administrator's, every
    /// other basis the committee's.
    pub fn default_for(basis: Basis) -> Acts {
        match basis {
            Basis::DataQuality => Acts::Administrator,
            _ => Acts::Committee,
        }
    }
}

/// A rule's part in monitoring: it puts an option on the watch list, or it
/// recommends replacing an option that stayed there too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Monitor {
    /// Failing puts the option on the watch list.
    Watch,
    /// Failing recommends replacing the option.
    Replace,
}

/// What kind of source an authority is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthorityKind {
    /// A statute, such as ERISA.
    Statute,
    /// A regulation, such as a section of 29 CFR.
    Regulation,
    /// A regulation proposed but not final.
    ProposedRegulation,
    /// An agency's guidance: a DOL release, bulletin or information letter.
    AgencyGuidance,
    /// A presidential executive order.
    ExecutiveOrder,
    /// A court's decision.
    CourtDecision,
    /// A published standard, such as ISO 6166 for ISINs.
    Standard,
    /// The sponsor's investment policy statement.
    InvestmentPolicy,
    /// A consultant's or data vendor's published screens (fi360, RPAG): practice
    /// that informs a policy, never law.
    IndustryPractice,
    /// menulint's menu format: what it needs to compute figures correctly.
    MenuFormat,
}

impl AuthorityKind {
    /// The words outputs print for the kind, e.g. `agency guidance`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorityKind::Statute => "statute",
            AuthorityKind::Regulation => "regulation",
            AuthorityKind::ProposedRegulation => "proposed regulation",
            AuthorityKind::AgencyGuidance => "agency guidance",
            AuthorityKind::ExecutiveOrder => "executive order",
            AuthorityKind::CourtDecision => "court decision",
            AuthorityKind::Standard => "standard",
            AuthorityKind::InvestmentPolicy => "investment policy",
            AuthorityKind::IndustryPractice => "industry practice",
            AuthorityKind::MenuFormat => "menu format",
        }
    }
}

/// Whether an authority can be relied on today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthorityStatus {
    /// In force: it can support a rule.
    InForce,
    /// Proposed, not yet final.
    Proposed,
    /// Rescinded: it supports nothing.
    Rescinded,
    /// Withdrawn: it supports nothing.
    Withdrawn,
}

impl AuthorityStatus {
    /// The words outputs print for the status, e.g. `in force`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorityStatus::InForce => "in force",
            AuthorityStatus::Proposed => "proposed",
            AuthorityStatus::Rescinded => "rescinded",
            AuthorityStatus::Withdrawn => "withdrawn",
        }
    }

    /// Rescinded and withdrawn authorities support nothing.
    pub(crate) fn is_void(self) -> bool {
        matches!(
            self,
            AuthorityStatus::Rescinded | AuthorityStatus::Withdrawn
        )
    }
}

/// A source a rule relies on, with its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Authority {
    /// The citation as outputs print it, e.g. `29 CFR 2550.404c-5(e)(4)`.
    pub cite: String,
    /// What kind of source it is.
    pub kind: AuthorityKind,
    /// Whether it is in force, proposed, rescinded or withdrawn.
    pub status: AuthorityStatus,
    /// When it was issued, `YYYY-MM-DD`; `None` when the pack does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued: Option<String>,
    /// When it took or takes effect, `YYYY-MM-DD`; `None` when the pack does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<String>,
    /// When it was rescinded, `YYYY-MM-DD`; `None` when the pack does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescinded: Option<String>,
    /// Where to read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What the authority does and does not say, where that matters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Authority {
    /// `cite`, marked when it is not in force: `… (proposed)`.
    pub fn short(&self) -> String {
        match self.status {
            AuthorityStatus::InForce => self.cite.clone(),
            s => format!("{} ({})", self.cite, s.as_str()),
        }
    }
}

/// A rule's texts, shared by every finding it produces (an `Arc`, never a copy).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInfo {
    /// The rule's id: three capitals and three digits.
    pub id: String,
    /// The rule's kebab-case name, e.g. `embedded-crypto-cap`.
    pub name: String,
    /// The name of the pack the rule comes from.
    pub pack: String,
    /// The severity in force (after the config's override).
    pub severity: Severity,
    /// Whether the rule runs once per menu or once per option.
    pub scope: Scope,
    /// One line on the rule, for listings.
    pub summary: String,
    /// What the rule checks and why.
    pub description: String,
    /// What to do about a finding.
    pub help: String,
    /// What to do, in the words of the committee's documents: the help without the
    /// menu's field names, for rules whose help needs them.
    pub advice: Option<String>,
    /// What data to obtain when the rule cannot be decided, in the same words.
    pub undecided_advice: Option<String>,
    /// Why the rule must be met: law, a safe harbor, policy or data quality.
    pub basis: Basis,
    /// Who acts on its findings.
    pub acts: Acts,
    /// The sources the rule relies on, each with its status.
    pub authorities: Vec<Authority>,
    /// The authorities in one line, as outputs print them.
    pub citation: String,
    /// The rule's part in monitoring, if any.
    pub monitor: Option<Monitor>,
    /// A rule of a pack menulint ships, documented at `docs/rules/ID.md`.
    pub builtin: bool,
}

/// What produced a finding: a policy rule, or menulint itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A finding of a policy rule.
    Rule(Arc<RuleInfo>),
    /// One of menulint's own diagnostics, by its `menulint::…` code.
    Input(Code),
}

/// A secondary place a finding points at, with its own label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Label {
    /// The path of the value the label points at.
    pub path: MenuPath,
    /// Its byte range in the file (the JSON form gives `location` instead).
    #[serde(skip)]
    pub span: Span,
    /// Its 1-based line and column range.
    #[serde(flatten)]
    pub location: Location,
    /// The label's text.
    pub message: String,
}

/// A measured figure and the limit a rule holds it to, for findings of rules that
/// declare a `measure`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measured {
    /// The figure the rule measured, as its `measure` declares it.
    pub value: f64,
    /// The limit the rule holds it to: the value is to be at most this.
    pub limit: f64,
}

/// One diagnostic about one file: a policy finding or an input error.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What produced it: a rule, or menulint itself.
    pub origin: Origin,
    /// How much it matters; with any waiver, it decides if the finding fails the run.
    pub severity: Severity,
    /// What the finding says, as every output prints it.
    pub message: String,
    /// The path in the file the finding is about.
    pub path: MenuPath,
    /// The option's `id`, when the finding is about one option.
    pub option: Option<String>,
    /// The byte range the primary label points at; `None` for a finding with no place.
    pub span: Option<Span>,
    /// Where the primary label points; absent for errors with no place (an unreadable file).
    pub location: Option<Location>,
    /// The spreadsheet cell, for a lineup export: `Funds!D14`, or `14:4` in a CSV.
    pub cell: Option<String>,
    /// The file the span points into when it is not the report's own: a fact a
    /// lineup's overlay adds is reported at the overlay's line.
    pub file: Option<SourceFile>,
    /// Short text under the primary label.
    pub label: Option<String>,
    /// What to do; input errors only (a rule's help is in its [`RuleInfo`]).
    pub help: Option<String>,
    /// Further places the finding points at, each with its own label.
    pub labels: Vec<Label>,
    /// Identifies the finding across edits that move lines: rule, plan, option id, field.
    pub fingerprint: String,
    /// What identifies a finding without a rule's fingerprint (a schema error, a
    /// waiver's) for code scanning: its code, where it is (an option by its id) and
    /// the text of its line. Set while the file's text and menu are at hand, so it
    /// never depends on the outputs a run keeps them for.
    pub anchor: String,
    /// The figure the rule measured, when it declares one.
    pub measured: Option<Measured>,
    /// The waiver that excuses this finding, if any; a waived finding does not fail the run.
    pub waiver: Option<Box<AppliedWaiver>>,
    /// The rule could not be decided: a figure it needs is not computed (its
    /// `requires` does not hold). Never a pass; it fails the run unless the config
    /// says `incomplete = "warn"`.
    pub incomplete: bool,
    /// The text that replaces `span` to fix the finding, where the fix is certain: a
    /// misspelt key or value renamed to the one accepted name it is closest to (an
    /// editor offers it as a quick fix).
    pub replacement: Option<String>,
}

/// The committee's exception that excuses a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedWaiver {
    /// Why the committee accepted the finding, as the waiver says.
    pub reason: String,
    /// Who approved the waiver.
    pub approved_by: String,
    /// The waiver's expiry date, `YYYY-MM-DD`.
    pub expires: String,
    /// Where the waiver is written, `file:line`.
    pub at: String,
}

impl Finding {
    /// An input error (the file could not be checked) at an optional span.
    pub(crate) fn input_error(
        code: Code,
        message: impl Into<String>,
        source: Option<&SourceFile>,
        span: Option<Span>,
    ) -> Self {
        let location = match (source, &span) {
            (Some(src), Some(span)) => Some(src.location(span)),
            _ => None,
        };
        Finding {
            origin: Origin::Input(code),
            severity: Severity::Error,
            message: message.into(),
            path: MenuPath::root(),
            option: None,
            span,
            location,
            cell: None,
            file: None,
            label: None,
            help: None,
            labels: Vec::new(),
            fingerprint: String::new(),
            anchor: String::new(),
            measured: None,
            waiver: None,
            incomplete: false,
            replacement: None,
        }
    }

    /// The name of the file the finding points into: its own, else the report's.
    pub fn file_name<'a>(&'a self, report_path: &'a str) -> &'a str {
        self.file.as_ref().map_or(report_path, |f| f.name())
    }

    /// Points the finding into another file than its report's.
    pub(crate) fn in_file(mut self, source: &SourceFile) -> Self {
        self.location = self.span.as_ref().map(|s| source.location(s));
        self.file = Some(source.clone());
        self
    }

    pub(crate) fn with_path(mut self, path: MenuPath) -> Self {
        self.path = path;
        self
    }

    pub(crate) fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Offers renaming what is written at the finding's span to `to` (the one
    /// accepted name closest to it) as its fix, keeping the quotes it is written in.
    pub(crate) fn with_rename(mut self, source: &SourceFile, to: Option<&str>) -> Self {
        // a finding at no text (an empty span) has nothing to rename
        let written = self
            .span
            .as_ref()
            .and_then(|s| source.text().get(s.clone()))
            .filter(|w| !w.trim().is_empty());
        self.replacement = to.zip(written).map(|(to, written)| {
            // a dotted name written bare would be a table and a key in it
            if written.starts_with('"') || written.starts_with('\'') || to.contains('.') {
                format!("\"{to}\"")
            } else {
                to.to_owned()
            }
        });
        self
    }

    /// For a TOML reader's "unknown field `x`, expected one of `a`, `b`" (or
    /// "unknown variant"), the name meant where one is close enough: said in the
    /// help, and offered as the fix.
    pub(crate) fn with_suggested_name(self, source: &SourceFile) -> Self {
        let message = self.message.clone();
        let Some((written, expected)) = ["unknown field `", "unknown variant `"]
            .iter()
            .find_map(|lead| Some(message.split_once(lead)?.1))
            .and_then(|rest| rest.split_once('`'))
            .and_then(|(written, rest)| Some((written, rest.split_once("expected")?.1)))
        else {
            return self;
        };
        let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        match super::suggest(written, &names) {
            Some(meant) => {
                let help = match &self.help {
                    Some(help) => format!("did you mean `{meant}`? {help}"),
                    None => format!("did you mean `{meant}`?"),
                };
                self.with_help(help).with_rename(source, Some(meant))
            }
            None => self,
        }
    }

    /// The rule id (`ABC123`) or the code (`menulint::schema`).
    pub fn id(&self) -> &str {
        match &self.origin {
            Origin::Rule(r) => &r.id,
            Origin::Input(c) => c.as_str(),
        }
    }

    /// The rule's kebab-case name; empty for menulint's own codes.
    pub fn name(&self) -> &str {
        match &self.origin {
            Origin::Rule(r) => &r.name,
            Origin::Input(_) => "",
        }
    }

    /// The rule behind a policy finding.
    pub fn rule(&self) -> Option<&RuleInfo> {
        match &self.origin {
            Origin::Rule(r) => Some(r),
            Origin::Input(_) => None,
        }
    }

    /// The code of one of menulint's own findings.
    pub fn code(&self) -> Option<Code> {
        match self.origin {
            Origin::Input(c) => Some(c),
            Origin::Rule(_) => None,
        }
    }

    /// What to do, as the committee's documents say it: a rule's advice where it has
    /// one, else its help (an undecided rule's says what data to obtain).
    pub(crate) fn advice_text(&self) -> Option<&str> {
        match &self.origin {
            Origin::Rule(r) if self.incomplete => r
                .undecided_advice
                .as_deref()
                .or(self.help.as_deref())
                .or(Some(&r.help)),
            Origin::Rule(r) => self
                .help
                .as_deref()
                .or(r.advice.as_deref())
                .or(Some(&r.help)),
            Origin::Input(_) => self.help.as_deref(),
        }
    }

    pub(crate) fn help_text(&self) -> Option<&str> {
        match &self.origin {
            // an undecided rule says what data to add, not how to fix a breach
            Origin::Rule(r) => self.help.as_deref().or(Some(&r.help)),
            Origin::Input(_) => self.help.as_deref(),
        }
    }

    /// The rule's authorities in one line; `None` for menulint's own diagnostics.
    pub fn citation(&self) -> Option<&str> {
        self.rule().map(|r| r.citation.as_str())
    }

    /// Why the rule must be met; `None` for menulint's own diagnostics.
    pub fn basis(&self) -> Option<Basis> {
        self.rule().map(|r| r.basis)
    }

    /// `Legal requirements: 29 CFR …` or `Investment policy: Investment policy
    /// statement`, for footers.
    pub(crate) fn source_line(&self) -> Option<String> {
        self.rule()
            .map(|r| format!("{}: {}", r.basis.heading(), r.citation))
    }

    /// The word for its state in listings: `waived`, or its severity.
    pub(crate) fn status_word(&self) -> &'static str {
        if self.waiver.is_some() {
            "waived"
        } else {
            self.severity.as_str()
        }
    }

    /// True when this finding counts against the run (not waived, severe enough).
    pub(crate) fn is_failing(&self, deny_warnings: bool) -> bool {
        self.waiver.is_none()
            && (self.severity == Severity::Error
                || (deny_warnings && self.severity == Severity::Warning))
    }

    /// Sort key that makes output order independent of evaluation order.
    pub(crate) fn sort_key(&self) -> (usize, usize, &str, &str) {
        let (line, col) = self.location.map_or((0, 0), |l| (l.line, l.column));
        (line, col, self.id(), &self.message)
    }
}

/// The JSON form, as the README documents it.
impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            rule: &'a str,
            #[serde(skip_serializing_if = "str::is_empty")]
            name: &'a str,
            severity: Severity,
            message: &'a str,
            path: &'a MenuPath,
            #[serde(skip_serializing_if = "Option::is_none")]
            option: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            file: Option<&'a str>,
            #[serde(flatten)]
            location: Option<Location>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cell: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            label: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            help: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            citation: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            basis: Option<Basis>,
            #[serde(skip_serializing_if = "<[Authority]>::is_empty")]
            authorities: &'a [Authority],
            #[serde(skip_serializing_if = "<[Label]>::is_empty")]
            labels: &'a [Label],
            #[serde(skip_serializing_if = "str::is_empty")]
            fingerprint: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            measured: Option<Measured>,
            #[serde(skip_serializing_if = "Option::is_none")]
            waiver: Option<&'a AppliedWaiver>,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            incomplete: bool,
        }
        View {
            rule: self.id(),
            name: self.name(),
            severity: self.severity,
            message: &self.message,
            path: &self.path,
            option: self.option.as_deref(),
            file: self.file.as_ref().map(|f| f.name()),
            location: self.location,
            cell: self.cell.as_deref(),
            label: self.label.as_deref(),
            help: self.help_text(),
            citation: self.citation(),
            basis: self.basis(),
            authorities: self.rule().map_or(&[][..], |r| r.authorities.as_slice()),
            labels: &self.labels,
            fingerprint: &self.fingerprint,
            measured: self.measured,
            waiver: self.waiver.as_deref(),
            incomplete: self.incomplete,
        }
        .serialize(s)
    }
}
