//! Normalization of what extraction damages (FORMAT.md §8): full-width forms, spaces
//! inside CJK text, and cell values — split decimals, sign words, units, placeholders.
//! Each repair that changes a value is named, so that the caller can report it (F0xx).

use std::borrow::Cow;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::finding::Code;
use crate::model::CellValue;
use crate::template::ColumnKind;

/// Maps full-width ASCII forms to ASCII and the ideographic space to a space, drops
/// markdown emphasis (`**`), and unifies quotes and dashes.
pub fn fold(s: &str) -> Cow<'_, str> {
    // Most text folds to itself: ASCII always does (but for `**`), other text when no
    // character of it maps to another.
    let same = if s.is_ascii() {
        true
    } else {
        s.chars().all(|c| fold_char(c) == Some(c))
    };
    if same && !has_double_star(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(c) = fold_char(c) {
            out.push(c);
        }
    }
    if out.contains("**") {
        out = out.replace("**", "");
    }
    Cow::Owned(out)
}

/// Whether `s` holds `**`: its `*`s found by memchr (most texts have none), not by a
/// substring search, which costs more to set up than a short text takes to scan.
fn has_double_star(s: &str) -> bool {
    let bytes = s.as_bytes();
    memchr::memchr_iter(b'*', bytes).any(|i| bytes.get(i + 1) == Some(&b'*'))
}

/// One character as [`fold`] maps it (`None`: dropped, as a zero-width space is). A
/// `const fn`, for the keys made at compile time.
pub const fn fold_char(c: char) -> Option<char> {
    Some(match c {
        '\u{FF01}'..='\u{FF5E}' => match char::from_u32(c as u32 - 0xFEE0) {
            Some(folded) => folded,
            None => c,
        },
        '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' => ' ',
        '\u{200B}' | '\u{FEFF}' => return None,
        '“' | '”' | '„' | '″' => '"',
        '‘' | '’' => '\'',
        '−' | '–' => '-',
        c => c,
    })
}

/// A digit, ASCII or full-width (`０`–`９`, as some PDFs and converters give them).
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// A CJK ideograph (the unified blocks, extension A, compatibility, the supplementary planes).
pub fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}')
}

/// CJK ideographs and the CJK punctuation that label text uses.
pub fn is_cjk(c: char) -> bool {
    is_ideograph(c) || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '“' | '”')
}

/// Removes the whitespace that line-wrapping left between two CJK characters (N4),
/// keeping it elsewhere (never joins numbers). Text with nothing to remove is borrowed.
pub fn collapse_cjk_spaces(s: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    for (start, end) in whitespace_runs(s) {
        let before = s[..start].chars().next_back();
        let after = s[end..].chars().next();
        if before.is_some_and(is_cjk) && after.is_some_and(is_cjk) {
            out.push_str(&s[copied..start]);
            copied = end;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(s);
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

/// The byte ranges of the runs of whitespace (`char::is_whitespace`) in `s`. Told by their
/// bytes: ASCII spaces and controls 9–13, and the few wider ones, whose first byte is C2
/// (U+0085, U+00A0), E1 (U+1680), E2 (U+2000…U+205F) or E3 (U+3000) — ideographs start
/// with other bytes (E4…E9) and are passed over sixteen bytes at a time, undecoded.
fn whitespace_runs(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || loop {
        i = next_candidate(bytes, i)?;
        let w = whitespace_width(s, i);
        if w == 0 {
            i += 1;
            continue;
        }
        let start = i;
        i += w;
        loop {
            let w = whitespace_width(s, i);
            if w == 0 {
                break;
            }
            i += w;
        }
        return Some((start, i));
    })
}

/// A byte that may start whitespace: ASCII up to the space, or C2…E3 (a superset of the
/// first bytes above, cheaper to test).
fn may_start_whitespace(b: u8) -> bool {
    b <= b' ' || b.wrapping_sub(0xC2) <= 0xE3 - 0xC2
}

/// `s.trim()`, told at once in the commonest case: a text whose first byte and whose last
/// character's first byte start no whitespace has none to trim (std's trim decodes a
/// character at each end and looks it up).
pub fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return s;
    };
    // A character's first byte is any but a continuation byte (10xx_xxxx).
    let last = bytes
        .iter()
        .rev()
        .take(4)
        .copied()
        .find(|&b| b & 0xC0 != 0x80);
    if may_start_whitespace(first) || last.is_none_or(may_start_whitespace) {
        s.trim()
    } else {
        s
    }
}

/// The first byte from `i` on that may start whitespace.
fn next_candidate(bytes: &[u8], i: usize) -> Option<usize> {
    next_byte_where(bytes, i, may_start_whitespace)
}

/// The first byte from `i` on that `wanted` says yes to. Blocks of sixteen are tested
/// whole, without a branch a byte (so that the test runs on vectors).
#[inline]
pub(crate) fn next_byte_where(
    bytes: &[u8],
    mut i: usize,
    wanted: impl Fn(u8) -> bool,
) -> Option<usize> {
    while let Some(block) = bytes.get(i..i + 16) {
        if block.iter().fold(false, |any, &b| any | wanted(b)) {
            break;
        }
        i += 16;
    }
    let rest = bytes.get(i..)?;
    rest.iter().position(|&b| wanted(b)).map(|p| i + p)
}

/// How many bytes the whitespace character at byte `i` of `s` takes (0: none there).
#[inline]
fn whitespace_width(s: &str, i: usize) -> usize {
    match s.as_bytes().get(i) {
        Some(b' ' | b'\t'..=b'\r') => 1,
        Some(0xC2 | 0xE1 | 0xE2 | 0xE3) => s[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
        _ => 0,
    }
}

/// The form labels are compared in: folded, and only ideographs, letters and digits kept.
/// `（三） 不予公 开` and `(三)不予公开` both become `三不予公开`.
pub fn label_key(s: &str) -> String {
    // Runs of what a key keeps as it is — ASCII lowercase letters and digits, ideographs of
    // the unified block (three bytes each in UTF-8, told by their first two) — are copied
    // whole; the commonest characters it drops are told by their bytes and passed over; the
    // rest goes through `fold_char` a character at a time.
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // U+4E00..=U+9FFF: E4 B8 80 ..= E9 BF BF (E4 is told by its next byte).
        let kept = match KEPT_RUN[usize::from(b)] {
            E4 if bytes.get(i + 1).is_some_and(|&n| n >= 0xB8) => 3,
            E4 => 0,
            k => k,
        };
        if kept > 0 {
            i += usize::from(kept);
            continue;
        }
        // What a key drops, told by its bytes as well: ASCII but letters and digits; the
        // ideographic space, 、。〃 and the brackets (E3 80 xx); full-width ASCII punctuation
        // (EF BC xx, folded to ASCII); dashes, quotes and … (E2 80 xx).
        let next = |k: usize| bytes.get(i + k).copied();
        let dropped = match b {
            b'A'..=b'Z' => 0,
            0..=0x7F => 1,
            0xE3 if next(1) == Some(0x80)
                && matches!(next(2), Some(0x80..=0x83 | 0x88..=0x91 | 0x94..=0x9F)) =>
            {
                3
            }
            0xEF if next(1) == Some(0xBC)
                && matches!(next(2), Some(0x81..=0x8F | 0x9A..=0xA0 | 0xBB..=0xBF)) =>
            {
                3
            }
            0xE2 if next(1) == Some(0x80)
                && matches!(
                    next(2),
                    Some(0x93 | 0x94 | 0x98 | 0x99 | 0x9C | 0x9D | 0xA6)
                ) =>
            {
                3
            }
            _ => 0,
        };
        if run < i {
            out.push_str(&s[run..i]);
        }
        if dropped > 0 {
            i += dropped;
            run = i;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        run = i;
        let Some(c) = fold_char(c) else {
            continue;
        };
        match c {
            'a'..='z' | '0'..='9' | '\u{4E00}'..='\u{9FFF}' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            c if c.is_ascii() => {}
            // CJK punctuation (、。〃 and the brackets 〈〉《》「」『』【】〔〕〖〗〘〙〚〛, 〜〝〞〟):
            // never alphanumeric, and common enough to spare the table look-up.
            '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}' => {}
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out.push_str(&s[run..]);
    out
}

/// For each first byte, how many bytes of a kept run it starts (`label_key`): 1 for ASCII
/// lowercase letters and digits, 3 for E5–E9 (ideographs), `E4` for E4 (an ideograph from
/// E4 B8), 0 for the rest. A table, because this is the loop every label's key runs.
static KEPT_RUN: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'a'..=b'z' | b'0'..=b'9' => 1,
            0xE4 => E4,
            0xE5..=0xE9 => 3,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// `KEPT_RUN`'s mark for E4, whose ideographs start at E4 B8.
const E4: u8 = 4;

/// A set of characters kept as 128 bits of a hash of each: it may hold characters never
/// added, never the other way — a filter that answers "not in the set" at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CharSet(u128);

impl CharSet {
    pub(crate) const EMPTY: CharSet = CharSet(0);

    #[cfg(test)]
    pub(crate) fn of(s: &str) -> CharSet {
        let mut set = CharSet::default();
        for c in s.chars() {
            set.add(c);
        }
        set
    }

    pub(crate) fn add(&mut self, c: char) {
        *self = self.with(c);
    }

    /// The set with `c` added (for sets made at compile time).
    pub(crate) const fn with(self, c: char) -> CharSet {
        CharSet(self.0 | CharSet::bit(c))
    }

    pub(crate) fn may_hold(self, c: char) -> bool {
        self.0 & CharSet::bit(c) != 0
    }

    pub(crate) const fn bit(c: char) -> u128 {
        1 << CharSet::slot(c)
    }

    /// Which of the 128 bits stands for `c` (a multiplicative hash).
    #[inline]
    pub(crate) const fn slot(c: char) -> usize {
        ((c as u32).wrapping_mul(2_654_435_761) >> 25) as usize
    }
}

/// A text's characters as [`CharSet`] slots with how often each occurs, in layers: layer
/// `k` holds the slots met more than `k` times. How many of the characters a set may hold
/// is then a count of bits a layer (one or two, mostly), not a hash a character — for a
/// text counted against many sets.
#[derive(Debug, Clone, Default)]
pub(crate) struct CharCounts(Cow<'static, [u128]>);

impl CharCounts {
    /// Counts made at compile time (their layers as [`CharCounts::of`] makes them).
    pub(crate) const fn made(layers: &'static [u128]) -> CharCounts {
        CharCounts(Cow::Borrowed(layers))
    }

    pub(crate) fn of(chars: &[char]) -> CharCounts {
        let mut layers: Vec<u128> = Vec::new();
        for &c in chars {
            let bit = CharSet::bit(c);
            match CharCounts::layer_for(&layers, bit) {
                l if l < layers.len() => layers[l] |= bit,
                _ => layers.push(bit),
            }
        }
        CharCounts(Cow::Owned(layers))
    }

    /// The layer a character of slot `bit` goes in, given the layers so far: a slot's n-th
    /// character goes in the n-th layer, the first without its bit (`layers.len()`: a new
    /// one). A `const fn`, for the counts made at compile time as well.
    pub(crate) const fn layer_for(layers: &[u128], bit: u128) -> usize {
        let mut l = 0;
        while l < layers.len() && layers[l] & bit != 0 {
            l += 1;
        }
        l
    }

    /// How many of the characters `set` may hold (each as often as it occurs).
    pub(crate) fn held_by(&self, set: CharSet) -> usize {
        self.0
            .iter()
            .map(|layer| (layer & set.0).count_ones() as usize)
            .sum()
    }
}

/// Longest common subsequence of two char slices.
pub fn lcs(a: &[char], b: &[char]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    // Labels are short: the shorter side, up to 64 characters, is a word of bits (its
    // masks on the stack: most comparisons are made once).
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() > 64 {
        return lcs_table(a, b);
    }
    let mut masks = [('\0', 0u64); 64];
    let (n, set) = bit_masks(short, &mut masks);
    lcs_bits(&masks[..n], set, short.len(), long)
}

/// The bits of each character of `a` (at most 64), sorted by character, into `masks`:
/// how many there are, and the set of them.
#[inline]
pub(crate) const fn bit_masks(a: &[char], masks: &mut [(char, u64); 64]) -> (usize, CharSet) {
    // Loops written out (no iterator, search or copy of std's): a `const fn`, for the keys
    // made at compile time as well.
    debug_assert!(a.len() <= 64);
    let mut n = 0;
    let mut set = CharSet::EMPTY;
    let mut i = 0;
    while i < a.len() && i < 64 {
        let c = a[i];
        set = set.with(c);
        // Where `c` is among the `n` masks sorted by character, or would go.
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if (masks[mid].0 as u32) < c as u32 {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo < n && masks[lo].0 as u32 == c as u32 {
            masks[lo].1 |= 1 << i;
        } else {
            let mut k = n;
            while k > lo {
                masks[k] = masks[k - 1];
                k -= 1;
            }
            masks[lo] = (c, 1 << i);
            n += 1;
        }
        i += 1;
    }
    (n, set)
}

/// [`lcs`] of a text of `len` characters (at most 64), given by [`bit_masks`], and `b`: a
/// bit per character of the text, a column of the table in one word (Crochemore,
/// Iliopoulos, Pinzon and Reid, 2001). For each character of `b`, with `m` the bits that
/// are that character, `v = (v + (v & m)) | (v & !m)`; the length is the number of zero
/// bits. A character the text lacks leaves `v` as it is and is passed over.
#[inline]
fn lcs_bits(masks: &[(char, u64)], set: CharSet, len: usize, b: &[char]) -> usize {
    let mut v = u64::MAX;
    for &c in b {
        if !set.may_hold(c) {
            continue;
        }
        if let Ok(at) = masks.binary_search_by_key(&c, |&(k, _)| k) {
            let m = masks[at].1;
            v = v.wrapping_add(v & m) | (v & !m);
        }
    }
    let used = if len >= 64 {
        u64::MAX
    } else {
        (1u64 << len) - 1
    };
    (!v & used).count_ones() as usize
}

/// A text of at most 64 characters made ready for [`lcs`] with many others (a template
/// label compared with every line): its bits sorted once.
#[derive(Debug, Clone)]
pub struct Subsequence {
    masks: Cow<'static, [(char, u64)]>,
    set: CharSet,
    len: usize,
}

impl Subsequence {
    /// A text's bits made at compile time: its masks as [`bit_masks`] sorts them, the set
    /// of its characters and their number.
    pub(crate) const fn made(masks: &'static [(char, u64)], set: CharSet, len: usize) -> Self {
        Subsequence {
            masks: Cow::Borrowed(masks),
            set,
            len,
        }
    }

    /// `None` for a text longer than 64 characters.
    pub fn new(a: &[char]) -> Option<Subsequence> {
        if a.len() > 64 {
            return None;
        }
        let mut masks = [('\0', 0u64); 64];
        let (n, set) = bit_masks(a, &mut masks);
        Some(Subsequence {
            masks: Cow::Owned(masks[..n].to_vec()),
            set,
            len: a.len(),
        })
    }

    /// The longest common subsequence of this text and `b` (any length).
    pub fn lcs(&self, b: &[char]) -> usize {
        lcs_bits(&self.masks, self.set, self.len, b)
    }
}

/// [`lcs`] by its table, two rows at a time (any lengths).
fn lcs_table(a: &[char], b: &[char]) -> usize {
    // Two rows of the table on the stack for the usual label lengths (no allocation).
    const ON_STACK: usize = 128;
    let mut stack = [0u32; 2 * ON_STACK];
    let mut heap = Vec::new();
    let rows: &mut [u32] = if b.len() < ON_STACK {
        &mut stack[..2 * (b.len() + 1)]
    } else {
        heap.resize(2 * (b.len() + 1), 0);
        &mut heap
    };
    let (mut prev, mut cur) = rows.split_at_mut(b.len() + 1);
    for &x in a {
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] as usize
}

/// How much of `expected` (a label key) appears, in order, in `observed`: 0.0 to 1.0.
pub fn coverage(expected: &str, observed: &str) -> f32 {
    let e: Vec<char> = expected.chars().collect();
    if e.is_empty() {
        return 0.0;
    }
    let o: Vec<char> = observed.chars().collect();
    coverage_of(&e, &o)
}

/// [`coverage`] of texts already split into characters (for a text compared with many).
pub fn coverage_of(expected: &[char], observed: &[char]) -> f32 {
    if expected.is_empty() {
        return 0.0;
    }
    lcs(expected, observed) as f32 / expected.len() as f32
}

/// Whether `observed` is `expected` with a few characters misread (OCR damage, N7): the
/// same length, at most a third of the characters different, and not identical.
pub fn is_damaged_form(expected: &str, observed: &str) -> bool {
    if expected == observed {
        return false;
    }
    let (mut len, mut diff) = (0, 0);
    let mut o = observed.chars();
    for a in expected.chars() {
        let Some(b) = o.next() else {
            return false;
        };
        len += 1;
        diff += usize::from(a != b);
    }
    o.next().is_none() && len >= 2 && diff * 3 <= len
}

/// A value read from a cell's text, with the repairs that reading made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub value: CellValue,
    pub repairs: Vec<Code>,
}

/// Texts that stand for "no value" (N19): not a number, and not 0 either.
const PLACEHOLDERS: &[&str] = &[
    "-", "--", "—", "——", "/", "\\", "无", "空", "×", "x", "X", "N/A", "n/a", "NA", "/ ", "…",
    "...",
];

/// Whether a cell's text is a placeholder for "no value" (`-`, `/`, `无`).
pub fn is_placeholder(raw: &str) -> bool {
    // None has more than three characters besides spaces (and the `**` that `fold` drops):
    // a text with more is none, told without folding it.
    // Each character it keeps must be one a placeholder has (most label cells fail at
    // their first).
    let mut kept = 0;
    for c in raw.chars() {
        let Some(f) = fold_char(c).filter(|f| c != '*' && !f.is_whitespace()) else {
            continue;
        };
        kept += 1;
        if kept > 3 || !is_placeholder_char(f) {
            return false;
        }
    }
    PLACEHOLDERS.contains(&fold(raw).trim())
}

/// A character of one of the [`PLACEHOLDERS`] (a test holds the two together).
fn is_placeholder_char(c: char) -> bool {
    matches!(
        c,
        '-' | '—'
            | '/'
            | '\\'
            | '无'
            | '空'
            | '×'
            | 'x'
            | 'X'
            | 'N'
            | 'A'
            | 'n'
            | 'a'
            | '.'
            | '…'
            | ' '
    )
}

/// Reads a cell's text as a value of the column's kind. Never guesses: what does not read
/// as a number is [`CellValue::NotNumber`], a blank is [`CellValue::Blank`].
pub fn parse_cell(raw: &str, kind: ColumnKind) -> Parsed {
    // Most cells are plain digits: read at once, as the steps below would read them.
    if let Some(n) = plain_digits(raw) {
        let value = match kind {
            ColumnKind::Count | ColumnKind::SignedCount => CellValue::Count(n),
            ColumnKind::MoneyWan => CellValue::Money(Decimal::from(n)),
            ColumnKind::MoneyUnitInCell => CellValue::NoUnit(Decimal::from(n)),
        };
        return Parsed {
            value,
            repairs: Vec::new(),
        };
    }
    let folded = fold(raw);
    let mut repairs = Vec::new();
    if folded != raw && raw.chars().any(|c| is_digit(c) && !c.is_ascii_digit()) {
        repairs.push(Code::F006);
    }
    let s = trim(&folded);
    if s.is_empty() {
        return Parsed {
            value: CellValue::Blank,
            repairs: Vec::new(),
        };
    }
    if PLACEHOLDERS.contains(&s) {
        return not_number();
    }
    let Some(num) = scan_number(s) else {
        return not_number();
    };
    if num.sign_word {
        repairs.push(Code::F002);
    }
    if num.split_decimal {
        repairs.push(Code::F001);
    }
    if num.separators {
        repairs.push(Code::F006);
    }
    let Ok(mut d) = Decimal::from_str(&num.digits) else {
        return not_number();
    };
    if num.negative {
        d.set_sign_negative(true);
    }
    let unit = num.unit.trim();
    let value = match kind {
        ColumnKind::Count | ColumnKind::SignedCount => {
            if !unit.is_empty() {
                if COUNT_UNITS.contains(&unit) {
                    repairs.push(Code::F003);
                } else {
                    return not_number();
                }
            }
            if d.fract().is_zero() {
                match i64::try_from(d.trunc()) {
                    Ok(n) => CellValue::Count(n),
                    Err(_) => return not_number(),
                }
            } else {
                CellValue::NotWhole(d.normalize())
            }
        }
        ColumnKind::MoneyWan | ColumnKind::MoneyUnitInCell => match unit {
            "万元" | "万" => {
                repairs.push(Code::F003);
                CellValue::Money(d.normalize())
            }
            "元" => {
                repairs.push(Code::F003);
                match d.checked_div(Decimal::from(10_000)) {
                    Some(w) => CellValue::Money(w.normalize()),
                    None => return not_number(),
                }
            }
            "" if kind == ColumnKind::MoneyWan => CellValue::Money(d.normalize()),
            "" => CellValue::NoUnit(d.normalize()),
            _ => return not_number(),
        },
    };
    Parsed { value, repairs }
}

const COUNT_UNITS: &[&str] = &["件", "项", "个", "条", "家", "次", "人", "份"];

/// One to eighteen ASCII digits (always an `i64`), as a number.
fn plain_digits(raw: &str) -> Option<i64> {
    let b = raw.as_bytes();
    if b.is_empty() || b.len() > 18 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
}

fn not_number() -> Parsed {
    Parsed {
        value: CellValue::NotNumber,
        repairs: Vec::new(),
    }
}

struct Scanned<'a> {
    negative: bool,
    sign_word: bool,
    digits: String,
    split_decimal: bool,
    separators: bool,
    unit: &'a str,
}

/// Splits `减 1,234. 5 万元` into sign, digits and unit. `None` when the text is not one
/// number (two numbers, letters, words other than a unit).
fn scan_number(s: &str) -> Option<Scanned<'_>> {
    let mut rest = s;
    let mut negative = false;
    let mut sign_word = false;
    if let Some(r) = rest.strip_prefix('减') {
        negative = true;
        sign_word = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('增') {
        sign_word = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('-') {
        negative = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    rest = rest.trim_start();
    let mut digits = String::new();
    let mut separators = false;
    let mut split_decimal = false;
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b',') {
        if bytes[i] == b',' {
            // A separator must sit between digit groups of three.
            let next3 = bytes.get(i + 1..i + 4)?;
            if digits.is_empty() || !next3.iter().all(u8::is_ascii_digit) {
                return None;
            }
            separators = true;
        } else {
            digits.push(bytes[i] as char);
        }
        i += 1;
    }
    if digits.is_empty() {
        return None;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        let mut j = i + 1;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let frac_start = j;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        if j == frac_start {
            return None;
        }
        split_decimal = frac_start > i + 1;
        digits.push('.');
        digits.push_str(&rest[frac_start..j]);
        i = j;
    }
    let unit = &rest[i..];
    if unit.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(Scanned {
        negative,
        sign_word,
        digits,
        split_decimal,
        separators,
        unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnKind::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn split_decimal_with_unit() {
        let p = parse_cell("8208. 93 万元", MoneyUnitInCell);
        assert_eq!(p.value, CellValue::Money(dec("8208.93")));
        assert_eq!(p.repairs, vec![Code::F001, Code::F003]);
    }

    #[test]
    fn yuan_is_converted_exactly() {
        let p = parse_cell("251000元", MoneyUnitInCell);
        assert_eq!(p.value, CellValue::Money(dec("25.1")));
        assert_eq!(
            parse_cell("96171.6", MoneyWan).value,
            CellValue::Money(dec("96171.6"))
        );
        assert_eq!(
            parse_cell("8208.93", MoneyUnitInCell).value,
            CellValue::NoUnit(dec("8208.93"))
        );
    }

    #[test]
    fn sign_words() {
        assert_eq!(
            parse_cell("减 40", SignedCount).value,
            CellValue::Count(-40)
        );
        assert_eq!(parse_cell("增15", SignedCount).value, CellValue::Count(15));
        assert_eq!(parse_cell("减 40", SignedCount).repairs, vec![Code::F002]);
        assert_eq!(parse_cell("-1", SignedCount).value, CellValue::Count(-1));
        assert_eq!(parse_cell("+2", SignedCount).repairs, vec![]);
    }

    #[test]
    fn placeholders_and_blanks_are_not_zero() {
        for s in ["-", "/", "—", "无", " - "] {
            assert_eq!(parse_cell(s, Count).value, CellValue::NotNumber, "{s}");
        }
        assert_eq!(parse_cell("", Count).value, CellValue::Blank);
        assert_eq!(parse_cell(" \u{3000}", Count).value, CellValue::Blank);
        assert_eq!(parse_cell("1 1 0", Count).value, CellValue::NotNumber);
        assert_eq!(parse_cell("12a", Count).value, CellValue::NotNumber);
    }

    #[test]
    fn counts() {
        assert_eq!(parse_cell("3,119", Count).value, CellValue::Count(3119));
        assert_eq!(parse_cell("3,119", Count).repairs, vec![Code::F006]);
        assert_eq!(parse_cell("３１１９", Count).value, CellValue::Count(3119));
        assert_eq!(
            parse_cell("3.5", Count).value,
            CellValue::NotWhole(dec("3.5"))
        );
        assert_eq!(parse_cell("-3", Count).value, CellValue::Count(-3));
        assert_eq!(parse_cell("12件", Count).value, CellValue::Count(12));
        assert_eq!(
            parse_cell("99999999999999999999999", Count).value,
            CellValue::NotNumber
        );
        assert_eq!(parse_cell("1,23", Count).value, CellValue::NotNumber);
    }

    #[test]
    fn labels() {
        assert_eq!(label_key("（三） 不予公 开"), "三不予公开");
        assert_eq!(label_key("1. 属于国家秘密"), "1属于国家秘密");
        assert_eq!(label_key("3.危及“三安全一稳定”"), "3危及三安全一稳定");
        assert!(is_damaged_form("自然人", "日然人"));
        assert!(is_damaged_form("结果维持", "知果维持"));
        assert!(!is_damaged_form("总计", "总计"));
        assert!(coverage("予以公开", "一予以公开") > 0.99);
    }

    /// `label_key` as its doc defines it, a character at a time.
    fn label_key_by_chars(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars().filter_map(fold_char) {
            match c {
                'a'..='z' | '0'..='9' | '\u{4E00}'..='\u{9FFF}' => out.push(c),
                'A'..='Z' => out.push(c.to_ascii_lowercase()),
                c if c.is_ascii() => {}
                c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
                _ => {}
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The bit-parallel length is the table's, on short and long sides alike (a small
        /// alphabet, so that characters repeat and match often; U+4E2F, U+4EBF, U+4F18 and
        /// U+4E30, U+4EC0 share the hash slots of `a` and `b`, which the filter cannot tell).
        #[test]
        fn lcs_by_bits_is_the_tables(
            a in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'b', 'c', 'd', 'e', 'f', '\u{4E2F}', '\u{4EBF}', '\u{4E30}',
            ]), 0..80),
            b in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', '\u{4E2F}', '\u{4F18}', '\u{4EC0}',
            ]), 0..80),
        ) {
            proptest::prop_assert_eq!(CharSet::slot('a'), CharSet::slot('\u{4E2F}'));
            proptest::prop_assert_eq!(lcs(&a, &b), lcs_table(&a, &b));
            proptest::prop_assert_eq!(lcs(&b, &a), lcs_table(&a, &b));
            // Made once and compared with a text of any length, longer than it too.
            if let Some(bits) = Subsequence::new(&a) {
                proptest::prop_assert_eq!(bits.lcs(&b), lcs_table(&a, &b));
            }
        }
    }

    /// The quick test passes over no character a placeholder has.
    #[test]
    fn placeholder_chars_are_the_placeholders() {
        let chars: Vec<char> = PLACEHOLDERS.iter().flat_map(|p| p.chars()).collect();
        assert!(chars.iter().all(|&c| is_placeholder_char(c)), "{chars:?}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Telling long texts by their characters answers as folding them does.
        #[test]
        fn is_placeholder_is_its_definition(chars in proptest::collection::vec(proptest::prop_oneof![
            proptest::sample::select(PLACEHOLDERS.iter().flat_map(|p| p.chars()).collect::<Vec<_>>()),
            proptest::sample::select(vec![' ', '*', '\u{3000}', '\u{200B}', '\u{FEFF}', '／', '－', 'Ｎ', '\t', '一']),
        ], 0..8)) {
            let raw: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(is_placeholder(&raw), PLACEHOLDERS.contains(&fold(&raw).trim()));
        }

        /// `**` found by memchr is found as a substring search finds it.
        #[test]
        fn double_stars_are_found(s in "[*a中 ]{0,12}") {
            proptest::prop_assert_eq!(has_double_star(&s), s.contains("**"));
        }

        /// Counted by layers, the characters a set may hold are as many as counted one by
        /// one (repeated characters, and characters sharing a slot).
        #[test]
        fn char_counts_count_what_a_set_may_hold(
            text in proptest::collection::vec(proptest::char::range('\u{4E00}', '\u{4E40}'), 0..60),
            other in proptest::collection::vec(proptest::char::range('\u{4E00}', '\u{4E40}'), 0..20),
        ) {
            // 64 characters in 128 slots: some share a slot, and most repeat in `text`.
            let set = CharSet::of(&other.iter().collect::<String>());
            let want = text.iter().filter(|&&c| set.may_hold(c)).count();
            proptest::prop_assert_eq!(CharCounts::of(&text).held_by(set), want);
        }

        /// The runs copied whole give what the definition gives, on any text (ideographs
        /// at the block's edges, full-width forms, other scripts, ASCII).
        #[test]
        fn label_key_is_its_definition(chars in proptest::collection::vec(proptest::prop_oneof![
            // Each kind as often as the others: the block's edges, ASCII, full-width
            // forms, CJK punctuation, other scripts, what folding drops.
            proptest::char::range('\u{4DF0}', '\u{4E10}'),
            proptest::char::range('\u{9FF0}', '\u{A010}'),
            proptest::char::range('\u{4E00}', '\u{9FFF}'),
            proptest::char::range('\0', '\u{7F}'),
            proptest::char::range('\u{FF00}', '\u{FF60}'),
            proptest::char::range('\u{3000}', '\u{303F}'),
            proptest::char::range('\u{C0}', '\u{3FF}'),
            proptest::char::range('\u{2000}', '\u{203F}'),
            proptest::sample::select(vec!['\u{200B}', '\u{FEFF}', '“', '”', '\u{20000}']),
        ], 0..40)) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(label_key(&s), label_key_by_chars(&s));
        }

        /// The key of labels joined is their keys joined (a character's key never depends
        /// on its neighbours): what rows::align relies on to key each label once.
        #[test]
        fn label_key_of_a_join_is_the_keys_joined(chars in proptest::collection::vec(proptest::prop_oneof![
            proptest::char::range('\u{4DF0}', '\u{4E10}'),
            proptest::char::range('\0', '\u{7F}'),
            proptest::char::range('\u{FF00}', '\u{FF60}'),
            proptest::char::range('\u{3000}', '\u{303F}'),
            proptest::char::range('\u{C0}', '\u{3FF}'),
            proptest::sample::select(vec!['\u{200B}', '\u{FEFF}', '“', '\u{20000}', 'İ', 'ẞ']),
        ], 0..40), cut in 0usize..40) {
            let cut = cut.min(chars.len());
            let (a, b): (String, String) = (chars[..cut].iter().collect(), chars[cut..].iter().collect());
            proptest::prop_assert_eq!(label_key(&format!("{a}{b}")), label_key(&a) + &label_key(&b));
        }
    }

    /// `collapse_cjk_spaces` as its doc defines it, a character at a time.
    fn collapse_by_chars(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_whitespace() {
                let start = i;
                while i < chars.len() && chars[i].is_whitespace() {
                    i += 1;
                }
                let joins = out.chars().last().is_some_and(is_cjk)
                    && chars.get(i).copied().is_some_and(is_cjk);
                if !joins {
                    out.extend(&chars[start..i]);
                }
                continue;
            }
            out.push(chars[i]);
            i += 1;
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Whitespace told by its bytes is `char::is_whitespace`, and runs between CJK go.
        #[test]
        fn collapse_cjk_spaces_is_its_definition(chars in proptest::collection::vec(proptest::prop_oneof![
            proptest::sample::select(vec![' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{85}',
                '\u{a0}', '\u{1680}', '\u{2000}', '\u{200a}', '\u{200b}', '\u{2028}', '\u{2029}',
                '\u{202f}', '\u{205f}', '\u{3000}', '\u{3001}', '\u{e1}', '\u{2010}']),
            proptest::char::range('\u{4E00}', '\u{4E10}'),
            proptest::char::range('a', 'e'),
            proptest::char::range('0', '3'),
            proptest::char::range('\u{FF00}', '\u{FF10}'),
        ], 0..30)) {
            let s: String = chars.into_iter().collect();
            let (fast, slow) = (collapse_cjk_spaces(&s), collapse_by_chars(&s));
            proptest::prop_assert_eq!(fast.as_ref(), slow.as_str());
        }
    }

    /// Every whitespace character starts with a byte `may_start_whitespace` allows (what
    /// `trim` and the whitespace runs rely on), over every character there is.
    #[test]
    fn whitespace_starts_as_told() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
        {
            assert!(
                may_start_whitespace(c.encode_utf8(&mut buf).as_bytes()[0]),
                "{c:?}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// `trim` is `str::trim`: whitespace of every kind at either end, or none.
        #[test]
        fn trim_is_std_trim(chars in proptest::collection::vec(proptest::prop_oneof![
            proptest::sample::select(vec![' ', '\t', '\n', '\r', '\u{85}', '\u{a0}',
                '\u{1680}', '\u{2000}', '\u{200b}', '\u{2028}', '\u{3000}', '\u{3001}',
                '\u{e1}', '\u{2010}', '\u{1f600}', '\u{c3}']),
            proptest::char::range('\u{4E00}', '\u{4E10}'),
            proptest::char::range('a', 'e'),
            proptest::char::any(),
        ], 0..8)) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }
    }

    #[test]
    fn cjk_spaces() {
        assert_eq!(collapse_cjk_spaces("社 会 公 益 组织"), "社会公益组织");
        assert_eq!(collapse_cjk_spaces("2020 年度 4252条"), "2020 年度 4252条");
        assert_eq!(fold("第二十条第（一）项"), "第二十条第(一)项");
    }
}
