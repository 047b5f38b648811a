//! `nianbao check`: reads the inputs on a pool of threads (`--jobs`), checks each with the
//! library and writes its result — human diagnostics, one JSON result (or an array of them),
//! or NDJSON — then, for a batch, the summary (and the `--html` report); and sets the exit
//! status.
//!
//! Workers take the inputs in order and render each result themselves; the main thread
//! writes what they send. NDJSON is written in completion order, a line as each file
//! finishes; the human and JSON outputs keep the order of the inputs (sorted paths), the
//! workers never running more than a window ahead of what has been written, so that memory
//! stays bounded however many files there are.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nianbao::{check_ingested_with, ingest, CheckResult, Code, Lang, Options};
use serde::Serialize;

use super::inputs::{self, Input, ReadError};
use super::pairing::{self, Paired};
use super::{html, human, Status};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Reports to check: files, directories (searched recursively), or `-` for standard
    /// input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// How to print results.
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,

    /// How many files to check at once (default: one per core).
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,

    /// Also write a self-contained HTML summary of the run to FILE: one row per report,
    /// sortable, each expanding to its findings, and a chart of the most frequent codes.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,

    /// No progress bar (shown only when stderr is a terminal), and for `json` and `ndjson`
    /// no summary on stderr.
    #[arg(long, short)]
    quiet: bool,

    /// Last year's report of the same agency: the cross-year rules (X001–X003, P002)
    /// compare the report with it. With one FILE only; with several files or a directory,
    /// each report is paired with last year's of its agency among them.
    #[arg(long, value_name = "FILE")]
    previous: Option<PathBuf>,

    /// Keep each checked report in a store, as `serve --store` does: `sqlite:PATH` or
    /// `postgres://…`; a report is then checked against the stored report of the year
    /// before of its agency, unless --previous is given.
    #[arg(long, value_name = "URL")]
    store: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// Findings with the source line quoted and the cell underlined, then counts.
    Human,
    /// The result object (RULES.md "JSON shapes"); for several inputs an array of
    /// `{"file", "result"}` or `{"file", "error": {"code", "message"}}`.
    Json,
    /// One compact JSON line per input, `{"file", "result"}` or `{"file", "error"}`, written
    /// as each input finishes (in the order they finish).
    Ndjson,
}

/// One line of a batch's JSON output.
#[derive(Serialize)]
struct Entry<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a CheckResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorEntry>,
    /// The file paired with it as last year's report.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<PreviousEntry<'a>>,
}

#[derive(Serialize)]
struct PreviousEntry<'a> {
    file: &'a str,
    /// Paired across a 县 → 区 rename: the agency's names differ.
    renamed: bool,
}

#[derive(Serialize)]
struct ErrorEntry {
    code: &'static str,
    message: String,
}

/// What a batch counts for its summary: counts only, never the results.
#[derive(Debug, Default)]
pub struct Tally {
    pub files: usize,
    pub valid: usize,
    pub with_errors: usize,
    pub unreadable: usize,
    pub by_code: BTreeMap<Code, usize>,
    /// How the reports were paired with last year's (a batch without `--previous`).
    pub pairing: Option<pairing::Summary>,
}

impl Tally {
    fn add(&mut self, done: &Done) {
        self.files += 1;
        match &done.outcome {
            Ok(true) => self.valid += 1,
            Ok(false) => self.with_errors += 1,
            Err(_) => self.unreadable += 1,
        }
        for code in &done.codes {
            *self.by_code.entry(*code).or_default() += 1;
        }
    }

    /// The codes found, the most frequent first (then in code order).
    pub fn codes_by_count(&self) -> Vec<(Code, usize)> {
        let mut codes: Vec<_> = self.by_code.iter().map(|(c, n)| (*c, *n)).collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        codes
    }
}

/// What a worker sends back for one input: its output already rendered, and what the
/// summary, the exit status and the HTML report need of it.
struct Done {
    index: usize,
    name: String,
    /// Whether the report is valid, or why it was not read.
    outcome: Result<bool, ReadError>,
    /// The code of each finding.
    codes: Vec<Code>,
    /// What is written for it on standard output (may be empty).
    text: Vec<u8>,
    html: Option<html::Row>,
}

/// How a worker renders a result.
#[derive(Clone, Copy)]
struct Render {
    format: OutputFormat,
    batch: bool,
    lang: Lang,
    html: bool,
}

/// The inputs not yet taken, handed out in order; in an ordered output no further than
/// `window` past the first one not yet written.
struct Queue {
    state: Mutex<QueueState>,
    ready: Condvar,
}

struct QueueState {
    inputs: VecDeque<(Input, Option<Paired>)>,
    next: usize,
    /// Inputs from this index on wait (`usize::MAX`: no limit).
    limit: usize,
    stopped: bool,
}

impl Queue {
    fn take(&self) -> Option<(usize, Input, Option<Paired>)> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if s.stopped {
                return None;
            }
            if s.next < s.limit {
                let (input, paired) = s.inputs.pop_front()?;
                s.next += 1;
                return Some((s.next - 1, input, paired));
            }
            s = self.ready.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn set_limit(&self, limit: usize) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if limit > s.limit {
            s.limit = limit;
            self.ready.notify_all();
        }
    }

    fn stop(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.stopped = true;
        self.ready.notify_all();
    }
}

pub fn run(args: &CheckArgs, lang: Lang, status: &mut Status) -> io::Result<()> {
    let (inputs, batch) = inputs::expand(&args.files);
    let previous = match &args.previous {
        None => None,
        Some(_) if batch => {
            let _ = writeln!(
                io::stderr(),
                "nianbao: {}",
                lang.say(
                    "--previous 只能与一个报告文件同用",
                    "--previous goes with a single report file"
                )
            );
            *status = Status::Unreadable;
            return Ok(());
        }
        Some(path) => match read_previous(path) {
            Ok(report) => Some(report),
            Err(e) => {
                inputs::report_unreadable(&path.display().to_string(), &e, lang);
                *status = Status::Unreadable;
                return Ok(());
            }
        },
    };
    let previous = previous.as_ref();
    let store = match args
        .store
        .as_deref()
        .map(|url| super::store::Batch::open(url, lang))
    {
        None => None,
        Some(Ok(batch)) => Some(batch),
        Some(Err(why)) => {
            let _ = writeln!(io::stderr(), "nianbao: {why}");
            *status = Status::Unreadable;
            return Ok(());
        }
    };
    let store = store.as_ref();
    let total = inputs.len();
    // (One input needs one job: the machine's cores are not asked for then.)
    let jobs = match args.jobs {
        Some(n) => n as usize,
        None if total <= 1 => 1,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
    .clamp(1, total.max(1));
    let mut tally = Tally::default();
    let partners = if batch {
        let (partners, summary) = pairing::plan(&inputs, jobs);
        tally.pairing = Some(summary);
        partners
    } else {
        Vec::new()
    };
    let mut partners = partners.into_iter();
    let inputs: VecDeque<_> = inputs
        .into_iter()
        .map(|input| (input, partners.next().flatten()))
        .collect();
    let render = Render {
        format: args.format,
        batch,
        lang,
        html: args.html.is_some(),
    };
    let ordered = args.format != OutputFormat::Ndjson;
    let window = jobs * 8;
    let queue = Queue {
        state: Mutex::new(QueueState {
            inputs,
            next: 0,
            limit: if ordered { window } else { usize::MAX },
            stopped: false,
        }),
        ready: Condvar::new(),
    };
    let progress = progress_bar(batch && !args.quiet, total);
    let mut html_rows = Vec::new();

    let mut write = |done: &mut dyn Iterator<Item = Done>| {
        write_all(
            done,
            args.format,
            batch,
            lang,
            &queue,
            window,
            &progress,
            status,
            &mut tally,
            &mut html_rows,
        )
    };
    let written = if jobs == 1 {
        // One job: each input checked on this thread, then written, in turn. A worker
        // thread would cost its start and its allocator's heap, and gain nothing.
        write(&mut std::iter::from_fn(|| {
            let (index, input, paired) = queue.take()?;
            Some(work(index, input, previous, paired.as_ref(), store, render))
        }))
    } else {
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::sync_channel::<Done>(jobs * 2);
            for _ in 0..jobs {
                let tx = tx.clone();
                let queue = &queue;
                scope.spawn(move || {
                    while let Some((index, input, paired)) = queue.take() {
                        let done = work(index, input, previous, paired.as_ref(), store, render);
                        if tx.send(done).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let result = write(&mut rx.iter());
            // On an error of ours (a closed pipe) the workers stop at their next input.
            queue.stop();
            drop(rx);
            result
        })
    };
    progress.finish_and_clear();
    written?;
    if store.is_some_and(|s| s.failed()) {
        *status = Status::Unreadable;
    }

    if batch {
        match args.format {
            OutputFormat::Human => {
                let mut out = anstream::stdout().lock();
                human::render_tally(&mut out, &tally, lang)?;
                out.flush()?;
            }
            // Standard output stays machine-readable.
            OutputFormat::Json | OutputFormat::Ndjson if !args.quiet => {
                let mut err = anstream::stderr().lock();
                human::render_tally(&mut err, &tally, lang)?;
            }
            _ => {}
        }
    }
    if let Some(path) = &args.html {
        html_rows.sort_by(|a: &html::Row, b| a.file.cmp(&b.file));
        let written = std::fs::File::create(path).and_then(|file| {
            html::write_page(&mut io::BufWriter::new(file), &html_rows, &tally, lang)
        });
        if let Err(e) = written {
            let _ = writeln!(io::stderr(), "nianbao: {}: {e}", path.display());
            *status = Status::Unreadable;
        }
    }
    Ok(())
}

/// The progress bar on stderr: only for a batch, only on a terminal.
fn progress_bar(wanted: bool, total: usize) -> ProgressBar {
    if !wanted || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} files  {rate}  ETA {eta}")
    {
        let style = style
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} files/s", state.per_sec());
                },
            )
            .progress_chars("█▉▊▋▌▍▎▏ ");
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The main thread's part: writes each result as it may be written, in the order of the
/// inputs or of completion.
#[allow(clippy::too_many_arguments)]
fn write_all(
    results: &mut dyn Iterator<Item = Done>,
    format: OutputFormat,
    batch: bool,
    lang: Lang,
    queue: &Queue,
    window: usize,
    progress: &ProgressBar,
    status: &mut Status,
    tally: &mut Tally,
    html_rows: &mut Vec<html::Row>,
) -> io::Result<()> {
    // Colour only for people: anstream drops it off a terminal or under NO_COLOR.
    let mut out: Box<dyn Write> = match format {
        OutputFormat::Human => Box::new(anstream::stdout().lock()),
        OutputFormat::Json | OutputFormat::Ndjson => Box::new(io::stdout().lock()),
    };
    let ordered = format != OutputFormat::Ndjson;
    if batch && format == OutputFormat::Json {
        write!(out, "[")?;
    }
    let mut first = true;
    let mut waiting: BTreeMap<usize, Done> = BTreeMap::new();
    let mut written = 0;
    for done in results {
        progress.inc(1);
        let ready: Vec<Done> = if ordered {
            waiting.insert(done.index, done);
            let mut ready = Vec::new();
            while let Some(d) = waiting.remove(&written) {
                written += 1;
                ready.push(d);
            }
            queue.set_limit(written + window);
            ready
        } else {
            vec![done]
        };
        for mut d in ready {
            *status = status.worst(match &d.outcome {
                Ok(true) => Status::Clean,
                Ok(false) => Status::Errors,
                Err(_) => Status::Unreadable,
            });
            tally.add(&d);
            if let Some(row) = d.html.take() {
                html_rows.push(row);
            }
            progress.suspend(|| -> io::Result<()> {
                if let Err(e) = &d.outcome {
                    out.flush()?;
                    inputs::report_unreadable(&d.name, e, lang);
                }
                match format {
                    OutputFormat::Human => {
                        if !d.text.is_empty() && !first {
                            writeln!(out)?;
                        }
                        out.write_all(&d.text)?;
                    }
                    OutputFormat::Json if batch => {
                        let sep = if first { "" } else { "," };
                        write!(out, "{sep}\n  ")?;
                        out.write_all(&d.text)?;
                    }
                    OutputFormat::Json => out.write_all(&d.text)?,
                    OutputFormat::Ndjson => {
                        out.write_all(&d.text)?;
                        out.flush()?;
                    }
                }
                Ok(())
            })?;
            first = false;
        }
    }
    if batch && format == OutputFormat::Json {
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    }
    out.flush()
}

/// Last year's report, read as any input is.
fn read_previous(path: &std::path::Path) -> Result<nianbao::Report, ReadError> {
    read_report(Input::single(path))
}

/// An input read into its canonical report.
pub fn read_report(input: Input) -> Result<nianbao::Report, ReadError> {
    let bytes = input.read()?;
    guarded(|| nianbao::normalize(&bytes))?.map_err(ReadError::from)
}

/// An input's title, agency and year, the rest unread ([`nianbao::ingest::ingest_title`]):
/// what a batch's first pass needs to pair the reports.
pub fn read_title(input: Input) -> Result<nianbao::Report, ReadError> {
    let bytes = input.read()?;
    guarded(|| nianbao::ingest::ingest_title(&bytes))?.map_err(ReadError::from)
}

/// A worker's part: reads, checks (against last year's report: given, the file it is
/// paired with, or — with a store — the stored one) and renders one input; with a store,
/// keeps it.
fn work(
    index: usize,
    input: Input,
    given: Option<&nianbao::Report>,
    paired: Option<&Paired>,
    store: Option<&super::store::Batch>,
    render: Render,
) -> Done {
    let name = input.name.clone();
    let options = Options { lang: render.lang };
    // The paired file was read in the first pass; one that cannot be read now is not
    // compared (its own entry says why).
    let last_year = paired
        .and_then(|p| p.input.reopen())
        .and_then(|i| read_report(i).ok());
    let previous = given.or(last_year.as_ref());
    let paired = paired.filter(|_| previous.is_some());
    let mut source = String::new();
    let mut sha256 = String::new();
    let outcome = input
        .read()
        .and_then(|bytes| {
            if store.is_some() {
                sha256 = crate::store::sha256_hex(&bytes);
            }
            guarded(|| ingest(&bytes))?.map_err(ReadError::from)
        })
        .and_then(|mut ingested| {
            source = std::mem::take(&mut ingested.source);
            match store {
                Some(store) => store.check(&name, sha256, ingested, previous, &options),
                None => guarded(|| check_ingested_with(ingested, previous, &options)),
            }
        });
    let text = rendered(&name, &outcome, &source, paired, render).unwrap_or_else(|e| {
        // Rendering into memory fails only on a bug; the entry says so.
        format!("nianbao: {name}: {e}\n").into_bytes()
    });
    let html = render.html.then(|| {
        let mut row = html::Row::new(&name, &outcome, render.lang);
        row.previous = paired.map(|p| p.name.clone());
        row
    });
    let codes = outcome
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| f.code)
        .collect();
    Done {
        index,
        name,
        outcome: outcome.map(|r| r.valid),
        codes,
        text,
        html,
    }
}

/// What is written on standard output for one input.
fn rendered(
    name: &str,
    outcome: &Result<CheckResult, ReadError>,
    source: &str,
    paired: Option<&Paired>,
    render: Render,
) -> io::Result<Vec<u8>> {
    let lang = render.lang;
    let entry = |name, outcome| entry(name, outcome, paired, lang);
    Ok(match (render.format, outcome) {
        (OutputFormat::Human, Ok(result)) => {
            let mut buf = Vec::new();
            if let Some(p) = paired {
                human::render_pairing(&mut buf, name, &p.name, p.renamed, lang)?;
            }
            human::render_result(&mut buf, name, result, source, lang)?;
            buf
        }
        (OutputFormat::Human, Err(_)) => Vec::new(),
        (OutputFormat::Json, Ok(result)) if !render.batch => {
            let mut text = to_json(result, true)?;
            text.push(b'\n');
            text
        }
        // One input, not read: the message on stderr is all there is.
        (OutputFormat::Json, Err(_)) if !render.batch => Vec::new(),
        // The array written element by element, laid out as `pretty::to_vec` lays out
        // the whole array (JSON strings hold no raw line breaks).
        (OutputFormat::Json, _) => {
            let text = to_json(&entry(name, outcome), true)?;
            let mut indented = Vec::with_capacity(text.len() + text.len() / 8);
            let mut from = 0;
            for at in memchr::memchr_iter(b'\n', &text) {
                indented.extend_from_slice(&text[from..=at]);
                indented.extend_from_slice(b"  ");
                from = at + 1;
            }
            indented.extend_from_slice(&text[from..]);
            indented
        }
        (OutputFormat::Ndjson, _) => {
            let mut text = to_json(&entry(name, outcome), false)?;
            text.push(b'\n');
            text
        }
    })
}

/// Runs the library so that a bug of it on one input fails that input, not the batch.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        ReadError::Internal(why)
    })
}

fn entry<'a>(
    name: &'a str,
    outcome: &'a Result<CheckResult, ReadError>,
    paired: Option<&'a Paired>,
    lang: Lang,
) -> Entry<'a> {
    Entry {
        previous: paired.map(|p| PreviousEntry {
            file: &p.name,
            renamed: p.renamed,
        }),
        file: name,
        result: outcome.as_ref().ok(),
        error: outcome.as_ref().err().map(|e| ErrorEntry {
            code: e.code(),
            message: e.message(lang),
        }),
    }
}

fn to_json<T: Serialize>(value: &T, pretty: bool) -> io::Result<Vec<u8>> {
    if pretty {
        nianbao::pretty::to_vec(value)
    } else {
        nianbao::pretty::to_vec_compact(value)
    }
    .map_err(io::Error::other)
}
