//! Stage 3 input: the policy rules, as data. See `rules/*.toml` for the built-in packs.

mod digest;
pub(crate) mod expr;
mod functions;
pub(crate) mod limits;
pub(crate) mod native;
mod pack;
mod refs;
mod template;
pub(crate) mod values;
pub(crate) mod view;

pub use crate::diag::Scope;
pub(crate) use expr::format_number;
pub use functions::label;
pub(crate) use functions::{
    grouped, last_quarter_end, register as register_functions, usd, years_between,
};
pub(crate) use pack::toml_to_json;

pub(crate) use pack::Compiled;
pub(crate) use pack::{cel_env, load_pack_in, reads};
pub use pack::{load_pack, Example, Rule, BUILTIN_PACKS, PACK_SCHEMA};
pub use pack::{Logic, Pack, PackHeader};

use crate::diag::{Code, FileErrors, Finding, SourceFile};
use cel::Env;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Largest rule pack accepted, in bytes.
pub(crate) const MAX_PACK_SIZE: u64 = 4 * 1024 * 1024;

/// The packs shipped in the binary, named as in the repository.
pub(crate) fn builtin_sources() -> Vec<SourceFile> {
    BUILTIN_PACKS
        .iter()
        .map(|(name, text)| builtin_source(name, text))
        .collect()
}

fn builtin_source(name: &str, text: &'static str) -> SourceFile {
    let file = format!("rules/{name}.toml");
    match digest::line_starts(name) {
        Some(lines) => SourceFile::shipped(file, text, lines),
        None => SourceFile::new(file, text),
    }
}

/// The built-in pack of that name.
pub(crate) fn builtin_pack(name: &str) -> Option<SourceFile> {
    BUILTIN_PACKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| builtin_source(n, text))
}

/// Every pack in force for a run, compiled against one CEL environment.
pub struct RuleSet {
    pub(crate) env: Arc<Env>,
    /// The packs loaded for the run, in the order they were loaded.
    pub packs: Vec<Pack>,
}

impl RuleSet {
    /// Loads the built-in packs.
    pub fn builtin() -> Result<RuleSet, Vec<FileErrors>> {
        RuleSet::from_sources(builtin_sources())
    }

    /// Compiles packs from their sources; rule ids must be unique across all of them.
    pub fn from_sources(sources: Vec<SourceFile>) -> Result<RuleSet, Vec<FileErrors>> {
        let env = Arc::new(cel_env());
        let mut packs = Vec::new();
        let mut failed = Vec::new();
        // a built-in pack reads from its build-time digest and its rules compile when
        // first used (see `prepare`); sponsor packs parse and compile now, side by
        // side when there are several (a thread pool costs a one-menu run more than
        // it saves)
        let load = |source: SourceFile| {
            let pack = pack::load_builtin(&env, &source)
                .unwrap_or_else(|| load_pack_in(&env, source.clone()));
            (source, pack)
        };
        let sponsor = sources
            .iter()
            .filter(|s| pack::builtin_name(s).is_none())
            .count();
        let loaded: Vec<_> = if sponsor > 1 {
            sources.into_par_iter().map(load).collect()
        } else {
            sources.into_iter().map(load).collect()
        };
        for (source, loaded) in loaded {
            match loaded {
                Ok(p) => packs.push(p),
                Err(findings) => {
                    failed.push(FileErrors::new(
                        source.name().to_owned(),
                        Some(source),
                        findings,
                    ));
                }
            }
        }
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for pack in &packs {
            for rule in &pack.rules {
                if let Some(first) = seen.insert(&rule.id, &rule.file) {
                    let f = Finding::input_error(
                        Code::RulePack,
                        format!("rule id {} is defined twice (first in {first})", rule.id),
                        Some(&pack.source),
                        Some(rule.span.clone()),
                    )
                    .with_label("second definition")
                    .with_help("rule ids must be unique across every pack in force");
                    failed.push(FileErrors::new(
                        pack.source.name(),
                        Some(pack.source.clone()),
                        vec![f],
                    ));
                }
            }
        }
        if failed.is_empty() {
            Ok(RuleSet { env, packs })
        } else {
            Err(failed)
        }
    }

    /// Compiles every rule in force, so evaluation never waits on the CEL parser and
    /// rules that are off never compile. One after the other: the 33 built-in rules
    /// compile in about 0.15 ms, less than starting a thread pool costs a one-menu run.
    pub(crate) fn prepare(&self) {
        for r in self.rules() {
            let _ = r.compiled();
        }
    }

    /// The rules in force (enabled).
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.all_rules().filter(|r| r.enabled)
    }

    /// The packs with at least one rule in force (an opt-in pack no config named
    /// has none and played no part in a run).
    pub(crate) fn packs_in_force(&self) -> impl Iterator<Item = &Pack> {
        self.packs
            .iter()
            .filter(|p| p.rules.iter().any(|r| r.enabled))
    }

    /// Every loaded rule, including those switched off.
    pub fn all_rules(&self) -> impl Iterator<Item = &Rule> {
        self.packs.iter().flat_map(|p| p.rules.iter())
    }

    /// Every loaded rule, to switch off or re-parameterise as a config says.
    pub fn all_rules_mut(&mut self) -> impl Iterator<Item = &mut Rule> {
        self.packs.iter_mut().flat_map(|p| p.rules.iter_mut())
    }

    /// A rule by id (any case) or by name.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.all_rules()
            .find(|r| r.id.eq_ignore_ascii_case(id) || r.name == id)
    }

    /// The fields `rule` reads, each a path from a rule variable with its type
    /// (`[]` is each element of a list), as `explain` lists them.
    pub fn reads(&self, rule: &Rule) -> std::collections::BTreeMap<String, view::Ty> {
        reads(&self.env, rule)
    }
}
