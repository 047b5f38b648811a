//! The word lists of [`patterns`](super::patterns) compiled once for matching: each
//! phrase that may stand before a figure as its slots of characters, each slot with a
//! filter of its words' last characters (most slots are passed over on one look at the
//! character before the figure), and the lists that are only looked for (`上年`, `热线` …)
//! as sets filtered by their first character. N001 reads every clause of the prose, so the
//! lists are not scanned word by word for each clause and figure.
//!
//! Written here rather than taken from `aho-corasick`: the phrases are matched anchored at
//! the figure and leftwards with every place each may start, and the word sets are short
//! (a few hundred words); the crate would add to the page's engine for no gain.

use std::sync::OnceLock;

use super::patterns::{self, Side, PATTERNS};
use crate::normalize::CharSet;

/// A closed list of words, looked for in a text of characters.
#[derive(Debug)]
pub(crate) struct Words {
    words: Vec<Vec<char>>,
    first: CharSet,
}

impl Words {
    pub(crate) fn new(words: &[&str]) -> Self {
        let words: Vec<Vec<char>> = words
            .iter()
            .map(|w| w.chars().collect::<Vec<_>>())
            .filter(|w| !w.is_empty())
            .collect();
        let mut first = CharSet::default();
        for w in &words {
            first.add(w[0]);
        }
        Words { words, first }
    }

    /// Whether one of the words occurs in `chars`.
    pub(crate) fn occurs_in(&self, chars: &[char]) -> bool {
        (0..chars.len()).any(|i| {
            self.first.may_hold(chars[i])
                && self.words.iter().any(|w| chars[i..].starts_with(w))
        })
    }
}

/// One slot of a phrase: one of its words, or none when the slot is optional (`""`).
#[derive(Debug)]
pub(crate) struct Slot {
    words: Vec<Vec<char>>,
    last: CharSet,
    optional: bool,
}

impl Slot {
    fn new(words: &[&str]) -> Self {
        let mut last = CharSet::default();
        let optional = words.iter().any(|w| w.is_empty());
        let words: Vec<Vec<char>> = words
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().collect())
            .collect();
        for w in &words {
            last.add(w[w.len() - 1]);
        }
        Slot {
            words,
            last,
            optional,
        }
    }
}

/// A phrase made of slots, read leftwards from a point.
#[derive(Debug)]
pub(crate) struct Phrase(Vec<Slot>);

impl Phrase {
    fn new(slots: &[&[&str]]) -> Self {
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
    for w in &last.words {
        if head.ends_with(w) {
            ending(rest, chars, len + w.len(), found);
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
    pub lead: Vec<Vec<char>>,
    pub part_lead: Vec<char>,
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
            lead: patterns::LEAD.iter().map(|w| w.chars().collect()).collect(),
            part_lead: patterns::PART_LEAD.chars().collect(),
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
        let new = lexicon().before[0].as_ref().expect("新收 stands before its figure");
        new.ending(&chars("全年新收政府信息公开申请"), |len| found.push(len));
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
    }
}
