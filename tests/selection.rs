//! Selection evidence for the DOL's proposed safe harbor: the opt-in `selection`
//! pack on the two sample proposals.

mod common;
use common::*;

#[test]
fn a_complete_selection_record_passes_and_gaps_fail_at_their_lines() {
    let (code, json) = check_json(&["sample-menus/selection/complete.toml"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["warnings"], 0);

    let (code, json) = check_json(&["sample-menus/selection/gaps.toml"]);
    assert_eq!(code, 1);
    let got: Vec<(String, u64)> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("SEL003", 138),
        ("SEL009", 139),
        ("SEL004", 186),
        ("SEL006", 205),
        ("SEL007", 239),
    ];
    let expected: Vec<(String, u64)> = expected.iter().map(|(r, l)| (r.to_string(), *l)).collect();
    assert_eq!(got, expected);
    // every finding says it rests on a proposal, not on law in force
    for f in json["files"][0]["findings"].as_array().unwrap() {
        assert_eq!(f["basis"], "policy");
        assert!(f["citation"]
            .as_str()
            .unwrap()
            .contains("2550.404a-6, 91 FR 16088 (proposed)"));
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
