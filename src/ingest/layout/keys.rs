//! 表三's row labels as label keys, made at compile time: each label's characters, the set
//! of them, its bits for the common subsequence and its characters counted by slot — what
//! a line is compared with to tell a row label (of both versions, and the results group's
//! `三、本年度办理结果`). Made when first asked for, they cost a process that checks one
//! text about 170 K instructions, a fifteenth of the check.
//!
//! `label_key` cannot run in a `const fn` (it keeps any `char::is_alphanumeric` character,
//! and builds a `String`): [`key_char`] keys the characters these labels hold as it does,
//! and stops the build at any other. Tests hold every key, bits and counts to what
//! `label_key`, [`Subsequence::new`] and [`CharCounts::of`] make at run time.

use crate::compile_time::{char_at, same_str};
use crate::normalize::{bit_masks, fold_char, CharCounts, CharSet, Subsequence};
use crate::template::{Version, T3_RESULTS_GROUP};

/// A 表三 label's key, made at compile time.
#[derive(Clone, Copy)]
pub(super) struct Key {
    pub(super) label: &'static str,
    /// The key's characters (at most 64).
    pub(super) chars: &'static [char],
    pub(super) set: CharSet,
    /// The key's masks for the common subsequence, as [`bit_masks`] makes them.
    masks: &'static [(char, u64)],
    /// The key's characters counted by slot, as [`CharCounts::of`] makes them.
    layers: &'static [u128],
}

impl Key {
    /// The key made ready for the common subsequence with many texts.
    pub(super) fn bits(&self) -> Subsequence {
        Subsequence::made(self.masks, self.set, self.chars.len())
    }

    pub(super) fn counts(&self) -> CharCounts {
        CharCounts::made(self.layers)
    }
}

/// The keys of 表三's row labels of both versions and of the results group, each label once.
pub(super) fn t3_keys() -> &'static [Key] {
    &KEYS
}

/// The key of a 表三 row label (or the results group's), when it is one.
pub(super) fn t3_key(label: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.label == label)
}

// ---- made at compile time -----------------------------------------------------------------

/// The most labels [`gather`] holds (both versions have 26 rows, most of them shared).
const MAX_LABELS: usize = 128;

/// 表三's row labels of both versions, each once, then the results group's.
const fn gather() -> ([&'static str; MAX_LABELS], usize) {
    const fn add(out: &mut [&'static str; MAX_LABELS], n: usize, label: &'static str) -> usize {
        let mut i = 0;
        while i < n {
            if same_str(out[i], label) {
                return n;
            }
            i += 1;
        }
        out[n] = label;
        n + 1
    }
    let mut out = [""; MAX_LABELS];
    let mut n = 0;
    let mut v = 0;
    while v < Version::ALL.len() {
        let parts = Version::ALL[v].def().t3_parts();
        let mut p = 0;
        while p < parts.len() {
            let mut r = 0;
            while r < parts[p].len() {
                n = add(&mut out, n, parts[p][r].label);
                r += 1;
            }
            p += 1;
        }
        v += 1;
    }
    let n = add(&mut out, n, T3_RESULTS_GROUP);
    (out, n)
}

const LABEL_COUNT: usize = gather().1;

const LABELS: [&str; LABEL_COUNT] = {
    let (all, _) = gather();
    let mut out = [""; LABEL_COUNT];
    let mut i = 0;
    while i < LABEL_COUNT {
        out[i] = all[i];
        i += 1;
    }
    out
};

/// What `label_key` makes of a character, for the characters template labels hold: kept
/// (lowercased), or dropped (`None`). Any other stops the build.
const fn key_char(c: char) -> Option<char> {
    let Some(c) = fold_char(c) else {
        return None;
    };
    match c {
        'a'..='z' | '0'..='9' | '\u{4E00}'..='\u{9FFF}' => Some(c),
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        _ if c.is_ascii() => None,
        // The CJK punctuation `label_key` drops (、。〃 and the brackets), and … and —.
        '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}' => None,
        '\u{2014}' | '\u{2026}' => None,
        _ => panic!("a 表三 label holds a character its key is not made for at compile time"),
    }
}

/// A label's key, as `label_key` makes it: its characters and how many they are.
const fn key_of(label: &str) -> ([char; 64], usize) {
    let b = label.as_bytes();
    let mut out = ['\0'; 64];
    let (mut n, mut i) = (0, 0);
    while i < b.len() {
        let c = char_at(b, i);
        i += c.len_utf8();
        if let Some(k) = key_char(c) {
            assert!(n < 64, "a 表三 label's key is longer than 64 characters");
            out[n] = k;
            n += 1;
        }
    }
    (out, n)
}

/// A key's masks for the common subsequence, and how many.
const fn masks_of(label: &str) -> ([(char, u64); 64], usize) {
    let (chars, n) = key_of(label);
    let mut masks = [('\0', 0u64); 64];
    let (count, _) = bit_masks(chars.split_at(n).0, &mut masks);
    (masks, count)
}

/// A key's characters counted by slot in layers, as [`CharCounts::of`] makes them, and
/// how many layers.
const fn layers_of(label: &str) -> ([u128; 64], usize) {
    let (chars, n) = key_of(label);
    let mut layers = [0u128; 64];
    let mut count = 0;
    let mut i = 0;
    while i < n {
        let bit = CharSet::bit(chars[i]);
        let l = CharCounts::layer_for(layers.split_at(count).0, bit);
        layers[l] |= bit;
        if l == count {
            count += 1;
        }
        i += 1;
    }
    (layers, count)
}

/// What [`key_of`], [`masks_of`] or [`layers_of`] makes of each label: how many.
const fn totals() -> [usize; 3] {
    let mut t = [0; 3];
    let mut i = 0;
    while i < LABEL_COUNT {
        t[0] += key_of(LABELS[i]).1;
        t[1] += masks_of(LABELS[i]).1;
        t[2] += layers_of(LABELS[i]).1;
        i += 1;
    }
    t
}

const TOTALS: [usize; 3] = totals();

/// What `$of` (one of [`key_of`], [`masks_of`], [`layers_of`]) makes of every label, one
/// label's after another: `$len` items of `$zero`'s type. (A macro: a `const fn` cannot
/// call a function it is given.)
macro_rules! flat {
    ($of:ident, $len:expr, $zero:expr) => {{
        let mut out = [$zero; $len];
        let (mut at, mut i) = (0, 0);
        while i < LABEL_COUNT {
            let (items, n) = $of(LABELS[i]);
            let mut k = 0;
            while k < n {
                out[at + k] = items[k];
                k += 1;
            }
            at += n;
            i += 1;
        }
        out
    }};
}

/// Every label's key, one after another.
static CHARS: [char; TOTALS[0]] = flat!(key_of, TOTALS[0], '\0');

/// Every label's masks, one after another.
static MASKS: [(char, u64); TOTALS[1]] = flat!(masks_of, TOTALS[1], ('\0', 0u64));

/// Every label's layers, one after another.
static LAYERS: [u128; TOTALS[2]] = flat!(layers_of, TOTALS[2], 0u128);

/// The `n` items of `all` from `at`.
const fn part<T>(all: &'static [T], at: usize, n: usize) -> &'static [T] {
    all.split_at(at).1.split_at(n).0
}

static KEYS: [Key; LABEL_COUNT] = {
    let empty = Key {
        label: "",
        chars: &[],
        set: CharSet::EMPTY,
        masks: &[],
        layers: &[],
    };
    let mut out = [empty; LABEL_COUNT];
    let mut at = [0usize; 3];
    let mut i = 0;
    while i < LABEL_COUNT {
        let label = LABELS[i];
        let chars = part(&CHARS, at[0], key_of(label).1);
        let mut set = CharSet::EMPTY;
        let mut k = 0;
        while k < chars.len() {
            set = set.with(chars[k]);
            k += 1;
        }
        let masks = part(&MASKS, at[1], masks_of(label).1);
        let layers = part(&LAYERS, at[2], layers_of(label).1);
        out[i] = Key {
            label,
            chars,
            set,
            masks,
            layers,
        };
        at = [
            at[0] + chars.len(),
            at[1] + masks.len(),
            at[2] + layers.len(),
        ];
        i += 1;
    }
    out
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::label_key;

    /// The labels are both versions' rows and the results group's, each once.
    #[test]
    fn the_labels_are_the_rows_of_both_versions() {
        let mut want: Vec<&str> = Version::ALL
            .iter()
            .flat_map(|v| v.def().t3_rows())
            .map(|r| r.label)
            .chain([T3_RESULTS_GROUP])
            .collect();
        let mut seen = Vec::new();
        want.retain(|l| {
            let new = !seen.contains(l);
            seen.push(*l);
            new
        });
        let got: Vec<&str> = t3_keys().iter().map(|k| k.label).collect();
        assert_eq!(got, want);
    }

    /// Each key, its set, bits and counts are what run time makes of its label.
    #[test]
    fn keys_are_label_keys() {
        for k in t3_keys() {
            let key = label_key(k.label);
            let chars: Vec<char> = key.chars().collect();
            assert_eq!(k.chars, chars.as_slice(), "{}", k.label);
            assert_eq!(k.set, CharSet::of(&key), "{}", k.label);
            let made = Subsequence::new(&chars).expect("at most 64 characters");
            assert_eq!(
                format!("{:?}", k.bits()),
                format!("{made:?}"),
                "{}",
                k.label
            );
            assert_eq!(
                format!("{:?}", k.counts()),
                format!("{:?}", CharCounts::of(&chars)),
                "{}",
                k.label
            );
        }
        assert_eq!(
            t3_key(T3_RESULTS_GROUP).map(|k| k.label),
            Some(T3_RESULTS_GROUP)
        );
        assert!(t3_key("（八）不是表三的行").is_none());
    }
}
