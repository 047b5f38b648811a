//! Fuzzes the PDF reader (src/ingest/pdf) and the rules: the input is always read as a PDF
//! (`%PDF-1.7` is put before it when it does not start so), and any bytes give a result or
//! a clear error. Seeds: `python3 fuzz/pdf-seeds.py tests/fixtures/huaian-2024.pdf`
//! (the fixture with its streams uncompressed, its table page alone, and a small file of
//! every construct the reader handles).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut input = Vec::with_capacity(data.len() + 16);
    if !data.starts_with(b"%PDF-") {
        input.extend_from_slice(b"%PDF-1.7\n");
    }
    input.extend_from_slice(data);
    common::check_any(&input);
});
