//! The `nianbao` command: checks, normalization, the rules and the JSON Schemas on the
//! command line, and the HTTP API (`nianbao serve`, [`server`]). The command line lives in
//! [`cli`]; the checking itself in the library.

// `unsafe` is allowed where a function says why it holds (one place: `pretty::to_string`).
#![deny(unsafe_code)]

mod cli;
mod server;
mod store;

/// The binary's allocator: mimalloc, for a check's many small allocations (about a tenth of
/// its instructions went to glibc's malloc and free; BENCHMARKS.md). The library leaves the
/// choice to its user; the WebAssembly build keeps Rust's own. mimalloc holds more memory
/// than glibc's malloc (a batch's peak RSS ~30–40 MB, not ~14 MB); version 2 of it, as
/// version 3 held twice that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
