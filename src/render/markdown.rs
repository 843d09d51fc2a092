//! A compact Markdown summary, sized for a pull-request comment.

use super::escape::{markdown as cell, markdown_code as code};
use super::{RenderOptions, Summary};
use crate::diag::Severity;
use crate::engine::FileReport;

pub fn render(reports: &[FileReport], opts: &RenderOptions) -> String {
    let summary = Summary::of(reports);
    let verdict = if summary.errors > 0 || summary.not_checked > 0 {
        "❌"
    } else {
        "✅"
    };
    let mut out = format!(
        "## {verdict} menulint: {summary}\n\nChecked as of {}.\n",
        opts.as_of
    );
    let mut rows = Vec::new();
    let mut waived = Vec::new();
    for r in reports {
        for f in &r.findings {
            let at = f.location.map_or(code(f.file_name(&r.path)), |l| {
                code(&format!("{}:{}", f.file_name(&r.path), l.line))
            });
            let rule = if f.name().is_empty() {
                cell(f.id())
            } else {
                format!("{} {}", cell(f.id()), code(f.name()))
            };
            match &f.waiver {
                Some(w) => waived.push(format!(
                    "| {rule} | {at} | {} | {} ({}, expires {}) |",
                    cell(&f.message),
                    cell(&w.reason),
                    cell(&w.approved_by),
                    cell(&w.expires)
                )),
                None => {
                    let sev = match f.severity {
                        Severity::Error => "🔴 error",
                        Severity::Warning => "🟡 warning",
                        Severity::Info => "🔵 info",
                    };
                    rows.push(format!("| {sev} | {rule} | {at} | {} |", cell(&f.message)));
                }
            }
        }
    }
    if !rows.is_empty() {
        out.push_str("\n| Severity | Rule | Where | Finding |\n|---|---|---|---|\n");
        out.push_str(&rows.join("\n"));
        out.push('\n');
    }
    if !waived.is_empty() {
        out.push_str("\n<details><summary>Waived findings</summary>\n\n| Rule | Where | Finding | Waiver |\n|---|---|---|---|\n");
        out.push_str(&waived.join("\n"));
        out.push_str("\n\n</details>\n");
    }
    out
}
