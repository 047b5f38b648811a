// Shared by the fuzz targets: check any bytes, and hold the result to its invariants.

#![allow(dead_code)]

pub fn check_any(data: &[u8]) {
    for lang in [nianbao::Lang::Zh, nianbao::Lang::En] {
        let Ok(result) = nianbao::check(data, &nianbao::Options { lang }) else {
            return;
        };
        holds(&result);
    }
}

/// The invariants of a check result: valid exactly when no error finding, the summary's
/// error count, the result serializes, and the canonical report reads back as input with
/// the same 表三.
pub fn holds(result: &nianbao::CheckResult) {
    let errors = result
        .findings
        .iter()
        .filter(|f| f.severity == nianbao::Severity::Error)
        .count();
    assert_eq!(result.valid, errors == 0);
    assert_eq!(result.summary.errors, errors);
    let json = serde_json::to_string(result).expect("result serializes");
    let report = serde_json::to_string(&result.report).expect("report serializes");
    let again = nianbao::normalize(report.as_bytes()).expect("canonical JSON reads back");
    assert_eq!(
        serde_json::to_string(&again.t3).unwrap(),
        serde_json::to_string(&result.report.t3).unwrap()
    );
    assert!(!json.is_empty());
}
