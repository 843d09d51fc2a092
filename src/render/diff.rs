//! Renderings of a [`MenuDiff`].

use super::document::percent;
use super::escape::{markdown, markdown_code, no_workflow_commands, terminal};
use crate::diag::Finding;
use crate::engine::diff::{MenuDiff, OptionChange};
use crate::rules::format_number;
use serde_json::Value;

/// A field's value with its unit, as the menu's key says it: `assets_usd` in
/// dollars with separators, `…_pct` as a percentage.
fn value(key: &str, v: &Option<Value>) -> String {
    match v {
        None => "(none)".to_owned(),
        Some(Value::String(s)) => format!("{s:?}"),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(x) if key.ends_with("_usd") => dollars(x),
            Some(x) if key.ends_with("_pct") => percent(x),
            Some(x) => format_number(x),
            None => n.to_string(),
        },
        Some(other) => other.to_string(),
    }
}

fn dollars(x: f64) -> String {
    crate::rules::usd(x).unwrap_or_else(|| format_number(x))
}

/// A plan figure with its unit (the figure's name says it), or `not computed` —
/// never a zero standing in for missing data.
fn figure(name: &str, v: Option<f64>) -> String {
    match v {
        None => "not computed".to_owned(),
        Some(x) if name.contains("USD") => dollars(x),
        Some(x) if name.contains('%') => percent(x),
        Some(x) => format_number(x),
    }
}

/// A figure's name as people read it: the unit is in its values.
fn figure_name(name: &str) -> String {
    name.replace(", USD a year", ", a year")
        .replace(", USD", "")
        .trim_end_matches(", %")
        .to_owned()
}

fn finding_line(path: &str, f: &Finding) -> String {
    let path = terminal(path);
    let at = f
        .location
        .map_or(path.clone(), |l| format!("{path}:{}", l.line));
    format!(
        "{:<7} {} {at}: {}",
        f.status_word(),
        f.id(),
        terminal(&f.message)
    )
}

/// A menu diff as plain text for the terminal.
pub fn diff_human(d: &MenuDiff) -> String {
    let mut out = format!(
        "menulint diff: {} → {}\n\nOptions:\n",
        terminal(&d.current),
        terminal(&d.proposed)
    );
    if d.options.is_empty() {
        out.push_str("  no option changed\n");
    }
    for c in &d.options {
        match c {
            OptionChange::Added { id, name } => {
                out.push_str(&format!("  + {}  {}\n", terminal(id), terminal(name)))
            }
            OptionChange::Removed { id, name } => {
                out.push_str(&format!("  - {}  {}\n", terminal(id), terminal(name)))
            }
            OptionChange::Changed {
                id,
                name,
                renamed_from,
                matched_by,
                fields,
            } => {
                let was = match (renamed_from, matched_by) {
                    (Some(old), Some(by)) => format!(" (was {}, matched by {by})", terminal(old)),
                    _ => String::new(),
                };
                out.push_str(&format!("  ~ {}  {}{was}\n", terminal(id), terminal(name)));
                for f in fields {
                    out.push_str(&format!(
                        "      {}: {} → {}\n",
                        f.field,
                        value(&f.field, &f.before),
                        value(&f.field, &f.after)
                    ));
                }
            }
        }
    }
    for f in &d.plan {
        out.push_str(&format!(
            "  ~ plan.{}: {} → {}\n",
            f.field,
            value(&f.field, &f.before),
            value(&f.field, &f.after)
        ));
    }
    out.push_str("\nPlan figures:\n");
    for f in &d.figures {
        let mark = if f.before == f.after { " " } else { "*" };
        out.push_str(&format!(
            "  {mark} {:<44} {} → {}\n",
            figure_name(f.figure),
            figure(f.figure, f.before),
            figure(f.figure, f.after)
        ));
    }
    for (title, list, path) in [
        ("Introduced", &d.introduced, &d.proposed),
        ("Resolved", &d.resolved, &d.current),
    ] {
        out.push_str(&format!("\n{title} findings ({}):\n", list.len()));
        for f in list {
            out.push_str(&format!("  {}\n", finding_line(path, f)));
        }
    }
    if !d.worsened.is_empty() {
        out.push_str(&format!("\nWorsened findings ({}):\n", d.worsened.len()));
        for w in &d.worsened {
            out.push_str(&format!(
                "  {}\n    {}\n",
                finding_line(&d.proposed, &w.finding),
                worse_by(w)
            ));
        }
    }
    out.push_str(&format!("\nUnchanged findings: {}\n", d.unchanged.len()));
    out.push_str(if d.introduces_error() {
        "\nThe proposed menu introduces at least one error.\n"
    } else {
        "\nThe proposed menu introduces no error.\n"
    });
    no_workflow_commands(out)
}

/// A menu diff as one JSON document.
pub fn diff_json(d: &MenuDiff) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}

/// A menu diff as a pull-request comment (Markdown).
pub fn diff_markdown(d: &MenuDiff) -> String {
    let verdict = if d.introduces_error() {
        "❌ introduces errors"
    } else {
        "✅ introduces no error"
    };
    let mut out = format!(
        "## menulint diff: {verdict}\n\n{} → {}\n\n",
        markdown_code(&d.current),
        markdown_code(&d.proposed)
    );
    out.push_str("| Figure | Before | After |\n|---|---|---|\n");
    for f in &d.figures {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            figure_name(f.figure),
            figure(f.figure, f.before),
            figure(f.figure, f.after)
        ));
    }
    if !d.options.is_empty() {
        out.push_str("\n| Option | Change |\n|---|---|\n");
        for c in &d.options {
            let (id, what) = match c {
                OptionChange::Added { id, .. } => (id, "added".to_owned()),
                OptionChange::Removed { id, .. } => (id, "removed".to_owned()),
                OptionChange::Changed {
                    id,
                    fields,
                    renamed_from,
                    ..
                } => (
                    id,
                    markdown(
                        &fields
                            .iter()
                            .map(|f| {
                                format!(
                                    "{}: {} → {}",
                                    f.field,
                                    value(&f.field, &f.before),
                                    value(&f.field, &f.after)
                                )
                            })
                            .chain(renamed_from.iter().map(|o| format!("renamed from {o}")))
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                ),
            };
            out.push_str(&format!("| {} | {what} |\n", markdown_code(id)));
        }
    }
    for (title, list) in [("Introduced", &d.introduced), ("Resolved", &d.resolved)] {
        out.push_str(&format!("\n**{title} findings ({})**\n\n", list.len()));
        for f in list {
            out.push_str(&format!(
                "- {} **{}** {}\n",
                f.status_word(),
                f.id(),
                markdown(&f.message)
            ));
        }
    }
    if !d.worsened.is_empty() {
        out.push_str(&format!(
            "\n**Worsened findings ({})**\n\n",
            d.worsened.len()
        ));
        for w in &d.worsened {
            out.push_str(&format!(
                "- {} **{}** {} — {}\n",
                w.finding.status_word(),
                w.finding.id(),
                markdown(&w.finding.message),
                markdown(&worse_by(w))
            ));
        }
    }
    out.push_str(&format!("\nUnchanged findings: {}\n", d.unchanged.len()));
    out
}

/// `was 18 (limit 5), now 93.5 (limit 5): 75.5 further past the limit`.
fn worse_by(w: &crate::engine::diff::Worsened) -> String {
    let after = w.finding.measured.unwrap_or(w.before);
    format!(
        "was {} (limit {}), now {} (limit {}): {} further past the limit",
        format_number(w.before.value),
        format_number(w.before.limit),
        format_number(after.value),
        format_number(after.limit),
        format_number(w.by())
    )
}
