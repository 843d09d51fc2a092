//! One JSON document for the whole run.

use super::Summary;
use crate::diag::Finding;
use crate::engine::FileReport;
use serde::Serialize;

#[derive(Serialize)]
struct Run<'a> {
    version: &'static str,
    as_of: &'a str,
    files: Vec<File<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    checked: bool,
    findings: &'a [Finding],
    /// Exposure figures counted at 100 % from an option's asset class, when any.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    assumed: &'a [crate::menu::exposure::Assumed],
}

/// Pretty-printed JSON with a trailing newline.
pub(crate) fn render_json(reports: &[FileReport], as_of: &str) -> String {
    let mut out = Vec::new();
    // writing into memory cannot fail, and plain data always serializes
    let _ = render_json_to(&mut out, reports, as_of);
    String::from_utf8(out).unwrap_or_default()
}

/// The same, written as it is produced (a run over many menus is hundreds of MB).
pub(crate) fn render_json_to(
    w: &mut dyn std::io::Write,
    reports: &[FileReport],
    as_of: &str,
) -> std::io::Result<()> {
    let run = Run {
        version: env!("CARGO_PKG_VERSION"),
        as_of,
        files: reports
            .iter()
            .map(|r| File {
                path: &r.path,
                checked: r.checked,
                findings: &r.findings,
                assumed: r.exposure.as_ref().map_or(&[], |lt| &lt.assumed),
            })
            .collect(),
        summary: Summary::of(reports),
    };
    serde_json::to_writer_pretty(&mut *w, &run).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}
