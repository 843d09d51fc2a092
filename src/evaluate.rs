//! Stage 3: run the rules over a validated menu and turn failures into findings.

use crate::config::WaiverSpec;
use crate::exposure::LookThrough;
use crate::finding::{Finding, Label};
use crate::load::{Document, SpanIndex};
use crate::menu::Menu;
use crate::rules::values::{self, Shared};
use crate::rules::{register_functions, Rule, RuleSet, Scope};
use crate::source::SourceFile;
use cel::common::types::CelString;
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::{Context, ExecutionError};
use serde_json::{json, Map, Value as Json};

/// Effective rule settings for one run (sponsor overrides come on top of the packs).
pub struct Evaluation<'a> {
    pub rules: &'a RuleSet,
    /// "Today" for date-dependent rules, as `YYYY-MM-DD`.
    pub as_of: &'a str,
    /// Waivers from the config, with the file each is written in.
    pub waivers: &'a [(SourceFile, WaiverSpec)],
    /// Each enabled rule's `params` as CEL values, converted once per run.
    params: Vec<Shared<'static>>,
}

impl<'a> Evaluation<'a> {
    pub fn new(
        rules: &'a RuleSet,
        as_of: &'a str,
        waivers: &'a [(SourceFile, WaiverSpec)],
    ) -> Evaluation<'a> {
        let params = rules
            .rules()
            .map(|r| {
                let entries = r.params.iter().map(|(k, v)| (k.clone(), v.clone()));
                values::shared_owned(&Json::Object(entries.collect()))
            })
            .collect();
        Evaluation {
            rules,
            as_of,
            waivers,
            params,
        }
    }
}

/// The menu as rules see it: defaults filled in, numbers as doubles, derived fields added.
///
/// Every option gets `index`, `path` and `effective` (look-through exposure); the menu
/// gets `effective` (plan exposure weighted by assets) and `plan.total_assets_usd`.
pub fn rule_view(doc: &Document, menu: &Menu, lt: &LookThrough) -> Json {
    let mut root = doc.value.clone();
    numbers_to_doubles(&mut root);
    if let Some(plan) = root.get_mut("plan").and_then(Json::as_object_mut) {
        plan.entry("total_assets_usd")
            .or_insert(json!(menu.total_assets_usd() as f64));
    }
    if let Some(options) = root.get_mut("options").and_then(Json::as_array_mut) {
        for (i, o) in options.iter_mut().enumerate() {
            let Some(o) = o.as_object_mut() else { continue };
            defaults(
                o,
                &[
                    ("qdia", json!(false)),
                    ("liquidity", json!("daily")),
                    ("leverage", json!(1.0)),
                ],
            );
            for table in ["performance", "exposure", "disclosures", "custody"] {
                o.entry(table).or_insert_with(|| json!({}));
            }
            o.entry("holdings").or_insert_with(|| json!([]));
            if let Some(e) = o.get_mut("exposure").and_then(Json::as_object_mut) {
                defaults(
                    e,
                    &[
                        ("crypto_pct", json!(0.0)),
                        ("private_equity_pct", json!(0.0)),
                        ("private_credit_pct", json!(0.0)),
                        ("real_estate_pct", json!(0.0)),
                        ("crypto_assets", json!([])),
                    ],
                );
            }
            o.insert("index".into(), json!(i));
            o.insert("path".into(), json!(format!("options[{i}]")));
            let eff = lt.options.get(i).copied().unwrap_or_default();
            o.insert(
                "effective".into(),
                serde_json::to_value(eff).unwrap_or_default(),
            );
        }
    }
    if let Some(m) = root.as_object_mut() {
        m.entry("waivers").or_insert_with(|| json!([]));
        m.insert(
            "effective".into(),
            serde_json::to_value(lt.plan).unwrap_or_default(),
        );
    }
    root
}

fn defaults(obj: &mut Map<String, Json>, pairs: &[(&str, Json)]) {
    for (k, v) in pairs {
        obj.entry(*k).or_insert_with(|| v.clone());
    }
}

/// Menu numbers become doubles so `2 * x` and `x + y` never mix int and double.
fn numbers_to_doubles(v: &mut Json) {
    match v {
        Json::Number(n) if !n.is_f64() => {
            if let Some(f) = n.as_f64().and_then(serde_json::Number::from_f64) {
                *n = f;
            }
        }
        Json::Array(a) => a.iter_mut().for_each(numbers_to_doubles),
        Json::Object(o) => o.values_mut().for_each(numbers_to_doubles),
        _ => {}
    }
}

/// The variables rules see; a `let` may not take these names.
pub const VARIABLES: [&str; 7] = [
    "menu",
    "plan",
    "options",
    "option_ids",
    "as_of",
    "option",
    "params",
];

/// Runs every rule; a rule that cannot be evaluated is itself a finding (`menulint::rule-eval`).
pub fn evaluate(ev: &Evaluation, doc: &Document, menu: &Menu, lt: &LookThrough) -> Vec<Finding> {
    let view = rule_view(doc, menu, lt);
    let mut findings = Vec::new();
    let options: Vec<Shared> = view["options"]
        .as_array()
        .map(|a| a.iter().map(values::shared).collect())
        .unwrap_or_default();
    let option_list = values::list(options.iter().map(Shared::boxed).collect());
    let plan = values::shared(&view["plan"]);
    let outline = view.as_object().map(|m| {
        values::map(m.iter().map(|(k, v)| {
            let v = match k.as_str() {
                "options" => option_list.boxed(),
                "plan" => plan.boxed(),
                _ => values::from_json(v),
            };
            (k.as_str(), v)
        }))
    });
    let ids: Vec<Box<dyn Val>> = menu
        .options
        .iter()
        .map(|o| Box::new(CelString::from(o.id.as_str())) as Box<dyn Val>)
        .collect();
    // every rule × option pair, in evaluation order: plan rules, then option by option
    let bases: Vec<String> = (0..options.len())
        .map(|i| format!("options[{i}]"))
        .collect();
    let rules: Vec<(&Rule, &Shared)> = ev.rules.rules().zip(&ev.params).collect();
    let plan_pairs = rules
        .iter()
        .filter(|(r, _)| r.scope == Scope::Plan)
        .map(|&(rule, params)| Bound {
            rule,
            params,
            base: "",
            option: None,
        });
    let option_pairs = options.iter().zip(&bases).flat_map(|(o, base)| {
        rules
            .iter()
            .filter(|(r, _)| r.scope == Scope::Option)
            .map(move |&(rule, params)| Bound {
                rule,
                params,
                base,
                option: Some(o),
            })
    });
    let pairs: Vec<Bound> = plan_pairs.chain(option_pairs).collect();

    let mut root = Context::with_env(ev.rules.env.clone());
    if let Err(e) = register_functions(&mut root) {
        findings.push(Finding::input_error(
            "rule-eval",
            format!("cannot register rule helpers: {e}"),
            None,
            None,
        ));
        return findings;
    }
    if let Some(outline) = &outline {
        root.add_variable_as_val("menu", outline.boxed());
    }
    root.add_variable_as_val("plan", plan.boxed());
    root.add_variable_as_val("options", option_list.boxed());
    root.add_variable_as_val("option_ids", values::list(ids).boxed());
    root.add_variable_as_val("as_of", Box::new(CelString::from(ev.as_of)));
    for pair in &pairs {
        // `option` and `params` come from the resolver: a scope per pair costs no allocation
        let mut ctx = root.new_inner_scope();
        ctx.set_variable_resolver(pair);
        run(pair.rule, ctx, pair.base, doc, menu, &mut findings);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

/// One rule to run, with the values its scope binds.
struct Bound<'a, 'v> {
    rule: &'a Rule,
    params: &'a Shared<'static>,
    /// The option's path (`options[3]`), empty for a plan rule.
    base: &'a str,
    option: Option<&'a Shared<'v>>,
}

impl VariableResolver for Bound<'_, '_> {
    fn resolve<'b>(&'b self, name: &str) -> Option<CowVal<'b, 'b>> {
        match name {
            "params" => Some(CowVal::Borrowed(self.params)),
            "option" => self.option.map(|o| CowVal::Borrowed(o as &dyn Val)),
            _ => None,
        }
    }
}

fn run(rule: &Rule, ctx: Context, base: &str, doc: &Document, menu: &Menu, out: &mut Vec<Finding>) {
    match fire(rule, ctx, base, &doc.spans, &doc.source) {
        Ok(Some(mut f)) => {
            f.option = option_of(&f.path, menu);
            out.push(f);
        }
        Ok(None) => {}
        Err(e) => {
            let span = doc.spans.nearest(base).map(|(_, s)| s.value.clone());
            out.push(
                Finding::input_error(
                    "rule-eval",
                    format!(
                        "rule {} could not be evaluated{}: {e}",
                        rule.id,
                        if base.is_empty() {
                            String::new()
                        } else {
                            format!(" on {base}")
                        }
                    ),
                    Some(&doc.source),
                    span,
                )
                .with_path(base)
                .with_label("while checking this")
                .with_help(format!(
                    "this is a defect in the rule ({}, pack `{}`); fix the rule or report it",
                    rule.file, rule.pack
                )),
            );
        }
    }
}

/// Evaluates one rule in one context; `Some` when it fails.
fn fire(
    rule: &Rule,
    mut ctx: Context,
    base: &str,
    spans: &SpanIndex,
    source: &SourceFile,
) -> Result<Option<Finding>, ExecutionError> {
    // `when` guards the `let` bindings, which may only make sense once it holds
    if let Some(when) = &rule.when {
        if !when.eval_bool(&ctx)? {
            return Ok(None);
        }
    }
    if rule.check_uses_lets {
        bind_lets(rule, &mut ctx)?;
    }
    if rule.check.eval_bool(&ctx)? {
        return Ok(None);
    }
    if !rule.check_uses_lets {
        bind_lets(rule, &mut ctx)?;
    }
    let message = rule.message.render(&ctx)?;
    let path = resolve_path(base, &rule.at.render(&ctx)?);
    let (path_found, span) = match spans.nearest(&path) {
        Some((p, s)) => (p.to_owned(), Some(s.value.clone())),
        None => (String::new(), Some(0..0)),
    };
    let label = match &rule.label {
        Some(t) => t.render(&ctx)?,
        None if path_found == path => "here".to_owned(),
        None => format!(
            "`{}` is missing here",
            path.strip_prefix(&format!("{path_found}."))
                .unwrap_or(&path)
        ),
    };
    let mut labels = Vec::new();
    for also in &rule.also {
        let p = resolve_path(base, &also.at.render(&ctx)?);
        if let Some(s) = spans.get(&p) {
            labels.push(Label {
                location: source.location(&s.value),
                span: s.value.clone(),
                path: p,
                message: also.label.render(&ctx)?,
            });
        }
    }
    Ok(Some(Finding {
        rule: rule.id.clone(),
        name: rule.name.clone(),
        severity: rule.severity,
        message,
        path,
        option: None,
        location: span.as_ref().map(|s| source.location(s)),
        span,
        label: Some(label),
        help: Some(rule.help.clone()),
        citation: Some(rule.citation.clone()),
        labels,
        fingerprint: String::new(),
        waiver: None,
    }))
}

fn bind_lets(rule: &Rule, ctx: &mut Context) -> Result<(), ExecutionError> {
    for (name, expr) in &rule.lets {
        let v = expr.eval_val(ctx)?;
        ctx.add_variable_as_val(name.clone(), v);
    }
    Ok(())
}

/// `at` paths are relative to the option in option scope; a leading `/` makes them absolute.
fn resolve_path(base: &str, at: &str) -> String {
    let at = at.trim();
    if let Some(abs) = at.strip_prefix('/') {
        abs.to_owned()
    } else if base.is_empty() {
        at.to_owned()
    } else if at.is_empty() {
        base.to_owned()
    } else if at.starts_with('[') {
        format!("{base}{at}")
    } else {
        format!("{base}.{at}")
    }
}

/// The id of the option a path lies in, if any.
fn option_of(path: &str, menu: &Menu) -> Option<String> {
    let rest = path.strip_prefix("options[")?;
    let i: usize = rest[..rest.find(']')?].parse().ok()?;
    menu.options.get(i).map(|o| o.id.clone())
}
