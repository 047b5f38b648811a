//! nianbao checks and normalizes China's government information-disclosure annual reports
//! (政府信息公开工作年度报告). One entry, [`check`]: the bytes of a report in, the canonical
//! report and its findings out — the same on every host (CLI, server, browser).
//!
//! Layers, each using only those below: `check` → `ingest` (formats → [`model::Report`]) and
//! `rules` → `model`, `normalize`, `template`, `finding`. Beside them, for hosts: `blanks` (a
//! result's blank cells told a table at a time) and `labels`.

// `unsafe` is allowed where a function says why it holds (one place: `pretty::to_string`).
#![deny(unsafe_code)]

pub mod agency;
pub mod blanks;
pub mod check;
mod compile_time;
pub mod finding;
pub mod ingest;
pub mod labels;
pub mod model;
pub mod normalize;
pub mod pretty;
pub mod rules;
pub mod schema;
pub mod template;

pub use check::{
    check, check_ingested, check_ingested_with, check_with_previous, normalize, CheckResult,
    Options, Summary,
};
pub use finding::{Code, Finding, Lang, Severity};
pub use ingest::{ingest, Format, Ingested, InputError};
pub use model::Report;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
