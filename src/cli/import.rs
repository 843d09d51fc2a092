//! `menulint import`

use super::{Failure, Outcome};
use crate::import::lineup;
use crate::menu::load::DEFAULT_MAX_FILE_SIZE;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The lineup export: .csv, .xlsx, .xlsm, .xls or .ods.
    lineup: PathBuf,
    /// The mapping: a file, or a preset (recordkeeper, vendor).
    #[arg(long, value_name = "MAPPING", required_unless_present = "print_map")]
    map: Option<String>,
    /// The workbook sheet that holds the lineup (default: the mapping's, else the sheet
    /// whose header row names the most mapped headers).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// The plan the lineup belongs to: a TOML file with [plan] (and any [[waivers]],
    /// and facts per fund as [[options]] with `for`).
    #[arg(long, value_name = "PLAN.toml")]
    plan: Option<PathBuf>,
    /// Facts the export lacks, per fund: [[options]] entries naming their fund with
    /// `for`. Repeatable.
    #[arg(long, value_name = "FILE")]
    overlay: Vec<PathBuf>,
    /// Write the menu to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Instead: write a starter mapping from the lineup's header row.
    #[arg(long)]
    print_map: bool,
    /// Largest lineup accepted, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

pub(crate) fn run(args: ImportArgs) -> Outcome {
    let mut inputs = vec![args.lineup.clone()];
    inputs.extend(args.plan.iter().cloned());
    inputs.extend(args.overlay.iter().cloned());
    if let Some(m) = args.map.as_deref().filter(|m| lineup::preset(m).is_none()) {
        inputs.push(PathBuf::from(m));
    }
    if let Some(out) = &args.output {
        if let Err(msg) = crate::output::check_outputs(&[out.as_path()], &inputs) {
            return Err(Failure::usage(msg));
        }
    }
    let failed = |report: Box<crate::engine::FileReport>| Failure::inputs(vec![*report], false);
    let text = if args.print_map {
        crate::engine::check::starter_mapping(
            &args.lineup,
            args.sheet.as_deref(),
            args.max_file_size,
        )
        .map_err(failed)?
    } else {
        let map = args
            .map
            .as_deref()
            .ok_or_else(|| Failure::usage("import needs --map (or --print-map)"))?;
        let lo = crate::engine::check::LineupOptions::read(
            map,
            args.sheet.as_deref(),
            args.plan.as_deref(),
            &args.overlay,
        )?;
        crate::engine::check::import(&args.lineup, &lo, args.max_file_size).map_err(failed)?
    };
    super::emit(&text, args.output.as_deref(), false).map(|()| crate::engine::exit::CLEAN)
}
