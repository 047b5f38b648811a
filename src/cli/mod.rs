//! The command line: the arguments (clap), the commands, and how a run ends (exit codes,
//! output errors). A command reads its input, calls the library and renders what it
//! returns; no rule is decided here.

mod check;
mod html;
mod human;
mod inputs;
mod pairing;
mod rules;
mod store;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use nianbao::Lang;

const EXIT_CODES: &str = "\
Exit codes:
  0  every report was read, and none has a finding of severity error
  1  at least one report has an error (warnings and infos never fail a run)
  2  an input could not be read (missing, empty, binary, too large, undecodable,
     JSON of the wrong shape, a .doc/.wps, a scanned, encrypted or damaged
     PDF), or the command line is wrong";

const EXAMPLES: &str = "\
Examples:
  nianbao check report.txt                 findings, the source lines quoted
  nianbao check --lang en reports/         every file under reports/, then a summary
  nianbao check --format json report.txt   the result as JSON (nianbao schema result)
  nianbao check report.pdf report.docx     a PDF (text layer) or Word document as it is
  pdftotext -layout report.pdf - | nianbao check -
  nianbao normalize report.txt             the tables as the canonical report JSON
  nianbao rules                            every finding code
  nianbao serve --addr 0.0.0.0:8080        the HTTP API (POST /v1/check, …)";

const FORMATS_READ: &str = "\
Inputs are recognized by their content, not their name:
  - text extracted from a PDF or Word report (pdftotext -layout, copy and paste),
    in UTF-8, GBK, GB18030, Big5 or UTF-16;
  - Word documents (.docx), HTML pages (the page as published, any charset) and
    PDFs with a text layer, as they are;
  - the canonical report JSON (`nianbao schema report`).
.doc/.wps/.xls files are recognized and refused with advice to save them as .docx;
a scanned PDF (no text layer) is refused with a message that says so.";

/// What inputs are read, the size limit stated from the engine's.
fn formats_read() -> String {
    let mb = nianbao::ingest::MAX_INPUT_BYTES / (1024 * 1024);
    format!("{FORMATS_READ} Inputs larger than {mb} MB are refused.")
}

#[derive(Debug, Parser)]
#[command(
    name = "nianbao",
    version = env!("NIANBAO_VERSION"),
    about = "Checks China's government information-disclosure annual reports (政府信息公开工作年度报告)",
    long_about = "Checks China's government information-disclosure annual reports \
                  (政府信息公开工作年度报告): the six sections are there, the tables follow the \
                  State Council template of the report's year, and their figures add up \
                  (勾稽关系). What cannot be read is reported, never guessed.",
    after_help = format!("{EXAMPLES}\n\n{EXIT_CODES}")
)]
struct Cli {
    /// Language of messages and of the human output.
    #[arg(long, value_enum, global = true, default_value_t = LangArg::Zh)]
    lang: LangArg,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check reports and print their findings.
    #[command(long_about = "Check reports and print their findings.\n\n\
        With one file, prints its findings, then a line with its counts. With several \
        files or a directory (searched recursively, in sorted order, hidden files and \
        directories skipped), prints the result of each file, then a summary: files read, \
        valid, with errors, unreadable, and the count of each finding code. An unreadable \
        file is reported on stderr and the run goes on.\n\n\
        In a batch, each report of year N is paired with the report of year N−1 of the same \
        agency (names compared as src/agency.rs says: 人民政府 = 政府, punctuation and spaces \
        aside, a county renamed a district when that is clear) and the cross-year rules \
        (X001–X003, P002) run; the summary says which reports have no last year's, and \
        duplicates (one agency, one year, two files), which are not paired.",
        after_help = format!("{}\n\n{EXIT_CODES}", formats_read()))]
    Check(check::CheckArgs),

    /// Print the canonical report JSON read from a report, without checking it.
    #[command(
        long_about = "Print the canonical report JSON read from a report, without \
        checking it: template, year, agency, title, sections and the three tables, with \
        the keys of RULES.md (`nianbao schema report` gives its JSON Schema).\n\n\
        Exit codes: 0 the report was read; 2 it could not be read."
    )]
    Normalize(NormalizeArgs),

    /// List every finding code: severity, what it says and its message.
    Rules(rules::RulesArgs),

    /// Print the JSON Schema (draft 2020-12) of the canonical report or of a check result, or
    /// the OpenAPI document of the HTTP API.
    Schema(SchemaArgs),

    /// Serve the HTTP JSON API (POST /v1/check …) until SIGTERM or Ctrl-C.
    #[command(
        long_about = "Serve the HTTP JSON API for server-side intake verification: \
        POST /v1/check answers exactly what `check --format json` prints for the same \
        report. Settings by flags or environment variables; SIGTERM or Ctrl-C stop accepting \
        and finish the requests in flight. Logs go to stderr, one line per request."
    )]
    Serve(crate::server::ServeArgs),
}

#[derive(Debug, clap::Args)]
#[command(after_help = formats_read())]
struct NormalizeArgs {
    /// The report to read; `-` reads standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

#[derive(Debug, clap::Args)]
struct SchemaArgs {
    /// Which schema: `report` (what `normalize` prints and a portal may post) or `result`
    /// (what `check --format json` prints).
    #[arg(value_enum)]
    which: Which,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Which {
    /// The canonical report.
    Report,
    /// The result of a check.
    Result,
    /// The OpenAPI 3.1 document of `nianbao serve` (its components hold the two above).
    Openapi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LangArg {
    /// Chinese (中文).
    Zh,
    /// English.
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

/// How a run ends, worst wins: the exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    #[default]
    Clean = 0,
    Errors = 1,
    Unreadable = 2,
}

impl Status {
    fn worst(self, other: Status) -> Status {
        self.max(other)
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = Lang::from(cli.lang);
    let mut status = Status::Clean;
    let written = match cli.command {
        Command::Check(args) => check::run(&args, lang, &mut status),
        Command::Normalize(args) => normalize(&args, lang, &mut status),
        Command::Rules(args) => rules::run(&args, lang),
        Command::Serve(args) => return crate::server::run(&args),
        Command::Schema(args) => print_json(&match args.which {
            Which::Report => nianbao::schema::report_schema(),
            Which::Result => nianbao::schema::result_schema(),
            Which::Openapi => crate::server::openapi::document(),
        }),
    };
    match written {
        // A reader that stops early (`| head`) is not an error of ours.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            let _ = writeln!(
                io::stderr(),
                "nianbao: {}: {e}",
                lang.say("写入输出失败", "cannot write output")
            );
            ExitCode::from(Status::Unreadable as u8)
        }
        _ => ExitCode::from(status as u8),
    }
}

fn normalize(args: &NormalizeArgs, lang: Lang, status: &mut Status) -> io::Result<()> {
    let input = inputs::Input::single(&args.file);
    let name = input.name.clone();
    let report = input
        .read()
        .and_then(|bytes| check::guarded(|| nianbao::normalize(&bytes))?.map_err(Into::into));
    match report {
        Ok(report) => print_json(&report),
        Err(e) => {
            inputs::report_unreadable(&name, &e, lang);
            *status = Status::Unreadable;
            Ok(())
        }
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> io::Result<()> {
    let text = nianbao::pretty::to_string(value).map_err(io::Error::other)?;
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arguments_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn the_worst_status_wins() {
        assert_eq!(Status::Errors.worst(Status::Clean), Status::Errors);
        assert_eq!(Status::Errors.worst(Status::Unreadable), Status::Unreadable);
    }
}
