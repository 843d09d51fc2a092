//! "Did you mean": one closeness rule for every name a user can misspell (a field,
//! a function, a rule id, a column), so the same typo gets the same answer everywhere.

/// The closest of `known` to `name`, if it is close enough to be the likely intent:
/// at most two edits (a transposition is one), or a quarter of the candidate's
/// length for long names; a candidate that `name` begins is one edit away, so a
/// name cut short still finds its field. Ties go to the first in `known`'s order.
pub(crate) fn suggest<'k, I, S>(name: &str, known: I) -> Option<&'k str>
where
    I: IntoIterator<Item = &'k S>,
    S: AsRef<str> + ?Sized + 'k,
{
    closest(name, known, |s| s.to_owned())
}

/// [`suggest`] for names whose case does not matter (column headers, sheet names,
/// rule ids): compared in lower case, returned as written.
pub(crate) fn suggest_ignoring_case<'k, I, S>(name: &str, known: I) -> Option<&'k str>
where
    I: IntoIterator<Item = &'k S>,
    S: AsRef<str> + ?Sized + 'k,
{
    closest(name, known, str::to_lowercase)
}

fn closest<'k, I, S>(name: &str, known: I, fold: fn(&str) -> String) -> Option<&'k str>
where
    I: IntoIterator<Item = &'k S>,
    S: AsRef<str> + ?Sized + 'k,
{
    let name = fold(name);
    let mut best: Option<(usize, &'k str)> = None;
    for k in known {
        let written = k.as_ref();
        let k = fold(written);
        if k == name {
            continue;
        }
        let d = strsim::damerau_levenshtein(&name, &k);
        let d = if k.starts_with(name.as_str()) && !name.is_empty() {
            d.min(1)
        } else {
            d
        };
        if d <= 2.max(k.chars().count() / 4) && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, written));
        }
    }
    best.map(|(_, k)| k)
}

/// `; did you mean `X`?` for a message, or nothing.
pub(crate) fn did_you_mean<'k, I, S>(name: &str, known: I) -> String
where
    I: IntoIterator<Item = &'k S>,
    S: AsRef<str> + ?Sized + 'k,
{
    meant(suggest(name, known))
}

/// `; did you mean `X`?` for a message, or nothing, for a name already suggested.
pub(crate) fn meant(name: Option<&str>) -> String {
    name.map_or(String::new(), |k| format!("; did you mean `{k}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_far_ones_are_not() {
        let known = ["expense_ratio_pct", "return_3y_pct", "assets_usd"];
        assert_eq!(suggest("expense_ratio", &known), Some("expense_ratio_pct"));
        assert_eq!(suggest("return_3y_pctt", &known), Some("return_3y_pct"));
        assert_eq!(suggest("asets_usd", &known), Some("assets_usd"));
        assert_eq!(suggest("benchmark", &known), None);
        assert_eq!(did_you_mean("zzz", &known), "");
        assert_eq!(
            did_you_mean("retrun_3y_pct", &known),
            "; did you mean `return_3y_pct`?"
        );
        assert_eq!(suggest("Assets_USD", &known), None);
        assert_eq!(
            suggest_ignoring_case("Asets_USD", &known),
            Some("assets_usd")
        );
    }
}
