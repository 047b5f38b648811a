//! The word lists of [`patterns`](super::patterns) compiled once for matching: each
//! phrase that may stand before a figure as its slots of characters, each slot with a
//! filter of its words' last characters (most slots are passed over on one look at the
//! character before the figure), and the lists that are only looked for (`上年`, `热线` …)
//! as sets filtered by their first character. N001 reads every clause of the prose, so the
//! lists are not scanned word by word for each clause and figure; and a sentence without
//! the words every phrase needs ([`Anchors`]) is not read clause by clause at all.
//!
//! The words are matched where the patterns hold them (`&'static str`), character by
//! character against the text: building the lists costs an index, not a copy.
//!
//! Written here rather than taken from `aho-corasick`: the phrases are matched anchored at
//! the figure and leftwards with every place each may start, and the word sets are short
//! (a few hundred words); the crate would add to the page's engine for no gain.

use std::sync::OnceLock;

use super::patterns::{self, Side, PATTERNS};
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

/// A closed list of words, looked for in a text of characters: indexed by their first and
/// by their last character. The words stay where the patterns hold them; only the index
/// is built.
#[derive(Debug)]
pub(crate) struct Words {
    words: &'static [&'static str],
    first: CharSet,
    /// (first character, index into `words`), sorted; the same by last character. Empty
    /// words are in neither.
    by_first: Vec<(char, usize)>,
    by_last: Vec<(char, usize)>,
}

impl Words {
    pub(crate) fn new(words: &'static [&'static str]) -> Self {
        let mut first = CharSet::default();
        let mut by_first = Vec::with_capacity(words.len());
        let mut by_last = Vec::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            let (Some(a), Some(z)) = (w.chars().next(), w.chars().next_back()) else {
                continue;
            };
            first.add(a);
            by_first.push((a, i));
            by_last.push((z, i));
        }
        by_first.sort_unstable();
        by_last.sort_unstable();
        Words {
            words,
            first,
            by_first,
            by_last,
        }
    }

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
                && Words::with(&self.by_first, chars[i])
                    .any(|w| prefix_len(&chars[i..], self.words[w]).is_some())
        })
    }

    /// Calls `found(length)` for each word `chars` starts with.
    pub(crate) fn starting(&self, chars: &[char], mut found: impl FnMut(usize)) {
        let Some(&c) = chars.first().filter(|c| self.first.may_hold(**c)) else {
            return;
        };
        for w in Words::with(&self.by_first, c) {
            if let Some(n) = prefix_len(chars, self.words[w]) {
                found(n);
            }
        }
    }

    /// The length of the first word of the list that ends `chars`.
    pub(crate) fn first_ending(&self, chars: &[char]) -> Option<usize> {
        let c = *chars.last()?;
        Words::with(&self.by_last, c)
            .filter_map(|i| Some((i, suffix_len(chars, self.words[i])?)))
            .min()
            .map(|(_, n)| n)
    }
}

/// One slot of a phrase: one of its words, or none when the slot is optional (`""`).
#[derive(Debug)]
pub(crate) struct Slot {
    words: &'static [&'static str],
    last: CharSet,
    optional: bool,
}

impl Slot {
    fn new(words: &'static [&'static str]) -> Self {
        let mut last = CharSet::default();
        for c in words.iter().filter_map(|w| w.chars().next_back()) {
            last.add(c);
        }
        Slot {
            words,
            last,
            optional: words.iter().any(|w| w.is_empty()),
        }
    }
}

/// A phrase made of slots, read leftwards from a point.
#[derive(Debug)]
pub(crate) struct Phrase(Vec<Slot>);

impl Phrase {
    fn new(slots: &'static [&'static [&'static str]]) -> Self {
        Phrase(slots.iter().map(|s| Slot::new(s)).collect())
    }

    /// Calls `found(length)` for every way the phrase ends `chars` (an empty phrase too).
    pub(crate) fn ending(&self, chars: &[char], mut found: impl FnMut(usize)) {
        ending(&self.0, chars, 0, &mut found);
    }
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
    starts: Box<[u16; ANCHOR_SLOTS + 1]>,
    words: Vec<(char, &'static str, u64)>,
    /// For each pattern, the bits of the slots it needs.
    needs: Vec<u64>,
}

impl Anchors {
    fn new() -> Self {
        let mut slots: Vec<&'static [&'static str]> = Vec::new();
        let mut needs = Vec::with_capacity(PATTERNS.len());
        for p in PATTERNS {
            let required: Vec<&'static [&'static str]> = match p.side {
                Side::Before(slots) => slots
                    .iter()
                    .copied()
                    .filter(|s| !s.iter().any(|w| w.is_empty()))
                    .collect(),
                Side::After(words) => vec![words],
            };
            let mut need = Some(0u64);
            for slot in required {
                let at = slots.iter().position(|s| *s == slot).unwrap_or_else(|| {
                    slots.push(slot);
                    slots.len() - 1
                });
                // More slots than bits: a pattern that needs one is never passed over.
                need = need
                    .zip(1u64.checked_shl(at as u32))
                    .map(|(n, bit)| n | bit);
            }
            // 0: needs nothing, found in any sentence.
            needs.push(need.unwrap_or(0));
        }
        let mut words: Vec<(usize, char, &'static str, u64)> = Vec::new();
        for (at, slot) in slots.iter().enumerate().take(64) {
            for w in slot.iter() {
                if let Some(a) = w.chars().next() {
                    words.push((Anchors::slot(a), a, *w, 1u64 << at));
                }
            }
        }
        // Each slot's start: the words of the slots before it, counted; then each word put
        // in its slot's place (a counting sort: the order within a slot does not matter).
        let mut starts = Box::new([0u16; ANCHOR_SLOTS + 1]);
        for (slot, _, _, _) in &words {
            starts[slot + 1] = starts[slot + 1].saturating_add(1);
        }
        for k in 1..starts.len() {
            starts[k] = starts[k].saturating_add(starts[k - 1]);
        }
        let mut next = starts.clone();
        let mut placed = vec![('\0', "", 0u64); words.len()];
        for (slot, a, w, bit) in words {
            if let Some(place) = placed.get_mut(usize::from(next[slot])) {
                *place = (a, w, bit);
                next[slot] += 1;
            }
        }
        Anchors {
            starts,
            words: placed,
            needs,
        }
    }

    /// Which of [`ANCHOR_SLOTS`] a word's first character is filed under (a multiplicative
    /// hash): so many that most characters of a sentence fall in an empty one.
    fn slot(c: char) -> usize {
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
    pub before: Vec<Option<Phrase>>,
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

pub(crate) fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let before = PATTERNS
            .iter()
            .map(|p| match p.side {
                Side::Before(slots) => Some(Phrase::new(slots)),
                Side::After(_) => None,
            })
            .collect();
        Lexicon {
            before,
            other_time: Words::new(patterns::OTHER_TIME),
            carried_in: Words::new(patterns::CARRIED_IN_WORDS),
            other_subjects: Words::new(patterns::OTHER_SUBJECTS),
            apply: Words::new(&["申请"]),
            disclosure: Words::new(&["信息公开"]),
            lead: Words::new(patterns::LEAD),
            part_lead: Words::new(&[patterns::PART_LEAD]),
            fillers: Words::new(patterns::FILLERS),
            anchors: Anchors::new(),
        }
    })
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
