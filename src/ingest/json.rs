//! Reading the canonical report JSON (RULES.md "JSON shapes"). Every part is optional; a
//! cell is a number, `null`, or the raw text of the cell, read like any other input. Keys
//! that are not in the contract are refused with a clear error rather than dropped.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::finding::Finding;
use crate::model::{Cell, CellValue, Markers, Place, Report, Row, Section, Table, TableId};
use crate::template::{self, ColumnDef, ColumnKind, Version, SECTIONS, T3_COLUMNS, T4_COLUMNS};

use super::{read_cell, InputError, RowRef};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InReport<'a> {
    #[serde(default)]
    template: Option<Version>,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    agency: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    preamble: Option<String>,
    #[serde(default, borrow)]
    sections: Option<BTreeMap<Key<'a>, Option<InSection>>>,
    #[serde(default)]
    extra_sections: Option<Vec<InSection>>,
    #[serde(default, borrow)]
    t2: Option<BTreeMap<Key<'a>, InRows<'a>>>,
    #[serde(default, borrow)]
    t3: Option<InRows<'a>>,
    #[serde(default, borrow)]
    t4: Option<BTreeMap<Key<'a>, &'a RawValue>>,
}

/// A block's rows by their keys, borrowed from the text where no escape is in a key.
type InRows<'a> = BTreeMap<Key<'a>, InRow<'a>>;

/// A row's cells as written: the JSON text of each value, kept with its place. Keys are
/// slices of the JSON text (copied only when they hold an escape).
type InRow<'a> = BTreeMap<Key<'a>, &'a RawValue>;

/// A key of the JSON: a slice of its text, copied only when it holds an escape. (serde's
/// own `Cow<str>` is always a copy, even under `#[serde(borrow)]`, once inside a map.)
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visitor<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(Visitor(std::marker::PhantomData))
    }
}

impl std::ops::Deref for Key<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Key<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InSection {
    #[serde(default)]
    heading: Option<String>,
    #[serde(default)]
    text: Option<String>,
}

/// Reads the canonical JSON of a report.
pub fn read(source: &str, findings: &mut Vec<Finding>) -> Result<Report, InputError> {
    read_with(source, true, findings)
}

/// Reads the canonical JSON of a report object whose text nobody has (a host wrote it from
/// a parsed value): every place left out, so no finding has a line or column.
pub fn read_without_places(
    source: &str,
    findings: &mut Vec<Finding>,
) -> Result<Report, InputError> {
    read_with(source, false, findings)
}

fn read_with(
    source: &str,
    places: bool,
    findings: &mut Vec<Finding>,
) -> Result<Report, InputError> {
    // serde would read a struct from a positional array too; the contract is an object.
    if !source.trim_start().starts_with('{') {
        return Err(shape("the canonical report must be a JSON object".into()));
    }
    let input: InReport = serde_json::from_str(source).map_err(|e| InputError::Json {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    let lines = LineIndex::new(source, places);
    let detected = detect_by_keys(&input);
    let mut report = Report {
        year: input.year,
        agency: input.agency.filter(|a| !a.trim().is_empty()),
        title: input.title,
        ..Report::default()
    };
    report.template = input.template;
    if report.template.is_none() {
        (report.template, report.markers) = detected;
    }
    let version = report.reading_version();
    let def = version.def();

    report.sections.preamble = input.preamble.unwrap_or_default();
    if let Some(sections) = input.sections {
        for (key, sec) in sections {
            let pos = SECTIONS
                .iter()
                .position(|s| s.key == &*key)
                .ok_or_else(|| {
                    shape(format!("unknown section key \"{key}\" (expected s1 … s6)"))
                })?;
            if let Some(sec) = sec {
                let section = Section {
                    heading: sec
                        .heading
                        .unwrap_or_else(|| SECTIONS[pos].heading.to_string()),
                    text: sec.text.unwrap_or_default(),
                    place: None,
                    lines: Vec::new(),
                };
                report.sections.known[pos] = Some(section);
            }
        }
    }
    for (def, sec) in SECTIONS.iter().zip(&report.sections.known) {
        if let Some(sec) = sec {
            report
                .sections
                .order
                .push((Some(def.key), sec.heading_of()));
        }
    }
    for sec in input.extra_sections.unwrap_or_default() {
        let section = Section {
            heading: sec.heading.unwrap_or_default(),
            text: sec.text.unwrap_or_default(),
            place: None,
            lines: Vec::new(),
        };
        report.sections.order.push((None, section.heading_of()));
        report.sections.extra.push(section);
    }

    if let Some(t3) = input.t3 {
        let mut table = Table::new(TableId::T3);
        for key in t3.keys() {
            if def.t3_row(key).is_none() {
                return Err(shape(format!(
                    "t3 has no row \"{key}\" in the {} template",
                    version.as_str()
                )));
            }
        }
        for s in def.t3_stand_ins {
            let replaced = s.replaces.iter().find(|r| t3.contains_key(**r));
            if let (true, Some(r)) = (t3.contains_key(s.row.key), replaced) {
                return Err(shape(format!(
                    "t3 has both \"{}\" and \"{r}\", which it stands in for",
                    s.row.key
                )));
            }
        }
        for row_def in def.t3_rows_given(&|key: &str| t3.contains_key(key)) {
            if let Some(cells) = t3.get(row_def.key) {
                let row = read_row(
                    TableId::T3,
                    None,
                    row_def.key,
                    &T3_COLUMNS,
                    cells,
                    &lines,
                    findings,
                )?;
                table.rows.push(row);
            }
        }
        report.t3 = Some(table);
    }
    if let Some(t4) = input.t4 {
        let mut table = Table::new(TableId::T4);
        for key in t4.keys() {
            if template::t4_column(key).is_none() {
                return Err(shape(format!("t4 has no cell \"{key}\"")));
            }
        }
        for (group, cols) in [
            ("rv", &T4_COLUMNS[0..5]),
            ("ld", &T4_COLUMNS[5..10]),
            ("lr", &T4_COLUMNS[10..15]),
        ] {
            let given: InRow = t4
                .iter()
                .filter(|(k, _)| cols.iter().any(|c| c.key == &***k))
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            if !given.is_empty() {
                table.rows.push(read_row(
                    TableId::T4,
                    None,
                    group,
                    cols,
                    &given,
                    &lines,
                    findings,
                )?);
            }
        }
        report.t4 = Some(table);
    }
    if let Some(t2) = input.t2 {
        let mut table = Table::new(TableId::T2);
        for (block_key, rows) in &t2 {
            let block = def.t2_block(block_key).ok_or_else(|| {
                shape(format!(
                    "t2 has no block \"{block_key}\" in the {} template",
                    version.as_str()
                ))
            })?;
            for row_key in rows.keys() {
                if !block.rows.iter().any(|r| r.key == &**row_key) {
                    return Err(shape(format!("t2.{block_key} has no row \"{row_key}\"")));
                }
            }
        }
        for block in def.t2 {
            let Some(rows) = t2.get(block.key) else {
                continue;
            };
            for row_def in block.rows {
                if let Some(cells) = rows.get(row_def.key) {
                    let row = read_row(
                        TableId::T2,
                        Some(block.key),
                        row_def.key,
                        block.columns,
                        cells,
                        &lines,
                        findings,
                    )?;
                    table.rows.push(row);
                }
            }
        }
        report.t2 = Some(table);
    }
    Ok(report)
}

fn shape(message: String) -> InputError {
    InputError::Json {
        message,
        line: 0,
        column: 0,
    }
}

fn read_row(
    table: TableId,
    block: Option<&'static str>,
    key: &'static str,
    columns: &[ColumnDef],
    given: &InRow,
    lines: &LineIndex,
    findings: &mut Vec<Finding>,
) -> Result<Row, InputError> {
    let path = |c: &str| match block {
        Some(b) => format!("{}.{b}.{key}.{c}", table.key()),
        None if table == TableId::T4 => format!("t4.{c}"),
        None => format!("{}.{key}.{c}", table.key()),
    };
    // Each given cell put under its column, found among the few of the row by comparing
    // keys in place (not looked up in the map column by column).
    let mut by_column = vec![None; columns.len()];
    for (c, raw) in given {
        let Some(i) = columns
            .iter()
            .position(|d| crate::model::same_key(d.key, c))
        else {
            return Err(shape(format!("unknown cell \"{}\"", path(c))));
        };
        by_column[i] = Some(*raw);
    }
    let mut place = None;
    let cells = columns
        .iter()
        .zip(by_column)
        .map(|(c, raw)| {
            let Some(raw) = raw else {
                return Cell::new(c.key, CellValue::Blank);
            };
            let at = lines.place(raw.get());
            place = place.or(at);
            let text = raw.get().trim();
            if text == "null" {
                return Cell {
                    place: at,
                    ..Cell::new(c.key, CellValue::Blank)
                };
            }
            let cell_text: std::borrow::Cow<'_, str> = if text.starts_with('"') {
                serde_json::from_str::<String>(text).map_or(text.into(), Into::into)
            } else {
                text.into()
            };
            // The canonical JSON states amounts in 万元 (RULES.md), so a bare number there
            // has its unit; raw cell text may still carry its own (`251000元`).
            let kind = match c.kind {
                ColumnKind::MoneyUnitInCell => ColumnKind::MoneyWan,
                k => k,
            };
            read_cell(
                &cell_text,
                kind,
                RowRef::new(table, block, key),
                c.key,
                at,
                findings,
            )
        })
        .collect();
    Ok(Row {
        block,
        key,
        cells,
        place,
    })
}

/// When the JSON does not name its template, the keys it uses tell it.
fn detect_by_keys(input: &InReport) -> (Option<Version>, Markers) {
    let mut markers = Markers::default();
    for v in Version::ALL {
        let def = v.def();
        let other = match v {
            Version::V2019 => Version::V2021.def(),
            Version::V2021 => Version::V2019.def(),
        };
        let mut found: Vec<&'static str> = Vec::new();
        if let Some(t3) = &input.t3 {
            for r in def.t3_results_extra {
                if t3.contains_key(r.key) {
                    found.push(r.label);
                }
            }
        }
        if let Some(t2) = &input.t2 {
            for b in def.t2 {
                let Some(rows) = t2.get(b.key) else { continue };
                let other_block = other.t2_block(b.key);
                for (rk, cells) in rows {
                    for ck in cells.keys() {
                        let here = b.columns.iter().find(|c| c.key == &**ck);
                        let there =
                            other_block.is_some_and(|ob| ob.columns.iter().any(|c| c.key == &**ck));
                        if let (Some(c), false) = (here, there) {
                            if !found.contains(&c.label) {
                                found.push(c.label);
                            }
                        }
                    }
                    if other_block.is_none_or(|ob| !ob.rows.iter().any(|r| r.key == &**rk)) {
                        if let Some(r) = b.rows.iter().find(|r| r.key == &**rk) {
                            if !found.contains(&r.label) {
                                found.push(r.label);
                            }
                        }
                    }
                }
            }
        }
        match v {
            Version::V2019 => markers.v2019 = found,
            Version::V2021 => markers.v2021 = found,
        }
    }
    (markers.version(), markers)
}

/// Places of values in the JSON text, from the byte offset of a borrowed slice.
struct LineIndex<'a> {
    source: &'a str,
    starts: Vec<usize>,
    /// False: no places at all (a report object's JSON, `read_without_places`).
    places: bool,
    /// The last place looked up: its byte offset and how many characters its line has
    /// before it. Values are looked up in text order, so a column is counted on from the
    /// last one on its line (a report written on one line is not counted over and over).
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    fn new(source: &'a str, places: bool) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1))
            .collect();
        LineIndex {
            source,
            starts,
            places,
            last: std::cell::Cell::new((0, 0)),
        }
    }

    fn place(&self, slice: &str) -> Option<Place> {
        if !self.places {
            return None;
        }
        let base = self.source.as_ptr() as usize;
        let at = (slice.as_ptr() as usize).checked_sub(base)?;
        if at > self.source.len() {
            return None;
        }
        let line = self.starts.partition_point(|&s| s <= at);
        let start = self.starts[line.saturating_sub(1)];
        let (last_at, last_chars) = self.last.get();
        let (from, before) = if (start..=at).contains(&last_at) {
            (last_at, last_chars)
        } else {
            (start, 0)
        };
        let chars = before + self.source.get(from..at)?.chars().count();
        self.last.set((at, chars));
        let col = chars + 1;
        Some(Place::new(
            u32::try_from(line).ok()?,
            u32::try_from(col).ok()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys with escapes (copied, not borrowed) read as the same keys written plainly, in
    /// every map: sections, 表二's blocks and rows, 表三's rows, cells, 表四.
    #[test]
    fn escaped_keys_are_the_keys() {
        let plain = r#"{"template":"2021","year":2022,"sections":{"s6":{"text":"无"}},
 "t2":{"art20_1":{"regulations":{"made":1,"repealed":0,"valid":3}}},
 "t3":{"new":{"np":1,"total":1}},"t4":{"rv_keep":5,"rv_total":5}}"#;
        let escaped = r#"{"template":"2021","year":2022,"sections":{"s\u0036":{"text":"无"}},
 "t2":{"art20\u005f1":{"regul\u0061tions":{"m\u0061de":1,"repealed":0,"valid":3}}},
 "t3":{"\u006eew":{"\u006ep":1,"total":1}},"t4":{"rv\u005fkeep":5,"rv_total":5}}"#;
        let (mut f, mut g) = (Vec::new(), Vec::new());
        let (a, b) = (read(plain, &mut f).unwrap(), read(escaped, &mut g).unwrap());
        let values = |r: &Report| {
            [TableId::T2, TableId::T3, TableId::T4].map(|t| {
                let rows = &r.table(t).expect("read").rows;
                rows.iter()
                    .flat_map(|row| {
                        row.cells
                            .iter()
                            .map(|c| (row.key, c.column, c.value.clone()))
                    })
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(values(&a), values(&b));
        assert_eq!(b.sections.get("s6").map(|s| s.text.as_str()), Some("无"));
        let mut h = Vec::new();
        let unknown = read(r#"{"t3":{"n\u0065w":{"x\u0079":1}}}"#, &mut h).unwrap_err();
        assert!(unknown.to_string().contains("t3.new.xy"), "{unknown}");
    }

    #[test]
    fn reads_cells_of_every_kind() {
        let src = r#"{"template":"2019","year":2020,
 "t2":{"art20_6":{"punishment":{"prev_items":2346,"delta":"减 40","decisions":null}},
       "art20_9":{"central_procurement":{"projects":94,"amount":"8208. 93 万元"}}},
 "t3":{"new":{"np":1,"total":"-"}},
 "t4":{"rv_keep":5,"rv_total":3.5}}"#;
        let mut f = Vec::new();
        let r = read(src, &mut f).unwrap();
        let t2 = r.t2.unwrap();
        assert_eq!(
            t2.cell(Some("art20_6"), "punishment", "delta")
                .unwrap()
                .value,
            CellValue::Count(-40)
        );
        assert_eq!(
            t2.cell(Some("art20_6"), "punishment", "decisions")
                .unwrap()
                .value,
            CellValue::Blank
        );
        let amount = t2
            .cell(Some("art20_9"), "central_procurement", "amount")
            .unwrap();
        assert_eq!(amount.value, CellValue::Money("8208.93".parse().unwrap()));
        assert_eq!(amount.place, Some(Place::new(3, 65)));
        let t3 = r.t3.unwrap();
        assert_eq!(
            t3.cell(None, "new", "total").unwrap().value,
            CellValue::NotNumber
        );
        assert_eq!(t3.cell(None, "new", "biz").unwrap().value, CellValue::Blank);
        let t4 = r.t4.unwrap();
        assert!(matches!(
            t4.cell(None, "rv", "rv_total").unwrap().value,
            CellValue::NotWhole(_)
        ));
        assert!(f.iter().any(|f| f.code == crate::finding::Code::F002));
    }

    #[test]
    fn wrong_shapes_are_errors() {
        for src in [
            r#"[1,2]"#,
            r#"[null, null]"#,
            r#"[]"#,
            r#"{"t3": 5}"#,
            r#"{"t3": {"nwe": {}}}"#,
            r#"{"tt": 1}"#,
            r#"{"t4": {"rv_keep": 1, "x": 2}}"#,
            r#"{"template": "2020"}"#,
        ] {
            assert!(
                matches!(read(src, &mut Vec::new()), Err(InputError::Json { .. })),
                "{src}"
            );
        }
    }

    /// A cell no column of its row has is an error that names it; of several, the first
    /// in key order, whatever order the JSON gives them in.
    #[test]
    fn an_unknown_cell_is_named() {
        for src in [
            r#"{"t3": {"new": {"zz": 1, "np": 2, "bogus": 3}}}"#,
            r#"{"t3": {"new": {"bogus": 3, "np": 2, "zz": 1}}}"#,
        ] {
            match read(src, &mut Vec::new()) {
                Err(InputError::Json { message, .. }) => {
                    assert_eq!(message, r#"unknown cell "t3.new.bogus""#)
                }
                other => panic!("{src}: {other:?}"),
            }
        }
    }

    #[test]
    fn template_from_keys() {
        let r = read(r#"{"t3":{"r6_2":{"total":1}}}"#, &mut Vec::new()).unwrap();
        assert_eq!(r.template, Some(Version::V2021));
        let r = read(
            r#"{"t2":{"art20_9":{"central_procurement":{"projects":1}}}}"#,
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(r.template, Some(Version::V2019));
    }
}
