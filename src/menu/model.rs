//! The typed menu model (format v1), read from a document that passed the schema.

use serde::{Deserialize, Serialize};

/// A sponsor's proposed investment menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Menu {
    /// Menu format version; only 1 exists.
    pub schema_version: u32,
    /// The plan the menu belongs to.
    pub plan: Plan,
    /// The options offered, in the order the menu lists them.
    pub options: Vec<InvestmentOption>,
    /// The committee's documented exceptions written in the menu (a config can add more).
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

/// The plan a menu belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The plan's name as participants see it.
    pub name: String,
    /// The plan sponsor (the employer).
    pub sponsor: String,
    /// The sponsor's employer identification number, `NN-NNNNNNN`.
    pub ein: Option<String>,
    /// The three-digit plan number from Form 5500, e.g. `001`.
    pub plan_number: Option<String>,
    /// The recordkeeper administering the plan.
    pub recordkeeper: Option<String>,
    /// When this menu takes effect, `YYYY-MM-DD`.
    pub effective_date: Option<String>,
    /// Plan assets in whole US dollars, the denominator of plan-level figures; `None`
    /// when not stated (the options' assets are summed instead).
    #[serde(default, deserialize_with = "whole_dollars")]
    pub total_assets_usd: Option<u64>,
    /// Where participants find the glossary of terms the comparative chart refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glossary_url: Option<String>,
    /// When participants are told about the QDIA; rules read it as the schema gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qdia_notice: Option<serde_json::Value>,
    /// Participants with an account balance, as the recordkeeper counts them: the divisor
    /// of the cost per participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants_with_balance: Option<u64>,
    /// Recordkeeping and administration fees; rules read it as the schema gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recordkeeping: Option<serde_json::Value>,
    /// When the committee last received and reviewed the covered service providers' fee
    /// disclosures (29 CFR 2550.408b-2(c)), `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_disclosures_reviewed_on: Option<String>,
}

/// One designated investment alternative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestmentOption {
    /// Short unique id (lowercase letters, digits, `-`, `_`) that holdings refer to.
    pub id: String,
    /// The option's name as participants see it.
    pub name: String,
    /// Exchange ticker, 1 to 5 capital letters.
    pub ticker: Option<String>,
    /// 9-character CUSIP; the last character is a check digit.
    pub cusip: Option<String>,
    /// 12-character ISIN; the last character is a check digit.
    pub isin: Option<String>,
    /// The option's legal wrapper (`mutual_fund`, `cit`, `brokerage_window`, …).
    pub vehicle: String,
    /// Asset class from the menu format's taxonomy (`us_equity`, `digital_asset`, …); it
    /// can imply an exposure the menu does not state.
    pub asset_class: String,
    /// `passive` (index) or `active` management; `None` when not stated.
    pub management: Option<String>,
    /// Annual operating expenses, percent (0.04 means 0.04 %); `None` when not stated.
    pub expense_ratio_pct: Option<f64>,
    /// Designated as a qualified default investment alternative; `false` when not stated.
    #[serde(default)]
    pub qdia: bool,
    /// A capital-preservation QDIA for a participant's first 120 days only.
    #[serde(default)]
    pub qdia_first_120_days: bool,
    /// Assets in the option, whole US dollars; `None` when not stated, which can leave
    /// the plan-level figures uncomputed.
    #[serde(default, deserialize_with = "whole_dollars")]
    pub assets_usd: Option<u64>,
    /// How often participants can redeem: `daily` (the default), `weekly`, `monthly`,
    /// `quarterly` or `illiquid`.
    #[serde(default = "daily")]
    pub liquidity: String,
    /// Leverage factor: 1.0 (default) unlevered, 2.0 doubles daily moves, -1.0 inverse.
    #[serde(default = "unlevered")]
    pub leverage: f64,
    /// Name of the broad-based market index the option is compared with.
    pub benchmark: Option<String>,
    /// The data vendor's peer category: what a meaningful benchmark must measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The peer category's median expense ratio, from a data vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_median_expense_ratio_pct: Option<f64>,
    /// The share class the plan holds ("Investor", "Admiral", "R6", a trust's tier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_class: Option<String>,
    /// The cheapest class or trust of the same strategy; rules read it as the schema gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cheapest_class: Option<serde_json::Value>,
    /// What the fund pays service providers from its expense ratio, in basis points a
    /// year; rules read it as the schema gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_sharing: Option<serde_json::Value>,
    /// When the option started, `YYYY-MM-DD`.
    pub inception_date: Option<String>,
    /// Web page where participants find the option's details.
    pub url: Option<String>,
    /// Average annual total returns, the option's and its benchmark's, percent.
    #[serde(default)]
    pub performance: Performance,
    /// A fixed- or stated-return option's rate and term (stable value, a guaranteed
    /// contract), shown by the comparative chart instead of returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_return: Option<FixedReturn>,
    /// Each kind of shareholder-type fee to its text; `None` when the menu does not
    /// say (an empty map says there are none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shareholder_fees: Option<std::collections::BTreeMap<String, String>>,
    /// Restrictions on purchases, transfers or withdrawals, as participants read them;
    /// `"none"` when there are none, `None` when the menu does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_restrictions: Option<String>,
    /// For a QDIA: whether a defaulted participant's transfers and withdrawals in the first
    /// 90 days bear none of its fees or restrictions (29 CFR 2550.404c-5(c)(5)); `None`
    /// when the menu does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qdia_first_90_days_waived: Option<bool>,
    /// For a QDIA: who manages it under the QDIA regulation's management condition
    /// (`investment-manager`, `trustee`, …; 29 CFR 2550.404c-5(e)(3)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qdia_managed_by: Option<String>,
    /// For a stable-value QDIA: whether it holds only assets defaulted into it before
    /// 24 December 2007, which the QDIA regulation grandfathers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qdia_grandfathered: Option<bool>,
    /// The option's own alternative-asset shares, before looking through its holdings.
    #[serde(default)]
    pub exposure: Exposure,
    /// Links to documents participants can read.
    #[serde(default)]
    pub disclosures: Disclosures,
    /// Who holds the option's assets.
    #[serde(default)]
    pub custody: Custody,
    /// Other options of this menu that this option holds, for look-through exposure.
    #[serde(default)]
    pub holdings: Vec<Holding>,
    /// The committee's selection record (rules read it; the model keeps it as is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<serde_json::Value>,
    /// Quarterly monitoring records, oldest first (from the menu or a `--history` file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Quarter>,
}

/// One quarter's monitoring figures for an option; every figure may be missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quarter {
    /// The quarter-end date the figures are as of, `YYYY-MM-DD`.
    pub quarter: String,
    /// Trailing 1-year average annual net total return at the quarter end, percent.
    pub return_1y_pct: Option<f64>,
    /// Trailing 3-year average annual net total return at the quarter end, percent.
    pub return_3y_pct: Option<f64>,
    /// Trailing 5-year average annual net total return at the quarter end, percent.
    pub return_5y_pct: Option<f64>,
    /// Trailing 10-year average annual net total return at the quarter end, percent.
    pub return_10y_pct: Option<f64>,
    /// The benchmark's trailing 1-year average annual return, percent.
    pub benchmark_1y_pct: Option<f64>,
    /// The benchmark's trailing 3-year average annual return, percent.
    pub benchmark_3y_pct: Option<f64>,
    /// The benchmark's trailing 5-year average annual return, percent.
    pub benchmark_5y_pct: Option<f64>,
    /// The benchmark's trailing 10-year average annual return, percent.
    pub benchmark_10y_pct: Option<f64>,
    /// Percentile rank in the peer group over 3 years (1 is best, 100 worst).
    pub peer_rank_pct: Option<f64>,
    /// The peer group the rank is within (a data vendor's category).
    pub peer_group: Option<String>,
    /// 3-year annualised standard deviation of returns, percent.
    pub std_dev_3y_pct: Option<f64>,
    /// 3-year Sharpe ratio.
    pub sharpe_3y: Option<f64>,
    /// The peer group's median 3-year Sharpe ratio.
    pub peer_median_sharpe_3y: Option<f64>,
    /// Net expense ratio at the quarter end, percent.
    pub expense_ratio_pct: Option<f64>,
    /// The peer group's median net expense ratio, percent.
    pub peer_median_expense_ratio_pct: Option<f64>,
    /// When the lead portfolio manager last changed, `YYYY-MM-DD`.
    pub manager_change_date: Option<String>,
    /// The lead portfolio manager's tenure on the fund, in years.
    pub manager_tenure_years: Option<f64>,
    /// The option's assets at the quarter end, whole US dollars.
    #[serde(default, deserialize_with = "whole_dollars")]
    pub assets_usd: Option<u64>,
    /// Assets in the option's strategy across all its share classes and vehicles at the
    /// quarter end, whole US dollars.
    #[serde(default, deserialize_with = "whole_dollars")]
    pub strategy_assets_usd: Option<u64>,
    /// When the option last changed its investment strategy or objective (a prospectus
    /// change, a merger of strategies), `YYYY-MM-DD`.
    pub strategy_change_date: Option<String>,
    /// For an index option: 3-year annualised tracking error against its index, percent.
    pub tracking_error_3y_pct: Option<f64>,
}

/// Dollars are whole: `100` and `100.0` both mean one hundred dollars (JSON Schema
/// calls both integers); `100.5` was refused by the schema already.
fn whole_dollars<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v: Option<f64> = Option::deserialize(d)?;
    v.map(|x| {
        if x >= 0.0 && x.fract() == 0.0 && x <= u64::MAX as f64 {
            Ok(x as u64)
        } else {
            Err(serde::de::Error::custom(format!(
                "{x} is not a whole number of dollars"
            )))
        }
    })
    .transpose()
}

fn daily() -> String {
    "daily".to_owned()
}

fn unlevered() -> f64 {
    1.0
}

/// Average annual total returns, percent, for calendar years ending at the last year end.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Performance {
    /// 1-year average annual total return, percent.
    pub return_1y_pct: Option<f64>,
    /// 5-year average annual total return, percent.
    pub return_5y_pct: Option<f64>,
    /// 10-year average annual total return, percent.
    pub return_10y_pct: Option<f64>,
    /// Average annual total return since inception, percent.
    pub since_inception_pct: Option<f64>,
    /// The benchmark's returns over the same periods (the comparative chart shows both).
    pub benchmark_1y_pct: Option<f64>,
    /// The benchmark's 5-year average annual total return, percent.
    pub benchmark_5y_pct: Option<f64>,
    /// The benchmark's 10-year average annual total return, percent.
    pub benchmark_10y_pct: Option<f64>,
    /// The benchmark's average annual total return since the option's inception, percent.
    pub benchmark_since_inception_pct: Option<f64>,
}

/// A fixed-return option's rate and its term.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedReturn {
    /// The fixed or stated annual rate of return, percent.
    pub rate_pct: Option<f64>,
    /// The term of the rate, as participants read it: "3 years", "reset each quarter".
    pub term: Option<String>,
}

/// Share of an option's assets in each alternative class, percent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exposure {
    /// `None` when the menu does not state it: never read as 0 % where the option's
    /// asset class implies the exposure (see `exposure::implied`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crypto_pct: Option<f64>,
    /// Share held in private equity, percent; `None` when the menu does not state it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_equity_pct: Option<f64>,
    /// Share held in private credit, percent; `None` when the menu does not state it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_credit_pct: Option<f64>,
    /// Share held in real estate, percent; `None` when the menu does not state it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_estate_pct: Option<f64>,
    /// Digital assets held, by symbol (`BTC`, `ETH`).
    #[serde(default)]
    pub crypto_assets: Vec<String>,
}

/// Links to documents participants can read about an option.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disclosures {
    /// The prospectus or offering document.
    pub prospectus_url: Option<String>,
    /// The fact sheet.
    pub fact_sheet_url: Option<String>,
    /// A plain-language disclosure of the option's risks.
    pub risk_disclosure_url: Option<String>,
    /// How the option's assets are valued.
    pub valuation_policy_url: Option<String>,
    /// The fee disclosure.
    pub fee_disclosure_url: Option<String>,
}

/// Who holds an option's assets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Custody {
    /// Name of the custodian.
    pub custodian: Option<String>,
    /// Whether the custodian is a qualified custodian; `None` when the menu does not say.
    pub qualified_custodian: Option<bool>,
}

/// A look-through position in another option of the same menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holding {
    /// Id of the option of this menu that is held.
    pub option: String,
    /// Share of the holder's assets held in that option, percent.
    pub weight_pct: f64,
}

/// A fiduciary committee's documented exception to one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Id of the rule the waiver excuses.
    pub rule: String,
    /// Id of the option it applies to; `None` excuses every finding of the rule.
    pub option: Option<String>,
    /// Why the committee accepted it, e.g. the minutes item.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// Its expiry date, `YYYY-MM-DD`: it excuses nothing after that day.
    pub expires: String,
}

impl Menu {
    /// Plan assets: the declared total, or the sum of the options' assets.
    pub(crate) fn total_assets_usd(&self) -> u64 {
        self.plan.total_assets_usd.unwrap_or_else(|| {
            self.options
                .iter()
                .filter_map(|o| o.assets_usd)
                .fold(0u64, u64::saturating_add)
        })
    }
}

/// The six factors of a selection record (proposed 29 CFR 2550.404a-6), in the
/// proposal's order: each is a table of `[options.selection]`, with the words
/// documents head it with.
pub(crate) const FACTORS: [(&str, &str); 6] = [
    ("performance", "Performance"),
    ("fees", "Fees"),
    ("liquidity", "Liquidity"),
    ("valuation", "Valuation"),
    ("benchmark", "Performance benchmark"),
    ("complexity", "Complexity"),
];
