#![no_main]
//! Bytes → rule pack (TOML, CEL compilation, templates): errors, never panics.

use libfuzzer_sys::fuzz_target;
use menulint::diag::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = menulint::rules::load_pack(SourceFile::new("fuzz-pack.toml", text));
});
