//! The intake store (`--store`), on a real SQLite file and a real PostgreSQL cluster
//! (super::pg): every checked report kept as a new version, a check paired with the stored
//! report of the year before (the result the CLI's with `--previous`), the routes behind
//! the token, nothing acknowledged lost when the server is killed with SIGKILL under load,
//! an unknown schema refused at start, a store that goes away answered 503.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::harness::*;
use super::pg::Postgres;

const TOKEN: &str = "store-test-token";
/// A token of the same server that may check but not read the store.
const PORTAL: &str = "portal-check-only-token";
const PAIRS: &str = "tests/fixtures/pairs";

/// A store to run a server on: a SQLite file in a temporary directory, or a cluster.
enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(Postgres),
}

impl Backend {
    fn sqlite() -> Backend {
        Backend::Sqlite(tempfile::tempdir().unwrap())
    }

    fn postgres() -> Backend {
        Backend::Postgres(Postgres::start())
    }

    fn url(&self) -> String {
        match self {
            Backend::Sqlite(dir) => format!("sqlite:{}", dir.path().join("store.db").display()),
            Backend::Postgres(pg) => pg.url(),
        }
    }

    /// Runs SQL on the store directly (what a newer nianbao, or another program, did).
    fn execute(&self, sql: &str) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            match self {
                Backend::Sqlite(_) => {
                    let options = self
                        .url()
                        .parse::<sqlx::sqlite::SqliteConnectOptions>()
                        .unwrap();
                    let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
                        .await
                        .unwrap();
                    sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                    pool.close().await;
                }
                Backend::Postgres(pg) => {
                    let pool = sqlx::PgPool::connect(&pg.url()).await.unwrap();
                    sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                    pool.close().await;
                }
            }
        });
    }
}

fn token_file(dir: &Path) -> PathBuf {
    let path = dir.join("token");
    std::fs::write(
        &path,
        format!("reader check,reports {TOKEN}\nportal check {PORTAL}\n"),
    )
    .unwrap();
    path
}

/// A server on the store, with the token.
fn serve(store: &Backend, dir: &Path) -> Server {
    let token = token_file(dir);
    Server::start(&[
        "--store",
        &store.url(),
        "--token-file",
        token.to_str().unwrap(),
    ])
}

fn authorized_get(server: &Server, path: &str) -> Answer {
    answer(
        server
            .agent
            .get(server.url(path))
            .header("Authorization", format!("Bearer {TOKEN}"))
            .call(),
    )
}

fn check(server: &Server, content_type: &str, body: &[u8]) -> Answer {
    answer(
        server
            .agent
            .post(server.url("/v1/check"))
            .header("Authorization", format!("Bearer {TOKEN}"))
            .header("Content-Type", content_type)
            .send(body),
    )
}

fn pair(name: &str) -> PathBuf {
    fixture(&format!("{PAIRS}/{name}"))
}

/// Where a 200 says its report was kept: (id, version), and `Nianbao-Previous`.
fn kept(a: &Answer) -> ((i64, i32), String) {
    assert_eq!(a.status, 200, "{}", a.text());
    let id: i64 = a.header("nianbao-report-id").expect("id").parse().unwrap();
    let version: i32 = a
        .header("nianbao-report-version")
        .expect("version")
        .parse()
        .unwrap();
    assert_eq!(
        a.header("location"),
        Some(format!("/v1/reports/{id}").as_str())
    );
    let previous = a.header("nianbao-previous").expect("previous").to_string();
    ((id, version), previous)
}

fn codes(result: &Value) -> Vec<String> {
    result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn kept_and_paired(store: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&store, dir.path());
    let json = "application/json";

    let a = check(&server, json, &std::fs::read(pair("2020.json")).unwrap());
    let ((y2020, v), previous) = kept(&a);
    assert_eq!((v, previous.as_str()), (1, "none"));

    // 2021 without `previous`: paired with the stored 2020, the result the CLI's.
    let differs = std::fs::read(pair("2021-differs.json")).unwrap();
    let a = check(&server, json, &differs);
    let ((y2021, v), previous) = kept(&a);
    assert_eq!(v, 1);
    assert_ne!(y2021, y2020);
    assert_eq!(previous, format!("{y2020}/1"));
    let cli = cli_check_with(
        &pair("2021-differs.json"),
        &["--previous", pair("2020.json").to_str().unwrap()],
        "zh",
    );
    assert_eq!(a.json(), cli);
    assert!(
        codes(&a.json()).contains(&"X001".to_string()),
        "{}",
        a.text()
    );
    let first_answer = a.body.clone();

    // A resubmission of 2020 is its version 2; 2021 is then paired with it.
    let a = check(&server, json, &std::fs::read(pair("2020.json")).unwrap());
    assert_eq!(kept(&a).0, (y2020, 2));
    let a = check(&server, json, &differs);
    assert_eq!(kept(&a), ((y2021, 2), format!("{y2020}/2")));

    // A `previous` sent wins over the stored one.
    let body = multipart(
        BOUNDARY,
        &[
            ("report", "r.json", &differs),
            (
                "previous",
                "p.json",
                &std::fs::read(pair("2021-agrees.json")).unwrap(),
            ),
        ],
    );
    let a = check(&server, &form_type(), &body);
    assert_eq!(kept(&a), ((y2021, 3), "sent".to_string()));
    let cli = cli_check_with(
        &pair("2021-differs.json"),
        &["--previous", pair("2021-agrees.json").to_str().unwrap()],
        "zh",
    );
    assert_eq!(a.json(), cli);
    assert!(!codes(&a.json()).contains(&"X001".to_string()));

    // A report with no agency nor year is kept, as a report of its own.
    let a = check(&server, json, b"{}");
    let ((nameless, v), previous) = kept(&a);
    assert_eq!((v, previous.as_str()), (1, "none"));

    // The report with its versions, as kept: the result byte for byte as answered.
    let r = authorized_get(&server, &format!("/v1/reports/{y2021}"));
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    // The report is known by its agency's key; each version keeps the name as written.
    assert_eq!(v["agency"], "示例县政府");
    assert_eq!(v["year"], 2021);
    let versions = v["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[0]["version"], 1);
    assert_eq!(versions[0]["previous"]["source"], "stored");
    assert_eq!(versions[0]["previous"]["report"]["id"], y2020);
    assert_eq!(versions[2]["previous"]["source"], "sent");
    assert_eq!(
        versions[0]["result"],
        serde_json::from_slice::<Value>(&first_answer).unwrap()
    );
    assert!(
        r.text()
            .contains(std::str::from_utf8(&first_answer).unwrap()),
        "the result is kept as answered"
    );
    assert_eq!(versions[0]["report"], versions[0]["result"]["report"]);
    let sha = versions[0]["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert_eq!(versions[0]["valid"], false);
    let r = authorized_get(&server, &format!("/v1/reports/{nameless}"));
    assert_eq!(r.json()["agency"], Value::Null);
    assert_eq!(r.json()["year"], Value::Null);

    // The list, a page at a time.
    let mut ids = Vec::new();
    let mut next = Some("/v1/reports?limit=1".to_string());
    while let Some(path) = next {
        let page = authorized_get(&server, &path);
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        for r in page["reports"].as_array().unwrap() {
            ids.push(r["id"].as_i64().unwrap());
        }
        next = page["next"].as_str().map(str::to_string);
        assert!(ids.len() <= 3, "{page}");
    }
    assert_eq!(ids, vec![y2020, y2021, nameless]);
    let page = authorized_get(&server, "/v1/reports?year=2021").json();
    assert_eq!(page["reports"].as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page["reports"][0]["versions"], 3);
    assert_eq!(page["reports"][0]["latest"]["version"], 3);
    assert_eq!(page["next"], Value::Null);
    let page = authorized_get(
        &server,
        "/v1/reports?agency=%20%E7%A4%BA%E4%BE%8B%E5%8E%BF%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C",
    )
    .json();
    assert_eq!(page["reports"].as_array().unwrap().len(), 2, "{page}");

    // Errors: the ApiError body, in the language asked.
    authorized_get(&server, "/v1/reports/999999").error(404, "not_found");
    authorized_get(&server, "/v1/reports/abc?lang=en").error(400, "bad_query");
    authorized_get(&server, "/v1/reports?cursor=x").error(400, "bad_query");
    server.get("/v1/reports").error(401, "unauthorized");
    server
        .get(&format!("/v1/reports/{y2020}"))
        .error(401, "unauthorized");
    // A token without the right `reports` may check, not read.
    for path in ["/v1/reports".to_string(), format!("/v1/reports/{y2020}")] {
        let refused = answer(
            server
                .agent
                .get(server.url(&path))
                .header("Authorization", format!("Bearer {PORTAL}"))
                .call(),
        );
        refused.error(403, "forbidden");
    }

    let stored = format!("stored report_id={y2021} version=3");
    let logs = server.logs_with(&[&stored, "token=\"reader\"", "token=\"portal\""]);
    assert!(logs.contains(&stored), "{logs}");
    assert!(
        logs.contains("token=\"reader\"") && logs.contains("token=\"portal\""),
        "{logs}"
    );
    assert!(
        !logs.contains(TOKEN) && !logs.contains(PORTAL),
        "a secret is in the log"
    );
}

#[test]
fn sqlite_keeps_every_version_and_pairs_with_the_year_before() {
    kept_and_paired(Backend::sqlite());
}

#[test]
fn postgres_keeps_every_version_and_pairs_with_the_year_before() {
    kept_and_paired(Backend::postgres());
}

/// Reading every agency's reports is never open: without a token the routes are refused.
#[test]
fn the_reports_are_closed_on_a_server_without_a_token() {
    let store = Backend::sqlite();
    let server = Server::start(&["--store", &store.url()]);
    let a = server.post(
        "/v1/check",
        Some("application/json"),
        &read(&format!("{PAIRS}/2020.json")),
    );
    assert_eq!(kept(&a).0 .1, 1);
    server.get("/v1/reports").error(403, "reports_closed");
    server
        .get("/v1/reports/1?lang=en")
        .error(403, "reports_closed");
    // Without a store there are no such routes.
    let bare = Server::start(&[]);
    bare.get("/v1/reports").error(404, "not_found");
    let a = bare.post(
        "/v1/check",
        Some("application/json"),
        &read(&format!("{PAIRS}/2020.json")),
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.header("location"), None);
}

/// One agency's 2020 report with another name, as JSON.
fn report_of(agency: &str) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&read(&format!("{PAIRS}/2020.json"))).unwrap();
    v["agency"] = Value::String(agency.to_string());
    serde_json::to_vec(&v).unwrap()
}

/// Checks from several connections at once; SIGKILL in the middle; every submission
/// answered 200 is in the store when the server starts again on it.
fn nothing_acknowledged_is_lost(store: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(&store, dir.path());
    let addr = server.addr.clone();
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..8)
        .map(|t| {
            let (acked, stop, addr) = (acked.clone(), stop.clone(), addr.clone());
            // Two connections per agency: they race for the same report's versions.
            let body = report_of(&format!("测试{}局", t % 4));
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(20)))
                    .build()
                    .into();
                let deadline = Instant::now() + Duration::from_secs(30);
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let sent = agent
                        .post(format!("http://{addr}/v1/check"))
                        .header("Authorization", format!("Bearer {TOKEN}"))
                        .header("Content-Type", "application/json")
                        .send(&body[..]);
                    let Ok(res) = sent else { break };
                    if res.status() != 200 {
                        continue;
                    }
                    let h = |n: &str| {
                        res.headers()
                            .get(n)
                            .and_then(|v| v.to_str().ok()?.parse::<i64>().ok())
                    };
                    if let (Some(id), Some(v)) =
                        (h("nianbao-report-id"), h("nianbao-report-version"))
                    {
                        acked.lock().unwrap().insert((id, v));
                    }
                }
            })
        })
        .collect();
    // Let the load run, then kill the server mid-load.
    let start = Instant::now();
    while acked.lock().unwrap().len() < 150 && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    server.child.kill().unwrap(); // SIGKILL
    let _ = server.child.wait();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 50,
        "only {} checks acknowledged before the kill",
        acked.len()
    );

    let server = serve(&store, dir.path());
    let mut found = BTreeSet::new();
    let mut next = Some("/v1/reports?limit=200".to_string());
    while let Some(path) = next {
        let page = authorized_get(&server, &path).json();
        for r in page["reports"].as_array().unwrap() {
            let id = r["id"].as_i64().unwrap();
            let one = authorized_get(&server, &format!("/v1/reports/{id}")).json();
            let versions = one["versions"].as_array().unwrap();
            for (i, v) in versions.iter().enumerate() {
                // 1, 2, … without a gap or a duplicate.
                assert_eq!(v["version"].as_i64(), Some(i as i64 + 1), "{id}");
                found.insert((id, i as i64 + 1));
            }
        }
        next = page["next"].as_str().map(str::to_string);
    }
    let missing: Vec<_> = acked.difference(&found).collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not stored: {missing:?}"
    );
    assert_eq!(found.iter().map(|f| f.0).collect::<BTreeSet<_>>().len(), 4);
    eprintln!(
        "{} acknowledged before SIGKILL, {} stored after restart ({} stored but unacknowledged)",
        acked.len(),
        found.len(),
        found.len() - acked.len()
    );
}

#[test]
fn sqlite_loses_nothing_acknowledged_on_sigkill() {
    nothing_acknowledged_is_lost(Backend::sqlite());
}

#[test]
fn postgres_loses_nothing_acknowledged_on_sigkill() {
    nothing_acknowledged_is_lost(Backend::postgres());
}

/// `nianbao serve --store URL`, expected to refuse to start: its stderr.
fn refused(url: &str) -> String {
    let out = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--store", url])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "it never listened: {out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn unknown_schemas_are_refused(newer: Backend, foreign: Backend) {
    // A store migrated by a newer nianbao.
    let dir = tempfile::tempdir().unwrap();
    drop(serve(&newer, dir.path()));
    newer.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (2, 'from the future', TRUE, X'00', 1)"
            .replace(
                "X'00'",
                if matches!(newer, Backend::Postgres(_)) {
                    "'\\x00'::bytea"
                } else {
                    "X'00'"
                },
            )
            .as_str(),
    );
    let err = refused(&newer.url());
    assert!(
        err.contains("schema is version 2, made by a newer nianbao"),
        "{err}"
    );
    // A database of another program.
    foreign.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)");
    let err = refused(&foreign.url());
    assert!(
        err.contains("not a nianbao store") && err.contains("accounts"),
        "{err}"
    );
}

#[test]
fn sqlite_refuses_a_schema_it_does_not_know() {
    unknown_schemas_are_refused(Backend::sqlite(), Backend::sqlite());
    // Not a database at all, and a bad URL.
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
    let err = refused(&format!("sqlite:{}", junk.display()));
    assert!(err.contains("nianbao:"), "{err}");
    let err = refused("mysql://localhost/x");
    assert!(err.contains("sqlite:PATH or postgres://"), "{err}");
}

#[test]
fn postgres_refuses_a_schema_it_does_not_know() {
    unknown_schemas_are_refused(Backend::postgres(), Backend::postgres());
}

/// PostgreSQL stopped under a running server: a check is 503, not a 200 for a report
/// that was not kept; the server goes on.
#[test]
fn a_store_that_goes_away_is_503() {
    let store = Backend::postgres();
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&store, dir.path());
    let body = read(&format!("{PAIRS}/2020.json"));
    assert_eq!(check(&server, "application/json", &body).status, 200);
    let Backend::Postgres(pg) = &store else {
        unreachable!()
    };
    pg.stop();
    let a = check(&server, "application/json", &body);
    a.error(503, "store_unavailable");
    assert!(a.header("retry-after").is_some());
    authorized_get(&server, "/v1/reports?lang=en").error(503, "store_unavailable");
    server.alive();
}

/// Two servers on one PostgreSQL, the same report from both at once: versions 1, 2, …
/// each made once.
#[test]
fn two_servers_on_one_postgres_make_each_version_once() {
    let store = Backend::postgres();
    let dir = tempfile::tempdir().unwrap();
    let a = serve(&store, dir.path());
    let b = serve(&store, dir.path());
    let body = report_of("两台服务器局");
    let seen = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for server in [&a, &b, &a, &b] {
            let (seen, body) = (&seen, &body);
            s.spawn(move || {
                for _ in 0..15 {
                    let answer = check(server, "application/json", body);
                    seen.lock().unwrap().push(kept(&answer).0);
                }
            });
        }
    });
    let mut seen = seen.into_inner().unwrap();
    seen.sort();
    let id = seen[0].0;
    assert_eq!(seen, (1..=60).map(|v| (id, v)).collect::<Vec<_>>());
}
