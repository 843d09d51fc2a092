use super::synth;
use super::*;
use crate::engine::check::load_document;
use crate::import::history::parse_csv;
use crate::menu::exposure::look_through;
use crate::rules::native::tests::{show, show_cel_as};
use std::path::Path;

const AS_OF: &str = "2026-11-25";

/// Menus to compare on, with their history: the sample and test menus, each also
/// with every `key = value` line deleted in turn and every number set to 0 and to
/// 1000 in turn, and generated menus, some with quarterly history.
fn corpus() -> Vec<(String, String, Option<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "sample-menus",
        "sample-menus/selection",
        "tests/menus/trust",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).expect("a menu directory") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".toml") && name != "menulint.toml" {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("a menu");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some((key, value)) = line.split_once(" = ") else {
                continue;
            };
            if key.trim_start().starts_with('#') {
                continue;
            }
            let mut variant = |replacement: Option<String>| {
                let mut edited = lines.clone();
                match &replacement {
                    Some(l) => edited[i] = l,
                    None => {
                        edited.remove(i);
                    }
                }
                out.push((format!("{name}:{}", i + 1), edited.join("\n"), None));
            };
            variant(None);
            if value.trim().parse::<f64>().is_ok() {
                variant(Some(format!("{key} = 0")));
                variant(Some(format!("{key} = 1000.0")));
            }
        }
        out.push((name, text, None));
    }
    let monitoring = root.join("sample-menus/monitoring");
    let read = |f: &str| std::fs::read_to_string(monitoring.join(f)).expect("the sample");
    out.push((
        "monitoring".into(),
        read("menu.toml"),
        Some(read("history.csv")),
    ));
    for seed in 0..30 {
        out.push((format!("generated {seed}"), synth::menu(seed), None));
    }
    for seed in 0..10 {
        let (menu, history) = synth::monitored(6, 12, seed);
        out.push((format!("monitored {seed}"), menu, Some(history)));
    }
    out
}

/// The corpus's menus that reach evaluation (valid, with no holdings cycle).
fn checkable() -> impl Iterator<Item = (String, Document, Menu, LookThrough)> {
    corpus().into_iter().filter_map(|(name, text, history)| {
        let history =
            history.map(|h| parse_csv(SourceFile::new("history.csv", h)).expect("history"));
        let source = SourceFile::new(name.as_str(), text);
        let (doc, menu) = load_document(source, history.as_ref()).ok()?;
        let lt = look_through(&menu).ok()?;
        Some((name, doc, menu, lt))
    })
}

/// What a rule runs on in a menu: the plan, or each option.
fn subjects<'a>(rule: &Rule, scope: &MenuScope) -> Vec<Subject<'a>> {
    match rule.scope {
        Scope::Plan => vec![Subject::Plan],
        Scope::Option => (0..scope.options().len()).map(Subject::Option).collect(),
    }
}

/// Every built-in rule, opt-in packs included.
fn every_rule() -> RuleSet {
    let mut rules = RuleSet::builtin().expect("the built-in packs load");
    for r in rules.all_rules_mut() {
        r.enabled = true;
    }
    rules
}

/// The native evaluator only ever settles a rule as the interpreter would: over
/// the corpus, with every built-in rule in force, evaluation with it and without it
/// gives the same findings, figures and watch states. The menus are compared on
/// every core: over a thousand of them, each evaluated five times.
#[test]
fn native_evaluation_changes_no_outcome() {
    use rayon::prelude::*;
    let rules = every_rule();
    let corpus: Vec<_> = checkable().collect();
    let compare = |(name, doc, menu, lt): &(String, Document, Menu, LookThrough)| {
        let mut findings = 0;
        for measures in [false, true] {
            let native = Evaluation {
                measures,
                ..Evaluation::new(&rules, AS_OF, &[])
            };
            let interpreted = Evaluation {
                native: NativeMode::Off,
                measures,
                ..Evaluation::new(&rules, AS_OF, &[])
            };
            let a = evaluate(&native, doc, menu, lt);
            let b = evaluate(&interpreted, doc, menu, lt);
            assert_eq!(
                format!("{:?}", a.findings),
                format!("{:?}", b.findings),
                "{name}"
            );
            assert_eq!(a.measurements, b.measurements, "{name}");
            assert_eq!(a.watch, b.watch, "{name}");
            findings += a.findings.len();
        }
        // verifying finds no disagreement, so it adds no finding
        let verified = Evaluation {
            native: NativeMode::Verify,
            ..Evaluation::new(&rules, AS_OF, &[])
        };
        let interpreted = Evaluation {
            native: NativeMode::Off,
            ..Evaluation::new(&rules, AS_OF, &[])
        };
        assert_eq!(
            format!("{:?}", evaluate(&verified, doc, menu, lt).findings),
            format!("{:?}", evaluate(&interpreted, doc, menu, lt).findings),
            "{name}"
        );
        findings
    };
    let findings: usize = corpus.par_iter().map(compare).sum();
    let menus = corpus.len();
    assert!(menus > 1000, "only {menus} menus loaded");
    assert!(findings > 5000, "only {findings} findings compared");
}

/// A rule that spends its budget stops with an error that says so, whichever
/// limit it reaches; the budget is an option, so this takes milliseconds.
#[test]
fn a_rule_past_its_budget_stops_with_an_error_that_says_so() {
    let pack = r#"
[pack]
name = "slow"
title = "A sponsor's rule that loops"
description = "One rule whose check reads every option three loops deep."

[[rules]]
id = "ACM001"
name = "triple-loop"
severity = "warning"
scope = "plan"
summary = "Loops over the options three deep."
description = "Reads `options` once per innermost step."
basis = "policy"
authority = [{ cite = "Acme investment policy statement", kind = "investment-policy", status = "in-force" }]
help = "none"
check = "options.all(a, options.all(b, options.all(c, size(options) > 0)))"
message = "never"
at = "plan"
"#;
    let rules = RuleSet::from_sources(vec![SourceFile::new("slow.toml", pack)])
        .unwrap_or_else(|_| panic!("the pack loads"));
    let (doc, menu) = load_document(SourceFile::new("m.toml", synth::menu(0)), None)
        .unwrap_or_else(|_| panic!("the generated menu loads"));
    assert!(menu.options.len() >= 20, "{}", menu.options.len());
    let lt = look_through(&menu).expect("no cycle");
    for budget in [
        EvalBudget {
            lookups: 1000,
            ..EvalBudget::default()
        },
        EvalBudget {
            time: std::time::Duration::ZERO,
            ..EvalBudget::default()
        },
    ] {
        let ev = Evaluation {
            native: NativeMode::Off,
            budget,
            ..Evaluation::new(&rules, AS_OF, &[])
        };
        let out = evaluate(&ev, &doc, &menu, &lt);
        let errors: Vec<&Finding> = out.findings.iter().filter(|f| f.rule().is_none()).collect();
        assert_eq!(errors.len(), 1, "{budget:?}: {:#?}", out.findings);
        assert!(
            errors[0].message.contains(&format!(
                "it exceeded its evaluation budget ({} s or {} variable look-ups per option)",
                budget.time.as_secs_f64(),
                budget.lookups
            )),
            "{}",
            errors[0].message
        );
    }
    // within the default budget the same rule passes
    let ev = Evaluation {
        native: NativeMode::Off,
        ..Evaluation::new(&rules, AS_OF, &[])
    };
    let out = evaluate(&ev, &doc, &menu, &lt);
    assert!(
        out.findings.iter().all(|f| f.rule().is_some()),
        "{:#?}",
        out.findings
    );
}

/// A pair the native evaluator passed and the interpreter does not is an error
/// that names the rule, the option and both answers; agreement is silent.
#[test]
fn a_disagreement_between_the_evaluators_is_an_error_at_the_option() {
    let rules = every_rule();
    let rule = rules.rules().next().expect("a rule");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("sample-menus/conventional.toml")).expect("the sample");
    let first_option = text
        .lines()
        .position(|l| l == "[[options]]")
        .expect("an option")
        + 1;
    let (doc, _) = load_document(SourceFile::new("conventional.toml", text), None)
        .unwrap_or_else(|_| panic!("the sample loads"));
    let base = MenuPath::option(0);
    assert!(divergence(rule, &base, &Ok((None, None)), &doc).is_none());
    let failed = Finding::input_error(Code::RuleEval, "It fails.", None, None);
    let f = divergence(rule, &base, &Ok((Some(failed), None)), &doc).expect("an error");
    assert_eq!(
            f.message,
            format!(
                "rule {}: the native evaluator passes options[0], but the interpreter fails it (\"It fails.\")",
                rule.id
            )
        );
    assert_eq!(f.severity, crate::diag::Severity::Error);
    let line = doc.source.position(f.span.clone().expect("a span").start).0;
    assert!((first_option..first_option + 3).contains(&line), "{line}");
    let err = ExecutionError::function_error("sum", "boom");
    let f = divergence(rule, &MenuPath::root(), &Err(err), &doc).expect("an error");
    assert!(
        f.message
            .contains("passes the plan, but the interpreter cannot evaluate it"),
        "{}",
        f.message
    );
}

/// On an ordinary menu the native evaluator settles nearly every rule itself:
/// without that it would be a detour.
#[test]
fn native_evaluation_settles_most_rules() {
    let rules = every_rule();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("sample-menus/conventional.toml");
    let text = std::fs::read_to_string(path).expect("the sample");
    let (doc, menu) = load_document(SourceFile::new("conventional.toml", text), None)
        .unwrap_or_else(|_| panic!("the sample loads"));
    let lt = look_through(&menu).expect("no cycle");
    let view = rule_view(&doc, &menu, &lt, false, None, AS_OF);
    let scope = MenuScope::new(&view, &menu, EvalBudget::default());
    let as_of = CelString::from(AS_OF);
    let ev = Evaluation::new(&rules, AS_OF, &[]);
    let (mut pairs, mut settled) = (0, 0);
    for (rule, cel_params, params) in ev.rules_in_force() {
        for subject in subjects(rule, &scope) {
            let native = PairScope::new(&scope, subject, (params, cel_params), (AS_OF, &as_of));
            pairs += 1;
            settled += usize::from(passes_natively(rule, &native, false));
        }
    }
    assert!(pairs > 200, "{pairs}");
    assert!(settled * 10 >= pairs * 9, "{settled} of {pairs}");
}

/// Wherever the native evaluator gives a value, it is the interpreter's: every
/// `when`, `let` and `check` of every built-in rule, on every option of every menu
/// of the corpus.
#[test]
fn native_values_are_the_interpreters() {
    let rules = every_rule();
    let ev = Evaluation::new(&rules, AS_OF, &[]);
    let (mut compared, mut gave_up) = (0usize, 0usize);
    for (name, doc, menu, lt) in checkable() {
        let view = rule_view(&doc, &menu, &lt, false, None, AS_OF);
        let scope = MenuScope::new(&view, &menu, EvalBudget::default());
        let as_of = CelString::from(AS_OF);
        let mut root = Context::with_env(rules.env.clone());
        register_functions(&mut root).expect("helpers register");
        for (rule, params, params_json) in ev.rules_in_force() {
            let c = rule.compiled().expect("built-in rules compile");
            for subject in subjects(rule, &scope) {
                let pair = PairScope::new(&scope, subject, (params_json, params), (AS_OF, &as_of));
                let base = pair.index().map_or_else(MenuPath::root, MenuPath::option);
                let native = &pair;
                let mut ctx = root.new_inner_scope();
                ctx.set_variable_resolver(pair.resolver());
                let mut lets: Vec<(&str, V)> = Vec::new();
                let mut exprs: Vec<(Option<&str>, &crate::rules::expr::Expr)> =
                    c.when.iter().map(|e| (None, e)).collect();
                exprs.extend(c.lets.iter().map(|(n, e)| (Some(n.as_str()), e)));
                exprs.push((None, &c.check));
                for (let_name, expr) in exprs {
                    let mine = expr
                        .native()
                        .and_then(|p| p.eval_with(native, &lets, &mut 0));
                    let theirs = expr.eval(&ctx);
                    match &mine {
                        Ok(v) => {
                            let theirs = theirs.unwrap_or_else(|e| {
                                    panic!("{name}: {} on {base}: `{}` gave {} natively, an error in the interpreter: {e}", rule.id, expr.source, show(v))
                                });
                            assert_eq!(
                                show(v),
                                show_cel_as(Some(v), &theirs),
                                "{name}: {} on {base}: `{}`",
                                rule.id,
                                expr.source
                            );
                            compared += 1;
                        }
                        Err(GiveUp) => gave_up += usize::from(theirs.is_ok()),
                    }
                    if let Some(n) = let_name {
                        if let Ok(v) = mine {
                            lets.push((n, v));
                        }
                        match expr.eval_val(&ctx) {
                            Ok(v) => ctx.add_variable_as_val(n.to_owned(), v),
                            Err(_) => break,
                        }
                    }
                }
            }
        }
    }
    assert!(compared > 100_000, "only {compared} values compared");
    assert!(
        gave_up * 10 < compared,
        "gave up {gave_up} times in {compared}"
    );
}
