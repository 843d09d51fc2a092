//! Stage 4a: run the rules over a validated menu and turn failures into findings.

use super::scope::{MenuScope, PairScope, Subject};
use crate::diag::{Code, Finding, Label, Measured, MenuPath, Monitor, RuleInfo, SourceFile};
use crate::menu::exposure::LookThrough;
use crate::menu::load::Document;
use crate::menu::Menu;
use crate::policy::config::{Incomplete, WaiverSpec};
use crate::policy::waivers::RuleState;
use crate::rules::limits::{EvalBudget, MAX_VALUE_SIZE};
use crate::rules::native::{GiveUp, V};
use crate::rules::values::{self, Shared};
use crate::rules::view;
use crate::rules::{register_functions, Compiled, Rule, RuleSet, Scope};
use cel::common::types::CelString;
use cel::{Context, ExecutionError};
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;
use std::sync::Arc;

/// Effective rule settings for one run (sponsor overrides come on top of the packs).
pub struct Evaluation<'a> {
    /// The packs to run, with the config's overrides applied; only the rules in force
    /// run.
    pub rules: &'a RuleSet,
    /// "Today" for date-dependent rules, as `YYYY-MM-DD`.
    pub as_of: &'a str,
    /// Waivers from the config, with the file each is written in.
    pub waivers: &'a [(SourceFile, WaiverSpec)],
    /// Each enabled rule's `params` as CEL values, converted once per run.
    params: Vec<Shared<'static>>,
    /// The same as JSON, for the native evaluator.
    params_json: Vec<Json>,
    /// Record every capped figure (for reports and the diff), not only failing ones.
    pub measures: bool,
    /// The config treats brokerage windows as designated investment alternatives.
    pub brokerage_windows_are_options: bool,
    /// The menu in force (`check --since`): options it lacks are new.
    pub since: Option<&'a Menu>,
    /// How the native evaluator takes part.
    native: NativeMode,
    /// What a rule that could not be decided (its `requires` does not hold) is: of
    /// the rule's own severity, or at most a warning with `incomplete = "warn"`.
    pub incomplete: Incomplete,
    /// What one rule may spend on one option in the interpreter.
    pub budget: EvalBudget,
}

/// Whether the native evaluator settles the rules it can before the interpreter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NativeMode {
    /// The interpreter alone (to compare).
    Off,
    /// The native evaluator settles what it can; the interpreter the rest.
    On,
    /// Both run on every pair the native evaluator settles, and any disagreement is a
    /// `menulint::rule-eval` error: how a sponsor verifies the fast path on their own
    /// packs and menus. Set by `MENULINT_VERIFY_NATIVE=1`.
    Verify,
}

impl NativeMode {
    /// `Verify` with `MENULINT_VERIFY_NATIVE=1`, `Off` with `MENULINT_NATIVE=off`
    /// (the interpreter alone: to measure the fast path, or to rule it out), else `On`.
    pub(crate) fn from_env() -> NativeMode {
        let set = |name| std::env::var_os(name).filter(|v| !v.is_empty() && v != "0");
        if set("MENULINT_VERIFY_NATIVE").is_some() {
            NativeMode::Verify
        } else if set("MENULINT_NATIVE").is_some_and(|v| v == "off") {
            NativeMode::Off
        } else {
            NativeMode::On
        }
    }
}

impl<'a> Evaluation<'a> {
    /// Settings to run `rules` as of `as_of` (`YYYY-MM-DD`) with the config's
    /// `waivers`; the rest at its default: no figures recorded, brokerage windows not
    /// options, undecided rules failing, the native evaluator as the environment sets
    /// it.
    pub fn new(
        rules: &'a RuleSet,
        as_of: &'a str,
        waivers: &'a [(SourceFile, WaiverSpec)],
    ) -> Evaluation<'a> {
        let params_json: Vec<Json> = rules
            .rules()
            .map(|r| {
                let entries = r.params.iter().map(|(k, v)| (k.clone(), v.clone()));
                Json::Object(entries.collect())
            })
            .collect();
        let params = params_json.iter().map(values::shared_owned).collect();
        Evaluation {
            rules,
            as_of,
            waivers,
            params,
            params_json,
            measures: false,
            brokerage_windows_are_options: false,
            since: None,
            native: NativeMode::from_env(),
            incomplete: Incomplete::Fail,
            budget: EvalBudget::default(),
        }
    }

    /// Whether a waiver's rule ran in this evaluation, exists but did not, or is unknown.
    pub(crate) fn rule_state(&self, id: &str) -> RuleState {
        match self.rules.rule(id) {
            Some(r) if r.enabled => RuleState::Ran,
            Some(_) => RuleState::NotRun,
            None => RuleState::Unknown,
        }
    }

    /// The rules in force, each with its `params` for the interpreter and as JSON for
    /// the native evaluator.
    fn rules_in_force(&self) -> impl Iterator<Item = (&'a Rule, &Shared<'static>, &Json)> {
        self.rules
            .rules()
            .zip(&self.params)
            .zip(&self.params_json)
            .map(|((r, p), j)| (r, p, j))
    }

    /// The same, with the interpreter confirming every rule the native evaluator
    /// passes (as `MENULINT_VERIFY_NATIVE=1` does).
    pub fn verifying(mut self) -> Self {
        self.native = NativeMode::Verify;
        self
    }

    /// The same, recording every capped figure.
    pub fn with_measures(mut self) -> Self {
        self.measures = true;
        self
    }
}

/// A figure a rule caps, as measured on one option (or the plan).
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// The rule that caps it.
    pub rule: Arc<RuleInfo>,
    /// What the figure is, in the words of the rule's `measure`, with its unit.
    pub figure: String,
    /// The option's index; `None` for a plan-scope rule.
    pub option: Option<usize>,
    /// The figure measured, in its unit (a percent figure of 5.0 is 5 %).
    pub value: f64,
    /// The rule's cap on it, in the same unit: the rule holds while the value does not
    /// exceed it.
    pub limit: f64,
}

/// What evaluating a menu gives.
#[derive(Debug, Default)]
pub struct Evaluated {
    /// The findings of the rules on the menu, before any waiver is applied.
    pub findings: Vec<Finding>,
    /// The capped figures, recorded only when the evaluation `measures`.
    pub measurements: Vec<Measurement>,
    /// Each option's watch-list state, when watch rules are in force (else empty).
    pub watch: Vec<WatchState>,
}

/// How long an option has been on the watch list: the quarters, newest first, in a
/// row in which at least one watch rule failed, judged on the history up to each.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct WatchState {
    /// Consecutive quarters on watch up to the latest (0: not on watch).
    pub quarters: usize,
    /// The quarter end it went on watch.
    pub since: Option<String>,
    /// The watch rules that failed at the latest quarter that failed.
    pub reasons: Vec<String>,
    /// Consecutive passing quarters up to the latest, while fewer than the policy's
    /// `recover_quarters`: the option is still on watch, recovering.
    pub recovering: usize,
    /// The passing quarters in a row that take an option off the watch list.
    pub recover_quarters: usize,
}

/// The menu as rules see it: defaults filled in, numbers as doubles, derived fields added.
///
/// Every option gets `index`, `path` and `effective` (look-through exposure); the menu
/// gets `effective` (plan exposure weighted by assets) and `plan.total_assets_usd`.
pub(crate) fn rule_view(
    doc: &Document,
    menu: &Menu,
    lt: &LookThrough,
    windows_are_options: bool,
    since: Option<&Menu>,
    as_of: &str,
) -> Json {
    // without a menu in force to compare with, every option counts as new
    let new = since.map_or_else(
        || vec![true; menu.options.len()],
        |current| super::diff::added(current, menu),
    );
    let mut root = doc.value.clone();
    numbers_to_doubles(&mut root);
    if let Some(plan) = root.get_mut("plan").and_then(Json::as_object_mut) {
        plan.entry("total_assets_usd")
            .or_insert(json!(menu.total_assets_usd() as f64));
    }
    // where each id first appears, and each option's rank within its asset class:
    // rules read them instead of scanning every option for every option
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut class_count: HashMap<&str, usize> = HashMap::new();
    let ranks: Vec<(usize, usize)> = menu
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let first_index = *first.entry(o.id.as_str()).or_insert(i);
            let rank = class_count.entry(o.asset_class.as_str()).or_insert(0);
            *rank += 1;
            (first_index, *rank)
        })
        .collect();
    // what a menu leaves out, as the menu schema declares it (`rules::view::defaults`)
    let (option_defaults, exposure_defaults) = view_defaults();
    if let Some(options) = root.get_mut("options").and_then(Json::as_array_mut) {
        for (i, o) in options.iter_mut().enumerate() {
            let Some(o) = o.as_object_mut() else { continue };
            // whether the menu states the option's alternative exposure at all: a default
            // of 0 % must not pass for a digital-asset option that simply left it out
            let stated = o
                .get("exposure")
                .and_then(Json::as_object)
                .is_some_and(|e| e.keys().any(|k| k.ends_with("_pct")));
            o.insert("exposure_stated".into(), json!(stated));
            defaults(o, option_defaults);
            // rules read the quarters ended by the check date, newest first:
            // `option.history[0]` is the latest (monitoring as of a past date judges
            // what was known then)
            match o.get_mut("history").and_then(Json::as_array_mut) {
                Some(h) => {
                    h.retain(|q| q["quarter"].as_str().is_some_and(|d| d <= as_of));
                    h.reverse();
                }
                None => {
                    o.insert("history".into(), json!([]));
                }
            }
            if let Some(e) = o.get_mut("exposure").and_then(Json::as_object_mut) {
                defaults(e, exposure_defaults);
            }
            o.insert("index".into(), json!(i));
            if let Some(&(first_index, class_rank)) = ranks.get(i) {
                o.insert("first_index".into(), json!(first_index));
                o.insert("class_rank".into(), json!(class_rank));
                o.insert(
                    "new_since_current".into(),
                    json!(new.get(i).copied().unwrap_or(true)),
                );
            }
            o.insert("path".into(), json!(format!("options[{i}]")));
            // a brokerage window is not a designated investment alternative
            // (29 CFR 2550.404a-5(h)(4)) unless the sponsor's config says otherwise
            let window = o.get("vehicle").and_then(Json::as_str) == Some("brokerage_window");
            o.insert("designated".into(), json!(!window || windows_are_options));
            // look-through covers every option of the menu it was computed from
            if let Some(eff) = lt.options.get(i).and_then(|f| serde_json::to_value(f).ok()) {
                o.insert("effective".into(), eff);
            }
            let assumed: Vec<&str> = lt
                .assumed
                .iter()
                .filter(|a| a.option == i)
                .map(|a| a.figure)
                .collect();
            o.insert("assumed".into(), json!(assumed));
        }
    }
    if let Some(m) = root.as_object_mut() {
        m.entry("waivers").or_insert_with(|| json!([]));
        m.insert("effective".into(), plan_view(menu, lt));
    }
    root
}

/// `menu.effective`: the plan's figures only when they could be computed, so a rule
/// that reads them without checking `computed` fails loudly instead of passing on 0.
fn plan_view(menu: &Menu, lt: &LookThrough) -> Json {
    let mut m = match lt.plan.map(serde_json::to_value) {
        Some(Ok(Json::Object(m))) => m,
        _ => Map::new(),
    };
    m.insert("computed".into(), json!(lt.plan.is_some()));
    let missing: Vec<&str> = lt
        .missing_assets
        .iter()
        .filter_map(|&i| menu.options.get(i).map(|o| o.id.as_str()))
        .collect();
    m.insert("missing_assets".into(), json!(missing));
    m.insert(
        "total_stated".into(),
        json!(menu.plan.total_assets_usd.is_some()),
    );
    let known: Vec<u64> = menu.options.iter().filter_map(|o| o.assets_usd).collect();
    m.insert(
        "options_assets_usd".into(),
        json!(known.iter().map(|&a| a as f64).sum::<f64>()),
    );
    m.insert(
        "options_assets_complete".into(),
        json!(known.len() == menu.options.len()),
    );
    Json::Object(m)
}

/// The option and exposure defaults, read from the schema once.
fn view_defaults() -> (&'static view::Defaults, &'static view::Defaults) {
    static DEFAULTS: std::sync::OnceLock<(view::Defaults, view::Defaults)> =
        std::sync::OnceLock::new();
    let (option, exposure) =
        DEFAULTS.get_or_init(|| (view::defaults(&[]), view::defaults(&["exposure"])));
    (option, exposure)
}

fn defaults(obj: &mut Map<String, Json>, pairs: &[(String, Json)]) {
    for (k, v) in pairs {
        // `entry` would allocate the key even when it is there
        if !obj.contains_key(k.as_str()) {
            obj.insert(k.clone(), v.clone());
        }
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

/// Runs every rule; a rule that cannot be evaluated is itself a finding (`menulint::rule-eval`).
pub fn evaluate(ev: &Evaluation, doc: &Document, menu: &Menu, lt: &LookThrough) -> Evaluated {
    let mut view = rule_view(
        doc,
        menu,
        lt,
        ev.brokerage_windows_are_options,
        ev.since,
        ev.as_of,
    );
    let mut out = Evaluated::default();
    let mut root = Context::with_env(ev.rules.env.clone());
    if let Err(e) = register_functions(&mut root) {
        out.findings.push(Finding::input_error(
            Code::RuleEval,
            format!("cannot register rule helpers: {e}"),
            None,
            None,
        ));
        return out;
    }
    let (watch, diverged) = watch_states(ev, &root, &view, doc, menu);
    out.watch = watch;
    out.findings.extend(diverged);
    if let Some(options) = view.get_mut("options").and_then(Json::as_array_mut) {
        for (o, w) in options.iter_mut().zip(&out.watch) {
            if let Some(o) = o.as_object_mut() {
                o.insert(
                    "watch".into(),
                    json!({
                        "on": w.quarters > 0,
                        "quarters": w.quarters as f64,
                        "since": w.since.clone().unwrap_or_default(),
                        "reasons": w.reasons,
                        "recovering": w.recovering as f64,
                    }),
                );
            }
        }
    }
    // every rule × option pair, in evaluation order: plan rules, then option by option
    let scope = MenuScope::new(&view, menu, ev.budget);
    let as_of = CelString::from(ev.as_of);
    let rules: Vec<_> = ev.rules_in_force().collect();
    let in_scope = |scope| rules.iter().filter(move |(r, _, _)| r.scope == scope);
    let plan_pairs = in_scope(Scope::Plan).map(|r| (r, Subject::Plan));
    let option_pairs = (0..scope.options().len())
        .flat_map(|i| in_scope(Scope::Option).map(move |r| (r, Subject::Option(i))));
    // the native evaluator settles most pairs; the interpreter, and the values it
    // needs, only see the rest, in the same order
    // (in verify mode every pair goes on, marked with whether it was settled)
    let left: Vec<_> = plan_pairs
        .chain(option_pairs)
        .filter_map(|(&(rule, params, params_json), subject)| {
            let pair = PairScope::new(&scope, subject, (params_json, params), (ev.as_of, &as_of));
            match settle(ev, rule, &pair, ev.measures) {
                Settled::Passes => None,
                Settled::Verify => Some((rule, pair, true)),
                Settled::Interpret => Some((rule, pair, false)),
            }
        })
        .collect();
    for (rule, pair, settled) in left {
        let base = pair.index().map_or_else(MenuPath::root, MenuPath::option);
        // every variable comes from the pair's scope: a context per pair costs no
        // allocation, and the scope can cut off a rule that exceeds its budget
        let mut ctx = root.new_inner_scope();
        ctx.set_variable_resolver(pair.resolver());
        if settled {
            let result = fire(rule, ctx, &base, false, ev.incomplete, doc);
            out.findings.extend(divergence(rule, &base, &result, doc));
        } else {
            run(rule, &pair, &base, ctx, ev, doc, menu, &mut out);
        }
    }
    out.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// Each option's watch-list state: the watch rules run on the history as it stood at
/// each quarter end, newest first, until `recover_quarters` quarters in a row where
/// none fails: a committee keeps an option on watch until its recovery lasts, so one
/// good quarter does not take it off. An option that has been fine that long costs
/// that many evaluations per watch rule.
fn watch_states(
    ev: &Evaluation,
    root: &Context,
    view: &Json,
    doc: &Document,
    menu: &Menu,
) -> (Vec<WatchState>, Vec<Finding>) {
    let rules: Vec<_> = ev
        .rules_in_force()
        .filter(|(r, _, _)| r.monitor == Some(Monitor::Watch) && r.scope == Scope::Option)
        .collect();
    if rules.is_empty() {
        return (Vec::new(), Vec::new());
    }
    // the replacement rule's `recover_quarters`: the watch list's own policy
    let recover = ev
        .rules_in_force()
        .filter(|(r, _, _)| r.monitor == Some(Monitor::Replace))
        .find_map(|(r, _, _)| r.params.get("recover_quarters")?.as_f64())
        .filter(|n| n.is_finite() && *n >= 1.0)
        .map_or(1, |n| n.min(400.0) as usize);
    let diverged = std::cell::RefCell::new(Vec::new());
    let scope = MenuScope::new(view, menu, ev.budget);
    let states = scope
        .options()
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let base = MenuPath::option(i);
            let history = o["history"].as_array().map_or(&[][..], Vec::as_slice);
            let mut state = WatchState {
                recover_quarters: recover,
                ..WatchState::default()
            };
            // passing quarters in a row, newest first, since the last failing one
            let mut passing = 0;
            // the option as it stood at each quarter end: one copy, its newest quarter
            // dropped at each step (a copy per quarter made long histories quadratic)
            let mut then = o.clone();
            for (k, record) in history.iter().enumerate() {
                if k > 0 {
                    if let Some(h) = then["history"].as_array_mut() {
                        h.remove(0);
                    }
                }
                // its own strings: `then` lives shorter than the menu's values
                let cel_then = std::sync::OnceLock::new();
                // the latest quarter is judged as of the check date, earlier ones as
                // of their own quarter end
                let quarter = record["quarter"].as_str().unwrap_or_default();
                let as_of = if k == 0 { ev.as_of } else { quarter };
                let cel_as_of = CelString::from(as_of);
                let failing: Vec<String> = rules
                    .iter()
                    .filter(|&&(rule, params, params_json)| {
                        let subject = Subject::Past {
                            index: i,
                            option: &then,
                            cel: &cel_then,
                        };
                        let pair = PairScope::new(
                            &scope,
                            subject,
                            (params_json, params),
                            (as_of, &cel_as_of),
                        );
                        let settled = match settle(ev, rule, &pair, false) {
                            Settled::Passes => return false,
                            Settled::Verify => true,
                            Settled::Interpret => false,
                        };
                        let mut ctx = root.new_inner_scope();
                        ctx.set_variable_resolver(pair.resolver());
                        let result = fire(rule, ctx, &base, false, ev.incomplete, doc);
                        if settled {
                            diverged
                                .borrow_mut()
                                .extend(divergence(rule, &base, &result, doc));
                            return false;
                        }
                        // an error is reported by the main pass, on the latest quarter;
                        // an undecided quarter is not one on watch
                        matches!(result, Ok((Some(f), _)) if !f.incomplete)
                    })
                    .map(|(r, _, _)| r.id.clone())
                    .collect();
                if failing.is_empty() {
                    passing += 1;
                    if passing >= recover {
                        break;
                    }
                    continue;
                }
                if state.quarters == 0 {
                    // the latest failing quarter: recovering since, if it is not the latest
                    state.reasons = failing;
                    state.recovering = passing;
                }
                passing = 0;
                state.quarters = k + 1;
                state.since = Some(quarter.to_owned());
            }
            state
        })
        .collect();
    (states, diverged.into_inner())
}

/// How one rule × option pair is settled, in the main pass and the watch pass alike.
enum Settled {
    /// The native evaluator says it passes (or does not apply).
    Passes,
    /// The native evaluator says it passes; the interpreter is to confirm it.
    Verify,
    /// The interpreter decides.
    Interpret,
}

fn settle<'a>(
    ev: &Evaluation,
    rule: &'a Rule,
    vars: &PairScope<'a, '_>,
    measures: bool,
) -> Settled {
    match ev.native {
        NativeMode::Off => Settled::Interpret,
        _ if !passes_natively(rule, vars, measures) => Settled::Interpret,
        NativeMode::On => Settled::Passes,
        NativeMode::Verify => Settled::Verify,
    }
}

/// In verify mode, the error when the interpreter does not pass a pair the native
/// evaluator passed.
fn divergence(
    rule: &Rule,
    base: &MenuPath,
    interpreted: &Result<(Option<Finding>, Option<Measured>), ExecutionError>,
    doc: &Document,
) -> Option<Finding> {
    let gave = match interpreted {
        Ok((None, _)) => return None,
        Ok((Some(f), _)) => format!("fails it (\"{}\")", f.message),
        Err(e) => format!("cannot evaluate it ({e})"),
    };
    let span = doc.spans.nearest(base).map(|(_, s)| s.value.clone());
    let on = if base.is_root() {
        "the plan".to_owned()
    } else {
        base.to_string()
    };
    Some(
        Finding::input_error(
            Code::RuleEval,
            format!(
                "rule {}: the native evaluator passes {on}, but the interpreter {gave}",
                rule.id
            ),
            Some(&doc.source),
            span,
        )
        .with_path(base.clone())
        .with_label("the evaluators disagree here")
        .with_help(format!(
            "a defect in menulint's native evaluator (MENULINT_VERIFY_NATIVE is set); \
             run without it for the interpreter's verdict, and report the rule ({}) and menu",
            rule.location
        )),
    )
}

/// Whether the rule passes, or does not apply, by the native evaluator. `false` says
/// "ask the interpreter": the rule fails, or the native evaluator gave up, or the
/// figures it measures are wanted.
fn passes_natively<'a>(rule: &'a Rule, vars: &PairScope<'a, '_>, measures: bool) -> bool {
    let Ok(c) = rule.compiled() else {
        return false;
    };
    if measures && c.measure.is_some() {
        return false;
    }
    natively(c, vars) == Ok(true)
}

fn natively<'a>(c: &'a Compiled, vars: &PairScope<'a, '_>) -> Result<bool, GiveUp> {
    // the rule's evaluations share one budget of steps
    let mut spent = 0;
    if let Some(when) = &c.when {
        if !when.native()?.eval_with(vars, &[], &mut spent)?.truth()? {
            return Ok(true);
        }
    }
    let mut lets: Vec<(&str, V)> = Vec::new();
    if c.check_uses_lets || c.requires.is_some() {
        for (name, e) in &c.lets {
            let v = e.native()?.eval_with(vars, &lets, &mut spent)?;
            if v.size() > MAX_VALUE_SIZE {
                return Err(GiveUp);
            }
            lets.push((name, v));
        }
    }
    if let Some(req) = &c.requires {
        // not decided is not a pass: the interpreter words the finding
        let decided = req.check.native()?.eval_with(vars, &lets, &mut spent)?;
        if !decided.truth()? {
            return Ok(false);
        }
    }
    c.check
        .native()?
        .eval_with(vars, &lets, &mut spent)?
        .truth()
}

#[allow(clippy::too_many_arguments)]
fn run(
    rule: &Rule,
    pair: &PairScope,
    base: &MenuPath,
    ctx: Context,
    ev: &Evaluation,
    doc: &Document,
    menu: &Menu,
    out: &mut Evaluated,
) {
    let measures = ev.measures;
    let result = fire(rule, ctx, base, measures, ev.incomplete, doc);
    // an expression that ran out of budget fails on a variable it can no longer see:
    // say what really happened
    let result = match result {
        Err(_) if pair.exhausted() => Err(ExecutionError::function_error(
            "budget",
            format!(
                "it exceeded its evaluation budget ({} s or {} variable look-ups per option); \
                 rule defined at {}",
                ev.budget.time.as_secs_f64(),
                ev.budget.lookups,
                rule.location
            ),
        )),
        other => other,
    };
    match result {
        Ok((finding, measured)) => {
            if let (Some(m), Some(figure)) = (measured.filter(|_| measures), &rule.measure_figure) {
                out.measurements.push(Measurement {
                    rule: rule.info.clone(),
                    figure: figure.clone(),
                    option: pair.index(),
                    value: m.value,
                    limit: m.limit,
                });
            }
            if let Some(mut f) = finding {
                f.option = f
                    .path
                    .option_index()
                    .and_then(|i| menu.options.get(i))
                    .map(|o| o.id.clone());
                out.findings.push(f);
            }
        }
        Err(e) => {
            let span = doc.spans.nearest(base).map(|(_, s)| s.value.clone());
            out.findings.push(
                Finding::input_error(
                    Code::RuleEval,
                    format!(
                        "rule {} could not be evaluated{}: {e}",
                        rule.id,
                        if base.is_root() {
                            String::new()
                        } else {
                            format!(" on {base}")
                        }
                    ),
                    Some(&doc.source),
                    span,
                )
                .with_path(base.clone())
                .with_label("while checking this")
                .with_help(format!(
                    "this is a defect in the rule ({}, pack `{}`); fix the rule or report it",
                    rule.file, rule.pack
                )),
            );
        }
    }
}

/// An error that is the rule's, not the interpreter's.
fn rule_error(msg: String) -> ExecutionError {
    ExecutionError::FunctionError {
        function: "at".to_owned(),
        message: msg,
    }
}

/// Evaluates one rule in one context: the finding when it fails, and the figure it
/// measures when it declares one (always when `measures`, else only on failure).
fn fire(
    rule: &Rule,
    ctx: Context,
    base: &MenuPath,
    measures: bool,
    incomplete: Incomplete,
    doc: &Document,
) -> Result<(Option<Finding>, Option<Measured>), ExecutionError> {
    let mut failed = Vec::new();
    decide(rule, ctx, base, measures, incomplete, doc, &mut failed)
        .map_err(|e| let_error(e, &failed))
}

/// A `let` that fails is left unbound, as CEL leaves an error unevaluated until it
/// is needed: `true || boom` is true. An expression that does need it fails on an
/// undeclared name, which is reported as the `let`'s own error.
fn let_error(e: ExecutionError, failed: &[(String, ExecutionError)]) -> ExecutionError {
    match &e {
        ExecutionError::UndeclaredReference(name) => failed
            .iter()
            .find(|(n, _)| n == name.as_str())
            .map_or(e, |(_, err)| err.clone()),
        _ => e,
    }
}

fn decide(
    rule: &Rule,
    mut ctx: Context,
    base: &MenuPath,
    measures: bool,
    incomplete: Incomplete,
    doc: &Document,
    failed: &mut Vec<(String, ExecutionError)>,
) -> Result<(Option<Finding>, Option<Measured>), ExecutionError> {
    let (spans, source) = (&doc.spans, &doc.source);
    let info = &rule.info;
    let rule = rule
        .compiled()
        .map_err(|e| ExecutionError::function_error("compile", e))?;
    // `when` guards the `let` bindings, which may only make sense once it holds
    if let Some(when) = &rule.when {
        if !when.eval_bool(&ctx)? {
            return Ok((None, None));
        }
    }
    // `requires` may read the lets, so they are bound first
    let early_lets = rule.check_uses_lets || rule.requires.is_some();
    if early_lets {
        bind_lets(rule, &mut ctx, failed)?;
    }
    // a rule whose figures are not known is not decided: never a pass
    if let Some(req) = &rule.requires {
        if !req.check.eval_bool(&ctx)? {
            let path = match &req.at {
                Some(at) => resolve_path(base, &at.render(&ctx)?).map_err(rule_error)?,
                None => base.clone(),
            };
            let span = spans.nearest(&path).map(|(_, s)| s.value.clone());
            let message = req.message.render(&ctx)?;
            let mut f = Finding::input_error(Code::RuleEval, message, Some(source), span)
                .with_path(path)
                .with_label("not computed")
                .with_help(req.help.clone())
                .with_severity(incomplete.severity(info.severity));
            f.origin = crate::diag::Origin::Rule(info.clone());
            f.incomplete = true;
            return Ok((Some(f), None));
        }
    }
    let measure = |ctx: &Context| -> Result<Option<Measured>, ExecutionError> {
        match &rule.measure {
            Some(m) => Ok(Some(Measured {
                value: m.value.eval_f64(ctx)?,
                limit: m.limit.eval_f64(ctx)?,
            })),
            None => Ok(None),
        }
    };
    if rule.check.eval_bool(&ctx)? {
        let measured = if measures { measure(&ctx)? } else { None };
        return Ok((None, measured));
    }
    if !early_lets {
        bind_lets(rule, &mut ctx, failed)?;
    }
    let measured = measure(&ctx)?;
    let message = rule.message.render(&ctx)?;
    let path = resolve_path(base, &rule.at.render(&ctx)?).map_err(rule_error)?;
    let (path_found, span) = match spans.nearest(&path) {
        Some((p, s)) => (p, Some(s.value.clone())),
        None => (MenuPath::root(), Some(0..0)),
    };
    let label = match &rule.label {
        Some(t) => t.render(&ctx)?,
        None if path_found == path => "here".to_owned(),
        None => format!(
            "`{}` is missing here",
            path.strip_prefix(&path_found)
                .unwrap_or_else(|| path.clone())
        ),
    };
    let mut labels = Vec::new();
    for also in &rule.also {
        let p = resolve_path(base, &also.at.render(&ctx)?).map_err(rule_error)?;
        if let Some(s) = spans.get(&p) {
            labels.push(Label {
                location: source.location(&s.value),
                span: s.value.clone(),
                path: p,
                message: also.label.render(&ctx)?,
            });
        }
    }
    let mut f = Finding::input_error(Code::RuleEval, message, Some(source), span)
        .with_path(path)
        .with_label(label)
        .with_severity(info.severity);
    f.origin = crate::diag::Origin::Rule(info.clone());
    f.labels = labels;
    f.measured = measured;
    Ok((Some(f), measured))
}

fn bind_lets(
    rule: &crate::rules::Compiled,
    ctx: &mut Context,
    failed: &mut Vec<(String, ExecutionError)>,
) -> Result<(), ExecutionError> {
    use cel::common::types::{CelList, CelMap};
    for (name, expr) in &rule.lets {
        let v = match expr.eval_val(ctx) {
            Ok(v) => v,
            Err(e) => {
                let e = let_error(e, failed);
                failed.push((
                    name.clone(),
                    ExecutionError::function_error("let", format!("`{name}`: {e}")),
                ));
                continue;
            }
        };
        let size = v
            .downcast_ref::<CelString>()
            .map(|s| s.inner().len())
            .or_else(|| v.downcast_ref::<CelList>().map(|l| l.inner().len()))
            .or_else(|| v.downcast_ref::<CelMap>().map(|m| m.inner().len()))
            .unwrap_or(0);
        if size > MAX_VALUE_SIZE {
            return Err(ExecutionError::function_error(
                "let",
                format!(
                    "`{name}` grew to {size} bytes or entries, over the limit of {MAX_VALUE_SIZE}"
                ),
            ));
        }
        ctx.add_variable_as_val(name.clone(), v);
    }
    Ok(())
}

/// `at` paths are relative to the option in option scope; a leading `/` makes them absolute.
fn resolve_path(base: &MenuPath, at: &str) -> Result<MenuPath, String> {
    let at = at.trim();
    let (root, rel) = match at.strip_prefix('/') {
        Some(abs) => (&MenuPath::root(), abs),
        None => (base, at),
    };
    let rel = MenuPath::parse(rel).map_err(|e| format!("`at` is not a menu path: {e}"))?;
    Ok(root.join(&rel))
}

/// The benchmarks' menu generator, for the evaluators' comparison.
#[cfg(test)]
#[path = "../../benches/support/synth.rs"]
mod synth;

#[cfg(test)]
mod tests;
