//! The pipeline runs one way: a stage may use the stages below it, never one above.
//! See docs/architecture.md.

use std::path::Path;

/// Stage ranks: a module may `use crate::X` only when X's rank is not higher.
const RANKS: &[(&str, u8)] = &[
    ("date", 0),
    ("diag", 0),
    ("output", 0),
    ("menu", 1),
    ("import", 1),
    ("rules", 2),
    ("policy", 3),
    ("engine", 4),
    ("render", 5),
    ("cli", 6),
    ("server", 6),
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

/// The files of one stage that each file uses: `super::NAME` or `crate::STAGE::NAME`
/// for a sibling file NAME (the stage's `mod.rs` is its facade, not a node). What
/// follows a file's first `#[cfg(test)]` (its tests, at the end) is left out.
fn sibling_uses(stage: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let stage_name = stage.file_name().unwrap().to_str().unwrap().to_owned();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(stage).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "rs") && !p.ends_with("mod.rs") {
            names.push(p.file_stem().unwrap().to_str().unwrap().to_owned());
        }
    }
    let word_after = |text: &str, prefix: &str| -> Vec<String> {
        text.match_indices(prefix)
            .map(|(i, _)| {
                text[i + prefix.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
            .collect()
    };
    let mut graph = std::collections::BTreeMap::new();
    for name in &names {
        let text = std::fs::read_to_string(stage.join(format!("{name}.rs"))).unwrap();
        let code = text.split("#[cfg(test)]\n").next().unwrap();
        let mut used: Vec<String> = word_after(code, "super::")
            .into_iter()
            .chain(word_after(code, &format!("crate::{stage_name}::")))
            .filter(|u| u != name && names.contains(u))
            .collect();
        used.sort();
        used.dedup();
        graph.insert(name.clone(), used);
    }
    graph
}

/// A cycle in the graph, as the path around it.
fn cycle(graph: &std::collections::BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, Vec<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut c = path[i..].to_vec();
            c.push(node.to_owned());
            return Some(c);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_two_files_of_a_stage_use_each_other() {
    let mut edges = 0;
    for (stage, _) in RANKS {
        let dir = Path::new("src").join(stage);
        if !dir.is_dir() {
            continue;
        }
        let graph = sibling_uses(&dir);
        edges += graph.values().map(Vec::len).sum::<usize>();
        if let Some(c) = cycle(&graph) {
            panic!("src/{stage}: the files use each other: {}", c.join(" → "));
        }
    }
    assert!(
        edges > 10,
        "only {edges} uses between files of a stage seen"
    );
}

#[test]
fn a_cycle_between_files_is_found() {
    let graph: std::collections::BTreeMap<String, Vec<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
    let acyclic: std::collections::BTreeMap<String, Vec<String>> =
        [("a", vec!["b".to_owned()]), ("b", vec![])]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
    assert_eq!(cycle(&acyclic), None);
}

/// clap belongs to the command line: the library's types never derive or name it,
/// so the library can be used (and its formats parsed) without it.
#[test]
fn clap_is_used_only_by_the_command_line() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let mut cli = 0;
    let mut outside = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let names_clap = text
            .lines()
            .any(|l| l.contains("clap::") || l.contains("use clap"));
        if f.starts_with("src/cli") {
            cli += usize::from(names_clap);
        } else if names_clap {
            outside.push(f.display().to_string());
        }
    }
    assert!(
        cli > 0,
        "no file under src/cli names clap: the scan is wrong"
    );
    assert!(outside.is_empty(), "clap outside src/cli: {outside:?}");
}
