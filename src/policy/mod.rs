//! Stage 3a: the sponsor's policy — the config ([`config`]), the rule packs it puts
//! in force with its overrides, the committee's [`waivers`] and the [`baseline`].

pub mod baseline;
pub mod config;
pub mod waivers;

use crate::diag::{Code, FileErrors, Finding};
use crate::menu::load::read_source;
use crate::rules::{builtin_pack, builtin_sources, Rule, RuleSet, MAX_PACK_SIZE};
use config::{Config, Level, Origin, PackRef};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A resolved config plus the rules it puts in force.
pub struct Policy {
    /// The config as resolved; the built-in defaults when no config file governs.
    pub config: Config,
    /// The packs the config names (every built-in one when it names none), with its
    /// overrides and the command line's selection applied.
    pub rules: RuleSet,
    /// The rule pack files read (not the built-in packs).
    pub pack_files: Vec<PathBuf>,
}

/// The command line's choice of rules, on top of the config.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only rules whose id starts with one of these, or named so (all when empty).
    pub select: Vec<String>,
    /// No rule whose id starts with one of these, or named so.
    pub ignore: Vec<String>,
    /// Extra pack files.
    pub packs: Vec<PathBuf>,
    /// Put the built-in packs that hold monitoring rules in force even where the
    /// config leaves them out (`monitor`, and any run given a history).
    pub monitoring: bool,
}

impl Selection {
    fn selects(&self, rule: &Rule) -> bool {
        let hit = |codes: &[String]| codes.iter().any(|c| names(rule, c));
        (self.select.is_empty() || hit(&self.select)) && !hit(&self.ignore)
    }

    /// Every selector must name at least one rule: a typo (`CRY01`) would otherwise
    /// silently check nothing.
    fn check(&self, set: &RuleSet) -> Result<(), Vec<FileErrors>> {
        let mut errors = Vec::new();
        for (flag, codes) in [("--select", &self.select), ("--ignore", &self.ignore)] {
            for c in codes {
                let named: Vec<&Rule> = set.all_rules().filter(|r| names(r, c)).collect();
                // `--select SEL` when the selection pack is opt-in and not in force: say
                // which `packs` entry brings it in, rather than "nothing to check"
                if flag == "--select"
                    && !named.is_empty()
                    && named.iter().all(|r| !r.enabled && r.opt_in)
                {
                    let mut packs: Vec<&str> = named.iter().map(|r| r.pack.as_str()).collect();
                    packs.dedup();
                    let f = Finding::input_error(
                        Code::Config,
                        format!(
                            "{flag} `{c}` names rules of the opt-in pack{} {}, which no config puts in force",
                            if packs.len() == 1 { "" } else { "s" },
                            packs.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
                        ),
                        None,
                        None,
                    )
                    .with_help(format!(
                        "name it in `packs` in menulint.toml, with the packs in force now: packs = [{}] (`menulint explain {}` shows the rule)",
                        set.packs
                            .iter()
                            .filter(|p| p.rules.iter().any(|r| r.enabled) || packs.contains(&p.header.name.as_str()))
                            .map(|p| format!("\"{}\"", p.header.name))
                            .collect::<Vec<_>>()
                            .join(", "),
                        named[0].id
                    ));
                    errors.push(FileErrors::new(crate::diag::COMMAND_LINE, None, vec![f]));
                    continue;
                }
                if !named.is_empty() {
                    continue;
                }
                let known: Vec<&str> = set
                    .all_rules()
                    .flat_map(|r| [r.id.as_str(), r.name.as_str()])
                    .collect();
                let help = match crate::diag::suggest_ignoring_case(c, &known) {
                    Some(n) => format!("did you mean `{n}`? `menulint rules` lists them"),
                    None => "`menulint rules` lists the rules in force".to_owned(),
                };
                let f = Finding::input_error(
                    Code::Config,
                    format!("{flag} `{c}` matches no rule id, id prefix or rule name"),
                    None,
                    None,
                )
                .with_help(help);
                errors.push(FileErrors::new(crate::diag::COMMAND_LINE, None, vec![f]));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A selector names a rule by id or id prefix (any case) or by its name.
fn names(rule: &Rule, code: &str) -> bool {
    let code = code.trim();
    !code.is_empty() && (rule.id.starts_with(&code.to_ascii_uppercase()) || rule.name == code)
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Array(_) => "list",
        serde_json::Value::Object(_) => "table",
        serde_json::Value::Null => "null",
    }
}

impl Policy {
    /// Loads the config at `path` (or the built-in defaults when `None`) and its rules.
    pub fn load(path: Option<&Path>, selection: &Selection) -> Result<Policy, Vec<FileErrors>> {
        let config = match path {
            Some(p) => config::load(p)?,
            None => Config::default(),
        };
        Self::from_config(config, selection)
    }

    /// The policy of a config an editor holds: `text` in place of the file at `path`.
    pub(crate) fn load_text(
        path: &Path,
        text: String,
        selection: &Selection,
    ) -> Result<Policy, Vec<FileErrors>> {
        Self::from_config(config::load_text(path, text)?, selection)
    }

    fn from_config(config: Config, selection: &Selection) -> Result<Policy, Vec<FileErrors>> {
        let rules = rules_for(&config, selection)?;
        if rules.rules().next().is_none() && !config.allow_no_rules {
            // a run that checks nothing must not look like a clean one
            let msg =
                "no rule is in force: the packs, severities or --select leave nothing to check";
            let help = "check `packs` and `severity = \"off\"` in the config, or set allow_no_rules = true if that is intended";
            return Err(vec![match config.files.first() {
                Some(src) => {
                    let mut e = FileErrors::at(src, Code::Config, Some(0..0), msg);
                    e.findings[0].help = Some(help.to_owned());
                    e
                }
                None => FileErrors::new(
                    crate::diag::COMMAND_LINE,
                    None,
                    vec![Finding::input_error(Code::Config, msg, None, None).with_help(help)],
                ),
            }]);
        }
        let mut pack_files: Vec<PathBuf> = selection.packs.clone();
        if let Some(packs) = &config.packs {
            pack_files.extend(packs.iter().filter_map(|(p, _)| match p {
                PackRef::File(path) => Some(path.clone()),
                PackRef::Builtin(_) => None,
            }));
        }
        Ok(Policy {
            config,
            rules,
            pack_files,
        })
    }

    /// Every file this policy was read from: configs and rule packs.
    pub(crate) fn input_files(&self) -> Vec<PathBuf> {
        self.config
            .files
            .iter()
            .map(|f| PathBuf::from(f.name()))
            .chain(self.pack_files.iter().cloned())
            .collect()
    }
}

/// Builds the rules a config puts in force, with its overrides and the command
/// line's selection applied.
fn rules_for(config: &Config, selection: &Selection) -> Result<RuleSet, Vec<FileErrors>> {
    let mut sources = Vec::new();
    let mut failed = Vec::new();
    let mut read = |path: &Path, sources: &mut Vec<_>| match read_source(path, MAX_PACK_SIZE) {
        Ok(s) => sources.push(s),
        Err(f) => failed.push(FileErrors::new(
            crate::diag::display_path(path),
            None,
            vec![*f],
        )),
    };
    match &config.packs {
        None => sources = builtin_sources(),
        Some(packs) => {
            for (pack, _) in packs {
                match pack {
                    PackRef::Builtin(name) => sources.extend(builtin_pack(name)),
                    PackRef::File(path) => read(path, &mut sources),
                }
            }
        }
    }
    for path in &selection.packs {
        read(path, &mut sources);
    }
    let named = |name: &str| {
        config.packs.as_ref().is_none_or(|packs| {
            packs
                .iter()
                .any(|(p, _)| matches!(p, PackRef::Builtin(n) if n == name))
        })
    };
    let monitoring: Vec<&str> = if selection.monitoring {
        crate::rules::BUILTIN_PACKS
            .iter()
            .filter(|(_, text)| text.contains("\nmonitor = "))
            .map(|(name, _)| *name)
            .collect()
    } else {
        Vec::new()
    };
    for name in &monitoring {
        if !named(name) {
            sources.extend(builtin_pack(name));
        }
    }
    if !failed.is_empty() {
        return Err(failed);
    }
    let mut set = RuleSet::from_sources(sources)?;
    if config.packs.is_none() {
        // an opt-in pack is in force only where a config names it
        for pack in set
            .packs
            .iter_mut()
            .filter(|p| !p.header.default && !monitoring.contains(&p.header.name.as_str()))
        {
            for rule in &mut pack.rules {
                rule.enabled = false;
            }
        }
    }
    apply_overrides(&mut set, config)?;
    selection.check(&set)?;
    for rule in set.all_rules_mut() {
        if !selection.selects(rule) {
            rule.enabled = false;
        }
    }
    set.prepare();
    Ok(set)
}

fn apply_overrides(set: &mut RuleSet, config: &Config) -> Result<(), Vec<FileErrors>> {
    let mut errors = Vec::new();
    let at = |origin: &Option<Origin>, msg: String| match origin {
        Some(o) => FileErrors::at(&o.source, Code::Config, Some(o.span.clone()), msg),
        None => FileErrors::new(
            config::CONFIG_FILE,
            None,
            vec![Finding::input_error(Code::Config, msg, None, None)],
        ),
    };
    for (id, o) in &config.rules {
        let Some(rule) = set.all_rules_mut().find(|r| r.id == *id) else {
            errors.push(at(
                &o.origin,
                format!("no rule {id} in the packs in force; `menulint rules` lists them"),
            ));
            continue;
        };
        match o.level {
            Some(Level::Off) => rule.enabled = false,
            Some(level) => {
                if let Some(s) = level.severity() {
                    Arc::make_mut(&mut rule.info).severity = s;
                }
            }
            None => {}
        }
        for (name, (value, origin)) in &o.params {
            match rule.params.get(name) {
                None => {
                    let known: Vec<_> = rule.params.keys().map(String::as_str).collect();
                    let msg = format!(
                        "rule {id} has no parameter `{name}`; its parameters: {}",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    );
                    // at the name written, renamed to the one it is close to
                    match o.param_names.get(name) {
                        Some(at) => {
                            let meant = crate::diag::suggest(name, &known);
                            let mut f = Finding::input_error(
                                Code::Config,
                                msg,
                                Some(&at.source),
                                Some(at.span.clone()),
                            )
                            .with_label("here")
                            .with_rename(&at.source, meant);
                            f.help = meant.map(|m| format!("did you mean `{m}`?"));
                            errors.push(FileErrors::new(
                                at.source.name(),
                                Some(at.source.clone()),
                                vec![f],
                            ));
                        }
                        None => errors.push(at(origin, msg)),
                    }
                }
                Some(old) if json_kind(old) != json_kind(value) => {
                    errors.push(at(
                        origin,
                        format!(
                            "parameter `{name}` of {id} takes a {}, not a {}",
                            json_kind(old),
                            json_kind(value)
                        ),
                    ));
                }
                Some(_) => {
                    rule.params.insert(name.clone(), value.clone());
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
