#![no_main]
//! Bytes → raises of capped figures in a sample menu → the diff gate must fail
//! whenever a capped figure ends above its cap and above where it was.

use libfuzzer_sys::fuzz_target;
use menulint::rules::RuleSet;
use std::sync::OnceLock;

#[path = "../../tests/common/gate.rs"]
mod gate;

const BASES: [&str; 2] = [
    include_str!("../../sample-menus/problems.toml"),
    include_str!("../../sample-menus/bitcoin.toml"),
];

fuzz_target!(|data: &[u8]| {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    let rules = RULES.get_or_init(|| RuleSet::builtin().expect("built-in packs load"));
    let Some((&which, choices)) = data.split_first() else { return };
    let base = BASES[which as usize % BASES.len()];
    let proposed = gate::raise(base, choices);
    if let Err(why) = gate::gate_holds(rules, base, &proposed) {
        panic!("{why}");
    }
});
