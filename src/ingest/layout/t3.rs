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
    let mut raws = gather_rows(lines, region.clone(), T3_COLUMNS.len());
    raws.truncate(MAX_T3_ROWS);
    let ctx = contexts(lines, &region, &raws);
    let matched = align(&raws, &ctx, &expected);
    if matched.iter().all(Option::is_none) {
        return blank_grid_t3(lines, region, &expected, spans);
    }
    let first = raws[matched.iter().flatten().copied().min()?].at;
    let last = raws[matched.iter().flatten().copied().max()?].last;
    let start = (region.start..first)
        .find(|&i| {
            let k = &lines[i].key;
            k.contains(template::T3_NOTE_MARK) || k.contains(template::T3_APPLICANTS)
        })
        .unwrap_or(first);
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
            findings.push(extra_row(TableId::T3, raw, &ctx[i], &lines[raw.at]));
        }
    }
    let anchors = anchors_of(&raws, T3_COLUMNS.len());
    let mut table = Table::new(TableId::T3);
    table.place = Some(lines[start].place());
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
            &with_grid_anchor(
                nearest_anchors(&anchors, raw.at),
                &lines[raw.at],
                T3_COLUMNS.len(),
            ),
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
    // Rows whose values may be cells run together: split only when the row's total and the
    // table's column sums leave one reading (F005); otherwise the row is unreadable (C006).
    for (idx, raw, placed) in pending_runs {
        let key = table.rows[idx].key;
        let readings = if raw.tokens.len() < T3_COLUMNS.len() || raw.tokens.iter().any(|t| t.run) {
            let row_ok = |v: &[i64]| v[6] == v[..6].iter().sum::<i64>();
            let mut r = split_runs(&raw.tokens, T3_COLUMNS.len(), 64, &row_ok);
            if r.len() > 1 {
                r.retain(|v| t3_columns_hold(&table, def, key, v));
            }
            r
        } else {
            Vec::new()
        };
        let place = table.rows[idx].place.unwrap_or_default();
        if readings.len() == 1 && !readings[0].is_empty() {
            let values = &readings[0];
            findings.push(split_finding(
                &raw.tokens,
                values,
                Location::row(TableId::T3, None, key).at(Some(place)),
            ));
            for (cell, v) in table.rows[idx].cells.iter_mut().zip(values) {
                cell.value = CellValue::Count(*v);
                cell.raw = Some(v.to_string());
            }
        } else if !placed {
            let columns = &T3_COLUMNS;
            table.rows[idx] = unreadable_row(
                RowRef::new(TableId::T3, None, key),
                columns,
                raw,
                place,
                None,
                findings,
            );
        }
    }
    Some(table)
}

/// On a grid line (a table row of a document, one cell per grid column) with more cells
/// than columns, the last `n` cells are the columns: a last anchor, for rows whose blank
/// cells leave no complete row to take positions from.
pub(super) fn with_grid_anchor(mut anchors: Vec<Vec<u32>>, line: &Line, n: usize) -> Vec<Vec<u32>> {
    if line.tabbed && line.slot_cols.len() > n && line.cells.len() < line.slot_cols.len() {
        let slots = &line.slot_cols[line.slot_cols.len() - n..];
        anchors.push(slots.iter().map(|(s, _)| *s).collect());
    }
    anchors
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
    let start = (region.start..first)
        .find(|&i| {
            let k = &lines[i].key;
            k.contains(template::T3_NOTE_MARK) || k.contains(template::T3_APPLICANTS)
        })
        .unwrap_or(first);
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
            for r in def.t3_results() {
                sum += get(r.key, c)?;
            }
            Some(sum == get("r7", c)?)
        })();
        o1 != Some(false) && i2 != Some(false)
    })
}
