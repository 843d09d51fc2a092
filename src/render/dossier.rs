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
    options: Vec<OptionSection>,
    audit: Audit,
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
    gaps: Vec<(String, String)>,
}

#[derive(Serialize)]
struct Factor {
    title: &'static str,
    determination: Option<String>,
    evidence: Vec<(String, String)>,
}

/// A value of the selection record as text: numbers without noise, a list of
/// alternatives one per line.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map_or(n.to_string(), format_number),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("\n"),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{}: {}", k.replace('_', " "), text(v)))
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
    let options = menu
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
                                    .filter(|(k, _)| *k != "determination")
                                    .map(|(k, v)| (k.replace('_', " "), text(v)))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    }
                })
                .collect();
            let gaps = r
                .findings
                .iter()
                .filter(gap)
                .filter(|f| f.option.as_deref() == Some(&o.id))
                .map(|f| (f.id().to_owned(), f.message.clone()))
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
    let data = Data {
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
