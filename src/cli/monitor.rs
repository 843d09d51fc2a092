//! `menulint monitor`

use super::{Failure, Outcome};
use crate::engine::check::CheckOptions;
use crate::engine::monitor::{exit_code, statuses};
use crate::engine::run::RunOptions;
use crate::menu::load::DEFAULT_MAX_FILE_SIZE;
use crate::render::{monitor, MonitorFormat, Watched};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct MonitorArgs {
    /// The menu whose options to monitor.
    menu: PathBuf,
    /// Quarterly monitoring figures (CSV), when the menu does not hold them.
    #[arg(long, value_name = "FILE.csv")]
    history: Option<PathBuf>,
    /// Output format [default: human, or what the --output file's name says].
    #[arg(long, value_parser = super::choice::choice::<MonitorFormat>())]
    format: Option<MonitorFormat>,
    /// The paper a PDF is set on.
    #[arg(long, value_parser = super::choice::choice::<crate::render::pdf::Paper>(), default_value = "letter")]
    paper: crate::render::pdf::Paper,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The date to monitor as of (YYYY-MM-DD); defaults to today (UTC).
    #[arg(long, value_parser = super::parse_date)]
    as_of: Option<String>,
    /// The config file to use, instead of the nearest `menulint.toml` above the menu.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Largest menu or history file accepted, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
    #[command(flatten)]
    judgement: super::Judgement,
}

pub(crate) fn run(args: MonitorArgs) -> Outcome {
    let format = super::document_format(args.format, args.output.as_deref(), MonitorFormat::Human)?;
    let as_of = args.as_of.clone().unwrap_or_else(crate::date::today);
    let mut opts = RunOptions {
        config: args.config.clone(),
        selection: args.judgement.selection(true),
        as_of: as_of.clone(),
        check: CheckOptions {
            max_file_size: args.max_file_size,
            ..CheckOptions::default()
        },
        keep_menu: true,
        // errors quote the menu or the history file
        keep_source: true,
        ..RunOptions::default()
    };
    let inputs = args.judgement.inputs(args.history.as_deref(), None);
    super::read_inputs(&inputs, &mut opts)?;
    let (policy, report) = super::check_one(&args.menu, &opts, args.output.as_deref())?;
    let report = &report;
    let Some(menu) = &report.menu else {
        return Err(Failure::inputs(vec![report.clone()], false));
    };
    let list = statuses(report, &policy, &as_of);
    let watched = Watched {
        plan: &menu.plan.name,
        menu_path: &report.path,
        as_of: &as_of,
        options: &list,
    };
    let bytes = monitor(&watched, format, args.paper).map_err(Failure::usage)?;
    super::emit_document(&bytes, format == MonitorFormat::Pdf, args.output.as_deref())?;
    Ok(exit_code(&list))
}
