//! The routes of `nianbao serve` and what stands around them: how a request body becomes
//! the engine's input (raw bytes, declared JSON, or a multipart `report` part), the engine
//! run on the blocking pool, the limits (body size, time, checks in flight), request ids,
//! CORS and one log line per request. No rule is decided here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use nianbao::{Format, Lang, Options};
use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use utoipa::{IntoParams, ToSchema};

use super::auth::{self, Right, TokenName, Tokens};
use super::error::{ApiError, ErrorBody};
use super::openapi;
use crate::store::Store;

/// The settings of a server (flags and environment of `nianbao serve`).
#[derive(Debug, Clone)]
pub struct Settings {
    pub max_body: usize,
    pub timeout: Duration,
    pub max_in_flight: usize,
    cors_origins: Vec<HeaderValue>,
    /// The server's tokens and whether the engine's routes require one (super::auth).
    pub tokens: Arc<Tokens>,
}

impl Settings {
    pub fn new(
        max_body: usize,
        timeout: Duration,
        max_in_flight: usize,
        cors_origins: &[String],
        tokens: Tokens,
    ) -> Result<Self, String> {
        let cors_origins = cors_origins
            .iter()
            .map(|o| o.trim().trim_end_matches('/'))
            .filter(|o| !o.is_empty())
            .map(|o| {
                let host = o
                    .strip_prefix("https://")
                    .or_else(|| o.strip_prefix("http://"));
                let ok = host.is_some_and(|h| !h.is_empty() && !h.contains('/'));
                match HeaderValue::from_str(o) {
                    Ok(v) if ok => Ok(v),
                    _ => Err(format!(
                        "`{o}` is not an origin (scheme://host[:port], e.g. https://portal.example.gov.cn)"
                    )),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Settings {
            max_body,
            timeout,
            max_in_flight: max_in_flight.max(1),
            cors_origins,
            tokens: Arc::new(tokens),
        })
    }
}

/// What the handlers share.
#[derive(Clone)]
pub(super) struct App {
    settings: Arc<Settings>,
    in_flight: Arc<Semaphore>,
    /// Answers that never change, serialized once.
    rules: Bytes,
    report_schema: Bytes,
    result_schema: Bytes,
    openapi: Bytes,
    /// Where every checked report is kept, with `--store` (super::intake).
    pub(super) store: Option<Store>,
}

/// A place among the checks in flight, held until the engine is done with the request
/// (a timed-out request's check still holds it).
#[derive(Clone)]
pub(super) struct Permit(#[allow(dead_code)] Arc<OwnedSemaphorePermit>);

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole API.
pub fn router(settings: Settings, store: Option<Store>) -> Router {
    let json = |v: &serde_json::Value| Bytes::from(serde_json::to_vec(v).expect("JSON"));
    let app = App {
        in_flight: Arc::new(Semaphore::new(settings.max_in_flight)),
        rules: Bytes::from(serde_json::to_vec(nianbao::finding::DEFINITIONS).expect("JSON")),
        report_schema: json(&nianbao::schema::report_schema()),
        result_schema: json(&nianbao::schema::result_schema()),
        openapi: json(&openapi::document()),
        settings: Arc::new(settings),
        store: store.clone(),
    };
    let settings = app.settings.clone();
    // Only the routes that run the engine count against the checks in flight.
    let work = Router::new()
        .route("/v1/check", post(check))
        .route("/v1/normalize", post(normalize))
        .route_layer(middleware::from_fn_with_state(app.clone(), limit_in_flight));
    let work = auth::guard(
        work,
        &settings.tokens,
        Right::Check,
        settings.tokens.require_for_check,
    );
    let mut router = Router::new()
        .merge(work)
        .merge(super::reports::routes(store, &settings.tokens))
        .route("/v1/rules", get(rules))
        .route("/v1/schema/report", get(report_schema))
        .route("/v1/schema/result", get(result_schema))
        .route("/openapi.json", get(openapi_json))
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app)
        .layer(DefaultBodyLimit::max(settings.max_body))
        .layer(middleware::from_fn_with_state(settings.timeout, timeout))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn_with_state(
            settings.max_body,
            super::linger::linger,
        ));
    if !settings.cors_origins.is_empty() {
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(settings.cors_origins.clone()))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::ACCEPT,
                    header::AUTHORIZATION,
                    X_REQUEST_ID,
                ])
                .expose_headers([X_REQUEST_ID])
                .max_age(Duration::from_secs(3600)),
        );
    }
    router
        .layer(middleware::from_fn(log_request))
        .layer(PropagateRequestIdLayer::new(X_REQUEST_ID))
        .layer(SetRequestIdLayer::new(X_REQUEST_ID, RequestIds::new()))
}

// ---------------------------------------------------------------------------------------
// The routes.

/// The language of messages, `zh` (default) or `en`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// Language of the findings' messages and of error messages: `zh` (default) or `en`.
    /// Any other value is refused with 400.
    lang: Option<LangParam>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LangParam {
    Zh,
    En,
}

/// A report as a file: its bytes as they are.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ReportBytes(#[allow(dead_code)] Vec<u8>);

/// The multipart form of `POST /v1/check`.
#[derive(ToSchema)]
pub struct CheckForm {
    /// The report: text, its canonical JSON, or a file of it, in any format the engine
    /// reads.
    #[schema(value_type = String, format = Binary)]
    #[allow(dead_code)]
    report: Vec<u8>,
    /// Last year's report of the same agency, in any format: the cross-year rules
    /// (X001–X003, X004 for what cannot be compared) run against it, as
    /// `nianbao check --previous`. Refused with 400 when it cannot be read.
    #[schema(value_type = Option<String>, format = Binary)]
    #[allow(dead_code)]
    previous: Option<Vec<u8>>,
}

/// The multipart form of `POST /v1/normalize`.
#[derive(ToSchema)]
pub struct NormalizeForm {
    /// The report, in any format the engine reads.
    #[schema(value_type = String, format = Binary)]
    #[allow(dead_code)]
    report: Vec<u8>,
}

/// `GET /healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` while the server answers.
    #[schema(example = "ok")]
    status: &'static str,
    /// The engine's version.
    #[schema(example = "0.1.0")]
    version: &'static str,
}

/// Checks a report.
///
/// The body is the report: the canonical report JSON (`application/json`), its text
/// (`text/plain`), or the bytes of a file of any other type (`application/octet-stream`,
/// or the file's own type) whose format the engine tells by content — text extracted from
/// PDF/Word in UTF-8, GBK, GB18030, Big5 or UTF-16, a Word document (.docx), an HTML
/// page, a PDF with a text layer, or the canonical JSON; .doc/.wps files are refused with
/// 422 `unsupported_format`, scanned PDFs with 422 `no_text_layer`. Or
/// `multipart/form-data` with the
/// report in a `report` part and, optionally, last year's report in a `previous` part
/// (the cross-year rules X001–X003 then run, as `nianbao check --previous`; refused with
/// 400 when unreadable). On a server with a store, a report of year N sent without
/// `previous` is checked against the stored report of year N−1 of the same agency (its
/// latest version), and every checked report is kept before the answer. The answer is the result of the check, exactly what
/// `nianbao check --format json` prints for the same bytes — 200 also when the report has
/// errors (`valid: false`).
#[utoipa::path(
    post, path = "/v1/check", tag = "check",
    params(LangQuery),
    security((), ("bearer" = [])),
    request_body(
        description = "The report (see the operation's description).",
        content(
            (ref("#/components/schemas/Report") = "application/json"),
            (String = "text/plain"),
            (ReportBytes = "application/octet-stream"),
            (CheckForm = "multipart/form-data"),
        )
    ),
    responses(
        (status = 200, description = "The result of the check (`GET /v1/schema/result`; RULES.md \"JSON shapes\"), also when `valid` is false. On a server with a store (`--store`) the report has been kept, committed, before this answer, and the headers say where.",
            body = ref("#/components/schemas/CheckResult"),
            headers(
                ("Location" = String, description = "With a store: the stored report, `/v1/reports/{id}`."),
                ("Nianbao-Report-Id" = i64, description = "With a store: the stored report's id."),
                ("Nianbao-Report-Version" = i32, description = "With a store: the version this submission is (1, 2, …: a resubmission is a new version)."),
                ("Nianbao-Previous" = String, description = "With a store: which last year's report the cross-year rules ran against — `{id}/{version}` of the stored report of the year before (paired automatically), `sent` (the `previous` part, which wins) or `none`."),
            )),
        (status = 400, description = "A bad `lang`, a malformed multipart body, a multipart body without a `report` part, or an unreadable `previous` part.", body = ErrorBody),
        (status = 401, description = "The request presents a token that is not the server's, or none to a server started with `--require-token` (`unauthorized`, with `WWW-Authenticate: Bearer`).", body = ErrorBody),
        (status = 403, description = "The server requires a token (`--require-token`) and the one presented does not have the right `check` (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such route.", body = ErrorBody),
        (status = 405, description = "Only POST.", body = ErrorBody),
        (status = 408, description = "The request took longer than the server's timeout.", body = ErrorBody),
        (status = 413, description = "The body is larger than the server's limit (`too_large`).", body = ErrorBody),
        (status = 415, description = "A content type that cannot carry a report (`application/x-www-form-urlencoded`, `multipart/*` other than form-data).", body = ErrorBody),
        (status = 422, description = "The report cannot be read: the engine's code (`empty`, `binary`, `undecodable`, `json`, `unsupported_format`, `damaged`, `no_text_layer`, `encrypted`) and message.", body = ErrorBody),
        (status = 503, description = "Too many checks in flight (`overloaded`), or, with a store, the store failed and the report was not kept (`store_unavailable`); retry after the seconds of `Retry-After`.", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying."))),
    )
)]
pub(super) async fn check(State(app): State<App>, req: Request) -> Result<Response, ApiError> {
    let lang = lang_of(req.uri())?;
    let permit = req.extensions().get::<Permit>().cloned();
    let input = receive(&app, req, lang, true).await?;
    if let Some(store) = &app.store {
        return super::intake::check_and_keep(store, permit, input, lang).await;
    }
    let json = on_engine(permit, lang, move || {
        let (ingested, previous) = input.read(lang)?;
        let result = nianbao::check_ingested_with(ingested, previous.as_ref(), &Options { lang });
        nianbao::pretty::to_vec_compact(&result).map_err(|_| ApiError::internal(lang))
    })
    .await?;
    Ok(json_response(Bytes::from(json)))
}

/// Reads a report into the canonical report JSON, without checking it.
///
/// The body is as for `POST /v1/check` (a `multipart/form-data` body has the report in
/// its `report` part). The answer is what `nianbao normalize` prints.
#[utoipa::path(
    post, path = "/v1/normalize", tag = "check",
    params(LangQuery),
    security((), ("bearer" = [])),
    request_body(
        description = "The report, as for `POST /v1/check`.",
        content(
            (ref("#/components/schemas/Report") = "application/json"),
            (String = "text/plain"),
            (ReportBytes = "application/octet-stream"),
            (NormalizeForm = "multipart/form-data"),
        )
    ),
    responses(
        (status = 200, description = "The canonical report (`GET /v1/schema/report`).",
            body = ref("#/components/schemas/Report")),
        (status = 400, description = "A bad `lang`, a malformed multipart body or one without a `report` part.", body = ErrorBody),
        (status = 401, description = "The request presents a token that is not the server's, or none to a server started with `--require-token` (`unauthorized`, with `WWW-Authenticate: Bearer`).", body = ErrorBody),
        (status = 403, description = "The server requires a token (`--require-token`) and the one presented does not have the right `check` (`forbidden`).", body = ErrorBody),
        (status = 404, description = "No such route.", body = ErrorBody),
        (status = 405, description = "Only POST.", body = ErrorBody),
        (status = 408, description = "The request took longer than the server's timeout.", body = ErrorBody),
        (status = 413, description = "The body is larger than the server's limit (`too_large`).", body = ErrorBody),
        (status = 415, description = "A content type that cannot carry a report.", body = ErrorBody),
        (status = 422, description = "The report cannot be read: the engine's code and message.", body = ErrorBody),
        (status = 503, description = "Too many checks in flight; retry after `Retry-After` seconds.", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying."))),
    )
)]
pub(super) async fn normalize(State(app): State<App>, req: Request) -> Result<Response, ApiError> {
    let lang = lang_of(req.uri())?;
    let permit = req.extensions().get::<Permit>().cloned();
    let input = receive(&app, req, lang, false).await?;
    let json = on_engine(permit, lang, move || {
        let ingested = nianbao::ingest(&input.report).map_err(|e| ApiError::input(&e, lang))?;
        input.expect_format(ingested.format, lang)?;
        nianbao::pretty::to_vec_compact(&ingested.report).map_err(|_| ApiError::internal(lang))
    })
    .await?;
    Ok(json_response(Bytes::from(json)))
}

/// Every finding code: severity, rule, summary, message templates and documentation, as
/// `nianbao rules --format json` prints them.
#[utoipa::path(
    get, path = "/v1/rules", tag = "reference",
    security(()),
    responses(
        (status = 200, description = "The definitions of the finding codes (`src/finding.rs`).", body = ref("#/components/schemas/RuleDefinitions")),
        (status = 405, description = "A method other than GET or HEAD (`method_not_allowed`, with `Allow`).", body = ErrorBody),
    )
)]
pub(super) async fn rules(State(app): State<App>) -> Response {
    json_response(app.rules)
}

/// The JSON Schema (draft 2020-12) of the canonical report, as `nianbao schema report`.
#[utoipa::path(
    get, path = "/v1/schema/report", tag = "reference",
    security(()),
    responses(
        (status = 200, description = "A JSON Schema document (draft 2020-12); the `Report` component of this document is the same schema.", body = Object),
        (status = 405, description = "A method other than GET or HEAD (`method_not_allowed`, with `Allow`).", body = ErrorBody),
    )
)]
pub(super) async fn report_schema(State(app): State<App>) -> Response {
    json_response(app.report_schema)
}

/// The JSON Schema (draft 2020-12) of a check result, as `nianbao schema result`.
#[utoipa::path(
    get, path = "/v1/schema/result", tag = "reference",
    security(()),
    responses(
        (status = 200, description = "A JSON Schema document (draft 2020-12); the `CheckResult` component of this document is the same schema.", body = Object),
        (status = 405, description = "A method other than GET or HEAD (`method_not_allowed`, with `Allow`).", body = ErrorBody),
    )
)]
pub(super) async fn result_schema(State(app): State<App>) -> Response {
    json_response(app.result_schema)
}

/// This OpenAPI document.
#[utoipa::path(
    get, path = "/openapi.json", tag = "reference",
    security(()),
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of this API.", body = Object),
        (status = 405, description = "A method other than GET or HEAD (`method_not_allowed`, with `Allow`).", body = ErrorBody),
    )
)]
pub(super) async fn openapi_json(State(app): State<App>) -> Response {
    json_response(app.openapi)
}

/// Whether the server answers.
#[utoipa::path(
    get, path = "/healthz", tag = "reference",
    security(()),
    responses(
        (status = 200, description = "The server answers.", body = Health),
        (status = 405, description = "A method other than GET or HEAD (`method_not_allowed`, with `Allow`).", body = ErrorBody),
    )
)]
pub(super) async fn healthz() -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

async fn not_found(uri: Uri) -> ApiError {
    let lang = lang_or_zh(&uri);
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!(
            "{}{}",
            lang.say("没有这个地址：", "no such route: "),
            uri.path()
        ),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    let lang = lang_or_zh(&uri);
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "{}{method} {}",
            lang.say("不支持的请求方法：", "method not allowed: "),
            uri.path()
        ),
    )
}

// ---------------------------------------------------------------------------------------
// From a request to the engine's input.

/// A report as received.
pub(super) struct Received {
    pub(super) report: Bytes,
    pub(super) previous: Option<Bytes>,
    /// Declared `application/json`: the body must be the canonical JSON.
    declared_json: bool,
}

impl Received {
    /// The report, and last year's when sent (the engine's work: on the blocking pool).
    pub(super) fn read(
        &self,
        lang: Lang,
    ) -> Result<(nianbao::Ingested, Option<nianbao::Report>), ApiError> {
        let ingested = nianbao::ingest(&self.report).map_err(|e| ApiError::input(&e, lang))?;
        self.expect_format(ingested.format, lang)?;
        let previous = match &self.previous {
            Some(bytes) => {
                Some(nianbao::normalize(bytes).map_err(|e| ApiError::previous(&e, lang))?)
            }
            None => None,
        };
        Ok((ingested, previous))
    }

    /// A body declared JSON that the engine reads as text is refused, not checked as text.
    fn expect_format(&self, format: Format, lang: Lang) -> Result<(), ApiError> {
        if self.declared_json && format != Format::Json {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "json",
                lang.say(
                    "请求声明为 application/json，但请求体不是 JSON",
                    "the body is declared application/json but is not JSON",
                ),
            ));
        }
        Ok(())
    }
}

/// How a content type carries a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carrier {
    /// The body is the report, its format told by content.
    Bytes,
    /// The body is the canonical report JSON.
    Json,
    /// `multipart/form-data` with a `report` part.
    Multipart,
}

fn carrier(headers: &HeaderMap, lang: Lang) -> Result<Carrier, ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(Carrier::Bytes);
    };
    let essence = String::from_utf8_lossy(value.as_bytes());
    let essence = essence
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let unsupported = || {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "{}{essence}",
                lang.say("不支持的内容类型（请以 multipart/form-data 的 report 部分或直接以请求体提交报告）：",
                    "unsupported content type (send the report as the body, or as the `report` part of multipart/form-data): "
                )
            ),
        )
    };
    Ok(match essence.as_str() {
        "multipart/form-data" => Carrier::Multipart,
        "application/x-www-form-urlencoded" => return Err(unsupported()),
        e if e.starts_with("multipart/") => return Err(unsupported()),
        "application/json" => Carrier::Json,
        e if e.starts_with("application/") && e.ends_with("+json") => Carrier::Json,
        _ => Carrier::Bytes,
    })
}

/// Reads the report (and, for a check, last year's) from the body, within the size limit.
async fn receive(
    app: &App,
    req: Request,
    lang: Lang,
    with_previous: bool,
) -> Result<Received, ApiError> {
    let limit = app.settings.max_body;
    let carried = carrier(req.headers(), lang)?;
    // Refused before a byte of it is asked for: a client waiting on `Expect: 100-continue`
    // then sends none (super::linger).
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::too_large(limit, lang));
    }
    match carried {
        Carrier::Multipart => {
            let mut form = Multipart::from_request(req, &()).await.map_err(|_| {
                ApiError::bad_request(
                    "multipart",
                    lang.say(
                        "multipart/form-data 请求缺少有效的 boundary",
                        "multipart/form-data without a valid boundary",
                    ),
                )
            })?;
            let mut report = None;
            let mut previous = None;
            loop {
                let field = form
                    .next_field()
                    .await
                    .map_err(|e| multipart_error(&e, limit, lang))?;
                let Some(field) = field else { break };
                let slot = match field.name() {
                    Some("report") => &mut report,
                    Some("previous") if with_previous => &mut previous,
                    // Other fields of a portal's form are none of ours.
                    _ => continue,
                };
                let name = field.name().unwrap_or_default().to_string();
                if slot.is_some() {
                    return Err(ApiError::bad_request(
                        "duplicate_part",
                        format!(
                            "{}{name}",
                            lang.say("multipart 中有重复的部分：", "a part is given twice: ")
                        ),
                    ));
                }
                *slot = Some(
                    field
                        .bytes()
                        .await
                        .map_err(|e| multipart_error(&e, limit, lang))?,
                );
            }
            let report = report.ok_or_else(|| {
                ApiError::bad_request(
                    "missing_report",
                    lang.say(
                        "multipart/form-data 请求缺少 report 部分（报告文件）",
                        "the multipart/form-data body has no `report` part (the report file)",
                    ),
                )
            })?;
            Ok(Received {
                report,
                previous,
                declared_json: false,
            })
        }
        carried => {
            let report = read_body(req.into_body(), limit, lang).await?;
            Ok(Received {
                report,
                previous: None,
                declared_json: carried == Carrier::Json,
            })
        }
    }
}

async fn read_body(body: Body, limit: usize, lang: Lang) -> Result<Bytes, ApiError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(ApiError::too_large(limit, lang))
        }
        Err(e) => Err(ApiError::bad_request(
            "body",
            format!(
                "{}{e}",
                lang.say("无法读取请求体：", "cannot read the body: ")
            ),
        )),
    }
}

fn multipart_error(
    e: &axum::extract::multipart::MultipartError,
    limit: usize,
    lang: Lang,
) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::too_large(limit, lang);
    }
    ApiError::bad_request(
        "multipart",
        format!(
            "{}{}",
            lang.say(
                "multipart/form-data 格式错误：",
                "malformed multipart/form-data: "
            ),
            e.body_text()
        ),
    )
}

/// `lang` of the query: 400 for any other value than `zh` or `en`.
pub(super) fn lang_of(uri: &Uri) -> Result<Lang, ApiError> {
    match Query::<LangQuery>::try_from_uri(uri) {
        Ok(Query(q)) => Ok(match q.lang {
            None | Some(LangParam::Zh) => Lang::Zh,
            Some(LangParam::En) => Lang::En,
        }),
        Err(e) => Err(ApiError::bad_request(
            "bad_query",
            format!(
                "查询参数无效，lang 只能是 zh 或 en（invalid query: lang must be zh or en）：{}",
                e.body_text()
            ),
        )),
    }
}

pub(super) fn lang_or_zh(uri: &Uri) -> Lang {
    lang_of(uri).unwrap_or(Lang::Zh)
}

impl ApiError {
    /// Last year's report could not be read.
    fn previous(e: &nianbao::InputError, lang: Lang) -> Self {
        ApiError::bad_request(
            "previous_unreadable",
            format!(
                "{}{}",
                lang.say(
                    "上一年度报告（previous）无法读取：",
                    "last year's report (`previous`) cannot be read: "
                ),
                super::error::input_message(e, lang)
            ),
        )
    }
}

/// Runs the engine on the blocking pool. A panic there is a bug of nianbao: logged loudly,
/// answered 500 `internal`; the server goes on.
pub(super) async fn on_engine<T: Send + 'static>(
    permit: Option<Permit>,
    lang: Lang,
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    })
    .await
    {
        Ok(done) => done,
        Err(e) => {
            let why = if e.is_panic() {
                panic_text(e.into_panic())
            } else {
                "cancelled".to_string()
            };
            tracing::error!(panic = %why, "BUG: the engine panicked on a request; please report it with the report that caused it");
            Err(ApiError::internal(lang))
        }
    }
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

pub(super) fn json_response(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------
// Around the routes.

/// 503 with Retry-After when `max_in_flight` checks are running, rather than a queue.
async fn limit_in_flight(State(app): State<App>, mut req: Request, next: Next) -> Response {
    match app.in_flight.clone().try_acquire_owned() {
        Ok(permit) => {
            req.extensions_mut().insert(Permit(Arc::new(permit)));
            next.run(req).await
        }
        Err(_) => {
            let lang = lang_or_zh(req.uri());
            let mut e = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                lang.say(
                    "服务器繁忙：同时检查的报告过多，请稍后重试",
                    "server busy: too many checks in flight, retry shortly",
                ),
            );
            e.retry_after = Some(1);
            e.into_response()
        }
    }
}

/// 408 when a request (its body read included) takes longer than the timeout.
async fn timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    let lang = lang_or_zh(req.uri());
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!(
                "{}{} s",
                lang.say("请求超时：超过 ", "request timed out: longer than "),
                limit.as_secs()
            ),
        )
        .into_response(),
    }
}

/// A panic in a handler (not the engine's: that one is caught in [`on_engine`]).
fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!(panic = %panic_text(payload), "BUG: a handler panicked; please report it");
    ApiError::internal(Lang::Zh).into_response()
}

/// One line per request: id, method, path, status, latency.
async fn log_request(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let id = req
        .headers()
        .get(X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let latency_ms = (start.elapsed().as_secs_f64() * 1e4).round() / 10.0;
    // The name of the token presented (super::auth), never its secret.
    let token = res
        .extensions()
        .get::<TokenName>()
        .map_or("-", |t| &*t.0)
        .to_owned();
    if status >= 500 {
        tracing::error!(request_id = %id, %method, %path, status, latency_ms, token, "request");
    } else {
        tracing::info!(request_id = %id, %method, %path, status, latency_ms, token, "request");
    }
    res
}

/// Request ids: this process's prefix and a counter, unless the client sent its own.
#[derive(Clone)]
struct RequestIds {
    prefix: u32,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
            .unwrap_or(0);
        RequestIds {
            prefix: nanos ^ std::process::id().rotate_left(16),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:08x}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content_type(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn content_types_carry_reports() {
        let c = |v: &str| carrier(&content_type(v), Lang::Zh).map_err(|e| e.status);
        assert_eq!(
            carrier(&HeaderMap::new(), Lang::Zh).unwrap(),
            Carrier::Bytes
        );
        assert_eq!(c("application/json"), Ok(Carrier::Json));
        assert_eq!(c("Application/JSON; charset=utf-8"), Ok(Carrier::Json));
        assert_eq!(c("text/plain; charset=gbk"), Ok(Carrier::Bytes));
        assert_eq!(c("application/pdf"), Ok(Carrier::Bytes));
        assert_eq!(c("multipart/form-data; boundary=x"), Ok(Carrier::Multipart));
        assert_eq!(
            c("multipart/mixed; boundary=x"),
            Err(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        );
        assert_eq!(
            c("application/x-www-form-urlencoded"),
            Err(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        );
    }

    #[test]
    fn lang_is_zh_en_or_refused() {
        let l = |q: &str| lang_of(&q.parse().unwrap()).map_err(|e| e.status);
        assert_eq!(l("/v1/check"), Ok(Lang::Zh));
        assert_eq!(l("/v1/check?lang=en"), Ok(Lang::En));
        assert_eq!(l("/v1/check?lang=zh&x=1"), Ok(Lang::Zh));
        assert_eq!(l("/v1/check?lang=fr"), Err(StatusCode::BAD_REQUEST));
        assert_eq!(l("/v1/check?lang="), Err(StatusCode::BAD_REQUEST));
        assert_eq!(l("/v1/check?lang=en&lang=zh"), Err(StatusCode::BAD_REQUEST));
    }

    /// There must be none, but a panic of the engine is a 500 JSON, not a dead server.
    #[test]
    fn a_panic_on_the_engine_is_answered_500_internal() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let e = rt
            .block_on(on_engine::<()>(None, Lang::En, || panic!("test panic")))
            .unwrap_err();
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(e.code, "internal");
        let done = rt.block_on(on_engine(None, Lang::En, || Ok(7))).unwrap();
        assert_eq!(done, 7);
    }

    #[test]
    fn origins_are_checked() {
        let s = |o: &str| {
            Settings::new(
                1,
                Duration::from_secs(1),
                1,
                &[o.to_string()],
                Tokens::default(),
            )
        };
        assert!(s("https://portal.example.gov.cn").is_ok());
        assert!(s("http://localhost:8000/").is_ok());
        assert!(s("portal.example.gov.cn").is_err());
        assert!(s("https://portal.example.gov.cn/path").is_err());
    }
}
