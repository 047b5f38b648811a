//! The `nianbao` command: batch checks and normalization on the command line.

fn main() {}
