//! JUnit XML: a test suite per menu, a test case per rule and option (or plan).

use super::escape::xml_chars as x;
use super::RenderOptions;
use crate::diag::{Finding, Scope};
use crate::engine::FileReport;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::HashMap;

fn failure(r: &FileReport, f: &Finding) -> (String, String) {
    let path = f.file_name(&r.path);
    let at = f.location.map_or(path.to_owned(), |l| {
        format!("{path}:{}:{}", l.line, l.column)
    });
    let mut body = format!("{at}: {}", f.message);
    if let Some(h) = f.help_text() {
        body.push_str(&format!("\nhelp: {h}"));
    }
    if let Some(c) = f.source_line() {
        body.push_str(&format!("\n{c}"));
    }
    (format!("{at}: {}", f.message), body)
}

/// One test case: a failure when a finding fails the run as the exit code does (an
/// error, or a warning with `--deny warnings`), an error when the input could not be
/// checked, skipped when a waiver excuses it; a warning that does not fail the run
/// passes, with the warning in its output.
fn case(
    name: String,
    classname: &str,
    findings: &[&Finding],
    r: &FileReport,
    opts: &RenderOptions,
) -> TestCase {
    let failing = findings.iter().find(|f| f.is_failing(opts.deny_warnings));
    let noted: Vec<&&Finding> = findings
        .iter()
        .filter(|f| f.waiver.is_none() && !f.is_failing(opts.deny_warnings))
        .collect();
    let status = if let Some(f) = failing {
        let (message, body) = failure(r, f);
        let kind = if r.checked {
            NonSuccessKind::Failure
        } else {
            NonSuccessKind::Error
        };
        let mut s = TestCaseStatus::non_success(kind);
        s.set_message(x(&message))
            .set_type(format!("{} {}", f.id(), f.severity))
            .set_description(x(&body));
        s
    } else if let Some(f) = findings.iter().find(|f| f.waiver.is_some()) {
        let w = f.waiver.as_ref().map(|w| {
            format!(
                "waived: {} (approved by {}, expires {})",
                w.reason, w.approved_by, w.expires
            )
        });
        // the Jenkins schema allows only text inside <skipped>, no attributes
        let mut s = TestCaseStatus::skipped();
        s.set_description(x(&w.unwrap_or_default()));
        s
    } else {
        TestCaseStatus::success()
    };
    let mut tc = TestCase::new(x(&name), status);
    tc.set_classname(x(classname));
    if failing.is_none() && !noted.is_empty() {
        let out: Vec<String> = noted
            .iter()
            .map(|f| format!("{}: {}", f.severity, failure(r, f).1))
            .collect();
        tc.set_system_out(x(&out.join("\n")));
    }
    tc
}

/// A dotted class name, as JUnit readers group cases: `menulint.PACK` for a rule's
/// cases, `menulint.input` for what could not be checked.
fn classname(pack: Option<&str>) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    match pack {
        Some(p) => format!("menulint.{}", clean(p)),
        None => "menulint.input".to_owned(),
    }
}

pub fn render(reports: &[FileReport], opts: &RenderOptions) -> String {
    let mut report = Report::new("menulint");
    for r in reports {
        let mut suite = TestSuite::new(x(&r.path));
        let input = classname(None);
        if !r.checked || !r.is_menu {
            // input errors (or findings about a config file): one case per finding
            for f in &r.findings {
                suite.add_test_case(case(f.id().to_owned(), &input, &[f], r, opts));
            }
            if r.findings.is_empty() {
                suite.add_test_case(case("menulint::load".to_owned(), &input, &[], r, opts));
            }
            report.add_test_suite(suite);
            continue;
        }
        // findings by rule and option, so the cases are built in one pass over them
        let mut by_target: HashMap<(&str, Option<&str>), Vec<&Finding>> = HashMap::new();
        for f in &r.findings {
            let option = match f.rule().map(|i| i.scope) {
                Some(Scope::Option) => f.option.as_deref(),
                _ => None,
            };
            by_target.entry((f.id(), option)).or_default().push(f);
        }
        for info in opts.catalog.values() {
            let targets: Vec<Option<&str>> = match info.scope {
                Scope::Plan => vec![None],
                Scope::Option => r
                    .menu
                    .iter()
                    .flat_map(|m| m.options.iter().map(|o| Some(o.id.as_str())))
                    .collect(),
            };
            for target in targets {
                let hits = by_target
                    .get(&(info.id.as_str(), target))
                    .map_or(&[][..], Vec::as_slice);
                let name = match target {
                    Some(o) => format!("{} {} [{o}]", info.id, info.name),
                    None => format!("{} {} [plan]", info.id, info.name),
                };
                suite.add_test_case(case(name, &classname(Some(&info.pack)), hits, r, opts));
            }
        }
        // findings not tied to a rule in the catalog (waiver audits, rule-eval errors)
        for f in r
            .findings
            .iter()
            .filter(|f| !opts.catalog.contains_key(f.id()))
        {
            let class = classname(f.rule().map(|i| i.pack.as_str()));
            suite.add_test_case(case(f.id().to_owned(), &class, &[f], r, opts));
        }
        report.add_test_suite(suite);
    }
    let xml = report.to_string().unwrap_or_default();
    // the Jenkins JUnit schema, which most CI servers follow, has no `skipped`
    // attribute on the root <testsuites>; the per-suite counts keep it
    match (xml.find("<testsuites "), xml.find('>')) {
        (Some(start), _) => {
            let end = xml[start..].find('>').map_or(xml.len(), |e| start + e);
            let root = &xml[start..end];
            let cleaned = regex_skipped().replace(root, "");
            format!("{}{}{}", &xml[..start], cleaned, &xml[end..])
        }
        _ => xml,
    }
}

fn regex_skipped() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r#" skipped="\d+""#).expect("static regex"))
}
