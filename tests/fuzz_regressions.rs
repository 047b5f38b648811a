//! The inputs the fuzz campaigns (fuzz/README.md) flagged, kept in tests/fixtures/fuzz/
//! (`<target>-<kind>-<hash>`): each gives a result or a clear error, never a panic, and
//! the result holds the fuzz targets' invariants (fuzz/fuzz_targets/common.rs).
//!
//! Campaign of 2026-12-01: no crash in any target; ingest_text flagged slow units and
//! 30 s timeouts, all in the search of run-together digits (src/ingest/layout/runs.rs,
//! `Splits`, bounded by its budget of 200,000 steps per run of cells). They take
//! 0.02–0.18 s each (two checks and the read-back) in a release build (30–50 times that
//! under the fuzz build's sanitizer and coverage at nice 19), so they are slow, bounded
//! inputs rather than hangs; kept here so that the bound is held.
//!
//! Smoke run of 2026-12-07 (fuzz/README.md): two more ingest_text slow units of the same
//! kind (3 KB reports flattened onto one line; 0.03 s each in a release build).
//!
//! Campaign of 2026-12-08: ingest_pdf ran out of memory on a damaged PDF that places a
//! character at x ≈ 10⁹: the layout text padded its line with spaces to that column
//! (23 GB before the kernel killed the process). The padding is now bounded by the text's
//! limit and the file is "too large" (`PdfLimit::Text`), in 0.01 s.

use nianbao::{Lang, Options, Severity};

fn holds(bytes: &[u8]) {
    for lang in [Lang::Zh, Lang::En] {
        let Ok(result) = nianbao::check(bytes, &Options { lang }) else {
            continue;
        };
        let errors = result
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        assert_eq!(result.valid, errors == 0);
        assert_eq!(result.summary.errors, errors);
        serde_json::to_string(&result).expect("result serializes");
        let report = serde_json::to_string(&result.report).unwrap();
        let again = nianbao::normalize(report.as_bytes()).expect("canonical JSON reads back");
        assert_eq!(
            serde_json::to_value(&again.t3).unwrap(),
            serde_json::to_value(&result.report.t3).unwrap()
        );
    }
}

#[test]
fn fuzz_inputs_give_a_result_or_an_error() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let start = std::time::Instant::now();
        holds(&std::fs::read(&path).unwrap());
        eprintln!("{}: {:?}", path.display(), start.elapsed());
    }
}
