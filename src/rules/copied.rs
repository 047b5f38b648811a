//! P002 (FORMAT.md §6.4 P4): the prose repeats last year's report almost word for word.
//! Section by section (一 … 六), this year's text is compared with last year's.
//!
//! **What must change is neutralized first**: the text is folded (full-width forms), spaces,
//! line breaks and punctuation are dropped (extractors disagree on them), and every run of
//! digits or Chinese numerals (〇一二…十百千万亿两零, so `2023年`, `二〇二三年`, `1,234件`, `三是`)
//! becomes one `#`. A copy that only updated the year and the figures compares as the same.
//!
//! **The measure** is the Sørensen–Dice coefficient of the two texts' multisets of character
//! bigrams: 2·|A∩B| / (|A|+|B|), 1 for the same text. It is linear in the length (a sorted
//! merge; a few KB a section, microseconds), insensitive to the order of whole sentences
//! (a copy with paragraphs moved is still a copy) and to the line breaks an extractor puts.
//! Written here rather than taken from a crate: `strsim::sorensen_dice` divides by the
//! *byte* length, which for Chinese (3 bytes a character) gives about a third of the ratio;
//! `similar`'s diff ratio is quadratic in the worst case (two unrelated sections) and is
//! thrown off by moved paragraphs.
//!
//! **Short sections are no evidence**: a section shorter than [`MIN_CHARS`] neutralized
//! characters on either side (section 六 `无`, a three-line section 五) is not compared.
//!
//! **The threshold**, [`THRESHOLD`] = 0.85, from the ratios measured on the fixtures (test
//! `the_measured_ratios_separate_copies`, `--nocapture` prints it; n = section pairs where
//! both sides have at least [`MIN_CHARS`] characters):
//!
//! | pair | n | ratio min – max |
//! |---|---|---|
//! | (a) different agencies: 民和 2020, 淮安 2024 (txt, pdf, 10 extractors), 平潭 2023 (html, 7 extractors), each file against each other agency's | 232 | 0.052 – 0.296 |
//! | (b) one report through different extractors, sections 一 … 六 | 203 | 0.974 – 1.000 |
//! | (b′) the same, html2text's 六 against the others' (the page footer falls into 六; html2text writes each link's title twice) | 6 | 0.745 – 0.768 |
//! | (c) a copy with the year moved on and every digit changed (民和, 淮安, 平潭) | 7 | 1.000 |
//! | (d) that copy with 二 and 五 replaced by another agency's: the kept sections | 4 | 1.000 |
//! | (d) … the replaced sections | 3 | 0.116 – 0.120 |
//!
//! Different agencies stay below 0.30 — the genre's shared phrases (政府信息公开, 依申请公开)
//! are all they share; extraction noise leaves the prose at 0.97 and above. 0.85 sits high in
//! the gap, so that a section with a fifth of it rewritten is not called a copy, and below
//! extraction noise in the prose. Not separated: a footer an extractor drags into section 六
//! (b′, 0.75) — a copy read through html2text one year and another tool the next would not
//! be flagged in 六; a false negative, never a false warning. Speed: the measurement test
//! (20 files ingested, 450 section pairs compared) runs in 0.09 s.
//!
//! One P002 per report, naming the sections that repeat (`params.sections`) and the ratio of
//! each (`params.similarity`, two decimals, in the same order): a copied report is one
//! problem, and six warnings would bury the others.

use serde_json::json;

use crate::finding::{Code, Finding, Location};
use crate::model::Report;
use crate::normalize::{fold, is_ideograph};
use crate::rules::figures::is_numeral_char;
use crate::template::SECTIONS;

/// The ratio from which a section is a copy (see the module doc for the measurement).
pub const THRESHOLD: f64 = 0.85;

/// Sections shorter than this (neutralized characters) on either side are not compared.
pub const MIN_CHARS: usize = 60;

/// P002: the sections whose text repeats last year's.
pub(crate) fn run(report: &Report, previous: &Report, findings: &mut Vec<Finding>) {
    let mut keys = Vec::new();
    let mut numerals = Vec::new();
    let mut ratios = Vec::new();
    let mut first = None;
    for (i, def) in SECTIONS.iter().enumerate() {
        let (Some(now), Some(then)) = (&report.sections.known[i], &previous.sections.known[i])
        else {
            continue;
        };
        let Some(ratio) = section_similarity(&now.text, &then.text) else {
            continue;
        };
        if ratio >= THRESHOLD {
            keys.push(def.key);
            numerals.push(def.heading.split('、').next().unwrap_or(def.key));
            ratios.push((ratio * 100.0).floor() / 100.0);
            first.get_or_insert((def.key, now.place));
        }
    }
    let Some((key, place)) = first else {
        return;
    };
    let p = crate::params! {
        "sections" => json!(keys),
        "numerals" => json!(numerals),
        "similarity" => json!(ratios),
        "previous" => json!({
            "year": previous.year,
            "agency": previous.agency,
            "sections": keys,
        }),
    };
    findings.push(Finding::unrendered(
        Code::P002,
        p,
        Location::section(key).at(place),
    ));
}

/// The similarity of two sections' texts, `None` when either is too short to tell.
pub fn section_similarity(now: &str, then: &str) -> Option<f64> {
    let (a, b) = (neutral(now), neutral(then));
    (a.len() >= MIN_CHARS && b.len() >= MIN_CHARS).then(|| dice(&a, &b))
}

/// The text with what must change neutralized: ideographs kept, digits and Chinese numerals
/// one `#` a run, the rest dropped.
pub fn neutral(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() / 3);
    for c in fold(text).chars() {
        if c.is_ascii_digit() || is_numeral_char(c) {
            if out.last() != Some(&'#') {
                out.push('#');
            }
        } else if is_ideograph(c) {
            // Latin letters go with the punctuation: in these reports they are web
            // addresses and file names, which page extractors write differently
            // (html2text adds the links' targets).
            out.push(c);
        }
    }
    out
}

/// The Sørensen–Dice coefficient of the two sequences' multisets of bigrams (1 for two
/// sequences too short to have one and equal, 0 when only one has none).
pub fn dice(a: &[char], b: &[char]) -> f64 {
    let grams = |s: &[char]| {
        let mut g: Vec<(char, char)> = s.windows(2).map(|w| (w[0], w[1])).collect();
        g.sort_unstable();
        g
    };
    let (ga, gb) = (grams(a), grams(b));
    if ga.is_empty() || gb.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < ga.len() && j < gb.len() {
        match ga[i].cmp(&gb[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (ga.len() + gb.len()) as f64
}

#[cfg(test)]
mod tests;
