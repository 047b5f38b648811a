//! HTML pages as published → the line-and-cell form [`super::layout`] reads.
//!
//! **Parser.** [`tree`]: a small HTML reader of our own, not a crate (why: its module doc).
//!
//! **Bounds.** Nesting deeper than [`MAX_DEPTH`] (512) or more than [`MAX_ELEMENTS`]
//! (200,000) elements, or a table grid over [`MAX_GRID_CELLS`], is refused with
//! [`InputError::TooComplex`]; the reader is linear in the input otherwise (end-tag lookups
//! are bounded by the depth), so a 20 MB page is refused or read in bounded time.
//!
//! **Content.** The site's chrome is left out: `script`/`style`/`nav`/`header`/`footer`/
//! `aside`/forms' controls are never read, and the report is the deepest element that holds
//! at least 70 % of the page's non-link text (menus and link lists are mostly links, the
//! report is mostly text). The page's title (the first heading or `<title>` part that names
//! a 年度报告) is put first when the content does not start with it.
//!
//! **Lines.** Block elements (`p`, `div`, `h1`–`h6`, `li`, … and `<br>`-separated runs) are
//! one-cell lines; each `<tr>` of a data table is a `tabbed` line whose cells are its grid
//! columns, `rowspan`/`colspan` expanded (a spanned cell's text in its first position,
//! empty cells where the span continues, down and across). A table that holds another
//! table or long prose is page layout, not data: its cells are read as blocks.
//!
//! **Places.** A page's source lines are not the report's lines (a CMS writes a whole
//! report on one 40,000-character line; a pretty-printed table puts each cell on its own
//! line), so places refer to the page *as read*: line N is the N-th line of the read text
//! (returned as the source for quoting: blocks one a line, indented two spaces as the
//! paragraphs they are, table rows with their cells joined by tabs), and a cell's column is
//! its character column in that line. The grid column of a cell is its `slot`.

mod tree;

use super::layout::{Doc, DocCell, DocLine};
use super::InputError;
use tree::{parse, Tree};

/// Deepest element nesting read.
pub const MAX_DEPTH: usize = 512;
/// Most elements read from one page.
pub const MAX_ELEMENTS: usize = 200_000;
/// Most cells of all table grids of one page together (spans expanded).
pub const MAX_GRID_CELLS: usize = 2_000_000;

/// Whether bytes look like an HTML page: they start with a doctype or `<html`, or with
/// markup (`<?xml`, a comment) and have one of `<html`, `<head`, `<body`, `<meta` in the
/// first 1024 bytes.
pub fn sniff(input: &[u8]) -> bool {
    let head = &input[..input.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let start = lower
        .iter()
        .position(|b| !(b.is_ascii_whitespace() || *b == 0xEF || *b == 0xBB || *b == 0xBF))
        .unwrap_or(lower.len());
    let lead = &lower[start..];
    if lead.starts_with(b"<!doctype html") || lead.starts_with(b"<html") {
        return true;
    }
    if !lead.starts_with(b"<") {
        return false;
    }
    [&b"<html"[..], b"<head", b"<body", b"<meta"]
        .iter()
        .any(|m| lower.windows(m.len()).any(|w| w == *m))
}

/// The encoding a page declares in `<meta charset>` / `http-equiv` (first 1024 bytes).
#[cfg(feature = "readers")]
pub fn declared_charset(input: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &input[..input.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &lower[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(&rest[..end])
}

/// How a block's line starts in the text as read: as a paragraph, indented.
const INDENT: &str = "  ";

/// The page's text as read, one line per [`DocLine`]: blocks indented as paragraphs, table
/// rows with their cells joined by tabs.
pub(super) fn render(doc: &Doc) -> String {
    let mut out = String::new();
    for l in &doc.lines {
        if !l.tabbed {
            out.push_str(INDENT);
        }
        let texts: Vec<&str> = l.cells.iter().map(|c| c.text.as_ref()).collect();
        out.push_str(&texts.join("\t"));
        out.push('\n');
    }
    out
}

// ---- content ---------------------------------------------------------------------------

/// Text and link text (non-space characters) under each node, computed without recursion.
fn measure(tree: &Tree) -> (Vec<usize>, Vec<usize>) {
    let n = tree.nodes.len();
    let mut text = vec![0usize; n];
    let mut link = vec![0usize; n];
    // Children always have larger ids than their parent: a reverse pass sums bottom-up.
    for id in (0..n).rev() {
        let node = &tree.nodes[id];
        if node.skip {
            continue;
        }
        if node.name.is_empty() {
            text[id] = node.text.chars().filter(|c| !c.is_whitespace()).count();
            continue;
        }
        let t: usize = node.children.iter().map(|&c| text[c]).sum();
        let l: usize = node.children.iter().map(|&c| link[c]).sum();
        text[id] = t;
        link[id] = if node.name == "a" { t } else { l };
    }
    (text, link)
}

/// The element that holds the report: the deepest one with at least 70 % of the page's
/// non-link text, not descending into a data table.
fn content_root(tree: &Tree, text: &[usize], link: &[usize]) -> usize {
    let own = |id: usize| text[id] - link[id].min(text[id]);
    let total = own(0);
    let mut at = 0;
    'down: loop {
        for &c in &tree.nodes[at].children {
            // Never a data table or what is inside one: the report is around its tables.
            let data_table = tree.nodes[c].name == "table" && is_data_table(tree, text, c);
            if !tree.nodes[c].name.is_empty()
                && !data_table
                && own(c) * 10 >= total * 7
                && total > 0
            {
                at = c;
                continue 'down;
            }
        }
        return at;
    }
}

/// The page's title: the first heading naming a 年度报告, else the `<title>` part that does.
fn page_title(tree: &Tree) -> Option<String> {
    let mut title = None;
    for n in &tree.nodes {
        if n.name == "title" && title.is_none() {
            let t = collapse(&n.text);
            title = t
                .split(['_', '|', '－'])
                .flat_map(|p| p.split(" - "))
                .map(str::trim)
                .find(|p| p.contains("报告"))
                .map(str::to_string);
        }
    }
    let mut heading = None;
    for (id, n) in tree.nodes.iter().enumerate() {
        let is_heading = matches!(n.name.as_ref(), "h1" | "h2" | "h3")
            || (n.name == "div" || n.name == "p") && n.class.contains("title");
        if is_heading {
            let t = collapse(&text_of(tree, id));
            if t.contains("年度报告") && t.chars().count() <= 80 {
                heading = Some(t);
                break;
            }
        }
    }
    heading.or(title)
}

/// The text under a node, whitespace collapsed (skipped elements left out).
fn text_of(tree: &Tree, id: usize) -> String {
    let mut out = String::new();
    let mut todo = vec![id];
    while let Some(id) = todo.pop() {
        let n = &tree.nodes[id];
        if n.name.is_empty() {
            out.push_str(&n.text);
            continue;
        }
        if n.skip {
            continue;
        }
        if n.name == "br" || n.block {
            out.push(' ');
        }
        todo.extend(n.children.iter().rev());
    }
    out
}

/// Runs of whitespace (no-break spaces included) as one space, trimmed.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() && c != '\u{3000}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

// ---- doc -------------------------------------------------------------------------------

struct Builder<'t> {
    tree: &'t Tree,
    text: &'t [usize],
    link: &'t [usize],
    lines: Vec<Vec<(String, u32)>>,
    tabbed: Vec<bool>,
    buf: String,
    grid_cells: usize,
}

impl Builder<'_> {
    fn flush(&mut self) {
        let t = collapse(&self.buf);
        self.buf.clear();
        if !t.is_empty() {
            self.lines.push(vec![(t, 0)]);
            self.tabbed.push(false);
        }
    }

    fn walk(&mut self, root: usize) -> Result<(), InputError> {
        // Explicit stack: (node, entering); a block's end flushes its line.
        let mut todo: Vec<(usize, bool)> = vec![(root, true)];
        while let Some((id, enter)) = todo.pop() {
            let n = &self.tree.nodes[id];
            if !enter {
                self.flush();
                continue;
            }
            if n.name.is_empty() {
                self.buf.push_str(&n.text);
                continue;
            }
            let name = n.name.as_ref();
            if n.skip {
                continue;
            }
            if name == "br" {
                self.flush();
                continue;
            }
            if name == "table" && is_data_table(self.tree, self.text, id) {
                self.flush();
                self.table(id)?;
                continue;
            }
            let block = n.block;
            // Link lists and menus: blocks whose text is mostly links.
            let cell = matches!(
                name,
                "td" | "th" | "tr" | "table" | "tbody" | "thead" | "tfoot"
            );
            if block && !cell && id != root && self.link[id] * 2 > self.text[id] {
                continue;
            }
            if block {
                self.flush();
                todo.push((id, false));
            }
            for &c in n.children.iter().rev() {
                todo.push((c, true));
            }
        }
        self.flush();
        Ok(())
    }

    fn table(&mut self, table: usize) -> Result<(), InputError> {
        // Rows in order (those of thead/tbody/tfoot and direct ones), cells in order.
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut todo = vec![table];
        let mut order = Vec::new();
        while let Some(id) = todo.pop() {
            let n = &self.tree.nodes[id];
            if n.name == "tr" {
                order.push(id);
                continue;
            }
            if id == table || matches!(n.name.as_ref(), "thead" | "tbody" | "tfoot" | "form") {
                todo.extend(n.children.iter().rev());
            }
        }
        for tr in order {
            let cells: Vec<usize> = self.tree.nodes[tr]
                .children
                .iter()
                .copied()
                .filter(|&c| matches!(self.tree.nodes[c].name.as_ref(), "td" | "th"))
                .collect();
            rows.push(cells);
        }
        let grid = expand(self.tree, &rows, &mut self.grid_cells)?;
        for row in grid {
            let cells: Vec<(String, u32)> = row
                .into_iter()
                .enumerate()
                .map(|(slot, text)| (text, slot as u32))
                .collect();
            self.lines.push(cells);
            self.tabbed.push(true);
        }
        Ok(())
    }
}

/// A table of data, not of page layout: no table inside it, no cell of long prose (over
/// 300 characters).
fn is_data_table(tree: &Tree, text: &[usize], table: usize) -> bool {
    let mut todo: Vec<usize> = tree.nodes[table].children.clone();
    while let Some(id) = todo.pop() {
        let n = &tree.nodes[id];
        if n.name == "table" {
            return false;
        }
        if matches!(n.name.as_ref(), "td" | "th") && text[id] > 300 {
            return false;
        }
        todo.extend(n.children.iter().copied());
    }
    true
}

/// Rows of cells → rows of grid texts, spans expanded: a spanned cell's text in its first
/// position, empty text where it continues.
fn expand(
    tree: &Tree,
    rows: &[Vec<usize>],
    budget: &mut usize,
) -> Result<Vec<Vec<String>>, InputError> {
    let mut grid: Vec<Vec<Option<String>>> = vec![Vec::new(); rows.len()];
    for (r, cells) in rows.iter().enumerate() {
        let mut c = 0;
        for &cell in cells {
            while grid[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            let n = &tree.nodes[cell];
            let text = collapse(&text_of(tree, cell));
            let rs = n.rowspan.min(rows.len() - r);
            // Every position written is counted (overlapping spans write some twice).
            *budget += rs * n.colspan;
            if *budget > MAX_GRID_CELLS {
                return Err(InputError::TooComplex {
                    what: "table cells",
                    limit: MAX_GRID_CELLS,
                });
            }
            for dr in 0..rs {
                let row = &mut grid[r + dr];
                let need = c + n.colspan;
                if row.len() < need {
                    row.resize(need, None);
                }
                for dc in 0..n.colspan {
                    row[c + dc] = Some(String::new());
                }
            }
            grid[r][c] = Some(text);
            c += n.colspan;
        }
    }
    Ok(grid
        .into_iter()
        .map(|row| row.into_iter().map(Option::unwrap_or_default).collect())
        .collect())
}

/// Parses a page and lays out its report as lines.
pub(crate) fn to_doc(source: &str) -> Result<Doc<'static>, InputError> {
    let tree = parse(source)?;
    let (text, link) = measure(&tree);
    let root = content_root(&tree, &text, &link);
    let mut b = Builder {
        tree: &tree,
        text: &text,
        link: &link,
        lines: Vec::new(),
        tabbed: Vec::new(),
        buf: String::new(),
        grid_cells: 0,
    };
    b.walk(root)?;
    let (mut lines, mut tabbed) = (b.lines, b.tabbed);
    if let Some(title) = page_title(&tree) {
        let starts_with_it = lines.iter().take(3).any(|l| {
            l.iter()
                .any(|(t, _)| t.contains("报告") && t.chars().count() <= 80)
        });
        if !starts_with_it {
            lines.insert(0, vec![(title, 0)]);
            tabbed.insert(0, false);
        }
    }
    let doc_lines = lines
        .into_iter()
        .zip(tabbed)
        .enumerate()
        .map(|(i, (cells, tabbed))| {
            // A block starts after its two-space indent (a paragraph of its own).
            let mut col = if tabbed {
                1u32
            } else {
                1 + INDENT.len() as u32
            };
            let cells = cells
                .into_iter()
                .map(|(text, slot)| {
                    let here = col;
                    col += text.chars().count() as u32 + 1;
                    DocCell {
                        text: text.into(),
                        col: here,
                        slot,
                    }
                })
                .collect();
            DocLine {
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                cells,
                tabbed,
            }
        })
        .collect();
    Ok(Doc { lines: doc_lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(html: &str) -> Vec<Vec<String>> {
        to_doc(html)
            .unwrap()
            .lines
            .iter()
            .filter(|l| l.tabbed)
            .map(|l| l.cells.iter().map(|c| c.text.to_string()).collect())
            .collect()
    }

    #[test]
    fn colspan_and_rowspan_expand_into_a_grid() {
        let html = "<table><tr><td colspan=2>A</td><td rowspan=2>B</td></tr>\
                    <tr><td>1</td><td>2</td></tr>\
                    <tr><td rowspan=\"2\" colspan=\"2\">C</td><td>3</td></tr>\
                    <tr><td>4</td></tr></table>";
        assert_eq!(
            rows(html),
            vec![
                vec!["A", "", "B"],
                vec!["1", "2", ""],
                vec!["C", "", "3"],
                vec!["", "", "4"],
            ]
        );
    }

    #[test]
    fn nbsp_cells_are_blank_and_text_is_collapsed() {
        let html =
            "<table><tr><td>&nbsp;</td><td> &nbsp;12&nbsp; </td><td><p>行政\n  许可</p></td>\
                    <td>\u{a0}</td></tr></table>";
        assert_eq!(rows(html), vec![vec!["", "12", "行政 许可", ""]]);
    }

    #[test]
    fn unclosed_cells_rows_and_paragraphs_close_implicitly() {
        let html = "<TABLE><TR><TD>a<TD>b<TR><TD>c<td>d</table><p>one<p>two<div>three</div>";
        let doc = to_doc(html).unwrap();
        let texts: Vec<Vec<&str>> = doc
            .lines
            .iter()
            .map(|l| l.cells.iter().map(|c| c.text.as_ref()).collect())
            .collect();
        assert_eq!(
            texts,
            vec![
                vec!["a", "b"],
                vec!["c", "d"],
                vec!["one"],
                vec!["two"],
                vec!["three"]
            ]
        );
        assert!(doc.lines[0].tabbed && !doc.lines[2].tabbed);
        assert_eq!(doc.lines[1].cells[1].slot, 1);
    }

    #[test]
    fn scripts_and_chrome_are_not_read() {
        let html = "<html><head><title>某区2023年度政府信息公开工作年度报告_网站</title>\
                    <script>if (a<b) { document.write('<p>x</p>') }</script></head><body>\
                    <nav><a href=/>首页</a></nav><div><p>一、总体情况</p><p>正文正文正文正文</p></div>\
                    <footer>版权所有</footer></body></html>";
        let doc = to_doc(html).unwrap();
        let texts: Vec<&str> = doc.lines.iter().map(|l| l.cells[0].text.as_ref()).collect();
        assert_eq!(
            texts,
            [
                "某区2023年度政府信息公开工作年度报告",
                "一、总体情况",
                "正文正文正文正文"
            ]
        );
    }

    #[test]
    fn depth_and_size_are_bounded() {
        let deep = "<div>".repeat(MAX_DEPTH + 10);
        assert_eq!(
            to_doc(&deep).unwrap_err(),
            InputError::TooComplex {
                what: "depth",
                limit: MAX_DEPTH
            }
        );
        let many = "<b></b>".repeat(MAX_ELEMENTS + 1);
        assert!(matches!(
            to_doc(&many),
            Err(InputError::TooComplex {
                what: "elements",
                ..
            })
        ));
        let wide = "<table><tr><td colspan=1000 rowspan=65534>x</td></tr>".to_string()
            + &"<tr><td>1</td></tr>".repeat(3000)
            + "</table>";
        assert!(matches!(
            to_doc(&wide),
            Err(InputError::TooComplex {
                what: "table cells",
                ..
            })
        ));
    }

    #[test]
    fn html_is_sniffed_and_charset_read() {
        assert!(sniff(b"  <!DOCTYPE html><html>"));
        assert!(sniff(b"<meta charset=gbk><body>"));
        assert!(!sniff("一、总体情况 <body>".as_bytes()));
        assert!(sniff(
            b"<?xml version=\"1.0\"?>\n<!-- saved -->\n<html xmlns=x>"
        ));
        assert!(!sniff(b"{\"t3\": \"<html>\"}"));
        assert_eq!(
            declared_charset(b"<meta charset=\"gb2312\">"),
            Some(encoding_rs::GBK)
        );
    }
}
