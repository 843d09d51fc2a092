//! Stage 4: turn file reports into text for people and machines. One emitter per format.

mod explain;
mod human;
mod json;
mod rules;

pub use explain::explain;
pub use human::{render_human, HumanStyle};
pub use json::render_json;
pub use rules::{rules_json, rules_markdown, rules_table};

use crate::check::FileReport;
use crate::finding::Severity;

/// Counts over a whole run, for summary lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub menus: usize,
    pub not_checked: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    pub baselined: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary {
            menus: reports.iter().filter(|r| r.is_menu).count(),
            ..Summary::default()
        };
        for r in reports {
            if !r.checked {
                s.not_checked += 1;
            }
            s.baselined += r.baselined;
            for f in &r.findings {
                if f.waiver.is_some() {
                    s.waived += 1;
                    continue;
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
        if self.not_checked > 0 {
            write!(f, " ({} could not be checked)", self.not_checked)?;
        }
        Ok(())
    }
}
