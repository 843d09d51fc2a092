//! Helpers registered for rule expressions, beyond standard CEL.

use super::limits::REGEX_SIZE_LIMIT;
use crate::date::{days_from_iso, parse_iso};
use crate::menu::exposure::round_figure;
use crate::menu::identifiers;
use cel::extractors::Arguments;
use cel::{Context, ExecutionError, Value};
use std::sync::Arc;

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        Value::UInt(u) => Some(*u as f64),
        _ => None,
    }
}

fn numbers(name: &str, list: &[Value]) -> Result<Vec<f64>, ExecutionError> {
    list.iter()
        .map(|v| {
            number(v)
                .ok_or_else(|| ExecutionError::function_error(name, format!("not a number: {v:?}")))
        })
        .collect()
}

/// The name `double(x)` is called by once the compiler renames it (`cel`'s own
/// gives infinity for `double('1e400')`): no expression can write it.
pub(crate) const FINITE_DOUBLE: &str = "double#finite";

/// The helper every macro's range goes through once the compiler wraps it
/// ([`add_ordered_keys`]): no expression can write it.
pub(crate) const ORDERED_KEYS: &str = "keys#ordered";

/// Declares [`ORDERED_KEYS`]: a map becomes the list of its keys in order,
/// anything else is passed on untouched (an overload on the environment takes
/// its argument by reference, so a menu's list is not copied).
pub(crate) fn add_ordered_keys(env: &mut cel::Env) -> Result<(), cel::DeclarationError> {
    use cel::common::types::{CelList, DYN_TYPE};
    use cel::common::value::{BuiltinRef, CowVal};
    fn ordered_keys<'b, 'v>(
        mut args: Vec<CowVal<'b, 'v>>,
    ) -> Result<CowVal<'b, 'v>, ExecutionError> {
        let (Some(range), true) = (args.pop(), args.is_empty()) else {
            return Err(ExecutionError::function_error("macro", "takes one range"));
        };
        let keys = match range.as_builtin() {
            BuiltinRef::Map(map) => {
                let mut keys: Vec<_> = map.inner().keys().collect();
                keys.sort_unstable();
                keys.into_iter()
                    .map(|k| k.inner().clone_as_boxed())
                    .collect::<Vec<_>>()
            }
            _ => return Ok(range),
        };
        Ok(CowVal::owned(CelList::from(keys)))
    }
    env.add_overload(ORDERED_KEYS, "keys_ordered", vec![DYN_TYPE], ordered_keys)
}

/// Registers `sum`, `argmax`, `first_true`, `valid_cusip`, `valid_isin`, `age_years`,
/// `days_until`, `years_between`, `label`, `grouped`, `usd`, and for monitoring `consecutive`,
/// `in_last` and `last_quarter_end`.
pub(crate) fn register(ctx: &mut Context) -> Result<(), cel::DeclarationError> {
    ctx.add_function(
        "sum",
        |Arguments(args): Arguments| -> Result<f64, ExecutionError> {
            match args.as_slice() {
                // rounded like every figure, so 0.2 + 83.9 + 15.9 is 100
                [Value::List(l)] => Ok(sum(&numbers("sum", l)?)),
                _ => Err(ExecutionError::function_error(
                    "sum",
                    "takes one list of numbers",
                )),
            }
        },
    )?;
    ctx.add_function(
        "argmax",
        |Arguments(args): Arguments| -> Result<i64, ExecutionError> {
            match args.as_slice() {
                [Value::List(l)] => {
                    let ns = numbers("argmax", l)?;
                    let mut best: Option<(usize, f64)> = None;
                    for (i, &n) in ns.iter().enumerate() {
                        if best.is_none_or(|(_, b)| n > b) {
                            best = Some((i, n));
                        }
                    }
                    Ok(best.map_or(-1, |(i, _)| i as i64))
                }
                _ => Err(ExecutionError::function_error(
                    "argmax",
                    "takes one list of numbers",
                )),
            }
        },
    )?;
    ctx.add_function("first_true", |l: Arc<Vec<Value>>| -> i64 {
        first_true(l.iter().map(|v| matches!(v, Value::Bool(true))))
    })?;
    ctx.add_function("valid_cusip", |s: Arc<String>| identifiers::valid_cusip(&s))?;
    ctx.add_function("valid_isin", |s: Arc<String>| identifiers::valid_isin(&s))?;
    ctx.add_function(
        "age_years",
        |from: Arc<String>, to: Arc<String>| -> Result<f64, ExecutionError> {
            match (days_from_iso(&from), days_from_iso(&to)) {
                (Some(a), Some(b)) => Ok((b - a) as f64 / 365.2425),
                _ => Err(ExecutionError::function_error(
                    "age_years",
                    format!("not ISO dates: {from}, {to}"),
                )),
            }
        },
    )?;
    ctx.add_function(
        "days_until",
        |from: Arc<String>, to: Arc<String>| -> Result<i64, ExecutionError> {
            match days_until(&from, &to) {
                Some(days) => Ok(days),
                None => Err(ExecutionError::function_error(
                    "days_until",
                    format!("not ISO dates: {from}, {to}"),
                )),
            }
        },
    )?;
    ctx.add_function(
        "years_between",
        |from: Arc<String>, to: Arc<String>| -> Result<i64, ExecutionError> {
            match years_between(&from, &to) {
                Some(years) => Ok(years),
                None => Err(ExecutionError::function_error(
                    "years_between",
                    format!("not ISO dates: {from}, {to}"),
                )),
            }
        },
    )?;
    ctx.add_function("label", |s: Arc<String>| -> String { label(&s) })?;
    ctx.add_function(
        "grouped",
        |Arguments(args): Arguments| -> Result<Value, ExecutionError> {
            match args.as_slice() {
                [v] => number(v)
                    .filter(|n| n.is_finite() && n.abs() < 1e18)
                    .map(|n| {
                        let g = grouped(n.abs().round() as u64);
                        let sign = if n < 0.0 && n.round() != 0.0 { "-" } else { "" };
                        Value::String(Arc::new(format!("{sign}{g}")))
                    })
                    .ok_or_else(|| {
                        ExecutionError::function_error("grouped", format!("not a count: {v:?}"))
                    }),
                _ => Err(ExecutionError::function_error(
                    "grouped",
                    "takes one number",
                )),
            }
        },
    )?;
    ctx.add_function(
        "usd",
        |Arguments(args): Arguments| -> Result<Value, ExecutionError> {
            match args.as_slice() {
                [v] => number(v)
                    .and_then(usd)
                    .map(|s| Value::String(Arc::new(s)))
                    .ok_or_else(|| {
                        ExecutionError::function_error("usd", format!("not an amount: {v:?}"))
                    }),
                _ => Err(ExecutionError::function_error("usd", "takes one amount")),
            }
        },
    )?;
    ctx.add_function(
        FINITE_DOUBLE,
        |Arguments(args): Arguments| -> Result<f64, ExecutionError> {
            let err = |m: String| ExecutionError::function_error("double", m);
            match args.as_slice() {
                [Value::String(s)] => to_double(s).ok_or_else(|| {
                    err(format!(
                        "`{}` is not a number a double can hold",
                        s.escape_debug()
                    ))
                }),
                [v] => number(v).ok_or_else(|| err(format!("cannot convert {v:?} to a double"))),
                _ => Err(err("takes one value".to_owned())),
            }
        },
    )?;
    // monitoring: an option's history is newest first, so "the last N quarters" are
    // the list's first N
    ctx.add_function("consecutive", |l: Arc<Vec<Value>>| -> i64 {
        consecutive(l.iter().map(|v| matches!(v, Value::Bool(true))))
    })?;
    ctx.add_function(
        "last_quarter_end",
        |Arguments(args): Arguments| -> Result<Value, ExecutionError> {
            let err = |m: String| ExecutionError::function_error("last_quarter_end", m);
            match args.as_slice() {
                [Value::String(date), grace] => {
                    let grace = number(grace)
                        .ok_or_else(|| err(format!("not a number of days: {grace:?}")))?;
                    if !grace.is_finite() || grace.fract() != 0.0 {
                        return Err(err(format!("not a whole number of days: {grace}")));
                    }
                    last_quarter_end(date, grace as i64)
                        .map(|d| Value::String(Arc::new(d)))
                        .ok_or_else(|| err(format!("no quarter end {grace} days before {date}")))
                }
                _ => Err(err("takes a date and a number of days".to_owned())),
            }
        },
    )?;
    ctx.add_function(
        "in_last",
        |Arguments(args): Arguments| -> Result<i64, ExecutionError> {
            match args.as_slice() {
                // a count that is not a whole number of quarters is the rule's defect,
                // never a count of 0 (which would pass every watch)
                [Value::List(l), m] => match number(m) {
                    Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 => Ok(in_last(
                        l.iter().map(|v| matches!(v, Value::Bool(true))),
                        n as usize,
                    )),
                    _ => Err(ExecutionError::function_error(
                        "in_last",
                        format!("the count must be a whole number of quarters, not {m:?}"),
                    )),
                },
                _ => Err(ExecutionError::function_error(
                    "in_last",
                    "takes a list of booleans and a count",
                )),
            }
        },
    )?;
    Ok(())
}

/// A string's double, as CEL reads it: a figure out of a double's range (`1e400`) is
/// an error, never infinity; "Infinity" and "NaN" written out are what they say.
fn to_double(s: &str) -> Option<f64> {
    let v = s.parse::<f64>().ok()?;
    (v.is_finite() || !s.chars().any(|c| c.is_ascii_digit())).then_some(v)
}

/// Whole US dollars as a committee reads them: `usd(1234567.4)` is "$1,234,567".
pub(crate) fn usd(amount: f64) -> Option<String> {
    if !amount.is_finite() || amount.abs() >= 1e18 {
        return None;
    }
    let whole = amount.abs().round() as u64;
    let sign = if amount < 0.0 && whole > 0 { "-" } else { "" };
    Some(format!("{sign}${}", grouped(whole)))
}

/// A count with its thousands grouped: `grouped(1234567)` is "1,234,567".
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The last quarter end at least `grace_days` before `date`: the quarter whose
/// figures a committee can expect to have (data vendors publish weeks after it ends).
pub(crate) fn last_quarter_end(date: &str, grace_days: i64) -> Option<String> {
    use chrono::{Datelike, Months, NaiveDate};
    // a grace of more days than a date can span has no quarter end (never a panic)
    let d = parse_iso(date)?.checked_sub_signed(chrono::Duration::try_days(grace_days.max(0))?)?;
    let month_end = |y: i32, m: u32| {
        NaiveDate::from_ymd_opt(y, m, 1)?
            .checked_add_months(Months::new(1))?
            .pred_opt()
    };
    // the end of the quarter `d` falls in, if `d` is that day; else the one before
    let q = (d.month() - 1) / 3 * 3 + 3;
    let this = month_end(d.year(), q)?;
    let end = match q {
        _ if this == d => this,
        3 => month_end(d.year() - 1, 12)?,
        _ => month_end(d.year(), q - 3)?,
    };
    Some(end.format("%Y-%m-%d").to_string())
}

/// `s.matches(re)` and `matches(s, re)`, as the CEL standard library defines them,
/// but with each pattern compiled once (not once per option) and bounded in size:
/// a pattern of thousands of alternatives is refused, not compiled for minutes.
pub(crate) fn add_matches(env: &mut cel::Env) -> Result<(), cel::DeclarationError> {
    use cel::common::types::{CelBool, CelString};
    fn matches(this: &CelString<'_>, re: &CelString<'_>) -> Result<CelBool, ExecutionError> {
        cached_regex(re.inner()).map(|r| CelBool::from(r.is_match(this.inner())))
    }
    // when another crate in the build turns on cel's own `regex` feature, its
    // `matches` is already declared: keep it rather than fail
    match cel::add_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>, id = "matches")
    {
        Err(cel::DeclarationError::DuplicateOverload { .. }) => return Ok(()),
        other => other?,
    }
    cel::add_member_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>)?;
    Ok(())
}

fn cached_regex(pattern: &str) -> Result<Arc<regex::Regex>, ExecutionError> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Cache = Mutex<HashMap<String, Result<Arc<regex::Regex>, String>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return hit.map_err(|m| ExecutionError::function_error("matches", m));
    }
    let compiled = regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map(Arc::new)
        .map_err(|e| format!("'{pattern}' is not a usable regex: {e}"));
    if let Ok(mut c) = cache.lock() {
        // patterns come from packs, not menus: a few dozen at most
        if c.len() < 1024 {
            c.insert(pattern.to_owned(), compiled.clone());
        }
    }
    compiled.map_err(|m| ExecutionError::function_error("matches", m))
}

// What each helper computes, once: the interpreter's forms above and the native
// evaluator's (`rules::native`) only adapt their values to these.

/// `sum`: rounded like every figure, so 0.2 + 83.9 + 15.9 is 100.
pub(super) fn sum(numbers: &[f64]) -> f64 {
    round_figure(numbers.iter().sum())
}

/// `first_true`: the index of the first `true`, -1 when there is none.
pub(super) fn first_true(flags: impl Iterator<Item = bool>) -> i64 {
    flags
        .enumerate()
        .find(|(_, b)| *b)
        .map_or(-1, |(i, _)| i as i64)
}

/// `consecutive`: the `true`s before the first `false`. A history is newest first,
/// so this is the streak that runs up to the latest quarter.
pub(super) fn consecutive(flags: impl Iterator<Item = bool>) -> i64 {
    flags.take_while(|b| *b).count() as i64
}

/// `in_last`: how many of the first `m` flags are true (the last `m` quarters, newest
/// first).
pub(super) fn in_last(flags: impl Iterator<Item = bool>, m: usize) -> i64 {
    flags.take(m).filter(|b| *b).count() as i64
}

/// `days_until`: days from one ISO date to another (`None` unless both are dates).
pub(super) fn days_until(from: &str, to: &str) -> Option<i64> {
    Some(days_from_iso(to)? - days_from_iso(from)?)
}

/// `years_between`: whole years from one ISO date to another.
pub(crate) fn years_between(from: &str, to: &str) -> Option<i64> {
    Some(whole_years(parse_iso(from)?, parse_iso(to)?))
}

/// Whole years from `a` to `b` (negative when `b` is earlier): the anniversaries passed.
fn whole_years(a: chrono::NaiveDate, b: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    let mut years = i64::from(b.year() - a.year());
    if (b.month(), b.day()) < (a.month(), a.day()) {
        years -= 1;
    }
    years
}

/// A menu vocabulary value in words for messages: `digital_asset` → `digital asset`.
pub fn label(value: &str) -> String {
    value
        .split('_')
        .map(|w| match w {
            "etf" => "ETF",
            "cit" => "collective investment trust",
            "us" => "US",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_whole_dollars() {
        assert_eq!(usd(1_234_567.4).as_deref(), Some("$1,234,567"));
        assert_eq!(usd(999.5).as_deref(), Some("$1,000"));
        assert_eq!(usd(42.0).as_deref(), Some("$42"));
        assert_eq!(usd(-30_000.0).as_deref(), Some("-$30,000"));
        assert_eq!(usd(-0.2).as_deref(), Some("$0"));
        assert_eq!(usd(f64::NAN), None);
        assert_eq!(usd(1e300), None);
    }

    #[test]
    fn quarter_ends_before_a_date() {
        for (date, grace, want) in [
            ("2026-11-25", 45, "2026-09-30"),
            ("2026-11-25", 0, "2026-09-30"),
            ("2026-09-30", 0, "2026-09-30"),
            ("2026-10-10", 45, "2026-06-30"),
            ("2026-02-01", 0, "2025-12-31"),
            ("2026-12-31", 0, "2026-12-31"),
        ] {
            assert_eq!(
                last_quarter_end(date, grace).as_deref(),
                Some(want),
                "{date}"
            );
        }
        assert_eq!(last_quarter_end("nope", 0), None);
    }

    #[test]
    fn streaks_and_counts_over_history() {
        assert_eq!(
            eval("consecutive([true, true, false, true])"),
            Value::Int(2)
        );
        assert_eq!(eval("consecutive([])"), Value::Int(0));
        assert_eq!(eval("in_last([true, false, true, true], 3)"), Value::Int(2));
        assert_eq!(eval("in_last([true], 4)"), Value::Int(1));
    }

    /// A grace of more days than a date can span, or not a whole number, is an
    /// error (never a panic, never a date).
    #[test]
    fn an_impossible_grace_is_an_error() {
        assert_eq!(last_quarter_end("2026-11-25", i64::MAX), None);
        assert_eq!(last_quarter_end("2026-11-25", 100_000_000_000_000), None);
        let env = Arc::new(crate::rules::cel_env());
        let mut ctx = Context::with_env(env.clone());
        register(&mut ctx).unwrap();
        for src in [
            "last_quarter_end('2026-11-25', 1e15)",
            "last_quarter_end('2026-11-25', 1e300)",
            "last_quarter_end('2026-11-25', 45.5)",
        ] {
            let err = env.compile(src).unwrap().execute(&ctx).unwrap_err();
            assert!(err.to_string().contains("last_quarter_end"), "{src}: {err}");
        }
        assert_eq!(
            eval("last_quarter_end('2026-11-25', 45)"),
            Value::String(Arc::new("2026-09-30".to_owned()))
        );
    }

    fn eval(src: &str) -> Value {
        let env = Arc::new(crate::rules::cel_env());
        let mut ctx = Context::with_env(env.clone());
        register(&mut ctx).unwrap();
        env.compile(src).unwrap().execute(&ctx).unwrap()
    }

    #[test]
    fn helpers() {
        assert_eq!(eval("sum([1, 2.5])"), Value::Float(3.5));
        assert_eq!(eval("argmax([1.0, 7.0, 7.0, 2.0])"), Value::Int(1));
        assert_eq!(eval("argmax([])"), Value::Int(-1));
        assert_eq!(eval("first_true([false, true])"), Value::Int(1));
        assert_eq!(
            eval("valid_cusip('037833100') && !valid_isin('US3159481079')"),
            Value::Bool(true)
        );
        assert_eq!(
            eval("days_until('2024-02-28', '2024-03-01')"),
            Value::Int(2)
        );
        assert_eq!(
            eval("age_years('2016-01-01', '2026-01-01') > 9.99"),
            Value::Bool(true)
        );
    }
}
