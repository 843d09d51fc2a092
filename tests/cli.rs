//! The `menulint` binary end to end: exit codes, findings, spans and rendered output.

use crate::common;
use common::*;

use serde_json::Value;

/// (rule, line, column) of every finding of the first file.
fn located(json: &Value) -> Vec<(String, u64, u64)> {
    first_findings(json)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const MINIMAL: &str = r#"schema_version = 1

[plan]
name = "P"
sponsor = "S"

[[options]]
id = "sp"
name = "Fund"
vehicle = "etf"
asset_class = "us_equity"
"#;

#[test]
fn clean_sample_menus_exit_zero_with_no_findings() {
    for menu in [
        "sample-menus/conventional.toml",
        "sample-menus/bitcoin.toml",
    ] {
        let (code, json) = check_json_binary(&[menu]);
        assert_eq!(code, 0, "{menu}: {json:#}");
        assert_eq!(json["files"][0]["findings"], Value::Array(vec![]), "{menu}");
        assert_eq!(json["files"][0]["checked"], true);
    }
}

#[test]
fn problem_menu_has_exactly_these_findings() {
    let (code, json) = check_json_binary(&["sample-menus/problems.toml"]);
    assert_eq!(code, 1);
    let expected = [
        ("DIS011", 5, 1),
        ("DIS005", 11, 1),
        ("DIS006", 11, 1),
        ("STR001", 11, 1),
        ("CRY001", 36, 10),
        ("CRY002", 36, 10),
        ("DIS002", 39, 1),
        ("FEE001", 71, 21),
        ("CRY004", 72, 14),
        ("CRY006", 99, 1),
        ("STR006", 104, 8),
        ("STR007", 104, 8),
        ("CRY003", 106, 15),
        ("CRY005", 123, 25),
        ("FEE001", 136, 21),
        ("SCO003", 137, 12),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(r, l, c)| (r.to_string(), *l, *c))
        .collect();
    assert_eq!(located(&json), expected);
    let summary = &json["summary"];
    assert_eq!(
        (summary["errors"].as_u64(), summary["warnings"].as_u64()),
        (Some(12), Some(4))
    );
}

#[test]
fn human_output_snapshot() {
    let out = menulint()
        .args(["check", "--as-of", AS_OF, "sample-menus/problems.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("problems_human", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn json_output_snapshot() {
    let out = menulint()
        .args([
            "check",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "sample-menus/problems.toml",
        ])
        .output()
        .unwrap();
    insta::assert_snapshot!("problems_json", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn deny_warnings_turns_warnings_into_failures() {
    let dir = tempfile::tempdir().unwrap();
    // a clean menu whose index fund now costs more than the passive cap: a warning only
    let menu = include_str!("../sample-menus/conventional.toml")
        .replace("expense_ratio_pct = 0.015", "expense_ratio_pct = 0.35");
    let path = write_in(dir.path(), "fee.toml", &menu);
    let (code, json) = check_json_binary(&[&path]);
    assert_eq!(code, 0);
    let line = line_of(&menu, "expense_ratio_pct = 0.35") as u64;
    assert_eq!(located(&json), vec![("FEE001".to_owned(), line, 21)]);
    let (code, _) = check_json_binary(&["--deny", "warnings", &path]);
    assert_eq!(code, 1);
}

#[test]
fn syntax_error_exits_2_at_the_right_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_in(
        dir.path(),
        "bad.toml",
        MINIMAL.replace("name = \"Fund\"", "name = \"Fund"),
    );
    let (code, json) = check_json_binary(&[&path]);
    assert_eq!(code, 2);
    let found = located(&json);
    assert_eq!(found[0].0, "menulint::syntax");
    assert_eq!(found[0].1, 9);
    assert_eq!(json["files"][0]["checked"], false);
}

#[test]
fn schema_violations_exit_2_each_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "expense_ratio_pct = \"0.04%\"\n",
            12,
            "options[0].expense_ratio_pct",
        ),
        ("crypto_pct = 3.0\n", 12, "options[0].crypto_pct"),
        (
            "exposure = { crypto_pct = 140.0 }\n",
            12,
            "options[0].exposure.crypto_pct",
        ),
        ("vehicle = \"hedge_fund\"\n", 11, "options[0].vehicle"),
    ];
    for (extra, line, path) in cases {
        let text = if extra.starts_with("vehicle") {
            MINIMAL.replace("vehicle = \"etf\"\n", "") + extra
        } else {
            format!("{MINIMAL}{extra}")
        };
        let p = write_in(dir.path(), "m.toml", &text);
        let (code, json) = check_json_binary(&[&p]);
        assert_eq!(code, 2, "{extra}");
        let f = &json["files"][0]["findings"][0];
        assert_eq!(f["rule"], "menulint::schema", "{extra}");
        assert_eq!(f["line"], line, "{extra}: {f:#}");
        assert_eq!(f["path"], path, "{extra}");
    }
    // a missing required key labels the table that lacks it
    let p = write_in(
        dir.path(),
        "m.toml",
        MINIMAL.replace("sponsor = \"S\"\n", ""),
    );
    let (code, json) = check_json_binary(&[&p]);
    assert_eq!(code, 2);
    let f = &json["files"][0]["findings"][0];
    assert_eq!(
        (f["line"].as_u64(), f["message"].as_str()),
        (Some(3), Some("missing required key `sponsor` in `plan`"))
    );
}

#[test]
fn unreadable_inputs_exit_2_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml").display().to_string();
    let (code, json) = check_json_binary(&[&missing]);
    assert_eq!(code, 2);
    assert_eq!(json["files"][0]["findings"][0]["rule"], "menulint::io");

    let bytes = dir.path().join("latin1.toml");
    std::fs::write(&bytes, b"schema_version = 1\nname = \"Caf\xe9\"\n").unwrap();
    let (code, json) = check_json_binary(&[&bytes.display().to_string()]);
    assert_eq!(code, 2);
    let f = &json["files"][0]["findings"][0];
    assert_eq!(
        (f["rule"].as_str(), f["line"].as_u64(), f["column"].as_u64()),
        (Some("menulint::encoding"), Some(2), Some(12))
    );

    let empty = tempfile::tempdir().unwrap();
    let (code, json) = check_json_binary(&[&empty.path().display().to_string()]);
    assert_eq!(code, 2);
    assert!(json["files"][0]["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no menus"));

    let big = write_in(dir.path(), "big.toml", MINIMAL);
    let (code, json) = check_json_binary(&["--max-file-size", "10", &big]);
    assert_eq!(code, 2);
    assert_eq!(
        json["files"][0]["findings"][0]["rule"],
        "menulint::too-large"
    );
}

#[test]
fn directories_are_searched_and_results_sorted() {
    let (code, json) = check_json_binary(&["sample-menus"]);
    assert_eq!(code, 1);
    let paths: Vec<_> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "sample-menus/bitcoin.toml",
            "sample-menus/conventional.toml",
            "sample-menus/fees.toml",
            "sample-menus/monitoring/menu.toml",
            "sample-menus/problems.toml",
            // checked under the config beside them, which is not itself a menu
            "sample-menus/selection/complete.toml",
            "sample-menus/selection/gaps.toml",
        ]
    );
}

#[test]
fn bad_as_of_is_a_usage_error() {
    menulint()
        .args([
            "check",
            "--as-of",
            "2026-02-30",
            "sample-menus/bitcoin.toml",
        ])
        .assert()
        .code(2);
}

#[test]
fn schema_command_prints_the_embedded_schema() {
    let out = menulint().arg("schema").output().unwrap();
    assert!(out.status.success());
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let file: Value = serde_json::from_str(include_str!("../schemas/menu.schema.json")).unwrap();
    assert_eq!(printed, file);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let run = || {
        menulint()
            .args([
                "check",
                "--format",
                "json",
                "--as-of",
                AS_OF,
                "sample-menus",
            ])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn a_custom_pack_adds_rules() {
    let (code, json) = check_json_binary(&[
        "--pack",
        "tests/packs/custom.toml",
        "sample-menus/conventional.toml",
    ]);
    assert_eq!(code, 0, "a warning alone does not fail");
    let menu = include_str!("../sample-menus/conventional.toml");
    let line = line_of(menu, "id = \"stable\"") as u64;
    assert_eq!(located(&json), vec![("ACM001".to_owned(), line, 6)]);
    assert_eq!(
        json["files"][0]["findings"][0]["message"],
        "the menu offers 5 options; the policy allows 4"
    );
}

/// A broken pack is an error in the pack file, at its line, and nothing is checked.
fn pack_error(pack_text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let pack = write_in(dir.path(), "bad.toml", pack_text);
    let out = menulint()
        .args(["check", "--pack", &pack, "sample-menus/conventional.toml"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn bad_rule_packs_exit_2_pointing_at_the_pack_line() {
    let good = include_str!("packs/custom.toml");
    // TOML syntax
    let (code, err) = pack_error(&good.replace("severity = \"warning\"", "severity = warning"));
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml:9:"), "{err}");
    // unknown field
    let (code, err) = pack_error(&good.replace(
        "severity = \"warning\"",
        "severity = \"warning\"\nseverty = \"error\"",
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown field `severty`") && err.contains("bad.toml:10:"),
        "{err}"
    );
    // invalid CEL
    let (code, err) =
        pack_error(&good.replace("size(options) <= params.max", "size(options <= params.max"));
    assert_eq!(code, 2);
    assert!(
        err.contains("invalid CEL expression") && err.contains("bad.toml:17:"),
        "{err}"
    );
    // undeclared parameter
    let (code, err) = pack_error(&good.replace(
        "size(options) <= params.max",
        "size(options) <= params.maximum",
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains("`params.maximum`") && err.contains("bad.toml:17:"),
        "{err}"
    );
    // a `let` that would hide a variable every rule sees
    let (code, err) = pack_error(&good.replace(
        "params = { max = 4 }",
        "params = { max = 4 }\nlet = { options = \"[]\" }",
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains("`let` cannot rebind `options`") && err.contains("bad.toml:17:"),
        "{err}"
    );
    // a dotted `let` name, which CEL would read in place of a field
    for name in ["\"option.name\"", "\".k\"", "\"1k\"", "\"\""] {
        let (code, err) = pack_error(&good.replace(
            "params = { max = 4 }",
            &format!("params = {{ max = 4 }}\nlet = {{ {name} = \"'x'\" }}"),
        ));
        assert_eq!(code, 2, "{name}");
        assert!(
            err.contains("is not a name CEL can read") && err.contains("bad.toml:17:"),
            "{name}: {err}"
        );
    }
    // a rule id that clashes with a built-in rule
    let (code, err) = pack_error(&good.replace("ACM001", "CRY001"));
    assert_eq!(code, 2);
    assert!(err.contains("rule id CRY001 is defined twice"), "{err}");
}

#[test]
fn selectors_that_name_no_rule_are_errors() {
    for sel in ["CRY01", "XYZ", "plan-crypto-cp"] {
        let out = menulint()
            .args(["check", "--select", sel, "sample-menus/bitcoin.toml"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{sel}");
        let err = String::from_utf8(out.stdout).unwrap();
        assert!(err.contains("matches no rule"), "{err}");
    }
    let out = menulint()
        .args(["check", "--select", "CRY01", "sample-menus/bitcoin.toml"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("did you mean `CRY001`?"));
    // spaces after commas, names and prefixes all select
    let (code, json) = check_json_binary(&[
        "--select",
        "CRY, plan-crypto-cap ,STR001",
        "sample-menus/problems.toml",
    ]);
    assert_eq!(code, 1);
    assert!(rules_of(&json)
        .iter()
        .all(|r| r.starts_with("CRY") || r == "STR001"));
    // explain takes a name too
    menulint()
        .args(["explain", "plan-crypto-cap"])
        .assert()
        .success();
}

#[test]
fn the_readme_ci_step_is_the_command_the_output_test_runs() {
    let readme = include_str!("../README.md");
    let start = readme.find("menulint check plans/").expect("CI step");
    let step: Vec<&str> = readme[start..]
        .lines()
        .take_while(|l| !l.trim().starts_with("- "))
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
    assert_eq!(json["summary"]["errors"], 12);

    // --stdin-filename: the buffer stands for that file, named so and governed by
    // the config found from it (here one that switches the crypto plan cap to error)
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join(".git")).unwrap();
    write_in(
        d.path(),
        "plans/menulint.toml",
        "[rules.CRY004]\nseverity = \"error\"\nparams = { max_pct = 1.0 }\n",
    );
    let name = d.path().join("plans/draft.toml").display().to_string();
    let out = menulint()
        .args([
            "check",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--stdin-filename",
            &name,
        ])
        .write_stdin(BITCOIN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files"][0]["path"].as_str(), Some(name.as_str()));
    assert_eq!(rules_of(&json), ["CRY004"]);
    let out = menulint()
        .args([
            "check",
            "--stdin-filename",
            &name,
            "sample-menus/bitcoin.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no `-` to stand for the file");
    // the file the buffer stands for is an input: no output may replace it
    let real = write_in(d.path(), "plans/live.toml", BITCOIN);
    for flag in ["--output", "--write-baseline"] {
        let out = menulint()
            .args(["check", "--stdin-filename", &real, flag, &real, "-"])
            .write_stdin(PROBLEMS)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert_eq!(std::fs::read_to_string(&real).unwrap(), BITCOIN, "{flag}");
    }
    let out = menulint()
        .args([
            "check",
            "--stdin-filename",
            &d.path().display().to_string(),
            "-",
        ])
        .write_stdin(BITCOIN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a directory is no menu file");
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
        text.contains("\n Count  Rule or code               Name                                 Failing the run\n"),
        "{text}"
    );
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

#[test]
fn schema_mistakes_say_what_was_meant_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let menu = BITCOIN
        .replacen("vehicle = \"mutual_fund\"", "vehicle = \"ETF\"", 1)
        .replacen("asset_class = \"us_equity\"", "asset_class = \"bonds\"", 1)
        .replacen("ticker = \"FXAIX\"", "ticker = \"fxaix\"", 1);
    let m = write_in(dir.path(), "m.toml", menu);
    let (code, json) = check_json_binary(&[&m]);
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
fn exit_zero_and_an_invalid_source_date_epoch() {
    let (code, _) = check_json_binary(&["--exit-zero", "sample-menus/problems.toml"]);
    assert_eq!(code, 0);
    // input errors still exit 2
    let (code, _) = check_json_binary(&["--exit-zero", "tests/no-such-menu.toml"]);
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
    let hook = include_str!("../pre-commit/.pre-commit-hooks.yaml");
    assert!(hook.contains("entry: menulint check --quiet --force-exclude"));
    assert!(hook.contains("language: python"), "{hook}");
    // the hook installs this version's wheel, and the README pins the tag of it
    let shim = include_str!("../pre-commit/pyproject.toml");
    let pinned = format!("\"menulint=={}\"", env!("CARGO_PKG_VERSION"));
    assert!(shim.contains(&pinned), "{shim}");
    let readme = include_str!("../README.md");
    let rev = format!("rev: v{}", env!("CARGO_PKG_VERSION"));
    assert!(readme.contains(&rev), "README pins no {rev}");
    let action = include_str!("../action.yml");
    let default = format!("default: \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(
        action.contains(&default),
        "action.yml installs another version"
    );
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

/// `--version` names the commit and its date when built from a checkout.
#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = menulint().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let re = regex::Regex::new(r"^menulint \d+\.\d+\.\d+( \([0-9a-f]{12} \d{4}-\d{2}-\d{2}\))?\n$")
        .unwrap();
    assert!(re.is_match(&text), "{text:?}");
    if std::path::Path::new(".git").exists() {
        assert!(
            text.contains(" ("),
            "a checkout's build names its commit: {text:?}"
        );
    }
}

/// Shell completions and the man page come from the same arguments as `--help`.
#[test]
fn completions_and_the_man_page_know_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = menulint().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for word in ["menulint", "check", "as-of", "disclose", "format"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let man = || menulint().arg("man").output().unwrap().stdout;
    let page = String::from_utf8(man()).unwrap();
    assert!(page.contains(".TH menulint 1"), "{page}");
    for command in ["check", "report", "disclose", "monitor", "schema"] {
        assert!(page.contains(command), "the man page lacks {command}");
    }
    assert_eq!(man(), man(), "the same page every time");
    // each command's own page, as the top page names it
    let out = menulint().args(["man", "check"]).output().unwrap();
    let check = String::from_utf8(out.stdout).unwrap();
    assert!(check.contains(".TH menulint-check 1"), "{check}");
    assert!(check.contains("stdin\\-filename"), "{check}");
    let out = menulint().args(["man", "nosuch"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = menulint().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `--show-files` lists what a run would check (excludes applied) and checks
/// nothing; `--show-settings` prints the resolved settings for a path as TOML.
#[test]
fn show_files_and_show_settings_say_what_a_run_would_do() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join(".git")).unwrap();
    let config = write_in(
        d.path(),
        "menulint.toml",
        "exclude = [\"plans/archive\"]\n[rules.CRY004]\nparams = { max_pct = 3.0 }\n\n\
         [[waivers]]\nrule = \"FEE001\"\noption = \"btc\"\nreason = \"approved \\\"as is\\\"\\n::error::pwned\\u001b[2J\"\n\
         approved_by = \"Committee, 2026-09-12\"\nexpires = 2027-03-31\n",
    );
    for name in ["plans/a.toml", "plans/b.toml", "plans/archive/old.toml"] {
        write_in(d.path(), name, BITCOIN);
    }
    let root = d.path().display().to_string();
    let out = menulint()
        .args(["check", "--show-files", &root])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let listed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let plans = d.path().join("plans");
    assert_eq!(
        listed,
        [plans.join("a.toml"), plans.join("b.toml")].map(|p| p.display().to_string())
    );
    // a menu named twice, and inside a directory also named, is one menu: listed
    // once and checked once, under the name first given
    let a = plans.join("a.toml").display().to_string();
    let dotted = format!("{}/./a.toml", plans.display());
    let dir = plans.display().to_string();
    let out = menulint()
        .args(["check", "--show-files", &a, &dotted, &dir])
        .output()
        .unwrap();
    let listed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        listed,
        [a.clone(), plans.join("b.toml").display().to_string()]
    );
    let out = menulint()
        .args(["check", "--as-of", AS_OF, "--format", "json", &a, &dotted])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["menus"], 1, "{json}");

    let menu = plans.join("a.toml").display().to_string();
    // -v says which config governs each menu
    let out = menulint()
        .args(["check", "-v", "--as-of", AS_OF, &root])
        .output()
        .unwrap();
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(
        said.contains(&format!("{menu}: config {config}\n")),
        "{said}"
    );
    assert!(said.contains("\n2 menus in "), "{said}");
    let out = menulint()
        .args(["check", "--show-settings", &menu])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!("# The settings for {menu}, from {config}\n")),
        "{text}"
    );
    let settings: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(settings["config_files"].as_array().unwrap().len(), 1);
    assert_eq!(
        settings["rules"]["CRY004"]["params"]["max_pct"].as_float(),
        Some(3.0)
    );
    assert_eq!(
        settings["rules"]["CRY004"]["severity"].as_str(),
        Some("warning")
    );
    assert_eq!(settings["rules"]["CRY001"]["pack"].as_str(), Some("crypto"));
    let packs = settings["packs"].as_array().unwrap();
    assert!(packs.iter().any(|p| p.as_str() == Some("fees")));
    assert!(
        !packs.iter().any(|p| p.as_str() == Some("selection")),
        "opt-in"
    );
    assert_eq!(
        settings["waivers"][0]["reason"].as_str(),
        Some("approved \"as is\"\n::error::pwned\u{1b}[2J")
    );
    // the config's text is shown, never acted on: no line of its own, no escape
    assert!(!text.lines().any(|l| l.starts_with("::")), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(settings["waivers"][0]["expires"].is_datetime());
    assert_eq!(settings["exclude"][0].as_str(), Some("plans/archive"));

    // with no config: the built-in defaults, said so
    let bare = tempfile::tempdir().unwrap();
    std::fs::create_dir(bare.path().join(".git")).unwrap();
    let m = write_in(bare.path(), "m.toml", BITCOIN);
    let out = menulint()
        .args(["check", "--show-settings", &m])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("no config governs it"), "{text}");
    let settings: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(settings["config_files"].as_array().unwrap().len(), 0);
}

/// `explain` takes menulint's own codes with or without their `menulint::` prefix.
#[test]
fn explain_takes_a_code_with_or_without_its_prefix() {
    for name in ["authority", "menulint::authority"] {
        let out = menulint().args(["explain", name]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.starts_with(
                "menulint::authority\n\na rule cites an authority that was rescinded or withdrawn."
            ),
            "{name}: {text}"
        );
    }
    let out = menulint().args(["explain", "authorty"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Shell completion offers `check --format`'s format names (the value is parsed
/// by hand, as `FORMAT=FILE`, so clap does not know them unless told).
#[test]
fn completions_offer_the_check_formats() {
    let out = menulint().args(["completions", "bash"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let start = text
        .find("menulint__subcmd__check)")
        .expect("the check command's completions");
    let check = &text[start..];
    let at = check.find("--format)").expect("--format's completions");
    let line = check[at..].lines().nth(1).unwrap_or_default();
    for format in ["human", "concise", "json-lines", "sarif", "junit", "gitlab"] {
        assert!(
            line.split(['"', ' ']).any(|w| w == format),
            "{format} missing from {line}"
        );
    }
}

/// `--show-settings` refuses the exclude patterns `check` refuses, from the
/// command line and from a config, instead of showing them as settings.
#[test]
fn show_settings_refuses_a_bad_exclude_pattern() {
    let out = menulint()
        .args([
            "check",
            "--show-settings",
            "--exclude",
            "[",
            "sample-menus/bitcoin.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exclude pattern `[`"));
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join(".git")).unwrap();
    write_in(d.path(), "menulint.toml", "exclude = [\"a/[x\"]\n");
    let menu = write_in(d.path(), "plan.toml", BITCOIN);
    for extra in [&["--show-settings"][..], &[]] {
        let out = menulint()
            .arg("check")
            .args(extra)
            .arg(&menu)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("exclude pattern `a/[x`")
                || String::from_utf8_lossy(&out.stdout).contains("exclude pattern `a/[x`"),
            "{extra:?}"
        );
    }
}

/// The in-process `check_json` the library tests use reads every flag as the binary
/// does: for each flag it knows, the same JSON and the same exit code, clean runs and
/// broken inputs alike.
#[test]
fn in_process_checks_are_the_binarys() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = write_in(
        dir.path(),
        "facts.toml",
        "[[options]]\nfor = \"46438F101\"\ncustody = { custodian = \"Coinbase\", qualified_custodian = false }\n",
    );
    let baseline = dir.path().join("baseline.json").display().to_string();
    let recorded = menulint()
        .args(["check", "--as-of", AS_OF, "--write-baseline", &baseline])
        .arg("sample-menus/fees.toml")
        .output()
        .unwrap();
    assert_eq!(recorded.status.code(), Some(0));
    let fewer = PROBLEMS.replacen("[[options]]", "[[options]]\nid = \"new\"\nname = \"New Fund\"\nvehicle = \"etf\"\nasset_class = \"digital_asset\"\n\n[[options]]", 1);
    let changed = write_in(dir.path(), "fees.toml", &fewer);
    let cases: Vec<Vec<&str>> = vec![
        vec!["sample-menus/problems.toml"],
        vec!["sample-menus"],
        vec![
            "--select",
            "CRY00,STR006",
            "--ignore",
            "CRY002",
            "sample-menus/problems.toml",
        ],
        vec![
            "--pack",
            "tests/packs/custom.toml",
            "sample-menus/bitcoin.toml",
        ],
        vec![
            "--config",
            "sample-menus/selection/menulint.toml",
            "sample-menus/selection/gaps.toml",
        ],
        vec![
            "--config",
            "sample-menus/selection/menulint.toml",
            "--since",
            "sample-menus/bitcoin.toml",
            "sample-menus/selection/gaps.toml",
        ],
        vec![
            "sample-menus/monitoring/menu.toml",
            "--history",
            "sample-menus/monitoring/history.csv",
        ],
        vec![
            "sample-menus/lineup/lineup.xlsx",
            "--map",
            "recordkeeper",
            "--plan",
            "sample-menus/lineup/plan.toml",
            "--sheet",
            "Funds",
        ],
        vec![
            "sample-menus/lineup/lineup.csv",
            "--map",
            "recordkeeper",
            "--plan",
            "sample-menus/lineup/plan.toml",
            "--overlay",
            &overlay,
        ],
        vec!["--baseline", &baseline, &changed],
        vec!["--deny", "warnings", "sample-menus/fees.toml"],
        vec!["--exit-zero", "sample-menus/problems.toml"],
        vec!["--max-file-size", "10", "sample-menus/bitcoin.toml"],
        vec![
            "--history",
            "tests/no-such-history.csv",
            "sample-menus/monitoring/menu.toml",
        ],
        vec![
            "--baseline",
            "tests/no-such-baseline.json",
            "sample-menus/bitcoin.toml",
        ],
        vec![
            "--since",
            "tests/no-such-menu.toml",
            "sample-menus/bitcoin.toml",
        ],
        vec![
            "sample-menus/lineup/lineup.csv",
            "--map",
            "tests/no-such-mapping.toml",
        ],
    ];
    for args in cases {
        let in_process = check_json(&args);
        assert_eq!(in_process, check_json_binary(&args), "{args:?}");
    }
    // and every format renders as the binary's does
    for format in [
        "human",
        "json",
        "sarif",
        "junit",
        "github",
        "markdown",
        "concise",
        "json-lines",
        "gitlab",
    ] {
        for args in [
            vec!["tests/menus/waived.toml"],
            vec!["sample-menus/problems.toml"],
            vec![
                "sample-menus/lineup/lineup.xlsx",
                "--map",
                "recordkeeper",
                "--plan",
                "sample-menus/lineup/plan.toml",
            ],
            vec![
                "--baseline",
                "tests/no-such-baseline.json",
                "sample-menus/bitcoin.toml",
            ],
            vec![
                "sample-menus/lineup/lineup.csv",
                "--map",
                "tests/no-such-mapping.toml",
            ],
        ] {
            let mut all = vec!["check", "--as-of", AS_OF, "--format", format];
            all.extend(&args);
            let (code, out) = binary_output(&all);
            let binary = (code, String::from_utf8(out).unwrap());
            assert_eq!(check(format, &args), binary, "{format} {args:?}");
        }
    }
    // and so does the diff
    for format in ["human", "json", "markdown"] {
        for (current, proposed) in [
            ("sample-menus/bitcoin.toml", "sample-menus/problems.toml"),
            ("sample-menus/problems.toml", "sample-menus/bitcoin.toml"),
            ("sample-menus/bitcoin.toml", "tests/no-such-menu.toml"),
        ] {
            let (code, out) = binary_output(&[
                "diff", "--as-of", AS_OF, "--color", "never", "--format", format, current, proposed,
            ]);
            let binary = (code, String::from_utf8(out).unwrap());
            assert_eq!(
                diff(format, current, proposed),
                binary,
                "diff {format} {current} {proposed}"
            );
        }
    }
    // and so does the watch list
    for format in ["human", "json", "markdown", "html"] {
        for args in [
            vec![
                "sample-menus/monitoring/menu.toml",
                "--history",
                "sample-menus/monitoring/history.csv",
            ],
            vec!["sample-menus/monitoring/menu.toml"],
            vec![
                "sample-menus/monitoring/menu.toml",
                "--history",
                "tests/no-such-history.csv",
            ],
        ] {
            let mut all = vec!["monitor", "--as-of", AS_OF, "--format", format];
            all.extend(&args);
            let binary = binary_output(&all);
            assert!(
                watch_list(AS_OF, format, &args) == binary,
                "monitor {format} {args:?}"
            );
        }
    }
    // and so do the committee's documents
    let documents: [(&str, Build); 2] = [
        ("report", menulint::render::report),
        ("dossier", menulint::render::dossier),
    ];
    for (command, build) in documents {
        for format in ["html", "markdown", "pdf"] {
            for args in [
                vec!["sample-menus/selection/gaps.toml"],
                vec![
                    "sample-menus/monitoring/menu.toml",
                    "--history",
                    "sample-menus/monitoring/history.csv",
                ],
                vec![
                    "sample-menus/lineup/lineup.csv",
                    "--map",
                    "recordkeeper",
                    "--plan",
                    "sample-menus/lineup/plan.toml",
                ],
            ] {
                let mut all = vec![command, "--as-of", AS_OF, "--format", format];
                all.extend(&args);
                let binary = binary_output(&all);
                assert!(
                    document(build, format, &args) == binary,
                    "{command} {format} {args:?}"
                );
            }
        }
    }
}
