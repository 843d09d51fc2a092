//! No text from a menu, a path, a waiver or a pack can act on any output: terminal
//! controls, CI workflow commands, Markdown or HTML markup, characters XML cannot
//! carry, URIs that are not URIs.

use crate::common;
use common::*;

/// A menu whose option name and waiver reason try every trick at once.
fn hostile_menu() -> String {
    let name = r#"Evil\u001b[2J\u001b]8;;https://x.example\u0007Fund\r\n1 menu, 0 errors\n::error title=pwn::owned <script>alert(1)</script><img src=x onerror=alert(1)> | # Heading \u0000 \uFFFE \uFFFF \u009b31m \u202e"#;
    include_str!("../sample-menus/problems.toml")
        .replace(
            "name = \"ProShares UltraPro QQQ\"",
            &format!("name = \"{name}\""),
        )
        .replace(
            "# a leveraged",
            "[[waivers]]\nrule = \"SCO003\"\noption = \"nasdaq-3x\"\nreason = \"ok\\n::warning file=x::forged\\n## Forged heading\"\napproved_by = \"<b>me</b>\"\nexpires = 2027-01-01\n\n# a leveraged",
        )
}

fn run(args: &[&str]) -> (i32, Vec<u8>) {
    let out = menulint().args(args).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    (
        out.status.code().unwrap(),
        [out.stdout, out.stderr].concat(),
    )
}

fn no_terminal_controls(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    for c in text.chars() {
        assert!(
            c == '\n' || c == '\t' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{what}: control character U+{:04X} in output:\n{text}",
            c as u32
        );
    }
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "{what}: workflow command: {line}"
        );
        assert!(
            !line.starts_with("1 menu, 0 errors"),
            "{what}: forged summary"
        );
    }
}

#[test]
fn terminal_outputs_show_controls_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(dir.path(), "m.toml", hostile_menu());
    assert!(menu.ends_with("m.toml"));
    for color in ["never", "always"] {
        let (code, out) = run(&[
            "check",
            "--as-of",
            AS_OF,
            "--color",
            color,
            "--explain-exposure",
            &menu,
        ]);
        assert_eq!(code, 1);
        if color == "never" {
            no_terminal_controls(&out, "check");
        }
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains(r"Evil\u{1b}[2J"), "{text}");
    }
    // the diff, both ways
    let plain = write_in(
        dir.path(),
        "p.toml",
        include_str!("../sample-menus/problems.toml"),
    );
    let (_, out) = run(&["diff", "--as-of", AS_OF, "--color", "never", &plain, &menu]);
    no_terminal_controls(&out, "diff");
    // a syntax error echoes the offending line: a raw ESC in a comment is not TOML
    let broken = write_in(
        dir.path(),
        "b.toml",
        b"schema_version = 1 # \x1b[2J\x1b]0;title\x07\n",
    );
    let (code, out) = run(&["check", "--color", "never", &broken]);
    assert_eq!(code, 2);
    no_terminal_controls(&out, "syntax error");
    // and a file name that is itself hostile
    let named = write_in(dir.path(), "::error x\u{1b}[2J.toml", b"nonsense = [");
    let (code, out) = run(&["check", "--color", "never", &named]);
    assert_eq!(code, 2);
    no_terminal_controls(&out, "file name");
}

#[test]
fn github_annotations_escape_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(dir.path(), "m.toml", hostile_menu());
    let (_, out) = run(&["check", "--as-of", AS_OF, "--format", "github", &menu]);
    let text = String::from_utf8(out).unwrap();
    for line in text.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
        // a `::` inside the message is data: only a line start is a command
        assert!(!line.contains('\r'), "{line}");
    }
    assert_eq!(text.lines().count(), 16, "one line per finding");
    no_terminal_controls(text.replace("::", "").as_bytes(), "github");
}

#[test]
fn markdown_outputs_cannot_open_markup() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(dir.path(), "we`ird\n# Forged.toml", hostile_menu());
    let plain = write_in(
        dir.path(),
        "p.toml",
        include_str!("../sample-menus/problems.toml"),
    );
    let outputs = [
        run(&["check", "--as-of", AS_OF, "--format", "markdown", &menu]).1,
        run(&[
            "diff", "--as-of", AS_OF, "--format", "markdown", &plain, &menu,
        ])
        .1,
        run(&["report", "--as-of", AS_OF, "--format", "markdown", &menu]).1,
    ];
    for out in outputs {
        let text = String::from_utf8(out).unwrap();
        for bad in [
            "<script",
            "<img",
            "<b>",
            "\n# Forged",
            "\n## Forged",
            "\n# Heading",
        ] {
            assert!(!text.contains(bad), "{bad:?} in:\n{text}");
        }
        no_terminal_controls(text.as_bytes(), "markdown");
    }
    // and HTML escapes everything
    let (_, out) = run(&["report", "--as-of", AS_OF, &menu]);
    let html = String::from_utf8(out).unwrap();
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>me"));
}

#[test]
fn junit_is_well_formed_xml_whatever_the_menu_says() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(dir.path(), "m.toml", hostile_menu());
    let (_, out) = run(&["check", "--as-of", AS_OF, "--format", "junit", &menu]);
    let xml = String::from_utf8(out).unwrap();
    for c in xml.chars() {
        let ok = matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{d7ff}').contains(&c)
            || ('\u{e000}'..='\u{fffd}').contains(&c)
            || c >= '\u{10000}';
        assert!(ok, "U+{:04X} cannot appear in XML 1.0", c as u32);
    }
    if !have("xmllint") {
        tool_missing("well-formedness of JUnit needs xmllint");
    } else {
        let file = dir.path().join("junit.xml");
        std::fs::write(&file, &xml).unwrap();
        let st = std::process::Command::new("xmllint")
            .args(["--noout"])
            .arg(&file)
            .status()
            .unwrap();
        assert!(st.success(), "xmllint rejects the JUnit file");
    }
}

#[test]
fn sarif_locations_are_uris() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("my plans %");
    let menu = write(
        &sub.join("menu #1.toml"),
        include_str!("../sample-menus/problems.toml"),
    );
    let (_, out) = run(&["check", "--as-of", AS_OF, "--format", "sarif", &menu]);
    let sarif: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(uri.starts_with("file:///"), "{uri}");
    assert!(uri.ends_with("/my%20plans%20%25/menu%20%231.toml"), "{uri}");
    assert!(!uri.contains(' '));
}

/// What the user typed comes back in an error with its control characters visible:
/// no terminal escape, no forged line, no CI workflow command.
#[test]
fn arguments_echoed_in_errors_are_escaped() {
    let hostile = "\u{1b}[31mX\n::error::forged\r";
    for args in [
        vec!["explain", hostile],
        vec!["check", "--config", hostile, "sample-menus/bitcoin.toml"],
    ] {
        let out = menulint().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8([out.stdout, out.stderr].concat()).unwrap();
        assert!(
            !err.contains('\u{1b}') && !err.contains('\r'),
            "{args:?}: {err:?}"
        );
        assert!(
            err.lines().all(|l| !l.trim_start().starts_with("::")),
            "{args:?}: {err:?}"
        );
        assert!(
            err.contains("\\u{1b}[31mX\\n::error::forged"),
            "{args:?}: {err:?}"
        );
    }
}

/// clap's own argument errors quote the argument: it reaches the terminal or CI log
/// with its control characters visible and no line starting a workflow command.
#[test]
fn argument_errors_quote_arguments_safely() {
    for args in [
        vec![
            "check",
            "--format",
            "json\u{1b}[2J\n::error::forged",
            "sample-menus/bitcoin.toml",
        ],
        vec!["check", "--no-such\u{7}\n::warning::x"],
        vec!["rules", "--format", "\r::add-mask::x"],
    ] {
        let out = menulint().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?}: {err:?}"
        );
        assert!(
            !err.lines().any(|l| l.trim_start().starts_with("::")),
            "{args:?}: {err}"
        );
        assert!(err.contains("error:"), "{err}");
    }
}
