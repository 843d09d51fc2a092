//! Output files: each format where the command line says, never over an input,
//! never two in one file, links followed, devices written, pipes closed early.

use crate::common;
use assert_cmd::Command;
use common::*;
use serde_json::Value;
use std::io::Read;
use std::process::Stdio;

/// The binary as a plain process, for redirecting its standard output.
fn bin() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("menulint"));
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn the_readme_ci_command_writes_each_format_to_its_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("plans");
    write(&plans.join("acme.toml"), PROBLEMS);
    let out = menulint()
        .current_dir(dir.path())
        .args(["check", "--as-of", AS_OF, "plans/"])
        .args(["--format", "github"])
        .args(["--format", "sarif", "--output", "menulint.sarif"])
        .args(["--format", "markdown", "--output", "menulint.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.lines().all(|l| l.starts_with("::")), "{stdout}");
    let sarif = std::fs::read_to_string(dir.path().join("menulint.sarif")).unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&sarif).unwrap()["version"] == "2.1.0");
    let md = std::fs::read_to_string(dir.path().join("menulint.md")).unwrap();
    assert!(md.starts_with("## ❌ menulint:"), "{md}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("wrote menulint.sarif") && stderr.contains("wrote menulint.md"));

    // FORMAT=FILE says the same in one argument
    let out = menulint()
        .current_dir(dir.path())
        .args([
            "check",
            "--as-of",
            AS_OF,
            "plans/",
            "--format",
            "json=run.json",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    assert!(std::fs::read_to_string(dir.path().join("run.json"))
        .unwrap()
        .contains("\"summary\""));
}

#[test]
fn ambiguous_pairings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let m = write_in(dir.path(), "m.toml", PROBLEMS);
    let o = dir.path().join("o.txt").display().to_string();
    for args in [
        vec!["--output", o.as_str(), "--format", "json"],
        vec!["--format", "json", "--format", "sarif"],
        vec![
            "--format",
            "json",
            "--output",
            o.as_str(),
            "--output",
            "b.txt",
        ],
    ] {
        let out = menulint()
            .arg("check")
            .args(&args)
            .arg(&m)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    }
    assert!(!dir.path().join("o.txt").exists());
}

#[test]
fn no_output_overwrites_an_input_or_another_output() {
    let dir = tempfile::tempdir().unwrap();
    let m = write_in(dir.path(), "m.toml", PROBLEMS);
    let config = write_in(
        dir.path(),
        "menulint.toml",
        "[rules.FEE001]\nseverity = \"error\"\n",
    );
    let pack = write_in(dir.path(), "pack.toml", include_str!("packs/custom.toml"));
    let same = dir.path().join("out.json").display().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec![
            "check".into(),
            "--format".into(),
            format!("json={m}"),
            m.clone(),
        ],
        vec![
            "check".into(),
            "--format".into(),
            format!("sarif={config}"),
            m.clone(),
        ],
        vec![
            "check".into(),
            "--pack".into(),
            pack.clone(),
            "--format".into(),
            format!("json={pack}"),
            m.clone(),
        ],
        vec![
            "check".into(),
            "--write-baseline".into(),
            m.clone(),
            m.clone(),
        ],
        vec![
            "check".into(),
            "--format".into(),
            format!("json={same}"),
            "--format".into(),
            format!("sarif={same}"),
            m.clone(),
        ],
        vec!["report".into(), m.clone(), "--output".into(), m.clone()],
        vec![
            "report".into(),
            m.clone(),
            "--output".into(),
            config.clone(),
        ],
        vec![
            "diff".into(),
            m.clone(),
            m.clone(),
            "--output".into(),
            m.clone(),
        ],
    ];
    for args in cases {
        let out = menulint().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            err.contains("inputs") || err.contains("same file"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(std::fs::read_to_string(&m).unwrap(), PROBLEMS);
    assert!(std::fs::read_to_string(&config)
        .unwrap()
        .starts_with("[rules.FEE001]"));
    assert!(!dir.path().join("out.json").exists());
    // through a symbolic link to the menu too
    #[cfg(unix)]
    {
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&m, &link).unwrap();
        let out = menulint()
            .args(["check", "--format", &format!("json={}", link.display()), &m])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(std::fs::read_to_string(&m).unwrap(), PROBLEMS);
    }
}

#[cfg(unix)]
#[test]
fn links_are_followed_devices_written_and_modes_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let m = write_in(dir.path(), "m.toml", PROBLEMS);
    let target = write_in(dir.path(), "real.sarif", "old");
    let link = dir.path().join("out.sarif");
    std::os::unix::fs::symlink("real.sarif", &link).unwrap();
    let out = menulint()
        .args(["check", "--as-of", AS_OF, "--format"])
        .arg(format!("sarif={}", link.display()))
        .arg(&m)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&target).unwrap().contains("2.1.0"));
    // a new file gets the usual mode (0666 less the umask), not 0600
    let fresh = dir.path().join("fresh.json");
    menulint()
        .args(["check", "--as-of", AS_OF, "--format"])
        .arg(format!("json={}", fresh.display()))
        .arg(&m)
        .output()
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let usual = write_in(dir.path(), "usual.txt", "x");
    assert_eq!(mode(&fresh), mode(std::path::Path::new(&usual)));
    // devices are written, never renamed over
    for dev in ["/dev/null", "/dev/stdout"] {
        let out = bin()
            .args(["check", "--as-of", AS_OF, "--format"])
            .arg(format!("json={dev}"))
            .arg(&m)
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{dev}");
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    }
    if std::path::Path::new("/dev/full").exists() {
        for args in [
            vec!["check", "--format", "json=/dev/full", m.as_str()],
            vec!["report", m.as_str(), "--output", "/dev/full"],
        ] {
            let out = menulint().args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.starts_with("error: cannot write") && !err.contains("panicked"),
                "{err}"
            );
        }
    }
}

#[test]
fn a_closed_pipe_ends_the_run_quietly_and_a_full_disk_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        write(&dir.path().join(format!("m{i:02}.toml")), PROBLEMS);
    }
    for args in [
        vec!["check", "--format", "sarif"],
        vec!["check"],
        vec!["rules"],
        vec!["schema"],
    ] {
        let mut child = bin()
            .args(&args)
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 100];
        let mut stdout = child.stdout.take().unwrap();
        let _ = stdout.read(&mut first);
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(101), "{args:?}");
    }
    if std::path::Path::new("/dev/full").exists() {
        for args in [
            vec!["schema"],
            vec!["rules"],
            vec!["check", "sample-menus/bitcoin.toml"],
        ] {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            let out = bin().args(&args).stdout(full).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("cannot write to standard output") && !err.contains("panicked"),
                "{err}"
            );
        }
    }
}

/// Every file a run reads is an input, the menu in force (`--since`) and the
/// baseline included: an `--output` naming one is refused before anything is
/// written, and the file is left as it was.
#[test]
fn the_menu_in_force_and_the_baseline_are_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let cur = write_in(dir.path(), "cur.toml", PROBLEMS);
    let next = write_in(dir.path(), "next.toml", PROBLEMS);
    let out = menulint()
        .args([
            "check", "--as-of", AS_OF, "--format", "json", "--since", &cur, "--output", &cur, &next,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is one of the inputs"));
    assert_eq!(std::fs::read_to_string(&cur).unwrap(), PROBLEMS);

    let base = dir.path().join("b.json");
    menulint()
        .args(["check", "--as-of", AS_OF, "--write-baseline"])
        .arg(&base)
        .arg(&next)
        .assert()
        .success();
    let recorded = std::fs::read(&base).unwrap();
    let out = menulint()
        .args(["check", "--as-of", AS_OF, "--format", "json", "--baseline"])
        .arg(&base)
        .arg("--output")
        .arg(&base)
        .arg(&next)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&base).unwrap(), recorded);
    // refreshing a baseline in place is what --write-baseline is for: it records
    // every finding there is, not only those the old baseline lacks
    menulint()
        .args(["check", "--as-of", AS_OF, "--baseline"])
        .arg(&base)
        .arg("--write-baseline")
        .arg(&base)
        .arg(&next)
        .assert()
        .success();
    assert_eq!(std::fs::read(&base).unwrap(), recorded);
}

/// When a file beside the menus cannot be used, nothing is checked, and still no
/// output is written over an input (the menus, the plan, the mapping), no baseline
/// is recorded, and no settings are shown as if the run could go on.
#[test]
fn an_unusable_input_writes_over_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(dir.path(), "menu.toml", PROBLEMS);
    let plan_text = std::fs::read_to_string("sample-menus/lineup/plan.toml").unwrap();
    let plan = write_in(dir.path(), "plan.toml", &plan_text);
    let map = write_in(dir.path(), "map.toml", "[columns]\nname = 3\n");
    let missing = dir.path().join("missing.json").display().to_string();
    let lineup = "sample-menus/lineup/lineup.csv";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--baseline",
                &missing,
                "--format",
                "json",
                "--output",
                &menu,
                &menu,
            ],
            &menu,
        ),
        (
            vec![
                "--history",
                &missing,
                "--format",
                "json",
                "--output",
                &menu,
                &menu,
            ],
            &menu,
        ),
        (
            vec![
                lineup, "--map", &map, "--plan", &plan, "--format", "json", "--output", &plan,
            ],
            &plan,
        ),
        (
            vec![
                lineup,
                "--map",
                "recordkeeper",
                "--plan",
                &plan,
                "--since",
                &missing,
                "--format",
                "json",
                "--output",
                &plan,
            ],
            &plan,
        ),
        (
            vec![
                lineup, "--map", &map, "--plan", &plan, "--format", "json", "--output", &map,
            ],
            &map,
        ),
    ];
    for (args, input) in cases {
        let before = std::fs::read(input).unwrap();
        let out = menulint()
            .args(["check", "--as-of", AS_OF])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("it is one of the inputs"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(std::fs::read(input).unwrap(), before, "{args:?}");
    }
    let baseline = dir.path().join("b.json");
    for flags in [
        vec!["--write-baseline", baseline.to_str().unwrap()],
        vec!["--show-settings"],
    ] {
        let out = menulint()
            .args(["check", "--as-of", AS_OF, "--history", &missing])
            .args(&flags)
            .arg(&menu)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("missing.json"),
            "{flags:?}"
        );
        assert!(out.stdout.is_empty(), "{flags:?}");
    }
    assert!(!baseline.exists(), "no baseline is recorded from nothing");
}

/// `--output /dev/stdout` (or `/dev/fd/1`) writes through the process's standard
/// output: appended to a log it keeps the log, never replaces it.
#[test]
fn output_to_standard_output_appends_to_a_redirected_log() {
    let dir = tempfile::tempdir().unwrap();
    let menu = write_in(dir.path(), "m.toml", PROBLEMS);
    let log = dir.path().join("log");
    std::fs::write(&log, "earlier lines\n").unwrap();
    for target in ["/dev/stdout", "/dev/fd/1"] {
        let file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        let status = bin()
            .args([
                "check", "--as-of", AS_OF, "--format", "json", "--output", target, &menu,
            ])
            .stdout(Stdio::from(file))
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1), "{target}");
    }
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("earlier lines\n{"), "{text:.200}");
    assert_eq!(text.matches("\"version\"").count(), 2, "{text:.200}");
    // no temporary file was left beside the log
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".menulint-")),
        "{names:?}"
    );
}

/// An --output whose name says another format than the one written is refused, in
/// every command, and nothing is written: a `report.pdf` holding HTML would be
/// opened by the wrong program.
#[test]
fn an_output_named_for_another_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name).display().to_string();
    for args in [
        vec!["report", "--format", "html", "--output", &at("r.pdf")],
        vec!["report", "--format", "markdown", "--output", &at("r.html")],
        vec!["dossier", "--format", "pdf", "--output", &at("d.md")],
        vec!["disclose", "--format", "html", "--output", &at("c.csv")],
        vec!["check", "--format", "human", "--output", &at("x.sarif")],
        vec!["monitor", "--format", "human", "--output", &at("w.json")],
        // a name no document format has is refused, not written as the default
        vec!["report", "--output", &at("r.sarif")],
    ] {
        let out = menulint()
            .args(&args)
            .args(["--as-of", AS_OF, "sample-menus/problems.toml"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("names a"), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // a name that says the format, or says nothing, is fine
    let out = menulint()
        .args([
            "check",
            "--as-of",
            AS_OF,
            "--format",
            "sarif",
            "--output",
            &at("x.sarif"),
        ])
        .arg("sample-menus/conventional.toml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// Without --format, a document takes the format its --output name says.
#[test]
fn a_documents_format_follows_its_outputs_name() {
    let dir = tempfile::tempdir().unwrap();
    for (command, name, starts) in [
        ("report", "r.md", &b"# Investment menu"[..]),
        ("report", "r.pdf", b"%PDF-"),
        ("report", "r.htm", b"<!DOCTYPE html>"),
        ("dossier", "d.pdf", b"%PDF-"),
        ("disclose", "c.csv", b"option,"),
        ("disclose", "c.pdf", b"%PDF-"),
        ("monitor", "w.json", b"{"),
        ("monitor", "w.pdf", b"%PDF-"),
    ] {
        let path = dir.path().join(name);
        let out = menulint()
            .args([command, "--as-of", AS_OF, "--output"])
            .arg(&path)
            .arg("sample-menus/bitcoin.toml")
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{command} {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            bytes.starts_with(starts),
            "{command} {name}: {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
        );
    }
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

/// A FIFO and an inherited descriptor (`/dev/fd/3`) are written through, never
/// replaced: what reads the FIFO gets the report, and a log opened for appending
/// keeps what it held.
#[cfg(unix)]
#[test]
fn fifos_and_inherited_descriptors_are_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let m = write_in(dir.path(), "m.toml", PROBLEMS);
    let exe = assert_cmd::cargo::cargo_bin("menulint");
    let fifo = dir.path().join("out.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let out = bin()
            .args(["check", "--as-of", AS_OF, "--format"])
            .arg(format!("json={}", fifo.display()))
            .arg(&m)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let got: serde_json::Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
        assert_eq!(got["files"][0]["path"].as_str(), Some(m.as_str()));
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo());
    }
    let log = write_in(dir.path(), "run.log", "earlier run\n");
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' check --as-of {AS_OF} --format json=/dev/fd/3 '{m}' 3>>'{log}'",
            exe.display()
        ))
        .env("NO_COLOR", "1")
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let text = std::fs::read_to_string(&log).unwrap();
    let rest = text
        .strip_prefix("earlier run\n")
        .expect("the log keeps its start");
    let got: serde_json::Value = serde_json::from_str(rest).unwrap();
    assert_eq!(got["files"][0]["path"].as_str(), Some(m.as_str()));
}
