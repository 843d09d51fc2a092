//! The `menulint` command line: argument parsing only; the work is in the library.

mod cmd;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

// a check allocates many small, short-lived values (parsed TOML, CEL values); glibc's
// allocator spent a third of the run on them. Transparent huge pages are off for the
// process (mimalloc's `no_thp`): each first touch zeroed 2 MiB, which cost a
// one-menu run a third of its time and doubled the memory of a run over many menus.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let matches = match cmd::Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage(e),
    };
    let cli = match cmd::Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    ExitCode::from(cmd::run(cli, &matches))
}

/// Help and version as clap prints them; an argument error with the arguments it
/// quotes made safe for a terminal and a CI log (no escape sequence, no workflow
/// command), exit code 2.
fn usage(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        e.exit();
    }
    let mut text = e.render().to_string();
    // an argument clap quotes is shown with its control characters visible, line
    // breaks included, before the message is made safe line by line
    // (clap's plain rendering drops escape sequences, so the argument is looked for
    // without them too)
    let sequences = regex::Regex::new(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-_])").ok();
    for arg in std::env::args_os().skip(1) {
        let arg = arg.to_string_lossy().into_owned();
        let plain = sequences
            .as_ref()
            .map_or(arg.clone(), |r| r.replace_all(&arg, "").into_owned());
        for form in [arg, plain] {
            let shown = menulint::render::escape::terminal(&form);
            if shown != form && !form.is_empty() {
                text = text.replace(&form, &shown);
            }
        }
    }
    let text: String = text
        .lines()
        .map(|l| format!("{}\n", menulint::render::escape::terminal(l)))
        .collect();
    eprint!("{}", menulint::render::escape::no_workflow_commands(text));
    ExitCode::from(menulint::engine::exit::NOT_CHECKED)
}
