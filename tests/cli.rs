//! The `menulint` binary end to end: exit codes, findings, spans and rendered output.

mod common;
use common::*;

use serde_json::Value;

/// (rule, line, column) of every finding of the first file.
fn located(json: &Value) -> Vec<(String, u64, u64)> {
    first_findings(json)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const MINIMAL: &str = r#"schema_version = 1

[plan]
name = "P"
sponsor = "S"

[[options]]
id = "sp"
name = "Fund"
vehicle = "etf"
asset_class = "us_equity"
"#;

#[test]
fn clean_sample_menus_exit_zero_with_no_findings() {
    for menu in [
        "sample-menus/conventional.toml",
        "sample-menus/bitcoin.toml",
    ] {
        let (code, json) = check_json(&[menu]);
        assert_eq!(code, 0, "{menu}: {json:#}");
        assert_eq!(json["files"][0]["findings"], Value::Array(vec![]), "{menu}");
        assert_eq!(json["files"][0]["checked"], true);
    }
}

#[test]
fn problem_menu_has_exactly_these_findings() {
    let (code, json) = check_json(&["sample-menus/problems.toml"]);
    assert_eq!(code, 1);
    let expected = [
        ("DIS005", 11, 1),
        ("DIS006", 11, 1),
        ("STR001", 11, 1),
        ("CRY001", 36, 10),
        ("CRY002", 36, 10),
        ("DIS002", 39, 1),
        ("FEE001", 71, 21),
        ("CRY004", 72, 14),
        ("CRY006", 99, 1),
        ("STR006", 104, 8),
        ("STR007", 104, 8),
        ("CRY003", 106, 15),
        ("CRY005", 123, 25),
        ("FEE001", 136, 21),
        ("SCO003", 137, 12),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(r, l, c)| (r.to_string(), *l, *c))
        .collect();
    assert_eq!(located(&json), expected);
    let summary = &json["summary"];
    assert_eq!(
        (summary["errors"].as_u64(), summary["warnings"].as_u64()),
        (Some(11), Some(4))
    );
}

#[test]
fn human_output_snapshot() {
    let out = menulint()
        .args(["check", "--as-of", AS_OF, "sample-menus/problems.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("problems_human", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn json_output_snapshot() {
    let out = menulint()
        .args([
            "check",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "sample-menus/problems.toml",
        ])
        .output()
        .unwrap();
    insta::assert_snapshot!("problems_json", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn deny_warnings_turns_warnings_into_failures() {
    let dir = tempfile::tempdir().unwrap();
    // a clean menu whose index fund now costs more than the passive cap: a warning only
    let menu = include_str!("../sample-menus/conventional.toml")
        .replace("expense_ratio_pct = 0.015", "expense_ratio_pct = 0.35");
    let path = write_in(dir.path(), "fee.toml", &menu);
    let (code, json) = check_json(&[&path]);
    assert_eq!(code, 0);
    let line = line_of(&menu, "expense_ratio_pct = 0.35") as u64;
    assert_eq!(located(&json), vec![("FEE001".to_owned(), line, 21)]);
    let (code, _) = check_json(&["--deny", "warnings", &path]);
    assert_eq!(code, 1);
}

#[test]
fn syntax_error_exits_2_at_the_right_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_in(
        dir.path(),
        "bad.toml",
        MINIMAL.replace("name = \"Fund\"", "name = \"Fund"),
    );
    let (code, json) = check_json(&[&path]);
    assert_eq!(code, 2);
    let found = located(&json);
    assert_eq!(found[0].0, "menulint::syntax");
    assert_eq!(found[0].1, 9);
    assert_eq!(json["files"][0]["checked"], false);
}

#[test]
fn schema_violations_exit_2_each_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "expense_ratio_pct = \"0.04%\"\n",
            12,
            "options[0].expense_ratio_pct",
        ),
        ("crypto_pct = 3.0\n", 12, "options[0].crypto_pct"),
        (
            "exposure = { crypto_pct = 140.0 }\n",
            12,
            "options[0].exposure.crypto_pct",
        ),
        ("vehicle = \"hedge_fund\"\n", 11, "options[0].vehicle"),
    ];
    for (extra, line, path) in cases {
        let text = if extra.starts_with("vehicle") {
            MINIMAL.replace("vehicle = \"etf\"\n", "") + extra
        } else {
            format!("{MINIMAL}{extra}")
        };
        let p = write_in(dir.path(), "m.toml", &text);
        let (code, json) = check_json(&[&p]);
        assert_eq!(code, 2, "{extra}");
        let f = &json["files"][0]["findings"][0];
        assert_eq!(f["rule"], "menulint::schema", "{extra}");
        assert_eq!(f["line"], line, "{extra}: {f:#}");
        assert_eq!(f["path"], path, "{extra}");
    }
    // a missing required key labels the table that lacks it
    let p = write_in(
        dir.path(),
        "m.toml",
        MINIMAL.replace("sponsor = \"S\"\n", ""),
    );
    let (code, json) = check_json(&[&p]);
    assert_eq!(code, 2);
    let f = &json["files"][0]["findings"][0];
    assert_eq!(
        (f["line"].as_u64(), f["message"].as_str()),
        (Some(3), Some("missing required key `sponsor` in `plan`"))
    );
}

#[test]
fn unreadable_inputs_exit_2_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml").display().to_string();
    let (code, json) = check_json(&[&missing]);
    assert_eq!(code, 2);
    assert_eq!(json["files"][0]["findings"][0]["rule"], "menulint::io");

    let bytes = dir.path().join("latin1.toml");
    std::fs::write(&bytes, b"schema_version = 1\nname = \"Caf\xe9\"\n").unwrap();
    let (code, json) = check_json(&[&bytes.display().to_string()]);
    assert_eq!(code, 2);
    let f = &json["files"][0]["findings"][0];
    assert_eq!(
        (f["rule"].as_str(), f["line"].as_u64(), f["column"].as_u64()),
        (Some("menulint::encoding"), Some(2), Some(12))
    );

    let empty = tempfile::tempdir().unwrap();
    let (code, json) = check_json(&[&empty.path().display().to_string()]);
    assert_eq!(code, 2);
    assert!(json["files"][0]["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no menus"));

    let big = write_in(dir.path(), "big.toml", MINIMAL);
    let (code, json) = check_json(&["--max-file-size", "10", &big]);
    assert_eq!(code, 2);
    assert_eq!(
        json["files"][0]["findings"][0]["rule"],
        "menulint::too-large"
    );
}

#[test]
fn directories_are_searched_and_results_sorted() {
    let (code, json) = check_json(&["sample-menus"]);
    assert_eq!(code, 1);
    let paths: Vec<_> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "sample-menus/bitcoin.toml",
            "sample-menus/conventional.toml",
            "sample-menus/fees.toml",
            "sample-menus/monitoring/menu.toml",
            "sample-menus/problems.toml",
            // checked under the config beside them, which is not itself a menu
            "sample-menus/selection/complete.toml",
            "sample-menus/selection/gaps.toml",
        ]
    );
}

#[test]
fn bad_as_of_is_a_usage_error() {
    menulint()
        .args([
            "check",
            "--as-of",
            "2026-02-30",
            "sample-menus/bitcoin.toml",
        ])
        .assert()
        .code(2);
}

#[test]
fn schema_command_prints_the_embedded_schema() {
    let out = menulint().arg("schema").output().unwrap();
    assert!(out.status.success());
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let file: Value = serde_json::from_str(include_str!("../schemas/menu.schema.json")).unwrap();
    assert_eq!(printed, file);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let run = || {
        menulint()
            .args([
                "check",
                "--format",
                "json",
                "--as-of",
                AS_OF,
                "sample-menus",
            ])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn a_custom_pack_adds_rules() {
    let (code, json) = check_json(&[
        "--pack",
        "tests/packs/custom.toml",
        "sample-menus/conventional.toml",
    ]);
    assert_eq!(code, 0, "a warning alone does not fail");
    let menu = include_str!("../sample-menus/conventional.toml");
    let line = line_of(menu, "id = \"stable\"") as u64;
    assert_eq!(located(&json), vec![("ACM001".to_owned(), line, 6)]);
    assert_eq!(
        json["files"][0]["findings"][0]["message"],
        "the menu offers 5 options; the policy allows 4"
    );
}

/// A broken pack is an error in the pack file, at its line, and nothing is checked.
fn pack_error(pack_text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let pack = write_in(dir.path(), "bad.toml", pack_text);
    let out = menulint()
        .args(["check", "--pack", &pack, "sample-menus/conventional.toml"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn bad_rule_packs_exit_2_pointing_at_the_pack_line() {
    let good = include_str!("packs/custom.toml");
    // TOML syntax
    let (code, err) = pack_error(&good.replace("severity = \"warning\"", "severity = warning"));
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml:9:"), "{err}");
    // unknown field
    let (code, err) = pack_error(&good.replace(
        "severity = \"warning\"",
        "severity = \"warning\"\nseverty = \"error\"",
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown field `severty`") && err.contains("bad.toml:10:"),
        "{err}"
    );
    // invalid CEL
    let (code, err) =
        pack_error(&good.replace("size(options) <= params.max", "size(options <= params.max"));
    assert_eq!(code, 2);
    assert!(
        err.contains("invalid CEL expression") && err.contains("bad.toml:17:"),
        "{err}"
    );
    // undeclared parameter
    let (code, err) = pack_error(&good.replace(
        "size(options) <= params.max",
        "size(options) <= params.maximum",
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains("`params.maximum`") && err.contains("bad.toml:17:"),
        "{err}"
    );
    // a `let` that would hide a variable every rule sees
    let (code, err) = pack_error(&good.replace(
        "params = { max = 4 }",
        "params = { max = 4 }\nlet = { options = \"[]\" }",
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains("`let` cannot rebind `options`") && err.contains("bad.toml:17:"),
        "{err}"
    );
    // a dotted `let` name, which CEL would read in place of a field
    for name in ["\"option.name\"", "\".k\"", "\"1k\"", "\"\""] {
        let (code, err) = pack_error(&good.replace(
            "params = { max = 4 }",
            &format!("params = {{ max = 4 }}\nlet = {{ {name} = \"'x'\" }}"),
        ));
        assert_eq!(code, 2, "{name}");
        assert!(
            err.contains("is not a name CEL can read") && err.contains("bad.toml:17:"),
            "{name}: {err}"
        );
    }
    // a rule id that clashes with a built-in rule
    let (code, err) = pack_error(&good.replace("ACM001", "CRY001"));
    assert_eq!(code, 2);
    assert!(err.contains("rule id CRY001 is defined twice"), "{err}");
}
