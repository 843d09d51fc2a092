//! `menulint check`

use super::Color;
use menulint::baseline::Baseline;
use menulint::check::{check_path, collect_menus, exit, CheckOptions, FileReport};
use menulint::config::discover;
use menulint::evaluate::Evaluation;
use menulint::finding::Finding;
use menulint::load::DEFAULT_MAX_FILE_SIZE;
use menulint::policy::Policy;
use menulint::render::{render, Catalog, Format, RenderOptions, RuleInfo};
use menulint::rules::Selection;
use menulint::waivers;
use rayon::prelude::*;
use std::collections::BTreeMap;
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
    let opts = CheckOptions {
        as_of: as_of.clone(),
        max_file_size: args.max_file_size,
    };
    let baseline = match &args.baseline {
        Some(p) => match read_baseline(p) {
            Ok(b) => Some(b),
            Err(msg) => return super::usage_error(&msg),
        },
        None => None,
    };

    let (files, mut reports) = collect_menus(&args.paths);
    let mut catalog = Catalog::new();
    // menus grouped by the config that governs them
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        let config = args
            .config
            .clone()
            .or_else(|| discover(f.parent().unwrap_or(Path::new("."))));
        groups.entry(config).or_default().push(f);
    }
    if groups.is_empty() {
        if let Some(c) = &args.config {
            groups.insert(Some(c.clone()), Vec::new());
        }
    }
    for (config_path, menus) in groups {
        let policy = match Policy::load(config_path.as_deref(), &selection) {
            Ok(p) => p,
            Err(errors) => {
                reports.extend(errors);
                let why = config_path
                    .as_ref()
                    .map_or("the rule packs have errors".to_owned(), |p| {
                        format!("its config {} has errors", p.display())
                    });
                reports.extend(menus.iter().map(|m| {
                    let name = m.display().to_string();
                    FileReport::not_checked(
                        &name,
                        None,
                        vec![Finding::input_error(
                            "config",
                            format!("{name} was not checked: {why}"),
                            None,
                            None,
                        )],
                    )
                }));
                continue;
            }
        };
        for rule in policy.rules.rules() {
            catalog
                .entry(rule.id.clone())
                .or_insert_with(|| RuleInfo::of(rule));
        }
        let ev = Evaluation::new(&policy.rules, &as_of, &policy.config.waivers);
        let keep_menu = args.explain_exposure || formats.contains(&Format::Junit);
        // the human and SARIF outputs quote the menu's lines; the others only locate them
        let keep_source = formats.contains(&Format::Human) || formats.contains(&Format::Sarif);
        // each menu is independent; results are sorted afterwards, so order never leaks
        let checked: Vec<FileReport> = menus
            .par_iter()
            .map(|p| {
                let mut r = check_path(&ev, &opts, p);
                r.compact(keep_source, keep_menu);
                r
            })
            .collect();
        reports.extend(audit_config_waivers(&ev, &checked, &as_of));
        reports.extend(checked);
    }
    merge_by_path(&mut reports);
    if let Some(b) = &baseline {
        b.filter(&mut reports);
    }
    if let Some(path) = &args.write_baseline {
        let text = Baseline::record(&reports).to_json();
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
    let deny_warnings = args.deny == Some(Deny::Warnings);
    reports
        .iter()
        .map(|r| r.exit_code(deny_warnings))
        .max()
        .unwrap_or(exit::CLEAN)
}

/// Findings about the config's own waivers, as reports on the config files.
fn audit_config_waivers(ev: &Evaluation, checked: &[FileReport], as_of: &str) -> Vec<FileReport> {
    let mut by_file: BTreeMap<String, FileReport> = BTreeMap::new();
    for (i, (source, w)) in ev.waivers.iter().enumerate() {
        let used = checked.iter().any(|r| r.config_waivers_used.contains(&i));
        if let Some(f) = waivers::audit(source, w, used, as_of) {
            let report = by_file
                .entry(source.name().to_owned())
                .or_insert_with(|| FileReport {
                    checked: true,
                    ..FileReport::not_checked(source.name(), Some(source.clone()), Vec::new())
                        .not_menu()
                });
            report.findings.push(f);
        }
    }
    by_file.into_values().collect()
}

/// One report per path (a base config shared by several groups is audited once each),
/// sorted by path so output never depends on discovery order.
fn merge_by_path(reports: &mut Vec<FileReport>) {
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    reports.dedup_by(|later, first| {
        if later.path != first.path {
            return false;
        }
        for f in later.findings.drain(..) {
            if !first.findings.contains(&f) {
                first.findings.push(f);
            }
        }
        first.checked &= later.checked;
        true
    });
    for r in reports.iter_mut() {
        r.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
}

fn read_baseline(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a menulint baseline: {e}", path.display()))
}
