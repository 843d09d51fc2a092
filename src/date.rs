//! Calendar dates as ISO strings (`YYYY-MM-DD`), which compare correctly as text.

use chrono::{Datelike, NaiveDate};

/// The years menulint accepts in dates: anything outside is a typo, and keeping
/// dates four-digit keeps them comparable as text.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Parses `YYYY-MM-DD` (any time part after the date is ignored) within [`YEARS`].
pub(crate) fn parse_iso(date: &str) -> Option<NaiveDate> {
    let b = date.as_bytes().get(..10)?;
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // rules call this for every option: no format string to interpret each time
    let year = i32::try_from(digits(0..4)?).ok()?;
    let parsed = NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)?;
    YEARS.contains(&parsed.year()).then_some(parsed)
}

/// Days since 1970-01-01 of an ISO date.
/// A date as the committee's documents print it: `30 Sep 2026` from `2026-09-30`;
/// a text that is no date is given back as it is.
pub(crate) fn words(iso: &str) -> String {
    parse_iso(iso).map_or_else(|| iso.to_owned(), |d| d.format("%-d %b %Y").to_string())
}

pub(crate) fn days_from_iso(date: &str) -> Option<i64> {
    parse_iso(date).map(|d| (d - epoch()).num_days())
}

/// The ISO date of a day count since 1970-01-01.
pub(crate) fn iso_from_days(days: i64) -> String {
    epoch()
        .checked_add_signed(chrono::Duration::days(days))
        .unwrap_or(epoch())
        .format("%Y-%m-%d")
        .to_string()
}

/// Today's date in UTC.
pub fn today() -> String {
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_bad_dates() {
        assert_eq!(days_from_iso("1970-01-01"), Some(0));
        assert_eq!(days_from_iso("2000-03-01"), Some(11_017));
        // a time part after the date is ignored
        assert_eq!(days_from_iso("2000-03-01T12:00:00Z"), Some(11_017));
        for d in ["2024-02-29", "2026-12-31", "1999-01-01"] {
            assert_eq!(iso_from_days(days_from_iso(d).unwrap()), d);
        }
        for bad in [
            "2026-13-01",
            "2025-02-29",
            "20260101",
            "+202-01-01",
            "-001-01-01",
            "0000-01-01",
            "2999-01-01",
            "2026-1a-01",
            "2026- 1-01",
            "2026-01- 1",
            "2026-01-1",
            "2026-00-10",
            "2026-01-00",
        ] {
            assert_eq!(days_from_iso(bad), None, "{bad}");
        }
    }
}
