//! A run over many menus: find them, group them by the config that governs them,
//! check each group in parallel, audit the configs' waivers, apply the baseline.
//! Every command that checks menus (`check`, `report`, `diff`) goes through here.

use super::check::{check_path, CheckOptions};
use super::evaluate::Evaluation;
use super::FileReport;
use crate::diag::{display_path, Code, Finding, RuleInfo};
use crate::policy::baseline::Baseline;
use crate::policy::config::{discover, CONFIG_FILE};
use crate::policy::waivers::{self, WaiverStatus};
use crate::policy::{Policy, Selection};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The rules in force in a run, by id (several configs may contribute).
pub type Catalog = BTreeMap<String, Arc<RuleInfo>>;

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The config for every menu, instead of the nearest `menulint.toml`.
    pub config: Option<PathBuf>,
    /// The command line's choice of rules (`--select`, `--ignore`, `--pack`), on top of
    /// each config.
    pub selection: Selection,
    /// The check date, `YYYY-MM-DD`.
    pub as_of: String,
    /// How each file is read: the size limit, a monitoring history, a lineup's mapping.
    pub check: CheckOptions,
    /// Keep each menu's source text (for outputs that quote it).
    pub keep_source: bool,
    /// Keep each parsed menu and its exposure (for outputs that show them).
    pub keep_menu: bool,
    /// Record every capped figure (reports, diff).
    pub measures: bool,
    /// Leave out the findings this baseline records.
    pub baseline: Option<Baseline>,
    /// Globs of files to leave out of directory runs (with the config's `exclude`).
    pub exclude: Vec<String>,
    /// Apply the excludes to files named on the command line too.
    pub force_exclude: bool,
    /// The menu read from standard input, checked where `-` is named.
    pub stdin: Option<String>,
    /// The path the menu on standard input stands for (`--stdin-filename`): it is
    /// reported under that name and governed by the config found from there, as an
    /// editor's unsaved buffer of that file would be.
    pub stdin_name: Option<PathBuf>,
    /// The menu in force: options the checked menus add to it are `new_since_current`.
    pub since: Option<Arc<crate::menu::Menu>>,
    /// Other files the run reads (the baseline, the menu in force): no output may
    /// overwrite them.
    pub inputs: Vec<PathBuf>,
    /// Find the menus and the config of each, and check none (`--show-files`).
    pub list_only: bool,
}

/// The files a run reads beside its menus, by name: a monitoring history, a lineup
/// export's mapping (a file or a preset) with its sheet, plan file and overlays, the
/// menu in force and a baseline. `check` and the committee's documents read them
/// here (`diff` takes none).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The quarterly history (`--history`); with one, the monitoring rules are in force.
    pub history: Option<PathBuf>,
    /// The mapping lineup exports are read through (`--map`).
    pub map: Option<String>,
    /// The workbook sheet that holds the lineup (`--sheet`).
    pub sheet: Option<String>,
    /// The plan file of a lineup (`--plan`).
    pub plan: Option<PathBuf>,
    /// Facts a lineup export lacks (`--overlay`).
    pub overlays: Vec<PathBuf>,
    /// The menu in force (`--since`).
    pub since: Option<PathBuf>,
    /// The findings already known (`--baseline`).
    pub baseline: Option<PathBuf>,
}

/// Says which option named a file that cannot be used, where the finding says
/// nothing more to do (a file not found, not readable).
fn named_by(mut report: FileReport, option: &str) -> FileReport {
    for f in &mut report.findings {
        if f.help.is_none() && matches!(f.code(), Some(Code::Io | Code::Encoding | Code::TooLarge))
        {
            f.help = Some(format!(
                "{option} names this file: check the path, or leave {option} out"
            ));
        }
    }
    report
}

impl Inputs {
    /// The files named here that no output may overwrite: all but the baseline,
    /// which `--write-baseline` may refresh (a preset mapping is no file).
    pub fn files(&self) -> Vec<PathBuf> {
        let map = self
            .map
            .as_deref()
            .filter(|m| crate::import::lineup::preset(m).is_none())
            .map(PathBuf::from);
        self.history
            .iter()
            .cloned()
            .chain(map)
            .chain(self.plan.iter().cloned())
            .chain(self.overlays.iter().cloned())
            .chain(self.since.iter().cloned())
            .collect()
    }

    /// Reads the files into `opts`, the menu in force and the baseline into
    /// `opts.inputs` too (the documents' commands refuse an output over them). What
    /// cannot be used is returned as reports, each on its file, and then no menu is
    /// to be checked (exit code 2): the history's and the mapping's problems
    /// together, else the baseline's, else the menu in force's. A lineup mapping
    /// without a plan is a usage error.
    pub fn read_into(&self, opts: &mut RunOptions) -> Result<Vec<FileReport>, String> {
        let mut unusable = Vec::new();
        if let Some(p) = &self.history {
            opts.selection.monitoring = true;
            match super::check::load_history(p, opts.check.max_file_size) {
                Ok(h) => opts.check.history = Some(Arc::new(h)),
                Err(report) => unusable.push(named_by(*report, "--history")),
            }
        }
        if let Some(map) = &self.map {
            match super::check::LineupOptions::read(
                map,
                self.sheet.as_deref(),
                self.plan.as_deref(),
                &self.overlays,
            ) {
                Ok(lo) => opts.check.lineup = Some(Arc::new(lo)),
                Err(super::Refused::Files(reports)) => {
                    unusable.extend(reports.into_iter().map(|r| {
                        let option = if r.path == *map {
                            "--map"
                        } else {
                            "--plan or --overlay"
                        };
                        named_by(r, option)
                    }))
                }
                Err(super::Refused::Usage(msg)) => return Err(msg),
            }
        }
        // the baseline and the menu in force are read against usable inputs only
        if !unusable.is_empty() {
            return Ok(unusable);
        }
        if let Some(p) = &self.baseline {
            match Baseline::read(p) {
                Ok(b) => opts.baseline = Some(b),
                Err(msg) => {
                    let mut f = Finding::input_error(Code::Baseline, msg, None, None);
                    if !f.message.contains("--write-baseline") {
                        f = f.with_help(
                            "record a baseline with `check --write-baseline FILE`, or leave --baseline out",
                        );
                    }
                    return Ok(vec![FileReport::from_errors(crate::diag::FileErrors::new(
                        display_path(p),
                        None,
                        vec![f],
                    ))]);
                }
            }
            opts.inputs.push(p.clone());
        }
        if let Some(current) = &self.since {
            match super::check::load_menu(&opts.check, current) {
                Ok(menu) => opts.since = Some(Arc::new(menu)),
                Err(report) => return Ok(vec![named_by(*report, "--since")]),
            }
            opts.inputs.push(current.clone());
        }
        Ok(unusable)
    }
}

/// The path that stands for standard input.
pub(crate) const STDIN: &str = "-";

/// What a run found.
pub struct RunOutcome {
    /// One report per file, sorted by path: menus, and configs or packs with problems.
    pub reports: Vec<FileReport>,
    /// The rules in force in the run, by id, from every config that governs one of its
    /// menus.
    pub catalog: Catalog,
    /// Every file the run read: menus, configs, rule packs (outputs must not be one).
    pub inputs: Vec<PathBuf>,
    /// Each menu the run checks (or, with `list_only`, would check), with the config
    /// that governs it, in the order checked.
    pub governed: Vec<(PathBuf, Option<PathBuf>)>,
}

/// Finds the menus under `paths`, checks each under its config.
pub fn run(paths: &[PathBuf], opts: &RunOptions) -> RunOutcome {
    let (found, mut reports) = collect_menus(paths);
    let explicit: std::collections::BTreeSet<PathBuf> = paths.iter().cloned().collect();
    let cli_excludes = command_line_excludes(opts).unwrap_or_else(|report| {
        reports.push(*report);
        Excludes::default()
    });
    let excluded =
        |f: &Path, ex: &Excludes| (opts.force_exclude || !explicit.contains(f)) && ex.matches(f);
    // with --force-exclude, files named explicitly (a pre-commit hook names every
    // .toml) are sorted like a directory run's: packs and configs are not menus
    let files: Vec<PathBuf> = found
        .into_iter()
        .filter(|f| !excluded(f, &cli_excludes))
        .filter(|f| {
            !(opts.force_exclude
                && explicit.contains(f)
                && f.as_os_str() != STDIN
                && is_not_a_menu(f))
        })
        .collect();
    let mut inputs = files.clone();
    inputs.extend(opts.selection.packs.iter().cloned());
    if let Some(lo) = &opts.check.lineup {
        inputs.extend(lo.files.iter().cloned());
    }
    if let Some(h) = &opts.check.history {
        inputs.extend(h.path.iter().cloned());
        if files.len() != 1 {
            // rows name options by id or ticker: joined to several menus, one row
            // would feed options of different plans
            let f = Finding::input_error(
                Code::History,
                format!(
                    "--history joins one menu's options; this run has {} menus",
                    files.len()
                ),
                None,
                None,
            )
            .with_help("name the one menu the history belongs to");
            reports.push(FileReport::not_checked(h.source.name(), None, vec![f]));
            finish(&mut reports, opts);
            return RunOutcome {
                reports,
                catalog: Catalog::new(),
                inputs,
                governed: Vec::new(),
            };
        }
    }
    let mut catalog = Catalog::new();
    let mut governed = Vec::new();
    // menus grouped by the config that governs them
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    // menus of one directory share its config: look for it once per directory
    let mut found: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    for f in files {
        let config = opts.config.clone().or_else(|| {
            let named = match &opts.stdin_name {
                Some(name) if f.as_os_str() == STDIN => name.as_path(),
                _ => f.as_path(),
            };
            let dir = named.parent().unwrap_or(Path::new("."));
            found
                .entry(dir.to_path_buf())
                .or_insert_with(|| discover(dir))
                .clone()
        });
        groups.entry(config).or_default().push(f);
    }
    if groups.is_empty() {
        if let Some(c) = &opts.config {
            groups.insert(Some(c.clone()), Vec::new());
        }
    }
    for (config_path, menus) in groups {
        inputs.extend(config_path.iter().cloned());
        let policy = match Policy::load(config_path.as_deref(), &opts.selection) {
            Ok(p) => {
                inputs.extend(p.input_files());
                p
            }
            Err(errors) => {
                reports.extend(errors.into_iter().map(FileReport::from_errors));
                let why = config_path.as_ref().map_or(
                    "the rules to apply could not be loaded (see above)".to_owned(),
                    |p| {
                        format!(
                            "its config {} or the packs it names have errors",
                            p.display()
                        )
                    },
                );
                reports.extend(menus.iter().map(|m| {
                    // the menu on standard input is named as the file it stands for
                    let name = match &opts.stdin_name {
                        Some(n) if m.as_os_str() == STDIN => display_path(n),
                        _ => display_path(m),
                    };
                    let msg = format!("{name} was not checked: {why}");
                    let f = Finding::input_error(Code::Config, msg, None, None);
                    FileReport::not_checked(&name, None, vec![f])
                }));
                continue;
            }
        };
        // the config's own excludes, and the files it is made of (its packs)
        let config_excludes = match config_excludes(config_path.as_deref(), &policy) {
            Ok(e) => e,
            Err(report) => {
                reports.push(*report);
                continue;
            }
        };
        let own: Vec<PathBuf> = policy
            .input_files()
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        let menus: Vec<PathBuf> = menus
            .into_iter()
            .filter(|m| {
                let part_of_policy = !own.is_empty()
                    && (opts.force_exclude || !explicit.contains(m))
                    && std::fs::canonicalize(m).is_ok_and(|c| own.contains(&c));
                !part_of_policy && !excluded(m, &config_excludes)
            })
            .collect();
        // the buffer on standard input is listed as the file it stands for
        governed.extend(menus.iter().map(|m| {
            let named = match &opts.stdin_name {
                Some(name) if m.as_os_str() == STDIN => name.clone(),
                _ => m.clone(),
            };
            (named, config_path.clone())
        }));
        if opts.list_only {
            continue;
        }
        for rule in policy.rules.rules() {
            catalog
                .entry(rule.id.clone())
                .or_insert_with(|| rule.info.clone());
        }
        reports.extend(check_menus(&policy, &menus, opts));
    }
    let checks_some = if opts.list_only {
        !governed.is_empty()
    } else {
        reports.iter().any(|r| r.is_menu)
    };
    // (a pre-commit hook, --force-exclude, may name only files that are not menus)
    if !opts.force_exclude && !checks_some && !reports.iter().any(|r| !r.checked) {
        // everything found was excluded: a run that checks nothing is not a pass
        let name = paths.first().map(|p| display_path(p)).unwrap_or_default();
        let mut r = io_report(
            &name,
            "no menu left to check: every file found is excluded".into(),
        );
        r.findings[0].help = Some("check --exclude and the config's exclude patterns".into());
        reports.push(r);
    }
    finish(&mut reports, opts);
    RunOutcome {
        reports,
        catalog,
        inputs,
        governed,
    }
}

/// Checks the one menu a document is about (`report`, `dossier`, `monitor`,
/// `disclose`) under the policy found for it: the policy and the menu's report. A
/// policy that cannot be loaded, or a menu that cannot be checked, is reported.
pub fn check_one(menu: &Path, opts: &RunOptions) -> Result<(Policy, FileReport), Vec<FileReport>> {
    let policy = load_policy(menu, opts)?;
    let reports = check_menus(&policy, &[menu.to_path_buf()], opts);
    menu_report(policy, reports)
}

/// The menu's own report of a one-menu run (it comes first, any about the config's
/// waivers after), or the reports that say why it could not be checked.
pub(crate) fn menu_report(
    policy: Policy,
    reports: Vec<FileReport>,
) -> Result<(Policy, FileReport), Vec<FileReport>> {
    match reports.into_iter().next() {
        Some(r) if r.checked && r.menu.is_some() => Ok((policy, r)),
        Some(r) => Err(vec![r]),
        None => Err(Vec::new()),
    }
}

/// Loads the policy for menus near `near` (or the configured one).
pub fn load_policy(near: &Path, opts: &RunOptions) -> Result<Policy, Vec<FileReport>> {
    let config = opts
        .config
        .clone()
        .or_else(|| discover(near.parent().unwrap_or(Path::new("."))));
    Policy::load(config.as_deref(), &opts.selection)
        .map_err(|errors| errors.into_iter().map(FileReport::from_errors).collect())
}

/// Checks menus under one policy, in parallel, and audits the policy's waivers
/// against them. The menus' reports come in the order given, the config reports after.
pub fn check_menus(policy: &Policy, menus: &[PathBuf], opts: &RunOptions) -> Vec<FileReport> {
    let mut ev = Evaluation::new(&policy.rules, &opts.as_of, &policy.config.waivers);
    ev.measures = opts.measures;
    ev.brokerage_windows_are_options = policy.config.brokerage_windows_are_options;
    ev.incomplete = policy.config.incomplete;
    ev.since = opts.since.as_deref();
    let check = |p: &PathBuf| {
        let mut r = match &opts.stdin {
            Some(text) if p.as_os_str() == STDIN => super::check::check_source(
                &ev,
                opts.check.history.as_deref(),
                crate::diag::SourceFile::new(
                    opts.stdin_name
                        .as_deref()
                        .map_or_else(|| "<stdin>".to_owned(), crate::diag::display_path),
                    text.as_str(),
                ),
            ),
            _ => check_path(&ev, &opts.check, p),
        };
        r.compact(opts.keep_source, opts.keep_menu);
        r
    };
    let mut checked: Vec<FileReport> = if menus.len() <= 1 {
        menus.iter().map(check).collect()
    } else {
        // Each menu is independent and checked by a worker; results are sorted
        // afterwards, so order never leaks. A worker's allocator pages fill with a
        // menu's short-lived parse trees: a report kept there pins them, so this
        // thread keeps a copy of each report, packed in pages of its own.
        let (tx, rx) = std::sync::mpsc::channel();
        let mut kept: Vec<(usize, FileReport)> = Vec::with_capacity(menus.len());
        std::thread::scope(|scope| {
            let workers = scope.spawn(move || {
                menus
                    .par_iter()
                    .enumerate()
                    .for_each_with(tx, |tx, (i, p)| {
                        // the receiver lives until every sender is gone
                        let _ = tx.send((i, check(p)));
                    });
            });
            kept.extend(rx.into_iter().map(|(i, r)| (i, r.clone())));
            // a worker's panic is raised again as it was, not as the scope's own
            if let Err(panic) = workers.join() {
                std::panic::resume_unwind(panic);
            }
        });
        kept.sort_unstable_by_key(|(i, _)| *i);
        kept.into_iter().map(|(_, r)| r).collect()
    };
    let audits = audit_config_waivers(&ev, &checked);
    checked.extend(audits);
    checked.extend(pack_warnings(policy));
    // every command that checks menus reports against the same baseline as `check`
    apply_baseline(&mut checked, opts);
    checked
}

/// Warnings about the packs in force (an authority that was rescinded), as reports
/// on the pack files.
fn pack_warnings(policy: &Policy) -> Vec<FileReport> {
    policy
        .rules
        .packs
        .iter()
        .filter(|p| !p.warnings.is_empty())
        .map(|p| FileReport {
            checked: true,
            is_menu: false,
            ..FileReport::not_checked(p.source.name(), Some(p.source.clone()), p.warnings.clone())
        })
        .collect()
}

/// Findings about the config's own waivers, as reports on the config files.
fn audit_config_waivers(ev: &Evaluation, checked: &[FileReport]) -> Vec<FileReport> {
    let mut by_file: BTreeMap<String, FileReport> = BTreeMap::new();
    for (i, (source, w)) in ev.waivers.iter().enumerate() {
        let used = checked.iter().any(|r| r.config_waivers_used.contains(&i));
        let status = WaiverStatus::of(w, ev.rule_state(&w.rule), used, ev.as_of);
        if let Some(f) = waivers::audit(source, w, status) {
            let report = by_file
                .entry(source.name().to_owned())
                .or_insert_with(|| FileReport {
                    checked: true,
                    is_menu: false,
                    ..FileReport::not_checked(source.name(), Some(source.clone()), Vec::new())
                });
            report.findings.push(f);
        }
    }
    by_file.into_values().collect()
}

/// Merges the reports of one path, sorts them and applies the baseline (to the
/// reports `check_menus` did not make).
fn finish(reports: &mut Vec<FileReport>, opts: &RunOptions) {
    merge_by_path(reports);
    apply_baseline(reports, opts);
}

/// Leaves out the findings the baseline records; a second pass finds none.
fn apply_baseline(reports: &mut [FileReport], opts: &RunOptions) {
    if let Some(b) = &opts.baseline {
        let known = b.fingerprints();
        for r in reports.iter_mut() {
            let before = r.findings.len();
            r.findings
                .retain(|f| f.fingerprint.is_empty() || !known.contains(f.fingerprint.as_str()));
            r.baselined += before - r.findings.len();
        }
    }
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

fn io_report(name: &str, msg: String) -> FileReport {
    FileReport::not_checked(
        name,
        None,
        vec![Finding::input_error(Code::Io, msg, None, None)],
    )
}

/// Expands the command-line paths: files as given, directories searched recursively
/// for `*.toml` menus (skipping `menulint.toml`), in sorted order. Errors are reports.
pub(crate) fn collect_menus(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileReport>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        let name = display_path(input);
        if input.as_os_str() == STDIN {
            files.push(input.clone());
            continue;
        }
        match std::fs::metadata(input) {
            Ok(m) if m.is_dir() => {
                let before = files.len();
                walk(input, &mut files, &mut errors);
                if files.len() == before {
                    let mut r = io_report(
                        &name,
                        format!("no menus (*.toml) found in directory {name}"),
                    );
                    r.findings[0].help =
                        Some("pass menu files, or a directory that contains them".into());
                    errors.push(r);
                }
            }
            Ok(_) => files.push(input.clone()),
            Err(e) => errors.push(io_report(&name, format!("cannot read {name}: {e}"))),
        }
    }
    // a menu named twice (`a.toml ./a.toml`, or a file inside a directory also named)
    // is one menu, checked and listed once, under the name it was first found by. The
    // names are compared as written, `.` aside: a link is a name of its own, which
    // its own config and excludes may govern
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| {
        let key: PathBuf = f
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        f.as_os_str() == STDIN || seen.insert(key)
    });
    (files, errors)
}

/// `--exclude`'s patterns, relative to the current directory; a bad one is a
/// problem with the run itself.
fn command_line_excludes(opts: &RunOptions) -> Result<Excludes, Box<FileReport>> {
    Excludes::new(Path::new("."), &opts.exclude).map_err(|msg| {
        let f = Finding::input_error(Code::Config, msg, None, None);
        Box::new(FileReport::from_errors(crate::diag::FileErrors::new(
            crate::diag::COMMAND_LINE,
            None,
            vec![f],
        )))
    })
}

/// A config's `exclude` patterns, relative to its directory; a bad one leaves
/// the config's menus unchecked.
fn config_excludes(
    config_path: Option<&Path>,
    policy: &Policy,
) -> Result<Excludes, Box<FileReport>> {
    let config_dir = config_path
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Excludes::new(config_dir, &policy.config.exclude).map_err(|msg| {
        let f = Finding::input_error(Code::Config, msg, None, None);
        Box::new(FileReport::not_checked(
            &config_path.map(display_path).unwrap_or_default(),
            None,
            vec![f],
        ))
    })
}

/// What is wrong with the exclude patterns a run under `policy` (from
/// `config_path`) would use: `--show-settings` refuses what `check` refuses.
pub(crate) fn exclude_problems(
    opts: &RunOptions,
    config_path: Option<&Path>,
    policy: &Policy,
) -> Vec<FileReport> {
    [
        command_line_excludes(opts).err(),
        config_excludes(config_path, policy).err(),
    ]
    .into_iter()
    .flatten()
    .map(|r| *r)
    .collect()
}

/// Globs of files to leave out, relative to a directory (a config's, or the
/// current one for `--exclude`), matched against the path and the file name.
#[derive(Default)]
struct Excludes {
    base: PathBuf,
    set: Option<globset::GlobSet>,
}

impl Excludes {
    fn new(base: &Path, patterns: &[String]) -> Result<Excludes, String> {
        if patterns.is_empty() {
            return Ok(Excludes::default());
        }
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            let glob = globset::GlobBuilder::new(p.trim_start_matches("./"))
                .literal_separator(false)
                .build()
                .map_err(|e| format!("exclude pattern `{p}`: {e}"))?;
            b.add(glob);
        }
        Ok(Excludes {
            base: crate::diag::named_path(base),
            set: Some(b.build().map_err(|e| e.to_string())?),
        })
    }

    fn matches(&self, file: &Path) -> bool {
        let Some(set) = &self.set else { return false };
        // the path as named: a link into an excluded directory is not excluded
        let abs = crate::diag::named_path(file);
        let rel = abs.strip_prefix(&self.base).unwrap_or(&abs);
        set.is_match(rel)
            || set.is_match(file)
            || file.file_name().is_some_and(|n| set.is_match(n))
            || rel
                .ancestors()
                .any(|a| !a.as_os_str().is_empty() && set.is_match(a))
    }
}

/// Files a directory run never takes for menus: other tools' configs, and rule
/// packs or menulint configs, recognised by their first table or keys.
fn is_not_a_menu(path: &Path) -> bool {
    const OTHER_TOOLS: [&str; 10] = [
        "Cargo.toml",
        "pyproject.toml",
        "taplo.toml",
        ".taplo.toml",
        "rustfmt.toml",
        ".rustfmt.toml",
        "clippy.toml",
        "deny.toml",
        "ruff.toml",
        ".ruff.toml",
    ];
    if path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| OTHER_TOOLS.contains(&n))
    {
        return true;
    }
    use std::io::Read;
    let mut head = String::new();
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(8 * 1024).read_to_string(&mut head))
        .is_ok();
    let lines = || head.lines().map(str::trim);
    // a rule pack, a config, a lineup mapping; or a plan file for `import`
    // ([plan] alone: a menu always has a schema_version and options)
    read && (lines().any(|l| {
        l == "[pack]"
            || l.starts_with("packs =")
            || l.starts_with("extends =")
            || l == "[[rules]]"
            || l == "[columns]"
            || l == "[lineup]"
    }) || (lines().any(|l| l == "[plan]")
        && !lines().any(|l| {
            l.starts_with("schema_version") || l.starts_with("options") || l == "[[options]]"
        })))
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<FileReport>) {
    let mut skipped = Vec::new();
    let mut candidates = Vec::new();
    // .gitignore, .ignore and .git/info/exclude are respected, as ruff and ripgrep do;
    // hidden files are not skipped (a menu may live in .github/)
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(true)
        .hidden(false)
        .git_global(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                let p = e.path();
                let is_toml = p.extension().is_some_and(|x| x == "toml")
                    && p.file_name().is_some_and(|n| n != CONFIG_FILE);
                match e.file_type() {
                    Some(t) if t.is_file() && is_toml => candidates.push(p.to_path_buf()),
                    Some(t) if t.is_file() => {}
                    // a FIFO or device named *.toml would block the run: skip it, and say so
                    Some(t) if is_toml && !t.is_dir() => skipped.push(p.to_path_buf()),
                    _ => {}
                }
            }
            // a symbolic link back to an ancestor: its menus are found through the ancestor
            Err(e) if is_loop(&e) => {}
            Err(e) => {
                let name = display_path(dir);
                errors.push(io_report(
                    &name,
                    format!("cannot read directory {name}: {e}"),
                ));
            }
        }
    }
    // reading each file's head is most of a walk over many menus: side by side, in order
    if candidates.len() > 1 {
        files.par_extend(candidates.into_par_iter().filter(|p| !is_not_a_menu(p)));
    } else {
        files.extend(candidates.into_iter().filter(|p| !is_not_a_menu(p)));
    }
    for p in skipped {
        let name = display_path(&p);
        let f = Finding::input_error(
            Code::Io,
            format!("skipped {name}: not a regular file"),
            None,
            None,
        )
        .with_severity(crate::diag::Severity::Warning)
        .with_help("only regular files are read as menus");
        errors.push(FileReport {
            checked: true,
            is_menu: false,
            ..FileReport::not_checked(&name, None, vec![f])
        });
    }
}

fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => is_loop(err),
        _ => false,
    }
}
