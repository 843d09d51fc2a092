//! Quarterly monitoring history: records inside the menu (`[[options.history]]`) or
//! in a CSV file (`--history`), checked row by row and joined to the menu's options.
//! Every bad row is an error at its cell: a committee must never monitor a fund on
//! figures that were silently dropped or misread.

use crate::date::parse_iso;
use crate::diag::{Code, Finding, MenuPath, SourceFile, Span};
use crate::menu::load::Document;
use crate::menu::schema::schema_json;
use crate::menu::{Menu, Quarter};
use chrono::Datelike;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// The column that names the option a row belongs to (its id or its ticker).
pub(crate) const OPTION_COLUMN: &str = "option";

/// A history CSV, parsed and checked, not yet joined to a menu.
#[derive(Debug, Clone)]
pub struct HistoryFile {
    /// The file's text as decoded; findings at its cells quote it.
    pub source: SourceFile,
    /// The file it was read from (outputs must never overwrite it).
    pub path: Option<std::path::PathBuf>,
    /// The file with its hash, for the documents' audit: hashed once, when read.
    pub audited: Option<crate::diag::AuditedFile>,
    rows: Vec<Row>,
}

#[derive(Debug, Clone)]
struct Row {
    option: String,
    option_span: Span,
    quarter: String,
    quarter_span: Span,
    record: Map<String, Value>,
}

/// The kind of value a history column holds, read from the menu schema.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Number,
    Integer,
    Text,
}

struct Columns {
    kinds: BTreeMap<String, Kind>,
    validator: jsonschema::Validator,
}

/// The quarter record's fields and a validator for one record, from the menu
/// schema: the CSV and the menu accept exactly the same values.
fn columns() -> &'static Columns {
    static COLUMNS: OnceLock<Columns> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let schema = schema_json();
        let defs = &schema["$defs"];
        let mut kinds = BTreeMap::new();
        if let Some(props) = defs["quarter"]["properties"].as_object() {
            for (k, v) in props {
                let kind = match crate::menu::schema::resolve(v)["type"].as_str() {
                    Some("number") => Kind::Number,
                    Some("integer") => Kind::Integer,
                    _ => Kind::Text,
                };
                kinds.insert(k.clone(), kind);
            }
        }
        let record = serde_json::json!({ "$defs": defs, "$ref": "#/$defs/quarter" });
        // the schema is ours and tested; failing here is a build defect
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&record)
            .expect("embedded quarter schema compiles");
        Columns { kinds, validator }
    })
}

/// The columns a history CSV may have, in the order the README documents them.
pub(crate) fn column_names() -> Vec<&'static str> {
    std::iter::once(OPTION_COLUMN)
        .chain(columns().kinds.keys().map(String::as_str))
        .collect()
}

fn error(source: &SourceFile, span: Span, msg: String, label: &str) -> Finding {
    Finding::input_error(Code::History, msg, Some(source), Some(span)).with_label(label)
}

/// How a quote broke a CSV row.
pub(crate) struct BrokenQuote {
    /// The cell it starts in.
    pub cell: usize,
    /// A quote never closed (it swallowed the rest of the file), not a stray one.
    pub open: bool,
    pub message: String,
    pub label: &'static str,
    pub help: &'static str,
}

/// Whether a quote broke a CSV row: a cell over several lines is a quote never
/// closed; in a row short of cells (`header_len`, when known), a cell holding commas
/// is a stray quote closed by a later one, which joined cells and shifted every
/// value after them.
pub(crate) fn broken_quote(values: &[&str], header_len: Option<usize>) -> Option<BrokenQuote> {
    if let Some((cell, v)) = values.iter().enumerate().find(|(_, v)| v.contains('\n')) {
        return Some(BrokenQuote {
            cell,
            open: true,
            message: format!(
                "this cell runs over {} lines: a quote opened here is never closed",
                v.matches('\n').count() + 1
            ),
            label: "quote opened here",
            help: "close the quote, or remove it; a CSV cell is one line",
        });
    }
    let header_len = header_len.filter(|&n| values.len() < n)?;
    let cell = values.iter().position(|v| v.contains(','))?;
    Some(BrokenQuote {
        cell,
        open: false,
        message: format!(
            "this row has {} cells where the header has {header_len}, and this cell holds commas: a stray quote joins cells here",
            values.len()
        ),
        label: "cells joined from here",
        help: "remove the stray quote, or quote the whole cell",
    })
}

/// Parses and checks a history CSV: known columns, one value type per column, the
/// schema's ranges, quarter-end dates, and each option's quarters unique and in order.
pub fn parse_csv(source: SourceFile) -> Result<HistoryFile, Vec<Finding>> {
    let text = source.text();
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let cols = columns();
    let mut errors = Vec::new();
    let mut records = super::records::records(text, bom, Some(b'#'));
    let header = match records.next() {
        Some(h) => h,
        None => {
            return Err(vec![error(
                &source,
                0..0,
                format!("{} has no header row", source.name()),
                "empty",
            )
            .with_help(format!(
                "the first row names the columns: {}",
                column_names().join(", ")
            ))])
        }
    };
    let header_spans = &header.spans;
    let mut names: Vec<Option<String>> = Vec::with_capacity(header.fields.len());
    for (i, name) in header.fields.iter().enumerate() {
        let name = name.trim();
        let span = header_spans[i].clone();
        if name.is_empty() {
            names.push(None);
            continue;
        }
        if name != OPTION_COLUMN && !cols.kinds.contains_key(name) {
            let known = column_names();
            let help = match crate::diag::suggest(name, &known) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("the columns are: {}", known.join(", ")),
            };
            errors.push(
                error(
                    &source,
                    span,
                    format!("unknown history column `{name}`"),
                    "unknown column",
                )
                .with_help(help),
            );
        } else if names.iter().flatten().any(|n| n == name) {
            errors.push(error(
                &source,
                span,
                format!("column `{name}` appears twice"),
                "again here",
            ));
        }
        names.push(Some(name.to_owned()));
    }
    for required in [OPTION_COLUMN, "quarter"] {
        if !names.iter().flatten().any(|n| n == required) {
            errors.push(
                error(
                    &source,
                    header_spans.first().cloned().unwrap_or(0..0),
                    format!("the header has no `{required}` column"),
                    "header row",
                )
                .with_help("every row names its option (id or ticker) and its quarter-end date"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(capped(errors, Code::History));
    }
    let mut rows = Vec::new();
    for rec in records {
        // a blank line between blocks of rows is not a row
        if rec.fields.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let spans = rec.spans_for(names.len());
        if rec.fields.len() > names.len() {
            errors.push(error(
                &source,
                spans[names.len()].clone(),
                format!(
                    "this row has {} cells; the header names {} columns",
                    rec.fields.len(),
                    names.len()
                ),
                "extra cell",
            ));
            continue;
        }
        let values: Vec<&str> = rec.fields.iter().map(String::as_str).collect();
        if let Some(b) = broken_quote(&values, Some(names.len())) {
            let s = spans[b.cell].start;
            errors.push(error(&source, s..s + 1, b.message, b.label).with_help(b.help));
            // a quote never closed swallowed the rest of the file
            if b.open {
                break;
            }
            continue;
        }
        let mut record = Map::new();
        let mut option = None;
        let mut row_ok = true;
        for (i, cell) in values.iter().enumerate() {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let span = spans[i].clone();
            let Some(name) = &names[i] else {
                // a figure under no header would be read as nothing: refuse it
                errors.push(
                    error(
                        &source,
                        span,
                        format!("{cell:?} is in a column with no header"),
                        "no column name",
                    )
                    .with_help(format!(
                        "name the column in the header row; the columns are: {}",
                        column_names().join(", ")
                    )),
                );
                row_ok = false;
                continue;
            };
            if name == OPTION_COLUMN {
                option = Some((cell.to_owned(), span));
                continue;
            }
            let value = match cols.kinds.get(name) {
                Some(Kind::Number | Kind::Integer) => {
                    let kind = cols.kinds[name];
                    match cell.parse::<f64>() {
                        // past 2^53 a figure is no longer exact
                        Ok(n)
                            if n.is_finite()
                                && n.abs() <= 9_007_199_254_740_992.0
                                && (kind == Kind::Number || n.fract() == 0.0) =>
                        {
                            serde_json::Number::from_f64(n).map(Value::Number)
                        }
                        _ => None,
                    }
                    .or_else(|| {
                        let what = match cell.parse::<f64>() {
                            Ok(n) if n.is_finite() && n.abs() > 9_007_199_254_740_992.0 => {
                                "a figure small enough to be exact"
                            }
                            _ if kind == Kind::Integer => "a whole number",
                            _ => "a number",
                        };
                        errors.push(
                            error(
                                &source,
                                span.clone(),
                                format!("`{name}`: {cell:?} is not {what}"),
                                "not a number",
                            )
                            .with_help(
                                "write the figure alone, without % or separators: 7.25, not 7.25%",
                            ),
                        );
                        row_ok = false;
                        None
                    })
                }
                _ => Some(Value::String(cell.to_owned())),
            };
            if let Some(v) = value {
                // whole numbers stay integers for the schema's integer columns
                let v = match (cols.kinds.get(name), &v) {
                    (Some(Kind::Integer), Value::Number(n)) => n
                        .as_f64()
                        .map(|f| Value::from(f as i64))
                        .unwrap_or(v.clone()),
                    _ => v,
                };
                record.insert(name.clone(), v);
            }
        }
        let record_value = Value::Object(record.clone());
        for err in cols.validator.iter_errors(&record_value) {
            let field = err
                .instance_path()
                .as_str()
                .trim_start_matches('/')
                .to_owned();
            let col = names
                .iter()
                .position(|n| n.as_deref() == Some(field.as_str()));
            let span = col.map_or(spans[0].clone(), |c| spans[c].clone());
            let msg = if field.is_empty() {
                err.to_string()
            } else {
                format!("`{field}`: {err}")
            };
            errors.push(error(&source, span, msg, "here"));
            row_ok = false;
        }
        let Some((option, option_span)) = option else {
            errors.push(error(
                &source,
                spans[0].clone(),
                "this row names no option".to_owned(),
                "option id or ticker missing",
            ));
            continue;
        };
        if !row_ok {
            continue;
        }
        let quarter_col = names.iter().position(|n| n.as_deref() == Some("quarter"));
        let quarter_span = quarter_col.map_or(0..0, |c| spans[c].clone());
        let quarter = record
            .get("quarter")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        rows.push(Row {
            option,
            option_span,
            quarter,
            quarter_span,
            record,
        });
    }
    // each option's quarters are checked in order once the rows are joined to the
    // menu's options (`join`): an option named by its ticker in some rows and by its
    // id in others is one option, whose quarters only then show a gap or not
    if !errors.is_empty() {
        return Err(capped(errors, Code::History));
    }
    Ok(HistoryFile {
        source,
        path: None,
        audited: None,
        rows,
    })
}

/// At most this many errors are listed for one file: past it, one more says how many
/// were left out (a file with 5,000 bad columns must not print 5,000 snippets).
pub(crate) const MAX_ERRORS: usize = 50;

pub(crate) fn capped(mut errors: Vec<Finding>, code: Code) -> Vec<Finding> {
    if errors.len() > MAX_ERRORS {
        let more = errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
        errors.push(Finding::input_error(
            code,
            format!("… and {more} more errors like these, not listed"),
            None,
            None,
        ));
    }
    errors
}

/// Whether an ISO date is the last day of a calendar quarter.
pub(crate) fn is_quarter_end(date: &str) -> bool {
    parse_iso(date)
        .is_some_and(|d| matches!((d.month(), d.day()), (3, 31) | (6, 30) | (9, 30) | (12, 31)))
}

/// A quarter end's number: consecutive quarters differ by one.
fn quarter_index(date: &str) -> i64 {
    parse_iso(date).map_or(0, |d| i64::from(d.year()) * 4 + i64::from(d.month0() / 3))
}

/// One option's quarters, as given: each a quarter end, none twice, oldest first.
fn sequence_errors(source: &SourceFile, quarters: &[(&str, Span)]) -> Vec<Finding> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, &Span> = HashMap::new();
    let mut latest: Option<&str> = None;
    for (q, span) in quarters {
        if !is_quarter_end(q) {
            errors.push(
                error(
                    source,
                    span.clone(),
                    format!("{q} is not a quarter end"),
                    "not a quarter end",
                )
                .with_help("quarters are dated by their last day: 03-31, 06-30, 09-30 or 12-31"),
            );
            continue;
        }
        if let Some(first) = seen.get(q) {
            let at = source.location(first);
            errors.push(error(
                source,
                span.clone(),
                format!(
                    "quarter {q} appears twice for this option (first at line {})",
                    at.line
                ),
                "duplicate quarter",
            ));
            continue;
        }
        if let Some(prev) = latest.filter(|p| *q > *p) {
            let missing = quarter_index(q) - quarter_index(prev) - 1;
            if missing > 0 {
                errors.push(
                    error(
                        source,
                        span.clone(),
                        format!(
                            "quarter {q} follows {prev}: {missing} quarter{} missing between them",
                            if missing == 1 { " is" } else { "s are" }
                        ),
                        "gap before this quarter",
                    )
                    .with_help("give every quarter: \"N consecutive quarters\" counts on it"),
                );
            }
        }
        if let Some(prev) = latest.filter(|p| *q < *p) {
            errors.push(
                error(
                    source,
                    span.clone(),
                    format!("quarter {q} comes after {prev}: quarters are out of order"),
                    "out of order",
                )
                .with_help("list each option's quarters oldest first"),
            );
        }
        seen.insert(q, span);
        latest = Some(latest.map_or(*q, |p| p.max(*q)));
    }
    errors
}

/// The same checks on the history written inside a menu.
pub(crate) fn check_inline(doc: &Document, menu: &Menu) -> Vec<Finding> {
    let mut errors = Vec::new();
    for (i, o) in menu.options.iter().enumerate() {
        let quarters: Vec<(&str, Span)> = o
            .history
            .iter()
            .enumerate()
            .map(|(j, q)| {
                let path = MenuPath::option(i).key("history").index(j).key("quarter");
                let span = doc.spans.get(&path).map_or(0..0, |s| s.value.clone());
                (q.quarter.as_str(), span)
            })
            .collect();
        errors.extend(
            sequence_errors(&doc.source, &quarters)
                .into_iter()
                .map(|f| f.with_path(MenuPath::option(i).key("history"))),
        );
    }
    errors
}

/// Joins a history file to a menu's options, by id or else by ticker, and adds each
/// option's records to the document and the model. Errors are in the history file.
pub fn join(file: &HistoryFile, doc: &mut Document, menu: &mut Menu) -> Result<(), Vec<Finding>> {
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, o) in menu.options.iter().enumerate().rev() {
        if let Some(t) = &o.ticker {
            by_key.insert(t.to_ascii_uppercase(), i);
        }
    }
    for (i, o) in menu.options.iter().enumerate().rev() {
        by_key.insert(o.id.clone(), i);
    }
    let mut errors = Vec::new();
    let mut joined: BTreeMap<usize, Vec<&Row>> = BTreeMap::new();
    for row in &file.rows {
        let index = by_key
            .get(&row.option)
            .or_else(|| by_key.get(&row.option.to_ascii_uppercase()));
        match index {
            Some(&i) if !menu.options[i].history.is_empty() => {
                errors.push(
                    error(
                        &file.source,
                        row.option_span.clone(),
                        format!(
                            "option `{}` already has history in {}",
                            row.option,
                            doc.source.name()
                        ),
                        "history given twice",
                    )
                    .with_help("keep an option's history in one place: the menu or the CSV"),
                );
            }
            Some(&i) => joined.entry(i).or_default().push(row),
            None => {
                let ids = menu.options.iter().map(|o| o.id.as_str());
                let help = match crate::diag::suggest(&row.option, &ids.collect::<Vec<_>>()) {
                    Some(id) => format!("did you mean `{id}`?"),
                    None => "rows name an option of the menu by its id or its ticker".to_owned(),
                };
                errors.push(
                    error(
                        &file.source,
                        row.option_span.clone(),
                        format!(
                            "`{}` is not an option of {} (neither an id nor a ticker)",
                            row.option,
                            doc.source.name()
                        ),
                        "unknown option",
                    )
                    .with_help(help),
                );
            }
        }
    }
    // a ticker and an id naming the same option interleave its rows: check again
    for rows in joined.values() {
        let quarters: Vec<(&str, Span)> = rows
            .iter()
            .map(|r| (r.quarter.as_str(), r.quarter_span.clone()))
            .collect();
        errors.extend(sequence_errors(&file.source, &quarters));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for (i, rows) in joined {
        let records: Vec<Value> = rows
            .iter()
            .map(|r| Value::Object(r.record.clone()))
            .collect();
        let typed: Result<Vec<Quarter>, _> = records
            .iter()
            .map(|r| serde_json::from_value(r.clone()))
            .collect();
        match typed {
            Ok(typed) => menu.options[i].history = typed,
            Err(e) => {
                return Err(vec![error(
                    &file.source,
                    rows[0].option_span.clone(),
                    format!("history for `{}` cannot be read: {e}", rows[0].option),
                    "here",
                )])
            }
        }
        if let Some(o) = doc
            .value
            .get_mut("options")
            .and_then(|v| v.get_mut(i))
            .and_then(Value::as_object_mut)
        {
            o.insert("history".into(), Value::Array(records));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_ends() {
        for d in ["2026-03-31", "2026-06-30", "2026-09-30", "2025-12-31"] {
            assert!(is_quarter_end(d), "{d}");
        }
        for d in ["2026-03-30", "2026-07-01", "2026-02-28", "nope"] {
            assert!(!is_quarter_end(d), "{d}");
        }
    }
}
