//! Hostile inputs, round 2: hangs, quadratic paths, numbers and dates, file names,
//! selectors and planted configs. Time bounds are generous (debug builds, 2 cores).

mod common;
use common::*;
use std::time::{Duration, Instant};

const BITCOIN: &str = include_str!("../sample-menus/bitcoin.toml");

/// A menu of `n` options, each holding the next: the longest look-through chain.
fn chain(n: usize) -> String {
    let mut s = String::from("schema_version = 1\n[plan]\nname = \"P\"\nsponsor = \"S\"\n");
    for i in 0..n {
        s.push_str(&format!(
            "[[options]]\nid = \"o{i}\"\nname = \"O{i}\"\nvehicle = \"cit\"\nasset_class = \"balanced\"\nassets_usd = 1000\n"
        ));
        if i + 1 < n {
            s.push_str(&format!(
                "[[options.holdings]]\noption = \"o{}\"\nweight_pct = 50.0\n",
                i + 1
            ));
        } else {
            s.push_str("exposure = { crypto_pct = 4.0, crypto_assets = [\"BTC\"] }\n");
        }
    }
    s
}

fn timed(args: &[&str]) -> (i32, Duration, Vec<u8>) {
    let start = Instant::now();
    let out = menulint().args(args).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    (out.status.code().unwrap(), start.elapsed(), out.stdout)
}

#[test]
fn long_holdings_chains_are_linear() {
    let dir = tempfile::tempdir().unwrap();
    let m = write_in(dir.path(), "chain.toml", chain(8_000));
    for format in ["json", "junit"] {
        let (code, took, out) = timed(&["check", "--as-of", AS_OF, "--format", format, &m]);
        assert_eq!(code, 1, "{format}");
        assert!(took < Duration::from_secs(60), "{format}: {took:?}");
        assert!(!out.is_empty());
    }
    let big = write_in(dir.path(), "big.toml", chain(100_000));
    let (code, took, _) = timed(&[
        "check",
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--max-file-size",
        "100000000",
        &big,
    ]);
    assert_eq!(code, 1);
    assert!(
        took < Duration::from_secs(120),
        "100,000-option chain: {took:?}"
    );
}

#[cfg(unix)]
#[test]
fn fifos_never_block_a_run() {
    let dir = tempfile::tempdir().unwrap();
    write_in(dir.path(), "menu.toml", BITCOIN);
    let fifo = dir.path().join("pipe.toml");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // in a directory: skipped, and said so
    let (code, took, out) = timed(&[
        "check",
        "--format",
        "json",
        &dir.path().display().to_string(),
    ]);
    assert!(took < Duration::from_secs(30));
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(json.to_string().contains("not a regular file"), "{json:#}");
    // named as a menu or as a pack: an error, not a wait
    let f = fifo.display().to_string();
    let (code, took, _) = timed(&["check", &f]);
    assert_eq!(code, 2);
    assert!(took < Duration::from_secs(30));
    let menu = dir.path().join("menu.toml").display().to_string();
    let (code, took, _) = timed(&["check", "--pack", &f, &menu]);
    assert_eq!(code, 2);
    assert!(took < Duration::from_secs(30));
}

#[cfg(unix)]
#[test]
fn deep_directories_are_walked_or_reported_never_skipped() {
    let dir = tempfile::tempdir().unwrap();
    // 1,000 levels: found, in bounded time
    let deep = (0..1000).fold(dir.path().join("a"), |p, _| p.join("d"));
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("menu.toml"), BITCOIN).unwrap();
    let root = dir.path().join("a").display().to_string();
    let (code, took, out) = timed(&["check", "--format", "json", &root]);
    assert_eq!(code, 0);
    assert!(took < Duration::from_secs(60), "{took:?}");
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["summary"]["menus"], 1);
    // 2,100 levels: deeper than a path can name; an error, not silence
    let b = dir.path().join("b");
    std::fs::create_dir(&b).unwrap();
    // built in chunks from relative paths: no single path may exceed PATH_MAX
    let rel = |n: usize| vec!["d"; n].join("/");
    let menu = std::fs::canonicalize("sample-menus/bitcoin.toml").unwrap();
    let mut at = b.clone();
    for n in [1000, 1000] {
        let ok = std::process::Command::new("mkdir")
            .args(["-p", &rel(n)])
            .current_dir(&at)
            .status()
            .unwrap();
        assert!(ok.success());
        at = at.join(rel(n));
    }
    let ok = std::process::Command::new("sh")
        .args(["-c", "mkdir -p \"$1\" && cp \"$2\" \"$1/menu.toml\"", "sh"])
        .arg(rel(100))
        .arg(&menu)
        .current_dir(&at)
        .status()
        .unwrap();
    assert!(ok.success());
    let (code, _, out) = timed(&["check", "--format", "json", &b.display().to_string()]);
    assert_eq!(code, 2, "{}", String::from_utf8_lossy(&out));
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(json.to_string().contains("menulint::io"));
}

#[test]
fn numbers_and_dates_out_of_range_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    // whole dollars written as floats are dollars
    let m = write_in(
        dir.path(),
        "f.toml",
        BITCOIN.replace("assets_usd = 6000000", "assets_usd = 6000000.0"),
    );
    let (code, _) = check_json(&[&m]);
    assert_eq!(code, 0);
    // dates outside 1900-2200, in a menu or a config waiver
    let m = write_in(
        dir.path(),
        "d.toml",
        BITCOIN.replacen("inception_date = ", "inception_date = 0000-01-01\n# ", 1),
    );
    let (code, json) = check_json(&[&m]);
    assert_eq!(code, 2);
    let f = &json["files"][0]["findings"][0];
    assert_eq!(f["rule"], "menulint::schema");
    assert!(f["message"].as_str().unwrap().contains("out of range"));
    assert!(f["line"].as_u64().unwrap() > 1);
    let config = write_in(
        dir.path(),
        "menulint.toml",
        "[[waivers]]\nrule = \"FEE001\"\nreason = \"r\"\napproved_by = \"c\"\nexpires = 0000-01-01\n",
    );
    let (code, json) = check_json(&["--config", &config, &m]);
    assert_eq!(code, 2, "{json:#}");
    // command-line dates and sizes
    for bad in ["+202-01-01", "-001-01-01", "0000-01-01", "2026-02-30"] {
        let out = menulint()
            .args([
                "check",
                &format!("--as-of={bad}"),
                "sample-menus/bitcoin.toml",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    let (code, _) = check_json(&[
        "--max-file-size",
        "18446744073709551615",
        "sample-menus/bitcoin.toml",
    ]);
    assert_eq!(code, 0, "a huge limit does not wrap to zero");
    // an inception date after the check date is warned about, and the performance
    // rule does not read it as a fund with nothing to report
    let dir = tempfile::tempdir().unwrap();
    let m = write_in(
        dir.path(),
        "future.toml",
        BITCOIN.replace("inception_date = 2024-01-11", "inception_date = 2099-01-11"),
    );
    let (_, json) = check_json(&[&m]);
    let rules = json.to_string();
    assert!(rules.contains("STR014"), "{json:#}");
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_stay_apart() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    for name in [&b"caf\xe9.toml"[..], &b"caf\xe8.toml"[..]] {
        std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(name)), BITCOIN).unwrap();
    }
    let (code, json) = check_json(&[&dir.path().display().to_string()]);
    assert_eq!(code, 0);
    let paths: Vec<String> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths[0].ends_with(r"caf\xe8.toml") && paths[1].ends_with(r"caf\xe9.toml"),
        "{paths:?}"
    );
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
    let (code, json) = check_json(&[
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
fn a_planted_config_outside_the_repository_does_not_govern_it() {
    // discovery stops at the repository root: this repository has no menulint.toml
    // at its root, and the tests' own menus are checked with the built-in packs
    let (_, json) = check_json(&["sample-menus/problems.toml"]);
    assert!(rules_of(&json).len() >= 15);
    // a config that switches every rule off is an error unless it says so
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let m = write_in(
        dir.path(),
        "proj/m.toml",
        include_str!("../sample-menus/problems.toml"),
    );
    write_in(dir.path(), "proj/menulint.toml", "packs = []\n");
    let (code, json) = check_json(&[&m]);
    assert_eq!(code, 2, "{json:#}");
    assert!(json.to_string().contains("no rule is in force"));
    write_in(
        dir.path(),
        "proj/menulint.toml",
        "packs = []\nallow_no_rules = true\n",
    );
    let (code, _) = check_json(&[&m]);
    assert_eq!(code, 0);
    // above the repository root, a planted config is not read
    let outer = tempfile::tempdir().unwrap();
    write_in(
        outer.path(),
        "menulint.toml",
        "packs = []\nallow_no_rules = true\n",
    );
    std::fs::create_dir(outer.path().join("repo")).unwrap();
    std::fs::create_dir(outer.path().join("repo/.git")).unwrap();
    let m = write_in(
        outer.path(),
        "repo/plans/m.toml",
        include_str!("../sample-menus/problems.toml"),
    );
    let (code, json) = check_json(&[&m]);
    assert_eq!(code, 1, "the built-in packs apply: {json:#}");
}

fn pack_with(check: &str, extra: &str) -> String {
    include_str!("packs/custom.toml").replace(
        "check = \"size(options) <= params.max\"",
        &format!("check = '''{check}'''\n{extra}"),
    )
}

fn pack_run(dir: &std::path::Path, pack: &str, menu: &str) -> (i32, Duration, serde_json::Value) {
    let p = write_in(dir, "hostile-pack.toml", pack);
    let (code, took, out) = timed(&[
        "check", "--as-of", AS_OF, "--format", "json", "--pack", &p, menu,
    ]);
    (code, took, serde_json::from_slice(&out).unwrap())
}

#[test]
fn rule_packs_cannot_exhaust_memory_or_time() {
    let dir = tempfile::tempdir().unwrap();
    let menu = "sample-menus/bitcoin.toml";
    // a string doubled forty times through lets: stopped at the first let over the limit
    let lets: Vec<String> = (1..=40)
        .map(|i| format!("a{i:02} = \"a{:02} + a{:02}\"", i - 1, i - 1))
        .collect();
    let pack = pack_with(
        "size(a40) > 0",
        &format!(
            "let = {{ a00 = \"'xxxxxxxxxxxxxxxx'\", {} }}",
            lets.join(", ")
        ),
    );
    let (code, took, json) = pack_run(dir.path(), &pack, menu);
    assert_eq!(code, 2, "{json:#}");
    assert!(took < Duration::from_secs(30));
    assert!(json.to_string().contains("over the limit"), "{json:#}");

    // the same in one expression, with replace: refused when the pack loads, at its line
    let mut grow = "'x'".to_owned();
    for _ in 0..40 {
        grow = format!("{grow}.replace('x', 'xx')");
    }
    let (code, _, json) = pack_run(
        dir.path(),
        &pack_with(&format!("size({grow}) > 0"), ""),
        menu,
    );
    assert_eq!(code, 2);
    let text = json.to_string();
    assert!(
        text.contains("menulint::rule-pack") && text.contains("nest 40 deep"),
        "{json:#}"
    );

    // five nested loops over a 100-element list: refused when the pack loads
    let list = format!(
        "[{}]",
        (0..100)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let nested = format!("{list}.all(a, {list}.all(b, {list}.all(c, {list}.all(d, {list}.all(e, a + b + c + d + e >= 0)))))");
    let (code, _, json) = pack_run(dir.path(), &pack_with(&nested, ""), menu);
    assert_eq!(code, 2);
    assert!(json.to_string().contains("nest 5 deep"), "{json:#}");

    // three nested loops over a large menu's options: stopped by the time budget
    let big = write_in(dir.path(), "big.toml", chain(400));
    let slow = "options.all(a, options.all(b, options.all(c, a.index + b.index + c.index >= 0)))";
    let (code, took, json) = pack_run(dir.path(), &pack_with(slow, ""), &big);
    assert_eq!(code, 2, "{json:#}");
    assert!(took < Duration::from_secs(60), "{took:?}");
    assert!(json.to_string().contains("evaluation budget"), "{json:#}");

    // a pattern of 3,000 alternatives is compiled once, not once per option
    let alts: Vec<String> = (0..3000).map(|i| format!("fund{i}")).collect();
    let pattern = format!("^({})$", alts.join("|"));
    let pack = include_str!("packs/custom.toml")
        .replace("scope = \"plan\"", "scope = \"option\"")
        .replace(
            "check = \"size(options) <= params.max\"",
            &format!("check = \"!option.name.matches('{pattern}')\""),
        )
        .replace("at = \"options[{params.max}].id\"", "at = \"name\"");
    let (code, took, json) = pack_run(dir.path(), &pack, &big);
    assert!(code == 0 || code == 1, "{json:#}");
    assert!(took < Duration::from_secs(60), "{took:?}");
}
