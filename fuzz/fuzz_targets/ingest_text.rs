//! Fuzzes the text ingest and the rules: any bytes give a result or a clear error.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::check_any(data);
});
