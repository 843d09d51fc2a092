//! The menu as CEL values, built once per menu and shared by every rule.
//!
//! CEL's own containers are deep-copied whenever the interpreter binds them: a variable
//! per rule, each element of a list a macro walks (`options.exists(o, ...)`). Over a
//! menu of 30 options and 28 rules that copying was most of the evaluation time. Here
//! every list and map sits behind an [`Arc`], so binding or iterating costs a pointer
//! copy, and strings borrow from the JSON view instead of being copied.

use cel::common::traits::{Adder, Comparer, Container, Indexer, Iterable, Sizer, Zeroer};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt, Type,
    DYN_TYPE,
};
use cel::common::value::{Builtin, BuiltinRef, CowVal, Val};
use cel::ExecutionError;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;

/// A CEL list or map that is cloned by reference.
///
/// It answers every question (type, members, equality, conversion to [`cel::Value`])
/// as the built-in container it wraps, so rules cannot tell the two apart.
#[derive(Debug, Clone)]
pub struct Shared<'v>(Arc<dyn Val + 'v>);

impl<'v> Shared<'v> {
    /// The value, boxed for binding to a variable.
    pub(crate) fn boxed(&self) -> Box<dyn Val + 'v> {
        Box::new(self.clone())
    }
}

/// Converts JSON into CEL: containers become [`Shared`], integers `int` (`uint` only
/// past `i64::MAX`), other numbers `double`. Strings borrow from `v`.
pub(crate) fn from_json(v: &Json) -> Box<dyn Val + '_> {
    convert(v, CelString::from)
}

/// Converts a JSON list or map into a [`Shared`] one; a scalar is wrapped as it is.
pub fn shared(v: &Json) -> Shared<'_> {
    shared_with(v, CelString::from)
}

/// As [`shared`], with strings of its own, for values kept longer than the JSON.
pub(crate) fn shared_owned(v: &Json) -> Shared<'static> {
    shared_with(v, |s| CelString::from(s.to_owned()))
}

/// A JSON number as rules read it, in both evaluators.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    Int(i64),
    UInt(u64),
    Double(f64),
}

/// An integer is `int` (`uint` only past `i64::MAX`), any other number `double`.
pub fn number(n: &serde_json::Number) -> Number {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => Number::Int(i),
        (None, Some(u)) => Number::UInt(u),
        _ => Number::Double(n.as_f64().unwrap_or(f64::NAN)),
    }
}

fn convert<'j, 'v>(v: &'j Json, string: fn(&'j str) -> CelString<'v>) -> Box<dyn Val + 'v> {
    match v {
        Json::Null => Box::new(CelNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => match number(n) {
            Number::Int(i) => Box::new(CelInt::from(i)),
            Number::UInt(u) => Box::new(CelUInt::from(u)),
            Number::Double(d) => Box::new(CelDouble::from(d)),
        },
        Json::String(s) => Box::new(string(s)),
        Json::Array(_) | Json::Object(_) => shared_with(v, string).boxed(),
    }
}

fn shared_with<'j, 'v>(v: &'j Json, string: fn(&'j str) -> CelString<'v>) -> Shared<'v> {
    match v {
        Json::Array(items) => list(items.iter().map(|i| convert(i, string)).collect()),
        Json::Object(entries) => keyed_map(
            entries
                .iter()
                .map(|(k, v)| (CelMapKey::String(string(k)), convert(v, string))),
        ),
        scalar => Shared(Arc::from(convert(scalar, string))),
    }
}

/// A shared list of the given values.
pub fn list(items: Vec<Box<dyn Val + '_>>) -> Shared<'_> {
    Shared(Arc::new(CelList::from(items)))
}

/// A shared map of the given entries.
pub fn map<'v>(entries: impl IntoIterator<Item = (&'v str, Box<dyn Val + 'v>)>) -> Shared<'v> {
    keyed_map(entries.into_iter().map(|(k, v)| (CelMapKey::from(k), v)))
}

fn keyed_map<'v>(entries: impl Iterator<Item = (CelMapKey<'v>, Box<dyn Val + 'v>)>) -> Shared<'v> {
    let entries: HashMap<CelMapKey<'v>, Box<dyn Val + 'v>> = entries.collect();
    Shared(Arc::new(CelMap::from(entries)))
}

fn no_indexer(v: &dyn Val) -> ExecutionError {
    ExecutionError::UnexpectedType {
        got: v.get_type().name().to_owned(),
        want: "list or map".to_owned(),
    }
}

impl<'v> Val for Shared<'v> {
    fn get_type(&self) -> &Type {
        self.0.get_type()
    }

    fn cel_type() -> &'static Type {
        // only overload macros ask a Rust type for its CEL type; no overload names this one
        &DYN_TYPE
    }

    fn as_adder<'b, 'w>(&'b self) -> Option<&'b (dyn Adder + 'w)>
    where
        Self: 'w,
    {
        self.0.as_adder()
    }

    fn as_comparer(&self) -> Option<&dyn Comparer> {
        self.0.as_comparer()
    }

    fn as_container(&self) -> Option<&dyn Container> {
        self.0.as_container()
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        self.0.as_indexer().map(|_| self as &(dyn Indexer + 'w))
    }

    fn into_indexer<'w>(self: Box<Self>) -> Option<Box<dyn Indexer + 'w>>
    where
        Self: 'w,
    {
        if self.0.as_indexer().is_some() {
            Some(self)
        } else {
            None
        }
    }

    fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn Iterable + 'w)>
    where
        Self: 'w,
    {
        self.0.as_iterable()
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        self.0.as_sizer()
    }

    fn as_zeroer(&self) -> Option<&dyn Zeroer> {
        self.0.as_zeroer()
    }

    fn equals(&self, other: &dyn Val) -> bool {
        self.0.equals(other)
    }

    fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
    where
        Self: 'w,
    {
        Box::new(self.clone())
    }

    fn as_builtin<'b, 'w>(&'b self) -> BuiltinRef<'b, 'w>
    where
        Self: 'w,
    {
        self.0.as_builtin()
    }

    fn into_builtin<'w>(self: Box<Self>) -> Option<Builtin<'w>>
    where
        Self: 'w,
    {
        // the elements are shared themselves, so this copies one level only
        self.0.clone_as_boxed().into_builtin()
    }
}

impl<'v> Indexer for Shared<'v> {
    fn get<'b, 'w>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'w>, ExecutionError>
    where
        Self: 'w,
    {
        let indexer: Option<&(dyn Indexer + 'v)> = self.0.as_indexer();
        match indexer {
            Some(indexer) => indexer.get(idx),
            None => Err(no_indexer(self.0.as_ref())),
        }
    }

    fn steal<'w>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'w>, ExecutionError>
    where
        Self: 'w,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cel::{Context, Env, Program, Value};
    use serde_json::json;

    fn eval(expr: &str, menu: &Json) -> Value {
        let env = Arc::new(Env::stdlib());
        let mut ctx = Context::with_env(env);
        ctx.add_variable_as_val("m", from_json(menu));
        let program = Program::compile(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        program
            .execute(&ctx)
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    #[test]
    fn shared_values_behave_like_builtin_ones() {
        let m = json!({
            "options": [
                {"id": "a", "pct": 1.5, "tags": ["x", "y"], "index": 0},
                {"id": "b", "pct": 3.0, "tags": [], "index": 1}
            ],
            "limits": {"max": 2.0, "count": 2}
        });
        let cases = [
            ("m.options.exists(o, o.id == 'b')", Value::Bool(true)),
            (
                "m.options.filter(o, o.pct > m.limits.max).map(o, o.id)",
                Value::List(Arc::new(vec![Value::String(Arc::new("b".into()))])),
            ),
            ("size(m.options) == m.limits.count", Value::Bool(true)),
            ("m.options[1].index + 1", Value::Int(2)),
            ("'y' in m.options[0].tags", Value::Bool(true)),
            (
                "has(m.options[0].pct) && !has(m.options[0].fee)",
                Value::Bool(true),
            ),
            (
                "m.options[0].tags + ['z'] == ['x', 'y', 'z']",
                Value::Bool(true),
            ),
            ("m.limits == {'max': 2.0, 'count': 2}", Value::Bool(true)),
            ("{'max': 2.0, 'count': 2} == m.limits", Value::Bool(true)),
            (
                "m.options.filter(o, o.id == 'a')[0].tags[1]",
                Value::String(Arc::new("y".into())),
            ),
            (
                "type(m.limits) == map && type(m.options) == list",
                Value::Bool(true),
            ),
        ];
        for (expr, want) in cases {
            assert_eq!(eval(expr, &m), want, "{expr}");
        }
        // a whole container converts back to a plain value
        let back = eval("m.options[1]", &m);
        let Value::Map(map) = back else {
            panic!("not a map: {back:?}")
        };
        assert_eq!(map.map.len(), 4);
    }
}
