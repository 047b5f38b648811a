//! A report run together on one line (a page's text taken with no separator, as
//! BeautifulSoup's `get_text()` gives it: `…规章000行政规范性文件77132470第二十条第（五）项…`)
//! parted back into lines where the template's own words begin: section headings, 表二's
//! block and row labels, 表三's group and row labels. What is left between two labels — a
//! row's cells run together (`801000081`) — stays a run of digits after its label, split
//! later only by the row's arithmetic (`rows::split_runs`).
//!
//! A label is found as the template writes it, numeral included, so the digit before a
//! numbered label's point belongs to the label, not to the row before: `00000002.其他法律…`
//! is `0000000` and `2.其他法律…`. At each place the longest label there wins
//! (`行政规范性文件`, not the `规范性文件` inside it).

use std::borrow::Cow;

use super::*;

/// A line this long with this many rows inside it (a row label, its digits right after)
/// is a report run together; a table row or a paragraph is neither.
const MIN_RUN_CHARS: usize = 200;
const MIN_ROWS: usize = 5;

/// A template word lines are parted at, folded.
struct Word {
    chars: Vec<char>,
    /// A heading or a label over rows: its line ends with it too (a row label's values
    /// follow it on its line).
    alone: bool,
}

/// The words lines are parted before, by first character and longest first.
fn words() -> Vec<Word> {
    let mut out: Vec<(&str, bool)> = Vec::new();
    out.extend(SECTIONS.iter().map(|s| (s.heading, true)));
    for v in Version::ALL {
        let def = v.def();
        for b in def.t2 {
            out.push((b.label, true));
            out.extend(b.rows.iter().map(|r| (r.label, false)));
        }
        for r in def.t3_rows() {
            out.push((r.label, false));
            out.extend(r.parent.map(|p| (p, true)));
        }
    }
    out.push((template::T3_RESULTS_GROUP, true));
    out.push((template::T3_NOTE, true));
    let mut words: Vec<Word> = out
        .into_iter()
        .map(|(w, alone)| Word {
            chars: fold(w).chars().collect(),
            alone,
        })
        .collect();
    // By first character, longest first within it (the longest word at a place wins).
    words.retain(|w| !w.chars.is_empty());
    words.sort_by(|a, b| {
        a.chars[0]
            .cmp(&b.chars[0])
            .then(b.chars.len().cmp(&a.chars.len()))
    });
    words.dedup_by(|a, b| a.chars == b.chars);
    words
}

/// The lines of `doc`, those run together parted at the template's words.
pub(super) fn unglue<'a>(doc: &'a Doc<'a>) -> Vec<Cow<'a, DocLine<'a>>> {
    let mut found: Option<Vec<Word>> = None;
    let mut out = Vec::with_capacity(doc.lines.len());
    for l in &doc.lines {
        // Long, with at least as many places where digits follow CJK as rows are needed.
        let long = |c: &DocCell| long_run(&c.text);
        if l.tabbed || !l.cells.iter().any(long) {
            out.push(Cow::Borrowed(l));
            continue;
        }
        let words = found.get_or_insert_with(words);
        let parted: Vec<Vec<(usize, String)>> = l
            .cells
            .iter()
            .map(|c| {
                if long(c) {
                    part(&c.text, words)
                } else {
                    vec![(0, c.text.to_string())]
                }
            })
            .collect();
        // Table rows run together: row labels with their digits right after them. A
        // paragraph that names a few rows in passing (`行政规范性文件393件`) is not parted.
        let rows = parted
            .iter()
            .flatten()
            .filter(|(_, t)| {
                let chars: Vec<char> = t.chars().collect();
                words.iter().any(|w| {
                    !w.alone
                        && chars.starts_with(&w.chars)
                        && chars
                            .get(w.chars.len())
                            .is_some_and(|c| normalize::is_digit(*c))
                })
            })
            .count();
        if rows < MIN_ROWS {
            out.push(Cow::Borrowed(l));
            continue;
        }
        // Each cell and each part of a long one a line of its own.
        for (cell, parts) in l.cells.iter().zip(parted) {
            for (start, text) in parts {
                out.push(Cow::Owned(DocLine {
                    line: l.line,
                    cells: vec![DocCell {
                        text: Cow::Owned(text),
                        col: cell.col + start as u32,
                        slot: cell.slot + start as u32,
                    }],
                    tabbed: false,
                }));
            }
        }
    }
    out
}

/// Whether a cell is long enough, with places enough where a digit follows CJK, to be a
/// report run together. Told from the bytes: characters are the bytes that start one
/// (counted only when the bytes leave it open: a character is at most four bytes); a digit
/// is an ASCII digit or a full-width one (`digit_at`), and only then is the character
/// before it decoded and asked [`normalize::is_cjk`].
fn long_run(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < MIN_RUN_CHARS
        || (bytes.len() < 4 * MIN_RUN_CHARS
            && bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() < MIN_RUN_CHARS)
    {
        return false;
    }
    let mut rows = 0;
    let mut next = 0;
    while let Some(i) = normalize::next_byte_where(bytes, next, |b| b.is_ascii_digit() || b == 0xEF)
    {
        next = i + 1;
        if digit_at(bytes, i) && text[..i].chars().next_back().is_some_and(normalize::is_cjk) {
            rows += 1;
            if rows >= MIN_ROWS {
                return true;
            }
        }
    }
    false
}

/// Whether the character at byte `i` (where one starts) is a digit [`normalize::is_digit`]
/// knows: ASCII, or full-width `０`–`９` (U+FF10–U+FF19: EF BC 90–99), told by its bytes.
fn digit_at(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i..) {
        Some([b, ..]) if b.is_ascii_digit() => true,
        Some([0xEF, 0xBC, 0x90..=0x99, ..]) => true,
        _ => false,
    }
}

/// `text` parted before each word found in it (leftmost, longest), each part with its
/// character offset. Folding maps character to character, so offsets hold in `text`.
fn part(text: &str, words: &[Word]) -> Vec<(usize, String)> {
    let raw: Vec<char> = text.chars().collect();
    let folded: Vec<char> = raw
        .iter()
        .map(|c| normalize::fold_char(*c).unwrap_or(*c))
        .collect();
    let mut cuts = vec![0];
    let mut i = 0;
    while i < folded.len() {
        // Only the words that start with this character (they are few): a line is read
        // once, not once a word.
        let found = match words.binary_search_by_key(&folded[i], |w| w.chars[0]) {
            Ok(k) => {
                let first = words[..k]
                    .iter()
                    .rposition(|w| w.chars[0] != folded[i])
                    .map_or(0, |p| p + 1);
                words[first..]
                    .iter()
                    .take_while(|w| w.chars[0] == folded[i])
                    .find(|w| folded[i..].starts_with(&w.chars))
            }
            Err(_) => None,
        };
        match found {
            Some(w) => {
                cuts.push(i);
                i += w.chars.len();
                if w.alone {
                    cuts.push(i);
                }
            }
            None => i += 1,
        }
    }
    cuts.push(raw.len());
    cuts.dedup();
    cuts.windows(2)
        .filter(|w| w[1] > w[0])
        .map(|w| {
            (
                w[0],
                raw[w[0]..w[1]]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string(),
            )
        })
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digits told by their bytes are the characters `normalize::is_digit` knows.
    #[test]
    fn digits_by_bytes_are_the_digits() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(digit_at(bytes, 0), normalize::is_digit(c), "{c:?}");
        }
    }

    #[test]
    fn long_run_decodes_every_digit() {
        // long_run decodes only ASCII digits and characters whose UTF-8 starts with EF:
        // every digit normalize::is_digit knows must be one of those.
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| normalize::is_digit(c))
        {
            let first = c.encode_utf8(&mut buf).as_bytes()[0];
            assert!(first.is_ascii_digit() || first == 0xEF, "{c:?}");
        }
        // Rows of digits after CJK, ASCII and full-width alike, past MIN_RUN_CHARS.
        let run =
            "本年新收12件上年结转３件予以公开4件部分公开５件不予公开6件无法提供７件不予处理8件"
                .repeat(5);
        assert!(long_run(&run));
        assert!(!long_run(
            &run.replace(|c: char| normalize::is_digit(c), "")
        ));
        // Long enough by its bytes alone (not counted), and too short in characters
        // however many bytes it has.
        let longer = run.repeat(3);
        assert!(longer.len() >= 4 * MIN_RUN_CHARS && long_run(&longer));
        assert!(!long_run(&"本1".repeat(MIN_RUN_CHARS / 2 - 1)));
    }

    #[test]
    fn a_run_is_parted_at_labels_and_numerals_stay_with_them() {
        let parts: Vec<String> = part(
            "第二十条第（一）项信息内容本年制发件数规章000行政规范性文件77132470（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000",
            &words(),
        )
        .into_iter()
        .map(|(_, t)| t)
        .collect();
        assert_eq!(
            parts,
            [
                "第二十条第（一）项",
                "信息内容本年制发件数",
                "规章000",
                "行政规范性文件77132470",
                "（三）不予公开",
                "1.属于国家秘密0000000",
                "2.其他法律行政法规禁止公开0000000",
            ]
        );
    }
}
