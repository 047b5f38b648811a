//! Records the commit the binary is built from, for `nianbao --version` (`0.1.0 (64028fd)`):
//! `git rev-parse` when the source is a git checkout (a clone, `cargo install --git`),
//! `NIANBAO_COMMIT` when a packager sets it, nothing otherwise (a crates.io source).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=NIANBAO_COMMIT");
    for path in [".git/HEAD", ".git/refs", ".git/packed-refs"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    let commit = std::env::var("NIANBAO_COMMIT").ok().or_else(|| {
        let out = Command::new("git")
            .args(["rev-parse", "--short=7", "HEAD"])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
            .filter(|c| !c.is_empty())
    });
    let version = match commit {
        Some(c) => format!("{} ({c})", env!("CARGO_PKG_VERSION")),
        None => env!("CARGO_PKG_VERSION").to_string(),
    };
    println!("cargo:rustc-env=NIANBAO_VERSION={version}");
}
