//! `menulint check`

use super::Color;
use menulint::engine::check::CheckOptions;
use menulint::engine::run::{run as run_checks, RunOptions};
use menulint::menu::load::DEFAULT_MAX_FILE_SIZE;
use menulint::policy::baseline::Baseline;
use menulint::policy::Selection;
use menulint::render::{render, Format, RenderOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Menu files, or directories to search for `*.toml` menus.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format; repeat it, each with its own --output, to write several at once.
    #[arg(long, value_enum)]
    format: Vec<Format>,
    /// Write the output to this file (atomically) instead of standard output; pairs with
    /// the --format in the same position.
    #[arg(long, value_name = "FILE")]
    output: Vec<PathBuf>,
    /// Human format: no summary line, and no output at all when nothing is found.
    #[arg(long, short)]
    quiet: bool,
    /// The date to check as of (YYYY-MM-DD); defaults to today (UTC).
    #[arg(long, value_parser = super::parse_date)]
    as_of: Option<String>,
    /// Also fail (exit 1) on warnings.
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    /// The config file to use, instead of the nearest `menulint.toml` above each menu.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Only these rules (ids or id prefixes, comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Not these rules (ids or id prefixes).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// An extra rule pack file to apply with the configured packs (repeatable).
    #[arg(long = "pack", value_name = "FILE")]
    packs: Vec<PathBuf>,
    /// Report only findings that the baseline file does not record.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in a baseline file.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Human format: also show how each look-through exposure figure was computed.
    #[arg(long)]
    explain_exposure: bool,
    /// Largest menu file accepted, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
}

pub fn run(args: CheckArgs) -> u8 {
    let mut formats = args.format.clone();
    if formats.is_empty() {
        formats.push(Format::Human);
    }
    if args.output.len() > formats.len() {
        return super::usage_error("more --output than --format: give each --output its --format");
    }
    if formats.len() - args.output.len() > 1 {
        return super::usage_error(
            "only one --format may go to standard output; give the others an --output",
        );
    }
    let color = args.color.enabled();
    let as_of = args.as_of.clone().unwrap_or_else(menulint::date::today);
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        packs: args.packs.clone(),
    };
    let baseline = match &args.baseline {
        Some(p) => match read_baseline(p) {
            Ok(b) => Some(b),
            Err(msg) => return super::usage_error(&msg),
        },
        None => None,
    };
    let opts = RunOptions {
        config: args.config.clone(),
        selection,
        as_of: as_of.clone(),
        check: CheckOptions {
            max_file_size: args.max_file_size,
        },
        // the human and SARIF outputs quote the menu's lines; the others only locate them
        keep_source: formats.contains(&Format::Human) || formats.contains(&Format::Sarif),
        keep_menu: args.explain_exposure || formats.contains(&Format::Junit),
        measures: false,
        baseline,
    };
    let outcome = run_checks(&args.paths, &opts);
    let (reports, catalog) = (outcome.reports, outcome.catalog);
    if let Some(path) = &args.write_baseline {
        let findings = reports
            .iter()
            .flat_map(|r| r.findings.iter().map(move |f| (r.path.as_str(), f)));
        let text = Baseline::record(findings).to_json();
        if let Err(e) = menulint::output::write_atomic(path, text.as_bytes()) {
            return super::usage_error(&format!("cannot write baseline {}: {e}", path.display()));
        }
    }
    let ropts = RenderOptions {
        as_of: &as_of,
        catalog: &catalog,
        color,
        width: 100,
        quiet: args.quiet,
    };
    for (i, format) in formats.iter().enumerate() {
        let mut text = render(*format, &reports, &ropts);
        if args.explain_exposure && *format == Format::Human {
            text = format!("{}{text}", menulint::render::explain_exposure(&reports));
        }
        match args.output.get(i) {
            Some(path) => {
                if let Err(e) = menulint::output::write_atomic(path, text.as_bytes()) {
                    return super::usage_error(&format!("cannot write {}: {e}", path.display()));
                }
            }
            None => print!("{text}"),
        }
    }
    menulint::engine::exit_code(&reports, args.deny == Some(Deny::Warnings))
}

fn read_baseline(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a menulint baseline: {e}", path.display()))
}
