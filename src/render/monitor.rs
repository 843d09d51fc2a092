//! `menulint monitor`: the watch list for people (terminal, Markdown, HTML) and machines
//! (JSON).

use super::charts::{quarter_label, trend_chart, Series};
use super::document::{finish, render_template};
use super::escape::{no_workflow_commands, terminal};
use super::pdf::Paper;
use crate::engine::monitor::{OptionStatus, Status};
use crate::rules::format_number;
use serde::Serialize;

/// Output formats of `menulint monitor`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::AsRefStr, strum::EnumString, strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case", ascii_case_insensitive)]
pub enum MonitorFormat {
    /// Text for the terminal.
    Human,
    /// One JSON document, for machines.
    Json,
    /// The watch list in Markdown.
    Markdown,
    /// An HTML document with a trend chart of each watched option's 3-year return
    /// against its benchmark.
    Html,
    /// A PDF typeset from the Markdown.
    Pdf,
}

const HTML_TEMPLATE: &str = include_str!("../../templates/monitor.html");
const MARKDOWN_TEMPLATE: &str = include_str!("../../templates/monitor.md");

/// What the watch list is about.
pub struct Watched<'a> {
    /// The plan's name.
    pub plan: &'a str,
    /// The menu file, as the run names it.
    pub menu_path: &'a str,
    /// The date it is monitored as of, `YYYY-MM-DD`.
    pub as_of: &'a str,
    /// Each designated option's status, in menu order.
    pub options: &'a [OptionStatus],
}

#[derive(Serialize, Default)]
struct Counts {
    ok: usize,
    on_watch: usize,
    no_data: usize,
    replace: usize,
}

fn counts(options: &[OptionStatus]) -> Counts {
    let mut c = Counts::default();
    for o in options {
        match o.status {
            Status::Ok => c.ok += 1,
            Status::OnWatch => c.on_watch += 1,
            Status::NoData => c.no_data += 1,
            Status::ReplacementRecommended => c.replace += 1,
        }
    }
    c
}

/// The figures a committee reads first, as text: "—" where one is missing.
#[derive(Serialize)]
struct Figures {
    quarter: String,
    return_3y: String,
    benchmark_3y: String,
    peer_rank: String,
    expense_ratio: String,
}

fn figures(o: &OptionStatus) -> Figures {
    let pct = |v: Option<f64>| v.map_or("—".to_owned(), super::document::percent);
    let q = o.latest.as_ref();
    Figures {
        quarter: q.map_or("—".to_owned(), |q| q.quarter.clone()),
        return_3y: pct(q.and_then(|q| q.return_3y_pct)),
        benchmark_3y: pct(q.and_then(|q| q.benchmark_3y_pct)),
        peer_rank: q
            .and_then(|q| q.peer_rank_pct)
            .map_or("—".to_owned(), format_number),
        expense_ratio: pct(q.and_then(|q| q.expense_ratio_pct)),
    }
}

/// The 3-year return against the benchmark over the quarters, for an option on the
/// watch list (or recommended for replacement) whose history has the figures.
pub(crate) fn watch_chart(o: &OptionStatus) -> Option<String> {
    let watched = matches!(o.status, Status::OnWatch | Status::ReplacementRecommended)
        || o.quarters_on_watch > 0;
    let fund: Vec<Option<f64>> = o.history.iter().map(|q| q.return_3y_pct).collect();
    if !watched || fund.iter().all(Option::is_none) {
        return None;
    }
    let quarters: Vec<String> = o.history.iter().map(|q| q.quarter.clone()).collect();
    Some(trend_chart(
        &format!("{}: 3-year return against its benchmark", o.name),
        "%",
        &quarters,
        &[
            Series {
                name: "Option, net",
                color: "#2e6da4",
                dash: None,
                values: fund,
            },
            Series {
                name: "Benchmark",
                color: "#222222",
                dash: Some("6,4"),
                values: o.history.iter().map(|q| q.benchmark_3y_pct).collect(),
            },
        ],
        // the quarter it went on watch, as the history lists it
        o.since
            .as_deref()
            .and_then(|s| o.history.iter().position(|q| q.quarter == s)),
    ))
}

/// One option's line for the Markdown and HTML templates.
#[derive(Serialize)]
pub(super) struct Row {
    id: String,
    name: String,
    status: Status,
    status_label: String,
    since: String,
    quarters_on_watch: usize,
    reasons: Vec<crate::engine::monitor::Reason>,
    latest: Figures,
    chart: Option<String>,
}

/// "on watch — recovering, 1 of 2" while an option passes but has not yet passed
/// long enough to come off the list; else the status's own words.
fn status_label(o: &OptionStatus) -> String {
    match (o.status, o.recovering) {
        (Status::OnWatch, Some((done, needed))) => {
            format!("on watch — recovering, {done} of {needed}")
        }
        (Status::Ok, _) if o.short_record => "ok — short record (under 3 years)".to_owned(),
        (status, _) => status.label().to_owned(),
    }
}

pub(super) fn rows(options: &[OptionStatus]) -> Vec<Row> {
    options
        .iter()
        .map(|o| Row {
            id: o.id.clone(),
            name: o.name.clone(),
            status: o.status,
            status_label: status_label(o),
            since: o
                .since
                .as_deref()
                .map_or(String::new(), |s| format!("{} ({s})", quarter_label(s))),
            quarters_on_watch: o.quarters_on_watch,
            reasons: o.reasons.clone(),
            latest: figures(o),
            chart: watch_chart(o),
        })
        .collect()
}

#[derive(Serialize)]
struct Data<'a> {
    version: &'static str,
    plan: &'a str,
    menu_path: &'a str,
    as_of: &'a str,
    counts: Counts,
    options: Vec<Row>,
}

/// Renders the watch list in one format (`paper` is a PDF's).
pub fn monitor(w: &Watched, format: MonitorFormat, paper: Paper) -> Result<Vec<u8>, String> {
    let text = match format {
        MonitorFormat::Human => Ok(human(w)),
        MonitorFormat::Json => {
            #[derive(Serialize)]
            struct Json<'a> {
                version: &'static str,
                plan: &'a str,
                menu: &'a str,
                as_of: &'a str,
                summary: Counts,
                options: &'a [OptionStatus],
            }
            let doc = Json {
                version: env!("CARGO_PKG_VERSION"),
                plan: w.plan,
                menu: w.menu_path,
                as_of: w.as_of,
                summary: counts(w.options),
                options: w.options,
            };
            serde_json::to_string_pretty(&doc)
                .map(|s| s + "\n")
                .map_err(|e| e.to_string())
        }
        MonitorFormat::Markdown | MonitorFormat::Html | MonitorFormat::Pdf => {
            let data = Data {
                version: env!("CARGO_PKG_VERSION"),
                plan: w.plan,
                menu_path: w.menu_path,
                as_of: w.as_of,
                counts: counts(w.options),
                options: rows(w.options),
            };
            if format == MonitorFormat::Html {
                render_template("monitor.html", HTML_TEMPLATE, &data)
            } else {
                render_template("monitor.md", MARKDOWN_TEMPLATE, &data)
            }
        }
    }?;
    finish(text, format == MonitorFormat::Pdf, paper)
}

fn human(w: &Watched) -> String {
    let mut out = format!(
        "{} — monitoring as of {}\n\n",
        terminal(w.plan),
        terminal(w.as_of)
    );
    let id_w = w
        .options
        .iter()
        .map(|o| terminal(&o.id).chars().count())
        .max()
        .unwrap_or(0);
    for o in w.options {
        let mark = match o.status {
            Status::Ok => "✔",
            Status::OnWatch => "▲",
            Status::NoData => "?",
            Status::ReplacementRecommended => "✖",
        };
        let mut line = format!(
            "{mark} {:<27} {:<id_w$}  {}",
            status_label(o),
            terminal(&o.id),
            terminal(&o.name),
        );
        if let Some(since) = &o.since {
            line.push_str(&format!(
                " — on watch since {} ({} quarter{})",
                quarter_label(since),
                o.quarters_on_watch,
                if o.quarters_on_watch == 1 { "" } else { "s" }
            ));
        }
        out.push_str(&line);
        out.push('\n');
        for r in &o.reasons {
            out.push_str(&format!("      {} {}\n", r.rule, terminal(&r.message)));
            if let Some(why) = &r.waived {
                out.push_str(&format!("        waived: {}\n", terminal(why)));
            }
        }
    }
    let c = counts(w.options);
    out.push_str(&format!(
        "\n{} options: {} ok, {} on watch, {} recommended for replacement, {} without current data\n",
        w.options.len(),
        c.ok,
        c.on_watch,
        c.replace,
        c.no_data
    ));
    no_workflow_commands(out)
}
