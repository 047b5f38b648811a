//! The reader every document format ends in: lines of cells (each with its place) → title,
//! sections and the three tables of a [`Report`]. Rows are found by their labels, matched
//! after normalization and tolerant of damage, and by their order in the template; values
//! go to columns only when their count or their positions say where — otherwise the row is
//! reported unreadable (C006), never shifted.

use std::ops::Range;

use crate::finding::{Code, Finding, Location};
use crate::model::{
    Cell, CellValue, Markers, Place, Report, Row, Section, Sections, Table, TableId,
};
use crate::normalize::{self, collapse_cjk_spaces, coverage, fold, label_key};
use crate::params;
use crate::template::{
    self, ColumnKind, RowDef, TemplateDef, Version, SECTIONS, T3_COLUMNS, T4_COLUMNS,
};

use super::{read_cell, RowRef};

/// A document as lines of cells.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub lines: Vec<DocLine>,
}

#[derive(Debug, Clone)]
pub struct DocLine {
    /// 1-based line in the source.
    pub line: u32,
    pub cells: Vec<DocCell>,
    /// Cells are grid columns (tabs, table markup): `slot` is a column index. Otherwise
    /// `slot` is a character position and columns are told by nearness.
    pub tabbed: bool,
}

#[derive(Debug, Clone)]
pub struct DocCell {
    pub text: String,
    /// 1-based character column of the cell's text in its source line.
    pub col: u32,
    pub slot: u32,
}

/// A value written in a table line.
#[derive(Debug, Clone)]
struct Token {
    text: String,
    place: Place,
    slot: u32,
    /// Several numbers shared one cell (`1 1 0 0`): their columns are not known.
    shared: bool,
    /// Digits that may be several cells run together (`000023`, `规范性文件898989`).
    run: bool,
}

/// A line as the table readers see it.
#[derive(Debug, Clone)]
struct Line {
    no: u32,
    tabbed: bool,
    /// The text of its label cells, joined.
    label: String,
    label_col: u32,
    tokens: Vec<Token>,
    /// The whole line's text, cells joined by a space.
    text: String,
    /// `label_key` of the text and of the label, computed once.
    key: String,
    label_key: String,
    indent: u32,
    page_number: bool,
    /// Each non-empty cell's text, slot and column.
    cells: Vec<(String, u32, u32)>,
    /// The column of every cell by slot, empty ones included (where a blank stands).
    slot_cols: Vec<(u32, u32)>,
}

impl Line {
    fn place(&self) -> Place {
        Place::new(self.no, self.label_col)
    }
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
    /// Where the cell at `slot` stands in this line (a blank cell's place).
    fn place_of_slot(&self, slot: u32) -> Place {
        let col = if self.tabbed {
            self.slot_cols
                .iter()
                .find(|(s, _)| *s == slot)
                .map_or(self.label_col, |(_, c)| *c)
        } else {
            slot + 1
        };
        Place::new(self.no, col)
    }
}

/// Reads a document into a report.
pub fn read(doc: &Doc, findings: &mut Vec<Finding>) -> Report {
    let lines: Vec<Line> = doc.lines.iter().map(prepare).collect();
    let mut report = Report::default();
    let headings = find_headings(&lines);
    let first_heading = headings.first().map_or(lines.len(), |h| h.index);
    let title_end = read_title(&lines[..first_heading], &mut report);
    let preamble: Vec<&Line> = lines[title_end..first_heading].iter().collect();

    let (template, markers) = detect_version(&lines);
    report.template = template;
    report.markers = markers;
    let version = report.reading_version();
    let def = version.def();

    let region = |key: &str| section_range(&headings, key, lines.len());
    let mut spans: Vec<Range<usize>> = Vec::new();
    let t2 = read_t2(&lines, region("s2"), def, findings, &mut spans);
    let t3 = read_t3(&lines, region("s3"), def, findings, &mut spans);
    let t4 = read_t4(&lines, region("s4"), findings, &mut spans);
    report.t2 = t2;
    report.t3 = t3;
    report.t4 = t4;
    report.sections = build_sections(&lines, &headings, &spans);
    report.sections.preamble = join_paragraphs(&preamble);
    report
}

// ---- lines ----------------------------------------------------------------------------

fn prepare(l: &DocLine) -> Line {
    let mut label = String::new();
    let mut label_col = 0;
    let mut tokens = Vec::new();
    let cells: Vec<&DocCell> = l.cells.iter().filter(|c| !c.text.is_empty()).collect();
    for c in &cells {
        let place = Place::new(l.line, c.col);
        if is_value(&c.text) {
            tokens.push(Token {
                text: c.text.clone(),
                place,
                slot: c.slot,
                shared: false,
                run: leading_zero(&c.text),
            });
            continue;
        }
        if let Some(parts) = number_list(&c.text) {
            let shared = l.tabbed;
            for (offset, part) in parts {
                tokens.push(Token {
                    text: part.to_string(),
                    place: Place::new(l.line, c.col + offset),
                    slot: if shared { c.slot } else { c.slot + offset },
                    shared,
                    run: leading_zero(part),
                });
            }
            continue;
        }
        if let Some((text, digits, offset)) = glued_digits(&c.text) {
            if label.is_empty() {
                label_col = c.col;
            }
            label.push_str(text);
            tokens.push(Token {
                text: digits.to_string(),
                place: Place::new(l.line, c.col + offset),
                slot: c.slot + offset,
                shared: false,
                run: true,
            });
            continue;
        }
        if tokens.is_empty() {
            if label.is_empty() {
                label_col = c.col;
            }
            label.push_str(&c.text);
        }
    }
    let text = cells
        .iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let indent = cells.first().map_or(0, |c| c.col.saturating_sub(1));
    let page_number = is_page_number(&text);
    Line {
        key: label_key(&text),
        label_key: label_key(&label),
        cells: cells
            .iter()
            .map(|c| (c.text.clone(), c.slot, c.col))
            .collect(),
        slot_cols: l.cells.iter().map(|c| (c.slot, c.col)).collect(),
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

/// A cell that holds one value: a number (with sign word or unit), a placeholder, or a
/// number with characters that could not be read (U+FFFD from a PDF font without a map:
/// a value, reported as not a number — never read as a shorter number or as a label).
fn is_value(s: &str) -> bool {
    let p = normalize::parse_cell(s, ColumnKind::MoneyUnitInCell);
    match p.value {
        CellValue::NoUnit(_) | CellValue::Money(_) => true,
        CellValue::NotNumber => {
            normalize::is_placeholder(s)
                || (s.contains(char::REPLACEMENT_CHARACTER)
                    && s.chars().all(|c| {
                        c.is_ascii_digit() || matches!(c, '.' | ',' | char::REPLACEMENT_CHARACTER)
                    }))
        }
        _ => false,
    }
}

/// `1 1 0 0 0 0 0 0`: plain numbers separated by single spaces, with their offsets.
fn number_list(s: &str) -> Option<Vec<(u32, &str)>> {
    let mut parts = Vec::new();
    let mut offset = 0u32;
    for (i, part) in s.split(' ').enumerate() {
        if i > 0 {
            offset += 1;
        }
        if !part.is_empty() {
            if !part.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            parts.push((offset, part));
        }
        offset += part.chars().count() as u32;
    }
    (parts.len() >= 2).then_some(parts)
}

/// `规范性文件898989`: a label with digits run onto its end.
fn glued_digits(s: &str) -> Option<(&str, &str, u32)> {
    let digits_start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()?
        .0;
    let (text, digits) = s.split_at(digits_start);
    let last = text.chars().last()?;
    (normalize::is_cjk(last) && !matches!(last, '第' | '年' | '至')).then_some((
        text,
        digits,
        text.chars().count() as u32,
    ))
}

fn leading_zero(s: &str) -> bool {
    s.len() > 1 && s.starts_with('0') && s.chars().all(|c| c.is_ascii_digit())
}

/// `- 4 -`, `-4-`, `第 4 页`, `4 / 12`: page numbers, dropped wherever they stand (N15).
pub(super) fn is_page_number(s: &str) -> bool {
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

// ---- title, headings, sections ----------------------------------------------------------

const NUMERALS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

#[derive(Debug, Clone)]
struct Heading {
    index: usize,
    key: Option<&'static str>,
    text: String,
}

/// A report has a dozen top-level headings; past this many candidates the rest of a
/// strange input is not searched for more.
const MAX_HEADING_CANDIDATES: usize = 400;

/// Top-level headings: `一、总体情况` … — a short line of its own that starts with a
/// Chinese numeral and 、, and is not a label of 表三.
fn find_headings(lines: &[Line]) -> Vec<Heading> {
    let t3_labels: Vec<String> = Version::ALL
        .iter()
        .flat_map(|v| v.def().t3_rows())
        .map(|r| label_key(r.label))
        .chain(std::iter::once(label_key(template::T3_RESULTS_GROUP)))
        .collect();
    let mut out: Vec<Heading> = Vec::new();
    let mut candidates = 0;
    for (index, l) in lines.iter().enumerate() {
        if !l.tokens.is_empty() || l.page_number {
            continue;
        }
        if candidates > MAX_HEADING_CANDIDATES {
            break;
        }
        let text = collapse_cjk_spaces(&fold(&l.text)).trim().to_string();
        let Some(rest) = strip_numeral(&text) else {
            continue;
        };
        let key = label_key(rest);
        if key.chars().count() < 2 || text.chars().count() > 40 || text.ends_with('。') {
            continue;
        }
        candidates += 1;
        let whole = label_key(&text);
        if t3_labels
            .iter()
            .any(|t| coverage(t, &whole) >= 0.8 && coverage(&whole, t) >= 0.6)
        {
            continue;
        }
        let key = classify_heading(&key);
        if key.is_some() && out.iter().any(|h| h.key == key) {
            continue;
        }
        out.push(Heading {
            index,
            key,
            text: text.to_string(),
        });
    }
    out
}

/// The text after a leading `一、` (or `一.`), if the line starts so.
fn strip_numeral(text: &str) -> Option<&str> {
    let n = text.chars().take_while(|c| NUMERALS.contains(c)).count();
    if n == 0 || n > 2 {
        return None;
    }
    let rest: &str = &text[text.char_indices().nth(n)?.0..];
    rest.strip_prefix('、')
        .or_else(|| rest.strip_prefix('.'))
        .or_else(|| rest.strip_prefix('．'))
        .map(str::trim_start)
}

fn classify_heading(key: &str) -> Option<&'static str> {
    SECTIONS
        .iter()
        .filter(|s| s.keywords.iter().any(|k| key.contains(&label_key(k))))
        .max_by(|a, b| {
            let score = |s: &template::SectionDef| coverage(&label_key(s.heading), key);
            score(a).total_cmp(&score(b))
        })
        .map(|s| s.key)
}

/// The lines of a section: from its heading to the next heading; when the section has no
/// heading, from the previous template section to the next one.
fn section_range(headings: &[Heading], key: &str, len: usize) -> Range<usize> {
    let order = |k: &str| SECTIONS.iter().position(|s| s.key == k);
    if let Some(i) = headings.iter().position(|h| h.key == Some(key)) {
        let end = headings.get(i + 1).map_or(len, |h| h.index);
        return headings[i].index + 1..end;
    }
    let me = order(key).unwrap_or(0);
    let start = headings
        .iter()
        .filter(|h| h.key.and_then(order).is_some_and(|o| o < me))
        .map(|h| h.index + 1)
        .max()
        .unwrap_or(0);
    let end = headings
        .iter()
        .filter(|h| h.index >= start && h.key.and_then(order).is_some_and(|o| o > me))
        .map(|h| h.index)
        .min()
        .unwrap_or(len);
    start..end.max(start)
}

fn build_sections(lines: &[Line], headings: &[Heading], spans: &[Range<usize>]) -> Sections {
    let mut sections = Sections::default();
    for (i, h) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map_or(lines.len(), |n| n.index);
        let body: Vec<&Line> = (h.index + 1..end)
            .filter(|j| !spans.iter().any(|s| s.contains(j)))
            .map(|j| &lines[j])
            .collect();
        let section = Section {
            heading: h.text.clone(),
            text: join_paragraphs(&body),
            place: Some(lines[h.index].place()),
        };
        match h.key.and_then(|k| SECTIONS.iter().position(|s| s.key == k)) {
            Some(pos) => sections.known[pos] = Some(section.clone()),
            None => sections.extra.push(section.clone()),
        }
        sections.order.push((h.key, section));
    }
    sections
}

/// Joins wrapped lines into paragraphs: a paragraph ends at sentence-final punctuation or
/// before an indented line; page numbers are dropped.
fn join_paragraphs(lines: &[&Line]) -> String {
    let mut out = String::new();
    let mut open = false;
    for l in lines {
        if l.page_number || l.is_blank() {
            continue;
        }
        let text = collapse_cjk_spaces(l.text.trim());
        if open && l.indent >= 2 {
            out.push('\n');
        } else if open {
            let joins_cjk = out.chars().last().is_some_and(normalize::is_cjk)
                || text.chars().next().is_some_and(normalize::is_cjk);
            if !joins_cjk {
                out.push(' ');
            }
        }
        out.push_str(&text);
        open = !text.ends_with(['。', '！', '？', '；', '：']);
        if !open {
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

/// The title (`<agency><year>年（度）政府信息公开工作年度报告`), its year and the agency.
/// Returns how many lines the title takes (0 when there is none).
fn read_title(lines: &[Line], report: &mut Report) -> usize {
    let (indices, texts): (Vec<usize>, Vec<String>) = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_blank() && !l.page_number)
        .take(6)
        .map(|(i, l)| (i, collapse_title(&l.text)))
        .unzip();
    let Some(end) = texts.iter().position(|t| t.contains("报告")) else {
        return 0;
    };
    let start = texts[..end]
        .iter()
        .rposition(|t| t.chars().count() > 30)
        .map_or(0, |i| i + 1);
    let title: String = texts[start..=end].concat();
    if title.chars().count() > 80 {
        return 0;
    }
    let year = find_year(&title);
    report.year = year.map(|(y, _, _)| y);
    report.agency = match year {
        Some((_, at, after)) => {
            let before = title[..at].trim();
            if !before.is_empty() {
                Some(before.to_string())
            } else {
                let rest = &title[after..];
                let rest = rest.strip_prefix('度').unwrap_or(rest);
                rest.find("政府信息公开")
                    .map(|i| rest[..i].trim())
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
            }
        }
        None => None,
    };
    report.title = Some(title);
    indices[end] + 1
}

/// Removes spaces a title was broken by (`2020 年度` → `2020年度`).
fn collapse_title(s: &str) -> String {
    let s = collapse_cjk_spaces(&fold(s));
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let keep = prev.is_some_and(|p| p.is_ascii_alphanumeric())
                && next.is_some_and(|n| n.is_ascii_alphanumeric());
            if !keep {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// `2020年`: the year, its byte offset, and the offset after `年`.
fn find_year(title: &str) -> Option<(i32, usize, usize)> {
    let bytes = title.as_bytes();
    for (i, _) in title.char_indices() {
        if i + 4 <= bytes.len() && bytes[i..i + 4].iter().all(u8::is_ascii_digit) {
            let before_digit = i > 0 && bytes[i - 1].is_ascii_digit();
            if before_digit || bytes.get(i + 4).is_some_and(u8::is_ascii_digit) {
                continue;
            }
            if title[i + 4..].starts_with('年') {
                let year: i32 = title[i..i + 4].parse().ok()?;
                if (1990..=2100).contains(&year) {
                    return Some((year, i, i + 4 + '年'.len_utf8()));
                }
            }
        }
    }
    None
}

// ---- template version -----------------------------------------------------------------

/// Scores the markers of each version in cells short enough to be labels (FORMAT.md §7).
fn detect_version(lines: &[Line]) -> (Option<Version>, Markers) {
    let mut markers = Markers::default();
    for v in Version::ALL {
        let found: Vec<&'static str> = v
            .def()
            .markers
            .iter()
            .copied()
            .filter(|m| {
                let mk = label_key(m);
                lines
                    .iter()
                    .any(|l| l.key.len() <= 240 && l.key.contains(&mk))
            })
            .collect();
        match v {
            Version::V2019 => markers.v2019 = found,
            Version::V2021 => markers.v2021 = found,
        }
    }
    (markers.version(), markers)
}

// ---- assigning values to columns ----------------------------------------------------------

/// The values of one table row, as read from one or more lines.
#[derive(Debug, Clone)]
struct RawRow {
    /// Index of the line that holds the values (the first, if several).
    at: usize,
    last: usize,
    tokens: Vec<Token>,
    own: String,
}

/// Places a row's tokens into `n` columns: by count when they fill them, else by position
/// against rows that do. `None` when they do not fit.
fn place_tokens<'a>(
    tokens: &'a [Token],
    n: usize,
    anchors: &[Vec<u32>],
    tabbed: bool,
) -> Option<(Vec<Option<&'a Token>>, Vec<u32>)> {
    if tokens.len() == n {
        return Some((
            tokens.iter().map(Some).collect(),
            tokens.iter().map(|t| t.slot).collect(),
        ));
    }
    if tokens.len() > n || tokens.iter().any(|t| t.shared || t.run) {
        return None;
    }
    'anchor: for a in anchors.iter().filter(|a| a.len() == n) {
        let mut out: Vec<Option<&Token>> = vec![None; n];
        let tolerance = if tabbed {
            0
        } else {
            a.windows(2)
                .map(|w| w[1].saturating_sub(w[0]))
                .min()
                .unwrap_or(4)
                / 2
        };
        let mut next = 0;
        for t in tokens {
            let found = (next..n).find(|&k| t.slot.abs_diff(a[k]) <= tolerance);
            match found {
                Some(k) => {
                    out[k] = Some(t);
                    next = k + 1;
                }
                None => continue 'anchor,
            }
        }
        return Some((out, a.clone()));
    }
    None
}

/// The readings of digit runs as exactly `n` numbers that `accept` allows, up to `limit`.
fn split_runs(
    tokens: &[Token],
    n: usize,
    limit: usize,
    accept: &dyn Fn(&[i64]) -> bool,
) -> Vec<Vec<i64>> {
    let parts: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    if parts
        .iter()
        .any(|p| !p.chars().all(|c| c.is_ascii_digit()) || p.is_empty())
        || parts.iter().map(|p| p.len()).sum::<usize>() > 40
    {
        return Vec::new();
    }
    let mut search = Splits {
        parts,
        n,
        limit,
        accept,
        budget: 200_000,
        cur: Vec::new(),
        out: Vec::new(),
    };
    search.go(0, 0);
    if search.budget == 0 {
        // Too many readings to tell: treat as ambiguous.
        return vec![Vec::new(), Vec::new()];
    }
    search.out
}

/// The search behind [`split_runs`]: each digit run cut into numbers without leading zeros.
struct Splits<'a> {
    parts: Vec<&'a str>,
    n: usize,
    limit: usize,
    accept: &'a dyn Fn(&[i64]) -> bool,
    budget: usize,
    cur: Vec<i64>,
    out: Vec<Vec<i64>>,
}

impl Splits<'_> {
    fn go(&mut self, part: usize, off: usize) {
        if self.out.len() > self.limit || self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let Some(s) = self.parts.get(part).copied() else {
            if self.cur.len() == self.n && (self.accept)(&self.cur) {
                self.out.push(self.cur.clone());
            }
            return;
        };
        if off == s.len() {
            return self.go(part + 1, 0);
        }
        if self.cur.len() >= self.n {
            return;
        }
        let rest = &s[off..];
        let max_len = if rest.starts_with('0') {
            1
        } else {
            rest.len().min(15)
        };
        for len in 1..=max_len {
            let Ok(v) = rest[..len].parse::<i64>() else {
                break;
            };
            self.cur.push(v);
            self.go(part, off + len);
            self.cur.pop();
        }
    }
}

/// C008: a row of values inside a table that is not a row of the template.
fn extra_row(table: TableId, raw: &RawRow, context: &str, line: &Line) -> Finding {
    let found = if raw.own.trim().is_empty() {
        context.trim()
    } else {
        raw.own.trim()
    };
    let found: String = found.chars().take(40).collect();
    Finding::new(
        Code::C008,
        params! {
            "found" => found,
            "count" => raw.tokens.len(),
            "values" => raw.tokens.iter().map(|t| t.text.clone()).collect::<Vec<_>>().join(" "),
        },
        Location::table(table).at(Some(line.place())),
    )
}

/// F005: the run `tokens` was read as `values`.
fn split_finding(tokens: &[Token], values: &[i64], location: Location) -> Finding {
    let join = |parts: Vec<String>| parts.join(" ");
    Finding::new(
        Code::F005,
        params! {
            "raw" => join(tokens.iter().map(|t| t.text.clone()).collect()),
            "values" => join(values.iter().map(|v| v.to_string()).collect()),
        },
        location,
    )
}

fn unreadable_upper(tokens: &[Token]) -> Option<i64> {
    let mut max = 0i64;
    for t in tokens {
        let v = t.text.parse::<i64>().ok().filter(|v| *v >= 0)?;
        max = max.max(v);
    }
    Some(max)
}

fn unreadable_row(
    at: RowRef,
    columns: &[template::ColumnDef],
    raw: &RawRow,
    place: Place,
    reason: Option<(&str, &str)>,
    findings: &mut Vec<Finding>,
) -> Row {
    let upper = unreadable_upper(&raw.tokens);
    let mut params = params! {
        "found" => raw.tokens.len(),
        "expected" => columns.len(),
        "values" => raw.tokens.iter().map(|t| t.text.clone()).collect::<Vec<_>>(),
    };
    if let Some((zh, en)) = reason {
        params.insert("reason".into(), zh.into());
        params.insert("reason_en".into(), en.into());
    }
    findings.push(Finding::new(
        Code::C006,
        params,
        at.location().at(Some(place)),
    ));
    Row {
        block: at.block,
        key: at.key,
        cells: columns
            .iter()
            .map(|c| Cell {
                column: c.key,
                value: CellValue::Unreadable { upper },
                raw: None,
                place: Some(place),
            })
            .collect(),
        place: Some(place),
    }
}

fn cells_from(
    at: RowRef,
    columns: &[template::ColumnDef],
    placed: &[Option<&Token>],
    blank_at: &dyn Fn(usize) -> Option<Place>,
    findings: &mut Vec<Finding>,
) -> Vec<Cell> {
    columns
        .iter()
        .zip(placed)
        .enumerate()
        .map(|(k, (c, t))| match t {
            Some(t) => read_cell(&t.text, c.kind, at, c.key, Some(t.place), findings),
            None => Cell {
                column: c.key,
                value: CellValue::Blank,
                raw: None,
                place: blank_at(k),
            },
        })
        .collect()
}

fn blank_row(
    block: Option<&'static str>,
    key: &'static str,
    columns: &[template::ColumnDef],
    place: Place,
) -> Row {
    Row {
        block,
        key,
        cells: columns
            .iter()
            .map(|c| Cell::new(c.key, CellValue::Blank))
            .collect(),
        place: Some(place),
    }
}

/// Rows in the one-cell-per-line layout (N18): runs of single values grouped into rows of
/// `n` after each label.
fn gather_rows(lines: &[Line], range: Range<usize>, n: usize) -> Vec<RawRow> {
    let data: Vec<usize> = range
        .clone()
        .filter(|&i| !lines[i].tokens.is_empty() && !lines[i].page_number)
        .collect();
    let singles = data.iter().filter(|&&i| lines[i].tokens.len() == 1).count();
    let per_line = data.len() >= n && singles * 10 >= data.len() * 7 && n > 1;
    let mut rows: Vec<RawRow> = Vec::new();
    if !per_line {
        for i in data {
            rows.push(RawRow {
                at: i,
                last: i,
                tokens: lines[i].tokens.clone(),
                own: lines[i].label.clone(),
            });
        }
        return rows;
    }
    let mut run: Vec<usize> = Vec::new();
    let flush = |run: &mut Vec<usize>, rows: &mut Vec<RawRow>| {
        if run.is_empty() {
            return;
        }
        let chunks: Vec<&[usize]> = if run.len() % n == 0 {
            run.chunks(n).collect()
        } else {
            vec![&run[..]]
        };
        for ch in chunks {
            rows.push(RawRow {
                at: ch[0],
                last: ch[ch.len() - 1],
                tokens: ch.iter().flat_map(|&i| lines[i].tokens.clone()).collect(),
                own: lines[ch[0]].label.clone(),
            });
        }
        run.clear();
    };
    for i in range {
        let l = &lines[i];
        if l.page_number || l.is_blank() {
            continue;
        }
        if l.tokens.is_empty() || !l.label.is_empty() {
            flush(&mut run, &mut rows);
        }
        if !l.tokens.is_empty() {
            run.push(i);
        }
    }
    flush(&mut run, &mut rows);
    rows
}

/// How much label text around a row is compared with the template's labels.
const CONTEXT_CHARS: usize = 160;

/// The label text around each row: its own label and the label-only lines between it and
/// its neighbours, in document order.
fn contexts(lines: &[Line], range: &Range<usize>, rows: &[RawRow]) -> Vec<String> {
    let label_only = |a: usize, b: usize| -> String {
        (a..b)
            .filter(|&i| lines[i].tokens.is_empty() && !lines[i].page_number)
            .map(|i| lines[i].text.as_str())
            .collect::<Vec<_>>()
            .concat()
    };
    rows.iter()
        .enumerate()
        .map(|(k, r)| {
            let before = if k == 0 {
                range.start
            } else {
                rows[k - 1].last + 1
            };
            let after = rows.get(k + 1).map_or(range.end, |n| n.at);
            let above = label_only(before, r.at);
            let below = label_only(r.last + 1, after);
            let keep = |s: &str, tail: bool| -> String {
                let n = s.chars().count();
                if n <= CONTEXT_CHARS {
                    s.to_string()
                } else if tail {
                    s.chars().skip(n - CONTEXT_CHARS).collect()
                } else {
                    s.chars().take(CONTEXT_CHARS).collect()
                }
            };
            format!("{}{}{}", keep(&above, true), r.own, keep(&below, false))
        })
        .collect()
}

/// Matches raw rows to template rows in order, by label similarity (a monotone alignment).
fn align(rows: &[RawRow], ctx: &[String], expected: &[&RowDef]) -> Vec<Option<usize>> {
    let chars = |s: &str| -> Vec<char> { label_key(s).chars().collect() };
    let keys: Vec<Vec<char>> = expected.iter().map(|r| chars(r.label)).collect();
    let owns: Vec<Vec<char>> = rows.iter().map(|r| chars(&r.own)).collect();
    let near: Vec<Vec<char>> = ctx.iter().map(|c| chars(c)).collect();
    let cover = |key: &[char], seen: &[char]| -> f32 {
        if key.is_empty() {
            0.0
        } else {
            normalize::lcs(key, seen) as f32 / key.len() as f32
        }
    };
    let score = |i: usize, j: usize| -> f32 {
        let own = cover(&keys[j], &owns[i]);
        let s = if own >= 0.99 {
            own
        } else {
            own.max(0.9 * cover(&keys[j], &near[i]))
        };
        0.1 + if s >= 0.5 { s } else { 0.0 }
    };
    let (n, m) = (rows.len(), expected.len());
    let mut best = vec![vec![0f32; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            best[i][j] = best[i - 1][j]
                .max(best[i][j - 1])
                .max(best[i - 1][j - 1] + score(i - 1, j - 1));
        }
    }
    let mut out = vec![None; m];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if best[i][j] == best[i - 1][j] {
            i -= 1;
        } else if best[i][j] == best[i][j - 1] {
            j -= 1;
        } else {
            out[j - 1] = Some(i - 1);
            i -= 1;
            j -= 1;
        }
    }
    out
}

/// Reports header labels damaged by OCR (`日然人` for 自然人) in the given lines (F004).
fn header_damage(
    lines: &[Line],
    range: Range<usize>,
    table: TableId,
    labels: &[&str],
    findings: &mut Vec<Finding>,
) {
    let mut seen: Vec<String> = Vec::new();
    let keys: Vec<String> = labels.iter().map(|l| label_key(l)).collect();
    let range = range.start..range.end.min(range.start + 40);
    for l in lines.get(range).unwrap_or_default() {
        for (text, _, col) in &l.cells {
            let found = label_key(text);
            for (label, key) in labels.iter().zip(&keys) {
                if normalize::is_damaged_form(key, &found) && !seen.contains(&found) {
                    seen.push(found.clone());
                    findings.push(Finding::new(
                        Code::F004,
                        params! {"line" => l.no, "found" => text.as_str(), "label" => *label},
                        Location::table(table).at(Some(Place::new(l.no, *col))),
                    ));
                }
            }
        }
    }
}

fn anchors_of(rows: &[RawRow], n: usize) -> Vec<(usize, Vec<u32>)> {
    rows.iter()
        .filter(|r| r.tokens.len() == n && r.tokens.iter().all(|t| !t.shared))
        .map(|r| (r.at, r.tokens.iter().map(|t| t.slot).collect()))
        .collect()
}

fn nearest_anchors(anchors: &[(usize, Vec<u32>)], at: usize) -> Vec<Vec<u32>> {
    let mut sorted: Vec<&(usize, Vec<u32>)> = anchors.iter().collect();
    sorted.sort_by_key(|(i, _)| i.abs_diff(at));
    sorted.into_iter().map(|(_, a)| a.clone()).collect()
}

// ---- 表三 ------------------------------------------------------------------------------

/// How many value lines of 表三 are considered (the template has 25 rows).
const MAX_T3_ROWS: usize = 80;

fn read_t3(
    lines: &[Line],
    region: Range<usize>,
    def: &TemplateDef,
    findings: &mut Vec<Finding>,
    spans: &mut Vec<Range<usize>>,
) -> Option<Table> {
    let expected: Vec<&RowDef> = def.t3_rows().collect();
    // The table starts at its note, its header or its first row; a real 表三 has at most a
    // few dozen value lines, which bounds the work on large or strange inputs.
    let anchor = region
        .clone()
        .find(|&i| {
            let k = &lines[i].key;
            k.contains(template::T3_NOTE_MARK)
                || k.contains(template::T3_APPLICANTS)
                || k.contains("本年新收")
        })
        .unwrap_or(region.start);
    let region = anchor..region.end;
    let mut raws = gather_rows(lines, region.clone(), T3_COLUMNS.len());
    raws.truncate(MAX_T3_ROWS);
    let ctx = contexts(lines, &region, &raws);
    let matched = align(&raws, &ctx, &expected);
    if matched.iter().all(Option::is_none) {
        return blank_grid_t3(lines, region, &expected, spans);
    }
    let first = raws[matched.iter().flatten().copied().min()?].at;
    let last = raws[matched.iter().flatten().copied().max()?].last;
    let start = (region.start..first)
        .find(|&i| {
            let k = &lines[i].key;
            k.contains(template::T3_NOTE_MARK) || k.contains(template::T3_APPLICANTS)
        })
        .unwrap_or(first);
    spans.push(start..last + 1);
    header_damage(
        lines,
        start..first,
        TableId::T3,
        &T3_COLUMNS.iter().map(|c| c.label).collect::<Vec<_>>(),
        findings,
    );

    // Value rows inside the table that are none of the template's are said, not dropped.
    for (i, raw) in raws.iter().enumerate() {
        if raw.at > first && raw.at < last && !matched.contains(&Some(i)) {
            findings.push(extra_row(TableId::T3, raw, &ctx[i], &lines[raw.at]));
        }
    }
    let anchors = anchors_of(&raws, T3_COLUMNS.len());
    let mut table = Table::new(TableId::T3);
    table.place = Some(lines[start].place());
    // Rows to try as cells run together, and whether they were placed with blanks.
    let mut pending_runs: Vec<(usize, &RawRow, bool)> = Vec::new();
    for (j, row_def) in expected.iter().enumerate() {
        let Some(i) = matched[j] else {
            // A row with no values at all: its label alone, between its neighbours.
            let lo = (0..j)
                .rev()
                .find_map(|k| matched[k])
                .map_or(start, |i| raws[i].last + 1);
            let hi = (j + 1..expected.len())
                .find_map(|k| matched[k])
                .map_or(last + 1, |i| raws[i].at);
            let want = label_key(row_def.label);
            if let Some(l) = (lo..hi)
                .find(|&l| lines[l].tokens.is_empty() && coverage(&want, &lines[l].key) >= 0.8)
            {
                table
                    .rows
                    .push(blank_row(None, row_def.key, &T3_COLUMNS, lines[l].place()));
            }
            continue;
        };
        let raw = &raws[i];
        let place = Place::new(lines[raw.at].no, lines[raw.at].label_col);
        let tabbed = lines[raw.at].tabbed;
        match place_tokens(
            &raw.tokens,
            T3_COLUMNS.len(),
            &with_grid_anchor(
                nearest_anchors(&anchors, raw.at),
                &lines[raw.at],
                T3_COLUMNS.len(),
            ),
            tabbed,
        ) {
            Some((placed, slots)) => {
                let line = &lines[raw.at];
                let blank_at = |k: usize| slots.get(k).map(|s| line.place_of_slot(*s));
                let cells = cells_from(
                    RowRef::new(TableId::T3, None, row_def.key),
                    &T3_COLUMNS,
                    &placed,
                    &blank_at,
                    findings,
                );
                // Fewer values than columns that do not add up may be cells run together.
                if raw.tokens.len() < T3_COLUMNS.len() && !row_adds_up(&cells) {
                    pending_runs.push((table.rows.len(), raw, true));
                }
                table.rows.push(Row {
                    block: None,
                    key: row_def.key,
                    cells,
                    place: Some(place),
                });
            }
            None => {
                pending_runs.push((table.rows.len(), raw, false));
                let mut quiet = Vec::new();
                table.rows.push(unreadable_row(
                    RowRef::new(TableId::T3, None, row_def.key),
                    &T3_COLUMNS,
                    raw,
                    place,
                    None,
                    &mut quiet,
                ));
            }
        }
    }
    // Rows whose values may be cells run together: split only when the row's total and the
    // table's column sums leave one reading (F005); otherwise the row is unreadable (C006).
    for (idx, raw, placed) in pending_runs {
        let key = table.rows[idx].key;
        let readings = if raw.tokens.len() < T3_COLUMNS.len() || raw.tokens.iter().any(|t| t.run) {
            let row_ok = |v: &[i64]| v[6] == v[..6].iter().sum::<i64>();
            let mut r = split_runs(&raw.tokens, T3_COLUMNS.len(), 64, &row_ok);
            if r.len() > 1 {
                r.retain(|v| t3_columns_hold(&table, def, key, v));
            }
            r
        } else {
            Vec::new()
        };
        let place = table.rows[idx].place.unwrap_or_default();
        if readings.len() == 1 && !readings[0].is_empty() {
            let values = &readings[0];
            findings.push(split_finding(
                &raw.tokens,
                values,
                Location::row(TableId::T3, None, key).at(Some(place)),
            ));
            for (cell, v) in table.rows[idx].cells.iter_mut().zip(values) {
                cell.value = CellValue::Count(*v);
                cell.raw = Some(v.to_string());
            }
        } else if !placed {
            let columns = &T3_COLUMNS;
            table.rows[idx] = unreadable_row(
                RowRef::new(TableId::T3, None, key),
                columns,
                raw,
                place,
                None,
                findings,
            );
        }
    }
    Some(table)
}

/// On a grid line (a table row of a document, one cell per grid column) with more cells
/// than columns, the last `n` cells are the columns: a last anchor, for rows whose blank
/// cells leave no complete row to take positions from.
fn with_grid_anchor(mut anchors: Vec<Vec<u32>>, line: &Line, n: usize) -> Vec<Vec<u32>> {
    if line.tabbed && line.slot_cols.len() > n && line.cells.len() < line.slot_cols.len() {
        let slots = &line.slot_cols[line.slot_cols.len() - n..];
        anchors.push(slots.iter().map(|(s, _)| *s).collect());
    }
    anchors
}

/// A 表三 without a single value: a blank form, as a Word template's table is. Its rows are
/// found in order by their labels on grid lines (table rows, whose empty cells are where the
/// values go), every cell blank at its own grid column. `None` unless most rows are there.
fn blank_grid_t3(
    lines: &[Line],
    region: Range<usize>,
    expected: &[&RowDef],
    spans: &mut Vec<Range<usize>>,
) -> Option<Table> {
    let n = T3_COLUMNS.len();
    let mut table = Table::new(TableId::T3);
    let (mut from, mut first, mut last) = (region.start, None, region.start);
    for row_def in expected {
        let want = label_key(row_def.label);
        let found = (from..region.end).take(MAX_T3_ROWS).find(|&i| {
            let l = &lines[i];
            l.tabbed
                && l.tokens.is_empty()
                && l.slot_cols.len() > n
                && coverage(&want, &l.key) >= 0.8
        });
        let Some(i) = found else { continue };
        from = i + 1;
        first.get_or_insert(i);
        last = i;
        table
            .rows
            .push(blank_grid_row(&lines[i], None, row_def.key, &T3_COLUMNS));
    }
    if table.rows.len() * 2 < expected.len() {
        return None;
    }
    let first = first?;
    let start = (region.start..first)
        .find(|&i| {
            let k = &lines[i].key;
            k.contains(template::T3_NOTE_MARK) || k.contains(template::T3_APPLICANTS)
        })
        .unwrap_or(first);
    spans.push(start..last + 1);
    table.place = Some(lines[start].place());
    Some(table)
}

/// A row of blank cells on a grid line: the last cells of the line are the columns.
fn blank_grid_row(
    line: &Line,
    block: Option<&'static str>,
    key: &'static str,
    columns: &[template::ColumnDef],
) -> Row {
    let slots = &line.slot_cols[line.slot_cols.len().saturating_sub(columns.len())..];
    let mut row = blank_row(block, key, columns, line.place());
    for (cell, (_, col)) in row.cells.iter_mut().zip(slots) {
        cell.place = Some(Place::new(line.no, *col));
    }
    row
}

/// Whether a 表三 row's total is the sum of its six columns, blanks counted as 0 (only to
/// decide whether to try other readings; the rules judge the row).
fn row_adds_up(cells: &[Cell]) -> bool {
    let value = |c: &Cell| match c.value {
        CellValue::Count(n) => Some(n),
        CellValue::Blank => Some(0),
        _ => None,
    };
    let vals: Option<Vec<i64>> = cells.iter().map(value).collect();
    match vals {
        Some(v) if v.len() == 7 => {
            v[..6].iter().try_fold(0i64, |a, b| a.checked_add(*b)) == Some(v[6])
        }
        _ => true,
    }
}

/// Whether the column sums of 表三 (O1 and I2) hold with `values` in row `key`, where the
/// other rows they need are known.
fn t3_columns_hold(table: &Table, def: &TemplateDef, key: &str, values: &[i64]) -> bool {
    let get = |row: &str, col: usize| -> Option<i64> {
        if row == key {
            return values.get(col).copied();
        }
        match &table.row(None, row)?.cells.get(col)?.value {
            CellValue::Count(n) => Some(*n),
            CellValue::Blank => Some(0),
            _ => None,
        }
    };
    (0..T3_COLUMNS.len()).all(|c| {
        let o1 = (|| {
            Some(get("new", c)? + get("carry_in", c)? == get("r7", c)? + get("carry_out", c)?)
        })();
        let i2 = (|| {
            let mut sum = 0;
            for r in def.t3_results() {
                sum += get(r.key, c)?;
            }
            Some(sum == get("r7", c)?)
        })();
        o1 != Some(false) && i2 != Some(false)
    })
}

// ---- 表四 ------------------------------------------------------------------------------

fn read_t4(
    lines: &[Line],
    region: Range<usize>,
    findings: &mut Vec<Finding>,
    spans: &mut Vec<Range<usize>>,
) -> Option<Table> {
    let data: Vec<usize> = region
        .clone()
        .filter(|&i| !lines[i].tokens.is_empty() && !lines[i].page_number)
        .collect();
    let header = region.clone().find(|&i| {
        let k = &lines[i].key;
        k.contains("行政复议") || k.contains("行政诉讼")
    });
    let start = header.or(data.first().copied())?;
    let data: Vec<usize> = data.into_iter().filter(|&i| i >= start).collect();
    let n = T4_COLUMNS.len();
    // The values: one line that holds all fifteen, else the first lines that add up to them.
    let rows_lines: Vec<usize> = match data.iter().find(|&&i| lines[i].tokens.len() == n) {
        Some(&i) => vec![i],
        None => {
            let mut acc = Vec::new();
            let mut count = 0;
            for &i in &data {
                if count >= n {
                    break;
                }
                count += lines[i].tokens.len();
                acc.push(i);
            }
            acc
        }
    };
    let last = rows_lines.last().copied().unwrap_or(start);
    spans.push(start..last + 1);
    let header_end = rows_lines.first().copied().unwrap_or(last);
    header_damage(
        lines,
        start..header_end,
        TableId::T4,
        &["结果维持", "结果纠正", "其他结果", "尚未审结"],
        findings,
    );
    let mut table = Table::new(TableId::T4);
    table.place = Some(lines[start].place());
    if rows_lines.is_empty() {
        // A blank form: the first grid line of empty cells after the header holds them.
        let blank = (start + 1..region.end).take(10).find(|&i| {
            let l = &lines[i];
            l.tabbed && l.is_blank() && l.slot_cols.len() >= T4_COLUMNS.len()
        });
        if let Some(i) = blank {
            spans.push(start..i + 1);
            for (k, key) in ["rv", "ld", "lr"].into_iter().enumerate() {
                let mut row = blank_grid_row(&lines[i], None, key, &T4_COLUMNS);
                row.cells = row.cells.split_off(k * 5);
                row.cells.truncate(5);
                table.rows.push(row);
            }
        }
        return Some(table);
    }
    let tokens: Vec<Token> = rows_lines
        .iter()
        .flat_map(|&i| lines[i].tokens.clone())
        .collect();
    let place = tokens.first().map_or(lines[start].place(), |t| t.place);
    let groups: Vec<(&'static str, &[template::ColumnDef])> = vec![
        ("rv", &T4_COLUMNS[0..5]),
        ("ld", &T4_COLUMNS[5..10]),
        ("lr", &T4_COLUMNS[10..15]),
    ];
    let raw = RawRow {
        at: rows_lines[0],
        last,
        tokens: tokens.clone(),
        own: String::new(),
    };
    // Values spread over lines with labels between them came out of a scrambled
    // extraction: their order says nothing about their columns.
    let interleaved = (rows_lines[0]..last).any(|i| {
        let l = &lines[i];
        l.tokens.is_empty() && !l.is_blank() && !l.page_number
    });
    if interleaved {
        let reason = (
            "（数值与表头交错，顺序不可靠）",
            " (values interleaved with the header: their order is unreliable)",
        );
        table.rows = t4_unreadable(&groups, &raw, place, Some(reason), findings);
        return Some(table);
    }
    // One grid row (tab text, .docx, HTML) with blank cells: its last fifteen grid
    // columns are the table's, and each value stands in its own column.
    let line = &lines[rows_lines[0]];
    if rows_lines.len() == 1
        && line.tabbed
        && tokens.len() < n
        && line.slot_cols.len() >= n
        && tokens.iter().all(|t| !t.shared && !t.run)
    {
        let slots = &line.slot_cols[line.slot_cols.len() - n..];
        let mut placed: Vec<Option<&Token>> = vec![None; n];
        let mut fits = true;
        for t in &tokens {
            match slots.iter().position(|(slot, _)| *slot == t.slot) {
                Some(k) => placed[k] = Some(t),
                None => fits = false,
            }
        }
        if fits {
            for (k, (key, cols)) in groups.iter().enumerate() {
                let blank_at = |j: usize| {
                    slots
                        .get(k * 5 + j)
                        .map(|(_, col)| Place::new(line.no, *col))
                };
                let at = RowRef::new(TableId::T4, None, key);
                let cells = cells_from(at, cols, &placed[k * 5..k * 5 + 5], &blank_at, findings);
                table.rows.push(Row {
                    block: None,
                    key,
                    cells,
                    place: Some(place),
                });
            }
            return Some(table);
        }
    }
    let values: Vec<Token> = if tokens.len() == n && tokens.iter().all(|t| !t.run) {
        tokens
    } else {
        // Cells run together: split only when the groups' totals leave one reading.
        let group_ok = |v: &[i64]| v.chunks(5).all(|g| g[4] == g[..4].iter().sum::<i64>());
        let readings = split_runs(&tokens, n, 2, &group_ok);
        if readings.len() != 1 || readings[0].is_empty() {
            table.rows = t4_unreadable(&groups, &raw, place, None, findings);
            return Some(table);
        }
        let location = Location::table(TableId::T4).at(Some(place));
        findings.push(split_finding(&tokens, &readings[0], location));
        readings[0]
            .iter()
            .map(|v| Token {
                text: v.to_string(),
                place,
                slot: 0,
                shared: false,
                run: false,
            })
            .collect()
    };
    for (k, (key, cols)) in groups.iter().enumerate() {
        let placed: Vec<Option<&Token>> = values[k * 5..k * 5 + 5].iter().map(Some).collect();
        let at = RowRef::new(TableId::T4, None, key);
        let cells = cells_from(at, cols, &placed, &|_| None, findings);
        table.rows.push(Row {
            block: None,
            key,
            cells,
            place: Some(place),
        });
    }
    Some(table)
}

/// 表四 whose values cannot be placed: one C006, every cell unknown (bounded by the values).
fn t4_unreadable(
    groups: &[(&'static str, &[template::ColumnDef])],
    raw: &RawRow,
    place: Place,
    reason: Option<(&str, &str)>,
    findings: &mut Vec<Finding>,
) -> Vec<Row> {
    let all = unreadable_row(
        RowRef::new(TableId::T4, None, "rv"),
        &T4_COLUMNS,
        raw,
        place,
        reason,
        findings,
    );
    groups
        .iter()
        .map(|(key, cols)| Row {
            block: None,
            key,
            cells: all
                .cells
                .iter()
                .filter(|c| cols.iter().any(|d| d.key == c.column))
                .cloned()
                .collect(),
            place: Some(place),
        })
        .collect()
}

// ---- 表二 ------------------------------------------------------------------------------

fn read_t2(
    lines: &[Line],
    region: Range<usize>,
    def: &TemplateDef,
    findings: &mut Vec<Finding>,
    spans: &mut Vec<Range<usize>>,
) -> Option<Table> {
    let mut table = Table::new(TableId::T2);
    let mut from = region.start;
    // The lines whose values went into a row.
    let mut used: Vec<usize> = Vec::new();
    let mut first: Option<usize> = None;
    let mut last = region.start;
    for block in def.t2 {
        let block_key = label_key(block.label);
        let column_keys: Vec<String> = block.columns.iter().map(|c| label_key(c.label)).collect();
        let block_line = (from..region.end).find(|&i| lines[i].key.starts_with(&block_key));
        let header = (block_line.unwrap_or(from)..region.end).find(|&i| {
            column_keys
                .iter()
                .any(|k| lines[i].key.contains(k.as_str()))
        });
        for row_def in block.rows {
            let want = label_key(row_def.label);
            let Some(i) = (from..region.end).find(|&i| {
                let have = &lines[i].label_key;
                *have == want
                    || normalize::is_damaged_form(&want, have)
                    || (have.starts_with(&want)
                        && fold(&lines[i].label).contains(&format!("{}(", row_def.label)))
            }) else {
                continue;
            };
            first.get_or_insert(block_line.unwrap_or(i).min(i));
            // Values on the label's line, else on the lines below it (one cell per line).
            let mut raw_lines = vec![i];
            let mut tokens = lines[i].tokens.clone();
            if tokens.is_empty() {
                let mut k = i + 1;
                while k < region.end && tokens.len() < block.columns.len() {
                    let l = &lines[k];
                    if !l.label.is_empty() && l.tokens.is_empty() && !l.page_number {
                        break;
                    }
                    if !l.tokens.is_empty() {
                        raw_lines.push(k);
                        tokens.extend(l.tokens.iter().cloned());
                    }
                    k += 1;
                }
            }
            let end = *raw_lines.last().unwrap_or(&i);
            last = last.max(end);
            from = end + 1;
            used.extend(raw_lines.iter().copied());
            let place = lines[i].place();
            let raw = RawRow {
                at: i,
                last: end,
                tokens,
                own: lines[i].label.clone(),
            };
            let anchors: Vec<Vec<u32>> = header
                .map(|h| header_anchors(&lines[h], block.columns))
                .into_iter()
                .collect();
            match place_tokens(&raw.tokens, block.columns.len(), &anchors, lines[i].tabbed) {
                Some((placed, slots)) => {
                    let line = &lines[i];
                    let blank_at = |k: usize| slots.get(k).map(|s| line.place_of_slot(*s));
                    let cells = cells_from(
                        RowRef::new(TableId::T2, Some(block.key), row_def.key),
                        block.columns,
                        &placed,
                        &blank_at,
                        findings,
                    );
                    table.rows.push(Row {
                        block: Some(block.key),
                        key: row_def.key,
                        cells,
                        place: Some(place),
                    });
                }
                None if raw.tokens.is_empty() => {
                    table.rows.push(blank_row(
                        Some(block.key),
                        row_def.key,
                        block.columns,
                        place,
                    ));
                }
                None => {
                    table.rows.push(unreadable_row(
                        RowRef::new(TableId::T2, Some(block.key), row_def.key),
                        block.columns,
                        &raw,
                        place,
                        None,
                        findings,
                    ));
                }
            }
        }
    }
    let first = first?;
    spans.push(first..last + 1);
    table.place = Some(lines[first].place());
    // A labelled line of values among the rows that is none of the template's rows.
    for (i, l) in lines.iter().enumerate().take(last + 1).skip(first) {
        if !used.contains(&i) && !l.tokens.is_empty() && !l.label.trim().is_empty() {
            let raw = RawRow {
                at: i,
                last: i,
                tokens: l.tokens.clone(),
                own: l.label.clone(),
            };
            findings.push(extra_row(TableId::T2, &raw, "", l));
        }
    }
    Some(table)
}

/// Where a block's header puts its value columns: the slot of each column label.
fn header_anchors(header: &Line, columns: &[template::ColumnDef]) -> Vec<u32> {
    columns
        .iter()
        .filter_map(|c| {
            let want = label_key(c.label);
            header
                .cells
                .iter()
                .find(|(text, _, _)| {
                    let have = label_key(text);
                    !have.is_empty() && (have == want || coverage(&want, &have) >= 0.8)
                })
                .map(|(_, slot, _)| *slot)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        for s in [
            "- 4 -",
            "-4-",
            "第 3 页",
            "第3页 共12页",
            "3/12",
            "—5—",
            "– 6 –",
        ] {
            assert!(is_page_number(s), "{s}");
        }
        for s in ["4", "2020", "-4", "减 4", "一、总体情况", "第 3 页 说明"] {
            assert!(!is_page_number(s), "{s}");
        }
    }

    #[test]
    fn years_in_titles() {
        assert_eq!(
            find_year("海东市民和县2020年度政府信息公开工作年度报告").map(|y| y.0),
            Some(2020)
        );
        assert_eq!(find_year("12345年"), None);
        assert_eq!(
            collapse_title("2020 年度政府信息公开工作年度报告"),
            "2020年度政府信息公开工作年度报告"
        );
    }

    #[test]
    fn glued_and_listed_numbers() {
        assert_eq!(
            glued_digits("规范性文件898989"),
            Some(("规范性文件", "898989", 5))
        );
        assert_eq!(glued_digits("第2020"), None);
        assert_eq!(number_list("1 1 0 0").map(|v| v.len()), Some(4));
        assert_eq!(number_list("8208. 93"), None);
    }

    #[test]
    fn runs_split_only_when_one_reading_holds() {
        let tok = |s: &str| Token {
            text: s.into(),
            place: Place::default(),
            slot: 0,
            shared: false,
            run: true,
        };
        let row_ok = |v: &[i64]| v[6] == v[..6].iter().sum::<i64>();
        let r = split_runs(&[tok("230"), tok("000023")], 7, 8, &row_ok);
        assert_eq!(r, vec![vec![23, 0, 0, 0, 0, 0, 23]]);
        let r = split_runs(&[tok("898989")], 3, 8, &|_| true);
        assert!(r.len() > 1);
    }
}
