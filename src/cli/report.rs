//! `menulint report`

use super::{Failure, Outcome};
use crate::engine::exit;
use crate::engine::run::RunOptions;
use crate::render::ReportFormat;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    /// The menu to report on.
    menu: PathBuf,
    /// Report format [default: html, or what the --output file's name says].
    #[arg(long, value_parser = super::choice::choice::<ReportFormat>())]
    format: Option<ReportFormat>,
    /// The paper a PDF is set on.
    #[arg(long, value_parser = super::choice::choice::<crate::render::pdf::Paper>(), default_value = "letter")]
    paper: crate::render::pdf::Paper,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The date to check as of (YYYY-MM-DD); defaults to today (UTC).
    #[arg(long, value_parser = super::parse_date)]
    as_of: Option<String>,
    /// The config file to use, instead of the nearest `menulint.toml` above the menu.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    lineup: super::LineupArgs,
    #[command(flatten)]
    judgement: super::Judgement,
    /// Quarterly monitoring figures (CSV): adds the watch list to the report.
    #[arg(long, value_name = "FILE.csv")]
    history: Option<PathBuf>,
    /// Print when the report was generated: `SOURCE_DATE_EPOCH` if set, else now.
    /// Without it the report has no timestamp, so the same inputs give the same bytes.
    #[arg(long)]
    timestamp: bool,
    /// Exit 0 once the document is written, whatever its verdict (by default a FAIL
    /// or INCOMPLETE verdict exits 1, as `check` would).
    #[arg(long)]
    exit_zero: bool,
}

/// `SOURCE_DATE_EPOCH` if set (it must be whole seconds since 1970), else now.
fn generated() -> Result<String, String> {
    let secs = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => s
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|&n| (0..=7_258_118_400).contains(&n))
            .ok_or_else(|| {
                format!("SOURCE_DATE_EPOCH={s:?} is not a number of seconds since 1970-01-01")
            })?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    Ok(format!(
        "{} {:02}:{:02}:{:02} UTC",
        crate::date::iso_from_days(days),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

pub(crate) fn run(args: ReportArgs) -> Outcome {
    document(args, crate::render::report)
}

/// `menulint dossier`: the same arguments as the report, another document.
pub(crate) fn dossier(args: ReportArgs) -> Outcome {
    document(args, crate::render::dossier)
}

type Document = fn(
    &crate::engine::Judged,
    Option<String>,
    ReportFormat,
    crate::render::pdf::Paper,
) -> Result<Vec<u8>, String>;

fn document(args: ReportArgs, build: Document) -> Outcome {
    let format = super::document_format(args.format, args.output.as_deref(), ReportFormat::Html)?;
    let as_of = args.as_of.clone().unwrap_or_else(crate::date::today);
    let mut opts = RunOptions {
        config: args.config.clone(),
        selection: args.judgement.selection(false),
        as_of: as_of.clone(),
        keep_source: true,
        keep_menu: true,
        measures: true,
        ..RunOptions::default()
    };
    let inputs = args
        .judgement
        .inputs(args.history.as_deref(), Some(&args.lineup));
    super::read_inputs(&inputs, &mut opts)?;
    let (policy, checked) = super::check_one(&args.menu, &opts, args.output.as_deref())?;
    let checked = &checked;
    let stamp = args
        .timestamp
        .then(generated)
        .transpose()
        .map_err(Failure::usage)?;
    let judged = crate::engine::Judged::new(checked, &policy, &as_of);
    let bytes = build(&judged, stamp, format, args.paper).map_err(Failure::usage)?;
    super::emit_document(&bytes, format == ReportFormat::Pdf, args.output.as_deref())?;
    // the document is the gate's judgement written out: it gates as `check` does
    Ok(if args.exit_zero {
        exit::CLEAN
    } else {
        checked.exit_code(false)
    })
}
