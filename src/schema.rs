//! JSON Schemas (draft 2020-12) of the canonical report and of the check result, generated
//! from the code: the report's tables from the template data of both versions, the result
//! from the result types (schemars). `nianbao schema report|result` prints them.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::check::CheckResult;
use crate::finding::{Code, DEFINITIONS};
use crate::model::Report;
use crate::template::{self, ColumnDef, Version, SECTIONS, T3_COLUMNS, T4_COLUMNS};

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The JSON Schema of the canonical report (RULES.md "JSON shapes").
pub fn report_schema() -> Value {
    let (root, defs) = report_parts("/$defs");
    let mut schema = json!({ "$schema": DRAFT, "title": "Report" });
    extend(&mut schema, root);
    schema["$defs"] = Value::Object(defs);
    schema
}

/// The JSON Schema of a check result (RULES.md "JSON shapes").
pub fn result_schema() -> Value {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<CheckResult>()
        .to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("$schema".into(), DRAFT.into());
        // Every key of a result is always written, `null` included.
        let keys: Vec<Value> = obj
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().map(Value::from).collect())
            .unwrap_or_default();
        obj.insert("required".into(), keys.into());
    }
    schema
}

impl JsonSchema for Report {
    fn schema_name() -> Cow<'static, str> {
        "Report".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let path = generator.settings().definitions_path.to_string();
        let path = path.trim_start_matches('#').trim_end_matches('/');
        let (root, defs) = report_parts(path);
        generator.definitions_mut().extend(defs);
        Schema::try_from(root).unwrap_or_else(|_| json_schema!({ "type": "object" }))
    }
}

impl JsonSchema for Code {
    fn schema_name() -> Cow<'static, str> {
        "Code".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let codes: Vec<&str> = DEFINITIONS.iter().map(|d| d.code).collect();
        json_schema!({
            "description": "A finding code (RULES.md \"Finding codes\"); `nianbao rules` lists them.",
            "type": "string",
            "enum": codes
        })
    }
}

/// The names of the report's definitions; prefixed so they cannot meet the result's.
const SECTION: &str = "ReportSection";
const COUNT: &str = "CountCell";
const MONEY: &str = "MoneyCell";
const T3_ROW: &str = "Table3Row";
const T4: &str = "Table4";

fn table2_def(v: Version) -> String {
    format!("Table2V{}", v.as_str())
}

fn table3_def(v: Version) -> String {
    format!("Table3V{}", v.as_str())
}

/// The report's root schema and its definitions, `$ref`s pointing under `defs_path` (a JSON
/// pointer such as `/$defs`).
fn report_parts(defs_path: &str) -> (Value, Map<String, Value>) {
    let r = |name: &str| json!({ "$ref": format!("#{defs_path}/{name}") });
    let nullable = |name: &str| json!({ "anyOf": [r(name), { "type": "null" }] });
    let any_version = |def: fn(Version) -> String| {
        let mut options: Vec<Value> = Version::ALL.iter().map(|v| r(&def(*v))).collect();
        options.push(json!({ "type": "null" }));
        json!({ "anyOf": options })
    };

    let mut defs = Map::new();
    defs.insert(
        SECTION.into(),
        json!({
            "description": "A section: its heading as written and its prose, tables left out.",
            "type": "object",
            "properties": {
                "heading": { "type": "string" },
                "text": { "type": "string" }
            },
            "additionalProperties": false
        }),
    );
    defs.insert(
        COUNT.into(),
        json!({
            "description": "A count: an integer, or null when the cell is blank or unreadable. \
                            On input the raw text of the cell is accepted too.",
            "type": ["integer", "null", "string"]
        }),
    );
    defs.insert(
        MONEY.into(),
        json!({
            "description": "An amount in 万元: a decimal string on output, or null when the cell \
                            is blank or unreadable. On input a number or the raw text of the \
                            cell (\"8208. 93 万元\") is accepted too.",
            "type": ["string", "null", "number"]
        }),
    );
    defs.insert(
        T3_ROW.into(),
        object(T3_COLUMNS.iter().map(|c| cell(c, c.label.to_string(), &r))),
    );
    defs.insert(
        T4.into(),
        object(T4_COLUMNS.iter().map(|c| {
            let label = template::column_label(None, "t4", None, c.key).unwrap_or_default();
            cell(c, label, &r)
        })),
    );
    for v in Version::ALL {
        let def = v.def();
        let mut t3 = object(def.t3_rows().map(|row| {
            let mut s = r(T3_ROW);
            s["description"] = row.label.into();
            (row.key, s)
        }));
        for stand_in in def.t3_stand_ins {
            let mut s = r(T3_ROW);
            s["description"] = format!(
                "{}, as the other template writes it, in place of {} (C009)",
                stand_in.row.label,
                stand_in.replaces.join(", ")
            )
            .into();
            t3["properties"][stand_in.row.key] = s;
        }
        t3["description"] = format!("表三 (申请情况表) of the {} template", v.as_str()).into();
        defs.insert(table3_def(v), t3);

        let mut t2 = object(def.t2.iter().map(|block| {
            let mut rows = object(block.rows.iter().map(|row| {
                let mut cols = object(
                    block
                        .columns
                        .iter()
                        .map(|c| cell(c, c.label.to_string(), &r)),
                );
                cols["description"] = row.label.into();
                (row.key, cols)
            }));
            rows["description"] = block.label.into();
            (block.key, rows)
        }));
        t2["description"] = format!("表二 (主动公开情况表) of the {} template", v.as_str()).into();
        defs.insert(table2_def(v), t2);
    }

    let sections = object(SECTIONS.iter().map(|s| {
        let mut schema = nullable(SECTION);
        schema["description"] = s.heading.into();
        (s.key, schema)
    }));
    // A declared version fixes the tables' rows and columns.
    let by_version: Vec<Value> = Version::ALL
        .iter()
        .map(|v| {
            json!({
                "if": {
                    "properties": { "template": { "const": v.as_str() } },
                    "required": ["template"]
                },
                "then": {
                    "properties": {
                        "t2": nullable(&table2_def(*v)),
                        "t3": nullable(&table3_def(*v))
                    }
                }
            })
        })
        .collect();
    let root = json!({
        "description": "The canonical report (RULES.md \"JSON shapes\"). Every part is optional \
                        on input; a cell may be a number, null, or the raw text of the cell.",
        "type": "object",
        "properties": {
            "template": {
                "description": "The template version, or null when the document shows neither.",
                "enum": ["2019", "2021", null]
            },
            "year": { "description": "The report year.", "type": ["integer", "null"] },
            "agency": { "description": "The reporting agency.", "type": ["string", "null"] },
            "title": { "type": ["string", "null"] },
            "preamble": {
                "description": "The text between the title and the first section; absent when there is none.",
                "type": "string"
            },
            "sections": sections,
            "extra_sections": {
                "description": "Sections that are not in the template, in document order.",
                "type": "array",
                "items": r(SECTION)
            },
            "t2": any_version(table2_def),
            "t3": any_version(table3_def),
            "t4": nullable(T4)
        },
        "allOf": by_version
    });
    (root, defs)
}

/// A cell's schema: the definition for its kind, described by its label.
fn cell(c: &ColumnDef, label: String, r: &impl Fn(&str) -> Value) -> (&'static str, Value) {
    let mut s = r(if c.kind.is_money() { MONEY } else { COUNT });
    s["description"] = label.into();
    (c.key, s)
}

/// An object of exactly these properties, none required.
fn object<'a>(props: impl Iterator<Item = (&'a str, Value)>) -> Value {
    let props: Map<String, Value> = props.map(|(k, v)| (k.to_string(), v)).collect();
    json!({ "type": "object", "properties": props, "additionalProperties": false })
}

fn extend(target: &mut Value, from: Value) {
    if let (Some(t), Value::Object(f)) = (target.as_object_mut(), from) {
        t.extend(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check, Options};

    fn validator(schema: &Value) -> jsonschema::Validator {
        jsonschema::draft202012::new(schema).expect("the schema itself is valid")
    }

    fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
        v.iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// The example of RULES.md, with a 2019 table added.
    fn rules_md_report() -> Value {
        json!({
            "template": "2021", "year": 2024, "agency": "淮安市人民政府",
            "title": "淮安市人民政府2024年政府信息公开工作年度报告",
            "sections": { "s1": { "heading": "一、总体情况", "text": "…" }, "s6": null },
            "t2": { "art20_1": { "regulations": { "made": 1, "repealed": 0, "valid": 11 } },
                    "art20_8": { "fees": { "amount_wan": "96171.6" } } },
            "t3": { "new": { "np": 3001, "biz": 53, "research": 0, "ngo": 0, "legal": 61,
                             "org_other": 4, "total": 3119 },
                    "r6_2": { "np": null, "total": "减 40" } },
            "t4": { "rv_keep": 72, "rv_fix": 64, "rv_other": 178, "rv_pending": 37, "rv_total": 351 }
        })
    }

    #[test]
    fn the_rules_md_report_is_valid() {
        let v = validator(&report_schema());
        assert_eq!(errors(&v, &rules_md_report()), Vec::<String>::new());
        assert!(v.is_valid(&json!({})), "every part is optional");
    }

    #[test]
    fn keys_outside_the_template_are_refused() {
        let v = validator(&report_schema());
        let bad = [
            json!({ "t3": { "r8": { "np": 1 } } }),
            json!({ "t3": { "r7": { "people": 1 } } }),
            json!({ "t3": 5 }),
            json!({ "t4": { "rv_total": true } }),
            json!({ "t2": { "art20_1": { "regulations": { "valid": 1, "published": 1 } } } }),
            json!({ "sections": { "s7": null } }),
            json!({ "template": "2020" }),
            // A 2021 row in a report that says it follows the 2019 template.
            json!({ "template": "2019", "t3": { "r6_1": { "np": 1 } } }),
            json!({ "template": "2021", "t2": { "art20_9": {} } }),
        ];
        for instance in bad {
            assert!(!v.is_valid(&instance), "{instance}");
        }
        assert!(v.is_valid(&json!({ "template": "2019", "t3": { "r6": { "np": 1 } } })));
    }

    #[test]
    fn every_template_key_is_in_the_schema() {
        let schema = report_schema();
        let defs = &schema["$defs"];
        for v in Version::ALL {
            let t3 = &defs[table3_def(v)]["properties"];
            for row in v.def().t3_rows() {
                assert!(t3.get(row.key).is_some(), "{} {}", v.as_str(), row.key);
            }
            let t2 = &defs[table2_def(v)]["properties"];
            for block in v.def().t2 {
                for row in block.rows {
                    let cols = &t2[block.key]["properties"][row.key]["properties"];
                    for c in block.columns {
                        assert!(cols.get(c.key).is_some(), "{} {}", block.key, c.key);
                    }
                }
            }
        }
        assert_eq!(
            defs[T4]["properties"].as_object().map(|o| o.len()),
            Some(15)
        );
    }

    #[test]
    fn the_result_schema_names_every_code_and_required_key() {
        let schema = result_schema();
        assert_eq!(schema["$schema"], DRAFT);
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for key in [
            "engine", "template", "year", "agency", "valid", "summary", "findings", "report",
        ] {
            assert!(required.contains(&key), "{key} in {required:?}");
        }
        let codes = &schema["$defs"]["Code"]["enum"];
        assert_eq!(codes.as_array().map(Vec::len), Some(DEFINITIONS.len()));
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn real_results_validate() {
        let v = validator(&result_schema());
        let inputs = [
            serde_json::to_vec(&rules_md_report()).unwrap_or_default(),
            fixture("minhe-2020.txt"),
        ];
        for input in inputs {
            for lang in [crate::Lang::Zh, crate::Lang::En] {
                let result = check(&input, &Options { lang }).expect("readable");
                let instance = serde_json::to_value(&result).unwrap_or_default();
                assert_eq!(errors(&v, &instance), Vec::<String>::new());
                // The report inside a result is the report `normalize` gives.
                let report = validator(&report_schema());
                assert_eq!(errors(&report, &instance["report"]), Vec::<String>::new());
            }
        }
    }

    #[test]
    fn a_result_missing_a_key_is_refused() {
        let v = validator(&result_schema());
        let input = serde_json::to_vec(&rules_md_report()).unwrap_or_default();
        let result = check(&input, &Options::default()).expect("readable");
        let mut instance = serde_json::to_value(&result).unwrap_or_default();
        assert!(v.is_valid(&instance));
        if let Some(obj) = instance.as_object_mut() {
            obj.remove("valid");
        }
        assert!(!v.is_valid(&instance));
        instance["valid"] = json!(true);
        instance["findings"] = json!([{ "code": "Z999", "severity": "error", "message": "",
                                        "params": {}, "location": {} }]);
        assert!(!v.is_valid(&instance));
    }
}
