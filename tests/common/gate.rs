//! The diff gate's promise, for the gate test and the `diff_gate` fuzz target: a
//! proposal that raises a capped figure past its cap, or further past it, never
//! passes.

use menulint::diag::{Severity, SourceFile};
use menulint::engine::check::check_source;
use menulint::engine::diff::diff;
use menulint::engine::evaluate::Evaluation;
use menulint::engine::FileReport;
use menulint::rules::RuleSet;

/// The figures a mutation may raise, as written in the sample menus.
const FIELDS: [&str; 5] = [
    "crypto_pct",
    "weight_pct",
    "assets_usd",
    "expense_ratio_pct",
    "private_equity_pct",
];

/// Raises the figures of a menu's lines chosen by `choices` (one byte a choice:
/// which line, and by how much), keeping the menu valid.
pub fn raise(menu: &str, choices: &[u8]) -> String {
    let mut lines: Vec<String> = menu.lines().map(str::to_owned).collect();
    let targets: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| FIELDS.iter().any(|f| l.starts_with(&format!("{f} = "))))
        .map(|(i, _)| i)
        .collect();
    if targets.is_empty() {
        return menu.to_owned();
    }
    for pair in choices.chunks(2) {
        let i = targets[pair[0] as usize % targets.len()];
        let factor = 1.0 + f64::from(*pair.get(1).unwrap_or(&1)) / 16.0;
        let (key, value) = lines[i].split_once(" = ").unwrap();
        let Ok(v) = value.trim().parse::<f64>() else {
            continue;
        };
        let raised = if key.ends_with("_pct") {
            // percentages stay percentages
            ((v.max(0.5)) * factor).min(100.0)
        } else {
            (v.max(1.0) * factor).round()
        };
        let text = if key == "assets_usd" {
            format!("{key} = {}", raised as u64)
        } else {
            format!("{key} = {raised:.4}")
        };
        lines[i] = text;
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn checked(ev: &Evaluation, name: &str, text: &str) -> FileReport {
    check_source(ev, None, SourceFile::new(name, text))
}

/// Checks current → proposed; `Err` says how the gate let a worse menu through.
pub fn gate_holds(rules: &RuleSet, current: &str, proposed: &str) -> Result<(), String> {
    let ev = Evaluation::new(rules, "2026-11-25", &[]).with_measures();
    let (a, b) = (
        checked(&ev, "current.toml", current),
        checked(&ev, "proposed.toml", proposed),
    );
    let (Some(am), Some(bm)) = (&a.menu, &b.menu) else {
        return Ok(()); // a broken menu exits 2 before any gate
    };
    let Some(d) = diff(&a, &b) else { return Ok(()) };
    let id = |m: &menulint::menu::Menu, i: Option<usize>| {
        i.and_then(|i| m.options.get(i)).map(|o| o.id.clone())
    };
    for m in &b.measurements {
        if m.rule.severity != Severity::Error || m.value <= m.limit + 1e-9 {
            continue;
        }
        let before = a
            .measurements
            .iter()
            .find(|c| c.rule.id == m.rule.id && id(am, c.option) == id(bm, m.option));
        let worse = before.is_none_or(|c| c.value - c.limit < m.value - m.limit - 1e-9);
        if worse && !d.introduces_error() {
            return Err(format!(
                "{} on {:?} rose to {} (limit {}) from {:?}, and the gate passed",
                m.rule.id,
                id(bm, m.option),
                m.value,
                m.limit,
                before.map(|c| c.value)
            ));
        }
    }
    Ok(())
}
