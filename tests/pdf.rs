//! The PDF documents: typeset from the same Markdown as the `markdown` format, so
//! every word the Markdown says is in the PDF's text, in order; the same inputs give
//! the same bytes; the paper is the one asked for; menu text is only ever text.

use crate::common::*;
use std::path::Path;

/// The text of a PDF as poppler reads it (`pdftotext`), or None where poppler is
/// missing (a failure in CI, where .ci/run installs it).
fn pdf_text(pdf: &Path) -> Option<String> {
    if !have_poppler() {
        tool_missing("reading PDF text needs pdftotext (Debian package `poppler-utils`)");
        return None;
    }
    Some(poppler("pdftotext", &["-raw"], pdf))
}

/// `pdfinfo`'s fields.
fn pdf_info(pdf: &Path) -> String {
    poppler("pdfinfo", &[], pdf)
}

/// The words of a Markdown document as a reader sees them: markup dropped,
/// escapes resolved, a link's address after its text.
fn markdown_words(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut text = String::new();
    let mut links = Vec::new();
    for e in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match e {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                let url = links.pop().unwrap_or_default();
                if !text.ends_with(&url) {
                    text.push_str(&format!(" ({url})"));
                }
            }
            Event::Start(Tag::Item) => text.push_str(" • "),
            _ => text.push(' '),
        }
    }
    text.split_whitespace().map(str::to_owned).collect()
}

/// Every word of `md` is in `pdf`'s text, in the Markdown's order (a word broken
/// over two lines of a narrow cell is found in its pieces). The text is read in the
/// order it is drawn (`pdftotext -raw`): a row's cells one after another, as the
/// Markdown has them.
fn assert_says_the_same(md: &str, pdf_text: &str, what: &str) {
    let hay: String = pdf_text.split_whitespace().collect();
    let mut at = 0;
    for w in markdown_words(md) {
        match hay[at..].find(&w) {
            Some(i) => at += i + w.len(),
            None => panic!(
                "{what}: the PDF lacks {w:?} (or has it out of order) after …{}",
                hay[..at]
                    .chars()
                    .rev()
                    .take(80)
                    .collect::<String>()
                    .chars()
                    .rev()
                    .collect::<String>()
            ),
        }
    }
}

fn run(args: &[&str], output: &Path) -> i32 {
    let out = menulint()
        .args(args)
        .arg("--output")
        .arg(output)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    out.status.code().expect("exit code")
}

/// Each document's PDF says what its Markdown says, word for word, on the paper
/// asked for; it exits as the Markdown does.
#[test]
fn every_document_in_pdf_says_what_its_markdown_says() {
    let dir = tempfile::tempdir().unwrap();
    let monitored = "sample-menus/monitoring/menu.toml";
    let history = "sample-menus/monitoring/history.csv";
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("report", vec!["report", "sample-menus/problems.toml"]),
        (
            "report-watch",
            vec!["report", monitored, "--history", history],
        ),
        (
            "dossier",
            vec!["dossier", "sample-menus/selection/gaps.toml"],
        ),
        ("disclose", vec!["disclose", "sample-menus/bitcoin.toml"]),
        (
            "disclose-gaps",
            vec!["disclose", "sample-menus/problems.toml"],
        ),
        ("monitor", vec!["monitor", monitored, "--history", history]),
    ];
    for (name, args) in cases {
        let mut args = args;
        args.extend(["--as-of", AS_OF]);
        let md = dir.path().join(format!("{name}.md"));
        let pdf = dir.path().join(format!("{name}.pdf"));
        let a4 = dir.path().join(format!("{name}-a4.pdf"));
        let code = run(&[&args[..], &["--format", "markdown"]].concat(), &md);
        assert_eq!(
            run(&args, &pdf),
            code,
            "{name}: PDF and Markdown exit alike"
        );
        assert_eq!(run(&[&args[..], &["--paper", "a4"]].concat(), &a4), code);
        let Some(text) = pdf_text(&pdf) else { return };
        let md = std::fs::read_to_string(&md).unwrap();
        assert_says_the_same(&md, &text, name);
        assert_says_the_same(&md, &pdf_text(&a4).unwrap(), name);
        assert!(pdf_info(&pdf).contains("(letter)"), "{name}");
        assert!(pdf_info(&a4).contains("(A4)"), "{name}");
        let fonts = poppler("pdffonts", &[], &pdf);
        // every face embedded (emb), subset (sub), with a Unicode map (uni)
        for line in fonts.lines().skip(2) {
            assert!(line.contains("yes yes yes"), "{name}: {line}");
        }
    }
}

/// The same inputs give the same bytes, and nothing in the file names the time
/// or the machine.
#[test]
fn a_pdf_is_the_same_bytes_for_the_same_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
    let args = ["report", "sample-menus/problems.toml", "--as-of", AS_OF];
    run(&args, &a);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run(&args, &b);
    let (a, b) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(a, b);
    let text = String::from_utf8_lossy(&a);
    assert!(!text.contains("/CreationDate") && !text.contains("/ID"));
}

/// The printed sample report: how many pages, and what page one holds.
#[test]
fn the_sample_reports_pages() {
    let dir = tempfile::tempdir().unwrap();
    for (paper, pages) in [("letter", 7), ("a4", 7)] {
        let pdf = dir.path().join(format!("{paper}.pdf"));
        let args = [
            "report",
            "sample-menus/problems.toml",
            "--as-of",
            AS_OF,
            "--paper",
            paper,
        ];
        run(&args, &pdf);
        if !have_poppler() {
            return tool_missing("reading PDF pages needs pdfinfo (`poppler-utils`)");
        }
        let info = pdf_info(&pdf);
        assert!(
            info.contains(&format!("Pages:           {pages}\n")),
            "{paper}: {info}"
        );
        assert!(info
            .contains("Title:           Investment menu compliance report — Globex 401(k) Plan"));
        let first = poppler("pdftotext", &["-f", "1", "-l", "1"], &pdf);
        for said in [
            "Verdict: FAIL",
            "Decisions for the committee",
            &format!("Page 1 of {pages}"),
        ] {
            assert!(
                first.contains(said),
                "{paper}: page one lacks {said:?}:\n{first}"
            );
        }
    }
}

/// Menu text that looks like PDF syntax (string delimiters, operators, a stream's
/// end) or Markdown is set as the characters it is: the PDF holds glyph numbers,
/// never a menu's bytes.
#[test]
fn menu_text_in_a_pdf_is_only_text() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = r"Evil) Tj ET endstream endobj (x\) <</JS (app.alert(1))>> **b** `c` <i>";
    let menu = PROBLEMS.replacen(
        "name = \"Globex 401(k) Plan\"",
        &format!("name = '{hostile}'"),
        1,
    );
    assert_ne!(menu, PROBLEMS);
    let path = write_in(dir.path(), "menu.toml", menu);
    let pdf = dir.path().join("r.pdf");
    run(&["report", &path, "--as-of", AS_OF], &pdf);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("app.alert"));
    let Some(text) = pdf_text(&pdf) else { return };
    let flat: String = text.split_whitespace().collect();
    let want: String = hostile.split_whitespace().collect();
    assert!(flat.contains(&want), "{text}");
}
