//! JSON Schemas of the canonical report and of the check result, generated from the
//! template data and the result types.

/// The JSON Schema of the canonical report.
pub fn report_schema() -> serde_json::Value {
    serde_json::json!({})
}

/// The JSON Schema of a check result.
pub fn result_schema() -> serde_json::Value {
    serde_json::json!({})
}
