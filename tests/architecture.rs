//! The pipeline runs one way: a stage may use the stages below it, never one above.
//! See docs/architecture.md.

use std::path::Path;

/// Stage ranks: a module may `use crate::X` only when X's rank is not higher.
const RANKS: &[(&str, u8)] = &[
    ("date", 0),
    ("diag", 0),
    ("output", 0),
    ("menu", 1),
    ("rules", 2),
    ("policy", 3),
    ("engine", 4),
    ("render", 5),
];

fn rank(module: &str) -> Option<u8> {
    RANKS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_stage_uses_a_later_stage() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix("src").unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap()
            .trim_end_matches(".rs");
        // the library root and the binary may use everything
        let Some(own) = rank(top) else { continue };
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for (i, _) in line.match_indices("crate::") {
                let used: String = line[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                checked += 1;
                match rank(&used) {
                    Some(r) if r <= own => {}
                    Some(r) => violations.push(format!(
                        "{}:{}: {top} (stage {own}) uses {used} (stage {r})",
                        file.display(),
                        n + 1
                    )),
                    None => violations.push(format!(
                        "{}:{}: `crate::{used}` is not in the stage table",
                        file.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} imports seen");
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    // every library module has a rank
    for line in include_str!("../src/lib.rs").lines() {
        if let Some(m) = line.strip_prefix("pub mod ") {
            let m = m.trim_end_matches(';');
            assert!(rank(m).is_some(), "module {m} has no stage rank");
        }
    }
}

#[test]
fn rules_are_data_no_rule_id_in_rust() {
    let re = regex::Regex::new(r"\b(CRY|SCO|DIS|STR|FEE|SEL|MON)[0-9]{3}\b").unwrap();
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let hits: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.lines()
                .enumerate()
                .filter(|(_, l)| re.is_match(l))
                .map(|(n, l)| format!("{}:{}: {}", f.display(), n + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        hits.is_empty(),
        "rule ids in Rust code:\n{}",
        hits.join("\n")
    );
}
