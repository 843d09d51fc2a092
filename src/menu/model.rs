//! The typed menu model (format v1), read from a document that passed the schema.

use serde::{Deserialize, Serialize};

/// A sponsor's proposed investment menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Menu {
    pub schema_version: u32,
    pub plan: Plan,
    pub options: Vec<InvestmentOption>,
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub name: String,
    pub sponsor: String,
    pub ein: Option<String>,
    pub plan_number: Option<String>,
    pub recordkeeper: Option<String>,
    pub effective_date: Option<String>,
    #[serde(default, deserialize_with = "whole_dollars")]
    pub total_assets_usd: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glossary_url: Option<String>,
    /// When participants are told about the QDIA; rules read it as the schema gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qdia_notice: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants_with_balance: Option<u64>,
    /// Recordkeeping and administration fees; rules read it as the schema gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recordkeeping: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_disclosures_reviewed_on: Option<String>,
}

/// One designated investment alternative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestmentOption {
    pub id: String,
    pub name: String,
    pub ticker: Option<String>,
    pub cusip: Option<String>,
    pub isin: Option<String>,
    pub vehicle: String,
    pub asset_class: String,
    pub management: Option<String>,
    pub expense_ratio_pct: Option<f64>,
    #[serde(default)]
    pub qdia: bool,
    /// A capital-preservation QDIA for a participant's first 120 days only.
    #[serde(default)]
    pub qdia_first_120_days: bool,
    #[serde(default, deserialize_with = "whole_dollars")]
    pub assets_usd: Option<u64>,
    #[serde(default = "daily")]
    pub liquidity: String,
    #[serde(default = "unlevered")]
    pub leverage: f64,
    pub benchmark: Option<String>,
    /// The data vendor's peer category: what a meaningful benchmark must measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The peer category's median expense ratio, from a data vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_median_expense_ratio_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_class: Option<String>,
    /// The cheapest class or trust of the same strategy; rules read it as the schema gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cheapest_class: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_sharing: Option<serde_json::Value>,
    pub inception_date: Option<String>,
    pub url: Option<String>,
    #[serde(default)]
    pub performance: Performance,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_return: Option<FixedReturn>,
    /// Each kind of shareholder-type fee to its text; `None` when the menu does not
    /// say (an empty map says there are none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shareholder_fees: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_restrictions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qdia_first_90_days_waived: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qdia_managed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qdia_grandfathered: Option<bool>,
    #[serde(default)]
    pub exposure: Exposure,
    #[serde(default)]
    pub disclosures: Disclosures,
    #[serde(default)]
    pub custody: Custody,
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
    pub quarter: String,
    pub return_1y_pct: Option<f64>,
    pub return_3y_pct: Option<f64>,
    pub return_5y_pct: Option<f64>,
    pub return_10y_pct: Option<f64>,
    pub benchmark_1y_pct: Option<f64>,
    pub benchmark_3y_pct: Option<f64>,
    pub benchmark_5y_pct: Option<f64>,
    pub benchmark_10y_pct: Option<f64>,
    pub peer_rank_pct: Option<f64>,
    pub peer_group: Option<String>,
    pub std_dev_3y_pct: Option<f64>,
    pub sharpe_3y: Option<f64>,
    pub peer_median_sharpe_3y: Option<f64>,
    pub expense_ratio_pct: Option<f64>,
    pub peer_median_expense_ratio_pct: Option<f64>,
    pub manager_change_date: Option<String>,
    pub manager_tenure_years: Option<f64>,
    #[serde(default, deserialize_with = "whole_dollars")]
    pub assets_usd: Option<u64>,
    #[serde(default, deserialize_with = "whole_dollars")]
    pub strategy_assets_usd: Option<u64>,
    pub strategy_change_date: Option<String>,
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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Performance {
    pub return_1y_pct: Option<f64>,
    pub return_5y_pct: Option<f64>,
    pub return_10y_pct: Option<f64>,
    pub since_inception_pct: Option<f64>,
    /// The benchmark's returns over the same periods (the comparative chart shows both).
    pub benchmark_1y_pct: Option<f64>,
    pub benchmark_5y_pct: Option<f64>,
    pub benchmark_10y_pct: Option<f64>,
    pub benchmark_since_inception_pct: Option<f64>,
}

/// A fixed-return option's rate and its term.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedReturn {
    pub rate_pct: Option<f64>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_equity_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_credit_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_estate_pct: Option<f64>,
    #[serde(default)]
    pub crypto_assets: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disclosures {
    pub prospectus_url: Option<String>,
    pub fact_sheet_url: Option<String>,
    pub risk_disclosure_url: Option<String>,
    pub valuation_policy_url: Option<String>,
    pub fee_disclosure_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Custody {
    pub custodian: Option<String>,
    pub qualified_custodian: Option<bool>,
}

/// A look-through position in another option of the same menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holding {
    pub option: String,
    pub weight_pct: f64,
}

/// A fiduciary committee's documented exception to one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub rule: String,
    pub option: Option<String>,
    pub reason: String,
    pub approved_by: String,
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
