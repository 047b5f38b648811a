//! What a single cell holds, cell by cell over every table present: blank (C003, with the
//! value a blank total would have to hold, from [`super::sums::implied_total`]), not a
//! number (C004), negative or not whole (C005), an amount without a unit (C007).
//! Unreadable cells were reported by ingest (C006) and are left alone here.

use serde_json::{Map, Value};

use std::cell::OnceCell;

use super::sums::{self, CellRef, SumRules};
use crate::finding::{Code, Finding, Location};
use crate::model::{Cell, CellValue, Report, Row, TableId};
use crate::params;
use crate::template::{self, ColumnKind};

/// Checks every cell of 表二, 表三 and 表四, in table, row and column order.
pub(crate) fn run(report: &Report, rules: &OnceCell<SumRules>, findings: &mut Vec<Finding>) {
    for id in TableId::ALL {
        let Some(table) = report.table(id) else {
            continue;
        };
        for row in &table.rows {
            for cell in &row.cells {
                if let Some(f) = check(report, rules, id, row, cell) {
                    findings.push(f);
                }
            }
        }
    }
}

fn check(
    report: &Report,
    rules: &OnceCell<SumRules>,
    table: TableId,
    row: &Row,
    cell: &Cell,
) -> Option<Finding> {
    let here = CellRef {
        table,
        block: row.block,
        row: row.key,
        column: cell.column,
    };
    let (code, p) = match &cell.value {
        CellValue::Blank => {
            let rules = rules.get_or_init(|| SumRules::of(report));
            (Code::C003, blank_params(report, rules, here))
        }
        CellValue::NotNumber => (
            Code::C004,
            params! {"raw" => cell.raw.as_deref().unwrap_or_default().trim()},
        ),
        CellValue::NotWhole(d) => (Code::C005, params! {"value" => d.normalize().to_string()}),
        CellValue::Count(n) if *n < 0 && column_kind(report, here) == Some(ColumnKind::Count) => {
            (Code::C005, params! {"value" => n})
        }
        CellValue::NoUnit(d) => (Code::C007, params! {"value" => d.normalize().to_string()}),
        CellValue::Count(_) | CellValue::Money(_) | CellValue::Unreadable { .. } => return None,
    };
    let location = Location::cell(table, row.block, row.key, cell.column).at(cell.place);
    Some(Finding::unrendered(code, p, location))
}

/// A blank cell's params: when it is a total that its addends decide, the value it would
/// have to hold (`expected`, with the notes the messages show) and the blank addends
/// counted as 0 for it.
fn blank_params(report: &Report, rules: &SumRules, here: CellRef) -> Map<String, Value> {
    let Some(implied) = sums::implied_total(report, rules, here) else {
        return Map::new();
    };
    let shown = implied.value.to_string();
    let mut p = params! {
        "expected" => sums::number(implied.value),
        "expected_note" => format!("（按合计应为 {shown}）"),
        "expected_note_en" => format!(" (the sum implies {shown})"),
    };
    if !implied.blank_as_zero.is_empty() {
        p.insert(
            "blank_as_zero".into(),
            sums::cell_names(&implied.blank_as_zero),
        );
    }
    p
}

/// What the cell's column holds, by the template the tables are read with.
fn column_kind(report: &Report, cell: CellRef) -> Option<ColumnKind> {
    let column = match cell.table {
        TableId::T3 => template::t3_column(cell.column),
        TableId::T4 => template::t4_column(cell.column),
        TableId::T2 => report
            .reading_version()
            .def()
            .t2_block(cell.block?)?
            .columns
            .iter()
            .find(|c| c.key == cell.column),
    };
    column.map(|c| c.kind)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use serde_json::json;

    use super::*;
    use crate::model::{CellValue::*, Place};
    use crate::rules::fixtures::{self, set};
    use crate::template::Version::{V2019, V2021};

    fn run_cells(r: &Report) -> Vec<Finding> {
        let mut f = Vec::new();
        run(r, &OnceCell::new(), &mut f);
        crate::finding::in_chinese(f)
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn clean_reports_have_no_cell_findings() {
        for v in [V2019, V2021] {
            assert_eq!(run_cells(&fixtures::report(v)), vec![]);
        }
        assert_eq!(run_cells(&Report::default()), vec![]);
    }

    #[test]
    fn blank_cells() {
        let mut r = fixtures::report(V2019);
        set(&mut r, TableId::T3, None, "r1", "np", Blank);
        let f = run_cells(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::C003);
        assert_eq!(f[0].message, "申请情况表“（一）予以公开”行“自然人”列为空");
        assert!(f[0].params.is_empty());
        assert_eq!(f[0].location.row, Some("r1"));
        assert_eq!(f[0].location.column, Some("np"));
    }

    #[test]
    fn a_blank_total_says_what_the_sum_implies() {
        let mut r = fixtures::report(V2019);
        set(&mut r, TableId::T3, None, "r1", "total", Blank);
        set(&mut r, TableId::T3, None, "r1", "np", Blank);
        let f = run_cells(&r);
        assert_eq!(f.len(), 2);
        let total = &f[1];
        assert_eq!(total.location.column, Some("total"));
        assert_eq!(total.params["expected"], json!(5));
        assert_eq!(total.params["blank_as_zero"], json!(["r1.np"]));
        assert_eq!(
            total.message,
            "申请情况表“（一）予以公开”行“总计”列为空（按合计应为 5）"
        );
        let mut en = total.clone();
        en.relabel(crate::finding::Lang::En, None);
        assert!(
            en.message.ends_with("is blank (the sum implies 5)"),
            "{}",
            en.message
        );
        // 表四 and 表三's （七） row.
        let mut r = fixtures::report(V2021);
        set(&mut r, TableId::T4, None, "lr", "lr_total", Blank);
        set(&mut r, TableId::T3, None, "r7", "biz", Blank);
        let f = run_cells(&r);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].params["expected"], json!(21));
        assert_eq!(f[0].location.row, Some("r7"));
        assert_eq!(f[1].params["expected"], json!(1));
        assert!(f[1].params.get("blank_as_zero").is_none());
        assert_eq!(f[1].location.row, None);
        assert_eq!(f[1].location.column, Some("lr_total"));
    }

    #[test]
    fn a_huge_implied_total_is_a_string() {
        let mut r = fixtures::report(V2019);
        set(&mut r, TableId::T4, None, "rv", "rv_keep", Count(i64::MAX));
        set(&mut r, TableId::T4, None, "rv", "rv_fix", Count(i64::MAX));
        set(&mut r, TableId::T4, None, "rv", "rv_total", Blank);
        let f = run_cells(&r);
        assert_eq!(f[0].params["expected"], json!("18446744073709551614"));
        assert!(f[0]
            .message
            .ends_with("（按合计应为 18446744073709551614）"));
    }

    #[test]
    fn not_numbers_quote_the_cell() {
        let mut r = fixtures::report(V2019);
        let cell =
            r.t3.as_mut()
                .and_then(|t| t.row_mut(None, "r2"))
                .and_then(|row| row.cell_mut("biz"))
                .unwrap();
        cell.value = NotNumber;
        cell.raw = Some(" / ".into());
        cell.place = Some(Place::new(57, 12));
        set(&mut r, TableId::T3, None, "r3_1", "biz", NotNumber);
        let f = run_cells(&r);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].code, Code::C004);
        assert_eq!(f[0].params["raw"], json!("/"));
        assert_eq!(
            (f[0].location.line, f[0].location.col),
            (Some(57), Some(12))
        );
        assert!(f[0].message.ends_with("不是数字：“/”"), "{}", f[0].message);
        assert_eq!(f[1].params["raw"], json!(""));
    }

    #[test]
    fn negative_and_fractional_counts() {
        let mut r = fixtures::report(V2019);
        set(&mut r, TableId::T3, None, "r1", "np", Count(-1));
        set(
            &mut r,
            TableId::T4,
            None,
            "rv",
            "rv_fix",
            NotWhole(dec("3.50")),
        );
        // 本年增/减 may be negative; 上一年项目数量 may not.
        let block = Some("art20_6");
        set(
            &mut r,
            TableId::T2,
            block,
            "punishment",
            "delta",
            Count(-40),
        );
        set(
            &mut r,
            TableId::T2,
            block,
            "coercion",
            "prev_items",
            Count(-8),
        );
        let f = run_cells(&r);
        let got: Vec<_> = f
            .iter()
            .map(|f| {
                (
                    f.code,
                    f.location.column.unwrap(),
                    f.params["value"].clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Code::C005, "prev_items", json!(-8)),
                (Code::C005, "np", json!(-1)),
                (Code::C005, "rv_fix", json!("3.5")),
            ]
        );
        assert!(
            f[1].message.ends_with("应为非负整数，实为 -1"),
            "{}",
            f[1].message
        );
    }

    #[test]
    fn amounts_without_unit() {
        let mut r = fixtures::report(V2019);
        let block = Some("art20_9");
        set(
            &mut r,
            TableId::T2,
            block,
            "central_procurement",
            "amount",
            NoUnit(dec("8208.93")),
        );
        let f = run_cells(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::C007);
        assert_eq!(f[0].params["value"], json!("8208.93"));
        assert_eq!(f[0].location.block, Some("art20_9"));
    }

    #[test]
    fn unreadable_cells_are_left_to_ingest() {
        let mut r = fixtures::report(V2019);
        set(
            &mut r,
            TableId::T3,
            None,
            "carry_in",
            "np",
            Unreadable { upper: Some(1) },
        );
        set(
            &mut r,
            TableId::T3,
            None,
            "carry_in",
            "biz",
            Unreadable { upper: None },
        );
        assert_eq!(run_cells(&r), vec![]);
    }

    #[test]
    fn column_kinds() {
        let r = fixtures::report(V2019);
        let cell = |table, block, row, column| CellRef {
            table,
            block,
            row,
            column,
        };
        let kind = |c| column_kind(&r, c);
        assert_eq!(
            kind(cell(TableId::T3, None, "r1", "np")),
            Some(ColumnKind::Count)
        );
        assert_eq!(
            kind(cell(TableId::T4, None, "rv", "rv_total")),
            Some(ColumnKind::Count)
        );
        assert_eq!(
            kind(cell(TableId::T2, Some("art20_5"), "licensing", "delta")),
            Some(ColumnKind::SignedCount)
        );
        assert_eq!(kind(cell(TableId::T2, None, "licensing", "delta")), None);
        assert_eq!(
            kind(cell(TableId::T2, Some("art20_5"), "licensing", "x")),
            None
        );
        assert_eq!(kind(cell(TableId::T3, None, "r1", "x")), None);
    }
}
