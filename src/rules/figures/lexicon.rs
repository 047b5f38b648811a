//! The word lists of [`patterns`](super::patterns) compiled for matching: each phrase that
//! may stand before a figure as its slots of characters, each slot with a filter of its
//! words' last characters (most slots are passed over on one look at the character before
//! the figure), and the lists that are only looked for (`上年`, `热线` …) as sets filtered by
//! their first character. N001 reads every clause of the prose, so the lists are not
//! scanned word by word for each clause and figure; and a sentence without the words every
//! phrase needs ([`Anchors`]) is not read clause by clause at all.
//!
//! The words are matched where the patterns hold them (`&'static str`), character by
//! character against the text, and the indexes are made at compile time (`const fn`s on
//! the patterns): a process checking one report builds nothing before reading it.
//!
//! Written here rather than taken from `aho-corasick`: the phrases are matched anchored at
//! the figure and leftwards with every place each may start, and the word sets are short
//! (a few hundred words); the crate would add to the page's engine for no gain.

use super::patterns::{self, Side, PATTERNS};
use crate::compile_time::{char_at, same_str};
use crate::normalize::CharSet;

/// How many characters `w` is when `chars` starts with it.
fn prefix_len(chars: &[char], w: &str) -> Option<usize> {
    let mut n = 0;
    for c in w.chars() {
        if chars.get(n) != Some(&c) {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// How many characters `w` is when `chars` ends with it.
fn suffix_len(chars: &[char], w: &str) -> Option<usize> {
    let mut n = 0;
    for c in w.chars().rev() {
        if n >= chars.len() || chars[chars.len() - 1 - n] != c {
            return None;
        }
        n += 1;
    }
    Some(n)
}

// ---- made at compile time -----------------------------------------------------------------
// `const fn`s cannot call `str::chars`, compare `str`s or sort: what they need of each is
// written out below, on bytes (and in `compile_time`).

/// A word's first character (`last`: its last), none when it is empty.
const fn end_char(w: &str, last: bool) -> Option<char> {
    let b = w.as_bytes();
    if b.is_empty() {
        return None;
    }
    if !last {
        return Some(char_at(b, 0));
    }
    let mut i = b.len() - 1;
    while b[i] & 0xC0 == 0x80 {
        i -= 1;
    }
    Some(char_at(b, i))
}

const fn same_words(a: &[&str], b: &[&str]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if !same_str(a[i], b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether a slot holds `""` (is optional).
const fn has_empty(words: &[&str]) -> bool {
    let mut i = 0;
    while i < words.len() {
        if words[i].is_empty() {
            return true;
        }
        i += 1;
    }
    false
}

/// How many of `words` are not empty.
const fn non_empty(words: &[&str]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < words.len() {
        if !words[i].is_empty() {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The set of the words' first (`last`: last) characters.
const fn end_set(words: &[&str], last: bool) -> CharSet {
    let mut set = CharSet::EMPTY;
    let mut i = 0;
    while i < words.len() {
        if let Some(c) = end_char(words[i], last) {
            set = set.with(c);
        }
        i += 1;
    }
    set
}

/// The `N` words of `list` that are not empty, as (first character, index into `list`)
/// sorted (`last`: by their last character).
const fn index<const N: usize>(list: &[&str], last: bool) -> [(char, usize); N] {
    let mut out = [('\0', 0); N];
    let (mut n, mut i) = (0, 0);
    while i < list.len() {
        if let Some(c) = end_char(list[i], last) {
            out[n] = (c, i);
            n += 1;
        }
        i += 1;
    }
    // An insertion sort (the lists are short), by character, then index.
    let mut k = 1;
    while k < N {
        let mut j = k;
        while j > 0
            && ((out[j].0 as u32) < (out[j - 1].0 as u32)
                || out[j].0 as u32 == out[j - 1].0 as u32 && out[j].1 < out[j - 1].1)
        {
            let t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
            j -= 1;
        }
        k += 1;
    }
    out
}

/// A [`Words`] of a list, its indexes made at compile time.
macro_rules! words {
    ($list:expr) => {{
        const LIST: &[&str] = $list;
        const N: usize = non_empty(LIST);
        const BY_FIRST: [(char, usize); N] = index(LIST, false);
        const BY_LAST: [(char, usize); N] = index(LIST, true);
        Words {
            words: LIST,
            first: end_set(LIST, false),
            by_first: &BY_FIRST,
            by_last: &BY_LAST,
        }
    }};
}

// ---- the lists ----------------------------------------------------------------------------

/// A closed list of words, looked for in a text of characters: indexed by their first and
/// by their last character. The words stay where the patterns hold them; only the index
/// is built.
#[derive(Debug)]
pub(crate) struct Words {
    words: &'static [&'static str],
    first: CharSet,
    /// (first character, index into `words`), sorted; the same by last character. Empty
    /// words are in neither.
    by_first: &'static [(char, usize)],
    by_last: &'static [(char, usize)],
}

impl Words {
    /// The words whose first (or last) character is `c`, in the list's order.
    fn with(index: &[(char, usize)], c: char) -> impl Iterator<Item = usize> + '_ {
        let from = index.partition_point(|(k, _)| *k < c);
        index[from..]
            .iter()
            .take_while(move |(k, _)| *k == c)
            .map(|(_, i)| *i)
    }

    /// Whether one of the words occurs in `chars`.
    pub(crate) fn occurs_in(&self, chars: &[char]) -> bool {
        (0..chars.len()).any(|i| {
            self.first.may_hold(chars[i])
                && Words::with(self.by_first, chars[i])
                    .any(|w| prefix_len(&chars[i..], self.words[w]).is_some())
        })
    }

    /// Calls `found(length)` for each word `chars` starts with.
    pub(crate) fn starting(&self, chars: &[char], mut found: impl FnMut(usize)) {
        let Some(&c) = chars.first().filter(|c| self.first.may_hold(**c)) else {
            return;
        };
        for w in Words::with(self.by_first, c) {
            if let Some(n) = prefix_len(chars, self.words[w]) {
                found(n);
            }
        }
    }

    /// The length of the first word of the list that ends `chars`.
    pub(crate) fn first_ending(&self, chars: &[char]) -> Option<usize> {
        let c = *chars.last()?;
        Words::with(self.by_last, c)
            .filter_map(|i| Some((i, suffix_len(chars, self.words[i])?)))
            .min()
            .map(|(_, n)| n)
    }
}

/// One slot of a phrase: one of its words, or none when the slot is optional (`""`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    words: &'static [&'static str],
    last: CharSet,
    optional: bool,
}

impl Slot {
    const NONE: Slot = Slot {
        words: &[],
        last: CharSet::EMPTY,
        optional: false,
    };

    const fn new(words: &'static [&'static str]) -> Self {
        Slot {
            words,
            last: end_set(words, true),
            optional: has_empty(words),
        }
    }
}

/// The most slots a phrase has.
const MAX_SLOTS: usize = 4;

/// A phrase made of slots, read leftwards from a point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Phrase {
    slots: [Slot; MAX_SLOTS],
    len: usize,
}

impl Phrase {
    const fn new(slots: &'static [&'static [&'static str]]) -> Self {
        assert!(
            slots.len() <= MAX_SLOTS,
            "a phrase has more slots than MAX_SLOTS"
        );
        let mut out = [Slot::NONE; MAX_SLOTS];
        let mut i = 0;
        while i < slots.len() {
            out[i] = Slot::new(slots[i]);
            i += 1;
        }
        Phrase {
            slots: out,
            len: slots.len(),
        }
    }

    /// Calls `found(length)` for every way the phrase ends `chars` (an empty phrase too).
    pub(crate) fn ending(&self, chars: &[char], mut found: impl FnMut(usize)) {
        ending(&self.slots[..self.len], chars, 0, &mut found);
    }
}

/// The phrase before the figure of each pattern, by the pattern's index.
const fn phrases() -> [Option<Phrase>; PATTERNS.len()] {
    let mut out = [None; PATTERNS.len()];
    let mut i = 0;
    while i < PATTERNS.len() {
        if let Side::Before(slots) = PATTERNS[i].side {
            out[i] = Some(Phrase::new(slots));
        }
        i += 1;
    }
    out
}
/// The phrase of `slots` ending `chars` with `len` characters of it already read.
fn ending(slots: &[Slot], chars: &[char], len: usize, found: &mut impl FnMut(usize)) {
    let Some((last, rest)) = slots.split_last() else {
        found(len);
        return;
    };
    if last.optional {
        ending(rest, chars, len, found);
    }
    let head = &chars[..chars.len() - len];
    if !head.last().is_some_and(|c| last.last.may_hold(*c)) {
        return;
    }
    for w in last.words.iter().filter(|w| !w.is_empty()) {
        if let Some(n) = suffix_len(head, w) {
            ending(rest, chars, len + n, found);
        }
    }
}

/// The bits of [`Anchors::slot`], and how many slots there are.
const ANCHOR_SLOT_BITS: u32 = 10;
const ANCHOR_SLOTS: usize = 1 << ANCHOR_SLOT_BITS;

/// What a sentence must hold for a phrase of the patterns to name one of its figures: a
/// phrase is found only with a word in each of its slots that is not optional, and an
/// `After` phrase with one of its words. The words of those slots are looked for in one
/// pass (indexed by their first character) and each slot found is a bit: a sentence with
/// no pattern's slots all found has no figure a phrase names, and is not read further.
#[derive(Debug)]
pub(crate) struct Anchors {
    /// The words by [`Anchors::slot`] of their first character: those of slot `k` are
    /// `words[starts[k]..starts[k + 1]]`, each with that character and its slot's bit.
    starts: [u16; ANCHOR_SLOTS + 1],
    words: &'static [(char, &'static str, u64)],
    /// For each pattern, the bits of the slots it needs.
    needs: &'static [u64],
}

/// At most how many slots the patterns need (each slot of each pattern counted).
const SLOTS_BOUND: usize = {
    let (mut n, mut i) = (0, 0);
    while i < PATTERNS.len() {
        n += match PATTERNS[i].side {
            Side::Before(slots) => slots.len(),
            Side::After(_) => 1,
        };
        i += 1;
    }
    n
};

/// The slots the patterns need (none of their words empty), each once, in the order the
/// patterns first need them; and for each pattern the bits of its slots (0: it needs
/// nothing, or a slot past the 64th, and is never passed over).
struct Needed {
    slots: [&'static [&'static str]; SLOTS_BOUND],
    len: usize,
    needs: [u64; PATTERNS.len()],
}

const NEEDED: Needed = {
    let mut out = Needed {
        slots: [&[]; SLOTS_BOUND],
        len: 0,
        needs: [0; PATTERNS.len()],
    };
    let mut p = 0;
    while p < PATTERNS.len() {
        let (required, after): (&[&[&str]], &[&str]) = match PATTERNS[p].side {
            Side::Before(slots) => (slots, &[]),
            Side::After(words) => (&[], words),
        };
        let count = if required.is_empty() {
            1
        } else {
            required.len()
        };
        let (mut need, mut fits) = (0u64, true);
        let mut k = 0;
        while k < count {
            let slot = if required.is_empty() {
                after
            } else {
                required[k]
            };
            k += 1;
            if !required.is_empty() && has_empty(slot) {
                continue;
            }
            let mut at = 0;
            while at < out.len && !same_words(out.slots[at], slot) {
                at += 1;
            }
            if at == out.len {
                out.slots[at] = slot;
                out.len += 1;
            }
            if at < 64 {
                need |= 1 << at;
            } else {
                fits = false;
            }
        }
        out.needs[p] = if fits { need } else { 0 };
        p += 1;
    }
    out
};

/// How many of the needed slots have a bit: the first 64.
const ANCHORED: usize = if NEEDED.len < 64 { NEEDED.len } else { 64 };

/// How many words the first 64 needed slots hold (with a first character).
const ANCHOR_WORDS: usize = {
    let (mut n, mut at) = (0, 0);
    while at < ANCHORED {
        n += non_empty(NEEDED.slots[at]);
        at += 1;
    }
    n
};

/// Each word's (bucket, first character, word, slot bit), in slot order.
const fn anchor_words() -> [(usize, char, &'static str, u64); ANCHOR_WORDS] {
    let mut out = [(0, '\0', "", 0); ANCHOR_WORDS];
    let (mut n, mut at) = (0, 0);
    while at < ANCHORED {
        let slot = NEEDED.slots[at];
        let mut i = 0;
        while i < slot.len() {
            if let Some(a) = end_char(slot[i], false) {
                out[n] = (Anchors::slot(a), a, slot[i], 1 << at);
                n += 1;
            }
            i += 1;
        }
        at += 1;
    }
    out
}

/// Each bucket's start among the words: the words of the buckets before it, counted.
const ANCHOR_STARTS: [u16; ANCHOR_SLOTS + 1] = {
    let words = anchor_words();
    let mut starts = [0u16; ANCHOR_SLOTS + 1];
    let mut i = 0;
    while i < ANCHOR_WORDS {
        starts[words[i].0 + 1] += 1;
        i += 1;
    }
    let mut k = 1;
    while k < starts.len() {
        starts[k] += starts[k - 1];
        k += 1;
    }
    starts
};

/// The words put in their buckets' places (a counting sort: the order within a bucket
/// does not matter).
const ANCHOR_PLACED: [(char, &str, u64); ANCHOR_WORDS] = {
    let words = anchor_words();
    let mut next = ANCHOR_STARTS;
    let mut placed = [('\0', "", 0u64); ANCHOR_WORDS];
    let mut i = 0;
    while i < ANCHOR_WORDS {
        let (bucket, a, w, bit) = words[i];
        placed[next[bucket] as usize] = (a, w, bit);
        next[bucket] += 1;
        i += 1;
    }
    placed
};

const ANCHOR_NEEDS: [u64; PATTERNS.len()] = NEEDED.needs;

impl Anchors {
    /// Which of [`ANCHOR_SLOTS`] a word's first character is filed under (a multiplicative
    /// hash): so many that most characters of a sentence fall in an empty one.
    const fn slot(c: char) -> usize {
        ((c as u32).wrapping_mul(2_654_435_761) >> (32 - ANCHOR_SLOT_BITS)) as usize
    }
    /// Whether some pattern's phrase may name a figure in `chars`: every slot it needs has
    /// a word in them.
    pub(crate) fn may_name(&self, chars: &[char]) -> bool {
        if self.needs.contains(&0) {
            return true;
        }
        let mut found = 0u64;
        for (i, &c) in chars.iter().enumerate() {
            let k = Anchors::slot(c);
            let (from, to) = (self.starts[k] as usize, self.starts[k + 1] as usize);
            for &(a, w, bit) in self.words.get(from..to).unwrap_or_default() {
                if a == c && found & bit == 0 && prefix_len(&chars[i..], w).is_some() {
                    found |= bit;
                    if self.needs.iter().any(|need| need & !found == 0) {
                        return true;
                    }
                }
            }
        }
        false
    }
}

/// The compiled lists.
#[derive(Debug)]
pub(crate) struct Lexicon {
    /// The phrase of each pattern that stands before its figure, by the pattern's index.
    pub before: [Option<Phrase>; PATTERNS.len()],
    pub other_time: Words,
    pub carried_in: Words,
    pub other_subjects: Words,
    pub apply: Words,
    pub disclosure: Words,
    /// Lead words (without the report's year), as characters.
    pub lead: Words,
    pub part_lead: Words,
    pub fillers: Words,
    pub anchors: Anchors,
}

static LEXICON: Lexicon = Lexicon {
    before: phrases(),
    other_time: words!(patterns::OTHER_TIME),
    carried_in: words!(patterns::CARRIED_IN_WORDS),
    other_subjects: words!(patterns::OTHER_SUBJECTS),
    apply: words!(&["申请"]),
    disclosure: words!(&["信息公开"]),
    lead: words!(patterns::LEAD),
    part_lead: words!(&[patterns::PART_LEAD]),
    fillers: words!(patterns::FILLERS),
    anchors: Anchors {
        starts: ANCHOR_STARTS,
        words: &ANCHOR_PLACED,
        needs: &ANCHOR_NEEDS,
    },
};

pub(crate) fn lexicon() -> &'static Lexicon {
    &LEXICON
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn phrases_are_found_leftwards_with_their_length() {
        let mut found = Vec::new();
        let new = lexicon().before[0]
            .as_ref()
            .expect("新收 stands before its figure");
        new.ending(&chars("全年新收政府信息公开申请"), |len| {
            found.push(len)
        });
        // 新收政府信息公开申请 is the only way 本年新收 ends it.
        assert_eq!(found, [10]);
        found.clear();
        new.ending(&chars("共新收"), |len| found.push(len));
        assert_eq!(found, [2]);
    }

    /// The indexes made at compile time are the lists' words by their first and last
    /// characters, sorted, the empty ones left out; the filter holds every first character.
    #[test]
    fn indexes_are_the_lists_sorted() {
        let l = lexicon();
        let lists = [
            &l.other_time,
            &l.carried_in,
            &l.other_subjects,
            &l.apply,
            &l.disclosure,
            &l.lead,
            &l.part_lead,
            &l.fillers,
        ];
        for w in lists {
            let by = |end: fn(&str) -> Option<char>| {
                let mut v: Vec<(char, usize)> = (w.words.iter().enumerate())
                    .filter_map(|(i, s)| Some((end(s)?, i)))
                    .collect();
                v.sort_unstable();
                v
            };
            assert_eq!(w.by_first, by(|s| s.chars().next()), "{:?}", w.words);
            assert_eq!(w.by_last, by(|s| s.chars().next_back()), "{:?}", w.words);
            assert!(w
                .words
                .iter()
                .filter_map(|s| s.chars().next())
                .all(|c| w.first.may_hold(c)));
        }
    }

    /// Every pattern's phrase, each needed slot given its words in turn, is let through by
    /// the anchors; so is each word of an `After` pattern.
    #[test]
    fn anchors_let_every_phrase_through() {
        let anchors = &lexicon().anchors;
        for p in PATTERNS {
            let slots: Vec<&[&str]> = match p.side {
                Side::Before(slots) => slots.iter().copied().filter(|s| !s.contains(&"")).collect(),
                Side::After(words) => vec![words],
            };
            for (k, slot) in slots.iter().enumerate() {
                for w in *slot {
                    let text: String = (slots.iter().enumerate())
                        .map(|(j, s)| if j == k { *w } else { s[0] })
                        .collect();
                    assert!(anchors.may_name(&chars(&text)), "{text}");
                }
            }
        }
    }

    #[test]
    fn words_are_looked_for_anywhere() {
        let l = lexicon();
        assert!(l.other_time.occurs_in(&chars("比上年增加")));
        assert!(!l.other_time.occurs_in(&chars("本年新收申请")));
        assert!(l.carried_in.occurs_in(&chars("其中上年结转3件")));
        // The first of the list that ends the text: 共计 before 计.
        assert_eq!(l.fillers.first_ending(&chars("总共计")), Some(2));
        let mut lens = Vec::new();
        l.lead.starting(&chars("本年度共"), |n| lens.push(n));
        assert_eq!(lens.len(), 2, "本年, 本年度");
    }
}
