//! The reader every document format ends in: lines of cells (each with its place) → title,
//! sections and the three tables of a [`Report`]. Rows are found by their labels, matched
//! after normalization and tolerant of damage, and by their order in the template; values
//! go to columns only when their count or their positions say where — otherwise the row is
//! reported unreadable (C006), never shifted.
//!
//! The steps, a file each: `lines` (a line's cells → label text and value tokens),
//! `sections` (title, headings, sections, template version), `rows` (value rows found,
//! matched to the template's rows, their values placed into columns), `runs` (cells run
//! together split where one reading survives), `unglue` (a report run together on one line
//! parted at the template's words), and the three tables
//! (`t2`, `t3`, `t4`), each reading its rows within its section.

use std::borrow::Cow;
use std::ops::Range;

use crate::finding::{Code, Finding, Location};
use crate::model::{
    Cell, CellValue, Markers, Place, Report, Row, Section, Sections, Table, TableId, TextLine,
};
use crate::normalize::{self, collapse_cjk_spaces, coverage, fold, label_key, CharCounts, CharSet};
use crate::params;
use crate::template::{
    self, ColumnKind, RowDef, TemplateDef, Version, SECTIONS, T3_COLUMNS, T4_COLUMNS,
};
use std::sync::OnceLock;

use super::{read_cell, RowRef};

mod keys;
mod lines;
mod rows;
mod runs;
mod sections;
mod t2;
mod t3;
mod t4;
mod unglue;

#[cfg(any(feature = "readers", test))]
pub(crate) use lines::is_page_number;
pub(crate) use lines::is_value;
use lines::*;
use rows::*;
use runs::*;
use sections::*;
use t2::*;
use t3::*;
use t4::*;

/// A document as lines of cells. A text's cells are slices of it (`'a`); the readers that
/// build their text (HTML, .docx) own it.
#[derive(Debug, Clone, Default)]
pub struct Doc<'a> {
    pub lines: Vec<DocLine<'a>>,
}

#[derive(Debug, Clone)]
pub struct DocLine<'a> {
    /// 1-based line in the source.
    pub line: u32,
    pub cells: Vec<DocCell<'a>>,
    /// Cells are grid columns (tabs, table markup): `slot` is a column index. Otherwise
    /// `slot` is a character position and columns are told by nearness.
    pub tabbed: bool,
}

#[derive(Debug, Clone)]
pub struct DocCell<'a> {
    pub text: Cow<'a, str>,
    /// 1-based character column of the cell's text in its source line.
    pub col: u32,
    pub slot: u32,
}

/// A value written in a table line: a slice of its cell, or a value cut from a run.
#[derive(Debug, Clone)]
struct Token<'a> {
    text: Cow<'a, str>,
    place: Place,
    slot: u32,
    /// Several numbers shared one cell (`1 1 0 0`): their columns are not known.
    shared: bool,
    /// Digits that may be several cells run together (`000023`, `规范性文件898989`).
    run: bool,
}

/// A line as the table readers see it, borrowing its document line's text.
#[derive(Debug, Clone)]
struct Line<'a> {
    no: u32,
    tabbed: bool,
    /// The text of its label cells, joined.
    label: Cow<'a, str>,
    label_col: u32,
    tokens: Vec<Token<'a>>,
    /// The whole line's text, cells joined by a space.
    text: Cow<'a, str>,
    /// `label_key` of the text, computed once; of the label, when it is not the text.
    key: String,
    own_key: Option<String>,
    indent: u32,
    page_number: bool,
    /// Each non-empty cell's text, slot and column.
    cells: Vec<(&'a str, u32, u32)>,
    /// The column of every cell by slot, empty ones included (where a blank stands).
    slot_cols: Vec<(u32, u32)>,
}

impl Line<'_> {
    /// `label_key` of the label.
    fn label_key(&self) -> &str {
        self.own_key.as_deref().unwrap_or(&self.key)
    }
    fn place(&self) -> Place {
        Place::new(self.no, self.label_col)
    }
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
    /// Where the cell at `slot` stands in this line (a blank cell's place).
    fn place_of_slot(&self, slot: u32) -> Place {
        let col = if self.tabbed {
            self.slot_cols
                .iter()
                .find(|(s, _)| *s == slot)
                .map_or(self.label_col, |(_, c)| *c)
        } else {
            slot + 1
        };
        Place::new(self.no, col)
    }
}

/// Reads a document into a report.
pub fn read(doc: &Doc, findings: &mut Vec<Finding>) -> Report {
    let parted = unglue::unglue(doc);
    let lines: Vec<Line> = parted.iter().map(|l| prepare(l)).collect();
    let mut report = Report::default();
    let headings = find_headings(&lines);
    let first_heading = headings.first().map_or(lines.len(), |h| h.index);
    let title_end = read_title(&lines[..first_heading], &mut report);
    let preamble: Vec<&Line> = lines[title_end..first_heading].iter().collect();

    let (template, markers) = detect_version(&lines);
    report.template = template;
    report.markers = markers;
    let version = report.reading_version();
    let def = version.def();

    let region = |key: &str| section_range(&headings, key, lines.len());
    let mut spans: Vec<Range<usize>> = Vec::new();
    let t2 = read_t2(&lines, region("s2"), def, findings, &mut spans);
    let t3 = read_t3(&lines, region("s3"), def, findings, &mut spans);
    let t4 = read_t4(&lines, region("s4"), findings, &mut spans);
    report.t2 = t2;
    report.t3 = t3;
    report.t4 = t4;
    report.sections = build_sections(&lines, &headings, &spans);
    report.sections.preamble = join_paragraphs(&preamble);
    report
}

/// A document's title, its agency and year — the report [`read`] would give, with nothing
/// else read: only the lines up to the title's end are prepared (`read_title` looks at the
/// first [`TITLE_LINES`] lines before the first heading that are neither blank nor a page
/// number; a line is a heading or not by itself and the lines before it).
pub fn read_title_only(doc: &Doc) -> Report {
    title_within(doc, true).unwrap_or_default()
}

/// [`read_title_only`] of a document whose lines come a group at a time from `more` (which
/// pushes a group's lines and says false when there are no more): only the first lines are
/// made — as many as the title needs, found by reading it again on four times the lines
/// when they ran out before its end.
pub fn read_title_from<'a>(mut more: impl FnMut(&mut Vec<DocLine<'a>>) -> bool) -> Report {
    let mut doc = Doc { lines: Vec::new() };
    let mut want = 16;
    let mut whole = false;
    loop {
        while !whole && doc.lines.len() < want {
            whole = !more(&mut doc.lines);
        }
        if let Some(report) = title_within(&doc, whole) {
            return report;
        }
        want *= 4;
    }
}

/// The title read from `doc`'s lines; `None` when they ran out before the title's end and
/// `doc` is not `whole` (the lines after them may belong to it).
fn title_within(doc: &Doc, whole: bool) -> Option<Report> {
    let parted = unglue::unglue(doc);
    let mut lines: Vec<Line> = Vec::new();
    let mut candidates = 0;
    let mut shown = 0;
    let mut ended = false;
    for (index, l) in parted.iter().enumerate() {
        let line = prepare(l);
        // As find_headings: past so many candidates, no line is a heading.
        if candidates <= MAX_HEADING_CANDIDATES
            && heading_at(index, &line, &mut candidates).is_some()
        {
            ended = true;
            break;
        }
        shown += usize::from(!line.is_blank() && !line.page_number);
        lines.push(line);
        if shown == TITLE_LINES {
            ended = true;
            break;
        }
    }
    if !ended && !whole {
        return None;
    }
    let mut report = Report::default();
    read_title(&lines, &mut report);
    Some(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        for s in [
            "- 4 -",
            "-4-",
            "第 3 页",
            "第3页 共12页",
            "3/12",
            "—5—",
            "– 6 –",
        ] {
            assert!(is_page_number(s), "{s}");
        }
        for s in ["4", "2020", "-4", "减 4", "一、总体情况", "第 3 页 说明"] {
            assert!(!is_page_number(s), "{s}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The shortcuts (too many characters, a character no form has) answer as the
        /// forms do.
        #[test]
        fn page_numbers_are_their_forms(
            chars in proptest::collection::vec(proptest::sample::select(PAGE_CHARS), 0..16),
        ) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(is_page_number(&s), lines::page_number_forms(&s));
        }

        /// Each form, whole or with one character put in anywhere, answers as the forms do
        /// (random characters seldom spell `第 3 页 共 12 页`).
        #[test]
        fn page_number_forms_with_a_character_put_in(
            form in 0usize..4,
            a in 0u32..200,
            b in 0u32..200,
            dash in proptest::sample::select(vec!['-', '—', '–', '·', '－']),
            put in proptest::option::of((proptest::sample::select(PAGE_CHARS), 0usize..12)),
        ) {
            let mut s: Vec<char> = match form {
                0 => format!("第{a}页共{b}页"),
                1 => format!("第 {a} 页"),
                2 => format!("{dash} {a} {dash}"),
                _ => format!("{a} / {b}"),
            }
            .chars()
            .collect();
            if let Some((c, at)) = put {
                s.insert(at.min(s.len()), c);
            }
            let s: String = s.into_iter().collect();
            proptest::prop_assert_eq!(is_page_number(&s), lines::page_number_forms(&s));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// A plain count is a value as parsing it says: every string of 1 to 18 ASCII
        /// digits (leading zeros, the largest) reads as a number.
        #[test]
        fn plain_counts_are_values_as_parsed(digits in "[0-9]{1,18}") {
            let p = normalize::parse_cell(&digits, ColumnKind::MoneyUnitInCell);
            proptest::prop_assert!(matches!(p.value, CellValue::NoUnit(_) | CellValue::Money(_)));
            proptest::prop_assert!(is_value(&digits));
        }
    }

    /// What page numbers are made of, and characters they are not.
    const PAGE_CHARS: &[char] = &[
        '1', '2', '０', '９', '-', '—', '–', '·', '－', '第', '页', '共', '/', '／', ' ',
        '\u{3000}', '*', '\u{200B}', '\u{FEFF}', '一', 'a', '.',
    ];

    #[test]
    fn years_in_titles() {
        assert_eq!(
            find_year("海东市民和县2020年度政府信息公开工作年度报告").map(|y| y.0),
            Some(2020)
        );
        assert_eq!(find_year("12345年"), None);
        assert_eq!(
            collapse_title("2020 年度政府信息公开工作年度报告"),
            "2020年度政府信息公开工作年度报告"
        );
    }

    #[test]
    fn glued_and_listed_numbers() {
        assert_eq!(
            glued_digits("规范性文件898989"),
            Some(("规范性文件", "898989", 5))
        );
        assert_eq!(glued_digits("第2020"), None);
        assert_eq!(number_list("1 1 0 0").map(|v| v.len()), Some(4));
        assert_eq!(number_list("8208. 93"), None);
        let (label, parts) = label_then_values("行政许可 447228").unwrap();
        assert_eq!((label, parts), ("行政许可", vec![(5, "447228")]));
        let (label, parts) =
            label_then_values("（四）无 1.本机关不掌握相关政府信息 746 12 0 0 10 1 769").unwrap();
        assert_eq!(label, "（四）无 1.本机关不掌握相关政府信息");
        assert_eq!(parts.len(), 7);
        assert_eq!(
            label_then_values("行政事业性收费 96171.6").unwrap().1,
            vec![(8, "96171.6")]
        );
        assert_eq!(
            label_then_values("行政许可 0 -1 0").unwrap().1,
            vec![(5, "0"), (7, "-1"), (10, "0")]
        );
        assert_eq!(
            label_then_values("政府集中采购 30 2758.67万元").unwrap().1,
            vec![(7, "30"), (10, "2758.67万元")]
        );
        for prose in [
            "截至 2024 年底",
            "受理 3119 件",
            "2024 12",
            "第 3 页",
            "共计12 3",
        ] {
            assert_eq!(label_then_values(prose), None, "{prose}");
        }
    }

    #[test]
    fn runs_split_only_when_one_reading_holds() {
        let tok = |s: &'static str| Token {
            text: s.into(),
            place: Place::default(),
            slot: 0,
            shared: false,
            run: true,
        };
        let row_ok = |v: &[i64]| v[6] == v[..6].iter().sum::<i64>();
        let r = split_runs(
            &[tok("230"), tok("000023")],
            7,
            7,
            8,
            MAX_DIGITS,
            &row_ok,
            &|_| false,
        );
        let some = |v: &[i64]| v.iter().map(|v| Some(*v)).collect::<Vec<_>>();
        assert_eq!(r, vec![some(&[23, 0, 0, 0, 0, 0, 23])]);
        let r = split_runs(&[tok("898989")], 3, 3, 8, MAX_DIGITS, &|_| true, &|_| false);
        assert!(r.len() > 1);
        // A value that is a cell of its own is never cut.
        let r = split_runs(
            &[tok("300"), tok("300")],
            2,
            2,
            8,
            MAX_DIGITS,
            &|_| true,
            &|_| true,
        );
        assert_eq!(r, vec![some(&[300, 300])]);
        // A blank leaves nothing in a run: two zeros for three cells are three readings.
        let r = split_runs(&[tok("00")], 3, 3, 8, MAX_DIGITS, &|_| true, &|_| false);
        assert_eq!(r.len(), 3);
        let r = split_runs(&[tok("0000000")], 7, 7, 8, MAX_DIGITS, &row_ok, &|_| false);
        assert_eq!(r, vec![some(&[0; 7])]);
    }
}
