//! The grids users bring: CSV files and workbook sheets as rows of cells, each cell
//! with its text, its typed value and where it is.

use crate::diag::{Code, Finding, Location, SourceFile, Span};
use std::fmt;
use std::path::Path;

/// The file extensions read as lineups.
pub(crate) const EXTENSIONS: &[&str] = &["csv", "xlsx", "xlsm", "xls", "ods"];

/// Whether a path names a lineup export rather than a TOML menu.
pub(crate) fn is_lineup(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// A spreadsheet position: `Funds!D14` in a workbook, `14:4` (row, column) in a CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    /// The sheet's name in a workbook; `None` in a CSV file.
    pub sheet: Option<String>,
    /// 1-based row, as the spreadsheet numbers it.
    pub row: u32,
    /// 1-based column.
    pub column: u32,
}

pub(crate) use super::a1::column_letters;
pub(super) use super::a1::{cell_position, column_number};

impl CellRef {
    /// A location for JSON and SARIF: the row as the line, the column number.
    pub fn location(&self) -> Location {
        Location {
            line: self.row as usize,
            column: self.column as usize,
            end_line: self.row as usize,
            end_column: self.column as usize + 1,
        }
    }
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
pub(super) struct Cell {
    pub(super) value: CellValue,
    pub(super) span: Span,
    pub(super) column: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum CellValue {
    Empty,
    Text(String),
    Number(f64),
    /// A number the workbook formats as a percentage, as the percent it shows: a cell
    /// holding 0.0008 formatted `0.00%` is 0.08.
    Percent(f64),
    Bool(bool),
    /// An ISO date.
    Date(String),
    /// A spreadsheet error (`#N/A`): never a value.
    Error(String),
}

impl CellValue {
    pub(super) fn shown(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(s) | CellValue::Date(s) | CellValue::Error(s) => s.clone(),
            CellValue::Number(n) => n.to_string(),
            CellValue::Percent(n) => format!("{n}%"),
            CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        }
    }
}

/// Why a lineup could not be read: the findings, and the lineup's text when they
/// point into it.
pub(crate) type ReadError = (Option<SourceFile>, Vec<Finding>);

/// A sheet or CSV file as rows of cells, with a text that shows each row on the line
/// of its row number (findings quote it).
pub(super) struct Grid {
    pub(super) source: SourceFile,
    pub(super) sheet: Option<String>,
    /// (row number, cells), blank rows included.
    pub(super) rows: Vec<(u32, Vec<Cell>)>,
    /// What the text was decoded from, when it was not UTF-8.
    pub(super) encoding: Option<&'static str>,
}

pub(super) fn lineup_error(source: &SourceFile, span: Option<Span>, msg: String) -> Finding {
    Finding::input_error(Code::Lineup, msg, Some(source), span)
}

pub(super) fn read_csv(name: &str, bytes: &[u8]) -> Result<Grid, ReadError> {
    if encoding_rs::Encoding::for_bom(bytes).is_none_or(|(e, _)| e == encoding_rs::UTF_8) {
        if let Some(at) = crate::menu::encoding::stray_byte(bytes) {
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
    let (text, encoding) = crate::menu::encoding::decode(bytes);
    let source = SourceFile::new(name.to_owned(), text);
    let text = source.text();
    let mut rows = Vec::new();
    for rec in super::records::records(text, 0, None) {
        let at = rec.start;
        if rows.len() >= MAX_ROWS {
            let f = lineup_error(&source, Some(at..at + 1), too_many_rows(name, ""))
                .with_label("one row too many");
            return Err((Some(source.clone()), vec![f]));
        }
        // the row number from the text itself: CR LF and LF count the same
        let line = source.position(at).0;
        let values: Vec<&str> = rec.fields.iter().map(String::as_str).collect();
        if let Some(b) = super::history::broken_quote(&values, None) {
            let s = rec.spans.get(b.cell).map_or(at, |s| s.start);
            let f = lineup_error(&source, Some(s..s + 1), b.message)
                .with_label(b.label)
                .with_help(b.help);
            return Err((Some(source.clone()), vec![f]));
        }
        let cells = values
            .iter()
            .zip(rec.spans.iter().cloned())
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
pub(super) fn excel_date(serial: f64) -> Option<String> {
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
pub(super) fn workbook_date(dt: &calamine::ExcelDateTime) -> CellValue {
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
pub(crate) const MAX_UNPACKED: u64 = 512 * 1024 * 1024;

/// How many cells a sheet may claim.
pub(crate) const MAX_CELLS: u64 = 10_000_000;

/// The most rows a lineup may have. A plan's lineup lists tens or hundreds of
/// funds; an export of more rows is a fund universe, not a menu, and checking it
/// as one would take minutes and gigabytes. Refused before its rows are converted.
pub(crate) const MAX_ROWS: usize = 10_000;

fn too_many_rows(name: &str, what: &str) -> String {
    format!(
        "{name}{what} has more than {MAX_ROWS} rows: a plan's lineup lists its funds, not a fund universe; filter the export to the plan's funds"
    )
}

/// Checks a zipped workbook (XLSX, XLSM, ODS) before anything is unpacked: what its
/// entries say they unpack to, and the cells each sheet claims (`<dimension
/// ref="A1:XFD1048576"/>`), which the reader would allocate up front. A file that is
/// not a zip is left to the reader.
pub(super) fn archive_within_limits(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
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
        if cells == u64::MAX {
            return Err(format!(
                "gives {sheet} a range no workbook has ({}): save the sheet again, or export the lineup as CSV",
                dim.chars().take(40).collect::<String>()
            ));
        }
        if cells > MAX_CELLS {
            return Err(format!(
                "claims {cells} cells ({dim}) in {sheet}, over the limit of {MAX_CELLS}: save the sheet again, or export the lineup as CSV"
            ));
        }
        // the rows it claims, before any is read
        let rows = dim
            .split(':')
            .filter_map(cell_position)
            .map(|(row, _)| row)
            .max()
            .unwrap_or(0);
        if rows > MAX_ROWS as u64 {
            return Err(format!(
                "claims {rows} rows ({dim}) in {sheet}: a plan's lineup lists its funds, not a fund universe; filter the export to the plan's funds (at most {MAX_ROWS} rows)"
            ));
        }
    }
    // every cell and row a sheet names must be one a workbook can hold: the reader
    // would otherwise fail on it in ways it does not report
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else { continue };
        let sheet = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if !(sheet.starts_with("xl/worksheets/") && sheet.ends_with(".xml")) {
            continue;
        }
        if let Some(bad) = super::styles::bad_reference(entry) {
            return Err(format!(
                "names a cell no workbook has ({}) in {sheet}: save the sheet again, or export the lineup as CSV",
                bad.chars().take(40).collect::<String>()
            ));
        }
    }
    Ok(())
}

/// The cells a range like `A1:XFD1048576` spans (a single cell is 1); a range that
/// does not read counts as every cell.
pub(super) fn dimension_cells(range: &str) -> u64 {
    let mut ends = range.split(':');
    let (Some(Some((r1, c1))), Some(Some((r2, c2)))) = (
        ends.next().map(cell_position),
        ends.next()
            .map_or_else(|| Some(cell_position(range)), |e| Some(cell_position(e))),
    ) else {
        // a range that does not read is no promise of a small sheet
        return u64::MAX;
    };
    (r2.abs_diff(r1) + 1).saturating_mul(c2.abs_diff(c1) + 1)
}

/// A workbook's sheets as grids: the one named, or every sheet when none is (the
/// caller picks the one that holds the lineup).
pub(super) fn read_workbook(
    path: &Path,
    bytes: &[u8],
    name: &str,
    sheet: Option<&str>,
) -> Result<Vec<Grid>, ReadError> {
    use calamine::Reader;
    let unplaced = |msg: String| {
        (
            None,
            vec![Finding::input_error(Code::Lineup, msg, None, None)],
        )
    };
    if let Err(msg) = archive_within_limits(bytes) {
        return Err(unplaced(format!("{name} {msg}")));
    }
    let mut book = open_book(path, bytes).map_err(|e| {
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
    let chosen: Vec<String> = match sheet {
        Some(s) => match names.iter().find(|n| n.as_str() == s) {
            Some(n) => vec![n.clone()],
            None => {
                let hint = match crate::diag::suggest_ignoring_case(s, &names) {
                    Some(n) => format!("; did you mean `{n}`?"),
                    None => String::new(),
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
        None if names.is_empty() => return Err(unplaced(format!("{name} has no sheets"))),
        None => names.clone(),
    };
    let mut grids = Vec::new();
    for sheet in chosen {
        let range = book
            .worksheet_range(&sheet)
            .map_err(|e| unplaced(format!("cannot read sheet `{sheet}` of {name}: {e}")))?;
        if range.height() > MAX_ROWS {
            return Err(unplaced(too_many_rows(name, &format!(" (sheet {sheet})"))));
        }
        let percent = super::styles::percent_cells(bytes, &sheet);
        grids.push(sheet_grid(name, sheet, &range, &percent));
    }
    Ok(grids)
}

/// A workbook from the bytes read (so what is judged is what was hashed), in the
/// format its extension names, as calamine's `open_workbook_auto` opens a path; any
/// other extension is told by its content.
fn open_book<'b>(
    path: &Path,
    bytes: &'b [u8],
) -> Result<calamine::Sheets<std::io::Cursor<&'b [u8]>>, calamine::Error> {
    use calamine::{open_workbook_from_rs, Error, Sheets};
    let data = std::io::Cursor::new(bytes);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    Ok(match extension.as_deref() {
        Some("xls" | "xla") => Sheets::Xls(open_workbook_from_rs(data).map_err(Error::Xls)?),
        Some("xlsx" | "xlsm" | "xlam") => {
            Sheets::Xlsx(open_workbook_from_rs(data).map_err(Error::Xlsx)?)
        }
        Some("xlsb") => Sheets::Xlsb(open_workbook_from_rs(data).map_err(Error::Xlsb)?),
        Some("ods") => Sheets::Ods(open_workbook_from_rs(data).map_err(Error::Ods)?),
        _ => calamine::open_workbook_auto_from_rs(data)?,
    })
}

/// A lineup file's bytes, read once: size-limited, from a regular file only.
pub(super) fn read_file(path: &Path, max_size: u64) -> Result<Vec<u8>, ReadError> {
    crate::menu::load::read_bytes(path, max_size)
        .map(|(_, bytes)| bytes)
        .map_err(|f| (None, vec![*f]))
}

/// One sheet as a grid: each sheet row on the line of its number, cells as a CSV row.
fn sheet_grid(
    name: &str,
    sheet: String,
    range: &calamine::Range<calamine::Data>,
    percent: &super::styles::PercentCells,
) -> Grid {
    use calamine::Data;
    let (top, left) = range.start().unwrap_or((0, 0));
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
            let column = left + j as u32 + 1;
            let figure = |n: f64| {
                if percent.contains(&(number, column)) {
                    // the percent Excel shows, without the float noise of * 100
                    CellValue::Percent(format!("{:.10}", n * 100.0).parse().unwrap_or(n * 100.0))
                } else {
                    CellValue::Number(n)
                }
            };
            let value = match d {
                Data::Empty => CellValue::Empty,
                Data::String(s) if s.trim().is_empty() => CellValue::Empty,
                Data::String(s) => CellValue::Text(s.trim().to_owned()),
                Data::Int(n) => figure(*n as f64),
                Data::Float(f) => figure(*f),
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
                column,
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
    Grid {
        source,
        sheet: Some(sheet),
        rows,
        encoding: None,
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read, Write};

    /// An archive of one 64 KB entry whose headers state `stated` bytes.
    fn archive_stating(stated: u32) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("xl/sharedStrings.xml", opts).unwrap();
        w.write_all(&[b'a'; 65536]).unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        // the uncompressed size, in the local header (offset 22) and the central one (24)
        for (sig, at) in [
            ([0x50, 0x4b, 0x03, 0x04], 22),
            ([0x50, 0x4b, 0x01, 0x02], 24),
        ] {
            let start = bytes.windows(4).position(|x| x == sig).unwrap();
            assert_eq!(bytes[start + at..start + at + 4], 65536u32.to_le_bytes());
            bytes[start + at..start + at + 4].copy_from_slice(&stated.to_le_bytes());
        }
        bytes
    }

    /// The limit is checked on the sizes an archive states, before anything is
    /// unpacked; that is enough because the zip reader (calamine's) stops an entry
    /// that unpacks past its stated size with an error, one byte over it.
    #[test]
    fn an_archive_is_held_to_the_sizes_it_states() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.xlsx");
        std::fs::write(&big, archive_stating(600 * 1024 * 1024)).unwrap();
        let refused = super::archive_within_limits(&std::fs::read(&big).unwrap()).unwrap_err();
        assert!(
            refused.starts_with("unpacks to 629145600 bytes, over the limit"),
            "{refused}"
        );

        let mut zip = zip::ZipArchive::new(Cursor::new(archive_stating(100))).unwrap();
        let mut unpacked = Vec::new();
        let read = zip.by_index(0).unwrap().read_to_end(&mut unpacked);
        assert!(read.is_err(), "an entry larger than it states is an error");
        assert!(unpacked.len() <= 101, "{} bytes unpacked", unpacked.len());
    }
}
