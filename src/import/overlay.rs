//! Facts a lineup export lacks — custody, disclosures, exposure, a selection record
//! — kept beside it, so they survive every re-import: `[[options]]` entries in the
//! plan file or an overlay file of their own, each naming its fund by ticker, CUSIP,
//! ISIN or id with `for`.
//!
//! ```toml
//! [[options]]
//! for = "IBIT"
//! custody = { custodian = "Coinbase Custody Trust Company", qualified_custodian = true }
//! ```

use super::convert::{Fact, Lineup, LineupOption};
use crate::diag::{Code, Finding, MenuPath, SourceFile, Span};
use crate::menu::load::Document;
use crate::menu::schema::schema_json;
use serde_json::{Map, Value};

/// A file of facts, read with the place of every value.
#[derive(Debug, Clone)]
pub struct Overlay {
    doc: Document,
}

fn error(source: &SourceFile, span: Option<Span>, msg: String) -> Finding {
    Finding::input_error(Code::Lineup, msg, Some(source), span)
        .with_label("here")
        .in_file(source)
}

impl Overlay {
    /// Reads the `[[options]]` of a plan or overlay file; `None` when it has none.
    /// Each entry must name its fund with `for` and give only option fields.
    pub fn parse(source: SourceFile) -> Result<Option<Overlay>, Vec<Finding>> {
        let doc = crate::menu::load::parse(source.clone()).map_err(|fs| {
            fs.into_iter()
                .map(|f| f.in_file(&source))
                .collect::<Vec<_>>()
        })?;
        let Some(entries) = doc.value.get("options") else {
            return Ok(None);
        };
        let at = |path: &MenuPath| {
            doc.spans
                .get(path)
                .map(|s| s.key.clone().unwrap_or(s.value.clone()))
        };
        let Some(entries) = entries.as_array() else {
            return Err(vec![error(
                &source,
                at(&MenuPath::root().key("options")),
                "`options` must be [[options]] entries, one per fund".into(),
            )]);
        };
        let known: Vec<String> = schema_json()["$defs"]["option"]["properties"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let mut errors = Vec::new();
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (k, e) in entries.iter().enumerate() {
            let here = MenuPath::root().key("options").index(k);
            let Some(e) = e.as_object() else {
                errors.push(error(
                    &source,
                    at(&here),
                    "an [[options]] entry must be a table".into(),
                ));
                continue;
            };
            match e.get("for").map(|v| v.as_str().map(str::trim)) {
                Some(None) => errors.push(
                    error(
                        &source,
                        at(&here.clone().key("for")),
                        "`for` must be text: the fund's ticker, CUSIP, ISIN or id in quotes".into(),
                    )
                    .with_help("for = \"315911750\" (a CUSIP in quotes keeps its leading zeros)"),
                ),
                Some(Some(key)) if !key.is_empty() => {
                    let lower = key.to_ascii_lowercase();
                    if let Some((_, first)) = seen.iter().find(|(s, _)| *s == lower) {
                        errors.push(
                            error(
                                &source,
                                at(&here.clone().key("for")),
                                format!(
                                    "`{key}` has a second entry (the first is entry {})",
                                    first + 1
                                ),
                            )
                            .with_help("give each fund's facts in one [[options]] entry"),
                        );
                    }
                    seen.push((lower, k));
                }
                _ => errors.push(
                    error(
                        &source,
                        at(&here),
                        "an [[options]] entry needs `for`: the fund's ticker, CUSIP, ISIN or id"
                            .into(),
                    )
                    .with_help("for = \"IBIT\""),
                ),
            }
            for key in e.keys().filter(|k| k.as_str() != "for") {
                if key == "id" {
                    errors.push(error(
                        &source,
                        at(&here.clone().key(key)),
                        "an overlay cannot change a fund's `id`: the lineup gives it".into(),
                    ));
                } else if !known.contains(key) {
                    let hint = crate::diag::meant(crate::diag::suggest_ignoring_case(
                        key,
                        known.iter().map(String::as_str),
                    ));
                    errors.push(error(
                        &source,
                        at(&here.clone().key(key)),
                        format!("`{key}` is not an option field of the menu format{hint}"),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(Some(Overlay { doc }))
        } else {
            Err(errors)
        }
    }

    /// Reads an overlay file: `[[options]]` entries and nothing else.
    pub(crate) fn parse_file(source: SourceFile) -> Result<Overlay, Vec<Finding>> {
        let overlay = Overlay::parse(source.clone())?;
        let doc = match &overlay {
            Some(o) => &o.doc,
            None => {
                return Err(vec![error(
                    &source,
                    Some(0..0),
                    format!(
                        "{} has no [[options]]: an overlay gives facts per fund",
                        source.name()
                    ),
                )
                .with_help(
                    "give each fund its entry: [[options]] with for = \"IBIT\" and the facts, such as custody = { custodian = \"…\", qualified_custodian = true }",
                )])
            }
        };
        let stray: Vec<Finding> = doc
            .value
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys())
            .filter(|k| k.as_str() != "options")
            .map(|k| {
                let span = doc
                    .spans
                    .get(&MenuPath::root().key(k))
                    .map(|s| s.key.clone().unwrap_or(s.value.clone()));
                error(
                    &source,
                    span,
                    format!("an overlay holds [[options]] only, not `{k}`"),
                )
                .with_help("the plan's own facts go in the plan file's [plan]")
            })
            .collect();
        match (overlay, stray.is_empty()) {
            (Some(o), true) => Ok(o),
            _ => Err(stray),
        }
    }

    /// The file the facts were read from: a plan file or an `--overlay` file.
    pub fn source(&self) -> &SourceFile {
        &self.doc.source
    }
}

/// The row, refused for its cells, whose ticker, CUSIP, ISIN or id is `key`.
fn refused_row(lineup: &Lineup, key: &str) -> Option<u32> {
    lineup
        .refused_keys
        .iter()
        .find(|(_, keys)| keys.iter().any(|k| k.eq_ignore_ascii_case(key)))
        .map(|(row, _)| *row)
}

/// Whether an option is the fund `key` names: its ticker, CUSIP or ISIN in any case,
/// or its id.
fn names(o: &LineupOption, key: &str) -> bool {
    ["ticker", "cusip", "isin", "id"].iter().any(|f| {
        o.value
            .get(*f)
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case(key))
    })
}

/// Adds each overlay's facts to the options they name: a table is merged field by
/// field, any other value replaces the lineup's. A `for` that names no row, or names
/// two, is an error at its line.
pub fn apply(lineup: &mut Lineup, overlays: &[Overlay]) -> Vec<Finding> {
    let mut errors = Vec::new();
    // which entry gave each fund its facts: a second one, by another key or in
    // another file, would let the order of entries decide
    let mut given: std::collections::HashMap<usize, (usize, usize)> = Default::default();
    for (n, overlay) in overlays.iter().enumerate() {
        let source = overlay.source();
        let entries = overlay.doc.value["options"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (k, e) in entries.iter().enumerate() {
            let here = MenuPath::root().key("options").index(k);
            let span_of = |p: &MenuPath| overlay.doc.spans.get(p).map(|s| s.value.clone());
            let Some(key) = e.get("for").and_then(Value::as_str).map(str::trim) else {
                continue;
            };
            let hits: Vec<usize> = (0..lineup.options.len())
                .filter(|&i| names(&lineup.options[i], key))
                .collect();
            let for_span = span_of(&here.clone().key("for"));
            let refused = refused_row(lineup, key);
            let i = match (hits.as_slice(), refused) {
                ([i], _) => *i,
                ([], Some(row)) => {
                    errors.push(
                        error(
                            source,
                            for_span,
                            format!(
                                "`{key}` names row {row} of {}, which is refused for its cells: its facts apply once the row reads",
                                lineup.source.name()
                            ),
                        )
                        .with_severity(crate::diag::Severity::Info)
                        .with_label("waits for its row")
                        .with_help("fix the row's cells; keep this entry"),
                    );
                    continue;
                }
                ([], None) => {
                    let ids: Vec<String> = lineup
                        .options
                        .iter()
                        .flat_map(|o| {
                            ["ticker", "id"].map(|f| {
                                o.value
                                    .get(f)
                                    .and_then(Value::as_str)
                                    .unwrap_or("")
                                    .to_owned()
                            })
                        })
                        .filter(|s| !s.is_empty())
                        .collect();
                    let hint = crate::diag::meant(crate::diag::suggest_ignoring_case(
                        key,
                        ids.iter().map(String::as_str),
                    ));
                    errors.push(
                        error(source, for_span, format!("`{key}` names no fund of {}{hint}", lineup.source.name()))
                            .with_help("name the fund by the ticker, CUSIP, ISIN or id the lineup gives it; remove the entry if the fund left the menu"),
                    );
                    continue;
                }
                ([a, b, ..], _) => {
                    errors.push(error(
                        source,
                        for_span,
                        format!(
                            "`{key}` names two funds of the lineup (rows {} and {})",
                            lineup.options[*a].row, lineup.options[*b].row
                        ),
                    ));
                    continue;
                }
            };
            if let Some(&(m, first)) = given.get(&i) {
                let name = lineup.options[i].value.get("name").and_then(Value::as_str);
                errors.push(
                    error(
                        source,
                        for_span,
                        format!(
                            "`{key}` is {}, whose facts entry {} of {} already gives: one entry per fund",
                            name.unwrap_or(key),
                            first + 1,
                            overlays[m].source().name()
                        ),
                    )
                    .with_help("merge the two entries into one, so no fact depends on their order"),
                );
                continue;
            }
            given.insert(i, (n, k));
            let o = &mut lineup.options[i];
            let Some(fields) = e.as_object() else {
                continue;
            };
            let mut set = Vec::new();
            for (field, v) in fields.iter().filter(|(f, _)| f.as_str() != "for") {
                merge(
                    &mut o.value,
                    field,
                    v,
                    field,
                    &here.clone().key(field),
                    &mut set,
                );
            }
            for (field, path) in set {
                if let Some(span) = span_of(&path) {
                    o.facts.push(Fact {
                        field,
                        overlay: n,
                        span,
                    });
                }
            }
        }
    }
    lineup.overlays = overlays.iter().map(|o| o.source().clone()).collect();
    errors
}

/// Sets `key` of `map` to `v`, a table field by field into the table the lineup
/// gave, and lists each field set: its name below the option and its overlay path.
fn merge(
    map: &mut Map<String, Value>,
    key: &str,
    v: &Value,
    name: &str,
    path: &MenuPath,
    set: &mut Vec<(String, MenuPath)>,
) {
    set.push((name.to_owned(), path.clone()));
    match (v, map.get_mut(key)) {
        (Value::Object(add), Some(Value::Object(have))) => {
            for (k, x) in add {
                merge(
                    have,
                    k,
                    x,
                    &format!("{name}.{k}"),
                    &path.clone().key(k),
                    set,
                );
            }
        }
        _ => {
            map.insert(key.to_owned(), v.clone());
            listed(v, name, path, set);
        }
    }
}

/// Lists the fields inside a table an overlay set whole.
fn listed(v: &Value, name: &str, path: &MenuPath, set: &mut Vec<(String, MenuPath)>) {
    if let Value::Object(m) = v {
        for (k, x) in m {
            let (name, path) = (format!("{name}.{k}"), path.clone().key(k));
            set.push((name.clone(), path.clone()));
            listed(x, &name, &path, set);
        }
    }
}
