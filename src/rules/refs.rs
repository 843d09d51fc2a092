//! Pack checks on the syntax tree: every name a rule's expressions read — a
//! variable, a field through any path (macro variables over the lists rules iterate
//! included), a parameter, a function — must exist, or the pack is refused when it
//! loads. A misspelt field would otherwise read as missing on every menu and the
//! rule would pass vacuously; a misspelt function would fail only the day its
//! `when` first holds. String literals are never read as names.

use super::view::{self, Ty};
use crate::diag::{did_you_mean, Span};
use cel::common::ast::{CallExpr, EntryExpr, Expr as Node, IdedExpr, LiteralValue, SourceInfo};
use cel::{Context, Env, ExecutionError, Value};
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A name an expression reads that does not exist; `span` is within the expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub span: Span,
    pub message: String,
    pub help: &'static str,
}

/// The largest integer every double near it can tell apart from its neighbours: 2^53.
const EXACT_INT: u64 = 1 << 53;

/// Type names an expression may write (`type(x) == double`).
const TYPE_NAMES: [&str; 11] = [
    "bool",
    "bytes",
    "double",
    "dyn",
    "int",
    "list",
    "map",
    "null_type",
    "string",
    "type",
    "uint",
];

/// Functions a pack can call, as `cel` resolves them: a name is known exactly when
/// the interpreter would find it, so the check can never disagree with evaluation.
pub(crate) struct Functions {
    env: Arc<Env>,
    known: HashMap<(String, bool), bool>,
}

impl Functions {
    pub fn new(env: Arc<Env>) -> Functions {
        Functions {
            env,
            known: HashMap::new(),
        }
    }

    /// Whether a call to `name` (on a target when `member`) reaches a function: the
    /// interpreter is asked with no arguments, and answers "undeclared" only when no
    /// function has that name.
    pub(crate) fn declared(&mut self, name: &str, member: bool) -> bool {
        let env = &self.env;
        *self
            .known
            .entry((name.to_owned(), member))
            .or_insert_with(|| {
                let mut ctx = Context::with_env(env.clone());
                if super::register_functions(&mut ctx).is_err() {
                    return true;
                }
                let target = member.then(|| {
                    Box::new(IdedExpr {
                        id: 2,
                        expr: Node::Literal(LiteralValue::Null),
                    })
                });
                let call = IdedExpr {
                    id: 1,
                    expr: Node::Call(CallExpr {
                        func_name: name.to_owned(),
                        target,
                        args: Vec::new(),
                    }),
                };
                !matches!(
                    Value::resolve(&call, &ctx),
                    Err(ExecutionError::UndeclaredReference(n)) if n.as_str() == name
                )
            })
    }
}

/// The names suggested for a misspelt function: the helpers and the standard and
/// extension functions packs use. Only a hint list — whether a name exists is the
/// interpreter's answer ([`Functions::declared`]); a test keeps every entry declared.
pub(crate) const FUNCTION_HINTS: &[&str] = &[
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "int",
    "uint",
    "double",
    "string",
    "bool",
    "type",
    "timestamp",
    "duration",
    "lowerAscii",
    "upperAscii",
    "replace",
    "split",
    "substring",
    "trim",
    "join",
    "indexOf",
    "lastIndexOf",
    "charAt",
    "format",
    "flatten",
    "distinct",
    "sort",
    "slice",
    "math.abs",
    "math.ceil",
    "math.floor",
    "math.round",
    "sum",
    "argmax",
    "first_true",
    "valid_cusip",
    "valid_isin",
    "age_years",
    "days_until",
    "years_between",
    "label",
    "consecutive",
    "in_last",
    "last_quarter_end",
];

/// One expression's names to check: the variables in scope, in binding order.
pub struct Scope<'a> {
    /// Variables rules see, the rule's own parameters, and the `let`s bound before.
    pub vars: Vec<(String, Ty)>,
    /// `let`s that exist but are bound after this expression runs.
    pub later: &'a [String],
}

impl Scope<'_> {
    /// The variables every rule sees, `params` typed by the rule's declaration.
    pub fn base(params: &BTreeMap<String, Json>) -> Vec<(String, Ty)> {
        view::variables()
            .iter()
            .map(|v| {
                let ty = if v.name == "params" {
                    Ty::Object(Arc::new(
                        params
                            .iter()
                            .map(|(k, j)| (k.clone(), param_ty(j)))
                            .collect(),
                    ))
                } else {
                    v.ty.clone()
                };
                (v.name.to_owned(), ty)
            })
            .collect()
    }
}

/// A parameter's type from its declared value. A table's keys are the sponsor's to
/// extend in a config, so its entries are not checked.
fn param_ty(j: &Json) -> Ty {
    match j {
        Json::Bool(_) => Ty::Bool,
        Json::Number(_) => Ty::Number,
        Json::String(_) => Ty::String,
        Json::Array(a) => Ty::List(Box::new(a.first().map_or(Ty::Any, param_ty))),
        Json::Object(_) => Ty::Map(Box::new(Ty::Any)),
        Json::Null => Ty::Any,
    }
}

/// What checking one expression found.
pub(crate) struct Checked {
    /// Its type, for a `let`.
    pub ty: Ty,
    pub problems: Vec<Problem>,
    /// The variables and fields it reads, each by its path from a rule variable
    /// (`option.history[].return_3y_pct`: a list's elements are `[]`), with its type.
    pub reads: BTreeMap<String, Ty>,
}

/// Checks one expression.
pub fn check(env: &Env, functions: &mut Functions, source: &str, scope: &Scope) -> Checked {
    let Ok(program) = env.compile(source) else {
        // a syntax error is reported by the compiler
        return Checked {
            ty: Ty::Any,
            problems: Vec::new(),
            reads: BTreeMap::new(),
        };
    };
    let origins = scope
        .vars
        .iter()
        .map(|(n, _)| view::is_variable(n).then(|| n.clone()))
        .collect();
    let mut c = Checker {
        source,
        info: program.source_info(),
        functions,
        vars: scope.vars.clone(),
        origins,
        later: scope.later,
        problems: Vec::new(),
        reads: BTreeMap::new(),
    };
    let ty = c.ty(program.expression());
    Checked {
        ty,
        problems: c.problems,
        reads: c.reads,
    }
}

/// The deepest paths of `reads`: `option.fees` goes when `option.fees.x` is there.
pub fn leaves(reads: BTreeMap<String, Ty>) -> BTreeMap<String, Ty> {
    let paths: Vec<String> = reads.keys().cloned().collect();
    reads
        .into_iter()
        .filter(|(p, _)| {
            !paths.iter().any(|q| {
                q.strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
            })
        })
        .collect()
}

struct Checker<'a> {
    source: &'a str,
    info: &'a SourceInfo,
    functions: &'a mut Functions,
    vars: Vec<(String, Ty)>,
    /// Beside each variable, the path it stands for: a rule variable's name, a macro
    /// variable's list and `[]`; none for a `let` or an accumulator.
    origins: Vec<Option<String>>,
    later: &'a [String],
    problems: Vec<Problem>,
    reads: BTreeMap<String, Ty>,
}

impl Checker<'_> {
    fn lookup(&self, name: &str) -> Option<&Ty> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
    }

    fn push(&mut self, name: &str, ty: Ty, origin: Option<String>) {
        self.vars.push((name.to_owned(), ty));
        self.origins.push(origin);
    }

    /// The path from a rule variable that `e` reads, when it reads one.
    fn origin(&self, e: &IdedExpr) -> Option<String> {
        match &e.expr {
            Node::Ident(n) => {
                let i = self.vars.iter().rposition(|(v, _)| v == n)?;
                self.origins.get(i)?.clone()
            }
            Node::Select(s) => Some(format!("{}.{}", self.origin(&s.operand)?, s.field)),
            Node::Call(c) if c.func_name == "_[_]" => {
                Some(format!("{}[]", self.origin(c.args.first()?)?))
            }
            _ => None,
        }
    }

    /// Where a node is written: its token's offsets, or the whole expression.
    fn span(&self, e: &IdedExpr) -> Span {
        match self.info.offset_for(e.id) {
            // the parser's stop is the last character's offset, not one past it
            Some((start, stop)) => {
                let (start, stop) = (start as usize, (stop as usize).max(start as usize) + 1);
                start.min(self.source.len())..stop.min(self.source.len())
            }
            None => 0..self.source.len(),
        }
    }

    /// A select's field name: the first `.field` written after its operand begins.
    fn field_span(&self, e: &IdedExpr, operand: &IdedExpr, field: &str) -> Span {
        let from = self
            .info
            .offset_for(operand.id)
            .or_else(|| self.info.offset_for(e.id))
            .map_or(0, |(start, _)| start as usize)
            .min(self.source.len());
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let text = &self.source[from..];
        for (i, _) in text.match_indices(field) {
            let before = text[..i].trim_end_matches([' ', '\t', '\n', '\r', '?']);
            let after = text[i + field.len()..].chars().next();
            if before.ends_with('.') && !after.is_some_and(ident) {
                return from + i..from + i + field.len();
            }
        }
        self.span(e)
    }

    fn problem(&mut self, span: Span, message: String, help: &'static str) {
        self.problems.push(Problem {
            span,
            message,
            help,
        });
    }

    fn ty(&mut self, e: &IdedExpr) -> Ty {
        match &e.expr {
            Node::Literal(l) => match l {
                LiteralValue::Boolean(_) => Ty::Bool,
                LiteralValue::Int(i) if i.unsigned_abs() > EXACT_INT => self.inexact(e),
                LiteralValue::UInt(u) if *u.inner() > EXACT_INT => self.inexact(e),
                LiteralValue::Int(_) | LiteralValue::UInt(_) | LiteralValue::Double(_) => {
                    Ty::Number
                }
                LiteralValue::String(_) => Ty::String,
                _ => Ty::Any,
            },
            Node::Ident(name) => self.ident(e, name),
            Node::Select(s) => {
                let operand = self.ty(&s.operand);
                let field = self.field(e, &s.operand, &operand, &s.field);
                if s.test {
                    Ty::Bool
                } else {
                    field
                }
            }
            Node::Call(call) => self.call(e, call),
            Node::Comprehension(c) => {
                let range = self.ty(&c.iter_range);
                let elements = self.origin(&c.iter_range).map(|p| format!("{p}[]"));
                self.ty(&c.accu_init);
                let depth = self.vars.len();
                match &c.iter_var2 {
                    Some(second) => {
                        let key = match range {
                            Ty::List(_) => Ty::Number,
                            Ty::Map(_) | Ty::Object(_) => Ty::String,
                            _ => Ty::Any,
                        };
                        let value = match &range {
                            Ty::List(t) | Ty::Map(t) => (**t).clone(),
                            _ => Ty::Any,
                        };
                        self.push(&c.iter_var, key, None);
                        self.push(second, value, elements);
                    }
                    None => self.push(&c.iter_var, range.element(), elements),
                }
                self.push(&c.accu_var, Ty::Any, None);
                self.ty(&c.loop_cond);
                let step = self.ty(&c.loop_step);
                let result = self.ty(&c.result);
                self.vars.truncate(depth);
                self.origins.truncate(depth);
                // `map` and `filter` give the list they accumulate
                if matches!(&c.result.expr, Node::Ident(n) if *n == c.accu_var) {
                    step
                } else {
                    result
                }
            }
            Node::List(l) => {
                let types: Vec<Ty> = l.elements.iter().map(|x| self.ty(x)).collect();
                Ty::List(Box::new(types.into_iter().next().unwrap_or(Ty::Any)))
            }
            Node::Map(m) => {
                self.entries(&m.entries);
                Ty::Any
            }
            Node::Struct(s) => {
                self.entries(&s.entries);
                Ty::Any
            }
            Node::Unspecified => Ty::Any,
        }
    }

    /// An integer a double cannot hold. The menu's figures are doubles, and `cel`
    /// compares an int with a double by rounding the int to a double first
    /// (`9007199254740993 == 9007199254740992.0` is true, where CEL says false), so
    /// such a literal could decide a rule wrongly: it is refused.
    fn inexact(&mut self, e: &IdedExpr) -> Ty {
        let span = self.span(e);
        self.problem(
            span,
            format!("an integer beyond ±{EXACT_INT} cannot be compared exactly with a menu figure"),
            "menu figures are doubles: keep integer literals within ±2^53, or write a double",
        );
        Ty::Number
    }

    fn entries(&mut self, entries: &[cel::common::ast::IdedEntryExpr]) {
        for en in entries {
            match &en.expr {
                EntryExpr::MapEntry(me) => {
                    self.ty(&me.key);
                    self.ty(&me.value);
                }
                EntryExpr::StructField(f) => {
                    self.ty(&f.value);
                }
            }
        }
    }

    fn ident(&mut self, e: &IdedExpr, name: &str) -> Ty {
        if let Some(t) = self.lookup(name).cloned() {
            if let Some(path) = self.origin(e).filter(|p| p == name) {
                self.reads.insert(path, t.clone());
            }
            return t;
        }
        if TYPE_NAMES.contains(&name) {
            return Ty::Any;
        }
        let span = self.span(e);
        if self.later.iter().any(|l| l == name) {
            self.problem(
                span,
                format!(
                    "`{name}` is a `let` bound after this expression runs (`when` runs before \
                     every `let`; the `let`s are bound in alphabetical order)"
                ),
                "compute it here, or rename the `let`s so that each comes after those it reads",
            );
        } else {
            let known: Vec<String> = self.vars.iter().map(|(n, _)| n.clone()).collect();
            self.problem(
                span,
                format!(
                    "`{name}` is not a variable rules see{}",
                    did_you_mean(name, &known)
                ),
                "README \"Writing rules\" lists the variables; a `let` names a value of the rule's own",
            );
        }
        Ty::Any
    }

    /// The dotted text of a path of selects, for a message (`q.return_3y_pct`).
    fn path_text(e: &IdedExpr) -> Option<String> {
        match &e.expr {
            Node::Ident(n) => Some(n.clone()),
            Node::Select(s) => Some(format!("{}.{}", Self::path_text(&s.operand)?, s.field)),
            _ => None,
        }
    }

    /// The type of `field` on a value of type `on`; a problem when it has none.
    fn field(&mut self, e: &IdedExpr, operand: &IdedExpr, on: &Ty, field: &str) -> Ty {
        let path = Self::path_text(operand).map(|p| format!("{p}.{field}"));
        let path = path.as_deref().unwrap_or(field);
        match on {
            Ty::Any => Ty::Any,
            Ty::Map(t) => (**t).clone(),
            Ty::Object(fields) => {
                match fields.get(field) {
                    Some(t) => {
                        if let Some(p) = self.origin(operand) {
                            self.reads.insert(format!("{p}.{field}"), t.clone());
                        }
                        t.clone()
                    }
                    None => {
                        let span = self.field_span(e, operand, field);
                        if matches!(&operand.expr, Node::Ident(n) if n == "params") {
                            self.problem(
                            span,
                            format!("uses `params.{field}`, which its `params` table does not declare"),
                            "declare it in the rule's `params` table",
                        );
                        } else {
                            let known: Vec<&String> = fields.keys().collect();
                            self.problem(
                            span,
                            format!(
                                "`{path}` is not a field of the menu format{}",
                                did_you_mean(field, known)
                            ),
                            "`menulint schema` lists the menu's fields; README \"Writing rules\" lists the derived ones",
                        );
                        }
                        Ty::Any
                    }
                }
            }
            other => {
                let span = self.field_span(e, operand, field);
                self.problem(
                    span,
                    format!(
                        "`{path}` reads a field of {}, which has none",
                        other.describe()
                    ),
                    "`menulint schema` lists the menu's fields and their types",
                );
                Ty::Any
            }
        }
    }

    fn call(&mut self, e: &IdedExpr, call: &CallExpr) -> Ty {
        let name = call.func_name.as_str();
        if name == "_[_]" {
            let on = call.args.first().map_or(Ty::Any, |a| self.ty(a));
            let key = call.args.get(1);
            if let Some(k) = key {
                self.ty(k);
            }
            return match (&on, key.map(|k| &k.expr)) {
                (Ty::List(t) | Ty::Map(t), _) => (**t).clone(),
                (Ty::Object(_), Some(Node::Literal(LiteralValue::String(f)))) => {
                    let (f, operand) = (f.to_string(), &call.args[0]);
                    self.field(e, operand, &on, &f)
                }
                _ => Ty::Any,
            };
        }
        // a target that names no variable makes a qualified function name (`math.abs`)
        let qualified = call.target.as_deref().and_then(|t| {
            let root = Self::path_text(t)?;
            let first = root.split('.').next()?;
            self.lookup(first).is_none().then_some(root)
        });
        let target = match (&qualified, &call.target) {
            (None, Some(t)) => Some(self.ty(t)),
            _ => None,
        };
        let args: Vec<Ty> = call.args.iter().map(|a| self.ty(a)).collect();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            // an operator
            return match name {
                // a macro's accumulator is untyped: the list added to it types it
                "_+_" => match (args.first(), args.get(1)) {
                    (Some(l @ Ty::List(_)), _) | (_, Some(l @ Ty::List(_))) => l.clone(),
                    (Some(Ty::String), _) => Ty::String,
                    _ => Ty::Any,
                },
                "_?_:_" => match (args.get(1), args.get(2)) {
                    (Some(a @ Ty::List(_)), _) | (_, Some(a @ Ty::List(_))) => a.clone(),
                    _ => Ty::Any,
                },
                "_&&_"
                | "_||_"
                | "!_"
                | "_==_"
                | "_!=_"
                | "_<_"
                | "_<=_"
                | "_>_"
                | "_>=_"
                | "@in"
                | "@not_strictly_false" => Ty::Bool,
                _ => Ty::Any,
            };
        }
        let full = match &qualified {
            Some(q) => format!("{q}.{name}"),
            None => name.to_owned(),
        };
        let member = target.is_some();
        if !self.functions.declared(&full, member) {
            let span = self.name_span(e, name);
            self.problem(
                span,
                format!(
                    "`{full}` is not a function rules can call{}",
                    did_you_mean(&full, FUNCTION_HINTS)
                ),
                "README \"Writing rules\" lists the helpers; CEL's standard, strings, lists and math functions are available",
            );
        }
        match full.as_str() {
            "size" | "int" | "uint" | "double" | "sum" | "argmax" | "first_true" | "age_years"
            | "days_until" | "years_between" | "consecutive" | "in_last" => Ty::Number,
            "string" | "label" | "lowerAscii" | "upperAscii" | "trim" | "format" | "join" => {
                Ty::String
            }
            "contains" | "startsWith" | "endsWith" | "matches" | "valid_cusip" | "valid_isin" => {
                Ty::Bool
            }
            _ => Ty::Any,
        }
    }

    /// A call's function name in the source, near its node.
    fn name_span(&self, e: &IdedExpr, name: &str) -> Span {
        let s = self.span(e);
        // the node of a call on a target is at its dot or parenthesis; the name is
        // just before the parenthesis
        let window_start = s.start.saturating_sub(name.len() + 1);
        let window = &self.source[window_start..self.source.len().min(s.end + name.len() + 1)];
        match window.find(name) {
            Some(i) => window_start + i..window_start + i + name.len(),
            None => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks `source` in a rule's scope, with `params.max_pct` declared.
    fn checked(source: &str) -> Checked {
        let env = Arc::new(crate::rules::cel_env());
        let mut f = Functions::new(env.clone());
        let params = BTreeMap::from([("max_pct".to_owned(), serde_json::json!(5.0))]);
        let scope = Scope {
            vars: Scope::base(&params),
            later: &[],
        };
        check(&env, &mut f, source, &scope)
    }

    fn problems(source: &str) -> Vec<Problem> {
        checked(source).problems
    }

    fn reads(source: &str) -> Vec<String> {
        leaves(checked(source).reads).into_keys().collect()
    }

    /// What an expression reads is named by its path from a rule variable, through
    /// macro variables and look-ups, never by the macro variable's own name.
    #[test]
    fn reads_are_paths_from_the_rule_variables() {
        assert_eq!(
            reads("option.history.all(q, has(q.return_3y_pct)) && option.qdia"),
            ["option.history[].return_3y_pct", "option.qdia"]
        );
        assert_eq!(
            reads("option.holdings.all(h, options_by_id[h.option].effective.crypto_pct <= params.max_pct)"),
            [
                "option.holdings[].option",
                "options_by_id[].effective.crypto_pct",
                "params.max_pct"
            ]
        );
        assert_eq!(
            reads("'option.name' != '' && days_until(as_of, option.inception_date) > 0.0"),
            ["as_of", "option.inception_date"]
        );
    }

    fn one(source: &str) -> (String, String) {
        let p = problems(source);
        assert_eq!(p.len(), 1, "{source}: {p:?}");
        (source[p[0].span.clone()].to_owned(), p[0].message.clone())
    }

    #[test]
    fn a_misspelt_field_through_a_macro_variable_is_found_where_it_is_written() {
        let (at, msg) = one("option.history.all(q, has(q.return_3y_pctt))");
        assert_eq!(at, "return_3y_pctt");
        assert_eq!(
            msg,
            "`q.return_3y_pctt` is not a field of the menu format; did you mean `return_3y_pct`?"
        );
        let (at, _) = one("options.exists(o, o.holdings.exists(h, h.weight > 0))");
        assert_eq!(at, "weight");
        let (at, _) =
            one("options.map(o, o.history).all(h, size(h) > 0) && options[0].expense_ratio > 1.0");
        assert_eq!(at, "expense_ratio");
        let (at, _) = one("options.filter(o, o.qdia).all(o, o.expens_ratio_pct < 1.0)");
        assert_eq!(at, "expens_ratio_pct");
        let (at, _) = one("options_by_id['x'].effective.crypto > 0.0");
        assert_eq!(at, "crypto");
    }

    #[test]
    fn a_misspelt_function_or_variable_or_param_is_found() {
        let (at, msg) = one("valid_cusp(option.cusip)");
        assert_eq!(at, "valid_cusp");
        assert!(msg.contains("did you mean `valid_cusip`?"), "{msg}");
        let (at, msg) = one("option.name.startWith('A')");
        assert_eq!(at, "startWith");
        assert!(msg.contains("did you mean `startsWith`?"), "{msg}");
        let (at, msg) = one("math.abss(1.0) > 0.0");
        assert_eq!(at, "abss");
        assert!(msg.contains("`math.abss`"), "{msg}");
        let (at, msg) = one("optoin.qdia");
        assert_eq!(at, "optoin");
        assert!(msg.contains("did you mean `option`?"), "{msg}");
        let (at, msg) = one("option.effective.crypto_pct <= params.max");
        assert_eq!(at, "max");
        assert!(msg.contains("does not declare"), "{msg}");
        let (_, msg) = one("option.name.first > 0");
        assert!(msg.contains("reads a field of a string"), "{msg}");
    }

    #[test]
    fn string_literals_and_valid_expressions_are_not_problems() {
        for ok in [
            "'option.expense_ratio' != option.name",
            "option.name.startsWith('A') && size(option.holdings) >= 0",
            "math.abs(-1.0) == 1.0 && math.greatest(1, 2) == 2",
            "options.all(o, o.effective.crypto_pct <= params.max_pct)",
            "option.exposure.all(k, k != 'x')",
            "type(option.leverage) == double",
            "[1, 2].map(x, x * 2).exists(y, y > 3)",
            "option.holdings.map(h, options_by_id[h.option].effective.crypto_pct).exists(p, p > 0.0)",
            "menu.effective.computed && menu.options[0].watch.on",
            "valid_cusip(option.cusip) && label(option.asset_class) != ''",
        ] {
            assert_eq!(problems(ok), vec![], "{ok}");
        }
    }

    #[test]
    fn every_function_hint_is_declared_and_unknown_names_are_not() {
        let mut f = Functions::new(Arc::new(crate::rules::cel_env()));
        for name in FUNCTION_HINTS {
            assert!(
                f.declared(name, false) || f.declared(name, true),
                "{name} is not declared"
            );
        }
        assert!(!f.declared("valid_cusp", false));
        assert!(!f.declared("startWith", true));
    }
}
