//! `menulint diff`

use super::Color;
use menulint::check::{check_path, exit, CheckOptions};
use menulint::config::discover;
use menulint::evaluate::Evaluation;
use menulint::load::DEFAULT_MAX_FILE_SIZE;
use menulint::policy::Policy;
use menulint::render::{diff_human, diff_json, diff_markdown, render_human, HumanStyle};
use menulint::rules::Selection;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The menu in force today.
    current: PathBuf,
    /// The menu the committee is asked to approve.
    proposed: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// The date to check as of (YYYY-MM-DD); defaults to today (UTC).
    #[arg(long, value_parser = super::parse_date)]
    as_of: Option<String>,
    /// The config file to use, instead of the nearest `menulint.toml` above the proposed menu.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Fail (exit 1) also when the proposal introduces a warning.
    #[arg(long, value_enum)]
    deny: Option<super::check::Deny>,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
}

pub fn run(args: DiffArgs) -> u8 {
    let color = args.color.enabled();
    let as_of = args.as_of.clone().unwrap_or_else(menulint::date::today);
    // both menus are judged by the same policy: the proposed menu's
    let config = args
        .config
        .clone()
        .or_else(|| discover(args.proposed.parent().unwrap_or(Path::new("."))));
    let policy = match Policy::load(config.as_deref(), &Selection::default()) {
        Ok(p) => p,
        Err(reports) => return super::print_load_errors(&reports, color),
    };
    let ev = Evaluation {
        rules: &policy.rules,
        as_of: &as_of,
        waivers: &policy.config.waivers,
    };
    let opts = CheckOptions {
        as_of: as_of.clone(),
        max_file_size: DEFAULT_MAX_FILE_SIZE,
    };
    let current = check_path(&ev, &opts, &args.current);
    let proposed = check_path(&ev, &opts, &args.proposed);
    let broken: Vec<_> = [&current, &proposed]
        .into_iter()
        .filter(|r| r.menu.is_none() || !r.checked)
        .cloned()
        .collect();
    if !broken.is_empty() {
        print!(
            "{}",
            render_human(&broken, HumanStyle { color, width: 100 })
        );
        return exit::NOT_CHECKED;
    }
    let Some(d) = menulint::diff::diff(&current, &proposed) else {
        return exit::NOT_CHECKED;
    };
    let out = match args.format {
        Format::Human => diff_human(&d),
        Format::Json => diff_json(&d),
        Format::Markdown => diff_markdown(&d),
    };
    print!("{out}");
    if d.introduces_failure(args.deny.is_some()) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
