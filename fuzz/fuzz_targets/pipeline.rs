#![no_main]
//! Bytes → the whole check with the built-in rules → every output format.

use libfuzzer_sys::fuzz_target;
use menulint::engine::check::check_source;
use menulint::engine::evaluate::Evaluation;
use menulint::render::{render, Catalog, Format, RenderOptions};
use menulint::rules::RuleSet;
use menulint::diag::SourceFile;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static RULES: OnceLock<(RuleSet, Catalog)> = OnceLock::new();
    let (rules, catalog) = RULES.get_or_init(|| {
        let rules = RuleSet::builtin().expect("built-in packs load");
        let catalog = rules.rules().map(|r| (r.id.clone(), r.info.clone())).collect();
        (rules, catalog)
    });
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ev = Evaluation::new(rules, "2026-11-25", &[]);
    let report = check_source(&ev, None, SourceFile::new("fuzz.toml", text));
    // a menu the rules could not evaluate is a defect in a built-in rule
    assert!(
        !report.findings.iter().any(|f| f.id() == "menulint::rule-eval"),
        "{:#?}",
        report.findings
    );
    let opts = RenderOptions { as_of: "2026-11-25", catalog, color: false, width: 100, quiet: false, deny_warnings: false };
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Junit, Format::Github, Format::Markdown] {
        let _ = render(format, std::slice::from_ref(&report), &opts);
    }
});
