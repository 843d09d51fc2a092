//! Synthetic menus, histories and lineups for the benchmarks
//! (`cargo run --release --example generate -- --count 1000 --out DIR`), from the
//! generator the benchmarks and tests share (`benches/support/synth.rs`).

#[path = "../benches/support/synth.rs"]
mod synth;

use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Write synthetic menus, or a monitored menu with its history, or a lineup export.
#[derive(Parser)]
struct Args {
    /// How many menus.
    #[arg(long, default_value_t = 1000)]
    count: u64,
    /// The first seed; menu i uses seed + i.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Directory to write `menu-NNNNNN.toml` files into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Instead: write `monitored.toml` with this many options and `history.csv`
    /// with 40 quarters for each.
    #[arg(long, value_name = "OPTIONS")]
    monitored: Option<usize>,
    /// Instead: write `lineup.csv`, a lineup export of this many funds in the
    /// recordkeeper preset's layout.
    #[arg(long, value_name = "ROWS")]
    lineup: Option<usize>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match generate(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn generate(args: &Args) -> Result<(), String> {
    let write = |name: &str, text: String| {
        let path = args.out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", show(&path)))
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", show(&args.out)))?;
    if let Some(n) = args.lineup {
        return write("lineup.csv", synth::lineup_csv(n, args.seed));
    }
    if let Some(n) = args.monitored {
        let (menu, csv) = synth::monitored(n, 40, args.seed);
        write("monitored.toml", menu)?;
        return write("history.csv", csv);
    }
    (0..args.count)
        .try_for_each(|i| write(&format!("menu-{i:06}.toml"), synth::menu(args.seed + i)))
}

fn show(p: &Path) -> std::path::Display<'_> {
    p.display()
}
