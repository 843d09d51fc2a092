//! Every built-in rule ships a passing and a failing example; run them all.

use crate::common;
use common::*;

use menulint::diag::Segment;
use menulint::engine::check::check_source;
use menulint::engine::evaluate::Evaluation;
use menulint::rules::RuleSet;

#[test]
fn every_rule_has_a_passing_and_a_failing_example() {
    let rules = RuleSet::builtin().expect("built-in packs load");
    for rule in rules.rules() {
        assert!(
            rule.examples.iter().any(|e| e.fails),
            "{} has no failing example",
            rule.id
        );
        assert!(
            rule.examples.iter().any(|e| !e.fails),
            "{} has no passing example",
            rule.id
        );
    }
}

#[test]
fn examples_fail_and_pass_as_they_say_at_the_right_line() {
    // every built-in rule, the opt-in packs' (selection, monitoring) too
    let mut rules = RuleSet::builtin().expect("built-in packs load");
    for r in rules.all_rules_mut() {
        r.enabled = true;
    }
    let ev = Evaluation::new(&rules, AS_OF, &[]);
    let mut ran = 0;
    for rule in rules.rules() {
        for (i, example) in rule.examples.iter().enumerate() {
            let source = example.to_source(&rule.id, i);
            let report = check_source(&ev, None, source.clone());
            assert!(
                report.checked,
                "{}: example {:?} could not be checked: {:#?}",
                rule.id, example.title, report.findings
            );
            let hits: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.id() == rule.id)
                .collect();
            if !example.fails {
                assert!(
                    hits.is_empty(),
                    "{}: passing example {:?} fired: {hits:#?}",
                    rule.id,
                    example.title
                );
                ran += 1;
                continue;
            }
            assert!(
                !hits.is_empty(),
                "{}: failing example {:?} did not fire",
                rule.id,
                example.title
            );
            for f in hits {
                // an undecided rule fails the run, whatever its severity when breached
                let want = if f.incomplete {
                    menulint::diag::Severity::Error
                } else {
                    rule.severity
                };
                assert_eq!(f.severity, want, "{}", rule.id);
                // the label sits on the line of the field the finding names, or on the
                // header of the nearest table that exists when the field is missing
                let line = source.line_text(f.location.expect("located").line);
                let mut path = f.path.clone();
                let found = loop {
                    let last = match path.segments().last() {
                        Some(Segment::Key(k)) => k.to_string(),
                        Some(Segment::Index(i)) => i.to_string(),
                        None => break false,
                    };
                    if line.contains(&last)
                        || line.starts_with('[') && path.option_index().is_some()
                    {
                        break true;
                    }
                    match path.parent() {
                        Some(p) if !p.is_root() => path = p,
                        _ => break false,
                    }
                };
                assert!(
                    found,
                    "{}: finding at {} labels line {line:?}",
                    rule.id, f.path
                );
            }
            ran += 1;
        }
    }
    assert!(ran >= 2 * rules.rules().count(), "only {ran} examples ran");
}

/// Built-in packs compile on first use: every rule, templates too, must compile.
#[test]
fn every_built_in_rule_compiles_with_its_templates() {
    let rules = RuleSet::builtin().expect("built-in packs load");
    let mut n = 0;
    for rule in rules.all_rules() {
        rule.compile_all()
            .unwrap_or_else(|e| panic!("{}: {e}", rule.id));
        n += 1;
    }
    assert!(n >= 48, "{n} rules");
}

/// A built-in pack loads with fewer checks (it compiles on first use, its field and
/// parameter references are not re-checked): loaded as a sponsor's pack is, with
/// every check and the reference CEL parser, each must load cleanly.
#[test]
fn every_built_in_pack_passes_the_checks_a_sponsor_pack_gets() {
    for (name, text) in menulint::rules::BUILTIN_PACKS {
        let source = menulint::diag::SourceFile::new(format!("rules/{name}.toml"), *text);
        let pack = menulint::rules::load_pack(source).unwrap_or_else(|findings| {
            panic!(
                "{name}: {:?}",
                findings.iter().map(|f| &f.message).collect::<Vec<_>>()
            )
        });
        assert!(pack.warnings.is_empty(), "{name}: {:?}", pack.warnings);
        assert!(!pack.rules.is_empty());
    }
}
