//! Fuzzes the canonical-JSON ingest: the input is always read as JSON (it starts with `{`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut input = Vec::with_capacity(data.len() + 1);
    if !data.starts_with(b"{") {
        input.push(b'{');
    }
    input.extend_from_slice(data);
    common::check_any(&input);
});
