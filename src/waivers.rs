//! Stage 3b: apply the committee's waivers to findings, and report waivers that
//! expired, expire soon, or excuse nothing.

use crate::config::WaiverSpec;
use crate::date::days_from_iso;
use crate::finding::{AppliedWaiver, Finding, Severity};
use crate::load::Document;
use crate::source::SourceFile;

/// Waivers expiring within this many days are reported as info.
pub const EXPIRING_SOON_DAYS: i64 = 30;

/// The menu's own `[[waivers]]`, with the spans of their `rule` and `expires`.
pub fn menu_waivers(doc: &Document) -> Vec<WaiverSpec> {
    let Some(list) = doc.value.get("waivers").and_then(|w| w.as_array()) else {
        return Vec::new();
    };
    let text =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    list.iter()
        .enumerate()
        .filter_map(|(i, w)| {
            let span = |k: &str| {
                doc.spans
                    .get(&format!("waivers[{i}].{k}"))
                    .map(|s| s.value.clone())
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
    w.rule.eq_ignore_ascii_case(&f.rule)
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
    for f in findings
        .iter_mut()
        .filter(|f| !f.rule.starts_with("menulint::"))
    {
        if let Some((i, (src, w))) = menu
            .iter()
            .enumerate()
            .find(|(_, (_, w))| !expired(w, as_of) && matches(w, f))
        {
            used[i] = true;
            f.waiver = Some(AppliedWaiver {
                reason: w.reason.clone(),
                approved_by: w.approved_by.clone(),
                expires: w.expires.clone(),
                at: format!("{}:{}", src.name(), src.position(w.rule_span.start).0),
            });
        }
    }
    used
}

/// Findings about waivers themselves: expired (error), expiring soon (info),
/// excusing nothing (warning).
pub fn audit(source: &SourceFile, waiver: &WaiverSpec, used: bool, as_of: &str) -> Option<Finding> {
    let target = match &waiver.option {
        Some(o) => format!("{} for option `{o}`", waiver.rule),
        None => waiver.rule.clone(),
    };
    if expired(waiver, as_of) {
        return Some(
            Finding::input_error(
                "waiver-expired",
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
        );
    }
    if !used {
        let mut f = Finding::input_error(
            "waiver-unused",
            format!("the waiver of {target} matches no finding; it is stale"),
            Some(source),
            Some(waiver.rule_span.clone()),
        )
        .with_label("waives nothing")
        .with_help("remove the waiver, or correct its rule id and option");
        f.severity = Severity::Warning;
        return Some(f);
    }
    let left = days_from_iso(&waiver.expires)? - days_from_iso(as_of)?;
    (left <= EXPIRING_SOON_DAYS).then(|| {
        let mut f = Finding::input_error(
            "waiver-expiring",
            format!(
                "the waiver of {target} expires in {left} day{} ({})",
                if left == 1 { "" } else { "s" },
                waiver.expires
            ),
            Some(source),
            Some(waiver.expires_span.clone()),
        )
        .with_label("expires soon")
        .with_help("put the waiver on the committee's agenda for renewal");
        f.severity = Severity::Info;
        f
    })
}
