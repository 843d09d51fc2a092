//! Stage 2: check a parsed menu against the menu JSON Schema (`schemas/menu.schema.json`).

use super::load::Document;
use crate::diag::{Code, Finding, MenuPath};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::sync::OnceLock;

/// The menu format's JSON Schema, as shipped in the binary.
pub const MENU_SCHEMA: &str = include_str!("../../schemas/menu.schema.json");

/// The menu schema, parsed once, for what the validator does not say: rule packs
/// read its field names, and a finding on an unknown key lists the known ones.
pub(crate) fn schema_json() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    // the schema is ours and tested; failing here is a build defect, not user input
    SCHEMA.get_or_init(|| serde_json::from_str(MENU_SCHEMA).expect("embedded schema is JSON"))
}

/// A schema node with its `$ref`s (to `#/$defs/…`) followed.
pub(crate) fn resolve(mut node: &Value) -> &Value {
    let defs = &schema_json()["$defs"];
    while let Some(r) = node.get("$ref").and_then(Value::as_str) {
        node = &defs[r.trim_start_matches("#/$defs/")];
    }
    node
}

// The validator is generated from the schema when menulint is built: building it at
// run time took a millisecond, most of it jsonschema checking the schema against
// its draft's meta-schema, and it was the longest step of a one-menu run. The
// schema declares 2020-12 for its readers but uses only keywords that mean the
// same in draft 7 (a test keeps it so), whose validator is the smaller.
#[jsonschema::validator(path = "schemas/menu.schema.json", draft = Draft7, validate_formats = true)]
struct MenuValidator;

/// Every schema violation in the document, each labelled at its key or value.
pub fn validate(doc: &Document) -> Vec<Finding> {
    let mut findings = Vec::new();
    for err in MenuValidator::iter_errors(&doc.value) {
        let path = menu_path(&doc.value, err.instance_path().as_str());
        match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = allowed_keys(schema_json(), err.schema_path().as_str());
                for key in unexpected {
                    let key_path = path.clone().key(key);
                    let span = doc
                        .spans
                        .get(&key_path)
                        .map(|s| s.key.clone().unwrap_or(s.value.clone()));
                    let within = describe(&path);
                    let suggestion = crate::diag::suggest(key, &allowed);
                    let help = match suggestion {
                        Some(s) => format!("did you mean `{s}`? A misspelt key would otherwise be silently ignored"),
                        None => format!("allowed keys here: {}", allowed.join(", ")),
                    };
                    let f = Finding::input_error(
                        Code::Schema,
                        format!("unknown key `{key}` in {within}"),
                        Some(&doc.source),
                        span,
                    )
                    .with_path(key_path)
                    .with_label("unknown key")
                    .with_help(help)
                    .with_rename(&doc.source, suggestion);
                    findings.push(f);
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let span = doc.spans.get(&path).map(|s| s.value.clone()).or(Some(0..0));
                let within = describe(&path);
                findings.push(
                    Finding::input_error(
                        Code::Schema,
                        format!("missing required key `{name}` in {within}"),
                        Some(&doc.source),
                        span,
                    )
                    .with_path(path)
                    .with_label(format!("`{name}` is required here"))
                    .with_help("see the menu format: `menulint schema` prints every key"),
                );
            }
            _ => {
                let span = doc.spans.get(&path).map(|s| s.value.clone()).or(Some(0..0));
                let what = describe(&path);
                let value = err.instance();
                let mut replacement = None;
                let (message, help) = match err.kind() {
                    // the accepted values, the closest first: `"ETF"` → `etf`
                    ValidationErrorKind::Enum { options } => {
                        let allowed: Vec<String> = options
                            .as_array()
                            .map(|a| {
                                a.iter()
                                    .filter_map(|v| v.as_str().map(str::to_owned))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let given = value.as_str().unwrap_or_default();
                        let lower = given.to_ascii_lowercase().replace([' ', '-'], "_");
                        let best = synonym(&lower)
                            .filter(|s| allowed.iter().any(|a| a == s))
                            .or_else(|| allowed.iter().find(|a| **a == lower).map(String::as_str))
                            .or_else(|| crate::diag::suggest(&lower, &allowed));
                        let message = format!("{what}: {value} is not one of the accepted values");
                        // a string value is replaced by the accepted one, quoted
                        let written = span.as_ref().and_then(|s| doc.source.text().get(s.clone()));
                        if written.is_some_and(|w| w.starts_with('"') || w.starts_with('\'')) {
                            replacement = best.map(|b| format!("\"{b}\""));
                        }
                        let help = match best {
                            Some(b) => {
                                format!("did you mean `{b}`? Accepted: {}", allowed.join(", "))
                            }
                            None => format!("accepted: {}", allowed.join(", ")),
                        };
                        (message, help)
                    }
                    // a pattern in words, not a regular expression
                    ValidationErrorKind::Pattern { pattern } => {
                        let words = pattern_words(pattern);
                        (
                            format!("{what}: {value} is not {words}"),
                            format!("write {words}"),
                        )
                    }
                    _ => (format!("{what}: {err}"), help_for(err.kind()).to_owned()),
                };
                let mut f = Finding::input_error(Code::Schema, message, Some(&doc.source), span)
                    .with_path(path)
                    .with_label(label_for(err.kind()))
                    .with_help(help);
                f.replacement = replacement;
                findings.push(f);
            }
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    findings
}

/// How a message names a place: `the menu` for the root, else the quoted path.
fn describe(path: &MenuPath) -> String {
    if path.is_root() {
        "the menu".to_owned()
    } else {
        format!("`{path}`")
    }
}

fn label_for(kind: &ValidationErrorKind) -> &'static str {
    match kind {
        ValidationErrorKind::Type { .. } => "wrong type",
        ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. } => {
            "not an accepted value"
        }
        ValidationErrorKind::Minimum { .. }
        | ValidationErrorKind::Maximum { .. }
        | ValidationErrorKind::ExclusiveMinimum { .. }
        | ValidationErrorKind::ExclusiveMaximum { .. } => "out of range",
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. } => "malformed",
        _ => "invalid",
    }
}

fn help_for(kind: &ValidationErrorKind) -> &'static str {
    match kind {
        ValidationErrorKind::Type { .. } => "percentages are plain numbers (5.0 means 5 %), money is whole dollars, dates are unquoted TOML dates",
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. } => {
            "percentages are percent numbers between 0 and 100; amounts are not negative"
        }
        _ => "see the menu format: `menulint schema` prints the JSON Schema",
    }
}

/// Converts a JSON pointer into a menu path, using the value to tell indices from keys.
fn menu_path(root: &Value, pointer: &str) -> MenuPath {
    let mut out = MenuPath::root();
    let mut cur = Some(root);
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        match cur {
            Some(Value::Array(items)) => {
                let i = seg.parse::<usize>().unwrap_or(usize::MAX);
                out.push_index(i);
                cur = items.get(i);
            }
            other => {
                out.push_key(&seg);
                cur = other.and_then(|v| v.get(&seg));
            }
        }
    }
    out
}

/// Words people write for a vocabulary value.
fn synonym(word: &str) -> Option<&'static str> {
    Some(match word {
        "bond" | "bonds" | "bond_fund" | "fixed" | "core_bond" => "fixed_income",
        "stock" | "stocks" | "equity" | "large_cap" | "us_stock" => "us_equity",
        "international" | "intl" | "foreign" => "international_equity",
        "crypto" | "bitcoin" | "cryptocurrency" => "digital_asset",
        "tdf" | "target_date_fund" | "lifecycle" | "target_retirement" => "target_date",
        "reit" | "reits" | "property" => "real_estate",
        "mmf" | "cash" | "money_market_fund" => "money_market",
        "tips" => "inflation_protected",
        "mutual" | "open_end_fund" => "mutual_fund",
        "collective_investment_trust" | "collective_trust" => "cit",
        _ => return None,
    })
}

/// What a pattern of the menu schema asks for, in words.
fn pattern_words(pattern: &str) -> String {
    match pattern {
        "^https?://[^\\s]+$" => "a web address starting with http:// or https://".to_owned(),
        "\\S" => "a text with at least one visible character".to_owned(),
        "^[0-9]{2}-[0-9]{7}$" => "an EIN: two digits, a dash, seven digits (12-3456789)".to_owned(),
        "^[0-9]{3}$" => "three digits (001)".to_owned(),
        "^[a-z0-9][a-z0-9_-]*$" => {
            "an id of lowercase letters, digits, - and _, starting with a letter or digit"
                .to_owned()
        }
        "^[A-Z]{1,5}$" => "a ticker of 1 to 5 capital letters".to_owned(),
        "^[0-9A-Z*@#]{9}$" => "a CUSIP: 9 digits or capital letters".to_owned(),
        "^[A-Z]{2}[0-9A-Z]{9}[0-9]$" => {
            "an ISIN: 2 capital letters, 9 digits or capital letters, a digit".to_owned()
        }
        "^[A-Z0-9]{2,10}$" => "a symbol of 2 to 10 capital letters or digits (BTC)".to_owned(),
        "^[A-Z]{3}[0-9]{3}$" => {
            "a rule id: three capital letters and three digits (ABC123)".to_owned()
        }
        other => format!("in the expected form ({other})"),
    }
}

/// The `properties` declared beside the `additionalProperties` keyword that failed.
fn allowed_keys(schema: &Value, schema_path: &str) -> Vec<String> {
    let parent = schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(schema_path);
    let mut keys: Vec<String> = schema
        .pointer(parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;
    use crate::menu::load::parse;

    fn findings(text: &str) -> Vec<Finding> {
        validate(&parse(SourceFile::new("t.toml", text)).unwrap())
    }

    const HEAD: &str = "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n[[options]]\nid = \"a\"\nname = \"A\"\nvehicle = \"etf\"\nasset_class = \"us_equity\"\n";

    /// The validator is built as draft 7: a keyword that 2020-12 has and draft 7
    /// lacks (`prefixItems`, `unevaluatedProperties`, `dependentRequired`, …) would
    /// be ignored, and a check the schema asks for silently skipped.
    #[test]
    fn the_schema_uses_only_keywords_that_mean_the_same_in_draft_7() {
        const SAME: [&str; 23] = [
            "$schema",
            "$id",
            "$defs",
            "$ref",
            "$comment",
            "title",
            "description",
            "type",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "enum",
            "const",
            "minimum",
            "maximum",
            "minLength",
            "maxLength",
            "pattern",
            "format",
            "minItems",
            "uniqueItems",
            // an annotation in both drafts: what the rule view gives a field left out
            "default",
        ];
        // (maps from a name to a schema, whose keys are names, not keywords)
        const NAMED: [&str; 2] = ["properties", "$defs"];
        fn walk(v: &Value, at: &str) {
            match v {
                Value::Object(m) => {
                    if m.contains_key("$ref") {
                        // draft 7 ignores whatever stands beside a `$ref`
                        let beside: Vec<_> = m
                            .keys()
                            .filter(|k| {
                                !["$ref", "description", "title", "$comment", "default"]
                                    .contains(&k.as_str())
                            })
                            .collect();
                        assert!(beside.is_empty(), "{at}: {beside:?} beside $ref");
                    }
                    for (k, child) in m {
                        assert!(SAME.contains(&k.as_str()), "{at}: keyword `{k}`");
                        match (NAMED.contains(&k.as_str()), child) {
                            (true, Value::Object(named)) => {
                                for (name, s) in named {
                                    walk(s, &format!("{at}/{k}/{name}"));
                                }
                            }
                            _ => walk(child, &format!("{at}/{k}")),
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|i| walk(i, at)),
                _ => {}
            }
        }
        walk(schema_json(), "");
    }

    #[test]
    fn a_valid_menu_has_no_findings() {
        assert_eq!(findings(HEAD), vec![]);
    }

    #[test]
    fn misspelt_key_is_labelled_at_the_key_with_a_suggestion() {
        let f = findings(&format!("{HEAD}[options.exposure]\ncrypto_pc = 3.0\n"));
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].message,
            "unknown key `crypto_pc` in `options[0].exposure`"
        );
        assert_eq!(f[0].location.unwrap().line, 11);
        assert!(f[0].help.as_deref().unwrap().contains("`crypto_pct`"));
    }

    #[test]
    fn type_range_and_required_errors_point_at_their_lines() {
        let text = "schema_version = 1\n[plan]\nname = \"P\"\n[[options]]\nid = \"a\"\nname = \"A\"\nvehicle = \"etf\"\nasset_class = \"us_equity\"\nexpense_ratio_pct = \"0.04%\"\n[options.exposure]\ncrypto_pct = 140.0\n";
        let f = findings(text);
        let lines: Vec<_> = f
            .iter()
            .map(|f| (f.location.unwrap().line, f.path.to_string()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (2, "plan".to_owned()),
                (9, "options[0].expense_ratio_pct".to_owned()),
                (11, "options[0].exposure.crypto_pct".to_owned())
            ]
        );
        assert!(f[0].message.contains("`sponsor`"));
    }

    /// What the text and address patterns accept, and words for every pattern's finding.
    #[test]
    fn texts_need_a_visible_character_and_addresses_a_scheme_and_no_space() {
        // the pattern's finding, if any
        let malformed = |key: &str, value: &str| {
            let f = findings(&format!("{HEAD}{key} = {}\n", Value::from(value)));
            let f: Vec<_> = f
                .iter()
                .filter(|f| f.label.as_deref() == Some("malformed"))
                .collect();
            assert!(f.len() <= 1, "{key} = {value:?}: {f:?}");
            f.first().map(|f| f.message.clone())
        };
        for blank in ["", " ", "\t\n", "\u{a0}\u{2003}"] {
            let msg = malformed("benchmark", blank).unwrap_or_else(|| panic!("{blank:?} passes"));
            assert!(msg.contains("at least one visible character"), "{msg}");
        }
        for text in ["x", " S&P 500 ", "\t\u{a0}é"] {
            assert_eq!(malformed("benchmark", text), None, "{text:?}");
        }
        for bad in [
            "example.com",
            "ftp://x",
            "https://",
            "https://a b",
            "https://a\u{a0}b",
        ] {
            let msg = malformed("url", bad).unwrap_or_else(|| panic!("{bad:?} passes"));
            assert!(msg.contains("a web address starting with"), "{msg}");
        }
        for good in ["http://x", "https://example.com/fund?id=1#a"] {
            assert_eq!(malformed("url", good), None, "{good:?}");
        }
        fn walk(v: &Value, patterns: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    patterns.extend(m.get("pattern").and_then(Value::as_str).map(str::to_owned));
                    m.values().for_each(|c| walk(c, patterns));
                }
                Value::Array(a) => a.iter().for_each(|c| walk(c, patterns)),
                _ => {}
            }
        }
        let mut patterns = Vec::new();
        walk(schema_json(), &mut patterns);
        for p in patterns {
            assert!(
                !pattern_words(&p).starts_with("in the expected form"),
                "{p}: no words"
            );
        }
    }

    #[test]
    fn dates_must_be_real_dates() {
        let f = findings(&format!("{HEAD}inception_date = \"2026-13-40\"\n"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path.to_string(), "options[0].inception_date");
    }
}
