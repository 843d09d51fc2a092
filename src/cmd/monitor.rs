//! `menulint monitor`

use menulint::engine::check::CheckOptions;
use menulint::engine::monitor::{exit_code, statuses};
use menulint::engine::run::RunOptions;
use menulint::menu::load::DEFAULT_MAX_FILE_SIZE;
use menulint::render::{monitor, MonitorFormat, Watched};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct MonitorArgs {
    /// The menu whose options to monitor.
    menu: PathBuf,
    /// Quarterly monitoring figures (CSV), when the menu does not hold them.
    #[arg(long, value_name = "FILE.csv")]
    history: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: MonitorFormat,
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

pub fn run(args: MonitorArgs) -> u8 {
    if let Err(code) = super::output_matches(args.format, args.output.as_deref()) {
        return code;
    }
    let as_of = args.as_of.clone().unwrap_or_else(menulint::date::today);
    let history = match super::load_history(args.history.as_deref(), args.max_file_size, false) {
        Ok(h) => h,
        Err(code) => return code,
    };
    let mut opts = RunOptions {
        config: args.config.clone(),
        selection: args.judgement.selection(true),
        as_of: as_of.clone(),
        check: CheckOptions {
            max_file_size: args.max_file_size,
            history,
            lineup: None,
        },
        keep_menu: true,
        // errors quote the menu or the history file
        keep_source: true,
        ..RunOptions::default()
    };
    if let Err(code) = args.judgement.apply(&mut opts, false) {
        return code;
    }
    let (policy, report) = match super::check_one(&args.menu, &opts, args.output.as_deref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let report = &report;
    let Some(menu) = &report.menu else {
        return super::print_load_errors(std::slice::from_ref(report), false);
    };
    let list = statuses(report, &policy, &as_of);
    let watched = Watched {
        plan: &menu.plan.name,
        menu_path: &report.path,
        as_of: &as_of,
        options: &list,
    };
    let text = match monitor(&watched, args.format) {
        Ok(t) => t,
        Err(e) => return super::usage_error(&e),
    };
    match super::emit(&text, args.output.as_deref(), false) {
        Ok(()) => exit_code(&list),
        Err(code) => code,
    }
}
