//! The browser host (wasm-bindgen): translates JavaScript values to the engine's input and
//! its results back to plain objects. No rule lives here; every answer is the engine's, as
//! the CLI and the server give it, built from the same JSON text.
//!
//! A `Blob` (a `File` picked or dropped on a page) is read with gloo-file — its size is
//! looked at first, so a file over the input limit is refused without being read — and the
//! answer is then a `Promise`; every other input is answered at once.

use js_sys::{Array, ArrayBuffer, Error, Promise, Reflect, Uint8Array, JSON};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::finding::{Lang, DEFINITIONS};
use crate::ingest::{InputError, MAX_INPUT_BYTES};
use crate::template::Version;
use crate::{check::ENGINE, CheckResult, Options};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A report: its text (as extracted from PDF or Word), its bytes, or the canonical report. */
export type ReportInput = string | Uint8Array | ArrayBuffer | Report;
/**
 * Checks a report; returns the result object of RULES.md "JSON shapes". A `Blob` (a picked
 * or dropped `File`) is read first, so its result is a Promise. Throws (or rejects with) a
 * `NianbaoInputError` when the input cannot be read. A report *object* has no text, so its
 * findings' locations have no `line` or `col` (the same report as JSON text keeps them).
 */
export function check(input: Blob, options?: CheckOptions): Promise<CheckResult>;
export function check(input: ReportInput, options?: CheckOptions): CheckResult;
/** The result as the CLI prints it with `--format json` (pretty JSON text), byte for byte. */
export function checkJson(input: Blob, options?: CheckOptions): Promise<string>;
export function checkJson(input: ReportInput, options?: CheckOptions): string;
/** Reads a report into its canonical form without checking it. */
export function normalize(input: Blob): Promise<Report>;
export function normalize(input: ReportInput): Report;
/**
 * `lang`: the messages' language. `previous`: last year's report of the same agency (text,
 * bytes, a Blob or File, or a canonical report object); the cross-year rules X001–X003 then
 * run, as `nianbao check --previous` — an unreadable one throws code `previous_unreadable`.
 */
export interface CheckOptions { lang?: "zh" | "en"; previous?: ReportInput | Blob }
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
export interface Named { key: string; label: string }
/** The template's labels by canonical key, in template order (`labels()`). */
export interface Labels {
  template: "2019" | "2021";
  tables: Named[]; sections: Named[];
  t2: { key: string; label: string; rows: Named[]; columns: Named[] }[];
  t3: { rows: { key: string; label: string; parent: string | null }[]; columns: Named[] };
  t4: { groups: Named[]; cells: { key: string; group: string; label: string }[] };
}
/**
 * A table's blank cells (C003) taken together, as the CLI's human output says them: the
 * blocks, columns and rows wholly blank, the other cells, and the line (`message`). Hosts
 * show it in place of the table's C003 findings (`findings`: their indices in the result,
 * shown where the first stands). Keys as params name cells (`r1.np`, `rv_keep`).
 */
export interface TableBlanks {
  table: "t2" | "t3" | "t4"; count: number; all: boolean;
  blocks: string[]; columns: string[]; rows: string[]; cells: string[];
  line: number | null; findings: number[]; message: string;
}
/**
 * Thrown when an input cannot be read at all; `code` is stable (`empty`, `too_large`, …).
 * The core engine (nianbao_core.js, built without the readers) throws code
 * `reader_not_loaded` with `reader` "docx", "pdf" or "encodings" (a text or page not in
 * UTF-8) for an input that needs one: the full engine (nianbao.js) reads it.
 */
export interface NianbaoInputError extends Error { code: string; reader?: "docx" | "pdf" | "encodings" }
"#;

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsOptions {
    lang: Option<String>,
    /// Last year's report, as any input is given (`undefined` when not).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    previous: JsValue,
}

fn read_options(value: &JsValue) -> Result<Options, JsValue> {
    read_check_options(value).map(|(opts, _)| opts)
}

/// The options of `check` and `checkJson`: the engine's, and last year's report if given.
fn read_check_options(value: &JsValue) -> Result<(Options, Option<JsValue>), JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok((Options::default(), None));
    }
    // serde-wasm-bindgen reads a struct's fields by name, so it cannot see the others.
    if let Some(object) = value.dyn_ref::<js_sys::Object>() {
        for key in js_sys::Object::keys(object)
            .iter()
            .filter_map(|k| k.as_string())
        {
            if !["lang", "previous"].contains(&key.as_str()) {
                return Err(error(
                    "options",
                    &format!("invalid options: unknown option {key:?} (lang, previous)"),
                ));
            }
        }
    }
    let o: JsOptions = serde_wasm_bindgen::from_value(value.clone())
        .map_err(|e| error("options", &format!("invalid options: {e}")))?;
    let previous = Some(o.previous).filter(|p| !p.is_undefined() && !p.is_null());
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
    Ok((Options { lang }, previous))
}

/// What a call was given: its input now, or a Blob to read first.
enum Given {
    Now(Input),
    Blob(web_sys::Blob),
}

/// An input's bytes; `object`: the JSON text of a report object, which nobody has (so its
/// findings get no line or column: [`crate::ingest::ingest_object`]).
enum Input {
    /// Bytes, read by their content.
    Bytes(Vec<u8>),
    /// A string: its text, already UTF-8.
    Text(String),
    /// A report object, as JSON.stringify wrote it.
    Object(String),
}

impl Input {
    /// The input read as the engine reads it: a report object as canonical JSON without
    /// places, anything else by its content (`ingest`; a string as its UTF-8 bytes).
    fn ingest(&self) -> Result<crate::Ingested, InputError> {
        match self {
            Input::Bytes(bytes) => crate::ingest::ingest(bytes),
            Input::Text(text) => crate::ingest::ingest_text(text),
            Input::Object(json) => crate::ingest::ingest_object(json),
        }
    }
}

fn given(input: &JsValue) -> Result<Given, JsValue> {
    if let Some(blob) = input.dyn_ref::<web_sys::Blob>() {
        return Ok(Given::Blob(blob.clone()));
    }
    input_bytes(input).map(Given::Now)
}

/// Which of a call's inputs a Blob was: its errors are worded and coded for it.
#[derive(Clone, Copy)]
enum Whose {
    Report,
    Previous,
}

impl Whose {
    /// An error of this input (`previous_unreadable` for last year's report, with the
    /// server's wording).
    fn error(self, code: &str, message: &str, lang: Lang) -> JsValue {
        match self {
            Whose::Report => error(code, message),
            Whose::Previous => error(
                "previous_unreadable",
                &format!(
                    "{}{message}",
                    lang.say(
                        "上一年度报告（previous）无法读取：",
                        "last year's report (`previous`) cannot be read: "
                    )
                ),
            ),
        }
    }

    fn input_error(self, e: InputError, lang: Lang) -> JsValue {
        let message = match lang {
            Lang::Zh => e.message_zh(),
            Lang::En => e.to_string(),
        };
        if let InputError::ReaderNotLoaded { .. } = e {
            // Not the input's fault, last year's report's neither: the host loads the full
            // engine and asks again (www/nianbao-engine.js), whichever input needed it.
            return reader_not_loaded(&e, &message);
        }
        self.error(e.code(), &message, lang)
    }
}

/// `answer(bytes, previous)` now, or, when either is a Blob, a Promise of it once both are
/// read. A Blob over the input limit is refused (the promise rejects) without being read.
fn answer(
    input: &JsValue,
    previous: Option<&JsValue>,
    lang: Lang,
    answer: impl FnOnce(Input, Option<Input>) -> Result<JsValue, JsValue> + 'static,
) -> Result<JsValue, JsValue> {
    let input = given(input)?;
    let previous = previous
        .map(|p| given(p).map_err(|e| Whose::Previous.error("input", &message_of(&e), lang)))
        .transpose()?;
    let blobs = [(&input, Whose::Report)]
        .into_iter()
        .chain(previous.as_ref().map(|p| (p, Whose::Previous)));
    let mut any_blob = false;
    for (given, whose) in blobs {
        let Given::Blob(blob) = given else { continue };
        any_blob = true;
        let size = blob.size();
        if size > MAX_INPUT_BYTES as f64 {
            let too_large = InputError::TooLarge {
                bytes: size as usize,
                limit: MAX_INPUT_BYTES,
            };
            return Ok(Promise::reject(&whose.input_error(too_large, lang)).into());
        }
    }
    if !any_blob {
        let bytes = |g: Given| match g {
            Given::Now(input) => input,
            Given::Blob(_) => unreachable!("no Blob among the inputs"),
        };
        return answer(bytes(input), previous.map(bytes));
    }
    // gloo-file reads through FileReader: in a page and a worker, not in Node.
    if !Reflect::has(&js_sys::global(), &"FileReader".into()).unwrap_or(false) {
        let message = lang.say(
            "此环境无法读取 Blob（没有 FileReader）：请传入其字节（Uint8Array）",
            "a Blob cannot be read here (no FileReader): pass its bytes (Uint8Array)",
        );
        return Ok(Promise::reject(&error("input", message)).into());
    }
    let read = async move {
        let bytes = read_given(input, Whose::Report, lang).await?;
        let previous = match previous {
            Some(p) => Some(read_given(p, Whose::Previous, lang).await?),
            None => None,
        };
        answer(bytes, previous)
    };
    Ok(wasm_bindgen_futures::future_to_promise(read).into())
}

/// A given input, a Blob read first.
async fn read_given(given: Given, whose: Whose, lang: Lang) -> Result<Input, JsValue> {
    let blob = match given {
        Given::Now(input) => return Ok(input),
        Given::Blob(blob) => gloo_file::Blob::from(blob),
    };
    let bytes = gloo_file::futures::read_as_bytes(&blob).await;
    bytes.map(Input::Bytes).map_err(|e| {
        // The file went away or changed on disk since it was picked, or the browser refused
        // to read it.
        let why = lang.say("无法读取文件：", "the file cannot be read: ");
        whose.error("unreadable_file", &format!("{why}{e}"), lang)
    })
}

/// `reader_not_loaded`: the Error also names the reader (`reader`: `docx`, `pdf` or
/// `encodings`).
fn reader_not_loaded(e: &InputError, message: &str) -> JsValue {
    let err = error(e.code(), message);
    if let InputError::ReaderNotLoaded { reader } = e {
        let _ = Reflect::set(&err, &"reader".into(), &reader.name().into());
    }
    err
}

/// The message of an `Error` made by [`error`].
fn message_of(e: &JsValue) -> String {
    e.dyn_ref::<Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

/// The bytes of an input: a string as UTF-8, bytes as they are, a report object as its JSON.
fn input_bytes(input: &JsValue) -> Result<Input, JsValue> {
    if let Some(s) = input.as_string() {
        return Ok(Input::Text(s));
    }
    if let Some(b) = input.dyn_ref::<Uint8Array>() {
        return Ok(Input::Bytes(b.to_vec()));
    }
    if let Some(buffer) = input.dyn_ref::<ArrayBuffer>() {
        return Ok(Input::Bytes(Uint8Array::new(buffer).to_vec()));
    }
    if input.is_object() && !Array::is_array(input) {
        let text = JSON::stringify(input)
            .map_err(|_| error("json", "the report object cannot be written as JSON"))?;
        return Ok(Input::Object(String::from(text)));
    }
    Err(error(
        "input",
        "input must be the report's text (string), its bytes (Uint8Array), a Blob or File, or a canonical report object",
    ))
}

/// A JavaScript `Error` with a stable `code`.
fn error(code: &str, message: &str) -> JsValue {
    let e = Error::new(message);
    let _ = Reflect::set(&e, &"code".into(), &code.into());
    e.into()
}

fn input_error(e: InputError, lang: Lang) -> JsValue {
    Whose::Report.input_error(e, lang)
}

fn parse(json: &str) -> Result<JsValue, JsValue> {
    JSON::parse(json)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|e| error("internal", &e.to_string()))
}

/// Checks a report; returns the result object of RULES.md "JSON shapes" (for a Blob, a
/// Promise of it).
#[wasm_bindgen(js_name = check, skip_typescript)]
pub fn check(input: JsValue, options: Option<JsValue>) -> Result<JsValue, JsValue> {
    let (opts, previous) = read_check_options(&options.unwrap_or(JsValue::UNDEFINED))?;
    answer(
        &input,
        previous.as_ref(),
        opts.lang,
        move |input, previous| parse(&to_json(&run_check(&input, previous, &opts)?)?),
    )
}

/// The result as the CLI prints it with `--format json` (pretty JSON text), byte for byte
/// (for a Blob, a Promise of it).
#[wasm_bindgen(js_name = checkJson, skip_typescript)]
pub fn check_json(input: JsValue, options: Option<JsValue>) -> Result<JsValue, JsValue> {
    let (opts, previous) = read_check_options(&options.unwrap_or(JsValue::UNDEFINED))?;
    answer(
        &input,
        previous.as_ref(),
        opts.lang,
        move |input, previous| {
            let result = run_check(&input, previous, &opts)?;
            crate::pretty::to_string(&result)
                .map(JsValue::from)
                .map_err(|e| error("internal", &e.to_string()))
        },
    )
}

/// Checks `input`, against last year's report when given (read after the report, as the
/// server reads it).
fn run_check(
    input: &Input,
    previous: Option<Input>,
    opts: &Options,
) -> Result<CheckResult, JsValue> {
    let ingested = input.ingest().map_err(|e| input_error(e, opts.lang))?;
    let previous = previous
        .map(|p| {
            p.ingest()
                .map(|read| read.report)
                .map_err(|e| Whose::Previous.input_error(e, opts.lang))
        })
        .transpose()?;
    Ok(crate::check_ingested_with(
        ingested,
        previous.as_ref(),
        opts,
    ))
}

/// Reads a report into its canonical form without checking it (for a Blob, a Promise of it).
#[wasm_bindgen(js_name = normalize, skip_typescript)]
pub fn normalize(input: JsValue) -> Result<JsValue, JsValue> {
    answer(&input, None, Lang::Zh, |input, _| {
        let report = input.ingest().map_err(|e| input_error(e, Lang::Zh))?.report;
        parse(&to_json(&report)?)
    })
}

/// A result's blank cells, a table at a time (tables with two or more), worded in
/// `options.lang` as the CLI's human output words them.
#[wasm_bindgen(js_name = blanks, unchecked_return_type = "TableBlanks[]")]
pub fn blanks(
    #[wasm_bindgen(unchecked_param_type = "CheckResult")] result: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CheckOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let opts = read_options(&options.unwrap_or(JsValue::UNDEFINED))?;
    let text = JSON::stringify(&result)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| error("input", "the result cannot be written as JSON"))?;
    let groups = crate::blanks::of_json(&text, opts.lang)
        .map_err(|e| error("input", &format!("not a check result: {e}")))?;
    parse(&to_json(&groups)?)
}

/// Every finding code with its severity, messages and doc.
#[wasm_bindgen(js_name = rules, unchecked_return_type = "RuleDefinition[]")]
pub fn rules() -> Result<JsValue, JsValue> {
    parse(&to_json(&DEFINITIONS)?)
}

/// The template's labels by canonical key (`"2019"` or `"2021"`; the 2021 template if
/// none), for naming places in words.
#[wasm_bindgen(js_name = labels, unchecked_return_type = "Labels")]
pub fn labels(
    #[wasm_bindgen(unchecked_optional_param_type = "\"2019\" | \"2021\" | null")] template: Option<
        String,
    >,
) -> Result<JsValue, JsValue> {
    let version = match template.as_deref() {
        Some("2019") => Version::V2019,
        None | Some("2021") => Version::V2021,
        Some(other) => {
            return Err(error(
                "options",
                &format!("template must be \"2019\" or \"2021\", not {other:?}"),
            ))
        }
    };
    parse(&to_json(&crate::labels::labels(version))?)
}

/// The engine's version.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    ENGINE.version.to_string()
}
