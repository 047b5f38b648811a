//! CORS, the reference routes and the OpenAPI document against the live server.

use std::process::Command;

use serde_json::Value;

use super::harness::*;

#[test]
fn cors_allows_only_the_configured_origins() {
    let server = Server::start(&[
        "--cors-origin",
        "https://portal.example.gov.cn,http://localhost:8000",
    ]);
    let preflight = |origin: &str| {
        answer(
            server
                .agent
                .options(server.url("/v1/check"))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .call(),
        )
    };
    let ok = preflight("https://portal.example.gov.cn");
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://portal.example.gov.cn")
    );
    assert!(ok
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert_eq!(
        preflight("https://evil.example").header("access-control-allow-origin"),
        None
    );
    let post = answer(
        server
            .agent
            .post(server.url("/v1/check"))
            .header("Origin", "http://localhost:8000")
            .header("Content-Type", "text/plain")
            .send(&read(HUAIAN)[..]),
    );
    assert_eq!(post.status, 200);
    assert_eq!(
        post.header("access-control-allow-origin"),
        Some("http://localhost:8000")
    );
    // Without --cors-origin there is no CORS at all.
    let plain = Server::start(&[]);
    let a = answer(
        plain
            .agent
            .get(plain.url("/healthz"))
            .header("Origin", "https://portal.example.gov.cn")
            .call(),
    );
    assert_eq!(a.header("access-control-allow-origin"), None);
}

#[test]
fn reference_routes_answer_what_the_cli_prints() {
    let server = Server::start(&[]);
    let cli = |args: &[&str]| -> Value {
        let out = Command::new(BIN).args(args).output().unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(
        server.get("/v1/rules").json(),
        cli(&["rules", "--format", "json"])
    );
    assert_eq!(
        server.get("/v1/schema/report").json(),
        cli(&["schema", "report"])
    );
    assert_eq!(
        server.get("/v1/schema/result").json(),
        cli(&["schema", "result"])
    );
    let health = server.get("/healthz").json();
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
}

/// `/openapi.json` is an OpenAPI 3.x document: every route, every response with a body
/// that names a defined component, and the live answers valid against those components.
#[test]
fn the_openapi_document_describes_the_live_api() {
    let server = Server::start(&[]);
    let doc = server.get("/openapi.json").json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let ops = [
        ("/v1/check", "post"),
        ("/v1/normalize", "post"),
        ("/v1/rules", "get"),
        ("/v1/schema/report", "get"),
        ("/v1/schema/result", "get"),
        ("/openapi.json", "get"),
        ("/healthz", "get"),
    ];
    for (path, method) in ops {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.contains_key("200"), "{path}");
        for (status, r) in responses {
            let schema = &r["content"]["application/json"]["schema"];
            assert!(schema.is_object(), "{path} {status}: no JSON body");
            if let Some(reference) = schema["$ref"].as_str() {
                let name = reference.strip_prefix("#/components/schemas/").unwrap();
                assert!(
                    doc["components"]["schemas"][name].is_object(),
                    "{path} {status}: {reference} is not defined"
                );
            }
        }
    }
    // Valid against the OpenAPI 3.1 schema (tests/fixtures/openapi-3.1.schema.json, the
    // OpenAPI Initiative's schema of 2022-10-07 as openapi-spec-validator ships it).
    let meta: Value = serde_json::from_slice(&read("tests/fixtures/openapi-3.1.schema.json"))
        .expect("the OpenAPI 3.1 schema");
    let oas = jsonschema::validator_for(&meta).expect("the OpenAPI 3.1 schema compiles");
    let errors: Vec<String> = oas.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "not OpenAPI 3.1: {errors:?}");
    let mut broken = doc.clone();
    broken["paths"]["/healthz"]["get"]["responses"] = serde_json::json!("none");
    assert!(!oas.is_valid(&broken), "the OpenAPI schema checks nothing");

    // Every $ref anywhere resolves.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, v)| match (k.as_str(), v) {
                ("$ref", Value::String(r)) => out.push(r.clone()),
                _ => refs(v, out),
            }),
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in &all {
        assert!(doc.pointer(&r[1..]).is_some(), "unresolved {r}");
    }

    // The live answers conform to the documented components.
    let validator = |component: &str| {
        let schema = serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/components/schemas/{component}"),
            "components": doc["components"].clone(),
        });
        jsonschema::validator_for(&schema).expect("a valid schema")
    };
    let result = validator("CheckResult");
    for path in [MINHE, HUAIAN, HUAIAN_RAW] {
        let a = server.post("/v1/check?lang=en", Some("text/plain"), &read(path));
        let v = a.json();
        let errors: Vec<String> = result.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
    let report = validator("Report");
    let v = server.post("/v1/normalize", None, &read(HUAIAN)).json();
    assert!(report.is_valid(&v));
    let error = validator("ErrorBody");
    assert!(error.is_valid(&server.post("/v1/check", None, b"").json()));
    assert!(validator("RuleDefinitions").is_valid(&server.get("/v1/rules").json()));
    assert!(validator("Health").is_valid(&server.get("/healthz").json()));
}
