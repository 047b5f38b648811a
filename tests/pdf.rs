//! The PDF reader (src/ingest/pdf) on PDFs written here: a report's text set on pages with
//! a CJK font and its ToUnicode map (read back to the same tables, findings placed), and
//! the files it must refuse with a clear error in bounded time and memory — a scan with no
//! text layer, fonts with no map, a password to open, a million objects, a decompression
//! bomb, cycles and deep nesting — and the encrypted files it must read. huaian-2024.pdf itself is in tests/fixtures.rs.

use std::collections::BTreeMap;
use std::io::Write;

use nianbao::{check, ingest, InputError, Options};
use serde_json::Value;

/// A PDF of the given objects (numbered from 1) and a trailer naming object 1 as the root.
fn pdf(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for o in offsets {
        writeln!(out, "{o:010} 00000 n ").unwrap();
    }
    write!(
        out,
        "trailer\n<</Size {} /Root 1 0 R{trailer_extra}>>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap();
    out
}

/// A one-page PDF: catalog, page tree, the page (its resource dictionary's entries
/// `resources`), its content stream (object 4), then `more` objects numbered from 5.
fn one_page(content: Vec<u8>, resources: &str, more: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        b"<</Type /Catalog /Pages 2 0 R>>".to_vec(),
        b"<</Type /Pages /Count 1 /Kids [3 0 R]>>".to_vec(),
        format!("<</Type /Page /Parent 2 0 R /Contents 4 0 R /Resources <<{resources}>>>>")
            .into_bytes(),
        content,
    ];
    objects.extend(more);
    pdf(&objects, "")
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<<{dict} /Length {}>>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Sets text on pages the way a word processor's PDF does: one CID font (codes given in
/// order of first use, a ToUnicode map), one `Tj` per cell at the x its text column gives,
/// 60 lines a page, `- n -` at each foot. The text is a layout extraction, whose columns
/// count characters, so every glyph is set half a font size wide and columns 1.6 times
/// that apart: cells keep their columns and the gaps between them.
/// `map`: the characters the ToUnicode map leaves out (`Some("")`: none), or no map.
fn typeset(text: &str, map: Option<&str>) -> Vec<u8> {
    typeset_with(text, map, false)
}

/// `turned`: each page's content drawn a quarter turn anticlockwise, and the page shown
/// with `/Rotate 90` (upright again), as landscape pages are often made.
fn typeset_with(text: &str, map: Option<&str>, turned: bool) -> Vec<u8> {
    const SIZE: f64 = 10.5;
    let mut codes: BTreeMap<char, u16> = BTreeMap::new();
    let mut pages: Vec<String> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (p, chunk) in lines.chunks(60).enumerate() {
        let mut content = String::from(if turned {
            "0 1 -1 0 842 0 cm BT /F1 10.5 Tf\n"
        } else {
            "BT /F1 10.5 Tf\n"
        });
        let mut put = |s: &str, x: f64, y: f64, content: &mut String| {
            let mut hex = String::new();
            for c in s.chars() {
                let next = codes.len() as u16 + 1;
                let code = *codes.entry(c).or_insert(next);
                hex.push_str(&format!("{code:04X}"));
            }
            content.push_str(&format!("1 0 0 1 {x:.2} {y:.2} Tm <{hex}> Tj\n"));
        };
        for (i, line) in chunk.iter().enumerate() {
            let y = 790.0 - i as f64 * 12.5;
            // Cells: runs of text split at two or more spaces, each at its column.
            let chars: Vec<char> = line.chars().collect();
            let mut col = 0;
            while col < chars.len() {
                while col < chars.len() && chars[col] == ' ' {
                    col += 1;
                }
                let start = col;
                while col < chars.len() && !(chars[col] == ' ' && chars.get(col + 1) == Some(&' '))
                {
                    col += 1;
                }
                if col > start {
                    let cell: String = chars[start..col].iter().collect();
                    let x = 40.0 + start as f64 * 1.6 * SIZE / 2.0;
                    put(cell.trim_end(), x, y, &mut content);
                }
            }
        }
        put(&format!("- {} -", p + 1), 280.0, 40.0, &mut content);
        content.push_str("ET\n");
        pages.push(content);
    }
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let n = pages.len();
    // 1 catalog, 2 pages, 3 font, 4 CID font, 5 ToUnicode, then page and content pairs.
    objects.push(b"<</Type /Catalog /Pages 2 0 R>>".to_vec());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
    objects.push(format!("<</Type /Pages /Count {n} /Kids [{}]>>", kids.join(" ")).into_bytes());
    let to_unicode = if map.is_some() {
        " /ToUnicode 5 0 R"
    } else {
        ""
    };
    let left_out = map.unwrap_or("");
    objects.push(
        format!("<</Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R]{to_unicode}>>")
            .into_bytes(),
    );
    objects.push(b"<</Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /DW 500>>".to_vec());
    let mut cmap = String::from("/CIDInit /ProcSet findresource begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
    let mapped: Vec<_> = codes
        .iter()
        .filter(|(c, _)| !left_out.contains(**c))
        .collect();
    for chunk in mapped.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (c, code) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{code:04X}> <{hex}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap end\n");
    objects.push(stream(" /Filter /FlateDecode", &zlib(cmap.as_bytes())));
    for (i, content) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<</Type /Page /Parent 2 0 R /MediaBox {} /Contents {} 0 R /Resources <</Font <</F1 3 0 R>>>>>>",
                if turned { "[0 0 842 595] /Rotate 90" } else { "[0 0 595 842]" },
                7 + 2 * i
            )
            .into_bytes(),
        );
        objects.push(stream(" /Filter /FlateDecode", &zlib(content.as_bytes())));
    }
    pdf(&objects, "")
}

fn huaian_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/huaian-2024.txt"
    ))
    .unwrap()
    .lines()
    // The extraction's own page numbers go; the typesetter puts its own at each foot.
    .filter(|l| !l.trim().starts_with('-'))
    .collect::<Vec<_>>()
    .join("\n")
}

fn result(bytes: &[u8]) -> Value {
    serde_json::to_value(check(bytes, &Options::default()).expect("readable")).unwrap()
}

fn error(bytes: &[u8]) -> InputError {
    match ingest(bytes) {
        Ok(i) => panic!("read as {:?}:\n{}", i.format, i.source),
        Err(e) => e,
    }
}

#[test]
fn a_typeset_report_reads_as_its_text_does() {
    let text = huaian_text();
    let from_pdf = result(&typeset(&text, Some("")));
    let from_text = result(text.as_bytes());
    for key in ["template", "year", "agency", "valid", "summary"] {
        assert_eq!(from_pdf[key], from_text[key], "{key}");
    }
    for table in ["t2", "t3", "t4"] {
        assert_eq!(
            from_pdf["report"][table], from_text["report"][table],
            "{table}"
        );
    }
    let read = ingest(&typeset(&text, Some(""))).unwrap();
    assert_eq!(read.format, nianbao::Format::Pdf);
    assert!(!read.source.contains("- 1 -"), "page numbers are dropped");
}

#[test]
fn a_page_shown_turned_reads_as_shown() {
    // The same pages with their content drawn a quarter turn anticlockwise and `/Rotate 90`
    // to show them upright again (how landscape pages are often made).
    let text = huaian_text();
    let upright = result(&typeset(&text, Some("")));
    let turned = result(&typeset_with(&text, Some(""), true));
    assert_eq!(turned["report"], upright["report"]);
    assert_eq!(turned["valid"], true);
}

/// PDF 1.5 files (Word's among them) keep most objects in compressed object streams: the
/// page tree and the pages are read from there.
#[test]
fn pages_in_an_object_stream_are_read() {
    let objs = [
        "<</Type /Pages /Count 1 /Kids [4 0 R]>>",
        "<</Type /Page /Parent 3 0 R /Contents 5 0 R /Resources <</Font <</F1 6 0 R>>>>>>",
    ];
    let mut header = String::new();
    let mut body = String::new();
    for (i, o) in objs.iter().enumerate() {
        header.push_str(&format!("{} {} ", 3 + i, body.len()));
        body.push_str(o);
        body.push(' ');
    }
    let data = format!("{header}{body}");
    let content = b"BT /F1 12 Tf 72 700 Td (Object streams: 2024) Tj ET";
    let bytes = pdf(
        &[
            b"<</Type /Catalog /Pages 3 0 R>>".to_vec(),
            stream(
                &format!(
                    " /Type /ObjStm /N 2 /First {} /Filter /FlateDecode",
                    header.len()
                ),
                &zlib(data.as_bytes()),
            ),
            Vec::new(),
            Vec::new(),
            stream("", content),
            b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding>>"
                .to_vec(),
        ],
        "",
    );
    let read = ingest(&bytes).unwrap();
    assert_eq!(read.source.trim(), "Object streams: 2024");
}

#[test]
fn a_typeset_report_that_does_not_add_up_names_the_cell_and_its_line() {
    // 表三 （一）予以公开, 自然人: 1288 → 1298.
    let text = huaian_text().replacen("1288", "1298", 1);
    let bytes = typeset(&text, Some(""));
    let r = result(&bytes);
    assert_eq!(r["valid"], false);
    let a: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with('A'))
        .collect();
    assert!(!a.is_empty(), "{r:#}");
    let read = ingest(&bytes).unwrap();
    let line_of_row = read
        .source
        .lines()
        .position(|l| l.contains("1298"))
        .unwrap()
        + 1;
    for f in &a {
        let suspect = &f["params"]["suspect"];
        assert_eq!(suspect["row"], "r1", "{f:#}");
        assert_eq!(suspect["column"], "np", "{f:#}");
        assert_eq!(suspect["value"], 1288, "{f:#}");
    }
    // The suspect cell's own finding points at its line in the text as read.
    let at_row = a
        .iter()
        .find(|f| f["location"]["row"] == "r1")
        .expect("a finding on the row itself");
    assert_eq!(at_row["location"]["line"], line_of_row, "{at_row:#}");
}

#[test]
fn a_character_without_a_map_is_not_dropped() {
    // The font maps every character but `9`: 3119 (本年新收, 总计) is not read as 311.
    let r = result(&typeset(&huaian_text(), Some("9")));
    assert_eq!(
        r["report"]["t3"]["new"]["total"],
        Value::Null,
        "{:#}",
        r["report"]["t3"]["new"]
    );
    let c004 = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "C004" && f["location"]["row"] == "new")
        .expect("C004 on the row");
    assert_eq!(c004["location"]["column"], "total", "{c004:#}");
    assert!(
        c004["params"]["raw"].as_str().unwrap().contains('\u{FFFD}'),
        "{c004:#}"
    );
}

/// Found by fuzzing: a PDF whose text holds `%PDF-` gave a canonical report that was read
/// back as a PDF. The canonical JSON of any report reads back as JSON.
#[test]
fn a_report_quoting_a_pdf_header_reads_back_as_json() {
    let bytes = typeset("%PDF-1.7 一、总体情况\n本年新收  3", Some(""));
    let checked = check(&bytes, &Options::default()).unwrap();
    let json = serde_json::to_vec(&checked.report).unwrap();
    let again = nianbao::normalize(&json).expect("the canonical JSON reads back");
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&checked.report).unwrap()
    );
}

#[test]
fn a_scan_is_refused_as_having_no_text_layer() {
    let content = b"q 595 0 0 842 0 0 cm /Im1 Do Q";
    let image = stream(
        " /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode",
        b"\xff\xd8\xff\xe0 not really a jpeg",
    );
    let bytes = one_page(stream("", content), "/XObject <</Im1 5 0 R>>", vec![image]);
    let e = error(&bytes);
    assert_eq!(e.code(), "no_text_layer");
    assert!(e.message_zh().contains("没有文字层"), "{}", e.message_zh());
    assert!(e.to_string().contains("no text layer"), "{e}");
}

#[test]
fn fonts_without_a_map_are_refused() {
    let e = error(&typeset("一、总体情况\n本年新收  3", None));
    assert_eq!(e.code(), "no_text_layer");
    assert!(e.to_string().contains("ToUnicode"), "{e}");
}

/// Reports published with a permissions password only (anyone may open them): the four
/// standard security handlers, written by pypdf (tests/fixtures/encrypted/make.py) from
/// the typeset report, read as the unencrypted file is.
#[test]
fn permissions_only_encryption_is_read() {
    let plain = result(&typeset(&huaian_text(), Some("")));
    for name in ["rc4-40", "rc4-128", "aes-128", "aes-256"] {
        let path = format!(
            "{}/tests/fixtures/encrypted/{name}.pdf",
            env!("CARGO_MANIFEST_DIR")
        );
        let r = result(&std::fs::read(path).unwrap());
        assert_eq!(r["report"], plain["report"], "{name}");
        assert_eq!(r["findings"], plain["findings"], "{name}");
    }
}

#[test]
fn a_pdf_that_needs_a_password_is_refused() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/encrypted/aes-128-user-password.pdf"
    );
    let e = error(&std::fs::read(path).unwrap());
    assert_eq!(e.code(), "encrypted");
    assert!(e.message_zh().contains("需要密码"), "{}", e.message_zh());
    // An encryption dictionary the standard handler cannot open (no keys): refused too.
    let mut bytes = typeset("一、总体情况", Some(""));
    let at = bytes.windows(7).rposition(|w| w == b"/Root 1").unwrap();
    bytes.splice(
        at..at,
        b"/Encrypt <</Filter /Standard /V 2 /R 3>> /ID [<00> <00>] "
            .iter()
            .copied(),
    );
    assert_eq!(error(&bytes).code(), "encrypted");
}

#[test]
fn a_cut_file_is_damaged() {
    let bytes = typeset(&huaian_text(), Some(""));
    // The first third holds the page tree and the first pages, not the rest: refused, never
    // a report read from some of its pages.
    let e = error(&bytes[..bytes.len() / 3]);
    assert_eq!(e.code(), "damaged", "{e}");
    assert!(e.message_zh().contains("不完整"), "{}", e.message_zh());
    assert_eq!(error(b"%PDF-1.4\n").code(), "damaged");
}

#[test]
fn a_million_objects_end_in_a_clear_error() {
    // In an object stream: a million declared, the header compressed to a few MB.
    let mut header = String::with_capacity(16_000_000);
    for i in 0..1_000_000u32 {
        header.push_str(&format!("{} {} ", i + 10, i * 5));
    }
    let body = format!("{header}{}", "null ".repeat(1000));
    let objstm = stream(
        &format!(
            " /Type /ObjStm /N 1000000 /First {} /Filter /FlateDecode",
            header.len()
        ),
        &zlib(body.as_bytes()),
    );
    let bytes = pdf(&[b"<</Type /Catalog /Pages 2 0 R>>".to_vec(), objstm], "");
    assert!(bytes.len() < nianbao::ingest::MAX_INPUT_BYTES);
    let e = error(&bytes);
    assert_eq!(e.code(), "too_large", "{e}");
    assert!(e.to_string().contains("100000 objects"), "{e}");
    // Written out one by one: 150,000 objects fit in 20 MB.
    let mut flat = b"%PDF-1.4\n".to_vec();
    for i in 1..=150_000u32 {
        writeln!(flat, "{i} 0 obj null endobj").unwrap();
    }
    assert!(flat.len() < nianbao::ingest::MAX_INPUT_BYTES);
    assert_eq!(error(&flat).code(), "too_large");
}

#[test]
fn huge_arrays_and_font_tables_end_in_a_clear_error() {
    // Two million values in one array (4 MB written out).
    let values = format!("[{}]", "0 ".repeat(2_100_000));
    let e = error(&pdf(&[values.into_bytes()], ""));
    assert_eq!(e.code(), "too_large", "{e}");
    assert!(e.to_string().contains("values"), "{e}");
    // A font whose widths claim 65,536 codes twenty times over.
    let widths = "0 65535 500 ".repeat(20);
    let bytes = one_page(
        stream("", b"BT /F1 12 Tf 72 700 Td <0001> Tj ET"),
        "/Font <</F1 5 0 R>>",
        vec![
            b"<</Type /Font /Subtype /Type0 /Encoding /Identity-H /DescendantFonts [6 0 R]>>"
                .to_vec(),
            format!("<</Type /Font /Subtype /CIDFontType2 /W [{widths}]>>").into_bytes(),
        ],
    );
    let e = error(&bytes);
    assert_eq!(e.code(), "too_large", "{e}");
    assert!(e.to_string().contains("fonts"), "{e}");
}

#[test]
fn a_decompression_bomb_ends_in_a_clear_error() {
    // 200 MB of spaces in a content stream, compressed to about 200 KB.
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![b' '; 1 << 20];
    for _ in 0..200 {
        e.write_all(&block).unwrap();
    }
    let bomb = e.finish().unwrap();
    let bytes = one_page(stream(" /Filter /FlateDecode", &bomb), "", vec![]);
    let e = error(&bytes);
    assert_eq!(e.code(), "too_large", "{e}");
    assert!(e.to_string().contains("decompressed"), "{e}");
}

#[test]
fn too_much_text_ends_in_a_clear_error() {
    // Two million characters shown, compressed to a few KB: refused before the lines are
    // built (each placed character takes memory until then).
    let content = "BT /F1 12 Tf 72 700 Td (xxxxxxxxxxxxxxxxxxxx) Tj ET\n".repeat(100_000);
    let bytes = one_page(
        stream(" /Filter /FlateDecode", &zlib(content.as_bytes())),
        "/Font <</F1 5 0 R>>",
        vec![b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>".to_vec()],
    );
    let e = error(&bytes);
    assert_eq!(e.code(), "too_large", "{e}");
    assert!(e.to_string().contains("characters"), "{e}");
}

#[test]
fn cycles_and_deep_nesting_end() {
    // A page tree whose node is its own kid, and a form that draws itself.
    let content = b"BT /F1 12 Tf 72 700 Td (x) Tj ET /X1 Do";
    let bytes = pdf(
        &[
            b"<</Type /Catalog /Pages 2 0 R>>".to_vec(),
            b"<</Type /Pages /Count 1 /Kids [2 0 R 3 0 R]>>".to_vec(),
            b"<</Type /Page /Parent 2 0 R /Contents 4 0 R /Resources 5 0 R>>".to_vec(),
            stream("", content),
            b"<</Font <</F1 6 0 R>> /XObject <</X1 4 0 R>>>>".to_vec(),
            b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>".to_vec(),
        ],
        "",
    );
    // Object 4 is the page's content and, through /X1, not a form: drawn once.
    let read = ingest(&bytes).unwrap();
    assert_eq!(read.source.trim(), "x");
    let deep = format!("%PDF-1.4\n1 0 obj {} endobj", "[".repeat(1_000_000));
    assert_eq!(error(deep.as_bytes()).code(), "damaged");
}
