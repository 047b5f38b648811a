//! Word documents read natively: the blank 2021 template (`tests/fixtures/template-2021.docx`)
//! and the same template with its 表三 filled in by rewriting `word/document.xml`.
//!
//! Places in a Word document (src/ingest/docx.rs, "Places"): `line` is the n-th paragraph or
//! table row of the document, `col` a table row's grid column.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use nianbao::{check, CheckResult, Code, Finding, Format, Options};
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use serde_json::Value;

/// 表三's column keys in order, from the engine's template data.
fn t3_columns() -> impl Iterator<Item = &'static str> {
    nianbao::template::T3_COLUMNS.iter().map(|c| c.key)
}

/// The 2021 template's 表三 row keys in order, from the engine's template data.
fn t3_rows() -> Vec<&'static str> {
    nianbao::template::Version::V2021
        .def()
        .t3_rows()
        .map(|r| r.key)
        .collect()
}

fn fixture(name: &str) -> Vec<u8> {
    let local = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let example = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(local)
        .or_else(|_| std::fs::read(example))
        .expect("fixture")
}

fn run(bytes: &[u8]) -> CheckResult {
    check(bytes, &Options::default()).expect("the document reads")
}

fn codes(r: &CheckResult, prefix: char) -> Vec<&Finding> {
    r.findings
        .iter()
        .filter(|f| f.code.as_str().starts_with(prefix))
        .collect()
}

#[test]
fn the_blank_template_reads_as_the_2021_template_with_every_cell_blank() {
    let bytes = fixture("template-2021.docx");
    assert_eq!(nianbao::ingest(&bytes).unwrap().format, Format::Docx);
    let r = run(&bytes);
    assert_eq!(r.template.map(|v| v.as_str()), Some("2021"));
    let report = serde_json::to_value(&r.report).unwrap();
    for s in ["s1", "s2", "s3", "s4", "s5", "s6"] {
        assert!(!report["sections"][s].is_null(), "section {s} missing");
    }
    assert!(!r
        .findings
        .iter()
        .any(|f| matches!(f.code, Code::C001 | Code::C002 | Code::S001)));
    assert!(codes(&r, 'A').is_empty());
    // 表三: 25 rows × 7 columns; 表四: 15 cells; 表二: the 10 cells of the 2021 form.
    let t3 = report["t3"].as_object().unwrap();
    assert_eq!(t3.len(), 25);
    assert!(t3
        .values()
        .all(|row| row.as_object().unwrap().values().all(Value::is_null)));
    let c003: Vec<&Finding> = r.findings.iter().filter(|f| f.code == Code::C003).collect();
    let in_table = |t: &str| c003.iter().filter(|f| f.location.table == Some(t)).count();
    assert_eq!(
        (in_table("t3"), in_table("t4"), in_table("t2")),
        (175, 15, 10)
    );
    // Each blank cell is placed at its own grid column of its table row.
    let at = |row: &str, column: &str| {
        let f = c003
            .iter()
            .find(|f| f.location.row == Some(row) && f.location.column == Some(column))
            .unwrap_or_else(|| panic!("{row}.{column}"));
        (f.location.line.unwrap(), f.location.col.unwrap())
    };
    assert_eq!(at("new", "np"), (39, 4));
    assert_eq!(at("new", "total"), (39, 10));
    assert_eq!(at("r7", "org_other"), (62, 9));
    assert_eq!(at("carry_out", "np"), (63, 4));
}

/// A 表三 whose sums all hold: result rows, their total, carry-over and new applications.
fn consistent_t3() -> BTreeMap<&'static str, [i64; 7]> {
    let mut t: BTreeMap<&'static str, [i64; 7]> = BTreeMap::new();
    let rows = t3_rows();
    let results = &rows[2..23];
    for (k, key) in results.iter().enumerate() {
        let k = k as i64;
        let six = [k % 4 + 1, k % 2, 0, k % 3 / 2, (k + 1) % 3 / 2, k % 5 / 3];
        t.insert(key, with_total(six));
    }
    let mut r7 = [0i64; 6];
    for key in results {
        for (c, v) in r7.iter_mut().zip(&t[key]) {
            *c += v;
        }
    }
    let carry_in = [3, 1, 0, 0, 0, 0];
    let carry_out = [2, 0, 0, 0, 1, 0];
    let new: Vec<i64> = (0..6).map(|c| r7[c] + carry_out[c] - carry_in[c]).collect();
    t.insert("r7", with_total(r7));
    t.insert("carry_in", with_total(carry_in));
    t.insert("carry_out", with_total(carry_out));
    t.insert("new", with_total(new.try_into().unwrap()));
    t
}

fn with_total(six: [i64; 6]) -> [i64; 7] {
    let mut row = [0; 7];
    row[..6].copy_from_slice(&six);
    row[6] = six.iter().sum();
    row
}

/// The template with its 表三 cells holding `values`: `word/document.xml` rewritten, a run
/// with the number put into each value cell's paragraph (grid columns 4–10 of rows 4–28 of
/// the document's second table), the other parts copied as they are.
/// With `blank_zeros`, cells holding 0 are left blank, as real reports often do.
fn filled_template(values: &BTreeMap<&'static str, [i64; 7]>, blank_zeros: bool) -> Vec<u8> {
    let docx = fixture("template-2021.docx");
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == "word/document.xml" {
            data = fill(&data, |table, row, col| {
                let key = t3_rows().get(row.checked_sub(3)?).copied()?;
                let v = values.get(key)?;
                let v = v.get(col.checked_sub(3)?)?;
                (table == 1 && !(blank_zeros && *v == 0)).then(|| v.to_string())
            });
        }
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Rewrites document.xml: `value(table, row, grid column)` (0-based, top-level tables
/// counted in order) gives the text to put in that cell, if any.
fn fill(xml: &[u8], value: impl Fn(usize, usize, usize) -> Option<String>) -> Vec<u8> {
    let mut reader = Reader::from_reader(xml);
    let mut writer = Writer::new(Vec::new());
    let (mut table, mut depth_tbl, mut row, mut col, mut span) = (None::<usize>, 0, 0, 0, 1);
    let mut tables = 0;
    let mut pending: Option<String> = None;
    let mut buf = Vec::new();
    let run = |w: &mut Writer<Vec<u8>>, text: &str| {
        w.write_event(Event::Start(BytesStart::new("w:r"))).unwrap();
        w.write_event(Event::Start(BytesStart::new("w:t"))).unwrap();
        w.write_event(Event::Text(BytesText::new(text))).unwrap();
        w.write_event(Event::End(BytesEnd::new("w:t"))).unwrap();
        w.write_event(Event::End(BytesEnd::new("w:r"))).unwrap();
    };
    loop {
        let event = reader.read_event_into(&mut buf).unwrap();
        match &event {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == b"w:tbl" => {
                depth_tbl += 1;
                if depth_tbl == 1 {
                    table = Some(tables);
                    tables += 1;
                    row = 0;
                }
            }
            Event::End(e) if e.name().as_ref() == b"w:tbl" => depth_tbl -= 1,
            Event::Start(e) if e.name().as_ref() == b"w:tr" && depth_tbl == 1 => col = 0,
            Event::End(e) if e.name().as_ref() == b"w:tr" && depth_tbl == 1 => row += 1,
            Event::Start(e) if e.name().as_ref() == b"w:tc" && depth_tbl == 1 => {
                span = 1;
                pending = value(table.unwrap(), row, col);
            }
            Event::End(e) if e.name().as_ref() == b"w:tc" && depth_tbl == 1 => col += span,
            Event::Empty(e) if e.name().as_ref() == b"w:gridSpan" => {
                let v = e.try_get_attribute("w:val").unwrap().unwrap();
                span = std::str::from_utf8(&v.value).unwrap().parse().unwrap();
            }
            Event::Empty(e) if e.name().as_ref() == b"w:gridBefore" => {
                let v = e.try_get_attribute("w:val").unwrap().unwrap();
                col += std::str::from_utf8(&v.value)
                    .unwrap()
                    .parse::<usize>()
                    .unwrap();
            }
            Event::Empty(e) if e.name().as_ref() == b"w:p" => {
                if let Some(text) = pending.take() {
                    writer.write_event(Event::Start(e.clone())).unwrap();
                    run(&mut writer, &text);
                    writer
                        .write_event(Event::End(BytesEnd::new("w:p")))
                        .unwrap();
                    buf.clear();
                    continue;
                }
            }
            Event::End(e) if e.name().as_ref() == b"w:p" => {
                if let Some(text) = pending.take() {
                    run(&mut writer, &text);
                }
            }
            _ => {}
        }
        writer.write_event(event).unwrap();
        buf.clear();
    }
    assert!(tables >= 3, "the template's three tables");
    writer.into_inner()
}

#[test]
fn a_filled_template_whose_sums_hold_has_no_sum_finding() {
    let values = consistent_t3();
    let r = run(&filled_template(&values, false));
    assert!(codes(&r, 'A').is_empty(), "{:#?}", codes(&r, 'A'));
    let report = serde_json::to_value(&r.report).unwrap();
    for (key, row) in &values {
        for (c, v) in t3_columns().zip(row) {
            assert_eq!(report["t3"][key][c], Value::from(*v), "{key}.{c}");
        }
    }
    // No blank and no unreadable cell left in 表三.
    assert!(!r.findings.iter().any(|f| f.location.table == Some("t3")
        && matches!(f.code, Code::C003 | Code::C006 | Code::C001 | Code::C002)));
}

/// A finding as the test compares it: code, row, column, line, col.
type Seen<'a> = (
    Code,
    Option<&'a str>,
    Option<&'a str>,
    Option<u32>,
    Option<u32>,
);

#[test]
fn one_wrong_cell_gives_its_sum_findings_at_its_places_and_is_the_suspect() {
    let mut values = consistent_t3();
    let right = values["r1"][0];
    values.get_mut("r1").unwrap()[0] = right + 1; // （一）予以公开 · 自然人
    let r = run(&filled_template(&values, false));
    let a = codes(&r, 'A');
    let got: Vec<Seen> = a
        .iter()
        .map(|f| {
            let l = &f.location;
            (f.code, l.row, l.column, l.line, l.col)
        })
        .collect();
    eprintln!("{got:?}");
    // The row's total no longer adds up (A002, row r1 at line 41), nor does the column's
    // （七）总计 (A003, column np: r7 at line 62, grid column 4).
    assert!(
        got.iter()
            .any(|g| g.0 == Code::A002 && g.1 == Some("r1") && g.3 == Some(41)),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|g| g.0 == Code::A003 && g.2 == Some("np") && g.3 == Some(62) && g.4 == Some(4)),
        "{got:?}"
    );
    assert!(!got.iter().any(|g| g.0 == Code::A001), "{got:?}");
    for f in &a {
        let s = &f.params["suspect"];
        assert_eq!(
            (
                s["table"].as_str(),
                s["row"].as_str(),
                s["column"].as_str(),
                s["value"].as_i64()
            ),
            (Some("t3"), Some("r1"), Some("np"), Some(right)),
            "{f:?}"
        );
    }
}

/// Zeros left blank: no row is complete, so the values are placed by their grid columns;
/// the blanks are C003 and count as 0, and the sums hold.
#[test]
fn a_filled_template_with_zeros_left_blank_reads_by_grid_column() {
    let values = consistent_t3();
    let r = run(&filled_template(&values, true));
    assert!(codes(&r, 'A').is_empty(), "{:#?}", codes(&r, 'A'));
    assert!(!r.findings.iter().any(|f| f.code == Code::C006));
    let report = serde_json::to_value(&r.report).unwrap();
    for (key, row) in &values {
        for (c, v) in t3_columns().zip(row) {
            let want = if *v == 0 {
                Value::Null
            } else {
                Value::from(*v)
            };
            assert_eq!(report["t3"][key][c], want, "{key}.{c}");
        }
    }
}
