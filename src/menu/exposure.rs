//! Look-through exposure: an option's own alternative-asset shares plus what it holds
//! through other options of the same menu, and the plan-level figures weighted by assets.

use crate::menu::{InvestmentOption, Menu};
use serde::Serialize;
use std::collections::HashMap;

/// Effective shares of one option's (or the plan's) assets, percent, rounded to
/// `DECIMALS` places: the precision every output prints them with, so a figure
/// printed as "5" is compared as 5 (1.3 % + 3.7 % is 5 %, not 5.000000000000001 %).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Share in crypto assets.
    pub crypto_pct: f64,
    /// Share in private equity.
    pub private_equity_pct: f64,
    /// Share in private credit.
    pub private_credit_pct: f64,
    /// Private equity and private credit together.
    pub private_markets_pct: f64,
    /// Share in real estate.
    pub real_estate_pct: f64,
}

/// Decimal places figures are computed, compared and printed to.
pub(crate) const DECIMALS: i32 = 4;

/// Rounds a percentage to [`DECIMALS`] places.
pub(crate) fn round_figure(x: f64) -> f64 {
    let scale = 10f64.powi(DECIMALS);
    let r = (x * scale).round() / scale;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The exposure figure an asset class implies: a digital-asset option is crypto, a
/// private-equity option private equity, and so on.
pub(crate) fn implied(asset_class: &str) -> Option<&'static str> {
    match asset_class {
        "digital_asset" => Some("crypto_pct"),
        "private_equity" => Some("private_equity_pct"),
        "private_credit" => Some("private_credit_pct"),
        "real_estate" => Some("real_estate_pct"),
        _ => None,
    }
}

/// The figure an option's asset class implies and its menu does not state: it counts
/// at 100 % ("assumed from the asset class") until the menu states it, since a spot
/// bitcoin fund without an exposure table is not 0 % crypto.
pub fn assumed(o: &InvestmentOption) -> Option<&'static str> {
    let e = &o.exposure;
    let figure = implied(&o.asset_class)?;
    let stated = match figure {
        "crypto_pct" => e.crypto_pct,
        "private_equity_pct" => e.private_equity_pct,
        "private_credit_pct" => e.private_credit_pct,
        _ => e.real_estate_pct,
    };
    stated.is_none().then_some(figure)
}

impl Figures {
    /// An option's own shares, before looking through holdings: as stated, the figure
    /// its asset class implies at 100 % when not stated ([`assumed`]), the others 0 %.
    pub fn own(o: &InvestmentOption) -> Self {
        let e = &o.exposure;
        let assumed = assumed(o);
        let figure = |stated: Option<f64>, name: &str| match stated {
            Some(v) => v,
            None if assumed == Some(name) => 100.0,
            None => 0.0,
        };
        Figures {
            crypto_pct: figure(e.crypto_pct, "crypto_pct"),
            private_equity_pct: figure(e.private_equity_pct, "private_equity_pct"),
            private_credit_pct: figure(e.private_credit_pct, "private_credit_pct"),
            private_markets_pct: 0.0,
            real_estate_pct: figure(e.real_estate_pct, "real_estate_pct"),
        }
        .rounded()
    }

    /// Every figure rounded, and the private-markets total recomputed from them.
    fn rounded(mut self) -> Self {
        self.crypto_pct = round_figure(self.crypto_pct);
        self.private_equity_pct = round_figure(self.private_equity_pct);
        self.private_credit_pct = round_figure(self.private_credit_pct);
        self.real_estate_pct = round_figure(self.real_estate_pct);
        self.private_markets_pct = round_figure(self.private_equity_pct + self.private_credit_pct);
        self
    }

    /// True when the option has no alternative exposure at all.
    pub(crate) fn is_zero(&self) -> bool {
        self.crypto_pct == 0.0
            && self.private_equity_pct == 0.0
            && self.private_credit_pct == 0.0
            && self.real_estate_pct == 0.0
    }

    fn add_scaled(&mut self, other: &Figures, factor: f64) {
        self.crypto_pct += other.crypto_pct * factor;
        self.private_equity_pct += other.private_equity_pct * factor;
        self.private_credit_pct += other.private_credit_pct * factor;
        self.real_estate_pct += other.real_estate_pct * factor;
    }
}

/// Effective exposure of every option (same order as the menu) and of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LookThrough {
    /// Each option's effective figures, in the menu's order.
    pub options: Vec<Figures>,
    /// The plan's asset-weighted figures; `None` when missing asset figures make
    /// them unknowable (never a zero that would pass a cap).
    pub plan: Option<Figures>,
    /// The options whose missing `assets_usd` keeps the plan figures from being computed.
    pub missing_assets: Vec<usize>,
    /// The figures counted at 100 % because the option's asset class implies them and
    /// the menu does not state them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<Assumed>,
}

/// A figure assumed from an option's asset class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumed {
    /// The option's index in the menu, and its id.
    pub option: usize,
    /// The option's `id`.
    pub id: String,
    /// The figure (`crypto_pct`, …), counted at 100 %.
    pub figure: &'static str,
}

/// Holdings that lead back to where they started.
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    /// Index of the option whose holding closes the cycle, and of that holding.
    pub option: usize,
    /// Index, in that option's `holdings`, of the holding that closes the cycle.
    pub holding: usize,
    /// The option ids around the cycle, first repeated at the end.
    pub ids: Vec<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    New,
    Visiting,
    Done,
}

/// Computes look-through exposure. Holdings naming no option of the menu count as
/// zero (a structure rule reports them); a cycle has no answer and is an error.
pub fn look_through(menu: &Menu) -> Result<LookThrough, Cycle> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, o) in menu.options.iter().enumerate() {
        index.entry(o.id.as_str()).or_insert(i);
    }
    let n = menu.options.len();
    let mut state = vec![State::New; n];
    let mut figures = vec![Figures::default(); n];
    for start in 0..n {
        if state[start] != State::New {
            continue;
        }
        // iterative DFS: a frame is (option, next holding to visit)
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = State::Visiting;
        while let Some(&mut (opt, ref mut next)) = stack.last_mut() {
            let holdings = &menu.options[opt].holdings;
            if let Some(h) = holdings.get(*next) {
                let h_index = *next;
                *next += 1;
                let Some(&target) = index.get(h.option.as_str()) else {
                    continue;
                };
                match state[target] {
                    State::Done => {}
                    State::New => {
                        state[target] = State::Visiting;
                        stack.push((target, 0));
                    }
                    State::Visiting => {
                        let from = stack.iter().position(|&(o, _)| o == target).unwrap_or(0);
                        let mut ids: Vec<String> = stack[from..]
                            .iter()
                            .map(|&(o, _)| menu.options[o].id.clone())
                            .collect();
                        ids.push(menu.options[target].id.clone());
                        return Err(Cycle {
                            option: opt,
                            holding: h_index,
                            ids,
                        });
                    }
                }
            } else {
                let mut f = Figures::own(&menu.options[opt]);
                for h in holdings {
                    if let Some(&t) = index.get(h.option.as_str()) {
                        f.add_scaled(&figures[t], h.weight_pct / 100.0);
                    }
                }
                figures[opt] = f.rounded();
                state[opt] = State::Done;
                stack.pop();
            }
        }
    }
    let (plan, missing_assets) = plan_figures(menu, &figures);
    let assumed = menu
        .options
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            assumed(o).map(|figure| Assumed {
                option: i,
                id: o.id.clone(),
                figure,
            })
        })
        .collect();
    Ok(LookThrough {
        options: figures,
        plan,
        missing_assets,
        assumed,
    })
}

/// Weights each option's figures by its share of plan assets. The denominator is
/// the plan's stated `total_assets_usd`, or else the sum of the options' assets.
/// An option without `assets_usd` blocks the answer when it has alternative
/// exposure, or when there is no stated total to divide by.
fn plan_figures(menu: &Menu, figures: &[Figures]) -> (Option<Figures>, Vec<usize>) {
    // no option holds any alternative asset: the plan holds none, whatever the weights
    if !figures.is_empty() && figures.iter().all(Figures::is_zero) {
        return (Some(Figures::default()), Vec::new());
    }
    let stated = menu.plan.total_assets_usd;
    let missing: Vec<usize> = menu
        .options
        .iter()
        .zip(figures)
        .enumerate()
        .filter(|(_, (o, f))| o.assets_usd.is_none() && (stated.is_none() || !f.is_zero()))
        .map(|(i, _)| i)
        .collect();
    let total = stated.map_or_else(
        || {
            menu.options
                .iter()
                .map(|o| o.assets_usd.unwrap_or(0) as f64)
                .sum()
        },
        |t| t as f64,
    );
    if !missing.is_empty() || total <= 0.0 {
        return (None, missing);
    }
    let mut plan = Figures::default();
    for (o, f) in menu.options.iter().zip(figures) {
        plan.add_scaled(f, o.assets_usd.unwrap_or(0) as f64 / total);
    }
    (Some(plan.rounded()), missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::menu::{Holding, InvestmentOption, Plan};

    fn option(id: &str, crypto: f64, assets: u64, holdings: &[(&str, f64)]) -> InvestmentOption {
        let json = serde_json::json!({
            "id": id, "name": id, "vehicle": "mutual_fund", "asset_class": "balanced",
            "assets_usd": assets, "exposure": { "crypto_pct": crypto },
        });
        let mut o: InvestmentOption = serde_json::from_value(json).unwrap();
        o.holdings = holdings
            .iter()
            .map(|(id, w)| Holding {
                option: id.to_string(),
                weight_pct: *w,
            })
            .collect();
        o
    }

    fn menu(options: Vec<InvestmentOption>) -> Menu {
        Menu {
            schema_version: 1,
            plan: Plan {
                name: "p".into(),
                sponsor: "s".into(),
                ein: None,
                plan_number: None,
                recordkeeper: None,
                effective_date: None,
                total_assets_usd: None,
                glossary_url: None,
                qdia_notice: None,
                participants_with_balance: None,
                recordkeeping: None,
                fee_disclosures_reviewed_on: None,
            },
            options,
            waivers: vec![],
        }
    }

    #[test]
    fn nested_look_through_and_plan_weighting() {
        // a holds 10 % of b, b holds 50 % of c, c is 100 % crypto
        let m = menu(vec![
            option("a", 1.0, 300, &[("b", 10.0)]),
            option("b", 0.0, 100, &[("c", 50.0)]),
            option("c", 100.0, 100, &[]),
        ]);
        let lt = look_through(&m).unwrap();
        assert!((lt.options[2].crypto_pct - 100.0).abs() < 1e-9);
        assert!((lt.options[1].crypto_pct - 50.0).abs() < 1e-9);
        assert!((lt.options[0].crypto_pct - 6.0).abs() < 1e-9);
        // (6*300 + 50*100 + 100*100) / 500
        assert!((lt.plan.unwrap().crypto_pct - 33.6).abs() < 1e-9);
    }

    #[test]
    fn a_cycle_is_reported_with_its_path() {
        let m = menu(vec![
            option("a", 0.0, 0, &[("b", 10.0)]),
            option("b", 0.0, 0, &[("c", 10.0)]),
            option("c", 0.0, 0, &[("x", 1.0), ("a", 10.0)]),
        ]);
        let c = look_through(&m).unwrap_err();
        assert_eq!(c.ids, vec!["a", "b", "c", "a"]);
        assert_eq!((c.option, c.holding), (2, 1));
    }

    #[test]
    fn missing_targets_count_as_zero() {
        let m = menu(vec![option("a", 2.0, 10, &[("ghost", 50.0)])]);
        assert_eq!(look_through(&m).unwrap().options[0].crypto_pct, 2.0);
    }
}
