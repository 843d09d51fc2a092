//! The waiver stage: apply the committee's waivers to findings, and decide each
//! waiver's status once (applied, expiring, expired, unused) for every output.

use super::config::WaiverSpec;
use crate::date::days_from_iso;
use crate::diag::{AppliedWaiver, Code, Finding, MenuPath, Severity, SourceFile};
use crate::menu::load::Document;
use serde::Serialize;

/// Waivers expiring within this many days are reported as info.
pub(crate) const EXPIRING_SOON_DAYS: i64 = 30;

/// The menu's own `[[waivers]]`, with the spans of their `rule` and `expires`.
pub(crate) fn menu_waivers(doc: &Document) -> Vec<WaiverSpec> {
    let Some(list) = doc.value.get("waivers").and_then(|w| w.as_array()) else {
        return Vec::new();
    };
    let text =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    list.iter()
        .enumerate()
        .filter_map(|(i, w)| {
            let span = |k: &str| {
                let path = MenuPath::root().key("waivers").index(i).key(k);
                doc.spans.get(&path).map(|s| s.value.clone())
            };
            Some(WaiverSpec {
                rule: text(w, "rule")?,
                option: text(w, "option"),
                reason: text(w, "reason")?,
                approved_by: text(w, "approved_by")?,
                expires: text(w, "expires")?,
                rule_span: span("rule")?,
                expires_span: span("expires")?,
            })
        })
        .collect()
}

fn expired(w: &WaiverSpec, as_of: &str) -> bool {
    w.expires.as_str() < as_of
}

fn matches(w: &WaiverSpec, f: &Finding) -> bool {
    (w.rule.eq_ignore_ascii_case(f.id()) || w.rule == f.name())
        && w.option
            .as_ref()
            .is_none_or(|o| f.option.as_ref() == Some(o))
}

/// Marks waived findings. Returns, for each waiver (menu ones first, then config
/// ones), whether it excused anything. Expired waivers excuse nothing.
pub fn apply(
    findings: &mut [Finding],
    menu: &[(&SourceFile, &WaiverSpec)],
    as_of: &str,
) -> Vec<bool> {
    let mut used = vec![false; menu.len()];
    for f in findings.iter_mut().filter(|f| f.rule().is_some()) {
        if let Some((i, (src, w))) = menu
            .iter()
            .enumerate()
            .find(|(_, (_, w))| !expired(w, as_of) && matches(w, f))
        {
            used[i] = true;
            f.waiver = Some(Box::new(AppliedWaiver {
                reason: w.reason.clone(),
                approved_by: w.approved_by.clone(),
                expires: w.expires.clone(),
                at: format!("{}:{}", src.name(), src.position(w.rule_span.start).0),
            }));
        }
    }
    used
}

/// Where a waiver stands on the check date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum WaiverStatus {
    /// It excuses at least one finding.
    Applied,
    /// It excuses findings and expires within `EXPIRING_SOON_DAYS`.
    Expiring {
        /// Days from the check date to its `expires` date (0: the check date is its last day).
        days: i64,
    },
    /// Its expiry date has passed; it excuses nothing.
    Expired,
    /// It matches no finding.
    Unused,
    /// Its rule did not run (switched off, or left out by `--select`): nothing to say.
    RuleNotRun,
    /// No rule in force or known has its id: probably a typo.
    UnknownRule,
}

/// What a run knows of a waiver's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleState {
    /// The rule was in force and ran.
    Ran,
    /// A pack of the run defines it, but it was not in force (switched off, or left out
    /// by the selection).
    NotRun,
    /// No pack of the run defines it.
    Unknown,
}

impl WaiverStatus {
    /// Decides the status from the rule's state, whether the waiver was used and
    /// the check date.
    pub fn of(waiver: &WaiverSpec, rule: RuleState, used: bool, as_of: &str) -> WaiverStatus {
        match rule {
            RuleState::Unknown => return WaiverStatus::UnknownRule,
            RuleState::NotRun => return WaiverStatus::RuleNotRun,
            RuleState::Ran => {}
        }
        if expired(waiver, as_of) {
            return WaiverStatus::Expired;
        }
        if !used {
            return WaiverStatus::Unused;
        }
        match (days_from_iso(&waiver.expires), days_from_iso(as_of)) {
            (Some(e), Some(t)) if e - t <= EXPIRING_SOON_DAYS => {
                WaiverStatus::Expiring { days: e - t }
            }
            _ => WaiverStatus::Applied,
        }
    }

    /// Words for listings.
    pub(crate) fn describe(self) -> String {
        match self {
            WaiverStatus::Applied => "applied".to_owned(),
            WaiverStatus::Expiring { .. } => "applied, expiring soon".to_owned(),
            WaiverStatus::Expired => "expired".to_owned(),
            WaiverStatus::Unused => "unused".to_owned(),
            WaiverStatus::RuleNotRun => "rule not run".to_owned(),
            WaiverStatus::UnknownRule => "unknown rule".to_owned(),
        }
    }
}

/// A waiver with its status, as every output reports it.
#[derive(Debug, Clone)]
pub struct WaiverState {
    /// The waiver as written, in the menu or a config.
    pub spec: WaiverSpec,
    /// Where it stands on the check date.
    pub status: WaiverStatus,
}

/// The finding a waiver's status calls for: expired (error), expiring soon (info),
/// excusing nothing (warning).
pub fn audit(source: &SourceFile, waiver: &WaiverSpec, status: WaiverStatus) -> Option<Finding> {
    let target = match &waiver.option {
        Some(o) => format!("{} for option `{o}`", waiver.rule),
        None => waiver.rule.clone(),
    };
    match status {
        WaiverStatus::Applied | WaiverStatus::RuleNotRun => None,
        WaiverStatus::UnknownRule => Some(
            Finding::input_error(
                Code::WaiverUnused,
                format!(
                    "the waiver names rule {}, which no pack in force defines",
                    waiver.rule
                ),
                Some(source),
                Some(waiver.rule_span.clone()),
            )
            .with_label("unknown rule")
            .with_help("correct the rule id (`menulint rules` lists them), or remove the waiver")
            .with_severity(Severity::Warning),
        ),
        WaiverStatus::Expired => Some(
            Finding::input_error(
                Code::WaiverExpired,
                format!(
                    "the waiver of {target} expired on {}; it no longer applies",
                    waiver.expires
                ),
                Some(source),
                Some(waiver.expires_span.clone()),
            )
            .with_label("expired")
            .with_help(
                "have the committee renew the waiver with a new expiry date, or fix the finding",
            ),
        ),
        WaiverStatus::Unused => Some(
            Finding::input_error(
                Code::WaiverUnused,
                format!("the waiver of {target} matches no finding; it is stale"),
                Some(source),
                Some(waiver.rule_span.clone()),
            )
            .with_label("waives nothing")
            .with_help("remove the waiver, or correct its rule id and option")
            .with_severity(Severity::Warning),
        ),
        WaiverStatus::Expiring { days } => Some(
            Finding::input_error(
                Code::WaiverExpiring,
                format!(
                    "the waiver of {target} expires in {days} day{} ({})",
                    if days == 1 { "" } else { "s" },
                    waiver.expires
                ),
                Some(source),
                Some(waiver.expires_span.clone()),
            )
            .with_label("expires soon")
            .with_help("put the waiver on the committee's agenda for renewal")
            .with_severity(Severity::Info),
        ),
    }
}
