//! Inputs built to exhaust the machine (oversized files, deep nesting, long
//! look-through chains, rule packs that loop or grow strings) are refused or
//! bounded: exit 2 with a located message, in bounded time, never a panic. Time
//! bounds are generous (debug builds, 2 cores).

use crate::common;
use common::*;
use std::time::Duration;

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
fn a_ten_megabyte_string_is_handled() {
    let dir = tempfile::tempdir().unwrap();
    let text = PROBLEMS.replace(
        "name = \"ProShares UltraPro QQQ\"",
        &format!("name = \"{}\"", "x".repeat(10 * 1024 * 1024)),
    );
    let path = write_in(dir.path(), "long.toml", text.as_bytes());
    let (code, json) = check_json(&[&path]);
    assert_eq!(code, 1);
    assert_eq!(json["files"][0]["findings"].as_array().unwrap().len(), 16);
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

/// The longest look-through chain a menu can hold is checked, not refused or
/// stuck (a hang guard only: the 100,000-option chain's time is a benchmark,
/// `benches/chains.sh`).
#[test]
fn long_holdings_chains_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let m = write_in(dir.path(), "chain.toml", chain(8_000));
    for format in ["json", "junit"] {
        let (code, took, out) = timed(&["check", "--as-of", AS_OF, "--format", format, &m]);
        assert_eq!(code, 1, "{format}");
        assert!(took < Duration::from_secs(60), "{format}: {took:?}");
        assert!(!out.is_empty());
    }
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

    // a rule that runs past its evaluation budget is stopped: tested in process,
    // with a budget of milliseconds (`engine::evaluate`'s budget test)
    let big = write_in(dir.path(), "big.toml", chain(400));

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
