//! Selection evidence for the DOL's proposed safe harbor: the opt-in `selection`
//! pack on the two sample proposals.

use crate::common;
use common::*;

#[test]
fn a_complete_selection_record_passes_and_gaps_fail_at_their_lines() {
    let (code, json) = check_json(&["sample-menus/selection/complete.toml"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["warnings"], 0);

    let (code, json) = check_json(&["sample-menus/selection/gaps.toml"]);
    assert_eq!(code, 1);
    let got: Vec<(String, u64)> = first_findings(&json)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("SEL003", 169),
        ("SEL009", 170),
        ("SEL004", 219),
        ("SEL006", 243),
        ("SEL007", 278),
    ];
    let expected: Vec<(String, u64)> = expected.iter().map(|(r, l)| (r.to_string(), *l)).collect();
    assert_eq!(got, expected);
    // every finding says it rests on a proposal, not on law in force
    for f in json["files"][0]["findings"].as_array().unwrap() {
        assert_eq!(f["basis"], "policy");
        // each cites its paragraph of the proposal
        let citation = f["citation"].as_str().unwrap();
        assert!(
            citation.contains("2550.404a-6(") && citation.contains(", 91 FR 16088 (proposed)"),
            "{citation}"
        );
    }
}

#[test]
fn the_selection_pack_is_opt_in() {
    // without a config naming it, the same gaps raise nothing
    let dir = tempfile::tempdir().unwrap();
    let m = write_in(
        dir.path(),
        "m.toml",
        std::fs::read_to_string("sample-menus/selection/gaps.toml").unwrap(),
    );
    let (code, json) = check_json(&[&m]);
    assert_eq!(code, 0, "{json:#}");
    assert!(!rules_of(&json).iter().any(|r| r.starts_with("SEL")));
    // and every option can be in scope with applies_to = "all"
    let cfg = write_in(
        dir.path(),
        "menulint.toml",
        "packs = [\"selection\"]\n[rules.SEL001]\nparams = { applies_to = \"all\" }\n",
    );
    let (_, json) = check_json(&["--config", &cfg, &m]);
    let sel001 = rules_of(&json).iter().filter(|r| *r == "SEL001").count();
    assert_eq!(sel001, 5, "the five options without a record: {json:#}");
}

#[test]
fn since_the_current_menu_only_new_options_are_in_scope() {
    let dir = tempfile::tempdir().unwrap();
    // the proposal without the private-markets trust's record
    let text = std::fs::read_to_string("sample-menus/selection/complete.toml").unwrap();
    let cut = text.rfind("[options.selection]").unwrap();
    let m = write_in(dir.path(), "proposed.toml", &text[..cut]);
    let cfg = write_in(
        dir.path(),
        "menulint.toml",
        "packs = [\"selection\"]\n[rules.SEL001]\nparams = { applies_to = \"new\" }\n",
    );
    let sel001 = |args: &[&str]| -> Vec<String> {
        let (_, json) = check_json(args);
        first_findings(&json)
            .filter(|f| f["rule"] == "SEL001")
            .map(|f| f["option"].as_str().unwrap().to_owned())
            .collect()
    };
    // against the menu in force, only the two added options are new; one has no record
    let got = sel001(&["--config", &cfg, "--since", "sample-menus/bitcoin.toml", &m]);
    assert_eq!(got, ["tdf-pm"]);
    // without --since every option is new
    let got = sel001(&["--config", &cfg, &m]);
    assert_eq!(got.len(), 6, "{got:?}");
    // a broken current menu is an input error, reported at its line as a broken
    // menu is, and nothing is checked against it
    let bad = write_in(dir.path(), "bad.toml", "schema_version = [");
    let (code, json) = check_json(&["--config", &cfg, "--since", &bad, &m]);
    assert_eq!(code, 2);
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{json:#}");
    assert_eq!(files[0]["path"], bad);
    assert_eq!(rules_of(&json), ["menulint::syntax"]);
    assert_eq!(first(&json)["line"], 1);
}
