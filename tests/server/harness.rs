//! The harness of the server tests: the real binary started on a free port, talked to with
//! ureq, or with raw TCP where a request must be malformed or held half-sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

/// A running `nianbao serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub logs: Arc<Mutex<String>>,
    pub agent: ureq::Agent,
}

impl Server {
    pub fn start(extra: &[&str]) -> Server {
        Server::start_with_env(extra, &[])
    }

    /// Started with `extra` arguments and `env` variables (the others of nianbao removed).
    pub fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env("RUST_LOG", "info")
            .env_remove("NIANBAO_ADDR")
            .env_remove("NIANBAO_MAX_BODY")
            .env_remove("NIANBAO_TIMEOUT")
            .env_remove("NIANBAO_HEADER_TIMEOUT")
            .env_remove("NIANBAO_MAX_IN_FLIGHT")
            .env_remove("NIANBAO_CORS_ORIGINS")
            .env_remove("NIANBAO_LOG_FORMAT")
            .env_remove("NIANBAO_TOKEN")
            .env_remove("NIANBAO_TOKENS")
            .env_remove("NIANBAO_REQUIRE_TOKEN")
            .envs(env.iter().copied())
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

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn get(&self, path: &str) -> Answer {
        answer(self.agent.get(self.url(path)).call())
    }

    pub fn post(&self, path: &str, content_type: Option<&str>, body: &[u8]) -> Answer {
        let mut req = self.agent.post(self.url(path));
        if let Some(t) = content_type {
            req = req.header("Content-Type", t);
        }
        answer(req.send(body))
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// The log once every one of `wanted` is in it, or as it is after 10 s: a request is
    /// logged after its answer is sent, and the log is read on another thread.
    pub fn logs_with(&self, wanted: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let logs = self.logs();
            if wanted.iter().all(|w| logs.contains(w)) || Instant::now() >= deadline {
                return logs;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the process to end, at most `limit`.
    pub fn wait(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn alive(&self) {
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

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A JSON error `{"error": {"code", "message"}}` with this status and code.
    pub fn error(&self, status: u16, code: &str) {
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

pub fn answer(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
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

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

pub fn read(path: &str) -> Vec<u8> {
    std::fs::read(fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub const MINHE: &str = "examples/minhe-2020.txt";
pub const HUAIAN: &str = "tests/fixtures/huaian-2024.txt";
pub const HUAIAN_RAW: &str = "tests/fixtures/huaian-2024.raw.txt";

/// What `nianbao check --format json [--lang en] FILE` prints, parsed.
pub fn cli_check(file: &Path, lang: &str) -> Value {
    cli_check_with(file, &[], lang)
}

/// The CLI's result with more arguments to `check` (`--previous FILE`).
pub fn cli_check_with(file: &Path, extra: &[&str], lang: &str) -> Value {
    let out = Command::new(BIN)
        .args(["--lang", lang, "check", "--format", "json"])
        .args(extra)
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
pub fn minhe_json(dir: &Path) -> PathBuf {
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

pub fn multipart(boundary: &str, parts: &[(&str, &str, &[u8])]) -> Vec<u8> {
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

pub const BOUNDARY: &str = "nianbao-test-boundary-7MA4YWxkTrZu0gW";

pub fn form_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Sends raw bytes and reads the raw answer until the server closes the connection.
pub fn raw(addr: &str, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let _ = s.write_all(request);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

pub fn status_of(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A connection that has sent `head` (and maybe more) and waits `read_timeout` at most for
/// each read of the answer.
pub fn connected(addr: &str, head: &[u8], read_timeout: Duration) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(read_timeout)).unwrap();
    s.write_all(head).unwrap();
    s
}

/// Writes a request's head and the first half of its body; the rest is sent later.
pub fn half_sent(addr: &str, path: &str, body: &[u8]) -> TcpStream {
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
pub fn hold(server: &Server, n: usize, body: &[u8]) -> Vec<TcpStream> {
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
pub fn answered(s: &TcpStream) -> bool {
    s.set_nonblocking(true).unwrap();
    let seen = match s.peek(&mut [0u8; 1]) {
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => false,
        Err(_) => true,
    };
    s.set_nonblocking(false).unwrap();
    seen
}

pub fn finish(mut s: TcpStream, body: &[u8]) -> (u16, String) {
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
