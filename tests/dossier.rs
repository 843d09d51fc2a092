//! `menulint dossier`: the committee's selection evidence, option by option.

use crate::common;
use common::*;

fn dossier(menu: &str, format: &str) -> String {
    let out = menulint()
        .args(["dossier", "--as-of", AS_OF, "--format", format, menu])
        .output()
        .unwrap();
    // a menu whose records have gaps exits 1, as its report does; never 2 here
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const GAPS: &str = "sample-menus/selection/gaps.toml";

#[test]
fn markdown_dossier_snapshot() {
    insta::assert_snapshot!("gaps_dossier_md", dossier(GAPS, "markdown"));
}

#[test]
fn html_dossier_has_a_cover_contents_and_one_section_per_option() {
    let html = dossier(GAPS, "html");
    assert!(html.contains(r#"<header id="cover">"#));
    assert_eq!(html.matches(r#"<section class="option""#).count(), 7);
    assert_eq!(html.matches(r##"<li><a href="#option-"##).count(), 7);
    // six factors per option, gaps marked with the finding that names them
    assert_eq!(html.matches("<h3>Performance benchmark</h3>").count(), 7);
    assert!(html.contains("<strong>SEL007</strong> Example Target 2050 Trust with Private Markets is a target date option"));
    assert!(html.contains("no selection record"));
    // one option per printed page, no script, everything escaped
    assert!(html.contains("section.option { break-before: page;"));
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

/// Printed, the dossier is a cover page and one page per option.
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
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
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
    assert_eq!(pages, 7 + 1, "a cover and one page per option");
    if let Some(dir) = std::env::var_os("MENULINT_SCREENSHOT_DIR") {
        std::fs::copy(&pdf, std::path::Path::new(&dir).join("dossier.pdf")).unwrap();
    }
}
