//! Listings of the rules in force.

use super::escape::markdown;
use crate::diag::{Authority, Basis, Scope, Severity};
use crate::rules::RuleSet;
use serde::Serialize;

/// One line of the terminal table: the rule's columns, then `last` (its summary,
/// or its state in `rules --all`).
fn table_line(cells: [&str; 5], last: &str) -> String {
    let [id, name, severity, basis, pack] = cells;
    format!("{id:<7} {name:<36} {severity:<8} {basis:<12} {pack:<11} {last}\n")
}

fn rule_line(r: &crate::rules::Rule, last: &str) -> String {
    let severity = r.severity.to_string();
    table_line([&r.id, &r.name, &severity, r.basis.as_str(), &r.pack], last)
}

/// A fixed-width table for the terminal.
pub(crate) fn rules_table(rules: &RuleSet) -> String {
    let mut out = table_line(["ID", "NAME", "SEVERITY", "BASIS", "PACK"], "SUMMARY");
    for r in rules.rules() {
        out.push_str(&rule_line(r, &r.summary));
    }
    out
}

/// Whether a rule is in force, and if not, what would put it there.
fn state(r: &crate::rules::Rule, loaded: bool) -> String {
    match (loaded, r.enabled, r.opt_in) {
        (false, _, _) => format!("not in the config's packs: name \"{}\" in packs", r.pack),
        (true, true, _) => "in force".to_owned(),
        (true, false, true) => format!("opt-in: name \"{}\" in packs", r.pack),
        (true, false, false) => "off (config or --select/--ignore)".to_owned(),
    }
}

/// Every rule menulint has, in force or not (`rules --all`): those of the packs the
/// policy loaded, then the built-in packs it did not, each with its state.
pub(crate) fn rules_table_all(loaded: &RuleSet, builtin: &RuleSet) -> String {
    let mut out = table_line(["ID", "NAME", "SEVERITY", "BASIS", "PACK"], "STATE");
    let absent = builtin
        .all_rules()
        .filter(|b| !loaded.all_rules().any(|r| r.id == b.id));
    let rows = loaded
        .all_rules()
        .map(|r| (r, true))
        .chain(absent.map(|r| (r, false)));
    for (r, is_loaded) in rows {
        out.push_str(&rule_line(r, &state(r, is_loaded)));
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
pub(crate) fn rules_json(rules: &RuleSet) -> String {
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
