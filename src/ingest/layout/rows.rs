//! Value rows and their columns: the lines (or runs of one-value lines) that hold a row's
//! values, matched to the template's rows in order by their labels, and the values placed
//! into columns by count or by position — or the row reported unreadable (C006).

use super::*;

// ---- assigning values to columns ----------------------------------------------------------

/// The values of one table row, as read from one or more lines.
#[derive(Debug, Clone)]
pub(super) struct RawRow<'a> {
    /// Index of the line that holds the values (the first, if several).
    pub(super) at: usize,
    pub(super) last: usize,
    pub(super) tokens: Vec<Token<'a>>,
    pub(super) own: Cow<'a, str>,
    /// One of several rows read out of one run of values (F007): it has no label of its
    /// own — the labels around the run name the run, not this row — and is placed by its
    /// position among the rows the labels do name.
    pub(super) in_run: bool,
}

/// Places a row's tokens into `n` columns: by count when they fill them, else by position
/// against rows that do (`anchors`, the slots of those rows, looked for only then: most
/// rows fill their columns). `None` when they do not fit.
pub(super) fn place_tokens<'a, 't, A: AsRef<[u32]>, L: AsRef<[A]>>(
    tokens: &'a [Token<'t>],
    n: usize,
    anchors: impl FnOnce() -> L,
    tabbed: bool,
) -> Option<(Vec<Option<&'a Token<'t>>>, Vec<u32>)> {
    if tokens.len() == n {
        return Some((
            tokens.iter().map(Some).collect(),
            tokens.iter().map(|t| t.slot).collect(),
        ));
    }
    if tokens.len() > n || tokens.iter().any(|t| t.shared || t.run) {
        return None;
    }
    let anchors = anchors();
    'anchor: for a in anchors
        .as_ref()
        .iter()
        .map(A::as_ref)
        .filter(|a| a.len() == n)
    {
        let mut out: Vec<Option<&Token<'t>>> = vec![None; n];
        let tolerance = if tabbed {
            0
        } else {
            a.windows(2)
                .map(|w| w[1].saturating_sub(w[0]))
                .min()
                .unwrap_or(4)
                / 2
        };
        let mut next = 0;
        for t in tokens {
            let found = (next..n).find(|&k| t.slot.abs_diff(a[k]) <= tolerance);
            match found {
                Some(k) => {
                    out[k] = Some(t);
                    next = k + 1;
                }
                None => continue 'anchor,
            }
        }
        return Some((out, a.to_vec()));
    }
    None
}

/// The slot of a line's last label cell before its first value, if it has a label.
pub(super) fn label_end(line: &Line) -> Option<u32> {
    let first_value = line.tokens.first().map_or(u32::MAX, |t| t.slot);
    line.cells
        .iter()
        .filter(|(_, slot, _)| *slot < first_value)
        .map(|(_, slot, _)| *slot)
        .max()
}

/// The slots of a grid row's `n` columns where the row itself shows them: exactly `n` cells
/// after its label, empty ones included (a tool that drops blank cells leaves fewer; one
/// that keeps them, as many as the table has columns) — or, for a row whose label stands
/// outside the table (a converter's, on a line of its own), its last `n` cells holding all
/// its values, the leading ones being the empty label columns.
pub(super) fn own_grid_slots(line: &Line, n: usize) -> Option<Vec<u32>> {
    if !line.tabbed {
        return None;
    }
    let label_end = label_end(line);
    let after: Vec<u32> = line
        .slot_cols
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| label_end.is_none_or(|end| *s > end))
        .collect();
    if after.len() == n {
        return Some(after);
    }
    if label_end.is_none() && after.len() > n {
        let last = after[after.len() - n..].to_vec();
        if line.tokens.iter().all(|t| last.contains(&t.slot)) {
            return Some(last);
        }
    }
    None
}

/// C008: a row of values inside a table that is not a row of the template.
pub(super) fn extra_row(table: TableId, raw: &RawRow, context: &str, line: &Line) -> Finding {
    let found = if raw.own.trim().is_empty() {
        context.trim()
    } else {
        raw.own.trim()
    };
    let found: String = found.chars().take(40).collect();
    Finding::unrendered(
        Code::C008,
        params! {
            "found" => found,
            "count" => raw.tokens.len(),
            "values" => raw.tokens.iter().map(|t| t.text.clone()).collect::<Vec<_>>().join(" "),
        },
        Location::table(table).at(Some(line.place())),
    )
}

pub(super) fn unreadable_upper(tokens: &[Token]) -> Option<i64> {
    let mut max = 0i64;
    for t in tokens {
        let v = t.text.parse::<i64>().ok().filter(|v| *v >= 0)?;
        max = max.max(v);
    }
    Some(max)
}

pub(super) fn unreadable_row(
    at: RowRef,
    columns: &[template::ColumnDef],
    raw: &RawRow,
    place: Place,
    reason: Option<(&str, &str)>,
    findings: &mut Vec<Finding>,
) -> Row {
    let upper = unreadable_upper(&raw.tokens);
    let mut params = params! {
        "found" => raw.tokens.len(),
        "expected" => columns.len(),
        "values" => raw.tokens.iter().map(|t| t.text.clone()).collect::<Vec<_>>(),
    };
    if let Some((zh, en)) = reason {
        params.insert("reason".into(), zh.into());
        params.insert("reason_en".into(), en.into());
    }
    findings.push(Finding::unrendered(
        Code::C006,
        params,
        at.location().at(Some(place)),
    ));
    Row {
        block: at.block,
        key: at.key,
        cells: columns
            .iter()
            .map(|c| Cell {
                column: c.key,
                value: CellValue::Unreadable { upper },
                raw: None,
                place: Some(place),
            })
            .collect(),
        place: Some(place),
    }
}

pub(super) fn cells_from(
    at: RowRef,
    columns: &[template::ColumnDef],
    placed: &[Option<&Token>],
    blank_at: &dyn Fn(usize) -> Option<Place>,
    findings: &mut Vec<Finding>,
) -> Vec<Cell> {
    columns
        .iter()
        .zip(placed)
        .enumerate()
        .map(|(k, (c, t))| match t {
            Some(t) => read_cell(&t.text, c.kind, at, c.key, Some(t.place), findings),
            None => Cell {
                column: c.key,
                value: CellValue::Blank,
                raw: None,
                place: blank_at(k),
            },
        })
        .collect()
}

pub(super) fn blank_row(
    block: Option<&'static str>,
    key: &'static str,
    columns: &[template::ColumnDef],
    place: Place,
) -> Row {
    Row {
        block,
        key,
        cells: columns
            .iter()
            .map(|c| Cell::new(c.key, CellValue::Blank))
            .collect(),
        place: Some(place),
    }
}

/// Rows in the one-cell-per-line layout (N18): runs of single values grouped into rows of
/// `n` after each label.
pub(super) fn gather_rows<'a>(
    lines: &[Line<'a>],
    range: Range<usize>,
    n: usize,
    holds: &dyn Fn(&[i64]) -> bool,
    table: TableId,
    findings: &mut Vec<Finding>,
) -> Vec<RawRow<'a>> {
    let data: Vec<usize> = range
        .clone()
        .filter(|&i| !lines[i].tokens.is_empty() && !lines[i].page_number)
        .collect();
    let singles = data.iter().filter(|&&i| lines[i].tokens.len() == 1).count();
    let per_line = data.len() >= n && singles * 10 >= data.len() * 7 && n > 1;
    let mut rows: Vec<RawRow> = Vec::new();
    if !per_line {
        for i in data {
            rows.push(RawRow {
                at: i,
                last: i,
                tokens: lines[i].tokens.clone(),
                own: lines[i].label.clone(),
                in_run: false,
            });
        }
        return rows;
    }
    let mut run: Vec<usize> = Vec::new();
    let mut flush = |run: &mut Vec<usize>, rows: &mut Vec<RawRow<'a>>| {
        if run.is_empty() {
            return;
        }
        // A value a line: where each stands says nothing of its column (a blank cell
        // leaves no line), so a row is placed only when it fills every column.
        let tokens: Vec<(usize, Token)> = run
            .iter()
            .flat_map(|&i| {
                lines[i].tokens.iter().map(move |t| {
                    (
                        i,
                        Token {
                            shared: true,
                            ..t.clone()
                        },
                    )
                })
            })
            .collect();
        let groups = run_rows(&tokens, n, holds, table, findings);
        let in_run = groups.len() > 1;
        for group in groups {
            rows.push(RawRow {
                in_run,
                at: group.first().map_or(run[0], |(i, _)| *i),
                last: group.last().map_or(run[0], |(i, _)| *i),
                own: group
                    .first()
                    .map_or(Cow::<'a, str>::Borrowed(""), |(i, _)| {
                        lines[*i].label.clone()
                    }),
                tokens: group.into_iter().map(|(_, t)| t).collect(),
            });
        }
        run.clear();
    };
    for i in range {
        let l = &lines[i];
        if l.page_number || l.is_blank() {
            continue;
        }
        if l.tokens.is_empty() || !l.label.is_empty() {
            flush(&mut run, &mut rows);
        }
        if !l.tokens.is_empty() {
            run.push(i);
        }
    }
    flush(&mut run, &mut rows);
    rows
}

/// The rows of a run of values with no label between them (each with the line it stands
/// on). A run of one row's values is that row. A run over several rows is read row by row
/// or column by column (all the labels, then the values a column at a time, as pdfminer
/// gives them) only when exactly one of the two orders makes every row hold (`holds`: its
/// total is the sum of its columns) — or every row but one, where the other order fails
/// three rows or more; F007 says which. Otherwise the run stays one row of too many
/// values, which is not read (C006).
fn run_rows<'a>(
    tokens: &[(usize, Token<'a>)],
    n: usize,
    holds: &dyn Fn(&[i64]) -> bool,
    table: TableId,
    findings: &mut Vec<Finding>,
) -> Vec<Vec<(usize, Token<'a>)>> {
    let k = tokens.len() / n;
    if tokens.len() <= n || tokens.len() % n != 0 {
        return vec![tokens.to_vec()];
    }
    let values: Option<Vec<i64>> = tokens
        .iter()
        .map(
            |(_, t)| match normalize::parse_cell(&t.text, ColumnKind::Count).value {
                CellValue::Count(v) => Some(v),
                _ => None,
            },
        )
        .collect();
    let Some(values) = values else {
        return vec![tokens.to_vec()];
    };
    let by_rows = |r: usize| -> Vec<usize> { (0..n).map(|c| r * n + c).collect() };
    let by_columns = |r: usize| -> Vec<usize> { (0..n).map(|c| c * k + r).collect() };
    // The rows that do not hold in an order.
    let failing = |order: &dyn Fn(usize) -> Vec<usize>| -> Vec<usize> {
        (0..k)
            .filter(|&r| !holds(&order(r).into_iter().map(|i| values[i]).collect::<Vec<_>>()))
            .collect()
    };
    let (rows_fail, columns_fail) = (failing(&by_rows), failing(&by_columns));
    // One order wins when every row holds by it and not by the other; or when all rows but
    // one hold by it and at least three fail by the other (a report with one wrong cell:
    // that row is read as printed, and A002 says it does not add up).
    let wins = |a: &[usize], b: &[usize]| {
        (a.is_empty() && !b.is_empty()) || (a.len() == 1 && b.len() >= 3)
    };
    let (order, fails, zh, en): (&dyn Fn(usize) -> Vec<usize>, _, _, _) =
        if wins(&rows_fail, &columns_fail) {
            (&by_rows, &rows_fail, "逐行", "row by row")
        } else if wins(&columns_fail, &rows_fail) {
            (&by_columns, &columns_fail, "逐列", "column by column")
        } else {
            return vec![tokens.to_vec()];
        };
    let mut params = params! {
        "first_line" => tokens[0].1.place.line,
        "count" => tokens.len(),
        "rows" => k,
        "order" => zh,
        "order_en" => en,
    };
    if let Some(r) = fails.first() {
        params.insert(
            "except".into(),
            format!("；读入的第 {} 行除外，其合计不成立", r + 1).into(),
        );
        params.insert(
            "except_en".into(),
            format!(
                "; all but the {} row read, which does not add up",
                ordinal(r + 1)
            )
            .into(),
        );
    }
    findings.push(Finding::unrendered(
        Code::F007,
        params,
        Location::table(table).at(Some(tokens[0].1.place)),
    ));
    (0..k)
        .map(|r| order(r).into_iter().map(|i| tokens[i].clone()).collect())
        .collect()
}

/// How much label text around a row is compared with the template's labels.
pub(super) const CONTEXT_CHARS: usize = 160;

/// The label text around each row: the label-only lines between it and the row before
/// (`.0`, above) and between it and the row after (`.1`, below), in document order.
pub(super) fn contexts(
    lines: &[Line],
    range: &Range<usize>,
    rows: &[RawRow],
) -> Vec<(String, String)> {
    let label_only = |a: usize, b: usize| -> String {
        (a..b)
            .filter(|&i| lines[i].tokens.is_empty() && !lines[i].page_number)
            .map(|i| lines[i].text.as_ref())
            .collect::<Vec<_>>()
            .concat()
    };
    let keep = |s: String, tail: bool| -> String {
        let n = s.chars().count();
        if n <= CONTEXT_CHARS {
            s
        } else if tail {
            s.chars().skip(n - CONTEXT_CHARS).collect()
        } else {
            s.chars().take(CONTEXT_CHARS).collect()
        }
    };
    // A row's label is the last that starts above its values (with the lines that wrap
    // it), or the first below them: a label further off is another row's, one with no
    // values (`5.要求行政机关确认或重新出具已获` / `取信息` over `（六）其他处理` and its values).
    let starts = |i: usize| lines[i].tokens.is_empty() && starts_row_label(&lines[i].text);
    rows.iter()
        .enumerate()
        .map(|(k, r)| {
            let before = if k == 0 {
                range.start
            } else {
                rows[k - 1].last + 1
            };
            let after = rows.get(k + 1).map_or(range.end, |n| n.at);
            let above_from = (before..r.at.max(before))
                .rev()
                .find(|&i| starts(i))
                .unwrap_or(before);
            let below_to = (r.last + 1..after.max(r.last + 1))
                .filter(|&i| starts(i))
                .nth(1)
                .unwrap_or(after.max(r.last + 1));
            (
                keep(label_only(above_from, r.at.max(above_from)), true),
                keep(label_only(r.last + 1, below_to), false),
            )
        })
        .collect()
}

/// Whether a line starts a row label of the template: `一、`, `（六）`, `1.` or `1、`.
fn starts_row_label(text: &str) -> bool {
    // Unless the line starts with a numeral, `(` or a digit, no label starts here (told
    // without folding the line).
    let first = first_folded(text);
    first.is_some_and(|c| NUMERALS.contains(&c) || c == '(' || c.is_ascii_digit())
        && starts_row_label_folded(text)
}

/// [`starts_row_label`] by its definition: the whole line folded first.
fn starts_row_label_folded(text: &str) -> bool {
    let t = fold(text);
    let t = t.trim_start();
    if strip_numeral(t).is_some() {
        return true;
    }
    if let Some(rest) = t.strip_prefix('(') {
        let n = rest.chars().take_while(|c| NUMERALS.contains(c)).count();
        return n > 0 && rest.chars().nth(n) == Some(')');
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && matches!(t.chars().nth(digits), Some('.' | '、'))
}

/// How much of a template row's label a line's own label must hold to name that row by
/// itself, whatever the labels around it say.
const OWN_NAMES: f32 = 0.8;

/// A label key's characters, and the set of them.
#[derive(Clone)]
struct Letters {
    chars: Cow<'static, [char]>,
    set: CharSet,
    /// Made ready to be compared with many (a template row's key, with every row's).
    bits: Option<normalize::Subsequence>,
    /// The characters counted by slot, for the same (see [`Letters::at_most`]).
    counts: Option<CharCounts>,
}

impl Letters {
    fn new(key: &str) -> Letters {
        let chars: Vec<char> = key.chars().collect();
        let mut set = CharSet::default();
        for &c in &chars {
            set.add(c);
        }
        Letters {
            chars: Cow::Owned(chars),
            set,
            bits: None,
            counts: None,
        }
    }

    fn compared_often(key: &str) -> Letters {
        let mut letters = Letters::new(key);
        letters.bits = normalize::Subsequence::new(&letters.chars);
        letters.counts = Some(CharCounts::of(&letters.chars));
        letters
    }

    /// How many of these characters could be in `seen` at all: never less than their
    /// longest common subsequence, and far cheaper to count.
    fn at_most(&self, seen: &Letters) -> usize {
        match &self.counts {
            Some(counts) => counts.held_by(seen.set),
            None => self.chars.iter().filter(|&&c| seen.set.may_hold(c)).count(),
        }
    }
}

/// A template row's label as [`Letters`] compared often: 表三's rows of both versions as
/// made at compile time ([`keys`]), any other label now.
fn row_letters(label: &'static str) -> Letters {
    match keys::t3_key(label) {
        Some(key) => Letters {
            chars: Cow::Borrowed(key.chars),
            set: key.set,
            bits: Some(key.bits()),
            counts: Some(key.counts()),
        },
        None => Letters::compared_often(&label_key(label)),
    }
}

/// Matches raw rows to template rows in order, by label similarity (a monotone alignment).
/// A row is named by its own label, the labels above it (its values follow its label, on
/// its line or after it) or, a little less surely, those below (its values come first):
/// when a row's labels stand both above and below, the reading that keeps each row's
/// values after its own label wins.
pub(super) fn align(rows: &[RawRow], ctx: &[(String, String)], expected: &[&RowDef]) -> Aligned {
    let keys: Vec<Letters> = expected.iter().map(|r| row_letters(r.label)).collect();
    // A key is a character's fold at a time, so the key of labels joined is their keys
    // joined: each label is keyed once, and the joined ones only for the rows that ask
    // (most are named by their own label).
    let own_keys: Vec<String> = rows.iter().map(|r| label_key(&r.own)).collect();
    let owns: Vec<Letters> = own_keys.iter().map(|k| Letters::new(k)).collect();
    let context_keys: Vec<std::cell::OnceCell<(String, String)>> =
        rows.iter().map(|_| std::cell::OnceCell::new()).collect();
    let context_key = |i: usize| {
        context_keys[i].get_or_init(|| {
            let (above, below) = &ctx[i];
            (label_key(above), label_key(below))
        })
    };
    let joined = |parts: &[&str]| Letters::new(&parts.concat());
    let lazy = || -> Vec<std::cell::OnceCell<Letters>> {
        rows.iter().map(|_| std::cell::OnceCell::new()).collect()
    };
    let (aboves, belows, arounds) = (lazy(), lazy(), lazy());
    let above_of = |i: usize| aboves[i].get_or_init(|| joined(&[&context_key(i).0, &own_keys[i]]));
    let below_of = |i: usize| belows[i].get_or_init(|| joined(&[&own_keys[i], &context_key(i).1]));
    let around_of = |i: usize| {
        arounds[i].get_or_init(|| {
            let (above, below) = context_key(i);
            joined(&[above, &own_keys[i], below])
        })
    };
    // How much of `key` `seen` holds in order; 0 below half (where no score below uses it).
    let cover = |key: &Letters, seen: &Letters| -> f32 {
        if key.chars.is_empty() || key.at_most(seen) * 2 < key.chars.len() {
            0.0
        } else {
            let common = match &key.bits {
                Some(bits) => bits.lcs(&seen.chars),
                None => normalize::lcs(&key.chars, &seen.chars),
            };
            common as f32 / key.chars.len() as f32
        }
    };
    // How much of each template row the row's own label holds.
    let own_cover: Vec<Vec<f32>> = owns
        .iter()
        .map(|o| keys.iter().map(|k| cover(k, o)).collect())
        .collect();
    // A row whose own label names a template row well is named by that label alone: the
    // labels above it may be a row of its own with no values (`3.要求提供公开出版物` over
    // `4.无正当理由大量反复 13 0 0 13`), not the rest of this one.
    let named_by_itself: Vec<bool> = own_cover
        .iter()
        .map(|c| c.iter().any(|&v| v >= OWN_NAMES))
        .collect();
    // How well row i's labels name template row j (0 unless at least half of its label).
    let named = |i: usize, j: usize| -> f32 {
        if rows[i].in_run {
            return 0.0;
        }
        let own = own_cover[i][j];
        let s = if own >= 0.99 || named_by_itself[i] {
            own
        } else if 0.9 * cover(&keys[j], around_of(i)) < 0.5 {
            // Not even all the labels around it together name the row (the common case:
            // one cover instead of two).
            own
        } else {
            let above = 0.9 * cover(&keys[j], above_of(i));
            // The labels below count for less: look at them only when those above leave room.
            if above >= 0.85 {
                own.max(above)
            } else {
                own.max(above).max(0.85 * cover(&keys[j], below_of(i)))
            }
        };
        if s >= 0.5 {
            s
        } else {
            0.0
        }
    };
    let (n, m) = (rows.len(), expected.len());
    // Every score once: the alignment asks for each, and the checks after it again.
    let scores: Vec<Vec<f32>> = (0..n)
        .map(|i| (0..m).map(|j| named(i, j)).collect())
        .collect();
    let named = |i: usize, j: usize| scores[i][j];
    let mut best = vec![vec![0f32; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            best[i][j] = best[i - 1][j]
                .max(best[i][j - 1])
                .max(best[i - 1][j - 1] + named(i - 1, j - 1));
        }
    }
    let mut out = vec![None; m];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if best[i][j] == best[i - 1][j] {
            i -= 1;
        } else if best[i][j] == best[i][j - 1] {
            j -= 1;
        } else {
            out[j - 1] = Some(i - 1);
            i -= 1;
            j -= 1;
        }
    }
    // A row its labels do not name is placed by position only where that leaves one place:
    // between two rows its labels do name (or the table's edge), the text has exactly as many
    // value rows as the template has rows, and they go in order. Else the unnamed rows
    // there are not put in rows they may not belong to (their values are said as extra rows).
    let by_label = |j: usize| out[j].is_some_and(|i| named(i, j) > 0.0);
    let mut kept = out.clone();
    let mut by_position = vec![false; m];
    let anchors: Vec<(isize, isize)> = std::iter::once((-1isize, -1isize))
        .chain(
            (0..m)
                .filter(|&j| by_label(j))
                .map(|j| (j as isize, out[j].unwrap_or(0) as isize)),
        )
        .chain(std::iter::once((m as isize, n as isize)))
        .collect();
    for w in anchors.windows(2) {
        let ((jb, ib), (ja, ia)) = (w[0], w[1]);
        let fits = ja - jb == ia - ib;
        for j in (jb + 1)..ja {
            let j = j as usize;
            kept[j] = if fits {
                Some((ib + (j as isize - jb)) as usize)
            } else {
                None
            };
            by_position[j] = kept[j].is_some_and(|i| !rows[i].in_run);
        }
    }
    // A row named by the labels around it, not by its own, while another row of values
    // that no template row took is named as it too (a label between two value lines, the
    // values of one row before their label and of the next after theirs, one label lost):
    // which is that row's is not known.
    let taken: Vec<usize> = kept.iter().flatten().copied().collect();
    let contested: Vec<bool> = (0..m)
        .map(|j| {
            kept[j].is_some_and(|i| {
                own_cover[i][j] < 0.5
                    && (0..n).any(|o| {
                        // A lone placeholder (`无` of a wrapped `（四）无法提供`) is no row.
                        let numbers = rows[o]
                            .tokens
                            .iter()
                            .any(|t| t.text.chars().any(normalize::is_digit));
                        numbers && !taken.contains(&o) && named(o, j) > 0.0
                    })
            })
        })
        .collect();
    Aligned {
        rows: kept,
        by_position,
        contested,
    }
}

/// Template rows matched to raw rows by [`align`].
pub(super) struct Aligned {
    /// Each template row's raw row.
    pub(super) rows: Vec<Option<usize>>,
    /// Placed by its position alone (F008).
    pub(super) by_position: Vec<bool>,
    /// Named by the labels around it while another unmatched row is named so too (C006).
    pub(super) contested: Vec<bool>,
}

/// Reports header labels damaged by OCR (`日然人` for 自然人) in the given lines (F004).
pub(super) fn header_damage(
    lines: &[Line],
    range: Range<usize>,
    table: TableId,
    labels: &[&str],
    findings: &mut Vec<Finding>,
) {
    let mut seen: Vec<String> = Vec::new();
    // Each label's key with its length in characters: a damaged form has as many.
    let keys: Vec<(String, usize)> = labels
        .iter()
        .map(|l| {
            let key = label_key(l);
            let chars = key.chars().count();
            (key, chars)
        })
        .collect();
    let range = range.start..range.end.min(range.start + 40);
    for l in lines.get(range).unwrap_or_default() {
        for (text, _, col) in &l.cells {
            let found = label_key(text);
            let chars = found.chars().count();
            for (label, (key, _)) in labels.iter().zip(&keys).filter(|(_, k)| k.1 == chars) {
                if normalize::is_damaged_form(key, &found) && !seen.contains(&found) {
                    seen.push(found.clone());
                    findings.push(Finding::unrendered(
                        Code::F004,
                        params! {"line" => l.no, "found" => *text, "label" => *label},
                        Location::table(table).at(Some(Place::new(l.no, *col))),
                    ));
                }
            }
        }
    }
}

pub(super) fn anchors_of(rows: &[RawRow], n: usize) -> Vec<(usize, Vec<u32>)> {
    rows.iter()
        .filter(|r| r.tokens.len() == n && r.tokens.iter().all(|t| !t.shared))
        .map(|r| (r.at, r.tokens.iter().map(|t| t.slot).collect()))
        .collect()
}

/// The anchors nearest line `at` first; of two as near, the one first in `anchors`.
pub(super) fn nearest_anchors(anchors: &[(usize, Vec<u32>)], at: usize) -> Vec<Cow<'_, [u32]>> {
    let mut sorted: Vec<&(usize, Vec<u32>)> = Vec::with_capacity(anchors.len());
    if anchors.is_sorted_by(|a, b| a.0 < b.0) {
        // In line order (as rows are read, one a line), the stable sort by distance is a merge outwards
        // from `at`: on a tie the one above, first in `anchors`, goes first.
        let split = anchors.partition_point(|(i, _)| *i < at);
        let mut above = anchors[..split].iter().rev().peekable();
        let mut below = anchors[split..].iter().peekable();
        loop {
            let next = match (above.peek(), below.peek()) {
                (Some(a), Some(b)) if a.0.abs_diff(at) > b.0.abs_diff(at) => below.next(),
                (Some(_), _) => above.next(),
                (None, _) => below.next(),
            };
            let Some(next) = next else { break };
            sorted.push(next);
        }
    } else {
        sorted.extend(anchors);
        sorted.sort_by_key(|(i, _)| i.abs_diff(at));
    }
    sorted
        .into_iter()
        .map(|(_, a)| Cow::Borrowed(a.as_slice()))
        .collect()
}

/// `1st`, `2nd`, `3rd`, `4th`, … `11th`, `21st`.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The first character told without folding answers as the folded line does:
        /// spaces of every width, `*` alone and in pairs, full-width forms, zero-width
        /// characters before the label's start.
        #[test]
        fn row_label_starts_are_their_definition(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                ' ', '\u{3000}', '\u{A0}', '\u{2003}', '\u{200B}', '\u{FEFF}', '*', '＊', '一',
                '十', '三', '(', '（', ')', '）', '1', '１', '9', '.', '．', '、', '本', 'a',
            ]), 0..10),
        ) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(starts_row_label(&s), starts_row_label_folded(&s));
        }

        /// The merge outwards orders the anchors as a stable sort by distance does, lines
        /// in order or not (repeated, unordered: sorted).
        #[test]
        fn nearest_anchors_are_sorted_by_distance(
            lines in proptest::collection::vec(0usize..40, 0..12),
            in_order in proptest::bool::ANY,
            at in 0usize..45,
        ) {
            let mut lines = lines;
            if in_order {
                lines.sort_unstable();
                lines.dedup();
            }
            let anchors: Vec<(usize, Vec<u32>)> =
                lines.iter().enumerate().map(|(k, &i)| (i, vec![k as u32])).collect();
            let mut sorted: Vec<&(usize, Vec<u32>)> = anchors.iter().collect();
            sorted.sort_by_key(|(i, _)| i.abs_diff(at));
            let want: Vec<&[u32]> = sorted.iter().map(|(_, a)| a.as_slice()).collect();
            let got = nearest_anchors(&anchors, at);
            let got: Vec<&[u32]> = got.iter().map(|a| a.as_ref()).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
