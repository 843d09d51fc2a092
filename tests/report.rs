//! The committee's compliance report: content, escaping, reproducibility, and a real browser.

use crate::common;
use common::*;

use std::path::Path;

const WAIVED: &str = "tests/menus/waived.toml";

/// The report of `menu`, built in process.
fn report(menu: &str, format: &str) -> String {
    let (_, bytes) = document(menulint::render::report, format, &[menu]);
    String::from_utf8(bytes).unwrap()
}

/// The report is the gate's judgement written out: a FAIL or INCOMPLETE verdict
/// exits 1 once the document is written, a PASS 0, and `--exit-zero` always 0.
#[test]
fn the_report_exits_as_its_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let incomplete = write_in(
        dir.path(),
        "m.toml",
        "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n\n[[options]]\nid = \"sp\"\nname = \"SP Fund\"\nvehicle = \"mutual_fund\"\nasset_class = \"us_equity\"\nassets_usd = 98000000\n\n[[options]]\nid = \"btc\"\nname = \"BTC Fund\"\nvehicle = \"etf\"\nasset_class = \"digital_asset\"\n",
    );
    // (only the crypto pack, its custody rule off: the cap alone is undecided)
    write_in(
        dir.path(),
        "menulint.toml",
        "packs = [\"crypto\"]\n[rules.CRY006]\nseverity = \"off\"\n",
    );
    for (menu, extra, code, verdict) in [
        (
            "sample-menus/conventional.toml",
            None,
            0,
            "**Verdict: PASS**",
        ),
        ("sample-menus/problems.toml", None, 1, "**Verdict: FAIL**"),
        (
            "sample-menus/problems.toml",
            Some("--exit-zero"),
            0,
            "**Verdict: FAIL**",
        ),
        (incomplete.as_str(), None, 1, "**Verdict: INCOMPLETE**"),
    ] {
        let out = menulint()
            .args(["report", "--as-of", AS_OF, "--format", "markdown", menu])
            .args(extra)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(code), "{menu} {extra:?}");
        assert!(text.contains(verdict), "{menu}: {text}");
    }
}

#[test]
fn markdown_report_snapshot() {
    insta::assert_snapshot!("waived_report_md", report(WAIVED, "markdown"));
}

#[test]
fn html_report_has_every_section_and_the_right_numbers() {
    let html = report(WAIVED, "html");
    for id in [
        "header", "summary", "charts", "options", "findings", "waivers", "signoff", "where",
        "audit",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">"))
                || html.contains(&format!("<header id=\"{id}\">")),
            "section {id}"
        );
    }
    assert!(html.contains(r#"<span class="verdict fail" id="verdict">FAIL</span>"#));
    assert!(html.contains(r#"<th class="num" id="total-errors">12</th>"#));
    assert!(html.contains(r#"<th class="num" id="total-warnings">3</th>"#));
    assert!(html.contains(r#"<th class="num" id="total-waived">1</th>"#));
    // a chart carries a decision: one per capped figure some option or the plan
    // exceeds (crypto per option, expense ratios, plan crypto); nothing informative
    // only (assets by class), nothing of zeros (real estate)
    assert_eq!(html.matches("<svg ").count(), 3, "three inline charts");
    for title in [
        "Effective crypto exposure per option, % of its assets, against its cap",
        "Expense ratio, % a year, against its cap",
        "Plan-level crypto exposure, % of plan assets, against its cap",
    ] {
        assert!(html.contains(&format!("<title>{title}</title>")), "{title}");
    }
    assert!(!html.contains("Menu assets by asset class"));
    assert!(!html.contains("Effective real-estate exposure per option"));
    // the QDIA's bar says why its cap is its own
    assert!(html.contains("6% (QDIA cap 0%)"), "the QDIA's cap is named");
    // where the QDIA's cap is the same kind as the others' (its asset class's
    // expense-ratio cap), it is just a cap
    assert!(html.contains("0.42% (cap 0.75%)"), "an ordinary cap");
    // self-contained: no script, no external resource
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=\"http") && !html.contains("<link"));
    // legal requirements and investment-policy findings stand apart, law first
    let law = html
        .find(r#"<div class="basis" id="findings-law">"#)
        .expect("law");
    let policy = html
        .find(r#"<div class="basis" id="findings-policy">"#)
        .expect("policy");
    assert!(law < policy);
    let findings = html.find(r#"<section id="findings">"#).unwrap();
    let str001 = findings + html[findings..].find("a 404(c) broad range needs").unwrap();
    let cry002 = findings
        + html[findings..]
            .find("The QDIA Globex Target Date 2050 CIT holds")
            .unwrap();
    assert!(law < str001 && str001 < policy && policy < cry002);
    // findings carry their citation; the rule, the location and the menu's line are
    // in the appendix, under the finding's number
    assert!(html.contains("Source: Investment policy statement; 29 CFR 2550.404c-5(e)(4)"));
    // (the template engine escapes `/` too)
    assert!(html.contains(
        "<tr id=\"where-F10\"><td>F10</td><td>SCO003</td><td class=\"mono\">tests&#x2f;menus&#x2f;waived.toml:137</td><td><span class=\"excerpt mono\">leverage = 3.0</span></td></tr>"
    ));
    assert!(html.contains(r##"<td><a href="#where-F10">F10</a></td><td class="sev-error">error</td><td>ProShares UltraPro QQQ</td>"##));
    // the waiver, with status
    assert!(html.contains("<td>Investment Committee</td><td>30 Jun 2027</td><td>applied</td>"));
    // audit: the menu's SHA-256 and every pack's
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(std::fs::read(WAIVED).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(html.contains(&format!("{sha} tests&#x2f;menus&#x2f;waived.toml")));
    assert_eq!(html.matches("<th>Rule pack SHA-256</th>").count(), 5);
    assert!(html.contains("<td>CRY004</td><td><code>max_pct</code></td><td>5.0</td>"));
}

#[test]
fn hostile_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let menu = std::fs::read_to_string(WAIVED)
        .unwrap()
        .replace(
            "name = \"ProShares UltraPro QQQ\"",
            "name = \"<script>alert(1)</script>\"",
        )
        .replace(
            "sponsor = \"Globex Corporation\"",
            "sponsor = \"\\\" onmouseover=\\\"alert(2)\"",
        );
    let path = dir.path().join("hostile.toml");
    std::fs::write(&path, menu).unwrap();
    let html = report(&path.display().to_string(), "html");
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "escaped name"
    );
    assert!(!html.contains("\" onmouseover=\"alert(2)"));
    assert!(html.contains("&quot; onmouseover=&quot;alert(2)"));
}

#[test]
fn reports_are_byte_identical_and_timestamps_follow_source_date_epoch() {
    assert_eq!(report(WAIVED, "html"), report(WAIVED, "html"));
    assert!(!report(WAIVED, "html").contains("generated"));
    let out = menulint()
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args([
            "report",
            "--timestamp",
            "--as-of",
            AS_OF,
            "--format",
            "markdown",
            WAIVED,
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("· generated 2026-01-01 00:00:00 UTC ·"));
}

#[test]
fn report_to_a_file_and_refusal_of_a_broken_menu() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    menulint()
        .args(["report", "--as-of", AS_OF, "--output"])
        .arg(&out)
        .arg(WAIVED)
        .assert()
        // the waived menu's report fails on its other findings: written, exit 1
        .code(1);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        report(WAIVED, "html")
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "schema_version = 2\n").unwrap();
    let target = dir.path().join("bad.html");
    menulint()
        .args(["report", "--output"])
        .arg(&target)
        .arg(&bad)
        .assert()
        .code(2);
    assert!(
        !target.exists(),
        "no report is written for a menu that cannot be checked"
    );
}

/// Measures the laid-out page: elements wider than the viewport, and the smallest text
/// (SVG text scaled as drawn); the results land on `<body>` for `--dump-dom`.
const MEASURE: &str = r#"<script>
(() => {
  const W = document.documentElement.clientWidth;
  const wide = [];
  let min = 1e9, where = '';
  for (const el of document.querySelectorAll('body *')) {
    if (el.tagName === 'SCRIPT') continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 0.5) wide.push(el.tagName + ':' + Math.round(r.right));
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGGraphicsElement) {
      const m = el.getScreenCTM();
      size *= m ? m.a : 1;
    } else if (el instanceof SVGElement) {
      continue;
    }
    if (size < min) { min = size; where = el.tagName + ' ' + el.textContent.trim().slice(0, 30); }
  }
  document.body.setAttribute('data-width', W);
  document.body.setAttribute('data-wide', wide.join(' '));
  document.body.setAttribute('data-min-font', min.toFixed(2) + ' ' + where);
})();
</script></body>"#;

/// Renders the report in headless Chromium to PNG and PDF; skipped where Chromium is absent.
#[test]
fn chromium_renders_the_report() {
    let chromium = chromium();
    let Some(chromium) = chromium else {
        tool_missing("rendering the report needs Chromium (Debian package `chromium`)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    std::fs::write(&html, report("sample-menus/problems.toml", "html")).unwrap();
    let url = format!("file://{}", html.display());
    let logging = ["--enable-logging=stderr", "--v=0"];
    let run = |extra: &[String]| {
        let profile = tempfile::tempdir().unwrap();
        let out = headless_chromium(chromium, profile.path())
            .args(logging)
            .args(extra)
            .arg(&url)
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "chromium failed: {log}");
        for bad in ["Uncaught", "Failed to load resource", "net::ERR_"] {
            assert!(!log.contains(bad), "chromium reported `{bad}`: {log}");
        }
    };
    let png = dir.path().join("report.png");
    let pdf = dir.path().join("report.pdf");
    run(&[
        format!("--screenshot={}", png.display()),
        "--window-size=1200,1800".into(),
        "--hide-scrollbars".into(),
    ]);
    run(&[
        format!("--print-to-pdf={}", pdf.display()),
        "--no-pdf-header-footer".into(),
    ]);
    let png_bytes = std::fs::read(&png).unwrap();
    assert!(
        png_bytes.starts_with(b"\x89PNG") && png_bytes.len() > 20_000,
        "PNG of {} bytes",
        png_bytes.len()
    );
    let pdf_bytes = std::fs::read(&pdf).unwrap();
    assert!(
        pdf_bytes.starts_with(b"%PDF") && pdf_bytes.len() > 10_000,
        "PDF of {} bytes",
        pdf_bytes.len()
    );
    // the page count: every `/Type /Page` object (not `/Pages`)
    let pages = [&b"/Type /Page"[..], b"/Type/Page"]
        .iter()
        .map(|pat| {
            pdf_bytes
                .windows(pat.len() + 1)
                .filter(|w| w.starts_with(pat) && w[pat.len()] != b's')
                .count()
        })
        .sum::<usize>();
    eprintln!("the report prints on {pages} pages");
    assert!(
        (3..=14).contains(&pages),
        "the problems menu's report prints on {pages} pages"
    );
    // printed on A4 and on Letter (14 mm margins): no element wider than the page,
    // no text under 9 pt (12 CSS px), SVG chart text measured after scaling
    for (paper, width) in [("A4", 688), ("Letter", 710)] {
        let measured = dir.path().join(format!("measure-{paper}.html"));
        let page = report("sample-menus/problems.toml", "html")
            .replace("@media print {", "@media all {")
            .replace("</body>", MEASURE);
        std::fs::write(&measured, page).unwrap();
        let profile = tempfile::tempdir().unwrap();
        let out = headless_chromium(chromium, profile.path())
            .args(logging)
            .args([
                format!("--window-size={width},1200"),
                "--hide-scrollbars".into(),
                "--dump-dom".into(),
            ])
            .arg(format!("file://{}", measured.display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&out.stdout);
        let attr = |name: &str| body_attribute(&dom, name);
        assert_eq!(attr("data-width"), width.to_string(), "{paper}");
        assert_eq!(attr("data-wide"), "", "{paper}: wider than the page");
        let min: f64 = attr("data-min-font")
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            min >= 12.0 - 0.2,
            "{paper}: text of {} px",
            attr("data-min-font")
        );
    }
    if let Ok(dir) = std::env::var("MENULINT_SCREENSHOT_DIR") {
        std::fs::copy(&png, Path::new(&dir).join("report.png")).unwrap();
    }
}

#[test]
fn page_one_lists_the_decisions_and_options_tell_severities_apart() {
    let html = report(WAIVED, "html");
    let decisions = html.find(r#"<h2 id="decisions">"#).expect("decisions");
    let summary = html.find(r#"<section id="summary">"#).unwrap();
    assert!(
        decisions < summary,
        "decisions come on page one, before the summary"
    );
    // the committee's decisions, grouped by option: the plan's own first, then the
    // options by their assets, largest first, each with its weight in the plan
    let end = html.find("</header>").unwrap();
    let list = &html[decisions..end];
    assert!(list.contains(r#"<h2 id="decisions">Decisions for the committee (6)</h2>"#));
    let groups: Vec<&str> = list
        .split(r#"<tr class="group"><th colspan="3">"#)
        .skip(1)
        .map(|g| &g[..g.find("</th>").unwrap()])
        .collect();
    assert_eq!(
        groups,
        [
            "The plan",
            r#"Globex Target Date 2050 CIT <span class="meta">· $20,000,000 · 50% of plan assets</span>"#,
            r#"Fidelity Wise Origin Bitcoin Fund <span class="meta">· $3,000,000 · 7.5% of plan assets</span>"#,
            r#"ProShares UltraPro QQQ <span class="meta">· $2,000,000 · 5% of plan assets</span>"#,
        ]
    );
    assert_eq!(list.matches("<tr><td>").count(), 6);
    assert!(list.contains("add a diversified core option"));
    // data to correct or obtain is the administrator's, listed apart and counted
    // on page one: no check digit or missing link among the decisions
    assert!(!list.contains("check digit") && !list.contains("links no"));
    assert!(list.contains("6 data corrections for the plan's administrator follow"));
    let corrections = &html[html.find(r#"<section id="corrections">"#).unwrap()..summary];
    assert_eq!(corrections.matches("<tr><td>").count(), 6);
    for fact in [
        "fails its check digit",
        "links no valuation policy",
        "names no benchmark index",
        "glossary of investment terms",
    ] {
        assert!(corrections.contains(fact), "{fact}");
    }
    // option statuses: an error and a warning are told apart
    assert!(html.contains("✖ error"));
    let warned = report("tests/menus/trust/private-markets-tdf.toml", "html");
    assert!(warned.contains(r#"<td class="status-warning">⚠ warning</td>"#));
    assert!(warned.contains("None: no error stands"));
    assert!(
        html.contains("<td>digital asset</td><td>ETF</td>"),
        "human labels"
    );
    // a sign-off block with lines to fill in
    assert!(html.contains(r#"<section id="signoff">"#));
    assert!(html.contains("<tr><th>Minutes reference</th><td>&nbsp;</td></tr>"));
}

#[test]
fn findings_come_by_severity_then_option_with_locations_in_the_appendix() {
    let html = report(WAIVED, "html");
    let findings = &html[html.find(r#"<section id="findings">"#).unwrap()..];
    let findings = &findings[..findings.find("</section>").unwrap()];
    // a section per basis, in the order law, relief conditions, policy, data quality;
    // within each: standing errors, then warnings, then waived; each in menu order
    let row = |row: &str| -> (String, String) {
        let sev = row.split(r#"<td class="sev-"#).nth(1).unwrap();
        let sev = &sev[..sev.find('"').unwrap()];
        let option = row.split("<td>").nth(2).unwrap();
        (
            sev.to_owned(),
            option[..option.find("</td>").unwrap()].to_owned(),
        )
    };
    let sections: Vec<(&str, Vec<(String, String)>)> = findings
        .split(r#"<div class="basis" id="findings-"#)
        .skip(1)
        .map(|s| {
            let key = &s[..s.find('"').unwrap()];
            (
                key,
                s.split(r#"<tr class="finding"#).skip(1).map(row).collect(),
            )
        })
        .collect();
    let keys: Vec<&str> = sections.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["law", "safe-harbor", "policy", "data-quality"]);
    let order = |s: &str| {
        ["error", "warning", "info", "waived"]
            .iter()
            .position(|x| *x == s)
    };
    for (key, rows) in &sections {
        assert!(
            rows.windows(2).all(|w| order(&w[0].0) <= order(&w[1].0)),
            "{key}: {rows:?}"
        );
    }
    let count: usize = sections.iter().map(|(_, r)| r.len()).sum();
    assert_eq!(count, 16);
    // the 404(c) broad range is a condition of relief, not a legal requirement
    assert_eq!(sections[1].1, [("error".to_owned(), "The plan".to_owned())]);
    let policy = &sections[2].1;
    assert_eq!(
        policy.last().unwrap(),
        &(
            "waived".to_owned(),
            "Grayscale Bitcoin Trust ETF".to_owned()
        )
    );
    // the body speaks plainly; the file and line are in the appendix only
    assert!(!findings.contains("waived.toml:"));
    let appendix = &html[html.find(r#"<section id="where">"#).unwrap()..];
    assert_eq!(appendix.matches("<tr id=\"where-F").count(), 16);
    // page one counts by severity
    assert!(html.contains(
        r#"<span class="sev-error">12 errors</span> · <span class="sev-warning">3 warnings</span>"#
    ));
}

#[test]
fn a_lineup_report_locates_findings_at_their_cells() {
    let (code, md) = document(
        menulint::render::report,
        "markdown",
        &[
            "sample-menus/lineup/lineup.xlsx",
            "--map",
            "recordkeeper",
            "--plan",
            "sample-menus/lineup/plan.toml",
        ],
    );
    // the lineup lacks the bitcoin fund's custody: FAIL, exit 1
    assert_eq!(code, 1);
    let md = String::from_utf8(md).unwrap();
    assert!(
        md.contains("| F1 | CRY006 | `sample-menus/lineup/lineup.xlsx:Funds!A8` | `iShares Bitcoin Trust ETF,IBIT,"),
        "{md}"
    );
}

#[test]
fn selection_and_watch_sections_appear_only_with_data() {
    let html = report(WAIVED, "html");
    assert!(!html.contains(r#"<section id="selection">"#));
    assert!(!html.contains(r#"<section id="watch">"#));
    let gaps = report("sample-menus/selection/gaps.toml", "html");
    let section = &gaps[gaps.find(r#"<section id="selection">"#).expect("selection")..];
    let section = &section[..section.find("</section>").unwrap()];
    // every option with a selection record, with its factors decided and open gaps
    assert!(section.matches("<tr><td>").count() >= 2, "{section}");
    assert!(section.contains(" of 6</td>"));
    let md = report("sample-menus/selection/gaps.toml", "markdown");
    assert!(md.contains("## Selection evidence"));
}

/// The report judges as the gate does: the same --select, --ignore and --baseline,
/// and an input (the baseline) is never overwritten by the report.
#[test]
fn the_report_takes_the_gates_judgement() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("b.json");
    let out = menulint()
        .args(["check", "--as-of", AS_OF, "--write-baseline"])
        .arg(&baseline)
        .arg("sample-menus/problems.toml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.push("sample-menus/problems.toml");
        let (code, md) = document(menulint::render::report, "markdown", &args);
        (code, String::from_utf8(md).unwrap())
    };
    let b = baseline.display().to_string();
    let (code, md) = report(&["--baseline", &b]);
    assert_eq!(code, 0);
    assert!(
        md.contains("**Verdict: PASS** — 0 errors · 0 warnings"),
        "{md}"
    );
    let (_, md) = report(&["--select", "CRY"]);
    assert!(
        md.contains("**Verdict: FAIL** — 4 errors · 2 warnings"),
        "{md}"
    );
    assert!(!md.contains("DIS002") && md.contains("CRY002"), "{md}");
    let overwrite = menulint()
        .args(["report", "--as-of", AS_OF, "--baseline", &b, "--output", &b])
        .arg("sample-menus/problems.toml")
        .output()
        .unwrap();
    assert_eq!(overwrite.status.code(), Some(2));
}

/// The fee sample: each fee problem is found at its line (read from the sample, not
/// hard-coded), the class whose minimum the plan does not meet stands, and the
/// report's Fees section shows each class against the cheapest one open to the plan.
#[test]
fn the_fee_sample_is_judged_and_reported_fee_by_fee() {
    const FEES: &str = "sample-menus/fees.toml";
    let text = std::fs::read_to_string(FEES).unwrap();
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("{needle} is in the sample")) as u64
            + 1
    };
    let (code, json) = check_json(&["--select", "FEE", FEES]);
    assert_eq!(code, 0, "fee rules warn: {json:#}");
    let found: Vec<(String, String, u64)> = first_findings(&json)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["option"].as_str().unwrap_or("plan").to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = |rule: &str, option: &str, line: u64| (rule.to_owned(), option.to_owned(), line);
    assert_eq!(
        found,
        vec![
            expect("FEE006", "plan", line_of("fee_disclosures_reviewed_on")),
            expect("FEE004", "plan", line_of("[plan.recordkeeping]")),
            expect("FEE002", "sp500", line_of("expense_ratio_pct = 0.14")),
            expect("FEE001", "growth", line_of("expense_ratio_pct = 0.93")),
            expect("FEE003", "growth", line_of("revenue_sharing =")),
        ],
        "{json:#}"
    );
    let messages: Vec<&str> = first_findings(&json)
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(messages.contains(&"Vanguard 500 Index Fund Investor Shares (Investor) costs 0.14% a year; Vanguard 500 Index Fund Admiral Shares (VFIAX), the same strategy, costs 0.04%: participants pay 0.1% a year more than they need to, about $30,000 a year on the plan's assets."), "{messages:#?}");
    assert!(messages.contains(&"The plan pays about $104 per participant a year for recordkeeping and administration (25 bp of assets included); the policy caps a plan of 1,150 participants at $75."), "{messages:#?}");

    let md = report(FEES, "markdown");
    // every capped plan figure is on page one, beside its cap; a breach says so
    let page_one = &md[..md.find("### Decisions").unwrap()];
    for row in [
        "| Recordkeeping and administration, $ per participant a year | $104, above the cap | $75 |",
        "| All-in plan cost, % of assets a year | 0.575% | 0.75% |",
        "| Plan-level crypto exposure, % of plan assets | 0% | 5% |",
    ] {
        assert!(page_one.contains(row), "{row}\n{page_one}");
    }
    // an exposure a capped figure shows is not listed twice
    assert!(
        !page_one.contains("| Crypto, % of plan assets |"),
        "{page_one}"
    );
    let section = &md[md.find("## Fees").expect("a Fees section")..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    insta::assert_snapshot!("fees_section_md", section);
    let html = report(FEES, "html");
    assert!(html.contains("<section id=\"fees\">"), "{html}");
    // a menu that records no fee facts has no Fees section
    assert!(!report(WAIVED, "markdown").contains("## Fees"));
}

/// Every file a verdict is drawn from is in the audit with the hash `sha256sum`
/// gives: a lineup export, its mapping and plan file, a history; a built-in pack is
/// named by its pack and the menulint that holds it, not by a path no repository has.
#[test]
fn the_audit_hashes_every_input() {
    let sha = |path: &str| menulint::diag::sha256_hex(&std::fs::read(path).unwrap());
    let run = |args: &[&str]| {
        String::from_utf8(document(menulint::render::report, "markdown", args).1).unwrap()
    };
    let lineup = "sample-menus/lineup/lineup.xlsx";
    let plan = "sample-menus/lineup/plan.toml";
    let text = run(&[lineup, "--map", "recordkeeper", "--plan", plan]);
    let audit = &text[text.find("Audit").expect("an audit")..];
    assert!(
        audit.contains(&format!("- lineup SHA-256: `{}` {lineup}", sha(lineup))),
        "{audit}"
    );
    assert!(
        audit.contains(&format!("- plan file SHA-256: `{}` {plan}", sha(plan))),
        "{audit}"
    );
    assert!(audit.contains("- mapping SHA-256: `"), "{audit}");
    assert!(
        audit.contains("the recordkeeper preset, built into menulint 0."),
        "{audit}"
    );
    assert!(
        !audit.contains("menu SHA-256"),
        "a lineup's menu is made, not read: {audit}"
    );
    assert!(audit.contains("crypto (built into menulint 0."), "{audit}");
    assert!(!audit.contains("rules/crypto.toml"), "{audit}");

    let menu = "sample-menus/monitoring/menu.toml";
    let history = "sample-menus/monitoring/history.csv";
    let text = run(&[menu, "--history", history]);
    let audit = &text[text.find("Audit").expect("an audit")..];
    assert!(
        audit.contains(&format!("- menu SHA-256: `{}` {menu}", sha(menu))),
        "{audit}"
    );
    assert!(
        audit.contains(&format!("- history SHA-256: `{}` {history}", sha(history))),
        "{audit}"
    );
    // an export in another encoding is hashed as its bytes, not as the text read
    let dir = tempfile::tempdir().unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(
        std::fs::read_to_string(history)
            .unwrap()
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let wide = write_in(dir.path(), "history.csv", &utf16);
    let text = run(&[menu, "--history", &wide]);
    let audit = &text[text.find("Audit").expect("an audit")..];
    assert!(
        audit.contains(&format!("- history SHA-256: `{}` {wide}", sha(&wide))),
        "{audit}"
    );
}

/// The committee's pages (everything before the appendices) speak of funds by name
/// and of rules in words: no rule id, no option id, no field name or vocabulary
/// value as the menu writes it (`asset_class`, `digital_asset`). The appendices keep
/// them, for whoever traces a finding to its line.
#[test]
fn the_committees_pages_name_no_identifier() {
    let rule_id = regex::Regex::new(r"\b[A-Z]{3}\d{3}\b").unwrap();
    let snake = regex::Regex::new(r"\b[a-z0-9]+_[a-z0-9_]+\b").unwrap();
    let tag = regex::Regex::new(r"<[^>]+>").unwrap();
    let cases: &[(&str, &[&str])] = &[
        (WAIVED, &[]),
        ("sample-menus/problems.toml", &[]),
        ("sample-menus/fees.toml", &[]),
        ("sample-menus/selection/gaps.toml", &[]),
        (
            "sample-menus/monitoring/menu.toml",
            &["--history", "sample-menus/monitoring/history.csv"],
        ),
        ("tests/menus/trust/missing-assets.toml", &[]),
    ];
    for (menu, extra) in cases {
        let text = std::fs::read_to_string(menu).unwrap();
        // an id that is also a word of a fund's name ("stable" of "Stable Value
        // Fund") cannot be told from the name
        let names: String = text
            .lines()
            .filter_map(|l| l.strip_prefix("name = \""))
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let ids: Vec<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("id = \""))
            .map(|l| l.trim_end_matches('"').to_owned())
            .filter(|id| !names.split_whitespace().any(|w| w == id.as_str()))
            .collect();
        for format in ["html", "markdown"] {
            let mut args = extra.to_vec();
            args.push(menu);
            let doc =
                String::from_utf8(document(menulint::render::report, format, &args).1).unwrap();
            let end = doc
                .find(r#"<section id="where">"#)
                .or_else(|| doc.find("## Appendix A"))
                .or_else(|| doc.find(r#"<section id="audit">"#))
                .or_else(|| doc.find("## Appendix B"))
                .unwrap_or_else(|| panic!("{menu} {format}: no appendix"));
            let pages = tag.replace_all(&doc[..end], " ");
            let pages = pages
                .replace("&#x2f;", "/")
                .replace("&amp;", "&")
                .replace("\\_", "_");
            // the menu file's own name, in the header, is a name, not an identifier
            let pages = pages.replace(menu, "the menu");
            if let Some(found) = rule_id.find(&pages).or_else(|| snake.find(&pages)) {
                let at = found.start();
                panic!(
                    "{menu} {format}: {:?} on a committee page: …{}…",
                    found.as_str(),
                    &pages[at.saturating_sub(60)..(at + 40).min(pages.len())]
                );
            }
            for id in &ids {
                let word =
                    regex::Regex::new(&format!(r"(^|[\s(]){}([\s),.;]|$)", regex::escape(id)))
                        .unwrap();
                assert!(
                    !word.is_match(&pages),
                    "{menu} {format}: the option id {id:?} on a committee page"
                );
            }
        }
    }
}

/// Printed from Chromium on A4 and on Letter, page one decides: the verdict, the
/// capped figures and every decision of the sample menu (the administrator's list
/// starts page two), and no page ends with a heading or a section's note cut off
/// from what it introduces.
#[test]
fn printed_page_one_decides_on_a4_and_letter() {
    let Some(chromium) = chromium() else {
        return tool_missing("printing the report needs Chromium (Debian package `chromium`)");
    };
    if !have_poppler() {
        return tool_missing("reading the printed report needs pdftotext (`poppler-utils`)");
    }
    let html = report("sample-menus/problems.toml", "html");
    let headings = [
        "Decisions for the committee",
        "For the plan's administrator",
        "Summary",
        "Options",
        "Findings",
        "Legal requirements",
        "Conditions for fiduciary relief",
        "Investment policy",
        "Data quality",
        "Exposure",
        "Waivers",
        "Committee sign-off",
    ];
    for (paper, pages) in [("A4", 8), ("letter", 9)] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.html");
        let sized = html.replace("@page { size: auto;", &format!("@page {{ size: {paper};"));
        assert_ne!(sized, html);
        std::fs::write(&file, sized).unwrap();
        let pdf = dir.path().join("report.pdf");
        let out = headless_chromium(chromium, &dir.path().join("profile"))
            .arg("--no-pdf-header-footer")
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", file.display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let page = |n: usize| {
            let n = n.to_string();
            poppler("pdftotext", &["-layout", "-f", &n, "-l", &n], &pdf)
        };
        let info = poppler("pdfinfo", &[], &pdf);
        assert!(
            info.contains(&format!("Pages:           {pages}\n")),
            "{paper}: {info}"
        );
        let one = page(1);
        for said in [
            "FAIL",
            "Plan-level crypto exposure, % of plan assets",
            "18%, above the cap",
            "Decisions for the committee (6)",
            "The plan",
            "Globex Target Date 2050 CIT · $20,000,000 · 50% of plan assets",
            "Fidelity Wise Origin Bitcoin Fund · $3,000,000 · 7.5% of plan assets",
            "ProShares UltraPro QQQ · $2,000,000 · 5% of plan assets",
            "replace the product with its unlevered",
            "6 data corrections for the plan's administrator follow the decisions.",
        ] {
            assert!(
                one.contains(said),
                "{paper}: page one lacks {said:?}:\n{one}"
            );
        }
        assert!(!one.contains("What is wrong or missing"), "{paper}: {one}");
        for n in 1..=pages {
            let text = page(n);
            let last = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            assert!(
                !headings.contains(&last.trim()),
                "{paper}: page {n} ends with the heading {last:?}"
            );
        }
    }
}
