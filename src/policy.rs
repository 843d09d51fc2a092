//! A policy: a resolved config plus the rules it puts in force.

use crate::check::FileReport;
use crate::config::{self, Config};
use crate::rules::{RuleSet, Selection};
use std::path::Path;

pub struct Policy {
    pub config: Config,
    pub rules: RuleSet,
}

impl Policy {
    /// Loads the config at `path` (or the built-in defaults when `None`) and its rules.
    pub fn load(path: Option<&Path>, selection: &Selection) -> Result<Policy, Vec<FileReport>> {
        let config = match path {
            Some(p) => config::load(p)?,
            None => Config::default(),
        };
        let rules = RuleSet::from_config(&config, selection)?;
        Ok(Policy { config, rules })
    }
}
