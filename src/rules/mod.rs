//! Stage 3 input: the policy rules, as data. See `rules/*.toml` for the built-in packs.

mod expr;
mod functions;
mod pack;
mod template;
pub mod values;

pub use expr::{format_number, format_value, Expr};
pub use functions::register as register_functions;
pub use pack::{
    cel_env, load_pack, toml_to_json, Also, Example, Pack, PackHeader, Rule, Scope, BUILTIN_PACKS,
};
pub use template::Template;

use crate::check::FileReport;
use crate::config::{Config, Level, Origin, PackRef};
use crate::finding::Finding;
use crate::load::read_source;
use crate::source::SourceFile;
use cel::Env;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The command line's choice of rules, on top of the config.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only rules whose id starts with one of these (all when empty).
    pub select: Vec<String>,
    /// No rule whose id starts with one of these.
    pub ignore: Vec<String>,
    /// Extra pack files.
    pub packs: Vec<PathBuf>,
}

impl Selection {
    fn selects(&self, rule: &Rule) -> bool {
        let hit = |codes: &[String]| {
            codes
                .iter()
                .any(|c| rule.id.starts_with(&c.to_ascii_uppercase()) || rule.name == *c)
        };
        (self.select.is_empty() || hit(&self.select)) && !hit(&self.ignore)
    }
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

/// Largest rule pack accepted, in bytes.
pub const MAX_PACK_SIZE: u64 = 4 * 1024 * 1024;

/// The packs shipped in the binary, named as in the repository.
pub fn builtin_sources() -> Vec<SourceFile> {
    BUILTIN_PACKS
        .iter()
        .map(|(name, text)| SourceFile::new(format!("rules/{name}.toml"), *text))
        .collect()
}

/// Every pack in force for a run, compiled against one CEL environment.
pub struct RuleSet {
    pub env: Arc<Env>,
    pub packs: Vec<Pack>,
}

impl RuleSet {
    /// Loads the built-in packs.
    pub fn builtin() -> Result<RuleSet, Vec<FileReport>> {
        RuleSet::from_sources(builtin_sources())
    }

    /// Compiles packs from their sources; rule ids must be unique across all of them.
    pub fn from_sources(sources: Vec<SourceFile>) -> Result<RuleSet, Vec<FileReport>> {
        let env = Arc::new(cel_env());
        let mut packs = Vec::new();
        let mut failed = Vec::new();
        // parsing CEL is most of a single-menu run: the packs compile side by side
        let loaded: Vec<_> = sources
            .into_par_iter()
            .map(|source| (source.clone(), load_pack(&env, source)))
            .collect();
        for (source, loaded) in loaded {
            match loaded {
                Ok(p) => packs.push(p),
                Err(findings) => {
                    let name = source.name().to_owned();
                    failed.push(FileReport::not_checked(&name, Some(source), findings).not_menu());
                }
            }
        }
        let mut seen: HashMap<&str, &str> = HashMap::new();
        let mut dupes: Vec<FileReport> = Vec::new();
        for pack in &packs {
            for rule in &pack.rules {
                if let Some(first) = seen.insert(&rule.id, &rule.file) {
                    let f = Finding::input_error(
                        "rule-pack",
                        format!("rule id {} is defined twice (first in {first})", rule.id),
                        Some(&pack.source),
                        Some(rule.span.clone()),
                    )
                    .with_label("second definition")
                    .with_help("rule ids must be unique across every pack in force");
                    dupes.push(
                        FileReport::not_checked(
                            pack.source.name(),
                            Some(pack.source.clone()),
                            vec![f],
                        )
                        .not_menu(),
                    );
                }
            }
        }
        failed.extend(dupes);
        if failed.is_empty() {
            Ok(RuleSet { env, packs })
        } else {
            Err(failed)
        }
    }

    /// Builds the rules a config puts in force, with its overrides and the
    /// command line's selection applied.
    pub fn from_config(config: &Config, selection: &Selection) -> Result<RuleSet, Vec<FileReport>> {
        let mut sources = Vec::new();
        let mut failed = Vec::new();
        match &config.packs {
            None => sources = builtin_sources(),
            Some(packs) => {
                for (pack, _) in packs {
                    match pack {
                        PackRef::Builtin(name) => sources.extend(
                            BUILTIN_PACKS
                                .iter()
                                .filter(|(n, _)| n == name)
                                .map(|(n, text)| SourceFile::new(format!("rules/{n}.toml"), *text)),
                        ),
                        PackRef::File(path) => match read_source(path, MAX_PACK_SIZE) {
                            Ok(s) => sources.push(s),
                            Err(f) => failed.push(
                                FileReport::not_checked(
                                    &path.display().to_string(),
                                    None,
                                    vec![*f],
                                )
                                .not_menu(),
                            ),
                        },
                    }
                }
            }
        }
        for path in &selection.packs {
            match read_source(path, MAX_PACK_SIZE) {
                Ok(s) => sources.push(s),
                Err(f) => failed.push(
                    FileReport::not_checked(&path.display().to_string(), None, vec![*f]).not_menu(),
                ),
            }
        }
        if !failed.is_empty() {
            return Err(failed);
        }
        let mut set = RuleSet::from_sources(sources)?;
        set.apply_overrides(config)?;
        for rule in set.packs.iter_mut().flat_map(|p| p.rules.iter_mut()) {
            if !selection.selects(rule) {
                rule.enabled = false;
            }
        }
        Ok(set)
    }

    fn apply_overrides(&mut self, config: &Config) -> Result<(), Vec<FileReport>> {
        let mut errors = Vec::new();
        let mut err = |origin: &Option<Origin>, msg: String| {
            let (source, span) = match origin {
                Some(o) => (Some(o.source.clone()), Some(o.span.clone())),
                None => (None, None),
            };
            let f = Finding::input_error("config", msg, source.as_ref(), span).with_label("here");
            let name = source
                .as_ref()
                .map_or("menulint.toml".to_owned(), |s| s.name().to_owned());
            errors.push(FileReport::not_checked(&name, source, vec![f]).not_menu());
        };
        for (id, o) in &config.rules {
            let Some(rule) = self
                .packs
                .iter_mut()
                .flat_map(|p| p.rules.iter_mut())
                .find(|r| r.id == *id)
            else {
                err(
                    &o.origin,
                    format!("no rule {id} in the packs in force; `menulint rules` lists them"),
                );
                continue;
            };
            match o.level {
                Some(Level::Off) => rule.enabled = false,
                Some(level) => {
                    if let Some(s) = level.severity() {
                        rule.severity = s;
                    }
                }
                None => {}
            }
            for (name, (value, origin)) in &o.params {
                match rule.params.get(name) {
                    None => {
                        let known: Vec<_> = rule.params.keys().map(String::as_str).collect();
                        err(
                            origin,
                            format!(
                                "rule {id} has no parameter `{name}`; its parameters: {}",
                                if known.is_empty() {
                                    "none".to_owned()
                                } else {
                                    known.join(", ")
                                }
                            ),
                        );
                    }
                    Some(old) if json_kind(old) != json_kind(value) => {
                        err(
                            origin,
                            format!(
                                "parameter `{name}` of {id} takes a {}, not a {}",
                                json_kind(old),
                                json_kind(value)
                            ),
                        );
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

    /// The rules in force (enabled).
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.all_rules().filter(|r| r.enabled)
    }

    /// Every loaded rule, including those switched off.
    pub fn all_rules(&self) -> impl Iterator<Item = &Rule> {
        self.packs.iter().flat_map(|p| p.rules.iter())
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.all_rules().find(|r| r.id.eq_ignore_ascii_case(id))
    }
}
