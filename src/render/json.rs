//! One JSON document for the whole run.

use super::Summary;
use crate::diag::Finding;
use crate::engine::FileReport;
use serde::Serialize;

#[derive(Serialize)]
struct Run<'a> {
    version: &'static str,
    as_of: &'a str,
    files: Vec<File<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    checked: bool,
    findings: &'a [Finding],
}

/// Pretty-printed JSON with a trailing newline.
pub fn render_json(reports: &[FileReport], as_of: &str) -> String {
    let run = Run {
        version: env!("CARGO_PKG_VERSION"),
        as_of,
        files: reports
            .iter()
            .map(|r| File {
                path: &r.path,
                checked: r.checked,
                findings: &r.findings,
            })
            .collect(),
        summary: Summary::of(reports),
    };
    // plain data always serializes
    let mut s = serde_json::to_string_pretty(&run).unwrap_or_default();
    s.push('\n');
    s
}
