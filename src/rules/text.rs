//! Rules on the prose and on what the agency can plausibly report: section 五 that says
//! nothing (N002), information-processing fees not reported in section 六 (N003), and
//! 规章 made by a county-level or lower agency (P001).

use crate::finding::{Code, Finding, Location};
use crate::model::{Report, TableId};
use crate::normalize::label_key;
use crate::params;

pub(crate) fn run(report: &Report, findings: &mut Vec<Finding>) {
    problems_section(report, findings);
    fees(report, findings);
    regulations(report, findings);
}

/// Fewer letters and ideographs than this in section 五 say nothing (`无`, `暂无`,
/// `无。` all fall below it).
const MIN_CHARS: usize = 20;

/// N002: section 五 present but empty or nearly so.
fn problems_section(report: &Report, findings: &mut Vec<Finding>) {
    const KEY: &str = "s5";
    let Some(sec) = report.sections.get(KEY) else {
        return;
    };
    let chars = label_key(&sec.text).chars().count();
    if chars < MIN_CHARS {
        findings.push(Finding::unrendered(
            Code::N002,
            params! {"chars" => chars},
            Location::section(KEY).at(sec.place),
        ));
    }
}

/// The fee of 国办函〔2020〕109号, and the word any report of fees uses.
const FEE: &str = "信息处理费";
const CHARGE: &str = "收费";

fn mentions(text: &str, word: &str) -> bool {
    label_key(text).contains(&label_key(word))
}

/// N003: the report shows 信息处理费 — applications dropped for unpaid fees in 2021 表三,
/// or another section naming the fee — but section 六 mentions neither the fee nor 收费.
fn fees(report: &Report, findings: &mut Vec<Finding>) {
    const KEY: &str = "s6";
    let Some(sec) = report.sections.get(KEY) else {
        return;
    };
    if mentions(&sec.text, FEE) || mentions(&sec.text, CHARGE) {
        return;
    }
    let Some((evidence, evidence_en)) =
        unpaid_fees(report).or_else(|| fee_mentioned_elsewhere(report))
    else {
        return;
    };
    findings.push(Finding::unrendered(
        Code::N003,
        params! {"evidence" => evidence, "evidence_en" => evidence_en},
        Location::section(KEY).at(sec.place),
    ));
}

/// 表三 （六）2 (2021): applications dropped because the fee notice went unpaid.
fn unpaid_fees(report: &Report) -> Option<(String, String)> {
    const ROW: &str = "r6_2";
    let def = report.reading_version().def();
    let row = def.t3_row(ROW)?;
    let n = report
        .t3
        .as_ref()?
        .cell(None, ROW, "total")?
        .value
        .count()
        .filter(|n| *n > 0)?;
    // The row's label is long; its marker says the same in a few words.
    let what = def
        .markers
        .iter()
        .copied()
        .find(|m| row.label.contains(m))
        .unwrap_or(row.label);
    Some((
        format!("{what} {n} 件"),
        format!("{n} applications dropped for unpaid fees"),
    ))
}

/// Another section, template or extra, that names the fee.
fn fee_mentioned_elsewhere(report: &Report) -> Option<(String, String)> {
    let sections = &report.sections;
    let others = sections.known[..5].iter().flatten().chain(&sections.extra);
    let sec = others.into_iter().find(|s| mentions(&s.text, FEE))?;
    Some((
        format!("“{}”提及{FEE}", sec.heading),
        format!(
            "section “{}” mentions information-processing fees",
            sec.heading
        ),
    ))
}

/// P001: a county-level or lower agency reports 规章 made this year.
fn regulations(report: &Report, findings: &mut Vec<Finding>) {
    const BLOCK: &str = "art20_1";
    const ROW: &str = "regulations";
    let Some(agency) = report.agency.as_deref() else {
        return;
    };
    if lowest_level(agency).is_none_or(|l| l < Level::County) {
        return;
    }
    let def = report.reading_version().def();
    let Some(column) = def.t2_block(BLOCK).and_then(|b| b.columns.first()) else {
        return;
    };
    let Some(cell) = report
        .t2
        .as_ref()
        .and_then(|t| t.cell(Some(BLOCK), ROW, column.key))
    else {
        return;
    };
    if let Some(n) = cell.value.count().filter(|n| *n > 0) {
        findings.push(Finding::unrendered(
            Code::P001,
            params! {"agency" => agency, "reported" => n},
            Location::cell(TableId::T2, Some(BLOCK), ROW, column.key).at(cell.place),
        ));
    }
}

/// Administrative levels, highest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Province,
    Prefecture,
    County,
    Township,
}

/// Words that end a place name in an agency's name, with the level they name; `None`
/// for words that hold a unit's character but name no unit (市场监督管理局 has no 市,
/// 城乡建设 no 乡, 开发区 is no 区). Where words overlap the longer comes first.
const UNIT_WORDS: &[(&str, Option<Level>)] = &[
    ("特别行政区", Some(Level::Province)),
    ("自治区", Some(Level::Province)),
    ("自治州", Some(Level::Prefecture)),
    ("自治县", Some(Level::County)),
    ("自治旗", Some(Level::County)),
    ("地区", Some(Level::Prefecture)),
    ("街道", Some(Level::Township)),
    ("开发区", None),
    ("示范区", None),
    ("高新区", None),
    ("保税区", None),
    ("实验区", None),
    ("试验区", None),
    ("合作区", None),
    ("园区", None),
    ("景区", None),
    ("社区", None),
    ("市场", None),
    ("城乡", None),
    ("乡镇", None),
    ("乡村", None),
    ("省", Some(Level::Province)),
    ("市", Some(Level::Prefecture)),
    ("州", Some(Level::Prefecture)),
    ("盟", Some(Level::Prefecture)),
    ("县", Some(Level::County)),
    ("区", Some(Level::County)),
    ("旗", Some(Level::County)),
    ("乡", Some(Level::Township)),
    ("镇", Some(Level::Township)),
];

/// The lowest administrative unit an agency's name names, if any: `海东市民和县人民政府`
/// → county. A unit word counts only after a name (镇江市 names a 市, not a 镇). A 县级市
/// reads as a 市: its name does not tell it from a 设区的市.
fn lowest_level(agency: &str) -> Option<Level> {
    let mut lowest = None;
    let mut name_chars = 0usize;
    let mut rest = agency;
    while let Some(c) = rest.chars().next() {
        match UNIT_WORDS.iter().find(|(w, _)| rest.starts_with(w)) {
            Some((word, level)) => {
                match level {
                    Some(l) if name_chars > 0 => {
                        lowest = lowest.max(Some(*l));
                        name_chars = 0;
                    }
                    _ => name_chars += word.chars().count(),
                }
                rest = &rest[word.len()..];
            }
            None => {
                if !c.is_whitespace() {
                    name_chars += 1;
                }
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    lowest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CellValue::Count, Place};
    use crate::rules::fixtures::{self, of, set};
    use crate::template::Version::{V2019, V2021};

    fn run_text(r: &Report) -> Vec<Finding> {
        let mut f = Vec::new();
        run(r, &mut f);
        crate::finding::in_chinese(f)
    }

    fn text(r: &mut Report, key: &str, t: &str) {
        let i = crate::template::SECTIONS
            .iter()
            .position(|s| s.key == key)
            .unwrap();
        r.sections.known[i] = Some(fixtures::section(key, t));
    }

    #[test]
    fn complete_reports_have_no_text_findings() {
        for v in [V2019, V2021] {
            assert_eq!(run_text(&fixtures::report(v)), vec![]);
        }
        assert_eq!(run_text(&Report::default()), vec![]);
    }

    #[test]
    fn empty_problems_section() {
        let mut r = fixtures::report(V2021);
        for (t, chars) in [
            ("", 0),
            ("无。", 1),
            ("暂无", 2),
            ("存在问题：无。改进情况：无。", 10),
        ] {
            text(&mut r, "s5", t);
            let f = run_text(&r);
            assert_eq!(f.len(), 1, "{t}");
            assert_eq!(f[0].code, Code::N002);
            assert_eq!(f[0].params["chars"], chars, "{t}");
        }
        text(
            &mut r,
            "s5",
            "一是公开内容不够全面，二是解读形式单一。下一步将加强培训。",
        );
        assert_eq!(run_text(&r), vec![]);
        let mut r = fixtures::report(V2021);
        r.sections.known[4] = None;
        assert_eq!(run_text(&r), vec![]);
    }

    #[test]
    fn n002_message_and_place() {
        let mut r = fixtures::report(V2021);
        text(&mut r, "s5", "无");
        r.sections.known[4].as_mut().unwrap().place = Some(Place::new(86, 1));
        let f = run_text(&r);
        assert_eq!(
            f[0].message,
            "“存在的主要问题及改进情况”内容为空或过于简略（1 字）"
        );
        assert_eq!(f[0].location.line, Some(86));
        assert_eq!(f[0].location.section, Some("s5"));
    }

    #[test]
    fn fees_dropped_in_table_three() {
        let mut r = fixtures::report(V2021);
        text(&mut r, "s6", "无。");
        // The fixture's r6_2.total is 6.
        let f = run_text(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::N003);
        assert_eq!(f[0].params["evidence"], "逾期未按收费通知要求缴纳费用 6 件");
        assert_eq!(
            f[0].message,
            "报告显示收取了信息处理费（逾期未按收费通知要求缴纳费用 6 件），但“其他需要报告的事项”未说明收费情况"
        );
        // Reported in section 六: fine, either word.
        text(&mut r, "s6", "本年度收取信息 处理费 300 元。");
        assert_eq!(run_text(&r), vec![]);
        text(&mut r, "s6", "本机关未收费。");
        assert_eq!(run_text(&r), vec![]);
        // No unpaid fee, no mention elsewhere: nothing to report.
        text(&mut r, "s6", "无。");
        set(&mut r, TableId::T3, None, "r6_2", "total", Count(0));
        assert_eq!(run_text(&r), vec![]);
        // No section 六: S001 says so, not N003.
        set(&mut r, TableId::T3, None, "r6_2", "total", Count(2));
        r.sections.known[5] = None;
        assert_eq!(run_text(&r), vec![]);
    }

    #[test]
    fn fees_named_in_another_section() {
        let mut r = fixtures::report(V2019);
        text(&mut r, "s6", "无。");
        assert_eq!(run_text(&r), vec![]);
        r.sections.extra.push(crate::model::Section {
            heading: "七、收费情况".into(),
            text: "全年收取信息处理费200元。".into(),
            place: None,
            lines: Vec::new(),
        });
        let f = run_text(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].params["evidence"], "“七、收费情况”提及信息处理费");
        // A template section is found first.
        text(&mut r, "s3", "依申请公开中收取信息处理费 100 元。");
        let f = run_text(&r);
        assert_eq!(
            f[0].params["evidence"],
            "“三、收到和处理政府信息公开申请情况”提及信息处理费"
        );
        assert_eq!(
            f[0].params["evidence_en"],
            "section “三、收到和处理政府信息公开申请情况” mentions information-processing fees"
        );
    }

    #[test]
    fn levels_of_agencies() {
        use Level::*;
        let cases = [
            ("淮安市人民政府", Some(Prefecture)),
            ("海东市民和回族土族自治县人民政府", Some(County)),
            ("民和县人民政府", Some(County)),
            ("北京市朝阳区市场监督管理局", Some(County)),
            ("淮安市市场监督管理局", Some(Prefecture)),
            ("镇江市人民政府", Some(Prefecture)),
            ("江苏省镇江市人民政府", Some(Prefecture)),
            ("杭州市西湖区人民政府", Some(County)),
            ("广西壮族自治区人民政府", Some(Province)),
            ("上海市浦东新区人民政府", Some(County)),
            ("苏州工业园区管理委员会", Some(Prefecture)),
            ("淮安市住房和城乡建设局", Some(Prefecture)),
            ("沭阳县城市管理局", Some(County)),
            ("阿拉善盟阿拉善左旗人民政府", Some(County)),
            ("鄂温克族自治旗人民政府", Some(County)),
            ("恩施土家族苗族自治州人民政府", Some(Prefecture)),
            ("南京市玄武区梅园新村街道办事处", Some(Township)),
            ("沭阳县 钱集镇人民政府", Some(Township)),
            ("某市乡镇企业局", Some(Prefecture)),
            ("国务院办公厅", None),
            ("杨凌示范区审计局", None),
            ("", None),
        ];
        for (agency, level) in cases {
            assert_eq!(lowest_level(agency), level, "{agency}");
        }
    }

    #[test]
    fn regulations_by_a_county() {
        let mut r = fixtures::report(V2019);
        r.agency = Some("民和县人民政府".into());
        assert_eq!(run_text(&r), vec![]);
        let block = Some("art20_1");
        set(&mut r, TableId::T2, block, "regulations", "made", Count(3));
        let f = run_text(&r);
        assert_eq!(of(&f, Code::P001).len(), 1);
        assert_eq!(f[0].params["reported"], 3);
        assert_eq!(f[0].location.column, Some("made"));
        assert_eq!(f[0].location.block, Some("art20_1"));
        assert_eq!(
            f[0].message,
            "“民和县人民政府”为县级及以下机关，不具有规章制定权，但表二规章填报 3"
        );
        // A city may make 规章; an unknown agency is not judged.
        r.agency = Some("淮安市人民政府".into());
        assert_eq!(run_text(&r), vec![]);
        r.agency = None;
        assert_eq!(run_text(&r), vec![]);
        // Only the first column (made) counts.
        let mut r = fixtures::report(V2021);
        r.agency = Some("民和县人民政府".into());
        set(&mut r, TableId::T2, block, "regulations", "valid", Count(3));
        assert_eq!(run_text(&r), vec![]);
        set(&mut r, TableId::T2, block, "regulations", "made", Count(1));
        assert_eq!(run_text(&r).len(), 1);
        r.t2 = None;
        assert_eq!(run_text(&r), vec![]);
    }
}
