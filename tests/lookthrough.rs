//! Look-through exposure through holdings, and `menulint diff`.

use crate::common;
use common::*;

use serde_json::Value;

fn check(text: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.toml");
    std::fs::write(&path, text).unwrap();
    check_json(&[path.to_str().unwrap()])
}

fn finding<'a>(json: &'a Value, rule: &str) -> &'a Value {
    first_findings(json)
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule}: {json:#}"))
}

const CHAIN: &str = r#"schema_version = 1
[plan]
name = "P"
sponsor = "S"

[[options]]
id = "a"
name = "A Balanced Fund"
vehicle = "cit"
asset_class = "balanced"
[[options.holdings]]
option = "b"
weight_pct = 40.0

[[options]]
id = "b"
name = "B Multi-Asset Fund"
vehicle = "cit"
asset_class = "multi_asset_alternative"
[[options.holdings]]
option = "c"
weight_pct = 20.0

[[options]]
id = "c"
name = "C Bitcoin Fund"
vehicle = "etf"
asset_class = "digital_asset"
exposure = { crypto_pct = 100.0 }
"#;

#[test]
fn nested_holdings_add_up_through_every_level() {
    // a: 40 % of b; b: 20 % of c; c: 100 % crypto → b 20 %, a 8 %
    let (code, json) = check(CHAIN);
    assert_eq!(code, 1);
    let a = first_findings(&json)
        .filter(|f| f["rule"] == "CRY001")
        .collect::<Vec<_>>();
    assert_eq!(a.len(), 2);
    assert_eq!(a[0]["message"], "A Balanced Fund holds 8% crypto (through its holding of B Multi-Asset Fund); the policy caps an option that is not a digital-asset option at 5%.");
    assert_eq!(
        (a[0]["line"].as_u64(), a[0]["path"].as_str()),
        (Some(12), Some("options[0].holdings[0].option"))
    );
    assert_eq!(a[1]["message"], "B Multi-Asset Fund holds 20% crypto (through its holding of C Bitcoin Fund); the policy caps an option that is not a digital-asset option at 5%.");
    assert_eq!(a[1]["line"].as_u64(), Some(21));
}

#[test]
fn qdia_holding_the_menus_bitcoin_fund_breaks_the_qdia_cap() {
    let menu = BITCOIN.replace(
        "qdia = true\n",
        "qdia = true\nholdings = [{ option = \"btc\", weight_pct = 6.0 }]\n",
    );
    let (code, json) = check(&menu);
    assert_eq!(code, 1);
    let f = finding(&json, "CRY002");
    assert_eq!(f["message"], "The QDIA Vanguard Target Retirement 2045 Fund holds 6% crypto (through its holding of iShares Bitcoin Trust ETF); the policy caps the QDIA at 0%.");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (
            Some(line_of(&menu, "holdings = [{ option = \"btc\"") as u64),
            Some(24)
        )
    );
    assert_eq!(f["labels"][0]["message"], "designated as the QDIA here");
}

#[test]
fn a_cycle_is_an_input_error_at_the_closing_holding() {
    let menu = CHAIN.replace("exposure = { crypto_pct = 100.0 }\n", "exposure = { crypto_pct = 100.0 }\n[[options.holdings]]\noption = \"a\"\nweight_pct = 1.0\n");
    let (code, json) = check(&menu);
    assert_eq!(code, 2);
    let f = &json["files"][0]["findings"][0];
    assert_eq!(f["rule"], "menulint::holdings-cycle");
    assert_eq!(f["message"], "holdings form a cycle: a → b → c → a");
    assert_eq!(f["line"], line_of(&menu, "option = \"a\"") as u64);
}

#[test]
fn missing_targets_and_overweight_holdings_are_errors_at_their_lines() {
    let menu = CHAIN.replace("option = \"c\"\nweight_pct = 20.0", "option = \"ghost\"\nweight_pct = 70.0\n[[options.holdings]]\noption = \"c\"\nweight_pct = 40.0");
    let (code, json) = check(&menu);
    assert_eq!(code, 1);
    let missing = finding(&json, "STR008");
    assert_eq!(
        missing["message"],
        "B Multi-Asset Fund holds `ghost`, which is not an option of this menu."
    );
    let ghost = line_of(&menu, "option = \"ghost\"") as u64;
    assert_eq!(missing["line"], ghost);
    let over = finding(&json, "STR009");
    assert_eq!(
        over["message"],
        "B Multi-Asset Fund's holdings add up to 110% of its assets, more than 100%."
    );
    // at the option's first holding, the line before
    assert_eq!(over["line"], ghost - 1);
}

#[test]
fn explain_exposure_shows_the_arithmetic() {
    let out = menulint()
        .args([
            "check",
            "--quiet",
            "--explain-exposure",
            "--select",
            "CRY004",
            "--as-of",
            AS_OF,
            "sample-menus/problems.toml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  tdf-2050         crypto 6% = own 0% + 6% of gbtc (100%)\n"),
        "{text}"
    );
    assert!(text.contains("  plan             crypto 18% = tdf-2050 6% × 50% of assets + gbtc 100% × 7.5% of assets + fbtc 100% × 7.5% of assets\n"), "{text}");
}

fn diff(current: &str, proposed: &str, format: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let (c, p) = (
        dir.path().join("current.toml"),
        dir.path().join("proposed.toml"),
    );
    std::fs::write(&c, current).unwrap();
    std::fs::write(&p, proposed).unwrap();
    let out = menulint()
        .current_dir(dir.path())
        .args([
            "diff",
            "--as-of",
            AS_OF,
            "--format",
            format,
            "current.toml",
            "proposed.toml",
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn ids(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["option"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

#[test]
fn diff_of_the_sample_menus() {
    let (code, text) = diff(
        include_str!("../sample-menus/conventional.toml"),
        BITCOIN,
        "human",
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!("diff_conventional_to_bitcoin", text);
}

#[test]
fn diff_reports_introduced_resolved_and_unchanged_and_gates_only_on_new_errors() {
    // the proposal renames the bitcoin option (matched by ticker), grows it past the
    // plan cap, and drops the stable value fund
    let proposed = BITCOIN
        .replace("id = \"btc\"", "id = \"ibit\"")
        .replace("assets_usd = 6000000", "assets_usd = 16000000")
        .replace("assets_usd = 104000000", "assets_usd = 94000000");
    let cut = proposed.find("[[options]]\nid = \"stable\"").unwrap();
    let end = cut + proposed[cut..].find("\n\n").unwrap() + 2;
    let proposed = format!("{}{}", &proposed[..cut], &proposed[end..]);
    let (code, text) = diff(BITCOIN, &proposed, "json");
    // both are warnings (the plan cap is a monitoring trigger): the gate fails on
    // them only with `--deny warnings`
    assert_eq!(code, 0, "{text}");
    let d: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        ids(&d["introduced"]),
        [
            // dropping the stable value fund leaves the stated plan total too high
            ("STR012".to_owned(), "-".to_owned()),
            ("CRY004".to_owned(), "ibit".to_owned())
        ]
    );
    assert_eq!(ids(&d["resolved"]), Vec::<(String, String)>::new());
    let renamed = d["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ibit")
        .unwrap();
    assert_eq!(
        (
            renamed["renamed_from"].as_str(),
            renamed["matched_by"].as_str()
        ),
        (Some("btc"), Some("ticker"))
    );
    assert!(d["options"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["change"] == "removed" && c["id"] == "stable"));
    let crypto = &d["figures"][0];
    // 16 M of bitcoin over the plan's stated 250 M (the denominator when stated)
    assert_eq!(crypto["before"].as_f64(), Some(2.4));
    assert!((crypto["after"].as_f64().unwrap() - 16.0 / 250.0 * 100.0).abs() < 1e-9);

    // fixing one problem of a menu that still has others is not a failure
    let fixed = PROBLEMS.replace("leverage = 3.0\n", "");
    let (code, text) = diff(PROBLEMS, &fixed, "json");
    assert_eq!(code, 0, "{text}");
    let d: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        ids(&d["resolved"]),
        [("SCO003".to_owned(), "nasdaq-3x".to_owned())]
    );
    assert_eq!(d["introduced"], Value::Array(vec![]));
    assert_eq!(d["unchanged"].as_array().unwrap().len(), 15);

    let (_, md) = diff(PROBLEMS, &fixed, "markdown");
    insta::assert_snapshot!("diff_fix_markdown", md);
}

#[test]
fn diff_of_a_broken_menu_exits_2() {
    let (code, text) = diff(BITCOIN, "schema_version = [", "human");
    assert_eq!(code, 2);
    assert!(text.contains("menulint::syntax"), "{text}");
}

/// A spot bitcoin fund that states no exposure is all crypto, never 0 %: a
/// recordkeeper's export has no exposure column, so this is the normal case for an
/// imported lineup. $50M of $250M is 20 % of plan assets, over the 5 % cap.
#[test]
fn an_option_whose_asset_class_implies_an_exposure_it_does_not_state_counts_at_100_pct() {
    let menu = format!(
        "{}\n[[options]]\nid = \"ibit\"\nname = \"iShares Bitcoin Trust ETF\"\nticker = \"IBIT\"\n\
         vehicle = \"etf\"\nasset_class = \"digital_asset\"\nexpense_ratio_pct = 0.25\n\
         assets_usd = 50000000\n",
        include_str!("../sample-menus/conventional.toml")
    );
    let (code, json) = check(&menu);
    assert_eq!(code, 1, "{json:#}");
    let cap = finding(&json, "CRY004");
    assert_eq!(
        cap["message"],
        "Plan-level crypto exposure is 20% of plan assets; the policy caps it at 5%."
    );
    assert_eq!(
        json["files"][0]["assumed"],
        serde_json::json!([{ "option": 5, "id": "ibit", "figure": "crypto_pct" }])
    );
    // stating the figure replaces the assumption
    let stated = menu.replace(
        "assets_usd = 50000000\n",
        "assets_usd = 50000000\n[options.exposure]\ncrypto_pct = 2.0\n",
    );
    let (_, json) = check(&stated);
    assert!(
        first_findings(&json).all(|f| f["rule"] != "CRY004"),
        "{json:#}"
    );
    assert!(json["files"][0].get("assumed").is_none());
}

/// A plan figure a rule caps that cannot be computed is undecided, never a pass: the
/// cap rule reports "not computed" at the option that keeps it from being computed,
/// the run is INCOMPLETE and fails the gate (exit 1) unless the config says
/// `incomplete = "warn"`.
#[test]
fn a_capped_figure_that_cannot_be_computed_is_incomplete_and_fails_the_gate() {
    let menu = "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n\n[[options]]\n\
                id = \"sp\"\nname = \"SP Fund\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n\
                assets_usd = 98000000\n\n[[options]]\nid = \"btc\"\nname = \"BTC Fund\"\n\
                vehicle = \"etf\"\nasset_class = \"digital_asset\"\n";
    let (code, json) = check(menu);
    assert_eq!(code, 1, "{json:#}");
    let f = finding(&json, "CRY004");
    assert_eq!(f["incomplete"], true);
    assert_eq!(f["severity"], "error");
    assert_eq!(
        f["message"],
        "Plan-level crypto exposure is not computed: the menu does not state the assets of BTC Fund, so the 5% cap cannot be checked."
    );
    let line = menu.lines().position(|l| l == "id = \"btc\"").unwrap() + 1;
    assert_eq!(f["line"], line);
    assert!(f["help"].as_str().unwrap().starts_with("state assets_usd"));
    assert_eq!(json["summary"]["incomplete"], 1);

    // a committee that decided otherwise: a warning, the gate passes on it
    let dir = tempfile::tempdir().unwrap();
    let m = write_in(dir.path(), "m.toml", menu);
    // (only the crypto pack, and its custody rule off: nothing else fails)
    write_in(
        dir.path(),
        "menulint.toml",
        "incomplete = \"warn\"\npacks = [\"crypto\"]\n[rules.CRY006]\nseverity = \"off\"\n",
    );
    let out = menulint()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(&m)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json:#}");
    let f = finding(&json, "CRY004");
    assert_eq!(
        (&f["severity"], &f["incomplete"]),
        (&"warning".into(), &true.into())
    );

    // the report says INCOMPLETE, not PASS, either way
    let out = menulint()
        .args(["report", "--format", "markdown", "--as-of", AS_OF])
        .arg(&m)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("**Verdict: INCOMPLETE**"), "{text}");

    // stating the assets decides it
    let (_, json) = check(&menu.replace(
        "asset_class = \"digital_asset\"\n",
        "asset_class = \"digital_asset\"\nassets_usd = 2000000\n",
    ));
    assert!(
        first_findings(&json).all(|f| f["rule"] != "CRY004"),
        "{json:#}"
    );
}

/// A proposal that leaves a capped figure undecided is worse than a menu that
/// decided it: `diff` fails the gate (exit 1) and shows the figure as not computed.
#[test]
fn a_proposal_that_leaves_a_cap_undecided_fails_the_diff() {
    let proposed = BITCOIN.replacen(
        "asset_class = \"digital_asset\"",
        "asset_class = \"digital_asset\"\n# assets unknown",
        1,
    );
    let proposed = {
        let at = proposed.find("# assets unknown").unwrap();
        let line_end = at + proposed[at..].find("assets_usd = 6000000\n").unwrap();
        format!(
            "{}{}",
            &proposed[..line_end],
            &proposed[line_end + "assets_usd = 6000000\n".len()..]
        )
    };
    assert!(!proposed.contains("assets_usd = 6000000"));
    let (code, text) = diff(BITCOIN, &proposed, "human");
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("not computed"), "{text}");
}
