//! Recordkeeper and data-vendor lineup exports (CSV, XLSX, XLS, ODS) read as menus.
//!
//! A mapping says which column feeds which menu field and how values translate. The
//! lineup becomes a menu document (the TOML `import` writes), and every value keeps
//! the cell it came from, so findings on the menu can point at the spreadsheet.

use super::schema::schema_json;
use crate::diag::{Code, Finding, Location, SourceFile, Span};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// A total row's first cell: the whole cell, so "Total Return Bond Fund" is a fund.
const TOTAL_ROW: &str = r"^\s*(grand\s+)?totals?\s*:?\s*$";

/// The file extensions read as lineups.
pub const EXTENSIONS: &[&str] = &["csv", "xlsx", "xlsm", "xls", "ods"];

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

/// Whether a path names a lineup export rather than a TOML menu.
pub fn is_lineup(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// A spreadsheet position: `Funds!D14` in a workbook, `14:4` (row, column) in a CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    pub sheet: Option<String>,
    /// 1-based row, as the spreadsheet numbers it.
    pub row: u32,
    /// 1-based column.
    pub column: u32,
}

/// `1` → `A`, `27` → `AA`.
pub fn column_letters(mut n: u32) -> String {
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// `D` → `4`; `None` when it is not a column letter.
fn column_number(letters: &str) -> Option<u32> {
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    Some(
        letters
            .to_ascii_uppercase()
            .bytes()
            .fold(0, |n, b| n * 26 + u32::from(b - b'A' + 1)),
    )
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sheet {
            Some(s) => write!(f, "{s}!{}{}", column_letters(self.column), self.row),
            None => write!(f, "{}:{}", self.row, self.column),
        }
    }
}

/// One cell as read: its text as shown, a typed value, and where it is.
#[derive(Debug, Clone)]
struct Cell {
    value: CellValue,
    span: Span,
    column: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum CellValue {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// An ISO date.
    Date(String),
    /// A spreadsheet error (`#N/A`): never a value.
    Error(String),
}

impl CellValue {
    fn shown(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(s) | CellValue::Date(s) | CellValue::Error(s) => s.clone(),
            CellValue::Number(n) => n.to_string(),
            CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        }
    }
}

/// Why a lineup could not be read: the findings, and the lineup's text when they
/// point into it.
pub type ReadError = (Option<SourceFile>, Vec<Finding>);

/// A sheet or CSV file as rows of cells, with a text that shows each row on the line
/// of its row number (findings quote it).
struct Grid {
    source: SourceFile,
    sheet: Option<String>,
    /// (row number, cells), blank rows included.
    rows: Vec<(u32, Vec<Cell>)>,
    /// What the text was decoded from, when it was not UTF-8.
    encoding: Option<&'static str>,
}

fn lineup_error(source: &SourceFile, span: Option<Span>, msg: String) -> Finding {
    Finding::input_error(Code::Lineup, msg, Some(source), span)
}

fn read_csv(name: &str, bytes: &[u8]) -> Result<Grid, ReadError> {
    if encoding_rs::Encoding::for_bom(bytes).is_none_or(|(e, _)| e == encoding_rs::UTF_8) {
        if let Some(at) = super::encoding::stray_byte(bytes) {
            let bom = if bytes.starts_with(b"\xef\xbb\xbf") {
                3
            } else {
                0
            };
            let lossy = String::from_utf8_lossy(&bytes[bom..]).into_owned();
            let source = SourceFile::new(name.to_owned(), lossy);
            let f = Finding::input_error(
                Code::Encoding,
                format!("{name} is UTF-8 but for a byte that is not: it mixes encodings"),
                Some(&source),
                Some(at..at + 1),
            )
            .with_label("this byte is not UTF-8")
            .with_help("re-save the file as UTF-8 (CSV UTF-8 in Excel); read as Windows-1252, every accented name would change");
            return Err((Some(source), vec![f]));
        }
    }
    let (text, encoding) = super::encoding::decode(bytes);
    let source = SourceFile::new(name.to_owned(), text);
    let text = source.text();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                let f = lineup_error(
                    &source,
                    Some(at..at),
                    format!("{name} cannot be read as CSV: {e}"),
                );
                return Err((Some(source.clone()), vec![f]));
            }
        };
        let at =
            super::history::record_start(text, rec.position().map_or(0, |p| p.byte() as usize));
        // the row number from the text itself: CR LF and LF count the same
        let line = source.position(at).0;
        let spans = super::history::field_spans(text, at, rec.len());
        let values: Vec<&str> = rec.iter().collect();
        if let Some(b) = super::history::broken_quote(&values, None) {
            let s = spans.get(b.cell).map_or(at, |s| s.start);
            let f = lineup_error(&source, Some(s..s + 1), b.message)
                .with_label(b.label)
                .with_help(b.help);
            return Err((Some(source.clone()), vec![f]));
        }
        let cells = rec
            .iter()
            .zip(spans)
            .enumerate()
            .map(|(j, (v, span))| Cell {
                value: if v.trim().is_empty() {
                    CellValue::Empty
                } else {
                    CellValue::Text(v.trim().to_owned())
                },
                span,
                column: j as u32 + 1,
            })
            .collect();
        rows.push((line as u32, cells));
    }
    Ok(Grid {
        source,
        sheet: None,
        rows,
        encoding,
    })
}

/// Excel's day count (1900 date system) as an ISO date.
fn excel_date(serial: f64) -> Option<String> {
    // days outside years 1900-2200 are no date a fund has (and would overflow)
    if !(0.0..=110_000.0).contains(&serial) {
        return None;
    }
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::TimeDelta::try_days(serial.floor() as i64)?)
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// A workbook's date cell, in the workbook's own date system (1900, or 1904 as old
/// Mac workbooks use: the same serial is 1,462 days later there).
fn workbook_date(dt: &calamine::ExcelDateTime) -> CellValue {
    let serial = dt.as_f64();
    // days outside years 1900-2200 are no date a fund has (and would overflow)
    if !(0.0..=110_000.0).contains(&serial) || dt.is_duration() {
        // the figure itself, which no date field accepts
        return CellValue::Text(format!("{serial}"));
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    CellValue::Date(format!("{y:04}-{m:02}-{d:02}"))
}

/// What a workbook's archive may unpack to, in bytes.
pub const MAX_UNPACKED: u64 = 512 * 1024 * 1024;

/// How many cells a sheet may claim.
pub const MAX_CELLS: u64 = 10_000_000;

/// Checks a zipped workbook (XLSX, XLSM, ODS) before anything is unpacked: what its
/// entries say they unpack to, and the cells each sheet claims (`<dimension
/// ref="A1:XFD1048576"/>`), which the reader would allocate up front. A file that is
/// not a zip is left to the reader.
fn archive_within_limits(path: &Path) -> Result<(), String> {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    let mut sheets = Vec::new();
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else {
            continue;
        };
        total = total.saturating_add(entry.size());
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            sheets.push(i);
        }
    }
    if total > MAX_UNPACKED {
        return Err(format!(
            "unpacks to {total} bytes, over the limit of {MAX_UNPACKED}: it is not a lineup export"
        ));
    }
    for i in sheets {
        let Ok(entry) = zip.by_index(i) else { continue };
        let sheet = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        // the dimension comes first in a sheet: its first few kilobytes are enough
        let mut head = Vec::new();
        let _ = entry.take(16 * 1024).read_to_end(&mut head);
        let head = String::from_utf8_lossy(&head);
        let Some(dim) = head
            .split("<dimension ref=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        else {
            continue;
        };
        let cells = dimension_cells(dim);
        if cells > MAX_CELLS {
            return Err(format!(
                "claims {cells} cells ({dim}) in {sheet}, over the limit of {MAX_CELLS}: save the sheet again, or export the lineup as CSV"
            ));
        }
    }
    Ok(())
}

/// The cells a range like `A1:XFD1048576` spans (a single cell is 1).
fn dimension_cells(range: &str) -> u64 {
    let cell = |c: &str| -> Option<(u64, u64)> {
        let letters: String = c.chars().take_while(char::is_ascii_alphabetic).collect();
        let row: u64 = c[letters.len()..].parse().ok()?;
        let col = letters.bytes().try_fold(0u64, |n, b| {
            Some(n * 26 + u64::from(b.to_ascii_uppercase().checked_sub(b'A')? + 1))
        })?;
        Some((row, col))
    };
    let mut ends = range.split(':');
    let (Some((r1, c1)), Some((r2, c2))) = (
        ends.next().and_then(cell),
        ends.next().map_or_else(|| cell(range), cell),
    ) else {
        return 0;
    };
    (r2.abs_diff(r1) + 1).saturating_mul(c2.abs_diff(c1) + 1)
}

fn read_workbook(path: &Path, name: &str, sheet: Option<&str>) -> Result<Grid, ReadError> {
    use calamine::{open_workbook_auto, Data, Reader};
    let unplaced = |msg: String| {
        (
            None,
            vec![Finding::input_error(Code::Lineup, msg, None, None)],
        )
    };
    if let Err(msg) = archive_within_limits(path) {
        return Err(unplaced(format!("{name} {msg}")));
    }
    let mut book = open_workbook_auto(path).map_err(|e| {
        let why = match e.to_string() {
            s if s.to_ascii_lowercase().contains("password") => {
                "it is password-protected; save an unprotected copy (or export it as CSV)"
                    .to_owned()
            }
            s => format!("it is not a readable workbook ({s})"),
        };
        unplaced(format!("cannot read {name}: {why}"))
    })?;
    let names = book.sheet_names();
    let chosen = match sheet {
        Some(s) => match names.iter().find(|n| n.as_str() == s) {
            Some(n) => n.clone(),
            None => {
                let closest = names
                    .iter()
                    .map(|n| {
                        (
                            strsim::damerau_levenshtein(&n.to_lowercase(), &s.to_lowercase()),
                            n,
                        )
                    })
                    .min();
                let hint = match closest {
                    Some((d, n)) if d <= 3 => format!("; did you mean `{n}`?"),
                    _ => String::new(),
                };
                return Err((
                    None,
                    vec![Finding::input_error(
                        Code::Lineup,
                        format!("{name} has no sheet `{s}`{hint}"),
                        None,
                        None,
                    )
                    .with_help(format!("its sheets: {}", names.join(", ")))],
                ));
            }
        },
        None => match names.first() {
            Some(n) => n.clone(),
            None => return Err(unplaced(format!("{name} has no sheets"))),
        },
    };
    let range = book
        .worksheet_range(&chosen)
        .map_err(|e| unplaced(format!("cannot read sheet `{chosen}` of {name}: {e}")))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    // each sheet row on the line of its number, cells as a CSV row
    let mut text = String::new();
    let mut rows = Vec::new();
    for _ in 0..top {
        text.push('\n');
    }
    for (i, row) in range.rows().enumerate() {
        let number = top + i as u32 + 1;
        let mut cells = Vec::new();
        for (j, d) in row.iter().enumerate() {
            if j > 0 {
                text.push(',');
            }
            let value = match d {
                Data::Empty => CellValue::Empty,
                Data::String(s) if s.trim().is_empty() => CellValue::Empty,
                Data::String(s) => CellValue::Text(s.trim().to_owned()),
                Data::Int(n) => CellValue::Number(*n as f64),
                Data::Float(f) => CellValue::Number(*f),
                Data::Bool(b) => CellValue::Bool(*b),
                Data::DateTime(dt) => workbook_date(dt),
                Data::DateTimeIso(s) => CellValue::Date(s.get(..10).unwrap_or(s).to_owned()),
                Data::DurationIso(s) => CellValue::Text(s.clone()),
                Data::Error(e) => CellValue::Error(format!("{e}")),
            };
            let shown = value.shown();
            let quoted = if shown.contains([',', '"', '\n', '\r']) {
                format!(
                    "\"{}\"",
                    shown.replace('"', "\"\"").replace(['\n', '\r'], " ")
                )
            } else {
                shown
            };
            let start = text.len();
            text.push_str(&quoted);
            cells.push(Cell {
                value,
                span: start..text.len().max(start + 1),
                column: left + j as u32 + 1,
            });
        }
        text.push('\n');
        rows.push((number, cells));
    }
    let source = SourceFile::new(name.to_owned(), text);
    // spans at the end of a line would point past an empty cell: keep them in the text
    let len = source.text().len();
    for (_, cells) in &mut rows {
        for c in cells.iter_mut() {
            c.span.end = c.span.end.min(len);
        }
    }
    Ok(Grid {
        source,
        sheet: Some(chosen),
        rows,
        encoding: None,
    })
}

/// How a column is named in a mapping: by its header text or its letter.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum ColumnToml {
    Header(String),
    Spec(SpecToml),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecToml {
    header: Option<String>,
    letter: Option<String>,
    /// Lineup value → menu value (`"Mutual Fund" = "mutual_fund"`, `"Y" = true`).
    #[serde(default)]
    values: BTreeMap<String, toml::Value>,
    /// `percent` (0.45 means 0.45 %) or `fraction` (0.0045 means 0.45 %);
    /// `dollars`, `thousands` or `millions` for amounts.
    unit: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceToml {
    sheet: Option<String>,
    header_row: Option<u32>,
    /// Rows whose first cell matches one of these (case-insensitive) are not options.
    skip: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingToml {
    #[serde(default)]
    lineup: SourceToml,
    columns: BTreeMap<Spanned<String>, Spanned<ColumnToml>>,
    #[serde(default)]
    defaults: BTreeMap<Spanned<String>, toml::Value>,
    plan: Option<toml::Table>,
}

/// A lineup mapping, read and checked against the menu format.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub source: SourceFile,
    sheet: Option<String>,
    header_row: Option<u32>,
    skip: Vec<regex::Regex>,
    columns: Vec<Column>,
    defaults: Vec<(String, Value)>,
    /// The `[plan]` table, when the mapping gives one.
    pub plan: Option<toml::Table>,
}

#[derive(Debug, Clone)]
struct Column {
    /// The menu field: `name`, `performance.return_1y_pct`.
    field: String,
    kind: Kind,
    header: Option<String>,
    letter: Option<u32>,
    values: Vec<(String, Value)>,
    scale: f64,
}

/// What a menu field holds, from the schema.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
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
fn option_fields() -> BTreeMap<String, Kind> {
    let schema = schema_json();
    let defs = &schema["$defs"];
    let kind = |v: &Value| -> Option<Kind> {
        let v = super::schema::resolve(v);
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
            "array" => super::schema::resolve(&v["items"])
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
            let r = super::schema::resolve(v);
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

fn closest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| {
            (
                strsim::damerau_levenshtein(&name.to_lowercase(), &k.to_lowercase()),
                k,
            )
        })
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
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
        )]
    })?;
    let fields = option_fields();
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for (field, spec) in &raw.columns {
        let span = field.span();
        let Some(kind) = fields.get(field.get_ref()) else {
            let hint = closest(field.get_ref(), fields.keys().map(String::as_str))
                .map_or(String::new(), |c| format!("; did you mean `{c}`?"));
            errors.push(err(
                Some(span),
                format!(
                    "`{}` is not an option field of the menu format{hint}",
                    field.get_ref()
                ),
            ));
            continue;
        };
        let spec_span = spec.span();
        let spec = match spec.get_ref() {
            ColumnToml::Header(h) => SpecToml {
                header: Some(h.clone()),
                letter: None,
                values: BTreeMap::new(),
                unit: None,
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
        });
    }
    let mut defaults = Vec::new();
    for (field, value) in &raw.defaults {
        if !fields.contains_key(field.get_ref()) {
            let hint = closest(field.get_ref(), fields.keys().map(String::as_str))
                .map_or(String::new(), |c| format!("; did you mean `{c}`?"));
            errors.push(err(
                Some(field.span()),
                format!("default `{}` is not an option field{hint}", field.get_ref()),
            ));
            continue;
        }
        match fields.get(field.get_ref()).map(|kind| typed(kind, value)) {
            Some(Err(what)) => errors.push(err(
                Some(field.span()),
                format!("default `{}` is {what}", field.get_ref()),
            )),
            _ => defaults.push((field.get_ref().clone(), toml_json(value))),
        }
    }
    for required in ["name", "vehicle", "asset_class"] {
        let fed = columns.iter().any(|c| c.field == required)
            || defaults.iter().any(|(f, _)| f == required);
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

/// A mapping's value for a field of `kind`, as the menu's JSON; `Err` says what it is
/// instead. The generated menu is written from these, so a value must be of its
/// field's type: a "date" that is text with a line break would write TOML of its own.
fn typed(kind: &Kind, v: &toml::Value) -> Result<Value, String> {
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
fn toml_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), toml_json(v))).collect())
        }
        other => serde_json::to_value(other).unwrap_or(Value::Null),
    }
}

/// Reads a plan file for a lineup: `[plan]` and, optionally, `[[waivers]]`.
pub fn parse_plan(source: &SourceFile) -> Result<toml::Table, Box<Finding>> {
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
        .find(|k| !matches!(k.as_str(), "plan" | "waivers"))
    {
        return Err(Box::new(err(
            Some(0..0),
            format!("a plan file holds [plan] and [[waivers]] only, not `{k}`"),
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
        let hint = closest(k, known.iter().map(String::as_str))
            .map_or(String::new(), |c| format!("; did you mean `{c}`?"));
        let at = source.text().find(k.as_str()).map(|i| i..i + k.len());
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

/// A lineup read through its mapping: each row an option, each value with its cell.
#[derive(Debug, Clone)]
pub struct Lineup {
    /// The lineup as text, each sheet row on the line of its number (findings quote it).
    pub source: SourceFile,
    pub sheet: Option<String>,
    pub encoding: Option<&'static str>,
    pub header_row: u32,
    pub options: Vec<LineupOption>,
    /// Rows left out as not funds (total rows, footnotes), with their first cell and
    /// why.
    pub skipped: Vec<(u32, String, &'static str)>,
    /// Each such row, as a note at its first cell.
    pub notes: Vec<Finding>,
    /// Rows left out because a cell of theirs was refused, each refusal at its cell:
    /// one bad cell costs its row, not every other row's findings. The lineup still
    /// cannot pass (exit 2) while any is here.
    pub refused: Vec<Finding>,
}

/// One row of the lineup as an option.
#[derive(Debug, Clone)]
pub struct LineupOption {
    pub row: u32,
    /// The row's first cell, where findings about the row (not one value) point.
    pub row_span: Span,
    /// That cell's column.
    pub row_column: u32,
    /// The option's fields (`performance.return_1y_pct` nested as tables).
    pub value: Map<String, Value>,
    /// Each field fed by a cell: the field path below the option, the cell's span and column.
    pub cells: Vec<(String, Span, u32)>,
}

impl Lineup {
    /// The cell reference of a row and column.
    pub fn cell(&self, row: u32, column: u32) -> CellRef {
        CellRef {
            sheet: self.sheet.clone(),
            row,
            column,
        }
    }

    /// Where a finding at `field` (below option `index`, `""` for the option itself)
    /// points in the lineup: the cell that fed it, else the option's row.
    pub fn locate(&self, index: usize, field: &str) -> Option<(Span, CellRef)> {
        let o = self.options.get(index)?;
        let hit = o
            .cells
            .iter()
            .filter(|(f, _, _)| {
                !f.is_empty()
                    && (field == f
                        || field.starts_with(&format!("{f}."))
                        || field.starts_with(&format!("{f}[")))
            })
            .max_by_key(|(f, _, _)| f.len());
        Some(match hit {
            Some((_, span, col)) => (span.clone(), self.cell(o.row, *col)),
            None => (o.row_span.clone(), self.cell(o.row, o.row_column)),
        })
    }

    /// The header row, for findings about the plan.
    pub fn header(&self) -> (Span, CellRef) {
        let text = self.source.text();
        let start = line_start(text, self.header_row);
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        (start..end.max(start), self.cell(self.header_row, 1))
    }

    /// A location for JSON and SARIF: the row as the line, the column number.
    pub fn location(cell: &CellRef) -> Location {
        Location {
            line: cell.row as usize,
            column: cell.column as usize,
            end_line: cell.row as usize,
            end_column: cell.column as usize + 1,
        }
    }
}

fn line_start(text: &str, line: u32) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line as usize - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// Reads a lineup file through a mapping. Every problem is an error at its cell (or
/// at the header row, or in the mapping).
pub fn read(
    path: &Path,
    mapping: &Mapping,
    sheet: Option<&str>,
    max_size: u64,
) -> Result<Lineup, ReadError> {
    let name = crate::diag::display_path(path);
    let unplaced = |msg: String| {
        (
            None,
            vec![Finding::input_error(Code::Lineup, msg, None, None)],
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| unplaced(format!("cannot read {name}: {e}")))?;
    if !meta.is_file() {
        return Err(unplaced(format!("{name} is not a regular file")));
    }
    if meta.len() > max_size {
        return Err(unplaced(format!(
            "{name} is {} bytes, over the limit of {max_size} bytes",
            meta.len()
        )));
    }
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let grid = if is_csv {
        let bytes =
            std::fs::read(path).map_err(|e| unplaced(format!("cannot read {name}: {e}")))?;
        read_csv(&name, &bytes)?
    } else {
        read_workbook(path, &name, sheet.or(mapping.sheet.as_deref()))?
    };
    let source = grid.source.clone();
    convert(grid, mapping).map_err(|e| (Some(source), e))
}

/// Reads a lineup already in memory as CSV text (tests, benchmarks).
pub fn read_csv_text(name: &str, text: &str, mapping: &Mapping) -> Result<Lineup, ReadError> {
    let grid = read_csv(name, text.as_bytes())?;
    let source = grid.source.clone();
    convert(grid, mapping).map_err(|e| (Some(source), e))
}

/// The header row: the mapping's, else the row among the first 50 that names the most
/// mapped headers (exports often start with a title row), else the first row with
/// three or more cells of text.
fn header_of(grid: &Grid, mapping: &Mapping) -> Result<usize, Vec<Finding>> {
    let sheet = grid
        .sheet
        .as_deref()
        .map_or(String::new(), |s| format!(" (sheet `{s}`)"));
    let names: Vec<&str> = mapping
        .columns
        .iter()
        .filter_map(|c| c.header.as_deref())
        .collect();
    let texts = |cells: &[Cell]| -> Vec<String> {
        cells
            .iter()
            .filter_map(|c| match &c.value {
                CellValue::Text(t) => Some(t.to_lowercase()),
                _ => None,
            })
            .collect()
    };
    let found = match mapping.header_row {
        Some(n) => grid.rows.iter().position(|(r, _)| *r == n),
        None => {
            let scored = grid
                .rows
                .iter()
                .take(50)
                .enumerate()
                .map(|(i, (_, cells))| {
                    let t = texts(cells);
                    let hits = names
                        .iter()
                        .filter(|n| t.contains(&n.trim().to_lowercase()))
                        .count();
                    (hits, i)
                });
            // the most hits, the earliest row among equals
            match scored.max_by_key(|&(hits, i)| (hits, std::cmp::Reverse(i))) {
                Some((hits, i)) if hits > 0 => Some(i),
                _ => grid
                    .rows
                    .iter()
                    .position(|(_, c)| texts(c).len() >= 3)
                    .or_else(|| grid.rows.iter().position(|(_, c)| !texts(c).is_empty())),
            }
        }
    };
    found.ok_or_else(|| {
        vec![lineup_error(
            &grid.source,
            Some(0..0),
            format!(
                "{} has no header row{sheet}: it is empty",
                grid.source.name()
            ),
        )
        .with_help("export the lineup with its column headers in the first row")]
    })
}

fn convert(grid: Grid, mapping: &Mapping) -> Result<Lineup, Vec<Finding>> {
    let source = grid.source.clone();
    let at = |span: Span, column: u32, row: u32, msg: String, label: &str| {
        let cell = CellRef {
            sheet: grid.sheet.clone(),
            row,
            column,
        };
        let mut f = lineup_error(&source, Some(span), msg).with_label(label);
        f.location = Some(Lineup::location(&cell));
        f.cell = Some(cell.to_string());
        f
    };
    let h = header_of(&grid, mapping)?;
    let (header_row, header) = &grid.rows[h];
    let mut errors = Vec::new();
    // each mapped column's position in the sheet
    let mut positions: Vec<Option<u32>> = Vec::new();
    for c in &mapping.columns {
        let last = grid
            .rows
            .iter()
            .flat_map(|(_, cells)| cells.iter().map(|c| c.column))
            .max()
            .unwrap_or(0);
        let header_span = header.first().map_or(0..0, |c| {
            c.span.start..header.last().map_or(c.span.end, |l| l.span.end)
        });
        let named = |cell: &&Cell, name: &str| matches!(&cell.value, CellValue::Text(t) if t.eq_ignore_ascii_case(name.trim()));
        let pos = match (c.letter, &c.header) {
            (Some(l), _) if l > last => {
                errors.push(at(
                    header_span.clone(),
                    1,
                    *header_row,
                    format!(
                        "column {} (mapped to `{}`) is past the lineup's last column, {}",
                        column_letters(l),
                        c.field,
                        column_letters(last)
                    ),
                    "header row",
                ));
                continue;
            }
            (Some(l), _) => Some(l),
            (None, Some(name)) => {
                let mut hits = header.iter().filter(|cell| named(cell, name));
                let first = hits.next().map(|cell| cell.column);
                if let Some(again) = hits.next() {
                    errors.push(
                        at(
                            again.span.clone(),
                            again.column,
                            *header_row,
                            format!(
                                "the header names `{name}` twice (mapped to `{}`): which column is meant?",
                                c.field
                            ),
                            "second column of that name",
                        )
                        .with_help("rename one of the columns, or map the right one by its letter"),
                    );
                }
                first
            }
            (None, None) => None,
        };
        if pos.is_none() {
            let name = c.header.clone().unwrap_or_default();
            let headers: Vec<String> = header
                .iter()
                .map(|c| c.value.shown())
                .filter(|s| !s.is_empty())
                .collect();
            let hint = closest(&name, headers.iter().map(String::as_str))
                .map_or(String::new(), |h| format!("; did you mean `{h}`?"));
            let span = header.first().map_or(0..0, |c| {
                c.span.start..header.last().map_or(c.span.end, |l| l.span.end)
            });
            errors.push(
                at(
                    span,
                    1,
                    *header_row,
                    format!(
                        "the header row has no column `{name}` (mapped to `{}`){hint}",
                        c.field
                    ),
                    "header row",
                )
                .with_help(format!("the columns are: {}", headers.join(", "))),
            );
        }
        positions.push(pos);
    }
    if !errors.is_empty() {
        return Err(super::history::capped(errors, Code::Lineup));
    }
    let mut options = Vec::new();
    let mut skipped = Vec::new();
    let mut notes = Vec::new();
    let mut tickers: HashMap<String, u32> = HashMap::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    for (row, cells) in &grid.rows[h + 1..] {
        let first = cells.iter().find(|c| c.value != CellValue::Empty);
        let Some(first) = first else { continue };
        let filled = |field: &str| {
            mapping.columns.iter().zip(&positions).any(|(c, pos)| {
                c.field == field
                    && cells
                        .iter()
                        .any(|x| Some(x.column) == *pos && x.value != CellValue::Empty)
            })
        };
        let others: Vec<&str> = mapping
            .columns
            .iter()
            .map(|c| c.field.as_str())
            .filter(|f| !matches!(*f, "name" | "id"))
            .collect();
        let shown = first.value.shown();
        let why = if mapping.skip.iter().any(|r| r.is_match(&shown)) {
            Some("a total row by the mapping's skip patterns")
        } else {
            not_a_fund(
                &shown,
                ["ticker", "cusip", "isin"].iter().any(|f| filled(f)),
                !others.is_empty() && !others.iter().any(|f| filled(f)),
            )
        };
        if let Some(why) = why {
            notes.push(
                at(
                    first.span.clone(),
                    first.column,
                    *row,
                    format!("row {row} is not a fund ({why}): left out"),
                    "not a fund",
                )
                .with_severity(crate::diag::Severity::Info)
                .with_help("if it is a fund, give it its ticker or CUSIP in the lineup"),
            );
            skipped.push((*row, shown, why));
            continue;
        }
        // only a CSV has quotes to break (a workbook's cells stand apart)
        if grid.sheet.is_none() {
            let values: Vec<String> = cells.iter().map(|c| c.value.shown()).collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            if let Some(b) = super::history::broken_quote(&values, Some(header.len())) {
                let c = &cells[b.cell];
                let span = c.span.start..c.span.start + 1;
                errors.push(at(span, c.column, *row, b.message, b.label).with_help(b.help));
                continue;
            }
        }
        let text = source.text();
        let row_start = cells.first().map_or(0, |c| c.span.start);
        let row_end = text[row_start..]
            .find('\n')
            .map_or(text.len(), |n| row_start + n);
        let mut value = Map::new();
        let mut fed = Vec::new();
        let refused_before = errors.len();
        for (c, pos) in mapping.columns.iter().zip(&positions) {
            let Some(col) = pos else { continue };
            let Some(cell) = cells.iter().find(|x| x.column == *col) else {
                continue;
            };
            let converted = match convert_cell(c, &cell.value) {
                Ok(Some(v)) => v,
                Ok(None) => continue,
                Err((msg, help)) => {
                    errors.push(at(cell.span.clone(), *col, *row, msg, "here").with_help(help));
                    continue;
                }
            };
            insert(&mut value, &c.field, converted);
            fed.push((c.field.clone(), cell.span.clone(), *col));
        }
        if errors.len() > refused_before {
            // the row's refused cells are reported; the row itself is left out
            continue;
        }
        for (field, v) in &mapping.defaults {
            if lookup(&value, field).is_none() {
                insert(&mut value, field, v.clone());
            }
        }
        // one option per ticker: a second row for a ticker is a copy-paste slip
        if let Some(t) = value.get("ticker").and_then(Value::as_str) {
            let key = t.to_ascii_uppercase();
            if let Some(first_row) = tickers.get(&key) {
                let (span, col) = fed
                    .iter()
                    .find(|(f, _, _)| f == "ticker")
                    .map(|(_, s, c)| (s.clone(), *c))
                    .unwrap_or((row_start..row_end, 1));
                errors.push(
                    at(
                        span,
                        col,
                        *row,
                        format!("ticker {t} appears again (first in row {first_row})"),
                        "duplicate ticker",
                    )
                    .with_help("each fund is one row; remove the duplicate or correct the ticker"),
                );
                continue;
            }
            tickers.insert(key, *row);
        }
        if !value.contains_key("id") {
            let base = value
                .get("ticker")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .or_else(|| value.get("name").and_then(Value::as_str).map(slug))
                .unwrap_or_else(|| format!("row-{row}"));
            let mut id = base.clone();
            let mut n = 2;
            while ids.contains_key(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            value.insert("id".into(), Value::String(id));
        }
        if let Some(id) = value.get("id").and_then(Value::as_str) {
            ids.insert(id.to_owned(), *row);
        }
        options.push(LineupOption {
            row: *row,
            row_span: first.span.clone(),
            row_column: first.column,
            value,
            cells: fed,
        });
    }
    if options.is_empty() && !errors.is_empty() {
        return Err(super::history::capped(errors, Code::Lineup));
    }
    if options.is_empty() {
        return Err(vec![lineup_error(
            &source,
            Some(0..0),
            format!(
                "{}{} has a header row but no fund rows",
                source.name(),
                grid.sheet
                    .as_deref()
                    .map_or(String::new(), |s| format!(" (sheet `{s}`)"))
            ),
        )]);
    }
    Ok(Lineup {
        source,
        sheet: grid.sheet,
        encoding: grid.encoding,
        header_row: *header_row,
        options,
        skipped,
        refused: super::history::capped(errors, Code::Lineup),
        notes,
    })
}

/// Why a lineup row is not a fund, if it is not: a footnote (`* Performance as of
/// …`, `Source: …`), a total row without an identifier (`Total Plan Assets`, while
/// "Total Return Bond Fund" with its ticker is a fund), or a row that has a name and
/// none of the other mapped values.
fn not_a_fund(first: &str, identified: bool, only_a_name: bool) -> Option<&'static str> {
    static FOOTNOTE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static TOTAL: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let footnote = FOOTNOTE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)^\s*([*†‡§¹²³⁴]|\(\d+\)\s|(sources?|notes?|footnotes?|disclosures?|important)\s*:|data as of\b|performance as of\b|©|copyright\b)",
        )
        .expect("static regex")
    });
    let total = TOTAL.get_or_init(|| {
        regex::Regex::new(r"(?i)^\s*(sub-?\s*totals?|grand\s+totals?|totals?)\b")
            .expect("static regex")
    });
    if footnote.is_match(first) {
        Some("a footnote")
    } else if total.is_match(first) && !identified {
        Some("a total row")
    } else if only_a_name && !identified {
        Some("a name with no identifier, vehicle, asset class or figure")
    } else {
        None
    }
}

fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-').chars().take(40).collect()
}

fn lookup<'a>(map: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    match field.split_once('.') {
        Some((t, f)) => map.get(t)?.get(f),
        None => map.get(field),
    }
}

fn insert(map: &mut Map<String, Value>, field: &str, v: Value) {
    match field.split_once('.') {
        Some((t, f)) => {
            let table = map
                .entry(t.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(t) = table.as_object_mut() {
                t.insert(f.to_owned(), v);
            }
        }
        None => {
            map.insert(field.to_owned(), v);
        }
    }
}

/// `lower_snake` of a label: `"Target Date"` → `target_date`.
fn normalise(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace(['-', ' ', '/'], "_")
}

/// A number as lineups write it: `1,234.5`, `0.45%`, `(1.2)` for negatives, `$1,000`.
/// Anything that could be read two ways is not a number (the cell is then an error,
/// never a different value): a decimal comma (`0,45`), commas not grouping
/// thousands, a sign inside accounting parentheses (`(-1.2)`), `NaN` or `inf`. An
/// integer too large for a double to hold exactly reads as infinite, which no
/// field accepts.
fn parse_number(s: &str) -> Option<(f64, bool)> {
    let t = s.trim();
    let (t, negative) = match t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) if inner.trim_start().starts_with(['-', '+']) => return None,
        Some(inner) => (inner.trim(), true),
        None => (t, false),
    };
    let percent = t.ends_with('%');
    let body = t.trim_end_matches('%').trim();
    let unsigned = body
        .strip_prefix(['-', '+'])
        .unwrap_or(body)
        .trim_start_matches('$')
        .trim();
    let whole = unsigned.split(['.', 'e', 'E']).next().unwrap_or_default();
    if unsigned[whole.len()..].contains(',') {
        return None;
    }
    if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or_default();
        let grouped = (1..=3).contains(&first.len())
            && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        if !grouped {
            return None;
        }
    }
    let cleaned: String = body
        .chars()
        .filter(|c| !matches!(c, ',' | '$' | ' '))
        .collect();
    if !cleaned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    let n: f64 = cleaned.parse().ok().filter(|n: &f64| n.is_finite())?;
    // past 2^53 a double rounds: 9007199254740993 would read as …992
    if cleaned
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
        && cleaned
            .parse::<i128>()
            .is_ok_and(|i| i.unsigned_abs() > 1 << 53)
    {
        return Some((f64::INFINITY, percent));
    }
    Some((if negative { -n } else { n }, percent))
}

type CellError = (String, String);

fn convert_cell(c: &Column, v: &CellValue) -> Result<Option<Value>, CellError> {
    let shown = v.shown();
    if let CellValue::Error(e) = v {
        return Err((
            format!("`{}`: the cell holds a spreadsheet error ({e})", c.field),
            "fix the formula in the lineup, or clear the cell if the figure is unknown".into(),
        ));
    }
    if *v == CellValue::Empty {
        return Ok(None);
    }
    // the mapping's own translation comes first, exactly or ignoring case and spaces
    if let Some((_, to)) = c
        .values
        .iter()
        .find(|(from, _)| from == &shown)
        .or_else(|| {
            c.values
                .iter()
                .find(|(from, _)| normalise(from) == normalise(&shown))
        })
    {
        return Ok(Some(to.clone()));
    }
    // a spreadsheet reads a CUSIP of digits as a number and drops its leading zeros:
    // say so, and never restore them in silence
    if c.field == "cusip" {
        let digits = shown.trim();
        let padded = format!("{digits:0>9}");
        if !digits.is_empty() && digits.len() < 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
            let valid = if crate::menu::identifiers::valid_cusip(&padded) {
                ", a valid CUSIP"
            } else {
                ", which fails its check digit: check the fund's documents"
            };
            return Err((
                format!(
                    "`cusip`: {digits} has {} characters, a CUSIP has 9: the spreadsheet likely dropped its leading zeros",
                    digits.len()
                ),
                format!(
                    "format the column as text in the spreadsheet and export it again; with its zeros it reads {padded}{valid}"
                ),
            ));
        }
    }
    match &c.kind {
        Kind::Text => Ok(Some(Value::String(shown))),
        Kind::Choice(allowed) => {
            let n = normalise(&shown);
            if allowed.contains(&n) {
                return Ok(Some(Value::String(n)));
            }
            let mut known: Vec<String> = c.values.iter().map(|(f, _)| f.clone()).collect();
            known.extend(allowed.iter().cloned());
            let hint = closest(&shown, known.iter().map(String::as_str))
                .map_or(String::new(), |k| format!("did you mean `{k}`? "));
            Err((
                format!("`{}`: {shown:?} is not a value menulint knows", c.field),
                format!(
                    "{hint}map it in the mapping: [columns] {} = {{ header = …, values = {{ {shown:?} = \"…\" }} }}; accepted: {}",
                    c.field,
                    allowed.join(", ")
                ),
            ))
        }
        Kind::Number | Kind::Integer => {
            let (n, percent_sign) = match v {
                CellValue::Number(n) => (*n, false),
                _ => parse_number(&shown).ok_or_else(|| {
                    let help = if shown.contains(',') {
                        "a comma only groups thousands (1,250,000): write a decimal point, 0.45 not 0,45"
                    } else if shown.contains('(') {
                        "accounting parentheses mean a negative figure: (1.2), without a sign inside"
                    } else {
                        "the cell must hold a figure (0.45, 0.45%, 1,250,000)"
                    };
                    (
                        format!("`{}`: {shown:?} is not a number", c.field),
                        help.to_owned(),
                    )
                })?,
            };
            if percent_sign && !c.field.ends_with("_pct") {
                return Err((
                    format!("`{}`: {shown:?} is a percentage, not an amount", c.field),
                    "check that the mapping feeds this field from the right column".into(),
                ));
            }
            // "0.45%" is a percent whatever the column's unit says
            let n = if percent_sign { n } else { n * c.scale };
            // past 2^53 a figure is no longer exact: a misplaced value, not a fund's size
            if n.abs() > 9_007_199_254_740_992.0 {
                return Err((
                    format!(
                        "`{}`: {shown:?} is too large to be a figure of a fund",
                        c.field
                    ),
                    "check the cell and the column's unit".into(),
                ));
            }
            let n = crate::menu::exposure::round_figure(n);
            if c.kind == Kind::Integer {
                if n.fract() != 0.0 {
                    return Err((
                        format!("`{}`: {shown:?} is not a whole number", c.field),
                        "amounts are whole dollars; check the column's unit".into(),
                    ));
                }
                return Ok(Some(Value::from(n as i64)));
            }
            Ok(serde_json::Number::from_f64(n).map(Value::Number))
        }
        Kind::Bool => match v {
            CellValue::Bool(b) => Ok(Some(Value::Bool(*b))),
            CellValue::Number(n) if *n == 0.0 || *n == 1.0 => Ok(Some(Value::Bool(*n == 1.0))),
            _ => match normalise(&shown).as_str() {
                "y" | "yes" | "true" | "x" | "1" => Ok(Some(Value::Bool(true))),
                "n" | "no" | "false" | "0" => Ok(Some(Value::Bool(false))),
                _ => Err((
                    format!("`{}`: {shown:?} is not yes or no", c.field),
                    format!(
                        "use Y/N, Yes/No or TRUE/FALSE, or map it: values = {{ {shown:?} = true }}"
                    ),
                )),
            },
        },
        Kind::Date => {
            let iso = match v {
                CellValue::Date(d) => Some(d.clone()),
                // a day count only in the years a fund's dates can fall in (1910-2200):
                // a small figure in a date column is a misplaced value, not 1900
                CellValue::Number(n) if (3_654.0..=110_000.0).contains(n) => excel_date(*n),
                _ => ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d-%b-%Y", "%b %d, %Y"]
                    .iter()
                    .find_map(|f| chrono::NaiveDate::parse_from_str(shown.trim(), f).ok())
                    .map(|d| d.format("%Y-%m-%d").to_string()),
            };
            match iso.filter(|d| crate::date::parse_iso(d).is_some()) {
                Some(d) => Ok(Some(Value::String(d))),
                None => Err((
                    format!("`{}`: {shown:?} is not a date", c.field),
                    "write dates as 2015-06-30 or 6/30/2015, or format the cell as a date".into(),
                )),
            }
        }
        Kind::List => Ok(Some(Value::Array(
            shown
                .split([',', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ))),
    }
}

/// Fields written first, in this order; the rest follow alphabetically.
const FIELD_ORDER: &[&str] = &[
    "id",
    "name",
    "ticker",
    "cusip",
    "isin",
    "vehicle",
    "asset_class",
    "management",
    "expense_ratio_pct",
    "qdia",
    "qdia_first_120_days",
    "assets_usd",
    "liquidity",
    "leverage",
    "benchmark",
    "inception_date",
    "url",
];

fn toml_scalar(field: &str, v: &Value, kinds: &BTreeMap<String, Kind>) -> String {
    match v {
        // a date is written as TOML writes the date it parses to, never as given text
        Value::String(s) if kinds.get(field) == Some(&Kind::Date) => s
            .parse::<toml::value::Datetime>()
            .map_or_else(|_| quoted(s), |d| d.to_string()),
        Value::String(s) => toml::Value::String(s.clone()).to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => toml::Value::Float(f).to_string(),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => format!(
            "[{}]",
            a.iter()
                .map(|x| toml_scalar("", x, kinds))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => String::new(),
    }
}

/// Text for a TOML comment: one line, no control characters (a file or sheet name
/// must not end the comment and start TOML of its own).
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// A string as a TOML basic string on one line (JSON's escapes are TOML's).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A key as TOML writes it: bare when it can be, quoted otherwise.
fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_owned()
    } else {
        toml::Value::String(k.to_owned()).to_string()
    }
}

/// The menu TOML for a lineup: stable (the same lineup and mapping give the same
/// bytes) and readable, one `[[options]]` block per row with a comment naming it.
/// `plan` is the `[plan]` table and anything else the plan file adds (waivers).
pub fn to_toml(lineup: &Lineup, plan: &toml::Table, mapping_name: &str) -> String {
    let kinds = option_fields();
    let mut out = format!(
        "# Generated by menulint import from {}{} with {}.\n",
        comment(lineup.source.name()),
        lineup
            .sheet
            .as_deref()
            .map_or(String::new(), |s| format!(" (sheet {})", comment(s))),
        comment(mapping_name),
    );
    if let Some(enc) = lineup.encoding {
        out.push_str(&format!("# The lineup was read as {enc} text.\n"));
    }
    out.push_str("# Each option names the row it comes from: correct the lineup and import again.\nschema_version = 1\n\n");
    // the plan's keys in the order the README documents them, then any others
    const PLAN_ORDER: &[&str] = &[
        "name",
        "sponsor",
        "ein",
        "plan_number",
        "recordkeeper",
        "effective_date",
        "total_assets_usd",
    ];
    if let Some(p) = plan.get("plan").and_then(toml::Value::as_table) {
        out.push_str("[plan]\n");
        let mut keys: Vec<&String> = p.keys().collect();
        keys.sort_by_key(|k| {
            (
                PLAN_ORDER.iter().position(|o| o == k).unwrap_or(usize::MAX),
                (*k).clone(),
            )
        });
        for k in keys {
            out.push_str(&format!("{} = {}\n", toml_key(k), p[k]));
        }
    }
    if let Some(w) = plan.get("waivers") {
        let mut rest = toml::Table::new();
        rest.insert("waivers".into(), w.clone());
        out.push('\n');
        out.push_str(&toml::to_string(&rest).unwrap_or_default());
    }
    for o in &lineup.options {
        let where_ = match &lineup.sheet {
            Some(s) => format!("{}!{}", comment(s), o.row),
            None => format!("row {}", o.row),
        };
        out.push_str(&format!(
            "\n# {} {where_}\n[[options]]\n",
            comment(lineup.source.name())
        ));
        let mut keys: Vec<&String> = o.value.keys().collect();
        keys.sort_by_key(|k| {
            (
                FIELD_ORDER
                    .iter()
                    .position(|f| f == k)
                    .unwrap_or(usize::MAX),
                (*k).clone(),
            )
        });
        let (scalars, tables): (Vec<&String>, Vec<&String>) =
            keys.into_iter().partition(|k| !o.value[*k].is_object());
        for k in scalars {
            out.push_str(&format!("{k} = {}\n", toml_scalar(k, &o.value[k], &kinds)));
        }
        for t in tables {
            out.push_str(&format!("\n[options.{t}]\n"));
            if let Some(m) = o.value[t].as_object() {
                // 1-year before 5-year before 10-year, as lineups and the README list them
                let mut fields: Vec<(&String, &Value)> = m.iter().collect();
                fields.sort_by_key(|(k, _)| {
                    let n: String = k.chars().filter(char::is_ascii_digit).collect();
                    (n.parse::<u32>().unwrap_or(u32::MAX), (*k).clone())
                });
                for (k, v) in fields {
                    out.push_str(&format!(
                        "{k} = {}\n",
                        toml_scalar(&format!("{t}.{k}"), v, &kinds)
                    ));
                }
            }
        }
    }
    for (row, first, why) in &lineup.skipped {
        out.push_str(&format!(
            "\n# not an option: row {row} ({}), {why}\n",
            comment(&quoted(first))
        ));
    }
    out
}

/// The unit a header names for its column's figures: `Plan Assets ($000)` is in
/// thousands, `Expense Ratio (bps)` in basis points.
fn header_unit(header: &str, field: &str) -> Option<&'static str> {
    let h = header.to_ascii_lowercase().replace(' ', "");
    let amount = field == "assets_usd";
    if amount
        && [
            "($000)",
            "(000)",
            "(000s)",
            "($000s)",
            "(inthousands)",
            "($thousands)",
            "(thousands)",
        ]
        .iter()
        .any(|u| h.contains(u))
    {
        Some("thousands")
    } else if amount
        && [
            "($m)",
            "($mm)",
            "(mm)",
            "(inmillions)",
            "($millions)",
            "(millions)",
        ]
        .iter()
        .any(|u| h.contains(u))
    {
        Some("millions")
    } else if field.ends_with("_pct") && (h.contains("(bps)") || h.contains("(bp)")) {
        Some("bp")
    } else {
        None
    }
}

/// A starter mapping from a lineup's header row: each header matched to the menu
/// field it most likely feeds, every other header listed as a comment.
pub fn starter_mapping(
    path: &Path,
    sheet: Option<&str>,
    max_size: u64,
) -> Result<String, ReadError> {
    let name = crate::diag::display_path(path);
    let empty = Mapping {
        source: SourceFile::new("", ""),
        sheet: sheet.map(str::to_owned),
        header_row: None,
        skip: Vec::new(),
        columns: Vec::new(),
        defaults: Vec::new(),
        plan: None,
    };
    let unplaced = |msg: String| {
        (
            None,
            vec![Finding::input_error(Code::Lineup, msg, None, None)],
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| unplaced(format!("cannot read {name}: {e}")))?;
    if meta.len() > max_size {
        return Err(unplaced(format!("{name} is over the size limit")));
    }
    let grid = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        let bytes =
            std::fs::read(path).map_err(|e| unplaced(format!("cannot read {name}: {e}")))?;
        read_csv(&name, &bytes)?
    } else {
        read_workbook(path, &name, sheet)?
    };
    let h = header_of(&grid, &empty).map_err(|e| (Some(grid.source.clone()), e))?;
    let (header_row, header) = &grid.rows[h];
    let fields = option_fields();
    // the presets' value tables, as a dictionary of the usual export wordings
    let known: Vec<(String, Vec<(String, Value)>)> = PRESETS
        .iter()
        .filter_map(|(_, text)| parse_mapping(SourceFile::new("", *text)).ok())
        .flat_map(|m| m.columns.into_iter().map(|c| (c.field, c.values)))
        .collect();
    let total = regex::RegexBuilder::new(TOTAL_ROW)
        .case_insensitive(true)
        .build()
        .ok();
    let mut out = format!(
        "# Lineup mapping for {}, written by `menulint import --print-map`.\n# Check each line; map the commented columns you need (see README, \"Importing a lineup\").\n\n[lineup]\n",
        comment(&name)
    );
    if let Some(s) = &grid.sheet {
        out.push_str(&format!("sheet = {}\n", quoted(s)));
    }
    out.push_str(&format!("header_row = {header_row}\n\n[columns]\n"));
    let mut used = Vec::new();
    let mut unmapped = Vec::new();
    let mut tables = String::new();
    // participants pay the net expense ratio: it wins over the gross one, wherever
    // each stands in the header
    let words = |c: &Cell| c.value.shown().to_ascii_lowercase();
    let has_net = header
        .iter()
        .any(|c| words(c).contains("net") && guess(&c.value.shown()) == Some("expense_ratio_pct"));
    for cell in header {
        let text = cell.value.shown();
        if text.is_empty() {
            continue;
        }
        let gross_beside_net = has_net && words(cell).contains("gross");
        let Some(field) = guess(&text).filter(|f| !used.contains(f) && !gross_beside_net) else {
            unmapped.push(text);
            continue;
        };
        used.push(field);
        let Some(Kind::Choice(allowed)) = fields.get(field) else {
            match header_unit(&text, field) {
                Some(unit) => out.push_str(&format!(
                    "{} = {{ header = {}, unit = \"{unit}\" }}\n",
                    toml_key(field),
                    quoted(&text)
                )),
                None => out.push_str(&format!("{} = {}\n", toml_key(field), quoted(&text))),
            }
            continue;
        };
        // the column's values that need translating, each with a guess when a
        // preset knows the wording
        let mut values: Vec<String> = Vec::new();
        for (_, cells) in &grid.rows[h + 1..] {
            let Some(v) = cells.iter().find(|c| c.column == cell.column) else {
                continue;
            };
            let shown = v.value.shown();
            let first = cells.iter().find(|c| c.value != CellValue::Empty);
            let is_total = first
                .zip(total.as_ref())
                .is_some_and(|(f, r)| r.is_match(&f.value.shown()));
            if shown.is_empty()
                || is_total
                || allowed.contains(&normalise(&shown))
                || values.contains(&shown)
            {
                continue;
            }
            values.push(shown);
        }
        tables.push_str(&format!(
            "\n[columns.{field}]\nheader = {}\n",
            quoted(&text)
        ));
        if values.is_empty() {
            continue;
        }
        let lookup = |v: &str| {
            known
                .iter()
                .filter(|(f, _)| f == field)
                .flat_map(|(_, vals)| vals)
                .find(|(from, _)| normalise(from) == normalise(v))
                .map(|(_, to)| to.clone())
        };
        let (found, missing): (Vec<&String>, Vec<&String>) =
            values.iter().partition(|v| lookup(v).is_some());
        let pairs: Vec<String> = found
            .iter()
            .filter_map(|v| lookup(v).map(|to| format!("{} = {to}", quoted(v))))
            .collect();
        tables.push_str(&format!("values = {{ {} }}\n", pairs.join(", ")));
        for v in missing {
            tables.push_str(&format!(
                "# {} has no translation yet; add it to values with one of: {}\n",
                comment(&quoted(v)),
                allowed.join(", ")
            ));
        }
    }
    out.push_str(&tables);
    if !unmapped.is_empty() {
        out.push_str("\n# Columns not mapped:\n");
        for h in unmapped {
            out.push_str(&format!("# {}\n", comment(&quoted(&h))));
        }
    }
    let missing: Vec<&&str> = ["name", "vehicle", "asset_class"]
        .iter()
        .filter(|f| !used.contains(*f))
        .collect();
    out.push_str("\n[defaults]\n");
    for f in missing {
        out.push_str(&format!(
            "# {f} = \"…\"   # no column looks like it: map one or set a default\n"
        ));
    }
    Ok(out)
}

/// The menu field a header most likely names.
fn guess(header: &str) -> Option<&'static str> {
    let h = normalise(header).replace(['(', ')', '%', '$', '.'], "");
    let has = |w: &str| h.contains(w);
    // a whole word: "1" in "1_yr", not in "10_yr"
    let word = |w: &str| {
        h.split('_')
            .any(|p| p == w || p.strip_suffix("yr") == Some(w))
    };
    Some(match () {
        _ if has("since") && has("inception") => "performance.since_inception_pct",
        _ if has("ticker") || has("symbol") => "ticker",
        _ if has("cusip") => "cusip",
        _ if has("isin") => "isin",
        _ if has("expense") || h.contains("exp_ratio") || h == "er" => "expense_ratio_pct",
        _ if has("qdia") || h.contains("default_fund") || h.contains("default_investment") => {
            "qdia"
        }
        _ if has("vehicle")
            || h.contains("fund_type")
            || h.contains("investment_type")
            || h.contains("product_type")
            || h.contains("security_type")
            || h.contains("structure") =>
        {
            "vehicle"
        }
        _ if has("category") || h.contains("asset_class") => "asset_class",
        _ if has("assets") || has("aum") || has("balance") || h.contains("market_value") => {
            "assets_usd"
        }
        _ if has("benchmark") || has("index") => "benchmark",
        _ if has("inception") => "inception_date",
        _ if has("management") || has("passive") => "management",
        _ if (word("10") || word("ten")) && (has("yr") || has("year")) => {
            "performance.return_10y_pct"
        }
        _ if (word("5") || word("five")) && (has("yr") || has("year")) => {
            "performance.return_5y_pct"
        }
        _ if (word("1") || word("one")) && (has("yr") || has("year")) => {
            "performance.return_1y_pct"
        }
        _ if has("prospectus") => "disclosures.prospectus_url",
        _ if has("url") || has("website") || has("link") => "url",
        _ if has("name") || has("fund") || has("investment") => "name",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A date cell is read in its workbook's date system: serial 45000 is
    /// 2023-03-15 in the 1900 system and 1,462 days later in the 1904 one.
    #[test]
    fn workbook_dates_follow_the_workbook_date_system() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let date = |serial: f64, is_1904: bool| {
            workbook_date(&ExcelDateTime::new(
                serial,
                ExcelDateTimeType::DateTime,
                is_1904,
            ))
        };
        assert_eq!(date(45000.0, false), CellValue::Date("2023-03-15".into()));
        assert_eq!(date(45000.0, true), CellValue::Date("2027-03-16".into()));
        assert_eq!(date(1.0e9, false), CellValue::Text("1000000000".into()));
    }

    #[test]
    fn a_sheet_dimension_counts_its_cells() {
        assert_eq!(dimension_cells("A1:XFD1048576"), 16_384 * 1_048_576);
        assert_eq!(dimension_cells("B2:D11"), 30);
        assert_eq!(dimension_cells("C3"), 1);
        assert_eq!(dimension_cells("nonsense"), 0);
    }

    #[test]
    fn columns_and_cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_number("d"), Some(4));
        assert_eq!(column_number("AA"), Some(27));
        assert_eq!(column_number("4"), None);
        let c = CellRef {
            sheet: Some("Funds".into()),
            row: 14,
            column: 4,
        };
        assert_eq!(c.to_string(), "Funds!D14");
        assert_eq!(CellRef { sheet: None, ..c }.to_string(), "14:4");
    }

    #[test]
    fn numbers_as_lineups_write_them() {
        assert_eq!(parse_number("1,234.5"), Some((1234.5, false)));
        assert_eq!(parse_number("0.45%"), Some((0.45, true)));
        assert_eq!(parse_number("(1.2)"), Some((-1.2, false)));
        assert_eq!(parse_number("$1,000"), Some((1000.0, false)));
        assert_eq!(parse_number("n/a"), None);
        assert_eq!(parse_number("-$1,250,000"), Some((-1_250_000.0, false)));
        assert_eq!(
            parse_number("9007199254740992"),
            Some((9_007_199_254_740_992.0, false))
        );
    }

    /// What could be read two ways is no number: the cell is an error, never a
    /// different value in silence.
    #[test]
    fn ambiguous_figures_are_not_numbers() {
        for s in [
            "0,45",
            "1,2345",
            "12,34.5",
            "1.234,5",
            "(-1.2)",
            "(+3)",
            "NaN",
            "nan",
            "inf",
            "-Infinity",
            "1.2.3",
            "0x10",
            "12abc",
        ] {
            assert_eq!(parse_number(s), None, "{s}");
        }
        // an integer a double cannot hold exactly is refused downstream as too large
        let (n, _) = parse_number("9007199254740993").expect("read");
        assert!(n.is_infinite());
    }

    #[test]
    fn headers_are_guessed() {
        assert_eq!(guess("Fund Name"), Some("name"));
        assert_eq!(guess("Ticker Symbol"), Some("ticker"));
        assert_eq!(guess("Net Expense Ratio (%)"), Some("expense_ratio_pct"));
        assert_eq!(guess("1 Yr Return"), Some("performance.return_1y_pct"));
        assert_eq!(guess("Morningstar Rating"), None);
        assert_eq!(guess("Investment Type"), Some("vehicle"));
        assert_eq!(guess("Fund Type"), Some("vehicle"));
        assert_eq!(guess("Default Fund"), Some("qdia"));
        assert_eq!(guess("Market Value"), Some("assets_usd"));
        assert_eq!(guess("Balance"), Some("assets_usd"));
        assert_eq!(guess("Ticker Symbol"), Some("ticker"));
        assert_eq!(
            header_unit("Plan Assets ($000)", "assets_usd"),
            Some("thousands")
        );
        assert_eq!(
            header_unit("Market Value (000s)", "assets_usd"),
            Some("thousands")
        );
        assert_eq!(
            header_unit("Assets (in thousands)", "assets_usd"),
            Some("thousands")
        );
        assert_eq!(header_unit("AUM ($M)", "assets_usd"), Some("millions"));
        assert_eq!(
            header_unit("Expense Ratio (bps)", "expense_ratio_pct"),
            Some("bp")
        );
        assert_eq!(header_unit("Expense Ratio (%)", "expense_ratio_pct"), None);
        assert_eq!(header_unit("Plan Assets ($)", "assets_usd"), None);
    }
}
