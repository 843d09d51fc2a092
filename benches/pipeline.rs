//! In-process cost of each stage on one realistic synthetic menu (`cargo bench`).

use criterion::{criterion_group, criterion_main, Criterion};
use menulint::diag::SourceFile;
use menulint::engine::check::check_source;
use menulint::engine::evaluate::{evaluate, Evaluation};
use menulint::menu::exposure::look_through;
use menulint::menu::load::parse;
use menulint::menu::Menu;
use menulint::rules::RuleSet;
use std::hint::black_box;

fn stages(c: &mut Criterion) {
    let text = menulint::menu::synth::menu(42);
    let source = SourceFile::new("bench.toml", text.as_str());
    let rules = RuleSet::builtin().expect("packs load");
    let ev = Evaluation::new(&rules, "2026-11-25", &[]);
    let doc = parse(source.clone()).expect("valid");
    let menu: Menu = serde_json::from_value(doc.value.clone()).expect("typed");
    let lt = look_through(&menu).expect("no cycle");

    c.bench_function("load: parse TOML with spans", |b| {
        b.iter(|| parse(black_box(source.clone())))
    });
    c.bench_function("validate: JSON Schema", |b| {
        b.iter(|| menulint::menu::schema::validate(black_box(&doc)))
    });
    c.bench_function("evaluate: 28 built-in rules", |b| {
        b.iter(|| evaluate(&ev, black_box(&doc), &menu, &lt))
    });
    c.bench_function("check: whole pipeline", |b| {
        b.iter(|| check_source(&ev, None, black_box(source.clone())))
    });
    c.bench_function("rules: load and compile the built-in packs", |b| {
        b.iter(RuleSet::builtin)
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
