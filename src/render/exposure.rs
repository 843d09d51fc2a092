//! `check --explain-exposure`: how each look-through figure was computed.

use super::escape::{no_workflow_commands, terminal};
use crate::engine::FileReport;
use crate::menu::exposure::Figures;
use crate::rules::format_number as n;

/// Reads one exposure figure.
type Figure = fn(&Figures) -> f64;

const KINDS: [(&str, Figure); 4] = [
    ("crypto", |f| f.crypto_pct),
    ("private equity", |f| f.private_equity_pct),
    ("private credit", |f| f.private_credit_pct),
    ("real estate", |f| f.real_estate_pct),
];

/// A plain-text derivation of every non-zero effective exposure, per menu.
pub(crate) fn explain_exposure(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let (Some(menu), Some(lt)) = (&r.menu, &r.exposure) else {
            continue;
        };
        out.push_str(&format!(
            "Look-through exposure in {} (percent of each option's assets):\n",
            terminal(&r.path)
        ));
        let index = |id: &str| menu.options.iter().position(|o| o.id == id);
        for (i, o) in menu.options.iter().enumerate() {
            for (kind, get) in KINDS {
                let eff = get(&lt.options[i]);
                if eff == 0.0 {
                    continue;
                }
                let own = get(&Figures::own(o));
                let mut terms = vec![format!("own {}%", n(own))];
                for h in &o.holdings {
                    if let Some(j) = index(&h.option) {
                        let held = get(&lt.options[j]);
                        if held != 0.0 {
                            terms.push(format!(
                                "{}% of {} ({}%)",
                                n(h.weight_pct),
                                terminal(&h.option),
                                n(held)
                            ));
                        }
                    }
                }
                out.push_str(&format!(
                    "  {:<16} {kind} {}% = {}\n",
                    terminal(&o.id),
                    n(eff),
                    terms.join(" + ")
                ));
            }
        }
        // the same denominator as the figures: the stated plan total, else the options' sum
        let total = menu.total_assets_usd() as f64;
        let Some(plan_figures) = &lt.plan else {
            let ids: Vec<&str> = lt
                .missing_assets
                .iter()
                .filter_map(|&i| menu.options.get(i).map(|o| o.id.as_str()))
                .collect();
            out.push_str(&format!(
                "  {:<16} not computed: no assets_usd for {}\n\n",
                "plan",
                if ids.is_empty() {
                    "any option".to_owned()
                } else {
                    ids.join(", ")
                }
            ));
            continue;
        };
        for (kind, get) in KINDS {
            let plan = get(plan_figures);
            if plan == 0.0 {
                continue;
            }
            let terms: Vec<String> = menu
                .options
                .iter()
                .enumerate()
                .filter(|(i, o)| get(&lt.options[*i]) != 0.0 && o.assets_usd.unwrap_or(0) > 0)
                .map(|(i, o)| {
                    let share = o.assets_usd.unwrap_or(0) as f64 / total * 100.0;
                    format!(
                        "{} {}% × {}% of assets",
                        terminal(&o.id),
                        n(get(&lt.options[i])),
                        n(share)
                    )
                })
                .collect();
            out.push_str(&format!(
                "  {:<16} {kind} {}% = {}\n",
                "plan",
                n(plan),
                terms.join(" + ")
            ));
        }
        out.push('\n');
    }
    no_workflow_commands(out)
}
