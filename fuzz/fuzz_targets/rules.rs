//! Fuzzes the rules rather than the readers: the input is a recipe of edits to the
//! canonical JSON of a real report (examples/minhe-2020.txt, 2019 template, or
//! tests/fixtures/huaian-2024.txt, 2021 template, as `nianbao normalize` reads them). The
//! fuzzer's bytes choose cells (any leaf: a table cell, the year, the template, a
//! section's text) and set them to 0, huge, negative, decimal, money, blank, null, a
//! string, an object…, and mutate the prose (insert figures and phrases, cut, replace).
//! The edited report is checked as JSON in zh and en, optionally against last year's
//! report (the cross-year rules), and the result is held to the invariants of common.rs.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

#[path = "common.rs"]
mod common;

#[derive(Arbitrary, Debug)]
struct Recipe {
    huaian: bool,
    previous: Option<Previous>,
    edits: Vec<Edit>,
}

#[derive(Arbitrary, Debug)]
enum Previous {
    /// The same report unedited, its year one less.
    Unedited,
    /// The other base report.
    Other,
}

#[derive(Arbitrary, Debug)]
enum Edit {
    /// Set the leaf `at` (modulo the number of leaves) to a value.
    Cell { at: u16, value: Val },
    /// Edit the text leaf `at` (modulo the number of text leaves).
    Prose { at: u8, op: ProseOp },
    /// Remove a table row or a whole table / section.
    Remove { at: u16 },
}

#[derive(Arbitrary, Debug)]
enum Val {
    Zero,
    Int(i64),
    Huge,
    Negative(u32),
    Decimal(i32, u8),
    Float(f64),
    Money(String),
    Null,
    Blank,
    Text(String),
    Bool(bool),
    Object,
}

#[derive(Arbitrary, Debug)]
enum ProseOp {
    Replace(String),
    Insert {
        pos: u16,
        text: String,
    },
    /// A figure as reports state them: `PHRASE` + number + unit.
    Figure {
        pos: u16,
        phrase: u8,
        n: i64,
        unit: u8,
    },
    Cut {
        from: u16,
        len: u16,
    },
}

const PHRASES: &[&str] = &[
    "全年新收政府信息公开申请",
    "本年度新收申请数量为",
    "办结",
    "共答复政府信息公开申请",
    "其中予以公开",
    "部分公开",
    "上年结转",
    "结转下年度继续办理",
    "本年度发生政府信息公开行政复议",
    "其中结果维持",
    "尚未审结",
    "被提起行政诉讼",
    "主动公开政府信息",
    "收取信息处理费",
    "同比增长",
    "约",
    "",
    "第",
];
const UNITS: &[&str] = &[
    "件", "条", "万元", "%", "个", "次", "", "余件", "万", "亿元", "．5件",
];

fn bases() -> &'static [Value; 2] {
    static BASES: OnceLock<[Value; 2]> = OnceLock::new();
    BASES.get_or_init(|| {
        let read = |bytes: &[u8]| serde_json::to_value(nianbao::normalize(bytes).unwrap()).unwrap();
        [
            read(include_bytes!("../../examples/minhe-2020.txt")),
            read(include_bytes!("../../tests/fixtures/huaian-2024.txt")),
        ]
    })
}

/// JSON pointers of every leaf (and, with `containers`, of every object too).
fn pointers(v: &Value, at: String, containers: bool, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if containers && !at.is_empty() {
                out.push(at.clone());
            }
            for (k, x) in m {
                pointers(x, format!("{at}/{k}"), containers, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), containers, out);
            }
        }
        _ if !containers => out.push(at),
        _ => {}
    }
}

fn value(v: &Val) -> Value {
    match v {
        Val::Zero => json!(0),
        Val::Int(n) => json!(n),
        Val::Huge => json!(u64::MAX),
        Val::Negative(n) => json!(-(*n as i64) - 1),
        Val::Decimal(n, d) => Value::String(format!("{n}.{d}")),
        Val::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Val::Money(s) => Value::String(format!("{s}万元")),
        Val::Null => Value::Null,
        Val::Blank => json!(""),
        Val::Text(s) => json!(s),
        Val::Bool(b) => json!(b),
        Val::Object => json!({}),
    }
}

/// The char boundary at or before `pos` (modulo the length).
fn boundary(s: &str, pos: u16) -> usize {
    let mut at = pos as usize % (s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn prose(s: &mut String, op: &ProseOp) {
    match op {
        ProseOp::Replace(t) => *s = t.clone(),
        ProseOp::Insert { pos, text } => s.insert_str(boundary(s, *pos), text),
        ProseOp::Figure {
            pos,
            phrase,
            n,
            unit,
        } => {
            let p = PHRASES[*phrase as usize % PHRASES.len()];
            let u = UNITS[*unit as usize % UNITS.len()];
            s.insert_str(boundary(s, *pos), &format!("{p}{n}{u}，"));
        }
        ProseOp::Cut { from, len } => {
            let a = boundary(s, *from);
            let b = boundary(s, from.saturating_add(*len)).max(a);
            s.replace_range(a..b, "");
        }
    }
}

fn edit(report: &mut Value, e: &Edit) {
    let mut at = Vec::new();
    match e {
        Edit::Cell { at: i, value: v } => {
            pointers(report, String::new(), false, &mut at);
            // Edits before may have removed every cell.
            if at.is_empty() {
                return;
            }
            if let Some(cell) = report.pointer_mut(&at[*i as usize % at.len()]) {
                *cell = value(v);
            }
        }
        Edit::Prose { at: i, op } => {
            pointers(report, String::new(), false, &mut at);
            at.retain(|p| report.pointer(p).is_some_and(Value::is_string));
            if at.is_empty() {
                return;
            }
            if let Some(Value::String(s)) = report.pointer_mut(&at[*i as usize % at.len()]) {
                prose(s, op);
            }
        }
        Edit::Remove { at: i } => {
            pointers(report, String::new(), true, &mut at);
            if at.is_empty() {
                return;
            }
            let p = &at[*i as usize % at.len()];
            let (parent, key) = p.rsplit_once('/').unwrap();
            if let Some(Value::Object(m)) = report.pointer_mut(parent) {
                m.remove(key);
            }
        }
    }
}

fuzz_target!(|recipe: Recipe| {
    let base = &bases()[recipe.huaian as usize];
    let mut report = base.clone();
    for e in recipe.edits.iter().take(64) {
        edit(&mut report, e);
    }
    let input = serde_json::to_vec(&report).unwrap();
    let previous = recipe.previous.as_ref().and_then(|p| {
        let mut prev = match p {
            Previous::Unedited => base.clone(),
            Previous::Other => bases()[!recipe.huaian as usize].clone(),
        };
        if let (Previous::Unedited, Some(y)) = (p, prev["year"].as_i64()) {
            prev["year"] = json!(y - 1);
        }
        nianbao::normalize(&serde_json::to_vec(&prev).unwrap()).ok()
    });
    for lang in [nianbao::Lang::Zh, nianbao::Lang::En] {
        let options = nianbao::Options { lang };
        let result = match &previous {
            Some(prev) => nianbao::check_with_previous(&input, prev, &options),
            None => nianbao::check(&input, &options),
        };
        // An edited report may be refused (a clear error); a read one holds the invariants.
        if let Ok(result) = result {
            common::holds(&result);
        }
    }
});
