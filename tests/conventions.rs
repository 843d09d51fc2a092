//! What users of ruff, cargo-deny and taplo expect of a linter's command line.

mod common;
use common::*;
use serde_json::Value;

const PROBLEMS: &str = include_str!("../sample-menus/problems.toml");
const BITCOIN: &str = include_str!("../sample-menus/bitcoin.toml");

#[test]
fn the_readme_ci_step_is_the_command_the_output_test_runs() {
    let readme = include_str!("../README.md");
    let start = readme.find("menulint check plans/").expect("CI step");
    let step: Vec<&str> = readme[start..]
        .lines()
        .take_while(|l| !l.trim().starts_with("- name"))
        .flat_map(|l| l.split_whitespace())
        .collect();
    assert_eq!(
        step,
        [
            "menulint",
            "check",
            "plans/",
            "--format",
            "github",
            "--format",
            "sarif",
            "--output",
            "menulint.sarif",
            "--format",
            "markdown",
            "--output",
            "menulint.md"
        ],
        "tests/outputs.rs runs exactly this command; keep them in step"
    );
}

#[test]
fn directory_runs_take_only_menus() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write_in(dir.path(), "plans/acme.toml", BITCOIN);
    write_in(dir.path(), "plans/old/draft.toml", BITCOIN);
    write_in(dir.path(), "plans/scratch.toml", BITCOIN);
    write_in(dir.path(), "Cargo.toml", "[package]\nname = \"x\"\n");
    write_in(
        dir.path(),
        "packs/acme.toml",
        include_str!("packs/custom.toml"),
    );
    write_in(
        dir.path(),
        "menulint.toml",
        "packs = [\"crypto\", \"packs/acme.toml\"]\nexclude = [\"plans/old\"]\n",
    );
    write_in(dir.path(), ".gitignore", "scratch.toml\n");
    let run = |args: &[&str]| {
        let out = menulint()
            .current_dir(dir.path())
            .args(["check", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let files: Vec<String> = json["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_owned())
            .collect();
        (out.status.code().unwrap(), files)
    };
    // no path: the current directory; the pack, Cargo.toml, the ignored and the
    // excluded files are not menus
    let (code, files) = run(&[]);
    assert_eq!(code, 0, "{files:?}");
    assert_eq!(files, ["./plans/acme.toml"]);
    // --exclude adds to the config's excludes; excluding every menu checks nothing,
    // which is not a pass
    let (code, files) = run(&[".", "--exclude", "acme.toml"]);
    assert_eq!((code, files), (2, vec![".".to_owned()]));
    // a file named explicitly is checked even when excluded, unless --force-exclude
    let (_, files) = run(&["plans/old/draft.toml"]);
    assert_eq!(files, ["plans/old/draft.toml"]);
    let (code, files) = run(&["--force-exclude", "plans/old/draft.toml", "plans/acme.toml"]);
    assert_eq!((code, files), (0, vec!["plans/acme.toml".to_owned()]));
}

#[test]
fn a_menu_on_standard_input() {
    let out = menulint()
        .args(["check", "--as-of", AS_OF, "--format", "json", "-"])
        .write_stdin(PROBLEMS)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files"][0]["path"], "<stdin>");
    assert_eq!(json["summary"]["errors"], 11);
}

#[test]
fn waivers_of_rules_that_did_not_run_are_not_stale() {
    let dir = tempfile::tempdir().unwrap();
    let waiver = |rule: &str| {
        format!("{PROBLEMS}\n[[waivers]]\nrule = \"{rule}\"\nreason = \"r\"\napproved_by = \"c\"\nexpires = 2027-06-30\n")
    };
    // left out by --select: nothing to say about it, even with --deny warnings
    let m = write_in(dir.path(), "a.toml", waiver("FEE001"));
    let (code, json) = check_json(&["--select", "CRY", "--deny", "warnings", &m]);
    assert_eq!(code, 1);
    assert!(!json.to_string().contains("waiver-unused"), "{json:#}");
    // a rule no pack defines: said so
    let m = write_in(dir.path(), "b.toml", waiver("XYZ999"));
    let (_, json) = check_json(&[&m]);
    assert!(
        json.to_string().contains("no pack in force defines"),
        "{json:#}"
    );
}

#[test]
fn colour_statistics_explain_codes_and_outputs_of_every_command() {
    // TERM=dumb turns colour off
    let out = menulint()
        .env_remove("NO_COLOR")
        .env("FORCE_COLOR", "1")
        .env("TERM", "dumb")
        .args(["check", "sample-menus/problems.toml"])
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b));
    // --statistics: findings per rule
    let out = menulint()
        .args([
            "check",
            "--as-of",
            AS_OF,
            "--statistics",
            "sample-menus/problems.toml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("     2  FEE001                     expense-ratio-cap"),
        "{text}"
    );
    // explain knows menulint's own codes
    let out = menulint()
        .args(["explain", "menulint::schema"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("does not match the menu format"));
    // rules, explain and diff take --output
    let dir = tempfile::tempdir().unwrap();
    for (args, name) in [
        (vec!["rules", "--format", "json"], "rules.json"),
        (vec!["explain", "CRY001"], "explain.txt"),
        (
            vec![
                "diff",
                "sample-menus/conventional.toml",
                "sample-menus/bitcoin.toml",
            ],
            "diff.txt",
        ),
    ] {
        let file = dir.path().join(name);
        let out = menulint()
            .args(&args)
            .arg("--output")
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(std::fs::metadata(&file).unwrap().len() > 100, "{args:?}");
    }
    // init creates its directory
    let target = dir.path().join("new/plans");
    menulint().arg("init").arg(&target).assert().success();
    assert!(target.join("menulint.toml").is_file());
}

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
    let p = write_in(dir.path(), "typo.toml", pack);
    let (code, json, findings) = pack_findings(&p);
    assert_eq!(code, 2);
    let finding = &findings[0];
    assert_eq!(finding["line"], 17);
    assert!(finding["message"]
        .as_str()
        .unwrap()
        .contains("`option.expense_ratio` is not a field"));
    assert!(finding["help"].is_string());
    assert!(json
        .to_string()
        .contains("did you mean `expense_ratio_pct`?"));
}

#[test]
fn schema_mistakes_say_what_was_meant_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let menu = BITCOIN
        .replacen("vehicle = \"mutual_fund\"", "vehicle = \"ETF\"", 1)
        .replacen("asset_class = \"us_equity\"", "asset_class = \"bonds\"", 1)
        .replacen("ticker = \"FXAIX\"", "ticker = \"fxaix\"", 1);
    let m = write_in(dir.path(), "m.toml", menu);
    let (code, json) = check_json(&[&m]);
    assert_eq!(code, 2);
    let text = json.to_string();
    assert!(text.contains("did you mean `etf`?"), "{json:#}");
    assert!(text.contains("did you mean `fixed_income`?"), "{json:#}");
    assert!(
        text.contains("is not a ticker of 1 to 5 capital letters"),
        "{json:#}"
    );
    assert!(
        !text.contains("^[A-Z]"),
        "no regular expression in messages"
    );
    // every property of the schema has a description for editors' hover help
    let schema: serde_json::Value =
        serde_json::from_str(menulint::menu::schema::MENU_SCHEMA).unwrap();
    fn walk(v: &serde_json::Value, missing: &mut Vec<String>) {
        if let Some(props) = v.get("properties").and_then(|p| p.as_object()) {
            for (k, p) in props {
                if p.get("description").is_none() {
                    missing.push(k.clone());
                }
            }
        }
        match v {
            serde_json::Value::Object(m) => m.values().for_each(|x| walk(x, missing)),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, missing)),
            _ => {}
        }
    }
    let mut missing = Vec::new();
    walk(&schema, &mut missing);
    assert!(missing.is_empty(), "no description: {missing:?}");
}

#[test]
fn every_config_mistake_at_once_and_summary_counts_that_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_in(
        dir.path(),
        "menulint.toml",
        "packz = [\"crypto\"]\n[rules.FEE001]\nsevertiy = \"error\"\n[[waivers]]\nrule = \"FEE001\"\nreasn = \"r\"\n",
    );
    let out = menulint()
        .args([
            "check",
            "--color",
            "never",
            "--config",
            &config,
            "sample-menus/bitcoin.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    for (key, hint) in [
        ("packz", "packs"),
        ("severtiy", "severity"),
        ("reasn", "reason"),
    ] {
        assert!(text.contains(&format!("unknown key `{key}`")), "{text}");
        assert!(text.contains(&format!("did you mean `{hint}`?")), "{text}");
    }
    assert!(
        text.trim_end().ends_with("(1 could not be checked)"),
        "{text}"
    );
    assert!(text.contains("1 menu,"), "{text}");
}

#[test]
fn exit_zero_and_an_invalid_source_date_epoch() {
    let (code, _) = check_json(&["--exit-zero", "sample-menus/problems.toml"]);
    assert_eq!(code, 0);
    // input errors still exit 2
    let (code, _) = check_json(&["--exit-zero", "tests/no-such-menu.toml"]);
    assert_eq!(code, 2);
    let out = menulint()
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .args(["report", "--timestamp", "sample-menus/bitcoin.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SOURCE_DATE_EPOCH"));
    let out = menulint()
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args([
            "report",
            "--timestamp",
            "--format",
            "markdown",
            "sample-menus/bitcoin.toml",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("generated 2026-01-01 00:00:00 UTC"));
}

#[test]
fn the_pre_commit_hook_checks_only_menus_among_the_files_it_names() {
    let hook = include_str!("../.pre-commit-hooks.yaml");
    assert!(hook.contains("entry: menulint check --quiet --force-exclude"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write_in(
        dir.path(),
        "menulint.toml",
        "packs = [\"crypto\", \"packs/acme.toml\"]\n",
    );
    write_in(
        dir.path(),
        "packs/acme.toml",
        include_str!("packs/custom.toml"),
    );
    write_in(dir.path(), "plans/a.toml", BITCOIN);
    let run = |files: &[&str]| {
        menulint()
            .current_dir(dir.path())
            .args(["check", "--quiet", "--force-exclude"])
            .args(files)
            .output()
            .unwrap()
    };
    // the menu and the pack, as pre-commit names them: only the menu is checked
    let out = run(&["plans/a.toml", "packs/acme.toml", "menulint.toml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // a commit that touches only the pack: nothing to check, and that is fine here
    let out = run(&["packs/acme.toml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
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
