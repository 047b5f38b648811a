//! Tests of P002: the measure, and the measurement on the fixtures its threshold is chosen
//! from (the table of the module doc; run with `--nocapture` to print it).

use super::*;
use crate::model::Report;
use crate::rules::fixtures;
use crate::template::Version;

fn sim(a: &str, b: &str) -> f64 {
    dice(&neutral(a), &neutral(b))
}

const SECTION_ONE: &str = "2023年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，\
    坚持以公开为常态、不公开为例外，全年主动公开政府信息1234条，其中规范性文件12件。\
    受理依申请公开45件，按时办结45件，办结率100%。";

#[test]
fn the_measure_neutralizes_figures_years_and_layout() {
    assert_eq!(
        neutral("2023年 一是，１２件"),
        vec!['#', '年', '#', '是', '#', '件']
    );
    let copy = SECTION_ONE
        .replace("2023", "2024")
        .replace("1234", "987")
        .replace("45件", "61件")
        .replace('，', ",\n  ");
    assert_eq!(sim(SECTION_ONE, &copy), 1.0);
    let chinese_year = SECTION_ONE.replace("2023年", "二〇二四年");
    assert_eq!(sim(SECTION_ONE, &chinese_year), 1.0);
    // Sentences moved: still a copy.
    let (a, b) = SECTION_ONE.split_at(SECTION_ONE.find("受理").unwrap());
    assert!(sim(SECTION_ONE, &format!("{b}{a}")) > 0.95);
    // Another text on the same subject is not.
    let other = "本年度我局围绕中心工作，依托门户网站和政务新媒体发布信息，\
        开展政务公开培训两次，收到群众来信咨询若干，均已答复，无行政复议和诉讼。";
    assert!(sim(SECTION_ONE, other) < 0.5, "{}", sim(SECTION_ONE, other));
    assert_eq!(dice(&[], &[]), 1.0);
    assert_eq!(dice(&['a'], &[]), 0.0);
    assert_eq!(dice(&['a', 'b'], &['b', 'a']), 0.0);
}

#[test]
fn short_sections_are_not_compared() {
    assert_eq!(section_similarity("无", "无"), None);
    assert_eq!(
        section_similarity(
            "本机关本年度未收取信息处理费。",
            "本机关本年度未收取信息处理费。"
        ),
        None
    );
    assert_eq!(section_similarity(SECTION_ONE, SECTION_ONE), Some(1.0));
}

fn with_section(mut r: Report, key: &str, text: &str) -> Report {
    let i = SECTIONS.iter().position(|s| s.key == key).unwrap();
    r.sections.known[i] = Some(fixtures::section(key, text));
    r
}

fn p002(now: &Report, then: &Report) -> Vec<Finding> {
    let mut f = Vec::new();
    run(now, then, &mut f);
    crate::finding::in_chinese(f)
}

#[test]
fn a_copied_report_fires_once_naming_its_sections() {
    let then = with_section(fixtures::report(Version::V2021), "s1", SECTION_ONE);
    let mut then = with_section(then, "s5", &SECTION_ONE.replace("受理", "存在问题"));
    then.year = Some(2021);
    let now = with_section(
        fixtures::report(Version::V2021),
        "s1",
        &SECTION_ONE.replace("2023", "2024").replace("1234", "1500"),
    );
    // 五 rewritten; 二 … 四 and 六 are the fixture's one short sentence.
    let now = with_section(now, "s5", "今年新发现的问题是网站栏目更新不及时，已建立月度检查制度，由专人负责逐项核对并通报整改进度，确保信息准确完整。");
    let f = p002(&now, &then);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].code, Code::P002);
    assert_eq!(f[0].params["sections"], json!(["s1"]));
    assert_eq!(f[0].params["similarity"], json!([1.0]));
    assert_eq!(f[0].params["previous"]["year"], 2021);
    assert_eq!(f[0].location.section, Some("s1"));
    assert_eq!(
        f[0].message,
        "第一部分与上年报告几乎逐字相同（相似度 1.0），未反映本年度工作"
    );
    // Last year's own text rewritten everywhere: nothing.
    let other = with_section(then.clone(), "s1", "本年度我局围绕中心工作，依托门户网站和政务新媒体发布信息，开展政务公开培训两次，收到群众来信咨询若干，均已答复，无行政复议和诉讼。");
    assert_eq!(p002(&now, &other), vec![]);
}

// ---- The measurement the threshold is chosen from ----

fn read(path: &str) -> Report {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    crate::ingest::ingest(&bytes)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .report
}

/// The fixtures by agency: each the same report through different extractors.
fn agencies() -> Vec<(&'static str, Vec<(String, Report)>)> {
    let dir = format!("{}/tests/fixtures/extracted", env!("CARGO_MANIFEST_DIR"));
    let mut extracted: Vec<String> = std::fs::read_dir(&dir)
        .expect("extracted fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    extracted.sort();
    let group = |agency: &'static str, own: &[&str]| {
        let mut files: Vec<String> = own.iter().map(|s| s.to_string()).collect();
        files.extend(
            extracted
                .iter()
                .filter(|n| n.starts_with(agency))
                .map(|n| format!("tests/fixtures/extracted/{n}")),
        );
        let reports = files.into_iter().map(|f| {
            let r = read(&f);
            (f, r)
        });
        (agency, reports.collect())
    };
    vec![
        group("minhe", &["examples/minhe-2020.txt"]),
        group(
            "huaian",
            &[
                "tests/fixtures/huaian-2024.txt",
                "tests/fixtures/huaian-2024.pdf",
            ],
        ),
        group("pingtan", &["tests/fixtures/pingtan-2023.html"]),
    ]
}

/// Every section's ratio between two reports, where both are long enough.
fn ratios(a: &Report, b: &Report) -> Vec<(&'static str, f64)> {
    SECTIONS
        .iter()
        .enumerate()
        .filter_map(|(i, def)| {
            let (x, y) = (a.sections.known[i].as_ref()?, b.sections.known[i].as_ref()?);
            Some((def.key, section_similarity(&x.text, &y.text)?))
        })
        .collect()
}

fn range(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

/// A copy of a text report with the year moved on and every other figure changed.
fn refigured(text: &str, year: i32) -> String {
    let text = text.replace(&year.to_string(), "\u{0}");
    let mapped: String = text
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_digit((d * 7 + 3) % 10, 10).unwrap_or(c),
            None => c,
        })
        .collect();
    mapped.replace('\u{0}', &(year + 1).to_string())
}

#[test]
fn the_measured_ratios_separate_copies() {
    let groups = agencies();
    // (a) different agencies: every file against every other agency's.
    let mut a = Vec::new();
    for (i, (_, xs)) in groups.iter().enumerate() {
        for (_, ys) in &groups[i + 1..] {
            for (_, x) in xs {
                for (_, y) in ys {
                    a.extend(ratios(x, y).into_iter().map(|(_, r)| r));
                }
            }
        }
    }
    // (b) one report through different extractors.
    let (mut b, mut b_footer) = (Vec::new(), Vec::new());
    for (_, xs) in &groups {
        for (i, (fx, x)) in xs.iter().enumerate() {
            for (fy, y) in &xs[i + 1..] {
                for (k, r) in ratios(x, y) {
                    // html2text's 六 holds the page's footer, its links' titles twice.
                    if k == "s6" && [fx, fy].iter().any(|f| f.contains("html2text")) {
                        b_footer.push(r);
                    } else {
                        b.push(r);
                    }
                }
            }
        }
    }
    // (c) a copy with its year and figures changed, and (d) that copy with 二 and 五
    // rewritten (another agency's text in their place).
    let (mut c, mut d_copied, mut d_rewritten) = (Vec::new(), Vec::new(), Vec::new());
    let bases = [
        ("examples/minhe-2020.txt", "tests/fixtures/huaian-2024.txt"),
        ("tests/fixtures/huaian-2024.txt", "examples/minhe-2020.txt"),
        (
            "tests/fixtures/extracted/pingtan-2023--bs4-newline.txt",
            "tests/fixtures/huaian-2024.txt",
        ),
    ];
    for (path, other) in bases {
        let then = read(path);
        let year = then.year.expect("a fixture has its year");
        let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(full).expect("a text fixture");
        let copy = crate::ingest::ingest(refigured(&text, year).as_bytes())
            .expect("the copy reads")
            .report;
        assert_eq!(copy.year, Some(year + 1), "{path}");
        c.extend(ratios(&copy, &then).into_iter().map(|(_, r)| r));
        let f = p002(&copy, &then);
        assert_eq!(f.len(), 1, "{path}: {f:?}");
        let all: Vec<_> = ratios(&copy, &then).iter().map(|(k, _)| *k).collect();
        assert_eq!(f[0].params["sections"], json!(all), "{path}");

        let donor = read(other);
        let mut partly = copy.clone();
        for key in ["s2", "s5"] {
            let i = SECTIONS.iter().position(|s| s.key == key).unwrap();
            partly.sections.known[i] = donor.sections.known[i].clone();
        }
        for (key, r) in ratios(&partly, &then) {
            if key == "s2" || key == "s5" {
                d_rewritten.push(r);
            } else {
                d_copied.push(r);
            }
        }
        let f = p002(&partly, &then);
        let named = f[0].params["sections"]
            .as_array()
            .expect("sections")
            .clone();
        assert!(
            !named.is_empty() && !named.contains(&json!("s2")) && !named.contains(&json!("s5")),
            "{path}: {named:?}"
        );
    }
    let rows = [
        ("(a) different agencies", &a),
        ("(b) one report, different extractors", &b),
        ("(b) html2text's 六 (the page footer)", &b_footer),
        ("(c) copy, year and figures changed", &c),
        ("(d) copy, sections kept", &d_copied),
        ("(d) copy, 二 and 五 rewritten", &d_rewritten),
    ];
    for (what, v) in rows {
        let (lo, hi) = range(v);
        println!("{what:40} n={:3}  {lo:.3} – {hi:.3}", v.len());
    }
    assert!(!a.is_empty() && !b.is_empty() && !c.is_empty() && !d_rewritten.is_empty());
    assert!(
        range(&a).1 < THRESHOLD,
        "different agencies: {:?}",
        range(&a)
    );
    assert!(range(&d_rewritten).1 < THRESHOLD);
    assert!(range(&b).0 >= THRESHOLD, "extractors: {:?}", range(&b));
    assert!(
        range(&b_footer).0 > range(&a).1 + 0.3,
        "{:?}",
        range(&b_footer)
    );
    assert!(range(&c).0 >= THRESHOLD && range(&d_copied).0 >= THRESHOLD);
}
