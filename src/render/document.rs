//! What the committee's documents (report, dossier, watch list) share: the template
//! environment with menulint's escaping filters, the audit block, the output kind.

use super::escape;
use crate::policy::Policy;
use minijinja::value::Serde;
use minijinja::{Environment, Value};
use serde::Serialize;

/// Which output a document takes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::AsRefStr, strum::EnumString, strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case", ascii_case_insensitive)]
pub enum ReportFormat {
    /// One self-contained HTML file that prints on A4 and Letter.
    Html,
    /// The same content, in the same order, in Markdown.
    Markdown,
    /// A PDF typeset from the Markdown, fonts embedded, on the paper asked for.
    Pdf,
}

/// A document's text as its output's bytes: the text itself, or for a PDF the
/// Markdown `text` typeset on `paper`.
pub(crate) fn finish(text: String, pdf: bool, paper: super::pdf::Paper) -> Result<Vec<u8>, String> {
    if pdf {
        super::pdf::typeset(&text, paper)
    } else {
        Ok(text.into_bytes())
    }
}

/// What a committee needs to reproduce a document: the hashes of every input and
/// every effective parameter (shared by the report and the dossier).
#[derive(Serialize)]
pub(crate) struct Audit {
    /// None for a lineup: the menu is made from the export, whose own hash is
    /// among the inputs.
    menu_sha256: Option<String>,
    packs: Vec<(String, String)>,
    configs: Vec<(String, String)>,
    /// The other files the verdict was drawn from: (what it is, name, SHA-256).
    inputs: Vec<(String, String, String)>,
    params: Vec<(String, String, String)>,
}

/// The audit block of a document about this menu under this policy; `inputs` are
/// the other files its verdict was drawn from.
pub(crate) fn audit(
    policy: &Policy,
    source: &crate::diag::SourceFile,
    inputs: &[crate::diag::AuditedFile],
) -> Audit {
    let from_lineup = inputs.iter().any(|f| f.role == "lineup");
    Audit {
        menu_sha256: (!from_lineup).then(|| sha256(source.text())),
        // a built-in pack is no file of the plan's repository: it is named by its
        // pack and the menulint that holds it
        packs: policy
            .rules
            .packs_in_force()
            .map(|p| {
                let name = if p.rules.first().is_some_and(|r| r.builtin) {
                    format!(
                        "{} (built into menulint {})",
                        p.header.name,
                        env!("CARGO_PKG_VERSION")
                    )
                } else {
                    p.source.name().to_owned()
                };
                (name, sha256(p.source.text()))
            })
            .collect(),
        inputs: inputs
            .iter()
            .map(|f| (f.role.to_owned(), f.name.clone(), f.sha256.clone()))
            .collect(),
        configs: policy
            .config
            .files
            .iter()
            .map(|c| (c.name().to_owned(), sha256(c.text())))
            .collect(),
        params: policy
            .rules
            .rules()
            .flat_map(|r| {
                r.params
                    .iter()
                    .map(move |(k, v)| (r.id.clone(), k.clone(), setting(v)))
            })
            .collect(),
    }
}

/// Renders a document template with menulint's escaping filters (`md`, `code`,
/// and HTML auto-escaping for `.html` names).
pub(crate) fn render_template(
    name: &str,
    source: &str,
    data: &impl Serialize,
) -> Result<String, String> {
    let mut env = Environment::new();
    // every value reaches the document without invisible controls, then escaped as
    // the template's kind requires (HTML, or nothing for Markdown, which has filters)
    env.set_formatter(|out, state, value| {
        if value.is_safe() || value.as_str().is_none() {
            return minijinja::escape_formatter(out, state, value);
        }
        let clean = Value::from(escape::document_text(value.as_str().unwrap_or_default()));
        minijinja::escape_formatter(out, state, &clean)
    });
    env.add_filter("md", |s: String| escape::markdown(&s));
    env.add_filter("code", |s: String| escape::markdown_code(&s));
    env.add_filter("safe_svg", |s: String| Value::from_safe_string(s));
    // a date in words (`30 Sep 2026`); anything else as it is
    env.add_filter("date", |s: String| crate::date::words(&s));
    env.add_template(name, source)
        .map_err(|e| format!("{name}: {e}"))?;
    let tpl = env.get_template(name).map_err(|e| format!("{name}: {e}"))?;
    tpl.render(Value::from(Serde(data)))
        .map_err(|e| format!("{name}: {e}"))
}

fn sha256(text: &str) -> String {
    crate::diag::sha256_hex(text.as_bytes())
}

/// A percentage as the committee's documents print it: two decimals, three below
/// 1 % (an expense ratio of 0.015 % stays that), trailing zeros dropped, no space
/// before the sign.
pub(crate) fn percent(x: f64) -> String {
    let places = if x.abs() < 1.0 { 3 } else { 2 };
    let k = 10f64.powi(places);
    format!("{}%", crate::rules::format_number((x * k).round() / k))
}

/// A rule's parameter as a person reads it: a list as its items, a table as its
/// entries, a number as written — never JSON.
fn setting(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::String(s) => crate::rules::label(s),
        Value::Array(items) => items.iter().map(setting).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", crate::rules::label(k), setting(v)))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
