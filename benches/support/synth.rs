//! Synthetic menus for benchmarks and tests: realistic size and content,
//! deterministic per seed. Not part of the library: the benchmarks, the `generate`
//! example and the tests include this file.
#![allow(dead_code)] // each includer uses part of it

use std::fmt::Write;

/// SplitMix64: tiny, fast, and stable forever, so a seed always means the same menus.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// (asset class, vehicle, management, typical expense ratio %, benchmark)
const KINDS: &[(&str, &str, &str, f64, &str)] = &[
    ("us_equity", "mutual_fund", "passive", 0.02, "S&P 500 Index"),
    (
        "us_equity",
        "cit",
        "active",
        0.45,
        "Russell 1000 Growth Index",
    ),
    (
        "us_equity",
        "mutual_fund",
        "active",
        0.60,
        "Russell 2000 Value Index",
    ),
    (
        "international_equity",
        "mutual_fund",
        "passive",
        0.08,
        "FTSE Global All Cap ex US Index",
    ),
    (
        "international_equity",
        "mutual_fund",
        "active",
        0.70,
        "MSCI EAFE Index",
    ),
    (
        "emerging_markets_equity",
        "mutual_fund",
        "passive",
        0.14,
        "FTSE Emerging Index",
    ),
    ("global_equity", "cit", "active", 0.55, "MSCI ACWI Index"),
    (
        "fixed_income",
        "mutual_fund",
        "passive",
        0.05,
        "Bloomberg U.S. Aggregate Index",
    ),
    (
        "fixed_income",
        "cit",
        "active",
        0.30,
        "Bloomberg U.S. Aggregate Index",
    ),
    (
        "high_yield",
        "mutual_fund",
        "active",
        0.60,
        "ICE BofA US High Yield Index",
    ),
    (
        "inflation_protected",
        "mutual_fund",
        "passive",
        0.10,
        "Bloomberg U.S. TIPS Index",
    ),
    (
        "money_market",
        "mutual_fund",
        "active",
        0.11,
        "FTSE 3-Month Treasury Bill Index",
    ),
    (
        "real_estate",
        "mutual_fund",
        "passive",
        0.13,
        "MSCI US IMI Real Estate 25/50 Index",
    ),
    (
        "balanced",
        "mutual_fund",
        "active",
        0.50,
        "60/40 Composite Index",
    ),
];

/// The benchmark's returns for the same periods as the option's (the comparative
/// chart shows both).
const BENCHMARK_RETURNS: &str =
    "benchmark_1y_pct = 9.5\nbenchmark_5y_pct = 7.2\nbenchmark_10y_pct = 6.8\n";

/// Real identifiers with valid check digits, reused so some options carry them.
const IDS: &[(&str, &str, &str)] = &[
    ("FXAIX", "315911750", "US3159117502"),
    ("VBTLX", "921937603", "US9219376038"),
    ("VTIVX", "92202E607", "US92202E6077"),
];

/// One synthetic menu in TOML: 15 to 40 options, target-date series as QDIA, full
/// disclosures, and (by chance) a bitcoin option, look-through holdings and a few
/// violations, as real proposals have.
pub fn menu(seed: u64) -> String {
    menu_of(seed, None)
}

/// As [`menu`], with exactly `options` options (the language server's benchmark
/// edits a 100-option menu).
#[allow(dead_code)]
pub fn menu_with(options: usize, seed: u64) -> String {
    menu_of(seed, Some(options))
}

fn menu_of(seed: u64, options: Option<usize>) -> String {
    let mut r = Rng::new(seed);
    // drawn either way, so a seed gives the same menu as it always has
    let drawn = 15 + r.below(26) as usize;
    let n = options.unwrap_or(drawn);
    let mut s = String::with_capacity(n * 700);
    let _ = write!(
        s,
        "schema_version = 1\n\n[plan]\nname = \"Synthetic Plan {seed}\"\nsponsor = \"Sponsor {seed} Inc.\"\nein = \"{:02}-{:07}\"\nplan_number = \"001\"\nrecordkeeper = \"Example Recordkeeping\"\neffective_date = 2026-01-01\nglossary_url = \"https://example.com/plan/glossary\"\n",
        10 + r.below(89),
        r.below(10_000_000)
    );
    let crypto = r.chance(0.25);
    let tdf_count = 4 + r.below(6) as usize;
    let mut ids = Vec::new();
    for i in 0..n {
        let id;
        if i < tdf_count {
            id = format!("tdf-{}", 2030 + 5 * i);
            let holds_btc = crypto && i == 0 && r.chance(0.5);
            let _ = write!(
                s,
                "\n[[options]]\nid = \"{id}\"\nname = \"Target Retirement {} Trust\"\nvehicle = \"cit\"\nasset_class = \"target_date\"\nmanagement = \"passive\"\nexpense_ratio_pct = {:.3}\nqdia = {}\nassets_usd = {}\nbenchmark = \"Target Retirement {} Composite Index\"\ninception_date = 2012-06-28\nurl = \"https://example.com/funds/{id}\"\ntransfer_restrictions = \"none\"\nqdia_managed_by = \"trustee\"\nqdia_first_90_days_waived = true\nshareholder_fees = {{}}\n\n[options.performance]\nreturn_1y_pct = {:.1}\nreturn_5y_pct = {:.1}\nreturn_10y_pct = {:.1}\n{BENCHMARK_RETURNS}\n[options.exposure]\nprivate_equity_pct = {:.1}\nreal_estate_pct = {:.1}\n\n[options.disclosures]\nprospectus_url = \"https://example.com/funds/{id}/prospectus\"\nfact_sheet_url = \"https://example.com/funds/{id}/fact-sheet\"\nrisk_disclosure_url = \"https://example.com/funds/{id}/risks\"\nvaluation_policy_url = \"https://example.com/funds/{id}/valuation\"\n",
                2030 + 5 * i,
                0.06 + r.below(10) as f64 / 100.0,
                i == 2,
                5_000_000 + r.below(50_000_000),
                2030 + 5 * i,
                r.below(200) as f64 / 10.0,
                r.below(120) as f64 / 10.0,
                r.below(100) as f64 / 10.0,
                r.below(120) as f64 / 10.0,
                r.below(60) as f64 / 10.0,
            );
            if holds_btc {
                let _ = write!(
                    s,
                    "\n[[options.holdings]]\noption = \"btc\"\nweight_pct = {:.1}\n",
                    1.0 + r.below(60) as f64 / 10.0
                );
            }
        } else if crypto && i == n - 1 {
            id = "btc".to_owned();
            let _ = write!(
                s,
                "\n[[options]]\nid = \"btc\"\nname = \"iShares Bitcoin Trust ETF\"\nticker = \"IBIT\"\ncusip = \"46438F101\"\nisin = \"US46438F1012\"\nvehicle = \"etf\"\nasset_class = \"digital_asset\"\nmanagement = \"passive\"\nexpense_ratio_pct = 0.25\nassets_usd = {}\nbenchmark = \"CME CF Bitcoin Reference Rate\"\ninception_date = 2024-01-11\nurl = \"https://example.com/funds/btc\"\ntransfer_restrictions = \"none\"\nshareholder_fees = {{}}\n\n[options.performance]\nreturn_1y_pct = 80.0\nsince_inception_pct = 60.0\nbenchmark_1y_pct = 81.0\nbenchmark_since_inception_pct = 61.0\n\n[options.exposure]\ncrypto_pct = 100.0\ncrypto_assets = [\"BTC\"]\n\n[options.disclosures]\nrisk_disclosure_url = \"https://example.com/funds/btc/risks\"\nvaluation_policy_url = \"https://example.com/funds/btc/valuation\"\n\n[options.custody]\ncustodian = \"Coinbase Custody Trust Company, LLC\"\nqualified_custodian = {}\n",
                1_000_000 + r.below(20_000_000),
                !r.chance(0.1),
            );
        } else {
            let (class, vehicle, mgmt, er, bench) = KINDS[r.below(KINDS.len() as u64) as usize];
            id = format!("fund-{i:02}");
            // a few violations: fees over the cap, a missing benchmark
            let er = if r.chance(0.04) {
                er * 4.0 + 0.5
            } else {
                er * (0.8 + r.below(40) as f64 / 100.0)
            };
            let _ = write!(
                s,
                "\n[[options]]\nid = \"{id}\"\nname = \"{} {class} Fund {i}\"\nvehicle = \"{vehicle}\"\nasset_class = \"{class}\"\nmanagement = \"{mgmt}\"\nexpense_ratio_pct = {er:.3}\nassets_usd = {}\n",
                if mgmt == "passive" { "Index" } else { "Active" },
                1_000_000 + r.below(40_000_000),
            );
            if !r.chance(0.03) {
                let _ = writeln!(s, "benchmark = \"{bench}\"");
            }
            if r.chance(0.3) {
                let (t, c, isin) = IDS[r.below(IDS.len() as u64) as usize];
                let _ = write!(s, "ticker = \"{t}\"\ncusip = \"{c}\"\nisin = \"{isin}\"\n");
            }
            let _ = write!(
                s,
                "inception_date = 2009-03-02\nurl = \"https://example.com/funds/{id}\"\ntransfer_restrictions = \"none\"\nshareholder_fees = {{}}\n\n[options.performance]\nreturn_1y_pct = {:.1}\nreturn_5y_pct = {:.1}\nreturn_10y_pct = {:.1}\n{BENCHMARK_RETURNS}\n[options.disclosures]\nprospectus_url = \"https://example.com/funds/{id}/prospectus\"\nfact_sheet_url = \"https://example.com/funds/{id}/fact-sheet\"\n",
                r.below(300) as f64 / 10.0 - 5.0,
                r.below(150) as f64 / 10.0,
                r.below(120) as f64 / 10.0,
            );
            if class == "real_estate" {
                let _ = write!(s, "risk_disclosure_url = \"https://example.com/funds/{id}/risks\"\nvaluation_policy_url = \"https://example.com/funds/{id}/valuation\"\n\n[options.exposure]\nreal_estate_pct = 100.0\n");
            }
        }
        ids.push(id);
    }
    s.push_str("\n[[options]]\nid = \"stable\"\nname = \"Stable Value Fund\"\nvehicle = \"stable_value\"\nasset_class = \"stable_value\"\nexpense_ratio_pct = 0.35\nassets_usd = 20000000\nurl = \"https://example.com/funds/stable\"\ntransfer_restrictions = \"a 90-day equity wash before transfers to competing funds\"\nshareholder_fees = {}\n\n[options.fixed_return]\nrate_pct = 3.1\nterm = \"reset each quarter\"\n");
    s
}

/// A menu of `options` plain funds and a history CSV of `quarters` quarters for each,
/// ending 2026-09-30, for monitoring benchmarks: some options trail their benchmark.
pub fn monitored(options: usize, quarters: usize, seed: u64) -> (String, String) {
    let mut rng = Rng::new(seed);
    let mut menu = String::from(
        "schema_version = 1\n\n[plan]\nname = \"Monitored Plan\"\nsponsor = \"Example Sponsor\"\nglossary_url = \"https://example.com/plan/glossary\"\n",
    );
    let mut csv = String::from(
        "option,quarter,return_1y_pct,benchmark_1y_pct,return_3y_pct,benchmark_3y_pct,return_5y_pct,benchmark_5y_pct,peer_rank_pct,sharpe_3y,peer_median_sharpe_3y,expense_ratio_pct\n",
    );
    // quarter ends, oldest first, ending 2026-09-30
    let ends = ["03-31", "06-30", "09-30", "12-31"];
    let last = 2026 * 4 + 2;
    let dates: Vec<String> = (0..quarters)
        .map(|k| {
            let q = last - (quarters - 1 - k);
            format!("{}-{}", q / 4, ends[q % 4])
        })
        .collect();
    for i in 0..options {
        menu.push_str(&format!(
            "\n[[options]]\nid = \"fund-{i}\"\nname = \"Fund {i}\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\nexpense_ratio_pct = 0.5\nurl = \"https://example.com/funds/{i}\"\n\n[options.performance]\nreturn_1y_pct = 8.0\nreturn_5y_pct = 7.0\nreturn_10y_pct = 6.0\n"
        ));
        let lag = if rng.chance(0.2) { -1.0 } else { 0.5 };
        for d in &dates {
            let b = 5.0 + rng.below(600) as f64 / 100.0;
            csv.push_str(&format!(
                "fund-{i},{d},{:.2},{b:.2},{:.2},{b:.2},{:.2},{b:.2},{},{:.2},0.6,0.50\n",
                b + lag,
                b + lag,
                b + lag,
                1 + rng.below(100),
                0.3 + rng.below(60) as f64 / 100.0,
            ));
        }
    }
    (menu, csv)
}

/// A lineup export of `rows` funds in the recordkeeper preset's layout (CSV), for
/// import benchmarks.
pub fn lineup_csv(rows: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::from("Fund Name,Ticker,CUSIP,Fund Type,Asset Category,Management Style,Net Expense Ratio (%),Plan Assets ($),QDIA,1 Year,5 Year,10 Year,Since Inception,Benchmark,Inception Date,Fund Website\n");
    let kinds = [
        ("Mutual Fund", "Large Cap"),
        ("Collective Trust", "Target Date"),
        ("ETF", "International"),
        ("Mutual Fund", "Bond"),
        ("Stable Value", "Stable Value"),
    ];
    for i in 0..rows {
        let (vehicle, class) = kinds[i % kinds.len()];
        s.push_str(&format!(
            "Example {class} Fund {i},X{},,{vehicle},{class},{},{:.2},\"{}\",{},{:.1},{:.1},{:.1},,Example Index {i},{}/{}/20{:02},https://example.com/funds/{i}\n",
            letters(i as u32 + 1),
            if rng.chance(0.5) { "Index" } else { "Active" },
            0.02 + rng.below(90) as f64 / 100.0,
            (1 + rng.below(900)) * 100_000,
            if i == 1 { "Y" } else { "N" },
            rng.below(300) as f64 / 10.0 - 5.0,
            rng.below(150) as f64 / 10.0,
            rng.below(120) as f64 / 10.0,
            1 + rng.below(12),
            1 + rng.below(28),
            rng.below(20),
        ));
    }
    s
}

/// A ticker's letters: `1` → `A`, `27` → `AA` (as spreadsheet columns).
fn letters(mut n: u32) -> String {
    let mut s = String::new();
    while n > 0 {
        s.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    s
}

/// A seed always means the same menu (the benchmarks compare runs across versions).
#[cfg(test)]
#[test]
fn same_seed_same_menu() {
    assert_eq!(menu(7), menu(7));
    assert_ne!(menu(7), menu(8));
}
