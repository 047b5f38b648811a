//! 表四 (行政复议、行政诉讼情况).

use super::*;

// ---- 表四 ------------------------------------------------------------------------------

pub(super) fn read_t4(
    lines: &[Line],
    region: Range<usize>,
    findings: &mut Vec<Finding>,
    spans: &mut Vec<Range<usize>>,
) -> Option<Table> {
    let data: Vec<usize> = region
        .clone()
        .filter(|&i| !lines[i].tokens.is_empty() && !lines[i].page_number)
        .collect();
    let header = region.clone().find(|&i| {
        let k = &lines[i].key;
        k.contains("行政复议") || k.contains("行政诉讼")
    });
    let start = header.or(data.first().copied())?;
    let data: Vec<usize> = data.into_iter().filter(|&i| i >= start).collect();
    let n = T4_COLUMNS.len();
    // The values: one line that holds all fifteen, else the first lines that add up to them.
    let rows_lines: Vec<usize> = match data.iter().find(|&&i| lines[i].tokens.len() == n) {
        Some(&i) => vec![i],
        None => {
            let mut acc = Vec::new();
            let mut count = 0;
            for &i in &data {
                if count >= n {
                    break;
                }
                count += lines[i].tokens.len();
                acc.push(i);
            }
            acc
        }
    };
    let last = rows_lines.last().copied().unwrap_or(start);
    spans.push(start..last + 1);
    let header_end = rows_lines.first().copied().unwrap_or(last);
    header_damage(
        lines,
        start..header_end,
        TableId::T4,
        &["结果维持", "结果纠正", "其他结果", "尚未审结"],
        findings,
    );
    let mut table = Table::new(TableId::T4);
    table.place = Some(lines[start].place());
    if rows_lines.is_empty() {
        // A blank form: the first grid line of empty cells after the header holds them.
        let blank = (start + 1..region.end).take(10).find(|&i| {
            let l = &lines[i];
            l.tabbed && l.is_blank() && l.slot_cols.len() >= T4_COLUMNS.len()
        });
        if let Some(i) = blank {
            spans.push(start..i + 1);
            for (k, key) in ["rv", "ld", "lr"].into_iter().enumerate() {
                let mut row = blank_grid_row(&lines[i], None, key, &T4_COLUMNS);
                row.cells = row.cells.split_off(k * 5);
                row.cells.truncate(5);
                table.rows.push(row);
            }
        }
        return Some(table);
    }
    let tokens: Vec<Token> = rows_lines
        .iter()
        .flat_map(|&i| lines[i].tokens.clone())
        .collect();
    let place = tokens.first().map_or(lines[start].place(), |t| t.place);
    let groups: Vec<(&'static str, &[template::ColumnDef])> = vec![
        ("rv", &T4_COLUMNS[0..5]),
        ("ld", &T4_COLUMNS[5..10]),
        ("lr", &T4_COLUMNS[10..15]),
    ];
    let raw = RawRow {
        at: rows_lines[0],
        last,
        tokens: tokens.clone(),
        own: Cow::Borrowed(""),
        in_run: false,
    };
    // Values spread over lines with labels between them came out of a scrambled
    // extraction: their order says nothing about their columns.
    let interleaved = (rows_lines[0]..last).any(|i| {
        let l = &lines[i];
        l.tokens.is_empty() && !l.is_blank() && !l.page_number
    });
    if interleaved {
        let reason = (
            "（数值与表头交错，顺序不可靠）",
            " (values interleaved with the header: their order is unreliable)",
        );
        table.rows = t4_unreadable(&groups, &raw, place, Some(reason), findings);
        return Some(table);
    }
    // One grid row (tab text, .docx, HTML) with blank cells: its last fifteen grid
    // columns are the table's, and each value stands in its own column.
    let line = &lines[rows_lines[0]];
    if rows_lines.len() == 1
        && line.tabbed
        && tokens.len() < n
        && line.slot_cols.len() >= n
        && tokens.iter().all(|t| !t.shared && !t.run)
    {
        let slots = &line.slot_cols[line.slot_cols.len() - n..];
        let mut placed: Vec<Option<&Token>> = vec![None; n];
        let mut fits = true;
        for t in &tokens {
            match slots.iter().position(|(slot, _)| *slot == t.slot) {
                Some(k) => placed[k] = Some(t),
                None => fits = false,
            }
        }
        if fits {
            for (k, (key, cols)) in groups.iter().enumerate() {
                let blank_at = |j: usize| {
                    slots
                        .get(k * 5 + j)
                        .map(|(_, col)| Place::new(line.no, *col))
                };
                let at = RowRef::new(TableId::T4, None, key);
                let cells = cells_from(at, cols, &placed[k * 5..k * 5 + 5], &blank_at, findings);
                table.rows.push(Row {
                    block: None,
                    key,
                    cells,
                    place: Some(place),
                });
            }
            return Some(table);
        }
    }
    let values: Vec<Option<Token>> = if tokens.len() == n && tokens.iter().all(|t| !t.run) {
        tokens.into_iter().map(Some).collect()
    } else {
        // Cells run together: split only when the groups' totals leave one reading.
        let group_ok = |v: &[i64]| v.chunks(5).all(|g| g[4] == g[..4].iter().sum::<i64>());
        // A value on a line or a grid cell of its own is one cell, never cut (`300` is not
        // 30 and 0 because a cell was left blank).
        let tabbed = line.tabbed;
        let alone = |t: &Token| {
            tokens
                .iter()
                .filter(|o| o.place.line == t.place.line)
                .count()
                == 1
        };
        let run_row = tokens.iter().any(looks_run_together);
        let whole = |t: &Token| !run_row && (t.shared || tabbed || alone(t));
        let readings = split_runs(&tokens, n, 5, 2, MAX_COUNT_DIGITS, &group_ok, &whole);
        if readings.len() != 1 || readings[0].is_empty() {
            table.rows = t4_unreadable(&groups, &raw, place, None, findings);
            return Some(table);
        }
        let location = Location::table(TableId::T4).at(Some(place));
        findings.push(split_finding(
            &tokens,
            &readings[0],
            Decided::GroupTotals,
            location,
        ));
        readings[0]
            .iter()
            .map(|v| {
                v.map(|v| Token {
                    text: Cow::Owned(v.to_string()),
                    place,
                    slot: 0,
                    shared: false,
                    run: false,
                })
            })
            .collect()
    };
    for (k, (key, cols)) in groups.iter().enumerate() {
        let placed: Vec<Option<&Token>> = values[k * 5..k * 5 + 5]
            .iter()
            .map(Option::as_ref)
            .collect();
        let at = RowRef::new(TableId::T4, None, key);
        let cells = cells_from(at, cols, &placed, &|_| None, findings);
        table.rows.push(Row {
            block: None,
            key,
            cells,
            place: Some(place),
        });
    }
    Some(table)
}

/// 表四 whose values cannot be placed: one C006, every cell unknown (bounded by the values).
pub(super) fn t4_unreadable(
    groups: &[(&'static str, &[template::ColumnDef])],
    raw: &RawRow,
    place: Place,
    reason: Option<(&str, &str)>,
    findings: &mut Vec<Finding>,
) -> Vec<Row> {
    let all = unreadable_row(
        RowRef::new(TableId::T4, None, "rv"),
        &T4_COLUMNS,
        raw,
        place,
        reason,
        findings,
    );
    groups
        .iter()
        .map(|(key, cols)| Row {
            block: None,
            key,
            cells: all
                .cells
                .iter()
                .filter(|c| cols.iter().any(|d| d.key == c.column))
                .cloned()
                .collect(),
            place: Some(place),
        })
        .collect()
}
