//! GitHub Actions workflow commands: one annotation per finding.

use super::escape::{github_data, github_property, terminal};

/// A workflow command's message: no terminal controls, then `%`, CR, LF escaped.
fn escape_data(s: &str) -> String {
    github_data(&terminal_lines(s))
}

/// A property value (file, title), likewise.
fn escape_property(s: &str) -> String {
    github_property(&terminal(s))
}

/// Each line made safe for a terminal, the line breaks kept (they become `%0A`).
fn terminal_lines(s: &str) -> String {
    s.split('\n').map(terminal).collect::<Vec<_>>().join("\n")
}
use crate::diag::Severity;
use crate::engine::FileReport;

/// `::error file=…,line=…::message` lines; waived findings are left out.
pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for f in r.findings.iter().filter(|f| f.waiver.is_none()) {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            // a problem with the run itself is about no file
            let mut props = Vec::new();
            if !r.is_run_level() {
                props.push(format!("file={}", escape_property(f.file_name(&r.path))));
            }
            if let Some(l) = f.location {
                props.push(format!("line={}", l.line));
                props.push(format!("col={}", l.column));
                props.push(format!("endLine={}", l.end_line));
                if l.end_line == l.line {
                    props.push(format!("endColumn={}", l.end_column));
                }
            }
            let title = if f.name().is_empty() {
                f.id().to_owned()
            } else {
                format!("{} {}", f.id(), f.name())
            };
            props.push(format!("title={}", escape_property(&title)));
            let mut message = f.message.clone();
            if let Some(h) = f.help_text() {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            if let Some(c) = f.source_line() {
                message.push('\n');
                message.push_str(&c);
            }
            out.push_str(&format!(
                "::{level} {}::{}\n",
                props.join(","),
                escape_data(&message)
            ));
        }
    }
    out
}
