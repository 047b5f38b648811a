//! Word documents (.docx) → the line-and-cell form [`super::layout`] reads, so a filled-in
//! template is checked without saving it as text first. Pure Rust (`zip`, `quick-xml`): the
//! WebAssembly build reads Word documents too.
//!
//! What is read: the main part `word/document.xml`, in document order.
//! - A paragraph (`w:p`) is a line of one cell: the text of its runs (`w:t`) joined, a
//!   `w:br`/`w:cr` starting a new line. A paragraph with tabs (`w:tab`) is split at them
//!   into grid cells, as tab-separated text is.
//! - A table row (`w:tr`) is one line with one cell per grid column: a cell spanning
//!   columns (`w:gridSpan`) holds its text in the first of them and leaves the others empty;
//!   a cell continuing a vertical merge (`w:vMerge` without `restart`) is empty (the value
//!   belongs to the cell above, and the layout reader takes a label's context from the lines
//!   around it); columns skipped before the first cell (`w:gridBefore`) are empty. A cell's
//!   text is the text of all its paragraphs joined by spaces.
//! - A table inside a cell, and a table of one column (a frame around text), are not
//!   squeezed into one cell: their cells' paragraphs and rows become lines of their own, in
//!   order. Text boxes (`w:txbxContent`) give lines of their own before their paragraph;
//!   the fallback copy of a drawing (`mc:Fallback`) and deleted text are skipped.
//!
//! **Places.** A finding's `line` is the n-th line of the document so read (1-based):
//! each paragraph (and each line a break starts in it) and each table row is a line, in
//! document order, tables' rows counted where they stand. `col` is, on a table row, the
//! table's grid column (1-based, the first column is 1, as Word's column count goes); on a
//! paragraph, the character column in the paragraph's text (a tab-split paragraph: the
//! field's position, 1-based). A place thus names "line 57, grid column 3" — in Word, the
//! third column of the table row that is the 57th paragraph-or-row of the document.
//!
//! **Limits.** The input is at most [`super::MAX_INPUT_BYTES`] like any other; the ZIP may
//! hold at most [`MAX_ENTRIES`] entries whose sizes claim at most [`MAX_UNPACKED_BYTES`]
//! together; `word/document.xml` is read through a limit of [`MAX_UNPACKED_BYTES`] whatever
//! its header claims, nested at most [`MAX_DEPTH`] elements deep, and its text may not pass
//! [`super::MAX_INPUT_BYTES`] nor its tables [`MAX_CELLS`] cells. Past any limit the input is
//! refused with [`DocxError`] — a ZIP bomb ends in bounded memory and time.

use std::fmt;
use std::io::{self, BufRead, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::layout::{Doc, DocCell, DocLine};
use super::{InputError, MAX_INPUT_BYTES, MAX_TEXT_LINES};

/// The most bytes the ZIP's entries may claim unpacked, together, and the most read of
/// `word/document.xml` whatever it claims. A 200-page report is about 2 MB.
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;

/// The most entries in the ZIP. A Word document has a few dozen (more with images).
pub const MAX_ENTRIES: usize = 10_000;

/// The deepest element nesting read in `word/document.xml`. Word's own documents nest
/// about 20 deep (a table in a table in a text box stays well under 100).
pub const MAX_DEPTH: usize = 256;

/// The most table cells (grid columns of all rows together).
pub const MAX_CELLS: usize = 1_000_000;

/// The widest a row is read, in grid columns, and the most one cell may span. Wider is not
/// a report's table; the cells past it are dropped.
const MAX_GRID_COLUMNS: u32 = 256;

/// The main part of a Word document.
const DOCUMENT_PART: &str = "word/document.xml";

/// WordprocessingML, transitional and strict.
const W_NS: &[&[u8]] = &[
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC_NS: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";

/// Why a Word document cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocxError {
    /// A ZIP without `word/document.xml`: another kind of ZIP (.xlsx, .odt, .zip).
    NotWord,
    /// The ZIP or its XML is damaged.
    Damaged { detail: String },
    /// Past one of the limits once unpacked: a ZIP bomb or not a report.
    TooLarge { what: DocxLimit },
}

/// Which limit a document passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocxLimit {
    /// The entries claim more than [`MAX_UNPACKED_BYTES`] unpacked.
    Claimed { bytes: u64 },
    /// `word/document.xml` unpacks to more than [`MAX_UNPACKED_BYTES`].
    Unpacked,
    /// More than [`MAX_ENTRIES`] entries.
    Entries { entries: u64 },
    /// Elements nested deeper than [`MAX_DEPTH`].
    Depth,
    /// More text than [`MAX_INPUT_BYTES`].
    Text,
    /// More than [`MAX_CELLS`] table cells.
    Cells,
}

impl DocxError {
    /// The stable code (`unsupported_format`, `damaged`, `too_large`).
    pub fn code(&self) -> &'static str {
        match self {
            DocxError::NotWord => "unsupported_format",
            DocxError::Damaged { .. } => "damaged",
            DocxError::TooLarge { .. } => "too_large",
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        let mb = MAX_UNPACKED_BYTES / 1048576;
        match self {
            DocxError::NotWord => format!(
                "无法读取：这是 ZIP 压缩包，但不是 Word 文档（缺少 {DOCUMENT_PART}）；请提交 .docx、纯文本或规范 JSON"
            ),
            DocxError::Damaged { detail } => format!("无法读取：Word 文档已损坏（{detail}）"),
            DocxError::TooLarge { what } => match what {
                DocxLimit::Claimed { bytes } => format!(
                    "输入过大：Word 文档解压后共 {:.1} MB，超过 {mb} MB 的上限（可能是压缩炸弹）",
                    *bytes as f64 / 1048576.0
                ),
                DocxLimit::Unpacked => format!(
                    "输入过大：{DOCUMENT_PART} 解压后超过 {mb} MB 的上限（可能是压缩炸弹）"
                ),
                DocxLimit::Entries { entries } => format!(
                    "输入过大：压缩包有 {entries} 个文件，超过 {MAX_ENTRIES} 个的上限，不像是 Word 文档"
                ),
                DocxLimit::Depth => {
                    format!("无法读取：Word 文档的 XML 嵌套超过 {MAX_DEPTH} 层的上限")
                }
                DocxLimit::Text => format!(
                    "输入过大：Word 文档的文字超过 {} MB 的上限",
                    MAX_INPUT_BYTES / 1048576
                ),
                DocxLimit::Cells => format!(
                    "输入过大：Word 文档的表格超过 {MAX_CELLS} 个单元格的上限，不像是一份年度报告"
                ),
            },
        }
    }
}

impl fmt::Display for DocxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mb = MAX_UNPACKED_BYTES / 1048576;
        match self {
            DocxError::NotWord => write!(
                f,
                "cannot read: a ZIP archive but not a Word document (no {DOCUMENT_PART}); post a .docx, plain text or the canonical JSON"
            ),
            DocxError::Damaged { detail } => {
                write!(f, "cannot read: the Word document is damaged ({detail})")
            }
            DocxError::TooLarge { what } => match what {
                DocxLimit::Claimed { bytes } => write!(
                    f,
                    "input too large: the Word document unpacks to {:.1} MB, the limit is {mb} MB (a ZIP bomb?)",
                    *bytes as f64 / 1048576.0
                ),
                DocxLimit::Unpacked => write!(
                    f,
                    "input too large: {DOCUMENT_PART} unpacks to more than {mb} MB, the limit (a ZIP bomb?)"
                ),
                DocxLimit::Entries { entries } => write!(
                    f,
                    "input too large: the archive has {entries} files, the limit is {MAX_ENTRIES} (this is not a Word document)"
                ),
                DocxLimit::Depth => write!(
                    f,
                    "cannot read: the Word document's XML nests deeper than {MAX_DEPTH} levels, the limit"
                ),
                DocxLimit::Text => write!(
                    f,
                    "input too large: the Word document's text is over {} MB, the limit",
                    MAX_INPUT_BYTES / 1048576
                ),
                DocxLimit::Cells => write!(
                    f,
                    "input too large: the Word document's tables have over {MAX_CELLS} cells, the limit (this is not one annual report)"
                ),
            },
        }
    }
}

impl From<DocxError> for InputError {
    fn from(e: DocxError) -> Self {
        InputError::Docx(e)
    }
}

/// Reads a Word document into lines of cells.
pub fn doc(input: &[u8]) -> Result<Doc<'static>, InputError> {
    check_entry_count(input)?;
    let mut archive = zip::ZipArchive::new(Cursor::new(input)).map_err(damaged_zip)?;
    if archive.len() > MAX_ENTRIES {
        return Err(DocxError::TooLarge {
            what: DocxLimit::Entries {
                entries: archive.len() as u64,
            },
        }
        .into());
    }
    let mut claimed: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(damaged_zip)?;
        claimed = claimed.saturating_add(entry.size());
    }
    if claimed > MAX_UNPACKED_BYTES {
        return Err(DocxError::TooLarge {
            what: DocxLimit::Claimed { bytes: claimed },
        }
        .into());
    }
    let part = match archive.by_name(DOCUMENT_PART) {
        Ok(part) => part,
        Err(zip::result::ZipError::FileNotFound) => return Err(DocxError::NotWord.into()),
        Err(e) => return Err(damaged_zip(e).into()),
    };
    let limited = Limited {
        inner: part,
        left: MAX_UNPACKED_BYTES,
    };
    parse(BufReader::new(limited))
}

/// Refuses, before the ZIP is parsed, an archive whose end record counts more entries than
/// a Word document has: their directory would be read into memory whole.
fn check_entry_count(input: &[u8]) -> Result<(), DocxError> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let tail_start = input.len().saturating_sub(22 + 65_535);
    let tail = &input[tail_start..];
    let Some(at) = tail.windows(4).rposition(|w| w == EOCD) else {
        return Ok(()); // the ZIP reader says what is wrong
    };
    let Some(count) = tail.get(at + 10..at + 12) else {
        return Ok(());
    };
    let entries = u64::from(u16::from_le_bytes([count[0], count[1]]));
    if entries as usize > MAX_ENTRIES && entries != 0xFFFF {
        return Err(DocxError::TooLarge {
            what: DocxLimit::Entries { entries },
        });
    }
    Ok(())
}

fn damaged_zip(e: zip::result::ZipError) -> DocxError {
    DocxError::Damaged {
        detail: format!("ZIP: {e}"),
    }
}

/// A reader that fails once more than `left` bytes have been asked of it: the limit on
/// what is unpacked, whatever the ZIP's headers claim.
struct Limited<R> {
    inner: R,
    left: u64,
}

/// The message of the I/O error [`Limited`] ends with.
const UNPACK_LIMIT: &str = "nianbao: unpack limit";

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // One more byte means past the limit; none means the part ended exactly at it.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(UNPACK_LIMIT)),
            };
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

// ---- the document as a tree -------------------------------------------------------------

/// A block of the body or of a cell.
#[derive(Debug)]
enum Block {
    /// A paragraph's lines (a break starts a new one).
    Para(Vec<String>),
    Table(Vec<TableRow>),
}

#[derive(Debug, Default)]
struct TableRow {
    /// Grid columns skipped before the first cell (`w:gridBefore`).
    before: u32,
    cells: Vec<TableCell>,
}

#[derive(Debug)]
struct TableCell {
    span: u32,
    /// Continues a vertical merge: its value is the cell above.
    merged: bool,
    blocks: Vec<Block>,
}

/// An element being read, from the body down.
#[derive(Debug)]
enum Frame {
    /// The body, a text box or anything else that holds blocks.
    Blocks(Vec<Block>),
    Table(Vec<TableRow>),
    Row(TableRow),
    Cell(TableCell),
    Para(Vec<String>),
}

/// What the parser counts against the limits.
#[derive(Default)]
struct Budget {
    text: usize,
}

/// Reads `word/document.xml` into lines of cells.
fn parse<R: BufRead>(input: R) -> Result<Doc<'static>, InputError> {
    let blocks = parse_blocks(input)?;
    flatten(&blocks)
}

fn parse_blocks<R: BufRead>(input: R) -> Result<Vec<Block>, DocxError> {
    let mut reader = NsReader::from_reader(input);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut stack: Vec<Frame> = vec![Frame::Blocks(Vec::new())];
    let mut depth = 0usize;
    // Depth at which a skipped subtree (mc:Fallback) started, if inside one.
    let mut skip: Option<usize> = None;
    // Inside w:t (text to take) and inside w:tabs (tab stops, not tabs).
    let mut in_text = 0usize;
    let mut in_tabs = 0usize;
    let mut budget = Budget::default();
    loop {
        buf.clear();
        let (ns, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok(x) => x,
            Err(e) => return Err(xml_error(e, reader.buffer_position())),
        };
        let kind = match &ns {
            ResolveResult::Bound(n) if W_NS.contains(&n.as_ref()) => Ns::W,
            ResolveResult::Bound(n) if n.as_ref() == MC_NS => Ns::Mc,
            _ => Ns::Other,
        };
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(DocxError::TooLarge {
                        what: DocxLimit::Depth,
                    });
                }
                if skip.is_some() {
                    continue;
                }
                let name = e.local_name();
                match (kind, name.as_ref()) {
                    (Ns::Mc, b"Fallback") => skip = Some(depth),
                    (Ns::W, b"t") => in_text += 1,
                    (Ns::W, b"tabs") => in_tabs += 1,
                    (Ns::W, b"tbl") => stack.push(Frame::Table(Vec::new())),
                    (Ns::W, b"tr") => stack.push(Frame::Row(TableRow::default())),
                    (Ns::W, b"tc") => stack.push(Frame::Cell(TableCell {
                        span: 1,
                        merged: false,
                        blocks: Vec::new(),
                    })),
                    (Ns::W, b"p") => stack.push(Frame::Para(vec![String::new()])),
                    (Ns::W, b"txbxContent") => stack.push(Frame::Blocks(Vec::new())),
                    (Ns::W, _) => property(&mut stack, &e, in_tabs > 0),
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if depth + 1 > MAX_DEPTH {
                    return Err(DocxError::TooLarge {
                        what: DocxLimit::Depth,
                    });
                }
                if skip.is_some() || kind != Ns::W {
                    continue;
                }
                match e.local_name().as_ref() {
                    // Empty containers still count: an empty paragraph is a line, an
                    // empty cell a column.
                    b"p" => close(&mut stack, Frame::Para(vec![String::new()])),
                    b"tc" => close(
                        &mut stack,
                        Frame::Cell(TableCell {
                            span: 1,
                            merged: false,
                            blocks: Vec::new(),
                        }),
                    ),
                    b"tr" => close(&mut stack, Frame::Row(TableRow::default())),
                    _ => property(&mut stack, &e, in_tabs > 0),
                }
            }
            Event::End(e) => {
                if let Some(at) = skip {
                    if depth == at {
                        skip = None;
                    }
                    depth = depth.saturating_sub(1);
                    continue;
                }
                depth = depth.saturating_sub(1);
                if kind != Ns::W {
                    continue;
                }
                match e.local_name().as_ref() {
                    b"t" => in_text = in_text.saturating_sub(1),
                    b"tabs" => in_tabs = in_tabs.saturating_sub(1),
                    // The frame this element opened is on top (end names are checked).
                    b"tbl" | b"tr" | b"tc" | b"p" | b"txbxContent" if stack.len() > 1 => {
                        let frame = stack.pop().expect("a frame");
                        close(&mut stack, frame);
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text > 0 && skip.is_none() => {
                let text = t
                    .xml10_content()
                    .map_err(|e| xml_error(e.into(), reader.buffer_position()))?;
                push_text(&mut stack, &text, &mut budget)?;
            }
            Event::CData(t) if in_text > 0 && skip.is_none() => {
                let text = String::from_utf8_lossy(&t);
                push_text(&mut stack, &text, &mut budget)?;
            }
            Event::GeneralRef(r) if in_text > 0 && skip.is_none() => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r
                            .decode()
                            .map_err(|e| xml_error(e.into(), reader.buffer_position()))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_string(),
                            None => {
                                return Err(DocxError::Damaged {
                                    detail: format!("XML: unknown entity &{name};"),
                                })
                            }
                        }
                    }
                    Err(e) => return Err(xml_error(e, reader.buffer_position())),
                };
                push_text(&mut stack, &text, &mut budget)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // A document cut short still gives what it had (a well-formed one closes everything).
    while stack.len() > 1 {
        let frame = stack.pop().expect("a frame");
        close(&mut stack, frame);
    }
    match stack.pop() {
        Some(Frame::Blocks(blocks)) => Ok(blocks),
        _ => Ok(Vec::new()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    W,
    Mc,
    Other,
}

fn xml_error(e: quick_xml::Error, at: u64) -> DocxError {
    if let quick_xml::Error::Io(io) = &e {
        if io.to_string() == UNPACK_LIMIT {
            return DocxError::TooLarge {
                what: DocxLimit::Unpacked,
            };
        }
        return DocxError::Damaged {
            detail: format!("{DOCUMENT_PART}: {io}"),
        };
    }
    DocxError::Damaged {
        detail: format!("{DOCUMENT_PART}, byte {at}: {e}"),
    }
}

/// A `w:` element that is not a container: a tab or break in a run, or a property of the
/// row or cell being read.
fn property(stack: &mut [Frame], e: &BytesStart<'_>, in_tabs: bool) {
    let name = e.local_name();
    match (name.as_ref(), stack.last_mut()) {
        (b"tab", Some(Frame::Para(lines))) if !in_tabs => {
            lines.last_mut().expect("a line").push('\t');
        }
        (b"br" | b"cr", Some(Frame::Para(lines))) => lines.push(String::new()),
        (b"noBreakHyphen", Some(Frame::Para(lines))) => {
            lines.last_mut().expect("a line").push('-');
        }
        (b"gridSpan", Some(Frame::Cell(cell))) => {
            cell.span = number(e).unwrap_or(1).clamp(1, MAX_GRID_COLUMNS);
        }
        (b"vMerge", Some(Frame::Cell(cell))) => {
            cell.merged = !matches!(val(e).as_deref(), Some("restart"));
        }
        (b"gridBefore", Some(Frame::Row(row))) => {
            row.before = number(e).unwrap_or(0).min(MAX_GRID_COLUMNS);
        }
        _ => {}
    }
}

/// The `w:val` of an element.
fn val(e: &BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == b"val")
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn number(e: &BytesStart<'_>) -> Option<u32> {
    val(e)?.trim().parse().ok()
}

fn push_text(stack: &mut [Frame], text: &str, budget: &mut Budget) -> Result<(), DocxError> {
    budget.text += text.len();
    if budget.text > MAX_INPUT_BYTES {
        return Err(DocxError::TooLarge {
            what: DocxLimit::Text,
        });
    }
    if let Some(Frame::Para(lines)) = stack.last_mut() {
        lines.last_mut().expect("a line").push_str(text);
    }
    Ok(())
}

/// Puts a finished element into the one it stands in. Elements out of place (a row outside
/// a table, a cell outside a row) are read as if their container were there.
fn close(stack: &mut [Frame], frame: Frame) {
    match frame {
        Frame::Para(lines) => add_block(stack, Block::Para(lines)),
        Frame::Table(rows) => add_block(stack, Block::Table(rows)),
        Frame::Blocks(blocks) => {
            for b in blocks {
                add_block(stack, b);
            }
        }
        Frame::Row(row) => match stack.last_mut() {
            Some(Frame::Table(rows)) => rows.push(row),
            _ => add_block(stack, Block::Table(vec![row])),
        },
        Frame::Cell(cell) => match stack.last_mut() {
            Some(Frame::Row(row)) => row.cells.push(cell),
            _ => {
                for b in cell.blocks {
                    add_block(stack, b);
                }
            }
        },
    }
}

/// Adds a block to the nearest frame that holds blocks (a paragraph in a text box, inside a
/// paragraph, goes before it).
fn add_block(stack: &mut [Frame], block: Block) {
    for frame in stack.iter_mut().rev() {
        match frame {
            Frame::Blocks(blocks) => return blocks.push(block),
            Frame::Cell(cell) => return cell.blocks.push(block),
            _ => {}
        }
    }
}

// ---- the tree as lines --------------------------------------------------------------------

struct Lines {
    lines: Vec<DocLine<'static>>,
    cells: usize,
}

impl Lines {
    fn push(&mut self, cells: Vec<DocCell<'static>>, tabbed: bool) -> Result<(), InputError> {
        self.cells += cells.len();
        if self.cells > MAX_CELLS {
            return Err(DocxError::TooLarge {
                what: DocxLimit::Cells,
            }
            .into());
        }
        if self.lines.len() >= MAX_TEXT_LINES {
            return Err(InputError::TooManyLines {
                lines: self.lines.len() + 1,
                limit: MAX_TEXT_LINES,
            });
        }
        let line = u32::try_from(self.lines.len() + 1).unwrap_or(u32::MAX);
        self.lines.push(DocLine {
            line,
            cells,
            tabbed,
        });
        Ok(())
    }
}

fn flatten(blocks: &[Block]) -> Result<Doc<'static>, InputError> {
    let mut out = Lines {
        lines: Vec::new(),
        cells: 0,
    };
    flatten_into(blocks, &mut out)?;
    Ok(Doc { lines: out.lines })
}

fn flatten_into(blocks: &[Block], out: &mut Lines) -> Result<(), InputError> {
    for block in blocks {
        match block {
            Block::Para(lines) => {
                for line in lines {
                    paragraph_line(line, out)?;
                }
            }
            Block::Table(rows) => {
                let frame = rows.iter().all(|r| {
                    r.before == 0 && r.cells.len() <= 1 && r.cells.iter().all(|c| c.span == 1)
                });
                for row in rows {
                    let nested = row
                        .cells
                        .iter()
                        .any(|c| c.blocks.iter().any(|b| matches!(b, Block::Table(_))));
                    if frame || nested {
                        for cell in &row.cells {
                            flatten_into(&cell.blocks, out)?;
                        }
                    } else {
                        out.push(row_cells(row), true)?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn paragraph_line(line: &str, out: &mut Lines) -> Result<(), InputError> {
    if line.contains('\t') {
        let cells = line
            .split('\t')
            .enumerate()
            .map(|(i, part)| DocCell {
                text: part.trim().to_string().into(),
                col: u32::try_from(i + 1).unwrap_or(u32::MAX),
                slot: u32::try_from(i).unwrap_or(u32::MAX),
            })
            .collect();
        return out.push(cells, true);
    }
    let lead = line.chars().take_while(|c| c.is_whitespace()).count();
    let cells = vec![DocCell {
        text: line.trim().to_string().into(),
        col: u32::try_from(lead + 1).unwrap_or(u32::MAX),
        slot: u32::try_from(lead).unwrap_or(u32::MAX),
    }];
    out.push(cells, false)
}

/// A row's cells, one per grid column.
fn row_cells(row: &TableRow) -> Vec<DocCell<'static>> {
    let mut cells = Vec::new();
    let push = |text: String, cells: &mut Vec<DocCell<'static>>| {
        if cells.len() < MAX_GRID_COLUMNS as usize {
            let slot = cells.len() as u32;
            cells.push(DocCell {
                text: text.into(),
                col: slot + 1,
                slot,
            });
        }
    };
    for _ in 0..row.before {
        push(String::new(), &mut cells);
    }
    for cell in &row.cells {
        let text = if cell.merged {
            String::new()
        } else {
            cell_text(&cell.blocks)
        };
        push(text, &mut cells);
        for _ in 1..cell.span {
            push(String::new(), &mut cells);
        }
    }
    cells
}

/// The text of a cell: its paragraphs' text joined by spaces.
fn cell_text(blocks: &[Block]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for b in blocks {
        match b {
            Block::Para(lines) => {
                for l in lines {
                    let t = l.replace('\t', " ");
                    let t = t.trim();
                    if !t.is_empty() {
                        parts.push(t.to_string());
                    }
                }
            }
            Block::Table(rows) => {
                for r in rows {
                    for c in &r.cells {
                        let t = cell_text(&c.blocks);
                        if !t.is_empty() {
                            parts.push(t);
                        }
                    }
                }
            }
        }
    }
    parts.join(" ")
}

/// The document's lines as text (a table row's cells joined by tabs), for tests and
/// debugging.
#[cfg(test)]
fn render(doc: &Doc) -> String {
    doc.lines
        .iter()
        .map(|l| {
            l.cells
                .iter()
                .map(|c| c.text.as_ref())
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    fn body(xml: &str) -> String {
        format!("<w:document {W}><w:body>{xml}</w:body></w:document>")
    }

    fn lines(xml: &str) -> Doc<'static> {
        parse(body(xml).as_bytes()).unwrap()
    }

    fn para(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn cell(props: &str, text: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", para(text))
    }

    fn zip_of(files: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(false);
        for (name, data) in files {
            z.start_file(*name, options).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    #[test]
    fn paragraphs_join_runs_and_break_at_br() {
        let doc = lines(
            "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>\
             <w:r><w:t>一、总体</w:t></w:r><w:r><w:t xml:space=\"preserve\">情况 &amp; </w:t></w:r>\
             <w:r><w:br/><w:t>第二行&#x4E00;</w:t></w:r></w:p>\
             <w:p/><w:p><w:r><w:delText>删去</w:delText><w:t>规章</w:t><w:tab/><w:t>3</w:t></w:r></w:p>",
        );
        assert_eq!(render(&doc), "一、总体情况 &\n第二行一\n\n规章\t3");
        assert!(!doc.lines[0].tabbed);
        assert_eq!(doc.lines[3].line, 4);
        assert!(doc.lines[3].tabbed);
        assert_eq!(
            (doc.lines[3].cells[1].col, doc.lines[3].cells[1].slot),
            (2, 1)
        );
    }

    #[test]
    fn grid_span_and_vertical_merge_give_one_cell_per_grid_column() {
        let xml = format!(
            "{}<w:tbl><w:tblGrid/>\
             <w:tr>{}{}{}</w:tr>\
             <w:tr>{}{}{}</w:tr>\
             <w:tr><w:trPr><w:gridBefore w:val=\"2\"/></w:trPr>{}{}</w:tr>\
             </w:tbl>{}",
            para("前"),
            cell(
                "<w:gridSpan w:val=\"2\"/><w:vMerge w:val=\"restart\"/>",
                "三、本年度办理结果"
            ),
            cell("", "（一）予以公开"),
            cell("", "5"),
            cell("<w:gridSpan w:val=\"2\"/><w:vMerge/>", ""),
            cell("", "（二）部分公开"),
            cell("", "1 2"),
            cell("", "a"),
            cell("", "b"),
            para("后"),
        );
        let doc = lines(&xml);
        assert_eq!(
            render(&doc),
            "前\n三、本年度办理结果\t\t（一）予以公开\t5\n\t\t（二）部分公开\t1 2\n\t\ta\tb\n后"
        );
        let row = &doc.lines[1];
        assert!(row.tabbed);
        assert_eq!(row.line, 2);
        let cols: Vec<(u32, u32)> = row.cells.iter().map(|c| (c.col, c.slot)).collect();
        assert_eq!(cols, [(1, 0), (2, 1), (3, 2), (4, 3)]);
        assert_eq!(doc.lines[4].line, 5);
    }

    #[test]
    fn a_cell_joins_its_paragraphs_and_nested_tables_become_lines() {
        let xml = format!(
            "<w:tbl><w:tr><w:tc>{}{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>\
             <w:tbl><w:tr><w:tc>{}<w:tbl><w:tr>{}{}</w:tr></w:tbl></w:tc></w:tr></w:tbl>",
            para("商业"),
            para("企业"),
            para("7"),
            para("外框里的段落"),
            cell("", "规章"),
            cell("", "3"),
        );
        assert_eq!(render(&lines(&xml)), "商业 企业\t7\n外框里的段落\n规章\t3");
    }

    #[test]
    fn fallback_copies_are_skipped_and_text_boxes_read() {
        let xml = "<w:p><w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent>\
                   <w:p><w:r><w:t>框内</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>\
                   <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框内</w:t></w:r></w:p>\
                   </w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>\
                   <w:r><w:t>正文</w:t></w:r></w:p>";
        assert_eq!(render(&lines(xml)), "框内\n正文");
    }

    #[test]
    fn nesting_past_the_limit_is_refused() {
        let deep = format!(
            "{}{}",
            "<w:sdt>".repeat(MAX_DEPTH + 5),
            "</w:sdt>".repeat(MAX_DEPTH + 5)
        );
        let err = parse(body(&deep).as_bytes()).unwrap_err();
        assert_eq!(
            err,
            InputError::Docx(DocxError::TooLarge {
                what: DocxLimit::Depth
            })
        );
        assert!(err.to_string().contains("256"), "{err}");
        let ok = format!("{}{}", "<w:sdt>".repeat(200), "</w:sdt>".repeat(200));
        assert!(parse(body(&ok).as_bytes()).is_ok());
    }

    #[test]
    fn damaged_xml_and_foreign_zips_are_clear_errors() {
        let err = parse(b"<w:document><w:body><w:p></w:tc>".as_slice()).unwrap_err();
        assert_eq!(err.code(), "damaged", "{err}");
        let other = zip_of(
            &[("xl/workbook.xml", b"<x/>")],
            zip::CompressionMethod::Deflated,
        );
        assert_eq!(
            doc(&other).unwrap_err(),
            InputError::Docx(DocxError::NotWord)
        );
        let mut broken = zip_of(
            &[(DOCUMENT_PART, body(&para("x")).as_bytes())],
            zip::CompressionMethod::Stored,
        );
        let len = broken.len();
        broken.truncate(len - 30);
        assert_eq!(doc(&broken).unwrap_err().code(), "damaged");
    }

    /// A ZIP bomb: 60 MB of one byte deflate to about 60 KB. Refused for what its header
    /// claims; and when the header lies, the reading stops at the limit.
    #[test]
    fn zip_bombs_end_in_a_clear_error() {
        let big = vec![b' '; 60 * 1024 * 1024];
        let bomb = zip_of(&[(DOCUMENT_PART, &big)], zip::CompressionMethod::Deflated);
        assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
        let err = doc(&bomb).unwrap_err();
        assert!(
            matches!(
                err,
                InputError::Docx(DocxError::TooLarge {
                    what: DocxLimit::Claimed { .. }
                })
            ),
            "{err:?}"
        );
        assert_eq!(err.code(), "too_large");
        assert!(err.message_zh().contains("压缩炸弹"));
        // The same, its sizes claiming 1 KB: the unpacking stops past 50 MB.
        let lying = lie_about_sizes(&bomb, 1024);
        let err = doc(&lying).unwrap_err();
        assert_eq!(
            err,
            InputError::Docx(DocxError::TooLarge {
                what: DocxLimit::Unpacked
            })
        );
        // Through the front door too.
        assert_eq!(
            crate::ingest::ingest(&bomb).unwrap_err().code(),
            "too_large"
        );
    }

    /// Rewrites the uncompressed size of every entry (local and central headers).
    fn lie_about_sizes(zip: &[u8], size: u32) -> Vec<u8> {
        let mut out = zip.to_vec();
        let mut i = 0;
        while i + 4 <= out.len() {
            match &out[i..i + 4] {
                b"PK\x03\x04" => out[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
                b"PK\x01\x02" => out[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
                _ => {}
            }
            i += 1;
        }
        out
    }

    #[test]
    fn too_many_entries_are_refused_before_the_directory_is_read() {
        let names: Vec<String> = (0..MAX_ENTRIES + 1).map(|i| format!("f{i}")).collect();
        let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let zip = zip_of(&files, zip::CompressionMethod::Stored);
        let err = doc(&zip).unwrap_err();
        assert!(
            matches!(
                err,
                InputError::Docx(DocxError::TooLarge {
                    what: DocxLimit::Entries { .. }
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn spans_are_bounded() {
        let row = format!(
            "<w:tbl><w:tr>{}</w:tr></w:tbl>",
            cell("<w:gridSpan w:val=\"4000000000\"/>", "x")
        );
        let doc = lines(&row);
        assert_eq!(doc.lines[0].cells.len(), MAX_GRID_COLUMNS as usize);
    }
}
