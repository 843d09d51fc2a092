//! Sponsor configuration, waivers, baselines, `explain` and `init`.

use crate::common;
use common::*;

use serde_json::Value;
use std::path::Path;

/// (file name, rule, severity, line, waived) of every finding in the run.
fn findings(json: &Value) -> Vec<(String, String, String, u64, bool)> {
    let mut out = Vec::new();
    for f in json["files"].as_array().unwrap() {
        let name = Path::new(f["path"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for x in f["findings"].as_array().unwrap() {
            out.push((
                name.clone(),
                x["rule"].as_str().unwrap().to_owned(),
                x["severity"].as_str().unwrap().to_owned(),
                x["line"].as_u64().unwrap_or(0),
                x.get("waiver").is_some(),
            ));
        }
    }
    out
}

#[test]
fn nearest_config_wins_and_explicit_config_overrides_discovery() {
    let d = tempfile::tempdir().unwrap();
    write(
        &d.path().join("menulint.toml"),
        // the plan cap only warns by default (participants moved the money); this
        // committee has it block
        "[rules.CRY004]\nseverity = \"error\"\nparams = { max_pct = 2.0 }\n",
    );
    let top = write(&d.path().join("a/menu.toml"), BITCOIN);
    let (code, json) = check_json(&[&top]);
    assert_eq!((code, rules_of(&json)), (1, vec!["CRY004".to_owned()]));
    assert!(json["files"][0]["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("caps it at 2%"));

    // a nearer config replaces the parent's for menus below it
    write(
        &d.path().join("b/menulint.toml"),
        "[rules.CRY004]\nparams = { max_pct = 3.0 }\n",
    );
    let nested = write(&d.path().join("b/menu.toml"), BITCOIN);
    let (code, json) = check_json(&[&nested]);
    assert_eq!((code, rules_of(&json)), (0, Vec::<String>::new()));

    // --config takes precedence over discovery
    let explicit = write(
        &d.path().join("strict.toml"),
        "[rules.CRY004]\nseverity = \"error\"\nparams = { max_pct = 1.0 }\n",
    );
    let (code, json) = check_json(&["--config", &explicit, &nested]);
    assert_eq!((code, rules_of(&json)), (1, vec!["CRY004".to_owned()]));

    // `.menulint.toml` is a config too, and `menulint.toml` beside it comes first
    write(
        &d.path().join("c/.menulint.toml"),
        "[rules.CRY004]\nparams = { max_pct = 3.0 }\n",
    );
    let hidden = write(&d.path().join("c/menu.toml"), BITCOIN);
    let (code, json) = check_json(&[&hidden]);
    assert_eq!((code, rules_of(&json)), (0, Vec::<String>::new()));
    write(
        &d.path().join("c/menulint.toml"),
        "[rules.CRY004]\nseverity = \"error\"\nparams = { max_pct = 1.0 }\n",
    );
    let (code, json) = check_json(&[&hidden]);
    assert_eq!((code, rules_of(&json)), (1, vec!["CRY004".to_owned()]));
}

#[test]
fn severity_off_and_select_ignore() {
    let d = tempfile::tempdir().unwrap();
    let menu = write(&d.path().join("m.toml"), PROBLEMS);
    write(
        &d.path().join("menulint.toml"),
        "[rules.SCO003]\nseverity = \"info\"\n[rules.CRY004]\nseverity = \"off\"\n",
    );
    let (_, json) = check_json(&[&menu]);
    let found = findings(&json);
    assert!(found.iter().any(|f| f.1 == "SCO003" && f.2 == "info"));
    assert!(!found.iter().any(|f| f.1 == "CRY004"));

    let (code, json) = check_json(&["--select", "CRY00,STR006", "--ignore", "CRY002", &menu]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&json),
        ["CRY001", "CRY006", "STR006", "CRY003", "CRY005"]
    );

    // only warnings left: exit 0
    let (code, json) = check_json(&["--select", "FEE", &menu]);
    assert_eq!(
        (code, rules_of(&json)),
        (0, vec!["FEE001".to_owned(), "FEE001".to_owned()])
    );
}

#[test]
fn extends_merges_with_the_extending_config_winning() {
    let d = tempfile::tempdir().unwrap();
    write(
        &d.path().join("base.toml"),
        "[rules.FEE001]\nseverity = \"error\"\n[rules.CRY004]\nparams = { max_pct = 1.0 }\n",
    );
    write(
        &d.path().join("plans/menulint.toml"),
        "extends = \"../base.toml\"\n[rules.CRY004]\nparams = { max_pct = 2.0 }\n",
    );
    let menu = write(&d.path().join("plans/m.toml"), PROBLEMS);
    let (_, json) = check_json(&[&menu]);
    let found = findings(&json);
    assert!(found
        .iter()
        .filter(|f| f.1 == "FEE001")
        .all(|f| f.2 == "error"));
    let cry004 = first_findings(&json)
        .find(|f| f["rule"] == "CRY004")
        .unwrap();
    assert!(cry004["message"]
        .as_str()
        .unwrap()
        .ends_with("caps it at 2%."));
}

#[test]
fn config_errors_exit_2_at_their_line() {
    let d = tempfile::tempdir().unwrap();
    let menu = write(&d.path().join("m.toml"), BITCOIN);
    let cases = [
        (
            "[rules.CRY004]\nparams = { max_pct = \"3%\" }\n",
            2,
            "takes a number, not a string",
        ),
        (
            "[[waivers]]\nrule = \"FEE001\"\nreason = \" \"\napproved_by = \"Committee\"\nexpires = 2027-01-01\n",
            1,
            "a waiver needs its `reason` and who approved it",
        ),
        (
            "[rules.CRY004]\nparams = { max_pc = 3.0 }\n",
            2,
            "has no parameter `max_pc`",
        ),
        (
            "[rules.XYZ001]\nseverity = \"warning\"\n",
            1,
            "no rule XYZ001",
        ),
        (
            "[rules.CRY004]\nseverity = \"fatal\"\n",
            2,
            "unknown variant `fatal`",
        ),
        (
            "packs = [\"crypto\", \"../evil.toml\"]\n",
            1,
            "leaves the config's directory",
        ),
        (
            "packs = [\"/etc/passwd.toml\"]\n",
            1,
            "leaves the config's directory",
        ),
        (
            "packs = [\"missing.toml\"]\n",
            1,
            "cannot read `missing.toml`",
        ),
        ("packs = [\"cryptos\"]\n", 1, "neither a built-in pack"),
        ("colour = true\n", 1, "unknown key `colour`"),
    ];
    for (text, line, message) in cases {
        let config = write(&d.path().join("menulint.toml"), text);
        let (code, json) = check_json(&[&menu]);
        assert_eq!(code, 2, "{text}");
        let cfg = json["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == config.as_str())
            .unwrap_or_else(|| panic!("{text}: {json:#}"));
        let f = &cfg["findings"][0];
        assert_eq!(f["rule"], "menulint::config", "{text}");
        assert_eq!(f["line"], line, "{text}");
        assert!(
            f["message"].as_str().unwrap().contains(message),
            "{text}: {}",
            f["message"]
        );
    }
}

#[test]
fn a_custom_pack_from_the_config_is_applied() {
    let d = tempfile::tempdir().unwrap();
    write(
        &d.path().join("packs/acme.toml"),
        include_str!("packs/custom.toml"),
    );
    write(
        &d.path().join("menulint.toml"),
        "packs = [\"structure\", \"packs/acme.toml\"]\n",
    );
    let menu = write(&d.path().join("m.toml"), BITCOIN);
    let (code, json) = check_json(&[&menu]);
    assert_eq!((code, rules_of(&json)), (0, vec!["ACM001".to_owned()]));
}

const WAIVERS: &str = r#"
[[waivers]]
rule = "FEE001"
option = "gbtc"
reason = "Committee minutes 2026-03-14, item 4"
approved_by = "Investment Committee"
expires = 2027-06-30

[[waivers]]
rule = "SCO003"
reason = "Legacy option being wound down"
approved_by = "Investment Committee"
expires = 2026-10-01

[[waivers]]
rule = "STR005"
option = "sp500"
reason = "Old CUSIP correction"
approved_by = "Investment Committee"
expires = 2027-01-31

[[waivers]]
rule = "FEE001"
option = "nasdaq-3x"
reason = "Being replaced next quarter"
approved_by = "Investment Committee"
expires = 2026-12-10
"#;

#[test]
fn waivers_apply_expire_go_stale_and_warn_before_expiry() {
    let d = tempfile::tempdir().unwrap();
    let menu = write(&d.path().join("m.toml"), format!("{PROBLEMS}{WAIVERS}"));
    let (code, json) = check_json(&[&menu]);
    assert_eq!(code, 1);
    let found = findings(&json);
    let waived: Vec<_> = found
        .iter()
        .filter(|f| f.4)
        .map(|f| (f.1.as_str(), f.3))
        .collect();
    let fee_at = |needle: &str| line_of(PROBLEMS, needle) as u64;
    assert_eq!(
        waived,
        [
            ("FEE001", fee_at("expense_ratio_pct = 1.50")),
            ("FEE001", fee_at("expense_ratio_pct = 0.84"))
        ]
    );
    // the expired waiver no longer applies: the leverage finding stays an error
    assert!(found
        .iter()
        .any(|f| f.1 == "SCO003" && !f.4 && f.2 == "error"));
    let about: Vec<_> = found
        .iter()
        .filter(|f| f.1.starts_with("menulint::waiver"))
        .map(|f| (f.1.as_str(), f.2.as_str(), f.3))
        .collect();
    let base = PROBLEMS.lines().count() as u64;
    assert_eq!(
        about,
        [
            ("menulint::waiver-expired", "error", base + 13),
            ("menulint::waiver-unused", "warning", base + 16),
            ("menulint::waiver-expiring", "info", base + 27),
        ]
    );
    let w = &first_findings(&json)
        .find(|f| f["rule"] == "FEE001")
        .unwrap()["waiver"];
    assert_eq!(w["reason"], "Committee minutes 2026-03-14, item 4");
    assert_eq!(w["expires"], "2027-06-30");
    assert_eq!(json["summary"]["waived"], 2);

    // human output keeps waived findings visible, with reason and expiry
    let out = menulint()
        .args(["check", "--as-of", AS_OF, &menu])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("waived FEE001(expense-ratio-cap)"), "{text}");
    assert!(text.contains("reason: Committee minutes 2026-03-14, item 4 (approved by Investment Committee, expires 2027-06-30"));
    assert!(text.trim_end().ends_with(", 2 waived"), "{text}");
}

#[test]
fn config_waivers_apply_to_every_menu_and_stale_ones_are_reported_on_the_config() {
    let d = tempfile::tempdir().unwrap();
    let config = write(&d.path().join("menulint.toml"), WAIVERS);
    let menu = write(&d.path().join("m.toml"), PROBLEMS);
    let (_, json) = check_json(&[&menu]);
    let found = findings(&json);
    assert_eq!(found.iter().filter(|f| f.4).count(), 2);
    let on_config: Vec<_> = found
        .iter()
        .filter(|f| f.0 == "menulint.toml")
        .map(|f| (f.1.as_str(), f.3))
        .collect();
    assert_eq!(
        on_config,
        [
            ("menulint::waiver-expired", 13),
            ("menulint::waiver-unused", 16),
            ("menulint::waiver-expiring", 27)
        ]
    );
    assert_eq!(
        json["summary"]["menus"], 1,
        "the config is not counted as a menu: {config}"
    );
}

#[test]
fn baseline_hides_known_findings_even_when_lines_move() {
    let d = tempfile::tempdir().unwrap();
    let menu_path = d.path().join("m.toml");
    let menu = write(&menu_path, PROBLEMS);
    let baseline = d.path().join("baseline.json").display().to_string();
    // writing the baseline is the job: it says so and succeeds, printing no findings
    let out = menulint()
        .args([
            "check",
            "--as-of",
            AS_OF,
            "--write-baseline",
            &baseline,
            &menu,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("wrote 16 findings to {baseline}")),
        "{stderr}"
    );
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(recorded["findings"].as_array().unwrap().len(), 16);

    // move every line down and add one new problem
    let moved = format!(
        "# reviewed by the committee\n\n\n{}",
        PROBLEMS.replace("leverage = 3.0", "leverage = 3.0\nqdia = true")
    );
    write(&menu_path, &moved);
    let (code, json) = check_json(&["--baseline", &baseline, &menu]);
    assert_eq!(code, 1);
    // an ETF made the QDIA: not an eligible kind, and its manager unknown
    assert_eq!(rules_of(&json), ["STR003", "STR016"]);
    assert_eq!(json["summary"]["baselined"], 16);
}

#[test]
fn explain_runs_every_examples_and_reports_what_they_do() {
    let rules = menulint::rules::RuleSet::builtin().unwrap();
    for rule in rules.rules() {
        let examples = menulint::engine::examples::run_examples(&rules, rule, AS_OF);
        let reads = rules.reads(rule);
        // every rule reads the menu, and says what it reads
        assert!(!reads.is_empty(), "{}", rule.id);
        let text = menulint::render::explain(rule, &examples, &reads);
        assert!(text.contains("\nReads ("), "{}", rule.id);
        assert!(text.starts_with(&format!("{} {}", rule.id, rule.name)));
        assert!(text.contains(&format!("Basis: {}.", rule.basis.heading())));
        for a in &rule.authorities {
            assert!(text.contains(&a.cite), "{}: {}", rule.id, a.cite);
        }
        assert!(!text.contains("! the example says"), "{}: {text}", rule.id);
        let fails = text.matches("  → fails: ").count();
        assert_eq!(
            fails,
            rule.examples.iter().filter(|e| e.fails).count(),
            "{}",
            rule.id
        );
    }
    let out = menulint()
        .args(["explain", "cry004", "--as-of", AS_OF])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  max_pct = 5.0\n"));
    assert!(text.contains(
        "→ fails: Plan-level crypto exposure is 10% of plan assets; the policy caps it at 5%. (example line 12)"
    ));

    // a config override shows up with the pack default, and the example may change verdict
    let d = tempfile::tempdir().unwrap();
    let config = write(
        &d.path().join("c.toml"),
        "[rules.CRY004]\nparams = { max_pct = 12.0 }\n",
    );
    let out = menulint()
        .args(["explain", "CRY004", "--as-of", AS_OF, "--config", &config])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  max_pct = 12.0   (pack default: 5.0)"),
        "{text}"
    );
    assert!(
        text.contains("! the example says it fails; with the settings in force it passes"),
        "{text}"
    );

    menulint().args(["explain", "NOPE01"]).assert().code(2);
}

#[test]
fn rules_lists_active_rules_with_effective_severity() {
    let d = tempfile::tempdir().unwrap();
    let config = write(
        &d.path().join("c.toml"),
        "[rules.FEE001]\nseverity = \"error\"\n[rules.STR009]\nseverity = \"off\"\n",
    );
    let out = menulint()
        .args(["rules", "--format", "json", "--config", &config])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 46);
    assert!(!rows.iter().any(|r| r["id"] == "STR009"));
    assert_eq!(
        rows.iter().find(|r| r["id"] == "FEE001").unwrap()["severity"],
        "error"
    );
}

#[test]
fn init_writes_a_working_starter_and_never_overwrites() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().display().to_string();
    menulint().args(["init", &dir]).assert().success();
    // editors that read a `#:schema` directive validate and complete both files,
    // against the schemas of the menulint that wrote them (no local copy to go stale)
    let schema_line = |text: &str, kind: &str| {
        let (first, rest) = text.split_once('\n').unwrap();
        let url = first.strip_prefix("#:schema ").expect("a #:schema line");
        let rev = url
            .strip_prefix("https://raw.githubusercontent.com/menulint/menulint/")
            .and_then(|r| r.strip_suffix(&format!("/schemas/{kind}.schema.json")))
            .unwrap_or_else(|| panic!("{url}"));
        assert!(
            rev.starts_with('v') || (rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit())),
            "{rev}"
        );
        rest.to_owned()
    };
    let config = std::fs::read_to_string(d.path().join("menulint.toml")).unwrap();
    assert_eq!(
        schema_line(&config, "config"),
        menulint::policy::config::CONFIG_TEMPLATE
    );
    let menu = std::fs::read_to_string(d.path().join("menu.toml")).unwrap();
    schema_line(&menu, "menu");
    assert!(!d.path().join("menu.schema.json").exists());
    // `menulint schema KIND` prints each schema as built in
    for (kind, text) in [
        ("menu", menulint::menu::schema::MENU_SCHEMA),
        ("config", menulint::policy::config::CONFIG_SCHEMA),
        ("mapping", menulint::import::MAPPING_SCHEMA),
    ] {
        let out = menulint().args(["schema", kind]).output().unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), text, "{kind}");
    }
    // the starter config is valid and the example menu passes under it
    let (code, json) = check_json(&[&d.path().join("menu.toml").display().to_string()]);
    assert_eq!((code, rules_of(&json)), (0, Vec::<String>::new()));
    // a second run refuses and leaves the files alone
    std::fs::write(d.path().join("menu.toml"), "edited").unwrap();
    menulint().args(["init", &dir]).assert().code(2);
    assert_eq!(
        std::fs::read_to_string(d.path().join("menu.toml")).unwrap(),
        "edited"
    );
}

/// The policy that governs a menu is found from the path the user names, and an
/// exclude matches that path: a symbolic link never moves a menu out from under
/// its repository's config, nor hides a live menu behind an excluded target.
#[cfg(unix)]
#[test]
fn links_never_move_a_menu_out_from_under_its_policy() {
    use std::os::unix::fs::symlink;
    let root = tempfile::tempdir().unwrap();
    let repo = root.path().join("repo");
    let outside = root.path().join("outside");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    write(
        &repo.join("menulint.toml"),
        "exclude = [\"plans/archive\"]\n",
    );
    // a lax policy beside the link's target
    write(
        &outside.join("menulint.toml"),
        "[rules.CRY004]\nparams = { max_pct = 50.0 }\n",
    );
    write(
        &outside.join("acme.toml"),
        include_str!("../sample-menus/problems.toml"),
    );
    symlink(&outside, repo.join("plans")).unwrap();
    // `check --format json PATH` run in `dir`
    let check_in = |dir: &Path, path: &str| -> Value {
        let out = menulint()
            .current_dir(dir)
            .args(["check", "--format", "json", "--as-of", AS_OF, path])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let json = check_in(&repo, "plans/acme.toml");
    assert!(
        first_findings(&json).any(|f| f["rule"] == "CRY004"),
        "the repository's 5 % cap governs: {json:#}"
    );

    // a live menu that links into an excluded directory is still checked
    let plans = root.path().join("repo2");
    std::fs::create_dir_all(plans.join(".git")).unwrap();
    write(
        &plans.join("menulint.toml"),
        "exclude = [\"plans/archive\"]\n",
    );
    write(
        &plans.join("plans/archive/2026.toml"),
        include_str!("../sample-menus/problems.toml"),
    );
    symlink("archive/2026.toml", plans.join("plans/current.toml")).unwrap();
    let json = check_in(&plans, "plans/");
    let paths: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(paths, ["plans/current.toml"], "{json:#}");
}

/// Opt-in rules can be discovered: `rules --all` lists them with what puts them in
/// force, `--select` of an opt-in pack's rules names the `packs` entry, and `explain`
/// says why a rule is not in force.
#[test]
fn opt_in_rules_are_discoverable() {
    let d = tempfile::tempdir().unwrap();
    let out = menulint()
        .current_dir(d.path())
        .args(["rules", "--all"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    let line = |id: &str| {
        table
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        line("SEL001").ends_with("opt-in: name \"selection\" in packs"),
        "{table}"
    );
    assert!(
        line("MON001").ends_with("opt-in: name \"monitoring\" in packs"),
        "{table}"
    );
    assert!(line("CRY001").ends_with("in force"), "{table}");
    assert!(line("STR001").contains(" safe-harbor "), "{table}");
    let menu = write(&d.path().join("m.toml"), BITCOIN);
    let out = menulint()
        .current_dir(d.path())
        .args(["check", "--as-of", AS_OF, "--select", "SEL", &menu])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text.contains("--select `SEL` names rules of the opt-in pack `selection`"),
        "{text}"
    );
    assert!(text.contains("\"fees\", \"selection\"]"), "{text}");
    let out = menulint()
        .current_dir(d.path())
        .args(["explain", "SEL001"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("not in force: the `selection` pack is opt-in"),
        "{text}"
    );
}

/// `init` writes its two files or none: when the second cannot be written (here a
/// dangling link stands where the example menu goes), the config already written is
/// removed, and the run exits 2.
#[cfg(unix)]
#[test]
fn init_writes_all_its_files_or_none() {
    let d = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(d.path().join("nowhere"), d.path().join("menu.toml")).unwrap();
    let out = menulint().args(["init"]).arg(d.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!d.path().join("menulint.toml").exists());
    assert!(!d.path().join("nowhere").exists());
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
