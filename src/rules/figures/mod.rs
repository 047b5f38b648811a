//! N001: figures stated in the prose compared with the tables (FORMAT.md I8).
//!
//! **Sentences and clauses.** Each section's text (template sections and extra ones) is
//! split into sentences at `。！？` and line ends, and each sentence into clauses at
//! `，,、：:；;（）()` (a `,` between digits followed by three digits is a thousands
//! separator, not a clause end). Whitespace is dropped inside a sentence (line-wrapping
//! breaks words: `答\n复 3050 件`), except between two digits, which it keeps apart.
//!
//! **Numbers** are read by [`numbers`]: Arabic (full-width too, `1,234`), Chinese numerals
//! in the written form, the unit after them (`件`, `%`, `元`/`万元`/`亿元`). A figure with
//! a word of approximation (`约`, `近`, `超过`, `余`, `多`, `以上`, `左右` …) is never
//! compared.
//!
//! **Phrases** ([`patterns`]) are a closed list. A figure is compared when the words just
//! before it in its clause (after words that change nothing, `共计`, `为`, `的`) are one
//! of the phrases — read leftwards, slot by slot — and what stands before the phrase in
//! the clause is only lead words (`全年`, `全市`, `共`, `依法`; `其中` before a part);
//! or, for the carried-over applications, when the phrase follows the figure
//! (`另有 103 件顺延到下年度答复`). The longest phrase wins. A figure of no phrase, or
//! after a channel or a sub-unit (`其中通过网络申请 300 件`, `市政府办公室受理…`), is not
//! compared.
//!
//! **What is not this year's.** A clause that speaks of another time or of a change
//! (`上年`, `同比`, `增长` … — but `上年结转` is this year's table) stops the comparing
//! for the rest of its sentence, up to a `；`; a sentence that names a year other than the report's
//! (`2019年`) is not read at all. 表三's phrases are read in section 三 or in a sentence
//! that says 申请, unless it speaks of another subject (`12345 热线`, `信访`); 表四's in section 四 or in a sentence that says 信息公开 (a city's
//! 行政复议 are not all about disclosure). A figure after `A、` with no figure of `A`
//! (`予以公开、部分公开 1816 件`) is a sum of both and is not compared.
//!
//! **Readings.** A phrase names one or more readings, each a sum of cells; a reading
//! with a cell that holds no count is dropped. The figure agrees when it equals a
//! reading. It is reported (N001) only when every reading gives the same value and the
//! figure differs from it: `受理申请 749 件` is 本年新收 or 本年新收 + 上年结转, and
//! is reported only when nothing was carried in. 表四's outcomes (`其中结果维持 72 件`)
//! are those of the group the sentence spoke of last (`行政复议 351 件`); `行政诉讼`
//! alone is both groups of lawsuits added.
//!
//! **Percentages** are compared only after a share word (`占`, `占比`) that follows a
//! result or an outcome (`予以公开 1362 件，占 44.66%`, `予以公开占 44.66%`): the
//! result's cells over （七）总计 when the base says so (`占办结总数的`), else over
//! （七）总计 or the applications received (two readings); an outcome over its group's
//! 总计. The share is computed from the table in exact decimals; a percentage written
//! with d decimals agrees when it is less than one unit of its last decimal away from
//! the exact share (so rounding, truncating and rounding up all agree: 44.66% and 44.7%
//! for 44.664…%, 45% for 44.6%).
//!
//! **Money** (`行政事业性收费 96171.6 万元`) is compared in the unit written, the same way.
//! 信息处理费 has no cell in either template (FORMAT.md §1), so it is not compared.

mod lexicon;
mod numbers;
mod patterns;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::sums::{cell_names, CellRef};
use crate::finding::{Code, Finding, Location};
use crate::model::{CellValue, Report, Section, TableId};
use crate::template::{self, Version, SECTIONS};
use lexicon::lexicon;
pub(crate) use numbers::is_numeral_char;
use numbers::{Amount, Figure};
use patterns::{Pattern, Side, Target, PATTERNS};

pub(crate) fn run(report: &Report, findings: &mut Vec<Finding>) {
    for c in compare(report) {
        if c.verdict == Verdict::Differs {
            findings.push(c.finding(report.reading_version()));
        }
    }
}

/// What a comparison found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Agrees,
    Differs,
    /// The readings differ and the figure matches none of them: not reported.
    Undecided,
}

/// One figure of the prose compared with the table.
#[derive(Debug, Clone)]
pub(crate) struct Comparison {
    pub section: Option<&'static str>,
    /// The sentence, as the text has it.
    pub sentence: String,
    /// The clause of the figure, whitespace dropped.
    pub words: String,
    pub stated: Amount,
    /// The cells of the first reading.
    pub cells: Vec<CellRef>,
    /// The first reading's value, as params say it.
    pub table: Value,
    pub verdict: Verdict,
    /// Where the sentence stands in the source, when that is known exactly.
    pub line: Option<u32>,
    pub col: Option<u32>,
}

impl Comparison {
    fn finding(&self, version: Version) -> Finding {
        let mut loc = match self.cells.as_slice() {
            [c] => Location::cell(c.table, c.block, c.row, c.column),
            cells => cells
                .first()
                .map_or_else(Location::default, |c| Location::table(c.table)),
        };
        loc.section = self.section;
        loc.line = self.line;
        loc.col = self.col;
        let (what, what_en) = describe(&self.cells, version);
        Finding::unrendered(
            Code::N001,
            crate::params! {
                "quote" => self.sentence,
                "words" => self.words,
                "stated" => stated_json(self.stated),
                "reported" => self.table,
                "cells" => cell_names(&self.cells),
                "what" => what,
                "what_en" => what_en,
            },
            loc,
        )
    }
}

/// The cells of a reading in words (`申请情况表“（七）总计”行“总计”列`), or their sum.
fn describe(cells: &[CellRef], version: Version) -> (String, String) {
    use crate::finding::{table_name, Lang};
    let name = |c: &CellRef, lang: Lang| {
        let table = table_name(c.table, lang);
        let v = Some(version);
        let column = template::column_label(v, c.table.key(), c.block, c.column)
            .unwrap_or_else(|| c.column.to_string());
        let row = (c.table != TableId::T4)
            .then(|| template::row_label(v, c.table.key(), c.block, c.row))
            .flatten();
        match (lang, row) {
            (Lang::Zh, Some(row)) => format!("{table}“{row}”行“{column}”列"),
            (Lang::Zh, None) => format!("{table}“{column}”"),
            (Lang::En, Some(row)) => format!("{table}, row \"{row}\", column \"{column}\""),
            (Lang::En, None) => format!("{table}, \"{column}\""),
        }
    };
    let zh: Vec<String> = cells.iter().map(|c| name(c, Lang::Zh)).collect();
    let en: Vec<String> = cells.iter().map(|c| name(c, Lang::En)).collect();
    match zh.len() {
        1 => (zh.join(""), en.join("")),
        _ => (
            format!("{}之和", zh.join("与")),
            format!("the sum of {}", en.join(" and ")),
        ),
    }
}

fn stated_json(a: Amount) -> Value {
    match a {
        Amount::Count(n) => json!(n),
        Amount::Percent { value, .. } => json!(format!("{value}%")),
        Amount::Money { value, unit, .. } => json!(format!("{value}{}", unit.word())),
    }
}

/// Every figure of the prose that a phrase names, compared with the tables.
pub(crate) fn compare(report: &Report) -> Vec<Comparison> {
    compare_with(report, Filter::Anchors)
}

/// Whether sentences without the words any phrase needs are passed over unread (always
/// but in the test that holds the filter to the whole reading).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Anchors,
    #[cfg(test)]
    None,
}

fn compare_with(report: &Report, filter: Filter) -> Vec<Comparison> {
    let mut out = Vec::new();
    let known = SECTIONS
        .iter()
        .zip(&report.sections.known)
        .filter_map(|(d, s)| s.as_ref().map(|s| (Some(d.key), s)));
    let extra = report.sections.extra.iter().map(|s| (None, s));
    // One buffer for every sentence's characters.
    let mut chars = Vec::new();
    for (key, sec) in known.chain(extra) {
        for (offset, sentence) in sentences(&sec.text) {
            read_sentence(
                report,
                key,
                sec,
                (offset, sentence),
                filter,
                &mut chars,
                &mut out,
            );
        }
    }
    out
}

/// The sentences of a text with their byte offsets, blank ones left out.
fn sentences(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut push = |from: usize, to: usize| {
        let s = &text[from..to];
        let lead = s.len() - s.trim_start().len();
        let s = s.trim();
        if !s.is_empty() {
            out.push((from + lead, s));
        }
    };
    // The ends, found by their bytes: `\n`, `!`, `?`, and the lead bytes of `。` (E3 80 82),
    // `！` (EF BC 81) and `？` (EF BC 9F). A UTF-8 lead byte never stands inside a character.
    let bytes = text.as_bytes();
    let wide = memchr::memchr2_iter(0xE3, 0xEF, bytes).filter_map(|i| {
        let end = matches!(
            bytes.get(i..i + 3),
            Some([0xE3, 0x80, 0x82] | [0xEF, 0xBC, 0x81 | 0x9F])
        );
        end.then_some((i, 3))
    });
    let narrow = memchr::memchr3_iter(b'\n', b'!', b'?', bytes).map(|i| (i, 1));
    let mut wide = wide.peekable();
    let mut narrow = narrow.peekable();
    loop {
        let next = match (wide.peek(), narrow.peek()) {
            (Some(w), Some(n)) if w.0 < n.0 => wide.next(),
            (_, Some(_)) => narrow.next(),
            (Some(_), None) => wide.next(),
            (None, None) => None,
        };
        let Some((at, len)) = next else {
            break;
        };
        push(start, at);
        start = at + len;
    }
    push(start, text.len());
    out
}

/// A sentence's characters with whitespace dropped (a space kept between digits), digits
/// and `%` folded to ASCII.
#[cfg(test)]
fn compact(sentence: &str) -> Vec<char> {
    let mut out = Vec::new();
    compact_into(sentence, &mut out);
    out
}

/// [`compact`] into `out` (cleared first).
fn compact_into(sentence: &str, out: &mut Vec<char>) {
    out.clear();
    // No more characters than bytes: room made once.
    out.reserve(sentence.len());
    // A run of whitespace is one gap: a space where it parts two digits.
    let mut gap = false;
    for c in sentence.chars() {
        // Most characters are ideographs: kept as they are.
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            out.push(c);
            gap = false;
            continue;
        }
        let c = fold(c);
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        if gap && c.is_ascii_digit() && out.last().is_some_and(char::is_ascii_digit) {
            out.push(' ');
        }
        gap = false;
        out.push(c);
    }
}

fn fold(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '％' => '%',
        '．' => '.',
        c => c,
    }
}

/// A clause: its characters, whether `、` stands before it, and whether `；` does (a new
/// part of the sentence, where a change spoken of before no longer holds).
struct Clause<'a> {
    chars: &'a [char],
    after_enumeration: bool,
    new_part: bool,
    /// `、` follows: a number ending the clause is a list number (`其他处理 2、申请人…`).
    before_enumeration: bool,
}

fn clauses(chars: &[char]) -> Vec<Clause<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut sep_before = None;
    for (i, &c) in chars.iter().enumerate() {
        let thousands = c == ','
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && numbers::thousands_group(&chars[i + 1..]);
        if !thousands
            && matches!(
                c,
                '，' | ',' | '、' | '：' | ':' | '（' | '）' | '(' | ')' | '；' | ';'
            )
        {
            out.push(Clause {
                chars: &chars[start..i],
                after_enumeration: sep_before == Some('、'),
                new_part: matches!(sep_before, Some('；' | ';')),
                before_enumeration: c == '、',
            });
            sep_before = Some(c);
            start = i + 1;
        }
    }
    out.push(Clause {
        chars: &chars[start..],
        after_enumeration: sep_before == Some('、'),
        new_part: matches!(sep_before, Some('；' | ';')),
        before_enumeration: false,
    });
    out
}

/// What the sentence spoke of last, for the clauses after it.
#[derive(Debug, Clone, Copy)]
struct Last {
    target: Target,
    /// 表四's group (`rv`, `ld`, `lr`, `l`).
    group: Option<&'static str>,
}

fn read_sentence(
    report: &Report,
    key: Option<&'static str>,
    sec: &Section,
    (offset, sentence): (usize, &str),
    filter: Filter,
    chars: &mut Vec<char>,
    out: &mut Vec<Comparison>,
) {
    // No number, no figure to compare (what follows only reads figures).
    if !numbers::has_numeral(sentence) {
        return;
    }
    compact_into(sentence, chars);
    let chars: &[char] = chars;
    let lex = lexicon();
    // A comparison is of a figure a phrase names, or of a share of one (a figure named
    // before it, or a result named before `占`): never without a phrase. Most sentences
    // with a numeral (`一是`, `进一步`) have none.
    if filter == Filter::Anchors && !lex.anchors.may_name(chars) {
        return;
    }
    if names_other_year(chars, report.year) {
        return;
    }
    // Which table the sentence speaks of, looked for when a figure asks (most never do).
    let t3_context = std::cell::OnceCell::new();
    let t3_context = || {
        *t3_context.get_or_init(|| {
            (key == Some("s3") || lex.apply.occurs_in(chars))
                && !lex.other_subjects.occurs_in(chars)
        })
    };
    let t4_context = std::cell::OnceCell::new();
    let t4_context =
        || *t4_context.get_or_init(|| key == Some("s4") || lex.disclosure.occurs_in(chars));
    let (line, col) = match sec.source_of(offset) {
        Some((l, c)) => (Some(l), c),
        None => (None, None),
    };
    let mut push = |words: &[char], stated: Amount, judged: Judged| {
        let (cells, table, verdict) = judged;
        out.push(Comparison {
            section: key,
            sentence: sentence.to_string(),
            words: words.iter().collect(),
            stated,
            cells,
            table,
            verdict,
            line,
            col,
        });
    };
    // The figure the previous clause named, for a share in this one; the group of 表四
    // the sentence speaks of.
    let mut previous: Option<Last> = None;
    let mut group: Option<&'static str> = None;
    let mut previous_had_figure = false;
    let mut stopped = false;
    for clause in clauses(chars) {
        stopped &= !clause.new_part;
        stopped |= other_time(clause.chars);
        if stopped {
            previous = None;
            continue;
        }
        let figures = numbers::figures(clause.chars);
        let mut last = None;
        for fig in &figures {
            if let Amount::Percent { .. } = fig.amount {
                if fig.approx || !t3_context() && !t4_context() {
                    continue;
                }
                let before = &clause.chars[..fig.start];
                if let Some(j) = share(report, before, fig.amount, last.or(previous), group) {
                    push(clause.chars, fig.amount, j);
                }
                continue;
            }
            last = None;
            let list_number =
                clause.before_enumeration && fig.unit.is_none() && fig.end == clause.chars.len();
            if list_number {
                continue;
            }
            let Some(target) = match_figure(clause.chars, fig, report) else {
                continue;
            };
            let context = match target {
                Target::New
                | Target::Received
                | Target::Decided
                | Target::CarryIn
                | Target::CarryOut
                | Target::Result(_) => t3_context(),
                Target::Cases(_) | Target::Outcome(_) => t4_context(),
                Target::Documents { .. } | Target::Fees => true,
            };
            let money = matches!(fig.amount, Amount::Money { .. });
            // Applications and cases are counted in 件 (or 个, 起, 宗, 项); 条 and 次 count
            // items of information and visits.
            let unit_fits = match target {
                Target::Documents { .. } | Target::Fees => true,
                _ => matches!(fig.unit, None | Some("件" | "个" | "起" | "宗" | "项")),
            };
            if !context || !unit_fits || money != (target == Target::Fees) {
                continue;
            }
            if let Target::Cases(g) = target {
                group = Some(g);
            }
            last = Some(Last { target, group });
            // `予以公开、部分公开 1816 件`: the figure is of both.
            let enumerated = clause.after_enumeration && !previous_had_figure;
            if fig.approx || enumerated {
                continue;
            }
            if let Some(j) = judge(fig.amount, &readings(report, target, group), report) {
                push(clause.chars, fig.amount, j);
            }
        }
        previous = last;
        previous_had_figure = !figures.is_empty();
    }
}

/// Whether the sentence names a year that is not the report's (`2019年`).
fn names_other_year(chars: &[char], year: Option<i32>) -> bool {
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let end = i + chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if end - i == 4 && chars.get(end) == Some(&'年') {
                let y: i32 = chars[i..end]
                    .iter()
                    .collect::<String>()
                    .parse()
                    .unwrap_or(0);
                if Some(y) != year {
                    return true;
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    false
}

fn other_time(chars: &[char]) -> bool {
    let lex = lexicon();
    if !lex.carried_in.occurs_in(chars) {
        return lex.other_time.occurs_in(chars);
    }
    let mut s: String = chars.iter().collect();
    for w in patterns::CARRIED_IN_WORDS {
        s = s.replace(w, "");
    }
    patterns::OTHER_TIME.iter().any(|w| s.contains(w))
}

/// Strips words that change nothing from the end of `chars`.
fn strip_fillers(mut chars: &[char]) -> &[char] {
    let fillers = &lexicon().fillers;
    while let Some(n) = fillers.first_ending(chars) {
        chars = &chars[..chars.len() - n];
    }
    chars
}

/// Whether `chars` is made of lead words only (the report's year with `年` too).
fn only_lead(chars: &[char], part: bool, year: Option<i32>) -> bool {
    let lex = lexicon();
    let year: Option<Vec<char>> = year.map(|y| y.to_string().chars().collect());
    // ok[i]: chars[..i] is made of lead words.
    let mut ok = vec![false; chars.len() + 1];
    ok[0] = true;
    for i in 0..chars.len() {
        if !ok[i] {
            continue;
        }
        let rest = &chars[i..];
        lex.lead.starting(rest, |n| ok[i + n] = true);
        if part {
            lex.part_lead.starting(rest, |n| ok[i + n] = true);
        }
        if let Some(y) = year.as_deref().filter(|y| rest.starts_with(y)) {
            for suffix in [&['年', '度'][..], &['年']] {
                if rest[y.len()..].starts_with(suffix) {
                    ok[i + y.len() + suffix.len()] = true;
                }
            }
        }
    }
    ok[chars.len()]
}

/// The phrase that names a figure, when only lead words stand before it.
fn match_figure(chars: &[char], fig: &Figure, report: &Report) -> Option<Target> {
    let prefix = strip_fillers(&chars[..fig.start]);
    let suffix = &chars[fig.end..];
    // Each pattern's best start: (only lead words before it, the phrase's length).
    let mut found: Vec<Option<(bool, usize)>> = vec![None; PATTERNS.len()];
    for ((p, pattern), phrase) in PATTERNS.iter().enumerate().zip(&lexicon().before) {
        if let Some(phrase) = phrase {
            phrase.ending(prefix, |len| {
                if len > 0 {
                    let before = &prefix[..prefix.len() - len];
                    let ok = only_lead(before, pattern.target.is_part(), report.year);
                    found[p] = found[p].max(Some((ok, len)));
                }
            });
        } else if let Side::After(words) = pattern.side {
            found[p] = words
                .iter()
                .filter(|w| numbers::starts_with(suffix, w))
                .map(|w| {
                    let ok = only_lead(prefix, pattern.target.is_part(), report.year);
                    (ok, w.chars().count())
                })
                .max();
        }
    }
    let mut best: Option<(usize, &Pattern, bool)> = None;
    for (p, f) in PATTERNS.iter().zip(found) {
        if let Some((ok, len)) = f {
            if best.is_none_or(|(l, _, o)| (ok, len) > (o, l)) {
                best = Some((len, p, ok));
            }
        }
    }
    best.filter(|(_, _, ok)| *ok).map(|(_, p, _)| p.target)
}

/// The readings of a target: each a list of cells to add.
fn readings(report: &Report, target: Target, group: Option<&'static str>) -> Vec<Vec<CellRef>> {
    let t3 = |row: &'static str| CellRef::t3(row, "total");
    let version = report.reading_version();
    match target {
        Target::New => vec![vec![t3("new")]],
        Target::Received => vec![vec![t3("new")], vec![t3("new"), t3("carry_in")]],
        Target::Decided => vec![vec![t3("r7")]],
        Target::CarryIn => vec![vec![t3("carry_in")]],
        Target::CarryOut => vec![vec![t3("carry_out")]],
        Target::Result(g) => vec![result_rows(report, g).into_iter().map(t3).collect()],
        Target::Cases(g) => vec![t4_cells(g, "total")],
        Target::Outcome(o) => group.map(|g| vec![t4_cells(g, o)]).unwrap_or_default(),
        Target::Documents { row, v2021, v2019 } => {
            let column = match version {
                Version::V2021 => v2021,
                Version::V2019 => v2019,
            };
            column
                .map(|c| vec![vec![CellRef::t2("art20_1", row, c)]])
                .unwrap_or_default()
        }
        Target::Fees => match version {
            Version::V2021 => vec![vec![CellRef::t2("art20_8", "fees", "amount_wan")]],
            Version::V2019 => Vec::new(),
        },
    }
}

/// The rows of 表三 a result names: the row, or the rows of its group (`r3` is 1.–8.),
/// as the table holds them (2021's （六） is three rows, or 2019's one row standing in).
fn result_rows(report: &Report, group: &str) -> Vec<&'static str> {
    let def = report.reading_version().def();
    let has = |k: &str| report.t3.as_ref().is_some_and(|t| t.row(None, k).is_some());
    def.t3_results_given(&has)
        .into_iter()
        .map(|r| r.key)
        .filter(|k| *k == group || k.strip_prefix(group).is_some_and(|r| r.starts_with('_')))
        .collect()
}

/// 表四's cells of a column in a group (`l`: both lawsuit groups).
fn t4_cells(group: &str, column: &str) -> Vec<CellRef> {
    let groups: &[&'static str] = match group {
        "l" => &["ld", "lr"],
        "rv" => &["rv"],
        "ld" => &["ld"],
        _ => &["lr"],
    };
    groups
        .iter()
        .filter_map(|g| {
            template::T4_COLUMNS
                .iter()
                .find(|c| c.key.strip_prefix(g).and_then(|r| r.strip_prefix('_')) == Some(column))
                .map(|c| CellRef {
                    table: TableId::T4,
                    block: None,
                    row: g,
                    column: c.key,
                })
        })
        .collect()
}

/// The cells of the first reading, its value as params say it, and the verdict.
type Judged = (Vec<CellRef>, Value, Verdict);

/// A reading's value: the sum of its cells, when every one holds a count or an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sum {
    Count(i64),
    Money(Decimal),
}

fn sum(report: &Report, cells: &[CellRef]) -> Option<Sum> {
    if cells.is_empty() {
        return None;
    }
    let mut count: i64 = 0;
    let mut money: Option<Decimal> = None;
    for c in cells {
        match &c.lookup(report)?.value {
            CellValue::Count(n) => count = count.checked_add(*n)?,
            CellValue::Money(d) => money = Some(money.unwrap_or_default().checked_add(*d)?),
            _ => return None,
        }
    }
    Some(match money {
        Some(m) if cells.len() == 1 => Sum::Money(m),
        Some(_) => return None,
        None => Sum::Count(count),
    })
}

/// Compares a stated figure with the readings: the first reading's cells and value, and
/// the verdict. `None` when no reading has a value.
fn judge(stated: Amount, readings: &[Vec<CellRef>], report: &Report) -> Option<Judged> {
    let values: Vec<(&Vec<CellRef>, Sum)> = readings
        .iter()
        .filter_map(|r| sum(report, r).map(|v| (r, v)))
        .collect();
    let (first, first_value) = values.first()?;
    let agrees = |v: &Sum| match (stated, v) {
        (Amount::Count(n), Sum::Count(t)) => n == *t,
        (
            Amount::Money {
                value,
                decimals,
                unit,
            },
            Sum::Money(t),
        ) => close(value, *t * unit.per_wan(), decimals),
        _ => false,
    };
    let verdict = if values.iter().any(|(_, v)| agrees(v)) {
        Verdict::Agrees
    } else if values.iter().all(|(_, v)| v == first_value) {
        Verdict::Differs
    } else {
        Verdict::Undecided
    };
    let value = match (first_value, stated) {
        (Sum::Count(n), _) => json!(n),
        (Sum::Money(m), Amount::Money { unit, .. }) => {
            json!(format!(
                "{}{}",
                (*m * unit.per_wan()).normalize(),
                unit.word()
            ))
        }
        (Sum::Money(m), _) => json!(format!("{}万元", m.normalize())),
    };
    Some(((*first).clone(), value, verdict))
}

/// Whether `stated`, written with `decimals` decimals, is less than one unit of its last
/// decimal from `exact`.
fn close(stated: Decimal, exact: Decimal, decimals: u32) -> bool {
    let unit = Decimal::new(1, decimals.min(28));
    (stated - exact).abs() < unit
}

/// A percentage after a share word: the numerator is the result or outcome named before
/// `占` in the clause, else the figure the sentence spoke of last.
fn share(
    report: &Report,
    before: &[char],
    stated: Amount,
    last: Option<Last>,
    group: Option<&'static str>,
) -> Option<Judged> {
    let Amount::Percent { value, decimals } = stated else {
        return None;
    };
    let before = strip_fillers(before);
    // `占` + base words, or `占比`.
    let (rest, base) = patterns::SHARE.iter().find_map(|w| {
        let at = find_last(before, w)?;
        let base: String = before[at + w.chars().count()..].iter().collect();
        Some((&before[..at], base))
    })?;
    let decided_base = patterns::BASE_DECIDED.contains(&base.as_str());
    if !base.is_empty() && !decided_base {
        return None;
    }
    let rest = strip_fillers(rest);
    let numerator = if rest.is_empty() || only_lead(rest, true, report.year) {
        last?
    } else {
        // A result or outcome named before `占`, with only lead words before its phrase.
        let target = PATTERNS
            .iter()
            .zip(&lexicon().before)
            .find_map(|(p, phrase)| {
                let phrase = phrase.as_ref()?;
                if !matches!(p.target, Target::Result(_) | Target::Outcome(_)) {
                    return None;
                }
                let mut named = false;
                phrase.ending(rest, |len| {
                    named |= only_lead(&rest[..rest.len() - len], true, report.year);
                });
                named.then_some(p.target)
            })?;
        Last { target, group }
    };
    let (num, bases): (Vec<CellRef>, Vec<Vec<CellRef>>) = match numerator.target {
        Target::Result(_) => {
            let num = readings(report, numerator.target, None)
                .into_iter()
                .next()?;
            let r7 = vec![CellRef::t3("r7", "total")];
            let bases = if decided_base {
                vec![r7]
            } else {
                vec![
                    r7,
                    vec![CellRef::t3("new", "total")],
                    vec![
                        CellRef::t3("new", "total"),
                        CellRef::t3("carry_in", "total"),
                    ],
                ]
            };
            (num, bases)
        }
        Target::Outcome(_) if !decided_base => {
            let g = numerator.group?;
            let num = readings(report, numerator.target, Some(g))
                .into_iter()
                .next()?;
            (num, vec![t4_cells(g, "total")])
        }
        _ => return None,
    };
    let Some(Sum::Count(n)) = sum(report, &num) else {
        return None;
    };
    let shares: Vec<Decimal> = bases
        .iter()
        .filter_map(|b| match sum(report, b) {
            Some(Sum::Count(d)) if d > 0 => {
                Some(Decimal::from(n) * Decimal::ONE_HUNDRED / Decimal::from(d))
            }
            _ => None,
        })
        .collect();
    let first = *shares.first()?;
    let verdict = if shares.iter().any(|s| close(value, *s, decimals)) {
        Verdict::Agrees
    } else if shares.iter().all(|s| *s == first) {
        Verdict::Differs
    } else {
        Verdict::Undecided
    };
    let mut cells = num;
    cells.extend(bases.into_iter().next().unwrap_or_default());
    let shown = first.round_dp(decimals.max(2)).normalize();
    Some((cells, json!(format!("{shown}%")), verdict))
}

fn find_last(chars: &[char], word: &str) -> Option<usize> {
    let w: Vec<char> = word.chars().collect();
    (0..=chars.len().checked_sub(w.len())?)
        .rev()
        .find(|&i| chars[i..].starts_with(&w))
}

#[cfg(test)]
mod tests;
