//! What a text with its cells run together proves (`…一、本年新收…801000081二、…`): the
//! generator's own account, by brute force over the digits, independent of the decoder.
//!
//! A row's digits are one string. A reading parts it into the row's values, none with a
//! leading zero. A row is proved when:
//! - its digits allow one reading at all (`0000000`); or
//! - 表四: one reading makes each group's 总计 the sum of its four; or
//! - 表三: one reading makes its 总计 the sum of its six, and a column sum of the table its
//!   row is in (新收 + 结转 = 总计 + 结转下年; 总计 = the sum of the results) is known from
//!   such readings and holds in every column — a row sum alone could be met by a wrong
//!   split of a row with a wrong cell.
//!
//! This is a lower bound of what can be proved (the decoder may also break ties by the
//! column sums); a cell it proves must be read.

use std::collections::BTreeSet;

/// A row's cells: key and the value shown (`None`: blank).
type Cells<'a> = &'a [(String, Option<String>)];

/// At most this many readings are looked for (one is proof, two is doubt).
const ENOUGH: usize = 2;

/// The keys of the cells, in the rows given, that the digits do not prove.
pub(super) fn unproved(rows: &[&[(String, Option<String>)]]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // 表三's rows: its key, its cells, its reading.
    let mut t3: Vec<(&str, Cells, Reading)> = Vec::new();
    for cells in rows {
        let Some(first) = cells.first() else {
            continue;
        };
        let digits: Option<String> = cells.iter().map(|(_, v)| v.clone()).collect();
        let keys = || cells.iter().map(|(k, _)| k.clone());
        // A blank leaves nothing; a sign or a point is not a digit to part.
        let Some(digits) = digits.filter(|d| d.chars().all(|c| c.is_ascii_digit())) else {
            out.extend(keys());
            continue;
        };
        let n = cells.len();
        let mut any = Vec::new();
        split(&digits, &[Group::Free(n)], &mut Vec::new(), &mut any);
        if any.len() == 1 {
            if first.0.starts_with("t3.") {
                t3.push((row_of(&first.0), cells, Reading::Digits(any.remove(0))));
            }
            continue;
        }
        if first.0.starts_with("t4.") && n % 5 == 0 {
            let groups = vec![Group::Summed(5); n / 5];
            let mut fits = Vec::new();
            split(&digits, &groups, &mut Vec::new(), &mut fits);
            if fits.len() != 1 {
                out.extend(keys());
            }
        } else if first.0.starts_with("t3.") && n == 7 {
            let mut fits = Vec::new();
            split(&digits, &[Group::Summed(7)], &mut Vec::new(), &mut fits);
            let reading = match fits.len() {
                1 => Reading::RowSum(fits.remove(0)),
                _ => Reading::Open,
            };
            t3.push((row_of(&first.0), cells, reading));
        } else {
            out.extend(keys());
        }
    }
    // 表三: a row-sum reading stands where every column sum its row is in holds.
    let value = |row: &str, c: usize| -> Option<i64> {
        t3.iter()
            .find(|(r, _, _)| *r == row)
            .and_then(|(_, _, reading)| reading.values())
            .map(|v| v[c].unwrap_or(0))
    };
    let results: Vec<&str> = t3
        .iter()
        .map(|(r, _, _)| *r)
        .filter(|r| !matches!(*r, "new" | "carry_in" | "r7" | "carry_out"))
        .collect();
    // Whether each column sum holds in column `c` (false where it cannot be told).
    let holds = |c: usize| -> (bool, bool) {
        let o1 = || {
            Some(
                value("new", c)? + value("carry_in", c)?
                    == value("r7", c)? + value("carry_out", c)?,
            )
        };
        let i2 = || {
            let mut sum = 0;
            for r in &results {
                sum += value(r, c)?;
            }
            Some(sum == value("r7", c)?)
        };
        (o1() == Some(true), i2() == Some(true))
    };
    let (o1, i2): (Vec<bool>, Vec<bool>) = (0..7).map(holds).unzip();
    for (row, cells, reading) in &t3 {
        let in_o1 = matches!(*row, "new" | "carry_in" | "r7" | "carry_out");
        let in_i2 = !matches!(*row, "new" | "carry_in" | "carry_out");
        let proved = match reading {
            Reading::Digits(_) => true,
            Reading::RowSum(_) => {
                (in_o1 && o1.iter().all(|h| *h)) || (in_i2 && i2.iter().all(|h| *h))
            }
            Reading::Open => false,
        };
        if !proved {
            out.extend(cells.iter().map(|(k, _)| k.clone()));
        }
    }
    out
}

/// `t3.r3_1.np` → `r3_1`.
fn row_of(key: &str) -> &str {
    key.split('.').nth(1).unwrap_or("")
}

enum Reading {
    /// The only reading the digits allow.
    Digits(Vec<Option<i64>>),
    /// The only reading whose total is the sum of the row.
    RowSum(Vec<Option<i64>>),
    /// None or several.
    Open,
}

impl Reading {
    fn values(&self) -> Option<&[Option<i64>]> {
        match self {
            Reading::Digits(v) | Reading::RowSum(v) => Some(v),
            Reading::Open => None,
        }
    }
}

/// Consecutive cells of a row: `Free(n)`, any `n` cells; `Summed(n)`, `n` cells the last
/// of which is the sum of the others (a blank counting 0).
#[derive(Clone, Copy)]
enum Group {
    Free(usize),
    Summed(usize),
}

/// Most digits a count has (no agency receives ten million applications in a year).
const MAX_DIGITS: usize = 7;

/// The readings of `digits` as `groups` (up to [`ENOUGH`]) appended to `out`: each cell a
/// number with no leading zero or a blank, which leaves nothing in the digits (a text that
/// runs cells together drops blanks, and nothing shows where).
fn split(
    digits: &str,
    groups: &[Group],
    acc: &mut Vec<Option<i64>>,
    out: &mut Vec<Vec<Option<i64>>>,
) {
    if out.len() >= ENOUGH {
        return;
    }
    let Some((&group, rest)) = groups.split_first() else {
        if digits.is_empty() {
            out.push(acc.clone());
        }
        return;
    };
    let cells_left = |rest: &[Group]| -> usize {
        rest.iter()
            .map(|g| match g {
                Group::Free(n) | Group::Summed(n) => *n,
            })
            .sum()
    };
    // Whether to go on looking.
    let enough = |out: &Vec<Vec<Option<i64>>>| out.len() < ENOUGH;
    match group {
        Group::Free(n) => {
            cells(digits, n, cells_left(rest), acc, &mut |tail, acc| {
                split(tail, rest, acc, out);
                enough(out)
            });
        }
        Group::Summed(n) => {
            cells(
                digits,
                n - 1,
                1 + cells_left(rest),
                acc,
                &mut |tail, acc| {
                    let sum = acc[acc.len() - (n - 1)..]
                        .iter()
                        .try_fold(0i64, |a, b| a.checked_add(b.unwrap_or(0)));
                    let Some(sum) = sum else {
                        return true;
                    };
                    let total = sum.to_string();
                    if tail.starts_with(&total) {
                        acc.push(Some(sum));
                        split(&tail[total.len()..], rest, acc, out);
                        acc.pop();
                    }
                    if sum == 0 {
                        acc.push(None);
                        split(tail, rest, acc, out);
                        acc.pop();
                    }
                    enough(out)
                },
            );
        }
    }
}

/// Every way to read `n` cells off the front of `digits` (with `after` cells still to
/// come), each passed on with what is left; `then` says whether to go on. Returns whether
/// to go on.
fn cells(
    digits: &str,
    n: usize,
    after: usize,
    acc: &mut Vec<Option<i64>>,
    then: &mut dyn FnMut(&str, &mut Vec<Option<i64>>) -> bool,
) -> bool {
    if digits.len() > MAX_DIGITS * (n + after) {
        return true;
    }
    if n == 0 {
        return then(digits, acc);
    }
    acc.push(None);
    let go_on = cells(digits, n - 1, after, acc, then);
    acc.pop();
    if !go_on {
        return false;
    }
    let longest = if digits.starts_with('0') {
        1
    } else {
        digits.len().min(MAX_DIGITS)
    };
    for len in 1..=longest {
        let Ok(v) = digits[..len].parse::<i64>() else {
            break;
        };
        acc.push(Some(v));
        let go_on = cells(&digits[len..], n - 1, after, acc, then);
        acc.pop();
        if !go_on {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readings(digits: &str, groups: &[Group]) -> Vec<Vec<Option<i64>>> {
        let mut out = Vec::new();
        split(digits, groups, &mut Vec::new(), &mut out);
        out
    }

    #[test]
    fn parts_digits_as_the_arithmetic_allows() {
        assert_eq!(readings("0000000", &[Group::Free(7)]), [vec![Some(0); 7]]);
        let row = [80, 1, 0, 0, 0, 0, 81].map(Some).to_vec();
        assert_eq!(readings("801000081", &[Group::Summed(7)]), [row]);
        // 1|10|5, 11|0|5, and with a blank 110|5 …: doubt.
        assert_eq!(readings("1105", &[Group::Free(3)]).len(), 2);
        // 1|0|0|0|0|0|1 holds; 10|0|0|0|0|1 with a blank does not.
        assert_eq!(readings("1000001", &[Group::Summed(7)]).len(), 1);
        assert_eq!(readings("1000001", &[Group::Free(7)]).len(), 2);
        assert!(readings("12", &[Group::Summed(2)]).is_empty());
    }
}
