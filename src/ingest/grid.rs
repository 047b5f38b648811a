//! Delimited grids in text — Markdown pipe tables (`| a | b |`, html2text's `a| b`) and
//! box-drawn grids (w3m's `│a│b│` between `├─┼─┤` rules, pandoc's `+---+`) → one line of
//! cells per table row, the cells parted where the grid parts them.
//!
//! In a box-drawn grid a row is every line between two rules, each cell's text wrapped
//! inside it over those lines and joined again here; the text a rule line leaves in a
//! column it does not cross (a label spanning several rows, `│三、本├───┤`) carries on into
//! the next row of that column. In a pipe table every line is a row.
//!
//! Which column a cell is in is counted from the row's label, not from the row's start: a
//! row whose rowspan label is printed on its group's first row only (or left out) lacks
//! cells at its left, a header may stand one column off its rows, and a narrower block's
//! rows are padded at their right. So a cell's `slot` is [`LABEL`] plus how many cells
//! after the row's label it stands — its value column, counted the same in every row and
//! header of a table; a blank cell keeps its place. The label is the last cell before the
//! first value (in a row with no value, its first cell: a header's `信息内容`).
//!
//! Written here rather than taken from a Markdown crate: the readers for Markdown parse
//! well-formed tables into a document tree, while these grids come from converters and
//! text-mode browsers — broken tables, rowspans, box characters — and what is needed is
//! only each cell's text and column.

use unicode_width::UnicodeWidthChar;

use super::layout::{is_value, DocCell, DocLine};
use super::text::is_space;

/// The slot of a row's label cell (cells after it count up from here, before it down).
pub const LABEL: u32 = 1 << 16;

/// Whether a line belongs to a delimited grid: a box-drawing line, or a pipe-table row.
pub fn is_grid_line(raw: &str) -> bool {
    // Box-drawing characters are U+2500..=U+257F, `E2 94 xx` and `E2 95 xx` in UTF-8.
    let bytes = raw.as_bytes();
    if memchr::memchr_iter(0xE2, bytes).any(|i| matches!(bytes.get(i + 1), Some(0x94 | 0x95))) {
        return true;
    }
    // A pipe row has a `|`, a rule a `|` or a `+`: most lines have neither.
    if memchr::memchr2(b'|', b'+', bytes).is_none() {
        return false;
    }
    is_pipe_row(raw) || is_pipe_rule(raw)
}

/// `| a | b |`, `a| b| c`: a pipe row with at least two cells, not a line of links
/// (`[联系我们](…) _|_`).
fn is_pipe_row(raw: &str) -> bool {
    let t = raw.trim();
    if !t.contains('|') || t.contains("](") || t.contains("_|_") {
        return false;
    }
    let inner = t.strip_prefix('|').unwrap_or(t);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    (!inner.is_empty() && inner.contains('|'))
        || (t.starts_with('|') && t.ends_with('|') && t.len() > 1)
}

/// `|---|:--:|`, `---|---`, `+----+====+`: a rule of a pipe or ASCII grid.
fn is_pipe_rule(raw: &str) -> bool {
    let t = raw.trim();
    (t.contains('-') || t.contains('='))
        && (t.contains('|') || t.contains('+'))
        && t.chars()
            .all(|c| matches!(c, '|' | '-' | '=' | ':' | '+' | ' '))
}

fn is_box_char(c: char) -> bool {
    ('\u{2500}'..='\u{257F}').contains(&c)
}

fn is_horizontal(c: char) -> bool {
    matches!(
        c,
        '─' | '━' | '═' | '┄' | '┅' | '┈' | '┉' | '╌' | '╍' | '-' | '=' | ':'
    )
}

/// Characters that part cells: verticals and the junctions rules cross them at.
fn is_separator(c: char) -> bool {
    (is_box_char(c) && !is_horizontal(c)) || c == '|' || c == '+'
}

/// A stretch of a line between two separators.
struct Segment {
    /// 0-based character column where it starts.
    col: usize,
    /// Where it starts on screen (CJK is two columns wide): the same in every line of a
    /// column, however wide the text before it.
    start: usize,
    text: String,
    /// All horizontal rule characters: the grid's rule crosses here.
    rule: bool,
}

fn segments(raw: &str) -> Vec<Segment> {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = Vec::new();
    let (mut start, mut screen, mut width) = (0, 0, 0);
    for i in 0..=chars.len() {
        if i == chars.len() || is_separator(chars[i]) {
            let part: String = chars[start..i].iter().collect();
            let trimmed = part.trim_matches(is_space);
            out.push(Segment {
                col: start,
                start: screen,
                rule: !trimmed.is_empty() && trimmed.chars().all(is_horizontal),
                text: clean(trimmed),
            });
            start = i + 1;
            screen = width + 1;
        }
        if let Some(&c) = chars.get(i) {
            width += UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    // The stretches before the first separator and after the last are outside the grid.
    if out.first().is_some_and(|s| s.text.is_empty()) {
        out.remove(0);
    }
    if out.last().is_some_and(|s| s.text.is_empty()) && raw.trim_end().ends_with(is_separator) {
        out.pop();
    }
    out
}

/// A cell's text without Markdown's marks: `<br>` (a line break inside a cell) becomes a
/// space, `**` and backslash escapes go.
fn clean(s: &str) -> String {
    let mut t = s.to_string();
    for br in ["<br/>", "<br />", "<br>", "<BR>"] {
        t = t.replace(br, " ");
    }
    t = t.replace("**", "");
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    out.trim_matches(is_space).to_string()
}

/// A line in the block: its 1-based number and text.
pub type Raw<'a> = (u32, &'a str);

/// Reads a block of consecutive grid lines into one line of cells per row.
pub fn read_block(block: &[Raw]) -> Vec<DocLine<'static>> {
    let rule_line = |raw: &str| is_pipe_rule(raw) || segments(raw).iter().any(|s| s.rule);
    let is_rule = |raw: &str, segs: &[Segment]| is_pipe_rule(raw) || segs.iter().any(|s| s.rule);
    // Rows span lines only where rules drawn in box characters or `+` junctions part them.
    let ruled = block
        .iter()
        .any(|(_, raw)| rule_line(raw) && raw.chars().any(|c| is_box_char(c) || c == '+'));
    let mut out = Vec::new();
    if !ruled {
        for &(no, raw) in block {
            let segs = segments(raw);
            if !is_rule(raw, &segs) {
                out.push(row_line(no, &[segs]));
            }
        }
        number_columns(&mut out);
        return out;
    }
    let mut group: Vec<Vec<Segment>> = Vec::new();
    let mut first = 0;
    for &(no, raw) in block {
        let segs = segments(raw);
        if is_rule(raw, &segs) {
            if !group.is_empty() {
                out.push(row_line(first, &group));
                group.clear();
            }
            // The text a rule leaves in columns it does not cross carries on into the
            // next row.
            let kept: Vec<Segment> = segs
                .into_iter()
                .filter(|s| !s.rule && !s.text.is_empty())
                .collect();
            if !kept.is_empty() {
                first = no;
                group.push(kept);
            }
            continue;
        }
        if group.is_empty() {
            first = no;
        }
        group.push(segs);
    }
    if !group.is_empty() {
        out.push(row_line(first, &group));
    }
    number_columns(&mut out);
    out
}

/// Where a row's label stands, when its cells say: the last text before its first value,
/// with no empty cell between (or no cell before the first value at all: `-1`). `None`
/// when an empty cell stands between (a blank value, or an empty label cell after its
/// group's) or before the first value with no label (`|  |  | -28 |`).
fn own_label(cells: &[DocCell]) -> Option<i64> {
    let first_value = cells.iter().position(|c| is_value(&c.text));
    let Some(v) = first_value else {
        // A header: its first text is over the labels.
        return Some(cells.iter().position(|c| !c.text.is_empty()).unwrap_or(0) as i64);
    };
    match cells[..v].iter().rposition(|c| !c.text.is_empty()) {
        Some(l) if l + 1 == v => Some(l as i64),
        None if v == 0 => Some(-1),
        _ => None,
    }
}

/// Numbers each row's cells from its label ([`LABEL`]). A row whose own cells do not say
/// where its label stands takes it from the nearest row of the block as many cells wide
/// that does (a grid's columns are the same down it); with none, its slots match no other
/// row's, so its values are placed only if they fill every column.
fn number_columns(rows: &mut [DocLine]) {
    let labels: Vec<Option<i64>> = rows.iter().map(|r| own_label(&r.cells)).collect();
    let data: Vec<bool> = rows
        .iter()
        .map(|r| r.cells.iter().any(|c| is_value(&c.text)))
        .collect();
    let widths: Vec<usize> = rows.iter().map(|r| r.cells.len()).collect();
    for k in 0..rows.len() {
        let label = labels[k].or_else(|| {
            let mut near: Vec<usize> = (0..rows.len())
                .filter(|&o| o != k && widths[o] == widths[k] && labels[o].is_some() && data[o])
                .collect();
            near.sort_by_key(|&o| o.abs_diff(k));
            near.first().and_then(|&o| labels[o])
        });
        for (i, c) in rows[k].cells.iter_mut().enumerate() {
            c.slot = match label {
                Some(l) => u32::try_from(i64::from(LABEL) + i as i64 - l).unwrap_or(0),
                None => UNKNOWN + i as u32,
            };
        }
    }
}

/// Slots of a row whose columns are not known: far from every other row's.
const UNKNOWN: u32 = 3 << 16;

/// One row from the lines it spans: each column's text joined down the lines. A line with
/// as many stretches as the row's first joins them one to one; another (the text a rule
/// left, a line drawn off true) by where its stretches start on screen, adding a column
/// where one starts elsewhere.
fn row_line(no: u32, lines: &[Vec<Segment>]) -> DocLine<'static> {
    // (screen start, character column, text)
    let mut columns: Vec<(usize, usize, String)> = Vec::new();
    let first = lines.iter().map(Vec::len).max().unwrap_or(0);
    for segs in lines {
        if segs.len() == first && columns.len() == first {
            for (c, s) in columns.iter_mut().zip(segs) {
                c.2.push_str(&s.text);
            }
            continue;
        }
        for s in segs {
            match columns.iter_mut().find(|(start, _, _)| *start == s.start) {
                Some((_, _, text)) => text.push_str(&s.text),
                None => columns.push((s.start, s.col, s.text.clone())),
            }
        }
    }
    columns.sort_by_key(|(start, _, _)| *start);
    let cells = columns
        .into_iter()
        .enumerate()
        .map(|(i, (_, col, text))| DocCell {
            text: text.into(),
            col: u32::try_from(col + 1).unwrap_or(u32::MAX),
            slot: i as u32,
        })
        .collect();
    DocLine {
        line: no,
        cells,
        tabbed: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(l: &'a DocLine) -> Vec<&'a str> {
        l.cells.iter().map(|c| c.text.as_ref()).collect()
    }

    fn block(s: &str) -> Vec<DocLine<'static>> {
        let lines: Vec<Raw> = s
            .lines()
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, l))
            .collect();
        read_block(&lines)
    }

    #[test]
    fn pipe_rows_are_lines_and_cells_count_from_the_right() {
        let rows = block(
            "| 信息内容 | 本年制发件数 | 本年废止件数 |\n|---|---|---|\n| 规章 | 0 |  |\n三、本年度办理结果| （一）予以公开| 22\n（二）部分公开| 19",
        );
        assert_eq!(rows.len(), 4);
        assert_eq!(texts(&rows[1]), ["规章", "0", ""]);
        assert_eq!(
            texts(&rows[2]),
            ["三、本年度办理结果", "（一）予以公开", "22"]
        );
        // Values count from their row's label: 22 and 19 are both in the first column.
        assert_eq!(rows[2].cells[2].slot, LABEL + 1);
        assert_eq!(rows[3].cells[1].slot, LABEL + 1);
        assert_eq!(rows[3].cells[0].slot, LABEL);
        assert_eq!(rows[0].cells[1].slot, LABEL + 1);
    }

    #[test]
    fn box_rows_join_wrapped_cells_and_carry_rowspans() {
        let rows = block(
            "├──────┬──────────┼────┤\n\
             │      │1.本机关不│31  │\n\
             │      │掌握      │    │\n\
             │三、本├──────────┼────┤\n\
             │年度办│2.没有现成│0   │\n\
             ├──────┴──────────┼────┤",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(texts(&rows[0]), ["", "1.本机关不掌握", "31"]);
        assert_eq!(texts(&rows[1]), ["三、本年度办", "2.没有现成", "0"]);
        assert_eq!(rows[1].line, 4);
    }

    #[test]
    fn what_is_not_a_grid() {
        for s in [
            "[联系我们](https://x/ \"联系我们\") _|_",
            "一、总体情况",
            "a | b",
        ] {
            let grid = is_grid_line(s);
            assert_eq!(grid, s == "a | b", "{s}");
        }
        assert!(is_grid_line("|---|:-:|"));
        assert!(is_grid_line("+----+----+"));
    }
}
