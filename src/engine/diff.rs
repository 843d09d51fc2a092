//! `menulint diff`: what a proposed menu changes, option by option, in plan
//! figures, and in policy findings.

use super::FileReport;
use crate::diag::{Finding, Measured, MenuPath};
use crate::menu::exposure::Figures;
use crate::menu::{InvestmentOption, Menu};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// How an option of the proposed menu was paired with one of the current menu.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum OptionChange {
    /// An option of the proposed menu that pairs with none of the current menu.
    Added {
        /// Its id in the proposed menu.
        id: String,
        /// Its name in the proposed menu.
        name: String,
    },
    /// An option of the current menu that pairs with none of the proposed menu.
    Removed {
        /// Its id in the current menu.
        id: String,
        /// Its name in the current menu.
        name: String,
    },
    /// An option of both menus whose fields differ.
    Changed {
        /// Its id in the proposed menu.
        id: String,
        /// Its name in the proposed menu.
        name: String,
        /// The current id, when the option was matched by another identifier.
        #[serde(skip_serializing_if = "Option::is_none")]
        renamed_from: Option<String>,
        /// The identifier it was paired by when not by id: `ticker`, `cusip` or `isin`.
        #[serde(skip_serializing_if = "Option::is_none")]
        matched_by: Option<&'static str>,
        /// Each field that differs, and for a changed expense ratio its cost in dollars
        /// a year.
        fields: Vec<FieldChange>,
    },
}

/// A field whose value differs between the current and the proposed menu, or a cost
/// derived from one.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldChange {
    /// The field's dotted path below the option or `[plan]`
    /// (`performance.return_1y_pct`), or the derived cost's name.
    pub field: String,
    /// Its value in the current menu; `None` when that menu does not state it.
    pub before: Option<Value>,
    /// Its value in the proposed menu; `None` when that menu does not state it.
    pub after: Option<Value>,
}

/// A plan-level figure before and after.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FigureChange {
    /// What the figure is, with its unit: `crypto exposure, % of plan assets`.
    pub figure: &'static str,
    /// `None` when the figure cannot be computed (options without asset figures).
    pub before: Option<f64>,
    /// The figure in the proposed menu; `None` when it cannot be computed.
    pub after: Option<f64>,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct MenuDiff {
    /// The current menu's path, as the run names it.
    pub current: String,
    /// The proposed menu's path, as the run names it.
    pub proposed: String,
    /// The options added, removed or changed, in the proposed menu's order with the
    /// removed ones last; options that did not change are left out.
    pub options: Vec<OptionChange>,
    /// The `[plan]` fields that differ.
    pub plan: Vec<FieldChange>,
    /// The plan-level figures before and after (exposures, options, plan assets,
    /// expense ratio and, once either menu states its recordkeeping, costs).
    pub figures: Vec<FigureChange>,
    /// Policy findings of the proposed menu that the current one does not have (same
    /// rule, option and field).
    pub introduced: Vec<Finding>,
    /// Findings of both menus whose measured figure moved further past its limit:
    /// the gate treats them as introduced.
    pub worsened: Vec<Worsened>,
    /// Policy findings of the current menu that the proposed one no longer has.
    pub resolved: Vec<Finding>,
    /// Policy findings both menus have, not made worse by the proposal.
    pub unchanged: Vec<Finding>,
}

/// A finding the proposal makes worse, with the figure before.
#[derive(Debug, Clone, Serialize)]
pub struct Worsened {
    /// The proposed menu's finding.
    pub finding: Finding,
    /// The measured figure and its limit in the current menu.
    pub before: Measured,
}

impl Worsened {
    /// How far the figure moved past its limit, in the figure's unit.
    pub fn by(&self) -> f64 {
        let after = self.finding.measured.map_or(0.0, |m| m.value - m.limit);
        after - (self.before.value - self.before.limit)
    }
}

/// Figures closer than this count as equal: percentages add up in floating point.
const TOLERANCE: f64 = 1e-9;

impl MenuDiff {
    /// True when the proposal brings, or makes worse, an error that no waiver excuses.
    pub fn introduces_error(&self) -> bool {
        self.introduces_failure(false)
    }

    /// Like [`introduces_error`](Self::introduces_error), counting warnings too.
    pub fn introduces_failure(&self, deny_warnings: bool) -> bool {
        self.introduced
            .iter()
            .chain(self.worsened.iter().map(|w| &w.finding))
            .any(|f| f.is_failing(deny_warnings))
    }
}

/// For each option of `proposed`, whether `current` has no option it pairs with
/// (by id, ticker, CUSIP or ISIN): the options a proposal adds.
pub fn added(current: &Menu, proposed: &Menu) -> Vec<bool> {
    let mut new = vec![true; proposed.options.len()];
    for (c, p, _) in pair(current, proposed) {
        if let (Some(_), Some(j)) = (c, p) {
            new[j] = false;
        }
    }
    new
}

/// Whether two options name different securities: every identifier both state
/// (ticker, CUSIP, ISIN) differs, and they state at least one in common.
fn other_security(a: &InvestmentOption, b: &InvestmentOption) -> bool {
    let both: Vec<bool> = [
        (a.ticker.as_ref(), b.ticker.as_ref()),
        (a.cusip.as_ref(), b.cusip.as_ref()),
        (a.isin.as_ref(), b.isin.as_ref()),
    ]
    .into_iter()
    .filter_map(|(x, y)| Some(x?.eq_ignore_ascii_case(y?)))
    .collect();
    !both.is_empty() && both.iter().all(|same| !same)
}

/// Pairs options: by id (unless the identifiers say it is another security), then
/// (for those left) by ticker, CUSIP, ISIN.
fn pair(
    current: &Menu,
    proposed: &Menu,
) -> Vec<(Option<usize>, Option<usize>, Option<&'static str>)> {
    let mut cur_used = vec![false; current.options.len()];
    let mut prop_match: Vec<Option<(usize, Option<&'static str>)>> =
        vec![None; proposed.options.len()];
    for (j, p) in proposed.options.iter().enumerate() {
        // the same id on another security (a new ticker and CUSIP under an old id) is
        // a replacement, not the same option
        if let Some(i) = current
            .options
            .iter()
            .position(|c| c.id == p.id && !other_security(c, p))
        {
            if !cur_used[i] {
                cur_used[i] = true;
                prop_match[j] = Some((i, None));
            }
        }
    }
    type Key = fn(&InvestmentOption) -> Option<&String>;
    let keys: [(&'static str, Key); 3] = [
        ("ticker", |o| o.ticker.as_ref()),
        ("cusip", |o| o.cusip.as_ref()),
        ("isin", |o| o.isin.as_ref()),
    ];
    for (label, key) in keys {
        for (j, p) in proposed.options.iter().enumerate() {
            if prop_match[j].is_some() {
                continue;
            }
            let Some(k) = key(p) else { continue };
            if let Some(i) = (0..current.options.len())
                .find(|&i| !cur_used[i] && key(&current.options[i]) == Some(k))
            {
                cur_used[i] = true;
                prop_match[j] = Some((i, Some(label)));
            }
        }
    }
    let mut out: Vec<_> = prop_match
        .iter()
        .enumerate()
        .map(|(j, m)| match m {
            Some((i, by)) => (Some(*i), Some(j), *by),
            None => (None, Some(j), None),
        })
        .collect();
    out.extend(
        (0..current.options.len())
            .filter(|&i| !cur_used[i])
            .map(|i| (Some(i), None, None)),
    );
    out
}

/// Leaves of a JSON value as `a.b[2]` paths.
fn leaves(v: &Value, path: String, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(x, p, out);
            }
        }
        Value::Null => {}
        other => {
            out.insert(path, other.clone());
        }
    }
}

fn field_changes<T: Serialize>(a: &T, b: &T, skip: &[&str]) -> Vec<FieldChange> {
    let (mut la, mut lb) = (BTreeMap::new(), BTreeMap::new());
    leaves(
        &serde_json::to_value(a).unwrap_or_default(),
        String::new(),
        &mut la,
    );
    leaves(
        &serde_json::to_value(b).unwrap_or_default(),
        String::new(),
        &mut lb,
    );
    let mut keys: Vec<&String> = la.keys().chain(lb.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !skip.contains(&k.as_str()) && la.get(*k) != lb.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            before: la.get(k).cloned(),
            after: lb.get(k).cloned(),
        })
        .collect()
}

/// The identity of a finding across the two menus: rule, current option id, field.
fn key(f: &Finding, rename: &BTreeMap<String, String>) -> (String, String, MenuPath) {
    let option = f.option.clone().unwrap_or_default();
    let option = rename.get(&option).cloned().unwrap_or(option);
    (f.id().to_owned(), option, f.path.below_option())
}

/// Compares two checked menus. Both reports must carry their menu.
pub fn diff(current: &FileReport, proposed: &FileReport) -> Option<MenuDiff> {
    let (cm, pm) = (current.menu.as_ref()?, proposed.menu.as_ref()?);
    let mut options = Vec::new();
    let mut rename = BTreeMap::new();
    for (ci, pj, by) in pair(cm, pm) {
        match (ci, pj) {
            (Some(i), Some(j)) => {
                let (c, p) = (&cm.options[i], &pm.options[j]);
                if c.id != p.id {
                    rename.insert(p.id.clone(), c.id.clone());
                }
                let mut fields = field_changes(c, p, &[]);
                fields.extend(fee_changes(c, p));
                if !fields.is_empty() {
                    options.push(OptionChange::Changed {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        renamed_from: (c.id != p.id).then(|| c.id.clone()),
                        matched_by: by,
                        fields,
                    });
                }
            }
            (None, Some(j)) => options.push(OptionChange::Added {
                id: pm.options[j].id.clone(),
                name: pm.options[j].name.clone(),
            }),
            (Some(i), None) => options.push(OptionChange::Removed {
                id: cm.options[i].id.clone(),
                name: cm.options[i].name.clone(),
            }),
            (None, None) => {}
        }
    }
    let plan = field_changes(&cm.plan, &pm.plan, &[]);
    let mut figures = Vec::new();
    if let (Some(a), Some(b)) = (&current.exposure, &proposed.exposure) {
        type Get = fn(&Figures) -> f64;
        let kinds: [(&'static str, Get); 4] = [
            ("crypto exposure, % of plan assets", |f| f.crypto_pct),
            ("private equity exposure, % of plan assets", |f| {
                f.private_equity_pct
            }),
            ("private credit exposure, % of plan assets", |f| {
                f.private_credit_pct
            }),
            ("real estate exposure, % of plan assets", |f| {
                f.real_estate_pct
            }),
        ];
        for (name, get) in kinds {
            figures.push(FigureChange {
                figure: name,
                before: a.plan.as_ref().map(get),
                after: b.plan.as_ref().map(get),
            });
        }
    }
    figures.push(FigureChange {
        figure: "options",
        before: Some(cm.options.len() as f64),
        after: Some(pm.options.len() as f64),
    });
    figures.push(FigureChange {
        figure: "plan assets, USD",
        before: Some(cm.total_assets_usd() as f64),
        after: Some(pm.total_assets_usd() as f64),
    });
    figures.push(FigureChange {
        figure: "asset-weighted expense ratio, %",
        before: weighted_expense(cm),
        after: weighted_expense(pm),
    });
    // what the plan costs in a year, once either menu states its recordkeeping
    if cm.plan.recordkeeping.is_some() || pm.plan.recordkeeping.is_some() {
        let costs = [PlanCost::of(cm), PlanCost::of(pm)];
        type Figure = fn(&PlanCost) -> Option<f64>;
        let rows: [(&'static str, Figure); 5] = [
            ("fund expenses, USD a year", |c| c.funds),
            ("recordkeeping and administration, USD a year", |c| c.admin),
            ("all-in cost, USD a year", PlanCost::total),
            ("all-in cost, % of plan assets", |c| {
                Some(c.total()? / c.assets? * 100.0)
            }),
            ("all-in cost per participant, USD a year", |c| {
                Some(c.total()? / c.participants?)
            }),
        ];
        // dollars to the cent, percentages to a hundredth of a basis point
        let round = |v: Option<f64>, places: i32| {
            let k = 10f64.powi(places);
            v.map(|v| (v * k).round() / k)
        };
        for (figure, get) in rows {
            let places = if figure.contains('%') { 4 } else { 2 };
            figures.push(FigureChange {
                figure,
                before: round(get(&costs[0]), places),
                after: round(get(&costs[1]), places),
            });
        }
    }

    let policy = |r: &FileReport| -> Vec<Finding> {
        r.findings
            .iter()
            .filter(|f| f.rule().is_some())
            .cloned()
            .collect()
    };
    let (before, after) = (policy(current), policy(proposed));
    let none = BTreeMap::new();
    let before_by_key: BTreeMap<_, &Finding> = before.iter().map(|f| (key(f, &none), f)).collect();
    let after_keys: std::collections::BTreeSet<_> = after.iter().map(|f| key(f, &rename)).collect();
    let (mut introduced, mut worsened, mut unchanged) = (Vec::new(), Vec::new(), Vec::new());
    for f in &after {
        match before_by_key.get(&key(f, &rename)) {
            None => introduced.push(f.clone()),
            Some(old) => match (old.measured, f.measured) {
                (Some(b), Some(a)) if a.value - a.limit > b.value - b.limit + TOLERANCE => worsened
                    .push(Worsened {
                        finding: f.clone(),
                        before: b,
                    }),
                _ => unchanged.push(f.clone()),
            },
        }
    }
    let resolved = before
        .iter()
        .filter(|f| !after_keys.contains(&key(f, &none)))
        .cloned()
        .collect();
    Some(MenuDiff {
        current: current.path.clone(),
        proposed: proposed.path.clone(),
        options,
        plan,
        figures,
        introduced,
        worsened,
        resolved,
        unchanged,
    })
}

/// What an option's change of fee costs in dollars: per $1,000 invested, and on the
/// plan's assets in it (when both menus state them).
fn fee_changes(c: &InvestmentOption, p: &InvestmentOption) -> Vec<FieldChange> {
    let (Some(a), Some(b)) = (c.expense_ratio_pct, p.expense_ratio_pct) else {
        return Vec::new();
    };
    if a == b {
        return Vec::new();
    }
    let dollars = |v: f64| Some(serde_json::json!((v * 100.0).round() / 100.0));
    let mut out = vec![FieldChange {
        field: "cost per $1,000 invested, USD a year".into(),
        before: dollars(a * 10.0),
        after: dollars(b * 10.0),
    }];
    if let (Some(x), Some(y)) = (c.assets_usd, p.assets_usd) {
        out.push(FieldChange {
            field: "cost on the plan's assets in it, USD a year".into(),
            before: dollars(a / 100.0 * x as f64),
            after: dollars(b / 100.0 * y as f64),
        });
    }
    out
}

/// A menu's costs in dollars a year; each `None` when a figure it needs is unknown.
struct PlanCost {
    funds: Option<f64>,
    admin: Option<f64>,
    assets: Option<f64>,
    participants: Option<f64>,
}

impl PlanCost {
    fn of(m: &Menu) -> PlanCost {
        let funds = m
            .options
            .iter()
            .map(|o| Some(o.expense_ratio_pct? / 100.0 * o.assets_usd? as f64))
            .sum::<Option<f64>>();
        let assets = match m.plan.total_assets_usd {
            Some(t) => Some(t as f64),
            None => m
                .options
                .iter()
                .map(|o| o.assets_usd.map(|a| a as f64))
                .sum(),
        }
        .filter(|a| *a > 0.0);
        let participants = m.plan.participants_with_balance.map(|n| n as f64);
        let admin = m.plan.recordkeeping.as_ref().and_then(|rk| {
            let get = |k: &str| rk.get(k).and_then(serde_json::Value::as_f64);
            let per_head = match get("per_participant_usd") {
                Some(fee) => Some(fee * participants?),
                None => None,
            };
            let on_assets = match get("asset_bp") {
                Some(bp) => Some(bp / 10_000.0 * assets?),
                None => None,
            };
            (per_head.is_some() || on_assets.is_some())
                .then(|| per_head.unwrap_or(0.0) + on_assets.unwrap_or(0.0))
        });
        PlanCost {
            funds,
            admin,
            assets,
            participants,
        }
    }

    fn total(&self) -> Option<f64> {
        Some(self.funds? + self.admin?)
    }
}

/// Expense ratio weighted by option assets; `None` when an option lacks either
/// figure (a partial average would understate or overstate it silently).
fn weighted_expense(m: &Menu) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for o in &m.options {
        let (er, a) = (o.expense_ratio_pct?, o.assets_usd?);
        num += er * a as f64;
        den += a as f64;
    }
    (den > 0.0).then(|| num / den)
}

#[cfg(test)]
mod tests {
    use super::added;
    use crate::menu::Menu;

    fn menu(options: &str) -> Menu {
        toml::from_str(&format!(
            "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n{options}"
        ))
        .expect("menu")
    }

    /// An option is matched by id unless its identifiers say it is another security:
    /// a new ticker and CUSIP under an old id is an option the proposal adds (a
    /// selection rule with `applies_to = "new"` must judge it), while a new ticker
    /// with the same CUSIP, or an id alone, is the same option.
    #[test]
    fn a_renamed_security_under_an_old_id_is_new() {
        let current = menu(
            "[[options]]\nid = \"sp\"\nname = \"SP\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\nticker = \"FXAIX\"\ncusip = \"315911750\"\n",
        );
        let renamed = menu(
            "[[options]]\nid = \"sp\"\nname = \"SP\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\nticker = \"VFIAX\"\ncusip = \"922908710\"\n",
        );
        assert_eq!(added(&current, &renamed), [true]);
        let new_ticker = menu(
            "[[options]]\nid = \"sp\"\nname = \"SP\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\nticker = \"FXAIY\"\ncusip = \"315911750\"\n",
        );
        assert_eq!(added(&current, &new_ticker), [false]);
        let bare = menu(
            "[[options]]\nid = \"sp\"\nname = \"SP\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n",
        );
        assert_eq!(added(&current, &bare), [false]);
    }
}
