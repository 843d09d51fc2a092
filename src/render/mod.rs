//! Stage 4: turn file reports into text for people and machines. One emitter per format.

mod human;
mod json;
mod rules;

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
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary {
            menus: reports.len(),
            ..Summary::default()
        };
        for r in reports {
            if !r.checked {
                s.not_checked += 1;
            }
            for f in &r.findings {
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
        if self.not_checked > 0 {
            write!(f, " ({} could not be checked)", self.not_checked)?;
        }
        Ok(())
    }
}
