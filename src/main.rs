//! The `nianbao` command: checks, normalization, the rules and the JSON Schemas on the
//! command line. Everything lives in [`cli`]; the checking itself in the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
