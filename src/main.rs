//! The `menulint` command line: argument parsing only; the work is in the library.

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    ExitCode::from(cmd::run(cli))
}
