//! Stage 3 input: the policy rules, as data. See `rules/*.toml` for the built-in packs.

mod expr;
mod functions;
mod pack;
mod template;

pub use expr::{format_number, format_value, Expr};
pub use functions::register as register_functions;
pub use pack::{
    cel_env, load_pack, toml_to_json, Also, Example, Pack, PackHeader, Rule, Scope, BUILTIN_PACKS,
};
pub use template::Template;

use crate::check::FileReport;
use crate::finding::Finding;
use crate::load::read_source;
use crate::source::SourceFile;
use cel::Env;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

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

    /// Loads the built-in packs plus pack files from disk.
    pub fn with_pack_files(paths: &[PathBuf]) -> Result<RuleSet, Vec<FileReport>> {
        let mut sources = builtin_sources();
        let mut failed = Vec::new();
        for path in paths {
            match read_source(path, MAX_PACK_SIZE) {
                Ok(s) => sources.push(s),
                Err(f) => failed.push(FileReport::not_checked(
                    &path.display().to_string(),
                    None,
                    vec![*f],
                )),
            }
        }
        if !failed.is_empty() {
            return Err(failed);
        }
        RuleSet::from_sources(sources)
    }

    /// Compiles packs from their sources; rule ids must be unique across all of them.
    pub fn from_sources(sources: Vec<SourceFile>) -> Result<RuleSet, Vec<FileReport>> {
        let env = Arc::new(cel_env());
        let mut packs = Vec::new();
        let mut failed = Vec::new();
        for source in sources {
            match load_pack(&env, source.clone()) {
                Ok(p) => packs.push(p),
                Err(findings) => {
                    let name = source.name().to_owned();
                    failed.push(FileReport::not_checked(&name, Some(source), findings));
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
                    dupes.push(FileReport::not_checked(
                        pack.source.name(),
                        Some(pack.source.clone()),
                        vec![f],
                    ));
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

    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.packs.iter().flat_map(|p| p.rules.iter())
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules().find(|r| r.id.eq_ignore_ascii_case(id))
    }
}
