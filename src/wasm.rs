//! The browser host (wasm-bindgen): translates JavaScript values to the engine's input and
//! its results back to plain objects. No rule lives here; every answer is the engine's, as
//! the CLI and the server give it, built from the same JSON text.

use js_sys::{Array, ArrayBuffer, Error, Reflect, Uint8Array, JSON};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::finding::{Lang, DEFINITIONS};
use crate::ingest::InputError;
use crate::{check::ENGINE, CheckResult, Options};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A report: its text (as extracted from PDF or Word), its bytes, or the canonical report. */
export type ReportInput = string | Uint8Array | ArrayBuffer | Report;
export interface CheckOptions { lang?: "zh" | "en" }
export type Severity = "error" | "warning" | "info";
export type Cell = number | string | null;
export interface Section { heading: string; text: string }
export interface Report {
  template?: "2019" | "2021" | null; year?: number | null; agency?: string | null;
  title?: string | null; preamble?: string;
  sections?: { [key: string]: Section | null };
  extra_sections?: Section[];
  t2?: { [block: string]: { [row: string]: { [column: string]: Cell } } } | null;
  t3?: { [row: string]: { [column: string]: Cell } } | null;
  t4?: { [cell: string]: Cell } | null;
}
export interface Location {
  section?: string; table?: string; block?: string; row?: string; column?: string;
  line?: number; col?: number;
}
export interface Finding {
  code: string; severity: Severity; message: string;
  params: { [name: string]: unknown; suspect?: { table: string; block?: string; row?: string; column: string; value: number } };
  location: Location;
}
export interface CheckResult {
  engine: { name: "nianbao"; version: string };
  template: "2019" | "2021" | null; year: number | null; agency: string | null;
  valid: boolean;
  summary: { errors: number; warnings: number; infos: number };
  findings: Finding[];
  report: Report;
}
export interface RuleDefinition {
  code: string; severity: Severity; rule: string | null; summary: string; summary_zh: string;
  zh: string; en: string; doc: string;
}
/** Thrown when an input cannot be read at all; `code` is stable (`empty`, `too_large`, …). */
export interface NianbaoInputError extends Error { code: string }
"#;

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct JsOptions {
    lang: Option<String>,
}

fn read_options(value: &JsValue) -> Result<Options, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Options::default());
    }
    let o: JsOptions = serde_wasm_bindgen::from_value(value.clone())
        .map_err(|e| error("options", &format!("invalid options: {e}")))?;
    let lang = match o.lang.as_deref() {
        None | Some("zh") => Lang::Zh,
        Some("en") => Lang::En,
        Some(other) => {
            return Err(error(
                "options",
                &format!("invalid options: lang must be \"zh\" or \"en\", not {other:?}"),
            ))
        }
    };
    Ok(Options { lang })
}

/// The bytes of an input: a string as UTF-8, bytes as they are, a report object as its JSON.
fn input_bytes(input: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = input.as_string() {
        return Ok(s.into_bytes());
    }
    if let Some(bytes) = input.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if let Some(buffer) = input.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    if input.is_object() && !Array::is_array(input) {
        let text = JSON::stringify(input)
            .map_err(|_| error("json", "the report object cannot be written as JSON"))?;
        return Ok(String::from(text).into_bytes());
    }
    Err(error(
        "input",
        "input must be the report's text (string), its bytes (Uint8Array) or a canonical report object",
    ))
}

/// A JavaScript `Error` with a stable `code`.
fn error(code: &str, message: &str) -> JsValue {
    let e = Error::new(message);
    let _ = Reflect::set(&e, &"code".into(), &code.into());
    e.into()
}

fn input_error(e: InputError, lang: Lang) -> JsValue {
    let message = match lang {
        Lang::Zh => e.message_zh(),
        Lang::En => e.to_string(),
    };
    error(e.code(), &message)
}

fn parse(json: &str) -> Result<JsValue, JsValue> {
    JSON::parse(json)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|e| error("internal", &e.to_string()))
}

/// Checks a report; returns the result object of RULES.md "JSON shapes".
#[wasm_bindgen(js_name = check, unchecked_return_type = "CheckResult")]
pub fn check(
    #[wasm_bindgen(unchecked_param_type = "ReportInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CheckOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    parse(&to_json(&run_check(&input, options)?)?)
}

/// The result as the CLI prints it with `--format json` (pretty JSON text), byte for byte.
#[wasm_bindgen(js_name = checkJson)]
pub fn check_json(
    #[wasm_bindgen(unchecked_param_type = "ReportInput")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CheckOptions")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    let result = run_check(&input, options)?;
    serde_json::to_string_pretty(&result).map_err(|e| error("internal", &e.to_string()))
}

fn run_check(input: &JsValue, options: Option<JsValue>) -> Result<CheckResult, JsValue> {
    let opts = read_options(&options.unwrap_or(JsValue::UNDEFINED))?;
    let bytes = input_bytes(input)?;
    crate::check(&bytes, &opts).map_err(|e| input_error(e, opts.lang))
}

/// Reads a report into its canonical form without checking it.
#[wasm_bindgen(js_name = normalize, unchecked_return_type = "Report")]
pub fn normalize(
    #[wasm_bindgen(unchecked_param_type = "ReportInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = input_bytes(&input)?;
    let report = crate::normalize(&bytes).map_err(|e| input_error(e, Lang::Zh))?;
    parse(&to_json(&report)?)
}

/// Every finding code with its severity, messages and doc.
#[wasm_bindgen(js_name = rules, unchecked_return_type = "RuleDefinition[]")]
pub fn rules() -> Result<JsValue, JsValue> {
    parse(&to_json(&DEFINITIONS)?)
}

/// The engine's version.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    ENGINE.version.to_string()
}
