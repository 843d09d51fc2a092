//! Menus a committee relies on: ordinary menus raise no false alarm, and missing or
//! mis-entered data is a finding, never a pass. Each menu in tests/menus/trust/
//! says in its first comment what it shows.

use crate::common;
use common::*;
use serde_json::Value;

const DIR: &str = "tests/menus/trust";

/// (rule, severity initial, line) of every finding, in output order.
fn findings(json: &Value) -> Vec<(String, char, u64)> {
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().chars().next().unwrap(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn check(name: &str) -> (i32, Vec<(String, char, u64)>, Value) {
    let (code, json) = check_json(&[&format!("{DIR}/{name}")]);
    (code, findings(&json), json)
}

/// (rule, severity initial, where) as a test writes it: where is the text of the
/// finding's line in the fixture, or `[[options]] ID` for the header of the option
/// with that id, so no line number is written down.
type Pin = (&'static str, char, &'static str);

fn pinned(name: &str, list: &[Pin]) -> Vec<(String, char, u64)> {
    let text = std::fs::read_to_string(format!("{DIR}/{name}")).unwrap();
    let locate = |at: &str| match at.strip_prefix("[[options]] ") {
        // the header is the line before the option's id
        Some(id) => line_of(&text, &format!("id = \"{id}\"")) - 1,
        None => line_of(&text, at),
    };
    list.iter()
        .map(|(r, s, at)| (r.to_string(), *s, locate(at) as u64))
        .collect()
}

#[test]
fn ordinary_menus_raise_no_false_alarm() {
    let cases: &[(&str, &[Pin])] = &[
        ("tdf-series-all-qdia.toml", &[]),
        ("qdia-first-120-days.toml", &[]),
        ("young-funds.toml", &[("STR002", 'w', "[[options]]")]),
        ("blockchain-equity.toml", &[("STR002", 'w', "[[options]]")]),
        ("brokerage-window.toml", &[("STR002", 'w', "[[options]]")]),
        ("no-qdia.toml", &[("STR002", 'w', "[[options]]")]),
        // a committee's preference is a warning its config can raise
        (
            "private-markets-tdf.toml",
            &[("SCO005", 'w', "private_equity_pct = 20.0")],
        ),
    ];
    for (name, expected) in cases {
        let (code, got, _) = check(name);
        assert_eq!(code, 0, "{name}: {got:?}");
        assert_eq!(got, pinned(name, expected), "{name}");
    }
}

#[test]
fn missing_or_mis_entered_data_is_a_finding_at_its_line() {
    let cases: &[(&str, i32, &[Pin])] = &[
        (
            "crypto-without-coins.toml",
            1,
            &[
                ("STR002", 'w', "[[options]]"),
                ("CRY006", 'e', "[[options]] bal"),
                ("CRY005", 'e', "crypto_pct = 3.0"),
            ],
        ),
        // an illiquid QDIA also cannot be left freely in the first 90 days
        (
            "illiquid-qdia.toml",
            1,
            &[
                ("STR010", 'e', "liquidity = \"illiquid\""),
                ("STR015", 'e', "liquidity = \"illiquid\""),
            ],
        ),
        // the plan crypto figure cannot be computed: the cap is undecided, an error
        (
            "missing-assets.toml",
            1,
            &[
                ("STR002", 'w', "[[options]]"),
                ("STR011", 'w', "[[options]] btc"),
                ("CRY004", 'e', "id = \"btc\""),
            ],
        ),
        (
            "total-mismatch.toml",
            0,
            &[
                ("STR012", 'w', "total_assets_usd = 1000000000"),
                ("STR002", 'w', "[[options]]"),
            ],
        ),
        (
            "mis-entered.toml",
            0,
            &[
                ("STR002", 'w', "[[options]]"),
                ("STR013", 'w', "expense_ratio_pct = 0.0004"),
                ("STR014", 'w', "inception_date = 2099-05-04"),
            ],
        ),
    ];
    for (name, code, expected) in cases {
        let (got_code, got, _) = check(name);
        assert_eq!(got_code, *code, "{name}: {got:?}");
        assert_eq!(got, pinned(name, expected), "{name}");
    }
    // the undecided cap says so
    let (_, json) = check_json(&[&format!("{DIR}/missing-assets.toml")]);
    let cap = first_findings(&json)
        .find(|f| f["rule"] == "CRY004")
        .unwrap();
    assert_eq!(cap["incomplete"], true, "{cap:#}");
}

#[test]
fn plan_figures_that_cannot_be_computed_say_so_everywhere() {
    let (_, _, json) = check("missing-assets.toml");
    let msg = json["files"][0]["findings"][1]["message"].as_str().unwrap();
    assert!(
        msg.contains("cannot be computed: the menu does not state the assets of Spot Bitcoin ETF"),
        "{msg}"
    );
    // the report never shows 0 % or PASS for a figure it could not compute
    for format in ["markdown", "html"] {
        let menu = format!("{DIR}/missing-assets.toml");
        let (_, text) = document(menulint::render::report, format, &[&menu]);
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("not computed"), "{format}");
        assert!(
            !text.contains(">PASS<") && !text.contains("**Verdict: PASS**"),
            "{format}"
        );
    }
    // the diff too
    let (_, d) = diff(
        "json",
        &format!("{DIR}/no-qdia.toml"),
        &format!("{DIR}/missing-assets.toml"),
    );
    let d: Value = serde_json::from_str(&d).unwrap();
    let crypto = d["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["figure"] == "crypto exposure, % of plan assets")
        .unwrap();
    assert_eq!(crypto["before"], 0.0);
    assert!(crypto["after"].is_null(), "{crypto}");
}

#[test]
fn brokerage_windows_can_be_checked_as_options_when_the_config_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(
        dir.path(),
        "m.toml",
        std::fs::read_to_string(format!("{DIR}/brokerage-window.toml")).unwrap(),
    );
    write_in(
        dir.path(),
        "menulint.toml",
        "brokerage_windows_are_options = true\n",
    );
    let (code, json) = check_json(&[&menu]);
    assert_eq!(code, 1);
    let rules: Vec<_> = findings(&json).into_iter().map(|f| f.0).collect();
    assert!(rules.contains(&"DIS001".to_owned()) && rules.contains(&"DIS003".to_owned()));
}

#[test]
fn a_figure_exactly_at_its_limit_passes() {
    let dir = tempfile::tempdir().unwrap();
    // 1.3 % own crypto plus 3.7 % through a holding is 5 %, the cap
    let menu = r#"schema_version = 1
[plan]
name = "P"
sponsor = "S"
[[options]]
id = "bal"
name = "Balanced Fund"
vehicle = "mutual_fund"
asset_class = "balanced"
exposure = { crypto_pct = 1.3, crypto_assets = ["BTC"] }
custody = { custodian = "C", qualified_custodian = true }
holdings = [{ option = "btc", weight_pct = 3.7 }]
[[options]]
id = "btc"
name = "BTC Fund"
vehicle = "etf"
asset_class = "digital_asset"
exposure = { crypto_pct = 100.0, crypto_assets = ["BTC"] }
custody = { custodian = "C", qualified_custodian = true }
[[options]]
id = "tdf"
name = "TDF"
vehicle = "cit"
asset_class = "target_date"
holdings = [{ option = "bal", weight_pct = 0.2 }, { option = "btc", weight_pct = 83.9 }, { option = "bal", weight_pct = 15.9 }]
"#;

    let m = write_in(dir.path(), "m.toml", menu);

    let (_, json) = check_json(&["--select", "CRY001,STR009", &m]);

    let rules: Vec<_> = findings(&json).into_iter().map(|f| f.0).collect();

    // bal sits exactly at the 5 % cap; tdf's holdings add up to exactly 100 %
    assert!(!rules.contains(&"STR009".to_owned()), "{json:#}");
    let bal = first_findings(&json)
        .filter(|f| f["option"] == "bal")
        .count();
    assert_eq!(bal, 0, "{json:#}");
}
