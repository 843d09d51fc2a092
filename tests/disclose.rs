//! `menulint disclose`: the participants' comparative chart, complete and incomplete,
//! in every format, with untrusted text escaped for each.

use crate::common;
use common::*;

fn disclose(menu: &str, format: &str) -> (i32, String, String) {
    let out = menulint()
        .args(["disclose", "--as-of", AS_OF, "--format", format, menu])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_complete_menu_gives_a_complete_chart_and_exits_0() {
    let (code, md, err) = disclose("sample-menus/bitcoin.toml", "markdown");
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(!md.contains("not provided"), "{md}");
    insta::assert_snapshot!("bitcoin_disclose_md", md);
    let (code, csv, _) = disclose("sample-menus/bitcoin.toml", "csv");
    assert_eq!(code, 0);
    insta::assert_snapshot!("bitcoin_disclose_csv", csv);
}

/// The periods end at the last calendar year-end before the chart's date, and the
/// cost per $1,000 is derived from the expense ratio.
#[test]
fn periods_end_at_the_last_year_end_and_cost_per_1000_is_derived() {
    let (_, md, _) = disclose("sample-menus/bitcoin.toml", "markdown");
    assert!(md.contains("for periods ending 31 Dec 2025."), "{md}");
    // 0.015 % stays 0.015 %, $0.15 per $1,000; the young bitcoin fund has no 5-year period
    assert!(
        md.contains("| Fidelity 500 Index Fund | US equity | 0.015% | $0.15 |"),
        "{md}"
    );
    assert!(
        md.contains(
            "| iShares Bitcoin Trust ETF | digital asset | Option | 80.10% | n/a | n/a | 62.40% |"
        ),
        "{md}"
    );
    assert!(
        md.contains(
            "| Acme Stable Value Fund | stable value | 3.10% | crediting rate reset each quarter |"
        ),
        "{md}"
    );
}

#[test]
fn an_incomplete_menu_says_what_is_missing_first_and_exits_1() {
    let (code, md, err) = disclose("sample-menus/problems.toml", "markdown");
    assert_eq!(code, 1);
    // the finding at its line, then the count
    assert!(err.contains("DIS002(benchmark-disclosed)"), "{err}");
    assert!(err.contains("sample-menus/problems.toml:39:1"), "{err}");
    assert!(
        err.ends_with("the comparative chart is incomplete: 2 figure(s) not provided, among them the glossary ([plan] glossary_url)\n"),
        "{err}"
    );
    assert!(
        md.contains("> **This chart is incomplete:** 2 figures"),
        "{md}"
    );
    assert!(
        md.contains("| | | Benchmark: not provided | 25.00% | 14.50% | 13.10% | n/a |"),
        "{md}"
    );
    insta::assert_snapshot!("problems_disclose_md", md);
    let (code, csv, _) = disclose("sample-menus/problems.toml", "csv");
    assert_eq!(code, 1);
    insta::assert_snapshot!("problems_disclose_csv", csv);
}

#[test]
fn the_csv_reads_back_one_row_per_option_with_every_column() {
    let (_, text, _) = disclose("sample-menus/bitcoin.toml", "csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    assert_eq!(header.len(), 19);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|row| row.len() == 19));
    assert_eq!(&rows[1][0], "Fidelity 500 Index Fund");
    assert_eq!(&rows[1][13], "0.015");
    assert_eq!(&rows[1][14], "0.15");
    assert_eq!(&rows[4][11], "3.10");
    assert_eq!(&rows[4][18], "2025-12-31");
}

/// Menu text reaches each format escaped: no formula in the CSV, no markup in the
/// Markdown or the HTML.
#[test]
fn menu_text_cannot_inject_into_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let menu = include_str!("../sample-menus/bitcoin.toml")
        .replace(
            "name = \"Fidelity 500 Index Fund\"",
            "name = \"=HYPERLINK(\\\"http://x\\\",\\\"<script>alert(1)</script>\\\")\"",
        )
        .replace(
            "transfer_restrictions = \"Round trips",
            "transfer_restrictions = \"@SUM(1) | **bold** Round trips",
        );
    let path = write_in(dir.path(), "m.toml", menu);
    let (code, csv, err) = disclose(&path, "csv");
    assert_eq!(code, 0, "{err}");
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let row = r.records().nth(1).unwrap().unwrap();
    assert!(row[0].starts_with("'=HYPERLINK"), "{:?}", &row[0]);
    assert!(row[16].starts_with("'@SUM(1)"), "{:?}", &row[16]);
    let (_, md, _) = disclose(&path, "markdown");
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("\\| \\*\\*bold\\*\\*"), "{md}");
    let (_, html, _) = disclose(&path, "html");
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
}

#[test]
fn the_same_menu_gives_the_same_bytes_and_bad_input_exits_2() {
    for format in ["html", "markdown", "csv"] {
        let a = disclose("sample-menus/problems.toml", format).1;
        let b = disclose("sample-menus/problems.toml", format).1;
        assert_eq!(a, b, "{format}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("chart.html");
    let bad = write_in(dir.path(), "bad.toml", "schema_version = 1\n[plan\n");
    let status = menulint()
        .args(["disclose", "--as-of", AS_OF, "--output"])
        .arg(&out)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2));
    assert!(!out.exists(), "no partial chart is written");
}

/// Printed on A4 and on Letter, no element is wider than the page and no text is
/// smaller than 9 pt (measured in Chromium's layout).
#[test]
fn chromium_lays_the_chart_out_within_the_page() {
    let Some(chromium) = chromium() else {
        tool_missing("laying out the chart needs Chromium (Debian package `chromium`)");
        return;
    };
    let (_, html, _) = disclose("sample-menus/problems.toml", "html");
    // a script the test adds measures the layout and writes the result into the page
    let probe = r#"<script>
      const w = document.documentElement.clientWidth;
      let widest = 0, smallest = 99;
      for (const e of document.querySelectorAll('body *')) {
        const r = e.getBoundingClientRect();
        widest = Math.max(widest, r.right);
        // text that spills out of its table cell counts as wider than the page
        if ((e.tagName === 'TD' || e.tagName === 'TH') && e.scrollWidth > e.clientWidth + 1) {
          widest = w + 1000;
        }
        if (e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) {
          smallest = Math.min(smallest, parseFloat(getComputedStyle(e).fontSize) * 0.75);
        }
      }
      document.title = 'MEASURED ' + (widest <= w + 0.5) + ' ' + smallest;
    </script></body>"#;
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("chart.html");
    std::fs::write(&page, html.replace("</body>", probe)).unwrap();
    // A4 and Letter widths at 96 dpi, less the page margins
    for width in ["703", "725"] {
        let profile = tempfile::tempdir().unwrap();
        let out = headless_chromium(chromium, profile.path())
            .arg(format!("--window-size={width},1000"))
            .arg("--dump-dom")
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&out.stdout);
        let title = dom
            .split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap_or_default();
        let mut parts = title.split_whitespace();
        assert_eq!(parts.next(), Some("MEASURED"), "{width}: {title}");
        assert_eq!(
            parts.next(),
            Some("true"),
            "{width}: an element is wider than the page"
        );
        let smallest: f64 = parts.next().unwrap().parse().unwrap();
        assert!(smallest >= 9.0 - 1e-6, "{width}: text at {smallest} pt");
    }
}

/// A chart straight from a recordkeeper export: complete from the sample, and each
/// figure a row lacks is a finding at its row before the chart is written.
#[test]
fn a_chart_is_made_straight_from_a_lineup_export() {
    let lineup = |path: &str| {
        let out = menulint()
            .args(["disclose", "--as-of", AS_OF, "--format", "csv", path])
            .args([
                "--map",
                "recordkeeper",
                "--plan",
                "sample-menus/lineup/plan.toml",
            ])
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, err) = lineup("sample-menus/lineup/lineup.xlsx");
    assert_eq!((code, err.as_str()), (0, ""));
    // the index fund's row without its benchmark's 5-year return and its fees
    let dir = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string("sample-menus/lineup/lineup.csv")
        .unwrap()
        .replace("315911750,25.0,14.5,13.1,,None,", "315911750,25.0,,13.1,,,");
    let path = write_in(dir.path(), "l.csv", csv);
    let (code, err) = lineup(&path);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.matches("l.csv:3:1]").count(), 2, "{err}");
    assert!(
        err.contains("reports its 5-year return without the S&P 500 Index's"),
        "{err}"
    );
    assert!(
        err.ends_with("the comparative chart is incomplete: 2 figure(s) not provided\n"),
        "{err}"
    );
}
