//! Lineup exports: `import` and `check --map` on CSV and XLSX, findings at their
//! cells, and every bad input a clear located error (exit 2), never a panic.

use crate::common;

use common::{check, check_json, first_findings, human, line_of, menulint, write_in, AS_OF};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook};
use serde_json::Value;
use std::path::Path;

const CSV: &str = "sample-menus/lineup/lineup.csv";
const XLSX: &str = "sample-menus/lineup/lineup.xlsx";
const PLAN: &str = "sample-menus/lineup/plan.toml";

/// One cell of a test workbook.
enum C<'a> {
    S(&'a str),
    N(f64),
    /// A number shown in a number format (`0.00%`).
    F(f64, &'a str),
    Date(u16, u8, u8),
    Formula(&'a str, &'a str),
    Blank,
}

/// Writes a workbook with one sheet `sheet` of rows; the same rows give the same bytes.
fn workbook(path: &Path, sheet: &str, rows: &[Vec<C>]) {
    workbook_sheets(path, &[(sheet, rows)]);
}

/// Writes a workbook of several sheets, in order.
fn workbook_sheets(path: &Path, sheets: &[(&str, &[Vec<C>])]) {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2026, 10, 1).unwrap();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let date_format = Format::new().set_num_format("mm/dd/yyyy");
    for (sheet, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*sheet).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::S(s) => drop(ws.write_string(r, c, *s).unwrap()),
                    C::N(n) => drop(ws.write_number(r, c, *n).unwrap()),
                    C::F(n, f) => drop(
                        ws.write_number_with_format(r, c, *n, &Format::new().set_num_format(*f))
                            .unwrap(),
                    ),
                    C::Date(y, m, d) => drop(
                        ws.write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                            &date_format,
                        )
                        .unwrap(),
                    ),
                    C::Formula(f, result) => drop(
                        ws.write_formula(r, c, Formula::new(*f).set_result(*result))
                            .unwrap(),
                    ),
                    C::Blank => {}
                }
            }
        }
    }
    wb.save(path).unwrap();
}

/// The sample lineup as workbook rows: a title row, a blank row, the header, the
/// funds (dates as dates, a formula for the total).
fn sample_rows() -> Vec<Vec<C<'static>>> {
    let text = std::fs::read_to_string(CSV).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut rows = vec![
        vec![C::S(
            "Acme Corp 401(k) Savings Plan — fund lineup as of 09/30/2026",
        )],
        vec![],
    ];
    for rec in reader.records() {
        let rec = rec.unwrap();
        let cells = rec
            .iter()
            .map(|v| {
                let v: &'static str = Box::leak(v.to_owned().into_boxed_str());
                if v.is_empty() {
                    return C::Blank;
                }
                if v == "240,000,000" {
                    return C::Formula("=SUM(H4:H9)", "240000000");
                }
                if let Ok(n) = v.replace(',', "").parse::<f64>() {
                    if !v.contains('/') && !v.chars().any(char::is_alphabetic) {
                        return C::N(n);
                    }
                }
                let parts: Vec<&str> = v.split('/').collect();
                if parts.len() == 3 && parts.iter().all(|p| p.parse::<u32>().is_ok()) {
                    return C::Date(
                        parts[2].parse().unwrap(),
                        parts[0].parse().unwrap(),
                        parts[1].parse().unwrap(),
                    );
                }
                C::S(v)
            })
            .collect();
        rows.push(cells);
    }
    rows
}

/// Regenerates sample-menus/lineup/lineup.xlsx from lineup.csv:
/// `cargo test lineup:: -- --ignored regenerate`.
#[test]
#[ignore]
fn regenerate_the_sample_workbook() {
    workbook(Path::new(XLSX), "Funds", &sample_rows());
}

/// `menulint import LINEUP --map recordkeeper --plan PLAN`, then `extra`.
fn import(lineup: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["import", lineup, "--map", "recordkeeper", "--plan", PLAN];
    args.extend_from_slice(extra);
    run(&args)
}

/// A command, in process where the library does all of it: `import` to standard
/// output, and `check`: (exit code, standard output, what the binary says on
/// standard error). Anything else runs the binary.
fn run(args: &[&str]) -> (i32, String, String) {
    match args.split_first() {
        Some((&"import", rest)) if !rest.contains(&"--output") => return import_in_process(rest),
        Some((&"check", rest)) if !rest.contains(&"--output") => {
            let (mut format, mut flags) = ("human", Vec::new());
            let mut rest = rest.iter();
            while let Some(&a) = rest.next() {
                match a {
                    "--format" => format = rest.next().unwrap(),
                    "--as-of" => assert_eq!(rest.next(), Some(&AS_OF)),
                    _ => flags.push(a),
                }
            }
            let (code, out) = check(format, &flags);
            return (code, out, String::new());
        }
        _ => {}
    }
    binary(args)
}

/// `import LINEUP --map … [--sheet …] [--plan …] [--overlay …] [--print-map]`, in
/// process through the library's `engine::check::import` and `starter_mapping`.
fn import_in_process(args: &[&str]) -> (i32, String, String) {
    let (mut lineup, mut map, mut sheet, mut plan) = (None, None, None, None);
    let (mut overlays, mut print_map) = (Vec::new(), false);
    let mut args = args.iter();
    while let Some(&a) = args.next() {
        let mut value = || *args.next().unwrap();
        match a {
            "--map" => map = Some(value()),
            "--sheet" => sheet = Some(value()),
            "--plan" => plan = Some(std::path::PathBuf::from(value())),
            "--overlay" => overlays.push(std::path::PathBuf::from(value())),
            "--print-map" => print_map = true,
            flag if flag.starts_with('-') => panic!("{flag}: run the binary"),
            path => lineup = Some(Path::new(path)),
        }
    }
    let lineup = lineup.expect("a lineup");
    let max = menulint::menu::load::DEFAULT_MAX_FILE_SIZE;
    let refused = |reports: &[menulint::engine::FileReport]| (2, String::new(), human(reports));
    let made = if print_map {
        menulint::engine::check::starter_mapping(lineup, sheet, max)
    } else {
        let Some(map) = map else {
            return binary(&["import", lineup.to_str().unwrap()]);
        };
        match menulint::engine::check::LineupOptions::read(map, sheet, plan.as_deref(), &overlays) {
            Ok(lo) => menulint::engine::check::import(lineup, &lo, max),
            Err(menulint::engine::Refused::Files(reports)) => return refused(&reports),
            Err(menulint::engine::Refused::Usage(msg)) => {
                return (2, String::new(), format!("error: {msg}\n"))
            }
        }
    };
    match made {
        Ok(text) => (0, text, String::new()),
        Err(report) => refused(&[*report]),
    }
}

fn binary(args: &[&str]) -> (i32, String, String) {
    let out = menulint().args(args).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8"),
        stderr,
    )
}

/// (rule, cell, line, column) of every finding of the first file.
fn cells(json: &Value) -> Vec<(String, String, u64, u64)> {
    first_findings(json)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["cell"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn check_lineup(lineup: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![lineup, "--map", "recordkeeper", "--plan", PLAN];
    args.extend_from_slice(extra);
    check_json(&args)
}

#[test]
fn the_sample_lineup_checks_with_findings_at_their_cells() {
    let (code, json) = check_lineup(CSV, &[]);
    assert_eq!(code, 1);
    let row = |rule: &str| (rule.to_owned(), "7:1".to_owned(), 7, 1);
    // and the total row, left out, is said at its row
    let total = ("menulint::lineup".to_owned(), "8:1".to_owned(), 8, 1);
    assert_eq!(
        cells(&json),
        [row("CRY006"), row("DIS005"), row("DIS006"), total]
    );
    // the workbook gives the same findings at its cells: a title row and a blank row
    // come first, and it has no blank row between funds
    let (code, json) = check_lineup(XLSX, &[]);
    assert_eq!(code, 1);
    let row = |rule: &str| (rule.to_owned(), "Funds!A8".to_owned(), 8, 1);
    let total = ("menulint::lineup".to_owned(), "Funds!A9".to_owned(), 9, 1);
    assert_eq!(
        cells(&json),
        [row("CRY006"), row("DIS005"), row("DIS006"), total]
    );
}

#[test]
fn import_then_check_gives_the_same_findings_as_checking_the_lineup() {
    let dir = tempfile::tempdir().unwrap();
    for lineup in [CSV, XLSX] {
        let menu = dir.path().join("menu.toml");
        let (code, _, _) = import(lineup, &["--output", menu.to_str().unwrap()]);
        assert_eq!(code, 0);
        let (_, imported) = check_json(&[menu.to_str().unwrap()]);
        let (_, direct) = check_lineup(lineup, &[]);
        // (the lineup's notes on rows that are not funds are the lineup's own)
        let strip = |json: &Value| -> Vec<(String, String, String)> {
            first_findings(json)
                .filter(|f| f["severity"] != "info")
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap().to_owned(),
                        f["message"].as_str().unwrap().to_owned(),
                        f["fingerprint"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        };
        assert_eq!(strip(&imported), strip(&direct), "{lineup}");
        assert_eq!(strip(&direct).len(), 3);
    }
}

#[test]
fn the_generated_menu_is_stable_and_names_its_rows() {
    let imported = |lineup: &str| {
        let (code, out, _) = import(lineup, &[]);
        assert_eq!(code, 0);
        out
    };
    let first = imported(CSV);
    assert_eq!(first, imported(CSV), "byte-identical for the same input");
    insta::assert_snapshot!("sample_lineup_import", first);
    let from_xlsx = imported(XLSX);
    assert!(from_xlsx.contains("# sample-menus/lineup/lineup.xlsx Funds!4\n[[options]]"));
    // the same options, whatever the export format
    let options = |s: &str| {
        s[s.find("[[options]]").unwrap()..]
            .replace("Funds!", "row ")
            .to_owned()
    };
    let skip_comments = |s: String| -> String {
        s.lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        skip_comments(options(&first)),
        skip_comments(options(&from_xlsx))
    );
}

#[test]
fn human_output_names_the_cell_and_quotes_the_row() {
    let (code, out, _) = run(&[
        "check",
        "--as-of",
        AS_OF,
        XLSX,
        "--map",
        "recordkeeper",
        "--plan",
        PLAN,
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("╭─[sample-menus/lineup/lineup.xlsx:Funds!A8]"),
        "{out}"
    );
    assert!(
        out.contains("iShares Bitcoin Trust ETF,IBIT,46438F101,ETF"),
        "{out}"
    );
    let (_, out, _) = run(&[
        "check",
        "--as-of",
        AS_OF,
        CSV,
        "--map",
        "recordkeeper",
        "--plan",
        PLAN,
    ]);
    assert!(
        out.contains("╭─[sample-menus/lineup/lineup.csv:7:1]"),
        "{out}"
    );
}

#[test]
fn sarif_regions_are_the_row_and_column() {
    let (_, out, _) = run(&[
        "check",
        "--as-of",
        AS_OF,
        "--format",
        "sarif",
        XLSX,
        "--map",
        "recordkeeper",
        "--plan",
        PLAN,
    ]);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 8);
    assert_eq!(region["startColumn"], 1);
}

/// Writes a CSV lineup in the recordkeeper layout with `rows` after the header and
/// checks it; returns (exit code, JSON).
/// The sample's first 16 headers: an export without the optional columns.
fn core_header() -> String {
    let text = std::fs::read_to_string(CSV).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').take(16).collect();
    header.join(",")
}

/// Checks rows under the sample's first 16 headers: an export without the optional
/// columns of the comparative chart (benchmark returns, fees, restrictions), whose
/// absence the disclosure rules report. These tests are about reading cells, so
/// those rules are left out.
fn check_rows(rows: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let header = core_header();
    let csv = write_in(dir.path(), "l.csv", format!("{header}\n{rows}"));
    check_lineup(&csv, &["--ignore", "DIS007,DIS009,DIS010,STR015"])
}

/// (message, cell) of every finding of the first file.
fn errors(json: &Value) -> Vec<(String, String)> {
    first_findings(json)
        .map(|f| {
            (
                f["message"].as_str().unwrap().to_owned(),
                f["cell"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

const GOOD: &str = "Fidelity 500 Index Fund,FXAIX,315911750,Mutual Fund,Large Cap,Index,0.015,\"80,000,000\",Y,25.0,14.5,13.1,,S&P 500 Index,05/04/2011,https://example.com/fxaix";

#[test]
fn each_bad_value_is_an_error_at_its_cell() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // an unmapped value, with the closest suggested
        (
            "Mutual Fund",
            "Mutal Fund",
            "`vehicle`: \"Mutal Fund\" is not a value menulint knows",
            "2:4",
        ),
        (
            "0.015",
            "n/a",
            "`expense_ratio_pct`: \"n/a\" is not a number",
            "2:7",
        ),
        (
            "05/04/2011",
            "2011-13-45",
            "`inception_date`: \"2011-13-45\" is not a date",
            "2:15",
        ),
        (
            ",Y,",
            ",Maybe,",
            "`qdia`: \"Maybe\" is not yes or no",
            "2:9",
        ),
    ];
    for (from, to, message, cell) in cases {
        let (code, json) = check_rows(&GOOD.replacen(from, to, 1));
        assert_eq!(code, 2, "{to}");
        let found = errors(&json);
        assert!(
            found.iter().any(|(m, c)| m == message && c == cell),
            "{to}: want {message:?} at {cell}, got {found:?}"
        );
    }
    let (_, json) = check_rows(&GOOD.replacen("Mutual Fund", "Mutal Fund", 1));
    assert!(json["files"][0]["findings"][0]["help"]
        .as_str()
        .unwrap()
        .starts_with("did you mean `Mutual Fund`?"));
}

#[test]
fn a_duplicate_ticker_points_at_the_second_row() {
    let (code, json) = check_rows(&format!(
        "{GOOD}\n{}",
        GOOD.replace("Fidelity 500", "Copy of 500")
    ));
    assert_eq!(code, 2);
    // the second row is refused at its ticker; the first is still checked (in row order)
    assert_eq!(
        errors(&json),
        [
            (
                "Fidelity 500 Index Fund is a US equity option, which does not qualify as a QDIA for the regulation's relief."
                    .to_owned(),
                "2:5".to_owned()
            ),
            (
                "ticker FXAIX appears again (first in row 2)".to_owned(),
                "3:2".to_owned()
            ),
        ]
    );
}

#[test]
fn blank_rows_and_total_rows_are_not_funds() {
    let dir = tempfile::tempdir().unwrap();
    let header = core_header();
    let csv = write_in(
        dir.path(),
        "l.csv",
        format!(
            "{header}\n\n{GOOD}\n,,,,,,,,,,,,,,,\n\nGrand Total,,,,,,,\"80,000,000\",,,,,,,,\n"
        ),
    );
    let (code, out, _) = import(&csv, &[]);
    assert_eq!(code, 0);
    assert_eq!(out.matches("[[options]]").count(), 1, "{out}");
}

#[test]
fn a_missing_column_is_located_at_the_header_with_the_closest_header() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(CSV)
        .unwrap()
        .replacen("Fund Type", "Fund Typ", 1);
    let csv = write_in(dir.path(), "l.csv", text);
    let (code, json) = check_lineup(&csv, &[]);
    assert_eq!(code, 2);
    let f = &json["files"][0]["findings"][0];
    assert_eq!(
        f["message"],
        "the header row (row 1) lacks a column the mapping needs: `Fund Type` (for `vehicle`, did you mean `Fund Typ`?)"
    );
    assert_eq!(f["cell"], "1:1");
}

#[test]
fn windows_1252_exports_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let header = core_header();
    let mut bytes = format!("{header}\n").into_bytes();
    // "Société Générale Fund" in Windows-1252: é is one byte, 0xE9
    bytes.extend(
        GOOD.replace("Fidelity 500 Index Fund", "Soci\u{e9}t\u{e9} Fund")
            .chars()
            .map(|c| c as u32 as u8),
    );
    let csv = write_in(dir.path(), "l.csv", &bytes);
    let (code, out, _) = import(&csv, &[]);
    assert_eq!(code, 0);
    assert!(out.contains("name = \"Société Fund\""), "{out}");
    assert!(out.contains("# The lineup was read as windows-1252 text."));
}

#[test]
fn workbook_problems_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xlsx");
    workbook(&good, "Funds", &sample_rows());
    let good = good.to_str().unwrap();
    // a sheet that does not exist, with the closest named
    let (code, _, err) = import(good, &["--sheet", "Fund"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("has no sheet `Fund`; did you mean `Funds`?"),
        "{err}"
    );
    assert!(err.contains("its sheets: Funds"), "{err}");
    // an empty sheet
    let empty = dir.path().join("empty.xlsx");
    workbook(&empty, "Funds", &[]);
    let (code, _, err) = import(empty.to_str().unwrap(), &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("has no header row (sheet `Funds`): it is empty"),
        "{err}"
    );
    // a corrupt workbook (a truncated file) and a file that is no workbook at all
    let bytes = std::fs::read(good).unwrap();
    let truncated = write_in(dir.path(), "cut.xlsx", &bytes[..bytes.len() / 2]);
    let text = write_in(dir.path(), "text.xlsx", "not a workbook");
    for bad in [truncated, text] {
        let (code, _, err) = import(&bad, &[]);
        assert_eq!(code, 2, "{bad}");
        assert!(err.contains("is not a readable workbook"), "{err}");
    }
    // a spreadsheet error in a formula cell
    let mut rows = sample_rows();
    rows[3][6] = C::Formula("=1/0", "#DIV/0!");
    let errs = dir.path().join("errs.xlsx");
    workbook(&errs, "Funds", &rows);
    let (code, json) = check_lineup(errs.to_str().unwrap(), &[]);
    assert_eq!(code, 2);
    assert_eq!(
        errors(&json)[0],
        (
            "`expense_ratio_pct`: the cell holds a spreadsheet error (#DIV/0!)".to_owned(),
            "Funds!G4".to_owned()
        )
    );
}

#[test]
fn formula_cells_give_their_cached_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = sample_rows();
    rows[3][7] = C::Formula("=100000000+10000000", "110000000");
    let path = dir.path().join("f.xlsx");
    workbook(&path, "Funds", &rows);
    let (code, out, _) = import(path.to_str().unwrap(), &[]);
    assert_eq!(code, 0);
    assert!(out.contains("assets_usd = 110000000\n"), "{out}");
}

#[test]
fn print_map_writes_a_starter_mapping_that_imports() {
    let (code, out, _) = run(&["import", XLSX, "--print-map"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("sample_lineup_print_map", out);
    // used as written, it imports the sample as the preset does
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(dir.path(), "map.toml", &out);
    let import = |map: &str| {
        let (code, menu, err) = run(&["import", XLSX, "--map", map, "--plan", PLAN]);
        assert_eq!(code, 0, "{err}");
        menu.lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(import(&map), import("recordkeeper"));
}

#[test]
fn mapping_mistakes_are_located_in_the_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(
        dir.path(),
        "map.toml",
        "[columns]\nname = \"Fund Name\"\nexpense_ratio = \"Net Expense Ratio (%)\"\nvehicle = { header = \"Fund Type\", values = { \"Mutual Fund\" = \"mutualfund\" } }\n",
    );
    let (code, _, err) = run(&["import", CSV, "--map", &map, "--plan", PLAN]);
    assert_eq!(code, 2);
    assert!(err.contains("`expense_ratio` is not an option field of the menu format; did you mean `expense_ratio_pct`?"), "{err}");
    assert!(
        err.contains("maps \"Mutual Fund\" to \"mutualfund\", which is not one of"),
        "{err}"
    );
    assert!(err.contains("nothing feeds `asset_class`"), "{err}");
    let (code, _, err) = run(&["import", CSV, "--map", "recordkeepr", "--plan", PLAN]);
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean the preset `recordkeeper`?"),
        "{err}"
    );
    assert!(err.contains("recordkeeper, vendor"), "{err}");
}

#[test]
fn a_lineup_without_a_mapping_or_plan_is_refused() {
    let (code, json) = check_json(&[CSV]);
    assert_eq!(code, 2);
    assert_eq!(
        json["files"][0]["findings"][0]["message"],
        "sample-menus/lineup/lineup.csv is a lineup export: it needs a mapping"
    );
    let (code, _, err) = run(&["import", CSV, "--map", "recordkeeper"]);
    assert_eq!(code, 2);
    assert!(err.contains("give --plan PLAN.toml"), "{err}");
}

#[test]
fn cell_text_cannot_inject_into_outputs() {
    let hostile = GOOD
        .replace(
            "Fidelity 500 Index Fund",
            "\"<script>x</script> | **y** \u{1b}[31m\"",
        )
        .replace("Large Cap", "Digital Assets");
    let dir = tempfile::tempdir().unwrap();
    let header = core_header();
    let csv = write_in(dir.path(), "l.csv", format!("{header}\n{hostile}\n"));
    let (_, human, _) = run(&[
        "check",
        "--as-of",
        AS_OF,
        &csv,
        "--map",
        "recordkeeper",
        "--plan",
        PLAN,
    ]);
    assert!(!human.contains('\u{1b}'), "{human}");
    let (_, md, _) = run(&[
        "check",
        "--as-of",
        AS_OF,
        "--format",
        "markdown",
        &csv,
        "--map",
        "recordkeeper",
        "--plan",
        PLAN,
    ]);
    assert!(!md.contains("<script>") && !md.contains("| **y**"), "{md}");
    // the generated TOML quotes the value: it stays one string
    let (code, toml, _) = import(&csv, &[]);
    assert_eq!(code, 0);
    let parsed: toml::Table = toml::from_str(&toml).unwrap();
    assert_eq!(
        parsed["options"][0]["name"].as_str().unwrap(),
        "<script>x</script> | **y** \u{1b}[31m"
    );
}

#[test]
fn fraction_and_thousands_units_convert() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(
        dir.path(),
        "map.toml",
        "[columns]\nname = \"Name\"\nexpense_ratio_pct = { header = \"ER\", unit = \"fraction\" }\nassets_usd = { header = \"Assets ($000)\", unit = \"thousands\" }\n[defaults]\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n[plan]\nname = \"P\"\nsponsor = \"S\"\n",
    );
    let csv = write_in(
        dir.path(),
        "l.csv",
        "Name,ER,Assets ($000)\nA Fund,0.0045,\"1,250\"\nB Fund,0.12%,3\n",
    );
    let (code, out, err) = run(&["import", &csv, "--map", &map]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("expense_ratio_pct = 0.45\nassets_usd = 1250000\n"),
        "{out}"
    );
    // "0.12%" is a percent whatever the unit says
    assert!(
        out.contains("expense_ratio_pct = 0.12\nassets_usd = 3000\n"),
        "{out}"
    );
}

#[test]
fn hostile_and_malformed_lineups_are_refused_at_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let header = core_header();
    let write = |name: &str, rows: &str| write_in(dir.path(), name, format!("{header}\n{rows}\n"));
    // a fund named like a total row is a fund; a real total row is not
    let csv = write(
        "total.csv",
        &format!(
            "{}\nTotal,,,,,,,\"80,000,000\",,,,,,,,",
            GOOD.replace("Fidelity 500 Index Fund", "Total Return Bond Fund")
        ),
    );
    let (code, out, _) = import(&csv, &[]);
    assert_eq!(code, 0);
    assert!(out.contains("name = \"Total Return Bond Fund\""), "{out}");
    assert!(out.contains("# not an option: row 3 (\"Total\")"), "{out}");
    // a quote left open would swallow the rows after it
    let unquoted = GOOD.replacen("\"80,000,000\"", "80000000", 1);
    let csv = write(
        "quote.csv",
        &format!(
            "{}\n{unquoted}",
            unquoted.replacen("Large Cap", "\"Large Cap", 1)
        ),
    );
    let (code, _, err) = import(&csv, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("a quote opened here is never closed"), "{err}");
    // a stray quote closed by a later one joins cells; the user is told so, not that
    // a shifted value is unknown
    let csv = write(
        "joined.csv",
        &GOOD.replacen("Fidelity 500", "\"Fidelity 500", 1),
    );
    let (code, _, err) = import(&csv, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("a stray quote joins"), "{err}");
    // figures too large to be exact, and a percentage in an amount column
    for (from, to, message) in [
        (
            "\"80,000,000\"",
            "1e30",
            "is too large to be a figure of a fund",
        ),
        ("\"80,000,000\"", "50%", "is a percentage, not an amount"),
    ] {
        let csv = write("big.csv", &GOOD.replacen(from, to, 1));
        let (code, _, err) = import(&csv, &[]);
        assert_eq!(code, 2, "{to}");
        assert!(err.contains(message), "{err}");
    }
    // a column letter past the last column
    let map = write_in(
        dir.path(),
        "map.toml",
        "[columns]\nname = \"Fund Name\"\nticker = { letter = \"Z\" }\n[defaults]\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n",
    );
    let csv = write("l.csv", GOOD);
    let (code, _, err) = run(&["import", &csv, "--map", &map, "--plan", PLAN]);
    assert_eq!(code, 2);
    assert!(
        err.contains("column Z (mapped to `ticker`) is past the lineup's last column, P"),
        "{err}"
    );
    // CR LF line ends count rows as LF does
    let crlf = write_in(
        dir.path(),
        "crlf.csv",
        std::fs::read_to_string(CSV).unwrap().replace('\n', "\r\n"),
    );
    let (_, json) = check_lineup(&crlf, &[]);
    assert_eq!(cells(&json)[0].1, "7:1");
    // a file name cannot end the generated menu's comments and start TOML
    let evil = write_in(
        dir.path(),
        "l\n[[waivers]]\nrule = \"X\".csv",
        format!("{header}\n{GOOD}\n"),
    );
    let (code, out, _) = import(&evil, &[]);
    assert_eq!(code, 0);
    let parsed: toml::Table = toml::from_str(&out).unwrap();
    assert!(!parsed.contains_key("waivers"), "{out}");
}

#[test]
fn outputs_never_overwrite_the_mapping_or_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(dir.path(), "map.toml", lineup_preset_text());
    let plan = write_in(dir.path(), "plan.toml", std::fs::read(PLAN).unwrap());
    for target in [&map, &plan] {
        for args in [
            vec![
                "check", CSV, "--map", &map, "--plan", &plan, "--format", "json", "--output",
                target,
            ],
            vec![
                "report", CSV, "--map", &map, "--plan", &plan, "--output", target,
            ],
            vec![
                "dossier", CSV, "--map", &map, "--plan", &plan, "--output", target,
            ],
        ] {
            let before = std::fs::read(target).unwrap();
            let (code, _, _) = run(&args);
            assert_eq!(code, 2, "{args:?}");
            assert_eq!(std::fs::read(target).unwrap(), before, "{args:?}");
        }
    }
}

fn lineup_preset_text() -> &'static str {
    menulint::import::lineup::PRESETS
        .iter()
        .find(|(n, _)| *n == "recordkeeper")
        .unwrap()
        .1
}

#[test]
fn a_date_cell_out_of_any_calendar_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = sample_rows();
    // Inception Date of the first fund: a number no date has
    rows[3][14] = C::N(1e20);
    let path = dir.path().join("d.xlsx");
    workbook(&path, "Funds", &rows);
    let (code, json) = check_lineup(path.to_str().unwrap(), &[]);
    assert_eq!(code, 2);
    assert_eq!(errors(&json)[0].1, "Funds!O4");
    assert!(errors(&json)[0].0.contains("is not a date"));
}

#[test]
fn directory_runs_skip_plan_files_but_not_broken_menus() {
    let dir = tempfile::tempdir().unwrap();
    write_in(dir.path(), "plan.toml", std::fs::read(PLAN).unwrap());
    // a menu that forgot schema_version is still a menu, and is reported
    write_in(
        dir.path(),
        "menu.toml",
        "[plan]\nname = \"P\"\nsponsor = \"S\"\noptions = []\n",
    );
    let (code, json) = check_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    let paths: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(paths[0].ends_with("menu.toml"));
}

/// A mapping's defaults and translations are written into the generated menu as
/// values of their field's type: text that would write TOML of its own (a "date"
/// with a line break, a value ending the table), a NaN or a string for a number is
/// refused at its line in the mapping, and nothing is written.
#[test]
fn mapping_values_never_write_toml_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_in(dir.path(), "l.csv", "Name,Class\nA Fund,Stock\n");
    let base = "[columns]\nname = \"Name\"\nasset_class = { header = \"Class\", values = { \"Stock\" = \"us_equity\" } }\n[plan]\nname = \"P\"\nsponsor = \"S\"\n[defaults]\nvehicle = \"mutual_fund\"\n";
    for (line, extra) in [
        (9, "inception_date = \"2020-01-01\\nleverage = 3.0\"\n"),
        (9, "leverage = nan\n"),
        (9, "assets_usd = \"1000\"\n"),
        (9, "qdia = \"yes\"\n"),
    ] {
        let map = write_in(dir.path(), "map.toml", format!("{base}{extra}"));
        let out = dir.path().join("menu.toml");
        let (code, _, err) = run(&[
            "import",
            &csv,
            "--map",
            &map,
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{extra}: {err}");
        assert!(
            err.contains(&format!("map.toml:{line}:1]")),
            "{extra}: {err}"
        );
        assert!(
            err.contains("is ") && err.contains(", not "),
            "{extra}: {err}"
        );
        assert!(!out.exists(), "{extra}");
    }
    // a translation to a date must be a date, not a table of its own
    let map = write_in(
        dir.path(),
        "map.toml",
        "[columns]\nname = \"Name\"\ninception_date = { header = \"Class\", values = { \"Stock\" = \"2020-01-01\\n[[options]]\" } }\n[defaults]\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n",
    );
    let (code, out, err) = run(&["import", &csv, "--map", &map]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("not a date"), "{err}");
    // a real date default is written as a TOML date
    let map = write_in(
        dir.path(),
        "map.toml",
        format!("{base}inception_date = 2020-01-01\n"),
    );
    let (code, out, err) = run(&["import", &csv, "--map", &map]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("inception_date = 2020-01-01\n"), "{out}");
    assert_eq!(out.matches("[[options]]").count(), 1, "{out}");
}

/// A figure that could be read two ways, or not exactly, is an error at its cell —
/// never a different value in silence: a decimal comma, a sign inside accounting
/// parentheses, an integer past 2^53, NaN.
#[test]
fn ambiguous_figures_are_errors_at_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(
        dir.path(),
        "map.toml",
        "[columns]\nname = \"Name\"\nticker = \"Ticker\"\nexpense_ratio_pct = \"ER\"\nassets_usd = \"Assets\"\nleverage = \"Leverage\"\n[defaults]\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n[plan]\nname = \"P\"\nsponsor = \"S\"\n",
    );
    let csv = write_in(
        dir.path(),
        "l.csv",
        "Name,Ticker,ER,Assets,Leverage\nA Fund,AAAAX,\"0,45\",1000,1\nB Fund,BBBBX,(-1.2),9007199254740993,NaN\n",
    );
    let out = menulint()
        .args(["check", "--format", "json", &csv, "--map", &map])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, String)> = first_findings(&json)
        .map(|f| {
            (
                f["cell"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2:3", "`expense_ratio_pct`: \"0,45\" is not a number"),
            ("3:3", "`expense_ratio_pct`: \"(-1.2)\" is not a number"),
            (
                "3:4",
                "`assets_usd`: \"9007199254740993\" is too large to be a figure of a fund"
            ),
            ("3:5", "`leverage`: \"NaN\" is not a number"),
        ]
        .map(|(c, m)| (c.to_owned(), m.to_owned())),
        "{json:#}"
    );
}

/// A CUSIP whose leading zero the spreadsheet dropped is refused at its cell with
/// the reason and the fix — never silently repaired — and costs only its row.
#[test]
fn a_cusip_that_lost_its_leading_zeros_says_so_and_costs_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(
        dir.path(),
        "map.toml",
        "[columns]\nname = \"Name\"\nticker = \"Ticker\"\ncusip = \"CUSIP\"\nexpense_ratio_pct = \"ER\"\n[defaults]\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n[plan]\nname = \"P\"\nsponsor = \"S\"\n",
    );
    let csv = write_in(
        dir.path(),
        "l.csv",
        "Name,Ticker,CUSIP,ER\nA Fund,AAAAX,37833100,0.1\nB Fund,BBBBX,315911750,3.5\n",
    );
    let (code, json) = check_json(&[&csv, "--map", &map]);
    assert_eq!(code, 2, "{json:#}");
    let refused = first_findings(&json)
        .find(|f| f["cell"] == "2:3")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(
        refused["message"],
        "`cusip`: 37833100 has 8 characters, a CUSIP has 9: the spreadsheet likely dropped its leading zeros"
    );
    assert!(
        refused["help"]
            .as_str()
            .unwrap()
            .ends_with("it reads 037833100, a valid CUSIP"),
        "{refused:#}"
    );
    // the other row is still checked: its 3.5 % fee is a finding
    assert!(
        first_findings(&json).any(|f| f["rule"] == "FEE001" && f["cell"] == "3:4"),
        "{json:#}"
    );
}

/// Rows that are not funds — totals, subtotals, footnotes, a name with nothing else
/// — are left out, each said at its row and listed in the generated menu; a fund
/// whose name begins like one ("Total Return …", "Source …") is still a fund.
#[test]
fn rows_that_are_not_funds_are_left_out_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(
        dir.path(),
        "map.toml",
        "[columns]\nname = \"Name\"\nticker = \"Ticker\"\nexpense_ratio_pct = \"ER\"\nassets_usd = \"Assets\"\n[defaults]\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n[plan]\nname = \"P\"\nsponsor = \"S\"\n",
    );
    let csv = write_in(
        dir.path(),
        "l.csv",
        "Name,Ticker,ER,Assets\n\
         Total Return Bond Fund,TRBFX,0.04,1000\n\
         Source Capital Fund,SORCX,0.05,1000\n\
         Subtotal Equity,,,2000\n\
         Total Plan Assets,,,2000\n\
         * Performance as of 09/30/2026,,,\n\
         † Closed to new investors,,,\n\
         Source: Morningstar,,,\n\
         Note: figures unaudited,,,\n\
         Prepared for Acme Corp,,,\n",
    );
    let (code, out, err) = run(&["import", &csv, "--map", &map]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("[[options]]").count(), 2, "{out}");
    assert!(out.contains("name = \"Total Return Bond Fund\""), "{out}");
    assert!(out.contains("name = \"Source Capital Fund\""), "{out}");
    for (row, why) in [
        (4, "a total row"),
        (5, "a total row"),
        (6, "a footnote"),
        (7, "a footnote"),
        (8, "a footnote"),
        (9, "a footnote"),
        (
            10,
            "a name with no identifier, vehicle, asset class or figure",
        ),
    ] {
        assert!(
            out.contains(&format!("# not an option: row {row} (")) && out.contains(why),
            "row {row}: {out}"
        );
    }
    let (_, json) = check_json(&[&csv, "--map", &map]);
    let notes: Vec<&str> = first_findings(&json)
        .filter(|f| f["severity"] == "info" && f["rule"] == "menulint::lineup")
        .map(|f| f["cell"].as_str().unwrap())
        .collect();
    assert_eq!(
        notes,
        ["4:1", "5:1", "6:1", "7:1", "8:1", "9:1", "10:1"],
        "{json:#}"
    );
}

/// A lineup's errors name its rows and cells, never the generated menu's
/// `options[6]`.
#[test]
fn lineup_messages_name_rows_not_menu_paths() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(
        dir.path(),
        "map.toml",
        "[columns]\nname = \"Name\"\nticker = \"Ticker\"\n[defaults]\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n[plan]\nname = \"P\"\nsponsor = \"S\"\n",
    );
    let csv = write_in(
        dir.path(),
        "l.csv",
        "Name,Ticker\nA Fund,AAAAX\nB Fund,bbbbx\n",
    );
    let (code, json) = check_json(&[&csv, "--map", &map]);
    assert_eq!(code, 2, "{json:#}");
    let f = first_findings(&json).find(|f| f["cell"] == "3:2").unwrap();
    assert_eq!(
        f["message"],
        "`ticker`: \"bbbbx\" is not a ticker of 1 to 5 capital letters (row 3)"
    );
    assert!(
        first_findings(&json).all(|f| !f["message"].as_str().unwrap().contains("options[")),
        "{json:#}"
    );
}

/// The starter mapping reads what headers say: units in brackets, the net expense
/// ratio over the gross, the usual names for vehicle, QDIA and assets; presets are
/// named in any case.
#[test]
fn the_starter_mapping_reads_what_headers_say() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_in(
        dir.path(),
        "l.csv",
        "Fund Name,Ticker Symbol,Investment Type,Gross Expense Ratio,Net Expense Ratio,Plan Assets ($000),Default Fund\n\
         A Fund,AAAAX,Mutual Fund,0.5,0.45,\"1,250\",N\n",
    );
    let (code, out, err) = run(&["import", &csv, "--print-map"]);
    assert_eq!(code, 0, "{err}");
    for line in [
        "ticker = \"Ticker Symbol\"\n",
        "expense_ratio_pct = \"Net Expense Ratio\"\n",
        "assets_usd = { header = \"Plan Assets ($000)\", unit = \"thousands\" }\n",
        "qdia = \"Default Fund\"\n",
        "[columns.vehicle]\nheader = \"Investment Type\"\n",
        "# \"Gross Expense Ratio\"\n",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    let (code, _, err) = run(&["import", CSV, "--map", "RecordKeeper", "--plan", PLAN]);
    assert_eq!(code, 0, "{err}");
}

/// `unit = "bp"`: 45 basis points are 0.45 %.
#[test]
fn basis_points_convert_to_percent() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(
        dir.path(),
        "map.toml",
        "[columns]\nname = \"Name\"\nexpense_ratio_pct = { header = \"ER (bps)\", unit = \"bp\" }\n[defaults]\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n[plan]\nname = \"P\"\nsponsor = \"S\"\n",
    );
    let csv = write_in(
        dir.path(),
        "l.csv",
        "Name,ER (bps)\nA Fund,45\nB Fund,1.5\n",
    );
    let (code, out, err) = run(&["import", &csv, "--map", &map]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("expense_ratio_pct = 0.45\n"), "{out}");
    assert!(out.contains("expense_ratio_pct = 0.015\n"), "{out}");
}

/// A UTF-8 export with one stray byte is refused at that byte, never decoded as
/// Windows-1252 (which would change every accented name without a word).
#[test]
fn a_utf8_export_with_a_stray_byte_is_refused_at_it() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(
        dir.path(),
        "map.toml",
        "[columns]\nname = \"Name\"\nticker = \"Ticker\"\n[defaults]\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\n[plan]\nname = \"P\"\nsponsor = \"S\"\n",
    );
    let mut bytes = "Name,Ticker\nSociété Générale Fund,SGFX\nCaf"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"\xe9 Fund,CAFX\n");
    let csv = dir.path().join("l.csv");
    std::fs::write(&csv, &bytes).unwrap();
    let (code, json) = check_json(&[csv.to_str().unwrap(), "--map", &map]);
    assert_eq!(code, 2, "{json:#}");
    let f = first_findings(&json).next().unwrap();
    assert_eq!(f["rule"], "menulint::encoding");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(4)),
        "{f:#}"
    );
    assert!(f["message"].as_str().unwrap().contains("mixes encodings"));
}

/// A workbook whose sheet claims a dimension of every cell Excel has
/// (`A1:XFD1048576`, 17 billion cells) is refused before it is read, in bounded
/// time and memory, not an abort on a 550 GB allocation.
#[test]
fn a_workbook_claiming_every_cell_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let honest = dir.path().join("honest.xlsx");
    workbook(&honest, "Funds", &sample_rows());
    let bomb = dir.path().join("bomb.xlsx");
    rewrite_sheets(&honest, &bomb, |text| {
        let start = text.find("<dimension ref=\"").unwrap() + "<dimension ref=\"".len();
        let end = start + text[start..].find('"').unwrap();
        format!("{}A1:XFD1048576{}", &text[..start], &text[end..])
    });
    let (code, _, err) = import(bomb.to_str().unwrap(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("claims 17179869184 cells (A1:XFD1048576)"),
        "{err}"
    );
    assert!(err.contains("over the limit of 10000000"), "{err}");
    // the honest one reads
    let (code, _, err) = import(honest.to_str().unwrap(), &[]);
    assert_eq!(code, 0, "{err}");
}

/// Copies a workbook with each sheet's XML rewritten.
fn rewrite_sheets(from: &Path, to: &Path, edit: impl Fn(&str) -> String) {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name.starts_with("xl/worksheets/") {
            bytes = edit(&String::from_utf8(bytes).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

/// Ranges and cell references no workbook can hold — a dimension past the last
/// column or with a 23-digit row, a cell `XFDZZZZ3`, a row 4294967295 — are refused
/// with exit 2 before the reader sees them, never a crash.
#[test]
fn references_no_workbook_can_hold_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let honest = dir.path().join("honest.xlsx");
    workbook(&honest, "Funds", &sample_rows());
    type Edit = fn(&str) -> String;
    let cases: [(&str, Edit, &str); 4] = [
        (
            "dim.xlsx",
            |t| {
                t.replacen(
                    "<dimension ref=\"",
                    "<dimension ref=\"A1:ZZZZZZZZZZZZZZZZ4\" x=\"",
                    1,
                )
            },
            "a range no workbook has (A1:ZZZZZZZZZZZZZZZZ4)",
        ),
        (
            "dim2.xlsx",
            |t| {
                t.replacen(
                    "<dimension ref=\"",
                    "<dimension ref=\"A1:B12345678901234567890123\" x=\"",
                    1,
                )
            },
            "a range no workbook has",
        ),
        (
            "cell.xlsx",
            |t| t.replacen("r=\"A4\"", "r=\"XFDZZZZ3\"", 1),
            "names a cell no workbook has (XFDZZZZ3)",
        ),
        (
            "row.xlsx",
            |t| t.replacen("<row r=\"4\"", "<row r=\"4294967295\"", 1),
            "names a cell no workbook has (row 4294967295)",
        ),
    ];
    for (name, edit, says) in cases {
        let bad = dir.path().join(name);
        rewrite_sheets(&honest, &bad, edit);
        let (code, out, err) = import(bad.to_str().unwrap(), &[]);
        assert_eq!((code, out.as_str()), (2, ""), "{name}: {err}");
        // the message as one line, without the terminal's wrapping
        let flat = err
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains(says), "{name}: {err}");
    }
}

/// The preset reads the comparative chart's optional columns when the export has
/// them (the sample does), and an export without them still imports: their fields
/// are then unstated, and the disclosure rules say so at each row.
#[test]
fn optional_columns_feed_the_comparative_chart_fields_or_stay_unstated() {
    let (code, out, err) = import(CSV, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("transfer_restrictions = \"Round trips within 30 days may be limited\""),
        "{out}"
    );
    assert!(
        out.contains("[options.shareholder_fees]\nredemption = \"None\""),
        "{out}"
    );
    assert!(out.contains("benchmark_5y_pct = 14.5"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let csv = write_in(
        dir.path(),
        "core.csv",
        format!("{}\n{GOOD}\n", core_header()),
    );
    let (code, json) = check_lineup(&csv, &["--select", "DIS009,DIS010"]);
    assert_eq!(code, 1);
    let rules: Vec<(String, String)> = first_findings(&json)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["cell"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("DIS009".to_owned(), "2:1".to_owned()),
            ("DIS010".to_owned(), "2:1".to_owned())
        ]
    );
}

/// Excel for the classic Mac ends CSV lines with a carriage return alone: the rows,
/// cells and findings are those of the same lineup with line feeds.
#[test]
fn a_csv_with_carriage_returns_alone_reads_as_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(CSV).unwrap();
    let cr = write_in(dir.path(), "cr.csv", text.replace('\n', "\r"));
    let (code, json) = check_lineup(&cr, &[]);
    let (want_code, want) = check_lineup(CSV, &[]);
    assert_eq!(code, want_code);
    assert_eq!(cells(&json), cells(&want));
}

/// A small mapping: name, ticker, expense ratio (read as percent) and assets, with a
/// plan; vehicle and asset class by default.
const SMALL_MAP: &str = "[columns]\nname = \"Fund\"\nticker = \"Ticker\"\nexpense_ratio_pct = { header = \"Expense Ratio\", unit = \"percent\" }\nassets_usd = \"Assets\"\n[defaults]\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\nmanagement = \"passive\"\n[plan]\nname = \"P\"\nsponsor = \"S\"\n";

/// (rule, cell, message) of every finding of the first file.
fn said(json: &Value) -> Vec<(String, String, String)> {
    first_findings(json)
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["cell"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Excel shows 0.0008 formatted `0.00%` as "0.08%": that cell is read as the percent
/// it shows, whatever the mapping's unit, in built-in and custom percent formats. A
/// 0.80 % index fund then fails the 0.20 % cap it passed when read as 0.008 %.
#[test]
fn percent_formatted_cells_are_read_as_the_percent_excel_shows() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(dir.path(), "map.toml", SMALL_MAP);
    let xlsx = dir.path().join("l.xlsx");
    let header = || {
        vec![
            C::S("Fund"),
            C::S("Ticker"),
            C::S("Expense Ratio"),
            C::S("Assets"),
        ]
    };
    workbook(
        &xlsx,
        "Funds",
        &[
            header(),
            vec![
                C::S("Cheap Index Fund"),
                C::S("CHPX"),
                C::F(0.0008, "0.00%"),
                C::N(1_000_000.0),
            ],
            vec![
                C::S("Dear Index Fund"),
                C::S("DEAR"),
                C::F(0.008, "0.000%"),
                C::N(2_000_000.0),
            ],
            vec![
                C::S("Plain Index Fund"),
                C::S("PLNX"),
                C::N(0.05),
                C::N(3_000_000.0),
            ],
        ],
    );
    let x = xlsx.to_str().unwrap();
    let (code, out, err) = run(&["import", x, "--map", &map]);
    assert_eq!(code, 0, "{err}");
    for figure in [
        "expense_ratio_pct = 0.08\n",
        "expense_ratio_pct = 0.8\n",
        "expense_ratio_pct = 0.05\n",
    ] {
        assert!(out.contains(figure), "{figure} in {out}");
    }
    let (code, json) = check_json(&[x, "--map", &map, "--select", "FEE001", "--deny", "warnings"]);
    assert_eq!(code, 1, "{json}");
    let found = said(&json);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "FEE001");
    assert_eq!(found[0].1, "Funds!C3");

    // a percentage in an amount column is refused at its cell
    workbook(
        &xlsx,
        "Funds",
        &[
            header(),
            vec![C::S("Odd Fund"), C::S("ODDX"), C::N(0.05), C::F(0.25, "0%")],
        ],
    );
    let (code, json) = check_json(&[x, "--map", &map]);
    assert_eq!(code, 2, "{json}");
    let found = said(&json);
    assert_eq!(found[0].1, "Funds!D2", "{found:?}");
    assert!(
        found[0].2.contains("is a percentage, not an amount"),
        "{found:?}"
    );
}

/// A CSV has no number formats: a column read as percent whose every figure is a
/// fraction's size is an error at its smallest cell, naming the fix; `import`
/// writes nothing. Figures written with a % sign say their unit and pass.
#[test]
fn a_column_of_fractions_read_as_percent_is_an_error_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(dir.path(), "map.toml", SMALL_MAP);
    let csv = write_in(
        dir.path(),
        "l.csv",
        "Fund,Ticker,Expense Ratio,Assets\nA Fund,AAAX,0.0045,1000000\nB Fund,BBBX,0.0008,2000000\nC Fund,CCCX,0.008,3000000\n",
    );
    let (code, json) = check_json(&[&csv, "--map", &map, "--select", "FEE001"]);
    assert_eq!(code, 2, "{json}");
    let found = said(&json);
    assert_eq!(found[0].0, "menulint::lineup", "{found:?}");
    assert_eq!(found[0].1, "3:3");
    assert!(found[0].2.contains("are a fraction's size"), "{found:?}");
    let help = first_findings(&json).next().unwrap()["help"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(help.contains("unit = \"fraction\""), "{help}");
    let (code, out, err) = run(&["import", &csv, "--map", &map]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("a fraction's size"), "{err}");

    // the same figures with their % sign are percent, as written
    let csv = write_in(
        dir.path(),
        "l.csv",
        "Fund,Ticker,Expense Ratio,Assets\nA Fund,AAAX,0.0045%,1000000\nB Fund,BBBX,0.0008%,2000000\n",
    );
    let (code, out, err) = run(&["import", &csv, "--map", &map]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("expense_ratio_pct = 0.0045\n"), "{out}");
    // a menu of index funds at 0.01-0.02 % is percent, not fractions
    let csv = write_in(
        dir.path(),
        "l.csv",
        "Fund,Ticker,Expense Ratio,Assets\nA Fund,AAAX,0.015,1000000\nB Fund,BBBX,0.02,2000000\n",
    );
    let (code, _, err) = run(&["import", &csv, "--map", &map]);
    assert_eq!(code, 0, "{err}");
}

/// Amounts a thousand times off their column's unit are warned about at the column's
/// first cell, naming the unit to set.
#[test]
fn amounts_a_thousand_times_off_their_unit_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let in_thousands = SMALL_MAP.replace(
        "assets_usd = \"Assets\"",
        "assets_usd = { header = \"Assets\", unit = \"thousands\" }",
    );
    for (map, rows, slip) in [
        (
            in_thousands.as_str(),
            "A Fund,AAAX,0.05,50000000\nB Fund,BBBX,0.04,20000000\nC Fund,CCCX,0.03,9000000\n",
            "read as thousands, look like whole dollars",
        ),
        (
            SMALL_MAP,
            "A Fund,AAAX,0.05,50000\nB Fund,BBBX,0.04,800\nC Fund,CCCX,0.03,90\n",
            "read as dollars, look like thousands or millions of dollars",
        ),
    ] {
        let map = write_in(dir.path(), "map.toml", map);
        let csv = write_in(
            dir.path(),
            "l.csv",
            format!("Fund,Ticker,Expense Ratio,Assets\n{rows}"),
        );
        let (_, json) = check_json(&[&csv, "--map", &map, "--select", "FEE001"]);
        let f = first_findings(&json)
            .find(|f| f["rule"] == "menulint::lineup")
            .unwrap_or_else(|| panic!("no unit warning: {json}"));
        assert_eq!(f["severity"], "warning");
        assert_eq!(f["cell"], "2:4");
        assert!(f["message"].as_str().unwrap().contains(slip), "{f}");
    }
}

/// A workbook whose first sheet is a cover page: the sheet whose header row names the
/// mapped headers is read, and a note says which; with no such sheet, one error lists
/// each sheet's headers. `--print-map` looks at every sheet.
#[test]
fn the_sheet_that_holds_the_lineup_is_found_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(dir.path(), "map.toml", SMALL_MAP);
    let xlsx = dir.path().join("l.xlsx");
    let cover: Vec<Vec<C>> = vec![
        vec![C::S("Prepared for Acme Corp")],
        vec![C::S("Fund lineup review, Q3 2026")],
    ];
    let funds: Vec<Vec<C>> = vec![
        vec![
            C::S("Fund"),
            C::S("Ticker"),
            C::S("Expense Ratio"),
            C::S("Assets"),
        ],
        vec![
            C::S("Dear Index Fund"),
            C::S("DEAR"),
            C::N(0.8),
            C::N(2_000_000.0),
        ],
    ];
    workbook_sheets(&xlsx, &[("Cover", &cover), ("Funds", &funds)]);
    let x = xlsx.to_str().unwrap();
    let (code, json) = check_json(&[x, "--map", &map, "--select", "FEE001", "--deny", "warnings"]);
    assert_eq!(code, 1, "{json}");
    let found = said(&json);
    assert_eq!(
        found,
        vec![
            (
                "menulint::lineup".to_owned(),
                "Funds!A1".to_owned(),
                "read sheet `Funds` of ".to_owned() + &found[0].2["read sheet `Funds` of ".len()..]
            ),
            (
                "FEE001".to_owned(),
                "Funds!C2".to_owned(),
                found[1].2.clone()
            ),
        ]
    );
    assert!(
        found[0].2.ends_with(
            "its row 1 names 4 of the mapping's headers, more than any other sheet (Cover)"
        ),
        "{found:?}"
    );
    let (code, out, err) = run(&["import", x, "--print-map"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("sheet = \"Funds\""), "{out}");
    assert!(out.contains("ticker = \"Ticker\""), "{out}");

    workbook_sheets(&xlsx, &[("Cover", &cover), ("Notes", &cover)]);
    let (code, json) = check_json(&[x, "--map", &map]);
    assert_eq!(code, 2, "{json}");
    let found: Vec<&Value> = first_findings(&json).collect();
    assert_eq!(found.len(), 1, "{json}");
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("no sheet of "));
    let help = found[0]["help"].as_str().unwrap();
    assert!(
        help.contains("`Cover`: Prepared for Acme Corp; `Notes`: Prepared for Acme Corp"),
        "{help}"
    );
}

/// Headers a mapping names and the export lacks are one error, each with the closest
/// header, and the command that starts a mapping from the file.
#[test]
fn missing_columns_are_said_once_with_the_way_to_a_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(CSV)
        .unwrap()
        .replacen("Fund Name", "Investment Name", 1)
        .replacen("Ticker", "Ticker Symbol", 1)
        .replacen("Fund Type", "Fund Typ", 1);
    let csv = write_in(dir.path(), "l.csv", text);
    let (code, json) = check_lineup(&csv, &[]);
    assert_eq!(code, 2);
    let found: Vec<&Value> = first_findings(&json).collect();
    assert_eq!(found.len(), 1, "{json}");
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the header row (row 1) lacks 3 columns the mapping needs: "),
        "{message}"
    );
    assert!(
        message.contains("`Fund Type` (for `vehicle`, did you mean `Fund Typ`?)"),
        "{message}"
    );
    let help = found[0]["help"].as_str().unwrap();
    assert!(
        help.contains(&format!("menulint import {csv} --print-map")),
        "{help}"
    );
    assert_eq!(help.matches("the columns are").count(), 1);
}

/// A mapping may start from a preset and replace what differs; an unknown preset is
/// an error at its line.
#[test]
fn a_mapping_extends_a_preset() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(CSV)
        .unwrap()
        .replacen("Fund Name", "Investment Name", 1);
    let csv = write_in(dir.path(), "l.csv", text);
    let map = write_in(
        dir.path(),
        "map.toml",
        "extends = \"Recordkeeper\"\n[columns]\nname = \"Investment Name\"\n",
    );
    let (code, out, err) = run(&["import", &csv, "--map", &map, "--plan", PLAN]);
    assert_eq!(code, 0, "{err}");
    let (_, plain, _) = import(CSV, &[]);
    // the same menu as the preset gives the original export, but for its header line
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&out).replace(csv.as_str(), CSV), body(&plain));

    let map = write_in(
        dir.path(),
        "map.toml",
        "extends = \"recordkeper\"\n[columns]\nname = \"Investment Name\"\n",
    );
    let (code, _, err) = run(&["import", &csv, "--map", &map, "--plan", PLAN]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`extends` names no preset: \"recordkeper\"; did you mean `recordkeeper`?"),
        "{err}"
    );
    assert!(err.contains("map.toml:1:"), "{err}");
}

/// An OpenDocument spreadsheet with a cover sheet, a percentage cell and repeated
/// blank rows, zipped as LibreOffice writes one.
fn ods(path: &Path) {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let cell = |v: &str| {
        format!("<table:table-cell office:value-type=\"string\"><text:p>{v}</text:p></table:table-cell>")
    };
    let percent = |v: &str, shown: &str| {
        format!("<table:table-cell office:value-type=\"percentage\" office:value=\"{v}\"><text:p>{shown}</text:p></table:table-cell>")
    };
    let float = |v: &str| {
        format!("<table:table-cell office:value-type=\"float\" office:value=\"{v}\"><text:p>{v}</text:p></table:table-cell>")
    };
    let row = |cells: Vec<String>| format!("<table:table-row>{}</table:table-row>", cells.concat());
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\"><office:body><office:spreadsheet><table:table table:name=\"Cover\">{}</table:table><table:table table:name=\"Funds\">{}{}<table:table-row table:number-rows-repeated=\"2\"><table:table-cell table:number-columns-repeated=\"4\"/></table:table-row>{}</table:table></office:spreadsheet></office:body></office:document-content>",
        row(vec![cell("Prepared for Acme Corp")]),
        row(vec![cell("Fund"), cell("Ticker"), cell("Expense Ratio"), cell("Assets")]),
        row(vec![cell("Dear Index Fund"), cell("DEAR"), percent("0.008", "0.80%"), float("2000000")]),
        row(vec![cell("Cheap Index Fund"), cell("CHPX"), percent("0.0008", "0.08%"), float("1000000")]),
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>";
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// The same classes in an OpenDocument spreadsheet: the lineup's sheet is found past
/// the cover, and percentage cells read as the percent they show, rows counted
/// through repeated blank rows.
#[test]
fn an_ods_lineup_reads_its_percentages_and_finds_its_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(dir.path(), "map.toml", SMALL_MAP);
    let path = dir.path().join("l.ods");
    ods(&path);
    let p = path.to_str().unwrap();
    let (code, out, err) = run(&["import", p, "--map", &map]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("# l.ods") || out.contains("(sheet Funds)"),
        "{out}"
    );
    assert!(out.contains("expense_ratio_pct = 0.8\n"), "{out}");
    assert!(out.contains("expense_ratio_pct = 0.08\n"), "{out}");
    let (_, json) = check_json(&[p, "--map", &map, "--select", "FEE001"]);
    let found = said(&json);
    assert_eq!(
        found
            .iter()
            .map(|f| (f.0.as_str(), f.1.as_str()))
            .collect::<Vec<_>>(),
        vec![("menulint::lineup", "Funds!A1"), ("FEE001", "Funds!C2")],
        "{found:?}"
    );
}

/// The plan file with facts for the bitcoin fund the export cannot carry.
fn plan_with_facts(dir: &Path, facts: &str) -> String {
    let plan = std::fs::read_to_string(PLAN).unwrap();
    write_in(dir, "plan.toml", format!("{plan}\n{facts}"))
}

/// Facts the export lacks live beside it — in the plan file or an overlay file — keyed
/// by the fund's ticker, CUSIP or id: they reach the rules, are named in the
/// generated menu, survive every import, and findings on them point at their line.
#[test]
fn facts_the_export_lacks_live_in_an_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let (_, before) = check_lineup(CSV, &[]);
    assert!(rules_of_first(&before).contains(&"CRY006".to_owned()));
    let facts = "[[options]]\nfor = \"ibit\"\ncustody = { custodian = \"Coinbase Custody Trust Company\", qualified_custodian = true }\nexposure = { crypto_pct = 100.0, crypto_assets = [\"BTC\"] }\n\n[options.disclosures]\nrisk_disclosure_url = \"https://example.com/ibit-risk\"\nvaluation_policy_url = \"https://example.com/ibit-valuation\"\n";
    let plan = plan_with_facts(dir.path(), facts);
    let args = [
        "check",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        CSV,
        "--map",
        "recordkeeper",
        "--plan",
        &plan,
    ];
    let out = menulint().args(args).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rules_of_first(&json);
    for gone in ["CRY006", "CRY005", "DIS005", "DIS006"] {
        assert!(!rules.contains(&gone.to_owned()), "{gone} in {rules:?}");
    }
    let (code, menu, err) = run(&["import", CSV, "--map", "recordkeeper", "--plan", &plan]);
    assert_eq!(code, 0, "{err}");
    assert!(
        menu.contains(&format!(
            "# custody, disclosures, exposure from {plan}\n[[options]]\nid = \"ibit\""
        )),
        "{menu}"
    );
    assert!(menu.contains("qualified_custodian = true"), "{menu}");
    let (_, again, _) = run(&["import", CSV, "--map", "recordkeeper", "--plan", &plan]);
    assert_eq!(menu, again);

    // a fact that fails a rule is reported at its line in the overlay, in every format
    let overlay = write_in(
        dir.path(),
        "facts.toml",
        "[[options]]\nfor = \"46438F101\"\ncustody = { custodian = \"Coinbase\", qualified_custodian = false }\n",
    );
    let (code, json) = check_lineup(CSV, &["--overlay", &overlay, "--select", "CRY006"]);
    assert_eq!(code, 1, "{json}");
    let f = first_findings(&json)
        .find(|f| f["rule"] == "CRY006")
        .unwrap();
    assert_eq!(f["file"], overlay.as_str());
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(59))
    );
    assert!(f.get("cell").is_none(), "{f}");
    let (_, sarif, _) = run(&[
        "check",
        CSV,
        "--map",
        "recordkeeper",
        "--plan",
        PLAN,
        "--overlay",
        &overlay,
        "--select",
        "CRY006",
        "--format",
        "sarif",
        "--as-of",
        AS_OF,
    ]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("facts.toml"),
        "{location}"
    );
    assert_eq!(location["region"]["startLine"], 3);
    let (_, human, _) = run(&[
        "check",
        CSV,
        "--map",
        "recordkeeper",
        "--plan",
        PLAN,
        "--overlay",
        &overlay,
        "--select",
        "CRY006",
        "--as-of",
        AS_OF,
    ]);
    assert!(human.contains(&format!("[{overlay}:3:59]")), "{human}");
    assert!(human.contains("qualified_custodian = false"), "{human}");
}

/// An overlay entry that names no fund, a field the menu format lacks, a second
/// entry for a fund, or an overlay file with other tables: each an error at its line
/// (exit 2), the other rows still checked.
#[test]
fn overlay_mistakes_are_errors_at_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    for (text, line, message) in [
        (
            "[[options]]\nfor = \"IBTI\"\ncustody = { custodian = \"X\", qualified_custodian = true }\n",
            2,
            "`IBTI` names no fund of sample-menus/lineup/lineup.csv; did you mean `IBIT`?",
        ),
        (
            "[[options]]\nfor = \"IBIT\"\ncustdy = { custodian = \"X\" }\n",
            3,
            "`custdy` is not an option field of the menu format; did you mean `custody`?",
        ),
        (
            "[[options]]\nfor = \"IBIT\"\nurl = \"https://a.example\"\n\n[[options]]\nfor = \"ibit\"\nurl = \"https://b.example\"\n",
            6,
            "`ibit` has a second entry (the first is entry 1)",
        ),
        (
            "[plan]\nname = \"P\"\n\n[[options]]\nfor = \"IBIT\"\n",
            1,
            "an overlay holds [[options]] only, not `plan`",
        ),
        (
            "[[options]]\ncustody = { custodian = \"X\" }\n",
            1,
            "an [[options]] entry needs `for`: the fund's ticker, CUSIP, ISIN or id",
        ),
    ] {
        let overlay = write_in(dir.path(), "facts.toml", text);
        let (code, out, err) = run(&[
            "check", CSV, "--map", "recordkeeper", "--plan", PLAN, "--overlay", &overlay,
            "--as-of", AS_OF,
        ]);
        assert_eq!(code, 2, "{text}: {out}{err}");
        let all = format!("{out}{err}");
        assert!(all.contains(message), "{message}: {all}");
        assert!(all.contains(&format!("[{overlay}:{line}:")), "{text}: {all}");
    }
    // a key that names no fund costs its entry: the lineup's own findings are reported
    let overlay = write_in(
        dir.path(),
        "facts.toml",
        "[[options]]\nfor = \"IBTI\"\nurl = \"https://a.example\"\n",
    );
    let (code, json) = check_lineup(CSV, &["--overlay", &overlay]);
    assert_eq!(code, 2);
    assert!(
        rules_of_first(&json).contains(&"CRY006".to_owned()),
        "{json}"
    );
    let (code, out, _) = run(&[
        "import",
        CSV,
        "--map",
        "recordkeeper",
        "--plan",
        PLAN,
        "--overlay",
        &overlay,
    ]);
    assert_eq!((code, out.as_str()), (2, ""));
}

/// A finding on a fact no column gives says what to add in the lineup's terms: a
/// column to map, or an entry for the fund beside the export.
#[test]
fn lineup_help_says_what_to_add_in_the_lineups_terms() {
    let (_, json) = check_lineup(CSV, &["--select", "CRY006"]);
    let f = first_findings(&json)
        .find(|f| f["rule"] == "CRY006")
        .unwrap();
    let help = f["help"].as_str().unwrap();
    assert!(
        help.starts_with("the lineup gives no `custody` for IBIT (row 7): map a column of the export to it in the mapping's [columns], or state it for the fund in the plan file or an --overlay file as [[options]] with for = \"IBIT\" and `custody`"),
        "{help}"
    );
}

fn rules_of_first(json: &Value) -> Vec<String> {
    first_findings(json)
        .map(|f| f["rule"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Fraction columns in every shape a spreadsheet gives them: all active funds
/// (none under 0.005), one fund over 2.5 %, a single fund, and one plain cell pasted
/// among percent-formatted ones are errors (exit 2, no menu, no document); a real
/// lineup of index funds at 0.00-0.025 % is not refused; returns within ±0.6 warn.
#[test]
fn fractions_in_every_shape_are_caught_and_cheap_index_funds_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let map = write_in(dir.path(), "map.toml", SMALL_MAP);
    let csv = |rows: &str| {
        write_in(
            dir.path(),
            "l.csv",
            format!("Fund,Ticker,Expense Ratio,Assets\n{rows}"),
        )
    };
    for rows in [
        "A Fund,AAAX,0.0065,1000000\nB Fund,BBBX,0.0085,2000000\nC Fund,CCCX,0.0102,3000000\nD Fund,DDDX,0.0055,4000000\n",
        "A Fund,AAAX,0.0045,1000000\nB Fund,BBBX,0.0008,2000000\nC Fund,CCCX,0.0125,3000000\nD Fund,DDDX,0.032,4000000\n",
        "A Fund,AAAX,0.0045,1000000\n",
    ] {
        let l = csv(rows);
        let (code, out, err) = run(&["import", &l, "--map", &map]);
        assert_eq!((code, out.as_str()), (2, ""), "{rows}: {err}");
        assert!(err.contains("a fraction's size"), "{err}");
        let target = dir.path().join("chart.html");
        let (code, _, err) = run(&[
            "disclose", &l, "--map", &map, "--output", target.to_str().unwrap(), "--as-of", AS_OF,
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(!target.exists(), "a participants' chart from fractions was written");
    }
    // FZROX, FXAIX, FSKAX, FXNAX: real, and percent
    let l = csv("Zero Fund,FZROX,0.00,1000000\nIndex Fund,FXAIX,0.015,2000000\nTotal Fund,FSKAX,0.015,3000000\nBond Fund,FXNAX,0.025,4000000\n");
    let (code, out, err) = run(&["import", &l, "--map", &map]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("expense_ratio_pct = 0.015\n"), "{out}");

    // one plain cell among percent-formatted ones
    let xlsx = dir.path().join("mixed.xlsx");
    workbook(
        &xlsx,
        "Funds",
        &[
            vec![
                C::S("Fund"),
                C::S("Ticker"),
                C::S("Expense Ratio"),
                C::S("Assets"),
            ],
            vec![
                C::S("A Fund"),
                C::S("AAAX"),
                C::F(0.0045, "0.00%"),
                C::N(1_000_000.0),
            ],
            vec![
                C::S("B Fund"),
                C::S("BBBX"),
                C::F(0.0060, "0.00%"),
                C::N(2_000_000.0),
            ],
            vec![
                C::S("Pasted Fund"),
                C::S("PSTX"),
                C::N(0.0095),
                C::N(3_000_000.0),
            ],
        ],
    );
    let (code, json) = check_json(&[xlsx.to_str().unwrap(), "--map", &map]);
    assert_eq!(code, 2, "{json}");
    let f = first_findings(&json)
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("whose other cells are percentages")
        })
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(f["cell"], "Funds!C4");

    // returns that are fractions
    let returns = SMALL_MAP.replace(
        "assets_usd = \"Assets\"",
        "assets_usd = \"Assets\"\n\"performance.return_1y_pct\" = \"1 Year\"",
    );
    let rmap = write_in(dir.path(), "rmap.toml", returns);
    let l = write_in(
        dir.path(),
        "r.csv",
        "Fund,Ticker,Expense Ratio,Assets,1 Year\nA Fund,AAAX,0.45,1000000,0.152\nB Fund,BBBX,0.60,2000000,0.081\nC Fund,CCCX,0.05,3000000,-0.02\n",
    );
    let (_, json) = check_json(&[&l, "--map", &rmap, "--select", "FEE001"]);
    let f = first_findings(&json)
        .find(|f| f["rule"] == "menulint::lineup")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(f["severity"], "warning");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("look like fractions"),
        "{f}"
    );
}

/// A plan that states its total assets and a lineup whose assets add up to a
/// thousandth of it: the column is in thousands, and every asset-weighted plan
/// figure would be wrong — an error at the column (exit 2).
#[test]
fn assets_a_thousandth_of_the_plans_total_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(CSV).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.unwrap();
        let mut row: Vec<String> = rec.iter().map(str::to_owned).collect();
        if i > 0 && !row[7].is_empty() {
            let n: f64 = row[7].replace(',', "").parse().unwrap();
            row[7] = format!("{}", n / 1000.0);
        }
        w.write_record(&row).unwrap();
    }
    let l = write_in(dir.path(), "l.csv", w.into_inner().unwrap());
    let (code, json) = check_lineup(&l, &[]);
    assert_eq!(code, 2, "{json}");
    let f = first_findings(&json)
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("a thousandth of the plan's total")
        })
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(f["cell"], "2:8");
    assert!(f["help"].as_str().unwrap().contains("unit = \"thousands\""));
}

/// Two entries for one fund — by ticker and by CUSIP, or in the plan file and an
/// overlay — are an error at the second (the order of entries would decide the
/// custodian); an entry for a row refused for its cells waits for the row, said as a
/// note, not as a fund that left the menu.
#[test]
fn one_fund_one_entry_and_entries_wait_for_refused_rows() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_with_facts(
        dir.path(),
        "[[options]]\nfor = \"IBIT\"\ncustody = { custodian = \"Coinbase Custody Trust Company\", qualified_custodian = true }\n",
    );
    let overlay = write_in(
        dir.path(),
        "facts.toml",
        "[[options]]\nfor = \"46438F101\"\ncustody = { custodian = \"Sketchy Exchange\", qualified_custodian = false }\n",
    );
    let (code, out, err) = run(&[
        "check",
        CSV,
        "--map",
        "recordkeeper",
        "--plan",
        &plan,
        "--overlay",
        &overlay,
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("`46438F101` is iShares Bitcoin Trust ETF, whose facts entry 1 of"),
        "{out}"
    );
    assert!(out.contains(&format!("[{overlay}:2:7]")), "{out}");

    // IBIT's expense ratio written with a decimal comma: its row is refused
    let text = std::fs::read_to_string(CSV)
        .unwrap()
        .replacen(",0.25,", ",\"0,25\",", 1);
    let l = write_in(dir.path(), "l.csv", text);
    let (code, json) = check_json(&[&l, "--map", "recordkeeper", "--plan", &plan]);
    assert_eq!(code, 2);
    let f = first_findings(&json)
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .starts_with("`IBIT` names row 7")
        })
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(f["severity"], "info");
    assert!(!json.to_string().contains("names no fund"), "{json}");
}

/// A rule whose finding stands at a value the lineup does give (DIS009 at the id a
/// lineup makes from the ticker) is not told to add that value.
#[test]
fn lineup_help_never_asks_for_a_value_the_lineup_gives() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_in(dir.path(), "l.csv", format!("{}\n{GOOD}\n", core_header()));
    let (_, json) = check_lineup(&csv, &["--select", "DIS009"]);
    let f = first_findings(&json)
        .find(|f| f["rule"] == "DIS009")
        .unwrap();
    let help = f["help"].as_str().unwrap();
    assert!(!help.contains("gives no `id`"), "{help}");
}

/// A finding on a value the mapping's own `[defaults]` gives points at that line of
/// the mapping, not at a row that never held it.
#[test]
fn a_finding_on_a_default_points_at_the_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let text = "extends = \"recordkeeper\"\n\n[defaults]\nliquidity = \"illiquid\"\n";
    let map = write_in(dir.path(), "map.toml", text);
    let (_, json) = check_json(&[CSV, "--map", &map, "--plan", PLAN, "--select", "STR010"]);
    let f = first_findings(&json)
        .find(|f| f["rule"] == "STR010")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(f["file"], map.as_str(), "{f}");
    assert_eq!(f["line"], line_of(text, "liquidity") as u64, "{f}");
    assert!(f.get("cell").is_none(), "{f}");
}

/// A lineup with share-class and revenue-sharing columns, through the recordkeeper
/// preset: the imported menu carries the class held, the cheapest class open to the
/// plan and the revenue sharing; the fee findings point at their cells, and the plan's
/// fee facts at their lines of the plan file.
#[test]
fn the_fee_lineup_imports_share_classes_and_revenue_sharing() {
    const FEES: &str = "sample-menus/lineup/fees.csv";
    const FEES_PLAN: &str = "sample-menus/lineup/fees-plan.toml";
    let (code, menu, err) = run(&["import", FEES, "--map", "recordkeeper", "--plan", FEES_PLAN]);
    assert_eq!(code, 0, "{err}");
    let value: toml::Table = toml::from_str(&menu).expect("the import is TOML");
    let options = value["options"].as_array().unwrap();
    let vfinx = options[0].as_table().unwrap();
    assert_eq!(vfinx["share_class"].as_str(), Some("Investor"));
    assert_eq!(
        vfinx["cheapest_class"]["expense_ratio_pct"].as_float(),
        Some(0.04)
    );
    let vinix = options[1].as_table().unwrap();
    assert_eq!(
        vinix["cheapest_class"]["minimum_usd"].as_float(),
        Some(200_000_000.0)
    );
    let rgacx = options[2].as_table().unwrap();
    assert_eq!(
        rgacx["revenue_sharing"]["twelve_b1_bp"].as_float(),
        Some(49.9)
    );
    assert_eq!(rgacx["revenue_sharing"]["credited"].as_bool(), Some(false));
    assert!(
        !rgacx.contains_key("cheapest_class"),
        "an empty cell states nothing"
    );

    let (_, json) = check_json(&[
        FEES,
        "--map",
        "recordkeeper",
        "--plan",
        FEES_PLAN,
        "--select",
        "FEE",
    ]);
    let plan_text = std::fs::read_to_string(FEES_PLAN).unwrap();
    let line_of = |needle: &str| {
        plan_text
            .lines()
            .position(|l| l.starts_with(needle))
            .unwrap() as u64
            + 1
    };
    let found: Vec<(String, String, String, u64)> = first_findings(&json)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap_or(FEES).to_owned(),
                f["cell"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let at = |rule: &str, file: &str, cell: &str, line: u64| {
        (rule.to_owned(), file.to_owned(), cell.to_owned(), line)
    };
    assert_eq!(
        found,
        vec![
            // the expense ratio's cell (column G), the crediting's (W)
            at("FEE002", FEES, "2:7", 2),
            at("FEE001", FEES, "4:7", 4),
            at("FEE003", FEES, "4:23", 4),
            at(
                "FEE006",
                FEES_PLAN,
                "",
                line_of("fee_disclosures_reviewed_on")
            ),
            at("FEE004", FEES_PLAN, "", line_of("[plan.recordkeeping]")),
        ],
        "{json:#}"
    );
}

/// A lineup of more rows than any plan's (a fund universe) is refused before its
/// rows are converted, at the first row over the limit: a CSV by its rows, a
/// workbook by the rows its sheet claims. Exit 2, nothing checked.
#[test]
fn a_lineup_of_a_fund_universe_is_refused_at_its_row_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = std::fs::read_to_string(CSV)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    csv.push('\n');
    for _ in 0..10_000 {
        csv.push_str(GOOD);
        csv.push('\n');
    }
    let path = write_in(dir.path(), "universe.csv", csv);
    let (code, json) = check_lineup(&path, &[]);
    assert_eq!(code, 2, "{json:#}");
    let f: Vec<&Value> = first_findings(&json).collect();
    assert_eq!(f.len(), 1, "{json:#}");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("has more than 10000 rows"),
        "{json:#}"
    );
    assert_eq!(f[0]["line"], 10_001);

    let xlsx = dir.path().join("universe.xlsx");
    let mut rows: Vec<Vec<C>> = vec![vec![C::S("Fund Name")]];
    rows.resize_with(20_000, Vec::new);
    rows.push(vec![C::S("Last Fund")]);
    workbook(&xlsx, "Funds", &rows);
    let (code, json) = check_lineup(xlsx.to_str().unwrap(), &[]);
    assert_eq!(code, 2, "{json:#}");
    let message = first_findings(&json).next().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("claims 20001 rows"), "{message}");
}

/// The in-process `import` these tests use is the binary's: the same menu, the same
/// starter mapping, the same exit code and the same diagnostics for what is refused.
#[test]
fn in_process_imports_are_the_binarys() {
    let dir = tempfile::tempdir().unwrap();
    let refused = std::fs::read_to_string(CSV)
        .unwrap()
        .replacen(",0.015,", ",about 2 bp,", 1);
    let refused = write_in(dir.path(), "refused.csv", refused);
    assert_eq!(
        binary(&["import", &refused, "--map", "recordkeeper", "--plan", PLAN]).0,
        2
    );
    let cases: Vec<Vec<&str>> = vec![
        vec![CSV, "--map", "recordkeeper", "--plan", PLAN],
        vec![
            XLSX,
            "--map",
            "recordkeeper",
            "--plan",
            PLAN,
            "--sheet",
            "Funds",
        ],
        vec![XLSX, "--print-map"],
        vec![&refused, "--map", "recordkeeper", "--plan", PLAN],
        vec![CSV, "--map", "recordkeepr", "--plan", PLAN],
        vec![CSV, "--map", "recordkeeper"],
        vec![
            "tests/no-such-lineup.csv",
            "--map",
            "recordkeeper",
            "--plan",
            PLAN,
        ],
    ];
    for args in cases {
        let mut all = vec!["import"];
        all.extend(&args);
        assert_eq!(import_in_process(&args), binary(&all), "{args:?}");
    }
}

/// An overlay's facts are written whole, tables inside lists too: the holdings it
/// gives a fund are looked through (the QDIA's bitcoin holding fails its cap, at the
/// overlay's line), never written as an empty list that passes.
#[test]
fn an_overlays_holdings_are_looked_through() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[[options]]\nfor = \"VTIVX\"\nholdings = [{ option = \"ibit\", weight_pct = 5.0 }]\ncustody = { custodian = \"X\", qualified_custodian = true }\n";
    let overlay = write_in(dir.path(), "facts.toml", text);
    let (code, menu, err) = run(&[
        "import",
        CSV,
        "--map",
        "recordkeeper",
        "--plan",
        PLAN,
        "--overlay",
        &overlay,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        menu.contains("\nholdings = [{ option = \"ibit\", weight_pct = 5.0 }]\n"),
        "{menu}"
    );
    let (_, json) = check_json(&[
        CSV,
        "--map",
        "recordkeeper",
        "--plan",
        PLAN,
        "--overlay",
        &overlay,
        "--select",
        "CRY002",
    ]);
    let f = first_findings(&json)
        .find(|f| f["rule"] == "CRY002")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(f["file"], overlay.as_str());
    assert_eq!(f["line"], line_of(text, "holdings") as u64);
    assert!(
        f["message"].as_str().unwrap().contains("holds 5% crypto"),
        "{f}"
    );
}

/// A mapping's default outside its field's values is refused once, at its line in
/// the mapping (the editor shows it there), not at every row it would fill.
#[test]
fn a_default_outside_its_fields_values_is_refused_in_the_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let text = "extends = \"recordkeeper\"\n\n[defaults]\nliquidity = \"dayly\"\n";
    let map = write_in(dir.path(), "map.toml", text);
    let (code, json) = check_json(&[CSV, "--map", &map, "--plan", PLAN]);
    assert_eq!(code, 2);
    let findings: Vec<&Value> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .collect();
    assert_eq!(findings.len(), 1, "{json:#}");
    let f = findings[0];
    assert_eq!(f["line"], line_of(text, "dayly") as u64);
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `daily`?"),
        "{f}"
    );
}
