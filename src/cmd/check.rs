//! `menulint check`

use super::Color;
use menulint::check::{check_path, collect_menus, exit, CheckOptions, FileReport};
use menulint::evaluate::Evaluation;
use menulint::load::DEFAULT_MAX_FILE_SIZE;
use menulint::render::{render_human, render_json, HumanStyle};
use menulint::rules::RuleSet;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Menu files, or directories to search for `*.toml` menus.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// The date to check as of (YYYY-MM-DD); defaults to today (UTC).
    #[arg(long, value_parser = parse_date)]
    as_of: Option<String>,
    /// Also fail (exit 1) on warnings.
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    /// Largest menu file accepted, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
    /// An extra rule pack file to apply with the built-in packs (repeatable).
    #[arg(long = "pack", value_name = "FILE")]
    packs: Vec<PathBuf>,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
}

fn parse_date(s: &str) -> Result<String, String> {
    if s.len() == 10 && menulint::date::days_from_iso(s).is_some() {
        Ok(s.to_owned())
    } else {
        Err(format!("`{s}` is not a date of the form YYYY-MM-DD"))
    }
}

pub fn run(args: CheckArgs) -> u8 {
    let color = args.color.enabled();
    let rules = match RuleSet::with_pack_files(&args.packs) {
        Ok(r) => r,
        Err(reports) => return super::print_load_errors(&reports, color),
    };
    let as_of = args.as_of.clone().unwrap_or_else(menulint::date::today);
    let ev = Evaluation {
        rules: &rules,
        as_of: &as_of,
    };
    let opts = CheckOptions {
        as_of: as_of.clone(),
        max_file_size: args.max_file_size,
    };
    let (files, mut reports) = collect_menus(&args.paths);
    reports.extend(files.iter().map(|p| check_path(&ev, &opts, p)));
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    let out = match args.format {
        Format::Human => render_human(&reports, HumanStyle { color, width: 100 }),
        Format::Json => render_json(&reports, &as_of),
    };
    print!("{out}");
    exit_code(&reports, args.deny == Some(Deny::Warnings))
}

fn exit_code(reports: &[FileReport], deny_warnings: bool) -> u8 {
    reports
        .iter()
        .map(|r| r.exit_code(deny_warnings))
        .max()
        .unwrap_or(exit::CLEAN)
}
