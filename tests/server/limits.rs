//! The limits: body size (413, read to its end so that every client sees it), a request's
//! head and whole time (closed, 408), checks in flight (503), and shutdown.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::harness::*;

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

/// Python's urllib, as an intake back-end posts a report: the whole body is sent before the
/// answer is read, and no `Expect: 100-continue` lets the server refuse it first. Each case
/// is (content type, bytes of body); prints one JSON line per case: the status, the
/// `Connection` header and the error body, or what went wrong.
const URLLIB_CLIENT: &str = r#"
import json, sys, urllib.error, urllib.request
url = sys.argv[1]
for content_type, size in json.loads(sys.argv[2]):
    body = b"1" * size
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            print(json.dumps({"status": res.status}))
    except urllib.error.HTTPError as e:
        print(json.dumps({"status": e.code, "connection": e.headers.get("Connection"),
                          "body": json.loads(e.read())}))
    except Exception as e:
        print(json.dumps({"failed": repr(e)}))
"#;

fn urllib(url: &str, cases: &[(&str, usize)]) -> Vec<Value> {
    let cases = serde_json::to_string(cases).unwrap();
    let out = Command::new("python3")
        .args(["-c", URLLIB_CLIENT, url, &cases])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn a_client_that_sends_its_whole_body_first_reads_the_413() {
    let server = Server::start(&[]);
    const MB: usize = 1024 * 1024;
    // 25 MB over the 20 MB limit; a form body of 6 MB (415, refused for its type); 30 MB of
    // bytes; the first with lang=en below.
    let answers = urllib(
        &server.url("/v1/check"),
        &[
            ("text/plain", 25 * MB),
            ("application/x-www-form-urlencoded", 6 * MB),
            ("application/octet-stream", 30 * MB),
        ],
    );
    assert_eq!(answers.len(), 3, "{answers:?}");
    for (answer, (status, code)) in answers.iter().zip([
        (413, "too_large"),
        (415, "unsupported_media_type"),
        (413, "too_large"),
    ]) {
        assert_eq!(answer["status"], status, "{answer}");
        assert_eq!(answer["body"]["error"]["code"], code, "{answer}");
    }
    let en = urllib(&server.url("/v1/check?lang=en"), &[("text/plain", 25 * MB)]);
    assert_eq!(en[0]["status"], 413, "{en:?}");
    assert!(en[0]["body"]["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("limit is 20.0 MB")));
    // Within the limit the same client gets its result.
    let ok = urllib(&server.url("/v1/check"), &[("text/plain", MB)]);
    assert_eq!(ok[0]["status"], 200, "{ok:?}");
    server.alive();
}

#[test]
fn a_body_past_the_lingering_bound_is_not_waited_for() {
    let server = Server::start(&["--max-body", "64K"]);
    // Announced at 1 GB, more than four times the limit: answered at once, and closed,
    // without reading what the client never gets to send.
    let mut s = connected(
        &server.addr,
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n\
          Content-Length: 1073741824\r\n\r\n",
        Duration::from_secs(10),
    );
    let start = Instant::now();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    assert!(start.elapsed() < Duration::from_secs(5));
    let text = String::from_utf8_lossy(&out).to_ascii_lowercase();
    assert_eq!(status_of(&text), 413, "{text}");
    assert!(text.contains("connection: close"), "{text}");

    // Sent without end (chunked, no length): read for the bound, then answered and closed.
    let mut s = connected(
        &server.addr,
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n\
          Transfer-Encoding: chunked\r\n\r\n",
        Duration::from_secs(20),
    );
    let mut writer = s.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let chunk = format!("{:x}\r\n{}\r\n", 8192, "1".repeat(8192));
        let mut sent = 0usize;
        while writer.write_all(chunk.as_bytes()).is_ok() && sent < 64 * 1024 * 1024 {
            sent += 8192;
        }
        sent
    });
    let start = Instant::now();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).expect("an answer");
    assert_eq!(&head, b"HTTP/1.1 413");
    drop(s);
    let sent = sender.join().unwrap();
    assert!(start.elapsed() < Duration::from_secs(15));
    // The server read its bound (4 × 64 KiB) and more was sent, but not 64 MB.
    assert!(sent < 64 * 1024 * 1024, "{sent}");
    server.alive();
}

#[test]
fn expect_100_continue_over_the_limit_is_refused_before_the_body() {
    let server = Server::start(&["--max-body", "64K"]);
    let mut s = connected(
        &server.addr,
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n\
          Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n",
        Duration::from_secs(10),
    );
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out);
    // No `100 Continue` first: the body is never invited.
    assert_eq!(status_of(&text), 413, "{text}");
    assert!(text.contains("too_large"), "{text}");
    server.alive();
}

#[test]
fn a_client_that_sends_no_head_or_trickles_it_is_cut_off() {
    let server = Server::start(&["--header-timeout", "1"]);
    // Connects and sends nothing.
    let mut silent = TcpStream::connect(&server.addr).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let start = Instant::now();
    let closed = matches!(silent.read(&mut [0u8; 64]), Ok(0) | Err(_));
    let took = start.elapsed();
    assert!(closed && took < Duration::from_secs(5), "{took:?}");
    assert!(took >= Duration::from_millis(900), "{took:?}");

    // Trickles its head, a byte every 200 ms: cut off at the timeout, not after the head.
    let mut trickle = TcpStream::connect(&server.addr).unwrap();
    trickle
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let start = Instant::now();
    let mut cut = None;
    for (i, byte) in head.iter().enumerate() {
        let written = trickle.write_all(&[*byte]);
        let read = trickle.read(&mut [0u8; 64]);
        if written.is_err()
            || matches!(read, Ok(0))
            || read.as_ref().is_err_and(|e| {
                !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                )
            })
        {
            cut = Some(i);
            break;
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    let took = start.elapsed();
    let sent = cut.expect("the trickling client is cut off before its head is complete");
    assert!(
        sent < head.len() - 1 && took < Duration::from_secs(5),
        "{sent} bytes, {took:?}"
    );

    // A client that sends its head in time is answered.
    server.alive();
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
