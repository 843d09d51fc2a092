//! The integration tests: one binary, a module per subject (one link instead of
//! one per file, and every test runs in parallel with the others).

mod common;

mod architecture;
mod cli;
mod config;
mod disclose;
mod dossier;
mod evaluators;
mod files;
mod formats;
mod fuzz_smoke;
mod gate;
mod injection;
mod limits;
mod lineup;
mod lookthrough;
mod monitoring;
mod outputs;
mod packs;
mod pdf;
mod readme;
mod report;
mod rule_examples;
mod selection;
mod server;
mod toml_conformance;
mod values;
mod verdicts;
