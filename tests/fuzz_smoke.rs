//! A short, deterministic mutation fuzz of the whole pipeline (the long runs use
//! cargo-fuzz, see fuzz/), plus every input the fuzzers ever found, kept as regressions.

use crate::common::synth::Rng;
use menulint::diag::SourceFile;
use menulint::engine::check::check_source;
use menulint::engine::evaluate::Evaluation;
use menulint::render::{render, Catalog, Format, RenderOptions};
use menulint::rules::{load_pack, RuleSet};

#[path = "common/readers.rs"]
mod readers;

/// The built-in rules and their catalog, as the pipeline renders them.
fn builtin() -> (RuleSet, Catalog) {
    let rules = RuleSet::builtin().unwrap();
    let catalog = rules
        .rules()
        .map(|r| (r.id.clone(), r.info.clone()))
        .collect();
    (rules, catalog)
}

fn run_pipeline(ev: &Evaluation, catalog: &Catalog, bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let report = check_source(ev, None, SourceFile::new("fuzz.toml", text));
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.id() == "menulint::rule-eval"),
        "{text}\n{:#?}",
        report.findings
    );
    if !report.checked || report.menu.is_none() {
        assert!(
            report.findings.iter().all(|f| f.location.is_some()),
            "{text}\n{:#?}",
            report.findings
        );
    }
    let opts = RenderOptions {
        as_of: "2026-11-25",
        catalog,
        color: false,
        width: 100,
        quiet: false,
        deny_warnings: false,
    };
    for format in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Markdown,
    ] {
        let _ = render(format, std::slice::from_ref(&report), &opts);
    }
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    const TOKENS: &[&[u8]] = &[
        b"[",
        b"]",
        b"{",
        b"}",
        b"\"",
        b"=",
        b"\n",
        b"[[options]]\n",
        b"-1e400",
        b"nan",
        b"0x",
        b"\\u",
        b"'''",
        b"2026-02-30",
        b"9999999999999999999999",
        b".",
        b"#",
    ];
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            b.push(b'a');
        }
        let at = rng.below(b.len() as u64) as usize;
        match rng.below(5) {
            0 => b[at] = rng.below(256) as u8,
            1 => {
                b.remove(at);
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len() as u64) as usize];
                b.splice(at..at, t.iter().copied());
            }
            3 => {
                let end = (at + 1 + rng.below(64) as usize).min(b.len());
                let chunk: Vec<u8> = b[at..end].to_vec();
                let to = rng.below(b.len() as u64) as usize;
                b.splice(to..to, chunk);
            }
            _ => {
                let end = (at + 1 + rng.below(200) as usize).min(b.len());
                b.drain(at..end);
            }
        }
    }
    b
}

#[test]
fn mutated_menus_never_panic_or_break_a_rule() {
    let (rules, catalog) = builtin();
    let ev = Evaluation::new(&rules, "2026-11-25", &[]);
    let seeds: Vec<Vec<u8>> = [
        "sample-menus/conventional.toml",
        "sample-menus/bitcoin.toml",
        "sample-menus/problems.toml",
        "tests/menus/waived.toml",
    ]
    .iter()
    .map(|p| std::fs::read(p).unwrap())
    .collect();
    let mut rng = Rng::new(20261125);
    for i in 0..1500 {
        let seed = &seeds[i % seeds.len()];
        let input = mutate(&mut rng, seed);
        run_pipeline(&ev, &catalog, &input);
    }
}

#[test]
fn mutated_rule_packs_never_panic() {
    let seeds: Vec<String> = menulint::rules::BUILTIN_PACKS
        .iter()
        .map(|(_, t)| t.to_string())
        .collect();
    let mut rng = Rng::new(7);
    for i in 0..300 {
        let input = mutate(&mut rng, seeds[i % seeds.len()].as_bytes());
        if let Ok(text) = std::str::from_utf8(&input) {
            let _ = load_pack(SourceFile::new("pack.toml", text));
        }
    }
}

#[test]
fn inputs_the_fuzzers_found_stay_fixed() {
    let (rules, catalog) = builtin();
    let ev = Evaluation::new(&rules, "2026-11-25", &[]);
    let mut n = 0;
    for entry in std::fs::read_dir("tests/fuzz-regressions").unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue;
        }
        run_pipeline(&ev, &catalog, &std::fs::read(&path).unwrap());
        n += 1;
    }
    eprintln!("{n} fuzz regressions replayed");
}

/// The readers' fuzz seeds and every input their fuzzers found (named after the
/// target: `lineup-…`, `mapping-…`, `history-…`) hold the targets' properties.
#[test]
fn the_readers_hold_on_their_seeds_and_found_inputs() {
    let mut inputs: Vec<(String, std::path::PathBuf)> = Vec::new();
    for target in ["lineup", "mapping", "history"] {
        for entry in std::fs::read_dir(format!("fuzz/seeds/{target}")).unwrap() {
            inputs.push((target.to_owned(), entry.unwrap().path()));
        }
    }
    for entry in std::fs::read_dir("tests/fuzz-regressions/readers").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let target = name.split('-').next().unwrap().to_owned();
        inputs.push((target, path));
    }
    for (target, path) in &inputs {
        let bytes = std::fs::read(path).unwrap();
        match target.as_str() {
            "lineup" => readers::lineup_holds(&bytes),
            "mapping" => readers::mapping_holds(&bytes),
            "history" => readers::history_holds(&bytes),
            other => panic!("{}: no fuzz target {other}", path.display()),
        }
    }
    assert!(inputs.len() >= 6, "{inputs:?}");
}
