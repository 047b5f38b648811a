//! Reports rendered as the text that extraction tools make of them, and readings scored
//! against the original cell by cell (tests/decoding.rs).
//!
//! A report is its canonical JSON (a fixture's, or one made here: consistent, or with one
//! wrong cell). [`render`] writes it as a text in one [`Layout`] — a row a line
//! (pdftotext, pypdf), tabs, a cell a line (BeautifulSoup `get_text("\n")`), Markdown pipe
//! tables (html2text, PDF-to-Markdown converters), box-drawn grids (w3m), column by column
//! (pdfminer), all run together (`get_text()`) — with the [`Damage`] real tools add: labels
//! wrapped at a width, group labels one character a line, page numbers between rows, zeros
//! left blank, OCR-damaged header labels, full-width digits, NBSP. It also says what each
//! cell shows, which is what a reading must give back ([`Rendered::expected`]): the value,
//! or nothing where the text leaves the cell blank.
//!
//! The random numbers come from a small SplitMix64 of our own so that a corpus is the same
//! on every run and every machine, whatever proptest's version does with its seeds.

#![allow(dead_code)]

mod layouts;
mod proof;

use layouts::lay;

use std::collections::{BTreeMap, BTreeSet};

use nianbao::template::{
    Version, SECTIONS, T3_APPLICANTS, T3_COLUMNS, T3_NOTE, T3_ORGANISATIONS, T3_RESULTS_GROUP,
    T4_COLUMNS, T4_GROUPS,
};
use serde_json::{json, Map, Value};

/// SplitMix64: a deterministic stream of numbers.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// A count as reports have them: mostly small, often 0, now and then large.
    pub fn count(&mut self) -> i64 {
        match self.below(10) {
            0..=3 => 0,
            4..=7 => self.below(20) as i64,
            8 => self.below(400) as i64,
            _ => self.below(5000) as i64,
        }
    }
}

/// How the tables are laid out as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `label v1 v2 … v7`, cells parted by spaces (pdftotext, pypdf, pdfplumber).
    RowSpaces,
    /// Cells parted by tabs (BeautifulSoup `get_text("\t")`, a copy out of a table).
    RowTabs,
    /// Every label and every value on a line of its own (`get_text("\n")`, pdf.js).
    CellPerLine,
    /// The page's text nodes joined by tabs on one line (`get_text("\t")`).
    TabFlow,
    /// Markdown pipe tables (html2text, PDF-to-Markdown converters).
    Pipe,
    /// Box-drawn grids (w3m), labels wrapped inside their cells.
    Box,
    /// What PDF-to-Markdown converters give: pipe tables cut at page breaks with the header
    /// repeated, a row's label on a line of its own outside the table, or the table as an
    /// HTML `<table>` inside the Markdown.
    Converter,
    /// All row labels, then the values column by column (pdfminer).
    ColumnWise,
    /// The whole report on one line, cells joined with nothing between (`get_text()`).
    RunTogether,
}

impl Layout {
    pub const ALL: [Layout; 9] = [
        Layout::RowSpaces,
        Layout::RowTabs,
        Layout::CellPerLine,
        Layout::TabFlow,
        Layout::Pipe,
        Layout::Box,
        Layout::Converter,
        Layout::ColumnWise,
        Layout::RunTogether,
    ];
    /// Whether each table row stands on a line of its own (its label with its values).
    pub fn row_a_line(self) -> bool {
        matches!(
            self,
            Layout::RowSpaces | Layout::RowTabs | Layout::Pipe | Layout::Box | Layout::Converter
        )
    }
    /// Whether a blank cell leaves nothing in the text (no empty cell between separators).
    pub fn drops_blanks(self) -> bool {
        !matches!(
            self,
            Layout::RowTabs | Layout::Pipe | Layout::Box | Layout::Converter
        )
    }
    pub fn name(self) -> &'static str {
        match self {
            Layout::RowSpaces => "row-wise (spaces)",
            Layout::RowTabs => "row-wise (tabs)",
            Layout::CellPerLine => "cell per line",
            Layout::TabFlow => "text nodes joined by tabs",
            Layout::Pipe => "Markdown pipe table",
            Layout::Box => "box-drawn grid",
            Layout::Converter => "PDF-to-Markdown converter",
            Layout::ColumnWise => "column-wise",
            Layout::RunTogether => "run together",
        }
    }
}

/// The damage a tool adds to a layout.
#[derive(Debug, Clone, Default)]
pub struct Damage {
    /// Labels wrapped over lines at this many characters.
    pub wrap: Option<usize>,
    /// Group labels (`三、本年度办理结果`, `（三）不予公开`) one character a line.
    pub vertical_groups: bool,
    /// `- n -` lines and form feeds between rows.
    pub page_numbers: bool,
    /// Zeros left blank, in percent of the zero cells.
    pub blank_zeros: u64,
    /// `日然人` for 自然人, `知果维持` for 结果维持 in the headers.
    pub ocr: bool,
    pub fullwidth: bool,
    /// NBSP in place of some spaces, and NBSP-only "blank" cells.
    pub nbsp: bool,
    /// The label of this 表三 row (counted from the first) lost, its values left on their
    /// line — where the layout gives each row a line and its neighbours keep theirs.
    pub lost_label: Option<usize>,
    /// 表三's header cells merged as a layout tool joins a cell spanning two header lines
    /// with the one beside it (`总计商 业 企` / `业`).
    pub merged_header: bool,
}

impl Damage {
    /// A random mix of damage (none of it for `clean`).
    pub fn random(rng: &mut Rng, clean: bool) -> Damage {
        if clean {
            return Damage::default();
        }
        Damage {
            wrap: rng.chance(50).then(|| 6 + rng.below(12) as usize),
            vertical_groups: rng.chance(30),
            page_numbers: rng.chance(40),
            blank_zeros: if rng.chance(25) {
                10 + rng.below(40)
            } else {
                0
            },
            ocr: rng.chance(30),
            fullwidth: rng.chance(15),
            nbsp: rng.chance(20),
            lost_label: rng.chance(25).then(|| 3 + rng.below(18) as usize),
            merged_header: rng.chance(25),
        }
    }
}

/// A rendered report: its text and what each cell shows (`t3.r7.total` → `Some("81")`,
/// or `None` where the cell is blank).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub text: String,
    pub expected: BTreeMap<String, Option<String>>,
    /// The cells of rows with a blank laid in a layout that leaves no trace of a blank (a
    /// space-parted flow, a value a line, …): no reader can tell which column is blank, so
    /// these are refused or read, never expected.
    pub unprovable: BTreeSet<String>,
}

/// A cell's value as the canonical JSON holds it, as text (`81`, `96171.6`); `None` for null.
pub fn cell_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// Every cell of a canonical report's tables: `t2.art20_1.regulations.made`, `t3.new.np`,
/// `t4.rv_keep`.
pub fn cells(report: &Value) -> BTreeMap<String, Value> {
    fn walk(prefix: String, v: &Value, out: &mut BTreeMap<String, Value>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    walk(format!("{prefix}.{k}"), x, out);
                }
            }
            _ => {
                out.insert(prefix, v.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    for t in ["t2", "t3", "t4"] {
        if let Some(v) = report.get(t).filter(|v| v.is_object()) {
            walk(t.to_string(), v, &mut out);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Reports made here.

/// A report of `version` whose tables satisfy every sum rule.
pub fn consistent(rng: &mut Rng, version: Version) -> Value {
    let def = version.def();
    let applicants: Vec<&str> = T3_COLUMNS
        .iter()
        .map(|c| c.key)
        .filter(|k| *k != "total")
        .collect();
    let mut t3 = Map::new();
    let mut decided = vec![0i64; 6];
    let set_row = |t3: &mut Map<String, Value>, key: &str, values: &[i64]| {
        let mut row = Map::new();
        for (c, v) in applicants.iter().zip(values) {
            row.insert(c.to_string(), json!(v));
        }
        row.insert("total".into(), json!(values.iter().sum::<i64>()));
        t3.insert(key.to_string(), Value::Object(row));
    };
    for r in def.t3_results() {
        let values: Vec<i64> = (0..6)
            // Persons apply most; the other columns are mostly 0.
            .map(|i| {
                if i == 0 || rng.chance(20) {
                    rng.count()
                } else {
                    0
                }
            })
            .collect();
        for (d, v) in decided.iter_mut().zip(&values) {
            *d += v;
        }
        set_row(&mut t3, r.key, &values);
    }
    // new + carried in = decided + carried out, in every column.
    let carry_out: Vec<i64> = (0..6)
        .map(|_| {
            if rng.chance(40) {
                rng.below(20) as i64
            } else {
                0
            }
        })
        .collect();
    let owed: Vec<i64> = decided.iter().zip(&carry_out).map(|(d, c)| d + c).collect();
    let carry_in: Vec<i64> = owed
        .iter()
        .map(|o| {
            if *o > 0 && rng.chance(40) {
                rng.below(*o as u64 + 1) as i64
            } else {
                0
            }
        })
        .collect();
    let new: Vec<i64> = owed.iter().zip(&carry_in).map(|(o, c)| o - c).collect();
    set_row(&mut t3, "new", &new);
    set_row(&mut t3, "carry_in", &carry_in);
    set_row(&mut t3, "r7", &decided);
    set_row(&mut t3, "carry_out", &carry_out);
    // 2021's （六）其他处理 is three rows; 2019's r6 is one (a result row above).
    let t3: Map<String, Value> = def
        .t3_rows()
        .filter_map(|r| t3.get(r.key).map(|v| (r.key.to_string(), v.clone())))
        .collect();

    let mut t4 = Map::new();
    for (prefix, _) in T4_GROUPS {
        let outcomes: Vec<i64> = (0..4).map(|_| rng.count().min(300)).collect();
        for (c, v) in T4_COLUMNS
            .iter()
            .filter(|c| c.key.starts_with(prefix))
            .zip(&outcomes)
        {
            t4.insert(c.key.to_string(), json!(v));
        }
        t4.insert(
            format!("{prefix}total"),
            json!(outcomes.iter().sum::<i64>()),
        );
    }

    let mut t2 = Map::new();
    for block in def.t2 {
        let mut rows = Map::new();
        for row in block.rows {
            let mut cells = Map::new();
            for c in block.columns {
                let v = match c.key {
                    "delta" => json!(rng.below(60) as i64 - 30),
                    "amount" => json!(format!("{}.{:02}万元", rng.below(9000), rng.below(100))),
                    "amount_wan" => json!(format!("{}.{}", rng.below(90000), rng.below(10))),
                    "total_public" | "valid" => json!(rng.count() + 40),
                    "repealed" => json!(rng.below(5)),
                    _ => json!(rng.count().min(30)),
                };
                cells.insert(c.key.to_string(), v);
            }
            rows.insert(row.key.to_string(), Value::Object(cells));
        }
        t2.insert(block.key.to_string(), Value::Object(rows));
    }
    let year = if version == Version::V2019 {
        2019 + rng.below(2)
    } else {
        2021 + rng.below(4)
    };
    json!({
        "template": version.as_str(),
        "year": year,
        "agency": "某某县人民政府",
        "t2": t2, "t3": t3, "t4": t4,
    })
}

/// One count cell of 表三 changed: the report and the key of the cell.
pub fn with_one_wrong_cell(rng: &mut Rng, mut report: Value) -> (Value, String) {
    let keys: Vec<String> = cells(&report)
        .into_keys()
        .filter(|k| k.starts_with("t3."))
        .collect();
    let key = keys[rng.below(keys.len() as u64) as usize].clone();
    let parts: Vec<&str> = key.split('.').collect();
    let cell = &mut report["t3"][parts[1]][parts[2]];
    let old = cell.as_i64().unwrap_or(0);
    *cell = json!(old + 1 + rng.below(5) as i64);
    (report, key)
}

// ---------------------------------------------------------------------------------------
// Rendering.

/// A row's cells: key and what it shows (`None` for a blank).
type Cells = Vec<(String, Option<String>)>;

/// The lines of one table, before the layout joins them: each is a label (its fragments)
/// and its cells (`None` for a blank), or a header.
#[derive(Debug, Clone)]
enum Item {
    /// A heading or header line of the table, laid as text.
    Header(Vec<String>),
    /// A group label over the rows that follow (`三、本年度办理结果`, `（三）不予公开`).
    Group(String),
    Row {
        label: String,
        cells: Vec<(String, Option<String>)>,
    },
}

struct Out {
    text: String,
    expected: BTreeMap<String, Option<String>>,
}

const FULLWIDTH: [char; 10] = ['０', '１', '２', '３', '４', '５', '６', '７', '８', '９'];

fn shown(v: &str, d: &Damage) -> String {
    if d.fullwidth {
        v.chars()
            .map(|c| c.to_digit(10).map_or(c, |n| FULLWIDTH[n as usize]))
            .collect()
    } else {
        v.to_string()
    }
}

fn ocr(label: &str, d: &Damage) -> String {
    if d.ocr {
        label
            .replace("自然人", "日然人")
            .replace("结果维持", "知果维持")
    } else {
        label.to_string()
    }
}

/// The table items of a report, the cells it shows recorded in `expected`.
fn items(
    report: &Value,
    rng: &mut Rng,
    d: &Damage,
    expected: &mut BTreeMap<String, Option<String>>,
) -> Vec<(usize, Vec<Item>)> {
    let version = if report["template"] == "2019" {
        Version::V2019
    } else {
        Version::V2021
    };
    let def = version.def();
    let mut cell = |key: String, v: &Value, rng: &mut Rng| -> (String, Option<String>) {
        let text = cell_text(v);
        let blank = match &text {
            None => true,
            Some(t) => t == "0" && d.blank_zeros > 0 && rng.chance(d.blank_zeros),
        };
        let value = if blank { None } else { text };
        expected.insert(key.clone(), value.clone());
        (key, value)
    };
    let mut tables = Vec::new();

    // 表二 (section 二).
    let mut t2 = Vec::new();
    for block in def.t2 {
        let Some(rows) = report["t2"].get(block.key) else {
            continue;
        };
        t2.push(Item::Header(vec![block.label.to_string()]));
        t2.push(Item::Header(
            std::iter::once("信息内容".to_string())
                .chain(block.columns.iter().map(|c| c.label.to_string()))
                .collect(),
        ));
        for row in block.rows {
            let Some(values) = rows.get(row.key) else {
                continue;
            };
            let cells = block
                .columns
                .iter()
                .map(|c| {
                    cell(
                        format!("t2.{}.{}.{}", block.key, row.key, c.key),
                        &values[c.key],
                        rng,
                    )
                })
                .collect();
            t2.push(Item::Row {
                label: row.label.to_string(),
                cells,
            });
        }
    }
    tables.push((1, t2));

    // 表三 (section 三).
    let mut t3 = vec![Item::Header(vec![
        T3_NOTE.to_string(),
        T3_APPLICANTS.to_string(),
    ])];
    if d.merged_header {
        t3.push(Item::Header(vec![
            ocr("自然人", d),
            T3_ORGANISATIONS.to_string(),
        ]));
        t3.push(Item::Header(
            std::iter::once("总计商 业 企".to_string())
                .chain(T3_COLUMNS[2..6].iter().map(|c| c.label.to_string()))
                .collect(),
        ));
        t3.push(Item::Header(vec!["业".to_string()]));
    } else {
        t3.push(Item::Header(vec![
            ocr("自然人", d),
            T3_ORGANISATIONS.to_string(),
            "总计".to_string(),
        ]));
        t3.push(Item::Header(
            T3_COLUMNS[1..6]
                .iter()
                .map(|c| c.label.to_string())
                .collect(),
        ));
    }
    let mut last_parent = None;
    for (i, r) in def.t3_rows().enumerate() {
        let Some(values) = report["t3"].get(r.key) else {
            continue;
        };
        if i == 2 {
            t3.push(Item::Group(T3_RESULTS_GROUP.to_string()));
        }
        if r.parent != last_parent {
            if let Some(p) = r.parent {
                t3.push(Item::Group(p.to_string()));
            }
            last_parent = r.parent;
        }
        let cells = T3_COLUMNS
            .iter()
            .map(|c| cell(format!("t3.{}.{}", r.key, c.key), &values[c.key], rng))
            .collect();
        t3.push(Item::Row {
            label: r.label.to_string(),
            cells,
        });
    }
    tables.push((2, t3));

    // 表四 (section 四): one row of fifteen cells under two header lines.
    let t4 = vec![
        Item::Header(vec!["行政复议".into(), "行政诉讼".into()]),
        Item::Header(
            T4_COLUMNS[..5]
                .iter()
                .map(|c| ocr(c.label, d))
                .chain(["未经复议直接起诉".into(), "复议后起诉".into()])
                .collect(),
        ),
        Item::Header(T4_COLUMNS[5..].iter().map(|c| ocr(c.label, d)).collect()),
        Item::Row {
            label: String::new(),
            cells: T4_COLUMNS
                .iter()
                .map(|c| cell(format!("t4.{}", c.key), &report["t4"][c.key], rng))
                .collect(),
        },
    ];
    tables.push((3, t4));
    tables
}

/// A label cut into pieces of `width` characters (all of it when no wrap).
fn pieces(label: &str, width: Option<usize>) -> Vec<String> {
    let chars: Vec<char> = label.chars().collect();
    match width {
        Some(w) if chars.len() > w => chars.chunks(w).map(|c| c.iter().collect()).collect(),
        _ => vec![label.to_string()],
    }
}

/// Renders `report` as a text in `layout` with `damage`.
pub fn render(report: &Value, layout: Layout, damage: &Damage, rng: &mut Rng) -> Rendered {
    let mut expected = BTreeMap::new();
    let mut tables = items(report, rng, damage, &mut expected);
    if let Some(k) = damage.lost_label.filter(|_| layout.row_a_line()) {
        if let Some((_, t3)) = tables.iter_mut().find(|(at, _)| *at == 2) {
            let rows: Vec<usize> = (0..t3.len())
                .filter(|&i| matches!(t3[i], Item::Row { .. }))
                .collect();
            let lose = rows.get(k).copied().filter(|&i| {
                let row = |i: usize| matches!(t3.get(i), Some(Item::Row { label, .. }) if !label.is_empty());
                row(i - 1) && row(i + 1)
            });
            if let Some(Item::Row { label, .. }) = lose.and_then(|i| t3.get_mut(i)) {
                label.clear();
            }
        }
    }
    let year = report["year"].as_i64().unwrap_or(2023);
    let agency = report["agency"].as_str().unwrap_or("某某县人民政府");
    let mut blocks: Vec<String> = vec![format!("{agency}{year}年政府信息公开工作年度报告")];
    let mut page = 1;
    for (i, s) in SECTIONS.iter().enumerate() {
        blocks.push(s.heading.to_string());
        blocks.push(format!(
            "本机关{}的情况说明如下，详见下表。",
            &s.heading[s.heading.char_indices().nth(2).map_or(0, |(b, _)| b)..]
        ));
        if let Some((_, table)) = tables.iter().find(|(at, _)| *at == i) {
            let as_laid = if layout == Layout::TabFlow {
                Layout::CellPerLine
            } else {
                layout
            };
            blocks.push(lay(table, as_laid, damage, rng, &mut page));
        }
    }
    let sep = if layout == Layout::RunTogether {
        ""
    } else {
        "\n"
    };
    let mut unprovable = BTreeSet::new();
    for (_, table) in &tables {
        let cells = || {
            table.iter().flat_map(|item| match item {
                Item::Row { cells, .. } => cells.iter().map(|(k, _)| k.clone()).collect(),
                _ => Vec::new(),
            })
        };
        let has_blank = table
            .iter()
            .any(|item| matches!(item, Item::Row { cells, .. } if cells.iter().any(|(_, v)| v.is_none())));
        if layout == Layout::RunTogether {
            let rows: Vec<&[(String, Option<String>)]> = table
                .iter()
                .filter_map(|item| match item {
                    Item::Row { cells, .. } => Some(cells.as_slice()),
                    _ => None,
                })
                .collect();
            unprovable.extend(proof::unproved(&rows));
        } else if layout == Layout::ColumnWise
            && (has_blank || cells().any(|k| k.starts_with("t2.")))
        {
            // Column by column after all the labels, a dropped blank moves every later
            // value of the stream, and 表二 (no sums) could as well be row by row: nothing
            // in the text tells which value is which row's.
            unprovable.extend(cells());
        } else if layout.drops_blanks() {
            for item in table {
                if let Item::Row { cells, .. } = item {
                    if cells.iter().any(|(_, v)| v.is_none()) {
                        unprovable.extend(cells.iter().map(|(k, _)| k.clone()));
                    }
                }
            }
        }
    }
    // 2019's 采购总金额 has no unit in its header: an amount shown without one is not read
    // (C007), whatever the layout.
    unprovable.extend(
        expected
            .iter()
            .filter(|(k, v)| {
                k.ends_with(".amount") && v.as_ref().is_some_and(|v| !v.contains('元'))
            })
            .map(|(k, _)| k.clone()),
    );
    let mut text = blocks.join(sep);
    if layout == Layout::TabFlow {
        text = text.replace('\n', "\t");
    }
    if damage.nbsp && layout != Layout::RunTogether {
        text = text.replace("  ", "\u{a0} ");
    }
    Rendered {
        text,
        expected,
        unprovable,
    }
}

// ---------------------------------------------------------------------------------------
// Scoring.

/// Cells right, not read, and wrong (a number other than the one shown).
#[derive(Debug, Clone, Default)]
pub struct Score {
    pub right: usize,
    pub unread: usize,
    /// Of `unread`, the cells the text did not determine (see [`Rendered::unprovable`]).
    pub unprovable: usize,
    pub wrong: usize,
    /// `(cell, shown, read)` of the first wrong cells.
    pub wrongs: Vec<(String, Option<String>, String)>,
    /// The cells not read.
    pub unreads: Vec<String>,
}

impl Score {
    pub fn add(&mut self, other: &Score) {
        self.right += other.right;
        self.unread += other.unread;
        self.unprovable += other.unprovable;
        self.wrong += other.wrong;
        for w in &other.wrongs {
            if self.wrongs.len() < 5 {
                self.wrongs.push(w.clone());
            }
        }
    }
    pub fn cells(&self) -> usize {
        self.right + self.unread + self.wrong
    }
}

/// A read cell's value as a number (`None`: not read — null, or text that is not a number).
fn number(v: &Value) -> Option<rust_decimal::Decimal> {
    let text = cell_text(v)?;
    let text: String = text
        .chars()
        .map(|c| {
            FULLWIDTH
                .iter()
                .position(|&f| f == c)
                .map_or(c, |n| char::from(b'0' + n as u8))
        })
        .filter(|c| !matches!(c, '万' | '元' | ' '))
        .collect();
    text.parse().ok()
}

/// Scores the report read (`got`, canonical JSON) against what the text showed.
pub fn score(expected: &BTreeMap<String, Option<String>>, got: &Value) -> Score {
    score_of(expected, &BTreeSet::new(), got)
}

/// Scores a rendered text's reading: [`score`], telling the unread cells it could not prove.
pub fn score_rendered(rendered: &Rendered, got: &Value) -> Score {
    score_of(&rendered.expected, &rendered.unprovable, got)
}

fn score_of(
    expected: &BTreeMap<String, Option<String>>,
    unprovable: &BTreeSet<String>,
    got: &Value,
) -> Score {
    let read = cells(got);
    let mut s = Score::default();
    for (key, shown) in expected {
        let got = read.get(key).unwrap_or(&Value::Null);
        let want = shown
            .as_ref()
            .and_then(|v| number(&Value::String(v.clone())));
        match (want, number(got)) {
            (w, Some(g)) if w == Some(g) => s.right += 1,
            (None, None) => s.right += 1,
            (Some(_), None) => {
                s.unread += 1;
                if unprovable.contains(key) {
                    s.unprovable += 1;
                } else {
                    s.unreads.push(key.clone());
                }
            }
            (_, Some(g)) => {
                s.wrong += 1;
                if s.wrongs.len() < 5 {
                    s.wrongs.push((key.clone(), shown.clone(), g.to_string()));
                }
            }
        }
    }
    s
}
