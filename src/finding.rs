//! What every stage reports: a [`Finding`] located in a source file.

use crate::source::{Location, SourceFile, Span};
use serde::{Deserialize, Serialize};

/// How much a finding matters; ordered so that `Error` is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
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

/// A secondary place a finding points at, with its own label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Label {
    pub path: String,
    #[serde(skip)]
    pub span: Span,
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
}

/// One diagnostic about one file: a policy finding or an input error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Rule id (`CRY001`) or input-error code (`menulint::schema`).
    pub rule: String,
    /// Kebab-case rule name, empty for input errors.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub severity: Severity,
    pub message: String,
    /// The menu path the finding is about, e.g. `options[3].exposure.crypto_pct`.
    pub path: String,
    /// The option's `id`, when the finding is about one option.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    #[serde(skip)]
    pub span: Option<Span>,
    /// Where the primary label points; absent for errors with no place (an unreadable file).
    #[serde(flatten)]
    pub location: Option<Location>,
    /// Short text under the primary label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The regulation or policy the rule comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// Identifies the finding across edits that move lines: rule, plan, option id, field.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
    /// The waiver that excuses this finding, if any; a waived finding does not fail the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<AppliedWaiver>,
}

/// The committee's exception that excuses a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedWaiver {
    pub reason: String,
    pub approved_by: String,
    pub expires: String,
    /// Where the waiver is written, `file:line`.
    pub at: String,
}

impl Finding {
    /// An input error (the file could not be checked) at an optional span.
    pub fn input_error(
        code: &str,
        message: impl Into<String>,
        source: Option<&SourceFile>,
        span: Option<Span>,
    ) -> Self {
        let location = match (source, &span) {
            (Some(src), Some(span)) => Some(src.location(span)),
            _ => None,
        };
        Finding {
            rule: format!("menulint::{code}"),
            name: String::new(),
            severity: Severity::Error,
            message: message.into(),
            path: String::new(),
            option: None,
            span,
            location,
            label: None,
            help: None,
            citation: None,
            labels: Vec::new(),
            fingerprint: String::new(),
            waiver: None,
        }
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True when this finding counts against the run (not waived, severe enough).
    pub fn is_failing(&self, deny_warnings: bool) -> bool {
        self.waiver.is_none()
            && (self.severity == Severity::Error
                || (deny_warnings && self.severity == Severity::Warning))
    }

    /// Sort key that makes output order independent of evaluation order.
    pub fn sort_key(&self) -> (usize, usize, &str, &str) {
        let (line, col) = self.location.map_or((0, 0), |l| (l.line, l.column));
        (line, col, &self.rule, &self.message)
    }
}
