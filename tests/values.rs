//! Values that cannot be what they claim (non-finite or negative figures,
//! numbers and dates out of range, byte-order marks and CRLF line ends) are errors
//! at their place or read as the user meant them, never another value in silence.

use crate::common;
use common::*;
use serde_json::Value;

#[test]
fn non_finite_and_negative_numbers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (value, rule) in [
        ("nan", "menulint::schema"),
        ("inf", "menulint::schema"),
        ("-inf", "menulint::schema"),
        ("-5.0", "menulint::schema"),
    ] {
        let text = PROBLEMS.replace(
            "expense_ratio_pct = 0.84",
            &format!("expense_ratio_pct = {value}"),
        );
        let path = write_in(dir.path(), "n.toml", text.as_bytes());
        let (code, json) = check_json(&[&path]);
        assert_eq!(code, 2, "{value}");
        let f = first(&json);
        assert_eq!(
            (f["rule"].as_str(), f["line"].as_u64()),
            (Some(rule), Some(136)),
            "{value}: {f:#}"
        );
    }
    let text = PROBLEMS.replace("leverage = 3.0", "leverage = 3.0\nleverage = 2.0");
    let path = write_in(dir.path(), "dup.toml", text.as_bytes());
    let (code, json) = check_json(&[&path]);
    assert_eq!(
        (
            code,
            first(&json)["rule"].as_str(),
            first(&json)["line"].as_u64()
        ),
        (2, Some("menulint::syntax"), Some(138))
    );
}

#[test]
fn bom_and_crlf_keep_spans_right() {
    let dir = tempfile::tempdir().unwrap();
    let (_, plain) = check_json(&["sample-menus/problems.toml"]);
    let crlf = PROBLEMS.replace('\n', "\r\n");
    let with_bom = format!("\u{feff}{crlf}");
    for (name, text) in [("crlf.toml", crlf.clone()), ("bom.toml", with_bom)] {
        let path = write_in(dir.path(), name, text.as_bytes());
        let (code, json) = check_json(&[&path]);
        assert_eq!(code, 1, "{name}");
        let loc = |j: &Value| -> Vec<(u64, u64, u64, u64)> {
            j["files"][0]["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["line"].as_u64().unwrap(),
                        f["column"].as_u64().unwrap(),
                        f["end_line"].as_u64().unwrap(),
                        f["end_column"].as_u64().unwrap(),
                    )
                })
                .collect()
        };
        let expected: Vec<_> = loc(&plain);
        let got = loc(&json);
        // a BOM is not a column of the first line, and CR is not part of a line
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn numbers_and_dates_out_of_range_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    // whole dollars written as floats are dollars
    let m = write_in(
        dir.path(),
        "f.toml",
        BITCOIN.replace("assets_usd = 6000000", "assets_usd = 6000000.0"),
    );
    let (code, _) = check_json(&[&m]);
    assert_eq!(code, 0);
    // dates outside 1900-2200, in a menu or a config waiver
    let m = write_in(
        dir.path(),
        "d.toml",
        BITCOIN.replacen("inception_date = ", "inception_date = 0000-01-01\n# ", 1),
    );
    let (code, json) = check_json(&[&m]);
    assert_eq!(code, 2);
    let f = &json["files"][0]["findings"][0];
    assert_eq!(f["rule"], "menulint::schema");
    assert!(f["message"].as_str().unwrap().contains("out of range"));
    assert!(f["line"].as_u64().unwrap() > 1);
    let config = write_in(
        dir.path(),
        "menulint.toml",
        "[[waivers]]\nrule = \"FEE001\"\nreason = \"r\"\napproved_by = \"c\"\nexpires = 0000-01-01\n",
    );
    let (code, json) = check_json(&["--config", &config, &m]);
    assert_eq!(code, 2, "{json:#}");
    // command-line dates and sizes
    for bad in ["+202-01-01", "-001-01-01", "0000-01-01", "2026-02-30"] {
        let out = menulint()
            .args([
                "check",
                &format!("--as-of={bad}"),
                "sample-menus/bitcoin.toml",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    let (code, _) = check_json(&[
        "--max-file-size",
        "18446744073709551615",
        "sample-menus/bitcoin.toml",
    ]);
    assert_eq!(code, 0, "a huge limit does not wrap to zero");
    // an inception date after the check date is warned about, and the performance
    // rule does not read it as a fund with nothing to report
    let dir = tempfile::tempdir().unwrap();
    let m = write_in(
        dir.path(),
        "future.toml",
        BITCOIN.replace("inception_date = 2024-01-11", "inception_date = 2099-01-11"),
    );
    let (_, json) = check_json(&[&m]);
    let rules = json.to_string();
    assert!(rules.contains("STR014"), "{json:#}");
}
