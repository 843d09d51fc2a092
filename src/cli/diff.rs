//! `menulint diff`

use super::Color;
use super::Outcome;
use crate::engine::exit;
use crate::engine::run::RunOptions;
use crate::render::{diff_human, diff_json, diff_markdown, render_human, HumanStyle};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
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
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub(crate) fn run(args: DiffArgs) -> Outcome {
    let color = args.color.enabled();
    let as_of = args.as_of.clone().unwrap_or_else(crate::date::today);
    // both menus are judged by the same policy: the proposed menu's
    let opts = RunOptions {
        config: args.config.clone(),
        as_of,
        keep_source: true,
        keep_menu: true,
        measures: true,
        ..RunOptions::default()
    };
    let paths = [args.current.clone(), args.proposed.clone()];
    let (_, reports) =
        super::check_named(&args.proposed, &paths, &opts, args.output.as_deref(), color)?;
    let (current, proposed) = (reports[0].clone(), reports[1].clone());
    let broken: Vec<_> = [&current, &proposed]
        .into_iter()
        .filter(|r| r.menu.is_none() || !r.checked)
        .cloned()
        .collect();
    if !broken.is_empty() {
        let text = render_human(&broken, HumanStyle { color, width: 100 });
        return super::emit(&text, None, true).map(|()| exit::NOT_CHECKED);
    }
    let Some(d) = crate::engine::diff::diff(&current, &proposed) else {
        return Ok(exit::NOT_CHECKED);
    };
    let out = match args.format {
        Format::Human => diff_human(&d),
        Format::Json => diff_json(&d),
        Format::Markdown => diff_markdown(&d),
    };
    super::emit(&out, args.output.as_deref(), false)?;
    Ok(if d.introduces_failure(args.deny.is_some()) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}
