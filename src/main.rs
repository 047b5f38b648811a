//! The `nianbao` command: checks, normalization, the rules and the JSON Schemas on the
//! command line, and the HTTP API (`nianbao serve`, [`server`]). The command line lives in
//! [`cli`]; the checking itself in the library.

mod cli;
mod server;
mod store;

fn main() -> std::process::ExitCode {
    cli::main()
}
