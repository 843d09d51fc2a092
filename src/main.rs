//! The `menulint` binary: the library's command line ([`menulint::cli`]).

use std::process::ExitCode;

// a check allocates many small, short-lived values (parsed TOML, CEL values); glibc's
// allocator spent a third of the run on them. Transparent huge pages are off for the
// process (mimalloc's `no_thp`): each first touch zeroed 2 MiB, which cost a
// one-menu run a third of its time and doubled the memory of a run over many menus.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    menulint::cli::main()
}
