#![no_main]
//! Bytes → rule pack (TOML, CEL compilation, templates): errors, never panics.

use libfuzzer_sys::fuzz_target;
use menulint::diag::SourceFile;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static ENV: OnceLock<std::sync::Arc<cel::Env>> = OnceLock::new();
    let env = ENV.get_or_init(|| std::sync::Arc::new(menulint::rules::cel_env()));
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = menulint::rules::load_pack(env, SourceFile::new("fuzz-pack.toml", text));
});
