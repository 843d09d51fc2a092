//! Machine formats: SARIF, JUnit, GitHub annotations, Markdown; files and directories.

use crate::common;
use common::*;

use serde_json::Value;
use std::path::Path;

const WAIVED: &str = "tests/menus/waived.toml";

fn run(format: &str, paths: &[&str]) -> (i32, String) {
    check(format, paths)
}

#[test]
fn sarif_snapshot_and_schema() {
    let (code, text) = run("sarif", &[WAIVED]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("waived_sarif", text);

    let sarif: Value = serde_json::from_str(&text).unwrap();
    let schema: Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF does not validate: {errors:#?}");

    // what GitHub code scanning requires beyond the schema
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 16);
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().unwrap() >= 1
                && region["startColumn"].as_u64().unwrap() >= 1
        );
        assert!(
            region["endLine"].as_u64().unwrap() >= 1 && region["endColumn"].as_u64().unwrap() >= 1
        );
        assert!(r["message"]["text"].is_string());
        assert!(r["partialFingerprints"]["menulint/v1"].is_string());
        let id = r["ruleId"].as_str().unwrap();
        let rule =
            &sarif["runs"][0]["tool"]["driver"]["rules"][r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], id);
    }
    let suppressed: Vec<_> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert!(suppressed[0]["suppressions"][0]["justification"]
        .as_str()
        .unwrap()
        .starts_with("Committee minutes 2026-03-14"));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), 47);
    assert!(rules.iter().all(|r| r["properties"]["citation"].is_string()
        && r["help"]["text"].is_string()
        && ["law", "safe-harbor", "policy", "data-quality"]
            .contains(&r["properties"]["basis"].as_str().unwrap())
        && !r["properties"]["authorities"]
            .as_array()
            .unwrap()
            .is_empty()));
}

#[test]
fn junit_snapshot_and_xsd() {
    let (code, text) = run("junit", &[WAIVED]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("waived_junit", text);
    // 5 options × 37 option rules + 10 plan rules; the 12 errors fail, as the exit code
    // says, and the 3 warnings pass
    assert!(text.contains(r#"<testsuite name="tests/menus/waived.toml" tests="195" skipped="1" errors="0" failures="12">"#), "{text}");
    assert!(text.contains(
        r#"<testcase name="FEE001 expense-ratio-cap [gbtc]" classname="menulint.fees">
            <skipped>waived: Committee minutes"#
    ));

    if !have("xmllint") {
        tool_missing("JUnit XSD validation needs xmllint (Debian package libxml2-utils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("junit.xml");
    std::fs::write(&xml, &text).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", "tests/schemas/jenkins-junit.xsd"])
        .arg(&xml)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "JUnit XML does not validate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn github_and_markdown_snapshots() {
    let (_, gh) = run("github", &[WAIVED]);
    insta::assert_snapshot!("waived_github", gh);
    assert_eq!(gh.lines().count(), 15, "waived findings are not annotated");
    let (_, md) = run("markdown", &[WAIVED]);
    insta::assert_snapshot!("waived_markdown", md);
}

#[test]
fn github_escapes_hostile_names_and_paths() {
    let dir = tempfile::tempdir().unwrap();
    let menu = include_str!("../sample-menus/problems.toml").replace(
        "name = \"ProShares UltraPro QQQ\"",
        "name = \"50% off, now: \\n::error::pwned\"",
    );
    let path = dir.path().join("a,b:c.toml");
    std::fs::write(&path, menu).unwrap();
    let (_, gh) = run("github", &[&path.display().to_string()]);
    let line = gh.lines().find(|l| l.contains("SCO003")).unwrap();
    assert!(line.contains("a%2Cb%3Ac.toml,line=137,"), "{line}");
    assert!(
        line.contains("::50%25 off, now: %0A::error::pwned has leverage 3x"),
        "{line}"
    );
    assert_eq!(
        gh.lines().filter(|l| l.starts_with("::")).count(),
        gh.lines().count()
    );
}

#[test]
fn a_broken_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("sample-menus/problems.toml", dir.path().join("a.toml")).unwrap();
    std::fs::write(dir.path().join("b.toml"), "schema_version = 1\n[plan\n").unwrap();
    std::fs::copy(
        "sample-menus/conventional.toml",
        dir.path().join("sub-c.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("menulint.toml"), "").unwrap();
    let out = menulint()
        .args(["check", "--as-of", AS_OF, "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "the worst exit code wins");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<(String, bool, usize)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let name = Path::new(f["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                name,
                f["checked"].as_bool().unwrap(),
                f["findings"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("a.toml".into(), true, 16),
            ("b.toml".into(), false, 1),
            ("sub-c.toml".into(), true, 0)
        ]
    );
    assert_eq!(json["summary"]["menus"], 3);
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let go = |threads: &str| {
        menulint()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "check",
                "--as-of",
                AS_OF,
                "--format",
                "sarif",
                "sample-menus",
                "tests/menus",
            ])
            .output()
            .unwrap()
            .stdout
    };
    let one = go("1");
    assert_eq!(one, go("2"));
    assert_eq!(one, go("4"));
}

#[test]
fn several_formats_to_files_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let junit = dir.path().join("out.xml");
    let out = menulint()
        .args(["check", "--as-of", AS_OF, "--format", "sarif", "--output"])
        .arg(&sarif)
        .args(["--format", "junit", "--output"])
        .arg(&junit)
        .args(["--format", "markdown", WAIVED])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("## ❌ menulint: 1 menu, 12 errors, 3 warnings"));
    assert_eq!(
        std::fs::read_to_string(&sarif).unwrap(),
        run("sarif", &[WAIVED]).1
    );
    assert_eq!(
        std::fs::read_to_string(&junit).unwrap(),
        run("junit", &[WAIVED]).1
    );
    // only files were written in the directory: no temporary left behind
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn unwritable_output_fails_cleanly_and_usage_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("missing-dir/out.sarif");
    menulint()
        .args(["check", "--format", "sarif", "--output"])
        .arg(&target)
        .arg(WAIVED)
        .assert()
        .code(2);
    assert!(!target.exists());
    menulint()
        .args(["check", "--format", "sarif", "--format", "junit", WAIVED])
        .assert()
        .code(2);
    menulint()
        .args(["check", "--output", "x.json", "--output", "y.json", WAIVED])
        .assert()
        .code(2);
}

#[test]
fn quiet_prints_nothing_for_a_clean_menu() {
    let out = menulint()
        .args([
            "check",
            "--quiet",
            "--as-of",
            AS_OF,
            "sample-menus/conventional.toml",
        ])
        .output()
        .unwrap();
    assert_eq!((out.status.code(), out.stdout.len()), (Some(0), 0));
    let out = menulint()
        .args([
            "check",
            "-q",
            "--as-of",
            AS_OF,
            "sample-menus/problems.toml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("CRY004(plan-crypto-cap)") && !text.contains("1 menu,"));
}

#[test]
fn summary_line_counts_waived() {
    let (_, text) = run("human", &[WAIVED]);
    assert!(
        text.ends_with("1 menu, 12 errors, 3 warnings, 0 infos, 1 waived\n"),
        "{text}"
    );
}

/// JUnit marks as failures exactly what fails the run: a warning passes (its text in
/// the case's output) unless `--deny warnings`; input that cannot be checked is an
/// error, not a failure; class names are dotted.
#[test]
fn junit_agrees_with_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let menu = include_str!("../sample-menus/conventional.toml")
        .replace("expense_ratio_pct = 0.015", "expense_ratio_pct = 0.35");
    let path = write_in(dir.path(), "fee.toml", menu);
    let (code, xml) = run("junit", &[&path]);
    assert_eq!(code, 0);
    assert!(xml.contains(r#"failures="0" errors="0""#), "{xml}");
    assert!(xml.contains(r#"classname="menulint.fees""#), "{xml}");
    assert!(xml.contains("<system-out>warning: "), "{xml}");
    let out = menulint()
        .args([
            "check", "--as-of", AS_OF, "--deny", "warnings", "--format", "junit", &path,
        ])
        .output()
        .unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(xml.contains(r#"failures="1""#), "{xml}");
    let bad = write_in(dir.path(), "bad.toml", "schema_version = 1\n[plan\n");
    let (code, xml) = run("junit", &[&bad]);
    assert_eq!(code, 2);
    assert!(
        xml.contains(r#"errors="1""#) && xml.contains("<error "),
        "{xml}"
    );
    assert!(xml.contains(r#"classname="menulint.input""#), "{xml}");
}

/// Code scanning tracks a result by its fingerprint: it never holds the message
/// (a waiver's "expires in 20 days" becomes "19 days" the next day) or a position.
#[test]
fn sarif_fingerprints_hold_from_day_to_day() {
    let prints = |as_of: &str| {
        let out = menulint()
            .args(["check", "--as-of", as_of, "--format", "sarif", WAIVED])
            .output()
            .unwrap();
        let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut keys: Vec<String> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["menulint/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        keys.sort();
        keys
    };
    let (today, tomorrow) = (prints("2027-06-10"), prints("2027-06-11"));
    assert!(!today.is_empty());
    assert_eq!(today, tomorrow);
    assert!(
        today
            .iter()
            .all(|k| !k.contains("expires in") && !k.contains("options[")),
        "{today:?}"
    );
}

/// `concise`, `json-lines` and `gitlab` say the same findings as `json` (waived ones
/// left out), one per line or issue; GitLab's report validates against the fields
/// its format requires, and its fingerprints are unique and do not change with the
/// date of the run.
#[test]
fn concise_json_lines_and_gitlab_list_the_same_findings() {
    const PROBLEMS: &str = "sample-menus/problems.toml";
    let (code, json) = check_json(&[PROBLEMS]);
    assert_eq!(code, 1);
    let open: Vec<&Value> = first_findings(&json)
        .filter(|f| f["waiver"].is_null())
        .collect();
    assert!(open.len() > 5, "{json:#}");

    let (code, concise) = run("concise", &[PROBLEMS]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = concise.lines().collect();
    assert_eq!(lines.len(), open.len() + 1, "{concise}");
    for (line, f) in lines.iter().zip(&open) {
        assert_eq!(
            *line,
            format!(
                "{PROBLEMS}:{}:{}: {} {} {}",
                f["line"],
                f["column"],
                f["severity"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        );
    }
    assert!(lines.last().unwrap().starts_with("1 menu, "), "{concise}");

    let (_, jl) = run("json-lines", &[PROBLEMS]);
    let objects: Vec<Value> = jl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), open.len());
    for (o, f) in objects.iter().zip(&open) {
        assert_eq!(o["filename"], PROBLEMS);
        assert_eq!(
            (&o["rule"], &o["message"], &o["line"]),
            (&f["rule"], &f["message"], &f["line"])
        );
    }

    let (_, gitlab) = run("gitlab", &[PROBLEMS]);
    let issues: Value = serde_json::from_str(&gitlab).unwrap();
    let schema: Value =
        serde_json::from_str(include_str!("schemas/gitlab-codequality.schema.json")).unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&issues)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), open.len());
    let prints: std::collections::BTreeSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
    let later = menulint()
        .args([
            "check",
            "--as-of",
            "2027-01-15",
            "--format",
            "gitlab",
            PROBLEMS,
        ])
        .output()
        .unwrap();
    let later: Value = serde_json::from_slice(&later.stdout).unwrap();
    let later: std::collections::BTreeSet<&str> = later
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert!(
        prints.is_subset(&later) || later.is_subset(&prints),
        "fingerprints move with the date"
    );
}

/// A finding's text cannot forge a line or a workflow command in `concise`.
#[test]
fn concise_lines_cannot_be_forged() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(
        dir.path(),
        "m.toml",
        "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n\n[[options]]\nid = \"x\"\nname = \"X\\n::error file=a::forged\\u001b[2J\"\nvehicle = \"etf\"\nasset_class = \"digital_asset\"\n",
    );
    let (_, text) = run("concise", &[&menu]);
    assert!(
        text.contains("X\\n::error file=a::forged\\u{1b}[2J"),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("::")), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
}

/// A problem with the run itself (a selector that names no rule) is a tool
/// notification in SARIF and an annotation without a file on GitHub, never a
/// result at a file called "command line"; every built-in rule links its page.
#[test]
fn sarif_tells_the_run_from_its_files_and_links_each_rules_page() {
    let (code, text) = run("sarif", &["--select", "CRY07", WAIVED]);
    assert_eq!(code, 2);
    let sarif: Value = serde_json::from_str(&text).unwrap();
    let schema: Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&sarif));
    let run0 = &sarif["runs"][0];
    assert!(!text.contains("command%20line") && !text.contains("\"command line\""));
    let invocation = &run0["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert_eq!(notes[0]["level"], "error");
    assert!(notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("CRY07"));
    assert!(notes[0]["descriptor"]["id"]
        .as_str()
        .unwrap()
        .starts_with("menulint::"));
    assert_eq!(run0["automationDetails"]["id"], "menulint/");

    let (code, text) = run("github", &["--select", "CRY07", WAIVED]);
    assert_eq!(code, 2);
    let line = text.lines().next().unwrap();
    assert!(
        line.starts_with("::error title=menulint%3A%3Aconfig::"),
        "{line}"
    );
    assert!(!line.contains("file="), "{line}");

    // inputs the run cannot use before any menu is checked: a baseline that is
    // missing or of another format, a menu in force that does not parse, are each
    // a result at its file, as a broken menu is, in SARIF too (never text in place
    // of the report a CI job uploads), and the run is not a successful one
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json").display().to_string();
    let future = write_in(
        dir.path(),
        "future.json",
        "{\"menulint_baseline\": 2, \"findings\": []}\n",
    );
    for (baseline, words) in [
        (missing.as_str(), "cannot use the baseline"),
        (future.as_str(), "format 2"),
    ] {
        let (code, text) = run("sarif", &["--baseline", baseline, WAIVED]);
        assert_eq!(code, 2, "{text}");
        let sarif: Value = serde_json::from_str(&text).unwrap();
        assert!(validator.is_valid(&sarif));
        let run0 = &sarif["runs"][0];
        assert_eq!(run0["invocations"][0]["executionSuccessful"], false);
        let result = &run0["results"][0];
        assert_eq!(result["ruleId"], "menulint::baseline", "{text}");
        assert!(
            result["message"]["text"].as_str().unwrap().contains(words),
            "{text}"
        );
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        let name = Path::new(baseline).file_name().unwrap().to_str().unwrap();
        assert!(uri.ends_with(name), "{uri}");
        let (code, text) = run("github", &["--baseline", baseline, WAIVED]);
        assert_eq!(code, 2);
        assert!(
            text.starts_with(&format!("::error file={baseline},")),
            "{text}"
        );
        assert!(!text.contains("command line"), "{text}");
    }
    let bad = write_in(dir.path(), "in-force.toml", "schema_version = [");
    let (code, text) = run("sarif", &["--since", &bad, WAIVED]);
    assert_eq!(code, 2, "{text}");
    let sarif: Value = serde_json::from_str(&text).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "menulint::syntax", "{text}");
    let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.ends_with("in-force.toml"), "{uri}");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );

    // a clean run: one successful invocation, every rule of a built-in pack with its
    // page in the repository, a sponsor's own rule with none
    let (_, text) = run("sarif", &["--pack", "tests/packs/custom.toml", WAIVED]);
    let sarif: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    // the page as of this version's tag: the rule as this version runs it
    let prefix = format!(
        "https://github.com/menulint/menulint/blob/v{}/",
        env!("CARGO_PKG_VERSION")
    );
    for r in rules {
        let id = r["id"].as_str().unwrap();
        match r["helpUri"].as_str() {
            Some(uri) => {
                let page = uri.strip_prefix(&prefix).expect("a page in the repository");
                assert_eq!(page, format!("docs/rules/{id}.md"));
                assert!(Path::new(page).is_file(), "{page} is missing");
            }
            None => assert!(id.starts_with("ACM"), "{id} has no page"),
        }
    }
    assert!(rules
        .iter()
        .any(|r| r["id"] == "ACM001" && r["helpUri"].is_null()));
}

/// A lineup finding's SARIF location names its cell and sheet, as JSON does.
#[test]
fn sarif_locations_of_a_workbook_name_the_sheet() {
    let args = [
        "sample-menus/lineup/lineup.xlsx",
        "--map",
        "recordkeeper",
        "--plan",
        "sample-menus/lineup/plan.toml",
    ];
    let (_, json) = check_json(&args);
    let cells: Vec<String> = first_findings(&json)
        .filter_map(|f| f["cell"].as_str().map(str::to_owned))
        .collect();
    assert!(cells.iter().any(|c| c.contains('!')), "{cells:?}");
    let out = menulint()
        .args(["check", "--as-of", AS_OF, "--format", "sarif"])
        .args(args)
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let located: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["locations"][0])
        .filter_map(|l| {
            let cell = l["properties"]["cell"].as_str()?;
            let (sheet, _) = cell.rsplit_once('!').unwrap();
            assert_eq!(l["properties"]["sheet"], sheet);
            assert_eq!(l["message"]["text"], format!("cell {cell}"));
            Some(cell.to_owned())
        })
        .collect();
    assert_eq!(located, cells);
}

/// A finding's fingerprint is the same whichever other formats the run writes: a
/// lineup's note (no rule, identified by its line's text) once changed with
/// whether the run kept the file's text for SARIF or the human format.
#[test]
fn fingerprints_do_not_depend_on_the_other_formats_of_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let lineup = [
        "sample-menus/lineup/lineup.xlsx",
        "--map",
        "recordkeeper",
        "--plan",
        "sample-menus/lineup/plan.toml",
    ];
    let mut alone = vec!["check", "--as-of", AS_OF, "--format", "gitlab"];
    alone.extend(lineup);
    let mut with_sarif = alone.clone();
    let also = format!("sarif={}", sarif.display());
    with_sarif.extend(["--format", &also]);
    let (_, a) = binary_output(&alone);
    let (_, b) = binary_output(&with_sarif);
    let notes = |out: &[u8]| -> Vec<String> {
        let v: Value = serde_json::from_slice(out).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(notes(&a), notes(&b));
    assert_eq!(notes(&a).len(), 4, "{}", String::from_utf8_lossy(&a));
}
