//! `check --show-settings`: the settings that govern one path, resolved, as TOML
//! (so they read as a config does and can be copied into one).

use crate::policy::config::PackRef;
use crate::policy::Policy;
use toml::{Table, Value};

fn toml_value(v: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    Some(match v {
        J::Null => return None,
        J::Bool(b) => Value::Boolean(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64()?),
        },
        J::String(s) => Value::String(s.clone()),
        J::Array(a) => Value::Array(a.iter().filter_map(toml_value).collect()),
        J::Object(o) => Value::Table(
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), toml_value(v)?)))
                .collect(),
        ),
    })
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(
        items
            .into_iter()
            .map(|s| Value::String(s.to_owned()))
            .collect(),
    )
}

/// The settings for `path` under `policy`, read from `config` (none: the built-in
/// defaults): the files the config is made of, the packs and rules in force with
/// their severities and parameters, the excludes, and the waivers.
pub fn settings(path: &str, config: Option<&str>, policy: &Policy) -> String {
    let c = &policy.config;
    let mut top = Table::new();
    top.insert(
        "config_files".into(),
        strings(c.files.iter().map(|f| f.name())),
    );
    let packs: Vec<String> = policy
        .rules
        .packs_in_force()
        .map(|p| p.header.name.clone())
        .collect();
    top.insert("packs".into(), strings(packs.iter().map(String::as_str)));
    let pack_files: Vec<String> = c
        .packs
        .iter()
        .flatten()
        .filter_map(|(p, _)| match p {
            PackRef::File(f) => Some(f.display().to_string()),
            PackRef::Builtin(_) => None,
        })
        .collect();
    if !pack_files.is_empty() {
        top.insert(
            "pack_files".into(),
            strings(pack_files.iter().map(String::as_str)),
        );
    }
    top.insert(
        "exclude".into(),
        strings(c.exclude.iter().map(String::as_str)),
    );
    top.insert("allow_no_rules".into(), Value::Boolean(c.allow_no_rules));
    top.insert(
        "brokerage_windows_are_options".into(),
        Value::Boolean(c.brokerage_windows_are_options),
    );
    top.insert(
        "incomplete".into(),
        Value::String(c.incomplete.as_str().to_owned()),
    );
    let mut rules = Table::new();
    for r in policy.rules.rules() {
        let mut t = Table::new();
        t.insert("pack".into(), Value::String(r.pack.clone()));
        t.insert("severity".into(), Value::String(r.severity.to_string()));
        let params: Table = r
            .params
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), toml_value(v)?)))
            .collect();
        if !params.is_empty() {
            t.insert("params".into(), Value::Table(params));
        }
        rules.insert(r.id.clone(), Value::Table(t));
    }
    top.insert("rules".into(), Value::Table(rules));
    let waivers: Vec<Value> = c
        .waivers
        .iter()
        .map(|(file, w)| {
            let mut t = Table::new();
            t.insert("rule".into(), Value::String(w.rule.clone()));
            if let Some(o) = &w.option {
                t.insert("option".into(), Value::String(o.clone()));
            }
            t.insert("reason".into(), Value::String(w.reason.clone()));
            t.insert("approved_by".into(), Value::String(w.approved_by.clone()));
            t.insert("expires".into(), Value::String(w.expires.clone()));
            t.insert("file".into(), Value::String(file.name().to_owned()));
            Value::Table(t)
        })
        .collect();
    if !waivers.is_empty() {
        top.insert("waivers".into(), Value::Array(waivers));
    }
    // TOML's own escaping keeps any text a config holds inert on a terminal; the
    // paths in the heading are escaped for it
    let path = super::escape::terminal(path);
    let head = match config {
        Some(c) => format!(
            "# The settings for {path}, from {}\n",
            super::escape::terminal(c)
        ),
        None => {
            format!("# The settings for {path}: no config governs it, so the built-in defaults\n")
        }
    };
    format!("{head}{}", toml::to_string(&top).unwrap_or_default())
}
