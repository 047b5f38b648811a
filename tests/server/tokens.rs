//! Named bearer tokens over real HTTP: the engine's routes open by default and closed by
//! `--require-token` (401 without a token, 403 without the right `check`), a token that is
//! not the server's refused everywhere, the token's name in the request log and its secret
//! never, and token files that cannot be read refused at start.

use std::process::Command;

use super::harness::*;

const PORTAL: &str = "portal-secret-7f3a9c";
const AUDITOR: &str = "auditor-secret-2b81e4";
const TOKENS: &str = "# name  rights  secret\n\
                      portal  check   portal-secret-7f3a9c\n\
                      auditor reports auditor-secret-2b81e4\n";

fn tokens_file(dir: &tempfile::TempDir) -> String {
    let file = dir.path().join("tokens");
    std::fs::write(&file, TOKENS).unwrap();
    file.to_str().unwrap().to_owned()
}

fn check_with(server: &Server, token: Option<&str>) -> Answer {
    let mut req = server
        .agent
        .post(server.url("/v1/check?lang=en"))
        .header("Content-Type", "text/plain");
    if let Some(token) = token {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    answer(req.send(&read(MINHE)[..]))
}

#[test]
fn the_engine_is_open_by_default_and_a_foreign_token_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&["--token-file", &tokens_file(&dir), "--log-format", "json"]);
    let open = check_with(&server, None);
    assert_eq!(open.status, 200, "{}", open.text());
    assert_eq!(open.json()["template"], "2019");
    assert_eq!(check_with(&server, Some(PORTAL)).status, 200);
    // Without --require-token a token without `check` is no less than none.
    assert_eq!(check_with(&server, Some(AUDITOR)).status, 200);
    let foreign = check_with(&server, Some("portal-secret-7f3a9d"));
    foreign.error(401, "unauthorized");
    assert_eq!(
        foreign.header("www-authenticate"),
        Some("Bearer realm=\"nianbao\"")
    );
    let logs = server.logs_with(&[
        "\"token\":\"portal\"",
        "\"token\":\"auditor\"",
        "\"token\":\"-\"",
    ]);
    assert!(logs.contains("\"token\":\"portal\""), "{logs}");
    assert!(logs.contains("\"token\":\"auditor\""), "{logs}");
    assert!(logs.contains("\"token\":\"-\""), "{logs}");
    for secret in [PORTAL, AUDITOR, "portal-secret-7f3a9d"] {
        assert!(!logs.contains(secret), "a secret is in the log:\n{logs}");
    }
}

#[test]
fn require_token_closes_the_engine_to_all_but_check_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&["--token-file", &tokens_file(&dir), "--require-token"]);
    let none = check_with(&server, None);
    none.error(401, "unauthorized");
    assert_eq!(
        none.header("www-authenticate"),
        Some("Bearer realm=\"nianbao\"")
    );
    check_with(&server, Some("not-a-token-of-ours")).error(401, "unauthorized");
    let forbidden = check_with(&server, Some(AUDITOR));
    forbidden.error(403, "forbidden");
    assert!(
        forbidden.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`auditor` does not have the right `check`"),
        "{}",
        forbidden.text()
    );
    let checked = check_with(&server, Some(PORTAL));
    assert_eq!(checked.status, 200, "{}", checked.text());
    // The reference routes stay open.
    for path in ["/healthz", "/v1/rules", "/openapi.json"] {
        assert_eq!(server.get(path).status, 200, "{path}");
    }
    let logs = server.logs();
    assert!(!logs.contains(PORTAL) && !logs.contains(AUDITOR), "{logs}");
}

#[test]
fn tokens_come_from_the_environment_too() {
    let tokens = format!("portal check {PORTAL}; auditor reports {AUDITOR}");
    let server = Server::start_with_env(&["--require-token"], &[("NIANBAO_TOKENS", &tokens)]);
    assert_eq!(check_with(&server, Some(PORTAL)).status, 200);
    check_with(&server, Some(AUDITOR)).error(403, "forbidden");
    // A single secret in NIANBAO_TOKEN is the token `default` with `check`.
    let server = Server::start_with_env(&["--require-token"], &[("NIANBAO_TOKEN", PORTAL)]);
    assert_eq!(check_with(&server, Some(PORTAL)).status, 200);
    check_with(&server, None).error(401, "unauthorized");
    let logs = server.logs_with(&["default(check)"]);
    assert!(logs.contains("default(check)"), "{logs}");
}

#[test]
fn tokens_that_cannot_be_used_are_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens");
    let refused = |content: Option<&str>, extra: &[&str]| {
        if let Some(content) = content {
            std::fs::write(&file, content).unwrap();
        }
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env_remove("NIANBAO_TOKEN")
            .env_remove("NIANBAO_TOKENS")
            .env_remove("NIANBAO_REQUIRE_TOKEN");
        if content.is_some() {
            cmd.arg("--token-file").arg(&file);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(refused(Some("\n# nothing\n"), &[]).contains("no token in it"));
    assert!(refused(Some("portal read portal-secret-7f3a9c\n"), &[]).contains("line 1"));
    let short = refused(Some("portal check short\n"), &[]);
    assert!(
        short.contains("at least 12") && !short.contains("short\n"),
        "{short}"
    );
    assert!(refused(None, &["--require-token"]).contains("the server has no token"));
    let missing = dir.path().join("absent");
    let out = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--token-file"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--token-file"));
}
