//! Lines as the table readers see them: a document line's cells parted into label text and
//! value tokens (numbers, placeholders, digit runs), and page numbers told.

use super::*;

// ---- lines ----------------------------------------------------------------------------

pub(super) fn prepare<'a>(l: &'a DocLine<'_>) -> Line<'a> {
    // The label's cells joined (one, mostly: then the label is that cell's text, not a
    // copy).
    let mut label: Option<Cow<'a, str>> = None;
    let mut label_col = 0;
    let mut push_label = |part: &'a str, col: u32| match &mut label {
        None => {
            label = Some(Cow::Borrowed(part));
            label_col = col;
        }
        Some(joined) => joined.to_mut().push_str(part),
    };
    let mut cells: Vec<(&'a str, u32, u32)> = Vec::with_capacity(l.cells.len());
    cells.extend(
        l.cells
            .iter()
            .filter(|c| !c.text.is_empty())
            .map(|c| (c.text.as_ref(), c.slot, c.col)),
    );
    // Most value cells hold one value each (a line of one cell, mostly prose, none).
    let mut tokens = Vec::with_capacity(if cells.len() > 1 { cells.len() } else { 0 });
    for &(text, slot, col) in &cells {
        let place = Place::new(l.line, col);
        if is_value(text) {
            tokens.push(Token {
                text: Cow::Borrowed(text),
                place,
                slot,
                shared: false,
                run: leading_zero(text),
            });
            continue;
        }
        if let Some(parts) = number_list(text) {
            // Numbers parted by single spaces in one cell: where each stands is how wide the
            // numbers before it are, not which column it is in.
            for (offset, part) in parts {
                tokens.push(Token {
                    text: Cow::Borrowed(part),
                    place: Place::new(l.line, col + offset),
                    slot,
                    shared: true,
                    run: leading_zero(part),
                });
            }
            continue;
        }
        if let Some((label, parts)) = label_then_values(text) {
            // `一、本年新收… 3001 53 0 0 61 4 3119`: a row as flowing text writes it, parted
            // by single spaces. Where the values stand says nothing of their columns.
            push_label(label, col);
            for (offset, part) in parts {
                tokens.push(Token {
                    text: Cow::Borrowed(part),
                    place: Place::new(l.line, col + offset),
                    slot,
                    shared: true,
                    run: leading_zero(part),
                });
            }
            continue;
        }
        if let Some((label, digits, offset)) = glued_digits(text) {
            push_label(label, col);
            tokens.push(Token {
                text: Cow::Borrowed(digits),
                place: Place::new(l.line, col + offset),
                slot: slot + offset,
                shared: false,
                run: true,
            });
            continue;
        }
        if tokens.is_empty() {
            push_label(text, col);
        }
    }
    let text: Cow<'a, str> = match cells.as_slice() {
        [] => Cow::Borrowed(""),
        [(only, _, _)] => Cow::Borrowed(only),
        _ => Cow::Owned(
            cells
                .iter()
                .map(|(t, _, _)| *t)
                .collect::<Vec<_>>()
                .join(" "),
        ),
    };
    let label = label.unwrap_or(Cow::Borrowed(""));
    let indent = cells.first().map_or(0, |c| c.2.saturating_sub(1));
    let page_number = is_page_number(&text);
    let key = label_key(&text);
    Line {
        // A line of label only (most lines of prose) has its key already.
        own_key: (label != text).then(|| label_key(&label)),
        key,
        slot_cols: l.cells.iter().map(|c| (c.slot, c.col)).collect(),
        cells,
        no: l.line,
        tabbed: l.tabbed,
        label,
        label_col: label_col.max(1),
        tokens,
        text,
        indent,
        page_number,
    }
}

/// The first character of `text` that is not a space, a `*` or dropped, folded: what
/// `fold(text).trim_start()` starts with, unless that is a `*` (a lone one `fold` keeps),
/// told without folding the text.
pub(super) fn first_folded(text: &str) -> Option<char> {
    (text.chars().filter_map(normalize::fold_char)).find(|&c| !c.is_whitespace() && c != '*')
}

/// A cell that holds one value: a number (with sign word or unit), a placeholder, or a
/// number with characters that could not be read (U+FFFD from a PDF font without a map:
/// a value, reported as not a number — never read as a shorter number or as a label).
pub(crate) fn is_value(s: &str) -> bool {
    // No value is this long (a line of prose is; parsing it as a cell would be wasted).
    if s.len() > MAX_VALUE_BYTES {
        return false;
    }
    // Most value cells are a count in ASCII digits: a number, whatever it reads as.
    if plain_count(s) {
        return true;
    }
    // Without a digit a cell reads as no number (most label cells): only what stands for
    // none, or unreadable characters, is a value then.
    if s.chars().any(normalize::is_digit) {
        let p = normalize::parse_cell(s, ColumnKind::MoneyUnitInCell);
        match p.value {
            CellValue::NoUnit(_) | CellValue::Money(_) => return true,
            CellValue::NotNumber => {}
            _ => return false,
        }
    }
    // Digits with unreadable characters: told by the characters first (most label cells
    // fail at their first), then whether one is unreadable.
    normalize::is_placeholder(s)
        || (s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | char::REPLACEMENT_CHARACTER))
            && s.contains(char::REPLACEMENT_CHARACTER))
}

/// Up to 18 ASCII digits (an `i64` holds them): a number in any column, `parse_cell`'s
/// `NoUnit` (held so by a property test).
fn plain_count(s: &str) -> bool {
    (1..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// The longest text a value cell may hold (`-1,234,567,890.1234万元`, placeholders, digits
/// with unreadable characters), in bytes.
const MAX_VALUE_BYTES: usize = 64;

/// `1 1 0 0 0 0 0 0`: plain numbers separated by single spaces, with their offsets.
pub(super) fn number_list(s: &str) -> Option<Vec<(u32, &str)>> {
    if !s.starts_with(|c: char| normalize::is_digit(c) || c == ' ') {
        return None;
    }
    let f = fold_digits(s);
    let mut parts = Vec::new();
    let mut offset = 0u32;
    for (i, part) in f.split(' ').enumerate() {
        if i > 0 {
            offset += 1;
        }
        let len = part.chars().count() as u32;
        if !part.is_empty() {
            if !part.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            parts.push((offset, chars_at(s, offset, len)));
        }
        offset += len;
    }
    (parts.len() >= 2).then_some(parts)
}

/// `s` with full-width digits and points as ASCII, character for character (so offsets in
/// it are offsets in `s`).
pub(super) fn fold_digits(s: &str) -> std::borrow::Cow<'_, str> {
    // `fold_char`'s mapping, for these characters only (the rest stay as they are).
    let wide = |c: char| (normalize::is_digit(c) && !c.is_ascii_digit()) || c == '．';
    if !s.chars().any(wide) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if wide(c) {
                    normalize::fold_char(c).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// The `len` characters of `s` from character `start`.
fn chars_at(s: &str, start: u32, len: u32) -> &str {
    let mut idx = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    let from = idx.nth(start as usize).unwrap_or(s.len());
    let to = if len == 0 {
        from
    } else {
        idx.nth(len as usize - 1).unwrap_or(s.len())
    };
    &s[from..to]
}

/// The longest label a row's values may follow in one cell (`（二）部分公开（区分处理的…）`
/// is 29 characters; a sentence is longer).
const MAX_ROW_LABEL_CHARS: usize = 60;

/// `行政许可 447228`, `3.补正后申请内容仍不明确 1 0 0 0 0 0 1`: a label, then values parted
/// by single spaces, with their offsets. The label holds CJK and does not end in a digit;
/// each value is a plain number (digits, a decimal point), maybe signed (`-5`, 表二's
/// 本年增/减) or in 万元.
pub(super) fn label_then_values(s: &str) -> Option<(&str, Vec<(u32, &str)>)> {
    if !s.ends_with(|c: char| normalize::is_digit(c) || matches!(c, '元' | '.' | '．')) {
        return None;
    }
    let f = fold_digits(s);
    let plain = |p: &str| {
        let unsigned = p.strip_prefix(['-', '+', '−']).unwrap_or(p);
        let digits = unsigned
            .strip_suffix("万元")
            .or_else(|| unsigned.strip_suffix('元'))
            .unwrap_or(unsigned);
        !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
            && digits.starts_with(|c: char| c.is_ascii_digit())
            && digits.matches('.').count() <= 1
    };
    let mut cut = f.len();
    for (at, _) in f.match_indices(' ').collect::<Vec<_>>().into_iter().rev() {
        if !plain(&f[at + 1..cut]) {
            break;
        }
        cut = at;
    }
    if cut == f.len() {
        return None;
    }
    let label = f[..cut].trim_end();
    let last = label.chars().last()?;
    if last.is_ascii_digit()
        || label.chars().count() > MAX_ROW_LABEL_CHARS
        || !label.chars().any(normalize::is_cjk)
    {
        return None;
    }
    let label_chars = label.chars().count() as u32;
    let mut parts = Vec::new();
    let mut offset = f[..cut].chars().count() as u32;
    for part in f[cut..].split(' ') {
        let len = part.chars().count() as u32;
        if !part.is_empty() {
            parts.push((offset, chars_at(s, offset, len)));
        }
        offset += len + 1;
    }
    Some((chars_at(s, 0, label_chars), parts))
}

/// `规范性文件898989`, `行政事业性收费5949.088667`: a label with a number run onto its end.
pub(super) fn glued_digits(s: &str) -> Option<(&str, &str, u32)> {
    let mut start = None;
    let mut point = false;
    for (i, c) in s.char_indices().rev() {
        if normalize::is_digit(c) {
            start = Some(i);
        } else if matches!(c, '.' | '．') && !point && start.is_some() {
            point = true;
        } else {
            break;
        }
    }
    let mut digits_start = start?;
    let (mut text, mut digits) = s.split_at(digits_start);
    // A point with no digit before it is the label's.
    if digits.starts_with(['.', '．']) {
        digits_start += digits.chars().next().map_or(1, char::len_utf8);
        (text, digits) = s.split_at(digits_start);
    }
    let last = text.chars().last()?;
    (normalize::is_cjk(last) && !matches!(last, '第' | '年' | '至')).then_some((
        text,
        digits,
        text.chars().count() as u32,
    ))
}

pub(super) fn leading_zero(s: &str) -> bool {
    s.chars().count() > 1 && s.starts_with(['0', '０']) && s.chars().all(normalize::is_digit)
}

/// `- 4 -`, `-4-`, `第 4 页`, `4 / 12`: page numbers, dropped wherever they stand (N15).
pub(crate) fn is_page_number(s: &str) -> bool {
    // Every form below is made of digits, dashes, `第页共`, `/`, spaces (and the `**` that
    // `fold` drops): a line with another character is none (most lines, at their first).
    let page_char = |c: char| {
        c.is_ascii_digit()
            || c.is_whitespace()
            || matches!(c, '-' | '—' | '–' | '·' | '第' | '页' | '共' | '/' | '*')
    };
    if !s
        .chars()
        .all(|c| normalize::fold_char(c).is_none_or(page_char))
    {
        return false;
    }
    // Never fewer characters than `t` below has (`fold` drops only `**` and zero widths).
    if s.chars()
        .filter(|&c| c != '*' && normalize::fold_char(c).is_some_and(|c| !c.is_whitespace()))
        .nth(12)
        .is_some()
    {
        return false;
    }
    page_number_forms(s)
}

/// [`is_page_number`] without its shortcuts: folded, whitespace dropped, one of the forms.
pub(super) fn page_number_forms(s: &str) -> bool {
    let t: String = fold(s).chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() || t.chars().count() > 12 {
        return false;
    }
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let dash = |c: char| matches!(c, '-' | '—' | '–' | '·');
    let core = t.trim_matches(dash);
    if t.starts_with(dash) && t.ends_with(dash) && digits(core) {
        return true;
    }
    // 第 3 页, 第 3 页 共 12 页
    if let Some((n, rest)) = t.strip_prefix('第').and_then(|r| r.split_once('页')) {
        let total = rest.strip_prefix('共').and_then(|r| r.strip_suffix('页'));
        return digits(n) && (rest.is_empty() || total.is_some_and(digits));
    }
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b);
    }
    false
}
