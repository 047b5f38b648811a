//! Text extracted from PDF or Word → the line-and-cell form [`super::layout`] reads: cells
//! split at tabs (tab-separated extraction) or at runs of two or more spaces (layout-
//! preserving extraction), each cell with its column in the source line; pipe tables and
//! box-drawn grids are parted at their separators by [`super::grid`].

use std::borrow::Cow;

use super::grid;
use super::layout::{Doc, DocCell, DocLine};

/// The most cells a table row has (表四: fifteen values, its label cells, a few empty
/// ones); a tab-separated line with more is text flowed onto one line.
const MAX_ROW_CELLS: usize = 40;

/// Splits text into lines and cells.
pub fn split(source: &str) -> Doc<'_> {
    let mut lines = Lines::new(source);
    let mut out = Vec::with_capacity(lines.raws.len());
    while lines.push_next(&mut out) {}
    Doc { lines: out }
}

/// A text's lines as [`split`] gives them, split a group of source lines at a time (a
/// line, a grid, an HTML table): a reader that needs only the first lines (the title's)
/// splits no more.
pub struct Lines<'a> {
    raws: Vec<grid::Raw<'a>>,
    /// Whether each line holds a byte that a grid line, an HTML table or a tabbed line
    /// needs (see [`marked_lines`]): a line that holds none is split as it is.
    marked: Vec<bool>,
    /// The first source line not split yet.
    next: usize,
}

impl<'a> Lines<'a> {
    pub fn new(source: &'a str) -> Self {
        let (raws, starts) = raw_lines(source);
        Lines {
            marked: marked_lines(source, &starts),
            raws,
            next: 0,
        }
    }

    /// Splits the next group of source lines, its lines pushed to `out`; false when every
    /// line was split.
    pub fn push_next(&mut self, out: &mut Vec<DocLine<'a>>) -> bool {
        let (raws, i) = (&self.raws, self.next);
        if i >= raws.len() {
            return false;
        }
        let (line, raw) = raws[i];
        if !self.marked[i] {
            out.push(DocLine {
                line,
                cells: split_line_tabbed(raw, false),
                tabbed: false,
            });
            self.next = i + 1;
            return true;
        }
        let grid_end = i + raws[i..]
            .iter()
            .take_while(|(_, raw)| grid::is_grid_line(raw))
            .count();
        if grid_end > i {
            out.extend(grid::read_block(&raws[i..grid_end]));
            self.next = grid_end;
            return true;
        }
        if let Some(end) = html_table_end(&raws[i..]) {
            out.extend(html_table(&raws[i..=i + end]));
            self.next = i + end + 1;
            return true;
        }
        let tabbed = memchr::memchr(b'\t', raw.as_bytes()).is_some();
        let cells = split_line_tabbed(raw, tabbed);
        if tabbed && cells.len() > MAX_ROW_CELLS {
            // Not a table row but a page's text nodes joined by tabs (BeautifulSoup's
            // `get_text("\t")`): each is a line of its own, as with `get_text("\n")`.
            out.extend(cells.into_iter().map(|c| DocLine {
                line,
                cells: vec![DocCell {
                    slot: c.col.saturating_sub(1),
                    ..c
                }],
                tabbed: false,
            }));
        } else {
            out.push(DocLine {
                line,
                cells,
                tabbed,
            });
        }
        self.next = i + 1;
        true
    }
}

/// The lines of `source` with their numbers: `source.split('\n')`, a `\r` before each break
/// dropped; and where each starts. Found by memchr: most lines are short, and std's search
/// costs more per line.
fn raw_lines(source: &str) -> (Vec<grid::Raw<'_>>, Vec<usize>) {
    let mut raws = Vec::with_capacity(source.len() / 32 + 1);
    let mut starts = Vec::with_capacity(raws.capacity());
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', source.as_bytes()).chain([source.len()]);
    for (i, end) in ends.enumerate() {
        let raw = &source[start..end];
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        raws.push((line, raw.strip_suffix('\r').unwrap_or(raw)));
        starts.push(start);
        start = end + 1;
    }
    (raws, starts)
}

/// For each line (`starts`: where each starts in `source`), whether it holds a tab, `<`
/// (an HTML table), `|` or `+` (a pipe table or its rule) or E2 (the first byte of a
/// box-drawing character). Most lines hold none: found over the whole text by memchr,
/// instead of four searches a line, and a line found marked is passed over whole.
fn marked_lines(source: &str, starts: &[usize]) -> Vec<bool> {
    let bytes = source.as_bytes();
    let mut marked = vec![false; starts.len()];
    type Search = fn(&[u8]) -> Option<usize>;
    let searches: [Search; 2] = [
        |b| memchr::memchr3(b'\t', b'<', b'|', b),
        |b| memchr::memchr2(b'+', 0xE2, b),
    ];
    for search in searches {
        let (mut at, mut line) = (0, 0);
        while let Some(found) = bytes.get(at..).and_then(search) {
            let found = at + found;
            // The line it is on: the last that starts at or before it (lines only ahead).
            while starts.get(line + 1).is_some_and(|&s| s <= found) {
                line += 1;
            }
            marked[line] = true;
            at = starts.get(line + 1).copied().unwrap_or(bytes.len());
        }
    }
    marked
}

/// The most lines an HTML `<table>` inside a text may span.
const MAX_HTML_TABLE_LINES: usize = 2_000;

/// Where an HTML `<table>` that starts on the first line ends (`</table>`), as a line index
/// from it: PDF-to-Markdown converters write tables with merged cells as HTML.
fn html_table_end(raws: &[grid::Raw]) -> Option<usize> {
    let has = |raw: &str, tag: &[u8]| {
        memchr::memchr(b'<', raw.as_bytes()).is_some()
            && raw
                .as_bytes()
                .windows(tag.len())
                .any(|w| w.eq_ignore_ascii_case(tag))
    };
    let (_, first) = raws.first()?;
    if !has(first, b"<table") {
        return None;
    }
    raws.iter()
        .take(MAX_HTML_TABLE_LINES)
        .position(|(_, raw)| has(raw, b"</table"))
}

/// An HTML table inside a text, read by the HTML reader (rowspans and colspans expanded):
/// the `k`-th row is on the line of the `k`-th `<tr`, other lines on the table's first.
/// A fragment the HTML reader refuses is read as text.
fn html_table<'a>(raws: &[grid::Raw<'a>]) -> Vec<DocLine<'a>> {
    let source: Vec<&str> = raws.iter().map(|(_, raw)| *raw).collect();
    let Ok(doc) = super::html::to_doc(&source.join("\n")) else {
        return raws
            .iter()
            .map(|&(line, raw)| DocLine {
                line,
                cells: split_line(raw),
                tabbed: false,
            })
            .collect();
    };
    let rows: Vec<u32> = raws
        .iter()
        .flat_map(|(line, raw)| {
            let n = raw
                .as_bytes()
                .windows(3)
                .filter(|w| w.eq_ignore_ascii_case(b"<tr"))
                .count();
            std::iter::repeat_n(*line, n)
        })
        .collect();
    let start = raws[0].0;
    let mut k = 0;
    doc.lines
        .into_iter()
        .map(|mut l| {
            l.line = if l.tabbed {
                k += 1;
                rows.get(k - 1).copied().unwrap_or(start)
            } else {
                start
            };
            l
        })
        .collect()
}

fn split_line(raw: &str) -> Vec<DocCell<'_>> {
    split_line_tabbed(raw, memchr::memchr(b'\t', raw.as_bytes()).is_some())
}

/// [`split_line`] told whether the line holds a tab.
fn split_line_tabbed(raw: &str, tabbed: bool) -> Vec<DocCell<'_>> {
    if tabbed {
        // The cells between tabs, as `split('\t')` parts them, found by memchr.
        let tabs = || memchr::memchr_iter(b'\t', raw.as_bytes());
        let mut cells = Vec::with_capacity(tabs().count() + 1);
        let (mut from, mut start) = (0, 0);
        for (slot, end) in tabs().chain(std::iter::once(raw.len())).enumerate() {
            let part = &raw[from..end];
            push_cell(&mut cells, part, start, slot as u32);
            start += part.chars().count() + 1;
            from = end + 1;
        }
        return cells;
    }
    // Layout text: a cell ends at two or more spaces (or an ideographic space). The spaces
    // are told by their bytes (` `, C2 A0, E3 80 80), what lies between passed over by
    // memchr; a cell's characters are counted once, when it ends (std's count, on bytes).
    let mut cells = Vec::new();
    let bytes = raw.as_bytes();
    let space_at = |at: usize| space_width(bytes, at);
    let (mut at, mut col) = (0, 0);
    while at < bytes.len() {
        let (width, spaces) = leading_spaces(bytes, at);
        at += width;
        col += spaces;
        let start = at;
        while at < bytes.len() {
            let w = space_at(at);
            if w == 0 {
                // On to the next byte that may start a space (a UTF-8 lead byte never
                // stands inside a character).
                at = memchr::memchr3(b' ', 0xC2, 0xE3, &bytes[at + 1..])
                    .map_or(bytes.len(), |p| at + 1 + p);
                continue;
            }
            if w == 3 || space_at(at + w) > 0 {
                break;
            }
            at += w;
        }
        if at > start {
            push_cell(&mut cells, &raw[start..at], col, col as u32);
            col += raw[start..at].chars().count();
        }
    }
    cells
}

/// How many bytes the space at byte `at` takes (` `, U+00A0, U+3000; 0: none there).
fn space_width(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at..).unwrap_or_default() {
        [b' ', ..] => 1,
        [0xC2, 0xA0, ..] => 2,
        [0xE3, 0x80, 0x80, ..] => 3,
        _ => 0,
    }
}

/// The spaces (` `, U+00A0, U+3000) from byte `at` on: their bytes and how many they are.
#[inline(always)]
fn leading_spaces(bytes: &[u8], at: usize) -> (usize, usize) {
    // Most cells start with no space at all: told here, without a call.
    if matches!(bytes.get(at), Some(b' ' | 0xC2 | 0xE3)) {
        space_run(bytes, at)
    } else {
        (0, 0)
    }
}

/// [`leading_spaces`] past its first byte. Runs of ASCII spaces, the commonest (layout text
/// pads its columns with them), are passed over eight bytes at a time.
fn space_run(bytes: &[u8], at: usize) -> (usize, usize) {
    let (mut i, mut count) = (at, 0);
    loop {
        while bytes.get(i..).and_then(<[u8]>::first_chunk) == Some(b"        ") {
            i += 8;
            count += 8;
        }
        match space_width(bytes, i) {
            0 => return (i - at, count),
            w => i += w,
        }
        count += 1;
    }
}

/// A cell of `text`, which starts at character `start` of its line.
#[inline]
fn push_cell<'a>(cells: &mut Vec<DocCell<'a>>, text: &'a str, start: usize, slot: u32) {
    let (_, lead) = leading_spaces(text.as_bytes(), 0);
    cells.push(DocCell {
        text: Cow::Borrowed(crate::normalize::trim(text)),
        col: u32::try_from(start + lead + 1).unwrap_or(u32::MAX),
        slot,
    });
}

pub(super) fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}' || c == '\u{00A0}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_cells_keep_their_slot_and_column() {
        let doc = split("规章\t3\t3\t0\t\t\n行政处罚\t2346\t减 40\t0");
        let l = &doc.lines[1];
        assert!(l.tabbed);
        assert_eq!(l.cells[2].text, "减 40");
        assert_eq!(l.cells[2].slot, 2);
        assert_eq!(l.cells[2].col, 11);
    }

    /// A layout line's cells as the doc of `split_line` defines them, a character at a
    /// time: (text, column, slot).
    fn layout_cells_by_chars(raw: &str) -> Vec<(String, u32, u32)> {
        let chars: Vec<char> = raw.chars().collect();
        let mut cells = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            while i < chars.len() && is_space(chars[i]) {
                i += 1;
            }
            let start = i;
            while i < chars.len() {
                let c = chars[i];
                if c == '\u{3000}' || is_space(c) && chars.get(i + 1).is_some_and(|&n| is_space(n))
                {
                    break;
                }
                i += 1;
            }
            if i > start {
                let text: String = chars[start..i].iter().collect();
                let col = start + text.chars().take_while(|&c| is_space(c)).count() + 1;
                cells.push((text.trim().to_string(), col as u32, start as u32));
            }
        }
        cells
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The byte-level split is the character-at-a-time one, on any text without tabs.
        #[test]
        fn layout_split_is_its_definition(chars in proptest::collection::vec(proptest::prop_oneof![
            proptest::sample::select(vec![' ', '\u{3000}', '\u{00A0}', '\u{3001}', '\u{3002}', '\u{00C2}', '\u{2003}']),
            proptest::char::range('\u{4E00}', '\u{4E10}'),
            proptest::char::range('\u{21}', '\u{7E}'),
            proptest::char::range('\u{80}', '\u{3FF}'),
            proptest::char::range('\u{E000}', '\u{E010}'),
            proptest::char::range('\u{1F600}', '\u{1F604}'),
        ], 0..60)) {
            let raw: String = chars.into_iter().filter(|&c| c != '\t').collect();
            let got: Vec<(String, u32, u32)> = split_line(&raw)
                .into_iter()
                .map(|c| (c.text.into_owned(), c.col, c.slot))
                .collect();
            proptest::prop_assert_eq!(got, layout_cells_by_chars(&raw));
        }

        /// The same, on layout lines of long space runs (padded columns, passed over eight
        /// bytes at a time) between cells, other spaces among them.
        #[test]
        fn layout_split_of_padded_columns(parts in proptest::collection::vec(
            "( {1,19}|[中a1，]{1,4}|\u{3000}|\u{00A0}| [\u{3000}\u{00A0}] )", 0..16,
        )) {
            let raw: String = parts.concat();
            let got: Vec<(String, u32, u32)> = split_line(&raw)
                .into_iter()
                .map(|c| (c.text.into_owned(), c.col, c.slot))
                .collect();
            proptest::prop_assert_eq!(got, layout_cells_by_chars(&raw));
        }

        /// A tabbed line's cells are its `split('\t')` parts, trimmed, each in its slot and
        /// at the column after the parts before it and their tabs (tabs at either end, and
        /// tabs side by side, too).
        #[test]
        fn tab_split_is_splits(s in "[\t a中\u{3000}]{0,24}") {
            let mut want = Vec::new();
            let mut start = 0;
            for (slot, part) in s.split('\t').enumerate() {
                let lead = part.chars().take_while(|&c| is_space(c)).count();
                want.push((part.trim().to_string(), (start + lead + 1) as u32, slot as u32));
                start += part.chars().count() + 1;
            }
            let got: Vec<(String, u32, u32)> = split_line_tabbed(&s, true)
                .into_iter()
                .map(|c| (c.text.into_owned(), c.col, c.slot))
                .collect();
            proptest::prop_assert_eq!(got, want);
        }

        /// The lines found by memchr are `split('\n')`'s, numbered from 1, a `\r` before
        /// each break dropped (empty texts, breaks at either end and `\r\n` too).
        #[test]
        fn raw_lines_are_splits_lines(s in "[a\n\r中 ]{0,24}") {
            let want: Vec<(u32, &str)> = s
                .split('\n')
                .enumerate()
                .map(|(i, l)| (i as u32 + 1, l.strip_suffix('\r').unwrap_or(l)))
                .collect();
            let (raws, starts) = raw_lines(&s);
            proptest::prop_assert_eq!(raws, want);
            // Each line starts where the one before ends, past its break.
            let mut at = 0;
            for (start, part) in starts.iter().zip(s.split('\n')) {
                proptest::prop_assert_eq!(*start, at);
                at += part.len() + 1;
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// A line is marked when it holds any of the bytes, and a text splits as when every
        /// line is looked at whole (grids, HTML tables, tabs among plain lines).
        #[test]
        fn unmarked_lines_split_as_any_line(lines in proptest::collection::vec(proptest::prop_oneof![
            "[中 a1]{0,12}",
            "[中 a1\t]{0,12}",
            "\\|[中 1]{0,4}\\|[中 1]{0,4}\\|",
            "[-+|]{0,6}",
            "[┌─┬│中“ ]{0,8}",
            "<table><tr><td>[中1]{0,3}</td></tr></table>",
            "<table>",
            "</table>",
        ], 0..12)) {
            let source = lines.join("\n");
            let (raws, starts) = raw_lines(&source);
            let marked = marked_lines(&source, &starts);
            for ((_, raw), m) in raws.iter().zip(&marked) {
                let any = raw.bytes().any(|b| matches!(b, b'\t' | b'<' | b'|' | b'+' | 0xE2));
                proptest::prop_assert_eq!(*m, any, "{:?}", raw);
            }
            type Cells = Vec<(u32, Vec<(String, u32, u32)>, bool)>;
            let cells = |doc: Doc| -> Cells {
                doc.lines
                    .into_iter()
                    .map(|l| {
                        let cells = l.cells.into_iter().map(|c| (c.text.into_owned(), c.col, c.slot));
                        (l.line, cells.collect(), l.tabbed)
                    })
                    .collect()
            };
            let mut whole = Lines { marked: vec![true; raws.len()], raws, next: 0 };
            let mut out = Vec::new();
            while whole.push_next(&mut out) {}
            proptest::prop_assert_eq!(cells(split(&source)), cells(Doc { lines: out }));
        }
    }

    #[test]
    fn layout_cells_split_at_two_spaces() {
        let doc = split("行政规范性文件       8          26       66");
        let texts: Vec<_> = doc.lines[0].cells.iter().map(|c| c.text.as_ref()).collect();
        assert_eq!(texts, ["行政规范性文件", "8", "26", "66"]);
        assert_eq!(doc.lines[0].cells[1].col, 15);
        let doc = split("   （一）主动公开情况。2024 年，市政府");
        assert_eq!(doc.lines[0].cells.len(), 1);
    }
}
