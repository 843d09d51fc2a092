//! The compliance report for a fiduciary committee: HTML (self-contained) or Markdown.

use super::charts::{bar_chart, Bar};
use super::document::ReportFormat;
use super::document::{audit, finish, percent, render_template, Audit};
use super::pdf::Paper;
use crate::diag::{Basis, Finding, Severity};
use crate::engine::Judged;
use crate::rules::format_number;
use serde::Serialize;
use std::collections::BTreeMap;

const HTML_TEMPLATE: &str = include_str!("../../templates/report.html");
const MARKDOWN_TEMPLATE: &str = include_str!("../../templates/report.md");

#[derive(Serialize)]
struct Data {
    version: &'static str,
    as_of: String,
    generated: Option<String>,
    menu_path: String,
    plan: BTreeMap<&'static str, String>,
    verdict: &'static str,
    verdict_class: &'static str,
    /// Asset-weighted plan figures, or `not computed` with the reason.
    /// (figure, value, the policy's cap or —): the capped figures first.
    plan_figures: Vec<(String, String, String)>,
    /// What the committee must decide: each unwaived error, each waiver about to expire.
    decisions: Vec<DecisionGroup>,
    /// How many decisions the groups hold, for page one's heading.
    decision_count: usize,
    corrections: Vec<Correction>,
    counts: Counts,
    packs: Vec<PackRow>,
    charts: Vec<Chart>,
    options: Vec<OptionRow>,
    findings: Vec<BasisSection>,
    /// Where each finding is (file:line, or sheet!cell), by its number: the appendix.
    locations: Vec<Where>,
    /// Each option's selection record, when the menu has any (else no section).
    selection: Vec<SelectionRow>,
    /// The plan's fees and each option's share class, when the menu records them.
    fees: Option<Fees>,
    waivers: Vec<WaiverRow>,
    /// The watch list, when the monitoring rules ran (else empty: no section).
    watch: Vec<super::monitor::Row>,
    audit: Audit,
}

#[derive(Serialize)]
struct Decision {
    what: String,
    basis: String,
    todo: String,
}

/// One option's decisions (or the plan's), with its weight in the plan.
#[derive(Serialize)]
struct DecisionGroup {
    option: String,
    /// Its assets and share of the plan's, where the menu states them.
    weight: String,
    #[serde(serialize_with = "second")]
    items: Vec<(usize, Decision)>,
}

fn second<S: serde::Serializer>(items: &[(usize, Decision)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(items.iter().map(|(_, d)| d))
}

/// A fact the plan's administrator corrects or supplies.
#[derive(Serialize)]
struct Correction {
    option: String,
    what: String,
    todo: String,
}

#[derive(Serialize, Default)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
    waived: usize,
}

#[derive(Serialize)]
struct PackRow {
    name: String,
    title: String,
    rules: usize,
    counts: Counts,
}

#[derive(Serialize)]
struct Chart {
    title: String,
    svg: String,
    /// The same data as a table (for Markdown, and for screen readers).
    rows: Vec<(String, String, String)>,
}

#[derive(Serialize)]
struct OptionRow {
    id: String,
    name: String,
    ticker: String,
    asset_class: String,
    vehicle: String,
    expense_ratio: String,
    qdia: bool,
    assets: String,
    crypto: String,
    private: String,
    real_estate: String,
    status: &'static str,
}

/// The findings of one basis: what the law requires, what the policy chose.
#[derive(Serialize)]
struct BasisSection {
    key: &'static str,
    heading: &'static str,
    note: &'static str,
    items: Vec<Item>,
}

/// One finding in plain language; its technical location is in the appendix.
#[derive(Serialize, Clone)]
struct Item {
    /// `F3`: the number the appendix lists it under.
    n: String,
    severity: String,
    option: String,
    message: String,
    todo: String,
    rule: String,
    source: String,
    waiver: Option<String>,
}

/// Appendix: where a finding is.
#[derive(Serialize)]
struct Where {
    n: String,
    rule: String,
    at: String,
    excerpt: String,
}

/// The report's fees section (see [`fees`]).
#[derive(Serialize)]
struct Fees {
    plan: Vec<(String, String)>,
    options: Vec<FeeRow>,
}

/// One option's share class, the cheapest open to the plan, and revenue sharing.
#[derive(Serialize)]
struct FeeRow {
    option: String,
    class: String,
    expense_ratio: String,
    cheapest: String,
    cheapest_ratio: String,
    difference: String,
    revenue_sharing: String,
    credited: String,
}

/// An option's selection record in brief.
#[derive(Serialize)]
struct SelectionRow {
    option: String,
    reviewed_on: String,
    reviewed_by: String,
    minutes: String,
    /// How many of the six factors carry a determination.
    factors: usize,
    /// Selection findings standing on the option.
    gaps: usize,
}

#[derive(Serialize)]
struct WaiverRow {
    rule: String,
    option: String,
    reason: String,
    approved_by: String,
    expires: String,
    status: String,
}

fn dollars(n: u64) -> String {
    dollars_f(n as f64)
}

/// What the menu records of the plan's fees, as the committee reads them: the
/// recordkeeping arrangement, and each option's class against the cheapest one open
/// to the plan and its revenue sharing. `None` when the menu records none of it.
fn fees(menu: &crate::menu::Menu) -> Option<Fees> {
    let plan = &menu.plan;
    let num =
        |v: Option<&serde_json::Value>, k: &str| v.and_then(|v| v.get(k)).and_then(|x| x.as_f64());
    let rk = plan.recordkeeping.as_ref();
    let mut facts = Vec::new();
    if let Some(n) = plan.participants_with_balance {
        facts.push((
            "Participants with a balance".to_owned(),
            crate::rules::grouped(n),
        ));
    }
    if rk.is_some() {
        let mut parts = Vec::new();
        if let Some(usd) = num(rk, "per_participant_usd") {
            parts.push(format!("{} per participant a year", dollars_f(usd)));
        }
        if let Some(bp) = num(rk, "asset_bp") {
            parts.push(format!("{} bp of plan assets a year", format_number(bp)));
        }
        let how = rk
            .and_then(|v| v.get("charged"))
            .and_then(|v| v.as_str())
            .map(|c| match c {
                "per-participant" => "charged as the same dollars to each participant",
                "pro-rata" => "charged in proportion to each balance",
                "revenue-sharing" => "paid from the funds' revenue sharing",
                _ => "charged as the menu says",
            });
        let mut text = if parts.is_empty() {
            "stated without a fee".to_owned()
        } else {
            parts.join(" and ")
        };
        if let Some(how) = how {
            text = format!("{text}, {how}");
        }
        facts.push(("Recordkeeping and administration".to_owned(), text));
    }
    if let Some(d) = &plan.fee_disclosures_reviewed_on {
        facts.push(("Fee disclosures last reviewed".to_owned(), d.clone()));
    }
    let options: Vec<FeeRow> = menu
        .options
        .iter()
        .filter(|o| {
            o.share_class.is_some() || o.cheapest_class.is_some() || o.revenue_sharing.is_some()
        })
        .map(|o| {
            let cheap = o.cheapest_class.as_ref();
            let cheap_er = num(cheap, "expense_ratio_pct");
            let minimum = num(cheap, "minimum_usd").filter(|m| *m > 0.0);
            let difference = match (o.expense_ratio_pct, cheap_er) {
                // a class whose minimum the plan does not meet is not open to it
                (Some(a), Some(b)) if a > b && minimum.is_some_and(|m| o.assets_usd.is_some_and(|x| (x as f64) < m)) => {
                    format!("none: the cheaper class needs {}", dollars_f(minimum.unwrap_or_default()))
                }
                (Some(a), Some(b)) if a > b && minimum.is_some() && o.assets_usd.is_none() => {
                    format!("not known: the cheaper class needs {}, and the plan's assets in the option are not stated", dollars_f(minimum.unwrap_or_default()))
                }
                (Some(a), Some(b)) if a > b => {
                    let pct = format!("{} a year", percent(a - b));
                    match o.assets_usd {
                        Some(assets) => format!(
                            "{pct} ({} a year on the plan's assets)",
                            dollars_f((a - b) / 100.0 * assets as f64)
                        ),
                        None => pct,
                    }
                }
                (Some(_), Some(_)) => "none".to_owned(),
                _ => "—".to_owned(),
            };
            let rs = o.revenue_sharing.as_ref();
            let bp: f64 = ["twelve_b1_bp", "sub_ta_bp", "other_bp"]
                .iter()
                .filter_map(|k| num(rs, k))
                .sum();
            let credited = rs.map_or("—", |r| {
                match r.get("credited").and_then(|c| c.as_bool()) {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "not stated",
                }
            });
            FeeRow {
                option: o.name.clone(),
                class: o.share_class.clone().unwrap_or_else(|| "—".into()),
                expense_ratio: o
                    .expense_ratio_pct
                    .map_or("—".into(), percent),
                cheapest: cheap
                    .and_then(|c| c.get("name"))
                    .and_then(|n| n.as_str())
                    .map_or("—".into(), str::to_owned),
                cheapest_ratio: cheap_er.map_or("—".into(), percent),
                difference,
                revenue_sharing: if rs.is_some() {
                    format!("{} bp", format_number(bp))
                } else {
                    "—".into()
                },
                credited: credited.to_owned(),
            }
        })
        .collect();
    (!facts.is_empty() || !options.is_empty()).then_some(Fees {
        plan: facts,
        options,
    })
}

fn dollars_f(amount: f64) -> String {
    crate::rules::usd(amount).unwrap_or_else(|| "—".into())
}

fn count(findings: &[&Finding]) -> Counts {
    let mut c = Counts::default();
    for f in findings {
        if f.waiver.is_some() {
            c.waived += 1;
            continue;
        }
        match f.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Info => c.infos += 1,
        }
    }
    c
}

/// Splits rule groups into legal requirements, investment policy, and menulint's own
/// findings (waivers, input), in that order, leaving out empty sections.
fn sections(items: Vec<(Option<Basis>, Item)>) -> Vec<BasisSection> {
    let mut out = Vec::new();
    let bases = Basis::ALL
        .into_iter()
        .map(|b| (Some(b), b.as_str(), b.heading(), b.meaning()));
    let other = (
        None,
        "other",
        "Waivers and data",
        "Findings about the committee's waivers and the menu file itself.",
    );
    for (basis, key, heading, note) in bases.chain([other]) {
        let items: Vec<Item> = items
            .iter()
            .filter(|(b, _)| *b == basis)
            .map(|(_, i)| i.clone())
            .collect();
        if !items.is_empty() {
            out.push(BasisSection {
                key,
                heading,
                note,
                items,
            });
        }
    }
    out
}

/// Page one's decisions and the administrator's corrections. A decision is an error
/// no waiver excuses, of a rule the committee acts on, or a waiver that expires
/// within 30 days; decisions come grouped by option, the plan's own first, then the
/// options by their assets, largest first. A correction is an error of a rule the
/// administrator acts on (a check digit, a missing link or figure).
fn decisions(all: &[&Finding], menu: &crate::menu::Menu) -> (Vec<DecisionGroup>, Vec<Correction>) {
    let index_of =
        |id: Option<&str>| id.and_then(|id| menu.options.iter().position(|o| o.id == id));
    let name_of = |i: Option<usize>| {
        i.and_then(|i| menu.options.get(i))
            .map_or_else(|| "The plan".to_owned(), |o| o.name.clone())
    };
    // a share of the plan only where the plan's assets are known: stated, or the sum
    // of every option's
    let total = menu
        .plan
        .total_assets_usd
        .or_else(|| {
            menu.options
                .iter()
                .try_fold(0u64, |sum, o| sum.checked_add(o.assets_usd?))
        })
        .filter(|t| *t > 0);
    let mut groups: BTreeMap<(u8, std::cmp::Reverse<u64>, usize), DecisionGroup> = BTreeMap::new();
    let mut corrections: Vec<(usize, Option<usize>, Correction)> = Vec::new();
    for f in all
        .iter()
        .filter(|f| f.is_failing(false) || f.code() == Some(crate::diag::Code::WaiverExpiring))
    {
        let at = index_of(f.option.as_deref());
        let rank = f.basis().map_or(Basis::ALL.len(), |b| b as usize);
        let todo = f.advice_text().unwrap_or_default().to_owned();
        if f.rule()
            .is_some_and(|r| r.acts == crate::diag::Acts::Administrator)
        {
            corrections.push((
                rank,
                at,
                Correction {
                    option: name_of(at),
                    what: f.message.clone(),
                    todo,
                },
            ));
            continue;
        }
        let assets = at
            .and_then(|i| menu.options.get(i))
            .and_then(|o| o.assets_usd);
        // the plan's own decisions first, then the options by weight, unknown last
        let key = match at {
            None => (0, std::cmp::Reverse(0), 0),
            Some(i) => (
                1 + u8::from(assets.is_none()),
                std::cmp::Reverse(assets.unwrap_or(0)),
                i,
            ),
        };
        let group = groups.entry(key).or_insert_with(|| DecisionGroup {
            option: name_of(at),
            weight: match (assets, total) {
                (Some(a), Some(t)) => format!(
                    "{} · {} of plan assets",
                    dollars(a),
                    percent(a as f64 / t as f64 * 100.0)
                ),
                (Some(a), None) => dollars(a),
                _ => String::new(),
            },
            items: Vec::new(),
        });
        group.items.push((
            rank,
            Decision {
                what: f.message.clone(),
                basis: f
                    .basis()
                    .map_or("Waivers and data", |b| b.heading())
                    .to_owned(),
                todo,
            },
        ));
    }
    let groups = groups
        .into_values()
        .map(|mut g| {
            g.items.sort_by_key(|(rank, _)| *rank);
            g
        })
        .collect();
    corrections.sort_by_key(|(rank, at, _)| (*at, *rank));
    (groups, corrections.into_iter().map(|(_, _, c)| c).collect())
}

/// The plan's asset-weighted exposure, or why it could not be computed.
fn plan_figures(
    menu: &crate::menu::Menu,
    lt: &crate::menu::exposure::LookThrough,
) -> Vec<(String, String)> {
    let names = [
        "Crypto, % of plan assets",
        "Private equity, % of plan assets",
        "Private credit, % of plan assets",
        "Real estate, % of plan assets",
    ];
    let keys = [
        "crypto_pct",
        "private_equity_pct",
        "private_credit_pct",
        "real_estate_pct",
    ];
    // a figure that counts an option at 100 % for its asset class says so
    let assumed = |key: &str| -> String {
        let funds: Vec<&str> = lt
            .assumed
            .iter()
            .filter(|a| a.figure == key)
            .filter_map(|a| menu.options.get(a.option).map(|o| o.name.as_str()))
            .collect();
        if funds.is_empty() {
            String::new()
        } else {
            format!(
                " (counts {} at 100 %, assumed from the asset class: the menu states no figure)",
                funds.join(", ")
            )
        }
    };
    match &lt.plan {
        Some(p) => names
            .iter()
            .zip(keys)
            .zip([
                p.crypto_pct,
                p.private_equity_pct,
                p.private_credit_pct,
                p.real_estate_pct,
            ])
            .map(|((n, k), v)| (n.to_string(), format!("{}{}", percent(v), assumed(k))))
            .collect(),
        None => {
            let ids: Vec<&str> = lt
                .missing_assets
                .iter()
                .filter_map(|&i| menu.options.get(i).map(|o| o.name.as_str()))
                .collect();
            let why = if ids.is_empty() {
                "not computed: the menu states neither the plan's assets nor the options'"
                    .to_owned()
            } else {
                format!(
                    "not computed: the menu does not state the assets of {}",
                    ids.join(", ")
                )
            };
            names.iter().map(|n| (n.to_string(), why.clone())).collect()
        }
    }
}

/// Builds the report of one checked menu. `generated` is a timestamp to print, if
/// any; `paper` is a PDF's.
pub fn report(
    judged: &Judged,
    generated: Option<String>,
    format: ReportFormat,
    paper: Paper,
) -> Result<Vec<u8>, String> {
    let (r, policy, as_of) = (judged.report, judged.policy, judged.as_of);
    let (Some(menu), Some(lt), Some(source)) = (&r.menu, &r.exposure, &r.source) else {
        return Err(format!(
            "{} could not be checked; run `menulint check` on it",
            r.path
        ));
    };
    let all: Vec<&Finding> = r.findings.iter().collect();
    let counts = count(&all);
    let open = || all.iter().filter(|f| f.waiver.is_none());
    let breached = open().any(|f| f.severity == Severity::Error && !f.incomplete);
    let verdict = if breached {
        ("FAIL", "fail")
    } else if lt.plan.is_none() || open().any(|f| f.incomplete) {
        // a figure the policy caps could not be computed: never a pass, whether or
        // not the config lets it pass the gate
        ("INCOMPLETE", "incomplete")
    } else if counts.waived > 0 {
        ("PASS WITH WAIVERS", "waived")
    } else {
        ("PASS", "pass")
    };

    let mut plan = BTreeMap::new();
    plan.insert("name", menu.plan.name.clone());
    plan.insert("sponsor", menu.plan.sponsor.clone());
    plan.insert("ein", menu.plan.ein.clone().unwrap_or_else(|| "—".into()));
    plan.insert(
        "plan_number",
        menu.plan.plan_number.clone().unwrap_or_else(|| "—".into()),
    );
    plan.insert(
        "recordkeeper",
        menu.plan.recordkeeper.clone().unwrap_or_else(|| "—".into()),
    );
    plan.insert(
        "effective_date",
        menu.plan
            .effective_date
            .clone()
            .unwrap_or_else(|| "—".into()),
    );
    plan.insert("total_assets", dollars(menu.total_assets_usd()));

    let packs = policy
        .rules
        .packs_in_force()
        .map(|p| {
            let ids: Vec<&str> = p
                .rules
                .iter()
                .filter(|r| r.enabled)
                .map(|r| r.id.as_str())
                .collect();
            let fs: Vec<&Finding> = all
                .iter()
                .copied()
                .filter(|f| ids.contains(&f.id()))
                .collect();
            PackRow {
                name: p.header.name.clone(),
                title: p.header.title.clone(),
                rules: ids.len(),
                counts: count(&fs),
            }
        })
        .collect();

    // charts
    // every figure a rule caps, from the evaluation: per option (or the plan), the
    // measured value against the tightest limit of the rules that apply to it (the
    // QDIA's own cap is tighter than other options': its bar says it is the QDIA)
    let mut capped: BTreeMap<&str, BTreeMap<Option<usize>, Bar>> = BTreeMap::new();
    for m in &r.measurements {
        let label = m
            .option
            .and_then(|i| menu.options.get(i))
            .map_or("The plan".to_owned(), |o| o.name.clone());
        let qdia = m
            .option
            .and_then(|i| menu.options.get(i))
            .is_some_and(|o| o.qdia);
        let bar = capped
            .entry(m.figure.as_str())
            .or_default()
            .entry(m.option)
            .or_insert(Bar {
                label,
                value: m.value,
                cap: Some(m.limit),
                cap_name: if qdia { "QDIA cap" } else { "cap" },
            });
        bar.cap = Some(bar.cap.map_or(m.limit, |c| c.min(m.limit)));
    }
    let chart = |title: &str, bars: Vec<Bar>| Chart {
        title: title.to_owned(),
        svg: bar_chart(title, "%", &bars),
        rows: bars
            .iter()
            .map(|b| {
                (
                    b.label.clone(),
                    percent(b.value),
                    b.cap.map_or("—".to_owned(), |c| {
                        if b.cap_name == "cap" {
                            percent(c)
                        } else {
                            format!("{} ({})", percent(c), b.cap_name)
                        }
                    }),
                )
            })
            .collect(),
    };
    // a chart carries a decision: only a capped figure some option (or the plan)
    // exceeds is drawn
    let charts: Vec<Chart> = capped
        .into_iter()
        .map(|(figure, bars)| {
            (
                format!("{figure}, against its cap"),
                bars.into_values().collect::<Vec<_>>(),
            )
        })
        .filter(|(_, bars)| bars.iter().any(|b| b.cap.is_some_and(|c| b.value > c)))
        .map(|(title, mut bars)| {
            // the QDIA's cap is named its own only where it is: tighter than every
            // other option's (the QDIA crypto cap), not where the QDIA merely falls
            // under the same kind of cap as the rest (an expense ratio's)
            let others = bars
                .iter()
                .filter(|b| b.cap_name == "cap")
                .filter_map(|b| b.cap)
                .fold(f64::INFINITY, f64::min);
            for b in &mut bars {
                if b.cap.is_some_and(|c| c >= others) {
                    b.cap_name = "cap";
                }
            }
            chart(&title, bars)
        })
        .collect();

    let options = menu
        .options
        .iter()
        .zip(&lt.options)
        .map(|(o, f)| {
            let mine: Vec<&Finding> = all
                .iter()
                .copied()
                .filter(|x| x.option.as_deref() == Some(&o.id))
                .collect();
            let c = count(&mine);
            OptionRow {
                id: o.id.clone(),
                name: o.name.clone(),
                ticker: o.ticker.clone().unwrap_or_default(),
                asset_class: crate::rules::label(&o.asset_class),
                vehicle: crate::rules::label(&o.vehicle),
                expense_ratio: o.expense_ratio_pct.map_or("—".into(), percent),
                qdia: o.qdia,
                assets: o.assets_usd.map_or("—".into(), dollars),
                crypto: percent(f.crypto_pct),
                private: percent(f.private_markets_pct),
                real_estate: percent(f.real_estate_pct),
                // the worst that applies: an error is not a missing benchmark warning
                status: if c.errors > 0 {
                    "error"
                } else if c.warnings > 0 {
                    "warning"
                } else if c.infos > 0 {
                    "info"
                } else if c.waived > 0 {
                    "waived"
                } else {
                    "pass"
                },
            }
        })
        .collect();

    // legal requirements, then policy, then the rest; within each by severity (standing
    // errors first, waived last), then option in menu order (the plan first), then
    // rule; numbered in that order for the appendix
    let index_of = |f: &Finding| {
        f.option
            .as_deref()
            .and_then(|id| menu.options.iter().position(|o| o.id == id))
    };
    let rank = |f: &Finding| match (&f.waiver, f.severity) {
        (Some(_), _) => 3,
        (None, Severity::Error) => 0,
        (None, Severity::Warning) => 1,
        (None, Severity::Info) => 2,
    };
    let mut ordered: Vec<&Finding> = all.clone();
    let basis_rank = |f: &Finding| f.basis().map_or(Basis::ALL.len(), |b| b as usize);
    ordered.sort_by_key(|f| (basis_rank(f), rank(f), index_of(f), f.id().to_owned()));
    let option_name = |f: &Finding| {
        index_of(f)
            .and_then(|i| menu.options.get(i))
            .map_or_else(|| "The plan".to_owned(), |o| o.name.clone())
    };
    let mut items = Vec::new();
    let mut locations = Vec::new();
    for (k, f) in ordered.iter().enumerate() {
        let n = format!("F{}", k + 1);
        let line = f.location.map_or(0, |l| l.line);
        let path = f.file_name(&r.path);
        let at = match (&f.cell, f.location) {
            (Some(cell), _) => format!("{path}:{cell}"),
            (None, Some(l)) => format!("{path}:{}", l.line),
            (None, None) => path.to_owned(),
        };
        locations.push(Where {
            n: n.clone(),
            rule: f.id().to_owned(),
            at,
            excerpt: f
                .file
                .as_ref()
                .unwrap_or(source)
                .line_text(line)
                .trim()
                .to_owned(),
        });
        items.push((
            f.basis(),
            Item {
                n,
                severity: if f.waiver.is_some() {
                    "waived".to_owned()
                } else {
                    f.severity.to_string()
                },
                option: option_name(f),
                message: f.message.clone(),
                todo: f.advice_text().unwrap_or_default().to_owned(),
                rule: if f.name().is_empty() {
                    f.id().to_owned()
                } else {
                    format!("{} {}", f.id(), f.name())
                },
                source: f.citation().unwrap_or_default().to_owned(),
                waiver: f.waiver.as_ref().map(|w| {
                    format!(
                        "waived: {} — {}, expires {}",
                        w.reason,
                        w.approved_by,
                        crate::date::words(&w.expires)
                    )
                }),
            },
        ));
    }

    // the selection record of each option that has one
    let selection = menu
        .options
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let s = o.selection.as_ref()?;
            let text = |k: &str| {
                s.get(k).map_or("—".to_owned(), |v| {
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                })
            };
            let factors = crate::menu::FACTORS
                .iter()
                .filter(|(f, _)| s.get(*f).and_then(|v| v.get("determination")).is_some())
                .count();
            let gaps = all
                .iter()
                .filter(|f| {
                    f.waiver.is_none()
                        && f.path.option_index() == Some(i)
                        && f.path.below_option().to_string().starts_with("selection")
                })
                .count();
            Some(SelectionRow {
                option: o.name.clone(),
                reviewed_on: text("reviewed_on"),
                reviewed_by: text("reviewed_by"),
                minutes: text("minutes"),
                factors,
                gaps,
            })
        })
        .collect();

    let waivers = r
        .waivers
        .iter()
        .map(|w| WaiverRow {
            // in words: the rule's summary, and the option's name
            rule: policy
                .rules
                .rules()
                .find(|r| r.id == w.spec.rule)
                .map_or_else(|| w.spec.rule.clone(), |r| r.summary.clone()),
            option: w.spec.option.as_deref().map_or_else(
                || "The whole plan".into(),
                |id| {
                    menu.options
                        .iter()
                        .find(|o| o.id == id)
                        .map_or_else(|| id.to_owned(), |o| o.name.clone())
                },
            ),
            reason: w.spec.reason.clone(),
            approved_by: w.spec.approved_by.clone(),
            expires: w.spec.expires.clone(),
            status: w.status.describe(),
        })
        .collect();

    let audit = audit(policy, source, &r.audited);
    let watch = if judged.statuses.is_empty() {
        Vec::new()
    } else {
        super::monitor::rows(&judged.statuses)
    };

    let (decisions, corrections) = decisions(&all, menu);
    let data = Data {
        version: env!("CARGO_PKG_VERSION"),
        as_of: as_of.to_owned(),
        generated,
        menu_path: r.path.clone(),
        plan,
        verdict: verdict.0,
        verdict_class: verdict.1,
        plan_figures: {
            // every plan figure a rule caps, beside its cap (the all-in cost, the cost
            // per participant, crypto: the packs name them); a breach says so
            let capped: Vec<(String, String, String, f64)> = r
                .measurements
                .iter()
                .filter(|m| m.option.is_none())
                .map(|m| {
                    // in the unit the figure's name gives
                    let amount = |v: f64| {
                        if m.figure.contains('$') {
                            dollars_f(v)
                        } else if m.figure.contains('%') {
                            percent(v)
                        } else {
                            format_number(v)
                        }
                    };
                    let value = if m.value > m.limit {
                        format!("{}, above the cap", amount(m.value))
                    } else {
                        amount(m.value)
                    };
                    (m.figure.clone(), value, amount(m.limit), m.value)
                })
                .collect();
            // an exposure a capped figure already shows is not listed twice
            let shown = |name: &str, value: &str| {
                let word = name.split(',').next().unwrap_or(name).to_lowercase();
                capped.iter().any(|(f, _, _, v)| {
                    f.to_lowercase().contains(&word) && value.starts_with(&percent(*v))
                })
            };
            let mut figures: Vec<(String, String, String)> = plan_figures(menu, lt)
                .into_iter()
                .filter(|(name, value)| !shown(name, value))
                .map(|(name, value)| (name, value, "—".to_owned()))
                .collect();
            let mut capped: Vec<(String, String, String)> =
                capped.into_iter().map(|(f, v, c, _)| (f, v, c)).collect();
            capped.append(&mut figures);
            capped
        },
        decision_count: decisions.iter().map(|g| g.items.len()).sum(),
        decisions,
        corrections,
        counts,
        packs,
        charts,
        options,
        findings: sections(items),
        locations,
        selection,
        fees: fees(menu),
        waivers,
        watch,
        audit,
    };
    let (name, source) = match format {
        ReportFormat::Html => ("report.html", HTML_TEMPLATE),
        ReportFormat::Markdown | ReportFormat::Pdf => ("report.md", MARKDOWN_TEMPLATE),
    };
    finish(
        render_template(name, source, &data)?,
        format == ReportFormat::Pdf,
        paper,
    )
}
