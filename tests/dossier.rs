//! `menulint dossier`: the committee's selection evidence, option by option.

use crate::common;
use common::*;

/// The dossier of `menu`, built in process.
fn dossier(menu: &str, format: &str) -> String {
    let (_, bytes) = document(menulint::render::dossier, format, &[menu]);
    String::from_utf8(bytes).unwrap()
}

const GAPS: &str = "sample-menus/selection/gaps.toml";

#[test]
fn markdown_dossier_snapshot() {
    insta::assert_snapshot!("gaps_dossier_md", dossier(GAPS, "markdown"));
}

#[test]
fn html_dossier_has_a_summary_a_sign_off_and_one_section_per_reviewed_option() {
    let html = dossier(GAPS, "html");
    assert!(html.contains(r#"<header id="cover">"#));
    // the summary decides: how many options were reviewed, how many have gaps
    assert!(html.contains(
        "<strong>Record with gaps</strong> — 2 options reviewed: 0 with a complete record, 2 with gaps (5 findings)."
    ));
    // the options no rule asks a record of are named once, not given six empty
    // determinations each
    let unrecorded = &html[html.find(r#"<p id="unrecorded">"#).unwrap()..];
    let unrecorded = &unrecorded[..unrecorded.find("</p>").unwrap()];
    assert!(unrecorded.contains("Fidelity 500 Index Fund, Vanguard Total International"));
    assert_eq!(html.matches("Fidelity 500 Index Fund").count(), 1);
    assert_eq!(html.matches(r#"<section class="option""#).count(), 2);
    assert_eq!(html.matches(r##"<tr><td><a href="#option-"##).count(), 2);
    assert_eq!(html.matches("<h3>Performance benchmark</h3>").count(), 2);
    // gaps are said in words, without the rule's id
    assert!(
        html.contains("<li>Example Target 2050 Trust with Private Markets is a target date option")
    );
    assert!(!html.contains("SEL007"));
    // the alternatives compared, as a table: the option first, then each one
    let table = &html[html.find(r#"<table class="alternatives">"#).unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(table.contains(
        r#"<tr class="own"><td>iShares Bitcoin Trust ETF (this option)</td><td class="num">80.1%</td><td class="num">1.42</td><td class="num">0.25%</td></tr>"#
    ), "{table}");
    assert!(table.contains("<td>Fidelity Wise Origin Bitcoin Fund (FBTC)</td><td class=\"num\">79.9%</td><td class=\"num\">—</td>"), "{table}");
    // a sign-off block, one option per printed page, no script
    assert!(html.contains(r#"<table class="signoff">"#) && html.contains("<th>Chair</th>"));
    assert!(html.contains("section.option, #audit-section { break-before: page;"));
    assert!(!html.contains("<script"));
    // byte-identical runs
    assert_eq!(html, dossier(GAPS, "html"));
}

#[test]
fn hostile_selection_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let menu = std::fs::read_to_string(GAPS).unwrap().replace(
        "Tracks spot bitcoin within 0.3 % a year",
        "<script>alert(1)</script> ## Forged",
    );
    let m = write_in(dir.path(), "m.toml", menu);
    let html = dossier(&m, "html");
    assert!(!html.contains("<script>alert"));
    let md = dossier(&m, "markdown");
    assert!(!md.contains("<script>") && !md.contains("\n## Forged"));
}

/// Printed, the dossier is a cover page, one page per reviewed option, and the audit.
#[test]
fn chromium_prints_one_page_per_option() {
    let Some(chromium) = chromium() else {
        tool_missing("printing the dossier needs Chromium (Debian package `chromium`)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("dossier.html");
    // the complete proposal: each option's record fits its page
    std::fs::write(
        &html,
        dossier("sample-menus/selection/complete.toml", "html"),
    )
    .unwrap();
    let pdf = dir.path().join("dossier.pdf");
    let profile = tempfile::tempdir().unwrap();
    let out = headless_chromium(chromium, profile.path())
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg("--no-pdf-header-footer")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    // page objects: `/Type /Page` not followed by `s` (the page tree)
    let pages = text
        .match_indices("/Type /Page")
        .filter(|(i, _)| !text[i + 11..].starts_with('s'))
        .count()
        + text
            .match_indices("/Type/Page")
            .filter(|(i, _)| !text[i + 10..].starts_with('s'))
            .count();
    assert_eq!(
        pages,
        1 + 2 + 1,
        "a cover, one page per reviewed option, the audit"
    );
    if let Some(dir) = std::env::var_os("MENULINT_SCREENSHOT_DIR") {
        std::fs::copy(&pdf, std::path::Path::new(&dir).join("dossier.pdf")).unwrap();
    }
}

/// The dossier speaks as the committee's record does: no rule id, no field name or
/// vocabulary value as the menu writes it, before the audit appendix.
#[test]
fn the_dossier_names_no_identifier() {
    let snake = regex::Regex::new(r"\b[a-z0-9]+_[a-z0-9_]+\b|\b[A-Z]{3}\d{3}\b").unwrap();
    let tag = regex::Regex::new(r"<[^>]+>").unwrap();
    for menu in [GAPS, "sample-menus/selection/complete.toml"] {
        for (format, end) in [
            ("html", r#"<section id="audit-section">"#),
            ("markdown", "## Appendix. Audit"),
        ] {
            let doc = dossier(menu, format);
            let pages = tag
                .replace_all(&doc[..doc.find(end).unwrap()], " ")
                .replace("\\_", "_");
            if let Some(found) = snake.find(&pages) {
                panic!(
                    "{menu} {format}: {:?} in …{}…",
                    found.as_str(),
                    &pages[found.start().saturating_sub(60)..(found.end() + 30).min(pages.len())]
                );
            }
        }
    }
}
