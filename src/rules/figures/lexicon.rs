//! The word lists of [`patterns`](super::patterns) compiled once for matching: each
//! phrase that may stand before a figure as its slots of characters, each slot with a
//! filter of its words' last characters (most slots are passed over on one look at the
//! character before the figure), and the lists that are only looked for (`上年`, `热线` …)
//! as sets filtered by their first character. N001 reads every clause of the prose, so the
//! lists are not scanned word by word for each clause and figure.
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
