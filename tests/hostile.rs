//! Hostile and malformed inputs: each is refused with a clear, located error (exit 2)
//! in bounded time, never a panic; output files are never left half-written.

mod common;
use common::*;

use assert_cmd::Command;
use serde_json::Value;

const PROBLEMS: &str = include_str!("../sample-menus/problems.toml");

fn first(json: &Value) -> &Value {
    &json["files"][0]["findings"][0]
}

#[test]
fn oversized_files_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    let (code, json) = check_json(&[&path.display().to_string()]);
    assert_eq!(
        (code, first(&json)["rule"].as_str()),
        (2, Some("menulint::too-large"))
    );

    // a million options is far over the limit too
    let option = "[[options]]\nid = \"o\"\nname = \"Fund\"\nvehicle = \"etf\"\nasset_class = \"us_equity\"\n";
    let big = format!(
        "schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n{}",
        option.repeat(1_000_000)
    );
    let path = write_in(dir.path(), "million.toml", big.as_bytes());
    let (code, json) = check_json(&[&path]);
    assert_eq!(
        (code, first(&json)["rule"].as_str()),
        (2, Some("menulint::too-large"))
    );
}

#[test]
fn deep_nesting_is_refused_at_a_position() {
    let dir = tempfile::tempdir().unwrap();
    let n = 10_000;
    let cases = [
        format!("a = {}{}\n", "[".repeat(n), "]".repeat(n)),
        format!("a = {}1{}\n", "{b = ".repeat(n), "}".repeat(n)),
        format!("{} = 1\n", vec!["k"; n].join(".")),
        format!("[{}]\n", vec!["k"; n].join(".")),
        // within the parser's limits but beyond the menu's
        format!("a = {}{}\n", "[".repeat(100), "]".repeat(100)),
    ];
    for (i, text) in cases.iter().enumerate() {
        let path = write_in(dir.path(), &format!("deep{i}.toml"), text.as_bytes());
        let (code, json) = check_json(&[&path]);
        assert_eq!(code, 2, "case {i}");
        assert!(
            first(&json)["line"].as_u64() >= Some(1),
            "case {i}: {json:#}"
        );
    }
}

#[test]
fn non_finite_and_negative_numbers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (value, rule) in [
        ("nan", "menulint::schema"),
        ("inf", "menulint::schema"),
        ("-inf", "menulint::schema"),
        ("-5.0", "menulint::schema"),
    ] {
        let text = PROBLEMS.replace(
            "expense_ratio_pct = 0.84",
            &format!("expense_ratio_pct = {value}"),
        );
        let path = write_in(dir.path(), "n.toml", text.as_bytes());
        let (code, json) = check_json(&[&path]);
        assert_eq!(code, 2, "{value}");
        let f = first(&json);
        assert_eq!(
            (f["rule"].as_str(), f["line"].as_u64()),
            (Some(rule), Some(136)),
            "{value}: {f:#}"
        );
    }
    let text = PROBLEMS.replace("leverage = 3.0", "leverage = 3.0\nleverage = 2.0");
    let path = write_in(dir.path(), "dup.toml", text.as_bytes());
    let (code, json) = check_json(&[&path]);
    assert_eq!(
        (
            code,
            first(&json)["rule"].as_str(),
            first(&json)["line"].as_u64()
        ),
        (2, Some("menulint::syntax"), Some(138))
    );
}

#[test]
fn a_ten_megabyte_string_is_handled() {
    let dir = tempfile::tempdir().unwrap();
    let text = PROBLEMS.replace(
        "name = \"ProShares UltraPro QQQ\"",
        &format!("name = \"{}\"", "x".repeat(10 * 1024 * 1024)),
    );
    let path = write_in(dir.path(), "long.toml", text.as_bytes());
    let (code, json) = check_json(&[&path]);
    assert_eq!(code, 1);
    assert_eq!(json["files"][0]["findings"].as_array().unwrap().len(), 15);
}

#[test]
fn bom_and_crlf_keep_spans_right() {
    let dir = tempfile::tempdir().unwrap();
    let (_, plain) = check_json(&["sample-menus/problems.toml"]);
    let crlf = PROBLEMS.replace('\n', "\r\n");
    let with_bom = format!("\u{feff}{crlf}");
    for (name, text) in [("crlf.toml", crlf.clone()), ("bom.toml", with_bom)] {
        let path = write_in(dir.path(), name, text.as_bytes());
        let (code, json) = check_json(&[&path]);
        assert_eq!(code, 1, "{name}");
        let loc = |j: &Value| -> Vec<(u64, u64, u64, u64)> {
            j["files"][0]["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["line"].as_u64().unwrap(),
                        f["column"].as_u64().unwrap(),
                        f["end_line"].as_u64().unwrap(),
                        f["end_column"].as_u64().unwrap(),
                    )
                })
                .collect()
        };
        let expected: Vec<_> = loc(&plain);
        let got = loc(&json);
        // a BOM is not a column of the first line, and CR is not part of a line
        assert_eq!(got, expected, "{name}");
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_a_directory_run_terminates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::copy("sample-menus/bitcoin.toml", dir.path().join("sub/m.toml")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
    let (code, json) = check_json(&[&dir.path().display().to_string()]);
    assert_eq!(code, 0);
    assert_eq!(json["files"].as_array().unwrap().len(), 1);
}

fn pack_with_check(check: &str) -> String {
    include_str!("packs/custom.toml").replace(
        "check = \"size(options) <= params.max\"",
        &format!("check = '''{check}'''"),
    )
}

#[test]
fn hostile_rule_packs_are_refused_or_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // deeply nested CEL: refused by the parser's depth limit
    let deep = write_in(
        dir.path(),
        "deep.toml",
        pack_with_check(&format!("{}true{}", "(".repeat(5000), ")".repeat(5000))).as_bytes(),
    );
    let (code, json) = check_json(&["--pack", &deep, "sample-menus/bitcoin.toml"]);
    assert_eq!(code, 2);
    let pack = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == deep.as_str())
        .unwrap();
    assert_eq!(
        (
            pack["findings"][0]["rule"].as_str(),
            pack["findings"][0]["line"].as_u64()
        ),
        (Some("menulint::rule-pack"), Some(17))
    );

    // a huge flat expression compiles and runs
    let huge = write_in(
        dir.path(),
        "huge.toml",
        pack_with_check(&vec!["size(options) > 0"; 20_000].join(" && ")).as_bytes(),
    );
    let (code, _) = check_json(&["--pack", &huge, "sample-menus/bitcoin.toml"]);
    assert_eq!(code, 0);

    // a catastrophic-backtracking pattern is linear with the regex crate: 100k characters
    let evil = write_in(
        dir.path(),
        "evil.toml",
        pack_with_check("!options.exists(o, o.name.matches('^(a+)+$'))").as_bytes(),
    );
    let menu = include_str!("../sample-menus/bitcoin.toml").replace(
        "name = \"Fidelity 500 Index Fund\"",
        &format!("name = \"{}!\"", "a".repeat(100_000)),
    );
    let menu_path = write_in(dir.path(), "m.toml", menu.as_bytes());
    let (code, json) = check_json(&["--pack", &evil, &menu_path]);
    assert_eq!(code, 0, "{json:#}");
}

/// Kills a run while it writes its SARIF output: the target always holds a complete
/// document (the old one or the new one), never a truncated one.
#[cfg(unix)]
#[test]
fn killing_a_run_never_leaves_a_truncated_output() {
    let dir = tempfile::tempdir().unwrap();
    let menus = dir.path().join("menus");
    std::fs::create_dir(&menus).unwrap();
    for i in 0..400 {
        std::fs::write(menus.join(format!("m{i:03}.toml")), PROBLEMS).unwrap();
    }
    let target = dir.path().join("out.sarif");
    std::fs::write(&target, "{\"old\": true}").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("menulint");
    for delay_ms in [5, 20, 60, 120, 250, 400, 800] {
        let mut child = std::process::Command::new(&bin)
            .args(["check", "--as-of", AS_OF, "--format", "sarif", "--output"])
            .arg(&target)
            .arg(&menus)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(&target).unwrap();
        let parsed: Result<Value, _> = serde_json::from_str(&text);
        assert!(
            parsed.is_ok(),
            "truncated output after a kill at {delay_ms} ms ({} bytes)",
            text.len()
        );
    }
    // and no temporary files are left beside it by a completed run (a killed run
    // cannot remove its own: clear those first)
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let p = e.unwrap().path();
        if p != target && p != menus {
            std::fs::remove_file(p).unwrap();
        }
    }
    Command::new(&bin)
        .args(["check", "--as-of", AS_OF, "--format", "sarif", "--output"])
        .arg(&target)
        .arg(&menus)
        .assert()
        .code(1);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

/// A baseline is an input like any other: a FIFO or a device is refused at once
/// (never read forever), and a baseline in a format this menulint does not write is
/// refused, never half-understood.
#[test]
fn baselines_are_regular_files_of_a_known_format() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(
        dir.path(),
        "m.toml",
        include_str!("../sample-menus/bitcoin.toml"),
    );
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let mut cases: Vec<(String, &str)> = vec![("/dev/zero".to_owned(), "not a regular file")];
    if made.is_ok_and(|s| s.success()) {
        cases.push((fifo.to_string_lossy().into_owned(), "not a regular file"));
    }
    let future = write_in(
        dir.path(),
        "future.json",
        "{\"menulint_baseline\": 2, \"findings\": []}\n",
    );
    cases.push((future, "format 2; this menulint reads format 1"));
    for (baseline, words) in cases {
        let out = menulint()
            .args(["check", "--as-of", AS_OF, "--baseline", &baseline, &menu])
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{baseline}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words), "{baseline}: {err}");
    }
}
