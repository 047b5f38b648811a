//! The OpenAPI document of `nianbao serve`: the paths generated from the handlers'
//! `#[utoipa::path]`, the error body from its Rust type, and the report and result from the
//! JSON Schemas of [`nianbao::schema`] (the same ones `nianbao schema` prints), their
//! `$defs` moved into `components/schemas`. OpenAPI 3.1 uses JSON Schema 2020-12, so they
//! go in as they are.

use serde_json::{json, Map, Value};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::error::{ErrorBody, ErrorDetail};
use super::{api, reports};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "nianbao",
        description = "Checks China's government information-disclosure annual reports \
            (政府信息公开工作年度报告) for server-side intake: post a report, get the result of \
            `nianbao check --format json` for it. Every error is \
            `{\"error\": {\"code\", \"message\"}}`; messages are in Chinese, or English with \
            `lang=en`. The keys and codes are fixed in RULES.md."
    ),
    servers(
        (url = "/", description = "The server this document was fetched from."),
        (url = "http://127.0.0.1:8080", description = "`nianbao serve` with its default address."),
    ),
    modifiers(&BearerToken),
    paths(
        api::check,
        api::normalize,
        api::rules,
        api::report_schema,
        api::result_schema,
        api::openapi_json,
        api::healthz,
        reports::list,
        reports::one,
    ),
    components(schemas(ErrorBody, ErrorDetail, api::LangParam)),
    tags(
        (name = "check", description = "Checking and reading reports"),
        (name = "reference", description = "The finding codes, the JSON Schemas, this document, health"),
        (name = "store", description = "The reports kept by a server started with `--store` (read with the token only)")
    )
)]
struct ApiDoc;

/// The `bearer` scheme (super::auth): named tokens with rights.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "A token of the server's (`--token-file` or NIANBAO_TOKENS: named tokens, \
                 each with the rights `check` and/or `reports`), as \
                 `Authorization: Bearer <token>`. `POST /v1/check` and `POST /v1/normalize` \
                 are open unless the server was started with `--require-token` (then a token \
                 with `check`: 401 without one, 403 without the right); reading the intake \
                 store needs a token with `reports`. A token that is not the server's is \
                 401 on every route that takes one.",
            ))
            .build();
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

const DEFS: &str = "#/$defs/";
const COMPONENTS: &str = "#/components/schemas/";

/// The OpenAPI document served at `/openapi.json`.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document is JSON");
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("components/schemas");
    schemas.extend(engine_schemas());
    doc
}

/// `CheckResult`, `Report`, `RuleDefinitions` and their definitions, as components.
pub fn engine_schemas() -> Map<String, Value> {
    let mut out = Map::new();
    for (name, schema) in [
        ("CheckResult", nianbao::schema::result_schema()),
        ("Report", nianbao::schema::report_schema()),
    ] {
        let Value::Object(mut root) = rewrite_refs(schema) else {
            unreachable!("a JSON Schema is an object")
        };
        root.remove("$schema");
        if let Some(Value::Object(defs)) = root.remove("$defs") {
            for (def, schema) in defs {
                add(&mut out, def, schema);
            }
        }
        root.remove("title");
        add(&mut out, name.to_string(), Value::Object(root));
    }
    out.insert(
        "RuleDefinitions".into(),
        json!({
            "description": "The definitions of the finding codes, as `nianbao rules --format json` prints them.",
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "severity", "rule", "summary", "summary_zh", "zh", "en", "doc"],
                "additionalProperties": false,
                "properties": {
                    "code": { "$ref": format!("{COMPONENTS}Code") },
                    "severity": { "$ref": format!("{COMPONENTS}Severity") },
                    "rule": { "type": ["string", "null"], "description": "The FORMAT.md rule id behind it (`O1`, `I2`), if any." },
                    "summary": { "type": "string", "description": "A one-line summary in English." },
                    "summary_zh": { "type": "string", "description": "The same summary in Chinese." },
                    "zh": { "type": "string", "description": "The message template in Chinese; `{name}` is a param or a label of the location." },
                    "en": { "type": "string", "description": "The message template in English." },
                    "doc": { "type": "string", "description": "What the rule checks and why it matters (markdown)." }
                }
            }
        }),
    );
    out
}

/// Adds a definition; the report's and the result's share theirs, which must agree.
fn add(out: &mut Map<String, Value>, name: String, schema: Value) {
    if let Some(old) = out.get(&name) {
        assert_eq!(
            old, &schema,
            "two different JSON Schema definitions are named {name}"
        );
    }
    out.insert(name, schema);
}

/// `#/$defs/X` → `#/components/schemas/X`, everywhere in a schema.
fn rewrite_refs(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("$ref", Value::String(r)) if r.starts_with(DEFS) => {
                        let r = format!("{COMPONENTS}{}", &r[DEFS.len()..]);
                        (k, Value::String(r))
                    }
                    (_, v) => (k, rewrite_refs(v)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(rewrite_refs).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `$ref` of the document points at a component it defines.
    #[test]
    fn every_ref_resolves() {
        let doc = document();
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(refs.len() > 10);
        for r in refs {
            assert!(
                r.starts_with(COMPONENTS) && doc.pointer(&r[1..]).is_some(),
                "unresolved $ref {r}"
            );
        }
    }

    fn collect_refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => collect_refs(v, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn the_rule_definitions_schema_has_the_keys_of_a_definition() {
        let defs = serde_json::to_value(nianbao::finding::DEFINITIONS).unwrap();
        let schemas = engine_schemas();
        let item = &schemas["RuleDefinitions"]["items"];
        let keys: Vec<&String> = item["properties"].as_object().unwrap().keys().collect();
        let first: Vec<&String> = defs[0].as_object().unwrap().keys().collect();
        let mut a = keys.clone();
        let mut b = first.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    #[test]
    fn the_paths_are_documented() {
        let doc = document();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for p in [
            "/v1/check",
            "/v1/normalize",
            "/v1/rules",
            "/v1/schema/report",
            "/v1/schema/result",
            "/openapi.json",
            "/healthz",
        ] {
            assert!(doc["paths"][p].is_object(), "{p}");
        }
    }
}
