//! The file system as users and attackers shape it: symbolic links and their loops,
//! FIFOs, deep directories, names that are not UTF-8, a config planted outside the
//! repository, baselines that are not regular files. A run never hangs, never skips
//! a menu in silence, and a link never moves a menu out from under its policy.

use crate::common;
use common::*;
use std::time::Duration;

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_a_directory_run_terminates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::copy("sample-menus/bitcoin.toml", dir.path().join("sub/m.toml")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
    let (code, json) = check_json_binary(&[&dir.path().display().to_string()]);
    assert_eq!(code, 0);
    assert_eq!(json["files"].as_array().unwrap().len(), 1);
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
    // a file past the size limit is refused before it is read (sparse: no disk used)
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(300 * 1024 * 1024)
        .unwrap();
    cases.push((huge.to_string_lossy().into_owned(), "limit"));
    for (baseline, words) in cases {
        let out = menulint()
            .args(["check", "--as-of", AS_OF, "--baseline", &baseline, &menu])
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{baseline}");
        // reported as the run's own problem, where the findings would be
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("menulint::baseline"), "{baseline}: {said}");
        assert!(said.contains(words), "{baseline}: {said}");
    }
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

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_stay_apart() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    for name in [&b"caf\xe9.toml"[..], &b"caf\xe8.toml"[..]] {
        std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(name)), BITCOIN).unwrap();
    }
    let (code, json) = check_json_binary(&[&dir.path().display().to_string()]);
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
fn a_planted_config_outside_the_repository_does_not_govern_it() {
    // discovery stops at the repository root: this repository has no menulint.toml
    // at its root, and the tests' own menus are checked with the built-in packs
    let (_, json) = check_json_binary(&["sample-menus/problems.toml"]);
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
    let (code, json) = check_json_binary(&[&m]);
    assert_eq!(code, 2, "{json:#}");
    assert!(json.to_string().contains("no rule is in force"));
    write_in(
        dir.path(),
        "proj/menulint.toml",
        "packs = []\nallow_no_rules = true\n",
    );
    let (code, _) = check_json_binary(&[&m]);
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
    let (code, json) = check_json_binary(&[&m]);
    assert_eq!(code, 1, "the built-in packs apply: {json:#}");
}
