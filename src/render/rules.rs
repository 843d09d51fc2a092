//! Listings of the rules in force.

use super::escape::markdown;
use crate::rules::RuleSet;
use serde::Serialize;

/// A fixed-width table for the terminal.
pub fn rules_table(rules: &RuleSet) -> String {
    let mut out = format!(
        "{:<7} {:<36} {:<8} {:<11} {}\n",
        "ID", "NAME", "SEVERITY", "PACK", "SUMMARY"
    );
    for r in rules.rules() {
        out.push_str(&format!(
            "{:<7} {:<36} {:<8} {:<11} {}\n",
            r.id, r.name, r.severity, r.pack, r.summary
        ));
    }
    out
}

/// A Markdown table, as embedded in the README.
pub fn rules_markdown(rules: &RuleSet) -> String {
    let mut out = String::from(
        "| ID | Name | Severity | Pack | Checks | Source |\n|---|---|---|---|---|---|\n",
    );
    for r in rules.rules() {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} |\n",
            r.id,
            r.name,
            r.severity,
            r.pack,
            markdown(&r.summary),
            markdown(&r.citation)
        ));
    }
    out
}

#[derive(Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    name: &'a str,
    severity: crate::diag::Severity,
    pack: &'a str,
    scope: crate::rules::Scope,
    summary: &'a str,
    citation: &'a str,
    params: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

/// JSON array of rules with their effective parameters.
pub fn rules_json(rules: &RuleSet) -> String {
    let rows: Vec<RuleRow> = rules
        .rules()
        .map(|r| RuleRow {
            id: &r.id,
            name: &r.name,
            severity: r.severity,
            pack: &r.pack,
            scope: r.scope,
            summary: &r.summary,
            citation: &r.citation,
            params: &r.params,
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
    s.push('\n');
    s
}
