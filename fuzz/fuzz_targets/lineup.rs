#![no_main]
//! The lineup reader holds for any bytes: see `tests/common/readers.rs`.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/readers.rs"]
mod readers;

fuzz_target!(|data: &[u8]| readers::lineup_holds(data));
