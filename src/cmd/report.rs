//! `menulint report`

use menulint::check::{check_path, exit, CheckOptions};
use menulint::config::discover;
use menulint::evaluate::Evaluation;
use menulint::load::DEFAULT_MAX_FILE_SIZE;
use menulint::policy::Policy;
use menulint::render::{render_human, report, HumanStyle, ReportFormat};
use menulint::rules::Selection;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The menu to report on.
    menu: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value = "html")]
    format: ReportFormat,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The date to check as of (YYYY-MM-DD); defaults to today (UTC).
    #[arg(long, value_parser = super::parse_date)]
    as_of: Option<String>,
    /// The config file to use, instead of the nearest `menulint.toml` above the menu.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print when the report was generated: `SOURCE_DATE_EPOCH` if set, else now.
    /// Without it the report has no timestamp, so the same inputs give the same bytes.
    #[arg(long)]
    timestamp: bool,
}

fn generated() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        menulint::date::iso_from_days(days),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub fn run(args: ReportArgs) -> u8 {
    let as_of = args.as_of.clone().unwrap_or_else(menulint::date::today);
    let config = args
        .config
        .clone()
        .or_else(|| discover(args.menu.parent().unwrap_or(Path::new("."))));
    let policy = match Policy::load(config.as_deref(), &Selection::default()) {
        Ok(p) => p,
        Err(reports) => return super::print_load_errors(&reports, false),
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
    let checked = check_path(&ev, &opts, &args.menu);
    if !checked.checked || checked.menu.is_none() {
        eprint!(
            "{}",
            render_human(
                std::slice::from_ref(&checked),
                HumanStyle {
                    color: false,
                    width: 100
                }
            )
        );
        return exit::NOT_CHECKED;
    }
    let stamp = args.timestamp.then(generated);
    let text = match report(&checked, &policy, &as_of, stamp, args.format) {
        Ok(t) => t,
        Err(e) => return super::usage_error(&e),
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = menulint::output::write_atomic(path, text.as_bytes()) {
                return super::usage_error(&format!("cannot write {}: {e}", path.display()));
            }
        }
        None => print!("{text}"),
    }
    exit::CLEAN
}
