//! Stage 1: read a menu file and parse its TOML into a JSON value plus a map of spans.
//!
//! The JSON value feeds schema validation and the typed model; the [`SpanIndex`]
//! lets every later stage point back at the exact key or value in the file.

use crate::diag::{Code, Finding, MenuPath, SourceFile, Span};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// Default largest menu file accepted, in bytes.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Deepest nesting of arrays and tables accepted; real menus use four levels.
pub const MAX_DEPTH: usize = 64;

/// Spans of one key/value pair in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpan {
    /// The key, when the value has one (array elements do not).
    pub key: Option<Span>,
    /// The value; for a `[table]` or `[[array]]` element, its header.
    pub value: Span,
}

/// Menu paths to their spans.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    spans: HashMap<MenuPath, NodeSpan>,
}

impl SpanIndex {
    pub fn get(&self, path: &MenuPath) -> Option<&NodeSpan> {
        self.spans.get(path)
    }

    /// The span of `path`, or of its nearest ancestor that exists in the file, with
    /// the path found.
    ///
    /// A rule about a missing field (no `benchmark`) then labels the option that lacks it.
    pub fn nearest(&self, path: &MenuPath) -> Option<(MenuPath, &NodeSpan)> {
        let mut p = path.clone();
        loop {
            if let Some(v) = self.spans.get(&p) {
                return Some((p, v));
            }
            p = p.parent()?;
        }
    }
}

/// A parsed menu: its source, its data as JSON, and where every value is.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: SourceFile,
    pub value: Value,
    pub spans: SpanIndex,
}

/// Reads a file as UTF-8 text within a size limit; errors are findings without a span
/// (or, for bad UTF-8, at the first bad byte).
pub fn read_source(path: &Path, max_size: u64) -> Result<SourceFile, Box<Finding>> {
    let name = path.display().to_string();
    // errors before the text is read have no place in it
    let unplaced = |code: Code, msg: String| Box::new(Finding::input_error(code, msg, None, None));
    let cannot_read = |e: std::io::Error| unplaced(Code::Io, format!("cannot read {name}: {e}"));
    let meta = std::fs::metadata(path).map_err(cannot_read)?;
    if meta.is_dir() {
        return Err(unplaced(Code::Io, format!("{name} is a directory")));
    }
    if meta.len() > max_size {
        let f = unplaced(
            Code::TooLarge,
            format!(
                "{name} is {} bytes, over the limit of {max_size} bytes",
                meta.len()
            ),
        );
        return Err(Box::new(f.with_help(
            "a menu is a few kilobytes; raise the limit with --max-file-size if this file is genuine",
        )));
    }
    use std::io::Read;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        // the size can change between stat and read: never read past the limit
        .and_then(|f| f.take(max_size + 1).read_to_end(&mut bytes))
        .map_err(cannot_read)?;
    if bytes.len() as u64 > max_size {
        return Err(unplaced(
            Code::TooLarge,
            format!("{name} is over the limit of {max_size} bytes"),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // in the lossy text the bad byte sits where the valid prefix ends
            let src = SourceFile::new(name.clone(), lossy);
            Err(Box::new(
                Finding::input_error(
                    Code::Encoding,
                    format!("{name} is not valid UTF-8"),
                    Some(&src),
                    Some(valid..valid + 1),
                )
                .with_label("this byte is not UTF-8")
                .with_help("TOML files must be UTF-8; re-save the file as UTF-8"),
            ))
        }
    }
}

/// Parses TOML into a [`Document`]; every syntax error becomes a finding.
pub fn parse(source: SourceFile) -> Result<Document, Vec<Finding>> {
    let text = source.text();
    // a UTF-8 byte-order mark is not TOML; skip it and shift spans past it
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (root, errors) = DeTable::parse_recoverable(&text[bom..]);
    if !errors.is_empty() {
        let findings = errors
            .iter()
            .map(|e| {
                // a few parser errors (its recursion limit) carry no span: point at the start
                let span = e.span().map_or(bom..bom, |s| s.start + bom..s.end + bom);
                let message = match e.message().trim() {
                    "recursion limit" => "keys or values nest too deeply (parser recursion limit)",
                    m => m,
                };
                Finding::input_error(Code::Syntax, message, Some(&source), Some(span))
                    .with_label("invalid TOML")
                    .with_help("fix the TOML syntax; see https://toml.io/en/v1.0.0")
            })
            .collect();
        return Err(dedup_sorted(findings));
    }
    let mut spans = SpanIndex::default();
    let mut path = MenuPath::root();
    let mut errors = Vec::new();
    let value = table_to_json(
        root.get_ref(),
        &mut path,
        &mut spans,
        bom,
        0,
        &source,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(dedup_sorted(errors));
    }
    Ok(Document {
        source,
        value,
        spans,
    })
}

fn dedup_sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    findings
}

fn table_to_json(
    table: &DeTable<'_>,
    path: &mut MenuPath,
    spans: &mut SpanIndex,
    shift: usize,
    depth: usize,
    source: &SourceFile,
    errors: &mut Vec<Finding>,
) -> Value {
    let mut map = Map::new();
    for (key, value) in table.iter() {
        path.push_key(key.get_ref());
        let ks = key.span();
        let vs = value.span();
        spans.spans.insert(
            path.clone(),
            NodeSpan {
                key: Some(ks.start + shift..ks.end + shift),
                value: vs.start + shift..vs.end + shift,
            },
        );
        let v = value_to_json(
            value.get_ref(),
            path,
            spans,
            shift,
            depth + 1,
            source,
            errors,
        );
        map.insert(key.get_ref().to_string(), v);
        path.pop();
    }
    Value::Object(map)
}

fn value_to_json(
    value: &DeValue<'_>,
    path: &mut MenuPath,
    spans: &mut SpanIndex,
    shift: usize,
    depth: usize,
    source: &SourceFile,
    errors: &mut Vec<Finding>,
) -> Value {
    if depth > MAX_DEPTH {
        if errors.is_empty() {
            let span = spans.get(path).map(|s| s.value.clone());
            errors.push(
                Finding::input_error(
                    Code::TooDeep,
                    format!("values nest more than {MAX_DEPTH} levels deep"),
                    Some(source),
                    span,
                )
                .with_path(path.clone()),
            );
        }
        return Value::Null;
    }
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Number(n.into()),
            Err(_) => {
                let span = spans.get(path).map(|s| s.value.clone());
                errors.push(
                    Finding::input_error(
                        Code::Syntax,
                        format!("integer {i} does not fit in 64 bits"),
                        Some(source),
                        span,
                    )
                    .with_path(path.clone()),
                );
                Value::Null
            }
        },
        DeValue::Float(f) => {
            let parsed = f.as_str().parse::<f64>().ok();
            match parsed.and_then(Number::from_f64) {
                Some(n) => Value::Number(n),
                None => {
                    let span = spans.get(path).map(|s| s.value.clone());
                    errors.push(
                        Finding::input_error(
                            Code::Schema,
                            format!("{f} is not a finite number"),
                            Some(source),
                            span,
                        )
                        .with_path(path.clone())
                        .with_label("not a finite number")
                        .with_help("percentages and amounts must be finite numbers; nan and inf are not allowed"),
                    );
                    Value::Null
                }
            }
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        // TOML dates become ISO strings so the schema's `format: date` can check them
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push_index(i);
                let s = item.span();
                spans.spans.insert(
                    path.clone(),
                    NodeSpan {
                        key: None,
                        value: s.start + shift..s.end + shift,
                    },
                );
                out.push(value_to_json(
                    item.get_ref(),
                    path,
                    spans,
                    shift,
                    depth + 1,
                    source,
                    errors,
                ));
                path.pop();
            }
            Value::Array(out)
        }
        DeValue::Table(t) => table_to_json(t, path, spans, shift, depth, source, errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        parse(SourceFile::new("t.toml", text)).expect("parses")
    }

    #[test]
    fn spans_cover_keys_values_and_nested_paths() {
        let text = "schema_version = 1\n[[options]]\nid = \"a\"\n[[options]]\nid = \"b\"\nexposure = { crypto_pct = 2.5, crypto_assets = [\"BTC\"] }\n";
        let d = doc(text);
        let span = |p: &str| {
            d.spans
                .get(&MenuPath::parse(p).unwrap())
                .unwrap()
                .value
                .clone()
        };
        let at = |p: &str| &text[span(p)];
        assert_eq!(at("options[1].id"), "\"b\"");
        assert_eq!(at("options[1]"), "[[options]]");
        assert_eq!(at("options[1].exposure.crypto_pct"), "2.5");
        assert_eq!(at("options[1].exposure.crypto_assets[0]"), "\"BTC\"");
        let loc = d.source.location(&span("options[1].exposure.crypto_pct"));
        assert_eq!((loc.line, loc.column), (6, 27));
        assert_eq!(d.value["options"][1]["exposure"]["crypto_pct"], 2.5);
    }

    #[test]
    fn nearest_walks_up_to_an_existing_ancestor() {
        let d = doc("[[options]]\nid = \"a\"\n");
        let path = |p: &str| MenuPath::parse(p).unwrap();
        let (p, _) = d
            .spans
            .nearest(&path("options[0].disclosures.fee_url"))
            .unwrap();
        assert_eq!(p, MenuPath::option(0));
        assert!(d.spans.nearest(&path("plan.name")).is_none());
    }

    #[test]
    fn all_syntax_errors_are_reported_with_positions() {
        let errs = parse(SourceFile::new("t.toml", "a = \nb = 1\nc = [1,\n")).unwrap_err();
        assert!(!errs.is_empty());
        assert!(errs
            .iter()
            .all(|f| f.code() == Some(Code::Syntax) && f.location.is_some()));
        assert_eq!(errs[0].location.unwrap().line, 1);
    }

    #[test]
    fn dates_become_strings_and_nan_is_refused() {
        let d = doc("d = 2026-01-01\n");
        assert_eq!(d.value["d"], "2026-01-01");
        let errs = parse(SourceFile::new("t.toml", "x = nan\n")).unwrap_err();
        assert_eq!(errs[0].location.unwrap().column, 5);
    }
}
