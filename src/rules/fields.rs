//! The fields a rule may read from `option` and `plan`: the menu schema's, plus the
//! ones evaluation derives. A misspelt field (`option.expense_ratio`) is refused when
//! the pack loads, not found missing on every menu.

use crate::menu::schema::schema_json;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// Fields evaluation adds to every option, and the tables among them.
const OPTION_DERIVED: [&str; 10] = [
    "watch",
    "new_since_current",
    "index",
    "path",
    "effective",
    "designated",
    "exposure_stated",
    "first_index",
    "class_rank",
    "qdia_first_120_days",
];
const EFFECTIVE: [&str; 5] = [
    "crypto_pct",
    "private_equity_pct",
    "private_credit_pct",
    "private_markets_pct",
    "real_estate_pct",
];

/// `option.watch`: whether the option is on the watch list, for how many quarters,
/// since when, and which watch rules fail now.
const WATCH: [&str; 4] = ["on", "quarters", "since", "reasons"];

struct Known {
    option: BTreeSet<String>,
    /// An option's tables and their fields.
    tables: BTreeMap<String, BTreeSet<String>>,
    plan: BTreeSet<String>,
}

fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let schema = schema_json();
        let props = |v: &Value| -> BTreeSet<String> {
            v.get("properties")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let option_schema = &schema["$defs"]["option"];
        let mut option = props(option_schema);
        option.extend(OPTION_DERIVED.iter().map(|s| s.to_string()));
        let mut tables = BTreeMap::new();
        if let Some(m) = option_schema.get("properties").and_then(Value::as_object) {
            for (k, v) in m {
                let fields = props(v);
                if !fields.is_empty() {
                    tables.insert(k.clone(), fields);
                }
            }
        }
        tables.insert(
            "watch".to_owned(),
            WATCH.iter().map(|s| s.to_string()).collect(),
        );
        tables.insert(
            "effective".to_owned(),
            EFFECTIVE.iter().map(|s| s.to_string()).collect(),
        );
        let plan = props(&schema["properties"]["plan"]);
        Known {
            option,
            tables,
            plan,
        }
    })
}

/// Checks `option.first[.second]` or `plan.first`; `Err` says what is wrong.
pub fn check(var: &str, first: &str, second: Option<&str>) -> Result<(), String> {
    let k = known();
    let fields = match var {
        "option" => &k.option,
        "plan" => &k.plan,
        _ => return Ok(()),
    };
    if fields.is_empty() {
        return Ok(());
    }
    if !fields.contains(first) {
        return Err(format!(
            "`{var}.{first}` is not a field of the menu format{}",
            suggest(first, fields)
        ));
    }
    if let (Some(table), Some(second)) = (k.tables.get(first).filter(|_| var == "option"), second) {
        if !table.contains(second) {
            return Err(format!(
                "`{var}.{first}.{second}` is not a field of the menu format{}",
                suggest(second, table)
            ));
        }
    }
    Ok(())
}

fn suggest(name: &str, known: &BTreeSet<String>) -> String {
    known
        .iter()
        .map(|k| {
            let d = strsim::damerau_levenshtein(name, k);
            (if k.starts_with(name) { d.min(1) } else { d }, k)
        })
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map_or(String::new(), |(_, k)| format!("; did you mean `{k}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_fields_and_derived_ones_are_known() {
        assert!(check("option", "expense_ratio_pct", None).is_ok());
        assert!(check("option", "effective", Some("crypto_pct")).is_ok());
        assert!(check("option", "exposure", Some("crypto_assets")).is_ok());
        assert!(check("option", "holdings", Some("map")).is_ok());
        assert!(check("plan", "total_assets_usd", None).is_ok());
        let err = check("option", "expense_ratio", None).unwrap_err();
        assert!(err.contains("did you mean `expense_ratio_pct`?"), "{err}");
        assert!(check("option", "exposure", Some("crypto_pc")).is_err());
    }
}
