//! Formats of one line (or one object) per finding, for logs and CI services:
//! `concise` as ruff prints it, GitLab's Code Quality report, and JSON lines.
//! Waived findings are left out, as the exit code leaves them out.

use super::escape::{no_workflow_commands, terminal};
use super::{stable_key, Summary};
use crate::diag::{Finding, Severity};
use crate::engine::FileReport;
use serde::Serialize;
use sha2::{Digest, Sha256};

fn open(reports: &[FileReport]) -> impl Iterator<Item = (&FileReport, &Finding)> {
    reports.iter().flat_map(|r| {
        r.findings
            .iter()
            .filter(|f| f.waiver.is_none())
            .map(move |f| (r, f))
    })
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// `path:line:col: severity RULE message`, then the run's summary line. Text from the
/// menu is made safe for a terminal, and no line can start a CI workflow command.
pub fn concise(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for (r, f) in open(reports) {
        let at = match f.location {
            Some(l) => format!("{}:{}:{}", terminal(f.file_name(&r.path)), l.line, l.column),
            None => terminal(f.file_name(&r.path)),
        };
        out.push_str(&format!(
            "{at}: {} {} {}\n",
            severity(f.severity),
            f.id(),
            terminal(&f.message)
        ));
    }
    out.push_str(&format!("{}\n", Summary::of(reports)));
    no_workflow_commands(out)
}

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// A GitLab Code Quality report: `description`, `check_name`, a `fingerprint` that
/// stays the same from run to run (no message text, no position), `severity`
/// (error major, warning minor, info info) and `location` (path, first line).
pub fn gitlab(reports: &[FileReport]) -> String {
    let issues: Vec<Issue> = open(reports)
        .map(|(r, f)| Issue {
            description: &f.message,
            check_name: f.id(),
            fingerprint: format!(
                "{:x}",
                Sha256::digest(format!("{}\n{}", r.path, stable_key(r, f)).as_bytes())
            ),
            severity: match f.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info => "info",
            },
            location: Location {
                path: f.file_name(&r.path),
                lines: Lines {
                    begin: f.location.map_or(1, |l| l.line.max(1) as u32),
                },
            },
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// One JSON object per finding, each the finding as the JSON format gives it with
/// the file it is in (`filename`).
pub(crate) fn json_lines(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for (r, f) in open(reports) {
        let mut v = serde_json::to_value(f).unwrap_or_default();
        if let Some(m) = v.as_object_mut() {
            m.insert("filename".into(), f.file_name(&r.path).into());
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}
