//! `check --show-settings`: the settings that govern one path, resolved, as TOML
//! (so they read as a config does and can be copied into one). Every string goes
//! through [`escape::toml_string`](super::escape::toml_string): on one line, with
//! controls escaped, since the text comes from configs and packs.

use super::escape::{terminal, toml_string};
use crate::policy::Policy;
use serde_json::Value;
use std::fmt::Write;

/// A key as TOML writes it: bare when it can be, quoted otherwise.
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        k.to_owned()
    } else {
        toml_string(k)
    }
}

/// A parameter's value, inline (`{ max_pct = 5.0 }`); `None` for JSON's null,
/// which TOML cannot write.
fn inline(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            // `{:?}` keeps the decimal point TOML needs to read a float (`5.0`)
            None => format!("{:?}", n.as_f64()?),
        },
        Value::String(s) => toml_string(s),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().filter_map(inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(o) => {
            let entries: Vec<String> = o
                .iter()
                .filter_map(|(k, v)| Some(format!("{} = {}", key(k), inline(v)?)))
                .collect();
            if entries.is_empty() {
                "{}".to_owned()
            } else {
                format!("{{ {} }}", entries.join(", "))
            }
        }
    })
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(toml_string).collect();
    format!("[{}]", items.join(", "))
}

/// The settings for `path` under `policy`, read from `config` (none: the built-in
/// defaults), with the excludes the command line adds: the files the config is made
/// of, the packs and rules in force with their severities and parameters, the
/// excludes, and the waivers.
pub fn settings(
    path: &str,
    config: Option<&str>,
    policy: &Policy,
    cli_exclude: &[String],
) -> String {
    let c = &policy.config;
    let mut out = match config {
        Some(c) => format!(
            "# The settings for {}, from {}\n",
            terminal(path),
            terminal(c)
        ),
        None => format!(
            "# The settings for {}: no config governs it, so the built-in defaults\n",
            terminal(path)
        ),
    };
    let packs: Vec<&str> = policy
        .rules
        .packs_in_force()
        .map(|p| p.header.name.as_str())
        .collect();
    let pack_files: Vec<String> = policy
        .pack_files
        .iter()
        .map(|p| crate::diag::display_path(p))
        .collect();
    let _ = writeln!(
        out,
        "config_files = {}",
        strings(c.files.iter().map(|f| f.name()))
    );
    let _ = writeln!(out, "packs = {}", strings(packs));
    let _ = writeln!(
        out,
        "pack_files = {}",
        strings(pack_files.iter().map(String::as_str))
    );
    let _ = writeln!(
        out,
        "exclude = {}",
        strings(c.exclude.iter().map(String::as_str))
    );
    if !cli_exclude.is_empty() {
        let _ = writeln!(
            out,
            "command_line_exclude = {}",
            strings(cli_exclude.iter().map(String::as_str))
        );
    }
    let _ = writeln!(out, "allow_no_rules = {}", c.allow_no_rules);
    let _ = writeln!(
        out,
        "brokerage_windows_are_options = {}",
        c.brokerage_windows_are_options
    );
    let _ = writeln!(out, "incomplete = {}", toml_string(c.incomplete.as_str()));
    for r in policy.rules.rules() {
        let _ = write!(
            out,
            "\n[rules.{}]\npack = {}\nseverity = {}\n",
            key(&r.id),
            toml_string(&r.pack),
            toml_string(&r.severity.to_string())
        );
        let params: Vec<String> = r
            .params
            .iter()
            .filter_map(|(k, v)| Some(format!("{} = {}", key(k), inline(v)?)))
            .collect();
        if !params.is_empty() {
            let _ = writeln!(out, "params = {{ {} }}", params.join(", "));
        }
    }
    for (file, w) in &c.waivers {
        let _ = write!(out, "\n[[waivers]]\nrule = {}\n", toml_string(&w.rule));
        if let Some(o) = &w.option {
            let _ = writeln!(out, "option = {}", toml_string(o));
        }
        let _ = writeln!(out, "reason = {}", toml_string(&w.reason));
        let _ = writeln!(out, "approved_by = {}", toml_string(&w.approved_by));
        // a checked waiver's expiry is a date (YYYY-MM-DD), written as TOML writes one
        let expires = if crate::date::days_from_iso(&w.expires).is_some() {
            w.expires.clone()
        } else {
            toml_string(&w.expires)
        };
        let _ = writeln!(out, "expires = {expires}");
        let _ = writeln!(out, "file = {}", toml_string(file.name()));
    }
    out
}
