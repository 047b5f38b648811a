//! The optional bearer token of the routes that run the engine. A server started with a
//! token (`NIANBAO_TOKEN`, or `--token-file`) answers `POST /v1/check` and `/v1/normalize`
//! only to requests with `Authorization: Bearer <token>`, and 401 otherwise; the reference
//! routes (`/v1/rules`, the schemas, `/openapi.json`, `/healthz`) stay open. Without a
//! token there is no authentication: the server is meant to sit behind the portal's own.
//!
//! Only the SHA-256 of the token is kept, and a presented token is compared by its digest
//! in constant time.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::error::ApiError;

/// A token the engine's routes require.
#[derive(Debug, Clone)]
pub struct Token([u8; 32]);

impl Token {
    /// The token as given (surrounding whitespace, a file's last newline, dropped).
    pub fn new(secret: &str) -> Result<Self, String> {
        let secret = secret.trim();
        if secret.is_empty() {
            return Err("the token is empty".into());
        }
        if !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the token must be printable ASCII without spaces".into());
        }
        Ok(Token(Sha256::digest(secret.as_bytes()).into()))
    }

    /// Whether `Authorization` presents this token (`Bearer`, in any case).
    fn admits(&self, authorization: Option<&HeaderValue>) -> bool {
        let presented = authorization
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        let Some(presented) = presented else {
            return false;
        };
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        digest
            .iter()
            .zip(self.0.iter())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
    }
}

/// Around the engine's routes: 401 without the token, when the server has one.
pub async fn require_token(
    State(token): State<Option<Arc<Token>>>,
    req: Request,
    next: Next,
) -> Response {
    match token {
        Some(token) if !token.admits(req.headers().get(header::AUTHORIZATION)) => {
            let lang = super::api::lang_or_zh(req.uri());
            let mut res = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                lang.say(
                    "需要身份验证：请在 Authorization 请求头中提供 Bearer 令牌",
                    "authentication required: send the token as `Authorization: Bearer <token>`",
                ),
            )
            .into_response();
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"nianbao\""),
            );
            res
        }
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_token_in_a_bearer_header_is_admitted() {
        let token = Token::new("s3cret-token\n").expect("a token");
        let header = |v: &str| HeaderValue::from_str(v).unwrap();
        assert!(token.admits(Some(&header("Bearer s3cret-token"))));
        assert!(token.admits(Some(&header("bearer s3cret-token"))));
        assert!(!token.admits(Some(&header("Bearer s3cret-tokeN"))));
        assert!(!token.admits(Some(&header("Basic s3cret-token"))));
        assert!(!token.admits(Some(&header("s3cret-token"))));
        assert!(!token.admits(None));
        assert!(Token::new("  \n").is_err());
        assert!(Token::new("two words").is_err());
    }
}
