//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod exprgen;
pub mod gate;
/// The benchmarks' menu generator.
#[path = "../../benches/support/synth.rs"]
pub mod synth;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// The sample menus most tests start from.
pub const BITCOIN: &str = include_str!("../../sample-menus/bitcoin.toml");
pub const PROBLEMS: &str = include_str!("../../sample-menus/problems.toml");

/// Every test checks as of this date, so date-dependent rules are reproducible.
pub const AS_OF: &str = "2026-11-25";

/// The line (from 1) of the first line of `text` that holds `needle`, so tests
/// read a location from the fixture rather than hard-code it.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line holds {needle:?}"))
        + 1
}

/// The binary, with colour off and no inherited colour or timestamp settings.
pub fn menulint() -> Command {
    let mut cmd = Command::cargo_bin("menulint").expect("binary builds");
    cmd.env_remove("FORCE_COLOR")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1");
    cmd
}

/// Runs the binary with `args`: (exit code, how long it took, stdout). Fails the
/// test on a panic.
pub fn timed(args: &[&str]) -> (i32, std::time::Duration, Vec<u8>) {
    let start = std::time::Instant::now();
    let out = menulint().args(args).output().expect("runs");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    (out.status.code().unwrap_or(-1), start.elapsed(), out.stdout)
}

/// The first finding of the first file in `check --format json` output.
pub fn first(json: &Value) -> &Value {
    &json["files"][0]["findings"][0]
}

/// Fails the test on a flag the command does not take, which its binary would
/// refuse: a test in process must not pass where the command line cannot.
fn not_taken(args: &[&str], flags: &[&str]) {
    if let Some(flag) = args.iter().find(|a| flags.contains(a)) {
        panic!("the command takes no {flag}");
    }
}

/// A command's flags as the library's options: what `check`, `report` and `dossier`
/// read them into.
struct Flags {
    opts: menulint::engine::run::RunOptions,
    paths: Vec<std::path::PathBuf>,
    deny_warnings: bool,
    exit_zero: bool,
}

/// Reads the flags into the library's options as the command line does, and the
/// files beside the menus; a file that cannot be used is a report, returned.
fn read_flags(as_of: &str, args: &[&str]) -> (Flags, Vec<menulint::engine::FileReport>) {
    use menulint::engine::run::{Inputs, RunOptions};
    let mut opts = RunOptions {
        as_of: as_of.to_owned(),
        // as `check` keeps them for the formats that quote the menu or show it
        keep_source: true,
        keep_menu: true,
        ..RunOptions::default()
    };
    let mut inputs = Inputs::default();
    let (mut paths, mut deny_warnings, mut exit_zero) = (Vec::new(), false, false);
    let mut args = args.iter();
    while let Some(&arg) = args.next() {
        let mut value = || -> &str { args.next().unwrap_or_else(|| panic!("{arg} needs a value")) };
        let list = |v: &str| v.split(',').map(str::to_owned).collect::<Vec<_>>();
        match arg {
            "--config" => opts.config = Some(value().into()),
            "--select" => opts.selection.select.extend(list(value())),
            "--ignore" => opts.selection.ignore.extend(list(value())),
            "--pack" => opts.selection.packs.push(value().into()),
            "--max-file-size" => opts.check.max_file_size = value().parse().expect("a size"),
            "--history" => inputs.history = Some(value().into()),
            "--map" => inputs.map = Some(value().to_owned()),
            "--sheet" => inputs.sheet = Some(value().to_owned()),
            "--plan" => inputs.plan = Some(value().into()),
            "--overlay" => inputs.overlays.push(value().into()),
            "--since" => inputs.since = Some(value().into()),
            "--baseline" => inputs.baseline = Some(value().into()),
            "--deny" => {
                assert_eq!(value(), "warnings");
                deny_warnings = true;
            }
            "--exit-zero" => exit_zero = true,
            flag if flag.starts_with('-') => {
                panic!("{flag} is the command line's: test it with check_json_binary")
            }
            path => paths.push(std::path::PathBuf::from(path)),
        }
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    let unusable = inputs
        .read_into(&mut opts)
        .unwrap_or_else(|usage| panic!("{usage}"));
    let flags = Flags {
        opts,
        paths,
        deny_warnings,
        exit_zero,
    };
    (flags, unusable)
}

/// `check --format FORMAT --as-of AS_OF ARGS`, in process: (exit code, output).
/// The flags are read into the library's options as `check` reads them
/// (`cli::in_process_checks_are_the_binarys` holds the two to the same output); the
/// run, the rendering and the exit code are the library's. A flag it does not know
/// fails the test: what only the command line does is tested on the binary.
pub fn check(format: &str, args: &[&str]) -> (i32, String) {
    let format: menulint::render::Format = format.parse().expect("a format");
    let (flags, unusable) = read_flags(AS_OF, args);
    let (reports, catalog) = if unusable.is_empty() {
        let outcome = menulint::engine::run::run(&flags.paths, &flags.opts);
        (outcome.reports, outcome.catalog)
    } else {
        (unusable, Default::default())
    };
    let mut code = menulint::engine::exit_code(&reports, flags.deny_warnings);
    if flags.exit_zero && code == menulint::engine::exit::FINDINGS {
        code = menulint::engine::exit::CLEAN;
    }
    let text = rendered(format, &reports, &catalog, flags.deny_warnings);
    (i32::from(code), text)
}

/// Reports in a format, as `check` renders them (no colour, 100 columns).
fn rendered(
    format: menulint::render::Format,
    reports: &[menulint::engine::FileReport],
    catalog: &menulint::engine::run::Catalog,
    deny_warnings: bool,
) -> String {
    let ropts = menulint::render::RenderOptions {
        as_of: AS_OF,
        catalog,
        color: false,
        width: 100,
        quiet: false,
        deny_warnings,
    };
    menulint::render::render(format, reports, &ropts)
}

/// How a committee document is built from a judged menu: `menulint::render::report`
/// or `menulint::render::dossier`.
pub type Build = fn(
    &menulint::engine::Judged,
    Option<String>,
    menulint::render::ReportFormat,
    menulint::render::pdf::Paper,
) -> Result<Vec<u8>, String>;

/// A committee document about one menu, in process, as `report` or `dossier`
/// writes it (no timestamp, Letter paper): (exit code, bytes). The menu is the
/// first path of `args`, read with the flags `check` takes; one that cannot be
/// checked fails the test.
pub fn document(build: Build, format: &str, args: &[&str]) -> (i32, Vec<u8>) {
    not_taken(args, &["--deny", "--max-file-size"]);
    let format: menulint::render::ReportFormat = format.parse().expect("a format");
    let (mut flags, unusable) = read_flags(AS_OF, args);
    assert!(unusable.is_empty(), "{:#?}", unusable[0].findings);
    flags.opts.measures = true;
    let (policy, checked) = menulint::engine::run::check_one(&flags.paths[0], &flags.opts)
        .unwrap_or_else(|r| panic!("not checked: {:#?}", r.first().map(|r| &r.findings)));
    let judged = menulint::engine::Judged::new(&checked, &policy, AS_OF);
    let bytes = build(&judged, None, format, menulint::render::pdf::Paper::Letter)
        .unwrap_or_else(|e| panic!("{e}"));
    let code = if flags.exit_zero {
        0
    } else {
        i32::from(checked.exit_code(false))
    };
    (code, bytes)
}

/// `monitor --format FORMAT --as-of AS_OF ARGS`, in process: the watch list's exit
/// code and bytes; exit code 2 and nothing written where the menu or its history
/// cannot be used (the binary says why on standard error).
pub fn watch_list(as_of: &str, format: &str, args: &[&str]) -> (i32, Vec<u8>) {
    not_taken(args, &["--map", "--sheet", "--plan", "--overlay", "--deny"]);
    let format: menulint::render::MonitorFormat = format.parse().expect("a format");
    let (mut flags, unusable) = read_flags(as_of, args);
    flags.opts.selection.monitoring = true;
    if !unusable.is_empty() {
        return (2, Vec::new());
    }
    let Ok((policy, report)) = menulint::engine::run::check_one(&flags.paths[0], &flags.opts)
    else {
        return (2, Vec::new());
    };
    let list = menulint::engine::monitor::statuses(&report, &policy, as_of);
    let watched = menulint::render::Watched {
        plan: &report.menu.as_ref().expect("a checked menu").plan.name,
        menu_path: &report.path,
        as_of,
        options: &list,
    };
    let bytes = menulint::render::monitor(&watched, format, menulint::render::pdf::Paper::Letter)
        .unwrap_or_else(|e| panic!("{e}"));
    (
        i32::from(menulint::engine::monitor::exit_code(&list)),
        bytes,
    )
}

/// `diff --format FORMAT --as-of AS_OF CURRENT PROPOSED`, in process: both menus
/// judged by the proposed menu's policy, then the library's diff: (exit code,
/// output). A menu that cannot be checked is said in the human format, exit 2.
pub fn diff(format: &str, current: &str, proposed: &str) -> (i32, String) {
    use menulint::engine::run::{check_menus, load_policy, RunOptions};
    let opts = RunOptions {
        as_of: AS_OF.to_owned(),
        keep_source: true,
        keep_menu: true,
        measures: true,
        ..RunOptions::default()
    };
    // a policy that cannot be loaded is said on standard error, as the binary does
    let Ok(policy) = load_policy(Path::new(proposed), &opts) else {
        return (2, String::new());
    };
    let reports = check_menus(&policy, &[current.into(), proposed.into()], &opts);
    let broken: Vec<_> = reports[..2]
        .iter()
        .filter(|r| r.menu.is_none() || !r.checked)
        .cloned()
        .collect();
    if !broken.is_empty() {
        return (2, human(&broken));
    }
    let d = menulint::engine::diff::diff(&reports[0], &reports[1]).expect("two checked menus");
    let out = match format {
        "human" => menulint::render::diff_human(&d),
        "json" => menulint::render::diff_json(&d),
        "markdown" => menulint::render::diff_markdown(&d),
        other => panic!("diff has no format {other}"),
    };
    (i32::from(d.introduces_failure(false)), out)
}

/// Reports as the human format gives them: what the binary prints on standard
/// error for inputs it cannot use.
pub fn human(reports: &[menulint::engine::FileReport]) -> String {
    let catalog = Default::default();
    rendered(menulint::render::Format::Human, reports, &catalog, false)
}

/// The binary's exit code and standard output for `args`.
pub fn binary_output(args: &[&str]) -> (i32, Vec<u8>) {
    let out = menulint().args(args).output().expect("runs");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    (out.status.code().expect("an exit code"), out.stdout)
}

/// [`check`] in JSON, parsed.
pub fn check_json(args: &[&str]) -> (i32, Value) {
    let (code, text) = check("json", args);
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (code, json)
}

/// [`check_json`] through the binary, for what only the command line does: its
/// arguments, exit codes, files and standard input.
pub fn check_json_binary(args: &[&str]) -> (i32, Value) {
    let out = menulint()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .args(args)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().expect("exit code"), json)
}

/// A check that needs a system tool (Chromium, xmllint): skipped with a message on
/// a developer's machine without it, a failure in CI (`CI` set), where .ci/run
/// installs it, so a missing install step can never pass silently.
pub fn tool_missing(what: &str) {
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{what}: the tool is missing in CI; .ci/run must install it");
    }
    eprintln!("SKIPPED: {what}");
}

/// The Chromium this machine has, if any.
pub fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| have(c))
}

/// Headless Chromium with its own profile: no network of its own (the machine's
/// closed network refuses the browser's background connections), no GPU, no
/// first-run screens. The caller adds what to do and the page.
pub fn headless_chromium(chromium: &str, profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// An attribute of `<body>` in a page Chromium dumped (`--dump-dom`): the measuring
/// scripts the tests inject leave their results there.
pub fn body_attribute(dom: &str, name: &str) -> String {
    let body = &dom[dom.find("<body").expect("a body")..];
    let body = &body[..body.find('>').expect("the body tag's end")];
    let at = body
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("{name}: {body}"));
    let rest = &body[at + name.len() + 2..];
    rest[..rest.find('"').expect("the attribute's end")].to_owned()
}

/// Whether poppler's PDF tools (pdftotext, pdfinfo, pdffonts) run here.
pub fn have_poppler() -> bool {
    std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok()
}

/// What a poppler tool prints for a PDF (`pdftotext ARGS PDF -`, or `pdfinfo PDF`).
pub fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let mut c = std::process::Command::new(tool);
    c.args(args).arg(pdf);
    if tool == "pdftotext" {
        c.arg("-");
    }
    let out = c.output().unwrap_or_else(|e| panic!("{tool} runs: {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Whether a command runs here.
pub fn have(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Writes a file (creating its directory); returns its path as text.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> String {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create dir");
    }
    std::fs::write(path, bytes).expect("write");
    path.display().to_string()
}

/// Writes `name` in `dir`; returns its path as text.
pub fn write_in(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    write(&dir.join(name), bytes)
}

/// The findings of the first file of a JSON run.
pub fn first_findings(json: &Value) -> std::slice::Iter<'_, Value> {
    json["files"][0]["findings"]
        .as_array()
        .expect("the first file's findings")
        .iter()
}

/// The rule ids of every finding in a JSON run, in output order.
pub fn rules_of(json: &Value) -> Vec<String> {
    json["files"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|f| f["findings"].as_array().into_iter().flatten())
        .map(|f| f["rule"].as_str().unwrap_or_default().to_owned())
        .collect()
}
