//! A lineup read through its mapping: header row, each row an option, each cell
//! converted to its field's type, or refused at the cell.

use super::cells::*;
use super::grid::*;
use super::header::*;
use super::mapping::*;
use crate::diag::{Code, Finding, Location, SourceFile, Span};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// A lineup read through its mapping: each row an option, each value with its cell.
#[derive(Debug, Clone)]
pub struct Lineup {
    /// The lineup as text, each sheet row on the line of its number (findings quote it).
    pub source: SourceFile,
    /// The workbook sheet read; `None` for a CSV file.
    pub sheet: Option<String>,
    /// What the export was decoded from when it was not UTF-8 (`windows-1252`,
    /// `UTF-16LE`); `None` for UTF-8 and for workbooks.
    pub encoding: Option<&'static str>,
    /// The row of column headers, 1-based as the spreadsheet numbers it.
    pub header_row: u32,
    /// The rows read as options, in sheet order.
    pub options: Vec<LineupOption>,
    /// Rows left out as not funds (total rows, footnotes), with their first cell and
    /// why.
    pub skipped: Vec<(u32, String, &'static str)>,
    /// Each such row, as a note at its first cell.
    pub notes: Vec<Finding>,
    /// The overlays whose facts were added, in the order given.
    pub overlays: Vec<SourceFile>,
    /// The mapping the lineup was read through, where its defaults stand.
    pub mapping: SourceFile,
    /// The identifiers (ticker, CUSIP, ISIN, id as written) of each refused row, so an
    /// overlay entry for one is told apart from an entry for no fund.
    pub refused_keys: Vec<(u32, Vec<String>)>,
    /// Rows left out because a cell of theirs was refused, each refusal at its cell:
    /// one bad cell costs its row, not every other row's findings; and columns whose
    /// figures are a unit off (fractions read as percent). The lineup still cannot
    /// pass (exit 2), nor become a menu or a document, while any is here.
    pub refused: Vec<Finding>,
    /// The SHA-256 of the file's bytes as read, for the documents' audit of inputs.
    pub sha256: String,
}

/// One row of the lineup as an option.
#[derive(Debug, Clone)]
pub struct LineupOption {
    /// The option's row, 1-based as the spreadsheet numbers it.
    pub row: u32,
    /// The row's first cell, where findings about the row (not one value) point.
    pub row_span: Span,
    /// That cell's column.
    pub row_column: u32,
    /// The option's fields (`performance.return_1y_pct` nested as tables).
    pub value: Map<String, Value>,
    /// Each field fed by a cell: the field path below the option, the cell's span and column.
    pub cells: Vec<(String, Span, u32)>,
    /// Each field an overlay set, where the overlay says it.
    pub facts: Vec<Fact>,
    /// Each field the mapping's own `[defaults]` gave, with the default's span there.
    pub defaulted: Vec<(String, Span)>,
}

/// Where a fact an overlay added sits: the overlay (its index in the lineup's list)
/// and the span of its value.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The field below the option: `custody.provider`.
    pub field: String,
    /// The overlay's index in [`Lineup::overlays`].
    pub overlay: usize,
    /// The span of the value in that overlay's text.
    pub span: Span,
}

/// Where a finding on a lineup's option points: a cell of the lineup, or a line of
/// an overlay.
#[derive(Debug, Clone)]
pub(crate) enum Place {
    Cell(Span, CellRef),
    /// The overlay's index in [`Lineup::overlays`] and the value's span.
    Fact(usize, Span),
    /// A default of the mapping ([`Lineup::mapping`]), at its line.
    Default(Span),
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
    /// points: the overlay line that set it, else the cell that fed it, else the
    /// option's row.
    pub(crate) fn locate(&self, index: usize, field: &str) -> Option<Place> {
        let o = self.options.get(index)?;
        let within = |f: &str| {
            !f.is_empty()
                && (field == f
                    || field.starts_with(&format!("{f}."))
                    || field.starts_with(&format!("{f}[")))
        };
        let fact = o
            .facts
            .iter()
            .filter(|x| within(&x.field))
            .max_by_key(|x| x.field.len());
        let hit = o
            .cells
            .iter()
            .filter(|(f, _, _)| within(f))
            .max_by_key(|(f, _, _)| f.len());
        Some(match (fact, hit) {
            (Some(x), c) if c.is_none_or(|(f, ..)| f.len() <= x.field.len()) => {
                Place::Fact(x.overlay, x.span.clone())
            }
            (_, Some((_, span, col))) => Place::Cell(span.clone(), self.cell(o.row, *col)),
            _ => match o
                .defaulted
                .iter()
                .filter(|(f, _)| within(f))
                .max_by_key(|(f, _)| f.len())
            {
                Some((_, span)) => Place::Default(span.clone()),
                None => Place::Cell(o.row_span.clone(), self.cell(o.row, o.row_column)),
            },
        })
    }

    /// For a finding about `field` of option `index` that no cell or overlay gives,
    /// what to add in the lineup's terms: a column to map, or a fact for the fund in
    /// the plan file or an overlay.
    pub(crate) fn where_to_add(&self, index: usize, field: &str) -> Option<String> {
        let o = self.options.get(index)?;
        let top = field.split(['.', '[']).next().unwrap_or(field);
        if top.is_empty() {
            return None;
        }
        let covers = |f: &str| {
            f == field
                || f.starts_with(&format!("{field}."))
                || field.starts_with(&format!("{f}."))
                || field.starts_with(&format!("{f}["))
        };
        if o.cells.iter().any(|(f, ..)| covers(f)) || o.facts.iter().any(|x| covers(&x.field)) {
            return None;
        }
        // a value the lineup does give (a mapping's default, an id made from the
        // ticker) is not missing: the rule is about something else at that place
        if lookup(&o.value, field).is_some() {
            return None;
        }
        let key = ["ticker", "cusip", "isin", "id"]
            .iter()
            .find_map(|f| o.value.get(*f).and_then(Value::as_str))
            .unwrap_or_default();
        Some(format!(
            "the lineup gives no `{field}` for {key} (row {}): map a column of the export to it in the mapping's [columns], or state it for the fund in the plan file or an --overlay file as [[options]] with for = {} and `{top}` (README, \"Facts the export lacks\")",
            o.row,
            serde_json::to_string(key).unwrap_or_default()
        ))
    }

    /// When the plan states its total assets and the options' assets add up to a
    /// thousandth or a millionth of it, the assets column was read in the wrong unit
    /// (thousands as dollars): an error at the column's first cell, since every plan
    /// figure weighted by assets would be wrong.
    pub(crate) fn total_slip(&self, plan: &toml::Table) -> Option<Finding> {
        let total = plan
            .get("plan")?
            .get("total_assets_usd")?
            .as_integer()
            .filter(|t| *t > 0)? as f64;
        let sum: f64 = self
            .options
            .iter()
            .filter_map(|o| o.value.get("assets_usd").and_then(Value::as_f64))
            .sum();
        if sum <= 0.0 {
            return None;
        }
        let ratio = total / sum;
        let unit = [(1_000.0, "thousands"), (1_000_000.0, "millions")]
            .into_iter()
            .find(|(scale, _)| (ratio / scale - 1.0).abs() <= 0.1)?
            .1;
        let o = self
            .options
            .iter()
            .find(|o| o.cells.iter().any(|(f, ..)| f == "assets_usd"))?;
        let (_, span, col) = o.cells.iter().find(|(f, ..)| f == "assets_usd")?;
        let cell = self.cell(o.row, *col);
        let mut f = Finding::input_error(
            Code::Lineup,
            format!(
                "`assets_usd`: the options' assets add up to {sum} dollars, a {} of the plan's total of {total}: the column is in {unit}",
                if unit == "thousands" { "thousandth" } else { "millionth" }
            ),
            Some(&self.source),
            Some(span.clone()),
        )
        .with_label("check the unit")
        .with_help(format!(
            "set unit = \"{unit}\" for assets_usd in the mapping (or correct [plan] total_assets_usd)"
        ));
        f.location = Some(Lineup::location(&cell));
        f.cell = Some(cell.to_string());
        Some(f)
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
        cell.location()
    }
}

pub(super) fn line_start(text: &str, line: u32) -> usize {
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
    let bytes = read_file(path, max_size)?;
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let (grid, note) = if is_csv {
        (read_csv(&name, &bytes)?, None)
    } else {
        let grids = read_workbook(path, &bytes, &name, sheet.or(mapping.sheet.as_deref()))?;
        pick_sheet(grids, mapping, &name)?
    };
    let source = grid.source.clone();
    let mut lineup = convert(grid, mapping).map_err(|e| (Some(source), e))?;
    lineup.notes.splice(0..0, note);
    lineup.sha256 = crate::diag::sha256_hex(&bytes);
    Ok(lineup)
}

/// Reads a lineup already in memory as CSV text (tests, benchmarks).
pub fn read_csv_text(name: &str, text: &str, mapping: &Mapping) -> Result<Lineup, ReadError> {
    let grid = read_csv(name, text.as_bytes())?;
    let source = grid.source.clone();
    convert(grid, mapping).map_err(|e| (Some(source), e))
}

pub(super) fn convert(grid: Grid, mapping: &Mapping) -> Result<Lineup, Vec<Finding>> {
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
    // mapped headers the header row lacks: said once, with what it has
    let mut missing: Vec<(String, String)> = Vec::new();
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
        if pos.is_none() && !c.optional {
            missing.push((c.header.clone().unwrap_or_default(), c.field.clone()));
        }
        positions.push(pos);
    }
    if !missing.is_empty() {
        let headers: Vec<String> = header
            .iter()
            .map(|c| c.value.shown())
            .filter(|s| !s.is_empty())
            .collect();
        // a header another mapped field already reads is no suggestion for this one
        let free: Vec<String> = header
            .iter()
            .filter(|c| !positions.contains(&Some(c.column)))
            .map(|c| c.value.shown())
            .filter(|s| !s.is_empty())
            .collect();
        let each: Vec<String> = missing
            .iter()
            .map(|(name, field)| {
                let hint =
                    crate::diag::suggest_ignoring_case(name, free.iter().map(String::as_str))
                        .map_or(String::new(), |h| format!(", did you mean `{h}`?"));
                format!("`{name}` (for `{field}`{hint})")
            })
            .collect();
        let span = header.first().map_or(0..0, |c| {
            c.span.start..header.last().map_or(c.span.end, |l| l.span.end)
        });
        let (n, them) = match missing.len() {
            1 => ("a column".to_owned(), "it"),
            n => (format!("{n} columns"), "them"),
        };
        errors.push(
            at(
                span,
                1,
                *header_row,
                format!(
                    "the header row (row {header_row}) lacks {n} the mapping needs: {}",
                    each.join("; ")
                ),
                "header row",
            )
            .with_help(format!(
                "the columns are: {}. Map {them} to these headers, mark a column `optional = true`, or start a mapping from this file: menulint import {} --print-map > mapping.toml",
                headers.join(", "),
                shell_word(source.name())
            )),
        );
    }
    if !errors.is_empty() {
        return Err(super::history::capped(errors, Code::Lineup));
    }
    let mut options = Vec::new();
    let mut skipped = Vec::new();
    let mut notes = Vec::new();
    let mut tickers: HashMap<String, u32> = HashMap::new();
    let mut refused_keys = Vec::new();
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
            let keys = mapping
                .columns
                .iter()
                .zip(&positions)
                .filter(|(c, _)| matches!(c.field.as_str(), "ticker" | "cusip" | "isin" | "id"))
                .filter_map(|(_, pos)| cells.iter().find(|x| Some(x.column) == *pos))
                .map(|x| x.value.shown())
                .filter(|k| !k.is_empty())
                .collect();
            refused_keys.push((*row, keys));
            continue;
        }
        let mut defaulted = Vec::new();
        for (field, v, at) in &mapping.defaults {
            if lookup(&value, field).is_none() {
                insert(&mut value, field, v.clone());
                if let Some(at) = at {
                    defaulted.push((field.clone(), at.clone()));
                }
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
            facts: Vec::new(),
            defaulted,
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
    // a unit slip that would pass every fee cap costs the lineup as a refused cell does
    let (slips, doubts) = unit_slips(&grid, mapping, &positions, &options, &at);
    errors.extend(slips);
    notes.extend(doubts);
    Ok(Lineup {
        source,
        sheet: grid.sheet,
        encoding: grid.encoding,
        header_row: *header_row,
        options,
        skipped,
        refused: super::history::capped(errors, Code::Lineup),
        notes,
        overlays: Vec::new(),
        mapping: mapping.source.clone(),
        refused_keys,
        sha256: String::new(),
    })
}

/// A file name as a shell word, so the command a help text gives can be pasted.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./+,:@".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Figures that are off by a unit for their column, judged over the whole column,
/// as (errors, warnings). A percent column of expense ratios whose figures are a
/// fraction's size (0.0045 for 0.45 %) is an error, since every fee cap would pass:
/// surely so when most are under 0.012 or the column mixes them with cells a workbook
/// formats as percentages, a warning when only all are 0.025 or less (a lineup of
/// index funds at 0.015 % is real). A return column whose every figure is within
/// ±0.6 reads as fractions too (a warning), as does an amount column a thousand
/// times off its unit. Figures written with a `%` sign, or formatted as percentages,
/// say their unit; zero reads the same in every unit.
fn unit_slips(
    grid: &Grid,
    mapping: &Mapping,
    positions: &[Option<u32>],
    options: &[LineupOption],
    at: &dyn Fn(Span, u32, u32, String, &str) -> Finding,
) -> (Vec<Finding>, Vec<Finding>) {
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let rows: HashMap<u32, &Vec<Cell>> = grid.rows.iter().map(|(r, c)| (*r, c)).collect();
    for (c, pos) in mapping.columns.iter().zip(positions) {
        let Some(col) = *pos else { continue };
        if !matches!(c.kind, Kind::Number | Kind::Integer) {
            continue;
        }
        // the column's plain, nonzero figures as written (before the unit's scale),
        // and how many of its cells say they are percentages
        let mut said_percent = 0;
        let mut figures: Vec<(f64, Span, u32)> = Vec::new();
        for o in options {
            let Some(cell) = rows
                .get(&o.row)
                .and_then(|r| r.iter().find(|x| x.column == col))
            else {
                continue;
            };
            let n = match &cell.value {
                CellValue::Number(n) => *n,
                CellValue::Percent(_) => {
                    said_percent += 1;
                    continue;
                }
                CellValue::Text(t) => match parse_number(t) {
                    Some((n, false)) => n,
                    Some((_, true)) => {
                        said_percent += 1;
                        continue;
                    }
                    None => continue,
                },
                _ => continue,
            };
            if n != 0.0 {
                figures.push((n, cell.span.clone(), o.row));
            }
        }
        if figures.is_empty() {
            continue;
        }
        let header = c.header.clone().unwrap_or_else(|| column_letters(col));
        let mut sorted: Vec<f64> = figures.iter().map(|(n, ..)| n.abs()).collect();
        sorted.sort_by(f64::total_cmp);
        let (smallest, largest, median) = (
            sorted[0],
            sorted[sorted.len() - 1],
            sorted[sorted.len() / 2],
        );
        let first = &figures[0];
        let percent_column = c.field.ends_with("_pct") && c.scale == 1.0;
        if percent_column && c.field.contains("expense_ratio") {
            let fix = format!(
                "if the export holds fractions, set unit = \"fraction\" for `{}` in the mapping (and for its return columns, if they hold fractions too); if they are percent, write them with a % sign (0.015%)",
                c.field
            );
            if said_percent > 0 {
                // beside cells that say they are percentages, a plain figure of a
                // fraction's size is one pasted without its format
                for (n, span, row) in figures.iter().filter(|(n, ..)| n.abs() <= 0.025) {
                    errors.push(
                        at(
                            span.clone(),
                            col,
                            *row,
                            format!(
                                "`{}`: {n} is a plain figure in column `{header}`, whose other cells are percentages: it reads as {n} %, a fraction's size (0.0045 for 0.45 %)",
                                c.field
                            ),
                            "a fraction's size",
                        )
                        .with_help("format the cell as a percentage like the rest of its column, or write it with a % sign"),
                    );
                }
                continue;
            }
            let sure = median <= 0.012 || median <= 0.02 && smallest < 0.005;
            // one figure of 0.015 is an index fund's fee as often as a fraction
            if !sure && (largest > 0.025 || figures.len() < 2) {
                continue;
            }
            let (n, span, row) = figures
                .iter()
                .find(|(n, ..)| n.abs() == smallest)
                .unwrap_or(first);
            let f = at(
                span.clone(),
                col,
                *row,
                format!(
                    "`{}`: the figures in column `{header}` are a fraction's size ({n} here, median {median}): read as percent, a fund costs {n} %, and every fee cap passes",
                    c.field
                ),
                "a fraction's size",
            )
            .with_help(fix);
            if sure {
                errors.push(f);
            } else {
                warnings.push(f.with_severity(crate::diag::Severity::Warning));
            }
            continue;
        }
        // a doubt about the whole column, said at its first figure
        let doubt = |message: String, help: String| {
            at(first.1.clone(), col, first.2, message, "check the unit")
                .with_severity(crate::diag::Severity::Warning)
                .with_help(help)
        };
        if percent_column && c.field.starts_with("performance.") {
            // a lineup's returns span several percent; all within ±0.6 % are fractions
            if said_percent == 0 && figures.len() >= 3 && largest <= 0.6 {
                warnings.push(doubt(
                    format!(
                        "`{}`: every return in column `{header}` is within ±0.6 (largest {largest}): read as percent they are returns under 1 %, which look like fractions (0.152 for 15.2 %)",
                        c.field
                    ),
                    format!(
                        "if the export holds fractions, set unit = \"fraction\" for `{}` in the mapping",
                        c.field
                    ),
                ));
            }
            continue;
        }
        if !c.field.ends_with("_usd") {
            continue;
        }
        let unit = if c.scale >= 1_000_000.0 {
            "millions"
        } else if c.scale >= 1_000.0 {
            "thousands"
        } else {
            "dollars"
        };
        let slip = if c.scale > 1.0 && median >= 1_000_000.0 {
            Some((
                "look like whole dollars",
                "if they are dollars, set unit = \"dollars\" for it in the mapping",
            ))
        } else if c.scale == 1.0 && figures.len() >= 3 && median < 1_000.0 && largest > 0.0 {
            Some((
                "look like thousands or millions of dollars",
                "if the header says ($000) or (in thousands), set unit = \"thousands\" for it in the mapping; ($M) or (in millions): unit = \"millions\"",
            ))
        } else {
            None
        };
        if let Some((slip, fix)) = slip {
            warnings.push(doubt(
                format!(
                    "`{}`: the figures in column `{header}`, read as {unit}, {slip} (median {median})",
                    c.field
                ),
                fix.to_owned(),
            ));
        }
    }
    (errors, warnings)
}
