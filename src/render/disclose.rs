//! The participants' comparative chart, laid out: Markdown, print-ready HTML, and
//! CSV for recordkeepers' systems. The chart's data comes from `engine::disclose`;
//! this module formats numbers for people and escapes every menu text for its output.

use super::document::{finish, render_template};
use super::escape;
use super::pdf::Paper;
use crate::engine::disclose::{Cell, Chart, Performance, Returns};
use serde::Serialize;

/// Which output the chart takes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::AsRefStr, strum::EnumString, strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case", ascii_case_insensitive)]
pub enum DiscloseFormat {
    /// Print-ready HTML, on A4 or Letter.
    Html,
    /// The chart in Markdown.
    Markdown,
    /// CSV, one row per option, for recordkeepers' systems.
    Csv,
    /// A PDF typeset from the Markdown, on the paper asked for.
    Pdf,
}

/// What a figure the menu lacks shows: never blank, never a guess.
const NOT_PROVIDED: &str = "not provided";
/// A period longer than the option has existed.
const NOT_APPLICABLE: &str = "n/a";

const INTRO: &str = "This document compares the investment options of your plan: how each \
    has performed and what it costs. Fees and expenses are only one of the things to weigh \
    when you decide how to invest; over time they reduce the growth of your account.";
const PERFORMANCE_NOTE: &str = "Past performance does not tell you how an option will \
    perform in the future: its value can go down as well as up.";
const FEES_NOTE: &str = "Total annual operating expenses are what an option costs each \
    year, deducted from its assets and so from your return; the cost per $1,000 invested \
    is the same figure in dollars. Shareholder-type fees are charged to your own account \
    when you buy, sell or move money; restrictions limit when you can.";

/// A percentage to two decimals, or three when the third is not 0: 0.015 % is a
/// real fee, and two decimals would print it as 0.01 %.
fn percent_text(v: f64) -> String {
    let three = format!("{v:.3}");
    match three.strip_suffix('0') {
        Some(two) => format!("{two}%"),
        None => format!("{three}%"),
    }
}

fn percent(c: &Cell<f64>) -> String {
    match c {
        Cell::Given(v) => percent_text(*v),
        Cell::NotProvided => NOT_PROVIDED.to_owned(),
        Cell::NotApplicable => NOT_APPLICABLE.to_owned(),
    }
}

fn dollars(c: &Cell<f64>) -> String {
    match c {
        Cell::Given(v) => format!("${v:.2}"),
        Cell::NotProvided => NOT_PROVIDED.to_owned(),
        Cell::NotApplicable => NOT_APPLICABLE.to_owned(),
    }
}

fn words(c: &Cell<String>) -> String {
    match c {
        Cell::Given(v) => v.clone(),
        Cell::NotProvided => NOT_PROVIDED.to_owned(),
        Cell::NotApplicable => NOT_APPLICABLE.to_owned(),
    }
}

fn fees_text(c: &Cell<Vec<(String, String)>>) -> String {
    match c {
        Cell::Given(fees) if fees.is_empty() => "None".to_owned(),
        Cell::Given(fees) => fees
            .iter()
            .map(|(kind, text)| format!("{kind}: {text}"))
            .collect::<Vec<_>>()
            .join("; "),
        Cell::NotProvided => NOT_PROVIDED.to_owned(),
        Cell::NotApplicable => NOT_APPLICABLE.to_owned(),
    }
}

fn periods(r: &Returns) -> [String; 4] {
    [
        percent(&r.one_year),
        percent(&r.five_years),
        percent(&r.ten_years),
        percent(&r.since_inception),
    ]
}

/// The chart with every value as it is printed (menu texts not yet escaped).
#[derive(Serialize)]
struct View {
    plan: String,
    sponsor: String,
    as_of: String,
    period_end: String,
    period_end_iso: String,
    intro: &'static str,
    performance_note: &'static str,
    fees_note: &'static str,
    not_provided: usize,
    options: Vec<RowView>,
    /// Whether any option's returns vary, or any has a fixed return.
    any_variable: bool,
    any_fixed: bool,
    windows: Vec<String>,
    glossary: String,
}

#[derive(Serialize)]
struct RowView {
    name: String,
    kind: String,
    /// Part I, returns that vary: the option's and the benchmark's, by period.
    returns: Option<[String; 4]>,
    benchmark: String,
    benchmark_returns: [String; 4],
    /// Part I, a fixed return: rate and term.
    fixed: Option<[String; 2]>,
    expense_ratio: String,
    per_1000: String,
    shareholder_fees: String,
    restrictions: String,
    website: String,
}

fn view(chart: &Chart) -> View {
    let options: Vec<RowView> = chart
        .options
        .iter()
        .map(|r| {
            let (returns, benchmark, benchmark_returns, fixed) = match &r.performance {
                Performance::Variable {
                    returns,
                    benchmark,
                    benchmark_returns,
                } => (
                    Some(periods(returns)),
                    words(benchmark),
                    periods(benchmark_returns),
                    None,
                ),
                Performance::Fixed { rate_pct, term } => (
                    None,
                    String::new(),
                    Default::default(),
                    Some([percent(rate_pct), words(term)]),
                ),
            };
            RowView {
                name: r.name.clone(),
                kind: r.kind.clone(),
                returns,
                benchmark,
                benchmark_returns,
                fixed,
                expense_ratio: percent(&r.expense_ratio_pct),
                per_1000: dollars(&r.per_1000_usd),
                shareholder_fees: fees_text(&r.shareholder_fees),
                restrictions: words(&r.restrictions),
                website: words(&r.website),
            }
        })
        .collect();
    View {
        plan: chart.plan.clone(),
        sponsor: chart.sponsor.clone(),
        as_of: crate::date::words(&chart.as_of),
        period_end: crate::date::words(&chart.period_end),
        period_end_iso: chart.period_end.clone(),
        intro: INTRO,
        performance_note: PERFORMANCE_NOTE,
        fees_note: FEES_NOTE,
        not_provided: chart.not_provided(),
        any_variable: options.iter().any(|r| r.returns.is_some()),
        any_fixed: options.iter().any(|r| r.fixed.is_some()),
        options,
        windows: chart.windows.clone(),
        glossary: words(&chart.glossary),
    }
}

/// The chart in `format`: the same content, byte for byte the same for the same menu.
pub fn disclose(chart: &Chart, format: DiscloseFormat, paper: Paper) -> Result<Vec<u8>, String> {
    let v = view(chart);
    let text = match format {
        DiscloseFormat::Html => render_template(
            "disclose.html",
            include_str!("../../templates/disclose.html"),
            &v,
        ),
        DiscloseFormat::Markdown => Ok(markdown(&v)),
        DiscloseFormat::Csv => csv(&v),
        DiscloseFormat::Pdf => Ok(markdown(&v)),
    }?;
    finish(text, format == DiscloseFormat::Pdf, paper)
}

fn markdown(v: &View) -> String {
    use std::fmt::Write;
    let md = |s: &str| escape::markdown(s);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Investment options: performance and fees\n\n**{}** · {} · prepared {}\n",
        md(&v.plan),
        md(&v.sponsor),
        v.as_of
    );
    if v.not_provided > 0 {
        let _ = writeln!(
            out,
            "> **This chart is incomplete:** {} figure{} the plan's records do not provide {} marked *{NOT_PROVIDED}*.\n",
            v.not_provided,
            if v.not_provided == 1 { "" } else { "s" },
            if v.not_provided == 1 { "is" } else { "are" },
        );
    }
    let _ = writeln!(out, "{}\n", INTRO);
    let _ = writeln!(
        out,
        "## Part I. Performance\n\nAverage annual total returns for periods ending {}.\n",
        v.period_end
    );
    if v.any_variable {
        out.push_str("### Options whose returns vary\n\n");
        out.push_str("| Option | Type | | 1 year | 5 years | 10 years | Since inception |\n|---|---|---|---:|---:|---:|---:|\n");
        for r in &v.options {
            let Some(returns) = &r.returns else { continue };
            let _ = writeln!(
                out,
                "| {} | {} | Option | {} |",
                md(&r.name),
                md(&r.kind),
                returns.join(" | ")
            );
            let _ = writeln!(
                out,
                "| | | Benchmark: {} | {} |",
                md(&r.benchmark),
                r.benchmark_returns.join(" | ")
            );
        }
        out.push('\n');
    }
    if v.any_fixed {
        out.push_str("### Options with a fixed or stated return\n\n| Option | Type | Annual rate | Term |\n|---|---|---:|---|\n");
        for r in &v.options {
            let Some([rate, term]) = &r.fixed else {
                continue;
            };
            let _ = writeln!(
                out,
                "| {} | {} | {rate} | {} |",
                md(&r.name),
                md(&r.kind),
                md(term)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}\n", PERFORMANCE_NOTE);
    out.push_str("## Part II. Fees and expenses\n\n");
    out.push_str("| Option | Type | Total annual operating expenses | Per $1,000 invested | Shareholder-type fees | Restrictions | Website |\n|---|---|---:|---:|---|---|---|\n");
    for r in &v.options {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(&r.name),
            md(&r.kind),
            r.expense_ratio,
            md(&r.per_1000),
            md(&r.shareholder_fees),
            md(&r.restrictions),
            md(&r.website),
        );
    }
    let _ = writeln!(out, "\n{}\n", FEES_NOTE);
    for w in &v.windows {
        let _ = writeln!(
            out,
            "The plan also offers {}, a brokerage window: through it you can choose investments beyond the options above. They are not shown in this chart.\n",
            md(w)
        );
    }
    let _ = writeln!(out, "Glossary of investment terms: {}", md(&v.glossary));
    out
}

fn csv(v: &View) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "option",
        "type",
        "return_1y_pct",
        "return_5y_pct",
        "return_10y_pct",
        "return_since_inception_pct",
        "benchmark",
        "benchmark_1y_pct",
        "benchmark_5y_pct",
        "benchmark_10y_pct",
        "benchmark_since_inception_pct",
        "fixed_rate_pct",
        "term",
        "expense_ratio_pct",
        "per_1000_usd",
        "shareholder_fees",
        "restrictions",
        "website",
        "period_end",
    ];
    let err = |e: csv::Error| e.to_string();
    w.write_record(header).map_err(err)?;
    // a number as a spreadsheet reads it: no % or $ sign
    let bare = |s: &str| s.trim_end_matches('%').trim_start_matches('$').to_owned();
    for r in &v.options {
        let mut row: Vec<String> = vec![escape::csv_cell(&r.name), escape::csv_cell(&r.kind)];
        match &r.returns {
            Some(returns) => {
                row.extend(returns.iter().map(|s| bare(s)));
                row.push(escape::csv_cell(&r.benchmark));
                row.extend(r.benchmark_returns.iter().map(|s| bare(s)));
            }
            None => row.extend((0..9).map(|_| String::new())),
        }
        match &r.fixed {
            Some([rate, term]) => row.extend([bare(rate), escape::csv_cell(term)]),
            None => row.extend([String::new(), String::new()]),
        }
        row.push(bare(&r.expense_ratio));
        row.push(bare(&r.per_1000));
        row.push(escape::csv_cell(&r.shareholder_fees));
        row.push(escape::csv_cell(&r.restrictions));
        row.push(escape::csv_cell(&r.website));
        row.push(v.period_end_iso.clone());
        w.write_record(&row).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}
