//! Properties of the sum rules (A001–A006), on reports built through the model: tables
//! generated consistent raise no A-finding; one cell changed raises exactly the findings
//! of the equations that hold it, and a `suspect` names that cell with its old value;
//! and no report, however broken its cells, makes the rules panic or vary.

use nianbao::finding::{Code, Finding, Location};
use nianbao::model::{Cell, CellValue, Report, Row, Table, TableId};
use nianbao::rules;
use nianbao::template::{Version, T3_COLUMNS, T4_COLUMNS, T4_GROUPS};
use proptest::prelude::*;
use proptest::sample::Index;
use rust_decimal::Decimal;
use serde_json::json;

const SUM_CODES: [Code; 6] = [
    Code::A001,
    Code::A002,
    Code::A003,
    Code::A004,
    Code::A005,
    Code::A006,
];

/// Random values from which consistent tables are built.
#[derive(Debug, Clone)]
struct Seed {
    version: Version,
    /// Applicant columns of the result rows (up to 21 rows × 6).
    results: Vec<i64>,
    carry_out: Vec<i64>,
    /// What of new + carried in is carried in, before clipping.
    carry_in: Vec<i64>,
    /// 表四's four outcomes per group.
    t4: Vec<i64>,
    /// 表二 第二十条第（一）项: three values per row.
    art20_1: Vec<i64>,
    /// Other 表二 cells.
    t2_rest: Vec<i64>,
}

fn seed() -> impl Strategy<Value = Seed> {
    (
        prop_oneof![Just(Version::V2019), Just(Version::V2021)],
        prop::collection::vec(0i64..40, 21 * 6),
        prop::collection::vec(0i64..10, 6),
        prop::collection::vec(0i64..60, 6),
        prop::collection::vec(0i64..25, 12),
        prop::collection::vec(0i64..20, 6),
        prop::collection::vec(-30i64..300, 16),
    )
        .prop_map(
            |(version, results, carry_out, carry_in, t4, art20_1, t2_rest)| Seed {
                version,
                results,
                carry_out,
                carry_in,
                t4,
                art20_1,
                t2_rest,
            },
        )
}

fn row(block: Option<&'static str>, key: &'static str, cells: Vec<Cell>) -> Row {
    Row {
        block,
        key,
        cells,
        place: None,
    }
}

/// A report whose three tables satisfy every sum rule of its version.
fn consistent(s: &Seed) -> Report {
    let def = s.version.def();
    let applicants: Vec<&'static str> = T3_COLUMNS
        .iter()
        .map(|c| c.key)
        .filter(|k| *k != "total")
        .collect();
    let with_total = |vals: &[i64]| -> Vec<Cell> {
        let total: i64 = vals.iter().sum();
        applicants
            .iter()
            .zip(vals)
            .map(|(k, v)| Cell::new(k, CellValue::Count(*v)))
            .chain(std::iter::once(Cell::new("total", CellValue::Count(total))))
            .collect()
    };
    let results: Vec<(&'static str, Vec<i64>)> = def
        .t3_results()
        .enumerate()
        .map(|(i, r)| (r.key, s.results[i * 6..i * 6 + 6].to_vec()))
        .collect();
    let r7: Vec<i64> = (0..6)
        .map(|c| results.iter().map(|(_, v)| v[c]).sum())
        .collect();
    let incoming: Vec<i64> = (0..6).map(|c| r7[c] + s.carry_out[c]).collect();
    let carry_in: Vec<i64> = (0..6).map(|c| s.carry_in[c].min(incoming[c])).collect();
    let new: Vec<i64> = (0..6).map(|c| incoming[c] - carry_in[c]).collect();

    let mut t3 = Table::new(TableId::T3);
    for r in def.t3_rows() {
        let vals = match r.key {
            "new" => new.clone(),
            "carry_in" => carry_in.clone(),
            "r7" => r7.clone(),
            "carry_out" => s.carry_out.clone(),
            key => results
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        };
        t3.rows.push(row(None, r.key, with_total(&vals)));
    }

    let mut t4 = Table::new(TableId::T4);
    for (g, (prefix, _)) in T4_GROUPS.iter().enumerate() {
        let four = &s.t4[g * 4..g * 4 + 4];
        let cells = T4_COLUMNS[g * 5..g * 5 + 5]
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let v = if i < 4 { four[i] } else { four.iter().sum() };
                Cell::new(c.key, CellValue::Count(v))
            })
            .collect();
        t4.rows.push(row(None, &prefix[..2], cells));
    }

    let mut t2 = Table::new(TableId::T2);
    let mut rest = s.t2_rest.iter().copied().cycle();
    for b in def.t2 {
        for (ri, r) in b.rows.iter().enumerate() {
            let cells = if b.key == "art20_1" {
                let [a, x, y] = [0, 1, 2].map(|j| s.art20_1[ri * 3 + j]);
                // 2019: made a, published x, total_public ≥ published.
                // 2021: made a, repealed x, valid ≥ made − repealed.
                let third = match s.version {
                    Version::V2019 => x + y,
                    Version::V2021 => (a - x).max(0) + y,
                };
                b.columns
                    .iter()
                    .zip([a, x, third])
                    .map(|(c, v)| Cell::new(c.key, CellValue::Count(v)))
                    .collect()
            } else {
                b.columns
                    .iter()
                    .map(|c| {
                        let n = rest.next().unwrap_or_default();
                        let v = if c.kind.is_money() {
                            CellValue::Money(Decimal::new(n.abs() * 100 + 7, 2))
                        } else if c.key == "delta" {
                            CellValue::Count(n)
                        } else {
                            CellValue::Count(n.abs())
                        };
                        Cell::new(c.key, v)
                    })
                    .collect()
            };
            t2.rows.push(row(Some(b.key), r.key, cells));
        }
    }

    Report {
        template: Some(s.version),
        year: Some(match s.version {
            Version::V2019 => 2020,
            Version::V2021 => 2023,
        }),
        agency: Some("淮安市人民政府".into()),
        t2: Some(t2),
        t3: Some(t3),
        t4: Some(t4),
        ..Default::default()
    }
}

fn run(report: &Report) -> Vec<Finding> {
    let mut f = Vec::new();
    rules::run(report, &mut f);
    f
}

fn sum_findings(report: &Report) -> Vec<Finding> {
    run(report)
        .into_iter()
        .filter(|f| SUM_CODES.contains(&f.code))
        .collect()
}

/// A cell that a mutation may change.
#[derive(Debug, Clone, Copy)]
struct Target {
    table: TableId,
    block: Option<&'static str>,
    row: &'static str,
    column: &'static str,
}

/// The count cells the sum rules read: all of 表三 and 表四, and 表二's 第二十条第（一）项.
fn targets(r: &Report) -> Vec<Target> {
    let mut out = Vec::new();
    for t in [&r.t2, &r.t3, &r.t4].into_iter().flatten() {
        for row in &t.rows {
            if t.id == TableId::T2 && row.block != Some("art20_1") {
                continue;
            }
            for c in &row.cells {
                out.push(Target {
                    table: t.id,
                    block: row.block,
                    row: row.key,
                    column: c.column,
                });
            }
        }
    }
    out
}

fn count_at(r: &Report, t: Target) -> i64 {
    r.table(t.table)
        .and_then(|tb| tb.cell(t.block, t.row, t.column))
        .and_then(|c| c.value.count())
        .expect("generated cells are counts")
}

fn set(r: &mut Report, t: Target, v: i64) {
    if let Some(c) = r
        .table_mut(t.table)
        .and_then(|tb| tb.row_mut(t.block, t.row))
        .and_then(|row| row.cell_mut(t.column))
    {
        c.value = CellValue::Count(v);
    }
}

/// The (code, location) of every rule that holds the cell — the oracle, written from
/// RULES.md independently of the rules' own tables. 表二's inequalities are judged on the
/// changed report.
fn expected_findings(r: &Report, version: Version, t: Target) -> Vec<(Code, Location)> {
    let t3 = |row, col| Location::cell(TableId::T3, None, row, col);
    match t.table {
        TableId::T3 => {
            let mut out = Vec::new();
            if ["new", "carry_in", "r7", "carry_out"].contains(&t.row) {
                out.push((Code::A001, t3("new", t.column)));
            }
            out.push((Code::A002, t3(t.row, "total")));
            let in_results = version.def().t3_results().any(|x| x.key == t.row);
            if in_results || t.row == "r7" {
                out.push((Code::A003, t3("r7", t.column)));
            }
            out
        }
        TableId::T4 => {
            let total = T4_COLUMNS
                .iter()
                .find(|c| c.key.starts_with(t.row) && c.key.ends_with("_total"))
                .map(|c| c.key)
                .unwrap_or_default();
            vec![(Code::A004, Location::cell(TableId::T4, None, t.row, total))]
        }
        TableId::T2 => {
            let v = |col| count_at(r, Target { column: col, ..t });
            let (code, column, fails) = match version {
                Version::V2019 => (
                    Code::A005,
                    "total_public",
                    v("total_public") < v("published"),
                ),
                Version::V2021 => (Code::A006, "valid", v("valid") < v("made") - v("repealed")),
            };
            if fails {
                vec![(code, Location::cell(TableId::T2, t.block, t.row, column))]
            } else {
                vec![]
            }
        }
    }
}

fn sorted(mut v: Vec<(Code, Location)>) -> Vec<(Code, String)> {
    let mut out: Vec<(Code, String)> = v.drain(..).map(|(c, l)| (c, format!("{l:?}"))).collect();
    out.sort();
    out
}

/// Any cell value at all, extreme counts included.
fn any_value() -> impl Strategy<Value = CellValue> {
    prop_oneof![
        4 => (-3i64..50).prop_map(CellValue::Count),
        1 => prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(-1i64)].prop_map(CellValue::Count),
        2 => Just(CellValue::Blank),
        1 => Just(CellValue::NotNumber),
        1 => (any::<i32>(), 0u32..4).prop_map(|(n, s)| CellValue::NotWhole(Decimal::new(n.into(), s))),
        1 => (any::<i32>(), 0u32..4).prop_map(|(n, s)| CellValue::NoUnit(Decimal::new(n.into(), s))),
        1 => (any::<i32>(), 0u32..4).prop_map(|(n, s)| CellValue::Money(Decimal::new(n.into(), s))),
        1 => prop::option::of(prop_oneof![Just(i64::MAX), Just(-5i64), 0i64..5])
            .prop_map(|upper| CellValue::Unreadable { upper }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn consistent_tables_raise_no_sum_finding(s in seed()) {
        let r = consistent(&s);
        let f = sum_findings(&r);
        prop_assert!(f.is_empty(), "{:#?}", f);
    }

    #[test]
    fn one_changed_cell_raises_exactly_its_equations(
        s in seed(),
        pick in any::<Index>(),
        delta in 1i64..30,
        down in any::<bool>(),
    ) {
        let mut r = consistent(&s);
        let all = targets(&r);
        let t = all[pick.index(all.len())];
        let original = count_at(&r, t);
        let changed = if down && original >= delta { original - delta } else { original + delta };
        set(&mut r, t, changed);

        let f = sum_findings(&r);
        let got = sorted(f.iter().map(|f| (f.code, f.location.clone())).collect());
        let want = sorted(expected_findings(&r, s.version, t));
        prop_assert_eq!(&got, &want, "changed {:?} from {} to {}", t, original, changed);

        let mut expected_suspect = json!({"table": t.table.key(), "column": t.column, "value": original});
        if t.table != TableId::T4 {
            expected_suspect["row"] = json!(t.row);
        }
        for x in &f {
            match x.params.get("suspect") {
                Some(sus) => prop_assert_eq!(sus, &expected_suspect),
                // Every 表三 cell sits in two equations that share only it: a change
                // there is always explained. 表四's single equation names a cell only
                // when no other could balance it at ≥ 0; 表二's inequalities never do.
                None => prop_assert!(t.table != TableId::T3, "no suspect for {:?}", t),
            }
            if t.table == TableId::T2 {
                prop_assert!(x.params.get("suspect").is_none());
            }
        }
    }

    #[test]
    fn broken_cells_never_panic_and_findings_are_deterministic(
        s in seed(),
        values in prop::collection::vec(any_value(), 64),
        drop_rows in prop::collection::vec(any::<Index>(), 0..4),
        year in prop::option::of(2015i32..2030),
        no_template in any::<bool>(),
    ) {
        let mut r = consistent(&s);
        let mut vs = values.iter().cycle();
        for id in [TableId::T2, TableId::T3, TableId::T4] {
            if let Some(t) = r.table_mut(id) {
                for row in &mut t.rows {
                    for c in &mut row.cells {
                        if let Some(v) = vs.next() {
                            c.value = v.clone();
                        }
                    }
                }
                for d in &drop_rows {
                    if !t.rows.is_empty() {
                        let i = d.index(t.rows.len());
                        t.rows.remove(i);
                    }
                }
            }
        }
        r.year = year;
        if no_template {
            r.template = None;
        }
        let a = run(&r);
        let b = run(&r);
        prop_assert_eq!(&a, &b);
        for f in &a {
            prop_assert!(!f.message.is_empty());
        }
    }
}
