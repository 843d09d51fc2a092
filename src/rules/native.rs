//! A second evaluator, for the part of CEL that rules mostly use.
//!
//! The `cel` interpreter looks a dotted name such as `option.effective.crypto_pct`
//! up by joining it, trying each prefix in each scope and hashing every try, then
//! selects the fields; over 33 rules and 30 options that was most of a check. Here a
//! rule's syntax tree is compiled once into operations that read the menu's JSON
//! directly: a variable is found by name once, a field path in one walk.
//!
//! It covers a subset, and within the subset only the cases whose result is sure to
//! be the interpreter's. Anything else gives up: at compile time (an operator or
//! function outside the subset: the expression has no native form) or while running
//! (an error, a mix of types, a value out of range, an order the interpreter does
//! not fix, a budget spent). Giving up is never an answer: the caller then asks the
//! interpreter, which has the last word and words every error. Tests compare the two on every built-in expression over the
//! sample and generated menus, and on the grammar's corners.

use super::functions;
use super::limits::{NATIVE_MAX_LEN as MAX_LEN, NATIVE_STEPS as STEPS};
use super::values::{self, Number};
use crate::menu::identifiers;
use cel::common::ast::{operators as op, EntryExpr, Expr as Node, IdedExpr, LiteralValue};
use serde_json::Value as Json;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A value while a native program runs. Menu data is borrowed, never copied.
#[derive(Debug, Clone)]
pub enum V<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Double(f64),
    Str(&'a str),
    Text(Rc<str>),
    /// A JSON list or map of the menu (scalars are converted when read).
    Json(&'a Json),
    List(Rc<Vec<V<'a>>>),
    /// A list built from a map's keys, whose order the interpreter does not fix
    /// (it walks a hash map): only what its order cannot change is read from it —
    /// its size, membership, a verdict on all its elements, or it sorted.
    Bag(Rc<Vec<V<'a>>>),
    Map(Rc<BTreeMap<&'a str, V<'a>>>),
}

impl<'a> V<'a> {
    /// A JSON value as the interpreter sees it: numbers classed by [`values::number`].
    pub(crate) fn from_json(j: &'a Json) -> V<'a> {
        match j {
            Json::Null => V::Null,
            Json::Bool(b) => V::Bool(*b),
            Json::Number(n) => match values::number(n) {
                Number::Int(i) => V::Int(i),
                Number::UInt(u) => V::UInt(u),
                Number::Double(d) => V::Double(d),
            },
            Json::String(s) => V::Str(s),
            Json::Array(_) | Json::Object(_) => V::Json(j),
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            V::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The value's field or key `key`, if it is a map that has it.
    fn get(&self, key: &str) -> Result<Option<V<'a>>, GiveUp> {
        match self {
            V::Json(Json::Object(m)) => Ok(m.get(key).map(V::from_json)),
            V::Map(m) => Ok(m.get(key).cloned()),
            _ => Err(GiveUp),
        }
    }

    /// The elements of a list, or the keys of a map, as a comprehension walks them.
    fn items(&self) -> Result<Vec<V<'a>>, GiveUp> {
        match self {
            V::Json(Json::Array(a)) => Ok(a.iter().map(V::from_json).collect()),
            V::Json(Json::Object(m)) => Ok(m.keys().map(|k| V::Str(k)).collect()),
            V::List(l) => Ok(l.as_ref().clone()),
            V::Map(m) => Ok(m.keys().map(|k| V::Str(k)).collect()),
            _ => Err(GiveUp),
        }
    }

    /// The elements of a list (not a map's keys), as functions taking a list read them.
    fn list(&self) -> Result<Vec<V<'a>>, GiveUp> {
        match self {
            V::Json(Json::Array(_)) | V::List(_) => self.items(),
            _ => Err(GiveUp),
        }
    }

    /// A list's length, for walking it (a bag's too).
    fn list_len(&self) -> Result<usize, GiveUp> {
        match self {
            V::Json(Json::Array(a)) => Ok(a.len()),
            V::List(l) | V::Bag(l) => Ok(l.len()),
            _ => Err(GiveUp),
        }
    }

    /// A list's element `i`, for walking it (a bag's too).
    fn at(&self, i: usize) -> R<'a> {
        match self {
            V::Json(Json::Array(a)) => a.get(i).map(V::from_json).ok_or(GiveUp),
            V::List(l) | V::Bag(l) => l.get(i).cloned().ok_or(GiveUp),
            _ => Err(GiveUp),
        }
    }

    fn len(&self) -> Result<usize, GiveUp> {
        match self {
            V::Json(Json::Array(a)) => Ok(a.len()),
            V::Json(Json::Object(m)) => Ok(m.len()),
            V::List(l) | V::Bag(l) => Ok(l.len()),
            V::Map(m) => Ok(m.len()),
            v => v.str().map(|s| s.chars().count()).ok_or(GiveUp),
        }
    }

    /// The size a `let` is limited by: a string's bytes, a list's or map's entries.
    pub fn size(&self) -> usize {
        match self {
            V::Json(Json::Array(a)) => a.len(),
            V::Json(Json::Object(m)) => m.len(),
            V::List(l) | V::Bag(l) => l.len(),
            V::Map(m) => m.len(),
            v => v.str().map_or(0, str::len),
        }
    }

    /// What reading the whole value costs, in steps: a list's or map's entries, a
    /// string's bytes by the 64.
    fn cost(&self) -> u64 {
        match self {
            V::Str(_) | V::Text(_) => self.size() as u64 / 64,
            _ => self.size() as u64,
        }
    }

    /// The value as a condition: only a boolean is one.
    pub(crate) fn truth(&self) -> Result<bool, GiveUp> {
        match self {
            V::Bool(b) => Ok(*b),
            _ => Err(GiveUp),
        }
    }

    /// A number as the interpreter compares numbers of different types.
    fn number(&self) -> Option<f64> {
        match self {
            V::Int(i) => Some(*i as f64),
            V::UInt(u) => Some(*u as f64),
            V::Double(d) => Some(*d),
            _ => None,
        }
    }
}

/// The program could not say what the interpreter would: ask the interpreter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GiveUp;

type R<'a> = Result<V<'a>, GiveUp>;

/// The variables a program reads, other than its own (`let`s and macro variables).
pub trait Vars<'a> {
    fn var(&self, name: &str) -> Option<V<'a>>;

    /// `object`'s field `key` from an index kept for that object, when there is one
    /// (`None`: look in the object itself). Objects every rule reads, such as the
    /// option, are worth indexing.
    fn field(&self, _object: &'a Json, _key: &str) -> Option<Option<&'a Json>> {
        None
    }
}

/// An expression compiled to native operations.
#[derive(Debug)]
pub struct Program(Op);

#[derive(Debug)]
enum Op {
    Const(Const),
    /// A `let` or a variable of the rule's scope.
    Var(String),
    /// A macro's variable, by its place among those in scope where it is read.
    Local(usize),
    /// `x.a.b`: the fields selected in turn.
    Select(Box<Op>, Vec<String>),
    Has(Box<Op>, String),
    Not(Box<Op>),
    Neg(Box<Op>),
    And(Box<Op>, Box<Op>),
    Or(Box<Op>, Box<Op>),
    Cond(Box<[Op; 3]>),
    /// `@not_strictly_false`, the loop condition of `all` and `exists`.
    NotStrictlyFalse(Box<Op>),
    Binary(Bin, Box<Op>, Box<Op>),
    /// `x in [literals]`, which need not build the list.
    InList(Box<Op>, Vec<Const>),
    List(Vec<Op>),
    Map(Vec<(String, Op)>),
    Call(Func, Vec<Op>),
    Fold(Box<Fold>),
}

#[derive(Debug)]
enum Const {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Double(f64),
    Str(String),
}

impl Const {
    fn value(&self) -> V<'_> {
        match self {
            Const::Null => V::Null,
            Const::Bool(b) => V::Bool(*b),
            Const::Int(i) => V::Int(*i),
            Const::UInt(u) => V::UInt(*u),
            Const::Double(d) => V::Double(*d),
            Const::Str(s) => V::Str(s),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Bin {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Index,
    In,
}

/// The functions with a native form. Each gives the interpreter's result or gives up.
#[derive(Debug, Clone, Copy)]
enum Func {
    Size,
    StartsWith,
    EndsWith,
    Contains,
    Substring,
    Double,
    String,
    Join,
    Sort,
    Trim,
    LowerAscii,
    Sum,
    DaysUntil,
    YearsBetween,
    ValidCusip,
    ValidIsin,
    Consecutive,
    InLast,
    FirstTrue,
}

#[derive(Debug)]
struct Fold {
    range: Op,
    init: Op,
    cond: Op,
    step: Op,
    result: Op,
}

impl Program {
    /// The native form of a syntax tree, if every part of it has one.
    pub fn compile(tree: &IdedExpr) -> Option<Program> {
        compile(tree, &mut Vec::new()).map(Program)
    }

    /// Runs the program; `Err` means "ask the interpreter".
    #[cfg(test)]
    pub fn eval<'a>(&'a self, vars: &dyn Vars<'a>) -> R<'a> {
        self.eval_with(vars, &[], &mut 0)
    }

    /// Runs the program with `lets` bound, each seeing those before it. `spent`
    /// carries the steps of one rule's evaluations, which share one budget.
    pub(crate) fn eval_with<'a>(
        &'a self,
        vars: &dyn Vars<'a>,
        lets: &[(&'a str, V<'a>)],
        spent: &mut u64,
    ) -> R<'a> {
        let mut run = Run {
            vars,
            lets,
            locals: Default::default(),
            depth: 0,
            steps: *spent,
        };
        let out = run.eval(&self.0);
        *spent = run.steps;
        out
    }
}

fn literal(e: &IdedExpr) -> Option<Const> {
    let Node::Literal(l) = &e.expr else {
        return None;
    };
    Some(match l {
        LiteralValue::Null => Const::Null,
        LiteralValue::Boolean(b) => Const::Bool(*b.inner()),
        LiteralValue::Int(i) => Const::Int(*i.inner()),
        LiteralValue::UInt(u) => Const::UInt(*u.inner()),
        LiteralValue::Double(d) => Const::Double(*d.inner()),
        LiteralValue::String(s) => Const::Str(s.inner().to_owned()),
        LiteralValue::Bytes(_) => return None,
    })
}

/// Compiles `e`; `locals` are the macro variables in scope, innermost last.
fn compile(e: &IdedExpr, locals: &mut Vec<String>) -> Option<Op> {
    let mut boxed = |e: &IdedExpr| compile(e, locals).map(Box::new);
    Some(match &e.expr {
        Node::Literal(_) => Op::Const(literal(e)?),
        Node::Ident(name) => match locals.iter().rposition(|l| l == name) {
            Some(i) => Op::Local(i),
            None => Op::Var(name.clone()),
        },
        Node::Select(s) if s.test => Op::Has(boxed(&s.operand)?, s.field.clone()),
        Node::Select(s) => match compile(&s.operand, locals)? {
            Op::Select(operand, mut fields) => {
                fields.push(s.field.clone());
                Op::Select(operand, fields)
            }
            operand => Op::Select(Box::new(operand), vec![s.field.clone()]),
        },
        Node::List(l) if l.optional_indices.is_empty() => Op::List(
            l.elements
                .iter()
                .map(|x| compile(x, locals))
                .collect::<Option<_>>()?,
        ),
        Node::Map(m) => {
            let mut entries = Vec::new();
            for entry in &m.entries {
                let EntryExpr::MapEntry(me) = &entry.expr else {
                    return None;
                };
                // only distinct string keys: others are the interpreter's to judge
                let Node::Literal(LiteralValue::String(k)) = &me.key.expr else {
                    return None;
                };
                if me.optional || entries.iter().any(|(e, _)| e == k.inner()) {
                    return None;
                }
                entries.push((k.inner().to_owned(), compile(&me.value, locals)?));
            }
            Op::Map(entries)
        }
        Node::Comprehension(c) if c.iter_var2.is_none() => {
            let range = compile(&c.iter_range, locals)?;
            let init = compile(&c.accu_init, locals)?;
            // the accumulator, then the item: the order `fold` binds them in
            locals.push(c.accu_var.clone());
            locals.push(c.iter_var.clone());
            let body = (|| {
                Some((
                    compile(&c.loop_cond, locals)?,
                    compile(&c.loop_step, locals)?,
                    compile(&c.result, locals)?,
                ))
            })();
            locals.truncate(locals.len() - 2);
            let (cond, step, result) = body?;
            Op::Fold(Box::new(Fold {
                range,
                init,
                cond,
                step,
                result,
            }))
        }
        Node::Call(call) if call.func_name == op::IN && call.target.is_none() => {
            let [x, list] = call.args.as_slice() else {
                return None;
            };
            match &list.expr {
                Node::List(l) if l.optional_indices.is_empty() => {
                    match l.elements.iter().map(literal).collect::<Option<Vec<_>>>() {
                        Some(items) => Op::InList(boxed(x)?, items),
                        None => Op::Binary(Bin::In, boxed(x)?, boxed(list)?),
                    }
                }
                _ => Op::Binary(Bin::In, boxed(x)?, boxed(list)?),
            }
        }
        Node::Call(call) => {
            let mut args: Vec<Op> = call
                .target
                .iter()
                .map(|t| &**t)
                .chain(&call.args)
                .map(|a| compile(a, locals))
                .collect::<Option<_>>()?;
            let member = call.target.is_some();
            let n = args.len();
            let mut take = || args.remove(0);
            match (call.func_name.as_str(), n, member) {
                (op::LOGICAL_AND, 2, false) => Op::And(Box::new(take()), Box::new(take())),
                (op::LOGICAL_OR, 2, false) => Op::Or(Box::new(take()), Box::new(take())),
                (op::LOGICAL_NOT, 1, false) => Op::Not(Box::new(take())),
                (op::NEGATE, 1, false) => Op::Neg(Box::new(take())),
                (op::NOT_STRICTLY_FALSE, 1, false) => Op::NotStrictlyFalse(Box::new(take())),
                (op::CONDITIONAL, 3, false) => Op::Cond(Box::new([take(), take(), take()])),
                (name, 2, false) if binary(name).is_some() => {
                    Op::Binary(binary(name)?, Box::new(take()), Box::new(take()))
                }
                (name, n, member) => Op::Call(function(name, n, member)?, args),
            }
        }
        _ => return None,
    })
}

fn binary(name: &str) -> Option<Bin> {
    Some(match name {
        op::EQUALS => Bin::Eq,
        op::NOT_EQUALS => Bin::Ne,
        op::LESS => Bin::Lt,
        op::LESS_EQUALS => Bin::Le,
        op::GREATER => Bin::Gt,
        op::GREATER_EQUALS => Bin::Ge,
        op::ADD => Bin::Add,
        op::SUBSTRACT => Bin::Sub,
        op::MULTIPLY => Bin::Mul,
        op::DIVIDE => Bin::Div,
        op::MODULO => Bin::Rem,
        op::INDEX => Bin::Index,
        op::IN => Bin::In,
        _ => return None,
    })
}

/// The function a call names, by its name, its count of values (the target
/// included) and whether it is written as a method.
fn function(name: &str, n: usize, member: bool) -> Option<Func> {
    Some(match (name, n, member) {
        ("size", 1, _) => Func::Size,
        ("startsWith", 2, true) => Func::StartsWith,
        ("endsWith", 2, true) => Func::EndsWith,
        ("contains", 2, true) => Func::Contains,
        ("substring", 2 | 3, true) => Func::Substring,
        ("double", 1, false) => Func::Double,
        ("string", 1, false) => Func::String,
        ("join", 1 | 2, true) => Func::Join,
        ("sort", 1, true) => Func::Sort,
        ("trim", 1, true) => Func::Trim,
        ("lowerAscii", 1, true) => Func::LowerAscii,
        ("sum", 1, false) => Func::Sum,
        ("days_until", 2, false) => Func::DaysUntil,
        ("years_between", 2, false) => Func::YearsBetween,
        ("valid_cusip", 1, false) => Func::ValidCusip,
        ("valid_isin", 1, false) => Func::ValidIsin,
        ("consecutive", 1, false) => Func::Consecutive,
        ("in_last", 2, false) => Func::InLast,
        ("first_true", 1, false) => Func::FirstTrue,
        _ => return None,
    })
}

struct Run<'a, 'r> {
    vars: &'r dyn Vars<'a>,
    lets: &'r [(&'a str, V<'a>)],
    /// The macro variables in scope, as [`Op::Local`] numbers them (`None`: not yet
    /// bound, which the interpreter would look up outside the macro); `depth` are in
    /// use. Two per macro, and macros nest at most `MAX_NESTED_LOOPS` deep.
    locals: [Option<V<'a>>; LOCALS],
    depth: usize,
    steps: u64,
}

const LOCALS: usize = 2 * (super::limits::MAX_NESTED_LOOPS + 1);

impl<'a> Run<'a, '_> {
    fn step(&mut self, cost: u64) -> Result<(), GiveUp> {
        self.steps += cost;
        if self.steps > STEPS {
            Err(GiveUp)
        } else {
            Ok(())
        }
    }

    fn eval(&mut self, op: &'a Op) -> R<'a> {
        self.step(1)?;
        Ok(match op {
            Op::Const(c) => c.value(),
            Op::Var(name) => match self.lets.iter().rev().find(|(n, _)| n == name) {
                Some((_, v)) => v.clone(),
                None => self.vars.var(name).ok_or(GiveUp)?,
            },
            Op::Local(i) => self.locals.get(*i).cloned().flatten().ok_or(GiveUp)?,
            Op::Select(operand, fields) => {
                let v = self.eval(operand)?;
                self.select(v, fields)?
            }
            Op::Has(operand, field) => match self.eval(operand)? {
                V::Json(j) => V::Bool(self.field(j, field)?.is_some()),
                v => V::Bool(v.get(field)?.is_some()),
            },
            Op::Not(x) => V::Bool(!self.eval(x)?.truth()?),
            Op::Neg(x) => match self.eval(x)? {
                V::Int(i) => V::Int(i.checked_neg().ok_or(GiveUp)?),
                V::Double(d) => V::Double(-d),
                _ => return Err(GiveUp),
            },
            // an error on the left is the interpreter's to weigh against the right
            Op::And(l, r) => V::Bool(self.eval(l)?.truth()? && self.eval(r)?.truth()?),
            Op::Or(l, r) => V::Bool(self.eval(l)?.truth()? || self.eval(r)?.truth()?),
            Op::NotStrictlyFalse(x) => V::Bool(self.eval(x)?.truth()?),
            Op::Cond(parts) => {
                let [c, t, f] = &**parts;
                if self.eval(c)?.truth()? {
                    self.eval(t)?
                } else {
                    self.eval(f)?
                }
            }
            Op::Binary(b, l, r) => {
                let l = self.eval(l)?;
                let r = self.eval(r)?;
                self.binary(*b, l, r)?
            }
            // the rarer operations live apart, so that the frame of this recursion
            // stays small
            Op::InList(..) | Op::List(_) | Op::Map(_) | Op::Call(..) => self.build(op)?,
            Op::Fold(f) => self.fold(f)?,
        })
    }

    /// Selects `fields` in turn; within the menu's JSON without converting what lies
    /// between.
    fn select(&self, mut v: V<'a>, fields: &[String]) -> R<'a> {
        for (i, field) in fields.iter().enumerate() {
            if let V::Json(mut j) = v {
                for field in &fields[i..] {
                    j = self.field(j, field)?.ok_or(GiveUp)?;
                }
                return Ok(V::from_json(j));
            }
            v = v.get(field)?.ok_or(GiveUp)?;
        }
        Ok(v)
    }

    /// A JSON object's field, through the variables' index when they keep one.
    fn field(&self, j: &'a Json, key: &str) -> Result<Option<&'a Json>, GiveUp> {
        match self.vars.field(j, key) {
            Some(found) => Ok(found),
            None => Ok(j.as_object().ok_or(GiveUp)?.get(key)),
        }
    }

    #[inline(never)]
    fn build(&mut self, op: &'a Op) -> R<'a> {
        Ok(match op {
            Op::InList(x, items) => {
                let x = self.eval(x)?;
                self.step(items.len() as u64 * (1 + x.cost()))?;
                let mut found = false;
                for item in items {
                    if equal(&x, &item.value())? {
                        found = true;
                        break;
                    }
                }
                V::Bool(found)
            }
            Op::List(items) => {
                let items = items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<_, _>>()?;
                V::List(Rc::new(items))
            }
            Op::Map(entries) => {
                let mut m = BTreeMap::new();
                for (k, v) in entries {
                    m.insert(k.as_str(), self.eval(v)?);
                }
                V::Map(Rc::new(m))
            }
            Op::Call(f, args) => {
                // at most three values: no list to allocate
                let mut values = [V::Null, V::Null, V::Null];
                for (value, arg) in values.iter_mut().zip(args) {
                    *value = self.eval(arg)?;
                }
                let values = values.get(..args.len()).ok_or(GiveUp)?;
                // a function reads its arguments whole
                self.step(values.iter().map(V::cost).sum())?;
                call(*f, values)?
            }
            _ => return Err(GiveUp),
        })
    }

    #[inline(never)]
    fn fold(&mut self, f: &'a Fold) -> R<'a> {
        let range = self.eval(&f.range)?;
        // a map's keys are listed first; a list is read in place
        let unordered = matches!(range, V::Json(Json::Object(_)) | V::Map(_) | V::Bag(_));
        let range = match range {
            V::Json(Json::Object(_)) | V::Map(_) => {
                self.step(range.size() as u64)?;
                V::List(Rc::new(range.items()?))
            }
            other => other,
        };
        let count = range.list_len()?;
        let accu = self.eval(&f.init)?;
        let depth = self.depth;
        if depth + 2 > LOCALS {
            return Err(GiveUp);
        }
        self.locals[depth] = Some(accu);
        self.locals[depth + 1] = None;
        self.depth += 2;
        let out = (|| {
            for i in 0..count {
                // the iteration variable is bound only once the condition holds, as
                // the interpreter does
                if !self.eval(&f.cond)?.truth()? {
                    break;
                }
                self.locals[depth + 1] = Some(range.at(i)?);
                let next = self.eval(&f.step)?;
                self.locals[depth] = Some(next);
            }
            // the result sees the accumulator and the last item, as in the interpreter
            match self.eval(&f.result)? {
                // the interpreter walks a map's keys in no fixed order: a verdict on
                // all of them (`all`, `exists`, `exists_one`) is the same in any
                // order; a list built from them (`map`, `filter`) is a bag
                v @ V::Bool(_) => Ok(v),
                V::List(l) if unordered => Ok(V::Bag(l)),
                _ if unordered => Err(GiveUp),
                v => Ok(v),
            }
        })();
        self.locals[depth] = None;
        self.locals[depth + 1] = None;
        self.depth = depth;
        out
    }

    #[inline(never)]
    fn binary(&mut self, b: Bin, l: V<'a>, r: V<'a>) -> R<'a> {
        if matches!(b, Bin::Eq | Bin::Ne | Bin::Lt | Bin::Le | Bin::Gt | Bin::Ge) {
            self.step(l.cost().min(r.cost()))?;
        }
        Ok(match b {
            Bin::Eq => V::Bool(equal(&l, &r)?),
            Bin::Ne => V::Bool(!equal(&l, &r)?),
            Bin::Lt => V::Bool(compare(&l, &r)? == Ordering::Less),
            Bin::Le => V::Bool(compare(&l, &r)? != Ordering::Greater),
            Bin::Gt => V::Bool(compare(&l, &r)? == Ordering::Greater),
            Bin::Ge => V::Bool(compare(&l, &r)? != Ordering::Less),
            Bin::Add => match (l, r) {
                (V::Int(a), V::Int(b)) => V::Int(a.checked_add(b).ok_or(GiveUp)?),
                (V::UInt(a), V::UInt(b)) => V::UInt(a.checked_add(b).ok_or(GiveUp)?),
                (V::Double(a), V::Double(b)) => V::Double(a + b),
                (l, r) if l.str().is_some() && r.str().is_some() => {
                    let (a, b) = (l.str().unwrap_or(""), r.str().unwrap_or(""));
                    let len = a.len() + b.len();
                    if len > MAX_LEN {
                        return Err(GiveUp);
                    }
                    self.step(len as u64 / 64)?;
                    V::Text(Rc::from(format!("{a}{b}")))
                }
                (l @ (V::List(_) | V::Json(Json::Array(_))), r) => {
                    if !matches!(r, V::List(_) | V::Json(Json::Array(_))) {
                        return Err(GiveUp);
                    }
                    let len = l.list_len()? + r.list_len()?;
                    if len > MAX_LEN {
                        return Err(GiveUp);
                    }
                    // a step per element copied: `map` and `filter` copy their
                    // accumulator at each item, so a long list soon spends the budget
                    // and goes to the interpreter, which appends in place
                    self.step(len as u64)?;
                    let mut items = l.items()?;
                    items.extend(r.items()?);
                    V::List(Rc::new(items))
                }
                _ => return Err(GiveUp),
            },
            Bin::Sub | Bin::Mul | Bin::Div | Bin::Rem => arithmetic(b, l, r)?,
            Bin::Index => match (&l, &r) {
                (V::Json(Json::Array(_)) | V::List(_), V::Int(i)) => {
                    let i = usize::try_from(*i).map_err(|_| GiveUp)?;
                    match l {
                        V::Json(Json::Array(a)) => a.get(i).map(V::from_json).ok_or(GiveUp)?,
                        V::List(a) => a.get(i).cloned().ok_or(GiveUp)?,
                        _ => return Err(GiveUp),
                    }
                }
                _ => l.get(r.str().ok_or(GiveUp)?)?.ok_or(GiveUp)?,
            },
            Bin::In => match &r {
                V::Json(Json::Object(_)) | V::Map(_) => {
                    V::Bool(r.get(l.str().ok_or(GiveUp)?)?.is_some())
                }
                V::Json(Json::Array(_)) | V::List(_) | V::Bag(_) => {
                    let count = r.list_len()?;
                    self.step(count as u64 * (1 + l.cost()))?;
                    let mut found = false;
                    for i in 0..count {
                        if equal(&l, &r.at(i)?)? {
                            found = true;
                            break;
                        }
                    }
                    V::Bool(found)
                }
                _ => return Err(GiveUp),
            },
        })
    }
}

/// `==` as the interpreter decides it for scalars: numbers by value across types,
/// other kinds only with their own kind. Lists and maps give up.
fn equal(l: &V, r: &V) -> Result<bool, GiveUp> {
    Ok(match (l, r) {
        (V::Null, V::Null) => true,
        (V::Bool(a), V::Bool(b)) => a == b,
        (V::Json(_) | V::List(_) | V::Bag(_) | V::Map(_), _)
        | (_, V::Json(_) | V::List(_) | V::Bag(_) | V::Map(_)) => return Err(GiveUp),
        _ => match (l.str(), r.str()) {
            (Some(a), Some(b)) => a == b,
            _ => match compare(l, r) {
                Ok(o) => o == Ordering::Equal,
                // NaN, or two kinds that never compare equal
                Err(_) if l.number().is_some() && r.number().is_some() => return Err(GiveUp),
                Err(_) => false,
            },
        },
    })
}

/// `<` and its kin: numbers across types as the interpreter compares them, strings
/// by code point; anything else (NaN included) gives up.
fn compare(l: &V, r: &V) -> Result<Ordering, GiveUp> {
    match (l, r) {
        (V::Int(a), V::Int(b)) => Ok(a.cmp(b)),
        (V::UInt(a), V::UInt(b)) => Ok(a.cmp(b)),
        // rare enough to leave to the interpreter
        (V::UInt(_), _) | (_, V::UInt(_)) => Err(GiveUp),
        _ => match (l.str(), r.str(), l.number(), r.number()) {
            (Some(a), Some(b), _, _) => Ok(a.cmp(b)),
            (_, _, Some(a), Some(b)) => a.partial_cmp(&b).ok_or(GiveUp),
            _ => Err(GiveUp),
        },
    }
}

fn arithmetic<'a>(b: Bin, l: V<'a>, r: V<'a>) -> R<'a> {
    Ok(match (l, r) {
        (V::Int(x), V::Int(y)) => V::Int(
            match b {
                Bin::Sub => x.checked_sub(y),
                Bin::Mul => x.checked_mul(y),
                Bin::Div => x.checked_div(y),
                _ => x.checked_rem(y),
            }
            .ok_or(GiveUp)?,
        ),
        (V::Double(x), V::Double(y)) => V::Double(match b {
            Bin::Sub => x - y,
            Bin::Mul => x * y,
            Bin::Div => x / y,
            _ => return Err(GiveUp),
        }),
        _ => return Err(GiveUp),
    })
}

fn call<'a>(f: Func, args: &[V<'a>]) -> R<'a> {
    let text = |i: usize| args.get(i).and_then(V::str).ok_or(GiveUp);
    let int = |i: usize| match args.get(i) {
        Some(V::Int(n)) => Ok(*n),
        _ => Err(GiveUp),
    };
    let bools = |v: &V<'a>| -> Result<Vec<bool>, GiveUp> {
        Ok(v.list()?
            .iter()
            .map(|b| matches!(b, V::Bool(true)))
            .collect())
    };
    Ok(match f {
        Func::Size => {
            V::Int(i64::try_from(args.first().ok_or(GiveUp)?.len()?).map_err(|_| GiveUp)?)
        }
        Func::StartsWith => V::Bool(text(0)?.starts_with(text(1)?)),
        Func::EndsWith => V::Bool(text(0)?.ends_with(text(1)?)),
        Func::Contains => V::Bool(text(0)?.contains(text(1)?)),
        Func::Substring => {
            let s = text(0)?;
            let len = s.chars().count() as i64;
            let start = int(1)?;
            let end = if args.len() == 3 { int(2)? } else { len };
            if start < 0 || start > end || end > len {
                return Err(GiveUp);
            }
            let sub: String = s
                .chars()
                .skip(start as usize)
                .take((end - start) as usize)
                .collect();
            V::Text(Rc::from(sub))
        }
        Func::Double => V::Double(match args.first() {
            Some(v @ (V::Int(_) | V::UInt(_) | V::Double(_))) => v.number().ok_or(GiveUp)?,
            _ => return Err(GiveUp),
        }),
        Func::String => match args.first() {
            Some(V::Int(i)) => V::Text(Rc::from(i.to_string())),
            Some(V::UInt(u)) => V::Text(Rc::from(u.to_string())),
            Some(v @ (V::Str(_) | V::Text(_))) => v.clone(),
            _ => return Err(GiveUp),
        },
        Func::Join => {
            let sep = if args.len() == 2 { text(1)? } else { "" };
            let parts = args.first().ok_or(GiveUp)?.list()?;
            let parts: Vec<&str> = parts
                .iter()
                .map(V::str)
                .collect::<Option<_>>()
                .ok_or(GiveUp)?;
            let joined = parts.join(sep);
            if joined.len() > MAX_LEN {
                return Err(GiveUp);
            }
            V::Text(Rc::from(joined))
        }
        // as the `cel` strings extension computes them
        Func::Trim => V::Text(Rc::from(text(0)?.trim())),
        Func::LowerAscii => V::Text(Rc::from(text(0)?.to_ascii_lowercase())),
        Func::Sort => {
            // sorted, a bag's order no longer matters
            let mut items = match args.first() {
                Some(V::Bag(l)) => l.as_ref().clone(),
                Some(v) => v.list()?,
                None => return Err(GiveUp),
            };
            // strings, ints or doubles, all of one type: what the interpreter sorts
            // without an error, in the same stable order
            let kind = |v: &V| match v {
                V::Str(_) | V::Text(_) => Some(0),
                V::Int(_) => Some(1),
                V::Double(d) if !d.is_nan() => Some(2),
                _ => None,
            };
            let first = items.first().map(kind);
            if items
                .iter()
                .any(|v| Some(kind(v)) != first || kind(v).is_none())
            {
                return Err(GiveUp);
            }
            items.sort_by(|a, b| compare(a, b).unwrap_or(Ordering::Equal));
            V::List(Rc::new(items))
        }
        // our helpers: what they compute is `rules::functions`'
        Func::Sum => {
            let items = args.first().ok_or(GiveUp)?.list()?;
            let ns: Vec<f64> = items
                .iter()
                .map(V::number)
                .collect::<Option<_>>()
                .ok_or(GiveUp)?;
            V::Double(functions::sum(&ns))
        }
        Func::DaysUntil => V::Int(functions::days_until(text(0)?, text(1)?).ok_or(GiveUp)?),
        Func::YearsBetween => V::Int(functions::years_between(text(0)?, text(1)?).ok_or(GiveUp)?),
        Func::ValidCusip => V::Bool(identifiers::valid_cusip(text(0)?)),
        Func::ValidIsin => V::Bool(identifiers::valid_isin(text(0)?)),
        Func::Consecutive => V::Int(functions::consecutive(
            bools(args.first().ok_or(GiveUp)?)?.into_iter(),
        )),
        Func::InLast => V::Int(functions::in_last(
            bools(args.first().ok_or(GiveUp)?)?.into_iter(),
            usize::try_from(int(1)?).map_err(|_| GiveUp)?,
        )),
        Func::FirstTrue => V::Int(functions::first_true(
            bools(args.first().ok_or(GiveUp)?)?.into_iter(),
        )),
    })
}

#[cfg(test)]
pub(crate) mod tests;
