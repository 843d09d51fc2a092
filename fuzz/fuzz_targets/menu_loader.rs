#![no_main]
//! Bytes → TOML with spans → schema validation: never panics, always locates errors.

use libfuzzer_sys::fuzz_target;
use menulint::diag::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let source = SourceFile::new("fuzz.toml", text);
    match menulint::menu::load::parse(source) {
        Ok(doc) => {
            for f in menulint::menu::schema::validate(&doc) {
                assert!(f.location.is_some(), "schema finding without a place: {f:?}");
            }
        }
        Err(findings) => {
            assert!(!findings.is_empty());
            assert!(findings.iter().all(|f| f.location.is_some()), "{findings:?}");
        }
    }
});
