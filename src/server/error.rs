//! The one error body of the API, `{"error": {"code": "...", "message": "..."}}`, and the
//! status of each error. An unreadable report keeps the engine's code and message
//! ([`nianbao::InputError`]); the server's own errors have codes of their own.

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use nianbao::{InputError, Lang};
use serde::Serialize;
use utoipa::ToSchema;

/// Every error the API answers.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "empty", "message": "输入为空：没有可检查的报告内容"}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code. The report could not be read (422, the engine's codes, as the CLI's
    /// `error.code`): `empty`, `binary`, `undecodable`, `json`, `unsupported_format`,
    /// `damaged` (a .docx whose ZIP or XML is broken, a PDF cut short), `no_text_layer` (a
    /// scanned PDF), `encrypted` (a PDF);
    /// `too_large` (413); the request is wrong (400): `bad_query`, `multipart`,
    /// `missing_report`, `duplicate_part`, `previous_unreadable`, `body`;
    /// `unsupported_media_type` (415); `not_found` (404); `method_not_allowed` (405);
    /// `timeout` (408); `overloaded` (503, with Retry-After); `store_unavailable` (503, the
    /// store failed: nothing was kept); `unauthorized` (401); `reports_closed` (403, the
    /// stored reports on a server without a token); `internal` (500, a bug of nianbao —
    /// there must be none).
    #[schema(example = "json")]
    pub code: Cow<'static, str>,
    /// What went wrong, in Chinese, or in English with `lang=en`.
    pub message: String,
}

/// An error answer: a status and the body.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub message: String,
    /// Seconds, for 503.
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: Cow::Borrowed(code),
            message: message.into(),
            retry_after: None,
        }
    }

    /// The report could not be read: the engine's code and message; 413 for `too_large`.
    pub fn input(e: &InputError, lang: Lang) -> Self {
        // Every `too_large` is 413: a long text, and a .docx past its unpacked limits too.
        let status = match e.code() {
            "too_large" => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.code(), input_message(e, lang))
    }

    pub fn too_large(limit: usize, lang: Lang) -> Self {
        let mb = limit as f64 / 1048576.0;
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            match lang {
                Lang::Zh => format!("请求过大：超过 {mb:.1} MB 的上限"),
                Lang::En => format!("request too large: the limit is {mb:.1} MB"),
            },
        )
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn internal(lang: Lang) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            lang.say(
                "内部错误（nianbao 的缺陷，请报告）",
                "internal error (a bug in nianbao, please report it)",
            ),
        )
    }
}

/// The engine's message for an unreadable input, in the language asked.
pub fn input_message(e: &InputError, lang: Lang) -> String {
    match lang {
        Lang::Zh => e.message_zh(),
        Lang::En => e.to_string(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
            },
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_reports_are_422_and_too_large_413() {
        let e = ApiError::input(&InputError::Empty, Lang::En);
        assert_eq!(
            (e.status, e.code.as_ref()),
            (StatusCode::UNPROCESSABLE_ENTITY, "empty")
        );
        assert_eq!(e.message, InputError::Empty.to_string());
        let e = ApiError::input(&InputError::Binary, Lang::Zh);
        assert_eq!(e.message, InputError::Binary.message_zh());
        let big = InputError::TooLarge {
            bytes: 30 << 20,
            limit: 20 << 20,
        };
        let e = ApiError::input(&big, Lang::Zh);
        assert_eq!(
            (e.status, e.code.as_ref()),
            (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
        );
        let bomb = InputError::Docx(nianbao::ingest::DocxError::TooLarge {
            what: nianbao::ingest::DocxLimit::Unpacked,
        });
        let e = ApiError::input(&bomb, Lang::En);
        assert_eq!(
            (e.status, e.code.as_ref()),
            (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
        );
        assert!(e.message.contains("ZIP bomb"), "{}", e.message);
    }
}
