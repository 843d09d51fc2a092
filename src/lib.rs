//! menulint: lint 401(k) investment menus (TOML) against policy rules written as data.
//!
//! The data flows one way, one module per stage:
//! [`load`] (TOML with spans) → [`validate`] (JSON Schema) → [`evaluate`] (rules from
//! [`rules`]) → [`render`]. [`check`] strings the stages together for one file.

pub mod baseline;
pub mod check;
pub mod config;
pub mod date;
pub mod diff;
pub mod evaluate;
pub mod exposure;
pub mod finding;
pub mod identifiers;
pub mod load;
pub mod menu;
pub mod output;
pub mod policy;
pub mod render;
pub mod rules;
pub mod source;
pub mod synth;
pub mod validate;
pub mod waivers;
