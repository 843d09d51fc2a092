#![no_main]
//! Bytes → a lineup mapping → a fixed lineup read through it → the menu TOML
//! `import` writes: a mapping's defaults and translated values must never break
//! out of their values, and every refusal of the mapping is located in it.

use libfuzzer_sys::fuzz_target;
use menulint::diag::SourceFile;
use menulint::import::lineup;

const LINEUP: &str = include_str!("../../sample-menus/lineup/lineup.csv");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mapping = match lineup::parse_mapping(SourceFile::new("mapping.toml", text)) {
        Ok(m) => m,
        Err(findings) => {
            assert!(!findings.is_empty());
            assert!(findings.iter().all(|f| f.location.is_some()), "{findings:?}");
            return;
        }
    };
    let Ok(read) = lineup::read_csv_text("lineup.csv", LINEUP, &mapping) else { return };
    let plan: toml::Table = toml::from_str("[plan]\nname = \"P\"\nsponsor = \"S\"\n").expect("plan");
    let written = lineup::to_toml(&read, &plan, "mapping.toml");
    if let Err(e) = menulint::menu::load::parse(SourceFile::new("imported.toml", written.as_str())) {
        panic!("import wrote TOML that does not read back: {e:?}\n{written}");
    }
});
