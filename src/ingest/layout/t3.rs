//! 表三 (收到和处理政府信息公开申请情况).

use super::*;

// ---- 表三 ------------------------------------------------------------------------------

/// How many value lines of 表三 are considered (the template has 25 rows).
pub(super) const MAX_T3_ROWS: usize = 80;

/// C006's reason where two rows of values may each be a row's.
const CONTESTED: (&str, &str) = (
    "（其行名前后各有一行数值，无法确定哪一行属于它）",
    " (a row of values stands on either side of its label, and which is its own is not known)",
);

/// C006's reason where 表三's values stand in one run that no order splits into its rows.
const IN_A_RUN: (&str, &str) = (
    "（表中数值连成一串，个数与各行不符，无法确定各数值属于哪一行）",
    " (the table's values stand in one run whose count does not fit the rows, so which row each belongs to is not known)",
);

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
    let aligned = align(&raws, &ctx, &expected);
    // The raw rows placed by their position alone (F008) and those another row contests
    // (C006), before the stand-in moves rows.
    let flagged = |flags: &[bool]| -> Vec<usize> {
        aligned
            .rows
            .iter()
            .zip(flags)
            .filter_map(|(i, f)| i.filter(|_| *f))
            .collect()
    };
    let positioned = flagged(&aligned.by_position);
    let contested = flagged(&aligned.contested);
    let mut matched = aligned.rows;
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
        findings.push(Finding::unrendered(
            Code::C009,
            params! {},
            Location::row(TableId::T3, None, "r6").at(Some(lines[raws[i].at].place())),
        ));
    }
    // A run of values over several rows that no order splits (all the labels, then the
    // values column by column with a blank left out): whose values they are is not known,
    // so the rows with none of their own are not blank, and not missing, but not read.
    let run = matched
        .iter()
        .flatten()
        .copied()
        .find(|&i| raws[i].tokens.len() >= 2 * T3_COLUMNS.len() && !raws[i].in_run);
    // One C006 for the table (at the run), every row's cells unknown.
    let not_known = |key: &'static str, raw: &RawRow, place: Place, findings: &mut Vec<Finding>| {
        let mut quiet = Vec::new();
        let row = unreadable_row(
            RowRef::new(TableId::T3, None, key),
            &T3_COLUMNS,
            raw,
            place,
            Some(IN_A_RUN),
            &mut quiet,
        );
        if !raw.tokens.is_empty() {
            let params = quiet.pop().map(|f| f.params).unwrap_or_default();
            findings.push(Finding::unrendered(
                Code::C006,
                params,
                Location::table(TableId::T3).at(Some(place)),
            ));
        }
        row
    };
    // Rows to try as cells run together, and whether they were placed with blanks.
    let mut pending_runs: Vec<(usize, &RawRow, bool)> = Vec::new();
    for (j, row_def) in expected.iter().enumerate() {
        if let Some(r) = run.filter(|&r| matched[j].is_none_or(|i| i == r)) {
            let raw = &raws[r];
            let at = lines[raw.at].place();
            let empty = RawRow {
                tokens: Vec::new(),
                ..raw.clone()
            };
            let own = if matched[j] == Some(r) { raw } else { &empty };
            table.rows.push(not_known(row_def.key, own, at, findings));
            continue;
        }
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
        if contested.contains(&i) {
            table.rows.push(unreadable_row(
                RowRef::new(TableId::T3, None, row_def.key),
                &T3_COLUMNS,
                raw,
                place,
                Some(CONTESTED),
                findings,
            ));
            continue;
        }
        if positioned.contains(&i) {
            findings.push(Finding::unrendered(
                Code::F008,
                params! {"line" => lines[raw.at].no},
                Location::row(TableId::T3, None, row_def.key).at(Some(place)),
            ));
        }
        let tabbed = lines[raw.at].tabbed;
        match place_tokens(
            &raw.tokens,
            T3_COLUMNS.len(),
            || row_anchors(&anchors, &grid_sources, lines, raw.at, T3_COLUMNS.len()),
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
        let lo = matched[..a]
            .iter()
            .rev()
            .flatten()
            .next()
            .map_or(0, |i| i + 1);
        let hi = matched[c + 1..]
            .iter()
            .flatten()
            .next()
            .copied()
            .unwrap_or(raws.len());
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
/// A grid row that shows its own columns ([`own_grid_slots`]) needs no other evidence.
/// Elsewhere (layout text) the positions of the nearest full rows.
pub(super) fn row_anchors<'a>(
    anchors: &'a [(usize, Vec<u32>)],
    grid: &'a [(usize, Vec<u32>)],
    lines: &[Line],
    at: usize,
    n: usize,
) -> Vec<Cow<'a, [u32]>> {
    let line = &lines[at];
    if !line.tabbed {
        return nearest_anchors(anchors, at);
    }
    if let Some(own) = own_grid_slots(line, n) {
        return vec![Cow::Owned(own)];
    }
    let label_end = label_end(line);
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
            return vec![Cow::Owned(slots.iter().map(|(s, _)| *s).collect())];
        }
        return Vec::new();
    }
    let after_label = |a: &Vec<u32>| label_end.is_none_or(|end| a.iter().all(|s| *s > end));
    if near.len() < 2 || near[0] != near[1] || !after_label(near[0]) {
        return Vec::new();
    }
    vec![Cow::Borrowed(near[0].as_slice())]
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
