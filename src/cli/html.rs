//! `nianbao check --html FILE`: the run as one self-contained HTML page to hand around —
//! title, date and totals, a bar chart of the most frequent codes (inline SVG), and a table
//! of the reports, sortable by its headers, each row opening onto its findings. No external
//! request: the CSS and the script are inline. Every text that comes from a report (file
//! names, agencies, messages) is escaped here, never written as HTML.

use std::fmt::Write as _;
use std::io;

use nianbao::blanks::{self, Shown};
use nianbao::finding::Location;
use nianbao::{CheckResult, Finding, Lang};

use super::check::Tally;
use super::human;
use super::inputs::ReadError;

/// What the page shows of one report (and nothing more: a batch of thousands is held as
/// these rows, not as results).
#[derive(Debug)]
pub struct Row {
    pub file: String,
    /// The file paired with it as last year's report.
    pub previous: Option<String>,
    agency: Option<String>,
    year: Option<i32>,
    template: Option<&'static str>,
    errors: usize,
    warnings: usize,
    /// `None`: not read, with the reason in `unreadable`.
    valid: Option<bool>,
    unreadable: Option<(&'static str, String)>,
    findings: Vec<FindingRow>,
}

#[derive(Debug)]
struct FindingRow {
    code: &'static str,
    severity: &'static str,
    message: String,
    place: String,
}

impl Row {
    pub fn new(file: &str, outcome: &Result<CheckResult, ReadError>, lang: Lang) -> Row {
        match outcome {
            Ok(r) => Row {
                file: file.to_string(),
                previous: None,
                agency: r.agency.clone(),
                year: r.year,
                template: r.template.map(|t| t.as_str()),
                errors: r.summary.errors,
                warnings: r.summary.warnings,
                valid: Some(r.valid),
                unreadable: None,
                findings: finding_rows(r, lang),
            },
            Err(e) => Row {
                file: file.to_string(),
                previous: None,
                agency: None,
                year: None,
                template: None,
                errors: 0,
                warnings: 0,
                valid: None,
                unreadable: Some((e.code(), e.message(lang))),
                findings: Vec::new(),
            },
        }
    }
}

/// A report's findings as the page lists them: a table's blank cells (C003) in one row.
fn finding_rows(r: &CheckResult, lang: Lang) -> Vec<FindingRow> {
    let row = |f: &Finding, message: &str, location: &Location| {
        let keys = human::location_keys(location);
        let place = match (location.line, location.col) {
            (Some(l), Some(c)) => format!("{l}:{c} {keys}"),
            (Some(l), None) => format!("{l} {keys}"),
            _ => keys,
        };
        FindingRow {
            code: f.code.as_str(),
            severity: f.severity.as_str(),
            message: message.to_string(),
            place: place.trim().to_string(),
        }
    };
    let groups = blanks::of_result(r, lang);
    blanks::shown(&r.findings, &groups)
        .into_iter()
        .map(|shown| match shown {
            Shown::Finding(f) => row(f, &f.message, &f.location),
            Shown::Blanks(b) => {
                let location = Location {
                    table: Some(b.table),
                    line: b.line,
                    ..Location::default()
                };
                row(&r.findings[b.findings[0]], &b.message, &location)
            }
        })
        .collect()
}

/// Text made safe for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem;color:#222;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}
.meta{color:#666;margin:0 0 1rem}
.totals{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.totals div{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;min-width:7rem}
.totals b{display:block;font-size:1.4rem}
.ok{color:#1a7f37}.bad{color:#c62828}.warn{color:#a15c00}.muted{color:#777}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e4e4e4;padding:.35rem .5rem;text-align:left;vertical-align:top}
#reports>thead th{cursor:pointer;user-select:none;background:#f6f6f6;position:sticky;top:0}
#reports>thead th[aria-sort=ascending]::after{content:" ▲"}
#reports>thead th[aria-sort=descending]::after{content:" ▼"}
td.n{text-align:right;font-variant-numeric:tabular-nums}
details summary{cursor:pointer;word-break:break-all}
table.findings{margin:.5rem 0 .5rem 1rem;width:auto;font-size:.9rem}
table.findings td{border-bottom:1px dotted #ddd}
.sev-error{color:#c62828;font-weight:600}.sev-warning{color:#a15c00}.sev-info{color:#1565c0}
svg text{font-size:12px;font-family:inherit}
"#;

const SCRIPT: &str = r#"
(function(){
  var table=document.getElementById('reports');
  var heads=table.tHead.rows[0].cells;
  function num(v){var n=parseFloat(v);return isNaN(n)?-1:n;}
  Array.prototype.forEach.call(heads,function(th,i){
    th.tabIndex=0;
    function sort(){
      var asc=th.getAttribute('aria-sort')!=='ascending';
      Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',asc?'ascending':'descending');
      var numeric=th.dataset.type==='n';
      var body=table.tBodies[0];
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[i].dataset.v, y=b.cells[i].dataset.v, c;
        if(numeric){c=num(x)-num(y);}
        else{c=x<y?-1:x>y?1:0;}
        return asc?c:-c;
      });
      rows.forEach(function(r){body.appendChild(r);});
    }
    th.addEventListener('click',sort);
    th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort();}});
  });
})();
"#;

/// Writes the page, a row at a time.
pub fn write_page(
    out: &mut dyn io::Write,
    rows: &[Row],
    tally: &Tally,
    lang: Lang,
) -> io::Result<()> {
    let s = |zh, en| lang.say(zh, en);
    let mut h = String::new();
    let title = s(
        "政府信息公开工作年度报告检查结果",
        "Check of government information-disclosure annual reports",
    );
    let html_lang = s("zh-CN", "en");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    let _ = writeln!(
        h,
        "<p class=\"meta\">{} {} UTC · nianbao {}</p>",
        s("生成于", "Generated"),
        now_utc(),
        env!("CARGO_PKG_VERSION")
    );

    // Totals.
    let findings: usize = tally.by_code.values().sum();
    h.push_str("<div class=\"totals\">\n");
    for (label, n, class) in [
        (s("文件", "files"), tally.files, ""),
        (s("通过", "valid"), tally.valid, "ok"),
        (s("有错误", "with errors"), tally.with_errors, "bad"),
        (s("无法读取", "unreadable"), tally.unreadable, "warn"),
        (s("问题总数", "findings"), findings, "muted"),
    ] {
        let _ = writeln!(h, "<div><b class=\"{class}\">{n}</b>{label}</div>");
    }
    h.push_str("</div>\n");

    chart(&mut h, tally, lang);

    // How the reports were paired with last year's.
    if let Some(pairing) = &tally.pairing {
        let _ = writeln!(
            h,
            "<h2>{}</h2>\n<ul class=\"pairing\">",
            s("与上年报告配对", "Paired with last year's")
        );
        for line in pairing.lines(lang) {
            let _ = writeln!(h, "<li>{}</li>", escape(&line));
        }
        h.push_str("</ul>\n");
    }

    // The reports.
    let _ = writeln!(h, "<h2>{}</h2>", s("各报告", "Reports"));
    h.push_str("<table id=\"reports\">\n<thead><tr>");
    for (label, numeric) in [
        (s("文件", "File"), false),
        (s("机关", "Agency"), false),
        (s("年度", "Year"), true),
        (s("模板", "Template"), false),
        (s("错误", "Errors"), true),
        (s("警告", "Warnings"), true),
        (s("结论", "Valid"), false),
    ] {
        let ty = if numeric { " data-type=\"n\"" } else { "" };
        let _ = write!(h, "<th scope=\"col\"{ty}>{label}</th>");
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    out.write_all(h.as_bytes())?;
    for row in rows {
        h.clear();
        report_row(&mut h, row, lang);
        out.write_all(h.as_bytes())?;
    }
    write!(
        out,
        "</tbody>\n</table>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )?;
    out.flush()
}

fn report_row(h: &mut String, row: &Row, lang: Lang) {
    let s = |zh, en| lang.say(zh, en);
    let file = escape(&row.file);
    h.push_str("<tr>");
    // The file, opening onto the findings.
    let _ = write!(
        h,
        "<td data-v=\"{file}\"><details><summary>{file}</summary>"
    );
    match &row.unreadable {
        Some((code, message)) => {
            let _ = write!(
                h,
                "<p class=\"warn\"><code>{}</code> {}</p>",
                escape(code),
                escape(message)
            );
        }
        None if row.findings.is_empty() => {
            let _ = write!(h, "<p class=\"ok\">{}</p>", s("没有问题", "No findings"));
        }
        None => {
            let _ = write!(
                h,
                "<table class=\"findings\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                s("代码", "Code"),
                s("级别", "Severity"),
                s("说明", "Message"),
                s("位置", "Place")
            );
            for f in &row.findings {
                let _ = write!(
                    h,
                    "<tr><td><code>{}</code></td><td class=\"sev-{sev}\">{sev}</td><td>{}</td><td><code>{}</code></td></tr>",
                    escape(f.code),
                    escape(&f.message),
                    escape(&f.place),
                    sev = escape(f.severity),
                );
            }
            h.push_str("</tbody></table>");
        }
    }
    h.push_str("</details>");
    if let Some(previous) = &row.previous {
        let _ = write!(
            h,
            "<p class=\"muted\">{} {}</p>",
            s("上年报告：", "Last year's report:"),
            escape(previous)
        );
    }
    h.push_str("</td>");
    let agency = row.agency.as_deref().map(escape).unwrap_or_default();
    let _ = write!(h, "<td data-v=\"{agency}\">{agency}</td>");
    let year = row.year.map(|y| y.to_string()).unwrap_or_default();
    let _ = write!(h, "<td class=\"n\" data-v=\"{year}\">{year}</td>");
    let template = row.template.unwrap_or_default();
    let _ = write!(h, "<td data-v=\"{template}\">{template}</td>");
    let read = row.valid.is_some();
    for n in [row.errors, row.warnings] {
        let shown = if read { n.to_string() } else { String::new() };
        let _ = write!(h, "<td class=\"n\" data-v=\"{shown}\">{shown}</td>");
    }
    let (key, class, verdict) = match row.valid {
        Some(true) => ("0", "ok", s("通过", "valid")),
        Some(false) => ("1", "bad", s("有错误", "errors")),
        None => ("2", "warn", s("无法读取", "unreadable")),
    };
    let _ = writeln!(
        h,
        "<td data-v=\"{key}\" class=\"{class}\">{verdict}</td></tr>"
    );
}

/// The most frequent codes as horizontal bars (inline SVG).
fn chart(h: &mut String, tally: &Tally, lang: Lang) {
    let s = |zh, en| lang.say(zh, en);
    let codes = tally.codes_by_count();
    let _ = writeln!(
        h,
        "<h2>{}</h2>",
        s("最常见的问题", "Most frequent findings")
    );
    if codes.is_empty() {
        let _ = writeln!(h, "<p class=\"muted\">{}</p>", s("没有问题", "No findings"));
        return;
    }
    let shown = &codes[..codes.len().min(20)];
    let max = shown.first().map_or(1, |c| c.1.max(1));
    let (bar_h, gap, label_w, bar_w, count_w) = (18, 6, 360, 420, 70);
    let width = label_w + bar_w + count_w;
    let height = shown.len() * (bar_h + gap);
    let _ = writeln!(
        h,
        "<svg id=\"chart\" role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        s("各代码出现次数", "Count of each code")
    );
    for (i, (code, n)) in shown.iter().enumerate() {
        let def = code.def();
        let y = i * (bar_h + gap);
        let w = (n * bar_w / max).max(1);
        let color = match def.severity.as_str() {
            "error" => "#c62828",
            "warning" => "#e09b00",
            _ => "#1565c0",
        };
        let label = format!("{} {}", def.code, def.summary_in(lang));
        // Cut to what fits beside the bars (a CJK character is two columns wide).
        let mut cols = 0;
        let short: String = label
            .chars()
            .take_while(|c| {
                cols += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                cols <= 50
            })
            .collect();
        let short = if short.len() < label.len() {
            format!("{short}…")
        } else {
            short
        };
        let _ = writeln!(
            h,
            "<g><title>{}: {n}</title><text x=\"0\" y=\"{ty}\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"{bar_h}\" fill=\"{color}\"/><text x=\"{tx}\" y=\"{ty}\">{n}</text></g>",
            escape(&label),
            escape(&short),
            ty = y + bar_h - 5,
            tx = label_w + w + 6,
        );
    }
    h.push_str("</svg>\n");
}

/// `2026-11-28 17:52` from the system clock, UTC.
fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script>&\"县"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;县"
        );
    }

    #[test]
    fn the_date_is_a_date() {
        let d = now_utc();
        assert_eq!(d.len(), 16, "{d}");
        assert!(d.starts_with("20"), "{d}");
    }
}
