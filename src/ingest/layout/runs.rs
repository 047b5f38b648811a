//! Cells run together: the readings of digit runs (a blank leaves nothing in a run, so
//! readings with blanks are considered too), what decides among them — a row's own total,
//! a group's, and for 表三 the table's column sums, which must then confirm the reading —
//! and the F005 that names the rule that decided and the checks it spent.

use super::*;

/// Most digits a count of 表三 or 表四 has (no agency receives ten million applications or
/// cases in a year): a longer number is cells run together.
pub(super) const MAX_COUNT_DIGITS: usize = 7;

/// Most digits any other number cut from a run has (表二's counts, which a province's may
/// pass ten million).
pub(super) const MAX_DIGITS: usize = 15;

/// Whether a value shows that cells ran together: digits glued to a label, a leading zero,
/// or more digits than any count has.
pub(super) fn looks_run_together(t: &Token) -> bool {
    t.run || t.text.chars().filter(|c| normalize::is_digit(*c)).count() > MAX_COUNT_DIGITS
}

/// A reading of a row's cells: `None` a blank.
pub(super) type Reading = Vec<Option<i64>>;

/// The readings of digit runs as the `n` cells of a row that `accept` allows, up to
/// `limit`. `accept` judges each `group` cells in turn (a 表三 row is one group of seven, a
/// 表四 row three of five), given their values with blanks as 0. A blank cell leaves nothing
/// in a run, so a reading may have fewer numbers than cells, the rest blank anywhere: every
/// such reading is considered (`0000000` is seven zeros — no fewer numbers fit — but `00`
/// for three cells is two zeros and a blank in any of three places, three readings). A
/// token `whole` says is one cell for certain (a line or a grid cell of its own, with no
/// sign of cells run together) is read as it is, never cut.
pub(super) fn split_runs(
    tokens: &[Token],
    n: usize,
    group: usize,
    limit: usize,
    longest: usize,
    accept: &dyn Fn(&[i64]) -> bool,
    whole: &dyn Fn(&Token) -> bool,
) -> Vec<Reading> {
    let folded: Vec<std::borrow::Cow<'_, str>> =
        tokens.iter().map(|t| fold_digits(&t.text)).collect();
    let parts: Vec<&str> = folded.iter().map(|t| t.as_ref()).collect();
    if parts
        .iter()
        .any(|p| !p.chars().all(|c| c.is_ascii_digit()) || p.is_empty())
        || parts.iter().map(|p| p.len()).sum::<usize>() > 40
        || group == 0
    {
        return Vec::new();
    }
    // Digits left from each part on (for the bound on what the cells left can hold).
    let mut left: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    for i in (0..left.len().saturating_sub(1)).rev() {
        left[i] += left[i + 1];
    }
    let mut search = Splits {
        whole: tokens.iter().map(whole).collect(),
        left,
        longest,
        parts,
        n,
        group,
        limit,
        accept,
        budget: 200_000,
        cur: Vec::new(),
        out: Vec::new(),
    };
    search.go(0, 0);
    if search.budget == 0 {
        // Too many readings to tell: treat as ambiguous.
        return vec![Vec::new(), Vec::new()];
    }
    search.out
}

/// The values of a reading, blanks as 0 (for sums).
pub(super) fn zeroed(reading: &[Option<i64>]) -> Vec<i64> {
    reading.iter().map(|v| v.unwrap_or(0)).collect()
}

/// The search behind [`split_runs`]: cell by cell, a blank or the next number cut from the
/// runs (no leading zeros), each group judged as soon as it is complete.
struct Splits<'a> {
    parts: Vec<&'a str>,
    /// The digits of the parts from each on.
    left: Vec<usize>,
    /// Most digits of one number.
    longest: usize,
    /// Parts read as they are.
    whole: Vec<bool>,
    n: usize,
    group: usize,
    limit: usize,
    accept: &'a dyn Fn(&[i64]) -> bool,
    budget: usize,
    cur: Reading,
    out: Vec<Reading>,
}

impl Splits<'_> {
    /// The fewest numbers the runs from `part` (at `off`) still give: one a run.
    fn fewest(&self, part: usize, off: usize) -> usize {
        let rest = self.parts.len().saturating_sub(part);
        if self.parts.get(part).is_some_and(|p| off >= p.len()) {
            rest - 1
        } else {
            rest
        }
    }

    fn go(&mut self, part: usize, off: usize) {
        if self.out.len() > self.limit || self.budget == 0 {
            return;
        }
        self.budget -= 1;
        // A run used up moves on to the next.
        if self.parts.get(part).is_some_and(|p| off >= p.len()) {
            return self.go(part + 1, 0);
        }
        let cell = self.cur.len();
        if cell == self.n {
            if part >= self.parts.len() {
                self.out.push(self.cur.clone());
            }
            return;
        }
        let room = self.n - cell;
        let need = self.fewest(part, off);
        let digits = self.left.get(part).map_or(0, |l| l - off);
        if need > room || digits > room * self.longest {
            return;
        }
        // A blank here.
        if need < room {
            self.push(None, part, off);
        }
        let Some(s) = self.parts.get(part).copied() else {
            return;
        };
        let rest = &s[off..];
        let max_len = if rest.starts_with('0') {
            1
        } else {
            rest.len().min(self.longest)
        };
        let min_len = if self.whole[part] { rest.len() } else { 1 };
        for len in min_len..=max_len {
            let Ok(v) = rest[..len].parse::<i64>() else {
                break;
            };
            self.push(Some(v), part, off + len);
        }
    }

    /// Whether `accept` allows the group from cell `start` on (its values in a buffer on
    /// the stack: this is asked at every step of a search that may take many).
    fn accepts(&self, start: usize) -> bool {
        let cells = &self.cur[start..];
        let mut values = [0i64; 16];
        match values.get_mut(..cells.len()) {
            Some(values) => {
                for (v, c) in values.iter_mut().zip(cells) {
                    *v = c.unwrap_or(0);
                }
                (self.accept)(values)
            }
            None => (self.accept)(&zeroed(cells)),
        }
    }

    fn push(&mut self, v: Option<i64>, part: usize, off: usize) {
        self.cur.push(v);
        let len = self.cur.len();
        let judged = len % self.group == 0 || len == self.n;
        let start = len
            - if len % self.group == 0 {
                self.group
            } else {
                len % self.group
            };
        if !judged || self.accepts(start) {
            self.go(part, off);
        }
        self.cur.pop();
    }
}

/// What chose the one reading of a run of digits (F005), and so which checks it spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decided {
    /// Only one split exists at all (表二, no sums).
    Digits,
    /// The row's total is the sum of its columns (表三, A002).
    RowSum,
    /// That, and the table's column sums broke the tie (A002, A001, A003).
    RowAndColumns,
    /// Each group's total is the sum of its items (表四, A004).
    GroupTotals,
}

impl Decided {
    fn words(self) -> [&'static str; 4] {
        match self {
            Decided::Digits => [
                "数字本身（别无其他拆法）",
                "the digits themselves (no other split exists)",
                "未用任何核对",
                "no check was spent",
            ],
            Decided::RowSum => [
                "本行总计等于各列之和",
                "the row's total being the sum of its columns",
                "A002 已用于拆分，不再据此行报错",
                "A002 was spent on the split and cannot accuse this row",
            ],
            Decided::RowAndColumns => [
                "本行总计及表内各列合计",
                "the row's total and the table's column sums",
                "A002、A001、A003 已用于拆分，不再据此行报错",
                "A002, A001 and A003 were spent on the split and cannot accuse this row",
            ],
            Decided::GroupTotals => [
                "各组总计等于其各项之和",
                "each group's total being the sum of its items",
                "A004 已用于拆分，不再据此行报错",
                "A004 was spent on the split and cannot accuse this row",
            ],
        }
    }
}

/// F005: the run `tokens` was read as `values`, as `decided` chose.
pub(super) fn split_finding(
    tokens: &[Token],
    values: &[Option<i64>],
    decided: Decided,
    location: Location,
) -> Finding {
    let join = |parts: Vec<String>| parts.join(" ");
    let [by, by_en, spent, spent_en] = decided.words();
    Finding::unrendered(
        Code::F005,
        params! {
            "raw" => join(tokens.iter().map(|t| t.text.to_string()).collect()),
            "values" => join(values.iter().map(|v| v.map_or("（空）".into(), |v| v.to_string())).collect()),
            "values_en" => join(values.iter().map(|v| v.map_or("(blank)".into(), |v| v.to_string())).collect()),
            "by" => by,
            "by_en" => by_en,
            "spent" => spent,
            "spent_en" => spent_en,
        },
        location,
    )
}

/// A row whose values may be cells run together, and its readings.
struct Pending<'a> {
    idx: usize,
    raw: &'a RawRow<'a>,
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
pub(super) fn resolve_runs(
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
                    split_runs(
                        &raw.tokens,
                        T3_COLUMNS.len(),
                        7,
                        64,
                        MAX_COUNT_DIGITS,
                        &row_ok,
                        &whole,
                    )
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
            p.readings
                .retain(|v| t3_columns_hold(table, def, key, &zeroed(v)));
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
    // A reading the sums chose stands only where the table confirms it: a column sum its
    // row is in (新收 + 结转 = 总计 + 结转下年, or 总计 = the results) can be computed and
    // holds in every column. A wrong cell can let a wrong split fit its row, but that split
    // differs from the printed row in two columns at least, and a column sum whose other
    // rows are read as printed then fails there (the printed value is not the one the sum
    // needs, and the split's is not either, or the digits would be the same). A reading
    // that is the only split there is at all stands as it is. Rows refused make the sums
    // they are in unknown, until none changes.
    let mut unsure: Vec<bool> = vec![false; pending.len()];
    for p in pending.iter_mut().filter(|p| settled(p)) {
        let run_row = p.raw.tokens.iter().any(looks_run_together);
        let tabbed = lines[p.raw.at].tabbed;
        let whole = |t: &Token| !run_row && (t.shared || tabbed);
        if split_runs(
            &p.raw.tokens,
            T3_COLUMNS.len(),
            7,
            1,
            MAX_COUNT_DIGITS,
            &|_| true,
            &whole,
        )
        .len()
            == 1
        {
            p.decided = Decided::Digits;
        }
    }
    loop {
        // A row still open is known in a column only where all its readings agree.
        let open: Vec<(&'static str, Vec<Option<i64>>)> = pending
            .iter()
            .filter(|p| {
                p.readings.len() > 1 && p.readings.iter().all(|r| r.len() == T3_COLUMNS.len())
            })
            .map(|p| {
                let key = table.rows[p.idx].key;
                let agreed = (0..T3_COLUMNS.len())
                    .map(|c| {
                        let v = p.readings.iter().map(|r| r[c].unwrap_or(0));
                        let (lo, hi) = (v.clone().min().unwrap_or(0), v.max().unwrap_or(0));
                        (lo == hi).then_some(lo)
                    })
                    .collect();
                (key, agreed)
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
            let confirmed = (in_o1 && checks.iter().all(|(o1, _)| *o1 == Some(true)))
                || (in_i2 && checks.iter().all(|(_, i2)| *i2 == Some(true)));
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

/// Per column, whether O1 (新收 + 结转 = 总计 + 结转下年度) and I2 (总计 = the result rows)
/// hold, each cell's value as `get` knows it: `None` where a cell it needs is not known.
fn column_sums(
    table: &Table,
    def: &TemplateDef,
    get: &dyn Fn(&str, usize) -> Option<i64>,
) -> Vec<(Option<bool>, Option<bool>)> {
    let results = def.t3_results_given(&|k| table.row(None, k).is_some());
    (0..T3_COLUMNS.len())
        .map(|c| {
            let o1 = (|| {
                Some(get("new", c)? + get("carry_in", c)? == get("r7", c)? + get("carry_out", c)?)
            })();
            let i2 = (|| {
                let mut sum = 0i64;
                for r in &results {
                    sum = sum.checked_add(get(r.key, c)?)?;
                }
                Some(sum == get("r7", c)?)
            })();
            (o1, i2)
        })
        .collect()
}

/// [`column_sums`] for confirming readings: a number as itself, a blank or a missing row as
/// 0, a cell not read (unless all its values are 0) unknown, a row still `open` known only
/// where its readings agree. A sum confirms a reading only where it is known and holds (a
/// range that merely could hold does not: a wrong split next to an open row still could).
fn t3_column_checks(
    table: &Table,
    def: &TemplateDef,
    open: &[(&'static str, Vec<Option<i64>>)],
) -> Vec<(Option<bool>, Option<bool>)> {
    let get = |row: &str, col: usize| -> Option<i64> {
        if let Some((_, agreed)) = open.iter().find(|(k, _)| *k == row) {
            return agreed[col];
        }
        match table
            .row(None, row)
            .and_then(|r| r.cells.get(col))
            .map(|c| &c.value)
        {
            Some(CellValue::Count(n)) => Some(*n),
            Some(CellValue::Blank) | None => Some(0),
            Some(CellValue::Unreadable { upper: Some(0) }) => Some(0),
            Some(_) => None,
        }
    };
    column_sums(table, def, &get)
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
    column_sums(table, def, &get)
        .iter()
        .all(|(o1, i2)| *o1 != Some(false) && *i2 != Some(false))
}
