//! Human output of `nianbao check`, in the manner of rustc and ruff: each finding as a
//! header (`error[A003]: …`), the place (` --> file:line:col`), the source line quoted with
//! the cell underlined, and notes; a line of counts per file; and a batch's summary.
//! Styles are written always; the stream decides whether they reach the terminal.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use nianbao::blanks::{self, Shown, TableBlanks};
use nianbao::finding::{Code, Location};
use nianbao::{CheckResult, Finding, Lang, Severity};
use serde_json::Value;
use unicode_width::UnicodeWidthChar;

use super::check::Tally;

const TAB_STOP: usize = 4;

const BOLD: Style = Style::new().bold();
const GUTTER: Style = AnsiColor::Blue.on_default().bold();
const GOOD: Style = AnsiColor::Green.on_default().bold();

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        Severity::Info => AnsiColor::Cyan.on_default().bold(),
    }
}

/// Every finding of a result, then its line of counts.
pub fn render_result(
    out: &mut dyn Write,
    file: &str,
    result: &CheckResult,
    source: &str,
    lang: Lang,
) -> io::Result<()> {
    let file = display_name(file);
    let lines: Vec<&str> = source.lines().collect();
    let blanks = blanks::of_result(result, lang);
    for shown in blanks::shown(&result.findings, &blanks) {
        match shown {
            Shown::Finding(f) => render_finding(out, file, f, &lines, lang)?,
            Shown::Blanks(b) => render_blanks(out, file, b, lang)?,
        }
    }
    render_counts(out, file, result, lang)
}

/// A table's blank cells in one block: the line that says them, the first line they are
/// on, and where each is listed.
fn render_blanks(out: &mut dyn Write, file: &str, b: &TableBlanks, lang: Lang) -> io::Result<()> {
    let sev = severity_style(Severity::Warning);
    writeln!(
        out,
        "{sev}warning[{}]{sev:#}{BOLD}: {}{BOLD:#}",
        Code::C003.as_str(),
        clean(&b.message)
    )?;
    let place = b
        .line
        .map_or_else(|| file.to_string(), |l| format!("{file}:{l}"));
    writeln!(out, " {GUTTER}-->{GUTTER:#} {place}")?;
    let note = lang.say(
        "每个空白单元格在 JSON 结果（--format json）中各为一条 C003",
        "the JSON result (--format json) has a C003 for each blank cell",
    );
    writeln!(out, "  {GUTTER}={GUTTER:#} {note}")?;
    writeln!(out)
}

fn display_name(file: &str) -> &str {
    if file == "-" {
        "<stdin>"
    } else {
        file
    }
}

fn render_finding(
    out: &mut dyn Write,
    file: &str,
    f: &Finding,
    lines: &[&str],
    lang: Lang,
) -> io::Result<()> {
    let sev = severity_style(f.severity);
    writeln!(
        out,
        "{sev}{}[{}]{sev:#}{BOLD}: {}{BOLD:#}",
        f.severity.as_str(),
        f.code.as_str(),
        clean(&f.message)
    )?;
    let loc = &f.location;
    let quoted = loc.line.and_then(|n| {
        let text = lines.get((n as usize).checked_sub(1)?)?;
        Some((n, *text))
    });
    let pad = " ".repeat(quoted.map_or(1, |(n, _)| n.to_string().len()));
    let place = match (loc.line, loc.col) {
        (Some(line), Some(col)) => format!("{file}:{line}:{col}"),
        (Some(line), None) => format!("{file}:{line}"),
        _ => file.to_string(),
    };
    writeln!(out, "{pad}{GUTTER}-->{GUTTER:#} {place}")?;
    let mut notes = notes(f, lang);
    match quoted {
        Some((n, text)) => {
            let snippet = Snippet::new(text, loc.col.unwrap_or(1));
            writeln!(out, "{pad} {GUTTER}|{GUTTER:#}")?;
            writeln!(out, "{GUTTER}{n} |{GUTTER:#} {}", snippet.text.trim_end())?;
            writeln!(
                out,
                "{pad} {GUTTER}|{GUTTER:#} {}{sev}{}{sev:#}",
                " ".repeat(snippet.start),
                "^".repeat(snippet.width)
            )?;
        }
        None => {
            let keys = location_keys(loc);
            if !keys.is_empty() {
                notes.insert(0, format!("{}{keys}", lang.say("位置：", "location: ")));
            }
        }
    }
    for note in notes {
        writeln!(out, "{pad} {GUTTER}={GUTTER:#} {note}")?;
    }
    writeln!(out)
}

/// The keys of a location as the JSON names them: `t3.r7.total`, `t2.art20_1.regulations`.
pub fn location_keys(loc: &Location) -> String {
    let keys: Vec<&str> = match loc.table {
        Some(_) => [loc.table, loc.block, loc.row, loc.column]
            .into_iter()
            .flatten()
            .collect(),
        None => loc.section.into_iter().collect(),
    };
    keys.join(".")
}

/// What a finding's params add that its message does not say (RULES.md "Canonical report
/// keys"): the cell that alone would balance the table, the blank cells counted as 0.
fn notes(f: &Finding, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(s) = f.params.get("suspect").and_then(Value::as_object) {
        let cell = ["table", "row", "column"]
            .iter()
            .filter_map(|k| s.get(*k).and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(".");
        let value = s.get("value").map(Value::to_string).unwrap_or_default();
        notes.push(match lang {
            Lang::Zh => format!("可疑单元格：{cell}，改为 {value} 即可使本表各项合计成立"),
            Lang::En => format!("suspect cell: {cell}; {value} there would balance the table"),
        });
    }
    if let Some(cells) = f.params.get("blank_as_zero").and_then(Value::as_array) {
        let cells: Vec<String> = cells
            .iter()
            .map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_string))
            .collect();
        if !cells.is_empty() {
            notes.push(format!(
                "{}{}",
                lang.say("空白单元格按 0 计：", "blank cells counted as 0: "),
                cells.join(lang.say("、", ", "))
            ));
        }
    }
    notes
}

/// A source line laid out for the terminal: tabs expanded, and where the cell at a
/// (1-based, in characters) column starts and how wide it is, in display cells.
#[derive(Debug, PartialEq, Eq)]
struct Snippet {
    text: String,
    start: usize,
    width: usize,
}

impl Snippet {
    fn new(line: &str, col: u32) -> Snippet {
        let target = (col.max(1) - 1) as usize;
        let mut text = String::with_capacity(line.len());
        let (mut at, mut start, mut width) = (0, None, 0);
        let mut in_token = false;
        for (i, ch) in line.chars().enumerate() {
            if i == target {
                start = Some(at);
                in_token = !ch.is_whitespace();
            } else if ch.is_whitespace() {
                in_token = false;
            }
            let w = match ch {
                '\t' => TAB_STOP - at % TAB_STOP,
                c if c.is_control() => 1,
                c => c.width().unwrap_or(0),
            };
            match ch {
                '\t' => text.extend(std::iter::repeat_n(' ', w)),
                c if c.is_control() => text.push(' '),
                c => text.push(c),
            }
            if in_token {
                width += w;
            }
            at += w;
        }
        Snippet {
            text,
            start: start.unwrap_or(at),
            width: width.max(1),
        }
    }
}

/// A message as the terminal should show it: no control characters from the source.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `minhe.txt — 民和县 2020年度（2019版模板）：7 个错误，3 个警告，5 条提示`.
fn render_counts(
    out: &mut dyn Write,
    file: &str,
    result: &CheckResult,
    lang: Lang,
) -> io::Result<()> {
    let agency = result.agency.as_deref().map(clean);
    let template = result.template.map(|t| t.as_str());
    let what = match lang {
        Lang::Zh => format!(
            "{} {}（{}）",
            agency.as_deref().unwrap_or("机关未识别"),
            result
                .year
                .map_or("年度未识别".into(), |y| format!("{y}年度")),
            template.map_or("模板版本未识别".into(), |t| format!("{t}版模板")),
        ),
        Lang::En => format!(
            "{} {} ({})",
            agency.as_deref().unwrap_or("agency unknown"),
            result.year.map_or("year unknown".into(), |y| y.to_string()),
            template.map_or("template unknown".into(), |t| format!("template {t}")),
        ),
    };
    let s = &result.summary;
    let count = |n: usize, sev: Severity, zh: &str, en: &str| {
        let style = if n > 0 {
            severity_style(sev)
        } else {
            Style::new()
        };
        let text = match lang {
            Lang::Zh => format!("{n} {zh}"),
            Lang::En => format!("{n} {en}{}", if n == 1 { "" } else { "s" }),
        };
        format!("{style}{text}{style:#}")
    };
    let counts = [
        count(s.errors, Severity::Error, "个错误", "error"),
        count(s.warnings, Severity::Warning, "个警告", "warning"),
        count(s.infos, Severity::Info, "条提示", "info"),
    ]
    .join(lang.say("，", ", "));
    let verdict = match (result.valid, lang) {
        (true, Lang::Zh) => format!("{GOOD}通过{GOOD:#}，"),
        (true, Lang::En) => format!("{GOOD}valid{GOOD:#}, "),
        (false, _) => String::new(),
    };
    writeln!(
        out,
        "{BOLD}{file}{BOLD:#} — {what}{}{verdict}{counts}",
        lang.say("：", ": ")
    )
}

/// The line that says which file a report was paired with as last year's.
pub fn render_pairing(
    out: &mut dyn Write,
    file: &str,
    previous: &str,
    renamed: bool,
    lang: Lang,
) -> io::Result<()> {
    let renamed = match (renamed, lang) {
        (false, _) => "",
        (true, Lang::Zh) => "（机关名称县改区，按撤县设区配对）",
        (true, Lang::En) => " (the agency's name changed 县 to 区: paired as a county renamed)",
    };
    match lang {
        Lang::Zh => writeln!(out, "{BOLD}{file}{BOLD:#}：上年报告为 {previous}{renamed}"),
        Lang::En => writeln!(
            out,
            "{BOLD}{file}{BOLD:#}: last year's report is {previous}{renamed}"
        ),
    }
}

/// After a batch: files read, valid, with errors, unreadable; then each code found, the
/// most frequent first.
pub fn render_tally(out: &mut dyn Write, t: &Tally, lang: Lang) -> io::Result<()> {
    writeln!(out)?;
    match lang {
        Lang::Zh => writeln!(
            out,
            "{BOLD}共 {} 个文件{BOLD:#}：{} 个通过，{} 个有错误，{} 个无法读取",
            t.files, t.valid, t.with_errors, t.unreadable
        )?,
        Lang::En => writeln!(
            out,
            "{BOLD}{} file{}{BOLD:#}: {} valid, {} with errors, {} unreadable",
            t.files,
            if t.files == 1 { "" } else { "s" },
            t.valid,
            t.with_errors,
            t.unreadable
        )?,
    }
    let width = t
        .by_code
        .values()
        .map(|n| n.to_string().len())
        .max()
        .unwrap_or(1);
    // The most frequent first.
    for (code, n) in t.codes_by_count() {
        let def = code.def();
        let sev = severity_style(def.severity);
        writeln!(
            out,
            "  {sev}{}{sev:#} {:<7} {n:>width$}  {}",
            def.code,
            def.severity.as_str(),
            def.summary_in(lang)
        )?;
    }
    for line in t.pairing.iter().flat_map(|p| p.lines(lang)) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao::model::TableId;

    #[test]
    fn the_caret_sits_under_the_cell_after_tabs_and_cjk() {
        // `\t(七)总计\t2\t0\t0\t0\t0\t79\t81`: the cell 81 is the 14th character.
        let line = "\t(七)总计\t2\t0\t0\t0\t0\t79\t81";
        let col = line.chars().position(|c| c == '8').map(|i| i as u32 + 1);
        let s = Snippet::new(line, col.unwrap_or(0));
        assert_eq!(s.text, "    (七)总计    2   0   0   0   0   79  81");
        assert_eq!(&s.text[s.text.len() - 2..], "81");
        assert_eq!(
            s.start,
            s.text
                .chars()
                .map(|c| c.width().unwrap_or(0))
                .sum::<usize>()
                - 2
        );
        assert_eq!(s.width, 2);
    }

    #[test]
    fn a_cjk_token_is_underlined_by_its_display_width() {
        let s = Snippet::new("日然人\t3", 1);
        assert_eq!((s.start, s.width), (0, 6));
        assert_eq!(s.text, "日然人  3");
        let s = Snippet::new("减 40\t8208. 93 万元", 6);
        assert_eq!(s.start, 8, "{}", s.text);
        assert_eq!(s.width, 5, "`8208.` only: the token ends at the space");
    }

    #[test]
    fn a_column_past_the_end_points_after_the_line() {
        let s = Snippet::new("ab", 9);
        assert_eq!((s.start, s.width), (2, 1));
    }

    fn render(f: &Finding, source: &str, lang: Lang) -> String {
        let mut out = Vec::new();
        let lines: Vec<&str> = source.lines().collect();
        render_finding(&mut out, "r.txt", f, &lines, lang).expect("written");
        anstream::adapter::strip_str(&String::from_utf8_lossy(&out)).to_string()
    }

    #[test]
    fn a_finding_quotes_its_line() {
        let f = Finding::new(
            Code::A003,
            nianbao::params! {"reported" => 81, "computed" => 80},
            Location::cell(TableId::T3, None, "r7", "total")
                .at(Some(nianbao::model::Place::new(2, 21))),
        );
        let text = render(&f, "标题\n\t(七)总计\t2\t0\t0\t0\t0\t79\t81\n", Lang::Zh);
        let caret = format!("  | {}^^", " ".repeat(40));
        let expected = [
            "error[A003]: 申请表（七）总计与各办理结果之和不符：总计列填报 81，各项合计 80",
            " --> r.txt:2:21",
            "  |",
            "2 |     (七)总计    2   0   0   0   0   79  81",
            &caret,
            "",
            "",
        ];
        assert_eq!(text, expected.join("\n"));
    }

    #[test]
    fn a_finding_without_a_line_names_its_keys_and_notes() {
        let mut f = Finding::new(
            Code::A003,
            nianbao::params! {
                "reported" => 2, "computed" => 1, "blank_as_zero" => ["r3_2.np", "r5_2.np"],
                "suspect" => serde_json::json!({"table": "t3", "row": "r7", "column": "np", "value": 1})
            },
            Location::cell(TableId::T3, None, "r7", "np"),
        );
        f.relabel(Lang::En, None);
        let text = render(&f, "", Lang::En);
        assert!(
            text.starts_with("error[A003]: Applications table"),
            "{text}"
        );
        assert!(text.contains(" --> r.txt\n"), "{text}");
        assert!(text.contains("  = location: t3.r7.np\n"), "{text}");
        assert!(
            text.contains("  = suspect cell: t3.r7.np; 1 there would"),
            "{text}"
        );
        assert!(
            text.contains("  = blank cells counted as 0: r3_2.np, r5_2.np\n"),
            "{text}"
        );
    }
}
