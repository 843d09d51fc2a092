//! The README's rule table is generated from the packs; keep it that way.

mod common;

use menulint::render::rules_markdown;
use menulint::rules::RuleSet;

#[test]
fn readme_lists_every_built_in_rule_as_generated() {
    let readme = include_str!("../README.md");
    let start = readme.find("<!-- rules:start -->\n").expect("start marker")
        + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("end marker");
    let generated = rules_markdown(&RuleSet::builtin().expect("packs load"));
    assert_eq!(
        &readme[start..end],
        generated,
        "README rule table is stale: regenerate it with `cargo run -- rules --format markdown`"
    );
}

#[test]
fn readme_commands_are_the_ones_ci_runs() {
    let readme = include_str!("../README.md");
    let ci = include_str!("../.ci/run");
    assert!(readme.contains("cargo run --release -- check sample-menus/problems.toml"));
    assert!(readme.contains("\ncargo test\n"));
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test"),
        ".ci/run must run the README's test command"
    );
}

/// The README's human example is a block of the real output, byte for byte.
#[test]
fn readme_human_example_is_real_output() {
    let readme = include_str!("../README.md");
    let start = readme.find("```text\nCRY002(").expect("human example") + "```text\n".len();
    let end = start + readme[start..].find("\n```").unwrap();
    let out = common::menulint()
        .args(["check", "sample-menus/problems.toml", "--color", "never"])
        .args(["--as-of", common::AS_OF])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("{}\n\n", &readme[start..end])),
        "README's human example differs from the output:\n{text}"
    );
}

/// The README's JSON example is the real document with one finding kept.
#[test]
fn readme_json_example_is_real_output() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```json\n{\n  \"version\"")
        .expect("JSON example")
        + "```json\n".len();
    let end = start + readme[start..].find("\n```").unwrap();
    let shown: serde_json::Value = serde_json::from_str(&readme[start..end]).unwrap();
    let (_, mut real) = common::check_json(&["sample-menus/problems.toml"]);
    let rule = shown["files"][0]["findings"][0]["rule"].clone();
    let kept: Vec<_> = real["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .cloned()
        .collect();
    real["files"][0]["findings"] = serde_json::Value::Array(kept);
    real["version"] = shown["version"].clone();
    assert_eq!(shown, real);
}
