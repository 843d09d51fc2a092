//! The README's rule table is generated from the packs; keep it that way.

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
