//! Tests of N001 on reports built through the model and on the fixtures.

use super::*;
use crate::rules::fixtures::{self, of};
use crate::template::Version::{V2019, V2021};

fn with_text(version: Version, key: &str, text: &str) -> Report {
    let mut r = fixtures::report(version);
    let i = SECTIONS.iter().position(|s| s.key == key).unwrap();
    r.sections.known[i] = Some(fixtures::section(key, text));
    r
}

fn n001(r: &Report) -> Vec<Finding> {
    let mut f = Vec::new();
    run(r, &mut f);
    of(&f, Code::N001).into_iter().cloned().collect()
}

#[test]
fn fixture_report_compares_nothing() {
    for v in [V2019, V2021] {
        assert!(compare(&fixtures::report(v)).is_empty());
    }
}

fn fixture(path: &str) -> Report {
    let bytes = std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    crate::ingest::ingest(&bytes).unwrap().report
}

fn show(cs: &[Comparison]) -> String {
    cs.iter()
        .map(|c| {
            format!(
                "{:?} {:?}:{:?} [{}] {:?} vs {} {:?} {:?}\n",
                c.section,
                c.line,
                c.col,
                c.words,
                c.stated,
                c.table,
                c.cells.iter().map(CellRef::name).collect::<Vec<_>>(),
                c.verdict
            )
        })
        .collect()
}

#[test]
fn print_fixtures() {
    for p in ["tests/fixtures/huaian-2024.txt", "tests/fixtures/huaian-2024.pdf", "examples/minhe-2020.txt", "tests/fixtures/pingtan-2023.html"] {
        let r = fixture(p);
        eprintln!("== {p}\n{}", show(&compare(&r)));
    }
}
