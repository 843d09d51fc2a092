//! The pipeline for one menu: load → validate → evaluate, and the file list for a run.

use crate::evaluate::{evaluate, Evaluation};
use crate::exposure::{look_through, LookThrough};
use crate::finding::Finding;
use crate::load::{parse, read_source};
use crate::menu::Menu;
use crate::source::SourceFile;
use crate::validate::validate;
use crate::waivers;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Process exit codes, as documented in the README.
pub mod exit {
    /// Every menu was checked and nothing failed.
    pub const CLEAN: u8 = 0;
    /// A policy finding failed the run.
    pub const FINDINGS: u8 = 1;
    /// Some input could not be checked (bad file, bad rules, bad usage).
    pub const NOT_CHECKED: u8 = 2;
}

/// Everything said about one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub source: Option<SourceFile>,
    pub findings: Vec<Finding>,
    /// False when the file could not be checked (its findings are input errors).
    pub checked: bool,
    /// Indices of the config waivers (in [`Evaluation::waivers`]) this menu used.
    pub config_waivers_used: Vec<usize>,
    /// Findings left out because the baseline already records them.
    pub baselined: usize,
    /// False for reports about other files (a config, a rule pack).
    pub is_menu: bool,
    /// The menu as read, when it passed the schema.
    pub menu: Option<Arc<Menu>>,
    /// Its look-through exposure, when it could be computed.
    pub exposure: Option<LookThrough>,
}

impl FileReport {
    pub fn not_checked(path: &str, source: Option<SourceFile>, findings: Vec<Finding>) -> Self {
        FileReport {
            path: path.to_owned(),
            source,
            findings,
            checked: false,
            config_waivers_used: Vec::new(),
            baselined: 0,
            is_menu: true,
            menu: None,
            exposure: None,
        }
    }

    /// Drops what the renderers will not need, so a run over many menus holds only
    /// their findings: the source of a clean file (of every file unless a renderer
    /// quotes it), and the parsed menu unless asked.
    pub fn compact(&mut self, keep_source: bool, keep_menu: bool) {
        if self.findings.is_empty() || !keep_source {
            self.source = None;
        }
        if !keep_menu {
            self.menu = None;
            self.exposure = None;
        }
    }

    /// Marks a report about a file that is not a menu (a config, a rule pack).
    pub fn not_menu(mut self) -> Self {
        self.is_menu = false;
        self
    }

    /// This file's contribution to the exit code.
    pub fn exit_code(&self, deny_warnings: bool) -> u8 {
        if !self.checked {
            exit::NOT_CHECKED
        } else if self.findings.iter().any(|f| f.is_failing(deny_warnings)) {
            exit::FINDINGS
        } else {
            exit::CLEAN
        }
    }
}

/// Settings for checking menus.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub as_of: String,
    pub max_file_size: u64,
}

/// Checks one menu file.
pub fn check_path(ev: &Evaluation, opts: &CheckOptions, path: &Path) -> FileReport {
    match read_source(path, opts.max_file_size) {
        Ok(source) => check_source(ev, source),
        Err(f) => FileReport::not_checked(&path.display().to_string(), None, vec![*f]),
    }
}

/// Checks one menu already in memory.
pub fn check_source(ev: &Evaluation, source: SourceFile) -> FileReport {
    let name = source.name().to_owned();
    let doc = match parse(source.clone()) {
        Ok(d) => d,
        Err(findings) => return FileReport::not_checked(&name, Some(source), findings),
    };
    let schema_errors = validate(&doc);
    if !schema_errors.is_empty() {
        return FileReport::not_checked(&name, Some(source), schema_errors);
    }
    let menu = match Menu::deserialize(&doc.value) {
        Ok(m) => m,
        Err(e) => {
            let f = Finding::input_error(
                "schema",
                format!("the menu does not match format v1: {e}"),
                Some(&source),
                Some(0..0),
            );
            return FileReport::not_checked(&name, Some(source), vec![f]);
        }
    };
    let lt = match look_through(&menu) {
        Ok(lt) => lt,
        Err(cycle) => {
            let path = format!(
                "options[{}].holdings[{}].option",
                cycle.option, cycle.holding
            );
            let span = doc.spans.nearest(&path).map(|(_, s)| s.value.clone());
            let f = Finding::input_error(
                "holdings-cycle",
                format!("holdings form a cycle: {}", cycle.ids.join(" → ")),
                Some(&source),
                span,
            )
            .with_path(path)
            .with_label("this holding closes the cycle")
            .with_help("an option cannot hold itself, directly or through other options; remove one holding of the cycle");
            return FileReport::not_checked(&name, Some(source), vec![f]);
        }
    };
    let mut findings = evaluate(ev, &doc, &menu, &lt);
    for f in &mut findings {
        f.fingerprint = fingerprint(&menu, f);
    }
    let checked = !findings.iter().any(|f| f.rule == "menulint::rule-eval");
    // the menu's own waivers come first, then the config's
    let own = waivers::menu_waivers(&doc);
    let all: Vec<_> = own
        .iter()
        .map(|w| (&source, w))
        .chain(ev.waivers.iter().map(|(s, w)| (s, w)))
        .collect();
    let used = waivers::apply(&mut findings, &all, ev.as_of);
    for (w, &u) in own.iter().zip(&used) {
        findings.extend(waivers::audit(&source, w, u, ev.as_of));
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    FileReport {
        path: name,
        source: Some(source),
        findings,
        checked,
        config_waivers_used: used[own.len()..]
            .iter()
            .enumerate()
            .filter_map(|(i, &u)| u.then_some(i))
            .collect(),
        baselined: 0,
        is_menu: true,
        menu: Some(Arc::new(menu)),
        exposure: Some(lt),
    }
}

/// A finding's identity that survives moved lines and reordered options:
/// FNV-1a of rule, plan name, option id and the field path below the option.
pub fn fingerprint(menu: &Menu, f: &Finding) -> String {
    let field = match (&f.option, f.path.find(']')) {
        (Some(id), Some(end)) if f.path.starts_with("options[") => {
            format!("{id}{}", &f.path[end + 1..])
        }
        _ => f.path.clone(),
    };
    let key = format!(
        "{}|{}|{}|{}",
        f.rule,
        menu.plan.name,
        f.option.as_deref().unwrap_or("-"),
        field
    );
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Expands the command-line paths: files as given, directories searched recursively
/// for `*.toml` menus (skipping `menulint.toml`), in sorted order. Errors are reports.
pub fn collect_menus(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileReport>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        let name = input.display().to_string();
        match std::fs::metadata(input) {
            Ok(m) if m.is_dir() => {
                let before = files.len();
                let mut visited = Vec::new();
                walk(input, &mut files, &mut errors, &mut visited);
                if files.len() == before {
                    errors.push(FileReport::not_checked(
                        &name,
                        None,
                        vec![Finding::input_error(
                            "io",
                            format!("no menus (*.toml) found in directory {name}"),
                            None,
                            None,
                        )
                        .with_help("pass menu files, or a directory that contains them")],
                    ));
                }
            }
            Ok(_) => files.push(input.clone()),
            Err(e) => errors.push(FileReport::not_checked(
                &name,
                None,
                vec![Finding::input_error(
                    "io",
                    format!("cannot read {name}: {e}"),
                    None,
                    None,
                )],
            )),
        }
    }
    (files, errors)
}

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<FileReport>,
    visited: &mut Vec<PathBuf>,
) {
    // a symlink loop would otherwise recurse forever
    let Ok(real) = std::fs::canonicalize(dir) else {
        return;
    };
    if visited.contains(&real) {
        return;
    }
    visited.push(real);
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let name = dir.display().to_string();
            errors.push(FileReport::not_checked(
                &name,
                None,
                vec![Finding::input_error(
                    "io",
                    format!("cannot read directory {name}: {e}"),
                    None,
                    None,
                )],
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, files, errors, visited);
        } else if p.extension().is_some_and(|e| e == "toml")
            && p.file_name().is_some_and(|n| n != "menulint.toml")
        {
            files.push(p);
        }
    }
}
