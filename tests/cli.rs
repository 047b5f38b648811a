//! The `nianbao` binary as a user runs it: exit codes, messages and output shapes of
//! `check`, `normalize`, `rules` and `schema`, over the real fixtures and broken inputs.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use nianbao::finding::DEFINITIONS;
use nianbao::{Lang, Options};
use serde_json::Value;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn nianbao_with(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    // Written from a thread: the child may answer before it has read everything.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("the binary ends");
    let _ = writer.join();
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn nianbao(args: &[&str]) -> Run {
    nianbao_with(args, b"")
}

/// A real report: the one the README shows lives in `examples/`.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn minhe() -> String {
    fixture("minhe-2020.txt").display().to_string()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The canonical report of RULES.md's example.
const REPORT_JSON: &str = r#"{
  "template": "2021", "year": 2024, "agency": "淮安市人民政府",
  "title": "淮安市人民政府2024年政府信息公开工作年度报告",
  "t4": { "rv_keep": 72, "rv_fix": 64, "rv_other": 178, "rv_pending": 37, "rv_total": 351 }
}"#;

fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, bytes).expect("write");
    path.display().to_string()
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("nianbao-cli-")
        .tempdir()
        .expect("temp dir")
}

// ---- check: the real report ------------------------------------------------------------

#[test]
fn the_minhe_report_has_errors() {
    let run = nianbao(&["check", &minhe()]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("error["), "{}", run.stdout);
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(last.contains("民和县 2020年度（2019版模板）"), "{last}");
    assert!(last.contains("个错误"), "{last}");

    let run = nianbao(&["check", "--format", "json", &minhe()]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let result = json(&run.stdout);
    assert_eq!(result["valid"], false);
    assert_eq!(result["template"], "2019");
    assert_eq!(result["year"], 2020);
}

#[test]
fn json_output_is_the_engines_result_exactly() {
    let bytes = std::fs::read(fixture("minhe-2020.txt")).expect("fixture");
    for (flag, lang) in [("zh", Lang::Zh), ("en", Lang::En)] {
        let run = nianbao(&["check", "--lang", flag, "--format", "json", &minhe()]);
        let expected = nianbao::check(&bytes, &Options { lang }).expect("readable");
        let expected = serde_json::to_string_pretty(&expected).expect("serializes");
        assert_eq!(run.stdout, expected + "\n", "--lang {flag}");
    }
}

#[test]
fn stdin_is_read_with_a_dash() {
    let bytes = std::fs::read(fixture("minhe-2020.txt")).expect("fixture");
    let from_stdin = nianbao_with(&["check", "-f", "json", "-"], &bytes);
    let from_file = nianbao(&["check", "-f", "json", &minhe()]);
    assert_eq!(from_stdin.code, from_file.code);
    assert_eq!(from_stdin.stdout, from_file.stdout);

    let human = nianbao_with(&["check", "-"], &bytes);
    assert!(human.stdout.contains("<stdin>"), "{}", human.stdout);
}

#[test]
fn english_messages_on_request() {
    let run = nianbao(&["--lang", "en", "check", &minhe()]);
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(last.contains("2020 (template 2019): "), "{last}");
    assert!(last.contains(" error"), "{last}");
    // --lang is accepted after the command too.
    let after = nianbao(&["check", &minhe(), "--lang", "en"]);
    assert_eq!(after.stdout, run.stdout);
}

#[test]
fn human_output_quotes_the_source_line() {
    let run = nianbao(&["check", &minhe()]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // ` --> FILE:LINE:COL`
    let line_of = |l: &str| {
        let mut parts = l.trim_start().strip_prefix("--> ")?.rsplitn(3, ':');
        let (col, line) = (parts.next()?, parts.next()?);
        col.parse::<u32>().ok()?;
        line.parse::<u32>().ok()
    };
    let arrow = lines
        .iter()
        .position(|l| line_of(l).is_some())
        .expect("a finding with a line");
    let n = line_of(lines[arrow]).unwrap_or_default();
    assert!(
        lines[arrow + 2].starts_with(&format!("{n} | ")),
        "{}",
        lines[arrow + 2]
    );
    assert!(lines[arrow + 3].contains('^'), "{}", lines[arrow + 3]);
    assert!(!run.stdout.contains('\t'), "tabs are expanded");
    assert!(!run.stdout.contains('\u{1b}'), "no colour off a terminal");
}

/// `examples/blank-columns-2021.txt`: every 法人或其他组织 column of 表三 left blank.
fn blank_columns() -> String {
    fixture("blank-columns-2021.txt").display().to_string()
}

/// 125 blank cells in whole columns are one block of the human output, in either language;
/// the counts still count them all, and the JSON keeps a C003 for each.
#[test]
fn human_output_groups_blank_cells_by_table() {
    let file = blank_columns();
    let cases = [
        (
            "zh",
            "warning[C003]: 申请情况表 125 个单元格为空：“商业企业”“科研机构”“社会公益组织”“法律服务机构”“其他”列全部为空（25 行）",
            "每个空白单元格在 JSON 结果（--format json）中各为一条 C003",
            "示例县交通运输局 2022年度（2021版模板）：通过，0 个错误，125 个警告，0 条提示",
        ),
        (
            "en",
            "warning[C003]: Applications table: 125 cells are blank: columns \"商业企业\", \"科研机构\", \"社会公益组织\", \"法律服务机构\", \"其他\" in all 25 rows",
            "the JSON result (--format json) has a C003 for each blank cell",
            "示例县交通运输局 2022 (template 2021): valid, 0 errors, 125 warnings, 0 infos",
        ),
    ];
    for (lang, header, note, counts) in cases {
        let run = nianbao(&["check", "--lang", lang, &file]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let expected = format!("{header}\n --> {file}:28\n  = {note}\n\n{file} — {counts}\n");
        assert_eq!(run.stdout, expected, "--lang {lang}");
    }
    let run = nianbao(&["check", "--format", "json", &file]);
    let result = json(&run.stdout);
    let findings = result["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 125);
    assert!(findings.iter().all(|f| f["code"] == "C003"));
    assert_eq!(result["summary"]["warnings"], 125);
}

// ---- check: inputs that cannot be read ---------------------------------------------------

#[test]
fn an_empty_file_is_unreadable() {
    let dir = temp_dir();
    let empty = temp_file(&dir, "empty.txt", b"");
    let run = nianbao(&["check", &empty]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        format!("nianbao: {empty}: 输入为空：没有可检查的报告内容\n")
    );
    assert_eq!(run.stdout, "");
    let run = nianbao(&["check", "--lang", "en", "-f", "json", &empty]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("empty input"), "{}", run.stderr);
    assert_eq!(run.stdout, "", "no result for an input not read");
}

#[test]
fn binary_garbage_is_unreadable() {
    let dir = temp_dir();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let path = temp_file(&dir, "garbage.dat", &garbage);
    let run = nianbao(&["check", "--lang", "en", &path]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with(&format!("nianbao: {path}: cannot read")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_50_mb_file_is_too_large() {
    let dir = temp_dir();
    let path = dir.path().join("big.txt");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(50 * 1024 * 1024).expect("size");
    let run = nianbao(&["check", "--lang", "en", &path.display().to_string()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("too large: 50.0 MB"), "{}", run.stderr);
    let run = nianbao(&["normalize", &path.display().to_string()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("输入过大"), "{}", run.stderr);
}

#[test]
fn a_large_stdin_is_too_large() {
    let big = vec![b'x'; 25 * 1024 * 1024];
    let run = nianbao_with(&["check", "--lang", "en", "-"], &big);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("too large: 25.0 MB"), "{}", run.stderr);
}

#[test]
fn invalid_utf8_that_is_not_gbk_is_unreadable() {
    let mut bytes = "海东市民和县2020年度政府信息公开工作年度报告\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"\xe6\x28\xff\xfe\x81\x20 abc\n");
    let run = nianbao_with(&["check", "--lang", "en", "-"], &bytes);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("does not decode"), "{}", run.stderr);
}

#[test]
fn json_of_the_wrong_shape_is_unreadable() {
    for input in [r#"{"t3": 5}"#, r#"{"template": "2021", "t3": {"#] {
        let run = nianbao_with(&["check", "--lang", "en", "-"], input.as_bytes());
        assert_eq!(run.code, Some(2), "{input}: {}", run.stdout);
        assert!(
            run.stderr.starts_with("nianbao: -: invalid report JSON"),
            "{input}: {}",
            run.stderr
        );
        let run = nianbao_with(&["check", "-"], input.as_bytes());
        assert!(
            run.stderr.contains("JSON 格式错误"),
            "{input}: {}",
            run.stderr
        );
    }
    // Not a JSON object: a text (pandoc's plain text begins `[] []`), read and checked.
    let run = nianbao_with(&["check", "--format", "json", "-"], b"[1,2]");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.contains("\"S001\""), "{}", run.stdout);
}

#[test]
fn a_missing_file_is_unreadable() {
    let run = nianbao(&["check", "/nonexistent/report.txt"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stderr, "nianbao: /nonexistent/report.txt: 文件不存在\n");
}

// ---- check: batches ----------------------------------------------------------------------

/// Two reports, one unreadable file, one hidden file: `bad.bin`, `minhe-2020.txt`,
/// `sub/report.json` in that order.
fn batch_dir() -> tempfile::TempDir {
    let dir = temp_dir();
    let minhe = std::fs::read(fixture("minhe-2020.txt")).expect("fixture");
    temp_file(&dir, "minhe-2020.txt", &minhe);
    temp_file(&dir, "sub/report.json", REPORT_JSON.as_bytes());
    temp_file(&dir, "bad.bin", b"\x00\x01\x02\x03binary");
    temp_file(&dir, ".hidden.txt", b"\x00 never read");
    dir
}

#[test]
fn a_directory_gives_a_result_per_file_and_a_summary() {
    let dir = batch_dir();
    let root = dir.path().display().to_string();
    let run = nianbao(&["check", &root]);
    assert_eq!(run.code, Some(2), "an unreadable file fails the run");
    assert!(run.stderr.contains("bad.bin: 无法读取"), "{}", run.stderr);
    assert!(!run.stderr.contains(".hidden"), "{}", run.stderr);
    let minhe_at = run
        .stdout
        .find(&format!("{root}/minhe-2020.txt — "))
        .expect("minhe");
    let json_at = run
        .stdout
        .find(&format!("{root}/sub/report.json — "))
        .expect("json");
    assert!(minhe_at < json_at, "sorted order");
    let summary = run
        .stdout
        .lines()
        .find(|l| l.starts_with("共 3 个文件："))
        .unwrap_or_else(|| panic!("a summary: {}", run.stdout));
    assert!(summary.ends_with("个有错误，1 个无法读取"), "{summary}");
    assert!(
        run.stdout.contains("\n  C006 error "),
        "the count of each code: {}",
        run.stdout
    );

    let run = nianbao(&["check", "--lang", "en", "--format", "json", &root]);
    assert_eq!(run.code, Some(2));
    let entries = json(&run.stdout);
    let files: Vec<&str> = entries
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|e| e["file"].as_str())
        .collect();
    let expected = ["bad.bin", "minhe-2020.txt", "sub/report.json"].map(|f| format!("{root}/{f}"));
    assert_eq!(files, expected);
    assert_eq!(entries[0]["error"]["code"], "binary");
    assert!(entries[0]["error"]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("cannot read")));
    assert_eq!(entries[1]["result"]["valid"], false);
    assert_eq!(entries[2]["result"]["agency"], "淮安市人民政府");
    // The array is laid out as `to_string_pretty` lays it out.
    let head = format!("[\n  {{\n    \"file\": \"{root}/bad.bin\",\n    \"error\": {{\n");
    assert!(run.stdout.starts_with(&head), "{}", run.stdout);
    assert!(run.stdout.ends_with("\n    }\n  }\n]\n"), "{}", run.stdout);
    // Each result inside it is the one-file output, every line after its first indented.
    let one = nianbao(&[
        "check",
        "--lang",
        "en",
        "--format",
        "json",
        &format!("{root}/minhe-2020.txt"),
    ]);
    let inner = one.stdout.trim_end().replace('\n', "\n    ");
    assert!(
        run.stdout.contains(&format!("\"result\": {inner}\n  }}")),
        "{}",
        run.stdout
    );

    let run = nianbao(&["check", "--lang", "en", "--format", "ndjson", &root]);
    let mut lines: Vec<Value> = run.stdout.lines().map(json).collect();
    // In the order the files finish: the same entries once sorted.
    lines.sort_by_key(|l| l["file"].as_str().unwrap_or_default().to_string());
    assert_eq!(
        Some(&lines),
        entries.as_array(),
        "the same entries, a line each"
    );
    assert_eq!(run.code, Some(2));
}

#[test]
fn several_files_are_a_batch_even_when_all_read() {
    let dir = batch_dir();
    let json_file = dir.path().join("sub/report.json").display().to_string();
    let run = nianbao(&["check", "-f", "json", &json_file, &json_file]);
    let entries = json(&run.stdout);
    assert_eq!(entries.as_array().map(Vec::len), Some(2));
    let run = nianbao(&["check", "--lang", "en", &json_file, &json_file]);
    assert!(run.stdout.contains("2 files: "), "{}", run.stdout);
}

/// The fixtures copied `copies` times each, plus `bad-N.bin` (binary) and `empty-N.txt` for
/// each copy: `4 * copies` files, `2 * copies` of them unreadable.
fn big_batch_dir(copies: usize) -> tempfile::TempDir {
    let dir = temp_dir();
    let minhe = std::fs::read(fixture("minhe-2020.txt")).expect("fixture");
    let huaian =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/huaian-2024.txt"))
            .expect("fixture");
    for i in 0..copies {
        temp_file(&dir, &format!("minhe-{i:02}.txt"), &minhe);
        temp_file(&dir, &format!("sub/huaian-{i:02}.txt"), &huaian);
        temp_file(&dir, &format!("bad-{i:02}.bin"), b"\x00\x01\x02\x03binary");
        temp_file(&dir, &format!("sub/deeper/empty-{i:02}.txt"), b"");
    }
    dir
}

/// The NDJSON lines of a run, each parsed, sorted by file.
fn ndjson_sorted(stdout: &str) -> Vec<Value> {
    let mut lines: Vec<Value> = stdout.lines().map(json).collect();
    lines.sort_by_key(|l| l["file"].as_str().unwrap_or_default().to_string());
    lines
}

#[test]
fn a_large_batch_gives_one_line_per_file_whatever_the_jobs() {
    let dir = big_batch_dir(6);
    let root = dir.path().display().to_string();
    let run = nianbao(&["check", "-f", "ndjson", "--jobs", "4", &root]);
    assert_eq!(run.code, Some(2), "unreadable files fail the run");
    let lines = ndjson_sorted(&run.stdout);
    assert_eq!(lines.len(), 24, "{}", run.stdout);
    let files: std::collections::BTreeSet<&str> =
        lines.iter().filter_map(|l| l["file"].as_str()).collect();
    assert_eq!(files.len(), 24, "each file once");
    let errors: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["error"]["code"].as_str())
        .collect();
    assert_eq!(errors.len(), 12);
    assert_eq!(errors.iter().filter(|c| **c == "binary").count(), 6);
    assert_eq!(errors.iter().filter(|c| **c == "empty").count(), 6);
    for l in &lines {
        assert!(
            l["result"].is_object() != l["error"].is_object(),
            "a result or an error: {l}"
        );
        if let Some(m) = l["error"]["message"].as_str() {
            let file = l["file"].as_str().unwrap_or_default();
            assert!(
                run.stderr.contains(&format!("nianbao: {file}: {m}")),
                "{}",
                run.stderr
            );
        }
    }
    // The summary goes to stderr, stdout stays NDJSON.
    assert!(
        run.stderr
            .contains("共 24 个文件：6 个通过，6 个有错误，12 个无法读取"),
        "{}",
        run.stderr
    );

    let one = nianbao(&["check", "-f", "ndjson", "--jobs", "1", &root]);
    assert_eq!(one.code, Some(2));
    assert_eq!(
        ndjson_sorted(&one.stdout),
        lines,
        "--jobs 1 and --jobs 4 agree"
    );

    // Human and JSON outputs stay in the order of the paths, whatever the jobs.
    for format in ["human", "json"] {
        let a = nianbao(&["check", "-f", format, "--jobs", "1", &root]);
        let b = nianbao(&["check", "-f", format, "--jobs", "4", &root]);
        assert_eq!(a.stdout, b.stdout, "--format {format}");
        assert_eq!(a.stderr, b.stderr, "--format {format}");
    }
}

#[test]
fn the_summary_counts_files_and_codes_by_frequency() {
    let dir = big_batch_dir(3);
    let root = dir.path().display().to_string();
    let run = nianbao(&["check", "--lang", "en", "-f", "json", &root]);
    let entries = json(&run.stdout);
    let entries = entries.as_array().expect("an array");
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for f in entries
        .iter()
        .flat_map(|e| e["result"]["findings"].as_array().into_iter().flatten())
    {
        *counts
            .entry(f["code"].as_str().unwrap_or_default().into())
            .or_default() += 1;
    }
    let valid = entries
        .iter()
        .filter(|e| e["result"]["valid"] == true)
        .count();
    let invalid = entries
        .iter()
        .filter(|e| e["result"]["valid"] == false)
        .count();
    let summary = format!("12 files: {valid} valid, {invalid} with errors, 6 unreadable");
    assert!(run.stderr.contains(&summary), "{summary}\n{}", run.stderr);
    // Each code with its count, the most frequent first.
    let mut last = usize::MAX;
    let mut seen = 0;
    for line in run.stderr.lines().filter(|l| l.starts_with("  ")) {
        let mut words = line.split_whitespace();
        let (code, _severity, n) = (words.next(), words.next(), words.next());
        let n: usize = n.and_then(|n| n.parse().ok()).expect("a count");
        let code = code.expect("a code");
        assert_eq!(counts.get(code), Some(&n), "{line}");
        assert!(n <= last, "sorted by count: {}", run.stderr);
        last = n;
        seen += 1;
    }
    assert_eq!(seen, counts.len(), "{}", run.stderr);
    // --quiet keeps stderr to the unreadable files.
    let quiet = nianbao(&["check", "-q", "-f", "ndjson", &root]);
    assert!(
        quiet.stderr.lines().all(|l| l.starts_with("nianbao: ")),
        "{}",
        quiet.stderr
    );
}

#[test]
fn no_progress_bar_off_a_terminal() {
    let dir = big_batch_dir(2);
    let root = dir.path().display().to_string();
    for format in ["human", "ndjson"] {
        let run = nianbao(&["check", "-f", format, &root]);
        for mark in ["\r", "\x1b", "ETA", "█", "/8 files"] {
            assert!(!run.stderr.contains(mark), "{mark:?} in {}", run.stderr);
        }
    }
}

#[test]
fn jobs_must_be_at_least_one() {
    let run = nianbao(&["check", "--jobs", "0", &minhe()]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let run = nianbao(&["check", "--jobs", "3", "-f", "json", &minhe()]);
    assert_eq!(run.code, Some(1), "one file, more jobs than files");
    assert_eq!(json(&run.stdout)["year"], 2020);
}

#[test]
fn html_summary_is_self_contained_and_escaped() {
    let dir = big_batch_dir(2);
    let minhe = std::fs::read_to_string(fixture("minhe-2020.txt")).expect("fixture");
    let rest: String = minhe.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let hostile = format!("<script>alert(1)</script>县2020年政府信息公开工作年度报告\n{rest}");
    temp_file(&dir, "hostile.txt", hostile.as_bytes());
    let root = dir.path().display().to_string();
    let page_path = dir.path().with_extension("html");
    let page_arg = page_path.display().to_string();
    let run = nianbao(&["check", "-f", "ndjson", "--html", &page_arg, &root]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let page = std::fs::read_to_string(&page_path).expect("the page is written");
    let _ = std::fs::remove_file(&page_path);
    // The agency read from the hostile title is in the page, escaped, never as markup.
    let hostile_agency = run
        .stdout
        .lines()
        .map(json)
        .find(|l| {
            l["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("hostile.txt"))
        })
        .and_then(|l| l["result"]["agency"].as_str().map(String::from))
        .expect("the hostile report is read");
    assert!(hostile_agency.contains("<script>"), "{hostile_agency}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;县"),
        "escaped"
    );
    assert!(!page.contains("<script>alert"), "never injected");
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the page's own script"
    );
    // Every file, the chart, the totals; nothing fetched from elsewhere.
    for l in run.stdout.lines().map(json) {
        let file = l["file"].as_str().expect("file");
        assert!(
            page.contains(&format!("<summary>{file}</summary>")),
            "{file}"
        );
    }
    assert!(page.contains("<svg id=\"chart\""), "the chart");
    assert!(page.contains("<b class=\"\">9</b>文件"), "the totals");
    assert!(page.contains("C006"), "codes");
    for external in ["src=", "href=", "@import", "url("] {
        assert!(!page.contains(external), "{external}");
    }
}

/// In the HTML summary too, a table's blank cells are one row of the report's findings.
#[test]
fn html_summary_tells_blank_cells_in_one_row() {
    let dir = temp_dir();
    let page_path = dir.path().join("run.html");
    let page_arg = page_path.display().to_string();
    let run = nianbao(&["check", "--html", &page_arg, &blank_columns(), &minhe()]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let page = std::fs::read_to_string(&page_path).expect("the page is written");
    let rows: Vec<&str> = page
        .lines()
        .filter(|l| l.starts_with("<tr><td data-v="))
        .collect();
    assert_eq!(rows.len(), 2, "a row per report");
    let blank = rows
        .iter()
        .find(|r| r.contains("blank-columns-2021.txt"))
        .expect("the report with blank columns");
    assert_eq!(
        blank.matches("<tr><td><code>C003</code>").count(),
        1,
        "{blank}"
    );
    assert!(
        blank.contains("<td>申请情况表 125 个单元格为空：“商业企业”“科研机构”“社会公益组织”“法律服务机构”“其他”列全部为空（25 行）</td><td><code>28 t3</code></td>"),
        "{blank}"
    );
    assert!(
        blank.contains("<td class=\"n\" data-v=\"125\">125</td>"),
        "the warnings counted"
    );
    // minhe's eight scattered blank cells: one row naming them, its other findings kept.
    let minhe = rows
        .iter()
        .find(|r| r.contains("minhe-2020.txt"))
        .expect("minhe");
    assert_eq!(minhe.matches("<code>C003</code>").count(), 1, "{minhe}");
    assert!(minhe.contains("申请情况表 8 个单元格为空："), "{minhe}");
    assert!(minhe.contains("<code>A003</code>"), "{minhe}");
    // The chart counts findings as the JSON has them.
    assert!(
        page.contains("<title>C003 单元格为空: 133</title>"),
        "the chart"
    );
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let mut args = vec!["check".to_string(), "-f".into(), "ndjson".into()];
    args.extend(std::iter::repeat_n(minhe(), 300));
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut first = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a line");
    // The reader is dropped: the pipe is closed with most of the output unwritten.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("ends");
    assert!(json(&first)["file"].is_string());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(matches!(status.code(), Some(0..=1)), "{status:?} {stderr}");
}

// ---- other commands ------------------------------------------------------------------

#[test]
fn normalize_prints_the_canonical_report() {
    let bytes = std::fs::read(fixture("minhe-2020.txt")).expect("fixture");
    let run = nianbao(&["normalize", &minhe()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let expected = nianbao::normalize(&bytes).expect("readable");
    assert_eq!(
        run.stdout,
        serde_json::to_string_pretty(&expected).unwrap_or_default() + "\n"
    );
    let run = nianbao_with(&["normalize", "-"], b"   \n");
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("输入为空"), "{}", run.stderr);
}

#[test]
fn rules_lists_every_code() {
    let run = nianbao(&["rules"]);
    assert_eq!(run.code, Some(0));
    for d in DEFINITIONS {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with(d.code) && l.contains(d.zh)),
            "{}",
            d.code
        );
    }
    let run = nianbao(&["rules", "--lang", "en"]);
    assert!(DEFINITIONS.iter().all(|d| run.stdout.contains(d.en)));

    let run = nianbao(&["rules", "--format", "json"]);
    let defs = json(&run.stdout);
    assert_eq!(defs.as_array().map(Vec::len), Some(DEFINITIONS.len()));
    assert_eq!(defs[0]["code"], DEFINITIONS[0].code);
    assert!(defs[0]["severity"].is_string() && defs[0]["doc"].is_string());
}

#[test]
fn schema_prints_both_schemas() {
    for (which, title) in [("report", "Report"), ("result", "CheckResult")] {
        let run = nianbao(&["schema", which]);
        assert_eq!(run.code, Some(0));
        let schema = json(&run.stdout);
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["title"], title);
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["check"][..],
        &["check", "--format", "xml", "x"],
        &["schema", "x"],
        &["frobnicate"],
    ] {
        let run = nianbao(args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn help_answers_what_the_exit_codes_and_formats_are() {
    let run = nianbao(&["check", "--help"]);
    assert_eq!(run.code, Some(0));
    for needle in [
        "Exit codes:",
        "  2  an input could not be read",
        "GBK",
        "--format",
        "ndjson",
        "-",
    ] {
        assert!(run.stdout.contains(needle), "{needle}: {}", run.stdout);
    }
    let run = nianbao(&["--help"]);
    assert!(run.stdout.contains("Examples:") && run.stdout.contains("Exit codes:"));
}

/// `--version` names the version and, built from a git checkout (this one), the commit.
#[test]
fn version_names_the_commit() {
    let run = nianbao(&["--version"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let line = run.stdout.trim();
    let version = concat!("nianbao ", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(version), "{line}");
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=7", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let Some(head) = head {
        assert_eq!(line, format!("{version} ({head})"));
    }
}

/// A constructed report of tests/fixtures/pairs.
fn pair(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pairs")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn previous_compares_carry_over_across_the_template_change() {
    let (last, agrees, differs) = (
        pair("2020.json"),
        pair("2021-agrees.json"),
        pair("2021-differs.json"),
    );
    let dir = temp_dir();
    let codes = |run: &Run| -> Vec<(String, String)> {
        json(&run.stdout)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with('X')))
            .map(|f| {
                let code = f["code"].as_str().unwrap().to_string();
                let rule = f["params"]["rule"].as_str().unwrap_or("").to_string();
                (code, rule)
            })
            .collect()
    };
    let run = nianbao(&["check", "--format", "json", "--previous", &last, &agrees]);
    assert_eq!(
        codes(&run),
        vec![("X004".into(), "X002".into())],
        "{}",
        run.stdout
    );
    let run = nianbao(&["check", "--format", "json", "--previous", &last, &differs]);
    assert_eq!(
        codes(&run),
        vec![
            ("X001".into(), String::new()),
            ("X001".into(), String::new()),
            ("X004".into(), "X002".into())
        ],
        "{}",
        run.stdout
    );
    assert_eq!(run.code, Some(1));
    let human = nianbao(&["check", "--previous", &last, &differs]);
    assert!(
        human
            .stdout
            .contains("申请表“自然人”列上年结转 9 与上年报告结转下年度 12 不符"),
        "{}",
        human.stdout
    );
    // Without --previous the cross-year rules do not run.
    let alone = nianbao(&["check", "--format", "json", &differs]);
    assert!(codes(&alone).is_empty());
    // Last year's report unreadable, or with several inputs: refused, exit 2.
    let empty = temp_file(&dir, "empty.txt", b"");
    let run = nianbao(&["check", "--previous", &empty, &agrees]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("empty.txt"), "{}", run.stderr);
    let run = nianbao(&["check", "--previous", &last, &agrees, &differs]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--previous"), "{}", run.stderr);
}

/// `check --store`: each report kept as `serve --store` keeps it, and checked against the
/// stored report of the year before — the same output as with `--previous` that file.
#[test]
fn store_keeps_reports_and_pairs_with_the_year_before() {
    let (last, agrees, differs) = (
        pair("2020.json"),
        pair("2021-agrees.json"),
        pair("2021-differs.json"),
    );
    let has_x001 = |stdout: &str| {
        stdout.lines().filter(|l| !l.trim().is_empty()).any(|line| {
            let v = json(line.trim());
            let result = if v["result"].is_object() {
                &v["result"]
            } else {
                &v
            };
            result["findings"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f["code"] == "X001"))
        })
    };
    let dir = temp_dir();
    let db = dir.path().join("store.db");
    let store = format!("sqlite:{}", db.display());
    // Nothing stored yet: no cross-year rule.
    let run = nianbao(&["check", "--format", "json", "--store", &store, &differs]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(!has_x001(&run.stdout.replace('\n', "")));
    let run = nianbao(&["check", "--format", "json", "--store", &store, &last]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    // 2021 is paired with the stored 2020: X001, exactly as `--previous 2020.json`.
    let stored = nianbao(&["check", "--format", "json", "--store", &store, &differs]);
    let explicit = nianbao(&["check", "--format", "json", "--previous", &last, &differs]);
    assert_eq!(stored.stdout, explicit.stdout);
    assert!(
        has_x001(&stored.stdout.replace('\n', "")),
        "{}",
        stored.stdout
    );
    // --previous wins over the stored report.
    let run = nianbao(&[
        "check",
        "--format",
        "json",
        "--store",
        &store,
        "--previous",
        &agrees,
        &differs,
    ]);
    assert!(!has_x001(&run.stdout.replace('\n', "")), "{}", run.stdout);
    // A directory: each file kept and paired.
    let batch = temp_dir();
    temp_file(&batch, "a/2021.json", &std::fs::read(&differs).unwrap());
    let run = nianbao(&[
        "check",
        "--format",
        "ndjson",
        "--store",
        &store,
        &batch.path().display().to_string(),
    ]);
    assert!(has_x001(&run.stdout), "{}", run.stdout);
    // What the store holds: 2021 in four versions, 2020 in one.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let versions: Vec<(i64, i32, String)> = rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&store).await.unwrap();
        sqlx::query_as(
            "SELECT r.year, v.version, COALESCE(v.previous_source, 'none') FROM versions v \
             JOIN reports r ON r.id = v.report_id ORDER BY r.year, v.version",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    });
    let want: Vec<(i64, i32, String)> = [
        (2020, 1, "none"),
        (2021, 1, "none"),
        (2021, 2, "stored"),
        (2021, 3, "sent"),
        (2021, 4, "stored"),
    ]
    .into_iter()
    .map(|(y, v, s)| (y, v, s.to_string()))
    .collect();
    assert_eq!(versions, want);
    // A store that cannot be opened: exit 2, nothing checked.
    let run = nianbao(&["check", "--store", "mysql://x", &last]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("sqlite:PATH"), "{}", run.stderr);
}

// ---- check DIR: reports paired with last year's ------------------------------------------

/// A constructed pair's JSON with its agency and year set.
fn pair_variant(name: &str, agency: &str, year: i32) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pairs")
        .join(name);
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).expect("pair")).expect("json");
    v["agency"] = agency.into();
    v["year"] = year.into();
    serde_json::to_vec_pretty(&v).expect("json")
}

/// Writes a constructed pair's JSON, its agency and year set, into the temp dir.
fn write_pair(dir: &tempfile::TempDir, file: &str, pair: &str, agency: &str, year: i32) {
    temp_file(dir, file, &pair_variant(pair, agency, year));
}

/// A batch's JSON entries by file name (the last path component).
fn entries(run: &Run) -> std::collections::BTreeMap<String, Value> {
    json(&run.stdout)
        .as_array()
        .expect("an array")
        .iter()
        .map(|e| {
            let file = e["file"].as_str().unwrap();
            let name = Path::new(file).file_name().unwrap().to_string_lossy();
            (name.into_owned(), e.clone())
        })
        .collect()
}

fn codes_of(entry: &Value) -> Vec<String> {
    entry["result"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .filter(|c| c.starts_with('X') || c == "P002")
        .collect()
}

fn previous_file(entry: &Value) -> Option<String> {
    entry["previous"]["file"].as_str().map(|f| {
        Path::new(f)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    })
}

#[test]
fn a_directory_pairs_consecutive_years_of_one_agency() {
    let dir = temp_dir();
    // One agency under three spellings of its name, 2020 to 2022.
    write_pair(&dir, "a/2020.json", "2020.json", "示例县人民政府", 2020);
    write_pair(&dir, "b/2021.json", "2021-differs.json", "示例县政府", 2021);
    write_pair(
        &dir,
        "2022.json",
        "2021-agrees.json",
        "　示例县人民政府（2022年度）",
        2022,
    );
    // Two reports of another agency and year: neither paired, nor the year after.
    write_pair(&dir, "dup-1.json", "2020.json", "别县人民政府", 2020);
    write_pair(&dir, "dup-2.json", "2020.json", "别县政府", 2020);
    write_pair(
        &dir,
        "dup-next.json",
        "2021-agrees.json",
        "别县人民政府",
        2021,
    );
    let root = dir.path().display().to_string();

    let run = nianbao(&["check", "--lang", "en", "--format", "json", &root]);
    let e = entries(&run);
    assert_eq!(previous_file(&e["2021.json"]).as_deref(), Some("2020.json"));
    assert_eq!(e["2021.json"]["previous"]["renamed"], false);
    assert_eq!(previous_file(&e["2022.json"]).as_deref(), Some("2021.json"));
    // 2021 carries in 9 where 2020 carried out 12; 2022 carries in 12 where 2021 carried 0.
    assert_eq!(codes_of(&e["2021.json"]), ["X001", "X001", "X004"]);
    let x001 = &e["2021.json"]["result"]["findings"][0];
    assert_eq!(x001["params"]["previous"]["year"], 2020);
    assert_eq!(x001["params"]["previous"]["agency"], "示例县人民政府");
    assert_eq!(codes_of(&e["2022.json"]), ["X001", "X001", "X004"]);
    for unpaired in ["2020.json", "dup-1.json", "dup-2.json", "dup-next.json"] {
        assert!(e[unpaired].get("previous").is_none(), "{unpaired}");
        assert!(codes_of(&e[unpaired]).is_empty(), "{unpaired}");
    }
    // Said once, in the summary (on stderr beside JSON), not as findings.
    let err = &run.stderr;
    assert!(err.contains("2 reports paired"), "{err}");
    assert!(err.contains("1 report without last year's: "), "{err}");
    assert!(err.contains("a/2020.json"), "{err}");
    assert!(
        err.contains("one agency's reports of one year, none paired: "),
        "{err}"
    );
    assert!(
        err.contains("dup-next.json not paired: the agency has several reports of last year"),
        "{err}"
    );

    // The human output says which file was paired with which; the HTML too.
    let html = dir.path().join("out.html").display().to_string();
    let human = nianbao(&["check", "--html", &html, &root]);
    assert!(
        human.stdout.contains(&format!(
            "{root}/b/2021.json：上年报告为 {root}/a/2020.json"
        )),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("2 份报告与同一机关的上年报告配对"),
        "{}",
        human.stdout
    );
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(
        page.contains(&format!("上年报告： {root}/a/2020.json")),
        "{page}"
    );
    assert!(page.contains("1 份报告没有上年报告"), "{page}");
    assert_eq!(human.code, Some(1));
}

#[test]
fn a_county_renamed_a_district_is_paired_only_when_clear() {
    let dir = temp_dir();
    write_pair(&dir, "2020.json", "2020.json", "示例县人民政府", 2020);
    write_pair(
        &dir,
        "2021.json",
        "2021-differs.json",
        "示例区人民政府",
        2021,
    );
    let root = dir.path().display().to_string();
    let run = nianbao(&["check", "--format", "json", &root]);
    let e = entries(&run);
    assert_eq!(previous_file(&e["2021.json"]).as_deref(), Some("2020.json"));
    assert_eq!(e["2021.json"]["previous"]["renamed"], true);
    assert_eq!(codes_of(&e["2021.json"]), ["X001", "X001", "X004"]);
    let human = nianbao(&["check", &root]);
    assert!(human.stdout.contains("按撤县设区配对"), "{}", human.stdout);

    // The county reports in 2021 too: the district is not taken for it.
    write_pair(
        &dir,
        "2021-county.json",
        "2021-agrees.json",
        "示例县政府",
        2021,
    );
    let run = nianbao(&["check", "--lang", "en", "--format", "json", &root]);
    let e = entries(&run);
    assert_eq!(
        previous_file(&e["2021-county.json"]).as_deref(),
        Some("2020.json")
    );
    assert!(e["2021.json"].get("previous").is_none());
    assert!(
        run.stderr.contains("2021.json not paired: last year's"),
        "{}",
        run.stderr
    );
    // Another agency with a one-character stem is never renamed into it.
    let dir = temp_dir();
    write_pair(&dir, "2020.json", "2020.json", "某县人民政府", 2020);
    write_pair(&dir, "2021.json", "2021-agrees.json", "某区人民政府", 2021);
    let run = nianbao(&[
        "check",
        "--format",
        "json",
        &dir.path().display().to_string(),
    ]);
    assert!(entries(&run)["2021.json"].get("previous").is_none());
}

#[test]
fn a_directory_holding_last_years_text_copied_shows_p002() {
    let dir = temp_dir();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/huaian-2024.txt"),
    )
    .expect("fixture");
    temp_file(&dir, "huaian-2024.txt", text.as_bytes());
    temp_file(
        &dir,
        "huaian-2025.txt",
        text.replace("2024", "2025").as_bytes(),
    );
    let root = dir.path().display().to_string();
    let run = nianbao(&["check", "--format", "json", &root]);
    let e = entries(&run);
    assert_eq!(
        previous_file(&e["huaian-2025.txt"]).as_deref(),
        Some("huaian-2024.txt")
    );
    let p002: Vec<&Value> = e["huaian-2025.txt"]["result"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "P002")
        .collect();
    assert_eq!(p002.len(), 1, "{}", run.stdout);
    let sections = p002[0]["params"]["sections"].as_array().unwrap();
    assert!(sections.contains(&"s1".into()), "{sections:?}");
    assert_eq!(p002[0]["params"]["similarity"][0], 1.0);
    assert_eq!(p002[0]["params"]["previous"]["year"], 2024);
    assert!(codes_of(&e["huaian-2024.txt"]).is_empty());
    let human = nianbao(&["check", &root]);
    assert!(
        human.stdout.contains("warning[P002]: 第一、"),
        "{}",
        human.stdout
    );
}
