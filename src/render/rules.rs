//! Listings of the rules in force.

use super::escape::markdown;
use crate::diag::{Authority, Basis, Scope, Severity};
use crate::rules::RuleSet;
use serde::Serialize;

/// A fixed-width table for the terminal.
pub fn rules_table(rules: &RuleSet) -> String {
    let mut out = format!(
        "{:<7} {:<36} {:<8} {:<7} {:<11} {}\n",
        "ID", "NAME", "SEVERITY", "BASIS", "PACK", "SUMMARY"
    );
    for r in rules.rules() {
        out.push_str(&format!(
            "{:<7} {:<36} {:<8} {:<7} {:<11} {}\n",
            r.id,
            r.name,
            r.severity,
            r.basis.as_str(),
            r.pack,
            r.summary
        ));
    }
    out
}

/// One authority for a Markdown cell: the cite, its kind and, unless in force, its status.
fn authority_cell(a: &Authority) -> String {
    let status = if a.status != crate::diag::AuthorityStatus::InForce {
        format!(", **{}**", a.status.as_str())
    } else {
        String::new()
    };
    format!("{} ({}{status})", markdown(&a.cite), a.kind.as_str())
}

/// A Markdown table, as embedded in the README.
pub fn rules_markdown(rules: &RuleSet) -> String {
    let mut out = String::from(
        "| ID | Name | Severity | Basis | Pack | Checks | Authorities |\n|---|---|---|---|---|---|---|\n",
    );
    for r in rules.rules() {
        let sources: Vec<String> = r.authorities.iter().map(authority_cell).collect();
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} |\n",
            r.id,
            r.name,
            r.severity,
            r.basis.as_str(),
            r.pack,
            markdown(&r.summary),
            sources.join("; ")
        ));
    }
    out
}

#[derive(Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    name: &'a str,
    severity: Severity,
    basis: Basis,
    pack: &'a str,
    scope: Scope,
    summary: &'a str,
    citation: &'a str,
    authorities: &'a [Authority],
    params: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

/// JSON array of rules with their basis, authorities and effective parameters.
pub fn rules_json(rules: &RuleSet) -> String {
    let rows: Vec<RuleRow> = rules
        .rules()
        .map(|r| RuleRow {
            id: &r.id,
            name: &r.name,
            severity: r.severity,
            basis: r.basis,
            pack: &r.pack,
            scope: r.scope,
            summary: &r.summary,
            citation: &r.citation,
            authorities: &r.authorities,
            params: &r.params,
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
    s.push('\n');
    s
}
