//! The sums of the tables (FORMAT.md §6 O1, I1–I3, I6, I7 → A001–A006). Each rule is an
//! equation or inequality over cells, evaluated with RULES.md's policy for blank and
//! unreadable cells (a blank addend is 0 and listed, a blank total is not compared, an
//! unreadable cell is the range its row allows), and each table's failing equations are
//! searched for the one `suspect` cell that alone explains them. [`implied_total`] gives
//! C003 the value a blank total would have to hold, from the same equations.

use serde_json::{json, Map, Value};

use crate::finding::{Code, Finding, Location};
use crate::model::{Cell, CellValue, Report, Row, TableId};
use crate::template::{Version, T3_COLUMNS, T4_COLUMNS, T4_GROUPS};

/// The key of 表三's 总计 column and the suffix of 表四's.
const TOTAL: &str = "total";

/// A cell of a table, named by keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CellRef {
    pub table: TableId,
    pub block: Option<&'static str>,
    /// The row key; for 表四 the group (`rv`, `ld`, `lr`).
    pub row: &'static str,
    pub column: &'static str,
}

impl CellRef {
    pub fn t2(block: &'static str, row: &'static str, column: &'static str) -> Self {
        CellRef {
            table: TableId::T2,
            block: Some(block),
            row,
            column,
        }
    }

    pub fn t3(row: &'static str, column: &'static str) -> Self {
        CellRef {
            table: TableId::T3,
            block: None,
            row,
            column,
        }
    }

    /// How params name the cell: `r1.total` in 表三, `rv_keep` in 表四,
    /// `art20_1.regulations.made` in 表二.
    pub fn name(&self) -> String {
        let parts: &[&str] = match self.table {
            TableId::T3 => &[self.row, self.column],
            TableId::T4 => &[self.column],
            TableId::T2 => &[self.block.unwrap_or_default(), self.row, self.column],
        };
        parts.join(".")
    }

    pub fn lookup<'a>(&self, report: &'a Report) -> Option<&'a Cell> {
        self.row_in(report)?.cell(self.column)
    }

    /// The row the cell is in, as read.
    fn row_in<'a>(&self, report: &'a Report) -> Option<&'a Row> {
        report.table(self.table)?.row(self.block, self.row)
    }

    /// Whether `other` is in the same row.
    fn same_row(&self, other: &CellRef) -> bool {
        self.table == other.table && self.block == other.block && self.row == other.row
    }

    /// The location of the cell, with its place in the source when it has one.
    pub fn location(&self, report: &Report) -> Location {
        Location::cell(self.table, self.block, self.row, self.column)
            .at(self.lookup(report).and_then(|c| c.place))
    }

    /// The cell as `params.suspect` names it, with the value that would balance it.
    fn suspect_json(&self, value: i64) -> Value {
        let mut m = Map::new();
        m.insert("table".into(), json!(self.table.key()));
        if let Some(b) = self.block {
            m.insert("block".into(), json!(b));
        }
        if self.table != TableId::T4 {
            m.insert("row".into(), json!(self.row));
        }
        m.insert("column".into(), json!(self.column));
        m.insert("value".into(), json!(value));
        Value::Object(m)
    }
}

/// The values a sum can take, both ends included. Sums are computed in `i128`, so that
/// no sum of `i64` cells can overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    lo: i128,
    hi: i128,
}

impl Range {
    const ZERO: Range = Range { lo: 0, hi: 0 };

    fn exact(v: i64) -> Self {
        Range {
            lo: v.into(),
            hi: v.into(),
        }
    }

    fn plus(self, o: Range) -> Range {
        Range {
            lo: self.lo.saturating_add(o.lo),
            hi: self.hi.saturating_add(o.hi),
        }
    }

    fn negated(self) -> Range {
        Range {
            lo: self.hi.saturating_neg(),
            hi: self.lo.saturating_neg(),
        }
    }

    fn overlaps(self, o: Range) -> bool {
        self.lo <= o.hi && o.lo <= self.hi
    }

    /// A plain number when exact, `"min～max"` otherwise.
    fn to_json(self) -> Value {
        if self.lo == self.hi {
            number(self.lo)
        } else {
            Value::String(format!("{}～{}", self.lo, self.hi))
        }
    }
}

/// Cells as params list them (`["r1.np", "r1.biz"]`).
pub(crate) fn cell_names<'a>(cells: impl IntoIterator<Item = &'a CellRef>) -> Value {
    Value::Array(cells.into_iter().map(|c| Value::String(c.name())).collect())
}

/// A number for params: an integer when it fits `i64`, else its decimal string.
pub(crate) fn number(v: i128) -> Value {
    match i64::try_from(v) {
        Ok(n) => json!(n),
        Err(_) => Value::String(v.to_string()),
    }
}

/// How a cell came to its value in a sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Written,
    /// A blank addend, counted as 0.
    Blank,
    /// An unreadable cell, known only to lie in `[0, upper]`.
    Bounded,
}

/// The value of a cell as an addend (RULES.md): a count is itself, a blank is 0, an
/// unreadable cell whose row bounds it lies in `[0, upper]`. Anything else — not a
/// number, not whole, an amount, unreadable without bounds — is unknown (`None`), and
/// the rule that needs it does not run.
fn addend(value: &CellValue) -> Option<(Range, Origin)> {
    match value {
        CellValue::Count(n) => Some((Range::exact(*n), Origin::Written)),
        CellValue::Blank => Some((Range::ZERO, Origin::Blank)),
        CellValue::Unreadable { upper: Some(u) } if *u >= 0 => Some((
            Range {
                lo: 0,
                hi: (*u).into(),
            },
            Origin::Bounded,
        )),
        CellValue::Unreadable { .. }
        | CellValue::NotNumber
        | CellValue::NotWhole(_)
        | CellValue::NoUnit(_)
        | CellValue::Money(_) => None,
    }
}

/// One cell of a side of a rule, added or (`negated`) subtracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Term {
    cell: CellRef,
    negated: bool,
}

impl Term {
    fn plus(cell: CellRef) -> Self {
        Term {
            cell,
            negated: false,
        }
    }

    fn minus(cell: CellRef) -> Self {
        Term {
            cell,
            negated: true,
        }
    }
}

/// One side of a rule, evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Side {
    range: Range,
    blank_as_zero: Vec<CellRef>,
    bounded: bool,
}

/// Evaluates a side. When `checked` (the side is the total a rule checks), a blank cell
/// is not compared: `None`, as for an unknown or missing cell.
fn side(report: &Report, terms: &[Term], checked: bool) -> Option<Side> {
    let mut out = Side {
        range: Range::ZERO,
        blank_as_zero: Vec::new(),
        bounded: false,
    };
    // The row of the term before: the terms of a row's sum are all in one row, found once.
    let mut last: Option<(CellRef, &Row)> = None;
    for t in terms {
        let row = match last {
            Some((l, row)) if l.same_row(&t.cell) => row,
            _ => t.cell.row_in(report)?,
        };
        last = Some((t.cell, row));
        let value = &row.cell(t.cell.column)?.value;
        if checked && *value == CellValue::Blank {
            return None;
        }
        let (range, origin) = addend(value)?;
        match origin {
            Origin::Written => {}
            Origin::Blank => out.blank_as_zero.push(t.cell),
            Origin::Bounded => out.bounded = true,
        }
        out.range = out
            .range
            .plus(if t.negated { range.negated() } else { range });
    }
    Some(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// reported = computed
    Equal,
    /// reported ≥ computed
    AtLeast,
}

/// A rule over cells: `reported` (the left side) against `computed` (the right side).
#[derive(Debug, Clone)]
struct Rule {
    code: Code,
    relation: Relation,
    reported: Vec<Term>,
    /// Whether `reported` is the total the rule checks (a blank is not compared) rather
    /// than addends (A001's new + carried in).
    reported_is_total: bool,
    computed: Vec<Term>,
    /// Where the finding points.
    at: CellRef,
}

impl Rule {
    fn checking(code: Code, relation: Relation, total: CellRef, computed: Vec<Term>) -> Self {
        Rule {
            code,
            relation,
            reported: vec![Term::plus(total)],
            reported_is_total: true,
            computed,
            at: total,
        }
    }

    fn terms(&self) -> impl Iterator<Item = &Term> {
        self.reported.iter().chain(&self.computed)
    }

    /// How the difference reported − computed changes per unit of the cell.
    fn coefficient(&self, cell: CellRef) -> i128 {
        let sum = |terms: &[Term]| -> i128 {
            terms
                .iter()
                .filter(|t| t.cell == cell)
                .map(|t| if t.negated { -1 } else { 1 })
                .sum()
        };
        sum(&self.reported) - sum(&self.computed)
    }
}

/// Every rule of the report's tables, in template order: 表二 (A005, A006), 表三 (A001,
/// A002, A003), 表四 (A004). Only the tables present have rules.
fn rules(report: &Report) -> Vec<Rule> {
    let version = report.reading_version();
    let mut out = Vec::new();
    if report.t2.is_some() {
        t2_rules(version, &mut out);
    }
    if report.t3.is_some() {
        t3_rules(report, version, &mut out);
    }
    if report.t4.is_some() {
        t4_rules(&mut out);
    }
    out
}

/// A005 (2019: 对外公开总数量 ≥ 本年新公开数量) and A006 (2021: 现行有效件数 ≥ 本年制发件数 −
/// 本年废止件数), for each row of 第二十条第（一）项.
fn t2_rules(version: Version, out: &mut Vec<Rule>) {
    const BLOCK: &str = "art20_1";
    let Some(block) = version.def().t2_block(BLOCK) else {
        return;
    };
    for row in block.rows {
        let cell = |column| CellRef::t2(block.key, row.key, column);
        out.push(match version {
            Version::V2019 => Rule::checking(
                Code::A005,
                Relation::AtLeast,
                cell("total_public"),
                vec![Term::plus(cell("published"))],
            ),
            Version::V2021 => Rule::checking(
                Code::A006,
                Relation::AtLeast,
                cell("valid"),
                vec![Term::plus(cell("made")), Term::minus(cell("repealed"))],
            ),
        });
    }
}

fn t3_rules(report: &Report, version: Version, out: &mut Vec<Rule>) {
    let def = version.def();
    // A001: new + carry_in = r7 + carry_out, per column.
    for c in &T3_COLUMNS {
        out.push(Rule {
            code: Code::A001,
            relation: Relation::Equal,
            reported: vec![
                Term::plus(CellRef::t3("new", c.key)),
                Term::plus(CellRef::t3("carry_in", c.key)),
            ],
            reported_is_total: false,
            computed: vec![
                Term::plus(CellRef::t3("r7", c.key)),
                Term::plus(CellRef::t3("carry_out", c.key)),
            ],
            at: CellRef::t3("new", c.key),
        });
    }
    // A002: total = the six applicant columns, per row present.
    let present = |key: &str| {
        report
            .t3
            .as_ref()
            .is_some_and(|t| t.row(None, key).is_some())
    };
    for r in def
        .t3_rows_given(&present)
        .into_iter()
        .filter(|r| present(r.key))
    {
        out.push(Rule::checking(
            Code::A002,
            Relation::Equal,
            CellRef::t3(r.key, TOTAL),
            T3_COLUMNS
                .iter()
                .filter(|c| c.key != TOTAL)
                .map(|c| Term::plus(CellRef::t3(r.key, c.key)))
                .collect(),
        ));
    }
    // A003: r7 = the version's result rows, per column.
    let results = def.t3_results_given(&present);
    for c in &T3_COLUMNS {
        out.push(Rule::checking(
            Code::A003,
            Relation::Equal,
            CellRef::t3("r7", c.key),
            results
                .iter()
                .map(|r| Term::plus(CellRef::t3(r.key, c.key)))
                .collect(),
        ));
    }
}

/// A004: in each group, 总计 = 维持 + 纠正 + 其他 + 尚未审结.
fn t4_rules(out: &mut Vec<Rule>) {
    for (prefix, _) in &T4_GROUPS {
        let row = prefix.trim_end_matches('_');
        let cell = |column| CellRef {
            table: TableId::T4,
            block: None,
            row,
            column,
        };
        let group = T4_COLUMNS.iter().filter(|c| c.key.starts_with(prefix));
        let is_total = |key: &str| key.strip_prefix(prefix) == Some(TOTAL);
        let Some(total) = group.clone().find(|c| is_total(c.key)) else {
            continue;
        };
        out.push(Rule::checking(
            Code::A004,
            Relation::Equal,
            cell(total.key),
            group
                .filter(|c| !is_total(c.key))
                .map(|c| Term::plus(cell(c.key)))
                .collect(),
        ));
    }
}

/// What evaluating a rule gave.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// A value it needs is unknown, or its total is blank.
    Skipped,
    /// It holds, or (from bounds) it may hold.
    Holds,
    /// It fails whatever the unreadable cells hold.
    Fails { reported: Side, computed: Side },
}

fn evaluate(report: &Report, rule: &Rule) -> Outcome {
    let Some(reported) = side(report, &rule.reported, rule.reported_is_total) else {
        return Outcome::Skipped;
    };
    let Some(computed) = side(report, &rule.computed, false) else {
        return Outcome::Skipped;
    };
    let fails = match rule.relation {
        Relation::Equal => !reported.range.overlaps(computed.range),
        Relation::AtLeast => reported.range.hi < computed.range.lo,
    };
    if fails {
        Outcome::Fails { reported, computed }
    } else {
        Outcome::Holds
    }
}

/// The one cell that alone explains every failing equation of a table, and the value that
/// would balance them (RULES.md `suspect`): it occurs in every failing equation and in
/// none that holds, and every failing equation implies the same value ≥ 0 for it. `None`
/// when no equation fails, when one failed only from bounds, or when no cell or several
/// cells would do. Inequalities (A005, A006) take no part.
fn suspect(report: &Report, evaluated: &[(&Rule, Outcome)]) -> Option<(CellRef, i64)> {
    let equations = || {
        evaluated
            .iter()
            .filter(|(rule, _)| rule.relation == Relation::Equal)
    };
    let mut failing: Vec<(&Rule, i128)> = Vec::new();
    for (rule, outcome) in equations() {
        if let Outcome::Fails { reported, computed } = outcome {
            if reported.bounded || computed.bounded {
                return None;
            }
            failing.push((rule, reported.range.lo - computed.range.lo));
        }
    }
    let (first, _) = failing.first()?;
    let holds = |cell: CellRef| {
        equations().any(|(rule, outcome)| {
            *outcome == Outcome::Holds && rule.terms().any(|t| t.cell == cell)
        })
    };
    let mut cells: Vec<CellRef> = Vec::new();
    for t in first.terms() {
        if !cells.contains(&t.cell) {
            cells.push(t.cell);
        }
    }
    let mut candidates = cells.into_iter().filter_map(|cell| {
        if holds(cell) {
            return None;
        }
        let (current, _) = addend(&cell.lookup(report)?.value)?;
        let mut implied = None;
        for (rule, diff) in &failing {
            let k = rule.coefficient(cell);
            if k == 0 || diff % k != 0 {
                return None;
            }
            let v = current.lo - diff / k;
            if implied.is_some_and(|w| w != v) {
                return None;
            }
            implied = Some(v);
        }
        let value = i64::try_from(implied?).ok().filter(|v| *v >= 0)?;
        Some((cell, value))
    });
    let found = candidates.next()?;
    candidates.next().is_none().then_some(found)
}

/// The finding of a failing rule.
fn finding(
    report: &Report,
    rule: &Rule,
    reported: &Side,
    computed: &Side,
    suspect: Option<(CellRef, i64)>,
) -> Finding {
    let mut p = crate::params! {
        "reported" => reported.range.to_json(),
        "computed" => computed.range.to_json(),
        "cells" => cell_names(rule.computed.iter().map(|t| &t.cell)),
    };
    if !(reported.blank_as_zero.is_empty() && computed.blank_as_zero.is_empty()) {
        let blanks = reported.blank_as_zero.iter().chain(&computed.blank_as_zero);
        p.insert("blank_as_zero".into(), cell_names(blanks));
    }
    if reported.bounded || computed.bounded {
        let ends = |r: Range| json!([number(r.lo), number(r.hi)]);
        p.insert(
            "bounds".into(),
            json!({"reported": ends(reported.range), "computed": ends(computed.range)}),
        );
    }
    if let Some((cell, value)) = suspect {
        p.insert("suspect".into(), cell.suspect_json(value));
    }
    Finding::unrendered(rule.code, p, rule.at.location(report))
}

/// Runs A001–A006 over the tables present, table by table in template order.
pub(crate) fn run(report: &Report, rules: &SumRules, findings: &mut Vec<Finding>) {
    for table in TableId::ALL {
        let evaluated: Vec<(&Rule, Outcome)> = rules
            .0
            .iter()
            .filter(|r| r.at.table == table)
            .map(|r| (r, evaluate(report, r)))
            .collect();
        let suspect = suspect(report, &evaluated);
        for (rule, outcome) in &evaluated {
            if let Outcome::Fails { reported, computed } = outcome {
                let s = suspect.filter(|_| rule.relation == Relation::Equal);
                findings.push(finding(report, rule, reported, computed, s));
            }
        }
    }
}

/// The value a blank total would have to hold, and the blank addends counted as 0 for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Implied {
    pub value: i128,
    pub blank_as_zero: Vec<CellRef>,
}

/// The report's rules, made once for all the cells that ask what they imply.
pub(crate) struct SumRules(Vec<Rule>);

impl SumRules {
    pub(crate) fn of(report: &Report) -> SumRules {
        SumRules(rules(report))
    }
}

/// What the equations that check `cell` as their total (A002, A003, A004) imply for it,
/// when all their addends are known exactly and they agree; `None` otherwise (the cell
/// is no checked total, an addend is unknown or only bounded, or two sums disagree).
pub(crate) fn implied_total(report: &Report, rules: &SumRules, cell: CellRef) -> Option<Implied> {
    let mut implied: Option<Implied> = None;
    for rule in &rules.0 {
        if rule.relation != Relation::Equal
            || !rule.reported_is_total
            || rule.reported != [Term::plus(cell)]
        {
            continue;
        }
        let Some(sum) = side(report, &rule.computed, false).filter(|s| !s.bounded) else {
            continue;
        };
        match &implied {
            Some(i) if i.value != sum.range.lo => return None,
            Some(_) => {}
            None => {
                implied = Some(Implied {
                    value: sum.range.lo,
                    blank_as_zero: sum.blank_as_zero,
                })
            }
        }
    }
    implied
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CellValue::{Blank, Count, NotNumber, Unreadable};
    use crate::rules::fixtures::{self, of, set};
    use Version::{V2019, V2021};

    fn run_sums(r: &Report) -> Vec<Finding> {
        let mut f = Vec::new();
        run(r, &SumRules::of(r), &mut f);
        crate::finding::in_chinese(f)
    }

    fn p<'a>(f: &'a Finding, k: &str) -> &'a Value {
        f.params.get(k).unwrap_or(&Value::Null)
    }

    fn t3(r: &mut Report, row: &str, col: &str, v: CellValue) {
        set(r, TableId::T3, None, row, col, v);
    }

    #[test]
    fn balanced_reports_have_no_sum_findings() {
        for v in [V2019, V2021] {
            assert_eq!(run_sums(&fixtures::report(v)), vec![], "{v:?}");
        }
    }

    #[test]
    fn cell_names() {
        assert_eq!(CellRef::t3("r1", "total").name(), "r1.total");
        let t4 = CellRef {
            table: TableId::T4,
            block: None,
            row: "rv",
            column: "rv_keep",
        };
        assert_eq!(t4.name(), "rv_keep");
        let t2 = CellRef {
            table: TableId::T2,
            block: Some("art20_1"),
            row: "regulations",
            column: "made",
        };
        assert_eq!(t2.name(), "art20_1.regulations.made");
        assert_eq!(
            t2.suspect_json(3),
            json!({"table": "t2", "block": "art20_1", "row": "regulations", "column": "made", "value": 3})
        );
        assert_eq!(
            t4.suspect_json(3),
            json!({"table": "t4", "column": "rv_keep", "value": 3})
        );
    }

    #[test]
    fn ranges() {
        let r = Range { lo: 1, hi: 2 };
        assert_eq!(r.negated(), Range { lo: -2, hi: -1 });
        assert!(r.overlaps(Range { lo: 2, hi: 9 }));
        assert!(!r.overlaps(Range { lo: 3, hi: 9 }));
        assert!(!r.overlaps(Range { lo: -3, hi: 0 }));
        assert_eq!(r.to_json(), json!("1～2"));
        assert_eq!(Range::exact(-4).to_json(), json!(-4));
        assert_eq!(
            number(i128::from(i64::MAX) + 1),
            json!("9223372036854775808")
        );
    }

    #[test]
    fn addend_values() {
        assert_eq!(addend(&Count(3)), Some((Range::exact(3), Origin::Written)));
        assert_eq!(addend(&Blank), Some((Range::ZERO, Origin::Blank)));
        assert_eq!(
            addend(&Unreadable { upper: Some(4) }),
            Some((Range { lo: 0, hi: 4 }, Origin::Bounded))
        );
        assert_eq!(addend(&Unreadable { upper: Some(-1) }), None);
        assert_eq!(addend(&Unreadable { upper: None }), None);
        assert_eq!(addend(&NotNumber), None);
        assert_eq!(addend(&CellValue::NotWhole(Default::default())), None);
        assert_eq!(addend(&CellValue::NoUnit(Default::default())), None);
        assert_eq!(addend(&CellValue::Money(Default::default())), None);
    }

    #[test]
    fn a_single_wrong_cell_is_the_suspect() {
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r3_1", "np", Count(4));
        let f = run_sums(&r);
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].code, Code::A002);
        assert_eq!(f[0].location.row, Some("r3_1"));
        assert_eq!(f[0].location.column, Some("total"));
        assert_eq!(p(&f[0], "reported"), &json!(6));
        assert_eq!(p(&f[0], "computed"), &json!(9));
        assert_eq!(
            p(&f[0], "cells"),
            &json!([
                "r3_1.np",
                "r3_1.biz",
                "r3_1.research",
                "r3_1.ngo",
                "r3_1.legal",
                "r3_1.org_other"
            ])
        );
        assert_eq!(f[1].code, Code::A003);
        assert_eq!(f[1].location.row, Some("r7"));
        assert_eq!(f[1].location.column, Some("np"));
        assert_eq!(p(&f[1], "reported"), &json!(19));
        assert_eq!(p(&f[1], "computed"), &json!(22));
        let suspect = json!({"table": "t3", "row": "r3_1", "column": "np", "value": 1});
        for x in &f {
            assert_eq!(p(x, "suspect"), &suspect);
            assert!(x.params.get("blank_as_zero").is_none());
            assert!(x.params.get("bounds").is_none());
        }
    }

    #[test]
    fn a_wrong_total_of_totals_is_the_suspect() {
        let mut r = fixtures::report(V2021);
        t3(&mut r, "r7", "total", Count(100));
        let f = run_sums(&r);
        let codes: Vec<_> = f.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::A001, Code::A002, Code::A003]);
        assert_eq!(p(&f[0], "reported"), &json!(126));
        assert_eq!(p(&f[0], "computed"), &json!(100));
        assert_eq!(p(&f[0], "cells"), &json!(["r7.total", "carry_out.total"]));
        for x in &f {
            assert_eq!(
                p(x, "suspect"),
                &json!({"table": "t3", "row": "r7", "column": "total", "value": 126})
            );
        }
    }

    #[test]
    fn two_wrong_cells_have_no_suspect() {
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r3_1", "np", Count(4));
        t3(&mut r, "r3_2", "biz", Count(4));
        let f = run_sums(&r);
        assert_eq!(f.len(), 4);
        assert!(f.iter().all(|f| f.params.get("suspect").is_none()));
    }

    #[test]
    fn a_negative_balancing_value_is_no_suspect() {
        // carry_in.np is the one cell in both failing equations, but they balance only
        // with carry_in.np = −5.
        let mut r = fixtures::report(V2019);
        t3(&mut r, "new", "np", Count(24));
        t3(&mut r, "new", "total", Count(119));
        t3(&mut r, "carry_in", "total", Count(-5));
        let f = run_sums(&r);
        let got: Vec<_> = f.iter().map(|f| (f.code, f.location.row)).collect();
        assert_eq!(
            got,
            [(Code::A001, Some("new")), (Code::A002, Some("carry_in"))]
        );
        assert!(f.iter().all(|f| f.params.get("suspect").is_none()));
        // The same shape with a positive value names it.
        t3(&mut r, "new", "np", Count(14));
        t3(&mut r, "new", "total", Count(109));
        t3(&mut r, "carry_in", "total", Count(5));
        let f = run_sums(&r);
        assert_eq!(f.len(), 2);
        assert_eq!(
            p(&f[0], "suspect"),
            &json!({"table": "t3", "row": "carry_in", "column": "np", "value": 5})
        );
    }

    #[test]
    fn holding_equations_exclude_candidates() {
        // r7.np unknown: A001(np), A002(r7) and A003(np) do not run. Only A002(r3_1)
        // fails; of its cells all but r3_1.np also sit in an A003 that holds.
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r7", "np", NotNumber);
        t3(&mut r, "r3_1", "np", Count(2));
        let f = run_sums(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(
            p(&f[0], "suspect"),
            &json!({"table": "t3", "row": "r3_1", "column": "np", "value": 1})
        );
        // With r7.np readable, A003(np) fails as well, and r3_1.np is still the one.
        t3(&mut r, "r7", "np", Count(19));
        let f = run_sums(&r);
        assert_eq!(f.len(), 2);
        assert_eq!(p(&f[1], "suspect")["row"], json!("r3_1"));
    }

    #[test]
    fn suspects_need_equations_that_agree_and_can_move() {
        let r = fixtures::report(V2019);
        let (a, b, c) = (
            CellRef::t3("r1", "np"),
            CellRef::t3("r1", "biz"),
            CellRef::t3("r2", "np"),
        );
        let rule = |reported: Vec<Term>, computed: Vec<Term>| Rule {
            code: Code::A002,
            relation: Relation::Equal,
            reported,
            reported_is_total: false,
            computed,
            at: a,
        };
        let check = |rules: &[Rule]| {
            let evaluated: Vec<_> = rules.iter().map(|x| (x, evaluate(&r, x))).collect();
            suspect(&r, &evaluated)
        };
        let new_np = || Term::plus(CellRef::t3("new", "np"));
        let (pa, pb, pc) = (Term::plus(a), Term::plus(b), Term::plus(c));
        // The fixture holds a = b = c = 1 and new.np = 19.
        // a = 2c and a + b = 2c + b fail, and both set a to 2; b and c cannot balance both.
        let agree = [
            rule(vec![pa], vec![pc, pc]),
            rule(vec![pa, pb], vec![pc, pc, pb]),
        ];
        assert_eq!(check(&agree), Some((a, 2)));
        // a = 2c wants a = 2, a + b = new.np wants a = 18.
        let disagree = [
            rule(vec![pa], vec![pc, pc]),
            rule(vec![pa, pb], vec![new_np()]),
        ];
        assert_eq!(check(&disagree), None);
        // a + b = a + 2c: a on both sides cannot move the difference, 2c moves it by 2 and
        // cannot make up 1; only b can.
        let both_sides = [rule(vec![pa, pb], vec![pa, pc, pc])];
        assert_eq!(both_sides[0].coefficient(a), 0);
        assert_eq!(both_sides[0].coefficient(c), -2);
        assert_eq!(check(&both_sides), Some((b, 2)));
        // 2a = 3c: neither a nor c alone can make up the difference of 1…
        let odd = [rule(vec![pa, pa], vec![pc, pc, pc])];
        assert_eq!(check(&odd), None);
        // …2a = 4c: a = 2 can.
        let even = [rule(vec![pa, pa], vec![pc, pc, pc, pc])];
        assert_eq!(check(&even), Some((a, 2)));
        // −a = −2c: a = 2.
        let minus = [rule(
            vec![Term::minus(a)],
            vec![Term::minus(c), Term::minus(c)],
        )];
        assert_eq!(minus[0].coefficient(a), -1);
        assert_eq!(check(&minus), Some((a, 2)));
    }

    #[test]
    fn one_failing_sum_of_several_cells_has_no_suspect() {
        let mut r = fixtures::report(V2019);
        set(&mut r, TableId::T4, None, "rv", "rv_keep", Count(20));
        let f = run_sums(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::A004);
        assert_eq!(f[0].location.column, Some("rv_total"));
        assert_eq!(f[0].location.row, None);
        assert_eq!(p(&f[0], "reported"), &json!(8));
        assert_eq!(p(&f[0], "computed"), &json!(23));
        assert_eq!(
            p(&f[0], "cells"),
            &json!(["rv_keep", "rv_fix", "rv_other", "rv_pending"])
        );
        assert!(f[0].params.get("suspect").is_none());
    }

    #[test]
    fn one_failing_sum_names_the_only_cell_that_can_balance_it() {
        // rv: 5 + 3 + 0 + 0 = 8 but the total says 0: no addend can drop by 8 and stay
        // ≥ 0, so only rv_total balances the group.
        let mut r = fixtures::report(V2019);
        set(&mut r, TableId::T4, None, "rv", "rv_total", Count(0));
        let f = run_sums(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(
            p(&f[0], "suspect"),
            &json!({"table": "t4", "column": "rv_total", "value": 8})
        );
    }

    #[test]
    fn blank_addends_count_as_zero_and_are_listed() {
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r1", "np", Blank);
        t3(&mut r, "r1", "biz", Blank);
        let f = run_sums(&r);
        let a002 = of(&f, Code::A002);
        assert_eq!(a002.len(), 1);
        assert_eq!(p(a002[0], "blank_as_zero"), &json!(["r1.np", "r1.biz"]));
        // A003 in np and biz fail too, each listing its blank.
        let a003 = of(&f, Code::A003);
        assert_eq!(a003.len(), 2);
        assert_eq!(p(a003[0], "blank_as_zero"), &json!(["r1.np"]));
        assert_eq!(p(a003[1], "blank_as_zero"), &json!(["r1.biz"]));
        // Several candidates (r1.np and r1.biz both in A002) → no suspect.
        assert!(f.iter().all(|f| f.params.get("suspect").is_none()));
    }

    #[test]
    fn blank_addends_are_not_listed_when_the_rule_holds() {
        let mut r = fixtures::report(V2019);
        t3(&mut r, "carry_in", "np", Blank);
        assert_eq!(run_sums(&r), vec![]);
    }

    #[test]
    fn a_blank_total_is_not_compared() {
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r1", "total", Blank);
        t3(&mut r, "r7", "np", Blank);
        // A002(r1) and A003(np) are not compared; A003(total) sees r1.total as a blank
        // addend (0) and fails; A001(np) sees r7.np as a blank addend and fails.
        let f = run_sums(&r);
        // A002(r7) sees r7.np as a blank addend and fails.
        let codes: Vec<_> = f
            .iter()
            .map(|f| (f.code, f.location.row, f.location.column))
            .collect();
        assert_eq!(
            codes,
            [
                (Code::A001, Some("new"), Some("np")),
                (Code::A002, Some("r7"), Some("total")),
                (Code::A003, Some("r7"), Some("total"))
            ]
        );
        assert_eq!(p(&f[0], "blank_as_zero"), &json!(["r7.np"]));
        assert_eq!(p(&f[1], "blank_as_zero"), &json!(["r7.np"]));
        assert_eq!(p(&f[2], "blank_as_zero"), &json!(["r1.total"]));
    }

    #[test]
    fn unknown_cells_stop_the_rules_that_need_them() {
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r1", "np", NotNumber);
        t3(&mut r, "r1", "biz", Count(50));
        // A002(r1) needs r1.np, A003(np) too: neither runs. A003(biz) fails.
        let f = run_sums(&r);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!((f[0].code, f[0].location.column), (Code::A003, Some("biz")));
        // …and a missing row stops A003 in every column.
        let mut r = fixtures::report(V2019);
        r.t3.as_mut().unwrap().rows.retain(|row| row.key != "r3_4");
        t3(&mut r, "r1", "biz", Count(50));
        let f = run_sums(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::A002);
        // Unreadable without bounds stops too.
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r7", "np", Unreadable { upper: None });
        t3(&mut r, "new", "np", Count(0));
        let f = run_sums(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::A002);
        assert_eq!(f[0].location.row, Some("new"));
    }

    #[test]
    fn bounds_decide_only_when_the_ranges_cannot_meet() {
        let mut r = fixtures::report(V2019);
        // carry_in is 0 everywhere; an unreadable carry_in row bounded by 1 may hold.
        for c in &T3_COLUMNS {
            t3(&mut r, "carry_in", c.key, Unreadable { upper: Some(1) });
        }
        assert_eq!(run_sums(&r), vec![]);
        // Carrying 11 out of column np: A001(np) 19 + [0,1] vs 19 + 11 fails from bounds.
        t3(&mut r, "new", "np", Count(19));
        t3(&mut r, "carry_out", "np", Count(11));
        t3(&mut r, "carry_out", "total", Count(11));
        let f = run_sums(&r);
        // A001(np) and A001(total) fail from bounds; A002(carry_out) holds.
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(p(&f[0], "reported"), &json!("19～20"));
        assert_eq!(p(&f[0], "computed"), &json!(30));
        assert_eq!(
            p(&f[0], "bounds"),
            &json!({"reported": [19, 20], "computed": [30, 30]})
        );
        assert!(f.iter().all(|f| f.params.get("suspect").is_none()));
    }

    #[test]
    fn inequalities_of_table_two() {
        let mut r = fixtures::report(V2019);
        let t2 = |r: &mut Report, row, col, v| set(r, TableId::T2, Some("art20_1"), row, col, v);
        t2(&mut r, "regulations", "published", Count(3));
        t2(&mut r, "normative", "published", Count(3));
        t2(&mut r, "normative", "total_public", Count(3));
        let f = run_sums(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::A005);
        assert_eq!(f[0].location.block, Some("art20_1"));
        assert_eq!(f[0].location.row, Some("regulations"));
        assert_eq!(f[0].location.column, Some("total_public"));
        assert_eq!(p(&f[0], "reported"), &json!(0));
        assert_eq!(p(&f[0], "computed"), &json!(3));
        assert_eq!(p(&f[0], "cells"), &json!(["art20_1.regulations.published"]));
        assert!(f[0].params.get("suspect").is_none());
        assert!(f[0].message.contains("规章"), "{}", f[0].message);
        // A blank total_public is not compared.
        t2(&mut r, "regulations", "total_public", Blank);
        assert_eq!(run_sums(&r), vec![]);

        let mut r = fixtures::report(V2021);
        let t2 = |r: &mut Report, row, col, v| set(r, TableId::T2, Some("art20_1"), row, col, v);
        t2(&mut r, "regulations", "made", Count(5));
        t2(&mut r, "regulations", "repealed", Count(2));
        t2(&mut r, "regulations", "valid", Count(3));
        assert_eq!(run_sums(&r), vec![]);
        t2(&mut r, "regulations", "valid", Count(2));
        t2(&mut r, "regulations", "repealed", Blank);
        let f = run_sums(&r);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::A006);
        assert_eq!(p(&f[0], "reported"), &json!(2));
        assert_eq!(p(&f[0], "computed"), &json!(5));
        assert_eq!(
            p(&f[0], "cells"),
            &json!(["art20_1.regulations.made", "art20_1.regulations.repealed"])
        );
        assert_eq!(
            p(&f[0], "blank_as_zero"),
            &json!(["art20_1.regulations.repealed"])
        );
        // Larger is fine: valid ≥ made − repealed.
        t2(&mut r, "regulations", "valid", Count(50));
        assert_eq!(run_sums(&r), vec![]);
    }

    #[test]
    fn missing_tables_have_no_rules() {
        let r = Report::default();
        assert!(rules(&r).is_empty());
        assert_eq!(run_sums(&r), vec![]);
        let mut r = fixtures::report(V2021);
        r.t3 = None;
        let codes: Vec<_> = rules(&r).iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            [Code::A006, Code::A006, Code::A004, Code::A004, Code::A004]
        );
    }

    #[test]
    fn huge_values_do_not_overflow() {
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r1", "np", Count(i64::MAX));
        t3(&mut r, "r2", "np", Count(i64::MAX));
        t3(&mut r, "r3_1", "np", Count(i64::MIN));
        set(&mut r, TableId::T4, None, "rv", "rv_keep", Count(i64::MAX));
        set(&mut r, TableId::T4, None, "rv", "rv_fix", Count(i64::MAX));
        let f = run_sums(&r);
        let a004 = of(&f, Code::A004);
        assert_eq!(p(a004[0], "computed"), &json!("18446744073709551614"));
        let a003 = of(&f, Code::A003);
        let expected = (i128::from(i64::MAX) + 15).to_string();
        assert_eq!(p(a003[0], "computed"), &json!(expected));
    }

    #[test]
    fn implied_totals_for_blank_cells() {
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r1", "total", Blank);
        t3(&mut r, "r1", "np", Blank);
        let i = implied_total(&r, &SumRules::of(&r), CellRef::t3("r1", "total")).unwrap();
        assert_eq!(i.value, 5);
        assert_eq!(i.blank_as_zero, vec![CellRef::t3("r1", "np")]);
        // Not a checked total.
        assert_eq!(
            implied_total(&r, &SumRules::of(&r), CellRef::t3("r1", "np")),
            None
        );
        // r7.total is checked by A002(r7) and A003(total): agreeing values give it…
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r7", "total", Blank);
        assert_eq!(
            implied_total(&r, &SumRules::of(&r), CellRef::t3("r7", "total"))
                .unwrap()
                .value,
            114
        );
        // …disagreeing ones do not.
        t3(&mut r, "r1", "total", Count(7));
        assert_eq!(
            implied_total(&r, &SumRules::of(&r), CellRef::t3("r7", "total")),
            None
        );
        // An unknown or bounded addend gives nothing.
        let mut r = fixtures::report(V2019);
        t3(&mut r, "r1", "np", NotNumber);
        assert_eq!(
            implied_total(&r, &SumRules::of(&r), CellRef::t3("r1", "total")),
            None
        );
        t3(&mut r, "r1", "np", Unreadable { upper: Some(3) });
        assert_eq!(
            implied_total(&r, &SumRules::of(&r), CellRef::t3("r1", "total")),
            None
        );
        // 表四.
        let r = fixtures::report(V2019);
        let total = CellRef {
            table: TableId::T4,
            block: None,
            row: "ld",
            column: "ld_total",
        };
        assert_eq!(
            implied_total(&r, &SumRules::of(&r), total).unwrap().value,
            28
        );
    }

    /// FORMAT.md §10.3: 民和县 2020, 表三 as read.
    #[test]
    fn minhe_2020() {
        let mut r = fixtures::report(V2019);
        let cols = [
            "np",
            "biz",
            "research",
            "ngo",
            "legal",
            "org_other",
            "total",
        ];
        let row = |r: &mut Report, key: &str, vals: [Option<i64>; 7]| {
            for (c, v) in cols.iter().zip(vals) {
                t3(r, key, c, v.map_or(Blank, Count));
            }
        };
        let zeros = [Some(0); 7];
        for def in V2019.def().t3_rows() {
            row(&mut r, def.key, zeros);
        }
        for c in cols {
            t3(&mut r, "carry_in", c, Unreadable { upper: Some(1) });
        }
        let (b, n) = (None, Some);
        row(&mut r, "new", [b, b, n(0), n(0), n(0), n(0), n(1)]);
        row(&mut r, "r1", [b, b, n(0), n(0), n(0), n(79), n(79)]);
        row(&mut r, "r2", [b, n(0), n(0), n(0), n(0), n(0), n(0)]);
        for key in ["r3_2", "r3_3", "r5_2"] {
            t3(&mut r, key, "np", Blank);
        }
        row(&mut r, "r6", [n(1), n(0), n(0), n(0), n(0), n(0), n(1)]);
        row(&mut r, "r7", [n(2), n(0), n(0), n(0), n(0), n(79), n(81)]);

        let f = run_sums(&r);
        let got: Vec<_> = f
            .iter()
            .map(|f| {
                (
                    f.code.as_str(),
                    f.location.row.unwrap_or(""),
                    f.location.column.unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("A001", "new", "np"),
                ("A001", "new", "org_other"),
                ("A001", "new", "total"),
                ("A002", "new", "total"),
                ("A003", "r7", "np"),
                ("A003", "r7", "total"),
            ]
        );
        // A001 np: blank new.np as 0, carry_in bounded.
        assert_eq!(p(&f[0], "reported"), &json!("0～1"));
        assert_eq!(p(&f[0], "computed"), &json!(2));
        assert_eq!(p(&f[0], "blank_as_zero"), &json!(["new.np"]));
        // A001 org_other: 0 + [0,1] vs 79, from bounds.
        assert_eq!(
            p(&f[1], "bounds"),
            &json!({"reported": [0, 1], "computed": [79, 79]})
        );
        assert_eq!(p(&f[1], "computed"), &json!(79));
        assert_eq!(p(&f[2], "reported"), &json!("1～2"));
        assert_eq!(p(&f[2], "computed"), &json!(81));
        // A002(new): total 1 vs 0 with the two blanks.
        assert_eq!(p(&f[3], "reported"), &json!(1));
        assert_eq!(p(&f[3], "computed"), &json!(0));
        assert_eq!(p(&f[3], "blank_as_zero"), &json!(["new.np", "new.biz"]));
        assert!(f[3].params.get("bounds").is_none());
        // A003 np: 2 vs 1, the blank np results listed.
        assert_eq!(p(&f[4], "reported"), &json!(2));
        assert_eq!(p(&f[4], "computed"), &json!(1));
        assert_eq!(
            p(&f[4], "blank_as_zero"),
            &json!(["r1.np", "r2.np", "r3_2.np", "r3_3.np", "r5_2.np"])
        );
        // A003 total: 81 vs 80, as in RULES.md.
        assert_eq!(p(&f[5], "reported"), &json!(81));
        assert_eq!(p(&f[5], "computed"), &json!(80));
        assert_eq!(
            f[5].message,
            "申请表（七）总计与各办理结果之和不符：总计列填报 81，各项合计 80"
        );
        // Failures decided from bounds: no suspect.
        assert!(f.iter().all(|f| f.params.get("suspect").is_none()));
    }
}
