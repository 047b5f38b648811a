//! Reading a report: bytes → format → [`Report`] with every value's place, plus the
//! findings that reading itself makes (C006 unreadable rows, F0xx repairs). Each format
//! ends in the same model, so the rules never know where a report came from.

mod decode;
#[cfg(feature = "readers")]
mod docx;
mod grid;
mod html;
mod json;
mod layout;
#[cfg(feature = "readers")]
mod pdf;
mod text;

#[cfg(feature = "readers")]
pub use docx::{DocxError, DocxLimit};
#[cfg(feature = "readers")]
pub use pdf::{Damage, PdfError, PdfLimit};

use std::fmt;

use serde::Serialize;

use crate::finding::{Finding, Location};
use crate::model::{Cell, Place, Report, TableId};
use crate::normalize;
use crate::params;
use crate::template::ColumnKind;

/// The largest input read, in bytes. Real reports are far smaller; a larger input is
/// refused with a clear error rather than read slowly.
pub const MAX_INPUT_BYTES: usize = 20 * 1024 * 1024;

/// The most lines a text report may have. A 200-page report extracts to about 10,000;
/// far more is not a report, and reading it would take memory for nothing.
pub const MAX_TEXT_LINES: usize = 200_000;

/// The formats a report can arrive in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Text extracted from PDF or Word.
    Text,
    /// The canonical report JSON.
    Json,
    /// A Word document (.docx), read natively (`docx.rs`).
    Docx,
    /// An HTML page as published.
    Html,
    /// A PDF with a text layer.
    Pdf,
}

/// The readers of the feature `readers`, which the core engine is built without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Word documents (zip, quick-xml).
    Docx,
    /// PDFs (flate2, RustCrypto).
    Pdf,
    /// Texts and HTML pages in an encoding other than UTF-8 — GBK, GB18030, Big5, UTF-16 …
    /// (chardetng, encoding_rs).
    Encodings,
}

impl Reader {
    /// `docx`, `pdf` or `encodings` (the `reader` of the browser's Error).
    pub fn name(self) -> &'static str {
        match self {
            Reader::Docx => "docx",
            Reader::Pdf => "pdf",
            Reader::Encodings => "encodings",
        }
    }

    fn what(self, lang: crate::Lang) -> &'static str {
        match self {
            Reader::Docx => lang.say("Word 文档（.docx）", "Word document (.docx)"),
            Reader::Pdf => "PDF",
            Reader::Encodings => lang.say(
                "非 UTF-8 编码（GBK、GB18030、Big5、UTF-16 等）文本",
                "text not in UTF-8 (GBK, GB18030, Big5, UTF-16…)",
            ),
        }
    }
}

impl Format {
    /// The format's name, as `Format` serializes (`text`, `json`, `docx`, `html`, `pdf`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }
}

/// A report read from its source.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub format: Format,
    pub report: Report,
    /// Findings made while reading (unreadable rows, repairs), their messages not written
    /// yet: `check` writes every message once, in the language asked and with the labels of
    /// the version read ([`Finding::relabel`] writes one).
    pub findings: Vec<Finding>,
    /// The decoded source text, for quoting lines in human output (empty for a Word
    /// document, whose places are not in a text).
    pub source: String,
    /// The character encoding the bytes were read in (`UTF-8`, `GBK`, …).
    pub encoding: &'static str,
}

/// Why an input cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    Empty,
    TooLarge {
        bytes: usize,
        limit: usize,
    },
    TooManyLines {
        lines: usize,
        limit: usize,
    },
    Binary,
    Undecodable {
        encoding: &'static str,
    },
    Json {
        message: String,
        line: usize,
        column: usize,
    },
    Unsupported {
        format: &'static str,
        advice: &'static str,
    },
    /// A Word document that cannot be read: damaged, another kind of ZIP, or past the
    /// limits once unpacked (a ZIP bomb).
    #[cfg(feature = "readers")]
    Docx(DocxError),
    /// A PDF that cannot be read: damaged, encrypted, scanned (no text layer), or past
    /// the limits.
    #[cfg(feature = "readers")]
    Pdf(PdfError),
    /// An input that needs a reader this build does not have (the feature `readers` off:
    /// the page's core WebAssembly engine): a .docx, a PDF, or a text (or HTML page) that is
    /// not UTF-8. Code `reader_not_loaded`; which reader is told by the engine's own sniffing
    /// (this module), so the host loads the full engine and asks it again
    /// (www/nianbao-engine.js). Never made by a build with the readers (the CLI, the server,
    /// the Node package).
    ReaderNotLoaded {
        reader: Reader,
    },
    /// Markup nested too deep or too many elements (an HTML page past its bounds).
    TooComplex {
        what: &'static str,
        limit: usize,
    },
}

impl InputError {
    /// A stable code for APIs (`empty`, `too_large`, …).
    pub fn code(&self) -> &'static str {
        match self {
            InputError::Empty => "empty",
            InputError::TooLarge { .. }
            | InputError::TooManyLines { .. }
            | InputError::TooComplex { .. } => "too_large",
            InputError::Binary => "binary",
            InputError::Undecodable { .. } => "undecodable",
            InputError::Json { .. } => "json",
            InputError::Unsupported { .. } => "unsupported_format",
            #[cfg(feature = "readers")]
            InputError::Docx(e) => e.code(),
            #[cfg(feature = "readers")]
            InputError::Pdf(e) => e.code(),
            InputError::ReaderNotLoaded { .. } => "reader_not_loaded",
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            InputError::Empty => "输入为空：没有可检查的报告内容".into(),
            InputError::TooLarge { bytes, limit } => format!(
                "输入过大：{:.1} MB，超过 {} MB 的上限",
                *bytes as f64 / 1048576.0,
                limit / 1048576
            ),
            InputError::TooManyLines { lines, limit } => {
                format!("输入过大：共 {lines} 行，超过 {limit} 行的上限，不像是一份年度报告")
            }
            InputError::Binary => "无法读取：输入不是文本，也不是可识别的文档格式".into(),
            InputError::Undecodable { encoding } => {
                format!("无法读取：文本按 {encoding} 编码解码失败")
            }
            InputError::Json {
                message,
                line,
                column,
            } => format!("JSON 格式错误（第 {line} 行第 {column} 列）：{message}"),
            InputError::Unsupported { format, advice } => {
                format!("暂不支持 {format} 格式：{advice}")
            }
            #[cfg(feature = "readers")]
            InputError::Docx(e) => e.message_zh(),
            #[cfg(feature = "readers")]
            InputError::Pdf(e) => e.message_zh(),
            InputError::ReaderNotLoaded { reader } => format!(
                "此版本的检查程序（核心版）不能读取{}，需由完整版读取",
                reader.what(crate::Lang::Zh)
            ),
            InputError::TooComplex { what, limit } => {
                format!("输入过于复杂：HTML 的 {what} 超过 {limit} 的上限，不像是一份年度报告")
            }
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Empty => write!(f, "empty input: there is no report to check"),
            InputError::TooLarge { bytes, limit } => write!(
                f,
                "input too large: {:.1} MB, the limit is {} MB",
                *bytes as f64 / 1048576.0,
                limit / 1048576
            ),
            InputError::TooManyLines { lines, limit } => write!(
                f,
                "input too large: {lines} lines, the limit is {limit} (this is not one annual report)"
            ),
            InputError::Binary => write!(
                f,
                "cannot read: the input is neither text nor a recognized document format"
            ),
            InputError::Undecodable { encoding } => {
                write!(f, "cannot read: the text does not decode as {encoding}")
            }
            InputError::Json {
                message,
                line,
                column,
            } => write!(
                f,
                "invalid report JSON at line {line}, column {column}: {message}"
            ),
            InputError::Unsupported { format, advice } => {
                write!(f, "{format} is not supported: {advice}")
            }
            #[cfg(feature = "readers")]
            InputError::Docx(e) => e.fmt(f),
            #[cfg(feature = "readers")]
            InputError::Pdf(e) => e.fmt(f),
            InputError::ReaderNotLoaded { reader } => write!(
                f,
                "this build of the engine (the core) cannot read a {}: the full engine reads it",
                reader.what(crate::Lang::En)
            ),
            InputError::TooComplex { what, limit } => write!(
                f,
                "input too complex: the HTML's {what} exceed the limit of {limit} (this is not one annual report)"
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Reads a report from bytes, telling the format by content, not by name.
pub fn ingest(input: &[u8]) -> Result<Ingested, InputError> {
    ingest_to(input, None, Depth::Whole)
}

/// Reads a report from text (a host's string, UTF-8 already): exactly as [`ingest`] reads
/// its bytes, without checking them for UTF-8 again.
pub fn ingest_text(text: &str) -> Result<Ingested, InputError> {
    ingest_to(text.as_bytes(), Some(text), Depth::Whole)
}

/// A report's title, agency and year (the rest of the report left empty): what [`ingest`]
/// reads of them, with its errors for the same input, but reading no more of a text, an
/// HTML page, a .docx or a PDF's text than the lines up to the title's end. A batch reads
/// every file's title first, to pair each report with last year's of its agency.
pub fn ingest_title(input: &[u8]) -> Result<Report, InputError> {
    ingest_to(input, None, Depth::Title).map(|read| read.report)
}

/// How much of a report is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// All of it, with the findings of reading it and the source it was read from.
    Whole,
    /// Its title only (no findings, no source).
    Title,
}

/// What a text gives at the depth asked; for its title, only the lines the title needs
/// are split.
fn read_text(source: &str, findings: &mut Vec<Finding>, depth: Depth) -> Report {
    match depth {
        Depth::Whole => layout::read(&text::split(source), findings),
        Depth::Title => {
            let mut lines = text::Lines::new(source);
            layout::read_title_from(|out| lines.push_next(out))
        }
    }
}

/// What a document read into lines gives at the depth asked.
fn read_doc(doc: &layout::Doc, findings: &mut Vec<Finding>, depth: Depth) -> Report {
    match depth {
        Depth::Whole => layout::read(doc, findings),
        Depth::Title => layout::read_title_only(doc),
    }
}

/// `input` read to `depth`; `text`, when given, is `input` as a `str`.
fn ingest_to(input: &[u8], text: Option<&str>, depth: Depth) -> Result<Ingested, InputError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            bytes: input.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    if let Some(err) = unsupported(input) {
        return Err(err);
    }
    if is_pdf(input) {
        return read_pdf(input, depth);
    }
    if input.starts_with(b"PK\x03\x04") {
        return read_docx(input, depth);
    }
    let is_html = html::sniff(input);
    // Borrowed where the bytes are the text already: copied once, for a whole read's
    // source, and not at all for a title.
    let (mut source, encoding) = match text {
        Some(text) => decode::decode_text(text)?,
        None => decode::decode_borrowed(input, is_html)?,
    };
    if source.trim().is_empty() {
        return Err(InputError::Empty);
    }
    let mut findings = Vec::new();
    let (format, report) = if is_html {
        let doc = html::to_doc(&source)?;
        // Places refer to the page as read (html/mod.rs, "Places"): that is the text quoted.
        if depth == Depth::Whole {
            source = html::render(&doc).into();
        }
        (Format::Html, read_doc(&doc, &mut findings, depth))
    } else if is_json(&source) {
        // The JSON states its agency and year: read whole at either depth (its errors are
        // the whole read's).
        (Format::Json, json::read(&source, &mut findings)?)
    } else {
        let lines = memchr::memchr_iter(b'\n', source.as_bytes()).count() + 1;
        if lines > MAX_TEXT_LINES {
            return Err(InputError::TooManyLines {
                lines,
                limit: MAX_TEXT_LINES,
            });
        }
        (Format::Text, read_text(&source, &mut findings, depth))
    };
    Ok(Ingested {
        format,
        report,
        findings,
        source: match depth {
            Depth::Whole => source.into_owned(),
            Depth::Title => String::new(),
        },
        encoding,
    })
}

/// Reads the canonical report JSON of a report *object* (a host's parsed value written back
/// as JSON, as the browser's `check(object)` is given): as [`ingest`] reads that JSON text,
/// but with no places — the text is the host's, not the user's, so the findings' locations
/// keep their section, table, block, row and column and carry no `line` or `col`.
pub fn ingest_object(json: &str) -> Result<Ingested, InputError> {
    if json.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            bytes: json.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let mut findings = Vec::new();
    let report = json::read_without_places(json, &mut findings)?;
    Ok(Ingested {
        format: Format::Json,
        report,
        findings,
        source: String::new(),
        encoding: "UTF-8",
    })
}

/// A PDF. Places are those of the text rebuilt from the page (pdf/mod.rs, "Places").
#[cfg(feature = "readers")]
fn read_pdf(input: &[u8], depth: Depth) -> Result<Ingested, InputError> {
    let mut findings = Vec::new();
    let source = pdf::to_text(input).map_err(InputError::Pdf)?;
    let report = read_text(&source, &mut findings, depth);
    Ok(Ingested {
        format: Format::Pdf,
        report,
        findings,
        source,
        encoding: "UTF-8",
    })
}

/// A Word document (a ZIP). Places in it are its lines and grid columns (docx.rs,
/// "Places"), not those of a text: there is no source text to quote.
#[cfg(feature = "readers")]
fn read_docx(input: &[u8], depth: Depth) -> Result<Ingested, InputError> {
    let mut findings = Vec::new();
    let report = read_doc(&docx::doc(input)?, &mut findings, depth);
    Ok(Ingested {
        format: Format::Docx,
        report,
        findings,
        source: String::new(),
        encoding: "UTF-8",
    })
}

/// Without the readers, the kind is told all the same, and said.
#[cfg(not(feature = "readers"))]
fn read_pdf(_: &[u8], _: Depth) -> Result<Ingested, InputError> {
    Err(InputError::ReaderNotLoaded {
        reader: Reader::Pdf,
    })
}

#[cfg(not(feature = "readers"))]
fn read_docx(_: &[u8], _: Depth) -> Result<Ingested, InputError> {
    Err(InputError::ReaderNotLoaded {
        reader: Reader::Docx,
    })
}

/// The canonical JSON: a text that parses as a JSON object, or one that plainly means to be
/// one — `{` then `"` or `}` — and is broken, which the JSON reader then says where. Anything
/// else is text, even when it starts with `[` or `{`: pandoc's plain text of a report page
/// begins `[] []`, Markdown with a link or an image (`[…](…)`, `![…]`).
fn is_json(source: &str) -> bool {
    let s = source.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let Some(inside) = s.strip_prefix('{') else {
        return false;
    };
    inside.trim_start().starts_with(['"', '}'])
        || serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok()
}

/// A PDF: `%PDF-` at the start (after white space or a BOM), or within the first 1024
/// bytes after binary junk (a mail or download wrapper). A text or JSON report that merely
/// quotes `%PDF-` near its start is not a PDF.
fn is_pdf(input: &[u8]) -> bool {
    let head = &input[..input.len().min(1024)];
    let Some(at) = memchr::memmem::find(head, b"%PDF-") else {
        return false;
    };
    let before = &head[..at];
    let blank = |b: &u8| b.is_ascii_whitespace() || matches!(b, 0xEF | 0xBB | 0xBF | 0xFE | 0xFF);
    before.iter().all(blank)
        || before
            .iter()
            .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
}

/// Formats recognized by their magic bytes that this build does not read.
fn unsupported(input: &[u8]) -> Option<InputError> {
    let head = &input[..input.len().min(1024)];
    let starts = |m: &[u8]| head.starts_with(m);
    if starts(b"\xD0\xCF\x11\xE0") {
        return Some(InputError::Unsupported {
            format: ".doc/.wps/.xls",
            advice: "请另存为 .docx 或纯文本 / save it as .docx or plain text",
        });
    }
    None
}

/// Which row of which table a reader is filling.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowRef {
    pub table: TableId,
    pub block: Option<&'static str>,
    pub key: &'static str,
}

impl RowRef {
    pub fn new(table: TableId, block: Option<&'static str>, key: &'static str) -> Self {
        RowRef { table, block, key }
    }

    pub fn location(self) -> Location {
        Location::row(self.table, self.block, self.key)
    }

    pub fn cell(self, column: &'static str) -> Location {
        Location::cell(self.table, self.block, self.key, column)
    }
}

/// Reads one cell's text as a value of its column and reports the repairs it needed.
pub(crate) fn read_cell(
    raw: &str,
    kind: ColumnKind,
    row: RowRef,
    column: &'static str,
    place: Option<Place>,
    findings: &mut Vec<Finding>,
) -> Cell {
    let parsed = normalize::parse_cell(raw, kind);
    for code in &parsed.repairs {
        findings.push(Finding::unrendered(
            *code,
            params! {"raw" => raw.trim(), "value" => value_text(&parsed.value)},
            row.cell(column).at(place),
        ));
    }
    Cell {
        column,
        value: parsed.value,
        raw: Some(raw.to_string()),
        place,
    }
}

/// A value as messages show it.
pub(crate) fn value_text(v: &crate::model::CellValue) -> String {
    use crate::model::CellValue::*;
    match v {
        Count(n) => n.to_string(),
        Money(d) => format!("{} 万元", d.normalize()),
        NotWhole(d) | NoUnit(d) => d.normalize().to_string(),
        Blank => "空".into(),
        NotNumber => "非数字".into(),
        Unreadable { .. } => "无法读取".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_is_told_by_its_header_not_by_a_quote_of_it() {
        assert!(is_pdf(b"%PDF-1.7\n1 0 obj"));
        assert!(is_pdf(b"\xEF\xBB\xBF  \n%PDF-1.4"));
        assert!(is_pdf(b"\x00\x01junk from a wrapper\x02%PDF-1.5"));
        assert!(!is_pdf(b"{\"title\": \"%PDF-1.7 \"}"));
        assert!(!is_pdf("一、总体情况\n%PDF-1.7".as_bytes()));
        assert!(!is_pdf(b"<html>%PDF-</html>"));
    }

    #[test]
    fn json_is_a_json_object_or_plainly_meant_as_one() {
        for json in [
            r#"{"template": "2021"}"#,
            "\u{feff}  {}",
            r#"{"t3": 5}"#,
            // Broken, but meant as JSON: refused saying where it breaks.
            r#"{"template": "2021", "t3": {"#,
            "{ }x",
        ] {
            assert!(is_json(json), "{json}");
        }
        for text in [
            "[] []\n\n国务院 省政府",
            "[1,2]",
            "![logo](a.png) 一、总体情况",
            "[首页](/) > 政务公开",
            "{关于印发} 一、总体情况",
            "一、总体情况",
        ] {
            assert!(!is_json(text), "{text}");
        }
        let pandoc = "[] []\n\n某县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n";
        let read = ingest(pandoc.as_bytes()).unwrap();
        assert_eq!(read.format, Format::Text);
        assert_eq!(read.report.year, Some(2023));
    }

    /// The title pass splits a text's lines a few at a time: a title after many blank
    /// lines and page numbers is still read, as the whole read reads it.
    #[test]
    fn a_title_after_many_lines_is_the_whole_reads() {
        for before in [0, 15, 16, 17, 63, 64, 65, 300] {
            let text = format!(
                "{}某县人民政府\n2023年政府信息公开工作年度报告\n\n一、总体情况\n正文",
                "\n- 1 -\n".repeat(before)
            );
            let whole = ingest(text.as_bytes()).unwrap().report;
            let title = ingest_title(text.as_bytes()).unwrap();
            assert_eq!(title.year, Some(2023), "{before}");
            assert_eq!(
                (title.title, title.agency, title.year),
                (whole.title, whole.agency, whole.year),
                "{before}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// A string is read as its UTF-8 bytes are, whatever it holds: a report's text, a
        /// page, JSON, control codes, a BOM, cut anywhere.
        #[test]
        fn text_is_read_as_its_bytes(
            which in 0..5usize,
            bom in proptest::prelude::any::<bool>(),
            cut in proptest::prelude::any::<proptest::sample::Index>(),
            noise in "[\\x00-\\x1f\\t\\n\\u{feff}a-z一二]{0,40}",
        ) {
            let base = match which {
                0 => include_str!("../../examples/minhe-2020.txt").to_string(),
                1 => include_str!("../../tests/fixtures/pingtan-2023.html").to_string(),
                2 => r#"{"template": "2021", "year": 2023, "t4": {"1.result_corrected": 3}}"#.to_string(),
                3 => noise.repeat(30),
                _ => "<html><meta charset=\"gbk\"><p>一、总体情况</p>".to_string(),
            };
            let ends: Vec<usize> = (0..=base.len()).filter(|&i| base.is_char_boundary(i)).collect();
            let text = format!("{}{}", if bom { "\u{feff}" } else { "" }, &base[..ends[cut.index(ends.len())]]);
            proptest::prop_assert_eq!(
                format!("{:?}", ingest_text(&text)),
                format!("{:?}", ingest(text.as_bytes()))
            );
        }
    }
}
