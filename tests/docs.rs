//! What `docs/` holds that is generated from the code — the rules page, the JSON Schemas and
//! the OpenAPI document — is exactly what the binary prints now. A test fails when a committed
//! copy is stale; `UPDATE_DOCS=1 cargo test --test docs` rewrites them. And README.md's quick
//! start names commands that work in a clone: the report it checks is in the repository.

use std::path::Path;
use std::process::Command;

/// Each generated document and the command that prints it.
const GENERATED: [(&str, &[&str]); 4] = [
    ("docs/rules.md", &["rules", "--format", "markdown"]),
    ("docs/schema/report.schema.json", &["schema", "report"]),
    ("docs/schema/result.schema.json", &["schema", "result"]),
    ("docs/openapi.json", &["schema", "openapi"]),
];

fn printed(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "nianbao {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn the_generated_documents_are_up_to_date() {
    let update = std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (file, args) in GENERATED {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let now = printed(args);
        if std::fs::read(&path).ok().as_deref() == Some(&now[..]) {
            continue;
        }
        if update {
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("docs/ written");
            std::fs::write(&path, now).expect("document written");
        } else {
            stale.push(format!("{file} (nianbao {})", args.join(" ")));
        }
    }
    assert!(
        stale.is_empty(),
        "stale: {}; run `UPDATE_DOCS=1 cargo test --test docs` to rewrite them",
        stale.join(", ")
    );
}

#[test]
fn the_readme_links_every_document() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let written = ["docs/RULES.md", "docs/FORMAT.md"];
    for file in GENERATED.iter().map(|(f, _)| *f).chain(written) {
        assert!(
            readme.contains(&format!("]({file}")),
            "README.md links {file}"
        );
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(file).exists(),
            "{file} exists"
        );
    }
}

#[test]
fn the_readme_gives_the_commands_of_a_fresh_machine() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    for command in [
        "cargo run --release -- check examples/minhe-2020.txt",
        "bash scripts/test",
    ] {
        assert!(readme.contains(command), "README.md lacks `{command}`");
    }
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/minhe-2020.txt")
            .exists(),
        "the fixture the README checks is where it says"
    );
}
