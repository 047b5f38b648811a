//! The one entry of the engine: bytes (or an already ingested report) in, the result of
//! RULES.md "JSON shapes" out. Hosts call this and only translate its result.

use schemars::JsonSchema;
use serde::Serialize;

use crate::finding::{Finding, Lang, Severity};
use crate::ingest::{self, Ingested, InputError};
use crate::model::Report;
use crate::rules;
use crate::template::Version;

/// How to check.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub lang: Lang,
}

/// The engine that made a result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Engine {
    pub name: &'static str,
    pub version: &'static str,
}

pub const ENGINE: Engine = Engine {
    name: "nianbao",
    version: env!("CARGO_PKG_VERSION"),
};

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

/// The result of a check.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CheckResult {
    pub engine: Engine,
    pub template: Option<Version>,
    pub year: Option<i32>,
    pub agency: Option<String>,
    /// False exactly when there is at least one finding of severity `error`.
    pub valid: bool,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub report: Report,
}

/// Checks a report given as bytes in any supported format.
pub fn check(input: &[u8], options: &Options) -> Result<CheckResult, InputError> {
    Ok(check_ingested(ingest::ingest(input)?, options))
}

/// Checks a report against last year's report of the same agency too (the cross-year rules
/// X001–X003; `previous` as [`normalize`] reads it).
pub fn check_with_previous(
    input: &[u8],
    previous: &Report,
    options: &Options,
) -> Result<CheckResult, InputError> {
    Ok(check_ingested_with(
        ingest::ingest(input)?,
        Some(previous),
        options,
    ))
}

/// Reads a report into its canonical form without checking it.
pub fn normalize(input: &[u8]) -> Result<Report, InputError> {
    Ok(ingest::ingest(input)?.report)
}

/// Runs the rules over an ingested report.
pub fn check_ingested(ingested: Ingested, options: &Options) -> CheckResult {
    check_ingested_with(ingested, None, options)
}

/// Runs the rules over an ingested report, and the cross-year rules when last year's
/// report is given.
pub fn check_ingested_with(
    ingested: Ingested,
    previous: Option<&Report>,
    options: &Options,
) -> CheckResult {
    let Ingested {
        report,
        mut findings,
        ..
    } = ingested;
    rules::run_unrendered(&report, &mut findings);
    if let Some(previous) = previous {
        rules::run_across_years_unrendered(&report, previous, &mut findings);
    }
    // Errors first, then in document order; a stable sort keeps the rules' own order.
    findings.sort_by_key(|f| {
        (
            f.severity,
            f.location.line.unwrap_or(u32::MAX),
            f.location.col.unwrap_or(u32::MAX),
        )
    });
    // Messages name labels of the version the tables were read with (表二's keys are
    // shared by both versions, their labels are not).
    let version = Some(report.reading_version());
    for f in &mut findings {
        f.relabel(options.lang, version);
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let summary = Summary {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    };
    CheckResult {
        engine: ENGINE,
        template: report.template,
        year: report.year,
        agency: report.agency.clone(),
        valid: summary.errors == 0,
        summary,
        findings,
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Code;

    /// 表二's keys are shared by both versions; messages use the labels of the report's.
    #[test]
    fn messages_use_the_labels_of_the_report_version() {
        let input = br#"{"template":"2021","t2":{"art20_1":{"regulations":{"made":"x","repealed":0,"valid":0}}}}"#;
        let r = check(input, &Options::default()).unwrap();
        let c004 = r.findings.iter().find(|f| f.code == Code::C004).unwrap();
        assert!(c004.message.contains("本年制发件数"), "{}", c004.message);
        let c002 = r.findings.iter().find(|f| f.code == Code::C002).unwrap();
        assert!(c002.message.contains("行政规范性文件"), "{}", c002.message);
    }
}
