//! What the routes answer: the CLI's result for every fixture and carrier, JSON errors for
//! what cannot be read, malformed HTTP survived, one log line per request.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::harness::*;

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
    let huaian = fixture(HUAIAN).display().to_string();
    let expected = cli_check_with(&fixture(MINHE), &["--previous", &huaian], "en");
    // Other fields of a portal form are ignored; `previous` is last year's report, as the
    // CLI's --previous (huaian's is not of 2019: X004 says the rules could not run).
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
    let x004 = expected["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "X004")
        .count();
    assert_eq!(x004, 2, "{expected}");

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

#[test]
fn previous_runs_the_cross_year_rules_as_the_cli_does() {
    let server = Server::start(&[]);
    let last = "tests/fixtures/pairs/2020.json";
    for (now, x001) in [
        ("tests/fixtures/pairs/2021-agrees.json", 0),
        ("tests/fixtures/pairs/2021-differs.json", 2),
    ] {
        let form = multipart(
            BOUNDARY,
            &[
                ("report", "now.json", &read(now)),
                ("previous", "last.json", &read(last)),
            ],
        );
        let a = server.post("/v1/check", Some(&form_type()), &form);
        assert_eq!(a.status, 200, "{}", a.text());
        let last_path = fixture(last).display().to_string();
        let expected = cli_check_with(&fixture(now), &["--previous", &last_path], "zh");
        assert_eq!(a.json(), expected);
        let found = expected["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "X001")
            .count();
        assert_eq!(found, x001, "{now}");
    }
}
