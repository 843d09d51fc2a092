//! SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps, …).

use super::RenderOptions;
use crate::diag::{Finding, Severity};
use crate::engine::FileReport;
use serde_sarif::sarif::{
    ArtifactContent, ArtifactLocation, Invocation, Location, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, ReportingDescriptorReference, Result as SarifResult, ResultLevel, Run,
    RunAutomationDetails, Sarif, Suppression, Tool, ToolComponent,
};
use std::collections::BTreeMap;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result_level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(s.to_owned())
        .build()
}

/// Where a file is, as SARIF wants it: a URI reference, relative ones against the
/// checkout root (`%SRCROOT%`).
fn artifact(path: &str) -> ArtifactLocation {
    let uri = super::escape::uri(path);
    let mut loc = ArtifactLocation::builder().uri(uri.clone()).build();
    if !uri.starts_with("file:") {
        loc.uri_base_id = Some("%SRCROOT%".to_owned());
    }
    loc
}

fn region(r: &FileReport, f: &Finding) -> Region {
    // a finding without a place (an unreadable file) still gets line 1, as GitHub requires
    let l = f.location.unwrap_or(crate::diag::Location {
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
    });
    let mut region = Region::builder()
        .start_line(l.line as i64)
        .start_column(l.column as i64)
        .end_line(l.end_line as i64)
        .end_column(l.end_column.max(1) as i64)
        .build();
    if let (Some(src), Some(_)) = (f.file.as_ref().or(r.source.as_ref()), f.location) {
        region.snippet = Some(
            ArtifactContent::builder()
                .text(src.line_text(l.line).to_owned())
                .build(),
        );
    }
    region
}

pub fn render(reports: &[FileReport], opts: &RenderOptions) -> String {
    let ids: Vec<&String> = opts.catalog.keys().collect();
    let rules: Vec<ReportingDescriptor> = opts
        .catalog
        .values()
        .map(|r| {
            let mut props = BTreeMap::new();
            props.insert(
                "citation".to_owned(),
                serde_json::Value::String(r.citation.clone()),
            );
            props.insert("pack".to_owned(), serde_json::Value::String(r.pack.clone()));
            props.insert(
                "basis".to_owned(),
                serde_json::Value::String(r.basis.as_str().to_owned()),
            );
            props.insert(
                "authorities".to_owned(),
                serde_json::to_value(&r.authorities).unwrap_or_default(),
            );
            let mut descriptor = ReportingDescriptor::builder()
                .id(r.id.clone())
                .name(r.name.clone())
                .short_description(text(&r.summary))
                .full_description(text(&r.description.replace('\n', " ")))
                .help(
                    MultiformatMessageString::builder()
                        .text(format!("{}\n{}: {}", r.help, r.basis.heading(), r.citation))
                        .markdown(format!(
                            "{}\n\n**{}:** {}",
                            r.help,
                            r.basis.heading(),
                            r.citation
                        ))
                        .build(),
                )
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(serde_json::json!(level(r.severity)))
                        .build(),
                )
                .properties(
                    PropertyBag::builder()
                        .tags(vec![r.pack.clone()])
                        .additional_properties(props)
                        .build(),
                )
                .build();
            // a sponsor's own rule has no page in menulint's repository; a built-in
            // rule's page is the one of this version's tag, which describes the rule as
            // this version runs it (main's may have moved on)
            if r.builtin {
                descriptor.help_uri = Some(super::rule_page::rule_page_url(&r.id));
            }
            descriptor
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for r in reports {
        // what is wrong with the run itself (`--select CRY07`) is about no file
        if r.is_run_level() {
            notifications.extend(r.findings.iter().map(|f| {
                Notification::builder()
                    .level(serde_json::json!(level(f.severity)))
                    .message(Message::builder().text(f.message.clone()).build())
                    .descriptor(ReportingDescriptorReference::builder().id(f.id()).build())
                    .build()
            }));
            continue;
        }
        for f in &r.findings {
            let mut location = Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact(f.file_name(&r.path)))
                        .region(region(r, f))
                        .build(),
                )
                .build();
            // a lineup's row and column are its line and column; the cell says the sheet
            if let Some(cell) = &f.cell {
                location.message = Some(Message::builder().text(format!("cell {cell}")).build());
                let mut props = BTreeMap::new();
                props.insert("cell".to_owned(), serde_json::json!(cell));
                if let Some((sheet, _)) = cell.rsplit_once('!') {
                    props.insert("sheet".to_owned(), serde_json::json!(sheet));
                }
                location.properties =
                    Some(PropertyBag::builder().additional_properties(props).build());
            }
            let mut message = f.message.clone();
            if let Some(c) = f.source_line() {
                message.push_str(&format!(" ({c})"));
            }
            let mut fingerprints = BTreeMap::new();
            fingerprints.insert("menulint/v1".to_owned(), super::stable_key(r, f));
            let mut result = SarifResult::builder()
                .rule_id(f.id().to_owned())
                .level(result_level(f.severity))
                .message(Message::builder().text(message).build())
                .locations(vec![location])
                .partial_fingerprints(fingerprints)
                .build();
            if let Some(i) = ids.iter().position(|id| *id == f.id()) {
                result.rule_index = Some(i as i64);
            }
            if let Some(b) = f.basis() {
                let mut props = BTreeMap::new();
                props.insert(
                    "basis".to_owned(),
                    serde_json::Value::String(b.as_str().to_owned()),
                );
                result.properties =
                    Some(PropertyBag::builder().additional_properties(props).build());
            }
            if let Some(w) = &f.waiver {
                result.suppressions = Some(vec![Suppression::builder()
                    .kind(serde_json::json!("external"))
                    .status(serde_json::json!("accepted"))
                    .justification(format!(
                        "{} — approved by {}, expires {} ({})",
                        w.reason, w.approved_by, w.expires, w.at
                    ))
                    .build()]);
            }
            results.push(result);
        }
    }
    let driver = ToolComponent::builder()
        .name("menulint".to_owned())
        .version(env!("CARGO_PKG_VERSION").to_owned())
        .semantic_version(env!("CARGO_PKG_VERSION").to_owned())
        .information_uri("https://github.com/menulint/menulint".to_owned())
        .rules(rules)
        .build();
    // a notification of an error, or an input that kept its file from being checked
    let failed = notifications
        .iter()
        .any(|n| n.level == Some(serde_json::json!("error")))
        || reports.iter().any(|r| !r.checked);
    let mut invocation = Invocation::builder().execution_successful(!failed).build();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .build();
    run.column_kind = Some(serde_json::json!("unicodeCodePoints"));
    // one category for every menulint analysis, so code scanning keeps one set of alerts
    run.automation_details = Some(RunAutomationDetails::builder().id("menulint/").build());
    let sarif = Sarif::builder()
        .schema(SCHEMA.to_owned())
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut s = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    s.push('\n');
    s
}
