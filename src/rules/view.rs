//! What rules see: every variable and field a rule expression may read, with its
//! type. The menu schema gives the menu's fields; the fields evaluation derives are
//! declared here, once. Pack checks (`refs`), the `let` names refused, README
//! "Writing rules" and `explain` all read this one definition.

use crate::menu::schema::schema_json;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// The type of a value rules read, as far as a pack check needs it.
#[derive(Debug, Clone)]
pub enum Ty {
    /// Not known when the pack loads (a `map()` result, a parameter table's entry).
    Any,
    Bool,
    Number,
    String,
    List(Box<Ty>),
    /// String keys, any of them, each to a value of one type.
    Map(Box<Ty>),
    /// A table with exactly these fields.
    Object(Arc<BTreeMap<String, Ty>>),
}

impl Ty {
    /// What iterating over a value of this type binds (a list's elements, a map's keys).
    pub fn element(&self) -> Ty {
        match self {
            Ty::List(t) => (**t).clone(),
            Ty::Map(_) | Ty::Object(_) => Ty::String,
            _ => Ty::Any,
        }
    }

    /// In words, for a message.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Ty::Any => "a value",
            Ty::Bool => "a boolean",
            Ty::Number => "a number",
            Ty::String => "a string",
            Ty::List(_) => "a list",
            Ty::Map(_) | Ty::Object(_) => "a table",
        }
    }

    fn object(fields: impl IntoIterator<Item = (&'static str, Ty)>) -> Ty {
        Ty::Object(Arc::new(
            fields.into_iter().map(|(k, t)| (k.to_owned(), t)).collect(),
        ))
    }

    /// This object type with `extra` fields added (derived ones over the schema's).
    fn with(self, extra: impl IntoIterator<Item = (&'static str, Ty)>) -> Ty {
        match self {
            Ty::Object(fields) => {
                let mut fields = (*fields).clone();
                fields.extend(extra.into_iter().map(|(k, t)| (k.to_owned(), t)));
                Ty::Object(Arc::new(fields))
            }
            other => other,
        }
    }

    fn list(of: Ty) -> Ty {
        Ty::List(Box::new(of))
    }
}

/// A variable every rule sees.
pub(crate) struct Variable {
    pub name: &'static str,
    pub ty: Ty,
    /// Its words in the README's table (written by a test).
    #[cfg_attr(not(test), allow(dead_code))]
    pub doc: &'static str,
    /// What serves its value; both evaluators match on it exhaustively, so a new
    /// variable cannot be served by one and missing from the other. A test keeps it
    /// equal to `Source::named`, which the evaluators use.
    #[cfg_attr(not(test), allow(dead_code))]
    pub source: Source,
}

/// The value behind each rule variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The option being checked (none for a plan rule).
    Option,
    /// The rule view's `options`.
    Options,
    /// The options' ids, in order.
    OptionIds,
    /// Each id to its first option.
    OptionsById,
    /// The rule view's `plan`.
    Plan,
    /// The whole rule view.
    Menu,
    /// The rule's parameters.
    Params,
    /// The check date.
    AsOf,
}

impl Source {
    /// The source of the variable `name`, if it is one. Kept as a `match` since it is
    /// looked up on every variable read; a test holds it to [`variables`].
    pub fn named(name: &str) -> Option<Source> {
        Some(match name {
            "option" => Source::Option,
            "options" => Source::Options,
            "option_ids" => Source::OptionIds,
            "options_by_id" => Source::OptionsById,
            "plan" => Source::Plan,
            "menu" => Source::Menu,
            "params" => Source::Params,
            "as_of" => Source::AsOf,
            _ => return None,
        })
    }
}

/// A field evaluation adds to every option or to the menu (not in the menu format).
pub(crate) struct Derived {
    pub name: &'static str,
    pub ty: Ty,
    /// Its words in the README's table (written by a test).
    #[cfg_attr(not(test), allow(dead_code))]
    pub doc: &'static str,
}

fn figures() -> [(&'static str, Ty); 5] {
    [
        ("crypto_pct", Ty::Number),
        ("private_equity_pct", Ty::Number),
        ("private_credit_pct", Ty::Number),
        ("private_markets_pct", Ty::Number),
        ("real_estate_pct", Ty::Number),
    ]
}

/// The fields evaluation adds to every option.
pub(crate) fn option_derived() -> &'static [Derived] {
    static DERIVED: OnceLock<Vec<Derived>> = OnceLock::new();
    DERIVED.get_or_init(|| {
        vec![
            Derived {
                name: "index",
                ty: Ty::Number,
                doc: "its position in the menu, from 0",
            },
            Derived {
                name: "path",
                ty: Ty::String,
                doc: "its path, `options[3]`",
            },
            Derived {
                name: "effective",
                ty: Ty::object(figures()),
                doc: "look-through exposure: its own shares plus what it holds through \
                      other options, % of its assets",
            },
            Derived {
                name: "assumed",
                ty: Ty::List(Box::new(Ty::String)),
                doc: "the exposure figures (`crypto_pct`, …) counted at 100 % because its \
                      asset class implies them and the menu does not state them",
            },
            Derived {
                name: "designated",
                ty: Ty::Bool,
                doc: "false for a brokerage window, which is not a designated investment \
                      alternative, unless the config sets `brokerage_windows_are_options`",
            },
            Derived {
                name: "exposure_stated",
                ty: Ty::Bool,
                doc: "whether the menu states any exposure figure at all, so a default \
                      of 0 % never passes for an option that left it out",
            },
            Derived {
                name: "first_index",
                ty: Ty::Number,
                doc: "the position of the first option with its id",
            },
            Derived {
                name: "class_rank",
                ty: Ty::Number,
                doc: "its rank among the options of its asset class, from 1",
            },
            Derived {
                name: "new_since_current",
                ty: Ty::Bool,
                doc: "whether it is new against `--since` (every option, without it)",
            },
            Derived {
                name: "watch",
                ty: Ty::object([
                    ("on", Ty::Bool),
                    ("quarters", Ty::Number),
                    ("since", Ty::String),
                    ("reasons", Ty::list(Ty::String)),
                    ("recovering", Ty::Number),
                ]),
                doc: "its watch-list state: `on`, for how many `quarters`, `since` which \
                      quarter end, the watch rules that failed at the latest failing \
                      quarter (`reasons`), and the passing quarters since (`recovering`, \
                      while fewer than the policy's `recover_quarters`)",
            },
        ]
    })
}

/// The fields evaluation adds to the menu.
pub(crate) fn menu_derived() -> &'static [Derived] {
    static DERIVED: OnceLock<Vec<Derived>> = OnceLock::new();
    DERIVED.get_or_init(|| {
        let mut effective: Vec<(&str, Ty)> = figures().into();
        effective.extend([
            ("computed", Ty::Bool),
            ("missing_assets", Ty::list(Ty::String)),
            ("total_stated", Ty::Bool),
            ("options_assets_usd", Ty::Number),
            ("options_assets_complete", Ty::Bool),
        ]);
        vec![Derived {
            name: "effective",
            ty: Ty::object(effective),
            doc: "the plan's asset-weighted exposure; its figures exist only when \
                  `computed` is true (`missing_assets` names the options without \
                  `assets_usd` that keep it from being computed)",
        }]
    })
}

/// Every variable rules see, in the order README lists them.
pub fn variables() -> &'static [Variable] {
    static VARS: OnceLock<Vec<Variable>> = OnceLock::new();
    VARS.get_or_init(|| {
        let schema = schema_json();
        let option = of_schema(schema, &schema["$defs"]["option"])
            .with(option_derived().iter().map(|d| (d.name, d.ty.clone())));
        let plan = of_schema(schema, &schema["properties"]["plan"]);
        let menu = of_schema(schema, schema)
            .with([
                ("options", Ty::list(option.clone())),
                ("plan", plan.clone()),
            ])
            .with(menu_derived().iter().map(|d| (d.name, d.ty.clone())));
        vec![
            Variable {
                name: "option",
                ty: option.clone(),
                doc: "the option being checked (option scope)",
                source: Source::Option,
            },
            Variable {
                name: "options",
                ty: Ty::list(option.clone()),
                doc: "every option of the menu, in order",
                source: Source::Options,
            },
            Variable {
                name: "option_ids",
                ty: Ty::list(Ty::String),
                doc: "their ids, in order (cheap to search: `option.id in option_ids`)",
                source: Source::OptionIds,
            },
            Variable {
                name: "options_by_id",
                ty: Ty::Map(Box::new(option)),
                doc: "each id to the first option with it (`options_by_id[h.option]`)",
                source: Source::OptionsById,
            },
            Variable {
                name: "plan",
                ty: plan,
                doc: "the `[plan]` table, `total_assets_usd` filled in",
                source: Source::Plan,
            },
            Variable {
                name: "menu",
                ty: menu,
                doc: "the whole menu: `schema_version`, `plan`, `options`, `waivers`, \
                      `effective`",
                source: Source::Menu,
            },
            Variable {
                name: "params",
                // each rule's own declared parameters; see `refs`
                ty: Ty::Any,
                doc: "the rule's parameters",
                source: Source::Params,
            },
            Variable {
                name: "as_of",
                ty: Ty::String,
                doc: "the check date, `YYYY-MM-DD`",
                source: Source::AsOf,
            },
        ]
    })
}

/// Whether `name` is a variable every rule sees (a `let` may not take it).
pub(crate) fn is_variable(name: &str) -> bool {
    Source::named(name).is_some()
}

/// The type the menu schema gives a value, `$ref`s followed.
fn of_schema(root: &Json, node: &Json) -> Ty {
    of_schema_depth(root, node, 0)
}

fn of_schema_depth(root: &Json, node: &Json, depth: usize) -> Ty {
    if depth > 16 {
        return Ty::Any;
    }
    if let Some(r) = node.get("$ref").and_then(Json::as_str) {
        let target = r
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(root, |n, seg| &n[seg]));
        return match target {
            Some(t) if !t.is_null() => of_schema_depth(root, t, depth + 1),
            _ => Ty::Any,
        };
    }
    let kind = node.get("type").and_then(Json::as_str).or_else(|| {
        // an enum of strings without a type
        node.get("enum")
            .and_then(Json::as_array)
            .filter(|e| e.iter().all(Json::is_string))
            .map(|_| "string")
    });
    match kind {
        Some("boolean") => Ty::Bool,
        Some("number" | "integer") => Ty::Number,
        Some("string") => Ty::String,
        Some("array") => Ty::list(
            node.get("items")
                .map_or(Ty::Any, |i| of_schema_depth(root, i, depth + 1)),
        ),
        Some("object") => match node.get("properties").and_then(Json::as_object) {
            Some(props) => Ty::Object(Arc::new(
                props
                    .iter()
                    .map(|(k, v)| (k.clone(), of_schema_depth(root, v, depth + 1)))
                    .collect(),
            )),
            None => match node.get("additionalProperties") {
                Some(Json::Object(_)) => Ty::Map(Box::new(of_schema_depth(
                    root,
                    &node["additionalProperties"],
                    depth + 1,
                ))),
                _ => Ty::Map(Box::new(Ty::Any)),
            },
        },
        _ => Ty::Any,
    }
}

/// Field names with the value a menu that leaves them out reads as.
pub(crate) type Defaults = Vec<(String, Json)>;

/// What the rule view gives an option's fields (`[]`) or a table's (`["exposure"]`)
/// when the menu leaves them out: the `default`s the menu schema declares, the one
/// place they are written (the typed menu's serde defaults are held to them by a
/// test). A figure with no declared default stays absent, never 0.
pub fn defaults(table: &[&str]) -> Defaults {
    use crate::menu::schema::resolve;
    let mut node = resolve(&schema_json()["$defs"]["option"]);
    for t in table {
        node = resolve(&node["properties"][*t]);
    }
    node["properties"]
        .as_object()
        .map(|props| {
            props
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.get("default")?.clone())))
                .collect()
        })
        .unwrap_or_default()
}

/// README "Writing rules": the variables table and the derived fields, as Markdown.
#[cfg(test)]
pub(crate) fn markdown() -> String {
    let mut out = String::from("| name | what |\n|---|---|\n");
    for v in variables() {
        out.push_str(&format!("| `{}` | {} |\n", v.name, v.doc));
    }
    out.push_str("\nDerived fields, beside the menu format's:\n\n| field | what |\n|---|---|\n");
    for d in option_derived() {
        out.push_str(&format!("| `option.{}` | {} |\n", d.name, d.doc));
    }
    for d in menu_derived() {
        out.push_str(&format!("| `menu.{}` | {} |\n", d.name, d.doc));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed menu fills in what the schema declares, so the rule view and the
    /// engine's own reading of a menu (look-through, reports) never disagree.
    #[test]
    fn the_typed_menu_defaults_are_the_schemas() {
        let bare = serde_json::json!({
            "id": "a", "name": "A", "vehicle": "mutual_fund", "asset_class": "us_equity"
        });
        let option: crate::menu::model::InvestmentOption =
            serde_json::from_value(bare).expect("a bare option reads");
        let typed = serde_json::to_value(&option).unwrap();
        let declared = defaults(&[]);
        assert!(declared.len() >= 9, "{declared:?}");
        for (k, v) in declared
            .iter()
            .filter(|(_, v)| !v.is_object() && !v.is_array())
        {
            assert_eq!(&typed[k], v, "{k}");
        }
        let exposure = defaults(&["exposure"]);
        assert_eq!(exposure.len(), 5, "{exposure:?}");
        assert!(exposure
            .iter()
            .all(|(k, _)| k.ends_with("_pct") || k == "crypto_assets"));
    }

    #[test]
    fn each_variable_is_named_by_its_source() {
        for v in variables() {
            assert_eq!(Source::named(v.name), Some(v.source), "{}", v.name);
        }
        let mut sources: Vec<_> = variables().iter().map(|v| v.source).collect();
        sources.dedup();
        assert_eq!(sources.len(), variables().len(), "one variable per source");
        assert_eq!(Source::named("optionz"), None);
    }

    fn field<'t>(t: &'t Ty, name: &str) -> &'t Ty {
        match t {
            Ty::Object(f) => f.get(name).unwrap_or_else(|| panic!("no field {name}")),
            other => panic!("{other:?} is not a table"),
        }
    }

    #[test]
    fn the_view_has_the_schema_fields_and_the_derived_ones() {
        let option = &variables()[0].ty;
        assert!(matches!(field(option, "expense_ratio_pct"), Ty::Number));
        assert!(matches!(field(option, "asset_class"), Ty::String));
        assert!(matches!(
            field(field(option, "effective"), "crypto_pct"),
            Ty::Number
        ));
        assert!(matches!(field(field(option, "watch"), "on"), Ty::Bool));
        let Ty::List(quarter) = field(option, "history") else {
            panic!("history is a list")
        };
        assert!(matches!(field(quarter, "return_3y_pct"), Ty::Number));
        let Ty::List(holding) = field(option, "holdings") else {
            panic!("holdings is a list")
        };
        assert!(matches!(holding.as_ref(), Ty::Object(_)));
        let menu = &variables().iter().find(|v| v.name == "menu").unwrap().ty;
        assert!(matches!(
            field(field(menu, "effective"), "computed"),
            Ty::Bool
        ));
        assert!(matches!(field(menu, "options"), Ty::List(_)));
        assert!(is_variable("options_by_id") && !is_variable("history"));
    }

    /// README "Writing rules" lists exactly what this module defines; with
    /// `MENULINT_BLESS=1` the test writes the block instead of comparing it.
    #[test]
    fn readme_lists_the_rule_view() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).expect("README.md");
        let (start, end) = ("<!-- rule-view:start -->\n", "\n<!-- rule-view:end -->");
        let a = readme.find(start).expect("the start marker") + start.len();
        let b = readme.find(end).expect("the end marker");
        let generated = markdown();
        let generated = generated.trim_end();
        if std::env::var_os("MENULINT_BLESS").is_some() {
            let new = format!("{}{generated}{}", &readme[..a], &readme[b..]);
            std::fs::write(&path, new).expect("README.md written");
            return;
        }
        assert_eq!(
            &readme[a..b],
            generated,
            "README's rule view is stale: run MENULINT_BLESS=1 cargo test --lib readme_lists"
        );
    }
}
