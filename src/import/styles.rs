//! Which cells of a workbook sheet are formatted as percentages.
//!
//! A cell Excel shows as "0.08%" holds 0.0008: read as a number it is 100 times too
//! small for a percent column, and a fee cap would pass a fund it should fail. The
//! workbook reader we use exposes date formats only, so the styles are read here
//! from the archive itself: XLSX and XLSM through `xl/styles.xml`, ODS through each
//! cell's value type. An old binary XLS has no such archive; its figures are judged
//! by their size for their column instead (`convert`).

use quick_xml::events::{BytesStart, Event};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Seek};

/// The cells, as 1-based (row, column), whose number format shows a percentage.
pub(super) type PercentCells = HashSet<(u32, u32)>;

/// How many percent cells are kept: far more than a lineup has, and a bound on what
/// a crafted sheet can make us hold.
const MAX_KEPT: usize = 1_000_000;

/// The percent-formatted cells of `sheet`; empty when the file is no archive we know
/// (the caller then judges figures by their size).
pub(super) fn percent_cells(bytes: &[u8], sheet: &str) -> PercentCells {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return PercentCells::new();
    };
    if zip.index_for_name("content.xml").is_some() {
        return ods_percent_cells(&mut zip, sheet).unwrap_or_default();
    }
    xlsx_percent_cells(&mut zip, sheet).unwrap_or_default()
}

fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn entry<'a, R: Read + Seek>(
    zip: &'a mut zip::ZipArchive<R>,
    name: &str,
) -> Option<quick_xml::Reader<BufReader<zip::read::ZipFile<'a, R>>>> {
    let f = zip.by_name(name).ok()?;
    Some(quick_xml::Reader::from_reader(BufReader::new(f)))
}

/// A tag as the walk sees it.
#[derive(Clone, Copy, PartialEq)]
enum Tag {
    Open,
    /// `<tag/>`: opened and closed at once.
    Whole,
    Close,
}

/// Walks an XML entry's tags until `f` says stop; `None` when it is no XML.
fn each_tag<B: BufRead>(
    mut reader: quick_xml::Reader<B>,
    mut f: impl FnMut(&str, Option<&BytesStart<'_>>, Tag) -> bool,
) -> Option<()> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let go_on = match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) => f(e.local_name().as_ref(), Some(&e), Tag::Open),
            Event::Empty(e) => f(e.local_name().as_ref(), Some(&e), Tag::Whole),
            Event::End(e) => f(e.local_name().as_ref(), None, Tag::Close),
            Event::Eof => return Some(()),
            _ => true,
        };
        if !go_on {
            return Some(());
        }
    }
}

/// Whether an Excel number format shows a percentage: a `%` outside quotes,
/// brackets and backslash escapes, and not the character after `_` (a space its
/// width) or `*` (a fill): `0.00%`, `0.0%;[Red]-0.0%`, not `0 "%"` or `0.00_%`.
pub(super) fn is_percent_format(code: &str) -> bool {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' | '_' | '*' if !quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            '%' if !quoted && !bracket => return true,
            _ => {}
        }
    }
    false
}

fn xlsx_percent_cells<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    sheet: &str,
) -> Option<PercentCells> {
    // the sheet's part: workbook.xml names it, its relationships locate it
    let mut rid = None;
    each_tag(entry(zip, "xl/workbook.xml")?, |name, e, _| match e {
        Some(e) if name == "sheet" && attr(e, "name").as_deref() == Some(sheet) => {
            rid = attr(e, "id");
            false
        }
        _ => true,
    })?;
    let rid = rid?;
    let mut target = None;
    each_tag(
        entry(zip, "xl/_rels/workbook.xml.rels")?,
        |name, e, _| match e {
            Some(e) if name == "Relationship" && attr(e, "Id").as_deref() == Some(&rid) => {
                target = attr(e, "Target");
                false
            }
            _ => true,
        },
    )?;
    let target = target?;
    let part = match target.strip_prefix('/') {
        Some(abs) => abs.to_owned(),
        None => format!("xl/{target}"),
    };
    // the cell styles (`s="3"` is the fourth `xf` of `cellXfs`) showing a percentage
    let mut custom: HashMap<u32, bool> = HashMap::new();
    let mut percent_styles: HashSet<u32> = HashSet::new();
    if let Some(styles) = entry(zip, "xl/styles.xml") {
        let (mut in_xfs, mut index) = (false, 0u32);
        each_tag(styles, |name, e, tag| {
            match (name, e) {
                ("numFmt", Some(e)) => {
                    if let (Some(id), Some(code)) = (
                        attr(e, "numFmtId").and_then(|i| i.parse().ok()),
                        attr(e, "formatCode"),
                    ) {
                        custom.insert(id, is_percent_format(&code));
                    }
                }
                ("cellXfs", _) => in_xfs = tag == Tag::Open,
                ("xf", Some(e)) if in_xfs => {
                    let id: u32 = attr(e, "numFmtId")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    // 9 and 10 are Excel's built-in 0% and 0.00%
                    if matches!(id, 9 | 10) || custom.get(&id).copied().unwrap_or(false) {
                        percent_styles.insert(index);
                    }
                    index += 1;
                }
                _ => {}
            }
            true
        });
    }
    let mut cells = PercentCells::new();
    if percent_styles.is_empty() {
        return Some(cells);
    }
    let (mut row, mut column) = (0u32, 0u32);
    each_tag(entry(zip, &part)?, |name, e, _| {
        let Some(e) = e else { return true };
        match name {
            "row" => {
                row = attr(e, "r")
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(row.saturating_add(1));
                column = 0;
            }
            "c" => {
                // a cell without its reference follows the one before it
                column = attr(e, "r")
                    .and_then(|r| {
                        let letters: String =
                            r.chars().take_while(char::is_ascii_alphabetic).collect();
                        super::a1::column_number(&letters)
                    })
                    .unwrap_or(column.saturating_add(1));
                let style = attr(e, "s").and_then(|s| s.parse().ok()).unwrap_or(0);
                if percent_styles.contains(&style) {
                    cells.insert((row, column));
                }
            }
            _ => {}
        }
        cells.len() < MAX_KEPT
    })?;
    Some(cells)
}

fn ods_percent_cells<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    sheet: &str,
) -> Option<PercentCells> {
    let mut cells = PercentCells::new();
    let mut inside = false;
    // the row being read (1-based), how many rows it stands for, the next row's
    // number, and the columns read so far in it
    let (mut row, mut rows, mut next, mut column) = (0u32, 1u32, 1u32, 0u32);
    each_tag(entry(zip, "content.xml")?, |name, e, tag| {
        let repeated = |key: &str| {
            e.and_then(|e| attr(e, key))
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(1)
                .max(1)
        };
        match (name, tag) {
            ("table", Tag::Open) if !inside => {
                inside = e.and_then(|e| attr(e, "name")).as_deref() == Some(sheet);
            }
            ("table", Tag::Close) if inside => return false,
            ("table-row", Tag::Open | Tag::Whole) if inside => {
                row = next;
                rows = repeated("number-rows-repeated");
                next = next.saturating_add(rows);
                column = 0;
            }
            ("table-cell" | "covered-table-cell", Tag::Open | Tag::Whole) if inside => {
                let n = repeated("number-columns-repeated");
                let kind = e.and_then(|e| attr(e, "value-type"));
                if kind.as_deref() == Some("percentage") {
                    for r in 0..rows.min(1_000) {
                        for c in 1..=n.min(1_000) {
                            cells.insert((row.saturating_add(r), column.saturating_add(c)));
                        }
                    }
                }
                column = column.saturating_add(n);
            }
            _ => {}
        }
        cells.len() < MAX_KEPT
    })?;
    Some(cells)
}

/// The first cell or row reference in a sheet's XML that no workbook can hold
/// (`XFDZZZZ3`, row 99999999999), or `None` when all can be held.
pub(super) fn bad_reference(sheet: impl Read) -> Option<String> {
    let mut bad = None;
    each_tag(
        quick_xml::Reader::from_reader(BufReader::new(sheet)),
        |name, e, _| {
            let Some(e) = e else { return true };
            match name {
                "c" => {
                    if let Some(r) = attr(e, "r").filter(|r| super::a1::cell_position(r).is_none())
                    {
                        bad = Some(r);
                    }
                }
                "row" => {
                    if let Some(r) = attr(e, "r")
                        .filter(|r| !r.parse::<u64>().is_ok_and(|n| (1..=1_048_576).contains(&n)))
                    {
                        bad = Some(format!("row {r}"));
                    }
                }
                _ => {}
            }
            bad.is_none()
        },
    );
    bad
}

#[cfg(test)]
mod tests {
    use super::is_percent_format;

    #[test]
    fn percent_formats_are_told_from_others() {
        for code in ["0%", "0.00%", "0.0%;[Red]-0.0%", "#,##0.000%"] {
            assert!(is_percent_format(code), "{code}");
        }
        for code in [
            "0.00",
            "0 \"%\"",
            "0\\%",
            "[$%-409]0.00",
            "General",
            "mm/dd/yyyy",
            "0.00_%",
            "0.00*%",
        ] {
            assert!(!is_percent_format(code), "{code}");
        }
    }
}
