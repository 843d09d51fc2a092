//! GitHub Actions workflow commands: one annotation per finding.

use crate::check::FileReport;
use crate::finding::Severity;

/// Escapes a workflow command's message (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

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
            let mut props = vec![format!("file={}", escape_property(&r.path))];
            if let Some(l) = f.location {
                props.push(format!("line={}", l.line));
                props.push(format!("col={}", l.column));
                props.push(format!("endLine={}", l.end_line));
                if l.end_line == l.line {
                    props.push(format!("endColumn={}", l.end_column));
                }
            }
            let title = if f.name.is_empty() {
                f.rule.clone()
            } else {
                format!("{} {}", f.rule, f.name)
            };
            props.push(format!("title={}", escape_property(&title)));
            let mut message = f.message.clone();
            if let Some(h) = &f.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            if let Some(c) = &f.citation {
                message.push_str("\npolicy: ");
                message.push_str(c);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped() {
        assert_eq!(
            escape_data("50% off\r\n::error::x"),
            "50%25 off%0D%0A::error::x"
        );
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }
}
