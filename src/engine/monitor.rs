//! The watch list: each option's monitoring status, from a checked menu's findings
//! and watch states. Which rules watch and which recommend replacement is the packs'
//! data (`monitor = "watch" | "replace"`), not this module's.

use super::FileReport;
use crate::diag::{Finding, Monitor, Severity};
use crate::menu::Quarter;
use crate::policy::Policy;
use serde::Serialize;
use std::collections::BTreeSet;

/// Where an option stands, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every monitoring rule passes on current figures.
    Ok,
    /// On the watch list: a watch rule failed, and the option has not yet passed enough
    /// quarters in a row to come off.
    OnWatch,
    /// Its figures are missing or out of date: it cannot be judged, so it does not pass.
    NoData,
    /// A rule marked `monitor = "replace"` fails (one on watch too long, say): the
    /// committee is advised to replace the option.
    ReplacementRecommended,
}

impl Status {
    /// The status in words, as the watch list shows it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::OnWatch => "on watch",
            Status::NoData => "no current data",
            Status::ReplacementRecommended => "recommended for replacement",
        }
    }

    /// Whether this status fails `menulint monitor` (exit code 1).
    pub fn fails(self) -> bool {
        self >= Status::NoData
    }
}

/// A monitoring finding on an option, as the watch list states it.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// The rule's id.
    pub rule: String,
    /// The rule's kebab-case name.
    pub name: String,
    /// The finding's severity, after the config's overrides.
    pub severity: Severity,
    /// The finding's message.
    pub message: String,
    /// The committee's recorded reason to keep the option, when a waiver covers it.
    pub waived: Option<String>,
}

/// One option's line on the watch list.
#[derive(Debug, Clone, Serialize)]
pub struct OptionStatus {
    /// The option's id in the menu.
    pub id: String,
    /// The option's name.
    pub name: String,
    /// Where it stands on the check date.
    pub status: Status,
    /// The quarter end it went on watch.
    pub since: Option<String>,
    /// Consecutive quarters on watch up to the latest (0: not on watch).
    pub quarters_on_watch: usize,
    /// Passing quarters in a row while still on watch, and how many take it off.
    pub recovering: Option<(usize, usize)>,
    /// An insufficient track record: the latest quarter has no 3-year figures and the
    /// option is under three years old, so only the rules on the periods it has (its
    /// 1-year figures) could judge it.
    pub short_record: bool,
    /// The findings of the monitoring packs' rules on it, waived ones included with the
    /// committee's reason.
    pub reasons: Vec<Reason>,
    /// The latest quarter's figures.
    pub latest: Option<Quarter>,
    /// Every quarter, oldest first (for trend charts).
    #[serde(skip)]
    pub history: Vec<Quarter>,
}

/// The watch list of a checked menu: every designated option, in menu order (a
/// brokerage window is not one, 29 CFR 2550.404a-5(h)(4), unless the config says so).
pub fn statuses(report: &FileReport, policy: &Policy, as_of: &str) -> Vec<OptionStatus> {
    let rules = &policy.rules;
    let windows_are_options = policy.config.brokerage_windows_are_options;
    let Some(menu) = &report.menu else {
        return Vec::new();
    };
    let monitoring = |f: &Finding| f.rule().and_then(|r| r.monitor);
    // the packs that hold monitoring rules: their other rules (history-current) say
    // whether the figures are there to judge at all
    let packs: BTreeSet<&str> = rules
        .rules()
        .filter(|r| r.monitor.is_some())
        .map(|r| r.pack.as_str())
        .collect();
    // with no data rule in force (switched off), figures older than the last quarter
    // end its `grace_days` back (as configured, though the rule is off) still cannot
    // pass as current; without such a parameter, the last quarter end itself
    let data_rule_in_force = rules
        .rules()
        .any(|r| r.monitor.is_none() && packs.contains(r.pack.as_str()));
    let grace = rules
        .all_rules()
        .filter(|r| r.monitor.is_none() && packs.contains(r.pack.as_str()))
        .find_map(|r| {
            r.params
                .get("grace_days")
                .and_then(serde_json::Value::as_f64)
        })
        .filter(|g| g.is_finite() && *g >= 0.0)
        .map_or(0, |g| g as i64);
    let due = crate::rules::last_quarter_end(as_of, grace).unwrap_or_default();
    // the quarters ended by the check date: the rules judged those only
    let known = |o: &crate::menu::InvestmentOption| -> Vec<Quarter> {
        o.history
            .iter()
            .filter(|q| q.quarter.as_str() <= as_of)
            .cloned()
            .collect()
    };
    let stale = |h: &[Quarter]| !data_rule_in_force && h.last().is_some_and(|q| q.quarter < due);
    let in_monitoring_pack = |f: &Finding| {
        f.rule()
            .is_some_and(|r| r.monitor.is_some() || packs.contains(r.pack.as_str()))
    };
    menu.options
        .iter()
        .enumerate()
        .filter(|(_, o)| windows_are_options || o.vehicle != "brokerage_window")
        .map(|(i, o)| {
            let history = known(o);
            let mine: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.path.option_index() == Some(i) && in_monitoring_pack(f))
                .collect();
            let standing = |f: &&&Finding| f.waiver.is_none();
            let watch = report.watch.get(i).cloned().unwrap_or_default();
            let status = if mine
                .iter()
                .filter(standing)
                .any(|f| monitoring(f) == Some(Monitor::Replace))
            {
                Status::ReplacementRecommended
            } else if history.is_empty()
                || stale(&history)
                || mine
                    .iter()
                    .filter(standing)
                    .any(|f| monitoring(f).is_none() || f.incomplete)
            {
                Status::NoData
            } else if watch.quarters > 0 {
                Status::OnWatch
            } else {
                Status::Ok
            };
            let short_record = history.last().is_some_and(|q| {
                q.return_3y_pct.is_none()
                    && o.inception_date.as_deref().is_some_and(|d| {
                        crate::rules::years_between(d, &q.quarter).is_some_and(|y| y < 3)
                    })
            });
            OptionStatus {
                id: o.id.clone(),
                name: o.name.clone(),
                status,
                since: watch.since.clone(),
                quarters_on_watch: watch.quarters,
                recovering: (watch.quarters > 0 && watch.recovering > 0)
                    .then_some((watch.recovering, watch.recover_quarters)),
                short_record,
                reasons: mine
                    .iter()
                    .map(|f| Reason {
                        rule: f.id().to_owned(),
                        name: f.name().to_owned(),
                        severity: f.severity,
                        message: f.message.clone(),
                        waived: f.waiver.as_ref().map(|w| w.reason.clone()),
                    })
                    .collect(),
                latest: history.last().cloned(),
                history,
            }
        })
        .collect()
}

/// `menulint monitor`'s exit code: 1 when an option is recommended for replacement
/// or cannot be judged for want of figures.
pub fn exit_code(list: &[OptionStatus]) -> u8 {
    if list.iter().any(|s| s.status.fails()) {
        super::exit::FINDINGS
    } else {
        super::exit::CLEAN
    }
}
