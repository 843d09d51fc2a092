//! `menulint explain RULE`: a rule's documentation, with its examples run live.

use crate::engine::examples::ExampleRun;
use crate::rules::view::Ty;
use crate::rules::{Rule, Scope};
use std::collections::BTreeMap;
use std::fmt::Write;

fn indent(text: &str, by: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rule's documentation, with what each example really does (run against the
/// rules in force) printed next to what it claims.
pub fn explain(rule: &Rule, examples: &[ExampleRun], reads: &BTreeMap<String, Ty>) -> String {
    let mut out = String::new();
    let scope = match rule.scope {
        Scope::Plan => "once per menu",
        Scope::Option => "once per option",
    };
    let state = match (rule.enabled, rule.opt_in) {
        (true, _) => String::new(),
        (false, true) => format!(
            " — not in force: the `{}` pack is opt-in; name \"{}\" in `packs` in menulint.toml, with the packs you keep",
            rule.pack, rule.pack
        ),
        (false, false) => " — switched off".to_owned(),
    };
    let _ = writeln!(
        out,
        "{} {} ({} pack, {}, {scope}){state}\n",
        rule.id, rule.name, rule.pack, rule.severity
    );
    let _ = writeln!(out, "{}\n", rule.summary);
    let _ = writeln!(
        out,
        "What it checks, and why:\n{}\n",
        indent(&rule.description, "  ")
    );
    let _ = writeln!(
        out,
        "Basis: {}. {}{}\n",
        rule.basis.heading(),
        rule.basis.meaning(),
        if rule.basis == crate::diag::Basis::Policy {
            " Tune it or switch it off in menulint.toml."
        } else {
            ""
        }
    );
    let _ = writeln!(out, "Authorities:");
    for a in &rule.authorities {
        let mut dates = Vec::new();
        for (word, d) in [
            ("issued", &a.issued),
            ("effective", &a.effective),
            ("rescinded", &a.rescinded),
        ] {
            if let Some(d) = d {
                dates.push(format!("{word} {d}"));
            }
        }
        let dates = if dates.is_empty() {
            String::new()
        } else {
            format!("; {}", dates.join(", "))
        };
        let _ = writeln!(
            out,
            "  {} — {}, {}{dates}",
            a.cite,
            a.kind.as_str(),
            a.status.as_str()
        );
        if let Some(n) = &a.note {
            let _ = writeln!(out, "    {n}");
        }
        if let Some(u) = &a.url {
            let _ = writeln!(out, "    {u}");
        }
    }
    out.push('\n');
    let _ = writeln!(out, "What to do:\n  {}\n", rule.help);
    if !rule.params.is_empty() {
        let _ = writeln!(
            out,
            "Parameters (tune in menulint.toml under [rules.{}]):",
            rule.id
        );
        for (k, v) in &rule.params {
            let default = rule.defaults.get(k);
            let note = if default == Some(v) {
                String::new()
            } else {
                format!(
                    "   (pack default: {})",
                    default.map_or("none".to_owned(), |d| d.to_string())
                )
            };
            let _ = writeln!(out, "  {k} = {v}{note}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Logic (CEL):");
    if let Some(w) = &rule.logic.when {
        let _ = writeln!(out, "  when:  {}", w.get_ref());
    }
    for (name, e) in &rule.logic.lets {
        let _ = writeln!(out, "  let {name} = {}", e.get_ref());
    }
    let _ = writeln!(out, "  check: {}\n", rule.logic.check.get_ref());
    if !reads.is_empty() {
        // what data the verdict depends on: a committee asks which figures a rule
        // needs before trusting its pass
        let _ = writeln!(out, "Reads (`[]` is each element of a list):");
        for (path, ty) in reads {
            let _ = writeln!(out, "  {path}: {}", ty.describe());
        }
        out.push('\n');
    }
    for (i, ex) in examples.iter().enumerate() {
        let verdict = if ex.fails() { "fails" } else { "passes" };
        let claim = if ex.claims_to_fail { "fails" } else { "passes" };
        let _ = writeln!(out, "Example {}: {}", i + 1, ex.title);
        let _ = writeln!(out, "{}", indent(&ex.menu, "  │ "));
        if !ex.ran {
            let _ = writeln!(
                out,
                "  (not run: the rule is switched off; it {claim} when in force)\n"
            );
            continue;
        }
        if let Some(error) = &ex.error {
            let _ = writeln!(
                out,
                "  ! neither passes nor fails: {error}\n    (the example says it {claim})\n"
            );
            continue;
        }
        match &ex.hit {
            Some((message, line)) => {
                let _ = writeln!(out, "  → {verdict}: {message} (example line {line})");
            }
            None => {
                let _ = writeln!(out, "  → {verdict}");
            }
        }
        if verdict != claim {
            let _ = writeln!(
                out,
                "  ! the example says it {claim}; with the settings in force it {verdict}"
            );
        }
        out.push('\n');
    }
    out
}
