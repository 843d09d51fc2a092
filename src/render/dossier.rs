//! `menulint dossier`: the committee's evidence file for selecting each option, on
//! the six factors of the DOL's proposed safe harbor (proposed 29 CFR 2550.404a-6).

use super::document::{audit, finish, render_template, Audit, ReportFormat};
use super::pdf::Paper;
use crate::diag::Finding;
use crate::engine::Judged;
use crate::menu::FACTORS;
use crate::rules::format_number;
use serde::Serialize;
use serde_json::Value;

const HTML_TEMPLATE: &str = include_str!("../../templates/dossier.html");
const MARKDOWN_TEMPLATE: &str = include_str!("../../templates/dossier.md");

#[derive(Serialize)]
struct Data {
    version: &'static str,
    as_of: String,
    generated: Option<String>,
    menu_path: String,
    plan: String,
    sponsor: String,
    /// The options with a section: a record, or a finding that asks for one.
    options: Vec<OptionSection>,
    /// The options with no record that no rule asks one of, named once.
    unrecorded: Vec<String>,
    summary: Summary,
    audit: Audit,
}

/// The dossier's first page: how complete the committee's record is.
#[derive(Serialize)]
struct Summary {
    /// The options reviewed: with a record, or asked for one.
    options: usize,
    /// Recorded, with no finding on the record.
    complete: usize,
    /// Recorded or asked for, with findings.
    with_gaps: usize,
    /// The findings in all.
    gaps: usize,
    verdict: &'static str,
}

/// One alternative the committee compared an option with (or the option itself).
#[derive(Serialize)]
struct Alternative {
    name: String,
    net_return: String,
    risk_adjusted: String,
    expense_ratio: String,
    /// The option under review, not an alternative.
    own: bool,
}

#[derive(Serialize)]
struct OptionSection {
    anchor: String,
    id: String,
    name: String,
    asset_class: String,
    recorded: bool,
    reviewed_on: String,
    reviewed_by: String,
    minutes: String,
    factors: Vec<Factor>,
    /// The findings on this option: the gaps in its record, and any other.
    gaps: Vec<String>,
}

#[derive(Serialize)]
struct Factor {
    title: &'static str,
    determination: Option<String>,
    evidence: Vec<(String, String)>,
    /// The performance comparison as a table: the option, then each alternative.
    alternatives: Vec<Alternative>,
}

/// A record's key as a heading: `net_return_pct` is "Net return (%)".
fn key_label(key: &str) -> String {
    let (stem, unit) = match key {
        k if k.ends_with("_pct") => (&k[..k.len() - 4], " (%)"),
        k if k.ends_with("_usd") => (&k[..k.len() - 4], " ($)"),
        k => (k, ""),
    };
    let words = stem.replace('_', " ");
    let mut c = words.chars();
    let first = c
        .next()
        .map(|f| f.to_uppercase().collect::<String>())
        .unwrap_or_default();
    format!("{first}{}{unit}", c.as_str())
}

/// The alternatives of a performance record as rows, the option's own first.
fn alternatives(name: &str, fee: Option<f64>, perf: Option<&Value>) -> Vec<Alternative> {
    let Some(list) = perf
        .and_then(|p| p.get("alternatives"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let cell = |v: Option<&Value>, unit: &str| {
        v.and_then(Value::as_f64)
            .map_or_else(|| "—".to_owned(), |n| format!("{}{unit}", format_number(n)))
    };
    let row = |name: String, v: Option<&Value>, own: bool| Alternative {
        name,
        net_return: cell(v.and_then(|v| v.get("net_return_pct")), "%"),
        risk_adjusted: cell(v.and_then(|v| v.get("risk_adjusted")), ""),
        expense_ratio: cell(v.and_then(|v| v.get("expense_ratio_pct")), "%"),
        own,
    };
    let mut own = row(format!("{name} (this option)"), perf, true);
    if let Some(fee) = fee {
        own.expense_ratio = super::document::percent(fee);
    }
    std::iter::once(own)
        .chain(list.iter().map(|a| {
            let name = a.get("name").and_then(Value::as_str).unwrap_or("—");
            let name = match a.get("ticker").and_then(Value::as_str) {
                Some(t) => format!("{name} ({t})"),
                None => name.to_owned(),
            };
            row(name, Some(a), false)
        }))
        .collect()
}

/// A value of the selection record as text: numbers without noise, a list of
/// alternatives one per line.
fn text(v: &Value) -> String {
    match v {
        // a vocabulary value in words: `us_equity` is "US equity"
        Value::String(s) => crate::rules::label(s),
        Value::Number(n) => n.as_f64().map_or(n.to_string(), format_number),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("\n"),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{}: {}", key_label(k), text(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn field(sel: Option<&Value>, key: &str) -> String {
    sel.and_then(|s| s.get(key))
        .map_or_else(|| "—".to_owned(), text)
}

/// Builds the dossier of one checked menu.
pub fn dossier(
    judged: &Judged,
    generated: Option<String>,
    format: ReportFormat,
    paper: Paper,
) -> Result<Vec<u8>, String> {
    let (r, policy, as_of) = (judged.report, judged.policy, judged.as_of);
    let (Some(menu), Some(source)) = (&r.menu, &r.source) else {
        return Err(format!(
            "{} could not be checked; run `menulint check` on it",
            r.path
        ));
    };
    // every policy finding on the option is a gap the committee must see beside the
    // record; the selection pack's name the missing evidence
    let gap = |f: &&Finding| f.rule().is_some();
    let all: Vec<OptionSection> = menu
        .options
        .iter()
        .map(|o| {
            let sel = o.selection.as_ref();
            let factors = FACTORS
                .iter()
                .map(|(key, title)| {
                    let f = sel.and_then(|s| s.get(*key));
                    Factor {
                        title,
                        determination: f.and_then(|f| f.get("determination")).map(text),
                        evidence: f
                            .and_then(Value::as_object)
                            .map(|m| {
                                m.iter()
                                    // the comparison is a table of its own
                                    .filter(|(k, _)| *k != "determination" && *k != "alternatives")
                                    .map(|(k, v)| (key_label(k), text(v)))
                                    .collect()
                            })
                            .unwrap_or_default(),
                        alternatives: if *key == "performance" {
                            alternatives(&o.name, o.expense_ratio_pct, f)
                        } else {
                            Vec::new()
                        },
                    }
                })
                .collect();
            let gaps = r
                .findings
                .iter()
                .filter(gap)
                .filter(|f| f.option.as_deref() == Some(&o.id))
                .map(|f| f.message.clone())
                .collect();
            OptionSection {
                anchor: format!("option-{}", o.id),
                id: o.id.clone(),
                name: o.name.clone(),
                asset_class: crate::rules::label(&o.asset_class),
                recorded: sel.is_some(),
                reviewed_on: field(sel, "reviewed_on"),
                reviewed_by: field(sel, "reviewed_by"),
                minutes: field(sel, "minutes"),
                factors,
                gaps,
            }
        })
        .collect();
    let summary = Summary {
        options: all
            .iter()
            .filter(|o| o.recorded || !o.gaps.is_empty())
            .count(),
        complete: all
            .iter()
            .filter(|o| o.recorded && o.gaps.is_empty())
            .count(),
        with_gaps: all.iter().filter(|o| !o.gaps.is_empty()).count(),
        gaps: all.iter().map(|o| o.gaps.len()).sum(),
        verdict: if all.iter().all(|o| o.gaps.is_empty()) {
            "COMPLETE"
        } else {
            "GAPS"
        },
    };
    // an option with no record that no rule asks one of is named once, not given six
    // empty determinations
    let (options, unrecorded): (Vec<OptionSection>, Vec<OptionSection>) = all
        .into_iter()
        .partition(|o| o.recorded || !o.gaps.is_empty());
    let unrecorded = unrecorded.into_iter().map(|o| o.name).collect();
    let data = Data {
        unrecorded,
        summary,
        version: env!("CARGO_PKG_VERSION"),
        as_of: as_of.to_owned(),
        generated,
        menu_path: r.path.clone(),
        plan: menu.plan.name.clone(),
        sponsor: menu.plan.sponsor.clone(),
        options,
        audit: audit(policy, source, &r.audited),
    };
    let text = match format {
        ReportFormat::Html => render_template("dossier.html", HTML_TEMPLATE, &data)?,
        ReportFormat::Markdown | ReportFormat::Pdf => {
            render_template("dossier.md", MARKDOWN_TEMPLATE, &data)?
        }
    };
    finish(text, format == ReportFormat::Pdf, paper)
}
