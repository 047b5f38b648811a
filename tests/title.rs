//! `ingest_title`, the first pass of a batch, reads the title, agency and year that the whole
//! read gives — on every real file (all formats, every tool's extraction) and on generated
//! reports whose first lines mix titles, blank lines, page numbers, headings, 表三's labels,
//! table rows and prose in any order — and fails where the whole read fails.

mod generate;

use generate::{consistent, render, Damage, Layout, Rng};
use nianbao::ingest::{ingest, ingest_title};
use nianbao::template::Version;
use proptest::prelude::*;

/// What the first pass must agree on.
fn title_of(report: &nianbao::Report) -> (Option<String>, Option<String>, Option<i32>) {
    (report.title.clone(), report.agency.clone(), report.year)
}

/// The title pass against the whole read, for one input: the same title, agency and year,
/// or the same error.
fn agrees(bytes: &[u8]) -> Result<(), String> {
    match (ingest(bytes), ingest_title(bytes)) {
        (Ok(whole), Ok(title)) if title_of(&whole.report) == title_of(&title) => Ok(()),
        (Err(a), Err(b)) if a.code() == b.code() => Ok(()),
        (whole, title) => Err(format!(
            "whole read {:?}, title only {:?}",
            whole.map(|w| title_of(&w.report)).map_err(|e| e.code()),
            title.map(|t| title_of(&t)).map_err(|e| e.code()),
        )),
    }
}

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_real_file_has_the_title_of_its_whole_read() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("tests/fixtures"), &mut paths);
    files(&root.join("examples"), &mut paths);
    paths.sort();
    assert!(paths.len() > 30, "{} files", paths.len());
    let mut titled = 0;
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        if let Err(why) = agrees(&bytes) {
            panic!("{}: {why}", path.display());
        }
        titled += usize::from(ingest_title(&bytes).is_ok_and(|r| r.year.is_some()));
    }
    // Not a test of nothing: most real files have a year in their title.
    assert!(titled * 2 > paths.len(), "{titled} of {}", paths.len());
}

/// Lines a report's start may hold, in any order.
const FIRST_LINES: &[&str] = &[
    "某某县人民政府办公室",
    "2021年政府信息公开工作年度报告",
    "某某市某某区财政局2022年度政府信息公开工作年度报告",
    "关于2020年政府信息公开工作的报告",
    "",
    "   ",
    "- 1 -",
    "第 2 页 共 9 页",
    "一、总体情况",
    "二、主动公开政府信息情况",
    "一、本年新收政府信息公开申请数量",
    "一、工作成效",
    "四、附件",
    "（一）主动公开情况",
    "规章\t3\t3\t0",
    "行政许可   447228",
    "本报告根据《中华人民共和国政府信息公开条例》的要求编制，全文包括总体情况、主动公开政府信息情况等，本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。",
    "2023年3月",
    "报告",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn a_generated_report_has_the_title_of_its_whole_read(
        seed in any::<u64>(),
        layout in 0usize..Layout::ALL.len(),
        first in prop::collection::vec(0usize..FIRST_LINES.len(), 0..14),
        clean in any::<bool>(),
        html in any::<bool>(),
    ) {
        let mut rng = Rng::new(seed);
        let version = if rng.chance(50) { Version::V2021 } else { Version::V2019 };
        let report = consistent(&mut rng, version);
        let damage = Damage::random(&mut rng, clean);
        let rendered = render(&report, Layout::ALL[layout], &damage, &mut rng);
        let lines: Vec<&str> = first.iter().map(|&i| FIRST_LINES[i]).collect();
        let text = format!("{}\n{}", lines.join("\n"), rendered.text);
        let input = if html {
            let body: String = text
                .lines()
                .map(|l| format!("<p>{}</p>\n", l.replace('<', "&lt;")))
                .collect();
            format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n{body}</body></html>")
        } else {
            text
        };
        prop_assert_eq!(agrees(input.as_bytes()), Ok(()));
    }
}
