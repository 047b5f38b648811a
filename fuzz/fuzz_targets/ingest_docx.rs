//! Fuzzes the Word (.docx) ingest: bytes that start as a ZIP are read as they are; any
//! other bytes are packed as `word/document.xml` into a ZIP first, so that the XML reader
//! (paragraphs, tables, spans, merges, limits) is reached past the ZIP's checksums.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK\x03\x04") {
        common::check_any(data);
        return;
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(data).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    common::check_any(&bytes);
});
