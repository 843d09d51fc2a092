//! `menulint check`

use super::Color;
use super::{Failure, Outcome};
use crate::engine::check::CheckOptions;
use crate::engine::exit;
use crate::engine::run::{run as run_checks, RunOptions};
use crate::menu::load::DEFAULT_MAX_FILE_SIZE;
use crate::policy::baseline::Baseline;
use crate::render::{render, Format, RenderOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Deny {
    Warnings,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Menu files, directories to search for `*.toml` menus (default: the current
    /// directory), or `-` for a menu on standard input.
    paths: Vec<PathBuf>,
    #[command(flatten)]
    judgement: super::Judgement,
    /// Quarterly monitoring figures (CSV) for the one menu checked; puts the
    /// monitoring rules in force.
    #[arg(long, value_name = "FILE.csv")]
    history: Option<PathBuf>,
    #[command(flatten)]
    lineup: super::LineupArgs,
    /// Leave files matching this glob out of directory runs (repeatable); adds to the
    /// config's `exclude`.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Apply excludes to files named on the command line too (for pre-commit hooks).
    #[arg(long)]
    force_exclude: bool,
    /// Output format: human, concise, json, json-lines, sarif, junit, github, gitlab,
    /// markdown. Repeat it to write
    /// several at once; `FORMAT=FILE` (or an --output right after it) sends it to a file.
    #[arg(
        long,
        value_name = "FORMAT[=FILE]",
        value_parser = FormatTarget,
        hide_possible_values = true
    )]
    format: Vec<(Format, Option<PathBuf>)>,
    /// Write the --format just before it to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Vec<PathBuf>,
    /// Exit 0 even when findings fail the run (input errors still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Human format: end with a table of the findings per rule or code.
    #[arg(long)]
    statistics: bool,
    /// The file the menu on standard input (`-`) stands for: findings name it, and
    /// its config is found from there (for an editor piping an unsaved buffer).
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// List the menus the run would check, one per line, and check none.
    #[arg(long, conflicts_with_all = ["show_settings", "format", "output", "write_baseline"])]
    show_files: bool,
    /// Print the resolved settings (config files, packs, rules with their
    /// severities and parameters, excludes, waivers) for the first path, as TOML.
    #[arg(long, conflicts_with_all = ["format", "output", "write_baseline"])]
    show_settings: bool,
    /// Human format: no summary line, and no output at all when nothing is found.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Say on standard error which config governs each menu, and how long the run took.
    #[arg(long, short)]
    verbose: bool,
    /// The date to check as of (YYYY-MM-DD); defaults to today (UTC).
    #[arg(long, value_parser = super::parse_date)]
    as_of: Option<String>,
    /// Also fail (exit 1) on warnings.
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    /// The config file to use, instead of the nearest `menulint.toml` above each menu.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
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

/// `--format`'s values, `FORMAT` or `FORMAT=FILE`, with the format names offered
/// to shell completion (the help lists them in its own words).
#[derive(Clone)]
struct FormatTarget;

impl clap::builder::TypedValueParser for FormatTarget {
    type Value = (Format, Option<PathBuf>);

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        let parse: fn(&str) -> Result<Self::Value, String> = parse_format;
        parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        use strum::VariantArray;
        Some(Box::new(
            Format::VARIANTS
                .iter()
                .map(|f| clap::builder::PossibleValue::new(f.as_ref())),
        ))
    }
}

/// `json` or `json=FILE`.
fn parse_format(s: &str) -> Result<(Format, Option<PathBuf>), String> {
    use strum::VariantArray;
    let (name, file) = match s.split_once('=') {
        Some((n, f)) if !f.is_empty() => (n, Some(PathBuf::from(f))),
        Some(_) => return Err("`FORMAT=` needs a file name after `=`".to_owned()),
        None => (s, None),
    };
    let format = name.parse::<Format>().map_err(|_| {
        let names: Vec<&str> = Format::VARIANTS.iter().map(|v| v.as_ref()).collect();
        format!("`{name}` is not a format; one of: {}", names.join(", "))
    })?;
    Ok((format, file))
}

/// Pairs each --output with the --format written just before it, in command-line
/// order: `--format sarif --output a.sarif --format markdown --output a.md`.
fn targets(
    args: &CheckArgs,
    m: Option<&clap::ArgMatches>,
) -> Result<Vec<(Format, Option<PathBuf>)>, String> {
    let mut targets = args.format.clone();
    let index = |id: &str| -> Vec<usize> {
        m.and_then(|m| m.indices_of(id))
            .map(|i| i.collect())
            .unwrap_or_default()
    };
    let (fi, oi) = (index("format"), index("output"));
    if targets.is_empty() {
        targets.push((Format::Human, None));
        if args.output.len() > 1 {
            return Err("several --output need a --format before each".to_owned());
        }
        targets[0].1 = args.output.first().cloned();
        return check_stdout(targets);
    }
    for (k, out) in args.output.iter().enumerate() {
        let at = oi.get(k).copied().unwrap_or(usize::MAX);
        let Some(j) = fi.iter().rposition(|&f| f < at) else {
            return Err(format!(
                "--output {} comes before any --format; write --format FORMAT --output FILE",
                out.display()
            ));
        };
        if let Some(first) = &targets[j].1 {
            return Err(format!(
                "--format {:?} already writes to {}; --output {} needs its own --format",
                targets[j].0,
                first.display(),
                out.display()
            )
            .to_lowercase());
        }
        targets[j].1 = Some(out.clone());
    }
    check_stdout(targets)
}

fn check_stdout(
    targets: Vec<(Format, Option<PathBuf>)>,
) -> Result<Vec<(Format, Option<PathBuf>)>, String> {
    if targets.iter().filter(|t| t.1.is_none()).count() > 1 {
        return Err(
            "only one --format may go to standard output; give the others a file (--format FORMAT=FILE)"
                .to_owned(),
        );
    }
    Ok(targets)
}

pub(crate) fn run(args: CheckArgs, matches: Option<&clap::ArgMatches>) -> Outcome {
    let targets = match targets(&args, matches) {
        Ok(t) => t,
        Err(msg) => return Err(Failure::usage(msg)),
    };
    for (format, file) in &targets {
        super::output_matches(format.as_ref(), file.as_deref())?;
    }
    let formats: Vec<Format> = targets.iter().map(|t| t.0).collect();
    let color = args.color.enabled();
    let as_of = args.as_of.clone().unwrap_or_else(crate::date::today);
    let selection = args.judgement.selection(false);
    let opts = RunOptions {
        config: args.config.clone(),
        selection,
        as_of: as_of.clone(),
        check: CheckOptions {
            max_file_size: args.max_file_size,
            ..CheckOptions::default()
        },
        // the human and SARIF outputs quote the menu's lines; the others only locate them
        keep_source: formats.contains(&Format::Human) || formats.contains(&Format::Sarif),
        keep_menu: args.explain_exposure || formats.contains(&Format::Junit),
        measures: false,
        baseline: None,
        exclude: args.exclude.clone(),
        force_exclude: args.force_exclude,
        stdin: None,
        stdin_name: args.stdin_filename.clone(),
        since: None,
        inputs: Vec::new(),
        list_only: args.show_files,
    };
    let mut opts = opts;
    // a history, mapping, baseline or menu in force that cannot be used is reported
    // in every format asked for, like a broken menu, and nothing is checked
    let mut inputs = args
        .judgement
        .inputs(args.history.as_deref(), Some(&args.lineup));
    // a baseline records every finding there is now: the one it replaces filters none
    if args.write_baseline.is_some() {
        inputs.baseline = None;
    }
    let unusable = inputs.read_into(&mut opts).map_err(Failure::usage)?;
    // the settings shown and a baseline recorded are of inputs that can be used
    if !unusable.is_empty() && (args.show_settings || args.write_baseline.is_some()) {
        return Err(Failure::inputs(unusable, color));
    }
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        paths.push(PathBuf::from(if args.stdin_filename.is_some() {
            crate::engine::run::STDIN
        } else {
            "."
        }));
    }
    if args.stdin_filename.as_deref().is_some_and(Path::is_dir) {
        return Err(Failure::usage(
            "--stdin-filename names a menu file, not a directory",
        ));
    }
    if args.stdin_filename.is_some()
        && !paths
            .iter()
            .any(|p| p.as_os_str() == crate::engine::run::STDIN)
    {
        return Err(Failure::usage(
            "--stdin-filename names the menu read from standard input: give `-` as its path",
        ));
    }
    if args.show_settings {
        // the buffer on standard input is governed as the file it stands for
        let path = match &args.stdin_filename {
            Some(name) if paths[0].as_os_str() == crate::engine::run::STDIN => name,
            _ => &paths[0],
        };
        return show_settings(path, &opts);
    }
    if paths
        .iter()
        .any(|p| p.as_os_str() == crate::engine::run::STDIN)
    {
        use std::io::Read;
        let mut text = String::new();
        let limit = args.max_file_size.saturating_add(1);
        if let Err(e) = std::io::stdin().take(limit).read_to_string(&mut text) {
            return Err(Failure::usage(format!(
                "cannot read a menu from standard input: {e}"
            )));
        }
        if text.len() as u64 > args.max_file_size {
            return Err(Failure::usage(
                "the menu on standard input is over --max-file-size",
            ));
        }
        opts.stdin = Some(text);
    }
    let started = std::time::Instant::now();
    let outcome = if unusable.is_empty() {
        run_checks(&paths, &opts)
    } else {
        crate::engine::run::RunOutcome {
            reports: unusable,
            catalog: Default::default(),
            // nothing was checked: what the run would have read is every path named
            inputs: paths.iter().cloned().chain(inputs.files()).collect(),
            governed: Vec::new(),
        }
    };
    if args.verbose {
        for (menu, config) in &outcome.governed {
            let config = config.as_deref().map_or_else(
                || "no config (the built-in defaults)".to_owned(),
                |c| format!("config {}", crate::diag::display_path(c)),
            );
            super::note(&format!("{}: {config}", crate::diag::display_path(menu)));
        }
        super::note(&format!(
            "{} menu{} in {} ms",
            outcome.governed.len(),
            if outcome.governed.len() == 1 { "" } else { "s" },
            started.elapsed().as_millis()
        ));
    }
    if args.show_files {
        return show_files(&outcome);
    }
    let (reports, catalog) = (outcome.reports, outcome.catalog);
    // nothing is written over an input, and no two outputs share a file
    // (the menu in force and the baseline are inputs too; only `--write-baseline`
    // may rewrite the baseline it reads, which is how a baseline is refreshed)
    let mut outputs: Vec<&Path> = targets.iter().filter_map(|t| t.1.as_deref()).collect();
    let mut inputs = outcome.inputs;
    inputs.extend(args.judgement.since.iter().cloned());
    // the file the buffer on standard input stands for is the menu itself
    inputs.extend(args.stdin_filename.iter().cloned());
    let mut read = inputs.clone();
    read.extend(args.judgement.baseline.iter().cloned());
    if let Err(msg) = crate::output::check_outputs(&outputs, &read) {
        return Err(Failure::usage(msg));
    }
    outputs.extend(args.write_baseline.as_deref());
    if let Err(msg) = crate::output::check_outputs(&outputs, &inputs) {
        return Err(Failure::usage(msg));
    }
    let worst = crate::engine::exit_code(&reports, args.deny == Some(Deny::Warnings));
    if let Some(path) = &args.write_baseline {
        let findings = reports
            .iter()
            .flat_map(|r| r.findings.iter().map(move |f| (r.path.as_str(), f)));
        let baseline = Baseline::record(findings);
        super::emit(&baseline.to_json(), Some(path), true)?;
        if !args.quiet {
            super::note(&format!(
                "wrote {} finding{} to {}",
                baseline.findings.len(),
                if baseline.findings.len() == 1 {
                    ""
                } else {
                    "s"
                },
                path.display()
            ));
        }
        // recording the baseline is the job: findings do not fail it, broken input does
        return Ok(if worst == exit::NOT_CHECKED {
            exit::NOT_CHECKED
        } else {
            exit::CLEAN
        });
    }
    let ropts = RenderOptions {
        as_of: &as_of,
        catalog: &catalog,
        color,
        width: 100,
        quiet: args.quiet,
        deny_warnings: args.deny == Some(Deny::Warnings),
    };
    for (format, file) in &targets {
        // JSON for many menus is hundreds of MB: written as it is produced
        if *format == Format::Json {
            let write =
                |w: &mut dyn std::io::Write| crate::render::render_json_to(w, &reports, &as_of);
            super::emit_with(file.as_deref(), args.quiet, write)?;
            continue;
        }
        let mut text = render(*format, &reports, &ropts);
        if args.explain_exposure && *format == Format::Human {
            text = format!("{}{text}", crate::render::explain_exposure(&reports));
        }
        if args.statistics && *format == Format::Human {
            text.push_str(&crate::render::statistics(&reports));
        }
        super::emit(&text, file.as_deref(), args.quiet)?;
    }
    Ok(if args.exit_zero && worst == exit::FINDINGS {
        exit::CLEAN
    } else {
        worst
    })
}

/// `--show-files`: each menu the run would check; problems finding them (a config
/// with errors, a path that does not exist) as usual, with exit 2.
fn show_files(outcome: &crate::engine::run::RunOutcome) -> Outcome {
    let text: String = outcome
        .governed
        .iter()
        .map(|(menu, _)| {
            format!(
                "{}\n",
                crate::render::escape::terminal(&crate::diag::display_path(menu))
            )
        })
        .collect();
    let errors: Vec<_> = outcome
        .reports
        .iter()
        .filter(|r| !r.checked)
        .cloned()
        .collect();
    super::emit(&text, None, true)?;
    if errors.is_empty() {
        Ok(exit::CLEAN)
    } else {
        Err(Failure::inputs(errors, false))
    }
}

/// `--show-settings`: the config that governs `path` (as discovery finds it, or
/// `--config`), resolved.
fn show_settings(path: &Path, opts: &RunOptions) -> Outcome {
    if !path.exists() && opts.stdin_name.as_deref() != Some(path) {
        return Err(Failure::usage(format!(
            "{} does not exist: --show-settings shows the settings of a menu or a directory",
            crate::diag::display_path(path)
        )));
    }
    // a directory's menus are governed by the config found from the directory
    let near = if path.is_dir() {
        path.join("menu.toml")
    } else {
        path.to_path_buf()
    };
    let config = opts
        .config
        .clone()
        .or_else(|| crate::policy::config::discover(near.parent().unwrap_or(Path::new("."))));
    match crate::policy::Policy::load(config.as_deref(), &opts.selection) {
        Ok(policy) => {
            let problems = crate::engine::run::exclude_problems(opts, config.as_deref(), &policy);
            if !problems.is_empty() {
                return Err(Failure::inputs(problems, false));
            }
            let config = config.as_deref().map(crate::diag::display_path);
            let text = crate::render::settings(
                &crate::diag::display_path(path),
                config.as_deref(),
                &policy,
                &opts.exclude,
            );
            super::emit(&text, None, true).map(|()| exit::CLEAN)
        }
        Err(errors) => {
            let reports: Vec<_> = errors
                .into_iter()
                .map(crate::engine::FileReport::from_errors)
                .collect();
            Err(Failure::inputs(reports, false))
        }
    }
}
