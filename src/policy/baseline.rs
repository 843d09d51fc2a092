//! Baselines: record today's findings so that only new ones are reported.

use crate::diag::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The baseline format this menulint writes and reads.
pub const FORMAT: u32 = 1;

/// Largest baseline read, in bytes: a few hundred bytes per finding recorded.
pub(crate) const MAX_BASELINE_SIZE: u64 = 256 * 1024 * 1024;

/// The baseline file: fingerprints with enough context for a person to read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The baseline format ([`FORMAT`]); a file in another is refused.
    pub menulint_baseline: u32,
    /// The findings recorded, sorted, one per fingerprint.
    pub findings: Vec<Entry>,
}

/// One finding recorded: its fingerprint, and what a person needs to recognise it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The finding's fingerprint: a later finding with the same one is left out.
    pub fingerprint: String,
    /// The rule's id.
    pub rule: String,
    /// The menu file it was found in, as the run named it.
    pub file: String,
    /// The option's id, when the finding is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    /// The finding's message when it was recorded.
    pub message: String,
}

impl Baseline {
    /// Every policy finding given (not input errors, not waived ones), with its file.
    pub fn record<'a>(findings: impl IntoIterator<Item = (&'a str, &'a Finding)>) -> Baseline {
        let mut findings: Vec<Entry> = findings
            .into_iter()
            .filter(|(_, f)| !f.fingerprint.is_empty() && f.waiver.is_none())
            .map(|(file, f)| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.id().to_owned(),
                file: file.to_owned(),
                option: f.option.clone(),
                message: f.message.clone(),
            })
            .collect();
        findings.sort();
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            menulint_baseline: FORMAT,
            findings,
        }
    }

    pub(crate) fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a baseline file: a regular file (never a FIFO or a device, which would
    /// block or never end), within 256 MiB, in a format this menulint
    /// writes. `Err` says why not.
    pub fn read(path: &std::path::Path) -> Result<Baseline, String> {
        let source = crate::menu::load::read_source(path, MAX_BASELINE_SIZE)
            .map_err(|f| format!("cannot use the baseline: {}", f.message))?;
        let name = source.name();
        let b: Baseline = serde_json::from_str(source.text()).map_err(|e| {
            let what = if e.is_data() {
                "it does not hold the findings `check --write-baseline` records"
            } else {
                "it is not JSON"
            };
            format!(
                "{name} is not a menulint baseline: {what} (line {}, column {})",
                e.line(),
                e.column()
            )
        })?;
        if b.menulint_baseline != FORMAT {
            return Err(format!(
                "{name} is a baseline in format {}; this menulint reads format {FORMAT}: record it again with --write-baseline",
                b.menulint_baseline
            ));
        }
        Ok(b)
    }

    /// The fingerprints it records.
    pub fn fingerprints(&self) -> BTreeSet<&str> {
        self.findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }
}
