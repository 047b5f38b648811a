//! Each layout a tool gives a table in: the lines of one table, its labels, header and
//! values laid as that layout lays them, with the damage asked for.

use super::*;

fn page_break(page: &mut usize) -> String {
    *page += 1;
    format!("- {page} -\n\u{c}")
}

/// One table in the layout.
pub(super) fn lay(
    table: &[Item],
    layout: Layout,
    d: &Damage,
    rng: &mut Rng,
    page: &mut usize,
) -> String {
    let value = |v: &Option<String>| v.as_deref().map(|v| shown(v, d)).unwrap_or_default();
    let blank = if d.nbsp { "\u{a0}" } else { "" };
    let mut lines: Vec<String> = Vec::new();
    let mut group: Option<String> = None;
    match layout {
        Layout::RowSpaces | Layout::RowTabs => {
            let sep = if layout == Layout::RowTabs { "\t" } else { " " };
            for item in table {
                match item {
                    Item::Header(h) => lines.push(h.join(sep)),
                    Item::Group(g) if d.vertical_groups => {
                        lines.extend(g.chars().map(String::from))
                    }
                    Item::Group(g) => group = Some(g.clone()),
                    Item::Row { label, cells } => {
                        let values: Vec<String> = cells.iter().map(|(_, v)| value(v)).collect();
                        // A blank cell: nothing between two spaces, a tab between tabs.
                        let values = if layout == Layout::RowTabs {
                            values.join("\t")
                        } else {
                            values
                                .into_iter()
                                .filter(|v| !v.is_empty())
                                .collect::<Vec<_>>()
                                .join(" ")
                        };
                        // The group label and the row label are cells of their own: each
                        // wraps inside its cell (never `（四）无法提供 1` / `.本机关…`).
                        let mut ps = match group.take() {
                            Some(g) if d.wrap.is_some() => {
                                let mut ps = pieces(&g, d.wrap);
                                ps.extend(pieces(label, d.wrap));
                                ps
                            }
                            Some(g) => vec![format!("{g}{sep}{label}")],
                            None => pieces(label, d.wrap),
                        };
                        // Values on the label's first line, its last, or a line of their own.
                        match rng.below(4) {
                            0 => ps[0] = format!("{}{sep}{values}", ps[0]),
                            1 if ps.len() > 1 => ps.push(values),
                            _ => {
                                let last = ps.len() - 1;
                                ps[last] = if ps[last].is_empty() {
                                    values
                                } else {
                                    format!("{}{sep}{values}", ps[last])
                                };
                            }
                        }
                        lines.extend(ps);
                        if d.page_numbers && rng.chance(10) {
                            lines.push(page_break(page));
                        }
                    }
                }
            }
        }
        Layout::CellPerLine | Layout::TabFlow => {
            for item in table {
                match item {
                    Item::Header(h) => lines.extend(h.iter().cloned()),
                    Item::Group(g) if d.vertical_groups => {
                        lines.extend(g.chars().map(String::from))
                    }
                    Item::Group(g) => lines.push(g.clone()),
                    Item::Row { label, cells } => {
                        if !label.is_empty() {
                            lines.extend(pieces(label, d.wrap));
                        }
                        for (_, v) in cells {
                            let v = value(v);
                            lines.push(if v.is_empty() { blank.to_string() } else { v });
                        }
                        if d.page_numbers && rng.chance(10) {
                            lines.push(page_break(page));
                        }
                    }
                }
            }
        }
        Layout::Converter if rng.chance(30) => {
            // The table as HTML inside the Markdown (converters do this for merged cells).
            lines.push("<table>".into());
            let td = |cells: &[String]| -> String {
                let tds: String = cells.iter().map(|c| format!("<td>{c}</td>")).collect();
                format!("<tr>{tds}</tr>")
            };
            for item in table {
                match item {
                    Item::Header(h) => lines.push(td(h)),
                    Item::Group(g) => lines.push(td(std::slice::from_ref(g))),
                    Item::Row { label, cells } => {
                        let mut out = vec![label.clone()];
                        out.extend(cells.iter().map(|(_, v)| value(v)));
                        lines.push(td(&out));
                    }
                }
            }
            lines.push("</table>".into());
        }
        Layout::Converter => {
            let pipe = |cells: &[String]| format!("| {} |", cells.join(" | "));
            let mut header: Option<Vec<String>> = None;
            let mut first_header: Option<Vec<String>> = None;
            let mut ruled = false;
            for item in table {
                match item {
                    Item::Header(h) => {
                        lines.push(pipe(h));
                        header = Some(h.clone());
                        first_header.get_or_insert_with(|| h.clone());
                        ruled = false;
                    }
                    Item::Group(g) => group = Some(g.clone()),
                    Item::Row { label, cells } => {
                        let width = cells.len() + 2;
                        if !ruled {
                            lines.push(format!("|{}|", vec!["---"; width].join("|")));
                            ruled = true;
                        }
                        let mut out = vec![group.take().unwrap_or_default()];
                        if rng.chance(10) {
                            // The label outside the table, on a line of its own.
                            lines.push(String::new());
                            lines.push(label.clone());
                            lines.push(String::new());
                            out.push(String::new());
                        } else {
                            out.push(label.clone());
                        }
                        out.extend(cells.iter().map(|(_, v)| value(v)));
                        lines.push(pipe(&out));
                        if rng.chance(8) {
                            // A page break: the table ends, the page's number, the table
                            // goes on under its header repeated — or under the table's
                            // first header, over rows that are not its own.
                            *page += 1;
                            lines.push(String::new());
                            lines.push(format!("<!-- page {page} -->"));
                            lines.push(String::new());
                            let repeated = if rng.chance(50) {
                                &first_header
                            } else {
                                &header
                            };
                            if let Some(h) = repeated {
                                lines.push(pipe(h));
                            }
                            ruled = false;
                        }
                    }
                }
            }
        }
        Layout::Pipe | Layout::Box => {
            let width = table
                .iter()
                .filter_map(|i| match i {
                    Item::Row { cells, .. } => Some(cells.len() + 2),
                    _ => None,
                })
                .max()
                .unwrap_or(3);
            // A box-drawn grid is aligned on screen (CJK two columns wide): each column as
            // wide as its widest piece of text.
            let screen = |s: &str| -> usize {
                s.chars()
                    .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
                    .sum()
            };
            let rows: Vec<Vec<String>> = table
                .iter()
                .map(|item| {
                    let mut cells = match item {
                        Item::Header(h) => h.clone(),
                        Item::Group(g) => vec![g.clone()],
                        Item::Row { label, cells } => {
                            let mut out = vec![String::new(), label.clone()];
                            out.extend(cells.iter().map(|(_, v)| value(v)));
                            out
                        }
                    };
                    cells.resize(width, String::new());
                    cells
                })
                .collect();
            let mut widths = vec![2usize; width];
            for cells in &rows {
                for (k, c) in cells.iter().enumerate() {
                    for p in pieces(c, d.wrap) {
                        widths[k] = widths[k].max(screen(&p));
                    }
                }
            }
            let pad = |s: &str, k: usize| format!("{s}{}", " ".repeat(widths[k] - screen(s)));
            let row_line = |cells: Vec<String>| -> Vec<String> {
                if layout == Layout::Pipe {
                    vec![format!("| {} |", cells.join(" | "))]
                } else {
                    // Each cell's text wrapped inside it: as many lines as the tallest cell.
                    let split: Vec<Vec<String>> = cells.iter().map(|c| pieces(c, d.wrap)).collect();
                    let tall = split.iter().map(Vec::len).max().unwrap_or(1);
                    (0..tall)
                        .map(|k| {
                            format!(
                                "│{}│",
                                split
                                    .iter()
                                    .enumerate()
                                    .map(|(c, p)| pad(p.get(k).map_or("", String::as_str), c))
                                    .collect::<Vec<_>>()
                                    .join("│")
                            )
                        })
                        .collect()
                }
            };
            let rule = if layout == Layout::Pipe {
                format!("|{}|", vec!["---"; width].join("|"))
            } else {
                format!(
                    "├{}┤",
                    widths
                        .iter()
                        .map(|w| "─".repeat(*w))
                        .collect::<Vec<_>>()
                        .join("┼")
                )
            };
            let mut ruled = false;
            for item in table {
                match item {
                    Item::Header(h) => {
                        let mut cells = h.clone();
                        cells.resize(width, String::new());
                        lines.extend(row_line(cells));
                        if layout == Layout::Box {
                            lines.push(rule.clone());
                        }
                    }
                    Item::Group(g) => group = Some(g.clone()),
                    Item::Row { label, cells } => {
                        if !ruled && layout == Layout::Pipe {
                            lines.push(rule.clone());
                            ruled = true;
                        }
                        // A rowspan label stands on its group's first row only.
                        let mut out = vec![group.take().unwrap_or_default(), label.clone()];
                        out.extend(cells.iter().map(|(_, v)| value(v)));
                        out.resize(width, String::new());
                        lines.extend(row_line(out));
                        if layout == Layout::Box {
                            lines.push(rule.clone());
                        }
                    }
                }
            }
        }
        Layout::ColumnWise => {
            let rows: Vec<(&String, &Cells)> = table
                .iter()
                .filter_map(|i| match i {
                    Item::Row { label, cells } => Some((label, cells)),
                    _ => None,
                })
                .collect();
            for item in table {
                match item {
                    Item::Header(h) => lines.extend(h.iter().cloned()),
                    Item::Group(g) => lines.push(g.clone()),
                    Item::Row { label, .. } => lines.extend(pieces(label, d.wrap)),
                }
            }
            let columns = rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
            for c in 0..columns {
                for (_, cells) in &rows {
                    if let Some((_, v)) = cells.get(c) {
                        let v = value(v);
                        if !v.is_empty() {
                            lines.push(v);
                        }
                    }
                }
                if d.page_numbers && c == columns / 2 {
                    lines.push(page_break(page));
                }
            }
        }
        Layout::RunTogether => {
            let mut out = String::new();
            for item in table {
                match item {
                    Item::Header(h) => out.push_str(&h.concat()),
                    Item::Group(g) => out.push_str(g),
                    Item::Row { label, cells } => {
                        out.push_str(label);
                        for (_, v) in cells {
                            out.push_str(&value(v));
                        }
                    }
                }
            }
            return out;
        }
    }
    lines.join("\n")
}
