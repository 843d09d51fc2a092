//! The participants' comparative chart (29 CFR 2550.404a-5(d)) as data: what each
//! designated investment alternative's row shows, and which figures the menu does
//! not provide. Renderers (`render::disclose`) only lay it out.

use super::FileReport;
use crate::diag::{Basis, Finding};
use crate::menu::{InvestmentOption, Menu};

/// One figure of the chart: given, not provided (the chart needs it and the menu
/// lacks it), or not applicable (a period longer than the option has existed).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<T> {
    /// The figure as the menu states it.
    Given(T),
    /// The chart needs it and the menu does not state it: shown as such, never blank or
    /// guessed.
    NotProvided,
    /// The chart does not call for it, as for a period longer than the option has
    /// existed.
    NotApplicable,
}

impl<T> Cell<T> {
    fn needed(value: Option<T>) -> Cell<T> {
        value.map_or(Cell::NotProvided, Cell::Given)
    }

    fn missing(&self) -> bool {
        matches!(self, Cell::NotProvided)
    }
}

/// Average annual total returns over the chart's periods.
#[derive(Debug, Clone)]
pub struct Returns {
    /// Over the last year, percent (5.0 is 5 %).
    pub one_year: Cell<f64>,
    /// Over the last 5 years, percent a year.
    pub five_years: Cell<f64>,
    /// Over the last 10 years, percent a year.
    pub ten_years: Cell<f64>,
    /// Since inception, percent a year; needed while the option is under ten years old.
    pub since_inception: Cell<f64>,
}

impl Returns {
    fn cells(&self) -> [&Cell<f64>; 4] {
        [
            &self.one_year,
            &self.five_years,
            &self.ten_years,
            &self.since_inception,
        ]
    }
}

/// What Part I shows of an option.
#[derive(Debug, Clone)]
pub enum Performance {
    /// Returns that vary, beside its benchmark's over the same periods.
    Variable {
        /// The option's own returns.
        returns: Returns,
        /// The name of its benchmark.
        benchmark: Cell<String>,
        /// The benchmark's returns over the same periods.
        benchmark_returns: Returns,
    },
    /// A fixed or stated annual rate, and its term.
    Fixed {
        /// The fixed or stated annual rate, percent.
        rate_pct: Cell<f64>,
        /// The term of the rate, as participants read it (`3 years`).
        term: Cell<String>,
    },
}

/// One designated investment alternative's row: Part I and Part II.
#[derive(Debug, Clone)]
pub struct OptionRow {
    /// The option's name.
    pub name: String,
    /// Its asset class in words.
    pub kind: String,
    /// Part I: its returns beside its benchmark's, or its fixed rate and term.
    pub performance: Performance,
    /// Total annual operating expenses, percent of assets (0.25 is 0.25 %).
    pub expense_ratio_pct: Cell<f64>,
    /// Derived from the expense ratio, never typed: 0.25 % is $2.50 per $1,000.
    pub per_1000_usd: Cell<f64>,
    /// Each shareholder-type fee in words with its text; given and empty when the
    /// menu states there are none.
    pub shareholder_fees: Cell<Vec<(String, String)>>,
    /// Restrictions on purchases, transfers or withdrawals, as the menu words them.
    pub restrictions: Cell<String>,
    /// The option's web page (its `url`), where participants find more about it.
    pub website: Cell<String>,
}

impl OptionRow {
    fn not_provided(&self) -> usize {
        let part_one = match &self.performance {
            Performance::Variable {
                returns,
                benchmark,
                benchmark_returns,
            } => {
                let own = returns.cells().iter().filter(|c| c.missing()).count();
                let bench = benchmark_returns
                    .cells()
                    .iter()
                    .filter(|c| c.missing())
                    .count();
                own + bench + usize::from(benchmark.missing())
            }
            Performance::Fixed { rate_pct, term } => {
                usize::from(rate_pct.missing()) + usize::from(term.missing())
            }
        };
        let part_two = [
            self.expense_ratio_pct.missing(),
            self.shareholder_fees.missing(),
            self.restrictions.missing(),
            self.website.missing(),
        ];
        part_one + part_two.iter().filter(|m| **m).count()
    }
}

/// The comparative chart of one menu as of a check date.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The plan's name.
    pub plan: String,
    /// The plan sponsor's name.
    pub sponsor: String,
    /// The check date, ISO.
    pub as_of: String,
    /// The end of the most recently completed calendar year, ISO: every period ends there.
    pub period_end: String,
    /// The designated investment alternatives, in menu order.
    pub options: Vec<OptionRow>,
    /// Brokerage windows by name: described, not charted (they are not designated
    /// investment alternatives, 29 CFR 2550.404a-5(h)(4)).
    pub windows: Vec<String>,
    /// Where participants find the glossary of investment terms, when the plan says.
    pub glossary: Cell<String>,
    /// The legal-requirement findings on the menu: each says at its line what the
    /// chart lacks.
    pub findings: Vec<Finding>,
}

impl Chart {
    /// How many figures the chart needs and the menu does not provide.
    pub(crate) fn not_provided(&self) -> usize {
        self.options
            .iter()
            .map(OptionRow::not_provided)
            .sum::<usize>()
            + usize::from(self.glossary.missing())
    }

    /// Complete when nothing is missing and no legal requirement fails.
    pub fn complete(&self) -> bool {
        self.not_provided() == 0 && self.findings.is_empty()
    }
}

/// The shareholder-type fee kinds of the menu format, in the chart's order, in words.
const FEE_KINDS: &[(&str, &str)] = &[
    ("sales_load", "Sales load"),
    ("deferred_sales_charge", "Deferred sales charge"),
    ("redemption", "Redemption fee"),
    ("surrender", "Surrender charge"),
    ("exchange", "Exchange fee"),
    ("account", "Account fee"),
    ("purchase", "Purchase fee"),
    ("other", "Other fee"),
];

/// Whether an option's return is fixed or stated for a term (shown by rate and
/// term), as the disclosure rules read the menu.
fn fixed_return(o: &InvestmentOption) -> bool {
    o.fixed_return.is_some() || o.asset_class == "stable_value" || o.vehicle == "stable_value"
}

/// Whole years from inception to the day after the period's end: the periods the
/// option has existed for.
fn age_years(o: &InvestmentOption, period_end: &str) -> Option<i64> {
    let start = crate::date::parse_iso(o.inception_date.as_deref()?)?;
    let end = crate::date::parse_iso(period_end)?.succ_opt()?;
    use chrono::Datelike;
    let mut years = i64::from(end.year() - start.year());
    if (end.month(), end.day()) < (start.month(), start.day()) {
        years -= 1;
    }
    Some(years)
}

fn returns(perf: [Option<f64>; 4], age: Option<i64>, started_after_period: bool) -> Returns {
    // a period longer than the option's life is not applicable; its life then is
    let period = |value: Option<f64>, years: i64| match age {
        _ if started_after_period => Cell::NotApplicable,
        Some(a) if a < years => Cell::NotApplicable,
        _ => Cell::needed(value),
    };
    let young = age.is_some_and(|a| a < 10) && !started_after_period;
    Returns {
        one_year: period(perf[0], 1),
        five_years: period(perf[1], 5),
        ten_years: period(perf[2], 10),
        since_inception: if young {
            Cell::needed(perf[3])
        } else {
            perf[3].map_or(Cell::NotApplicable, Cell::Given)
        },
    }
}

fn text(v: Option<&String>) -> Cell<String> {
    Cell::needed(v.cloned())
}

/// Builds the chart of a checked menu as of `as_of` (`YYYY-MM-DD`).
pub fn chart(r: &FileReport, as_of: &str) -> Result<Chart, String> {
    let Some(menu) = r.menu.as_deref() else {
        return Err(format!(
            "{} could not be checked; run `menulint check` on it",
            r.path
        ));
    };
    let year: i32 = as_of
        .get(..4)
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| format!("not a date: {as_of}"))?;
    let period_end = format!("{:04}-12-31", year - 1);
    Ok(Chart {
        plan: menu.plan.name.clone(),
        sponsor: menu.plan.sponsor.clone(),
        as_of: as_of.to_owned(),
        options: designated(menu).map(|o| row(o, &period_end)).collect(),
        windows: menu
            .options
            .iter()
            .filter(|o| o.vehicle == "brokerage_window")
            .map(|o| o.name.clone())
            .collect(),
        glossary: text(menu.plan.glossary_url.as_ref()),
        findings: r
            .findings
            .iter()
            .filter(|f| f.basis() == Some(Basis::Law) && f.waiver.is_none())
            .cloned()
            .collect(),
        period_end,
    })
}

fn designated(menu: &Menu) -> impl Iterator<Item = &InvestmentOption> {
    menu.options
        .iter()
        .filter(|o| o.vehicle != "brokerage_window")
}

fn row(o: &InvestmentOption, period_end: &str) -> OptionRow {
    let performance = if fixed_return(o) {
        Performance::Fixed {
            rate_pct: Cell::needed(o.fixed_return.as_ref().and_then(|f| f.rate_pct)),
            term: text(o.fixed_return.as_ref().and_then(|f| f.term.as_ref())),
        }
    } else {
        let age = age_years(o, period_end);
        let after = o.inception_date.as_deref().is_some_and(|d| d > period_end);
        let p = &o.performance;
        let own = [
            p.return_1y_pct,
            p.return_5y_pct,
            p.return_10y_pct,
            p.since_inception_pct,
        ];
        let bench = [
            p.benchmark_1y_pct,
            p.benchmark_5y_pct,
            p.benchmark_10y_pct,
            p.benchmark_since_inception_pct,
        ];
        Performance::Variable {
            returns: returns(own, age, after),
            benchmark: text(o.benchmark.as_ref()),
            benchmark_returns: returns(bench, age, after),
        }
    };
    let shareholder_fees = o.shareholder_fees.as_ref().map(|fees| {
        FEE_KINDS
            .iter()
            .filter_map(|(k, words)| fees.get(*k).map(|t| ((*words).to_owned(), t.clone())))
            .collect()
    });
    OptionRow {
        name: o.name.clone(),
        kind: crate::rules::label(&o.asset_class),
        performance,
        expense_ratio_pct: Cell::needed(o.expense_ratio_pct),
        // cents per $1,000: the percentage times ten
        per_1000_usd: Cell::needed(o.expense_ratio_pct.map(|p| (p * 1000.0).round() / 100.0)),
        shareholder_fees: Cell::needed(shareholder_fees),
        restrictions: text(o.transfer_restrictions.as_ref()),
        website: text(o.url.as_ref()),
    }
}
