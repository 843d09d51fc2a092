//! The README's rule table is generated from the packs; keep it that way.

use crate::common;

use menulint::render::rules_markdown;
use menulint::rules::RuleSet;

#[test]
fn readme_lists_every_built_in_rule_as_generated() {
    let readme = include_str!("../README.md");
    let start = readme.find("<!-- rules:start -->\n").expect("start marker")
        + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("end marker");
    let generated = rules_markdown(&RuleSet::builtin().expect("packs load"));
    assert_eq!(
        &readme[start..end],
        generated,
        "README rule table is stale: regenerate it with `cargo run -- rules --format markdown`"
    );
}

#[test]
fn readme_commands_are_the_ones_ci_runs() {
    let readme = include_str!("../README.md");
    let ci = include_str!("../.ci/run");
    assert!(readme.contains("cargo run --release -- check sample-menus/problems.toml"));
    assert!(readme.contains("\ncargo test\n"));
    // each step of .ci/run is timed: `step COMMAND`
    assert!(
        ci.lines()
            .any(|l| l.trim().trim_start_matches("step ") == "cargo test"),
        ".ci/run must run the README's test command"
    );
}

/// The README's human example is a block of the real output, byte for byte.
#[test]
fn readme_human_example_is_real_output() {
    let readme = include_str!("../README.md");
    let start = readme.find("```text\nCRY002(").expect("human example") + "```text\n".len();
    let end = start + readme[start..].find("\n```").unwrap();
    let out = common::menulint()
        .args(["check", "sample-menus/problems.toml", "--color", "never"])
        .args(["--as-of", common::AS_OF])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("{}\n\n", &readme[start..end])),
        "README's human example differs from the output:\n{text}"
    );
}

/// The README's JSON example is the real document with one finding kept.
#[test]
fn readme_json_example_is_real_output() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```json\n{\n  \"version\"")
        .expect("JSON example")
        + "```json\n".len();
    let end = start + readme[start..].find("\n```").unwrap();
    let shown: serde_json::Value = serde_json::from_str(&readme[start..end]).unwrap();
    let (_, mut real) = common::check_json(&["sample-menus/problems.toml"]);
    let rule = shown["files"][0]["findings"][0]["rule"].clone();
    let kept: Vec<_> = real["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .cloned()
        .collect();
    real["files"][0]["findings"] = serde_json::Value::Array(kept);
    real["version"] = shown["version"].clone();
    assert_eq!(shown, real);
}

/// Every file the binary embeds (`include_str!`) is in the published package.
#[test]
fn the_package_holds_every_embedded_file() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8(out.stdout).unwrap();
    let listed: Vec<&str> = listed.lines().collect();
    let mut embedded = Vec::new();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for part in text.split("include_str!(\"").skip(1) {
                let rel = &part[..part.find('"').unwrap()];
                let file = p.parent().unwrap().join(rel);
                let file = std::fs::canonicalize(&file).unwrap();
                let root = std::fs::canonicalize(".").unwrap();
                embedded.push(file.strip_prefix(&root).unwrap().display().to_string());
            }
        }
    }
    assert!(embedded.len() >= 10);
    for f in embedded {
        assert!(
            listed.contains(&f.as_str()),
            "{f} is embedded but not packaged"
        );
    }
}

/// The README's watch list is the real output of the command it shows.
#[test]
fn readme_monitor_example_is_real_output() {
    let readme = include_str!("../README.md");
    let cmd = "menulint monitor sample-menus/monitoring/menu.toml --history sample-menus/monitoring/history.csv --as-of 2026-11-25\n";
    let at = readme.find(cmd).expect("monitor command") + cmd.len();
    let start = at + readme[at..].find("```text\n").expect("output block") + "```text\n".len();
    let end = start + readme[start..].find("\n```").unwrap();
    let out = common::menulint()
        .args(cmd.trim().split(' ').skip(1))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim_end(),
        &readme[start..end]
    );
}

/// The README's lineup example is a block of the real output.
#[test]
fn readme_lineup_example_is_real_output() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```text\nCRY006(qualified-custodian)")
        .expect("lineup example")
        + "```text\n".len();
    let end = start + readme[start..].find("\n```").unwrap();
    let out = common::menulint()
        .args([
            "check",
            "--as-of",
            common::AS_OF,
            "sample-menus/lineup/lineup.xlsx",
            "--map",
            "recordkeeper",
            "--plan",
            "sample-menus/lineup/plan.toml",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.starts_with(&readme[start..end]), "{out}");
}

/// README's table of `check`'s options names every flag `check --help` has, and no
/// flag it lacks (a flag named only in another row's text, `--plan` beside `--map`,
/// counts as documented).
#[test]
fn readme_documents_checks_flags_as_clap_has_them() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("Options of `check`:")
        .expect("the options table");
    let table: Vec<&str> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let flag = regex::Regex::new(r"--[a-z][a-z-]*").unwrap();
    let first_column: std::collections::BTreeSet<String> = table
        .iter()
        .filter_map(|row| row.split(" | ").next())
        .flat_map(|cell| flag.find_iter(cell).map(|m| m.as_str().to_owned()))
        .collect();
    let anywhere: std::collections::BTreeSet<String> = table
        .iter()
        .flat_map(|row| flag.find_iter(row).map(|m| m.as_str().to_owned()))
        .collect();
    let out = common::menulint()
        .args(["check", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let option = regex::Regex::new(r"(?m)^\s+(?:-[a-zA-Z], )?(--[a-z][a-z-]*)").unwrap();
    let clap: std::collections::BTreeSet<String> = option
        .captures_iter(&help)
        .map(|c| c[1].to_owned())
        .filter(|f| f != "--help")
        .collect();
    let undocumented: Vec<&String> = clap.difference(&anywhere).collect();
    assert!(undocumented.is_empty(), "README lacks {undocumented:?}");
    let unknown: Vec<&String> = first_column.difference(&clap).collect();
    assert!(
        unknown.is_empty(),
        "README documents flags check lacks: {unknown:?}"
    );
}
