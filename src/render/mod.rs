//! Stage 5: turn file reports into text for people and machines. One emitter per
//! format; renderers only render — they never run the pipeline.

mod charts;
mod diff;
mod disclose;
mod document;
mod dossier;
pub mod escape;
mod explain;
mod exposure;
mod github;
mod human;
mod json;
mod junit;
mod lines;
mod markdown;
mod monitor;
pub mod pdf;
mod report;
mod rule_page;
mod rules;
mod sarif;
mod settings;

pub use diff::{diff_human, diff_json, diff_markdown};
pub use disclose::disclose;
pub use disclose::DiscloseFormat;
pub use document::ReportFormat;
pub use dossier::dossier;
pub use explain::explain;
pub(crate) use exposure::explain_exposure;
pub(crate) use human::{render_human, HumanStyle};
pub(crate) use json::render_json;
pub(crate) use json::render_json_to;
pub use monitor::monitor;
pub use monitor::{MonitorFormat, Watched};
pub use report::report;
pub use rule_page::{rule_index, rule_page, rule_page_path, rule_page_url};
pub use rules::rules_markdown;
pub(crate) use rules::{rules_json, rules_table, rules_table_all};
pub use settings::settings;

use crate::diag::{Finding, Severity};
use crate::engine::FileReport;
use std::collections::BTreeMap;

pub use crate::engine::run::Catalog;

/// Output formats of `menulint check`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::AsRefStr, strum::EnumString, strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case", ascii_case_insensitive)]
pub enum Format {
    /// Annotated source snippets for people.
    Human,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// JUnit XML: a suite per menu, a case per rule and option.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown summary for a pull-request comment.
    Markdown,
    /// One line per finding: `path:line:col: severity RULE message`.
    Concise,
    /// A GitLab Code Quality report (a JSON array of issues).
    Gitlab,
    /// One JSON object per finding per line.
    JsonLines,
}

/// Settings shared by the emitters.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// The check date, `YYYY-MM-DD`, that outputs state.
    pub as_of: &'a str,
    /// The rules in force, by id: SARIF and JUnit list each, whether it fired or not.
    pub catalog: &'a Catalog,
    /// Colour the human format.
    pub color: bool,
    /// The human format's line width, in characters.
    pub width: usize,
    /// Human format: leave out the summary line (and say nothing when all is clean).
    pub quiet: bool,
    /// Warnings fail the run (`--deny warnings`): formats that mark failures (JUnit)
    /// then mark them too, so they agree with the exit code.
    pub deny_warnings: bool,
}

/// Renders the reports in one format.
pub fn render(format: Format, reports: &[FileReport], opts: &RenderOptions) -> String {
    match format {
        Format::Human => {
            let s = render_human(
                reports,
                HumanStyle {
                    color: opts.color,
                    width: opts.width,
                },
            );
            if opts.quiet {
                // the summary is the last line
                let body = s.trim_end_matches('\n');
                body.rfind('\n')
                    .map_or(String::new(), |i| body[..=i].to_owned())
            } else {
                s
            }
        }
        Format::Json => render_json(reports, opts.as_of),
        Format::Sarif => sarif::render(reports, opts),
        Format::Junit => junit::render(reports, opts),
        Format::Github => github::render(reports),
        Format::Markdown => markdown::render(reports, opts),
        Format::Concise => lines::concise(reports),
        Format::Gitlab => lines::gitlab(reports),
        Format::JsonLines => lines::json_lines(reports),
    }
}

/// Findings per rule, most frequent first (ruff's `--statistics`): count, rule,
/// name, and how many of them fail the run.
pub fn statistics(reports: &[FileReport]) -> String {
    let mut counts: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        let e = counts.entry((f.id(), f.name())).or_default();
        e.0 += 1;
        if f.is_failing(false) {
            e.1 += 1;
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    let mut out = format!(
        "\n{:>6}  {:<26} {:<36} {}\n",
        "Count", "Rule or code", "Name", "Failing the run"
    );
    for ((id, name), (n, failing)) in rows {
        out.push_str(&format!("{n:>6}  {id:<26} {name:<36} {failing:>15}\n"));
    }
    out
}

/// Counts over a whole run, for summary lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Summary {
    pub menus: usize,
    pub not_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    pub baselined: usize,
    /// Rules not decided because a figure they need is not computed (counted in
    /// their severity too): the run is INCOMPLETE, never a pass.
    #[serde(skip_serializing_if = "is_zero")]
    pub incomplete: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary {
            menus: reports.iter().filter(|r| r.is_menu).count(),
            ..Summary::default()
        };
        for r in reports {
            if !r.checked && r.is_menu {
                s.not_checked += 1;
            }
            s.baselined += r.baselined;
            for f in &r.findings {
                if f.waiver.is_some() {
                    s.waived += 1;
                    continue;
                }
                if f.incomplete {
                    s.incomplete += 1;
                }
                match f.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => s.infos += 1,
                }
            }
        }
        s
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{}, {}, {}, {}",
            plural(self.menus, "menu", "menus"),
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings"),
            plural(self.infos, "info", "infos"),
        )?;
        if self.waived > 0 {
            write!(f, ", {} waived", self.waived)?;
        }
        if self.baselined > 0 {
            write!(f, ", {} in baseline", self.baselined)?;
        }
        if self.incomplete > 0 {
            write!(
                f,
                "; INCOMPLETE: {} not decided, a figure they need is not computed",
                plural(self.incomplete, "rule", "rules")
            )?;
        }
        if self.not_checked > 0 {
            write!(f, " ({} could not be checked)", self.not_checked)?;
        }
        Ok(())
    }
}

/// A result's identity for code scanning, stable from run to run: a rule finding's
/// fingerprint (rule, plan, option id, field); for other findings (schema, waivers)
/// the anchor the engine took (`engine::anchor`), whichever outputs the run keeps
/// the file's text for.
pub(crate) fn stable_key(r: &FileReport, f: &Finding) -> String {
    if !f.fingerprint.is_empty() {
        f.fingerprint.clone()
    } else if !f.anchor.is_empty() {
        f.anchor.clone()
    } else {
        crate::engine::anchor(r, f)
    }
}
