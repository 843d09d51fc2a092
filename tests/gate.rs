//! The diff gate never lets a worse menu through: a finding whose measured figure
//! moves further past its limit counts as introduced, and the output says by how much.

use crate::common;
use common::*;
use serde_json::Value;

fn diff(current: &str, proposed: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let a = write_in(dir.path(), "current.toml", current);
    let b = write_in(dir.path(), "proposed.toml", proposed);
    let (code, out) = common::diff("json", &a, &b);
    (code, serde_json::from_str(&out).unwrap())
}

#[test]
fn a_violation_made_far_worse_fails_the_gate() {
    // the QDIA's bitcoin holding goes from 6 % to 60 %, and the bitcoin fund grows
    let proposed = PROBLEMS
        .replace("weight_pct = 6.0", "weight_pct = 60.0")
        .replace("assets_usd = 3000000", "assets_usd = 180000000");
    assert_ne!(proposed, PROBLEMS);
    let (code, d) = diff(PROBLEMS, &proposed);
    assert_eq!(code, 1, "{d:#}");
    let worse: Vec<(&str, f64, f64)> = d["worsened"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["finding"]["rule"].as_str().unwrap(),
                w["before"]["value"].as_f64().unwrap(),
                w["finding"]["measured"]["value"].as_f64().unwrap(),
            )
        })
        .collect();
    for rule in ["CRY001", "CRY002", "CRY004"] {
        assert!(worse.iter().any(|w| w.0 == rule), "{rule}: {worse:?}");
    }
    let qdia = worse.iter().find(|w| w.0 == "CRY002").unwrap();
    assert_eq!((qdia.1, qdia.2), (6.0, 60.0));
    // a finding that got better or stayed the same is not worse
    let (code, d) = diff(&proposed, PROBLEMS);
    assert_eq!(code, 0, "{d:#}");
    assert!(d["worsened"].as_array().unwrap().is_empty());
    let (code, _) = diff(PROBLEMS, PROBLEMS);
    assert_eq!(code, 0);
}

#[test]
fn the_human_diff_says_by_how_much() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_in(dir.path(), "current.toml", PROBLEMS);
    let b = write_in(
        dir.path(),
        "proposed.toml",
        PROBLEMS.replace("weight_pct = 6.0", "weight_pct = 60.0"),
    );
    let (code, text) = common::diff("human", &a, &b);
    assert_eq!(code, 1);
    assert!(
        text.contains("was 6 (limit 0), now 60 (limit 0): 54 further past the limit"),
        "{text}"
    );
}

/// A deterministic run of the `diff_gate` fuzz target's property: random raises of
/// capped figures in the sample menus never pass the gate.
#[test]
fn random_raises_of_capped_figures_never_pass() {
    let rules = menulint::rules::RuleSet::builtin().unwrap();
    let mut rng = crate::common::synth::Rng::new(7);
    let mut tried = 0;
    for base in [PROBLEMS, include_str!("../sample-menus/bitcoin.toml")] {
        for _ in 0..150 {
            let n = 1 + rng.below(6) as usize;
            let choices: Vec<u8> = (0..2 * n).map(|_| rng.below(256) as u8).collect();
            let proposed = common::gate::raise(base, &choices);
            if let Err(why) = common::gate::gate_holds(&rules, base, &proposed) {
                panic!("{why}\nchoices {choices:?}");
            }
            tried += 1;
        }
    }
    assert_eq!(tried, 300);
}

/// A proposal that moves the plan to a cheaper share class: the diff says what it
/// saves, per $1,000 invested and on the plan's assets, and what it does to the
/// plan's all-in cost and cost per participant; the resolved finding is the share
/// class one.
#[test]
fn a_cheaper_share_class_shows_its_saving_in_dollars() {
    let current = std::fs::read_to_string("sample-menus/fees.toml").unwrap();
    let proposed = current
        .replace("expense_ratio_pct = 0.14 ", "expense_ratio_pct = 0.04 ")
        .replace("share_class = \"Investor\"", "share_class = \"Admiral\"");
    assert_ne!(current, proposed);
    let (code, json) = diff(&current, &proposed);
    assert_eq!(code, 0, "{json:#}");
    let option = &json["options"][0];
    let field = |name: &str| {
        option["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == name)
            .map(|f| (f["before"].as_f64().unwrap(), f["after"].as_f64().unwrap()))
    };
    assert_eq!(
        field("cost per $1,000 invested, USD a year"),
        Some((1.4, 0.4))
    );
    assert_eq!(
        field("cost on the plan's assets in it, USD a year"),
        Some((42_000.0, 12_000.0))
    );
    let figure = |name: &str| figure_of(&json, name);
    // funds: 30M × 0.14 % + 6M × 0.04 % + 12M × 0.93 %; recordkeeping: 25 bp of 48M
    assert_eq!(
        figure("fund expenses, USD a year"),
        (Some(156_000.0), Some(126_000.0))
    );
    assert_eq!(
        figure("recordkeeping and administration, USD a year"),
        (Some(120_000.0), Some(120_000.0))
    );
    assert_eq!(
        figure("all-in cost, % of plan assets"),
        (Some(0.575), Some(0.5125))
    );
    assert_eq!(
        figure("all-in cost per participant, USD a year"),
        (Some(240.0), Some(213.91))
    );
    let resolved: Vec<&str> = json["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(resolved, ["FEE002"]);
    // an unknown participant count leaves the per-participant cost unknown, never 0
    let unknown = proposed.replace("participants_with_balance = 1150\n", "");
    let (_, json) = diff(&current, &unknown);
    assert_eq!(
        figure_of(&json, "all-in cost per participant, USD a year"),
        (Some(240.0), None)
    );
}

fn figure_of(json: &Value, name: &str) -> (Option<f64>, Option<f64>) {
    json["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["figure"] == name)
        .map(|f| (f["before"].as_f64(), f["after"].as_f64()))
        .unwrap()
}
