//! CEL expressions as rules use them: compiled once, evaluated per menu or option.

use crate::diag::Span;
use cel::common::value::Val;
use cel::{Context, Env, ExecutionError, Program, Value};

/// A compiled CEL expression and where it is written in its rule pack.
#[derive(Debug)]
pub struct Expr {
    pub source: String,
    pub span: Span,
    program: Program,
}

impl Expr {
    pub fn compile(env: &Env, source: &str, span: Span) -> Result<Expr, String> {
        if source.trim().is_empty() {
            return Err("the expression is empty".to_owned());
        }
        let program = env.compile(source).map_err(|e| {
            e.errors
                .iter()
                .map(|e| format!("{}:{}: {}", e.pos.0, e.pos.1, e.msg))
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let shape = Shape::of(program.expression());
        if shape.loops > MAX_NESTED_LOOPS {
            return Err(format!(
                "macros (all, exists, map, filter, …) nest {} deep; at most {MAX_NESTED_LOOPS} \
                 may nest, as each level multiplies the work by the size of a list",
                shape.loops
            ));
        }
        if shape.growth > MAX_NESTED_GROWTH {
            return Err(format!(
                "replace, join or format nest {} deep; at most {MAX_NESTED_GROWTH} may nest, \
                 as each level can multiply the size of a string",
                shape.growth
            ));
        }
        Ok(Expr {
            source: source.to_owned(),
            span,
            program,
        })
    }

    pub fn eval(&self, ctx: &Context) -> Result<Value, ExecutionError> {
        self.program.execute(ctx)
    }

    /// Whether the expression reads the variable `name`.
    pub fn uses(&self, name: &str) -> bool {
        self.program.references().has_variable(name)
    }

    /// Evaluates to CEL's internal form, for binding to a variable without a round trip
    /// through [`Value`] (which would copy shared lists and maps).
    pub fn eval_val<'v>(&self, ctx: &Context<'_, 'v>) -> Result<Box<dyn Val + 'v>, ExecutionError> {
        Value::resolve_val(self.program.expression(), ctx).map(|v| v.into_owned())
    }

    /// Evaluates to a boolean, or says what the expression gave instead.
    pub fn eval_bool(&self, ctx: &Context) -> Result<bool, ExecutionError> {
        match self.eval(ctx)? {
            Value::Bool(b) => Ok(b),
            other => Err(ExecutionError::UnexpectedType {
                got: format_value(&other),
                want: "bool".to_owned(),
            }),
        }
    }
}

impl Expr {
    /// Evaluates to a number (an int or a double), or says what it gave instead.
    pub fn eval_f64(&self, ctx: &Context) -> Result<f64, ExecutionError> {
        match self.eval(ctx)? {
            Value::Float(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            Value::UInt(u) => Ok(u as f64),
            other => Err(ExecutionError::UnexpectedType {
                got: format_value(&other),
                want: "number".to_owned(),
            }),
        }
    }
}

/// How deep macros (comprehensions) may nest in one expression: each level
/// multiplies the work by a list's size.
pub const MAX_NESTED_LOOPS: usize = 3;

/// How deep string-growing calls may nest: `s.replace('x', 'xx')` forty times
/// over is a terabyte.
pub const MAX_NESTED_GROWTH: usize = 3;

/// The nesting an expression reaches, found when it compiles.
#[derive(Debug, Default, Clone, Copy)]
struct Shape {
    loops: usize,
    growth: usize,
}

impl Shape {
    fn of(e: &cel::common::ast::IdedExpr) -> Shape {
        use cel::common::ast::{EntryExpr, Expr as E};
        let max = |a: Shape, b: Shape| Shape {
            loops: a.loops.max(b.loops),
            growth: a.growth.max(b.growth),
        };
        let all = |items: &mut dyn Iterator<Item = &cel::common::ast::IdedExpr>| {
            items.map(Shape::of).fold(Shape::default(), max)
        };
        match &e.expr {
            E::Call(c) => {
                let inner = all(&mut c.target.iter().map(|t| &**t).chain(c.args.iter()));
                let grows = matches!(c.func_name.as_str(), "replace" | "join" | "format");
                Shape {
                    growth: inner.growth + usize::from(grows),
                    ..inner
                }
            }
            E::Comprehension(c) => {
                let body = all(&mut [&c.loop_cond, &c.loop_step, &c.result].into_iter());
                let outer = all(&mut [&c.iter_range, &c.accu_init].into_iter());
                max(
                    Shape {
                        loops: body.loops + 1,
                        growth: body.growth,
                    },
                    outer,
                )
            }
            E::List(l) => all(&mut l.elements.iter()),
            E::Map(m) => all(&mut m.entries.iter().flat_map(|en| match &en.expr {
                EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
                EntryExpr::StructField(f) => vec![&f.value],
            })),
            E::Struct(s) => all(&mut s.entries.iter().flat_map(|en| match &en.expr {
                EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
                EntryExpr::StructField(f) => vec![&f.value],
            })),
            E::Select(s) => Shape::of(&s.operand),
            _ => Shape::default(),
        }
    }
}

/// Formats a value for a message: numbers without noise, lists joined by commas.
pub fn format_value(v: &Value) -> String {
    match v {
        Value::Float(f) => format_number(*f),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::String(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "none".to_owned(),
        Value::List(items) => items
            .iter()
            .map(format_value)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Map(m) => {
            let mut entries: Vec<String> = m
                .map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        format_value(&Value::from(k.clone())),
                        format_value(v)
                    )
                })
                .collect();
            entries.sort();
            format!("{{{}}}", entries.join(", "))
        }
        other => format!("{other:?}"),
    }
}

/// At most four decimals, trailing zeros dropped: `5`, `6.5`, `0.015`.
pub fn format_number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let s = format!("{f:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_without_noise() {
        assert_eq!(format_number(5.0), "5");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(0.015), "0.015");
        assert_eq!(format_number(-0.00001), "0");
    }
}
