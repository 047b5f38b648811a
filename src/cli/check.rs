//! `nianbao check`: reads each input, checks it with the library and writes its result as
//! it finishes — human diagnostics, one JSON result (or an array of them), or NDJSON — then,
//! for a batch, the summary; and sets the exit status.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::ValueEnum;
use nianbao::{check_ingested, ingest, CheckResult, Code, Lang, Options};
use serde::Serialize;

use super::inputs::{self, ReadError};
use super::{human, Status};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Reports to check: files, directories (searched recursively), or `-` for standard
    /// input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// How to print results.
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// Findings with the source line quoted and the cell underlined, then counts.
    Human,
    /// The result object (RULES.md "JSON shapes"); for several inputs an array of
    /// `{"file", "result"}` or `{"file", "error": {"code", "message"}}`.
    Json,
    /// One compact JSON line per input, `{"file", "result"}` or `{"file", "error"}`, written
    /// as each input finishes.
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
}

#[derive(Serialize)]
struct ErrorEntry {
    code: &'static str,
    message: String,
}

/// What a batch counts for its summary.
#[derive(Debug, Default)]
pub struct Tally {
    pub files: usize,
    pub valid: usize,
    pub with_errors: usize,
    pub unreadable: usize,
    pub by_code: BTreeMap<Code, usize>,
}

impl Tally {
    fn add(&mut self, outcome: &Result<CheckResult, ReadError>) {
        self.files += 1;
        match outcome {
            Ok(r) if r.valid => self.valid += 1,
            Ok(_) => self.with_errors += 1,
            Err(_) => self.unreadable += 1,
        }
        for f in outcome.iter().flat_map(|r| &r.findings) {
            *self.by_code.entry(f.code).or_default() += 1;
        }
    }
}

pub fn run(args: &CheckArgs, lang: Lang, status: &mut Status) -> io::Result<()> {
    let (inputs, batch) = inputs::expand(&args.files);
    let options = Options { lang };
    // Colour only for people: anstream drops it off a terminal or under NO_COLOR.
    let mut out: Box<dyn Write> = match args.format {
        OutputFormat::Human => Box::new(anstream::stdout().lock()),
        OutputFormat::Json | OutputFormat::Ndjson => Box::new(io::stdout().lock()),
    };
    let mut tally = Tally::default();
    let mut first = true;
    if batch && args.format == OutputFormat::Json {
        write!(out, "[")?;
    }
    for input in inputs {
        let name = input.name.clone();
        let mut source = String::new();
        let outcome = input
            .read()
            .and_then(|bytes| guarded(|| ingest(&bytes))?.map_err(ReadError::from))
            .and_then(|mut ingested| {
                source = std::mem::take(&mut ingested.source);
                guarded(|| check_ingested(ingested, &options))
            });
        *status = status.worst(match &outcome {
            Ok(r) if r.valid => Status::Clean,
            Ok(_) => Status::Errors,
            Err(_) => Status::Unreadable,
        });
        tally.add(&outcome);
        if let Err(e) = &outcome {
            out.flush()?;
            inputs::report_unreadable(&name, e, lang);
        }
        match (args.format, &outcome) {
            (OutputFormat::Human, Ok(result)) => {
                if !first {
                    writeln!(out)?;
                }
                human::render_result(&mut out, &name, result, &source, lang)?
            }
            (OutputFormat::Human, Err(_)) => {}
            (OutputFormat::Json, Ok(result)) if !batch => {
                writeln!(out, "{}", to_json(result, true)?)?
            }
            // One input, not read: the message on stderr is all there is.
            (OutputFormat::Json, Err(_)) if !batch => {}
            (OutputFormat::Json, _) => {
                // The array written element by element, laid out as `to_string_pretty`
                // lays out the whole array (JSON strings hold no raw line breaks).
                let entry = to_json(&entry(&name, &outcome, lang), true)?;
                let sep = if first { "" } else { "," };
                write!(out, "{sep}\n  {}", entry.replace('\n', "\n  "))?;
            }
            (OutputFormat::Ndjson, _) => {
                writeln!(out, "{}", to_json(&entry(&name, &outcome, lang), false)?)?;
                out.flush()?;
            }
        }
        first = false;
    }
    match args.format {
        OutputFormat::Json if batch => writeln!(out, "{}]", if first { "" } else { "\n" })?,
        OutputFormat::Human if batch => human::render_tally(&mut out, &tally, lang)?,
        _ => {}
    }
    out.flush()
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

fn entry<'a>(name: &'a str, outcome: &'a Result<CheckResult, ReadError>, lang: Lang) -> Entry<'a> {
    Entry {
        file: name,
        result: outcome.as_ref().ok(),
        error: outcome.as_ref().err().map(|e| ErrorEntry {
            code: e.code(),
            message: e.message(lang),
        }),
    }
}

fn to_json<T: Serialize>(value: &T, pretty: bool) -> io::Result<String> {
    if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .map_err(io::Error::other)
}
