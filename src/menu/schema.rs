//! Stage 2: check a parsed menu against the menu JSON Schema (`schemas/menu.schema.json`).

use super::load::Document;
use crate::diag::{Code, Finding, MenuPath};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::sync::OnceLock;

/// The menu format's JSON Schema, as shipped in the binary.
pub const MENU_SCHEMA: &str = include_str!("../../schemas/menu.schema.json");

struct Compiled {
    schema: Value,
    validator: jsonschema::Validator,
}

fn compiled() -> &'static Compiled {
    static SCHEMA: OnceLock<Compiled> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        // the schema is ours and tested; failing here is a build defect, not user input
        let schema: Value = serde_json::from_str(MENU_SCHEMA).expect("embedded schema is JSON");
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("embedded schema compiles");
        Compiled { schema, validator }
    })
}

/// Every schema violation in the document, each labelled at its key or value.
pub fn validate(doc: &Document) -> Vec<Finding> {
    let c = compiled();
    let mut findings = Vec::new();
    for err in c.validator.iter_errors(&doc.value) {
        let path = menu_path(&doc.value, err.instance_path().as_str());
        match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = allowed_keys(&c.schema, err.schema_path().as_str());
                for key in unexpected {
                    let key_path = path.clone().key(key);
                    let span = doc
                        .spans
                        .get(&key_path)
                        .map(|s| s.key.clone().unwrap_or(s.value.clone()));
                    let within = describe(&path);
                    let help = match closest(key, &allowed) {
                        Some(s) => format!("did you mean `{s}`? A misspelt key would otherwise be silently ignored"),
                        None => format!("allowed keys here: {}", allowed.join(", ")),
                    };
                    findings.push(
                        Finding::input_error(
                            Code::Schema,
                            format!("unknown key `{key}` in {within}"),
                            Some(&doc.source),
                            span,
                        )
                        .with_path(key_path)
                        .with_label("unknown key")
                        .with_help(help),
                    );
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
                findings.push(
                    Finding::input_error(
                        Code::Schema,
                        format!("{what}: {err}"),
                        Some(&doc.source),
                        span,
                    )
                    .with_path(path)
                    .with_label(label_for(err.kind()))
                    .with_help(help_for(err.kind())),
                );
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

/// The allowed key closest to a misspelt one, if any is close enough to be a typo.
fn closest<'a>(key: &str, allowed: &'a [String]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (strsim::damerau_levenshtein(key, a), a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min()
        .map(|(_, a)| a.as_str())
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

    #[test]
    fn dates_must_be_real_dates() {
        let f = findings(&format!("{HEAD}inception_date = \"2026-13-40\"\n"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path.to_string(), "options[0].inception_date");
    }
}
