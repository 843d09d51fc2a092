//! The native evaluator against the interpreter on random expressions: every rule
//! the native evaluator passes, the interpreter must pass too (verify mode turns a
//! disagreement into an error). The long run is the `evaluators` fuzz target.

mod common;

use common::exprgen;
use menulint::diag::SourceFile;
use menulint::engine::check::check_source;
use menulint::engine::evaluate::Evaluation;
use menulint::menu::synth::{self, Rng};
use menulint::rules::RuleSet;

/// Menus with the corners: the samples (crypto, history, selection records) and
/// generated ones.
fn menus() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = [
        "sample-menus/bitcoin.toml",
        "sample-menus/conventional.toml",
        "sample-menus/problems.toml",
        "sample-menus/monitoring/menu.toml",
        "sample-menus/selection/gaps.toml",
    ]
    .iter()
    .map(|p| (p.to_string(), std::fs::read_to_string(p).unwrap()))
    .collect();
    out.extend((0..3).map(|seed| (format!("synth {seed}"), synth::menu(seed))));
    out
}

#[test]
fn the_evaluators_agree_on_random_expressions() {
    let menus = menus();
    let mut rng = Rng::new(0x5eed);
    let (mut expressions, mut pairs) = (0, 0);
    for _ in 0..4 {
        let batch: Vec<String> = (0..150)
            .map(|_| exprgen::expression(&mut |n| rng.below(n)))
            .collect();
        let pack = exprgen::pack(&batch);
        let rules = RuleSet::from_sources(vec![SourceFile::new("generated.toml", pack)])
            .unwrap_or_else(|e| panic!("the generated pack loads: {e:#?}"));
        let ev = Evaluation::new(&rules, common::AS_OF, &[]).verifying();
        for (name, text) in &menus {
            let report = check_source(&ev, None, SourceFile::new(name.as_str(), text.as_str()));
            let diverged: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| f.message.contains("the native evaluator passes"))
                .map(|f| f.message.as_str())
                .collect();
            assert!(diverged.is_empty(), "{name}:\n{}", diverged.join("\n"));
            pairs += batch.len() * report.menu.as_ref().map_or(0, |m| m.options.len());
        }
        expressions += batch.len();
    }
    assert_eq!(expressions, 600);
    assert!(pairs > 20_000, "only {pairs} rule × option pairs compared");
}
