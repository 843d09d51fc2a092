//! A rule's shipped examples, run against the rules in force (for `explain` and tests).

use super::check::check_source;
use super::evaluate::Evaluation;
use crate::rules::{Rule, RuleSet};

/// What one example did.
#[derive(Debug, Clone)]
pub struct ExampleRun {
    /// The example's title, as the pack gives it.
    pub title: String,
    /// The example's menu text as the pack gives it; the run puts a plan header above
    /// it.
    pub menu: String,
    /// What the example says it does.
    pub claims_to_fail: bool,
    /// The first finding of the rule, and its line within the example's own text.
    pub hit: Option<(String, usize)>,
    /// False when the rule is switched off, so the example could not show anything.
    pub ran: bool,
    /// Why the example could not be checked (a rule that cannot be evaluated on it):
    /// neither a pass nor a fail.
    pub error: Option<String>,
}

impl ExampleRun {
    /// Whether the rule fired on the example (to compare with `claims_to_fail`).
    pub fn fails(&self) -> bool {
        self.hit.is_some()
    }
}

/// Runs every example of `rule` with the rules in force.
pub fn run_examples(rules: &RuleSet, rule: &Rule, as_of: &str) -> Vec<ExampleRun> {
    let ev = Evaluation::new(rules, as_of, &[]);
    rule.examples
        .iter()
        .enumerate()
        .map(|(i, ex)| {
            let report = check_source(&ev, None, ex.to_source(&rule.id, i));
            let hit = report.findings.iter().find(|f| f.id() == rule.id).map(|f| {
                // the example's text starts after the six-line plan header
                let line = f.location.map_or(0, |l| l.line.saturating_sub(6));
                (f.message.clone(), line)
            });
            ExampleRun {
                title: ex.title.clone(),
                menu: ex.menu.clone(),
                claims_to_fail: ex.fails,
                hit,
                ran: rule.enabled,
                error: (!report.checked).then(|| {
                    report
                        .findings
                        .iter()
                        .find(|f| f.rule().is_none())
                        .map_or_else(
                            || "it could not be checked".to_owned(),
                            |f| f.message.clone(),
                        )
                }),
            }
        })
        .collect()
}
