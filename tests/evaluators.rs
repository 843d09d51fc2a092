//! The native evaluator against the interpreter on random expressions: every rule
//! the native evaluator passes, the interpreter must pass too (verify mode turns a
//! disagreement into an error). The long run is the `evaluators` fuzz target.

use crate::common;

use crate::common::synth::{self, Rng};
use common::exprgen;
use menulint::diag::SourceFile;
use menulint::engine::check::check_source;
use menulint::engine::evaluate::Evaluation;
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

/// Where the `cel` crate's answer differs from the CEL specification, menulint gives
/// the specification's (or refuses the rule when it loads): each case runs as a plan
/// rule of its own, with a `let` that fails.
#[test]
fn cel_corners_give_the_specifications_answer() {
    let rule = |id: &str, check: &str| {
        format!(
            "[[rules]]\nid = \"{id}\"\nname = \"corner-{}\"\nseverity = \"error\"\nscope = \"plan\"\n\
             summary = \"s\"\ndescription = \"d\"\nbasis = \"policy\"\n\
             authority = [{{ cite = \"IPS\", kind = \"investment-policy\", status = \"in-force\" }}]\n\
             help = \"h\"\nlet = {{ boom = \"1 / 0\" }}\ncheck = \"{check}\"\nmessage = \"failed\"\nat = \"plan\"\n",
            id.to_lowercase()
        )
    };
    let head = "[pack]\nname = \"corners\"\ntitle = \"t\"\ndescription = \"d\"\n\n";
    let load = |rules: &[(&str, &str)]| {
        let text: String = rules.iter().map(|(id, c)| rule(id, c)).collect();
        RuleSet::from_sources(vec![SourceFile::new(
            "corners.toml",
            format!("{head}{text}"),
        )])
    };
    // an integer a double cannot hold would be rounded before the comparison
    for big in [
        "9007199254740993 == 9007199254740992.0",
        "18446744073709551615u > 1.0",
    ] {
        let refused = load(&[("COR001", big)]).err().expect("refused at load");
        let text = format!("{refused:?}");
        assert!(text.contains("beyond ±9007199254740992"), "{text}");
    }
    let cases = [
        // (rule, check, outcome: "pass", "fail" or the error's words)
        ("COR002", "true || boom > 0", "pass"),
        ("COR003", "!(false && boom > 0)", "pass"),
        ("COR004", "false", "fail"),
        ("COR005", "false || boom > 0", "`boom`: Division by zero"),
        (
            "COR006",
            "double('1e400') > 0.0",
            "`1e400` is not a number a double can hold",
        ),
        ("COR007", "double('2.5') == 2.5 && double(3) == 3.0", "pass"),
        (
            "COR008",
            "in_last([true, true], '3') >= 0",
            "whole number of quarters",
        ),
        (
            "COR009",
            "in_last([true, true], -1) >= 0",
            "whole number of quarters",
        ),
        ("COR010", "9007199254740992 == 9007199254740992.0", "pass"),
        // a macro walks a map's keys in one order, whatever the run
        (
            "COR011",
            "{'d': 1, 'b': 2, 'h': 3, 'a': 4, 'f': 5, 'c': 6, 'g': 7, 'e': 8}.map(k, k) \
             == ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']",
            "pass",
        ),
        (
            "COR012",
            "{'b': 1, 'a': 2}.filter(k, true)[0] == 'a'",
            "pass",
        ),
        ("COR013", "{'b': 1, 'a': 2}.all(k, k in ['a', 'b'])", "pass"),
        ("COR014", "[3, 1].map(x, x) == [3, 1]", "pass"),
    ];
    let rules = load(&cases.map(|(id, check, _)| (id, check))).expect("the corners load");
    let ev = Evaluation::new(&rules, common::AS_OF, &[]).verifying();
    let menu = std::fs::read_to_string("sample-menus/conventional.toml").unwrap();
    // maps built afresh on each run hash their keys afresh
    for _ in 0..8 {
        let report = check_source(
            &ev,
            None,
            SourceFile::new("conventional.toml", menu.as_str()),
        );
        judge(&report.findings, &cases);
    }
}

fn judge(findings: &[menulint::diag::Finding], cases: &[(&str, &str, &str)]) {
    for &(id, _, outcome) in cases {
        let about: Vec<&menulint::diag::Finding> = findings
            .iter()
            .filter(|f| f.id() == id || f.message.contains(&format!("rule {id} ")))
            .collect();
        match outcome {
            "pass" => assert!(about.is_empty(), "{id}: {about:#?}"),
            "fail" => assert!(
                about.len() == 1 && about[0].id() == id && about[0].message == "failed",
                "{id}: {about:#?}"
            ),
            words => assert!(
                about.len() == 1
                    && about[0].id() == "menulint::rule-eval"
                    && about[0].message.contains(words),
                "{id}: {about:#?}"
            ),
        }
    }
}
