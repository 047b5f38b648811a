//! `nianbao serve` over real HTTP on 127.0.0.1: the real binary started on a free port,
//! talked to with ureq, or with raw TCP where a request must be malformed or held half-sent.
//! The server answers exactly what `nianbao check --format json` prints; every error is a
//! JSON 4xx; limits answer 413, 408, 503; SIGTERM loses no request in flight.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

/// A running `nianbao serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    logs: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env("RUST_LOG", "info")
            .env_remove("NIANBAO_ADDR")
            .env_remove("NIANBAO_MAX_BODY")
            .env_remove("NIANBAO_TIMEOUT")
            .env_remove("NIANBAO_MAX_IN_FLIGHT")
            .env_remove("NIANBAO_CORS_ORIGINS")
            .env_remove("NIANBAO_LOG_FORMAT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server prints its address");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        let logs = Arc::new(Mutex::new(String::new()));
        let sink = logs.clone();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut logs = sink.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
            }
        });
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Server {
            child,
            addr,
            logs,
            agent,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn get(&self, path: &str) -> Answer {
        answer(self.agent.get(self.url(path)).call())
    }

    fn post(&self, path: &str, content_type: Option<&str>, body: &[u8]) -> Answer {
        let mut req = self.agent.post(self.url(path));
        if let Some(t) = content_type {
            req = req.header("Content-Type", t);
        }
        answer(req.send(body))
    }

    fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// Waits for the process to end, at most `limit`.
    fn wait(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    fn alive(&self) {
        let a = self.get("/healthz");
        assert_eq!(a.status, 200, "{}", a.text());
        assert_eq!(a.json()["status"], "ok");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A JSON error `{"error": {"code", "message"}}` with this status and code.
    fn error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{}",
            self.text()
        );
        let v = self.json();
        assert_eq!(v["error"]["code"], code, "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{v}"
        );
        assert_eq!(v.as_object().unwrap().len(), 1, "{v}");
    }
}

fn answer(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut res = res.expect("the server answers");
    let headers = res
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let body = res
        .body_mut()
        .with_config()
        .limit(100 * 1024 * 1024)
        .read_to_vec()
        .expect("the body");
    Answer {
        status: res.status().as_u16(),
        headers,
        body,
    }
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const MINHE: &str = "examples/minhe-2020.txt";
const HUAIAN: &str = "tests/fixtures/huaian-2024.txt";
const HUAIAN_RAW: &str = "tests/fixtures/huaian-2024.raw.txt";

/// What `nianbao check --format json [--lang en] FILE` prints, parsed.
fn cli_check(file: &Path, lang: &str) -> Value {
    let out = Command::new(BIN)
        .args(["--lang", lang, "check", "--format", "json"])
        .arg(file)
        .output()
        .expect("the CLI runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "CLI output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// minhe's canonical report JSON, as `nianbao normalize` prints it.
fn minhe_json(dir: &Path) -> PathBuf {
    let out = Command::new(BIN)
        .args(["normalize"])
        .arg(fixture(MINHE))
        .output()
        .expect("the CLI runs");
    assert!(out.status.success());
    let path = dir.join("minhe-2020.json");
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn multipart(boundary: &str, parts: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, data) in parts {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .unwrap();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{boundary}--\r\n").unwrap();
    body
}

const BOUNDARY: &str = "nianbao-test-boundary-7MA4YWxkTrZu0gW";

fn form_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

#[test]
fn every_fixture_gives_the_result_of_the_cli() {
    let server = Server::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let json_path = minhe_json(dir.path());
    let cases: Vec<(PathBuf, Option<&str>)> = vec![
        (fixture(MINHE), Some("text/plain; charset=utf-8")),
        (fixture(HUAIAN), Some("text/plain")),
        (fixture(HUAIAN_RAW), Some("application/octet-stream")),
        (fixture(HUAIAN_RAW), None),
        (
            fixture("tests/fixtures/huaian-2024.pdf"),
            Some("application/pdf"),
        ),
        (fixture("tests/fixtures/template-2021.docx"), None),
        (
            fixture("tests/fixtures/pingtan-2023.html"),
            Some("text/html"),
        ),
        (json_path.clone(), Some("application/json")),
        (json_path, Some("application/octet-stream")),
    ];
    for (path, content_type) in &cases {
        let body = std::fs::read(path).unwrap();
        for lang in ["zh", "en"] {
            let expected = cli_check(path, lang);
            assert!(expected["findings"].is_array(), "{expected}");
            let a = server.post(&format!("/v1/check?lang={lang}"), *content_type, &body);
            assert_eq!(a.status, 200, "{}: {}", path.display(), a.text());
            assert_eq!(a.header("content-type"), Some("application/json"));
            assert_eq!(
                a.json(),
                expected,
                "{} ({content_type:?}, {lang}) differs from the CLI",
                path.display()
            );
            // The same through multipart/form-data.
            let form = multipart(BOUNDARY, &[("report", "report", &body)]);
            let m = server.post(&format!("/v1/check?lang={lang}"), Some(&form_type()), &form);
            assert_eq!(m.status, 200, "{}", m.text());
            assert_eq!(m.json(), expected, "multipart {}", path.display());
        }
        // Chinese is the default.
        let a = server.post("/v1/check", *content_type, &body);
        assert_eq!(a.json(), cli_check(path, "zh"));
    }
    // /v1/normalize is `nianbao normalize`.
    let out = Command::new(BIN)
        .arg("normalize")
        .arg(fixture(HUAIAN))
        .output()
        .unwrap();
    let expected: Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = server.post("/v1/normalize", Some("text/plain"), &read(HUAIAN));
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json(), expected);
    server.alive();
}

#[test]
fn multipart_reads_report_and_previous() {
    let server = Server::start(&[]);
    let minhe = read(MINHE);
    let expected = cli_check(&fixture(MINHE), "en");
    // Other fields of a portal form are ignored; `previous` is read, and changes nothing yet.
    let form = multipart(
        BOUNDARY,
        &[
            ("agency", "x", b"whatever"),
            ("report", "minhe.txt", &minhe),
            ("previous", "huaian.txt", &read(HUAIAN)),
        ],
    );
    let a = server.post("/v1/check?lang=en", Some(&form_type()), &form);
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json(), expected);

    let unreadable = multipart(
        BOUNDARY,
        &[
            ("report", "r", &minhe),
            ("previous", "p", b"\x00\x01\x02\x03"),
        ],
    );
    server
        .post("/v1/check", Some(&form_type()), &unreadable)
        .error(400, "previous_unreadable");
    let without = multipart(BOUNDARY, &[("text", "t", &minhe)]);
    server
        .post("/v1/check", Some(&form_type()), &without)
        .error(400, "missing_report");
    let twice = multipart(
        BOUNDARY,
        &[("report", "a", &minhe), ("report", "b", &minhe)],
    );
    server
        .post("/v1/check", Some(&form_type()), &twice)
        .error(400, "duplicate_part");
    let full = multipart(BOUNDARY, &[("report", "r", &minhe)]);
    server
        .post("/v1/check", Some(&form_type()), &full[..full.len() / 2])
        .error(400, "multipart");
    server
        .post("/v1/check", Some("multipart/form-data"), &full)
        .error(400, "multipart");
    server
        .post(
            "/v1/check",
            Some("multipart/form-data; boundary=other"),
            &full,
        )
        .error(400, "multipart");
    // An empty report part is the engine's `empty`.
    let empty = multipart(BOUNDARY, &[("report", "r", b"")]);
    server
        .post("/v1/check", Some(&form_type()), &empty)
        .error(422, "empty");
    server.alive();
}

#[test]
fn unreadable_reports_and_bad_requests_are_json_4xx() {
    let server = Server::start(&[]);
    let minhe = read(MINHE);
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    server
        .post("/v1/check", Some("application/octet-stream"), &garbage)
        .error(422, "binary");
    server.post("/v1/check", None, b"").error(422, "empty");
    server
        .post("/v1/check", Some("text/plain"), b" \n\t ")
        .error(422, "empty");
    server
        .post("/v1/check", Some("application/json"), b"{\"t3\": ")
        .error(422, "json");
    server
        .post("/v1/check", Some("application/json"), &minhe)
        .error(422, "json");
    server
        .post(
            "/v1/check",
            Some("application/pdf"),
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        )
        .error(422, "damaged");
    server
        .post(
            "/v1/check",
            Some("application/msword"),
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 a Word 97 document",
        )
        .error(422, "unsupported_format");
    server
        .post("/v1/normalize", None, &garbage)
        .error(422, "binary");
    // Messages follow `lang`.
    let zh = server.post("/v1/check", None, b"").json();
    let en = server.post("/v1/check?lang=en", None, b"").json();
    assert!(zh["error"]["message"]
        .as_str()
        .unwrap()
        .contains("输入为空"));
    assert!(en["error"]["message"]
        .as_str()
        .unwrap()
        .contains("empty input"));

    server
        .post("/v1/check?lang=fr", Some("text/plain"), &minhe)
        .error(400, "bad_query");
    server
        .post("/v1/check?lang=", Some("text/plain"), &minhe)
        .error(400, "bad_query");
    server
        .post("/v1/check?lang=en&lang=zh", Some("text/plain"), &minhe)
        .error(400, "bad_query");
    server
        .post(
            "/v1/check",
            Some("application/x-www-form-urlencoded"),
            b"report=x",
        )
        .error(415, "unsupported_media_type");
    server
        .post("/v1/check", Some("multipart/mixed; boundary=x"), b"--x--")
        .error(415, "unsupported_media_type");
    server.get("/v1/check").error(405, "method_not_allowed");
    server
        .post("/healthz", None, b"")
        .error(405, "method_not_allowed");
    server.get("/v2/check").error(404, "not_found");
    server.get("/").error(404, "not_found");
    server.alive();
}

#[test]
fn oversized_bodies_get_413() {
    let server = Server::start(&[]);
    // The default limit is the engine's, 20 MB.
    let big = vec![b'1'; 20 * 1024 * 1024 + 1];
    server
        .post("/v1/check", Some("text/plain"), &big)
        .error(413, "too_large");
    server.alive();

    let small = Server::start(&["--max-body", "64K"]);
    let body = vec![b'1'; 64 * 1024 + 1];
    small
        .post("/v1/check", Some("text/plain"), &body)
        .error(413, "too_large");
    let form = multipart(BOUNDARY, &[("report", "r", &body)]);
    small
        .post("/v1/check", Some(&form_type()), &form)
        .error(413, "too_large");
    // Within the limit, a report is checked.
    let a = small.post("/v1/check", Some("text/plain"), &read(HUAIAN));
    assert_eq!(a.status, 200, "{}", a.text());
    small.alive();

    // Over the engine's limit with a larger body limit: still 413 `too_large`.
    let large = Server::start(&["--max-body", "30M"]);
    large
        .post("/v1/check", Some("text/plain"), &big)
        .error(413, "too_large");
    large.alive();
}

/// Sends raw bytes and reads the raw answer until the server closes the connection.
fn raw(addr: &str, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let _ = s.write_all(request);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn status_of(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn malformed_http_never_kills_the_server() {
    let server = Server::start(&[]);
    for request in [
        &b"GARBAGE\r\n\r\n"[..],
        b"\x00\x01\x02\x03\xff\xfe\r\n\r\n",
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nshort",
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST /v1/check?lang=%ZZ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ] {
        let answer = raw(&server.addr, request);
        let status = status_of(&answer);
        assert!(
            status == 0 || (400..500).contains(&status),
            "{request:?} → {answer}"
        );
    }
    server.alive();
    assert!(!server.logs().contains("BUG"), "{}", server.logs());
}

#[test]
fn requests_are_logged_with_their_id() {
    let server = Server::start(&[]);
    let a = server.get("/healthz");
    let id = a.header("x-request-id").expect("a request id").to_string();
    let mine = answer(
        server
            .agent
            .get(server.url("/healthz"))
            .header("x-request-id", "portal-42")
            .call(),
    );
    assert_eq!(mine.header("x-request-id"), Some("portal-42"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.logs().contains("portal-42") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let logs = server.logs();
    for id in [id.as_str(), "portal-42"] {
        let line = logs
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("no log line for {id}:\n{logs}"));
        for part in ["GET", "/healthz", "status=200", "latency_ms="] {
            assert!(line.contains(part), "{line}");
        }
    }
}

/// Writes a request's head and the first half of its body; the rest is sent later.
fn half_sent(addr: &str, path: &str, body: &[u8]) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(&body[..body.len() / 2]).unwrap();
    s.flush().unwrap();
    s
}

/// Holds all `max_in_flight` places of a server started with that many: `n` half-sent
/// checks, each in its handler waiting for the rest of its body. Known when one more
/// check is refused with 503. A held request that reached the server after a probe took
/// the last place was itself refused; it is seen answered and sent again.
fn hold(server: &Server, n: usize, body: &[u8]) -> Vec<TcpStream> {
    let mut held: Vec<_> = (0..n)
        .map(|_| half_sent(&server.addr, "/v1/check", body))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let probe = server.post("/v1/check", None, b"");
        if probe.status == 503 {
            return held;
        }
        assert!(
            Instant::now() < deadline,
            "the held requests never all reached the server:\n{}",
            server.logs()
        );
        for s in held.iter_mut() {
            if answered(s) {
                *s = half_sent(&server.addr, "/v1/check", body);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether the server has already answered (or closed) a half-sent request.
fn answered(s: &TcpStream) -> bool {
    s.set_nonblocking(true).unwrap();
    let seen = match s.peek(&mut [0u8; 1]) {
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => false,
        Err(_) => true,
    };
    s.set_nonblocking(false).unwrap();
    seen
}

fn finish(mut s: TcpStream, body: &[u8]) -> (u16, String) {
    s.write_all(&body[body.len() / 2..]).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status_of(&text), body)
}

#[test]
fn sigterm_finishes_the_requests_in_flight_then_exits_0() {
    const N: usize = 20;
    let mut server = Server::start(&["--max-in-flight", &N.to_string()]);
    let minhe = Arc::new(read(MINHE));
    let expected = cli_check(&fixture(MINHE), "zh");
    // Every request is in its handler when the signal comes.
    let held = hold(&server, N, &minhe);
    let resume = Arc::new(Barrier::new(N + 1));
    let clients: Vec<_> = held
        .into_iter()
        .map(|s| {
            let (body, resume) = (minhe.clone(), resume.clone());
            std::thread::spawn(move || {
                resume.wait();
                finish(s, &body)
            })
        })
        .collect();
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    std::thread::sleep(Duration::from_millis(300));
    // The server no longer accepts, but the requests in flight go on.
    if let Some(status) = server.child.try_wait().unwrap() {
        panic!(
            "the server exited ({status}) with requests in flight:\n{}",
            server.logs()
        );
    }
    resume.wait();
    for client in clients {
        let (status, body) = client.join().expect("a client");
        assert_eq!(status, 200, "{body}");
        let got: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(got, expected);
    }
    let status = server
        .wait(Duration::from_secs(20))
        .expect("the server exits after SIGTERM");
    assert_eq!(status.code(), Some(0), "{}", server.logs());
    assert!(TcpStream::connect(&server.addr).is_err());
    assert!(server.logs().contains("SIGTERM"), "{}", server.logs());
}

#[test]
fn a_stalled_connection_does_not_hold_the_shutdown() {
    let mut server = Server::start(&["--timeout", "1"]);
    // Headers never finished, and an idle keep-alive connection.
    let mut stalled = TcpStream::connect(&server.addr).unwrap();
    stalled
        .write_all(b"POST /v1/check HTTP/1.1\r\nHost: x")
        .unwrap();
    let mut idle = TcpStream::connect(&server.addr).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 12];
    idle.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"HTTP/1.1 200");
    let start = Instant::now();
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = server
        .wait(Duration::from_secs(15))
        .expect("the server exits despite the stalled connection");
    assert_eq!(status.code(), Some(0), "{}", server.logs());
    assert!(start.elapsed() < Duration::from_secs(10));
    drop((stalled, idle));
}

#[test]
fn beyond_max_in_flight_answers_503_with_retry_after() {
    let server = Server::start(&["--max-in-flight", "1"]);
    let minhe = read(MINHE);
    let held = hold(&server, 1, &minhe).pop().expect("one held");
    // The held request is in its handler: the next check is refused.
    let busy = server.post("/v1/check", Some("text/plain"), &minhe);
    busy.error(503, "overloaded");
    assert_eq!(busy.header("retry-after"), Some("1"));
    // Cheap routes are not counted.
    server.alive();
    let (status, _) = finish(held, &minhe);
    assert_eq!(status, 200);
    let again = server.post("/v1/check", Some("text/plain"), &minhe);
    assert_eq!(again.status, 200, "{}", again.text());
}

#[test]
fn a_request_slower_than_the_timeout_gets_408() {
    let server = Server::start(&["--timeout", "1"]);
    let minhe = read(MINHE);
    let mut s = half_sent(&server.addr, "/v1/check?lang=en", &minhe);
    let mut out = Vec::new();
    let start = Instant::now();
    s.read_to_end(&mut out).unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    let text = String::from_utf8_lossy(&out);
    assert_eq!(status_of(&text), 408, "{text}");
    assert!(text.contains("\"code\":\"timeout\""), "{text}");
    server.alive();
}

#[test]
fn cors_allows_only_the_configured_origins() {
    let server = Server::start(&[
        "--cors-origin",
        "https://portal.example.gov.cn,http://localhost:8000",
    ]);
    let preflight = |origin: &str| {
        answer(
            server
                .agent
                .options(server.url("/v1/check"))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .call(),
        )
    };
    let ok = preflight("https://portal.example.gov.cn");
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://portal.example.gov.cn")
    );
    assert!(ok
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert_eq!(
        preflight("https://evil.example").header("access-control-allow-origin"),
        None
    );
    let post = answer(
        server
            .agent
            .post(server.url("/v1/check"))
            .header("Origin", "http://localhost:8000")
            .header("Content-Type", "text/plain")
            .send(&read(HUAIAN)[..]),
    );
    assert_eq!(post.status, 200);
    assert_eq!(
        post.header("access-control-allow-origin"),
        Some("http://localhost:8000")
    );
    // Without --cors-origin there is no CORS at all.
    let plain = Server::start(&[]);
    let a = answer(
        plain
            .agent
            .get(plain.url("/healthz"))
            .header("Origin", "https://portal.example.gov.cn")
            .call(),
    );
    assert_eq!(a.header("access-control-allow-origin"), None);
}

#[test]
fn reference_routes_answer_what_the_cli_prints() {
    let server = Server::start(&[]);
    let cli = |args: &[&str]| -> Value {
        let out = Command::new(BIN).args(args).output().unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(
        server.get("/v1/rules").json(),
        cli(&["rules", "--format", "json"])
    );
    assert_eq!(
        server.get("/v1/schema/report").json(),
        cli(&["schema", "report"])
    );
    assert_eq!(
        server.get("/v1/schema/result").json(),
        cli(&["schema", "result"])
    );
    let health = server.get("/healthz").json();
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
}

/// `/openapi.json` is an OpenAPI 3.x document: every route, every response with a body
/// that names a defined component, and the live answers valid against those components.
#[test]
fn the_openapi_document_describes_the_live_api() {
    let server = Server::start(&[]);
    let doc = server.get("/openapi.json").json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let ops = [
        ("/v1/check", "post"),
        ("/v1/normalize", "post"),
        ("/v1/rules", "get"),
        ("/v1/schema/report", "get"),
        ("/v1/schema/result", "get"),
        ("/openapi.json", "get"),
        ("/healthz", "get"),
    ];
    for (path, method) in ops {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.contains_key("200"), "{path}");
        for (status, r) in responses {
            let schema = &r["content"]["application/json"]["schema"];
            assert!(schema.is_object(), "{path} {status}: no JSON body");
            if let Some(reference) = schema["$ref"].as_str() {
                let name = reference.strip_prefix("#/components/schemas/").unwrap();
                assert!(
                    doc["components"]["schemas"][name].is_object(),
                    "{path} {status}: {reference} is not defined"
                );
            }
        }
    }
    // Valid against the OpenAPI 3.1 schema (tests/fixtures/openapi-3.1.schema.json, the
    // OpenAPI Initiative's schema of 2022-10-07 as openapi-spec-validator ships it).
    let meta: Value = serde_json::from_slice(&read("tests/fixtures/openapi-3.1.schema.json"))
        .expect("the OpenAPI 3.1 schema");
    let oas = jsonschema::validator_for(&meta).expect("the OpenAPI 3.1 schema compiles");
    let errors: Vec<String> = oas.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "not OpenAPI 3.1: {errors:?}");
    let mut broken = doc.clone();
    broken["paths"]["/healthz"]["get"]["responses"] = serde_json::json!("none");
    assert!(!oas.is_valid(&broken), "the OpenAPI schema checks nothing");

    // Every $ref anywhere resolves.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, v)| match (k.as_str(), v) {
                ("$ref", Value::String(r)) => out.push(r.clone()),
                _ => refs(v, out),
            }),
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in &all {
        assert!(doc.pointer(&r[1..]).is_some(), "unresolved {r}");
    }

    // The live answers conform to the documented components.
    let validator = |component: &str| {
        let schema = serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/components/schemas/{component}"),
            "components": doc["components"].clone(),
        });
        jsonschema::validator_for(&schema).expect("a valid schema")
    };
    let result = validator("CheckResult");
    for path in [MINHE, HUAIAN, HUAIAN_RAW] {
        let a = server.post("/v1/check?lang=en", Some("text/plain"), &read(path));
        let v = a.json();
        let errors: Vec<String> = result.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
    let report = validator("Report");
    let v = server.post("/v1/normalize", None, &read(HUAIAN)).json();
    assert!(report.is_valid(&v));
    let error = validator("ErrorBody");
    assert!(error.is_valid(&server.post("/v1/check", None, b"").json()));
    assert!(validator("RuleDefinitions").is_valid(&server.get("/v1/rules").json()));
    assert!(validator("Health").is_valid(&server.get("/healthz").json()));
}
