//! The lineup mapping format: which column feeds which menu field and how values
//! translate; and the plan file a lineup is read with.

use super::grid::*;
use crate::diag::{Code, Finding, SourceFile, Span};
use crate::menu::schema::schema_json;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use toml::Spanned;

/// A total row's first cell: the whole cell, so "Total Return Bond Fund" is a fund.
pub(super) const TOTAL_ROW: &str = r"^\s*(grand\s+)?totals?\s*:?\s*$";

/// The mapping presets shipped in the binary, by name.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "recordkeeper",
        include_str!("../../templates/mappings/recordkeeper.toml"),
    ),
    (
        "vendor",
        include_str!("../../templates/mappings/vendor.toml"),
    ),
];

/// The mapping format's JSON Schema, for editors and `menulint schema mapping`.
pub const MAPPING_SCHEMA: &str = include_str!("../../schemas/mapping.schema.json");

/// How a column is named in a mapping: by its header text or its letter.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum ColumnToml {
    Header(String),
    Spec(SpecToml),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SpecToml {
    pub(super) header: Option<String>,
    pub(super) letter: Option<String>,
    /// Lineup value → menu value (`"Mutual Fund" = "mutual_fund"`, `"Y" = true`).
    #[serde(default)]
    pub(super) values: BTreeMap<String, toml::Value>,
    /// `percent` (0.45 means 0.45 %) or `fraction` (0.0045 means 0.45 %);
    /// `dollars`, `thousands` or `millions` for amounts.
    pub(super) unit: Option<String>,
    /// The export may lack the column: a preset maps the columns recordkeepers often
    /// add, and a lineup without one leaves its field unstated (the rules then say
    /// what is missing), never an error of the mapping.
    #[serde(default)]
    pub(super) optional: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceToml {
    pub(super) sheet: Option<String>,
    pub(super) header_row: Option<u32>,
    /// Rows whose first cell matches one of these (case-insensitive) are not options.
    pub(super) skip: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MappingToml {
    /// A preset this mapping starts from: its columns, defaults and `[lineup]`
    /// settings, each of which this mapping may replace.
    pub(super) extends: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) lineup: SourceToml,
    #[serde(default)]
    pub(super) columns: BTreeMap<Spanned<String>, Spanned<ColumnToml>>,
    #[serde(default)]
    pub(super) defaults: BTreeMap<Spanned<String>, toml::Value>,
    pub(super) plan: Option<toml::Table>,
}

/// A lineup mapping, read and checked against the menu format.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The mapping's text, a file's or a preset's built-in one: findings on the mapping
    /// quote it.
    pub source: SourceFile,
    pub(super) sheet: Option<String>,
    pub(super) header_row: Option<u32>,
    pub(super) skip: Vec<regex::Regex>,
    pub(super) columns: Vec<Column>,
    /// Each default: the field, its value, and where the mapping's own text gives
    /// it (none for a preset's), so a finding on a defaulted value points there.
    pub(super) defaults: Vec<(String, Value, Option<Span>)>,
    /// The `[plan]` table, when the mapping gives one.
    pub plan: Option<toml::Table>,
}

#[derive(Debug, Clone)]
pub(super) struct Column {
    /// The menu field: `name`, `performance.return_1y_pct`.
    pub(super) field: String,
    pub(super) kind: Kind,
    pub(super) header: Option<String>,
    pub(super) letter: Option<u32>,
    pub(super) values: Vec<(String, Value)>,
    pub(super) scale: f64,
    pub(super) optional: bool,
}

/// What a menu field holds, from the schema.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    Text,
    /// Accepted values, as the schema lists them.
    Choice(Vec<String>),
    Number,
    Integer,
    Bool,
    Date,
    List,
}

/// The option fields a lineup column may feed, with their kinds.
pub(super) fn option_fields() -> BTreeMap<String, Kind> {
    let schema = schema_json();
    let defs = &schema["$defs"];
    let kind = |v: &Value| -> Option<Kind> {
        let v = crate::menu::schema::resolve(v);
        if let Some(e) = v.get("enum").and_then(Value::as_array) {
            return Some(Kind::Choice(
                e.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect(),
            ));
        }
        match v.get("type").and_then(Value::as_str)? {
            "string" if v.get("format").and_then(Value::as_str) == Some("date") => Some(Kind::Date),
            "string" => Some(Kind::Text),
            "number" => Some(Kind::Number),
            "integer" => Some(Kind::Integer),
            "boolean" => Some(Kind::Bool),
            "array" => crate::menu::schema::resolve(&v["items"])
                .get("type")
                .and_then(Value::as_str)
                .filter(|t| *t == "string")
                .map(|_| Kind::List),
            _ => None,
        }
    };
    let mut fields = BTreeMap::new();
    if let Some(props) = defs["option"]["properties"].as_object() {
        for (k, v) in props {
            let r = crate::menu::schema::resolve(v);
            if r.get("type").and_then(Value::as_str) == Some("object") {
                if let Some(sub) = r.get("properties").and_then(Value::as_object) {
                    for (sk, sv) in sub {
                        if let Some(kd) = kind(sv) {
                            fields.insert(format!("{k}.{sk}"), kd);
                        }
                    }
                }
            } else if let Some(kd) = kind(v) {
                fields.insert(k.clone(), kd);
            }
        }
    }
    fields
}

/// The option fields a mapping's `[columns]` and `[defaults]` may name (dotted for a
/// table's, `exposure.crypto_pct`), for editors' completion.
pub(crate) fn column_names() -> Vec<String> {
    option_fields().into_keys().collect()
}

/// Reads a mapping: a preset's name (`recordkeeper`, `vendor`) or a file's text.
pub fn parse_mapping(source: SourceFile) -> Result<Mapping, Vec<Finding>> {
    let err = |span: Option<Span>, msg: String| {
        Finding::input_error(Code::Lineup, msg, Some(&source), span).with_label("here")
    };
    let raw: MappingToml = toml::from_str(source.text()).map_err(|e| {
        vec![err(
            e.span().or(Some(0..0)),
            format!("{} is not a lineup mapping: {}", source.name(), e.message()),
        )
        .with_suggested_name(&source)]
    })?;
    // the defaults this text gives itself (a preset's are not at a line of it)
    let own_defaults: Vec<String> = if source.name().starts_with("<preset") {
        Vec::new()
    } else {
        raw.defaults.keys().map(|k| k.get_ref().clone()).collect()
    };
    let raw = match &raw.extends {
        Some(base) => {
            let Some(preset) = preset(base.get_ref()) else {
                let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                let meant =
                    crate::diag::suggest_ignoring_case(base.get_ref(), names.iter().copied());
                let hint = crate::diag::meant(meant);
                return Err(vec![err(
                    Some(base.span()),
                    format!("`extends` names no preset: {:?}{hint}", base.get_ref()),
                )
                .with_help(format!("the presets: {}", names.join(", ")))
                .with_rename(&source, meant)]);
            };
            let base: MappingToml = toml::from_str(preset.text()).map_err(|e| {
                vec![err(
                    Some(0..0),
                    format!("{} is not a lineup mapping: {}", preset.name(), e.message()),
                )]
            })?;
            extend(base, raw)
        }
        None => raw,
    };
    let fields = option_fields();
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for (field, spec) in &raw.columns {
        let span = field.span();
        let Some(kind) = fields.get(field.get_ref()) else {
            let meant = crate::diag::suggest_ignoring_case(
                field.get_ref(),
                fields.keys().map(String::as_str),
            );
            let hint = crate::diag::meant(meant);
            errors.push(
                err(
                    Some(span),
                    format!(
                        "`{}` is not an option field of the menu format{hint}",
                        field.get_ref()
                    ),
                )
                .with_rename(&source, meant),
            );
            continue;
        };
        let spec_span = spec.span();
        let spec = match spec.get_ref() {
            ColumnToml::Header(h) => SpecToml {
                header: Some(h.clone()),
                letter: None,
                values: BTreeMap::new(),
                unit: None,
                optional: false,
            },
            ColumnToml::Spec(s) => s.clone(),
        };
        let letter = match &spec.letter {
            Some(l) => match column_number(l) {
                Some(n) => Some(n),
                None => {
                    errors.push(err(
                        Some(spec_span),
                        format!("`{l}` is not a column letter"),
                    ));
                    continue;
                }
            },
            None => None,
        };
        if spec.header.is_none() && letter.is_none() {
            errors.push(err(
                Some(span.clone()),
                format!(
                    "`{}` names no column: give `header` or `letter`",
                    field.get_ref()
                ),
            ));
            continue;
        }
        let scale = match (spec.unit.as_deref(), kind) {
            (None | Some("percent") | Some("dollars"), _) => 1.0,
            (Some("fraction"), Kind::Number) => 100.0,
            (Some("thousands"), Kind::Number | Kind::Integer) => 1_000.0,
            (Some("millions"), Kind::Number | Kind::Integer) => 1_000_000.0,
            // basis points of a percentage: 45 bp is 0.45 %
            (Some("bp"), Kind::Number) => 0.01,
            (Some(u), _) => {
                errors.push(err(
                    Some(span.clone()),
                    format!(
                        "unit `{u}` does not apply to `{}`; units: percent, fraction, bp (for percentages), dollars, thousands, millions (for amounts)",
                        field.get_ref()
                    ),
                ));
                continue;
            }
        };
        let mut values = Vec::new();
        for (from, to) in &spec.values {
            let to = match typed(kind, to) {
                Ok(v) => v,
                Err(what) => {
                    errors.push(err(
                        Some(span.clone()),
                        format!("`{}` maps {from:?} to {what}", field.get_ref()),
                    ));
                    continue;
                }
            };
            if let Kind::Choice(allowed) = kind {
                if !to.as_str().is_some_and(|s| allowed.iter().any(|a| a == s)) {
                    errors.push(err(
                        Some(span.clone()),
                        format!(
                            "`{}` maps {from:?} to {to}, which is not one of: {}",
                            field.get_ref(),
                            allowed.join(", ")
                        ),
                    ));
                    continue;
                }
            }
            values.push((from.clone(), to));
        }
        columns.push(Column {
            field: field.get_ref().clone(),
            kind: kind.clone(),
            header: spec.header.clone(),
            letter,
            values,
            scale,
            optional: spec.optional,
        });
    }
    let mut defaults = Vec::new();
    for (field, value) in &raw.defaults {
        if !fields.contains_key(field.get_ref()) {
            let meant = crate::diag::suggest_ignoring_case(
                field.get_ref(),
                fields.keys().map(String::as_str),
            );
            let hint = crate::diag::meant(meant);
            errors.push(
                err(
                    Some(field.span()),
                    format!("default `{}` is not an option field{hint}", field.get_ref()),
                )
                .with_rename(&source, meant),
            );
            continue;
        }
        let kind = fields.get(field.get_ref());
        // a value outside the field's accepted ones is refused here, once, not at
        // every row it would fill
        let outside = match (kind, value) {
            (Some(Kind::Choice(accepted)), toml::Value::String(s)) if !accepted.contains(s) => {
                Some(accepted)
            }
            _ => None,
        };
        if let Some(accepted) = outside {
            let given = value.as_str().unwrap_or_default();
            let hint = crate::diag::meant(crate::diag::suggest_ignoring_case(
                given,
                accepted.iter().map(String::as_str),
            ));
            errors.push(err(
                Some(field.span()),
                format!(
                    "default `{}` is {given:?}, not one of: {}{hint}",
                    field.get_ref(),
                    accepted.join(", ")
                ),
            ));
            continue;
        }
        match kind.map(|kind| typed(kind, value)) {
            Some(Err(what)) => errors.push(err(
                Some(field.span()),
                format!("default `{}` is {what}", field.get_ref()),
            )),
            _ => defaults.push((
                field.get_ref().clone(),
                toml_json(value),
                own_defaults.contains(field.get_ref()).then(|| field.span()),
            )),
        }
    }
    for required in ["name", "vehicle", "asset_class"] {
        let fed = columns.iter().any(|c| c.field == required)
            || defaults.iter().any(|(f, ..)| f == required);
        if !fed {
            errors.push(
                err(
                    Some(0..0),
                    format!("nothing feeds `{required}`, which every option needs"),
                )
                .with_help(format!(
                    "map a column to it under [columns], or give [defaults] {required} = …"
                )),
            );
        }
    }
    let skip_patterns = raw
        .lineup
        .skip
        .clone()
        .unwrap_or_else(|| vec![TOTAL_ROW.to_owned()]);
    let mut skip = Vec::new();
    for p in skip_patterns {
        match regex::RegexBuilder::new(&p)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
        {
            Ok(r) => skip.push(r),
            Err(e) => errors.push(err(
                Some(0..0),
                format!("skip pattern {p:?} is not a regular expression: {e}"),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Mapping {
        sheet: raw.lineup.sheet.clone(),
        header_row: raw.lineup.header_row,
        skip,
        columns,
        defaults,
        plan: raw.plan.clone(),
        source,
    })
}

/// A preset with a mapping's own settings over it: a column, default or `[lineup]`
/// setting the mapping gives replaces the preset's.
fn extend(base: MappingToml, own: MappingToml) -> MappingToml {
    let mut columns = base.columns;
    for (k, v) in own.columns {
        // a key equal to the preset's keeps the preset's span unless removed first
        columns.remove(&k);
        columns.insert(k, v);
    }
    let mut defaults = base.defaults;
    for (k, v) in own.defaults {
        defaults.remove(&k);
        defaults.insert(k, v);
    }
    let plan = match (base.plan, own.plan) {
        (Some(mut p), Some(o)) => {
            p.extend(o);
            Some(p)
        }
        (p, o) => o.or(p),
    };
    MappingToml {
        extends: None,
        lineup: SourceToml {
            sheet: own.lineup.sheet.or(base.lineup.sheet),
            header_row: own.lineup.header_row.or(base.lineup.header_row),
            skip: own.lineup.skip.or(base.lineup.skip),
        },
        columns,
        defaults,
        plan,
    }
}

/// A mapping's value for a field of `kind`, as the menu's JSON; `Err` says what it is
/// instead. The generated menu is written from these, so a value must be of its
/// field's type: a "date" that is text with a line break would write TOML of its own.
pub(super) fn typed(kind: &Kind, v: &toml::Value) -> Result<Value, String> {
    use toml::Value as T;
    let shown = || match v {
        T::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    let ok = match (kind, v) {
        (Kind::Number, T::Integer(_)) | (Kind::Integer, T::Integer(_)) => true,
        (Kind::Number, T::Float(f)) => f.is_finite(),
        (Kind::Bool, T::Boolean(_)) => true,
        (Kind::Date, T::Datetime(_)) => true,
        (Kind::Date, T::String(s)) => s.parse::<toml::value::Datetime>().is_ok(),
        (Kind::Text | Kind::Choice(_), T::String(_)) => true,
        (Kind::List, T::Array(a)) => a.iter().all(T::is_str),
        _ => false,
    };
    let want = match kind {
        Kind::Number => "a finite number",
        Kind::Integer => "a whole number",
        Kind::Bool => "true or false",
        Kind::Date => "a date",
        Kind::Text | Kind::Choice(_) => "text",
        Kind::List => "a list of text",
    };
    if ok {
        Ok(toml_json(v))
    } else {
        Err(format!("{}, not {want}", shown()))
    }
}

/// A mapping's TOML value as the menu's JSON (dates become ISO text).
pub(super) fn toml_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), toml_json(v))).collect())
        }
        other => serde_json::to_value(other).unwrap_or(Value::Null),
    }
}

/// Reads a plan file for a lineup: `[plan]` and, optionally, `[[waivers]]` and the
/// facts per fund an overlay gives (`[[options]]`, which the overlay module reads).
pub(crate) fn parse_plan(source: &SourceFile) -> Result<toml::Table, Box<Finding>> {
    let err = |span: Option<Span>, msg: String| {
        Finding::input_error(Code::Lineup, msg, Some(source), span).with_label("here")
    };
    let table: toml::Table = toml::from_str(source.text()).map_err(|e| {
        Box::new(err(
            e.span().or(Some(0..0)),
            format!("{} is not TOML: {}", source.name(), e.message()),
        ))
    })?;
    if let Some(k) = table
        .keys()
        .find(|k| !matches!(k.as_str(), "plan" | "waivers" | "options"))
    {
        return Err(Box::new(err(
            Some(0..0),
            format!("a plan file holds [plan], [[waivers]] and facts per fund ([[options]] with `for`) only, not `{k}`"),
        )));
    }
    let known = schema_json()["$defs"]["plan"]["properties"]
        .as_object()
        .map(|m| m.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(k) = table
        .get("plan")
        .and_then(toml::Value::as_table)
        .and_then(|p| p.keys().find(|k| !known.contains(k)))
    {
        let hint = crate::diag::meant(crate::diag::suggest_ignoring_case(
            k,
            known.iter().map(String::as_str),
        ));
        // the key's own place, from the parsed file (a text search could land inside
        // another key: `url` in `glossary_url`)
        let at = crate::menu::load::parse(source.clone())
            .ok()
            .and_then(|doc| {
                let path = crate::diag::MenuPath::root().key("plan").key(k);
                doc.spans.get(&path).and_then(|s| s.key.clone())
            });
        return Err(Box::new(err(
            at.or(Some(0..0)),
            format!("`{k}` is not a key of [plan]{hint}"),
        )));
    }
    if !table.get("plan").is_some_and(toml::Value::is_table) {
        return Err(Box::new(
            err(
                Some(0..0),
                "a plan file needs a [plan] table (name, sponsor, …)".to_owned(),
            )
            .with_help("see the menu format's [plan] table in the README"),
        ));
    }
    Ok(table)
}

/// A preset's mapping, or `None` when no preset has the name.
pub fn preset(name: &str) -> Option<SourceFile> {
    PRESETS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(n, text)| SourceFile::new(format!("<preset {n}>"), *text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The presets read as mappings validate against the schema editors use, and the
    /// schema names the mapping's tables.
    #[test]
    fn the_mapping_schema_is_the_mapping_format() {
        let schema: serde_json::Value = serde_json::from_str(MAPPING_SCHEMA).unwrap();
        let mut tables: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        tables.sort();
        assert_eq!(tables, ["columns", "defaults", "extends", "lineup", "plan"]);
        let validator = jsonschema::validator_for(&schema).unwrap();
        for (name, text) in PRESETS {
            let value: toml::Table = toml::from_str(text).unwrap();
            let json = serde_json::to_value(&value).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{name}: {errors:#?}");
            assert!(toml::from_str::<MappingToml>(text).is_ok(), "{name}");
        }
        let wrong = serde_json::json!({ "columns": { "ticker": { "unit": "pounds" } } });
        assert!(!validator.is_valid(&wrong));
        // every unit the schema offers is one the reader takes for some field, and the
        // reader takes no other
        let units = &schema["properties"]["columns"]["additionalProperties"]["oneOf"][1]
            ["properties"]["unit"]["enum"];
        let fields = [("expense_ratio_pct", "percent"), ("assets_usd", "dollars")];
        for unit in [
            "percent",
            "fraction",
            "bp",
            "dollars",
            "thousands",
            "millions",
            "pounds",
        ] {
            let offered = units.as_array().unwrap().iter().any(|u| u == unit);
            let read = fields.iter().any(|(field, _)| {
                let text = format!(
                    "extends = \"recordkeeper\"\n[columns]\n{field} = {{ header = \"H\", unit = \"{unit}\" }}\n"
                );
                parse_mapping(SourceFile::new("m.toml", text)).is_ok()
            });
            assert_eq!(offered, read, "{unit}");
        }
    }
}
