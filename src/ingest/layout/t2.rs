//! 表二 (主动公开政府信息情况).

use super::*;

// ---- 表二 ------------------------------------------------------------------------------

/// The most lines a 表二 row label is wrapped over.
const MAX_LABEL_LINES: usize = 4;

/// C006's reason where some of 表二's values follow no row's label.
const AFTER_LABELS: (&str, &str) = (
    "（表中有数值不在任何行名之后，无法确定属于哪一行哪一列）",
    " (the table has values that follow no row's label, so which row and column they belong to is not known)",
);

pub(super) fn read_t2(
    lines: &[Line],
    region: Range<usize>,
    def: &TemplateDef,
    findings: &mut Vec<Finding>,
    spans: &mut Vec<Range<usize>>,
) -> Option<Table> {
    let mut table = Table::new(TableId::T2);
    let mut from = region.start;
    // The lines whose values went into a row.
    let mut used: Vec<usize> = Vec::new();
    let mut first: Option<usize> = None;
    let mut last = region.start;
    // Rows with no value after their label (their index in the table).
    let mut bare: Vec<usize> = Vec::new();
    // Every row label of 表二, to tell another row's line from the rest of a wrapped label.
    let row_keys: Vec<String> = def
        .t2
        .iter()
        .flat_map(|b| b.rows.iter().map(|r| label_key(r.label)))
        .collect();
    for block in def.t2 {
        let block_key = label_key(block.label);
        let column_keys: Vec<String> = block.columns.iter().map(|c| label_key(c.label)).collect();
        let block_line = (from..region.end).find(|&i| lines[i].key.starts_with(&block_key));
        let header = (block_line.unwrap_or(from)..region.end).find(|&i| {
            column_keys
                .iter()
                .any(|k| lines[i].key.contains(k.as_str()))
        });
        // Where the block's header puts the columns, for each of its rows.
        let block_anchors = header.map(|h| header_anchors(&lines[h], block.columns));
        for row_def in block.rows {
            let want = label_key(row_def.label);
            // The other version's wording of the same row (2019's `规范性文件` in a 2021
            // report): read as this row, with C010.
            let other = Version::ALL
                .iter()
                .filter(|v| **v != def.version)
                .find_map(|v| {
                    let r = v
                        .def()
                        .t2_block(block.key)?
                        .rows
                        .iter()
                        .find(|r| r.key == row_def.key)?;
                    (r.label != row_def.label).then(|| (*v, r.label, label_key(r.label)))
                });
            let names = |have: &str, i: usize| {
                have == want
                    || normalize::is_damaged_form(&want, have)
                    || (have.starts_with(&want)
                        && fold(&lines[i].label).contains(&format!("{}(", row_def.label)))
                    || other.as_ref().is_some_and(|(_, _, k)| have == k)
            };
            // The line that starts the row's label, and the line of its values if they
            // stand on it: a label wrapped over lines (`其他对外管理服` / `务事项`) with the
            // values on its first line, its last, or the lines below.
            let Some((i, end)) = (from..region.end).find_map(|i| {
                if names(lines[i].label_key(), i) {
                    return Some((i, i));
                }
                let on_first = !lines[i].tokens.is_empty();
                let mut have = lines[i].label_key().to_string();
                let mut k = i;
                while !have.is_empty()
                    && have.len() < want.len()
                    && want.starts_with(have.as_str())
                    && k + 1 < region.end.min(i + MAX_LABEL_LINES)
                    && (k == i || lines[k].tokens.is_empty())
                    && (!on_first || lines[k + 1].tokens.is_empty())
                {
                    k += 1;
                    have.push_str(lines[k].label_key());
                    if have == want {
                        return Some((i, if on_first { i } else { k }));
                    }
                }
                None
            }) else {
                continue;
            };
            if let Some((v, label, key)) = &other {
                if lines[i].label_key() == *key {
                    findings.push(Finding::unrendered(
                        Code::C010,
                        params! {"found" => *label, "other" => v.as_str()},
                        Location::row(TableId::T2, Some(block.key), row_def.key)
                            .at(Some(lines[i].place())),
                    ));
                }
            }
            first.get_or_insert(block_line.unwrap_or(i).min(i));
            // Values on the label's (last) line, else on the lines below it (one cell per
            // line).
            let mut raw_lines = vec![end];
            let mut tokens = lines[end].tokens.clone();
            if tokens.is_empty() {
                // The run of value lines below the label, to the next label. A run longer
                // than the row (all the table's values after all its labels, column by
                // column) is not this row's alone: the row is not read from it.
                let mut k = end + 1;
                while k < region.end && tokens.len() <= block.columns.len() {
                    let l = &lines[k];
                    // A label ends the run: a label alone, or another row's (whose values
                    // are on its own line); the rest of a wrapped label does not.
                    let other_row = !l.label_key().is_empty()
                        && row_keys
                            .iter()
                            .any(|r| l.label_key().starts_with(r.as_str()));
                    if !l.page_number && !l.label.is_empty() && (l.tokens.is_empty() || other_row) {
                        break;
                    }
                    if !l.tokens.is_empty() {
                        raw_lines.push(k);
                        tokens.extend(l.tokens.iter().cloned());
                    }
                    k += 1;
                }
                if tokens.len() > block.columns.len() {
                    for t in &mut tokens {
                        t.shared = true;
                    }
                }
            }
            let end = *raw_lines.last().unwrap_or(&i);
            last = last.max(end);
            from = end + 1;
            used.extend(raw_lines.iter().copied());
            let place = lines[i].place();
            let raw = RawRow {
                at: i,
                last: end,
                tokens,
                own: lines[i].label.clone(),
                in_run: false,
            };
            if raw.tokens.is_empty() {
                bare.push(table.rows.len());
            }
            // The row's own grid line, else the block's header, says where the columns are.
            let with_values: Vec<usize> = raw_lines
                .iter()
                .copied()
                .filter(|&v| !lines[v].tokens.is_empty())
                .collect();
            let own = match with_values.as_slice() {
                [v] => own_grid_slots(&lines[*v], block.columns.len()),
                _ => None,
            };
            let anchors = || -> Vec<Cow<'_, [u32]>> {
                own.into_iter()
                    .map(Cow::Owned)
                    .chain(block_anchors.iter().map(|a| Cow::Borrowed(a.as_slice())))
                    .collect()
            };
            match place_tokens(&raw.tokens, block.columns.len(), anchors, lines[end].tabbed) {
                Some((placed, slots)) => {
                    let line = &lines[end];
                    let blank_at = |k: usize| slots.get(k).map(|s| line.place_of_slot(*s));
                    let cells = cells_from(
                        RowRef::new(TableId::T2, Some(block.key), row_def.key),
                        block.columns,
                        &placed,
                        &blank_at,
                        findings,
                    );
                    table.rows.push(Row {
                        block: Some(block.key),
                        key: row_def.key,
                        cells,
                        place: Some(place),
                    });
                }
                None if raw.tokens.is_empty() => {
                    table.rows.push(blank_row(
                        Some(block.key),
                        row_def.key,
                        block.columns,
                        place,
                    ));
                }
                None if raw.tokens.iter().any(looks_run_together) => {
                    // Cells run together (`规章000`): 表二 has no sums, so a run is split only
                    // where its digits allow one reading at all (F005).
                    let n = block.columns.len();
                    let readings =
                        split_runs(&raw.tokens, n, n, 2, MAX_DIGITS, &|_| true, &|_| false);
                    let at = RowRef::new(TableId::T2, Some(block.key), row_def.key);
                    if let [values] = readings.as_slice() {
                        findings.push(split_finding(
                            &raw.tokens,
                            values,
                            Decided::Digits,
                            at.location().at(Some(place)),
                        ));
                        let cells = block
                            .columns
                            .iter()
                            .zip(values)
                            .map(|(c, v)| match v {
                                Some(v) => read_cell(
                                    &v.to_string(),
                                    c.kind,
                                    at,
                                    c.key,
                                    Some(place),
                                    findings,
                                ),
                                None => Cell {
                                    column: c.key,
                                    value: CellValue::Blank,
                                    raw: None,
                                    place: Some(place),
                                },
                            })
                            .collect();
                        table.rows.push(Row {
                            block: Some(block.key),
                            key: row_def.key,
                            cells,
                            place: Some(place),
                        });
                    } else {
                        table.rows.push(unreadable_row(
                            at,
                            block.columns,
                            &raw,
                            place,
                            None,
                            findings,
                        ));
                    }
                }
                None => {
                    let reason = (raw.tokens.len() > block.columns.len()).then_some(AFTER_LABELS);
                    table.rows.push(unreadable_row(
                        RowRef::new(TableId::T2, Some(block.key), row_def.key),
                        block.columns,
                        &raw,
                        place,
                        reason,
                        findings,
                    ));
                }
            }
        }
    }
    let first = first?;
    // Values in the table that follow no row's label (all the labels, then the values — by
    // row or by column, the text does not say, and 表二 has no sums to tell): a row with no
    // value after its label, above such values, is not blank but not read.
    let stray = (first..region.end).rev().find(|&i| {
        let l = &lines[i];
        !used.contains(&i) && !l.tokens.is_empty() && !l.page_number && l.label.trim().is_empty()
    });
    if let Some(stray) = stray {
        for &k in &bare {
            let (block, key, place) = (table.rows[k].block, table.rows[k].key, table.rows[k].place);
            let place = place.unwrap_or_default();
            if place.line >= lines[stray].no {
                continue;
            }
            let columns = def
                .t2_block(block.unwrap_or_default())
                .map_or(&[][..], |b| b.columns);
            let empty = RawRow {
                at: k,
                last: k,
                tokens: Vec::new(),
                own: Cow::Borrowed(""),
                in_run: false,
            };
            table.rows[k] = unreadable_row(
                RowRef::new(TableId::T2, block, key),
                columns,
                &empty,
                place,
                Some(AFTER_LABELS),
                findings,
            );
        }
    }
    spans.push(first..last + 1);
    table.place = Some(lines[first].place());
    // A labelled line of values among the rows that is none of the template's rows.
    for (i, l) in lines.iter().enumerate().take(last + 1).skip(first) {
        if !used.contains(&i) && !l.tokens.is_empty() && !l.label.trim().is_empty() {
            let raw = RawRow {
                at: i,
                last: i,
                tokens: l.tokens.clone(),
                own: l.label.clone(),
                in_run: false,
            };
            findings.push(extra_row(TableId::T2, &raw, "", l));
        }
    }
    Some(table)
}

/// Where a block's header puts its value columns: the slot of each column label.
pub(super) fn header_anchors(header: &Line, columns: &[template::ColumnDef]) -> Vec<u32> {
    // Each cell keyed once, as characters too, for all the columns.
    let cells: Vec<(String, Vec<char>, u32)> = header
        .cells
        .iter()
        .map(|(text, slot, _)| {
            let key = label_key(text);
            let chars = key.chars().collect();
            (key, chars, *slot)
        })
        .collect();
    columns
        .iter()
        .filter_map(|c| {
            let want = label_key(c.label);
            let wanted: Vec<char> = want.chars().collect();
            cells
                .iter()
                .find(|(have, chars, _)| {
                    !have.is_empty()
                        && (*have == want || normalize::coverage_of(&wanted, chars) >= 0.8)
                })
                .map(|(_, _, slot)| *slot)
        })
        .collect()
}
