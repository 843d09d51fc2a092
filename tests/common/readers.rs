//! What the lineup, mapping and history readers must hold for any bytes: the
//! properties the `lineup`, `mapping` and `history` fuzz targets check, shared with
//! the test that replays their seeds and the inputs they found.

use menulint::diag::{Finding, SourceFile};
use menulint::import::{history, lineup};
use menulint::menu::model::Menu;
use serde::Deserialize;
use std::io::Write;

const LINEUP: &str = include_str!("../../sample-menus/lineup/lineup.csv");
const MENU: &str = include_str!("../../sample-menus/monitoring/menu.toml");

/// Every refusal is located, but for the one line that says how many more there are.
fn all_located(findings: &[Finding]) {
    assert!(!findings.is_empty());
    assert!(
        findings
            .iter()
            .all(|f| f.location.is_some() || f.message.starts_with("… and ")),
        "{findings:?}"
    );
}

/// The menu `import` writes must read back as TOML: no cell's or mapping's text may
/// break out of its value.
fn reads_back(read: &lineup::Lineup, mapping_name: &str) {
    let plan: toml::Table =
        toml::from_str("[plan]\nname = \"P\"\nsponsor = \"S\"\n").expect("plan");
    // a value it cannot write is refused at its row, which is a located finding
    let written = match lineup::to_toml(read, &plan, mapping_name) {
        Ok(text) => text,
        Err(findings) => return all_located(&findings),
    };
    if let Err(e) = menulint::menu::load::parse(SourceFile::new("imported.toml", written.as_str()))
    {
        panic!("import wrote TOML that does not read back: {e:?}\n{written}");
    }
}

/// Bytes as a lineup export (CSV when the first byte is even, else an XLSX archive)
/// read through the recordkeeper preset.
pub fn lineup_holds(data: &[u8]) {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let mapping = lineup::parse_mapping(lineup::preset("recordkeeper").expect("a preset"))
        .expect("the preset loads");
    let ext = if kind % 2 == 0 { "csv" } else { "xlsx" };
    let mut file = tempfile::Builder::new()
        .suffix(&format!(".{ext}"))
        .tempfile()
        .expect("temp file");
    file.write_all(bytes).expect("temp file written");
    if let Ok(read) = lineup::read(file.path(), &mapping, None, 16 << 20) {
        reads_back(&read, "the recordkeeper preset");
    }
}

/// Bytes as a lineup mapping, then the sample lineup read through it.
pub fn mapping_holds(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mapping = match lineup::parse_mapping(SourceFile::new("mapping.toml", text)) {
        Ok(m) => m,
        Err(findings) => return all_located(&findings),
    };
    if let Ok(read) = lineup::read_csv_text("lineup.csv", LINEUP, &mapping) {
        reads_back(&read, "mapping.toml");
    }
}

/// Bytes as a quarterly history in any encoding a spreadsheet writes, joined to the
/// monitoring sample menu.
pub fn history_holds(data: &[u8]) {
    let (text, _) = menulint::menu::encoding::decode(data);
    let file = match history::parse_csv(SourceFile::new("history.csv", text)) {
        Ok(f) => f,
        Err(findings) => return all_located(&findings),
    };
    let mut doc =
        menulint::menu::load::parse(SourceFile::new("menu.toml", MENU)).expect("sample menu");
    let mut menu = Menu::deserialize(&doc.value).expect("sample menu model");
    let _ = history::join(&file, &mut doc, &mut menu);
}
