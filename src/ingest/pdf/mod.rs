//! PDF with a text layer → the text a layout-preserving extraction gives → the line-and-cell
//! form [`super::layout`] reads. A reader of our own in four parts: `syntax` (tokens and
//! objects), `file` (objects found by scanning, streams decoded, pages), `font` (codes →
//! characters through `/ToUnicode`, widths) and `content` (text operators → characters
//! placed on the page); this file rebuilds lines and table rows from the positions.
//!
//! **Why our own.** `lopdf` (0.47) pulls AES/RC4/SHA-2/MD5, `rand`/`getrandom`, `nom`,
//! `brotli-decompressor` and `rayon` into the WebAssembly build, loads every object and
//! decodes every stream (fonts and images too) before a caller can bound anything; `pdf`
//! (pdf-rs) is heavier still. What a report needs is small: objects, Flate, fonts' maps and
//! the text operators — about a thousand lines, every quantity bounded, any bytes a result.
//!
//! **Lines.** Characters of a page are grouped into lines by their baseline (within 0.4 of
//! the font size), ordered by position; a gap wider than [`CELL_GAP`] font sizes starts a new
//! cell, one wider than [`WORD_GAP`] is a space. Each cell is written at the text column its
//! left edge stands at (half a font size per column, as `pdftotext -layout` does), at least
//! two spaces after the cell before — so table columns line up from row to row and the
//! text reader splits cells and tells columns by position exactly as it does for extracted
//! text. A character drawn twice at nearly the same place (simulated bold) is read once.
//! Page numbers (`- 4 -`, `第 4 页`, a lone centred number) as a page's first or last line
//! are dropped.
//!
//! **Places.** As for HTML pages, places refer to the text as read (returned as the source
//! for quoting): line N is the N-th line of that text, pages one after another.
//!
//! **Limits.** The file is at most [`super::MAX_INPUT_BYTES`]; at most [`MAX_OBJECTS`]
//! objects holding [`MAX_VALUES`] values, [`MAX_FONT_ENTRIES`] font map entries, [`MAX_UNPACKED_BYTES`] decoded stream bytes, [`MAX_PAGES`] pages,
//! [`content::MAX_OPERATORS`] content operators, [`content::MAX_CHARACTERS`] characters
//! shown, and nesting of 64 (objects, page tree) and 8 (forms). Past any of them the input is refused with [`PdfError::TooLarge`]; memory stays
//! within a small multiple of the input and the decoded budget.
//!
//! A page turned by `/Rotate` is read as it is shown; an encrypted file that opens without
//! a password (permissions only, as sites publish them) is decrypted (`crypt.rs`). Not
//! read: files that need a password to open (refused with advice), text drawn as images (a scanned PDF is refused: it has no text layer),
//! text turned on an upright page and vertical writing (read as placed).

mod content;
mod crypt;
mod file;
mod font;
mod syntax;

use std::fmt;

use super::{layout, MAX_INPUT_BYTES, MAX_TEXT_LINES};

pub use content::{MAX_CHARACTERS, MAX_OPERATORS};
pub use font::MAX_FONT_ENTRIES;

/// Most objects in one file. A 200-page report with images has a few thousand.
pub const MAX_OBJECTS: usize = 100_000;
/// Most values (numbers, names, strings, arrays, dictionaries) built from the file's
/// objects together: a 200-page report has a few hundred thousand.
pub const MAX_VALUES: usize = 2_000_000;
/// Most bytes decoded from streams together (content streams, maps, object streams; fonts
/// and images are never decoded).
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;
/// Most pages read.
pub const MAX_PAGES: usize = 5_000;
/// A gap between characters, in font sizes, that starts a new cell.
pub const CELL_GAP: f64 = 1.2;
/// A gap, in font sizes, read as a space within a cell.
pub const WORD_GAP: f64 = 0.25;

/// Why a PDF cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// Damaged past reading.
    Damaged(Damage),
    /// Encrypted with a password needed to open it (or a security handler other than the
    /// standard one).
    Encrypted,
    /// No text at all: a scanned document (images of pages).
    NoText,
    /// Text whose fonts do not say which characters they show (no `/ToUnicode`).
    Unmapped,
    /// Past one of the limits.
    TooLarge(PdfLimit),
}

/// What is damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// No page could be found (a file cut short, or not a document).
    NoPages,
    /// A stream is encoded with a filter this reader does not decode.
    Filter,
    /// Pages or their content are named but not in the file (a file cut short).
    Incomplete,
}

/// Which limit a PDF passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfLimit {
    Objects,
    Values,
    Fonts,
    Unpacked,
    Pages,
    Nesting,
    Operators,
    Text,
}

impl PdfError {
    /// The stable code (`damaged`, `encrypted`, `no_text_layer`, `too_large`).
    pub fn code(&self) -> &'static str {
        match self {
            PdfError::Damaged(_) => "damaged",
            PdfError::Encrypted => "encrypted",
            PdfError::NoText | PdfError::Unmapped => "no_text_layer",
            PdfError::TooLarge(_) => "too_large",
        }
    }

    fn limit_zh(limit: PdfLimit) -> String {
        match limit {
            PdfLimit::Objects => format!("对象超过 {MAX_OBJECTS} 个"),
            PdfLimit::Values => format!("数据项（数值、名称、字符串等）超过 {MAX_VALUES} 个"),
            PdfLimit::Fonts => format!("字体的字符对照和字宽超过 {MAX_FONT_ENTRIES} 项"),
            PdfLimit::Unpacked => format!("解压后的内容超过 {} MB", MAX_UNPACKED_BYTES / 1048576),
            PdfLimit::Pages => format!("页数超过 {MAX_PAGES}"),
            PdfLimit::Nesting => "结构嵌套过深".into(),
            PdfLimit::Operators => format!("页面内容指令超过 {MAX_OPERATORS} 条"),
            PdfLimit::Text => format!(
                "文字超过 {MAX_CHARACTERS} 个字符或 {} MB",
                MAX_INPUT_BYTES / 1048576
            ),
        }
    }

    fn limit_en(limit: PdfLimit) -> String {
        match limit {
            PdfLimit::Objects => format!("more than {MAX_OBJECTS} objects"),
            PdfLimit::Values => {
                format!("more than {MAX_VALUES} values (numbers, names, strings …)")
            }
            PdfLimit::Fonts => format!(
                "more than {MAX_FONT_ENTRIES} entries in its fonts' character maps and widths"
            ),
            PdfLimit::Unpacked => {
                format!(
                    "more than {} MB once decompressed",
                    MAX_UNPACKED_BYTES / 1048576
                )
            }
            PdfLimit::Pages => format!("more than {MAX_PAGES} pages"),
            PdfLimit::Nesting => "structures nested too deep".into(),
            PdfLimit::Operators => format!("more than {MAX_OPERATORS} content operators"),
            PdfLimit::Text => format!(
                "more than {MAX_CHARACTERS} characters or {} MB of text",
                MAX_INPUT_BYTES / 1048576
            ),
        }
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            PdfError::Damaged(Damage::NoPages) => "无法读取：PDF 文件已损坏或不完整，找不到任何页面".into(),
            PdfError::Damaged(Damage::Filter) => "无法读取：PDF 的内容使用了不支持的压缩方式".into(),
            PdfError::Damaged(Damage::Incomplete) => {
                "无法读取：PDF 文件不完整（部分页面或页面内容缺失），可能在传输中被截断。请重新导出或上传完整文件".into()
            }
            PdfError::Encrypted => {
                "无法读取：PDF 已加密，需要密码才能打开。请上传未加密的 PDF，或 Word（.docx）原稿".into()
            }
            PdfError::NoText => "无法读取：PDF 没有文字层（扫描件或图片），无法核对其中的数字。请上传 Word（.docx）原稿或可复制文字的 PDF".into(),
            PdfError::Unmapped => "无法读取：PDF 的字体未提供字符对照（缺少 ToUnicode），文字无法提取。请上传 Word（.docx）原稿，或另行导出 PDF".into(),
            PdfError::TooLarge(limit) => format!(
                "输入过于复杂：PDF {}，不像是一份年度报告",
                Self::limit_zh(*limit)
            ),
        }
    }
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::Damaged(Damage::NoPages) => write!(
                f,
                "cannot read: the PDF is damaged or cut short; no page can be found"
            ),
            PdfError::Damaged(Damage::Filter) => write!(
                f,
                "cannot read: the PDF's content is compressed in a way this reader does not decode"
            ),
            PdfError::Damaged(Damage::Incomplete) => write!(
                f,
                "cannot read: the PDF is incomplete (pages or their content are missing), perhaps cut short in transfer; export or upload the whole file again"
            ),
            PdfError::Encrypted => write!(
                f,
                "cannot read: the PDF is encrypted and needs a password to open; upload an unencrypted PDF or the Word (.docx) original"
            ),
            PdfError::NoText => write!(
                f,
                "cannot read: the PDF has no text layer (a scan or images), so its numbers cannot be checked; upload the Word (.docx) original or a PDF with selectable text"
            ),
            PdfError::Unmapped => write!(
                f,
                "cannot read: the PDF's fonts do not map their glyphs to characters (no ToUnicode); upload the Word (.docx) original or export the PDF again"
            ),
            PdfError::TooLarge(limit) => write!(
                f,
                "input too complex: the PDF has {} (this is not one annual report)",
                Self::limit_en(*limit)
            ),
        }
    }
}

/// The PDF's text, laid out by position.
pub fn to_text(input: &[u8]) -> Result<String, PdfError> {
    let file = file::PdfFile::open(input)?;
    let pages = file.pages()?;
    if pages.is_empty() {
        return Err(PdfError::Damaged(Damage::NoPages));
    }
    let mut fonts = content::Fonts::default();
    let mut run = content::Run::default();
    let mut placed_pages = Vec::with_capacity(pages.len());
    for page in &pages {
        let mut placed = Vec::new();
        let contents = file.contents(page)?;
        run.page(&file, &mut fonts, page, &contents, &mut placed)?;
        placed.retain(|p| !p.text.is_blank());
        placed_pages.push(placed);
    }
    let shown: usize = placed_pages.iter().map(Vec::len).sum();
    let mapped = shown.saturating_sub(run.unmapped);
    if mapped == 0 {
        return Err(if run.unmapped > 0 {
            PdfError::Unmapped
        } else {
            PdfError::NoText
        });
    }
    // Mostly unmapped: not a text layer to read. A few unmapped codes are kept as U+FFFD
    // where they stand (content.rs), so the cells they are in are reported, not misread.
    if run.unmapped > mapped {
        return Err(PdfError::Unmapped);
    }
    let all = placed_pages.iter().flatten();
    let left = all.clone().map(|p| p.x).fold(f64::INFINITY, f64::min);
    let right = all
        .clone()
        .map(|p| p.x + p.width)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut sizes: Vec<f64> = all.map(|p| p.size).filter(|s| *s > 0.5).collect();
    sizes.sort_by(f64::total_cmp);
    let unit = sizes.get(sizes.len() / 2).copied().unwrap_or(10.0) / 2.0;
    let mut out = String::new();
    let mut lines = 0usize;
    for placed in placed_pages {
        let page_lines = lines_of(placed);
        let last = page_lines.len().saturating_sub(1);
        for (i, line) in page_lines.iter().enumerate() {
            if (i == 0 || i == last) && is_page_number(line, left, right) {
                continue;
            }
            write_line(&mut out, line, left, unit)?;
            lines += 1;
            if out.len() > MAX_INPUT_BYTES || lines > MAX_TEXT_LINES {
                return Err(PdfError::TooLarge(PdfLimit::Text));
            }
        }
    }
    Ok(out)
}

/// A line of a page: its characters by position.
struct Line {
    chars: Vec<content::Placed>,
}

/// Groups a page's characters into lines, top to bottom, each left to right.
fn lines_of(mut placed: Vec<content::Placed>) -> Vec<Line> {
    placed.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Line> = Vec::new();
    let mut base = f64::NAN;
    for p in placed {
        let tolerance = 0.4 * p.size.max(1.0);
        match lines.last_mut() {
            Some(line) if (base - p.y).abs() <= tolerance => line.chars.push(p),
            _ => {
                base = p.y;
                lines.push(Line { chars: vec![p] });
            }
        }
    }
    for line in &mut lines {
        line.chars.sort_by(|a, b| a.x.total_cmp(&b.x));
        // A character drawn again at nearly the same place (simulated bold) is read once.
        line.chars.dedup_by(|b, a| {
            a.text == b.text && (b.x - a.x).abs() < 0.3 * a.width.max(a.size * 0.3)
        });
    }
    lines
}

/// Writes a line: cells at the columns their left edges stand at. A column so far to the
/// right that its padding would pass the bound of the text (a character placed at x = 10⁹
/// by a damaged or hostile file) is [`PdfLimit::Text`], found before the padding is made.
fn write_line(out: &mut String, line: &Line, left: f64, unit: f64) -> Result<(), PdfError> {
    let mut col = 0usize;
    let mut prev: Option<&content::Placed> = None;
    for p in &line.chars {
        let size = p.size.max(1.0);
        let target = ((p.x - left) / unit).round().max(0.0) as usize;
        match prev {
            None => {
                pad(out, &mut col, target)?;
            }
            Some(q) => {
                let gap = p.x - (q.x + q.width);
                if gap > CELL_GAP * size {
                    let at = target.max(col + 2);
                    pad(out, &mut col, at)?;
                } else if gap > WORD_GAP * size {
                    out.push(' ');
                    col += 1;
                }
            }
        }
        for c in p.text.chars() {
            // Whitespace inside a character's text (a mapped space) stays one space.
            out.push(if c.is_whitespace() { ' ' } else { c });
            col += 1;
        }
        prev = Some(p);
    }
    out.push('\n');
    Ok(())
}

/// Pads `out` with spaces from column `col` to `target`, unless that passes the bound of
/// the text.
fn pad(out: &mut String, col: &mut usize, target: usize) -> Result<(), PdfError> {
    let n = target.saturating_sub(*col);
    if out.len().saturating_add(n) > MAX_INPUT_BYTES {
        return Err(PdfError::TooLarge(PdfLimit::Text));
    }
    out.extend(std::iter::repeat_n(' ', n));
    *col += n;
    Ok(())
}

/// A page number standing alone: what the text reader takes for one (`- 4 -`, `第 4 页`,
/// `4/12`, [`layout::is_page_number`]), or a lone number centred on the page.
fn is_page_number(line: &Line, left: f64, right: f64) -> bool {
    let text: String = line.chars.iter().flat_map(|p| p.text.chars()).collect();
    if layout::is_page_number(&text) {
        return true;
    }
    let t = text.trim();
    if t.is_empty() || t.len() > 4 || !t.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let (Some(first), Some(last)) = (line.chars.first(), line.chars.last()) else {
        return false;
    };
    let centre = (first.x + last.x + last.width) / 2.0;
    let page_centre = (left + right) / 2.0;
    (centre - page_centre).abs() < 0.1 * (right - left)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of characters at `x`; CJK ones a font size wide, others half.
    fn line(items: &[(&str, f64)]) -> Line {
        Line {
            chars: items
                .iter()
                .map(|(t, x)| content::Placed {
                    text: content::Text::new(t.to_string()),
                    x: *x,
                    y: 0.0,
                    width: if t.is_ascii() { 5.0 } else { 10.0 },
                    size: 10.0,
                })
                .collect(),
        }
    }

    #[test]
    fn page_numbers() {
        assert!(is_page_number(
            &line(&[("-", 290.0), ("4", 297.0), ("-", 304.0)]),
            0.0,
            600.0
        ));
        assert!(is_page_number(
            &line(&[("第", 280.0), ("4", 290.0), ("页", 300.0)]),
            0.0,
            600.0
        ));
        assert!(is_page_number(
            &line(&[("1", 296.0), ("2", 301.0)]),
            0.0,
            600.0
        ));
        assert!(!is_page_number(
            &line(&[("1", 500.0), ("2", 505.0)]),
            0.0,
            600.0
        ));
        assert!(!is_page_number(
            &line(&[("总", 100.0), ("计", 110.0)]),
            0.0,
            600.0
        ));
    }

    #[test]
    fn cells_stand_at_their_columns() {
        let mut out = String::new();
        let l = line(&[
            ("本", 0.0),
            ("年", 10.0),
            ("3", 100.0),
            ("0", 105.0),
            ("5", 200.0),
        ]);
        write_line(&mut out, &l, 0.0, 5.0).expect("a line of a page");
        assert_eq!(
            out,
            format!("本年{}30{}5\n", " ".repeat(18), " ".repeat(18))
        );
    }

    /// A character placed far to the right (a fuzzed PDF drew one at x = 10⁹, and its
    /// line's padding took all the memory there was) is too large a text, said before the
    /// padding is made; so is a gap to one; up to the bound, the padding is written.
    #[test]
    fn columns_past_the_bound_are_too_large() {
        let too_large = Err(PdfError::TooLarge(PdfLimit::Text));
        for far in [
            [("本", 1e9), ("年", 1e9 + 10.0)],
            [("本", 0.0), ("年", 1e12)],
        ] {
            let mut out = String::new();
            assert_eq!(write_line(&mut out, &line(&far), 0.0, 5.0), too_large);
            assert!(out.len() <= MAX_INPUT_BYTES);
        }
        let mut out = String::new();
        let edge = (MAX_INPUT_BYTES - 1) as f64 * 5.0;
        write_line(&mut out, &line(&[("1", edge)]), 0.0, 5.0).expect("within the bound");
        assert_eq!(out.len(), MAX_INPUT_BYTES + 1);
        assert!(out.ends_with(" 1\n"));
    }
}
