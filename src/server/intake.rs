//! `POST /v1/check` on a server with a store (`--store`): the check paired with the stored
//! report of the year before of the same agency (its latest version) when the request
//! sends no `previous`, and the report kept — bytes' SHA-256, canonical report, result —
//! as a new version before the answer is sent. The body answered is the result exactly as
//! without a store; where the row is goes in headers: `Location: /v1/reports/{id}`,
//! `Nianbao-Report-Id`, `Nianbao-Report-Version`, and `Nianbao-Previous` (`{id}/{version}`
//! of the stored report paired with, or `sent`, or `none`). A write that fails is a 503,
//! never a 200: an answered 200 is a committed row.

use axum::body::Bytes;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use nianbao::{Lang, Options};

use super::api::{json_response, on_engine, Permit, Received};
use super::error::ApiError;
use crate::store::{self, Previous, Store, StoreError, Submission, VersionRef};

pub const REPORT_ID: HeaderName = HeaderName::from_static("nianbao-report-id");
pub const REPORT_VERSION: HeaderName = HeaderName::from_static("nianbao-report-version");
pub const PREVIOUS: HeaderName = HeaderName::from_static("nianbao-previous");

/// Checks, pairs and keeps one report; see the module's comment.
pub(super) async fn check_and_keep(
    store: &Store,
    permit: Option<Permit>,
    input: Received,
    lang: Lang,
) -> Result<Response, ApiError> {
    let sha256 = store::sha256_hex(&input.report);
    let engine_permit = permit.clone();
    let (ingested, sent) = on_engine(engine_permit, lang, move || input.read(lang)).await?;
    // A `previous` sent wins; otherwise the stored report of the year before.
    let (previous, paired) = match sent {
        Some(report) => (Some(report), Previous::Sent),
        None => match store.previous_of(&ingested.report).await {
            Ok(Some((report, at))) => (Some(report), Previous::Stored(at)),
            Ok(None) => (None, Previous::None),
            Err(e) => return Err(unavailable(&e, lang)),
        },
    };
    let (result_json, submission) = on_engine(permit, lang, move || {
        let result = nianbao::check_ingested_with(ingested, previous.as_ref(), &Options { lang });
        let result_json = serde_json::to_string(&result).map_err(|_| ApiError::internal(lang))?;
        let submission = Submission::of(sha256, &result, result_json.clone(), paired)
            .map_err(|_| ApiError::internal(lang))?;
        Ok((result_json, submission))
    })
    .await?;
    let at = store
        .keep(&submission)
        .await
        .map_err(|e| unavailable(&e, lang))?;
    tracing::info!(
        report_id = at.id,
        version = at.version,
        agency = submission.agency.as_deref().unwrap_or("-"),
        year = submission.year,
        sha256 = %submission.sha256,
        previous = %previous_header(paired),
        "stored"
    );
    let mut res = json_response(Bytes::from(result_json));
    located(&mut res, at, paired);
    Ok(res)
}

fn previous_header(paired: Previous) -> String {
    match paired {
        Previous::None => "none".into(),
        Previous::Sent => "sent".into(),
        Previous::Stored(at) => format!("{}/{}", at.id, at.version),
    }
}

/// The headers that say where the kept row is.
fn located(res: &mut Response, at: VersionRef, paired: Previous) {
    let headers = res.headers_mut();
    let mut set = |name: HeaderName, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    set(header::LOCATION, format!("/v1/reports/{}", at.id));
    set(REPORT_ID, at.id.to_string());
    set(REPORT_VERSION, at.version.to_string());
    set(PREVIOUS, previous_header(paired));
}

/// The store failed: 503, and the reason in the log (not to the client).
pub(super) fn unavailable(e: &StoreError, lang: Lang) -> ApiError {
    tracing::error!(error = %e, "store unavailable");
    let mut err = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "store_unavailable",
        lang.say(
            "存储不可用：报告未保存，请稍后重试",
            "the store is unavailable: the report was not kept; retry later",
        ),
    );
    err.retry_after = Some(5);
    err
}
