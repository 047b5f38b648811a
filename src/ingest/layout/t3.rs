//! 表三 (收到和处理政府信息公开申请情况).

use super::*;

// ---- 表三 ------------------------------------------------------------------------------

/// How many value lines of 表三 are considered (the template has 25 rows).
pub(super) const MAX_T3_ROWS: usize = 80;

pub(super) fn read_t3(
    lines: &[Line],
    region: Range<usize>,
    def: &TemplateDef,
    findings: &mut Vec<Finding>,
    spans: &mut Vec<Range<usize>>,
) -> Option<Table> {
    let expected: Vec<&RowDef> = def.t3_rows().collect();
    // The table starts at its note, its header or its first row; a real 表三 has at most a
    // few dozen value lines, which bounds the work on large or strange inputs.
    let anchor = region
        .clone()
        .find(|&i| {
            let k = &lines[i].key;
            k.contains(template::T3_NOTE_MARK)
                || k.contains(template::T3_APPLICANTS)
                || k.contains("本年新收")
        })
        .unwrap_or(region.start);
    let region = anchor..region.end;
    let mut raws = gather_rows(
        lines,
        region.clone(),
        T3_COLUMNS.len(),
        &|v: &[i64]| v[..6].iter().try_fold(0i64, |a, b| a.checked_add(*b)) == Some(v[6]),
        TableId::T3,
        findings,
    );
    raws.truncate(MAX_T3_ROWS);
    let ctx = contexts(lines, &region, &raws);
    let mut expected = expected;
    let mut matched = align(&raws, &ctx, &expected);
    let stand_in = stand_in_rows(def, &raws, &ctx, &mut expected, &mut matched);
    if matched.iter().all(Option::is_none) {
        return blank_grid_t3(lines, region, &expected, spans);
    }
    let first = raws[matched.iter().flatten().copied().min()?].at;
    let last = raws[matched.iter().flatten().copied().max()?].last;
    let start = table_start(lines, region.start, first);
    spans.push(start..last + 1);
    header_damage(
        lines,
        start..first,
        TableId::T3,
        &T3_COLUMNS.iter().map(|c| c.label).collect::<Vec<_>>(),
        findings,
    );

    // Value rows inside the table that are none of the template's are said, not dropped.
    for (i, raw) in raws.iter().enumerate() {
        if raw.at > first && raw.at < last && !matched.contains(&Some(i)) {
            let (above, below) = &ctx[i];
            findings.push(extra_row(
                TableId::T3,
                raw,
                &format!("{above}{}{below}", raw.own),
                &lines[raw.at],
            ));
        }
    }
    let anchors = anchors_of(&raws, T3_COLUMNS.len());
    // The column header's cells are evidence of the grid too (of the rows above the first
    // full one).
    let grid_sources: Vec<(usize, Vec<u32>)> = anchors
        .iter()
        .cloned()
        .chain(
            (start..first)
                .rev()
                .find_map(|i| column_header(&lines[i]).map(|a| (i, a))),
        )
        .collect();
    let mut table = Table::new(TableId::T3);
    table.place = Some(lines[start].place());
    if let Some(i) = stand_in {
        findings.push(Finding::new(
            Code::C009,
            params! {},
            Location::row(TableId::T3, None, "r6").at(Some(lines[raws[i].at].place())),
        ));
    }
    // Rows to try as cells run together, and whether they were placed with blanks.
    let mut pending_runs: Vec<(usize, &RawRow, bool)> = Vec::new();
    for (j, row_def) in expected.iter().enumerate() {
        let Some(i) = matched[j] else {
            // A row with no values at all: its label alone, between its neighbours.
            let lo = (0..j)
                .rev()
                .find_map(|k| matched[k])
                .map_or(start, |i| raws[i].last + 1);
            let hi = (j + 1..expected.len())
                .find_map(|k| matched[k])
                .map_or(last + 1, |i| raws[i].at);
            let want = label_key(row_def.label);
            if let Some(l) = (lo..hi)
                .find(|&l| lines[l].tokens.is_empty() && coverage(&want, &lines[l].key) >= 0.8)
            {
                table
                    .rows
                    .push(blank_row(None, row_def.key, &T3_COLUMNS, lines[l].place()));
            }
            continue;
        };
        let raw = &raws[i];
        let place = Place::new(lines[raw.at].no, lines[raw.at].label_col);
        let tabbed = lines[raw.at].tabbed;
        match place_tokens(
            &raw.tokens,
            T3_COLUMNS.len(),
            &row_anchors(&anchors, &grid_sources, lines, raw.at, T3_COLUMNS.len()),
            tabbed,
        ) {
            Some((placed, slots)) => {
                let line = &lines[raw.at];
                let blank_at = |k: usize| slots.get(k).map(|s| line.place_of_slot(*s));
                let cells = cells_from(
                    RowRef::new(TableId::T3, None, row_def.key),
                    &T3_COLUMNS,
                    &placed,
                    &blank_at,
                    findings,
                );
                // Fewer values than columns that do not add up may be cells run together.
                if raw.tokens.len() < T3_COLUMNS.len() && !row_adds_up(&cells) {
                    pending_runs.push((table.rows.len(), raw, true));
                }
                table.rows.push(Row {
                    block: None,
                    key: row_def.key,
                    cells,
                    place: Some(place),
                });
            }
            None => {
                pending_runs.push((table.rows.len(), raw, false));
                let mut quiet = Vec::new();
                table.rows.push(unreadable_row(
                    RowRef::new(TableId::T3, None, row_def.key),
                    &T3_COLUMNS,
                    raw,
                    place,
                    None,
                    &mut quiet,
                ));
            }
        }
    }
    resolve_runs(&mut table, def, lines, pending_runs, findings);
    Some(table)
}

/// A row the other version writes that stands in for rows of this one (2019's single
/// （六）其他处理 in a 2021 report, C009): where exactly one value row between the replaced
/// rows' neighbours is labelled as it, and none of the replaced rows was found elsewhere,
/// that row is read as the stand-in — never into one of the rows it replaces (its label
/// covers `3.其他`). Returns the raw row.
fn stand_in_rows(
    def: &TemplateDef,
    raws: &[RawRow],
    ctx: &[(String, String)],
    expected: &mut Vec<&RowDef>,
    matched: &mut Vec<Option<usize>>,
) -> Option<usize> {
    for s in def.t3_stand_ins {
        let at: Vec<usize> = s
            .replaces
            .iter()
            .filter_map(|k| expected.iter().position(|r| r.key == *k))
            .collect();
        let (Some(&a), Some(&c)) = (at.first(), at.last()) else {
            continue;
        };
        let lo = matched[..a].iter().rev().flatten().next().map_or(0, |i| i + 1);
        let hi = matched[c + 1..].iter().flatten().next().copied().unwrap_or(raws.len());
        let want = label_key(s.row.label);
        let named: Vec<usize> = (lo..hi.max(lo))
            .filter(|&i| {
                let (above, _) = &ctx[i];
                !raws[i].in_run
                    && coverage(&want, &label_key(&format!("{above}{}", raws[i].own))) >= 0.8
            })
            .collect();
        let [i] = named.as_slice() else {
            continue;
        };
        // The replaced rows found are that row alone (`（六）其他处理` taken for `3.其他`):
        // else it is the group label over rows of this version.
        if matched[a..=c].iter().flatten().any(|m| m != i) {
            continue;
        }
        expected.splice(a..=c, [&s.row]);
        matched.splice(a..=c, [Some(*i)]);
        return Some(*i);
    }
    None
}

/// A row whose values may be cells run together, and its readings.
struct Pending<'a> {
    idx: usize,
    raw: &'a RawRow,
    /// Its values were placed (with blanks) before: kept if no reading is found.
    placed: bool,
    readings: Vec<Reading>,
    decided: Decided,
}

/// The most combinations of the undecided rows' readings tried together.
const MAX_JOINT: usize = 4096;

/// Rows whose values may be cells run together: split only where one reading survives —
/// the row's total first; then, to break a tie, the table's column sums, with every row
/// they need known (rows decided so feed the next, until none is); then all the undecided
/// rows at once, a row decided where every combination the column sums allow agrees on
/// it (F005 says which). Otherwise the row is unreadable (C006).
fn resolve_runs(
    table: &mut Table,
    def: &TemplateDef,
    lines: &[Line],
    pending_runs: Vec<(usize, &RawRow, bool)>,
    findings: &mut Vec<Finding>,
) {
    let mut pending: Vec<Pending> = pending_runs
        .into_iter()
        .map(|(idx, raw, placed)| {
            // Only a row with a sign of cells run together (a leading zero, digits glued to
            // the label) is split: fewer values than columns alone are blank cells.
            let readings =
                if raw.tokens.len() < T3_COLUMNS.len() || raw.tokens.iter().any(|t| t.run) {
                    let row_ok = |v: &[i64]| v[6] == v[..6].iter().sum::<i64>();
                    // A value on a line or a grid cell of its own is one cell; only values
                    // placed by their positions in layout text may be cells printed together.
                    let tabbed = lines[raw.at].tabbed;
                    // A row with one sign of cells run together (`340 000034`) may have run
                    // all of them together: then none is certain.
                    let run_row = raw.tokens.iter().any(looks_run_together);
                    let whole = |t: &Token| !run_row && (t.shared || tabbed);
                    split_runs(&raw.tokens, T3_COLUMNS.len(), 7, 64, &row_ok, &whole)
                } else {
                    Vec::new()
                };
            Pending {
                idx,
                raw,
                placed,
                readings,
                decided: Decided::RowSum,
            }
        })
        .collect();
    let settled = |p: &Pending| p.readings.len() == 1 && !p.readings[0].is_empty();
    let write = |table: &mut Table, p: &Pending| {
        for (cell, v) in table.rows[p.idx].cells.iter_mut().zip(&p.readings[0]) {
            cell.value = v.map_or(CellValue::Blank, CellValue::Count);
            cell.raw = v.map(|v| v.to_string());
        }
    };
    // Unreadable until decided, so the column sums do not lean on a guess.
    let as_placed: Vec<Vec<Cell>> = pending
        .iter()
        .map(|p| table.rows[p.idx].cells.clone())
        .collect();
    for p in pending.iter().filter(|p| !settled(p)) {
        for cell in &mut table.rows[p.idx].cells {
            cell.value = CellValue::Unreadable { upper: None };
        }
    }
    for p in pending.iter().filter(|p| settled(p)) {
        write(table, p);
    }
    loop {
        let mut changed = false;
        for p in pending.iter_mut().filter(|p| p.readings.len() > 1) {
            let key = table.rows[p.idx].key;
            let before = p.readings.len();
            p.readings.retain(|v| t3_columns_hold(table, def, key, &zeroed(v)));
            if p.readings.len() < before {
                p.decided = Decided::RowAndColumns;
            }
            if settled(p) {
                write(table, p);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let open: Vec<usize> = (0..pending.len())
        .filter(|&k| pending[k].readings.len() > 1)
        .collect();
    let combinations = open
        .iter()
        .try_fold(1usize, |n, &k| n.checked_mul(pending[k].readings.len()));
    if !open.is_empty() && combinations.is_some_and(|n| n <= MAX_JOINT) {
        let mut agreed: Vec<Option<Option<usize>>> = vec![None; open.len()];
        let mut scratch = table.clone();
        let mut choice = vec![0usize; open.len()];
        'combos: loop {
            for (c, &k) in choice.iter().zip(&open) {
                let p = &pending[k];
                for (cell, v) in scratch.rows[p.idx].cells.iter_mut().zip(&p.readings[*c]) {
                    cell.value = v.map_or(CellValue::Blank, CellValue::Count);
                }
            }
            let first = &pending[open[0]];
            let key = scratch.rows[first.idx].key;
            if t3_columns_hold(&scratch, def, key, &zeroed(&first.readings[choice[0]])) {
                for (a, c) in agreed.iter_mut().zip(&choice) {
                    *a = match *a {
                        None => Some(Some(*c)),
                        Some(Some(x)) if x == *c => Some(Some(x)),
                        _ => Some(None),
                    };
                }
            }
            // The next combination.
            for (c, &k) in choice.iter_mut().zip(&open) {
                *c += 1;
                if *c < pending[k].readings.len() {
                    continue 'combos;
                }
                *c = 0;
            }
            break;
        }
        for (a, &k) in agreed.iter().zip(&open) {
            if let Some(Some(c)) = a {
                let p = &mut pending[k];
                p.readings = vec![p.readings[*c].clone()];
                p.decided = Decided::RowAndColumns;
                write(table, p);
            }
        }
    }
    // A reading the sums chose stands only where the table confirms it: every column sum
    // its row is in can be computed and holds. (A wrong cell in a report can let a wrong
    // split fit its row; the column sums then fail, or cannot be told.) A reading that is
    // the only split there is at all stands as it is. Rows refused make others unconfirmed
    // in turn, until none changes.
    let mut unsure: Vec<bool> = vec![false; pending.len()];
    for p in pending.iter_mut().filter(|p| settled(p)) {
        let run_row = p.raw.tokens.iter().any(looks_run_together);
        let tabbed = lines[p.raw.at].tabbed;
        let whole = |t: &Token| !run_row && (t.shared || tabbed);
        if split_runs(&p.raw.tokens, T3_COLUMNS.len(), 7, 1, &|_| true, &whole).len() == 1 {
            p.decided = Decided::Digits;
        }
    }
    loop {
        // Rows still open count as any of their readings.
        let open: Vec<(&'static str, Vec<(i64, i64)>)> = pending
            .iter()
            .filter(|p| p.readings.len() > 1 && p.readings.iter().all(|r| r.len() == T3_COLUMNS.len()))
            .map(|p| {
                let key = table.rows[p.idx].key;
                let span = (0..T3_COLUMNS.len())
                    .map(|c| {
                        let v = p.readings.iter().map(|r| r[c].unwrap_or(0));
                        (v.clone().min().unwrap_or(0), v.max().unwrap_or(0))
                    })
                    .collect();
                (key, span)
            })
            .collect();
        let checks = t3_column_checks(table, def, &open);
        let mut changed = false;
        for (k, p) in pending.iter().enumerate() {
            if unsure[k] || !settled(p) || p.decided == Decided::Digits {
                continue;
            }
            let key = table.rows[p.idx].key;
            let in_o1 = matches!(key, "new" | "carry_in" | "r7" | "carry_out");
            let in_i2 = key == "r7"
                || def
                    .t3_results_given(&|k| table.row(None, k).is_some())
                    .iter()
                    .any(|r| r.key == key);
            let confirmed = checks
                .iter()
                .all(|(o1, i2)| (!in_o1 || *o1) && (!in_i2 || *i2));
            if !confirmed {
                unsure[k] = true;
                changed = true;
                for cell in &mut table.rows[p.idx].cells {
                    cell.value = CellValue::Unreadable { upper: None };
                }
            }
        }
        if !changed {
            break;
        }
    }
    for ((p, cells), unsure) in pending.iter().zip(as_placed).zip(unsure) {
        let key = table.rows[p.idx].key;
        let place = table.rows[p.idx].place.unwrap_or_default();
        if unsure {
            table.rows[p.idx] = unreadable_row(
                RowRef::new(TableId::T3, None, key),
                &T3_COLUMNS,
                p.raw,
                place,
                Some((
                    "（拆分只满足本行合计，表内各列合计不成立，读法无法确认）",
                    " (the split that fits the row's total breaks the table's column sums, so it is not certain)",
                )),
                findings,
            );
        } else if settled(p) {
            findings.push(split_finding(
                &p.raw.tokens,
                &p.readings[0],
                p.decided,
                Location::row(TableId::T3, None, key).at(Some(place)),
            ));
        } else if p.placed {
            // The values as placed: its cells are as the text shows them.
            table.rows[p.idx].cells = cells;
        } else {
            table.rows[p.idx] = unreadable_row(
                RowRef::new(TableId::T3, None, key),
                &T3_COLUMNS,
                p.raw,
                place,
                None,
                findings,
            );
        }
    }
}

/// Where 表三 starts: its note or its header above the first row, else that row.
fn table_start(lines: &[Line], from: usize, first: usize) -> usize {
    (from..first)
        .find(|&i| {
            let k = &lines[i].key;
            k.contains(template::T3_NOTE_MARK) || k.contains(template::T3_APPLICANTS)
        })
        .unwrap_or(first)
}

/// The positions a row's values may be placed by.
///
/// On a grid line (cells parted by tabs or table markup) a slot is a grid column only where
/// the grid holds: the two nearest pieces of evidence — full rows (every column filled) or
/// the column header, as many cells wide as this line, one above and one below the row if
/// there are, else the two nearest — must put the columns in the same slots, and those
/// slots must all stand after this row's label. Where they disagree (a text whose rows take more or fewer cells for their labels,
/// as tabs joining a flowing text do) or only one piece says so, no slot says anything of a
/// column, and the row is placed only if it fills every column. A grid line with no
/// evidence near it at all (a form with a few cells filled) takes its own last `n` cells.
///
/// A grid row with exactly one cell (empty or not) after its label per column needs no other
/// evidence. Elsewhere (layout text) the positions of the nearest full rows.
pub(super) fn row_anchors(
    anchors: &[(usize, Vec<u32>)],
    grid: &[(usize, Vec<u32>)],
    lines: &[Line],
    at: usize,
    n: usize,
) -> Vec<Vec<u32>> {
    let line = &lines[at];
    if !line.tabbed {
        return nearest_anchors(anchors, at);
    }
    let first_value = line.tokens.first().map_or(u32::MAX, |t| t.slot);
    let label_end = line
        .cells
        .iter()
        .filter(|(_, slot, _)| *slot < first_value)
        .map(|(_, slot, _)| *slot)
        .max();
    // A grid row with exactly `n` cells after its label, empty ones included, is its own
    // evidence: each cell is the column it stands in. (A tool that drops blank cells leaves
    // fewer; one that keeps them, as many as the table has columns.)
    {
        let after: Vec<u32> = line
            .slot_cols
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| label_end.is_none_or(|end| *s > end))
            .collect();
        if after.len() == n {
            return vec![after];
        }
    }
    let width = line.slot_cols.len();
    let grid: Vec<&(usize, Vec<u32>)> = grid
        .iter()
        .filter(|(i, _)| lines[*i].slot_cols.len() == width)
        .collect();
    let mut above: Vec<&(usize, Vec<u32>)> =
        grid.iter().copied().filter(|(i, _)| *i < at).collect();
    above.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
    let mut below: Vec<&(usize, Vec<u32>)> =
        grid.iter().copied().filter(|(i, _)| *i > at).collect();
    below.sort_by_key(|(i, _)| *i);
    let near: Vec<&Vec<u32>> = match (above.first(), below.first()) {
        (Some(a), Some(b)) => vec![&a.1, &b.1],
        _ => above.iter().chain(&below).take(2).map(|(_, a)| a).collect(),
    };
    if grid.is_empty() {
        // Only when the line ends in a value: trailing empty cells (as many extractions
        // add) would shift the window.
        let ends_in_value =
            line.tokens.last().map(|t| t.slot) == line.slot_cols.last().map(|(s, _)| *s);
        if ends_in_value && line.slot_cols.len() > n && line.cells.len() < line.slot_cols.len() {
            let slots = &line.slot_cols[line.slot_cols.len() - n..];
            return vec![slots.iter().map(|(s, _)| *s).collect()];
        }
        return Vec::new();
    }
    let after_label = |a: &Vec<u32>| label_end.is_none_or(|end| a.iter().all(|s| *s > end));
    if near.len() < 2 || near[0] != near[1] || !after_label(near[0]) {
        return Vec::new();
    }
    vec![near[0].clone()]
}

/// The slots of 表三's seven column labels on a header line (`自然人 … 其他 总计`, damaged
/// forms such as `日然人` included), when all seven stand on it in order.
fn column_header(line: &Line) -> Option<Vec<u32>> {
    if !line.tabbed {
        return None;
    }
    let mut from = 0;
    let mut slots = Vec::new();
    for c in &T3_COLUMNS {
        let want = label_key(c.label);
        let (k, (_, slot, _)) =
            line.cells
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, (text, _, _))| {
                    let have = label_key(text);
                    have == want || normalize::is_damaged_form(&want, &have)
                })?;
        from = k + 1;
        slots.push(*slot);
    }
    Some(slots)
}

/// A 表三 without a single value: a blank form, as a Word template's table is. Its rows are
/// found in order by their labels on grid lines (table rows, whose empty cells are where the
/// values go), every cell blank at its own grid column. `None` unless most rows are there.
pub(super) fn blank_grid_t3(
    lines: &[Line],
    region: Range<usize>,
    expected: &[&RowDef],
    spans: &mut Vec<Range<usize>>,
) -> Option<Table> {
    let n = T3_COLUMNS.len();
    let mut table = Table::new(TableId::T3);
    let (mut from, mut first, mut last) = (region.start, None, region.start);
    for row_def in expected {
        let want = label_key(row_def.label);
        let found = (from..region.end).take(MAX_T3_ROWS).find(|&i| {
            let l = &lines[i];
            l.tabbed
                && l.tokens.is_empty()
                && l.slot_cols.len() > n
                && coverage(&want, &l.key) >= 0.8
        });
        let Some(i) = found else { continue };
        from = i + 1;
        first.get_or_insert(i);
        last = i;
        table
            .rows
            .push(blank_grid_row(&lines[i], None, row_def.key, &T3_COLUMNS));
    }
    if table.rows.len() * 2 < expected.len() {
        return None;
    }
    let first = first?;
    let start = table_start(lines, region.start, first);
    spans.push(start..last + 1);
    table.place = Some(lines[start].place());
    Some(table)
}

/// A row of blank cells on a grid line: the last cells of the line are the columns.
pub(super) fn blank_grid_row(
    line: &Line,
    block: Option<&'static str>,
    key: &'static str,
    columns: &[template::ColumnDef],
) -> Row {
    let slots = &line.slot_cols[line.slot_cols.len().saturating_sub(columns.len())..];
    let mut row = blank_row(block, key, columns, line.place());
    for (cell, (_, col)) in row.cells.iter_mut().zip(slots) {
        cell.place = Some(Place::new(line.no, *col));
    }
    row
}

/// Whether a 表三 row's total is the sum of its six columns, blanks counted as 0 (only to
/// decide whether to try other readings; the rules judge the row).
pub(super) fn row_adds_up(cells: &[Cell]) -> bool {
    let value = |c: &Cell| match c.value {
        CellValue::Count(n) => Some(n),
        CellValue::Blank => Some(0),
        _ => None,
    };
    let vals: Option<Vec<i64>> = cells.iter().map(value).collect();
    match vals {
        Some(v) if v.len() == 7 => {
            v[..6].iter().try_fold(0i64, |a, b| a.checked_add(*b)) == Some(v[6])
        }
        _ => true,
    }
}

/// Per column, whether O1 (新收 + 结转 = 总计 + 结转下年度) and I2 (总计 = the result rows)
/// are confirmed: each cell counted as the values it may have — a number as itself, a
/// blank as 0, a cell not read as 0 up to its bound (or any), a row still `open` as any of
/// its readings — and both sides come to one and the same value.
pub(super) fn t3_column_checks(
    table: &Table,
    def: &TemplateDef,
    open: &[(&'static str, Vec<(i64, i64)>)],
) -> Vec<(bool, bool)> {
    const ANY: i64 = i64::MAX / 64;
    let get = |row: &str, col: usize| -> (i64, i64) {
        if let Some((_, span)) = open.iter().find(|(k, _)| *k == row) {
            return span[col];
        }
        match table.row(None, row).and_then(|r| r.cells.get(col)).map(|c| &c.value) {
            Some(CellValue::Count(n)) => (*n, *n),
            Some(CellValue::Blank) | None => (0, 0),
            Some(CellValue::Unreadable { upper: Some(u) }) => (0, (*u).min(ANY)),
            Some(_) => (0, ANY),
        }
    };
    let sum = |cells: &[(i64, i64)]| {
        cells
            .iter()
            .fold((0i64, 0i64), |(a, b), (lo, hi)| (a.saturating_add(*lo), b.saturating_add(*hi)))
    };
    // Confirmed: both sides known exactly (no cell unknown, no row open) and equal. (Ranges
    // that merely meet do not confirm: a wrong split next to an open row still meets.)
    let meet = |a: (i64, i64), b: (i64, i64)| a.0 == a.1 && b.0 == b.1 && a.0 == b.0;
    let results = def.t3_results_given(&|k| table.row(None, k).is_some());
    (0..T3_COLUMNS.len())
        .map(|c| {
            let o1 = meet(
                sum(&[get("new", c), get("carry_in", c)]),
                sum(&[get("r7", c), get("carry_out", c)]),
            );
            let parts: Vec<(i64, i64)> = results.iter().map(|r| get(r.key, c)).collect();
            let i2 = meet(sum(&parts), get("r7", c));
            (o1, i2)
        })
        .collect()
}

/// Whether the column sums of 表三 (O1 and I2) hold with `values` in row `key`, where the
/// other rows they need are known.
pub(super) fn t3_columns_hold(table: &Table, def: &TemplateDef, key: &str, values: &[i64]) -> bool {
    let get = |row: &str, col: usize| -> Option<i64> {
        if row == key {
            return values.get(col).copied();
        }
        match &table.row(None, row)?.cells.get(col)?.value {
            CellValue::Count(n) => Some(*n),
            CellValue::Blank => Some(0),
            _ => None,
        }
    };
    (0..T3_COLUMNS.len()).all(|c| {
        let o1 = (|| {
            Some(get("new", c)? + get("carry_in", c)? == get("r7", c)? + get("carry_out", c)?)
        })();
        let i2 = (|| {
            let mut sum = 0;
            for r in def.t3_results_given(&|k| table.row(None, k).is_some()) {
                sum += get(r.key, c)?;
            }
            Some(sum == get("r7", c)?)
        })();
        o1 != Some(false) && i2 != Some(false)
    })
}
