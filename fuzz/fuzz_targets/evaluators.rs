#![no_main]
//! Bytes → random rule expressions over a sample menu with some figures changed →
//! both evaluators (verify mode): any rule the native evaluator passes and the
//! interpreter does not is a crash.

#[path = "../../tests/common/exprgen.rs"]
mod exprgen;

use libfuzzer_sys::fuzz_target;
use menulint::diag::SourceFile;
use menulint::engine::check::check_source;
use menulint::engine::evaluate::Evaluation;
use menulint::rules::RuleSet;

const MENUS: [&str; 4] = [
    include_str!("../../sample-menus/bitcoin.toml"),
    include_str!("../../sample-menus/problems.toml"),
    include_str!("../../sample-menus/monitoring/menu.toml"),
    include_str!("../../sample-menus/selection/gaps.toml"),
];

/// Replacements for the menu's numbers: the values where evaluators could differ.
const VALUES: [&str; 8] = ["0", "-0.0", "1e308", "9007199254740993", "0.1", "-5", "100", "3"];

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.iter().copied();
    let mut choose = |n: u64| -> u64 {
        let b = bytes.next().map_or(0, u64::from);
        if n == 0 { 0 } else { b % n }
    };
    let menu = MENUS[choose(MENUS.len() as u64) as usize];
    // change a few `key = number` lines
    let mut lines: Vec<String> = menu.lines().map(str::to_owned).collect();
    for _ in 0..choose(4) {
        let i = choose(lines.len() as u64) as usize;
        if let Some((key, value)) = lines[i].split_once(" = ") {
            if value.parse::<f64>().is_ok() {
                lines[i] = format!("{key} = {}", VALUES[choose(VALUES.len() as u64) as usize]);
            }
        }
    }
    let menu = lines.join("\n");
    let expressions: Vec<String> = (0..1 + choose(4))
        .map(|_| exprgen::expression(&mut choose))
        .collect();
    let pack = exprgen::pack(&expressions);
    let rules = RuleSet::from_sources(vec![SourceFile::new("generated.toml", pack)])
        .unwrap_or_else(|e| panic!("the generated pack loads: {e:#?}"));
    let ev = Evaluation::new(&rules, "2026-11-25", &[]).verifying();
    let report = check_source(&ev, None, SourceFile::new("fuzz.toml", menu.as_str()));
    for f in &report.findings {
        assert!(
            !f.message.contains("the native evaluator passes"),
            "{}\n{expressions:#?}",
            f.message
        );
    }
});
