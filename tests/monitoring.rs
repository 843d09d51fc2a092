//! Monitoring: the history CSV (every bad row located), the watch list's statuses,
//! `menulint monitor` in each format, and missing data never passing.

use crate::common;

use common::{check_json, first_findings, menulint, rules_of, write_in, AS_OF};
use serde_json::Value;

const MENU: &str = "sample-menus/monitoring/menu.toml";
const HISTORY: &str = "sample-menus/monitoring/history.csv";

fn monitor(args: &[&str]) -> (i32, String) {
    monitor_at(AS_OF, args)
}

/// `monitor --as-of AS_OF ARGS` in process (`--format` among the args, human by
/// default).
fn monitor_at(as_of: &str, args: &[&str]) -> (i32, String) {
    let mut format = "human";
    let mut rest = Vec::new();
    let mut args = args.iter();
    while let Some(&a) = args.next() {
        match a {
            "--format" => format = args.next().expect("a format"),
            _ => rest.push(a),
        }
    }
    let (code, bytes) = common::watch_list(as_of, format, &rest);
    (code, String::from_utf8(bytes).expect("UTF-8"))
}

fn monitor_json(args: &[&str]) -> (i32, Value) {
    monitor_json_at(AS_OF, args)
}

fn monitor_json_at(as_of: &str, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, out) = monitor_at(as_of, &all);
    (code, serde_json::from_str(&out).expect("JSON"))
}

/// An option's expected status: id, status, on watch since, quarters on watch.
fn s(id: &str, status: &str, since: Option<&str>, q: u64) -> (String, String, Option<String>, u64) {
    (
        id.to_owned(),
        status.to_owned(),
        since.map(str::to_owned),
        q,
    )
}

/// Each option's (id, status, since, quarters on watch).
fn statuses(json: &Value) -> Vec<(String, String, Option<String>, u64)> {
    json["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| {
            (
                o["id"].as_str().unwrap().to_owned(),
                o["status"].as_str().unwrap().to_owned(),
                o["since"].as_str().map(str::to_owned),
                o["quarters_on_watch"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_sample_gives_the_stated_statuses() {
    let (code, json) = monitor_json(&[MENU, "--history", HISTORY]);
    assert_eq!(
        code, 1,
        "an option recommended for replacement fails the run"
    );
    assert_eq!(
        statuses(&json),
        [
            s("tdf-2045", "ok", None, 0),
            s("largecap", "ok", None, 0),
            s("growth", "on-watch", Some("2026-06-30"), 2),
            s("intl", "replacement-recommended", Some("2024-12-31"), 8),
            s("bond", "ok", None, 0),
        ]
    );
    assert_eq!(json["summary"]["replace"], 1);
    assert_eq!(json["options"][3]["latest"]["quarter"], "2026-09-30");
}

#[test]
fn monitor_human_output() {
    let (code, out) = monitor(&[MENU, "--history", HISTORY]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("monitor_sample_human", out);
}

#[test]
fn monitor_markdown_and_html_chart_the_options_on_watch() {
    let (_, md) = monitor(&["--format", "markdown", MENU, "--history", HISTORY]);
    insta::assert_snapshot!("monitor_sample_markdown", md);
    let (_, html) = monitor(&["--format", "html", MENU, "--history", HISTORY]);
    // one trend chart each for the option on watch and the one to replace
    assert_eq!(html.matches("<svg").count(), 2, "{html}");
    assert!(html.contains("Example Growth Fund: 3-year return against its benchmark"));
    assert!(html.contains(r#"class="status-replacement-recommended""#));
}

#[test]
fn check_with_history_runs_the_monitoring_rules_and_without_it_does_not() {
    let (code, json) = check_json(&[MENU, "--history", HISTORY]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&json),
        ["MON001", "MON002", "MON006", "MON001", "MON002", "MON003", "MON006", "MON008"]
    );
    let (code, json) = check_json(&[MENU]);
    assert_eq!(
        (code, rules_of(&json).len()),
        (0, 0),
        "opt-in without history"
    );
}

/// A menu with one option and a history CSV; returns the JSON check of both.
fn check_csv(csv: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(
        dir.path(),
        "menu.toml",
        r#"schema_version = 1
[plan]
name = "P"
sponsor = "S"
[[options]]
id = "core"
name = "Core Fund"
ticker = "CORX"
vehicle = "mutual_fund"
asset_class = "us_equity"
url = "https://example.com/core"
expense_ratio_pct = 0.1
[options.performance]
return_1y_pct = 1.0
return_5y_pct = 1.0
return_10y_pct = 1.0
"#,
    );
    let history = write_in(dir.path(), "history.csv", csv);
    check_json(&[&menu, "--history", &history])
}

/// (message, line, column) of each finding of the first file.
fn located(json: &Value) -> Vec<(String, u64, u64)> {
    first_findings(json)
        .map(|f| {
            (
                f["message"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const HEADER: &str = "option,quarter,return_3y_pct,benchmark_3y_pct,peer_rank_pct\n";

#[test]
fn every_bad_row_is_an_error_at_its_cell() {
    let cases: &[(&str, &str, u64, u64)] = &[
        (
            "core,2026-13-31,1,2,40\n",
            "`quarter`: \"2026-13-31\" is not a \"date\"",
            2,
            6,
        ),
        ("core,2026-09-30,n/a,2,40\n", "is not a number", 2, 17),
        ("core,2026-09-30,7.5%,2,40\n", "is not a number", 2, 17),
        ("core,2026-09-30,1,2,40.5\n", "is not a whole number", 2, 21),
        ("core,2026-09-30,1,2,0\n", "`peer_rank_pct`", 2, 21),
        (
            "nope,2026-09-30,1,2,40\n",
            "`nope` is not an option of",
            2,
            1,
        ),
        (
            "core,2026-09-30,1,2,40\ncore,2026-09-30,1,2,40\n",
            "quarter 2026-09-30 appears twice for this option (first at line 2)",
            3,
            6,
        ),
        (
            "core,2026-09-30,1,2,40\ncore,2026-06-30,1,2,40\n",
            "quarter 2026-06-30 comes after 2026-09-30: quarters are out of order",
            3,
            6,
        ),
        (
            "core,2026-08-31,1,2,40\n",
            "2026-08-31 is not a quarter end",
            2,
            6,
        ),
        (
            "core,2026-09-30,1,2,40,9\n",
            "this row has 6 cells; the header names 5 columns",
            2,
            24,
        ),
        (",2026-09-30,1,2,40\n", "this row names no option", 2, 1),
    ];
    for (rows, message, line, column) in cases {
        let (code, json) = check_csv(&format!("{HEADER}{rows}"));
        assert_eq!(code, 2, "{rows}");
        let found = located(&json);
        assert!(
            found
                .iter()
                .any(|(m, l, c)| m.contains(message) && l == line && c == column),
            "{rows}: want {message:?} at {line}:{column}, got {found:?}"
        );
    }
}

#[test]
fn header_mistakes_are_located_too() {
    let (code, json) = check_csv("option,quartr,return_3y_pct\ncore,2026-09-30,1\n");
    assert_eq!(code, 2);
    let found = located(&json);
    assert!(found.contains(&("unknown history column `quartr`".to_owned(), 1, 8)));
    assert!(found
        .iter()
        .any(|(m, _, _)| m == "the header has no `quarter` column"));
    assert_eq!(
        json["files"][0]["findings"][0]["help"],
        "did you mean `quarter`?"
    );
    let (code, json) = check_csv("");
    assert_eq!(code, 2);
    assert!(located(&json)[0].0.contains("has no header row"));
    // after comment lines, blank lines and CR LF line ends, a cell is still found
    // where it is (a header after a comment was once located inside the comment)
    for lead in [
        "# figures from the recordkeeper\n",
        "# one\r\n\r\n# two\r\n",
        "\u{feff}# a BOM, then a note\n",
    ] {
        let (code, json) = check_csv(&format!(
            "{lead}option,\"quartr\",return_3y_pct\ncore,2026-09-30,1\n"
        ));
        assert_eq!(code, 2, "{lead:?}");
        let line = lead.matches('\n').count() as u64 + 1;
        let found = located(&json);
        assert!(
            found.contains(&("unknown history column `quartr`".to_owned(), line, 8)),
            "{lead:?}: {found:?}"
        );
    }
}

#[test]
fn comments_blank_lines_quotes_and_tickers_are_read() {
    let csv = "# illustrative\noption,quarter,return_3y_pct,benchmark_3y_pct,peer_group\n\
               \"CORX\",2026-06-30,1,2,\"Large Blend, US\"\n\ncorx,2026-09-30,1,2,x\n";
    let (_, json) = check_csv(csv);
    assert_eq!(json["files"][0]["checked"], true, "{json}");
}

#[test]
fn history_inside_the_menu_is_checked_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(
        dir.path(),
        "menu.toml",
        r#"schema_version = 1
[plan]
name = "P"
sponsor = "S"
[[options]]
id = "core"
name = "Core Fund"
vehicle = "mutual_fund"
asset_class = "us_equity"
[[options.history]]
quarter = 2026-09-30
[[options.history]]
quarter = 2026-06-30
"#,
    );
    let (code, json) = check_json(&[&menu]);
    assert_eq!(code, 2);
    assert_eq!(
        located(&json),
        [(
            "quarter 2026-06-30 comes after 2026-09-30: quarters are out of order".to_owned(),
            13,
            11
        )]
    );
}

#[test]
fn history_joins_one_menu_only() {
    let (code, json) = check_json(&["sample-menus", "--history", HISTORY]);
    assert_eq!(code, 2);
    assert!(json["files"][0]["findings"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("--history joins one menu's options"));
}

#[test]
fn missing_or_stale_history_never_passes() {
    // no history at all: the option cannot be judged
    let (code, json) = monitor_json(&[MENU]);
    assert_eq!(code, 1);
    assert!(statuses(&json).iter().all(|s| s.1 == "no-data"), "{json}");
    // a year later the same history is stale
    let (code, json) = monitor_json_at("2027-11-25", &[MENU, "--history", HISTORY]);
    assert_eq!(code, 1);
    let tdf = &json["options"][0];
    assert_eq!(tdf["status"], "no-data");
    assert!(tdf["reasons"][0]["message"]
        .as_str()
        .unwrap()
        .contains("has no figures after 2026-09-30; the quarter ended 2027-09-30 is due"));
}

#[test]
fn a_waived_replacement_stays_on_watch() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(MENU).unwrap()
        + "\n[[waivers]]\nrule = \"MON008\"\noption = \"intl\"\nreason = \"New manager given until Q2 2027 (minutes 2026-10-14)\"\napproved_by = \"Investment Committee\"\nexpires = 2027-06-30\n";
    let menu = write_in(dir.path(), "menu.toml", text);
    let (code, json) = monitor_json(&[&menu, "--history", HISTORY]);
    assert_eq!(code, 0, "{json}");
    let intl = &json["options"][3];
    assert_eq!(intl["status"], "on-watch");
    let waived: Vec<&Value> = intl["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["waived"].is_string())
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["rule"], "MON008");
}

#[test]
fn option_names_cannot_inject_into_monitor_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(MENU).unwrap().replace(
        "Example Growth Fund",
        // a TOML escape: the menu holds a real ESC character
        "<script>alert(1)</script> \\u001b[31m| **x** |",
    );
    let menu = write_in(dir.path(), "menu.toml", text);
    let (_, html) = monitor(&["--format", "html", &menu, "--history", HISTORY]);
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
    let (_, human) = monitor(&[&menu, "--history", HISTORY]);
    assert!(!human.contains('\u{1b}') && human.contains("\\u{1b}"));
    let (_, md) = monitor(&["--format", "markdown", &menu, "--history", HISTORY]);
    assert!(!md.contains("| **x** |"), "{md}");
}

#[test]
fn the_report_gains_a_watch_list_with_trend_charts_only_with_history() {
    let report = |extra: &[&str]| {
        let mut args = vec![MENU];
        args.extend(extra);
        let (got, html) = common::document(menulint::render::report, "html", &args);
        // a fund recommended for replacement (MON008, an error) fails the report as
        // it fails the check
        let code = if extra.is_empty() { 0 } else { 1 };
        assert_eq!(got, code, "{extra:?}");
        String::from_utf8(html).unwrap()
    };
    let html = report(&["--history", HISTORY]);
    assert!(html.contains(r#"<section id="watch">"#));
    assert_eq!(
        html.matches(": 3-year return against its benchmark</title>")
            .count(),
        2
    );
    assert!(html.contains("Q4 2024 (2024-12-31)"));
    assert!(!report(&[]).contains(r#"id="watch""#));
}

#[test]
fn no_output_overwrites_the_history_file() {
    let dir = tempfile::tempdir().unwrap();
    let history = write_in(dir.path(), "h.csv", std::fs::read(HISTORY).unwrap());
    for cmd in ["monitor", "report"] {
        let out = menulint()
            .args([cmd, MENU, "--history", &history, "--output", &history])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert_eq!(
            std::fs::read(&history).unwrap(),
            std::fs::read(HISTORY).unwrap()
        );
    }
}

#[test]
fn a_brokerage_window_is_not_on_the_watch_list() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(MENU).unwrap()
        + "\n[[options]]\nid = \"window\"\nname = \"Self-directed brokerage window\"\nvehicle = \"brokerage_window\"\nasset_class = \"other\"\nurl = \"https://example.com/window\"\n";
    let menu = write_in(dir.path(), "menu.toml", text);
    let (code, json) = monitor_json(&[&menu, "--history", HISTORY]);
    assert_eq!(code, 1, "intl is still to be replaced");
    let ids: Vec<String> = statuses(&json).into_iter().map(|s| s.0).collect();
    assert_eq!(ids, ["tdf-2045", "largecap", "growth", "intl", "bond"]);
}

#[test]
fn history_rows_that_would_lose_or_invent_data_are_refused() {
    let cases: &[(&str, &str)] = &[
        // a figure under no header
        (
            "option,quarter,,return_3y_pct\ncore,2026-09-30,7,5\n",
            "\"7\" is in a column with no header",
        ),
        // a quarter missing in the run
        (
            &format!("{HEADER}core,2026-03-31,1,2,40\ncore,2026-09-30,1,2,40\n"),
            "quarter 2026-09-30 follows 2026-03-31: 1 quarter is missing between them",
        ),
        // a figure too large to be exact
        (
            "option,quarter,assets_usd\ncore,2026-09-30,1e30\n",
            "`assets_usd`: \"1e30\" is not a figure small enough to be exact",
        ),
        // a quote left open swallows the rows after it
        (
            &format!("{HEADER}core,2026-06-30,\"1,2,40\ncore,2026-09-30,1,2,40\n"),
            "a quote opened here is never closed",
        ),
        // a stray quote closed by a later one joins cells
        (
            &format!("{HEADER}core,2026-09-30,\"1,\"2,40\n"),
            "a stray quote joins cells here",
        ),
    ];
    for (csv, message) in cases {
        let (code, json) = check_csv(csv);
        assert_eq!(code, 2, "{csv}");
        assert!(
            located(&json).iter().any(|(m, _, _)| m.contains(message)),
            "{csv}: {:?}",
            located(&json)
        );
    }
    // a refused row leaves no phantom gap behind it
    let (_, json) = check_csv(&format!(
        "{HEADER}core,2026-03-31,1,2,40\ncore,2026-06-30,x,2,40\ncore,2026-09-30,1,2,40\n"
    ));
    let found = located(&json);
    assert_eq!(found.len(), 1, "{found:?}");
    // thousands of unknown columns: a bounded list, not one snippet each
    let header: Vec<String> = (0..500).map(|i| format!("x{i}")).collect();
    let (_, json) = check_csv(&format!("option,quarter,{}\n", header.join(",")));
    let found = located(&json);
    assert_eq!(found.len(), 51);
    assert!(found[50].0.starts_with("… and 450 more errors"));
}

#[test]
fn monitoring_as_of_a_past_date_reads_what_was_known_and_stale_data_never_passes() {
    let dir = tempfile::tempdir().unwrap();
    // quarters after the check date are not read: as of 2026-05-01 the latest is Q1
    let (code, json) = monitor_json_at("2026-05-01", &[MENU, "--history", HISTORY]);
    assert_eq!(code, 1);
    assert_eq!(
        statuses(&json),
        [
            s("tdf-2045", "ok", None, 0),
            s("largecap", "ok", None, 0),
            s("growth", "ok", None, 0),
            s("intl", "replacement-recommended", Some("2024-12-31"), 6),
            s("bond", "ok", None, 0),
        ]
    );
    assert_eq!(json["options"][3]["latest"]["quarter"], "2026-03-31");
    // the data rule switched off: stale figures are still not current
    let config = write_in(
        dir.path(),
        "menulint.toml",
        "[rules.MON007]\nseverity = \"off\"\n",
    );
    let (code, json) = monitor_json_at(
        "2027-11-25",
        &["--config", &config, MENU, "--history", HISTORY],
    );
    assert_eq!(code, 1);
    assert!(
        statuses(&json)
            .iter()
            .all(|s| s.1 == "no-data" || s.1 == "replacement-recommended"),
        "{json}"
    );
    assert_eq!(statuses(&json)[0].1, "no-data");
}

#[test]
fn monitor_locates_history_errors_in_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let history = write_in(
        dir.path(),
        "h.csv",
        format!("{HEADER}CORE,2026-09-30,1,2,40\n"),
    );
    let out = menulint()
        .args(["monitor", "--as-of", AS_OF, MENU, "--history", &history])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("h.csv:2:1]"), "{err}");
}

#[test]
fn control_characters_never_reach_html() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(MENU)
        .unwrap()
        .replace("Example Growth Fund", "Growth \\u0007\\u202e Fund");
    let menu = write_in(dir.path(), "menu.toml", text);
    let (_, html) = monitor(&["--format", "html", &menu, "--history", HISTORY]);
    assert!(!html.contains('\u{7}') && !html.contains('\u{202e}'));
    assert!(html.contains("Growth \u{fffd}\u{fffd} Fund"));
    let (_, report) = common::document(
        menulint::render::report,
        "html",
        &[&menu, "--history", HISTORY],
    );
    let report = String::from_utf8(report).unwrap();
    assert!(!report.contains('\u{7}') && !report.contains('\u{202e}'));
}

/// A gap in a quarterly history is unknown, never a reset: a fund below its
/// benchmark in every quarter is recommended for replacement, and blanking the
/// 3-year figures of one earlier quarter leaves it without current data (naming
/// the quarter), never "ok".
#[test]
fn a_gap_in_the_history_is_undecided_never_a_reset() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(
        dir.path(),
        "m.toml",
        "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n\n[[options]]\nid = \"lag\"\n\
         name = \"Laggard Fund\"\nticker = \"LAGGX\"\nvehicle = \"mutual_fund\"\n\
         asset_class = \"us_equity\"\nexpense_ratio_pct = 0.5\n",
    );
    let quarters = [
        "2024-06-30",
        "2024-09-30",
        "2024-12-31",
        "2025-03-31",
        "2025-06-30",
        "2025-09-30",
        "2025-12-31",
        "2026-03-31",
        "2026-06-30",
        "2026-09-30",
    ];
    let csv = |blank: Option<&str>| {
        let mut out = String::from(
            "option,quarter,return_1y_pct,benchmark_1y_pct,return_3y_pct,benchmark_3y_pct,peer_rank_pct\n",
        );
        for q in quarters {
            let three = if Some(q) == blank {
                ",".to_owned()
            } else {
                "5.0,8.0".to_owned()
            };
            out.push_str(&format!("lag,{q},6.0,9.0,{three},60\n"));
        }
        out
    };
    let full = write_in(dir.path(), "full.csv", csv(None));
    let (code, json) = monitor_json(&["--history", &full, &menu]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(
        json["options"][0]["status"], "replacement-recommended",
        "{json:#}"
    );

    let gappy = write_in(dir.path(), "gap.csv", csv(Some("2026-03-31")));
    let (code, json) = monitor_json(&["--history", &gappy, &menu]);
    assert_eq!(code, 1, "{json:#}");
    let lag = &json["options"][0];
    assert_eq!(lag["status"], "no-data", "{lag:#}");
    let reason = lag["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "MON001")
        .unwrap_or_else(|| panic!("{lag:#}"));
    assert_eq!(
        reason["message"],
        "Laggard Fund cannot be judged on its 3-year return: the quarter ending 2026-03-31 has \
         no 3-year return, and the 2 quarter(s) after it trail the benchmark; a gap is not a \
         quarter above the benchmark."
    );
    // a gap before a quarter above the benchmark decides nothing: that quarter does
    let recovered = csv(Some("2026-03-31")).replace(
        "lag,2026-06-30,6.0,9.0,5.0,8.0",
        "lag,2026-06-30,6.0,9.0,9.0,8.0",
    );
    let recovered = write_in(dir.path(), "recovered.csv", recovered);
    let (_, json) = monitor_json(&["--history", &recovered, &menu]);
    let reasons = json["options"][0]["reasons"].as_array().unwrap();
    assert!(reasons.iter().all(|r| r["rule"] != "MON001"), "{json:#}");
}

/// A history exported in Windows-1252 or UTF-16 (as Excel writes them) reads as the
/// UTF-8 one does; a UTF-8 history with one stray byte is refused at it.
#[test]
fn histories_are_read_in_the_encodings_spreadsheets_export() {
    let dir = tempfile::tempdir().unwrap();
    let utf8 = std::fs::read_to_string(HISTORY)
        .unwrap()
        .replace("Foreign Large Blend", "Étrangères Large Blend");
    let (_, want) = monitor_json(&["--history", &write_in(dir.path(), "u.csv", &utf8), MENU]);
    let latin: Vec<u8> = utf8
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(utf8.encode_utf16().flat_map(u16::to_le_bytes));
    for (name, bytes) in [("w.csv", latin), ("16.csv", utf16)] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (_, got) = monitor_json(&["--history", path.to_str().unwrap(), MENU]);
        assert_eq!(statuses(&got), statuses(&want), "{name}");
        assert!(got.to_string().contains("Étrangères"), "{name}");
    }
    let mut stray = utf8.into_bytes();
    stray.extend_from_slice(b"# caf\xe9\n");
    let path = dir.path().join("s.csv");
    std::fs::write(&path, stray).unwrap();
    let (code, out) = monitor(&["--history", path.to_str().unwrap(), MENU]);
    assert_eq!(code, 2, "{out}");
}

/// One good quarter does not take an option off the watch list: it stays on watch,
/// recovering, until `recover_quarters` (2) passing quarters in a row; the quarters
/// on watch count from the first one on watch.
#[test]
fn the_watch_list_keeps_a_fund_until_its_recovery_lasts() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(
        dir.path(),
        "menu.toml",
        "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n[[options]]\nid = \"core\"\nname = \"Core Fund\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\nexpense_ratio_pct = 0.5\n",
    );
    // four quarters trailing by 2 points (MON001 needs four), then the recovery
    let row = |q: &str, r: f64| format!("core,{q},9.0,9.0,{r},8.0,9.0,8.0,40\n");
    let mut csv = "option,quarter,return_1y_pct,benchmark_1y_pct,return_3y_pct,benchmark_3y_pct,return_5y_pct,benchmark_5y_pct,peer_rank_pct\n".to_owned();
    for q in ["2025-06-30", "2025-09-30", "2025-12-31", "2026-03-31"] {
        csv.push_str(&row(q, 6.0));
    }
    csv.push_str(&row("2026-06-30", 8.5));
    let history = write_in(dir.path(), "history.csv", &csv);
    let (_, json) = monitor_json_at("2026-08-20", &[&menu, "--history", &history]);
    assert_eq!(
        statuses(&json),
        // on watch from the quarter that made four trailing in a row, and the quarter
        // of recovery counts
        [s("core", "on-watch", Some("2026-03-31"), 2)],
        "{json:#}"
    );
    let (_, text) = monitor_at("2026-08-20", &[&menu, "--history", &history]);
    assert!(text.contains("on watch — recovering, 1 of 2"), "{text}");
    // a second passing quarter: off the list
    csv.push_str(&row("2026-09-30", 8.6));
    let history = write_in(dir.path(), "history.csv", &csv);
    let (_, json) = monitor_json_at("2026-11-25", &[&menu, "--history", &history]);
    assert_eq!(statuses(&json), [s("core", "ok", None, 0)], "{json:#}");
}

/// A history exported with carriage returns alone reads as the same history.
#[test]
fn a_history_with_carriage_returns_alone_reads_as_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(HISTORY).unwrap();
    let cr = write_in(dir.path(), "history.csv", text.replace('\n', "\r"));
    let (code, json) = monitor_json(&[MENU, "--history", &cr]);
    let (want_code, want) = monitor_json(&[MENU, "--history", HISTORY]);
    assert_eq!(code, want_code);
    assert_eq!(statuses(&json), statuses(&want));
}

/// Rows may name an option by its id in some quarters and by its ticker in others:
/// they are one option's history, with no gap; a real gap is still an error.
#[test]
fn rows_naming_an_option_by_ticker_and_by_id_are_one_history() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(
        dir.path(),
        "menu.toml",
        "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n[[options]]\nid = \"core\"\nname = \"Core Fund\"\nticker = \"CORX\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\nexpense_ratio_pct = 0.5\n",
    );
    let header = "option,quarter,return_1y_pct,benchmark_1y_pct,return_3y_pct,benchmark_3y_pct,peer_rank_pct\n";
    let mixed = format!(
        "{header}core,2026-03-31,9,9,8,8,40\nCORX,2026-06-30,9,9,8,8,40\ncore,2026-09-30,9,9,8,8,40\n"
    );
    let history = write_in(dir.path(), "h.csv", &mixed);
    let (code, json) = monitor_json(&[&menu, "--history", &history]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(statuses(&json), [s("core", "ok", None, 0)]);
    let gap = format!("{header}core,2026-03-31,9,9,8,8,40\nCORX,2026-09-30,9,9,8,8,40\n");
    let history = write_in(dir.path(), "h.csv", &gap);
    let out = menulint()
        .args(["monitor", "--as-of", AS_OF, &menu, "--history", &history])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("quarter 2026-09-30 follows 2026-03-31: 1 quarter is missing between them"),
        "{text}"
    );
}

/// A fund under three years old has no 3-year figures to be judged on: the watch
/// list says so ("short record") instead of a plain "ok", and judges it on the
/// periods it has (MON009 on its 1-year figures).
#[test]
fn a_young_fund_is_listed_with_its_short_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut quarters = String::new();
    for q in ["2025-12-31", "2026-03-31", "2026-06-30", "2026-09-30"] {
        quarters.push_str(&format!(
            "\n[[options.history]]\nquarter = {q}\nreturn_1y_pct = 9.0\nbenchmark_1y_pct = 9.2\n"
        ));
    }
    let menu = write_in(
        dir.path(),
        "m.toml",
        format!(
            "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n\n[[options]]\nid = \"young\"\nname = \"Young Fund\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\ninception_date = 2024-06-28\n{quarters}"
        ),
    );
    let cfg = write_in(dir.path(), "c.toml", "packs = [\"monitoring\"]\n");
    let (code, text) = monitor(&["--config", &cfg, &menu]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("ok — short record (under 3 years)"), "{text}");
    let (_, json) = monitor_json(&["--config", &cfg, &menu]);
    assert_eq!(json["options"][0]["short_record"], true, "{json}");
}

/// A committee may count "N of the last M quarters" on the performance rules too
/// (`of_last` above `quarters`), as MON003 does: 3 of the last 4 below the benchmark
/// puts a fund on watch though no run is 3 long, and a quarter without figures that
/// could decide it leaves the rule undecided, never passed.
#[test]
fn performance_rules_count_n_of_the_last_m_quarters() {
    let dir = tempfile::tempdir().unwrap();
    let menu_with = |figures: &[Option<(f64, f64)>]| {
        let mut quarters = String::new();
        for (q, f) in ["2025-12-31", "2026-03-31", "2026-06-30", "2026-09-30"]
            .iter()
            .zip(figures)
        {
            quarters.push_str(&format!(
                "\n[[options.history]]\nquarter = {q}\nreturn_1y_pct = 9.0\nbenchmark_1y_pct = 9.0\npeer_rank_pct = 40\n"
            ));
            if let Some((r, b)) = f {
                quarters.push_str(&format!(
                    "return_3y_pct = {r:?}\nbenchmark_3y_pct = {b:?}\n"
                ));
            }
        }
        write_in(
            dir.path(),
            "m.toml",
            format!(
                "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n\n[[options]]\nid = \"core\"\nname = \"Core Fund\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\nmanagement = \"active\"\ninception_date = 2010-01-04\n{quarters}"
            ),
        )
    };
    let cfg = write_in(
        dir.path(),
        "c.toml",
        "packs = [\"monitoring\"]\n[rules.MON001]\nparams = { quarters = 3, of_last = 4 }\n[rules.MON007]\nseverity = \"off\"\n",
    );
    let (below, above) = (Some((7.0, 8.0)), Some((9.0, 8.0)));
    // oldest first: below, above, below, below — a run of two, three of four
    let menu = menu_with(&[below, above, below, below]);
    let (_, json) = monitor_json(&["--config", &cfg, &menu, "--select", "MON001"]);
    let o = &json["options"][0];
    assert_eq!(o["status"], "on-watch", "{json}");
    let reason = o["reasons"][0]["message"].as_str().unwrap();
    assert!(reason.contains("in 3 of the last 4 quarters"), "{reason}");
    // the same without of_last: a run of two is no watch
    let plain = write_in(
        dir.path(),
        "p.toml",
        "packs = [\"monitoring\"]\n[rules.MON007]\nseverity = \"off\"\n",
    );
    let (_, json) = monitor_json(&["--config", &plain, &menu, "--select", "MON001"]);
    assert_eq!(json["options"][0]["status"], "ok", "{json}");
    // below, gap, below, above (oldest first): two of four, and the gap could be a third
    let menu = menu_with(&[above, below, None, below]);
    let (_, json) = monitor_json(&["--config", &cfg, &menu, "--select", "MON001"]);
    assert_eq!(json["options"][0]["status"], "no-data", "{json}");
}

/// The trend charts' quarter labels, measured in Chromium: for histories of 5 to 40
/// quarters, no two labels of a chart overlap and none leaves its drawing.
#[test]
fn trend_chart_labels_never_collide_in_chromium() {
    let Some(chromium) = common::chromium() else {
        return common::tool_missing(
            "measuring the charts needs Chromium (Debian package `chromium`)",
        );
    };
    const MEASURE: &str = r#"<script>
(() => {
  const bad = [];
  let labels = 0;
  for (const svg of document.querySelectorAll('svg')) {
    const frame = svg.getBoundingClientRect();
    const boxes = [...svg.querySelectorAll('text[text-anchor="middle"]')]
      .filter(t => /^Q[1-4] \d{4}$/.test(t.textContent))
      .map(t => ({ t: t.textContent, r: t.getBoundingClientRect() }));
    labels += boxes.length;
    boxes.sort((a, b) => a.r.left - b.r.left);
    for (let i = 0; i < boxes.length; i++) {
      const r = boxes[i].r;
      if (r.left < frame.left - 0.5 || r.right > frame.right + 0.5) bad.push('out:' + boxes[i].t);
      if (i > 0 && boxes[i - 1].r.right > r.left - 2) bad.push(boxes[i - 1].t + '/' + boxes[i].t);
    }
  }
  document.body.setAttribute('data-labels', labels);
  document.body.setAttribute('data-bad', bad.join(' '));
})();
</script></body>"#;
    let dir = tempfile::tempdir().unwrap();
    for quarters in [5, 7, 12, 13, 19, 25, 40] {
        let (menu, csv) = common::synth::monitored(10, quarters, 3);
        let m = write_in(dir.path(), &format!("m{quarters}.toml"), menu);
        let h = write_in(dir.path(), &format!("h{quarters}.csv"), csv);
        let (_, html) = monitor(&["--format", "html", "--history", &h, &m]);
        let page = dir.path().join(format!("w{quarters}.html"));
        std::fs::write(&page, html.replace("</body>", MEASURE)).unwrap();
        let out = common::headless_chromium(chromium, &dir.path().join("profile"))
            .args(["--window-size=900,1200", "--dump-dom"])
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&out.stdout);
        let attr = |name: &str| common::body_attribute(&dom, name);
        let labels: usize = attr("data-labels").parse().unwrap();
        assert!(labels > 0, "{quarters} quarters: no chart drawn");
        assert_eq!(
            attr("data-bad"),
            "",
            "{quarters} quarters: labels collide or leave the chart"
        );
    }
}
