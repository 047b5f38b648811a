//! The canonical report (RULES.md "JSON shapes"): template, title, sections and the three
//! tables, every cell with what was read from it and where. Serializing a [`Report`] gives
//! the canonical JSON; the places and raw cell texts stay inside for findings.

use rust_decimal::Decimal;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::template::{self, Version};

/// Where something stands in the source: 1-based line and column (in characters) for text
/// input; for JSON input the place of the value in the JSON text; for a Word document
/// (.docx) the n-th paragraph or table row of the document and, on a table row, the table's
/// grid column (`ingest/docx.rs`, "Places").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Place {
    pub line: u32,
    pub col: u32,
}

impl Place {
    pub fn new(line: u32, col: u32) -> Self {
        Place { line, col }
    }
}

/// What a cell holds once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellValue {
    /// A whole number; negative only where the column is signed (C005 otherwise).
    Count(i64),
    /// An amount in 万元, exact.
    Money(Decimal),
    /// Nothing written (C003). Counts as 0 only as an addend, and the finding says so.
    Blank,
    /// Something written that is not a number: `-`, `/`, `无`, words (C004).
    NotNumber,
    /// A number a count cannot hold, such as `3.5` (C005).
    NotWhole(Decimal),
    /// An amount written without a unit where the template does not fix one (C007).
    NoUnit(Decimal),
    /// The cell's row could not be read (C006). When the values seen in the row bound the
    /// cell, `upper` is the largest it can be (the least is 0).
    Unreadable { upper: Option<i64> },
}

impl CellValue {
    /// The count, when the cell holds one.
    pub fn count(&self) -> Option<i64> {
        match self {
            CellValue::Count(n) => Some(*n),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub column: &'static str,
    pub value: CellValue,
    /// The text of the cell as written in the source, when it was text.
    pub raw: Option<String>,
    pub place: Option<Place>,
}

impl Cell {
    pub fn new(column: &'static str, value: CellValue) -> Self {
        Cell {
            column,
            value,
            raw: None,
            place: None,
        }
    }
}

/// Which of the three tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableId {
    T2,
    T3,
    T4,
}

impl TableId {
    pub const ALL: [TableId; 3] = [TableId::T2, TableId::T3, TableId::T4];

    /// The table of a key (`t2`, `t3`, `t4`).
    pub fn from_key(key: &str) -> Option<TableId> {
        TableId::ALL.into_iter().find(|t| t.key() == key)
    }

    pub fn key(self) -> &'static str {
        match self {
            TableId::T2 => "t2",
            TableId::T3 => "t3",
            TableId::T4 => "t4",
        }
    }

    /// The section that holds the table.
    pub fn section(self) -> &'static str {
        match self {
            TableId::T2 => "s2",
            TableId::T3 => "s3",
            TableId::T4 => "s4",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TableId::T2 => "主动公开情况表",
            TableId::T3 => "申请情况表",
            TableId::T4 => "行政复议、行政诉讼情况表",
        }
    }
}

/// One row of a table, cells in template column order. In 表二 `block` names the block
/// (`art20_1`); 表四 has three rows, one per group (`rv`, `ld`, `lr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub block: Option<&'static str>,
    pub key: &'static str,
    pub cells: Vec<Cell>,
    pub place: Option<Place>,
}

impl Row {
    /// The cell of `column`: told first by where its key is, then by its text (as
    /// [`Table::row`] tells rows).
    pub fn cell(&self, column: &str) -> Option<&Cell> {
        (self.cells.iter().find(|c| std::ptr::eq(c.column, column)))
            .or_else(|| self.cells.iter().find(|c| same_key(c.column, column)))
    }

    pub fn cell_mut(&mut self, column: &str) -> Option<&mut Cell> {
        self.cells.iter_mut().find(|c| c.column == column)
    }
}

/// A table as read: only the rows that were found, in template order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub id: TableId,
    pub rows: Vec<Row>,
    /// Where the table starts in the source.
    pub place: Option<Place>,
}

impl Table {
    pub fn new(id: TableId) -> Self {
        Table {
            id,
            rows: Vec::new(),
            place: None,
        }
    }

    /// The row of `key` (in `block`, in 表二). A table holds each row once: the readers make
    /// each row of the template at most once.
    pub fn row(&self, block: Option<&str>, key: &str) -> Option<&Row> {
        let found = |r: &&Row| r.block == block;
        // The rules and the readers ask with the template's own strings, mostly the very
        // strings the rows hold: a row is first told by where its key is (an address and
        // a length, not the bytes), then, failing that, by the key's text.
        let same_place = |r: &&Row| std::ptr::eq(r.key, key);
        (self.rows.iter().filter(same_place).find(found)).or_else(|| {
            self.rows
                .iter()
                .filter(|r| same_key(r.key, key))
                .find(found)
        })
    }

    pub fn row_mut(&mut self, block: Option<&str>, key: &str) -> Option<&mut Row> {
        self.rows
            .iter_mut()
            .find(|r| r.key == key && r.block == block)
    }

    pub fn cell(&self, block: Option<&str>, row: &str, column: &str) -> Option<&Cell> {
        self.row(block, row)?.cell(column)
    }
}

/// Whether two keys (`r1`, `total`, `art20_1` …) are the same: compared in place, byte by
/// byte from the first (the rules look cells up by key many times, and keys of one length
/// mostly differ early).
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// A section's heading as written and where it stands (the order of sections is read from
/// these).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Heading {
    pub heading: String,
    pub place: Option<Place>,
}

/// A section of the report as found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// The heading as written (after normalization of spaces and punctuation).
    pub heading: String,
    /// The section's prose, tables left out.
    pub text: String,
    /// Where the heading stands.
    pub place: Option<Place>,
    /// Where the lines of `text` stand in the source, when it was read from lines (text,
    /// PDF, HTML, Word): empty otherwise (JSON input).
    pub lines: Vec<TextLine>,
}

impl Section {
    /// The section's heading and its place.
    pub fn heading_of(&self) -> Heading {
        Heading {
            heading: self.heading.clone(),
            place: self.place,
        }
    }
}

/// A stretch of [`Section::text`] that is one source line: from byte `offset` of the text
/// to the next stretch. `place` is where its first character stands; `exact` says that
/// the stretch's characters stand in the source one for one (no spaces between cells or
/// between ideographs dropped), so that a column past the first can be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLine {
    pub offset: usize,
    pub place: Place,
    pub exact: bool,
}

impl Section {
    /// Where byte `offset` of the text stands in the source: the line always when the text
    /// was read from lines, the column only when it can be counted exactly.
    pub fn source_of(&self, offset: usize) -> Option<(u32, Option<u32>)> {
        let i = self.lines.partition_point(|l| l.offset <= offset);
        let l = self.lines.get(i.checked_sub(1)?)?;
        let before = self.text.get(l.offset..offset)?;
        let col = l.exact.then(|| {
            let n = u32::try_from(before.chars().count()).unwrap_or(u32::MAX);
            l.place.col.saturating_add(n)
        });
        Some((l.place.line, col))
    }
}

/// The report's sections: the six of the template, by key, and any others it has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sections {
    /// The text between the title and the first section (who made the report, its period).
    pub preamble: String,
    /// `s1` … `s6`, in that order.
    pub known: [Option<Section>; 6],
    /// Sections that are not in the template, in document order.
    pub extra: Vec<Section>,
    /// Every heading in document order, with the key of the template section it was read
    /// as (`None` for an extra section); the structure rules read order and numbering here.
    /// The headings only: the sections themselves are in `known` and `extra`.
    pub order: Vec<(Option<&'static str>, Heading)>,
}

impl Sections {
    pub fn get(&self, key: &str) -> Option<&Section> {
        let i = template::SECTIONS.iter().position(|s| s.key == key)?;
        self.known[i].as_ref()
    }
}

/// The canonical report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub template: Option<Version>,
    pub year: Option<i32>,
    pub agency: Option<String>,
    pub title: Option<String>,
    pub sections: Sections,
    pub t2: Option<Table>,
    pub t3: Option<Table>,
    pub t4: Option<Table>,
    /// The version markers found in the document (FORMAT.md §7), for S004/S005; empty
    /// when the template was given rather than detected.
    pub markers: Markers,
}

/// Labels found in the document that mark each template version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Markers {
    pub v2019: Vec<&'static str>,
    pub v2021: Vec<&'static str>,
}

impl Markers {
    /// The version with more markers (2021 on a tie); `None` when there are none.
    pub fn version(&self) -> Option<Version> {
        match (self.v2019.len(), self.v2021.len()) {
            (0, 0) => None,
            (a, b) if a > b => Some(Version::V2019),
            _ => Some(Version::V2021),
        }
    }
}

impl Report {
    pub fn table(&self, id: TableId) -> Option<&Table> {
        match id {
            TableId::T2 => self.t2.as_ref(),
            TableId::T3 => self.t3.as_ref(),
            TableId::T4 => self.t4.as_ref(),
        }
    }

    pub fn table_mut(&mut self, id: TableId) -> Option<&mut Table> {
        match id {
            TableId::T2 => self.t2.as_mut(),
            TableId::T3 => self.t3.as_mut(),
            TableId::T4 => self.t4.as_mut(),
        }
    }

    /// The version the tables are read with: the detected template, else the one the year
    /// calls for, else 2021.
    pub fn reading_version(&self) -> Version {
        Version::reading(self.template, self.year)
    }
}

// ---- canonical JSON -------------------------------------------------------------------

/// A cell's canonical JSON: an integer for counts, a decimal string in 万元 for money,
/// `null` for everything else.
struct CanonicalCell<'a>(&'a CellValue);

impl Serialize for CanonicalCell<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            CellValue::Count(n) => s.serialize_i64(*n),
            CellValue::Money(d) => s.serialize_str(&d.normalize().to_string()),
            _ => s.serialize_none(),
        }
    }
}

struct CellsMap<'a>(&'a [Cell]);

impl Serialize for CellsMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for c in self.0 {
            m.serialize_entry(c.column, &CanonicalCell(&c.value))?;
        }
        m.end()
    }
}

impl Serialize for Table {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.id {
            TableId::T3 => {
                let mut m = s.serialize_map(Some(self.rows.len()))?;
                for r in &self.rows {
                    m.serialize_entry(r.key, &CellsMap(&r.cells))?;
                }
                m.end()
            }
            TableId::T4 => {
                let mut m = s.serialize_map(None)?;
                for c in self.rows.iter().flat_map(|r| &r.cells) {
                    m.serialize_entry(c.column, &CanonicalCell(&c.value))?;
                }
                m.end()
            }
            TableId::T2 => {
                struct Block<'a>(&'a [Row]);
                impl Serialize for Block<'_> {
                    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        let mut m = s.serialize_map(Some(self.0.len()))?;
                        for r in self.0 {
                            m.serialize_entry(r.key, &CellsMap(&r.cells))?;
                        }
                        m.end()
                    }
                }
                let mut m = s.serialize_map(None)?;
                let mut i = 0;
                while i < self.rows.len() {
                    let block = self.rows[i].block;
                    let n = self.rows[i..]
                        .iter()
                        .take_while(|r| r.block == block)
                        .count();
                    m.serialize_entry(block.unwrap_or(""), &Block(&self.rows[i..i + n]))?;
                    i += n;
                }
                m.end()
            }
        }
    }
}

#[derive(Serialize)]
struct SectionJson<'a> {
    heading: &'a str,
    text: &'a str,
}

impl Serialize for Sections {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(6))?;
        for (def, sec) in template::SECTIONS.iter().zip(&self.known) {
            m.serialize_entry(
                def.key,
                &sec.as_ref().map(|sec| SectionJson {
                    heading: &sec.heading,
                    text: &sec.text,
                }),
            )?;
        }
        m.end()
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("template", &self.template)?;
        m.serialize_entry("year", &self.year)?;
        m.serialize_entry("agency", &self.agency)?;
        m.serialize_entry("title", &self.title)?;
        if !self.sections.preamble.is_empty() {
            m.serialize_entry("preamble", &self.sections.preamble)?;
        }
        m.serialize_entry("sections", &self.sections)?;
        if !self.sections.extra.is_empty() {
            let extra: Vec<_> = self
                .sections
                .extra
                .iter()
                .map(|sec| SectionJson {
                    heading: &sec.heading,
                    text: &sec.text,
                })
                .collect();
            m.serialize_entry("extra_sections", &extra)?;
        }
        m.serialize_entry("t2", &self.t2)?;
        m.serialize_entry("t3", &self.t3)?;
        m.serialize_entry("t4", &self.t4)?;
        m.end()
    }
}

#[cfg(test)]
mod row_tests {
    use super::*;

    fn row(block: Option<&'static str>, key: &'static str) -> Row {
        Row {
            block,
            key,
            cells: Vec::new(),
            place: None,
        }
    }

    /// A key is found by its text when it is not the row's own string, and a row of
    /// another block is not taken for it.
    #[test]
    fn rows_are_found_by_their_key_wherever_it_is() {
        let mut t = Table::new(TableId::T2);
        t.rows = vec![
            row(Some("a"), "r1"),
            row(Some("b"), "r1"),
            row(Some("b"), "r2"),
        ];
        let elsewhere: &str = &String::from("r1");
        assert!(!std::ptr::eq(elsewhere, t.rows[1].key));
        for key in ["r1", elsewhere] {
            assert!(std::ptr::eq(t.row(Some("b"), key).unwrap(), &t.rows[1]));
            assert!(std::ptr::eq(t.row(Some("a"), key).unwrap(), &t.rows[0]));
        }
        assert!(t.row(Some("c"), "r1").is_none());
        assert!(t.row(Some("a"), "r2").is_none());
    }

    /// A cell is found by its column's text too, when that is not the cell's own string.
    #[test]
    fn cells_are_found_by_their_column_wherever_it_is() {
        let mut r = row(None, "r1");
        r.cells = vec![
            Cell::new("np", CellValue::Count(1)),
            Cell::new("total", CellValue::Count(2)),
        ];
        let elsewhere: &str = &String::from("total");
        for column in ["total", elsewhere] {
            assert_eq!(r.cell(column).map(|c| &c.value), Some(&CellValue::Count(2)));
        }
        assert!(r.cell("nothing").is_none());
    }
}
