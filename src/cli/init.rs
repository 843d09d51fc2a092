//! `menulint init`

use super::{Failure, Outcome};
use std::io::Write;
use std::path::PathBuf;

const EXAMPLE_MENU: &str = include_str!("../../sample-menus/conventional.toml");

#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// Directory to write `menulint.toml` and `menu.toml` into.
    #[arg(default_value = ".")]
    dir: PathBuf,
}

pub(crate) fn run(args: InitArgs) -> Outcome {
    // taplo-based editors (VS Code's Even Better TOML, Helix, Zed) validate and
    // complete a file that names its schema this way: this version's published
    // schema, never a copy that goes stale when menulint is upgraded
    use super::SchemaKind;
    let config = format!(
        "#:schema {}\n{}",
        SchemaKind::Config.url(),
        crate::policy::config::CONFIG_TEMPLATE
    );
    let example_menu = format!("#:schema {}\n{EXAMPLE_MENU}", SchemaKind::Menu.url());
    let files = [
        (
            args.dir.join(crate::policy::config::CONFIG_FILE),
            config.as_str(),
        ),
        (args.dir.join("menu.toml"), example_menu.as_str()),
    ];
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        return Err(Failure::usage(format!(
            "cannot create {}: {e}",
            args.dir.display()
        )));
    }
    if let Some((p, _)) = files.iter().find(|(p, _)| p.exists()) {
        return Err(Failure::usage(format!(
            "{} already exists; menulint init never overwrites files",
            p.display()
        )));
    }
    // both files or none: a failure removes what this run already wrote
    let mut written: Vec<&std::path::Path> = Vec::new();
    for (path, text) in files.iter().map(|(p, t)| (p, t as &str)) {
        let result = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        if let Err(e) = result {
            if !matches!(e.kind(), std::io::ErrorKind::AlreadyExists) {
                // a file half-written by this run is ours to remove too
                let _ = std::fs::remove_file(path);
            }
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
            return Err(Failure::usage(format!(
                "cannot write {}: {e}; nothing was written",
                path.display()
            )));
        }
        written.push(path);
    }
    for p in &written {
        super::note(&format!("wrote {}", p.display()));
    }
    super::note(&format!("next: menulint check {}", files[1].0.display()));
    Ok(0)
}
