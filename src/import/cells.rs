//! One cell of a lineup into its field's value, and the small helpers converting
//! and placing values share: a number as spreadsheets write it, a fund's id from
//! its name, a dotted field in a JSON map, a row that is not a fund.

use super::grid::*;
use super::mapping::*;
use serde_json::{Map, Value};

/// Why a lineup row is not a fund, if it is not: a footnote (`* Performance as of
/// …`, `Source: …`), a total row without an identifier (`Total Plan Assets`, while
/// "Total Return Bond Fund" with its ticker is a fund), or a row that has a name and
/// none of the other mapped values.
pub(super) fn not_a_fund(first: &str, identified: bool, only_a_name: bool) -> Option<&'static str> {
    static FOOTNOTE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static TOTAL: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let footnote = FOOTNOTE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)^\s*([*†‡§¹²³⁴]|\(\d+\)\s|(sources?|notes?|footnotes?|disclosures?|important)\s*:|data as of\b|performance as of\b|©|copyright\b)",
        )
        .expect("static regex")
    });
    let total = TOTAL.get_or_init(|| {
        regex::Regex::new(r"(?i)^\s*(sub-?\s*totals?|grand\s+totals?|totals?)\b")
            .expect("static regex")
    });
    if footnote.is_match(first) {
        Some("a footnote")
    } else if total.is_match(first) && !identified {
        Some("a total row")
    } else if only_a_name && !identified {
        Some("a name with no identifier, vehicle, asset class or figure")
    } else {
        None
    }
}

pub(super) fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-').chars().take(40).collect()
}

pub(super) fn lookup<'a>(map: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    match field.split_once('.') {
        Some((t, f)) => map.get(t)?.get(f),
        None => map.get(field),
    }
}

pub(super) fn insert(map: &mut Map<String, Value>, field: &str, v: Value) {
    match field.split_once('.') {
        Some((t, f)) => {
            let table = map
                .entry(t.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(t) = table.as_object_mut() {
                t.insert(f.to_owned(), v);
            }
        }
        None => {
            map.insert(field.to_owned(), v);
        }
    }
}

/// `lower_snake` of a label: `"Target Date"` → `target_date`.
pub(super) fn normalise(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace(['-', ' ', '/'], "_")
}

/// A number as lineups write it: `1,234.5`, `0.45%`, `(1.2)` for negatives, `$1,000`.
/// Anything that could be read two ways is not a number (the cell is then an error,
/// never a different value): a decimal comma (`0,45`), commas not grouping
/// thousands, a sign inside accounting parentheses (`(-1.2)`), `NaN` or `inf`. An
/// integer too large for a double to hold exactly reads as infinite, which no
/// field accepts.
pub(super) fn parse_number(s: &str) -> Option<(f64, bool)> {
    let t = s.trim();
    let (t, negative) = match t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) if inner.trim_start().starts_with(['-', '+']) => return None,
        Some(inner) => (inner.trim(), true),
        None => (t, false),
    };
    let percent = t.ends_with('%');
    let body = t.trim_end_matches('%').trim();
    let unsigned = body
        .strip_prefix(['-', '+'])
        .unwrap_or(body)
        .trim_start_matches('$')
        .trim();
    let whole = unsigned.split(['.', 'e', 'E']).next().unwrap_or_default();
    if unsigned[whole.len()..].contains(',') {
        return None;
    }
    if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or_default();
        let grouped = (1..=3).contains(&first.len())
            && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        if !grouped {
            return None;
        }
    }
    let cleaned: String = body
        .chars()
        .filter(|c| !matches!(c, ',' | '$' | ' '))
        .collect();
    if !cleaned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    let n: f64 = cleaned.parse().ok().filter(|n: &f64| n.is_finite())?;
    // past 2^53 a double rounds: 9007199254740993 would read as …992
    if cleaned
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+')
        && cleaned
            .parse::<i128>()
            .is_ok_and(|i| i.unsigned_abs() > 1 << 53)
    {
        return Some((f64::INFINITY, percent));
    }
    Some((if negative { -n } else { n }, percent))
}

pub(super) type CellError = (String, String);

pub(super) fn convert_cell(c: &Column, v: &CellValue) -> Result<Option<Value>, CellError> {
    let shown = v.shown();
    if let CellValue::Error(e) = v {
        return Err((
            format!("`{}`: the cell holds a spreadsheet error ({e})", c.field),
            "fix the formula in the lineup, or clear the cell if the figure is unknown".into(),
        ));
    }
    if *v == CellValue::Empty {
        return Ok(None);
    }
    // the mapping's own translation comes first, exactly or ignoring case and spaces
    if let Some((_, to)) = c
        .values
        .iter()
        .find(|(from, _)| from == &shown)
        .or_else(|| {
            c.values
                .iter()
                .find(|(from, _)| normalise(from) == normalise(&shown))
        })
    {
        return Ok(Some(to.clone()));
    }
    // a spreadsheet reads a CUSIP of digits as a number and drops its leading zeros:
    // say so, and never restore them in silence
    if c.field == "cusip" {
        let digits = shown.trim();
        let padded = format!("{digits:0>9}");
        if !digits.is_empty() && digits.len() < 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
            let valid = if crate::menu::identifiers::valid_cusip(&padded) {
                ", a valid CUSIP"
            } else {
                ", which fails its check digit: check the fund's documents"
            };
            return Err((
                format!(
                    "`cusip`: {digits} has {} characters, a CUSIP has 9: the spreadsheet likely dropped its leading zeros",
                    digits.len()
                ),
                format!(
                    "format the column as text in the spreadsheet and export it again; with its zeros it reads {padded}{valid}"
                ),
            ));
        }
    }
    match &c.kind {
        Kind::Text => Ok(Some(Value::String(shown))),
        Kind::Choice(allowed) => {
            let n = normalise(&shown);
            if allowed.contains(&n) {
                return Ok(Some(Value::String(n)));
            }
            let mut known: Vec<String> = c.values.iter().map(|(f, _)| f.clone()).collect();
            known.extend(allowed.iter().cloned());
            let hint = crate::diag::suggest_ignoring_case(&shown, known.iter().map(String::as_str))
                .map_or(String::new(), |k| format!("did you mean `{k}`? "));
            Err((
                format!("`{}`: {shown:?} is not a value menulint knows", c.field),
                format!(
                    "{hint}map it in the mapping: [columns] {} = {{ header = …, values = {{ {shown:?} = \"…\" }} }}; accepted: {}",
                    c.field,
                    allowed.join(", ")
                ),
            ))
        }
        Kind::Number | Kind::Integer => {
            let (n, percent_sign) = match v {
                CellValue::Number(n) => (*n, false),
                CellValue::Percent(n) => (*n, true),
                _ => parse_number(&shown).ok_or_else(|| {
                    let help = if shown.contains(',') {
                        "a comma only groups thousands (1,250,000): write a decimal point, 0.45 not 0,45"
                    } else if shown.contains('(') {
                        "accounting parentheses mean a negative figure: (1.2), without a sign inside"
                    } else {
                        "the cell must hold a figure (0.45, 0.45%, 1,250,000)"
                    };
                    (
                        format!("`{}`: {shown:?} is not a number", c.field),
                        help.to_owned(),
                    )
                })?,
            };
            if percent_sign && !c.field.ends_with("_pct") {
                return Err((
                    format!("`{}`: {shown:?} is a percentage, not an amount", c.field),
                    "check that the mapping feeds this field from the right column".into(),
                ));
            }
            // "0.45%" is a percent whatever the column's unit says
            let n = if percent_sign { n } else { n * c.scale };
            // past 2^53 a figure is no longer exact: a misplaced value, not a fund's size
            if n.abs() > 9_007_199_254_740_992.0 {
                return Err((
                    format!(
                        "`{}`: {shown:?} is too large to be a figure of a fund",
                        c.field
                    ),
                    "check the cell and the column's unit".into(),
                ));
            }
            let n = crate::menu::exposure::round_figure(n);
            if c.kind == Kind::Integer {
                if n.fract() != 0.0 {
                    return Err((
                        format!("`{}`: {shown:?} is not a whole number", c.field),
                        "amounts are whole dollars; check the column's unit".into(),
                    ));
                }
                return Ok(Some(Value::from(n as i64)));
            }
            Ok(serde_json::Number::from_f64(n).map(Value::Number))
        }
        Kind::Bool => match v {
            CellValue::Bool(b) => Ok(Some(Value::Bool(*b))),
            CellValue::Number(n) if *n == 0.0 || *n == 1.0 => Ok(Some(Value::Bool(*n == 1.0))),
            _ => match normalise(&shown).as_str() {
                "y" | "yes" | "true" | "x" | "1" => Ok(Some(Value::Bool(true))),
                "n" | "no" | "false" | "0" => Ok(Some(Value::Bool(false))),
                _ => Err((
                    format!("`{}`: {shown:?} is not yes or no", c.field),
                    format!(
                        "use Y/N, Yes/No or TRUE/FALSE, or map it: values = {{ {shown:?} = true }}"
                    ),
                )),
            },
        },
        Kind::Date => {
            let iso = match v {
                CellValue::Date(d) => Some(d.clone()),
                // a day count only in the years a fund's dates can fall in (1910-2200):
                // a small figure in a date column is a misplaced value, not 1900
                CellValue::Number(n) if (3_654.0..=110_000.0).contains(n) => excel_date(*n),
                _ => ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d-%b-%Y", "%b %d, %Y"]
                    .iter()
                    .find_map(|f| chrono::NaiveDate::parse_from_str(shown.trim(), f).ok())
                    .map(|d| d.format("%Y-%m-%d").to_string()),
            };
            match iso.filter(|d| crate::date::parse_iso(d).is_some()) {
                Some(d) => Ok(Some(Value::String(d))),
                None => Err((
                    format!("`{}`: {shown:?} is not a date", c.field),
                    "write dates as 2015-06-30 or 6/30/2015, or format the cell as a date".into(),
                )),
            }
        }
        Kind::List => Ok(Some(Value::Array(
            shown
                .split([',', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ))),
    }
}
