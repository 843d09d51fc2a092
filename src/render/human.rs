//! Annotated source snippets through miette's graphical handler.

use super::escape::{no_workflow_commands, terminal, terminal_source};
use super::Summary;
use crate::diag::{Finding, Severity, SourceFile};
use crate::engine::FileReport;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::fmt;

/// How to draw the output.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

/// A finding viewed as a miette diagnostic; every text in it made safe for a terminal.
struct Diag<'a> {
    finding: &'a Finding,
    message: String,
    source: Option<SourceFile>,
    help: Option<String>,
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The file's text as the terminal may show it (same byte offsets).
fn safe_source(source: &SourceFile) -> SourceFile {
    match terminal_source(source.text()) {
        Some(text) => SourceFile::new(terminal(source.name()), text),
        None if terminal(source.name()) != source.name() => {
            SourceFile::new(terminal(source.name()), source.text().to_owned())
        }
        None => source.clone(),
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let f = self.finding;
        Some(if f.name().is_empty() {
            Box::new(f.id())
        } else {
            Box::new(format!("{}({})", f.id(), f.name()))
        })
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let f = self.finding;
        let primary = f.span.clone().map(|s| {
            LabeledSpan::new_primary_with_span(f.label.as_deref().map(terminal), s.start..s.end)
        });
        let others = f.labels.iter().map(|l| {
            LabeledSpan::new_with_span(Some(terminal(&l.message)), l.span.start..l.span.end)
        });
        Some(Box::new(primary.into_iter().chain(others)))
    }
}

/// Renders every finding of every report, then a summary line.
pub(crate) fn render_human(reports: &[FileReport], style: HumanStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme.clone())
        .with_width(style.width)
        .with_links(false);
    // a lineup's finding names its cell (`lineup.xlsx:Funds!D14`), not a text position
    let cell_handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .without_primary_span_start();
    let mut out = String::new();
    for report in reports {
        let source = report.source.as_ref().map(safe_source);
        let path = terminal(&report.path);
        for finding in &report.findings {
            if let Some(w) = &finding.waiver {
                let at = finding
                    .location
                    .map_or(String::new(), |l| format!(":{}:{}", l.line, l.column));
                out.push_str(&format!(
                    "  waived {}({}) at {}{at}: {}\n    reason: {} (approved by {}, expires {}; {})\n\n",
                    finding.id(), finding.name(), terminal(finding.file_name(&report.path)), terminal(&finding.message), terminal(&w.reason),
                    terminal(&w.approved_by), terminal(&w.expires), terminal(&w.at)
                ));
                continue;
            }
            let help = match (finding.help_text(), finding.source_line()) {
                (Some(h), Some(c)) => Some(format!("{}\n{}", terminal(h), terminal(&c))),
                (Some(h), None) => Some(terminal(h)),
                (None, Some(c)) => Some(terminal(&c)),
                (None, None) => None,
            };
            let named = |s: &SourceFile| match &finding.cell {
                Some(cell) => s.renamed(format!("{path}:{}", terminal(cell))),
                None => s.clone(),
            };
            // a fact an overlay adds is shown in the overlay
            let own = finding.file.as_ref().map(safe_source);
            let diag = Diag {
                finding,
                message: terminal(&finding.message),
                source: own
                    .or_else(|| source.as_ref().map(named))
                    .filter(|_| finding.span.is_some()),
                help,
            };
            if finding.span.is_none() {
                out.push_str(&format!("{}: ", terminal(finding.file_name(&report.path))));
            }
            let handler = if finding.cell.is_some() {
                &cell_handler
            } else {
                &handler
            };
            // writing into a String cannot fail
            let _ = handler.render_report(&mut out, &diag);
            out.push('\n');
        }
    }
    out.push_str(&Summary::of(reports).to_string());
    out.push('\n');
    no_workflow_commands(out)
}
