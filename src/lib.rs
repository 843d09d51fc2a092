#![deny(missing_docs)]
//! menulint: lint 401(k) investment menus (TOML) against policy rules written as data.
//!
//! The data flows one way, one module per stage, each using only the stages before it:
//! [`diag`] (source text, paths, findings) → [`menu`] (load with spans, JSON Schema,
//! typed model, look-through) → [`rules`] (packs compiled from TOML) → [`policy`]
//! (config, overrides, waivers, baseline) → [`engine`] (evaluate, check a file, run
//! many, diff) → [`render`] (text for people and machines) → [`cli`] (the command
//! line the binary runs, and [`server`], the language server editors run). See
//! docs/architecture.md.

pub mod cli;
pub mod date;
pub mod diag;
pub mod engine;
pub mod import;
pub mod menu;
pub mod output;
pub mod policy;
pub mod render;
pub mod rules;
pub mod server;
