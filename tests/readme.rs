//! README.md's rules page is the output of `nianbao rules --format markdown`, between the
//! markers `<!-- rules:start -->` and `<!-- rules:end -->`. This test fails when the page
//! is out of date; `UPDATE_README=1 cargo test --test readme` rewrites it.

use std::path::Path;
use std::process::Command;

const START: &str = "<!-- rules:start -->\n";
const END: &str = "<!-- rules:end -->";

fn rules_page() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["rules", "--format", "markdown"])
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn the_rules_page_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme
        .find(START)
        .expect("README.md has <!-- rules:start -->")
        + START.len();
    let end = start
        + readme[start..]
            .find(END)
            .expect("README.md has <!-- rules:end -->");
    let page = rules_page();
    if readme[start..end] == page {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some_and(|v| v == "1") {
        let updated = format!("{}{page}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("README.md written");
        return;
    }
    panic!(
        "README.md's rules page differs from `nianbao rules --format markdown`; \
         run `UPDATE_README=1 cargo test --test readme` to rewrite it"
    );
}

#[test]
fn the_readme_gives_the_commands_of_a_fresh_machine() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    for command in [
        "cargo run --release -- check ../shared/fixtures/minhe-2020.txt",
        "bash scripts/test",
    ] {
        assert!(readme.contains(command), "README.md lacks `{command}`");
    }
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/fixtures/minhe-2020.txt")
            .exists(),
        "the fixture the README checks is where it says"
    );
}
