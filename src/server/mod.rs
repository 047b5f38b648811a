//! `nianbao serve`: the HTTP JSON API for server-side intake verification. It only
//! translates: every check is [`nianbao::check`] / [`nianbao::normalize`], and a result is
//! exactly the JSON `nianbao check --format json` prints for the same bytes.
//!
//! - [`api`]: the routes, how a request becomes the engine's input, the limits (body size,
//!   time, requests in flight), request ids and logs;
//! - [`auth`]: the named bearer tokens and their rights, and the guard of the routes;
//! - [`error`]: the one error body, `{"error": {"code", "message"}}`;
//! - [`intake`]: with `--store`, a check paired with the stored report of the year before
//!   and kept before it is answered;
//! - [`reports`]: the stored reports, `GET /v1/reports` and `/v1/reports/{id}`, behind the
//!   token;
//! - [`linger`]: the rest of a body answered early is read before the answer, so that
//!   every client sees it;
//! - [`openapi`]: the OpenAPI document, generated from the handlers (utoipa), with the
//!   JSON Schemas of `nianbao schema` as its components.
//!
//! The process: a multi-threaded tokio runtime, the engine on its blocking pool; hyper's
//! HTTP/1 connections with a timeout for reading a request's head; SIGTERM or Ctrl-C stop
//! accepting and let the requests in flight finish.

mod api;
mod auth;
mod error;
mod intake;
mod linger;
pub(crate) mod openapi;
mod reports;

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use axum::serve::Listener;
use clap::ValueEnum;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use nianbao::ingest::MAX_INPUT_BYTES;
use tracing_subscriber::EnvFilter;

pub use api::Settings;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Routes:
  POST /v1/check         the report in the body (JSON, text, bytes, or multipart `report`)
  POST /v1/normalize     the canonical report read from it
  GET  /v1/rules         every finding code
  GET  /v1/schema/report, /v1/schema/result   the JSON Schemas
  GET  /openapi.json     the OpenAPI document
  GET  /healthz
  GET  /v1/reports, /v1/reports/{id}   the stored reports (with --store and a token)

Example:
  nianbao serve --addr 0.0.0.0:8080 --cors-origin https://portal.example.gov.cn
  curl -sS --data-binary @report.txt -H 'Content-Type: text/plain' \\
       'http://127.0.0.1:8080/v1/check?lang=zh'")]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one (the address is printed at start).
    #[arg(long, env = "NIANBAO_ADDR", default_value = "127.0.0.1:8080")]
    addr: String,

    /// Largest request body, in bytes (suffixes K, M accepted: `20M`).
    #[arg(long, env = "NIANBAO_MAX_BODY", value_parser = parse_size,
          default_value_t = MAX_INPUT_BYTES)]
    max_body: usize,

    /// Seconds a request may take, reading its body included; then 408.
    #[arg(long, env = "NIANBAO_TIMEOUT", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,

    /// Seconds a client has to send a request's head (request line and headers) once it
    /// connects or once its previous request was answered; then the connection is closed.
    #[arg(long, env = "NIANBAO_HEADER_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,

    /// Checks run at once; beyond, 503 with Retry-After instead of queueing.
    #[arg(long, env = "NIANBAO_MAX_IN_FLIGHT", default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_in_flight: u32,

    /// Origins allowed to call the API from a browser (CORS), e.g. the portal of the
    /// browser drop-in's fallback; comma-separated in the environment. None by default.
    #[arg(
        long = "cors-origin",
        env = "NIANBAO_CORS_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    cors_origins: Vec<String>,

    /// A file of named tokens, one a line: `NAME RIGHTS SECRET`, RIGHTS `check`,
    /// `reports` or `check,reports` (a secret alone is the token `default` with `check`);
    /// or give the lines in NIANBAO_TOKENS (a single secret in NIANBAO_TOKEN). `reports`
    /// reads the intake store; `check` runs the engine when `--require-token` is given.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,

    /// `POST /v1/check` and `/v1/normalize` need a token with the right `check` (401
    /// without one, 403 with one that lacks it). Without this they are open.
    #[arg(long, env = "NIANBAO_REQUIRE_TOKEN")]
    require_token: bool,

    /// Keep every checked report: `sqlite:PATH` (a file, created if missing) or
    /// `postgres://USER@HOST/DATABASE` (several servers may share it). A check is then
    /// paired with the stored report of the year before of the same agency, and
    /// `GET /v1/reports` lists what was kept (with a token only).
    #[arg(long, env = "NIANBAO_STORE", value_name = "URL")]
    store: Option<String>,

    /// Log filter (`info`, `nianbao=debug,tower_http=info`, …); RUST_LOG when not given.
    #[arg(long, value_name = "FILTER")]
    log: Option<String>,

    /// Log lines on stderr: compact text or one JSON object per line.
    #[arg(long, env = "NIANBAO_LOG_FORMAT", value_enum, default_value_t = LogFormat::Compact)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Compact,
    Json,
}

/// A size in bytes: `1048576`, `512K`, `20M` (binary units).
fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, ""),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size in bytes"))?;
    let unit = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1024,
        "M" | "MB" | "MIB" => 1024 * 1024,
        _ => return Err(format!("`{s}`: the unit is K or M")),
    };
    match n.checked_mul(unit) {
        Some(0) => Err("the size must be at least 1 byte".into()),
        Some(n) => Ok(n),
        None => Err(format!("`{s}` is too large")),
    }
}

/// Runs the server until SIGTERM or Ctrl-C; 0 after a clean stop, 2 when it cannot start.
pub fn run(args: &ServeArgs) -> ExitCode {
    init_logs(args);
    let tokens = match tokens(args) {
        Ok(t) => t,
        Err(why) => return fail(&why),
    };
    let settings = match Settings::new(
        args.max_body,
        Duration::from_secs(args.timeout),
        args.max_in_flight as usize,
        &args.cors_origins,
        tokens,
    ) {
        Ok(s) => s,
        Err(why) => return fail(&why),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("nianbao-serve")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let store = match &args.store {
        Some(url) => match runtime.block_on(crate::store::Store::open(url)) {
            Ok(store) => Some(store),
            Err(why) => return fail(&why.to_string()),
        },
        None => None,
    };
    let head_timeout = Duration::from_secs(args.header_timeout);
    let served = runtime.block_on(serve(&args.addr, settings, store, head_timeout));
    // A check still running after a timeout is waited for a moment, not forever.
    runtime.shutdown_timeout(Duration::from_secs(args.timeout));
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => fail(&why),
    }
}

/// The tokens of `--token-file`, or of NIANBAO_TOKENS or NIANBAO_TOKEN (read here, not by
/// clap, so that `--help` never shows them).
fn tokens(args: &ServeArgs) -> Result<auth::Tokens, String> {
    let env = |name: &str| match std::env::var(name) {
        Ok(s) => Ok(Some(s)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(e) => Err(format!("{name}: {e}")),
    };
    let mut tokens = if let Some(path) = &args.token_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--token-file {}: {e}", path.display()))?;
        auth::Tokens::parse(&text, &format!("--token-file {}", path.display()))?
    } else if let Some(text) = env("NIANBAO_TOKENS")? {
        auth::Tokens::parse(&text.replace(';', "\n"), "NIANBAO_TOKENS")?
    } else if let Some(secret) = env("NIANBAO_TOKEN")? {
        auth::Tokens::parse(secret.trim(), "NIANBAO_TOKEN")?
    } else {
        auth::Tokens::default()
    };
    if args.require_token && tokens.is_empty() {
        return Err(
            "--require-token: the server has no token (give --token-file or NIANBAO_TOKENS)".into(),
        );
    }
    tokens.require_for_check = args.require_token;
    Ok(tokens)
}

async fn serve(
    addr: &str,
    settings: Settings,
    store: Option<crate::store::Store>,
    head_timeout: Duration,
) -> Result<(), String> {
    let mut listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local: SocketAddr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    // The one line on stdout: scripts and tests read the port from it.
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "listening on http://{local}");
    let _ = out.flush();
    drop(out);
    tracing::info!(addr = %local, tokens = %settings.tokens.summary(), require_token = settings.tokens.require_for_check, store = store.as_ref().map(|s| s.backend()), max_body = settings.max_body, timeout_s = settings.timeout.as_secs(),
        max_in_flight = settings.max_in_flight, "listening");
    // After the signal, the requests in flight have their timeout (then they are answered
    // 408 anyway) and a second more; a connection that never completes its request
    // (headers half sent, say) does not hold the process beyond that.
    let grace = settings.timeout + Duration::from_secs(1);
    let router = api::router(settings, store);
    let connections = GracefulShutdown::new();
    let mut signal = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            (stream, _) = Listener::accept(&mut listener) => {
                let service = TowerToHyperService::new(router.clone());
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(head_timeout)
                    .serve_connection(TokioIo::new(stream), service);
                let watched = connections.watch(connection);
                tokio::spawn(async move {
                    // A client that goes away, or is cut off for a slow head, is no error of ours.
                    if let Err(e) = watched.await {
                        tracing::debug!(error = %e, "connection closed");
                    }
                });
            }
            () = &mut signal => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = connections.shutdown() => {
            tracing::info!("stopped: every request in flight was answered");
        }
        () = tokio::time::sleep(grace) => {
            tracing::warn!(grace_s = grace.as_secs(), "stopped: connections still open after the grace period were closed");
        }
    }
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("Ctrl-C: no new connections; finishing the requests in flight"),
        _ = term => tracing::info!("SIGTERM: no new connections; finishing the requests in flight"),
    }
}

fn init_logs(args: &ServeArgs) {
    let filter = match &args.log {
        Some(f) => EnvFilter::try_new(f).ok(),
        None => EnvFilter::try_from_default_env().ok(),
    }
    .unwrap_or_else(|| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_target(false);
    let _ = match args.log_format {
        LogFormat::Compact => builder.compact().with_ansi(false).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
}

fn fail(why: &str) -> ExitCode {
    tracing::error!("{why}");
    let _ = writeln!(io::stderr(), "nianbao: {why}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_with_their_unit() {
        assert_eq!(parse_size("1048576"), Ok(1048576));
        assert_eq!(parse_size("512K"), Ok(512 * 1024));
        assert_eq!(parse_size("20M"), Ok(MAX_INPUT_BYTES));
        assert_eq!(parse_size("20 MB"), Ok(MAX_INPUT_BYTES));
        assert!(parse_size("0").is_err());
        assert!(parse_size("ten").is_err());
        assert!(parse_size("3G").is_err());
        assert!(parse_size("99999999999999999999M").is_err());
    }
}
