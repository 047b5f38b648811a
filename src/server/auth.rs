//! Who may do what: the named bearer tokens of `nianbao serve` and the guard around the
//! routes that need one.
//!
//! Tokens come from `--token-file FILE` or the environment (`NIANBAO_TOKENS`), one a line:
//!
//! ```text
//! # name     rights          secret
//! portal     check           3f9a0c…
//! auditor    check,reports   8c1d77…
//! ```
//!
//! A right is `check` (`POST /v1/check`, `/v1/normalize`) or `reports` (reading the intake
//! store, `GET /v1/reports…`). A line of a secret alone (the one-token file of 0.1, or
//! `NIANBAO_TOKEN`) is the token `default` with the right `check`.
//!
//! The engine's routes stay open unless the server is started with `--require-token`; the
//! store's routes always need a token with `reports` — without tokens nobody reads them.
//! No token: 401 (`unauthorized`, with `WWW-Authenticate: Bearer`); a token that is not
//! one of the server's: 401, on an open route too, so that a misconfigured client learns;
//! a token without the right: 403 (`forbidden`). The request log records the token's
//! name (`token=`), never the secret.
//!
//! Only the SHA-256 of each secret is kept; a presented token is hashed and compared with
//! every token's digest, each in constant time and all of them always, so neither the
//! time nor the order tells which bytes or which token came close.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use sha2::{Digest, Sha256};

use super::api::lang_or_zh;
use super::error::ApiError;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Run the engine: `POST /v1/check`, `POST /v1/normalize`.
    Check,
    /// Read the intake store: `GET /v1/reports…`.
    Reports,
}

impl Right {
    const ALL: [Right; 2] = [Right::Check, Right::Reports];

    fn word(self) -> &'static str {
        match self {
            Right::Check => "check",
            Right::Reports => "reports",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Right::Check => 1,
            Right::Reports => 2,
        }
    }
}

/// One token: its name (logged), the digest of its secret, its rights.
#[derive(Debug, Clone)]
struct Token {
    name: String,
    digest: [u8; 32],
    rights: u8,
}

/// The server's tokens, and whether the engine's routes require one.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    tokens: Vec<Token>,
    /// `--require-token`: `POST /v1/check` and `/v1/normalize` need a token with `check`.
    pub require_for_check: bool,
}

/// The name of the token a request presented, put in the response's extensions for the
/// request log.
#[derive(Debug, Clone)]
pub struct TokenName(pub Arc<str>);

/// The shortest secret taken.
const MIN_SECRET: usize = 12;

impl Tokens {
    /// Reads the lines of a token file or of `NIANBAO_TOKENS` (`origin` names it in errors).
    pub fn parse(text: &str, origin: &str) -> Result<Tokens, String> {
        let mut tokens: Vec<Token> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = |why: String| format!("{origin}, line {}: {why}", i + 1);
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (name, rights, secret) = match fields[..] {
                [secret] => ("default", Right::Check.bit(), secret),
                [name, rights, secret] => (name, parse_rights(rights).map_err(at)?, secret),
                _ => {
                    return Err(at(
                        "a line is `NAME RIGHTS SECRET` (RIGHTS: check, reports or check,reports) or a secret alone".into(),
                    ))
                }
            };
            if !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            {
                return Err(at(format!(
                    "the name `{name}` may hold only letters, digits, `.`, `_` and `-`"
                )));
            }
            check_secret(secret).map_err(at)?;
            let token = Token {
                name: name.to_owned(),
                digest: Sha256::digest(secret.as_bytes()).into(),
                rights,
            };
            if tokens.iter().any(|t| t.name == token.name) {
                return Err(at(format!("the name `{name}` is given twice")));
            }
            if tokens.iter().any(|t| t.digest == token.digest) {
                return Err(at("this secret is given twice".into()));
            }
            tokens.push(token);
        }
        if tokens.is_empty() {
            return Err(format!("{origin}: no token in it"));
        }
        Ok(Tokens {
            tokens,
            require_for_check: false,
        })
    }

    /// Whether the server has any token.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The names of the tokens and their rights, for the start-up log.
    pub fn summary(&self) -> String {
        self.tokens
            .iter()
            .map(|t| {
                let rights: Vec<&str> = Right::ALL
                    .iter()
                    .filter(|r| t.rights & r.bit() != 0)
                    .map(|r| r.word())
                    .collect();
                format!("{}({})", t.name, rights.join(","))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The token `Authorization` presents: `Ok(None)` when it presents none, `Err(())` when
    /// it presents one that is not the server's (or is not `Bearer`).
    fn presented(&self, authorization: Option<&HeaderValue>) -> Result<Option<&Token>, ()> {
        let Some(value) = authorization else {
            return Ok(None);
        };
        let secret = value
            .to_str()
            .ok()
            .and_then(|v| v.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim())
            .ok_or(())?;
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        let mut found = None;
        for token in &self.tokens {
            let diff = digest
                .iter()
                .zip(token.digest.iter())
                .fold(0u8, |diff, (a, b)| diff | (a ^ b));
            if diff == 0 {
                found = Some(token);
            }
        }
        found.map(Some).ok_or(())
    }
}

fn parse_rights(words: &str) -> Result<u8, String> {
    words.split(',').try_fold(0u8, |bits, word| {
        Right::ALL
            .iter()
            .find(|r| r.word() == word)
            .map(|r| bits | r.bit())
            .ok_or_else(|| format!("`{word}` is not a right (check, reports)"))
    })
}

fn check_secret(secret: &str) -> Result<(), String> {
    if !secret.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("a secret is printable ASCII without spaces".into());
    }
    if secret.len() < MIN_SECRET {
        return Err(format!(
            "a secret is at least {MIN_SECRET} characters (this one has {})",
            secret.len()
        ));
    }
    Ok(())
}

/// What a guard needs: the tokens, the right, and whether a request without a token is
/// turned away.
#[derive(Clone)]
struct Guard {
    tokens: Arc<Tokens>,
    right: Right,
    required: bool,
}

/// Puts the guard of `right` around every route of `router`; `required`: a request must
/// present a token with the right (otherwise only a presented token is checked).
pub fn guard<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    tokens: &Arc<Tokens>,
    right: Right,
    required: bool,
) -> Router<S> {
    let guard = Guard {
        tokens: tokens.clone(),
        right,
        required,
    };
    router.route_layer(middleware::from_fn_with_state(guard, check_token))
}

async fn check_token(State(guard): State<Guard>, req: Request, next: Next) -> Response {
    let lang = lang_or_zh(req.uri());
    let refuse = |status, code, zh: &str, en: &str| {
        let mut res = ApiError::new(status, code, lang.say(zh, en)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"nianbao\""),
            );
        }
        res
    };
    match guard
        .tokens
        .presented(req.headers().get(header::AUTHORIZATION))
    {
        Err(()) => refuse(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "令牌无效：Authorization 请求头中的 Bearer 令牌不是本服务的令牌",
            "the token is not valid: the bearer token in `Authorization` is not one of this server's",
        ),
        Ok(None) if guard.required => refuse(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "需要身份验证：请在 Authorization 请求头中提供 Bearer 令牌",
            "authentication required: send the token as `Authorization: Bearer <token>`",
        ),
        Ok(None) => next.run(req).await,
        Ok(Some(token)) => {
            let name = TokenName(Arc::from(token.name.as_str()));
            let mut res = if token.rights & guard.right.bit() != 0 || !guard.required {
                next.run(req).await
            } else {
                refuse(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    &format!(
                        "令牌“{}”没有“{}”权限",
                        token.name,
                        guard.right.word()
                    ),
                    &format!(
                        "the token `{}` does not have the right `{}`",
                        token.name,
                        guard.right.word()
                    ),
                )
            };
            res.extensions_mut().insert(name);
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(v: &str) -> HeaderValue {
        HeaderValue::from_str(v).unwrap()
    }

    #[test]
    fn only_a_server_token_in_a_bearer_header_is_admitted() {
        let tokens = Tokens::parse(
            "# a comment\n\nportal check s3cret-token-1\nauditor check,reports s3cret-token-2\n",
            "test",
        )
        .expect("tokens");
        let name = |v: Option<&str>| {
            tokens
                .presented(v.map(header).as_ref())
                .map(|t| t.map(|t| t.name.clone()))
        };
        assert_eq!(
            name(Some("Bearer s3cret-token-1")),
            Ok(Some("portal".into()))
        );
        assert_eq!(
            name(Some("bearer s3cret-token-2")),
            Ok(Some("auditor".into()))
        );
        assert_eq!(name(Some("Bearer s3cret-token-3")), Err(()));
        assert_eq!(name(Some("Basic s3cret-token-1")), Err(()));
        assert_eq!(name(Some("s3cret-token-1")), Err(()));
        assert_eq!(name(None), Ok(None));
        assert_eq!(tokens.summary(), "portal(check) auditor(check,reports)");
    }

    #[test]
    fn a_secret_alone_is_the_default_check_token() {
        let tokens = Tokens::parse("s3cret-token-1\n", "NIANBAO_TOKEN").unwrap();
        assert_eq!(tokens.summary(), "default(check)");
    }

    #[test]
    fn bad_token_files_are_refused_with_the_line() {
        let err = |text: &str| Tokens::parse(text, "tokens.txt").unwrap_err();
        assert_eq!(err("  \n# only a comment\n"), "tokens.txt: no token in it");
        assert!(err("a check").contains("line 1"));
        assert!(err("a read s3cret-token-1").contains("`read` is not a right"));
        assert!(err("a check short").contains("at least 12"));
        assert!(err("a/b check s3cret-token-1").contains("may hold only"));
        assert!(err("a check s3cret-token-1\na reports s3cret-token-2").contains("line 2"));
        assert!(err("a check s3cret-token-1\nb reports s3cret-token-1").contains("twice"));
    }
}
