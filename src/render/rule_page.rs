//! A built-in rule's documentation page (`docs/rules/ID.md`), the page SARIF's
//! `helpUri` names: what `explain` says, as Markdown, with the examples run.

use super::escape::{markdown, markdown_code};
use crate::engine::examples::ExampleRun;
use crate::rules::{Rule, Scope};
use std::fmt::Write;

/// Where a built-in rule's page is, from the repository's root.
pub fn rule_page_path(id: &str) -> String {
    format!("docs/rules/{id}.md")
}

/// A built-in rule's page on the web, as of this version's tag: the page describes
/// the rule as this version runs it (main's may have moved on). SARIF's `helpUri`
/// and the language server's diagnostics link it.
pub fn rule_page_url(id: &str) -> String {
    format!(
        "{}/blob/v{}/{}",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION"),
        rule_page_path(id)
    )
}

/// A pack's prose as Markdown: its `code spans` kept as code, the rest escaped
/// (an unpaired backtick escapes the whole text).
fn prose(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) || parts.iter().skip(1).step_by(2).any(|c| c.contains('\n')) {
        return markdown(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                markdown_code(p)
            } else {
                markdown(p)
            }
        })
        .collect()
}

/// A fenced block that no backtick run inside `text` can close.
fn fenced(text: &str, lang: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{}\n{fence}\n", text.trim_end())
}

/// The page of one rule; `examples` are its examples as they ran.
pub fn rule_page(rule: &Rule, examples: &[ExampleRun]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} {}\n\n{}\n",
        rule.id,
        markdown(&rule.name),
        prose(&rule.summary)
    );
    let state = if rule.opt_in {
        format!(
            "opt-in: name `\"{}\"` in `packs` in menulint.toml",
            rule.pack
        )
    } else {
        "in force by default".to_owned()
    };
    let scope = match rule.scope {
        Scope::Plan => "once per menu",
        Scope::Option => "once per option",
    };
    let _ = writeln!(out, "| | |\n|---|---|");
    for (key, value) in [
        ("Pack", format!("{} ({state})", markdown_code(&rule.pack))),
        ("Severity", rule.severity.to_string()),
        ("Checked", scope.to_owned()),
        (
            "Basis",
            format!("{}: {}", rule.basis.heading(), rule.basis.meaning()),
        ),
    ] {
        let _ = writeln!(out, "| {key} | {value} |");
    }
    let _ = writeln!(
        out,
        "\n## What it checks, and why\n\n{}\n",
        prose(rule.description.trim())
    );
    let _ = writeln!(out, "## What to do\n\n{}\n", prose(rule.help.trim()));
    let _ = writeln!(out, "## Authorities\n");
    for a in &rule.authorities {
        let mut line = format!(
            "- {}: {}, {}",
            markdown(&a.cite),
            a.kind.as_str(),
            a.status.as_str()
        );
        for (word, d) in [
            ("issued", &a.issued),
            ("effective", &a.effective),
            ("rescinded", &a.rescinded),
        ] {
            if let Some(d) = d {
                let _ = write!(line, "; {word} {d}");
            }
        }
        if let Some(n) = &a.note {
            let _ = write!(line, ". {}", prose(n));
        }
        if let Some(u) = &a.url {
            let _ = write!(line, " <{}>", u.replace(['<', '>', ' '], ""));
        }
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    if !rule.defaults.is_empty() {
        let _ = writeln!(
            out,
            "## Parameters\n\nTune them in menulint.toml under `[rules.{}]`.\n\n| Parameter | Default |\n|---|---|",
            rule.id
        );
        for (k, v) in &rule.defaults {
            let _ = writeln!(
                out,
                "| {} | {} |",
                markdown_code(k),
                markdown_code(&v.to_string())
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Examples\n");
    for ex in examples {
        let claim = if ex.claims_to_fail { "Fails" } else { "Passes" };
        let _ = writeln!(out, "### {claim}: {}\n", prose(&ex.title));
        out.push_str(&fenced(&ex.menu, "toml"));
        match (&ex.error, &ex.hit) {
            (Some(e), _) => {
                let _ = writeln!(out, "\nNeither passes nor fails: {}\n", markdown(e));
            }
            (None, Some((message, line))) => {
                let _ = writeln!(out, "\nAt line {line}: {}\n", prose(message));
            }
            (None, None) => out.push('\n'),
        }
    }
    let _ = writeln!(
        out,
        "## Logic\n\nThe rule in CEL, as its pack states it (`menulint explain {}` prints it too).\n",
        rule.id
    );
    let mut logic = String::new();
    if let Some(w) = &rule.logic.when {
        let _ = writeln!(logic, "when:  {}", w.get_ref());
    }
    for (name, e) in &rule.logic.lets {
        let _ = writeln!(logic, "let {name} = {}", e.get_ref());
    }
    let _ = writeln!(logic, "check: {}", rule.logic.check.get_ref());
    out.push_str(&fenced(&logic, "text"));
    out
}

/// The index of the pages: one line per rule, by pack.
pub fn rule_index(rules: &[&Rule]) -> String {
    let mut out = String::from(
        "# Rules\n\nEvery rule of the packs menulint ships, one page each (the page a SARIF \
         result's `helpUri` names). `menulint rules --all` lists them with their state under \
         your config; `menulint explain ID` prints a page with its examples run against it.\n",
    );
    let mut pack = "";
    for r in rules {
        if r.pack != pack {
            pack = &r.pack;
            let _ = writeln!(out, "\n## {}\n", markdown(pack));
        }
        let _ = writeln!(
            out,
            "- [{}]({}.md) {}: {}",
            r.id,
            r.id,
            markdown(&r.name),
            prose(&r.summary)
        );
    }
    out
}
