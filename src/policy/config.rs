//! Sponsor configuration (`menulint.toml`): which packs, rule overrides, waivers.
//!
//! Found from a menu's directory upward (like ruff and cargo-deny), or given with
//! `--config`. A config may `extends` another; the extending file wins.

use crate::diag::{Code, FileErrors, Finding, Severity, SourceFile, Span};
use crate::menu::load::read_source;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file name looked for when discovering a config.
pub(crate) const CONFIG_FILE: &str = "menulint.toml";

/// The names a config may have, in the order discovery tries them in a directory
/// (the hidden one keeps a repository's root tidy, as `.ruff.toml` does).
pub(crate) const CONFIG_FILES: [&str; 2] = [CONFIG_FILE, ".menulint.toml"];
const MAX_CONFIG_SIZE: u64 = 1024 * 1024;
const MAX_EXTENDS: usize = 16;

/// The config format's JSON Schema, for editors (`#:schema` in the files `init`
/// writes) and `menulint schema config`.
pub const CONFIG_SCHEMA: &str = include_str!("../../schemas/config.schema.json");

/// The commented starter config that `menulint init` writes.
pub const CONFIG_TEMPLATE: &str = include_str!("../../menulint.template.toml");

/// A rule's severity as a config may set it, including switching it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// A breach fails the run.
    Error,
    /// A breach is reported; it fails the run only with `--deny warnings`.
    Warning,
    /// A breach is reported and never fails the run.
    Info,
    /// The rule is switched off: it does not run.
    Off,
}

impl Level {
    /// The severity, or `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigToml {
    extends: Option<Spanned<String>>,
    exclude: Option<Vec<String>>,
    #[serde(rename = "extend-exclude", alias = "extend_exclude")]
    extend_exclude: Option<Vec<String>>,
    allow_no_rules: Option<bool>,
    brokerage_windows_are_options: Option<bool>,
    incomplete: Option<Incomplete>,
    packs: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    rules: BTreeMap<String, Spanned<OverrideToml>>,
    #[serde(default)]
    waivers: Vec<Spanned<WaiverToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideToml {
    severity: Option<Level>,
    #[serde(default)]
    params: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverToml {
    rule: Spanned<String>,
    option: Option<String>,
    reason: String,
    approved_by: String,
    expires: Spanned<toml::value::Datetime>,
}

/// A pack the config puts in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackRef {
    /// A pack built into menulint, by name (`crypto`, `fees`).
    Builtin(String),
    /// A pack file, its path resolved against the config's directory (never outside
    /// it).
    File(PathBuf),
}

/// Where in which config file something was written, for diagnostics.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The config file.
    pub source: SourceFile,
    /// The span of what was written there.
    pub span: Span,
}

/// A config's change to one rule.
#[derive(Debug, Clone, Default)]
pub struct RuleOverride {
    /// The severity the config sets (`off` switches the rule off); `None` keeps the
    /// pack's.
    pub level: Option<Level>,
    /// The parameters the config sets, by name, each with where its value is
    /// written; the others keep the pack's values.
    pub params: BTreeMap<String, (serde_json::Value, Option<Origin>)>,
    /// Where each parameter's name is written, for a misspelt one.
    pub param_names: BTreeMap<String, Origin>,
    /// Where its `[rules.ID]` table is written (the extending config's, when several
    /// configs have one).
    pub origin: Option<Origin>,
}

/// A committee's exception, from a menu or a config.
#[derive(Debug, Clone)]
pub struct WaiverSpec {
    /// The rule it excuses: its id (in any case) or its name.
    pub rule: String,
    /// The id of the one option it excuses; `None` excuses the rule on every option.
    pub option: Option<String>,
    /// Why the committee granted it.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// The last day it applies, `YYYY-MM-DD`.
    pub expires: String,
    /// Where the waiver's `rule` and `expires` are written.
    pub rule_span: Span,
    /// Where its `expires` date is written.
    pub expires_span: Span,
}

/// A resolved configuration (after `extends`).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The config files read, the extending one first.
    pub files: Vec<SourceFile>,
    /// `None` means every built-in pack.
    pub packs: Option<Vec<(PackRef, Option<Origin>)>>,
    /// Each rule's override, by rule id in capitals (`[rules.ID]`).
    pub rules: BTreeMap<String, RuleOverride>,
    /// Config waivers with the file each is written in.
    pub waivers: Vec<(SourceFile, WaiverSpec)>,
    /// The config switches every rule off on purpose.
    pub allow_no_rules: bool,
    /// Globs (relative to the config's directory) of files directory runs leave out.
    pub exclude: Vec<String>,
    /// Check brokerage windows like designated investment alternatives (by default
    /// they are not one, 29 CFR 2550.404a-5(h)(4), and per-option rules skip them).
    pub brokerage_windows_are_options: bool,
    /// What a rule that could not be decided (a figure it needs is not computed)
    /// does to the run.
    pub incomplete: Incomplete,
}

/// `incomplete = "fail" | "warn"`: an undecided rule fails the run (the default:
/// missing data is never a pass), or is at most a warning, for a committee that
/// decided so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Incomplete {
    /// An undecided rule's finding is an error: it fails the run.
    #[default]
    Fail,
    /// An undecided rule's finding is at most a warning.
    Warn,
}

impl Incomplete {
    /// The word a config writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Incomplete::Fail => "fail",
            Incomplete::Warn => "warn",
        }
    }

    /// The severity of an undecided rule's finding. Failing, it is an error even for
    /// a rule that only warns when it is breached: the figure it could not check may
    /// be anything, and a gate must not pass what it could not check.
    pub fn severity(self, rule: Severity) -> Severity {
        match (self, rule) {
            (Incomplete::Fail, _) => Severity::Error,
            (Incomplete::Warn, Severity::Error) => Severity::Warning,
            (Incomplete::Warn, own) => own,
        }
    }
}

/// The nearest `menulint.toml` in `dir` or its ancestors, as named, up to the
/// repository root (the first directory with `.git`): a config planted above the
/// project (`/tmp/menulint.toml`) must not govern it, nor one that a symbolic link
/// brings in from outside the repository.
pub(crate) fn discover(dir: &Path) -> Option<PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    // the directory as named, links not followed (see `named_path`)
    let start = crate::diag::named_path(dir);
    // shown relative to the current directory where it can be, as menus are
    let cwd = std::env::current_dir()
        .ok()
        .map(|c| crate::diag::named_path(&c));
    // inside a repository, a config counts only where it really is in it: a
    // directory linked out of the repository must not bring its own policy along
    let repo = start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .and_then(|d| std::fs::canonicalize(d).ok());
    let in_repo = |p: &Path| {
        repo.as_ref()
            .is_none_or(|r| std::fs::canonicalize(p).is_ok_and(|real| real.starts_with(r)))
    };
    for d in start.ancestors() {
        let found = CONFIG_FILES
            .iter()
            .map(|name| d.join(name))
            .find(|p| p.is_file() && in_repo(p));
        if let Some(p) = found {
            let relative = cwd
                .as_ref()
                .and_then(|c| p.strip_prefix(c).ok())
                .filter(|r| !r.as_os_str().is_empty())
                .map(Path::to_path_buf);
            return Some(relative.unwrap_or(p));
        }
        if d.join(".git").exists() {
            return None;
        }
    }
    None
}

/// The keys a config may have: at the top, in a `[rules.ID]` table, in a waiver.
const TOP_KEYS: [&str; 9] = [
    "extends",
    "packs",
    "rules",
    "waivers",
    "exclude",
    "extend-exclude",
    "allow_no_rules",
    "brokerage_windows_are_options",
    "incomplete",
];
const RULE_KEYS: [&str; 2] = ["severity", "params"];
const WAIVER_KEYS: [&str; 5] = ["rule", "option", "reason", "approved_by", "expires"];

/// Every key of the config that is not one of ours, each at its line, with the
/// closest known key. Syntax errors are left to the full parse.
fn unknown_keys(source: &SourceFile) -> Vec<FileErrors> {
    use toml::de::{DeTable, DeValue};
    let Ok(root) = DeTable::parse(source.text()) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let mut check = |table: &DeTable, allowed: &[&str], within: &str| {
        for (k, _) in table.iter() {
            let name = k.get_ref().as_ref();
            if allowed.contains(&name) || name == "extend_exclude" {
                continue;
            }
            let near = crate::diag::suggest(name, allowed);
            findings.push(
                crate::diag::Finding::input_error(
                    Code::Config,
                    format!("unknown key `{name}` {within}{}", crate::diag::meant(near)),
                    Some(source),
                    Some(k.span()),
                )
                .with_label("unknown key")
                .with_help(format!("the keys here: {}", allowed.join(", ")))
                .with_rename(source, near),
            );
        }
    };
    let root = root.get_ref();
    check(root, &TOP_KEYS, "in the config");
    if let Some(DeValue::Table(rules)) = root.get("rules").map(|v| v.get_ref()) {
        for (id, t) in rules.iter() {
            if let DeValue::Table(t) = t.get_ref() {
                check(t, &RULE_KEYS, &format!("in [rules.{}]", k_str(id)));
            }
        }
    }
    if let Some(DeValue::Array(ws)) = root.get("waivers").map(|v| v.get_ref()) {
        for w in ws.iter() {
            if let DeValue::Table(t) = w.get_ref() {
                check(t, &WAIVER_KEYS, "in a waiver");
            }
        }
    }
    if findings.is_empty() {
        Vec::new()
    } else {
        vec![FileErrors::new(
            source.name(),
            Some(source.clone()),
            findings,
        )]
    }
}

fn k_str(k: &toml::Spanned<std::borrow::Cow<'_, str>>) -> String {
    k.get_ref().to_string()
}

fn error(source: &SourceFile, span: Option<Span>, msg: impl Into<String>) -> Vec<FileErrors> {
    vec![FileErrors::at(source, Code::Config, span, msg)]
}

/// Loads a config file and everything it extends.
pub fn load(path: &Path) -> Result<Config, Vec<FileErrors>> {
    load_chain(path, None)
}

/// A config as an editor holds it: `text` in place of the file at `path`; the
/// configs it extends are read from disk.
pub(crate) fn load_text(path: &Path, text: String) -> Result<Config, Vec<FileErrors>> {
    let source = SourceFile::new(crate::diag::display_path(path), text);
    load_chain(path, Some(source))
}

fn load_chain(path: &Path, mut first: Option<SourceFile>) -> Result<Config, Vec<FileErrors>> {
    let mut chain: Vec<(PathBuf, SourceFile, ConfigToml)> = Vec::new();
    let mut next = Some(path.to_path_buf());
    while let Some(p) = next.take() {
        let source = match first.take() {
            Some(source) => source,
            None => read_source(&p, MAX_CONFIG_SIZE).map_err(|f| {
                vec![FileErrors::new(
                    crate::diag::display_path(&p),
                    None,
                    vec![*f],
                )]
            })?,
        };
        // every misspelt key at once, rather than one per run
        let unknown = unknown_keys(&source);
        if !unknown.is_empty() {
            return Err(unknown);
        }
        let parsed: ConfigToml = toml::from_str(source.text()).map_err(|e| {
            let f = Finding::input_error(Code::Config, e.message().trim(), Some(&source), e.span())
                .with_label("here")
                .with_suggested_name(&source);
            vec![FileErrors::new(
                source.name(),
                Some(source.clone()),
                vec![f],
            )]
        })?;
        if let Some(ext) = &parsed.extends {
            let target = resolve_extends(&p, ext.get_ref())
                .map_err(|m| error(&source, Some(ext.span()), m))?;
            let canon = std::fs::canonicalize(&target).unwrap_or(target.clone());
            if chain
                .iter()
                .any(|(q, _, _)| std::fs::canonicalize(q).ok().as_ref() == Some(&canon))
                || std::fs::canonicalize(&p).ok().as_ref() == Some(&canon)
            {
                return Err(error(&source, Some(ext.span()), "`extends` forms a cycle"));
            }
            if chain.len() >= MAX_EXTENDS {
                return Err(error(
                    &source,
                    Some(ext.span()),
                    format!("`extends` chains more than {MAX_EXTENDS} configs"),
                ));
            }
            next = Some(target);
        }
        chain.push((p, source, parsed));
    }
    let mut config = Config::default();
    // every mistake in the chain is reported at once
    let mut errors: Vec<FileErrors> = Vec::new();
    // apply the base first, so the extending config wins
    for (path, source, parsed) in chain.into_iter().rev() {
        if let Some(ex) = parsed.exclude {
            config.exclude = ex;
        }
        if let Some(ex) = parsed.extend_exclude {
            config.exclude.extend(ex);
        }
        if let Some(b) = parsed.allow_no_rules {
            config.allow_no_rules = b;
        }
        if let Some(b) = parsed.brokerage_windows_are_options {
            config.brokerage_windows_are_options = b;
        }
        if let Some(i) = parsed.incomplete {
            config.incomplete = i;
        }
        if let Some(packs) = parsed.packs {
            let mut refs = Vec::new();
            for p in packs {
                let origin = Origin {
                    source: source.clone(),
                    span: p.span(),
                };
                let r = if is_builtin_name(p.get_ref()) {
                    PackRef::Builtin(p.get_ref().clone())
                } else if p.get_ref().ends_with(".toml") {
                    match resolve_within(&path, p.get_ref()) {
                        Ok(resolved) => PackRef::File(resolved),
                        Err(m) => {
                            errors.extend(error(&source, Some(p.span()), m));
                            continue;
                        }
                    }
                } else {
                    let names: Vec<_> = crate::rules::BUILTIN_PACKS
                        .iter()
                        .map(|(n, _)| *n)
                        .collect();
                    errors.extend(error(
                        &source,
                        Some(p.span()),
                        format!(
                            "`{}` is neither a built-in pack ({}) nor a .toml file",
                            p.get_ref(),
                            names.join(", ")
                        ),
                    ));
                    continue;
                };
                refs.push((r, Some(origin)));
            }
            config.packs = Some(refs);
        }
        for (id, o) in parsed.rules {
            let span = o.span();
            let o = o.into_inner();
            let entry = config.rules.entry(id.to_ascii_uppercase()).or_default();
            entry.origin = Some(Origin {
                source: source.clone(),
                span,
            });
            if o.severity.is_some() {
                entry.level = o.severity;
            }
            for (k, v) in o.params {
                let origin = Origin {
                    source: source.clone(),
                    span: v.span(),
                };
                let name = Origin {
                    source: source.clone(),
                    span: k.span(),
                };
                let k = k.into_inner();
                entry.param_names.insert(k.clone(), name);
                entry
                    .params
                    .insert(k, (crate::rules::toml_to_json(v.get_ref()), Some(origin)));
            }
        }
        for w in parsed.waivers {
            let at = w.span();
            let w = w.into_inner();
            // as in a menu's waivers: an exception nobody accounts for is none
            if w.reason.trim().is_empty() || w.approved_by.trim().is_empty() {
                errors.extend(error(
                    &source,
                    Some(at),
                    "a waiver needs its `reason` and who approved it (`approved_by`), neither blank",
                ));
                continue;
            }
            let expires = w.expires.get_ref().to_string();
            let year_ok = w
                .expires
                .get_ref()
                .date
                .is_some_and(|d| crate::date::YEARS.contains(&i32::from(d.year)));
            if w.expires.get_ref().date.is_none() || w.expires.get_ref().time.is_some() || !year_ok
            {
                errors.extend(error(
                    &source,
                    Some(w.expires.span()),
                    "`expires` must be a date between 1900 and 2200, like 2026-12-31",
                ));
                continue;
            }
            config.waivers.push((
                source.clone(),
                WaiverSpec {
                    rule: w.rule.get_ref().clone(),
                    option: w.option,
                    reason: w.reason,
                    approved_by: w.approved_by,
                    expires,
                    rule_span: w.rule.span(),
                    expires_span: w.expires.span(),
                },
            ));
        }
        config.files.insert(0, source);
    }
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

fn is_builtin_name(name: &str) -> bool {
    crate::rules::BUILTIN_PACKS.iter().any(|(n, _)| *n == name)
}

/// Resolves a path written in a config relative to that config's directory, refusing
/// anything that leaves the directory tree (`../../etc/passwd`, absolute paths).
pub(crate) fn resolve_within(config_path: &Path, written: &str) -> Result<PathBuf, String> {
    let dir = config_path.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let rel = Path::new(written);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(format!(
            "`{written}` leaves the config's directory; packs and extended configs must live at or below it"
        ));
    }
    let full = dir.join(rel);
    let canon_dir =
        std::fs::canonicalize(dir).map_err(|e| format!("cannot resolve {}: {e}", dir.display()))?;
    let canon =
        std::fs::canonicalize(&full).map_err(|e| format!("cannot read `{written}`: {e}"))?;
    if !canon.starts_with(&canon_dir) {
        return Err(format!(
            "`{written}` resolves outside the config's directory (through a symbolic link)"
        ));
    }
    Ok(full)
}

/// Resolves `extends`: relative to the config, and it may point upward (an
/// organisation-wide base config), but only at another TOML file.
fn resolve_extends(config_path: &Path, written: &str) -> Result<PathBuf, String> {
    if !written.ends_with(".toml") {
        return Err(format!(
            "`extends` must name a .toml config file, not `{written}`"
        ));
    }
    let dir = config_path.parent().unwrap_or(Path::new("."));
    let full = dir.join(written);
    if !full.is_file() {
        return Err(format!("cannot read `{written}`: no such file"));
    }
    Ok(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &serde_json::Value) -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    }

    fn sorted(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        v.sort();
        v
    }

    /// The schema editors validate a config against names exactly the keys the
    /// config reader takes, and the starter config `init` writes matches it.
    #[test]
    fn the_config_schema_is_the_config_format() {
        let schema: serde_json::Value = serde_json::from_str(CONFIG_SCHEMA).unwrap();
        assert_eq!(keys(&schema), sorted(&TOP_KEYS));
        assert_eq!(
            keys(&schema["properties"]["rules"]["additionalProperties"]),
            sorted(&RULE_KEYS)
        );
        assert_eq!(
            keys(&schema["properties"]["waivers"]["items"]),
            sorted(&WAIVER_KEYS)
        );
        let validator = jsonschema::validator_for(&schema).unwrap();
        let template: toml::Value = toml::from_str(CONFIG_TEMPLATE).unwrap();
        let template = crate::rules::toml_to_json(&template);
        assert!(validator.is_valid(&template));
        let wrong = serde_json::json!({ "incomplete": "maybe" });
        assert!(!validator.is_valid(&wrong));
    }
}
