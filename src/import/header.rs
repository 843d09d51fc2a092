//! Which sheet of a workbook holds the lineup, and which of its rows is the header:
//! the rows that name the most mapped headers.

use super::grid::*;
use super::mapping::*;
use crate::diag::{Code, Finding};

/// The lower-cased text cells of a row.
fn texts(cells: &[Cell]) -> Vec<String> {
    texts_as_shown(cells)
        .into_iter()
        .map(|t| t.to_lowercase())
        .collect()
}

/// The mapping's header texts.
fn mapped_headers(mapping: &Mapping) -> Vec<&str> {
    mapping
        .columns
        .iter()
        .filter_map(|c| c.header.as_deref())
        .collect()
}

/// Among a grid's first 50 rows, the one naming the most of `names`: (how many, the
/// row's index), the earliest among equals.
fn best_header_row(grid: &Grid, names: &[&str]) -> (usize, usize) {
    grid.rows
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
        })
        .max_by_key(|&(hits, i)| (hits, std::cmp::Reverse(i)))
        .unwrap_or((0, 0))
}

/// The sheet that holds the lineup, when the workbook's sheets were all read: the one
/// whose header row names the most mapped headers (a cover page names none), said in
/// a note when there was a choice. When no sheet names any, one error lists what each
/// sheet's header row holds.
pub(super) fn pick_sheet(
    mut grids: Vec<Grid>,
    mapping: &Mapping,
    name: &str,
) -> Result<(Grid, Option<Finding>), ReadError> {
    let names = mapped_headers(mapping);
    if grids.len() == 1 || names.is_empty() {
        let g = grids.remove(0);
        return Ok((g, None));
    }
    let scores: Vec<(usize, usize)> = grids.iter().map(|g| best_header_row(g, &names)).collect();
    let best = (0..grids.len())
        .max_by_key(|&i| (scores[i].0, std::cmp::Reverse(i)))
        .unwrap_or(0);
    if scores[best].0 == 0 {
        let each: Vec<String> = grids
            .iter()
            .map(|g| {
                let sheet = g.sheet.clone().unwrap_or_default();
                let header = g
                    .rows
                    .iter()
                    .take(50)
                    .map(|(_, c)| texts_as_shown(c))
                    .find(|t| t.len() >= 3)
                    .or_else(|| {
                        g.rows
                            .iter()
                            .map(|(_, c)| texts_as_shown(c))
                            .find(|t| !t.is_empty())
                    });
                match header {
                    Some(h) => format!("`{sheet}`: {}", shortened(&h)),
                    None => format!("`{sheet}`: empty"),
                }
            })
            .collect();
        let f = Finding::input_error(
            Code::Lineup,
            format!(
                "no sheet of {name} has the mapping's headers ({}…)",
                names.iter().take(3).copied().collect::<Vec<_>>().join(", ")
            ),
            None,
            None,
        )
        .with_help(format!(
            "the sheets and their headers — {}; name the lineup's sheet with --sheet, or start a mapping from it with `menulint import {name} --sheet NAME --print-map`",
            each.join("; ")
        ));
        return Err((None, vec![f]));
    }
    let others: Vec<String> = grids
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .filter_map(|(_, g)| g.sheet.clone())
        .collect();
    let grid = grids.swap_remove(best);
    let (hits, row) = scores[best];
    let sheet = grid.sheet.clone().unwrap_or_default();
    let first = grid.rows.get(row).and_then(|(_, c)| c.first());
    let at = first.map(|c| c.span.clone());
    let cell = CellRef {
        sheet: grid.sheet.clone(),
        row: grid.rows.get(row).map_or(1, |(r, _)| *r),
        column: first.map_or(1, |c| c.column),
    };
    let mut note = lineup_error(
        &grid.source,
        at.or(Some(0..0)),
        format!(
            "read sheet `{sheet}` of {name}: its row {} names {hits} of the mapping's headers, more than any other sheet ({})",
            grid.rows.get(row).map_or(1, |(r, _)| *r),
            others.join(", ")
        ),
    )
    .with_severity(crate::diag::Severity::Info)
    .with_label("header row")
    .with_help("to read another sheet, give --sheet NAME or [lineup] sheet in the mapping");
    note.location = Some(cell.location());
    note.cell = Some(cell.to_string());
    Ok((grid, Some(note)))
}

/// A row's text cells as shown.
fn texts_as_shown(cells: &[Cell]) -> Vec<String> {
    cells
        .iter()
        .filter_map(|c| match &c.value {
            CellValue::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// Up to eight headers, then how many more.
fn shortened(headers: &[String]) -> String {
    let mut s = headers
        .iter()
        .take(8)
        .map(|h| h.chars().take(40).collect::<String>())
        .collect::<Vec<_>>()
        .join(", ");
    if headers.len() > 8 {
        s.push_str(&format!(", and {} more", headers.len() - 8));
    }
    s
}

/// The header row: the mapping's, else the row among the first 50 that names the most
/// mapped headers (exports often start with a title row), else the first row with
/// three or more cells of text.
pub(super) fn header_of(grid: &Grid, mapping: &Mapping) -> Result<usize, Vec<Finding>> {
    let sheet = grid
        .sheet
        .as_deref()
        .map_or(String::new(), |s| format!(" (sheet `{s}`)"));
    let names = mapped_headers(mapping);
    let found = match mapping.header_row {
        Some(n) => grid.rows.iter().position(|(r, _)| *r == n),
        None => match best_header_row(grid, &names) {
            (hits, i) if hits > 0 => Some(i),
            _ => grid
                .rows
                .iter()
                .position(|(_, c)| texts(c).len() >= 3)
                .or_else(|| grid.rows.iter().position(|(_, c)| !texts(c).is_empty())),
        },
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
