//! The rules of RULES.md, run over a [`Report`] whatever format it came from. Each family
//! lives in its own module; each rule reports through a code of [`crate::finding`]:
//! [`structure`] (sections, version, tables and rows present: S0xx, C001, C002),
//! [`cells`] (what a single cell holds: C003–C005, C007), [`sums`] (the 勾稽关系 of the
//! tables: A001–A006, with `suspect`), [`text`] (the prose and plausibility: N002,
//! N003, P001) and [`figures`] (figures stated in the prose against the tables: N001);
//! with last year's report, [`years`] (X001–X003, X004 for what cannot run) and
//! [`copied`] (P002, the prose repeated).

mod cells;
mod copied;
mod figures;
mod structure;
mod sums;
mod text;
mod years;

use crate::finding::Finding;
use crate::model::Report;

/// Runs every rule over the report, appending findings with their messages in Chinese.
/// The order is fixed: structure, cells, sums, text, figures, each in template order.
pub fn run(report: &Report, findings: &mut Vec<Finding>) {
    let from = findings.len();
    run_unrendered(report, findings);
    crate::finding::write_chinese(&mut findings[from..]);
}

/// [`run`], the findings' messages not written: `check` writes each once, in the language
/// asked.
pub(crate) fn run_unrendered(report: &Report, findings: &mut Vec<Finding>) {
    structure::run(report, findings);
    // The sums' rules, made once: the cells ask them what a blank total implies.
    let sum_rules = std::cell::OnceCell::new();
    cells::run(report, &sum_rules, findings);
    sums::run(
        report,
        sum_rules.get_or_init(|| sums::SumRules::of(report)),
        findings,
    );
    text::run(report, findings);
    figures::run(report, findings);
}

/// Runs the rules that compare the report with last year's report of the agency, after
/// [`run`], appending findings with their messages in Chinese.
pub fn run_across_years(report: &Report, previous: &Report, findings: &mut Vec<Finding>) {
    let from = findings.len();
    run_across_years_unrendered(report, previous, findings);
    crate::finding::write_chinese(&mut findings[from..]);
}

/// [`run_across_years`], the findings' messages not written (as [`run_unrendered`]).
pub(crate) fn run_across_years_unrendered(
    report: &Report,
    previous: &Report,
    findings: &mut Vec<Finding>,
) {
    years::run(report, previous, findings);
    copied::run(report, previous, findings);
}

/// Builders of reports for the unit tests of the rule families.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::finding::{Code, Finding};
    use crate::model::{Cell, CellValue, Report, Row, Section, Table, TableId};
    use crate::template::{self, Version, T3_COLUMNS, T4_COLUMNS, T4_GROUPS};

    /// A 表三 whose every cell is `value(row, column)`.
    pub fn t3(version: Version, value: impl Fn(&str, &str) -> CellValue) -> Table {
        let mut t = Table::new(TableId::T3);
        for r in version.def().t3_rows() {
            t.rows.push(Row {
                block: None,
                key: r.key,
                cells: T3_COLUMNS
                    .iter()
                    .map(|c| Cell::new(c.key, value(r.key, c.key)))
                    .collect(),
                place: None,
            });
        }
        t
    }

    /// A balanced 表三: every result row holds 1 in each applicant column, nothing is
    /// carried over, and the totals add up.
    pub fn t3_balanced(version: Version) -> Table {
        let results = version.def().t3_results().count() as i64;
        t3(version, |row, col| {
            let per_col = match row {
                "new" | "r7" => results,
                "carry_in" | "carry_out" => 0,
                _ => 1,
            };
            CellValue::Count(if col == "total" { per_col * 6 } else { per_col })
        })
    }

    /// A 表四 from its fifteen values in column order.
    pub fn t4(values: [i64; 15]) -> Table {
        let mut t = Table::new(TableId::T4);
        for (g, (prefix, _)) in T4_GROUPS.iter().enumerate() {
            t.rows.push(Row {
                block: None,
                key: &prefix[..2],
                cells: T4_COLUMNS[g * 5..g * 5 + 5]
                    .iter()
                    .zip(&values[g * 5..g * 5 + 5])
                    .map(|(c, v)| Cell::new(c.key, CellValue::Count(*v)))
                    .collect(),
                place: None,
            });
        }
        t
    }

    /// A 表二 of the version with every count cell 0 and every amount 0 万元.
    pub fn t2(version: Version) -> Table {
        let mut t = Table::new(TableId::T2);
        for b in version.def().t2 {
            for r in b.rows {
                t.rows.push(Row {
                    block: Some(b.key),
                    key: r.key,
                    cells: b
                        .columns
                        .iter()
                        .map(|c| {
                            let v = if c.kind.is_money() {
                                CellValue::Money(Default::default())
                            } else {
                                CellValue::Count(0)
                            };
                            Cell::new(c.key, v)
                        })
                        .collect(),
                    place: None,
                });
            }
        }
        t
    }

    /// A section with the template heading and some text.
    pub fn section(key: &str, text: &str) -> Section {
        Section {
            heading: template::section(key)
                .map(|s| s.heading)
                .unwrap_or("")
                .into(),
            text: text.into(),
            place: None,
            lines: Vec::new(),
        }
    }

    /// A complete, consistent report of the version that every rule accepts.
    pub fn report(version: Version) -> Report {
        let mut r = Report {
            template: Some(version),
            year: Some(if version == Version::V2019 {
                2020
            } else {
                2022
            }),
            agency: Some("淮安市人民政府".into()),
            title: Some("淮安市人民政府2022年政府信息公开工作年度报告".into()),
            t2: Some(t2(version)),
            t3: Some(t3_balanced(version)),
            t4: Some(t4([5, 3, 0, 0, 8, 15, 0, 6, 7, 28, 1, 0, 0, 0, 1])),
            ..Default::default()
        };
        for (i, def) in template::SECTIONS.iter().enumerate() {
            let text = match def.key {
                "s6" => "本机关本年度未收取信息处理费。",
                _ => "本机关认真落实政府信息公开条例，持续改进工作，存在的问题已逐项整改，并将继续加强培训和监督。",
            };
            let sec = section(def.key, text);
            r.sections.order.push((Some(def.key), sec.heading_of()));
            r.sections.known[i] = Some(sec);
        }
        r
    }

    /// Sets a cell of a table of the report (the cell must exist).
    pub fn set(
        r: &mut Report,
        id: TableId,
        block: Option<&str>,
        row: &str,
        column: &str,
        v: CellValue,
    ) {
        let cell = r
            .table_mut(id)
            .and_then(|t| t.row_mut(block, row))
            .and_then(|row| row.cell_mut(column))
            .expect("fixture cell exists");
        cell.value = v;
    }

    /// The findings of one code.
    pub fn of(findings: &[Finding], code: Code) -> Vec<&Finding> {
        findings.iter().filter(|f| f.code == code).collect()
    }
}
