//! Fuzzes the HTML ingest (src/ingest/html/) and the rules: the input is always read as
//! an HTML page (a doctype is put before it when it does not look like one), and any bytes
//! give a result or a clear error. Seed: tests/fixtures/pingtan-2023.html.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut input = Vec::with_capacity(data.len() + 16);
    let head = &data[..data.len().min(64)];
    let html = head.len() >= 5
        && (head.windows(5).any(|w| w.eq_ignore_ascii_case(b"<html"))
            || head.windows(5).any(|w| w.eq_ignore_ascii_case(b"<!doc")));
    if !html {
        input.extend_from_slice(b"<!DOCTYPE html>");
    }
    input.extend_from_slice(data);
    common::check_any(&input);
});
