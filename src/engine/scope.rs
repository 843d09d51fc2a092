//! What a rule's variables are bound to: one scope per menu, one per rule × option
//! pair, each serving both evaluators.
//!
//! Every variable is resolved here, by its [`Source`], for the native evaluator (a
//! [`V`] borrowing the rule view's JSON) and for the interpreter (a `cel` value,
//! converted from the same JSON on first use) side by side, so the two cannot read
//! different things. Adding a variable means a [`Source`] in `rules::view` and its
//! two arms here; the build fails until both are written.

use crate::menu::Menu;
use crate::rules::limits::EvalBudget;
use crate::rules::native::{Vars, V};
use crate::rules::values::{self, Shared};
use crate::rules::view::Source;
use cel::common::types::CelString;
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// The variables every rule of one menu sees, from its rule view.
///
/// The native evaluator's look-ups are built with it; the interpreter's values only
/// when it first reads them, since the native evaluator leaves it few rules, which
/// read few of them.
pub(super) struct MenuScope<'v> {
    view: &'v Json,
    options: &'v [Json],
    /// `option_ids` and `options_by_id`, natively.
    option_ids: V<'v>,
    options_by_id: V<'v>,
    /// Each option's fields by name length, then name: most look-ups compare a
    /// length, not bytes (`serde_json`'s map compares bytes at every step). Sorted
    /// here, whatever order the map keeps (`preserve_order` would keep the file's).
    fields: Vec<Vec<(&'v str, &'v Json)>>,
    cel: CelValues<'v>,
    budget: EvalBudget,
}

/// The interpreter's values, each converted once, on first use. Apart from the
/// native evaluator's values since the interpreter's resolver must be `Sync`.
struct CelValues<'v> {
    view: &'v Json,
    options_json: &'v [Json],
    /// The ids, in menu order.
    ids: Vec<&'v str>,
    options: Vec<OnceLock<Shared<'v>>>,
    option_list: OnceLock<Shared<'v>>,
    menu: OnceLock<Option<Shared<'v>>>,
    plan: OnceLock<Shared<'v>>,
    option_ids: OnceLock<Shared<'v>>,
    options_by_id: OnceLock<Shared<'v>>,
}

impl<'v> MenuScope<'v> {
    pub(super) fn new(view: &'v Json, menu: &'v Menu, budget: EvalBudget) -> MenuScope<'v> {
        let options = view["options"].as_array().map_or(&[][..], Vec::as_slice);
        let ids: Vec<&str> = menu.options.iter().map(|o| o.id.as_str()).collect();
        let mut by_id = BTreeMap::new();
        for (id, v) in ids.iter().zip(options) {
            by_id.entry(*id).or_insert_with(|| V::from_json(v));
        }
        let fields = options
            .iter()
            .map(|o| {
                let mut fields: Vec<(&str, &Json)> = o
                    .as_object()
                    .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
                    .unwrap_or_default();
                fields.sort_unstable_by(|(a, _), (b, _)| by_length(a, b));
                fields
            })
            .collect();
        MenuScope {
            view,
            options,
            option_ids: V::List(Rc::new(ids.iter().map(|id| V::Str(id)).collect())),
            options_by_id: V::Map(Rc::new(by_id)),
            fields,
            cel: CelValues {
                view,
                options_json: options,
                ids,
                options: options.iter().map(|_| OnceLock::new()).collect(),
                option_list: OnceLock::new(),
                menu: OnceLock::new(),
                plan: OnceLock::new(),
                option_ids: OnceLock::new(),
                options_by_id: OnceLock::new(),
            },
            budget,
        }
    }

    /// The options, as `options` lists them (none when the menu has no list of them).
    pub(super) fn options(&self) -> &'v [Json] {
        self.options
    }
}

impl<'v> CelValues<'v> {
    fn cel_option(&self, i: usize) -> Option<&Shared<'v>> {
        let cell = self.options.get(i)?;
        Some(cell.get_or_init(|| values::shared(&self.options_json[i])))
    }

    fn cel_options(&self) -> &Shared<'v> {
        self.option_list.get_or_init(|| {
            let all = (0..self.options.len()).filter_map(|i| self.cel_option(i));
            values::list(all.map(Shared::boxed).collect())
        })
    }

    fn cel_plan(&self) -> &Shared<'v> {
        self.plan.get_or_init(|| values::shared(&self.view["plan"]))
    }

    fn cel_menu(&self) -> Option<&Shared<'v>> {
        self.menu
            .get_or_init(|| {
                self.view.as_object().map(|m| {
                    values::map(m.iter().map(|(k, v)| {
                        let v = match k.as_str() {
                            "options" => self.cel_options().boxed(),
                            "plan" => self.cel_plan().boxed(),
                            _ => values::from_json(v),
                        };
                        (k.as_str(), v)
                    }))
                })
            })
            .as_ref()
    }

    fn cel_option_ids(&self) -> &Shared<'v> {
        self.option_ids.get_or_init(|| {
            let ids = self.ids.iter();
            values::list(
                ids.map(|id| Box::new(CelString::from(*id)) as Box<dyn Val>)
                    .collect(),
            )
        })
    }

    /// Each id to its first option, for O(1) look-ups of holdings.
    fn cel_options_by_id(&self) -> &Shared<'v> {
        self.options_by_id.get_or_init(|| {
            let mut seen = HashSet::new();
            values::map(
                self.ids
                    .iter()
                    .enumerate()
                    .filter(|(_, id)| seen.insert(**id))
                    .filter_map(|(i, id)| Some((*id, self.cel_option(i)?.boxed()))),
            )
        })
    }
}

fn by_length(a: &str, b: &str) -> std::cmp::Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// The option a pair's rule reads.
pub(super) enum Subject<'a> {
    /// A plan rule: no `option`.
    Plan,
    /// The menu's option at this index.
    Option(usize),
    /// The option at `index` as it stood at a past quarter end (the watch pass): a
    /// copy of the view's, with its own interpreter value.
    Past {
        index: usize,
        option: &'a Json,
        cel: &'a OnceLock<Shared<'static>>,
    },
}

/// One rule's variables on one option (or the plan), for both evaluators.
pub(super) struct PairScope<'a, 'v> {
    menu: &'a MenuScope<'v>,
    params: &'a Json,
    as_of: &'a str,
    cel: CelPair<'a, 'v>,
}

/// The interpreter's half of a pair, with its evaluation budget.
pub(super) struct CelPair<'a, 'v> {
    values: &'a CelValues<'v>,
    subject: Subject<'a>,
    params: &'a Shared<'static>,
    as_of: &'a CelString<'a>,
    budget: Budget,
}

impl<'a, 'v: 'a> PairScope<'a, 'v> {
    pub(super) fn new(
        menu: &'a MenuScope<'v>,
        subject: Subject<'a>,
        (params, cel_params): (&'a Json, &'a Shared<'static>),
        (as_of, cel_as_of): (&'a str, &'a CelString<'a>),
    ) -> Self {
        PairScope {
            menu,
            params,
            as_of,
            cel: CelPair {
                values: &menu.cel,
                subject,
                params: cel_params,
                as_of: cel_as_of,
                budget: Budget::new(menu.budget),
            },
        }
    }

    /// The option's index in the menu (`None`: a plan rule).
    pub(super) fn index(&self) -> Option<usize> {
        match self.cel.subject {
            Subject::Plan => None,
            Subject::Option(i) | Subject::Past { index: i, .. } => Some(i),
        }
    }

    /// What the interpreter resolves the pair's variables with.
    pub(super) fn resolver(&self) -> &CelPair<'a, 'v> {
        &self.cel
    }

    /// Whether the interpreter stopped on this pair's budget.
    pub(super) fn exhausted(&self) -> bool {
        self.cel.budget.exhausted()
    }

    fn option(&self) -> Option<&'a Json> {
        match self.cel.subject {
            Subject::Plan => None,
            Subject::Option(i) => self.menu.options.get(i),
            Subject::Past { option, .. } => Some(option),
        }
    }
}

impl<'a, 'v: 'a> Vars<'a> for PairScope<'a, 'v> {
    fn var(&self, name: &str) -> Option<V<'a>> {
        let scope = self.menu;
        let view = scope.view;
        // where the interpreter's value would differ in shape (a missing table), the
        // native evaluator gives up instead
        let container = |j: &'a Json| (j.is_object() || j.is_array()).then(|| V::from_json(j));
        match Source::named(name)? {
            Source::Params => container(self.params),
            Source::Option => container(self.option()?),
            Source::Menu => view.is_object().then(|| V::from_json(view)),
            Source::Plan => view["plan"]
                .is_object()
                .then(|| V::from_json(&view["plan"])),
            Source::Options => view["options"]
                .is_array()
                .then(|| V::from_json(&view["options"])),
            Source::OptionIds => Some(scope.option_ids.clone()),
            Source::OptionsById => Some(scope.options_by_id.clone()),
            Source::AsOf => Some(V::Str(self.as_of)),
        }
    }

    fn field(&self, object: &'a Json, key: &str) -> Option<Option<&'a Json>> {
        // only the menu's own options are indexed (a past quarter's copy is not)
        let Subject::Option(i) = self.cel.subject else {
            return None;
        };
        let fields = self.menu.fields.get(i)?;
        if !std::ptr::eq(object, self.menu.options.get(i)?) {
            return None;
        }
        let found = fields.binary_search_by(|(k, _)| by_length(k, key));
        Some(found.ok().map(|i| fields[i].1))
    }
}

impl<'v> CelPair<'_, 'v> {
    fn option(&self) -> Option<&Shared<'_>> {
        match &self.subject {
            Subject::Plan => None,
            Subject::Option(i) => self.values.cel_option(*i),
            Subject::Past { option, cel, .. } => {
                Some(cel.get_or_init(|| values::shared_owned(option)))
            }
        }
    }
}

impl VariableResolver for CelPair<'_, '_> {
    fn resolve<'b>(&'b self, name: &str) -> Option<CowVal<'b, 'b>> {
        if !self.budget.spend() {
            // nothing resolves any more: the expression fails and the rule stops
            return None;
        }
        let values = self.values;
        let v: &dyn Val = match Source::named(name)? {
            Source::Params => self.params,
            Source::Option => self.option()?,
            Source::Menu => values.cel_menu()?,
            Source::Plan => values.cel_plan(),
            Source::Options => values.cel_options(),
            Source::OptionIds => values.cel_option_ids(),
            Source::OptionsById => values.cel_options_by_id(),
            Source::AsOf => self.as_of,
        };
        Some(CowVal::Borrowed(v))
    }
}

/// Look-ups made and when evaluation started, for one rule on one option.
struct Budget {
    limits: EvalBudget,
    lookups: AtomicU64,
    started: OnceLock<Instant>,
    exhausted: AtomicBool,
}

impl Budget {
    fn new(limits: EvalBudget) -> Budget {
        Budget {
            limits,
            lookups: AtomicU64::new(0),
            started: OnceLock::new(),
            exhausted: AtomicBool::new(false),
        }
    }

    /// Counts a look-up; false once the budget is spent (and from then on). The
    /// clock starts at the first 4,096 look-ups: almost every rule finishes before
    /// and never reads it.
    fn spend(&self) -> bool {
        let n = self.lookups.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(4096) {
            let started = *self.started.get_or_init(Instant::now);
            let late = started.elapsed() > self.limits.time;
            if late || n > self.limits.lookups {
                self.exhausted.store(true, Ordering::Relaxed);
            }
        }
        !self.exhausted.load(Ordering::Relaxed)
    }

    fn exhausted(&self) -> bool {
        self.exhausted.load(Ordering::Relaxed)
    }
}
