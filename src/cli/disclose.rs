//! `menulint disclose`: the participants' comparative chart.

use super::{Failure, Outcome};
use crate::engine::exit;
use crate::engine::run::RunOptions;
use crate::render::DiscloseFormat;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct DiscloseArgs {
    /// The menu (or, with --map, the lineup export) to chart.
    menu: PathBuf,
    /// Chart format [default: html, or what the --output file's name says].
    #[arg(long, value_parser = super::choice::choice::<DiscloseFormat>())]
    format: Option<DiscloseFormat>,
    /// The paper a PDF is set on.
    #[arg(long, value_parser = super::choice::choice::<crate::render::pdf::Paper>(), default_value = "letter")]
    paper: crate::render::pdf::Paper,
    /// Write the chart to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The date the chart is prepared on (YYYY-MM-DD); its periods end at the last
    /// calendar year-end before it. Defaults to today (UTC).
    #[arg(long, value_parser = super::parse_date)]
    as_of: Option<String>,
    /// The config file to use, instead of the nearest `menulint.toml` above the menu.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    lineup: super::LineupArgs,
    #[command(flatten)]
    judgement: super::Judgement,
}

pub(crate) fn run(args: DiscloseArgs) -> Outcome {
    let format = super::document_format(args.format, args.output.as_deref(), DiscloseFormat::Html)?;
    let as_of = args.as_of.clone().unwrap_or_else(crate::date::today);
    let mut opts = RunOptions {
        config: args.config.clone(),
        selection: args.judgement.selection(false),
        as_of: as_of.clone(),
        keep_source: true,
        keep_menu: true,
        ..RunOptions::default()
    };
    let inputs = args.judgement.inputs(None, Some(&args.lineup));
    super::read_inputs(&inputs, &mut opts)?;
    let (_, checked) = super::check_one(&args.menu, &opts, args.output.as_deref())?;
    let chart = crate::engine::disclose::chart(&checked, &as_of).map_err(Failure::usage)?;
    // what the chart lacks is said first, each at its line in the menu
    if !chart.complete() {
        use std::io::Write;
        let mut gaps = checked.clone();
        gaps.findings = chart.findings.clone();
        let style = crate::render::HumanStyle {
            color: false,
            width: 100,
        };
        let mut err = std::io::stderr();
        if !gaps.findings.is_empty() {
            let _ = write!(err, "{}", crate::render::render_human(&[gaps], style));
        }
        let _ = writeln!(
            err,
            "the comparative chart is incomplete: {} figure(s) not provided{}",
            chart.not_provided(),
            if chart.glossary == crate::engine::disclose::Cell::NotProvided {
                ", among them the glossary ([plan] glossary_url)"
            } else {
                ""
            }
        );
    }
    let bytes = crate::render::disclose(&chart, format, args.paper).map_err(Failure::usage)?;
    super::emit_document(
        &bytes,
        format == DiscloseFormat::Pdf,
        args.output.as_deref(),
    )?;
    Ok(if chart.complete() {
        exit::CLEAN
    } else {
        exit::FINDINGS
    })
}
