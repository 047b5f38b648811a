//! The shape of the report: the six sections (missing S001, reworded S002, renumbered or
//! out of order S003), the template version against the year (S004) and mixed markers
//! (S005), year and agency in the title (S006), the three tables (C001) and their rows
//! (C002).

use crate::finding::{Code, Finding, Location};
use crate::model::{Report, TableId};
use crate::normalize::label_key;
use crate::params;
use crate::template::{Version, SECTIONS, T4_GROUPS};

pub(crate) fn run(report: &Report, findings: &mut Vec<Finding>) {
    sections(report, findings);
    order(report, findings);
    version(report, findings);
    title(report, findings);
    tables(report, findings);
}

/// The Chinese numerals that number sections.
const NUMERALS: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/// Splits a heading into its numeral and the rest: `三、收到…` → (`三`, `收到…`); also
/// `（三）收到…` and `三. 收到…`. A heading whose leading numerals are followed by neither
/// a separator nor a closing parenthesis has no numeral (`三安全…`).
fn split_numeral(heading: &str) -> (Option<&str>, &str) {
    let s = heading.trim_start();
    let (s, paren) = match s.strip_prefix(['（', '(']) {
        Some(rest) => (rest.trim_start(), true),
        None => (s, false),
    };
    let end = s.find(|c| !NUMERALS.contains(&c)).unwrap_or(s.len());
    if end == 0 {
        return (None, heading);
    }
    let (numeral, rest) = s.split_at(end);
    let rest = rest.trim_start();
    let closed = if paren {
        rest.strip_prefix(['）', ')'])
    } else {
        rest.strip_prefix(['、', ',', '，', '.', '．'])
    };
    match closed {
        Some(rest) => (Some(numeral), rest.trim_start()),
        None => (None, heading),
    }
}

/// S001 (missing) and S002 (reworded) for the six template sections.
fn sections(report: &Report, findings: &mut Vec<Finding>) {
    for (def, found) in SECTIONS.iter().zip(&report.sections.known) {
        match found {
            None => findings.push(Finding::unrendered(
                Code::S001,
                params! {"heading" => def.heading},
                Location::section(def.key),
            )),
            Some(sec) => {
                let wording = |h: &str| label_key(split_numeral(h).1);
                if wording(&sec.heading) != wording(def.heading) {
                    findings.push(Finding::unrendered(
                        Code::S002,
                        params! {"found" => sec.heading, "expected" => def.heading},
                        Location::section(def.key).at(sec.place),
                    ));
                }
            }
        }
    }
}

/// S003: each heading, in document order, that is an extra section, carries another
/// numeral than the template's, or comes before a template section numbered lower.
fn order(report: &Report, findings: &mut Vec<Finding>) {
    let index = |key: Option<&str>| key.and_then(|k| SECTIONS.iter().position(|s| s.key == k));
    let order = &report.sections.order;
    for (i, (key, sec)) in order.iter().enumerate() {
        let (reason, reason_en, location) = match index(*key) {
            None => (
                "（模板之外的章节）".to_string(),
                "(not a template section)".to_string(),
                Location::default(),
            ),
            Some(t) => {
                let def = &SECTIONS[t];
                let mut zh = Vec::new();
                let mut en = Vec::new();
                let expected = split_numeral(def.heading).0;
                let written = split_numeral(&sec.heading).0;
                if let (Some(w), Some(e)) = (written, expected) {
                    if w != e {
                        zh.push(format!("应为“{e}、”"));
                        en.push(format!("should be “{e}、”"));
                    }
                }
                let lower_later = order[i + 1..]
                    .iter()
                    .find(|(k, _)| index(*k).is_some_and(|u| u < t));
                if let Some((_, later)) = lower_later {
                    zh.push(format!("应在“{}”之后", later.heading));
                    en.push(format!("should come after “{}”", later.heading));
                }
                if zh.is_empty() {
                    continue;
                }
                (
                    format!("（{}）", zh.join("；")),
                    format!("({})", en.join("; ")),
                    Location::section(def.key),
                )
            }
        };
        findings.push(Finding::unrendered(
            Code::S003,
            params! {"found" => sec.heading, "reason" => reason, "reason_en" => reason_en},
            location.at(sec.place),
        ));
    }
}

/// S004 (version against year) and S005 (markers of both versions).
fn version(report: &Report, findings: &mut Vec<Finding>) {
    if let (Some(found), Some(year)) = (report.template, report.year) {
        if let Some(expected) = Version::expected_for_year(year).filter(|v| *v != found) {
            findings.push(Finding::unrendered(
                Code::S004,
                params! {"year" => year, "expected" => expected.as_str(), "found" => found.as_str()},
                Location::default(),
            ));
        }
    }
    let markers = &report.markers;
    if !markers.v2019.is_empty() && !markers.v2021.is_empty() {
        findings.push(Finding::unrendered(
            Code::S005,
            params! {"markers_2019" => markers.v2019, "markers_2021" => markers.v2021},
            Location::default(),
        ));
    }
}

/// S006: year or agency not found.
fn title(report: &Report, findings: &mut Vec<Finding>) {
    let (missing, missing_en) = match (report.year.is_none(), report.agency.is_none()) {
        (false, false) => return,
        (true, false) => ("年度", "the year"),
        (false, true) => ("机关名称", "the agency"),
        (true, true) => ("年度和机关名称", "the year or the agency"),
    };
    findings.push(Finding::unrendered(
        Code::S006,
        params! {"missing" => missing, "missing_en" => missing_en},
        Location::default(),
    ));
}

/// C001 for each table missing, C002 for each template row missing from a table present.
fn tables(report: &Report, findings: &mut Vec<Finding>) {
    let def = report.reading_version().def();
    for id in TableId::ALL {
        let Some(table) = report.table(id) else {
            findings.push(Finding::unrendered(
                Code::C001,
                params! {},
                Location::table(id),
            ));
            continue;
        };
        let mut missing = |block: Option<&'static str>, row: &'static str, label: Option<&str>| {
            if table.row(block, row).is_none() {
                let p = match label {
                    Some(l) => params! {"row" => l},
                    None => params! {},
                };
                findings.push(Finding::unrendered(
                    Code::C002,
                    p,
                    Location::row(id, block, row).at(table.place),
                ));
            }
        };
        match id {
            TableId::T2 => {
                for b in def.t2 {
                    for r in b.rows {
                        missing(Some(b.key), r.key, None);
                    }
                }
            }
            TableId::T3 => {
                let has = |key: &str| table.row(None, key).is_some();
                for r in def.t3_rows_given(&has) {
                    missing(None, r.key, None);
                }
            }
            TableId::T4 => {
                // 表四's locations name no row: the group's label names it in the message.
                for (prefix, group) in &T4_GROUPS {
                    missing(None, prefix.trim_end_matches('_'), Some(group));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Place, Section};
    use crate::rules::fixtures::{self, of};
    use Version::{V2019, V2021};

    fn run_structure(r: &Report) -> Vec<Finding> {
        let mut f = Vec::new();
        run(r, &mut f);
        crate::finding::in_chinese(f)
    }

    fn sec(heading: &str, line: u32) -> Section {
        Section {
            heading: heading.into(),
            text: String::new(),
            place: Some(Place::new(line, 1)),
            lines: Vec::new(),
        }
    }

    #[test]
    fn complete_reports_have_no_structure_findings() {
        for v in [V2019, V2021] {
            assert_eq!(run_structure(&fixtures::report(v)), vec![]);
        }
    }

    #[test]
    fn numerals() {
        assert_eq!(split_numeral("三、收到"), (Some("三"), "收到"));
        assert_eq!(split_numeral(" 十一 、 其他"), (Some("十一"), "其他"));
        assert_eq!(split_numeral("（五）存在"), (Some("五"), "存在"));
        assert_eq!(split_numeral("(五) 存在"), (Some("五"), "存在"));
        assert_eq!(split_numeral("六. 其他"), (Some("六"), "其他"));
        assert_eq!(split_numeral("三安全"), (None, "三安全"));
        assert_eq!(split_numeral("（五存在"), (None, "（五存在"));
        assert_eq!(split_numeral("总体情况"), (None, "总体情况"));
        assert_eq!(split_numeral(""), (None, ""));
    }

    #[test]
    fn missing_sections() {
        let mut r = fixtures::report(V2019);
        r.sections.known[5] = None;
        let f = run_structure(&r);
        let s001 = of(&f, Code::S001);
        assert_eq!(s001.len(), 1);
        assert_eq!(s001[0].message, "缺少必备章节：六、其他需要报告的事项");
        assert_eq!(s001[0].location.section, Some("s6"));
    }

    #[test]
    fn reworded_headings() {
        let mut r = fixtures::report(V2019);
        // Spaces, punctuation and another numeral are not a rewording…
        r.sections.known[0] = Some(sec("(一) 总 体 情 况", 3));
        // …a known variant and another wording are.
        r.sections.known[4] = Some(sec("五、存在的主要问题和改进情况", 80));
        r.sections.known[5] = Some(sec("七、其他需要报告的事项。", 90));
        let f = run_structure(&r);
        let s002 = of(&f, Code::S002);
        assert_eq!(s002.len(), 1, "{s002:#?}");
        assert_eq!(
            s002[0].message,
            "章节标题与模板不一致：写作“五、存在的主要问题和改进情况”，模板为“五、存在的主要问题及改进情况”"
        );
        assert_eq!(s002[0].location.line, Some(80));
        assert_eq!(s002[0].location.section, Some("s5"));
    }

    /// FORMAT.md §10.1: 民和县 2020.
    #[test]
    fn renumbered_sections_of_the_seed() {
        let mut r = fixtures::report(V2019);
        let order = [
            (Some("s1"), "一、总体情况", 3),
            (None, "二、政务信息公开工作开展情况", 11),
            (Some("s2"), "三、主动公开政府信息情况", 27),
            (Some("s3"), "四、收到和处理政府信息公开申请情况", 49),
            (Some("s4"), "五、政府信息公开行政复议、行政诉讼情况", 79),
            (Some("s5"), "六、存在的问题及下一步打算", 86),
        ];
        r.sections.order = order
            .iter()
            .map(|(k, h, l)| (*k, sec(h, *l).heading_of()))
            .collect();
        r.sections.known[5] = None;
        for (k, h, l) in order.iter().filter(|o| o.0.is_some()) {
            let i = SECTIONS.iter().position(|s| Some(s.key) == *k).unwrap();
            r.sections.known[i] = Some(sec(h, *l));
        }
        let f = run_structure(&r);
        let codes: Vec<_> = f
            .iter()
            .map(|f| (f.code.as_str(), f.location.line))
            .collect();
        assert_eq!(
            codes,
            [
                ("S002", Some(86)),
                ("S001", None),
                ("S003", Some(11)),
                ("S003", Some(27)),
                ("S003", Some(49)),
                ("S003", Some(79)),
                ("S003", Some(86)),
            ]
        );
        assert_eq!(
            f[2].message,
            "章节编号或顺序与模板不一致：“二、政务信息公开工作开展情况”（模板之外的章节）"
        );
        assert_eq!(f[2].location.section, None);
        assert_eq!(
            f[3].message,
            "章节编号或顺序与模板不一致：“三、主动公开政府信息情况”（应为“二、”）"
        );
        assert_eq!(f[3].location.section, Some("s2"));
        let mut en = f[6].clone();
        en.relabel(crate::finding::Lang::En, None);
        assert_eq!(
            en.message,
            "Section numbering or order differs from the template: \"六、存在的问题及下一步打算\" (should be “五、”)"
        );
    }

    #[test]
    fn sections_out_of_order() {
        let mut r = fixtures::report(V2021);
        r.sections.order.swap(1, 2); // 一 三 二 四 五 六, numerals as in the template
        let f = run_structure(&r);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].code, Code::S003);
        assert_eq!(f[0].location.section, Some("s3"));
        assert_eq!(
            f[0].params["reason"],
            "（应在“二、主动公开政府信息情况”之后）"
        );
        assert_eq!(
            f[0].params["reason_en"],
            "(should come after “二、主动公开政府信息情况”)"
        );
        // Renumbered and out of order: both reasons in one finding.
        r.sections.order[1].1.heading = "二、收到和处理政府信息公开申请情况".into();
        let f = run_structure(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].params["reason"],
            "（应为“三、”；应在“二、主动公开政府信息情况”之后）"
        );
        // A heading without a numeral is not renumbered.
        let mut r = fixtures::report(V2021);
        r.sections.order[5].1.heading = "其他需要报告的事项".into();
        assert_eq!(of(&run_structure(&r), Code::S003).len(), 0);
    }

    #[test]
    fn version_against_year() {
        let mut r = fixtures::report(V2019);
        r.year = Some(2022);
        let f = run_structure(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::S004);
        assert_eq!(
            f[0].message,
            "模板版本与报告年度不符：2022年度报告应使用2021版格式，实际为2019版"
        );
        r.year = Some(2018);
        assert_eq!(run_structure(&r), vec![]);
        r.template = None;
        r.year = Some(2022);
        assert_eq!(of(&run_structure(&r), Code::S004), Vec::<&Finding>::new());
        r.template = Some(V2021);
        r.year = Some(2020);
        assert_eq!(run_structure(&r)[0].params["expected"], "2019");
    }

    #[test]
    fn mixed_markers() {
        let mut r = fixtures::report(V2021);
        r.markers.v2021 = vec!["本年制发件数"];
        assert_eq!(run_structure(&r), vec![]);
        r.markers.v2019 = vec!["规范性文件", "本年增/减"];
        let f = run_structure(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::S005);
        assert_eq!(
            f[0].message,
            "同时出现两个版本模板的标签（2019版：规范性文件、本年增/减；2021版：本年制发件数）"
        );
    }

    #[test]
    fn title_parts() {
        let mut r = fixtures::report(V2021);
        r.year = None;
        assert_eq!(run_structure(&r)[0].message, "标题中未找到年度");
        r.agency = None;
        assert_eq!(run_structure(&r)[0].message, "标题中未找到年度和机关名称");
        r.year = Some(2022);
        let mut f = run_structure(&r);
        assert_eq!(f[0].message, "标题中未找到机关名称");
        f[0].relabel(crate::finding::Lang::En, None);
        assert_eq!(f[0].message, "The title does not give the agency");
    }

    #[test]
    fn missing_tables_and_rows() {
        let mut r = fixtures::report(V2021);
        r.t2 = None;
        r.t3.as_mut().unwrap().rows.retain(|row| row.key != "r6_2");
        r.t4.as_mut().unwrap().rows.retain(|row| row.key != "ld");
        let f = run_structure(&r);
        let got: Vec<_> = f.iter().map(|f| (f.code, f.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (Code::C001, "缺少主动公开情况表"),
                (
                    Code::C002,
                    "申请情况表缺少“2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请”行"
                ),
                (Code::C002, "行政复议、行政诉讼情况表缺少“行政诉讼（未经复议直接起诉）”行"),
            ]
        );
        assert_eq!(f[1].location.row, Some("r6_2"));
        assert_eq!(f[2].location.table, Some("t4"));
        // 表二's rows are looked up per block; 表三 of the other version misses rows.
        let mut r = fixtures::report(V2019);
        r.t2.as_mut()
            .unwrap()
            .rows
            .retain(|row| row.block != Some("art20_9"));
        r.t3 = Some(fixtures::t3_balanced(V2021));
        let f = run_structure(&r);
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.code, f.location.block, f.location.row.unwrap_or("")))
            .collect();
        assert_eq!(
            got,
            [
                (Code::C002, Some("art20_9"), "central_procurement"),
                (Code::C002, None, "r6"),
            ]
        );
        // A report with nothing.
        let f = run_structure(&Report::default());
        assert_eq!(of(&f, Code::S001).len(), 6);
        assert_eq!(of(&f, Code::C001).len(), 3);
        assert_eq!(of(&f, Code::S006).len(), 1);
    }
}
