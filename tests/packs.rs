//! Rule packs as they load: every name a rule reads is checked on its syntax tree,
//! every rule declares its basis and current authorities, and a pack that falls short
//! is refused at its line (exit 2), never run vacuously.

use crate::common;
use common::*;
use serde_json::Value;

/// Checks the bitcoin sample with the pack at `pack`: the exit code, the JSON, and
/// the findings about the pack file.
fn pack_findings(pack: &str) -> (i32, Value, Vec<Value>) {
    let (code, json) = check_json(&["--pack", pack, "sample-menus/bitcoin.toml"]);
    let findings = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == pack)
        .and_then(|f| f["findings"].as_array().cloned())
        .unwrap_or_default();
    (code, json, findings)
}

#[test]
fn a_rule_reading_a_field_the_menu_does_not_have_is_refused_when_the_pack_loads() {
    let dir = tempfile::tempdir().unwrap();
    let pack = include_str!("packs/custom.toml")
        .replace("scope = \"plan\"", "scope = \"option\"")
        .replace(
            "check = \"size(options) <= params.max\"",
            "check = \"option.expense_ratio < 1.0\"",
        );
    let p = write_in(dir.path(), "typo.toml", &pack);
    let (code, json, findings) = pack_findings(&p);
    assert_eq!(code, 2);
    let finding = &findings[0];
    assert_eq!(
        finding["line"],
        line_of(&pack, "option.expense_ratio") as u64
    );
    assert!(finding["message"]
        .as_str()
        .unwrap()
        .contains("`option.expense_ratio` is not a field"));
    assert!(finding["help"].is_string());
    assert!(json
        .to_string()
        .contains("did you mean `expense_ratio_pct`?"));
}

/// A rule that would never run on the menus at hand (its `when` is false) still has
/// every name it reads checked when its pack loads: a field misspelt through a macro
/// variable and a misspelt function are refused at their line and column.
#[test]
fn names_read_through_macro_variables_and_function_names_are_checked_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let rule = |id: &str, check: &str| {
        include_str!("packs/custom.toml")
            .split("[[rules]]")
            .nth(1)
            .unwrap()
            .replace("ACM001", id)
            .replace("max-options", &format!("rule-{}", id.to_lowercase()))
            .replace("scope = \"plan\"", "scope = \"option\"")
            .replace(
                "check = \"size(options) <= params.max\"",
                &format!("when = \"option.asset_class == 'commodities'\"\ncheck = \"{check}\""),
            )
    };
    let header = include_str!("packs/custom.toml")
        .split("[[rules]]")
        .next()
        .unwrap()
        .to_owned();
    let pack = format!(
        "{header}[[rules]]{}[[rules]]{}",
        rule("ACM001", "option.history.all(q, has(q.return_3y_pctt))"),
        rule(
            "ACM002",
            "valid_cusp(option.cusip) || 'option.no_such_field' != ''"
        ),
    );
    let p = write_in(dir.path(), "typos.toml", &pack);
    let (code, json, findings) = pack_findings(&p);
    assert_eq!(code, 2, "{json:#}");
    // the string literal is not read as a field: two findings, not three
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let at = |needle: &str| {
        let line = pack.lines().position(|l| l.contains(needle)).unwrap() + 1;
        let column = pack.lines().nth(line - 1).unwrap().find(needle).unwrap() + 1;
        (line, column)
    };
    for (finding, needle, words) in [
        (
            &findings[0],
            "return_3y_pctt",
            "`q.return_3y_pctt` is not a field of the menu format; did you mean `return_3y_pct`?",
        ),
        (
            &findings[1],
            "valid_cusp",
            "`valid_cusp` is not a function rules can call; did you mean `valid_cusip`?",
        ),
    ] {
        let (line, column) = at(needle);
        assert_eq!(finding["line"], line, "{finding:#}");
        assert_eq!(finding["column"], column, "{finding:#}");
        assert!(
            finding["message"].as_str().unwrap().ends_with(words),
            "{finding:#}"
        );
    }
}

/// docs/authorities.md lists every authority a built-in rule cites, each with
/// exactly the rules that cite it, so a rule's authority is never left unlisted.
#[test]
fn the_authorities_page_lists_every_cited_authority_with_its_rules() {
    let doc = include_str!("../docs/authorities.md");
    let rows: std::collections::BTreeMap<&str, &str> = doc
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Authority"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            Some((*cells.first()?, *cells.get(5)?))
        })
        .collect();
    let rules = menulint::rules::RuleSet::builtin().unwrap();
    let mut citing: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in rules.all_rules() {
        for a in &r.authorities {
            citing.entry(a.cite.clone()).or_default().push(r.id.clone());
        }
    }
    for (cite, mut ids) in citing {
        ids.sort();
        ids.dedup();
        let listed = rows
            .get(cite.as_str())
            .unwrap_or_else(|| panic!("docs/authorities.md has no row for {cite}"));
        assert_eq!(*listed, ids.join(", "), "{cite}");
    }
}

#[test]
fn every_rule_declares_its_basis_and_current_authorities() {
    let out = menulint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in rules.as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        assert!(
            ["law", "safe-harbor", "policy", "data-quality"]
                .contains(&r["basis"].as_str().unwrap()),
            "{id}"
        );
        let auths = r["authorities"].as_array().unwrap();
        assert!(!auths.is_empty(), "{id} has no authority");
        for a in auths {
            assert!(a["cite"].as_str().is_some_and(|c| !c.is_empty()), "{id}");
            let status = a["status"].as_str().unwrap();
            assert!(
                !["rescinded", "withdrawn"].contains(&status),
                "{id} relies on a {status} authority"
            );
            // a rule whose basis is law rests on law in force
            if r["basis"] == "law" {
                assert!(
                    ["statute", "regulation"].contains(&a["kind"].as_str().unwrap()),
                    "{id}"
                );
                assert_eq!(status, "in-force", "{id}");
            }
        }
    }
}

#[test]
fn a_pack_citing_a_rescinded_authority_warns_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let pack = include_str!("packs/custom.toml").replace(
        r#"authority = [{ cite = "Acme investment policy statement §3.2", kind = "investment-policy", status = "in-force" }]"#,
        "authority = [\n  { cite = \"DOL Compliance Assistance Release 2022-01\", kind = \"agency-guidance\", status = \"rescinded\", rescinded = 2025-05-28 },\n]",
    );
    let text = pack;
    let pack = write_in(dir.path(), "old.toml", &text);
    let (code, json) = check_json(&["--pack", &pack, "sample-menus/conventional.toml"]);
    assert_eq!(code, 0, "a warning does not fail the run");
    let report = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == pack.as_str())
        .expect("a report on the pack");
    let f = &report["findings"][0];
    assert_eq!(f["rule"], "menulint::authority");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["line"], line_of(&text, "Release 2022-01") as u64);
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("which is rescinded (since 2025-05-28)"));
    // and the built-in packs cite nothing rescinded
    let (_, json) = check_json(&["sample-menus/conventional.toml"]);
    assert!(!json.to_string().contains("menulint::authority"));
}

#[test]
fn a_pack_rule_without_basis_or_authority_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pack = include_str!("packs/custom.toml").replace("basis = \"policy\"\n", "");
    let pack = write_in(dir.path(), "nobasis.toml", pack);
    let (code, json) = check_json(&["--pack", &pack, "sample-menus/conventional.toml"]);
    assert_eq!(code, 2);
    assert!(json.to_string().contains("missing field `basis`"));
}

/// Every built-in rule has its page under docs/rules (the page SARIF's `helpUri`
/// names), generated from the pack with its examples run; `MENULINT_BLESS=1`
/// writes them.
#[test]
fn every_built_in_rule_has_its_page() {
    use menulint::render::{rule_index, rule_page, rule_page_path};
    let mut rules = menulint::rules::RuleSet::builtin().expect("built-in packs load");
    for r in rules.all_rules_mut() {
        r.enabled = true;
    }
    let all: Vec<&menulint::rules::Rule> = rules.rules().collect();
    let mut pages: Vec<(String, String)> = all
        .iter()
        .map(|rule| {
            let examples = menulint::engine::examples::run_examples(&rules, rule, AS_OF);
            (rule_page_path(&rule.id), rule_page(rule, &examples))
        })
        .collect();
    pages.push(("docs/rules/README.md".to_owned(), rule_index(&all)));
    let bless = std::env::var_os("MENULINT_BLESS").is_some();
    if bless {
        let _ = std::fs::remove_dir_all("docs/rules");
        std::fs::create_dir_all("docs/rules").unwrap();
    }
    for (path, text) in &pages {
        if bless {
            std::fs::write(path, text).unwrap();
            continue;
        }
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            &on_disk == text,
            "{path} is stale: run MENULINT_BLESS=1 cargo test every_built_in_rule_has_its_page"
        );
    }
    let mut listed: Vec<String> = std::fs::read_dir("docs/rules")
        .unwrap()
        .map(|e| format!("docs/rules/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    listed.sort();
    let mut wanted: Vec<String> = pages.into_iter().map(|(p, _)| p).collect();
    wanted.sort();
    assert_eq!(listed, wanted, "docs/rules holds a page of no rule");
}

/// The committee's documents say what to do in a person's words: a built-in rule
/// whose help names the menu's fields or tables (`expense_ratio_pct`,
/// `[options.custody]`, `key = …`, another rule's id) carries an `advice` that does
/// not, and no advice does.
#[test]
fn every_rule_tells_the_committee_what_to_do_without_field_names() {
    let technical = regex::Regex::new(
        r"[a-z0-9]+_[a-z0-9_]+|\[[a-z_.]+\]|\b[a-z_.]+ = |`|\b[A-Z]{3}\d{3}\b|--[a-z]",
    )
    .unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir("rules").unwrap() {
        let path = entry.unwrap().path();
        let pack: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
        for rule in pack["rules"].as_array().unwrap() {
            let id = rule["id"].as_str().unwrap();
            if let Some(req) = rule.get("requires").and_then(|r| r.as_table()) {
                let help = req["help"].as_str().unwrap();
                match req.get("advice").and_then(|a| a.as_str()) {
                    Some(advice) => assert!(
                        !technical.is_match(advice),
                        "{id}'s requires.advice names a field: {advice}"
                    ),
                    None => assert!(
                        !technical.is_match(help),
                        "{id}'s requires.help names a field, and it has no advice: {help}"
                    ),
                }
            }
            let help = rule["help"].as_str().unwrap();
            match rule.get("advice").and_then(|a| a.as_str()) {
                Some(advice) => {
                    assert!(
                        !technical.is_match(advice),
                        "{id}'s advice names a field: {advice}"
                    );
                    checked += 1;
                }
                None => assert!(
                    !technical.is_match(help),
                    "{id}'s help names a field, and the rule has no advice for the committee: {help}"
                ),
            }
        }
    }
    assert!(checked >= 30, "{checked}");
}
