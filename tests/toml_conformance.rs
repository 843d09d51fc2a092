//! Every invalid case of the official TOML 1.0 conformance suite (toml-test, MIT,
//! vendored under tests/toml-test) must be refused with a located diagnostic.

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn every_invalid_toml_test_case_exits_2_with_a_line_and_column() {
    let listed: Vec<String> = include_str!("toml-test/files-toml-1.0.0")
        .lines()
        .filter(|l| l.starts_with("invalid/"))
        .map(|l| format!("tests/toml-test/{l}"))
        .collect();
    assert_eq!(listed.len(), 499);
    let out = Command::cargo_bin("menulint")
        .unwrap()
        .args(["check", "--format", "json", "--as-of", "2026-11-25"])
        .args(&listed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON even for 499 broken files");
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), listed.len());
    let mut by_code = std::collections::BTreeMap::<String, usize>::new();
    for f in files {
        assert_eq!(f["checked"], false, "{} was accepted", f["path"]);
        let first = &f["findings"][0];
        assert!(
            first["line"].as_u64().unwrap_or(0) >= 1 && first["column"].as_u64().unwrap_or(0) >= 1,
            "{}: {first:#}",
            f["path"]
        );
        *by_code
            .entry(first["rule"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    // most are syntax errors; the rest are TOML 1.1 relaxations the parser accepts,
    // or bad UTF-8, and the menu schema then refuses them
    eprintln!("toml-test invalid cases by first diagnostic: {by_code:?}");
    assert!(
        by_code.get("menulint::syntax").copied().unwrap_or(0) > 400,
        "{by_code:?}"
    );
}
