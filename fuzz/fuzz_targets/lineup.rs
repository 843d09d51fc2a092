#![no_main]
//! Bytes → a lineup export (CSV when the first byte is even, else an XLSX archive)
//! read through the recordkeeper preset → the menu TOML `import` writes, which must
//! always read back as TOML: no cell's text may break out of its value.

use libfuzzer_sys::fuzz_target;
use menulint::diag::SourceFile;
use menulint::import::lineup;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else { return };
    let mapping = lineup::parse_mapping(lineup::preset("recordkeeper").expect("a preset"))
        .expect("the preset loads");
    let ext = if kind % 2 == 0 { "csv" } else { "xlsx" };
    let mut file = tempfile::Builder::new().suffix(&format!(".{ext}")).tempfile().expect("temp file");
    file.write_all(bytes).expect("temp file written");
    let Ok(read) = lineup::read(file.path(), &mapping, None, 16 << 20) else { return };
    let plan: toml::Table = toml::from_str("[plan]\nname = \"P\"\nsponsor = \"S\"\n").expect("plan");
    let written = lineup::to_toml(&read, &plan, "the recordkeeper preset");
    if let Err(e) = menulint::menu::load::parse(SourceFile::new("imported.toml", written.as_str())) {
        panic!("import wrote TOML that does not read back: {e:?}\n{written}");
    }
});
