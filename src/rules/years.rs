//! The cross-year rules (FORMAT.md §6.3 X0–X2 → X001–X003): this year's report against last
//! year's report of the same agency. What a rule cannot compare — the other template version,
//! a table missing, a report that is not of the year before — is said as X004, never guessed.
//!
//! The policy for blanks is RULES.md's: a blank addend (制发, 废止, 本年增/减) counts as 0 and
//! is listed in `params.blank_as_zero`; a blank cell that a rule compares (上年结转, 现行有效件数,
//! 上一年项目数量, on either side) is not compared — its C003 says so.

use serde_json::{json, Map, Value};

use super::sums::{self, CellRef};
use crate::finding::{Code, Finding, Location};
use crate::model::{CellValue, Report};
use crate::template::{Version, T3_COLUMNS};

/// Runs X001–X003 over `report` with `previous` as last year's report, appending findings.
pub(crate) fn run(report: &Report, previous: &Report, findings: &mut Vec<Finding>) {
    if let (Some(year), Some(last)) = (report.year, previous.year) {
        if last != year - 1 {
            let reason = format!("所给上年报告为 {last} 年度，本报告为 {year} 年度");
            let reason_en =
                format!("the report given as last year's is for {last}, this one for {year}");
            let t2_rule = match report.reading_version() {
                Version::V2019 => Code::X003,
                Version::V2021 => Code::X002,
            };
            for code in [Code::X001, t2_rule] {
                findings.push(not_run(code, &reason, &reason_en));
            }
            return;
        }
    }
    carried_over(report, previous, findings);
    in_force(report, previous, findings);
    items(report, previous, findings);
}

/// X001: 上年结转 == last year's 结转下年度继续办理, column by column.
fn carried_over(report: &Report, previous: &Report, findings: &mut Vec<Finding>) {
    if report.t3.is_none() || previous.t3.is_none() {
        let (reason, reason_en) = lacking(report.t3.is_none(), "表三（申请情况表）", "表三");
        findings.push(not_run(Code::X001, &reason, &reason_en));
        return;
    }
    for column in T3_COLUMNS {
        let now = CellRef::t3("carry_in", column.key);
        let then = CellRef::t3("carry_out", column.key);
        let (Some(reported), Some(computed)) = (count(report, now), count(previous, then)) else {
            continue;
        };
        if reported != computed {
            let mut p = params(previous, reported, computed, &[then]);
            p.insert("cells".into(), sums::cell_names(&[now]));
            findings.push(Finding::unrendered(Code::X001, p, now.location(report)));
        }
    }
}

/// X002 (both 2021): 现行有效件数 == last year's + 本年制发件数 − 本年废止件数, in 第二十条第（一）项.
fn in_force(report: &Report, previous: &Report, findings: &mut Vec<Finding>) {
    match comparable_t2(report, previous, Version::V2021) {
        None => return,
        Some(Err((zh, en))) => return findings.push(not_run(Code::X002, &zh, &en)),
        Some(Ok(())) => {}
    }
    let Some(block) = Version::V2021.def().t2_block("art20_1") else {
        return;
    };
    for row in block.rows {
        let cell = |column| CellRef::t2(block.key, row.key, column);
        let (valid, made, repealed) = (cell("valid"), cell("made"), cell("repealed"));
        let (Some(reported), Some(before)) = (count(report, valid), count(previous, valid)) else {
            continue;
        };
        let mut blank = Vec::new();
        let mut addend = |c: CellRef| match report_value(report, c) {
            Some(CellValue::Count(n)) => Some(*n),
            Some(CellValue::Blank) | None => {
                blank.push(c);
                Some(0)
            }
            _ => None,
        };
        let (Some(made_n), Some(repealed_n)) = (addend(made), addend(repealed)) else {
            continue;
        };
        let computed = before + made_n - repealed_n;
        if reported != computed {
            let mut p = params(previous, reported, computed, &[valid]);
            p.insert("cells".into(), sums::cell_names(&[valid, made, repealed]));
            if !blank.is_empty() {
                p.insert("blank_as_zero".into(), sums::cell_names(&blank));
            }
            findings.push(Finding::unrendered(Code::X002, p, valid.location(report)));
        }
    }
}

/// X003 (both 2019): 上一年项目数量 == last year's 上一年项目数量 + last year's 本年增/减, for each
/// row of 表二 that has the two columns.
fn items(report: &Report, previous: &Report, findings: &mut Vec<Finding>) {
    match comparable_t2(report, previous, Version::V2019) {
        None => return,
        Some(Err((zh, en))) => return findings.push(not_run(Code::X003, &zh, &en)),
        Some(Ok(())) => {}
    }
    for block in Version::V2019.def().t2 {
        let has = |k| block.columns.iter().any(|c| c.key == k);
        if !has("prev_items") || !has("delta") {
            continue;
        }
        for row in block.rows {
            let cell = |column| CellRef::t2(block.key, row.key, column);
            let (items, delta) = (cell("prev_items"), cell("delta"));
            let (Some(reported), Some(before)) = (count(report, items), count(previous, items))
            else {
                continue;
            };
            let (change, blank) = match report_value(previous, delta) {
                Some(CellValue::Count(n)) => (*n, false),
                Some(CellValue::Blank) | None => (0, true),
                _ => continue,
            };
            let computed = before + change;
            if reported != computed {
                let mut p = params(previous, reported, computed, &[items, delta]);
                p.insert("cells".into(), sums::cell_names(&[items]));
                if blank {
                    p.insert(
                        "blank_as_zero".into(),
                        json!([format!("previous.{}", delta.name())]),
                    );
                }
                findings.push(Finding::unrendered(Code::X003, p, items.location(report)));
            }
        }
    }
}

/// Whether the 表二 rule of `version` compares these reports: `None` when this report is
/// on the other version (the rule is not one of its rules), else whether both have 表二 on
/// `version` or why not (last year's on the other version: the 2020→2021 change).
fn comparable_t2(
    report: &Report,
    previous: &Report,
    version: Version,
) -> Option<Result<(), (String, String)>> {
    if report.reading_version() != version {
        return None;
    }
    Some(if report.t2.is_none() || previous.t2.is_none() {
        Err(lacking(
            report.t2.is_none(),
            "表二（主动公开情况表）",
            "表二",
        ))
    } else if previous.reading_version() != version {
        Err(other_version(report, previous, version))
    } else {
        Ok(())
    })
}

/// Why a rule of `version` cannot run on these two reports' versions.
fn other_version(report: &Report, previous: &Report, version: Version) -> (String, String) {
    let (now, then) = (report.reading_version(), previous.reading_version());
    let needs = match version {
        Version::V2021 => ("现行有效件数", "现行有效件数 (documents in force)"),
        Version::V2019 => ("上一年项目数量", "上一年项目数量 (previous items)"),
    };
    let v = |x: Version| x.as_str();
    (
        format!(
            "本报告为 {} 版模板、上年报告为 {} 版模板，只有两份均为 {} 版时表二才有可比的“{}”",
            v(now),
            v(then),
            v(version),
            needs.0
        ),
        format!(
            "this report is on the {} template and last year's on the {}; only two {} reports both have {} to compare",
            v(now),
            v(then),
            v(version),
            needs.1
        ),
    )
}

/// Which report lacks a table, in both languages.
fn lacking(this_one: bool, zh: &str, en: &str) -> (String, String) {
    if this_one {
        (
            format!("本报告缺少{zh}"),
            format!("this report has no {en}"),
        )
    } else {
        (
            format!("上年报告缺少{zh}"),
            format!("last year's report has no {en}"),
        )
    }
}

fn not_run(code: Code, reason: &str, reason_en: &str) -> Finding {
    let p = crate::params! {
        "rule" => code.as_str(),
        "reason" => reason,
        "reason_en" => reason_en,
    };
    Finding::unrendered(Code::X004, p, Location::default())
}

/// The params every cross-year finding has: the two sides, last year's report and cells.
fn params(previous: &Report, reported: i64, computed: i64, then: &[CellRef]) -> Map<String, Value> {
    let mut p = crate::params! {
        "reported" => reported,
        "computed" => computed,
    };
    p.insert(
        "previous".into(),
        json!({
            "year": previous.year,
            "agency": previous.agency,
            "cells": sums::cell_names(then),
        }),
    );
    p
}

fn report_value(report: &Report, cell: CellRef) -> Option<&CellValue> {
    cell.lookup(report).map(|c| &c.value)
}

fn count(report: &Report, cell: CellRef) -> Option<i64> {
    report_value(report, cell).and_then(CellValue::count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CellValue::{Blank, Count};
    use crate::model::TableId;
    use crate::rules::fixtures::{report, set};

    fn run_years(now: &Report, then: &Report) -> Vec<Finding> {
        let mut f = Vec::new();
        run(now, then, &mut f);
        crate::finding::in_chinese(f)
    }

    fn codes(f: &[Finding]) -> Vec<(&str, Option<&str>)> {
        f.iter()
            .map(|f| {
                (
                    f.code.as_str(),
                    f.params.get("rule").and_then(Value::as_str),
                )
            })
            .collect()
    }

    /// Two 2021 reports for 2021 and 2022 of one agency.
    fn pair_2021() -> (Report, Report) {
        let mut then = report(Version::V2021);
        then.year = Some(2021);
        let now = report(Version::V2021);
        (now, then)
    }

    #[test]
    fn carried_over_agrees_or_is_named_by_column() {
        let (mut now, mut then) = pair_2021();
        assert_eq!(run_years(&now, &then), vec![]);
        set(&mut then, TableId::T3, None, "carry_out", "np", Count(7));
        set(&mut now, TableId::T3, None, "carry_in", "np", Count(7));
        assert_eq!(run_years(&now, &then), vec![]);
        set(&mut now, TableId::T3, None, "carry_in", "np", Count(5));
        let f = run_years(&now, &then);
        assert_eq!(codes(&f), vec![("X001", None)]);
        assert_eq!(f[0].params["reported"], 5);
        assert_eq!(f[0].params["computed"], 7);
        assert_eq!(f[0].params["cells"], json!(["carry_in.np"]));
        assert_eq!(f[0].params["previous"]["cells"], json!(["carry_out.np"]));
        assert_eq!(f[0].params["previous"]["year"], 2021);
        assert_eq!(f[0].location.row, Some("carry_in"));
        assert_eq!(
            f[0].message,
            "申请表“自然人”列上年结转 5 与上年报告结转下年度 7 不符"
        );
        // A blank on either side is not compared.
        set(&mut then, TableId::T3, None, "carry_out", "np", Blank);
        assert_eq!(run_years(&now, &then), vec![]);
    }

    #[test]
    fn carried_over_runs_across_the_template_change() {
        let mut then = report(Version::V2019);
        then.year = Some(2020);
        let mut now = report(Version::V2021);
        now.year = Some(2021);
        set(&mut then, TableId::T3, None, "carry_out", "total", Count(3));
        let f = run_years(&now, &then);
        // X001 compares; X002 and X003 say why they cannot.
        assert_eq!(codes(&f), vec![("X001", None), ("X004", Some("X002"))]);
        assert_eq!(f[0].params["computed"], 3);
        assert!(f[1]
            .message
            .starts_with("X002未执行：本报告为 2021 版模板、上年报告为 2019 版模板"));
    }

    #[test]
    fn documents_in_force_follow_last_year_and_this_year_made_and_repealed() {
        let (mut now, mut then) = pair_2021();
        let b = Some("art20_1");
        set(&mut then, TableId::T2, b, "normative", "valid", Count(40));
        set(&mut now, TableId::T2, b, "normative", "made", Count(6));
        set(&mut now, TableId::T2, b, "normative", "repealed", Count(2));
        set(&mut now, TableId::T2, b, "normative", "valid", Count(44));
        let only = |f: Vec<Finding>| codes(&f).into_iter().filter(|(c, _)| *c != "X004").count();
        assert_eq!(only(run_years(&now, &then)), 0);
        set(&mut now, TableId::T2, b, "normative", "valid", Count(50));
        let f: Vec<_> = run_years(&now, &then)
            .into_iter()
            .filter(|f| f.code == Code::X002)
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!(
            (
                f[0].params["reported"].clone(),
                f[0].params["computed"].clone()
            ),
            (json!(50), json!(44))
        );
        // A blank 废止 counts as 0 and says so.
        set(&mut now, TableId::T2, b, "normative", "repealed", Blank);
        let f: Vec<_> = run_years(&now, &then)
            .into_iter()
            .filter(|f| f.code == Code::X002)
            .collect();
        assert_eq!(f[0].params["computed"], 46);
        assert_eq!(
            f[0].params["blank_as_zero"],
            json!(["art20_1.normative.repealed"])
        );
    }

    #[test]
    fn previous_items_follow_last_years_items_and_change() {
        let mut then = report(Version::V2019);
        then.year = Some(2019);
        let mut now = report(Version::V2019);
        now.year = Some(2020);
        let b = Some("art20_5");
        set(
            &mut then,
            TableId::T2,
            b,
            "licensing",
            "prev_items",
            Count(120),
        );
        set(&mut then, TableId::T2, b, "licensing", "delta", Count(-4));
        set(
            &mut now,
            TableId::T2,
            b,
            "licensing",
            "prev_items",
            Count(116),
        );
        let x = |f: Vec<Finding>| {
            f.into_iter()
                .filter(|f| f.code == Code::X003)
                .collect::<Vec<_>>()
        };
        assert_eq!(x(run_years(&now, &then)), vec![]);
        set(
            &mut now,
            TableId::T2,
            b,
            "licensing",
            "prev_items",
            Count(120),
        );
        let f = x(run_years(&now, &then));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].params["computed"], 116);
        assert_eq!(
            f[0].params["previous"]["cells"],
            json!(["art20_5.licensing.prev_items", "art20_5.licensing.delta"])
        );
        // Both 2019: X002 is not one of their rules, and nothing says it did not run.
        let all = run_years(&now, &then);
        assert!(all.iter().all(|f| f.code != Code::X004), "{all:?}");
    }

    #[test]
    fn a_report_not_of_the_year_before_is_not_compared() {
        let (mut now, mut then) = pair_2021();
        then.year = Some(2019);
        set(&mut now, TableId::T3, None, "carry_in", "np", Count(5));
        let f = run_years(&now, &then);
        assert_eq!(
            codes(&f),
            vec![("X004", Some("X001")), ("X004", Some("X002"))]
        );
        assert!(f[0]
            .message
            .contains("所给上年报告为 2019 年度，本报告为 2022 年度"));
    }

    #[test]
    fn a_missing_table_is_said() {
        let (now, mut then) = pair_2021();
        then.t3 = None;
        let f = run_years(&now, &then);
        assert_eq!(codes(&f)[0], ("X004", Some("X001")));
        assert!(f[0].message.contains("上年报告缺少表三"));
    }
}
