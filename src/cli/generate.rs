//! `menulint generate` (hidden): synthetic menus for benchmarks.

use super::{Failure, Outcome};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
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

pub(crate) fn run(args: GenerateArgs) -> Outcome {
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        return Err(Failure::usage(format!(
            "cannot create {}: {e}",
            args.out.display()
        )));
    }
    if let Some(n) = args.lineup {
        let path = args.out.join("lineup.csv");
        if let Err(e) = std::fs::write(&path, crate::menu::synth::lineup_csv(n, args.seed)) {
            return Err(Failure::usage(format!(
                "cannot write {}: {e}",
                path.display()
            )));
        }
        return Ok(0);
    }
    if let Some(n) = args.monitored {
        let (menu, csv) = crate::menu::synth::monitored(n, 40, args.seed);
        for (name, text) in [("monitored.toml", menu), ("history.csv", csv)] {
            let path = args.out.join(name);
            if let Err(e) = std::fs::write(&path, text) {
                return Err(Failure::usage(format!(
                    "cannot write {}: {e}",
                    path.display()
                )));
            }
        }
        return Ok(0);
    }
    for i in 0..args.count {
        let path = args.out.join(format!("menu-{i:06}.toml"));
        if let Err(e) = std::fs::write(&path, crate::menu::synth::menu(args.seed + i)) {
            return Err(Failure::usage(format!(
                "cannot write {}: {e}",
                path.display()
            )));
        }
    }
    Ok(0)
}
