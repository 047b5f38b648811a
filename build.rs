//! Records the commit the binary is built from, for `nianbao --version` (`0.1.0 (64028fd)`):
//! `NIANBAO_COMMIT` when a packager sets it; else `git rev-parse HEAD` when the crate is the
//! top of a git checkout (a clone, a worktree, the checkout `cargo install --git` makes in
//! ~/.cargo/git/checkouts); else the commit `cargo package` recorded in .cargo_vcs_info.json
//! (a crates.io source); nothing otherwise.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=NIANBAO_COMMIT");
    let commit = std::env::var("NIANBAO_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(from_git)
        .or_else(from_vcs_info);
    let version = match commit {
        Some(c) => format!("{} ({c})", env!("CARGO_PKG_VERSION")),
        None => env!("CARGO_PKG_VERSION").to_string(),
    };
    println!("cargo:rustc-env=NIANBAO_VERSION={version}");
}

/// What `git <args>` prints, run in the crate's folder; None on failure or no output.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// HEAD of the checkout whose top is this crate — not of a repository that merely holds
/// it (a crates.io source unpacked under a home folder kept in git, `cargo package`'s
/// target/package/): that commit would not be this source's.
fn from_git() -> Option<String> {
    let here = std::fs::canonicalize(std::env::var_os("CARGO_MANIFEST_DIR")?).ok()?;
    // Built again when HEAD moves — in a repository that only holds the crate too: `cargo
    // package` builds target/package/nianbao-*/ into the checkout's own target dir, and that
    // build's output would otherwise stand for the checkout's. HEAD is in the git dir (.git,
    // or .git/worktrees/<name> for a worktree, whose .git is a file), the branches in the
    // common dir.
    let dir = |flag| git(&["rev-parse", flag]).map(|d| here.join(d)); // join keeps an absolute path
    let watched: [(Option<PathBuf>, &str); 3] = [
        (dir("--git-dir"), "HEAD"),
        (dir("--git-common-dir"), "refs"),
        (dir("--git-common-dir"), "packed-refs"),
    ];
    for (dir, name) in watched {
        if let Some(path) = dir.map(|d| d.join(name)).filter(|p| p.exists()) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    let top = std::fs::canonicalize(git(&["rev-parse", "--show-toplevel"])?).ok()?;
    (top == here).then(|| git(&["rev-parse", "--short=7", "HEAD"]))?
}

/// The commit in `.cargo_vcs_info.json` (`"git": {"sha1": "…"}`), which `cargo package`
/// writes into the crate it packs from a git checkout.
fn from_vcs_info() -> Option<String> {
    let info = std::fs::read_to_string(".cargo_vcs_info.json").ok()?;
    let after = &info[info.find("\"sha1\"")? + "\"sha1\"".len()..];
    let start = after.find(|c: char| c.is_ascii_hexdigit())?;
    let sha: String = after[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (sha.len() >= 7).then(|| sha[..7].to_string())
}
