//! The stored reports (a server with `--store`): `GET /v1/reports` lists them, paged by a
//! cursor, filtered by agency and year; `GET /v1/reports/{id}` gives one with every
//! version, its canonical report and its result as they were kept. Reading every agency's
//! reports is never open: these routes need a token with the right `reports` (super::auth),
//! and a server without tokens refuses them (403 `reports_closed`).

use std::sync::Arc;

use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use nianbao::Lang;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::{IntoParams, ToSchema};

use super::api::{lang_of, LangParam};
use super::auth::{self, Right, Tokens};
use super::error::{ApiError, ErrorBody};
use super::intake::unavailable;
use crate::store::{self, Filter, Previous, Store};

/// The largest page, and the page when `limit` is not given.
const MAX_LIMIT: u32 = 200;
const DEFAULT_LIMIT: u32 = 50;

/// The routes of the stored reports; none without a store (then they are 404).
pub fn routes<S: Clone + Send + Sync + 'static>(
    store: Option<Store>,
    tokens: &Arc<Tokens>,
) -> Router<S> {
    let Some(store) = store else {
        return Router::new();
    };
    let routes = Router::new()
        .route("/v1/reports", get(list))
        .route("/v1/reports/{id}", get(one));
    let routes = if tokens.is_empty() {
        routes.route_layer(middleware::from_fn(closed))
    } else {
        auth::guard(routes, tokens, Right::Reports, true)
    };
    routes.with_state(store)
}

/// A server without tokens refuses the stored reports (403): nobody may read them.
async fn closed(req: Request, _next: Next) -> Response {
    let lang = super::api::lang_or_zh(req.uri());
    ApiError::new(
        StatusCode::FORBIDDEN,
        "reports_closed",
        lang.say(
            "已存储的报告只能凭具有 reports 权限的令牌读取，而本服务器未设置令牌（--token-file 或 NIANBAO_TOKENS）",
            "the stored reports are read with a token that has the right `reports`, and this \
             server has none (start it with --token-file or NIANBAO_TOKENS)",
        ),
    )
    .into_response()
}

/// The query of `GET /v1/reports`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this agency's reports (matched as the store keys agencies: 人民政府 = 政府,
    /// spaces, punctuation and full-width forms aside).
    agency: Option<String>,
    /// Only the reports of this year.
    year: Option<i32>,
    /// Reports per page, 1 to 200; 50 when not given.
    limit: Option<u32>,
    /// Where the page starts: the `next_cursor` of the page before.
    cursor: Option<String>,
    /// Language of error messages: `zh` (default) or `en`.
    #[allow(dead_code)]
    lang: Option<LangParam>,
}

/// A page of stored reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    /// The reports, by id.
    reports: Vec<ReportSummary>,
    /// The `cursor` of the next page; null on the last page.
    next_cursor: Option<String>,
    /// The next page's path and query; null on the last page.
    #[schema(example = "/v1/reports?limit=50&cursor=50")]
    next: Option<String>,
}

/// A stored report, its latest version summed up.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportSummary {
    /// The report's id.
    id: i64,
    /// Where it is: `/v1/reports/{id}`.
    href: String,
    /// The key that identifies its agency (`src/agency.rs`: 某县人民政府 and 某县政府 are
    /// both 某县政府; null: none could be read). Each version keeps the name as written.
    agency: Option<String>,
    /// Its year (null: none could be read).
    year: Option<i32>,
    /// How many versions (submissions) it has.
    versions: i32,
    /// Its latest version.
    latest: VersionSummary,
}

/// What a version's result says, in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummary {
    version: i32,
    /// When it was received (RFC 3339, UTC).
    received_at: String,
    /// SHA-256 of the bytes received, lowercase hex.
    sha256: String,
    /// The result's `valid`.
    valid: bool,
    errors: i32,
    warnings: i32,
    infos: i32,
}

impl VersionSummary {
    fn new(version: i32, received_at: String, sha256: String, counts: [i32; 3]) -> Self {
        let [errors, warnings, infos] = counts;
        VersionSummary {
            version,
            received_at,
            sha256,
            valid: errors == 0,
            errors,
            warnings,
            infos,
        }
    }
}

/// A stored report with every version.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredReport {
    id: i64,
    agency: Option<String>,
    year: Option<i32>,
    /// When its first version was received (RFC 3339, UTC).
    created_at: String,
    /// Every version, oldest first; none is ever overwritten.
    versions: Vec<StoredVersion>,
}

/// One submission of a report, as it was kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredVersion {
    #[serde(flatten)]
    summary: VersionSummary,
    /// The agency as the report writes it.
    agency_as_written: Option<String>,
    /// Which last year's report the check ran against.
    previous: PreviousUsed,
    /// The canonical report read from the bytes received.
    #[schema(schema_with = report_ref)]
    report: Box<RawValue>,
    /// The result of the check, as it was answered.
    #[schema(schema_with = result_ref)]
    result: Box<RawValue>,
}

/// Which last year's report a check ran against.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviousUsed {
    /// `stored` (the stored report of the year before, paired at intake), `sent` (the
    /// request's `previous` part, or `check --previous`) or `none`.
    #[schema(example = "stored")]
    source: &'static str,
    /// With `stored`: the report and version paired with.
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<store::VersionRef>,
}

fn report_ref() -> RefOr<Schema> {
    Ref::new("#/components/schemas/Report").into()
}

fn result_ref() -> RefOr<Schema> {
    Ref::new("#/components/schemas/CheckResult").into()
}

/// Lists the stored reports.
///
/// Paged by id: a page has at most `limit` reports and, when there are more, the `cursor`
/// of the next (`next_cursor`, and `next`, the path to fetch). Needs the server's token;
/// a server without one refuses (403).
#[utoipa::path(
    get, path = "/v1/reports", tag = "store",
    params(ListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of reports.", body = ReportList),
        (status = 400, description = "A bad query (`bad_query`): a `year`, `limit` or `cursor` that is not a number, a `lang` other than zh or en.", body = ErrorBody),
        (status = 401, description = "The request presents no token, or one that is not the server's (`unauthorized`, with `WWW-Authenticate: Bearer`).", body = ErrorBody),
        (status = 403, description = "The token does not have the right `reports` (`forbidden`), or the server has no tokens, so no one may read the stored reports (`reports_closed`).", body = ErrorBody),
        (status = 503, description = "The store cannot be read (`store_unavailable`).", body = ErrorBody),
    )
)]
pub(super) async fn list(
    State(store): State<Store>,
    uri: Uri,
) -> Result<Json<ReportList>, ApiError> {
    let lang = lang_of(&uri)?;
    let q = Query::<ListQuery>::try_from_uri(&uri)
        .map_err(|e| bad_query(&e.body_text(), lang))?
        .0;
    let after = match q.cursor.as_deref() {
        None | Some("") => 0,
        Some(c) => c
            .parse::<i64>()
            .map_err(|_| bad_query(&format!("cursor `{c}`"), lang))?,
    };
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let filter = Filter {
        agency: q.agency.clone(),
        year: q.year,
        after,
        limit,
    };
    let (rows, more) = store
        .list(&filter)
        .await
        .map_err(|e| unavailable(&e, lang))?;
    let next_cursor = more
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    let next = next_cursor.as_ref().map(|cursor| {
        let mut query = vec![("limit", limit.to_string()), ("cursor", cursor.clone())];
        if let Some(a) = &q.agency {
            query.insert(0, ("agency", a.clone()));
        }
        if let Some(y) = q.year {
            query.insert(0, ("year", y.to_string()));
        }
        let query = serde_urlencoded::to_string(&query).unwrap_or_default();
        format!("/v1/reports?{query}")
    });
    let reports = rows
        .into_iter()
        .map(|r| ReportSummary {
            id: r.id,
            href: format!("/v1/reports/{}", r.id),
            agency: r.agency,
            year: r.year,
            versions: r.versions,
            latest: VersionSummary::new(
                r.versions,
                r.received_at,
                r.sha256,
                [r.errors, r.warnings, r.infos],
            ),
        })
        .collect();
    Ok(Json(ReportList {
        reports,
        next_cursor,
        next,
    }))
}

/// A stored report with every version: its canonical report and result as kept.
#[utoipa::path(
    get, path = "/v1/reports/{id}", tag = "store",
    params(("id" = i64, Path, description = "The report's id (`Location` of the check that stored it)."), LangQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report and its versions.", body = StoredReport),
        (status = 400, description = "An id that is not a number, or a bad `lang` (`bad_query`).", body = ErrorBody),
        (status = 401, description = "The request presents no token, or one that is not the server's (`unauthorized`, with `WWW-Authenticate: Bearer`).", body = ErrorBody),
        (status = 403, description = "The token does not have the right `reports` (`forbidden`), or the server has no tokens (`reports_closed`).", body = ErrorBody),
        (status = 404, description = "No stored report has this id (`not_found`).", body = ErrorBody),
        (status = 503, description = "The store cannot be read (`store_unavailable`).", body = ErrorBody),
    )
)]
pub(super) async fn one(
    State(store): State<Store>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let lang = lang_of(&uri)?;
    let id: i64 = id
        .parse()
        .map_err(|_| bad_query(&format!("id `{id}` is not a number"), lang))?;
    let Some(kept) = store.get(id).await.map_err(|e| unavailable(&e, lang))? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "{}{id}",
                lang.say("没有这个报告：", "no stored report has the id ")
            ),
        ));
    };
    let mut versions = Vec::with_capacity(kept.versions.len());
    for v in kept.versions {
        let raw = |text: String| RawValue::from_string(text).map_err(|_| ApiError::internal(lang));
        let k = v.kept;
        versions.push(StoredVersion {
            summary: VersionSummary::new(
                v.version,
                v.received_at,
                k.sha256,
                [k.errors, k.warnings, k.infos],
            ),
            agency_as_written: k.agency,
            previous: match k.previous {
                Previous::None => PreviousUsed {
                    source: "none",
                    report: None,
                },
                Previous::Sent => PreviousUsed {
                    source: "sent",
                    report: None,
                },
                Previous::Stored(at) => PreviousUsed {
                    source: "stored",
                    report: Some(at),
                },
            },
            report: raw(k.report_json)?,
            result: raw(k.result_json)?,
        });
    }
    Ok(Json(StoredReport {
        id: kept.id,
        agency: kept.agency,
        year: kept.year,
        created_at: kept.created_at,
        versions,
    })
    .into_response())
}

/// `lang` alone, for the OpenAPI document of `GET /v1/reports/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// Language of error messages: `zh` (default) or `en`.
    #[allow(dead_code)]
    lang: Option<LangParam>,
}

fn bad_query(what: &str, lang: Lang) -> ApiError {
    ApiError::bad_request(
        "bad_query",
        format!("{}{what}", lang.say("查询参数无效：", "invalid query: ")),
    )
}
