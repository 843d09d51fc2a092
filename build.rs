//! Parses the built-in rule packs (`rules/*.toml`) once, at build time, into static
//! Rust data with every value's span: a one-menu run otherwise spent a third of
//! its own time, and most of its fresh memory, parsing 144 KB of TOML. The packs
//! still ship as text too (for spans and snippets), with their line index, and
//! tests check that both readings give the same rules.

use std::fmt::Write as _;
use std::path::Path;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

fn main() {
    println!("cargo::rerun-if-changed=rules");
    println!("cargo::rerun-if-changed=build.rs");
    version();
    let mut names: Vec<String> = std::fs::read_dir("rules")
        .expect("rules/ is readable")
        .filter_map(|e| {
            let path = e.expect("rules/ entry").path();
            (path.extension()? == "toml").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    names.sort();
    let mut out = String::from(
        "/// The built-in packs as parsed at build time, by name, with their line starts.\n\
         pub static DIGESTS: &[(&str, Node, &[usize])] = &[\n",
    );
    for name in &names {
        let path = format!("rules/{name}.toml");
        let text = std::fs::read_to_string(&path).expect("rule pack is UTF-8");
        // a shipped `SourceFile` counts lines by `\n` alone (see `SourceFile::shipped`)
        let bytes = text.as_bytes();
        assert!(
            !text
                .match_indices('\r')
                .any(|(i, _)| bytes.get(i + 1) != Some(&b'\n')),
            "{path}: a \\r not followed by \\n"
        );
        let table = DeTable::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let span = table.span();
        let root = Spanned::new(span, DeValue::Table(table.into_inner()));
        write!(out, "({name:?}, ").unwrap();
        node(&mut out, &root, &path);
        // where each line starts, as `SourceFile` indexes a text it reads
        let lines: Vec<String> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .map(|i| i.to_string())
            .collect();
        writeln!(out, ", &[{}]),", lines.join(",")).unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("packs.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// One value as a `Node { start, end, value }` expression.
fn node(out: &mut String, v: &Spanned<DeValue<'_>>, path: &str) {
    let span = v.span();
    write!(
        out,
        "Node {{ start: {}, end: {}, value: ",
        span.start, span.end
    )
    .unwrap();
    match v.get_ref() {
        DeValue::String(s) => write!(out, "Value::Str({:?})", s.as_ref()).unwrap(),
        DeValue::Integer(i) => {
            let n = i64::from_str_radix(i.as_str(), i.radix())
                .unwrap_or_else(|e| panic!("{path}: integer {}: {e}", i.as_str()));
            write!(out, "Value::Int({n})").unwrap();
        }
        DeValue::Float(f) => {
            let x: f64 = f
                .as_str()
                .parse()
                .unwrap_or_else(|e| panic!("{path}: float {}: {e}", f.as_str()));
            assert!(x.is_finite(), "{path}: built-in packs use finite floats");
            write!(out, "Value::Float({x:?})").unwrap();
        }
        DeValue::Boolean(b) => write!(out, "Value::Bool({b})").unwrap(),
        DeValue::Datetime(d) => write!(out, "Value::Datetime({:?})", d.to_string()).unwrap(),
        DeValue::Array(items) => {
            out.push_str("Value::Array(&[");
            for item in items {
                node(out, item, path);
                out.push_str(", ");
            }
            out.push_str("])");
        }
        DeValue::Table(entries) => {
            out.push_str("Value::Table(&[");
            for (key, value) in entries {
                write!(out, "({:?}, ", key.get_ref().as_ref()).unwrap();
                node(out, value, path);
                out.push_str("), ");
            }
            out.push_str("])");
        }
    }
    out.push_str(" }");
}

/// `menulint --version`: the package version, and the commit with its date when
/// built from a git checkout (`0.1.0 (3f2c9a1b7d4e 2026-12-02)`, as ruff prints
/// it). The commit's own date, not the build's, so a build is reproducible.
fn version() {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let package = std::env::var("CARGO_PKG_VERSION").expect("cargo sets the version");
    let commit = git(&["rev-parse", "HEAD"]);
    let version = match (&commit, git(&["log", "-1", "--format=%cs"])) {
        (Some(commit), Some(date)) => {
            format!("{package} ({} {date})", &commit[..12.min(commit.len())])
        }
        _ => package.clone(),
    };
    println!("cargo::rustc-env=MENULINT_VERSION={version}");
    // the revision whose schemas the files `init` writes point at
    let rev = commit.unwrap_or_else(|| format!("v{package}"));
    println!("cargo::rustc-env=MENULINT_REV={rev}");
    // a new commit changes the version: watch what moves when one is made
    for path in [".git/HEAD", ".git/packed-refs"] {
        if Path::new(path).exists() {
            println!("cargo::rerun-if-changed={path}");
        }
    }
    if let Some(head) = std::fs::read_to_string(".git/HEAD")
        .ok()
        .and_then(|h| h.strip_prefix("ref: ").map(|r| r.trim().to_owned()))
    {
        let reference = format!(".git/{head}");
        if Path::new(&reference).exists() {
            println!("cargo::rerun-if-changed={reference}");
        }
    }
}
