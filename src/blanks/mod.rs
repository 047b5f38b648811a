//! A result's blank cells (C003) taken together, table by table: the blocks, columns and
//! rows left wholly blank, the other blank cells, their count, and the line that says so
//! in the words of [`crate::finding::BLANKS`]. The JSON result keeps one C003 per cell; the
//! human output, the HTML summary and — through `blanks()` of the WebAssembly build — the
//! drop-in's panel show these lines in their place, so that every host says the same.
//!
//! A table's parts are the template's (表二's blocks; 表三; 表四's groups as its rows), with
//! the rows the report holds. A column counts as wholly blank over two rows or more, a row
//! over two columns or more; a table with a single blank cell is left to its finding.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod words;

use words::Words;

use crate::finding::{table_name, Code, Finding, Lang, BLANKS};
use crate::model::TableId;
use crate::template::{T2Block, Version, T3_COLUMNS, T4_COLUMNS, T4_GROUPS};
use crate::CheckResult;

/// How many entries of other cells a line names before it only counts the rest.
pub const CELLS_NAMED: usize = 10;

/// One table's blank cells taken together. Keys as params name cells (`r1.np`, `rv_keep`,
/// `art20_1.regulations.made`), rows (`r6_1`, `rv`, `art20_1.regulations`) and columns
/// (`biz`, `art20_6.decisions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableBlanks {
    /// `t2`, `t3` or `t4`.
    pub table: &'static str,
    /// How many cells are blank: the table's C003 findings.
    pub count: usize,
    /// Every cell of the table that the report holds is blank (then the lists are empty).
    pub all: bool,
    /// 表二's blocks left wholly blank.
    pub blocks: Vec<String>,
    pub columns: Vec<String>,
    pub rows: Vec<String>,
    /// The blank cells in none of the above.
    pub cells: Vec<String>,
    /// The first line of the source that a blank cell of the table is on.
    pub line: Option<u32>,
    /// The indices, in the result's findings, of the C003 findings this stands for; hosts
    /// show it where the first of them stands.
    pub findings: Vec<usize>,
    pub message: String,
}

/// A result's blank cells in `lang`, for each table with two or more.
pub fn of_result(result: &CheckResult, lang: Lang) -> Vec<TableBlanks> {
    let report = &result.report;
    let present = |t: TableId, block: Option<&str>, row: &str| {
        report.table(t).and_then(|t| t.row(block, row)).is_some()
    };
    let blanks = result.findings.iter().enumerate().filter_map(|(i, f)| {
        let l = &f.location;
        let at = At {
            table: l.table.unwrap_or_default(),
            block: l.block,
            row: l.row,
            column: l.column.unwrap_or_default(),
            line: l.line,
        };
        blank(i, f.code.as_str(), at, &f.params, lang)
    });
    group(report.reading_version(), &present, blanks.collect(), lang)
}

/// [`of_result`] from the result's JSON, as the JavaScript API holds it (`report` gives the
/// rows a table holds).
pub fn of_json(json: &str, lang: Lang) -> Result<Vec<TableBlanks>, serde_json::Error> {
    let r: ResultJson = serde_json::from_str(json)?;
    let rows_of = |v: Option<&Value>, row: &str| {
        v.and_then(Value::as_object)
            .is_some_and(|m| m.contains_key(row))
    };
    let present = |t: TableId, block: Option<&str>, row: &str| match t {
        TableId::T3 => rows_of(r.report.t3.as_ref(), row),
        TableId::T2 => rows_of(r.report.t2.as_ref().and_then(|t2| t2.get(block?)), row),
        TableId::T4 => r
            .report
            .t4
            .as_ref()
            .and_then(Value::as_object)
            .is_some_and(|m| {
                m.keys()
                    .any(|k| k.strip_prefix(row).is_some_and(|k| k.starts_with('_')))
            }),
    };
    let blanks = r.findings.iter().enumerate().filter_map(|(i, f)| {
        let l = &f.location;
        let at = At {
            table: l.table.as_deref().unwrap_or_default(),
            block: l.block.as_deref(),
            row: l.row.as_deref(),
            column: l.column.as_deref().unwrap_or_default(),
            line: l.line,
        };
        blank(i, &f.code, at, &f.params, lang)
    });
    let version = Version::reading(r.template, r.year);
    Ok(group(version, &present, blanks.collect(), lang))
}

/// What a host lists of a result: its findings, a table's C003 findings giving way to its
/// [`TableBlanks`], shown where the first of them stood.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown<'a> {
    Finding(&'a Finding),
    Blanks(&'a TableBlanks),
}

pub fn shown<'a>(findings: &'a [Finding], groups: &'a [TableBlanks]) -> Vec<Shown<'a>> {
    let group_of = |i: usize| groups.iter().find(|g| g.findings.contains(&i));
    findings
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match group_of(i) {
            None => Some(Shown::Finding(f)),
            Some(g) if g.findings.first() == Some(&i) => Some(Shown::Blanks(g)),
            Some(_) => None,
        })
        .collect()
}

// ---- the result's JSON, as much as the grouping reads --------------------------------

#[derive(Deserialize)]
struct ResultJson {
    template: Option<Version>,
    year: Option<i32>,
    findings: Vec<FindingJson>,
    #[serde(default)]
    report: ReportJson,
}

#[derive(Deserialize)]
struct FindingJson {
    code: String,
    #[serde(default)]
    params: Map<String, Value>,
    #[serde(default)]
    location: LocationJson,
}

#[derive(Deserialize, Default)]
struct LocationJson {
    table: Option<String>,
    block: Option<String>,
    row: Option<String>,
    column: Option<String>,
    line: Option<u32>,
}

#[derive(Deserialize, Default)]
struct ReportJson {
    t2: Option<Map<String, Value>>,
    t3: Option<Value>,
    t4: Option<Value>,
}

// ---- grouping -------------------------------------------------------------------------

/// Where a finding points, as both adapters read it.
struct At<'a> {
    table: &'a str,
    block: Option<&'a str>,
    row: Option<&'a str>,
    column: &'a str,
    line: Option<u32>,
}

/// A blank cell as its C003 finding locates it; in 表四 `row` is the cell's group (`rv`).
#[derive(Debug)]
struct Blank {
    index: usize,
    table: TableId,
    block: Option<String>,
    row: String,
    column: String,
    line: Option<u32>,
    /// What the sum implies for a blank total, as the finding's message says it.
    note: Option<String>,
}

fn blank(
    index: usize,
    code: &str,
    at: At,
    params: &Map<String, Value>,
    lang: Lang,
) -> Option<Blank> {
    if code != Code::C003.as_str() {
        return None;
    }
    let table = TableId::from_key(at.table)?;
    let row = match table {
        TableId::T4 => t4_group(at.column)?,
        _ => at.row?,
    };
    let note = params.get(lang.say("expected_note", "expected_note_en"));
    Some(Blank {
        index,
        table,
        block: at.block.map(str::to_string),
        row: row.to_string(),
        column: at.column.to_string(),
        line: at.line,
        note: note.and_then(Value::as_str).map(str::to_string),
    })
}

/// The group of a 表四 cell (`rv` for `rv_keep`).
fn t4_group(column: &str) -> Option<&'static str> {
    T4_GROUPS
        .iter()
        .find(|(prefix, _)| column.starts_with(prefix))
        .map(|(prefix, _)| prefix.trim_end_matches('_'))
}

/// A part of a table: the rows the report holds, each with its cells' column keys.
struct Part {
    block: Option<&'static T2Block>,
    rows: Vec<(&'static str, Vec<&'static str>)>,
    /// Whether whole columns are told (not in 表四, whose groups are its rows).
    by_column: bool,
}

fn parts(
    table: TableId,
    version: Version,
    present: &dyn Fn(Option<&str>, &str) -> bool,
) -> Vec<Part> {
    let def = version.def();
    match table {
        TableId::T3 => {
            let columns: Vec<_> = T3_COLUMNS.iter().map(|c| c.key).collect();
            let rows = def
                .t3_rows_given(&|k| present(None, k))
                .into_iter()
                .filter(|r| present(None, r.key))
                .map(|r| (r.key, columns.clone()))
                .collect();
            vec![Part {
                block: None,
                rows,
                by_column: true,
            }]
        }
        TableId::T4 => {
            let rows = T4_GROUPS
                .iter()
                .map(|(prefix, _)| {
                    let keys = T4_COLUMNS.iter().map(|c| c.key);
                    let cells = keys.filter(|k| k.starts_with(prefix)).collect();
                    (prefix.trim_end_matches('_'), cells)
                })
                .filter(|(group, _)| present(None, group))
                .collect();
            vec![Part {
                block: None,
                rows,
                by_column: false,
            }]
        }
        TableId::T2 => def
            .t2
            .iter()
            .map(|b| Part {
                block: Some(b),
                rows: b
                    .rows
                    .iter()
                    .filter(|r| present(Some(b.key), r.key))
                    .map(|r| (r.key, b.columns.iter().map(|c| c.key).collect()))
                    .collect(),
                by_column: true,
            })
            .filter(|p| !p.rows.is_empty())
            .collect(),
    }
}

/// What a part has wholly blank, and the indices (in the table's blanks) it covers.
#[derive(Default)]
struct Whole {
    /// Every cell of the part is blank.
    full: bool,
    /// A block of 表二 wholly blank (told as a block, not by columns and rows).
    block: bool,
    columns: Vec<&'static str>,
    rows: Vec<&'static str>,
    covered: Vec<usize>,
}

fn whole(part: &Part, blanks: &[&Blank]) -> Whole {
    let block = part.block.map(|b| b.key);
    let at = |row: &str, column: &str| {
        blanks
            .iter()
            .position(|b| b.block.as_deref() == block && b.row == row && b.column == column)
    };
    let cells: Vec<(&str, &str)> = part
        .rows
        .iter()
        .flat_map(|(row, columns)| columns.iter().map(move |c| (*row, *c)))
        .collect();
    let found: Vec<Option<usize>> = cells.iter().map(|(r, c)| at(r, c)).collect();
    let mut w = Whole {
        full: found.iter().all(Option::is_some),
        ..Whole::default()
    };
    if w.full && found.len() >= 2 && part.block.is_some() {
        w.block = true;
        w.covered = found.into_iter().flatten().collect();
        return w;
    }
    if part.by_column && part.rows.len() >= 2 {
        let columns = part
            .rows
            .first()
            .map(|(_, c)| c.clone())
            .unwrap_or_default();
        for column in columns {
            let here: Vec<_> = part.rows.iter().map(|(row, _)| at(row, column)).collect();
            if here.iter().all(Option::is_some) {
                w.columns.push(column);
                w.covered.extend(here.into_iter().flatten());
            }
        }
    }
    for (row, columns) in &part.rows {
        let here: Vec<_> = columns.iter().map(|c| at(row, c)).collect();
        if columns.len() >= 2 && here.iter().all(Option::is_some) {
            w.rows.push(row);
            w.covered.extend(here.into_iter().flatten());
        }
    }
    w
}

fn group(
    version: Version,
    present: &dyn Fn(TableId, Option<&str>, &str) -> bool,
    blanks: Vec<Blank>,
    lang: Lang,
) -> Vec<TableBlanks> {
    TableId::ALL
        .into_iter()
        .filter_map(|table| {
            let of_table: Vec<&Blank> = blanks.iter().filter(|b| b.table == table).collect();
            if of_table.len() < 2 {
                return None;
            }
            let parts = parts(table, version, &|block, row| present(table, block, row));
            Some(table_blanks(table, version, &parts, &of_table, lang))
        })
        .collect()
}

fn table_blanks(
    table: TableId,
    version: Version,
    parts: &[Part],
    blanks: &[&Blank],
    lang: Lang,
) -> TableBlanks {
    let words = Words { lang, version };
    let wholes: Vec<Whole> = parts.iter().map(|p| whole(p, blanks)).collect();
    let mut covered = vec![false; blanks.len()];
    for i in wholes.iter().flat_map(|w| &w.covered) {
        covered[*i] = true;
    }
    // Every cell of every part blank, and no blank cell outside them.
    let cells: usize = parts
        .iter()
        .flat_map(|p| &p.rows)
        .map(|(_, c)| c.len())
        .sum();
    let all = cells == blanks.len() && wholes.iter().all(|w| w.full);
    let mut out = TableBlanks {
        table: table.key(),
        count: blanks.len(),
        all,
        blocks: Vec::new(),
        columns: Vec::new(),
        rows: Vec::new(),
        cells: Vec::new(),
        line: blanks.iter().filter_map(|b| b.line).min(),
        findings: blanks.iter().map(|b| b.index).collect(),
        message: String::new(),
    };
    let name = table_name(table, lang);
    let (n, count) = (blanks.len(), blanks.len().to_string());
    if all {
        out.message = words.fill(BLANKS.all, n, &[("table", &name), ("count", &count)]);
        return out;
    }
    let mut said = Vec::new();
    for (part, w) in parts.iter().zip(&wholes) {
        let block = part.block.map(|b| b.key);
        let key = |k: &str| block.map_or_else(|| k.to_string(), |b| format!("{b}.{k}"));
        if let Some(b) = part.block.filter(|_| w.block) {
            out.blocks.push(b.key.to_string());
            let cells = w.covered.len();
            let values = [("block", b.label), ("n", &cells.to_string())];
            said.push(words.fill(BLANKS.block, cells, &values));
            continue;
        }
        if !w.columns.is_empty() {
            out.columns.extend(w.columns.iter().map(|c| key(c)));
            let labels = w.columns.iter().map(|c| words.column(table, part.block, c));
            let n = part.rows.len().to_string();
            said.push(words.list(BLANKS.columns, labels, &n));
        }
        if !w.rows.is_empty() {
            out.rows.extend(w.rows.iter().map(|r| key(r)));
            let labels = w.rows.iter().map(|r| words.row(table, block, r));
            let n = part.rows.iter().find(|(r, _)| w.rows.contains(r));
            let n = n.map_or(0, |(_, c)| c.len()).to_string();
            let phrase = if table == TableId::T4 {
                BLANKS.groups
            } else {
                BLANKS.rows
            };
            said.push(words.list(phrase, labels, &n));
        }
    }
    let others: Vec<&Blank> = blanks
        .iter()
        .zip(&covered)
        .filter(|(_, c)| !**c)
        .map(|(b, _)| *b)
        .collect();
    out.cells = others.iter().map(|b| cell_key(b)).collect();
    if !others.is_empty() {
        let cells = words.cells(table, &others);
        said.push(match said.is_empty() {
            true => cells,
            false => words.fill(BLANKS.also, others.len(), &[("cells", &cells)]),
        });
    }
    let parts = said.join(lang.say("；", "; "));
    let values = [
        ("table", name.as_str()),
        ("count", &count),
        ("parts", &parts),
    ];
    out.message = words.fill(BLANKS.some, n, &values);
    out
}

fn cell_key(b: &Blank) -> String {
    match (b.table, &b.block) {
        (TableId::T4, _) => b.column.clone(),
        (_, Some(block)) => format!("{block}.{}.{}", b.row, b.column),
        (_, None) => format!("{}.{}", b.row, b.column),
    }
}

#[cfg(test)]
mod tests;
