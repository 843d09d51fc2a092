#![no_main]
//! Bytes → a quarterly history CSV in any encoding a spreadsheet writes → joined to
//! the monitoring sample menu: never panics, and every refusal is located.

use libfuzzer_sys::fuzz_target;
use menulint::diag::SourceFile;
use menulint::import::history;
use menulint::menu::model::Menu;
use serde::Deserialize;

const MENU: &str = include_str!("../../sample-menus/monitoring/menu.toml");

fuzz_target!(|data: &[u8]| {
    let (text, _) = menulint::menu::encoding::decode(data);
    let file = match history::parse_csv(SourceFile::new("history.csv", text)) {
        Ok(f) => f,
        Err(findings) => {
            assert!(!findings.is_empty());
            assert!(findings.iter().all(|f| f.location.is_some()), "{findings:?}");
            return;
        }
    };
    let mut doc = menulint::menu::load::parse(SourceFile::new("menu.toml", MENU)).expect("sample menu");
    let mut menu = Menu::deserialize(&doc.value).expect("sample menu model");
    let _ = history::join(&file, &mut doc, &mut menu);
});
