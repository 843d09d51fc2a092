//! Stage 1: read a menu file and parse its TOML into a JSON value plus a map of spans.
//!
//! The JSON value feeds schema validation and the typed model; the [`SpanIndex`]
//! lets every later stage point back at the exact key or value in the file.

use crate::diag::{Code, Finding, MenuPath, Segment, SourceFile, Span};
use serde_json::{Map, Number, Value};
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// Default largest menu file accepted, in bytes.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Deepest nesting of arrays and tables accepted; real menus use four levels.
pub(crate) const MAX_DEPTH: usize = 64;

/// Spans of one key/value pair in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpan {
    /// The key, when the value has one (array elements do not).
    pub key: Option<Span>,
    /// The value; for a `[table]` or `[[array]]` element, its header.
    pub value: Span,
}

/// Where every value of a document is: a tree shaped like the document, so a
/// lookup walks the path's segments and building it copies no paths.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    root: SpanNode,
}

#[derive(Debug, Clone, Default)]
struct SpanNode {
    span: Option<NodeSpan>,
    /// A table's entries, in file order (tables are small: a scan beats a hash).
    keys: Vec<(Box<str>, SpanNode)>,
    /// An array's elements.
    items: Vec<SpanNode>,
}

impl SpanNode {
    fn child(&self, seg: &Segment) -> Option<&SpanNode> {
        match seg {
            Segment::Key(k) => self
                .keys
                .iter()
                .find(|(name, _)| **name == **k)
                .map(|(_, n)| n),
            Segment::Index(i) => self.items.get(*i),
        }
    }
}

impl SpanIndex {
    /// The spans of the value at `path`; `None` when the file does not write it.
    pub fn get(&self, path: &MenuPath) -> Option<&NodeSpan> {
        let mut node = &self.root;
        for seg in path.segments() {
            node = node.child(seg)?;
        }
        node.span.as_ref()
    }

    /// The span of `path`, or of its nearest ancestor that exists in the file, with
    /// the path found.
    ///
    /// A rule about a missing field (no `benchmark`) then labels the option that lacks it.
    pub fn nearest(&self, path: &MenuPath) -> Option<(MenuPath, &NodeSpan)> {
        let mut node = &self.root;
        let mut found = None;
        for (depth, seg) in path.segments().iter().enumerate() {
            let Some(next) = node.child(seg) else { break };
            node = next;
            if let Some(span) = &node.span {
                found = Some((depth + 1, span));
            }
        }
        let (depth, span) = found?;
        Some((path.prefix(depth), span))
    }
}

/// A parsed menu: its source, its data as JSON, and where every value is.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file as read.
    pub source: SourceFile,
    /// Its data as JSON (TOML dates as `YYYY-MM-DD` strings) for the schema and model.
    pub value: Value,
    /// Where every key and value is in the file.
    pub spans: SpanIndex,
}

/// Reads a file as UTF-8 text within a size limit; errors are findings without a span
/// (or, for bad UTF-8, at the first bad byte).
pub(crate) fn read_source(path: &Path, max_size: u64) -> Result<SourceFile, Box<Finding>> {
    let (name, bytes) = read_bytes(path, max_size)?;
    utf8_source(name, bytes)
}

/// Reads a file a spreadsheet exported (a history CSV) within a size limit: UTF-8,
/// UTF-16 with its byte-order mark, or Windows-1252 when no byte of it is UTF-8. A
/// UTF-8 file with one byte that is not is refused at that byte, never garbled.
/// Returns the text and the SHA-256 of the bytes read, which the text may not be.
pub(crate) fn read_export(
    path: &Path,
    max_size: u64,
) -> Result<(SourceFile, String), Box<Finding>> {
    let (name, bytes) = read_bytes(path, max_size)?;
    let sha256 = crate::diag::sha256_hex(&bytes);
    if super::encoding::stray_byte(&bytes).is_some() {
        // UTF-8 but for a byte: the UTF-8 reading says where
        return utf8_source(name, bytes).map(|source| (source, sha256));
    }
    Ok((
        SourceFile::new(name, super::encoding::decode(&bytes).0),
        sha256,
    ))
}

/// A file's bytes within a size limit, read from a regular file only, once (what is
/// hashed for the audit is what was judged).
pub(crate) fn read_bytes(path: &Path, max_size: u64) -> Result<(String, Vec<u8>), Box<Finding>> {
    let name = crate::diag::display_path(path);
    // errors before the text is read have no place in it
    let unplaced = |code: Code, msg: String| Box::new(Finding::input_error(code, msg, None, None));
    let cannot_read = |e: std::io::Error| unplaced(Code::Io, format!("cannot read {name}: {e}"));
    let meta = std::fs::metadata(path).map_err(cannot_read)?;
    if meta.is_dir() {
        return Err(unplaced(Code::Io, format!("{name} is a directory")));
    }
    if !meta.is_file() {
        // a FIFO or a device would block or never end
        return Err(Box::new(
            unplaced(Code::Io, format!("{name} is not a regular file")).with_help(
                "menus, lineups, configs and rule packs are read from regular files only",
            ),
        ));
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
            "a menu or a lineup is a few kilobytes; raise the limit with --max-file-size if this file is genuine",
        )));
    }
    use std::io::Read;
    let mut bytes = Vec::with_capacity(meta.len().min(max_size) as usize);
    std::fs::File::open(path)
        // the size can change between stat and read: never read past the limit
        .and_then(|f| f.take(max_size.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(cannot_read)?;
    if bytes.len() as u64 > max_size {
        return Err(unplaced(
            Code::TooLarge,
            format!("{name} is over the limit of {max_size} bytes"),
        ));
    }
    Ok((name, bytes))
}

/// UTF-8 bytes as a source file, or the first byte that is not UTF-8, located.
fn utf8_source(name: String, bytes: Vec<u8>) -> Result<SourceFile, Box<Finding>> {
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
    let mut builder = Builder {
        shift: bom,
        source: &source,
        errors: Vec::new(),
        stack: Vec::new(),
    };
    let mut spans = SpanIndex::default();
    let value = builder.table(root.get_ref(), &mut spans.root, 0);
    if !builder.errors.is_empty() {
        return Err(dedup_sorted(builder.errors));
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

/// One step of the path being built, borrowed from the parsed table.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Turns the parsed TOML into JSON and the span tree in one walk.
struct Builder<'s, 'a> {
    shift: usize,
    source: &'s SourceFile,
    errors: Vec<Finding>,
    /// Where the walk is; made into a [`MenuPath`] only for an error.
    stack: Vec<Step<'a>>,
}

impl<'a> Builder<'_, 'a> {
    fn span(&self, s: std::ops::Range<usize>) -> Span {
        s.start + self.shift..s.end + self.shift
    }

    fn path(&self) -> MenuPath {
        let mut p = MenuPath::root();
        for step in &self.stack {
            match step {
                Step::Key(k) => p.push_key(k),
                Step::Index(i) => p.push_index(*i),
            }
        }
        p
    }

    fn error(&mut self, code: Code, message: String, node: &SpanNode) -> Finding {
        let span = node.span.as_ref().map(|s| s.value.clone());
        Finding::input_error(code, message, Some(self.source), span).with_path(self.path())
    }

    fn table(&mut self, table: &'a DeTable<'_>, node: &mut SpanNode, depth: usize) -> Value {
        let mut map = Map::new();
        node.keys.reserve(table.len());
        for (key, value) in table.iter() {
            let mut child = SpanNode {
                span: Some(NodeSpan {
                    key: Some(self.span(key.span())),
                    value: self.span(value.span()),
                }),
                ..SpanNode::default()
            };
            self.stack.push(Step::Key(key.get_ref()));
            let v = self.value(value.get_ref(), &mut child, depth + 1);
            self.stack.pop();
            map.insert(key.get_ref().to_string(), v);
            node.keys.push((key.get_ref().as_ref().into(), child));
        }
        Value::Object(map)
    }

    fn value(&mut self, value: &'a DeValue<'_>, node: &mut SpanNode, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            if self.errors.is_empty() {
                let f = self.error(
                    Code::TooDeep,
                    format!("values nest more than {MAX_DEPTH} levels deep"),
                    node,
                );
                self.errors.push(f);
            }
            return Value::Null;
        }
        match value {
            DeValue::String(s) => Value::String(s.to_string()),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Value::Number(n.into()),
                Err(_) => {
                    let f = self.error(
                        Code::Syntax,
                        format!("integer {i} does not fit in 64 bits"),
                        node,
                    );
                    self.errors.push(f);
                    Value::Null
                }
            },
            DeValue::Float(f) => {
                let parsed = f.as_str().parse::<f64>().ok();
                match parsed.and_then(Number::from_f64) {
                    Some(n) => Value::Number(n),
                    None => {
                        let e = self
                            .error(Code::Schema, format!("{f} is not a finite number"), node)
                            .with_label("not a finite number")
                            .with_help("percentages and amounts must be finite numbers; nan and inf are not allowed");
                        self.errors.push(e);
                        Value::Null
                    }
                }
            }
            DeValue::Boolean(b) => Value::Bool(*b),
            // TOML dates become ISO strings so the schema's `format: date` can check them;
            // a year outside the range menulint accepts is a typo (0000, 2999)
            DeValue::Datetime(d) => {
                if let Some(date) = d.date {
                    if !crate::date::YEARS.contains(&i32::from(date.year)) {
                        let e = self
                            .error(
                                Code::Schema,
                                format!(
                                    "{d} is out of range: dates must fall in the years {} to {}",
                                    crate::date::YEARS.start(),
                                    crate::date::YEARS.end()
                                ),
                                node,
                            )
                            .with_label("year out of range")
                            .with_help("check the year");
                        self.errors.push(e);
                    }
                }
                Value::String(d.to_string())
            }
            DeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                node.items.reserve(items.len());
                for (i, item) in items.iter().enumerate() {
                    let mut child = SpanNode {
                        span: Some(NodeSpan {
                            key: None,
                            value: self.span(item.span()),
                        }),
                        ..SpanNode::default()
                    };
                    self.stack.push(Step::Index(i));
                    out.push(self.value(item.get_ref(), &mut child, depth + 1));
                    self.stack.pop();
                    node.items.push(child);
                }
                Value::Array(out)
            }
            DeValue::Table(t) => self.table(t, node, depth),
        }
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
