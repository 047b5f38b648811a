//! Snapshots (insta) of what each fixture gives: the result JSON from the engine and the
//! human output of `nianbao check`, so that any change to either is seen in review.

use std::process::Command;

use nianbao::{check, Options};

const FIXTURES: &[&str] = &[
    "minhe-2020.txt",
    "huaian-2024.txt",
    "huaian-2024.raw.txt",
    "template-2021.docx",
    "pingtan-2023.html",
    "huaian-2024.pdf",
];

fn path(name: &str) -> String {
    let local = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::path::Path::new(&local).exists() {
        local
    } else {
        format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
    }
}

#[test]
fn json_results() {
    for name in FIXTURES {
        let bytes = std::fs::read(path(name)).unwrap();
        let result = check(&bytes, &Options::default()).unwrap();
        insta::assert_json_snapshot!(format!("json-{name}"), result);
    }
}

#[test]
fn human_output() {
    for name in FIXTURES {
        // Run from the fixture's folder so the file name in the output has no machine path.
        let p = std::path::PathBuf::from(path(name));
        let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .current_dir(p.parent().unwrap())
            .args(["check", name])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        insta::assert_snapshot!(format!("human-{name}"), stdout);
    }
}

/// A format recognized but not read (a Word 97 `.doc`, told by its bytes whatever its
/// name) gets a clear message on standard error and exit code 2, never a half-read result.
#[test]
fn unsupported_formats() {
    let dir = tempfile::tempdir().unwrap();
    let name = "report.txt";
    std::fs::write(
        dir.path().join(name),
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 a Word 97 document",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir(dir.path())
        .args(["check", name])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    insta::assert_snapshot!("unsupported-doc", stderr);
}
