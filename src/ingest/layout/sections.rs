//! The title, the section headings and the sections between them, and the template
//! version the labels give.

use super::*;

// ---- title, headings, sections ----------------------------------------------------------

pub(super) const NUMERALS: [char; 10] =
    ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

#[derive(Debug, Clone)]
pub(super) struct Heading {
    pub(super) index: usize,
    pub(super) key: Option<&'static str>,
    pub(super) text: String,
}

/// A report has a dozen top-level headings; past this many candidates the rest of a
/// strange input is not searched for more.
pub(super) const MAX_HEADING_CANDIDATES: usize = 400;

/// Top-level headings: `一、总体情况` … — a short line of its own that starts with a
/// Chinese numeral and 、, and is not a label of 表三.
pub(super) fn find_headings(lines: &[Line]) -> Vec<Heading> {
    let mut out: Vec<Heading> = Vec::new();
    let mut candidates = 0;
    for (index, l) in lines.iter().enumerate() {
        if candidates > MAX_HEADING_CANDIDATES {
            break;
        }
        let Some(h) = heading_at(index, l, &mut candidates) else {
            continue;
        };
        if h.key.is_some() && out.iter().any(|o| o.key == h.key) {
            continue;
        }
        out.push(h);
    }
    out
}

/// The line at `index` as a heading, when it is one; `candidates` counts the lines that
/// looked like one (a numeral, a short text), headings or not.
pub(super) fn heading_at(index: usize, l: &Line, candidates: &mut usize) -> Option<Heading> {
    if !l.tokens.is_empty() || l.page_number {
        return None;
    }
    // A heading starts with a numeral (`一、`): look no further at lines that do not.
    if !first_folded(&l.text).is_some_and(|c| NUMERALS.contains(&c)) {
        return None;
    }
    let text = collapse_cjk_spaces(&fold(&l.text)).trim().to_string();
    let rest = strip_numeral(&text)?;
    let key = label_key(rest);
    if key.chars().count() < 2 || text.chars().count() > 40 || text.ends_with('。') {
        return None;
    }
    *candidates += 1;
    // A 表三 row label, or the first line of one wrapped (`一、本年新收政府信息`), is not a
    // heading.
    let whole: Vec<char> = label_key(&text).chars().collect();
    let whole_chars = whole.len();
    let whole_counts = CharCounts::of(&whole);
    let t3_label = keys::t3_keys().iter().any(|k| {
        let t = k.chars;
        // Most of the line's characters must be in the label before it can be inside it:
        // the label is long enough, and holds enough of them (a count — of characters that
        // may be in it — cheaper than the comparison it spares).
        if t.len() * 10 < whole_chars * 6 {
            return false;
        }
        let shared = whole_counts.held_by(k.set);
        if shared * 10 < whole_chars * 6 {
            return false;
        }
        // `coverage` both ways, from one common subsequence.
        let common = k.bits().lcs(&whole) as f32;
        let inside = common / whole_chars as f32;
        (inside >= 0.6 && common / t.len() as f32 >= 0.8) || inside >= 0.9
    });
    (!t3_label).then(|| Heading {
        index,
        key: classify_heading(&key),
        text,
    })
}

/// The text after a leading `一、` (or `一.`), if the line starts so.
pub(super) fn strip_numeral(text: &str) -> Option<&str> {
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

pub(super) fn classify_heading(key: &str) -> Option<&'static str> {
    // Each section's keywords and heading, keyed once; the heading as characters made
    // ready for the common subsequence.
    type Keys = Vec<(Vec<String>, Vec<char>, Option<normalize::Subsequence>)>;
    static KEYS: OnceLock<Keys> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        SECTIONS
            .iter()
            .map(|s| {
                let words = s.keywords.iter().map(|k| label_key(k)).collect();
                let heading: Vec<char> = label_key(s.heading).chars().collect();
                let bits = normalize::Subsequence::new(&heading);
                (words, heading, bits)
            })
            .collect()
    });
    let chars: Vec<char> = key.chars().collect();
    // `coverage(heading, key)`, from the heading's bits.
    let coverage = |heading: &[char], bits: &Option<normalize::Subsequence>| {
        if heading.is_empty() {
            return 0.0;
        }
        let common = match bits {
            Some(bits) => bits.lcs(&chars),
            None => normalize::lcs(heading, &chars),
        };
        common as f32 / heading.len() as f32
    };
    SECTIONS
        .iter()
        .zip(keys)
        .filter(|(_, (words, _, _))| words.iter().any(|k| key.contains(k.as_str())))
        .map(|(s, (_, heading, bits))| (s.key, coverage(heading, bits)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// The lines of a section: from its heading to the next heading; when the section has no
/// heading, from the previous template section to the next one.
pub(super) fn section_range(headings: &[Heading], key: &str, len: usize) -> Range<usize> {
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

pub(super) fn build_sections(
    lines: &[Line],
    headings: &[Heading],
    spans: &[Range<usize>],
) -> Sections {
    let mut sections = Sections::default();
    for (i, h) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map_or(lines.len(), |n| n.index);
        let body: Vec<&Line> = (h.index + 1..end)
            .filter(|j| !spans.iter().any(|s| s.contains(j)))
            .map(|j| &lines[j])
            .collect();
        let (text, placed) = join_paragraphs_placed(&body);
        let section = Section {
            heading: h.text.clone(),
            text,
            place: Some(lines[h.index].place()),
            lines: placed,
        };
        sections.order.push((h.key, section.heading_of()));
        match h.key.and_then(|k| SECTIONS.iter().position(|s| s.key == k)) {
            Some(pos) => sections.known[pos] = Some(section),
            None => sections.extra.push(section),
        }
    }
    sections
}

/// Joins wrapped lines into paragraphs: a paragraph ends at sentence-final punctuation or
/// before an indented line; page numbers are dropped.
pub(super) fn join_paragraphs(lines: &[&Line]) -> String {
    join_paragraphs_placed(lines).0
}

/// [`join_paragraphs`], with where each line's text starts in the joined text and in the
/// source ([`TextLine`]): a line is `exact` when it is one cell whose text the joining left
/// as it was, so that the column of any character in it can be counted.
pub(super) fn join_paragraphs_placed(lines: &[&Line]) -> (String, Vec<TextLine>) {
    let mut out = String::new();
    let mut placed = Vec::new();
    let mut open = false;
    for l in lines {
        if l.page_number || l.is_blank() {
            continue;
        }
        let trimmed = normalize::trim(&l.text);
        let text = collapse_cjk_spaces(trimmed);
        if open && l.indent >= 2 {
            out.push('\n');
        } else if open {
            let joins_cjk = out.chars().last().is_some_and(normalize::is_cjk)
                || text.chars().next().is_some_and(normalize::is_cjk);
            if !joins_cjk {
                out.push(' ');
            }
        }
        if let Some((_, _, col)) = l.cells.first() {
            placed.push(TextLine {
                offset: out.len(),
                place: Place::new(l.no, *col),
                exact: l.cells.len() == 1 && text == trimmed,
            });
        }
        out.push_str(&text);
        open = !text.ends_with(['。', '！', '？', '；', '：']);
        if !open {
            out.push('\n');
        }
    }
    let end = out.trim_end().len();
    out.truncate(end);
    (out, placed)
}

/// The most lines a title is looked for in: the first this many before the first heading
/// that are neither blank nor a page number.
pub(super) const TITLE_LINES: usize = 6;

/// The title (`<agency><year>年（度）政府信息公开工作年度报告`), its year and the agency.
/// Returns how many lines the title takes (0 when there is none).
pub(super) fn read_title(lines: &[Line], report: &mut Report) -> usize {
    // The lines up to the first that holds `报告` (those after it are not read).
    let (mut indices, mut texts) = (Vec::new(), Vec::new());
    let mut end = None;
    let candidates = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_blank() && !l.page_number)
        .take(TITLE_LINES);
    for (i, l) in candidates {
        let text = collapse_title(&l.text);
        let last = text.contains("报告");
        indices.push(i);
        texts.push(text);
        if last {
            end = Some(texts.len() - 1);
            break;
        }
    }
    let Some(end) = end else {
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
pub(super) fn collapse_title(s: &str) -> String {
    let folded = fold(s);
    let s = collapse_cjk_spaces(&folded);
    // Without a space left, every character is kept.
    if !s.trim().contains(' ') {
        return s.trim().to_string();
    }
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
pub(super) fn find_year(title: &str) -> Option<(i32, usize, usize)> {
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
pub(super) fn detect_version(lines: &[Line]) -> (Option<Version>, Markers) {
    let mut markers = Markers::default();
    // The keys of the short lines, each on a line of its own: a marker's key (letters and
    // ideographs only) found in it is found in one line's key, as when each is searched.
    let mut keys = String::new();
    for l in lines.iter().filter(|l| l.key.len() <= 240) {
        keys.push_str(&l.key);
        keys.push('\n');
    }
    // Each version's markers with a searcher for each one's key, made once.
    type Finders = Vec<(&'static str, memchr::memmem::Finder<'static>)>;
    static FINDERS: OnceLock<[Finders; 2]> = OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        Version::ALL.map(|v| {
            let finder =
                |m: &&'static str| (*m, memchr::memmem::Finder::new(&label_key(m)).into_owned());
            v.def().markers.iter().map(finder).collect()
        })
    });
    for (v, finders) in Version::ALL.into_iter().zip(finders) {
        let found: Vec<&'static str> = finders
            .iter()
            .filter(|(_, finder)| {
                // (An empty key is in every line: found when there is a short line.)
                finder.find(keys.as_bytes()).is_some()
                    && (!finder.needle().is_empty() || !keys.is_empty())
            })
            .map(|(m, _)| *m)
            .collect();
        match v {
            Version::V2019 => markers.v2019 = found,
            Version::V2021 => markers.v2021 = found,
        }
    }
    (markers.version(), markers)
}
