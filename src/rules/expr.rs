//! CEL expressions as rules use them: compiled once, evaluated per menu or option.

use super::limits::{MAX_NESTED_GROWTH, MAX_NESTED_LOOPS};
use super::native::{GiveUp, Program};
use cel::common::ast::{Expr as Node, IdedExpr};
use cel::common::value::Val;
use cel::parser::PrattParser;
use cel::{Context, Env, ExecutionError, Value};

/// Which of the `cel` crate's two parsers compiles an expression. Both give the
/// same syntax tree; they differ in start-up cost and in how they word errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parser {
    /// The reference (ANTLR-generated) parser. A sponsor's pack is compiled with it,
    /// so its mistakes are worded as `cel` always worded them.
    Reference,
    /// The hand-written Pratt parser: about ten times faster, since it has no
    /// prediction tables to warm up in each process. Only the built-in packs use it;
    /// a test proves that it gives each of their expressions the reference tree.
    Pratt,
}

/// Macros that `cel`'s extensions add (lists' `sortBy`, math's `greatest` and
/// `least`). The Pratt parser expands only the standard ones and leaves these as
/// plain calls, so an expression that calls one is compiled by the reference parser.
const EXTENSION_MACROS: [&str; 3] = ["sortBy", "greatest", "least"];

/// A compiled CEL expression.
#[derive(Debug)]
pub struct Expr {
    /// As written, for the evaluators' comparison to name what they disagree on.
    #[cfg_attr(not(test), allow(dead_code))]
    pub source: String,
    tree: IdedExpr,
    /// The native form, when the expression has one.
    native: Option<Program>,
}

/// Parses `source` to a syntax tree with its macros expanded.
pub fn parse(env: &Env, parser: Parser, source: &str) -> Result<IdedExpr, String> {
    if parser == Parser::Pratt {
        // on an error, the reference parser words it
        if let Ok(tree) = PrattParser::new().parse(source) {
            if !calls_any(&tree, &EXTENSION_MACROS) {
                return Ok(tree);
            }
        }
    }
    env.compile(source)
        .map(|program| program.expression().clone())
        .map_err(|e| {
            e.errors
                .iter()
                .map(|e| format!("{}:{}: {}", e.pos.0, e.pos.1, e.msg))
                .collect::<Vec<_>>()
                .join("; ")
        })
}

/// Whether the tree calls a function named in `names`, anywhere.
fn calls_any(e: &IdedExpr, names: &[&str]) -> bool {
    let mut found = false;
    walk(&mut e.clone(), &mut |n| {
        found |= matches!(&n.expr, Node::Call(c) if names.contains(&c.func_name.as_str()));
    });
    found
}

/// Where `cel` departs from CEL, the tree calls a helper that follows CEL
/// ([`super::functions`]): `double(x)`, as `cel`'s gives infinity for
/// `double('1e400')`; and every macro's range, which walks a map's keys sorted,
/// as `cel` walks them in its hash map's order, which changes from run to run
/// (CEL leaves the order open, so `m.map(k, k)` must not depend on the run).
fn follow_spec(tree: &mut IdedExpr) {
    use super::functions::{FINITE_DOUBLE, ORDERED_KEYS};
    walk(tree, &mut |n| match &mut n.expr {
        Node::Call(c) if c.func_name == "double" && c.target.is_none() && c.args.len() == 1 => {
            c.func_name = FINITE_DOUBLE.to_owned();
        }
        // a two-variable comprehension over a list would read (index, value)
        Node::Comprehension(c) if c.iter_var2.is_none() => {
            let range = std::mem::take(&mut c.iter_range);
            c.iter_range = IdedExpr {
                id: range.id,
                expr: Node::Call(cel::common::ast::CallExpr {
                    func_name: ORDERED_KEYS.to_owned(),
                    target: None,
                    args: vec![range],
                }),
            };
        }
        _ => {}
    });
}

/// Visits every node of the tree, parents before children.
fn walk(e: &mut IdedExpr, visit: &mut dyn FnMut(&mut IdedExpr)) {
    use cel::common::ast::EntryExpr;
    visit(e);
    let entry = |en: &mut cel::common::ast::IdedEntryExpr, visit: &mut dyn FnMut(&mut IdedExpr)| {
        match &mut en.expr {
            EntryExpr::MapEntry(me) => {
                walk(&mut me.key, visit);
                walk(&mut me.value, visit);
            }
            EntryExpr::StructField(f) => walk(&mut f.value, visit),
        }
    };
    match &mut e.expr {
        Node::Call(c) => {
            c.target.iter_mut().for_each(|t| walk(t, visit));
            c.args.iter_mut().for_each(|a| walk(a, visit));
        }
        Node::Comprehension(c) => {
            for part in [
                &mut c.iter_range,
                &mut c.accu_init,
                &mut c.loop_cond,
                &mut c.loop_step,
                &mut c.result,
            ] {
                walk(part, visit);
            }
        }
        Node::List(l) => l.elements.iter_mut().for_each(|x| walk(x, visit)),
        Node::Map(m) => m.entries.iter_mut().for_each(|en| entry(en, visit)),
        Node::Struct(s) => s.entries.iter_mut().for_each(|en| entry(en, visit)),
        Node::Select(s) => walk(&mut s.operand, visit),
        _ => {}
    }
}

impl Expr {
    pub fn compile(env: &Env, parser: Parser, source: &str) -> Result<Expr, String> {
        if source.trim().is_empty() {
            return Err("the expression is empty".to_owned());
        }
        let tree = parse(env, parser, source)?;
        let shape = Shape::of(&tree);
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
        let native = Program::compile(&tree);
        let mut tree = tree;
        follow_spec(&mut tree);
        Ok(Expr {
            source: source.to_owned(),
            native,
            tree,
        })
    }

    /// The native form ([`super::native`]), or `GiveUp` when the expression has none.
    pub fn native(&self) -> Result<&Program, GiveUp> {
        self.native.as_ref().ok_or(GiveUp)
    }

    pub fn eval(&self, ctx: &Context) -> Result<Value, ExecutionError> {
        Value::resolve(&self.tree, ctx)
    }

    /// Whether the expression reads the variable `name`.
    pub fn uses(&self, name: &str) -> bool {
        self.tree.references().has_variable(name)
    }

    /// Evaluates to CEL's internal form, for binding to a variable without a round trip
    /// through [`Value`] (which would copy shared lists and maps).
    pub(crate) fn eval_val<'v>(
        &self,
        ctx: &Context<'_, 'v>,
    ) -> Result<Box<dyn Val + 'v>, ExecutionError> {
        Value::resolve_val(&self.tree, ctx).map(|v| v.into_owned())
    }

    /// Evaluates to a boolean, or says what the expression gave instead.
    pub(crate) fn eval_bool(&self, ctx: &Context) -> Result<bool, ExecutionError> {
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
    pub(crate) fn eval_f64(&self, ctx: &Context) -> Result<f64, ExecutionError> {
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
pub(crate) fn format_value(v: &Value) -> String {
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
pub(crate) fn format_number(f: f64) -> String {
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

    /// The tree without node ids, which the two parsers number differently in maps.
    fn shape_of(tree: &IdedExpr) -> String {
        let text = format!("{tree:?}");
        regex::Regex::new(r"id: \d+")
            .expect("valid regex")
            .replace_all(&text, "id")
            .into_owned()
    }

    /// The Pratt parser accepts `source` and, unless it calls an extension macro
    /// (then left to the reference parser), gives the reference parser's tree itself.
    fn same_tree(env: &Env, source: &str) {
        let fast = PrattParser::new()
            .parse(source)
            .unwrap_or_else(|e| panic!("the Pratt parser rejects {source}: {e}"));
        let reference = parse(env, Parser::Reference, source).expect("parses");
        let tree = if calls_any(&fast, &EXTENSION_MACROS) {
            parse(env, Parser::Pratt, source).expect("parses")
        } else {
            fast
        };
        assert_eq!(shape_of(&tree), shape_of(&reference), "{source}");
    }

    /// The built-in packs compile with the Pratt parser: every expression and
    /// template placeholder in them must give the reference parser's tree.
    #[test]
    fn pratt_parser_gives_the_reference_tree_for_every_built_in_expression() {
        use crate::rules::{pack::load_builtin, BUILTIN_PACKS};
        use std::sync::Arc;
        let env = Arc::new(crate::rules::cel_env());
        let mut checked = 0;
        for (name, text) in BUILTIN_PACKS {
            let source = crate::diag::SourceFile::new(*name, *text);
            let pack = load_builtin(&env, &source)
                .expect("a built-in pack")
                .expect("built-in pack loads");
            for rule in &pack.rules {
                let l = &rule.logic;
                let mut exprs: Vec<&str> =
                    l.lets.iter().map(|(_, e)| e.get_ref().as_str()).collect();
                exprs.extend(l.when.iter().map(|e| e.get_ref().as_str()));
                exprs.extend(l.requires.iter().map(|r| r.check.get_ref().as_str()));
                exprs.push(l.check.get_ref());
                if let Some((v, lim)) = &l.measure {
                    exprs.extend([v.get_ref().as_str(), lim.get_ref().as_str()]);
                }
                let mut templates = vec![l.message.get_ref(), l.at.get_ref()];
                if let Some(r) = &l.requires {
                    templates.push(r.message.get_ref());
                    templates.extend(r.at.iter().map(|t| t.get_ref()));
                }
                templates.extend(l.label.iter().map(|t| t.get_ref()));
                for (at, label) in &l.also {
                    templates.extend([at.get_ref(), label.get_ref()]);
                }
                for t in templates {
                    let (pieces, malformed) = super::super::template::split(t);
                    assert_eq!(malformed, None, "{t}");
                    for piece in pieces {
                        if let super::super::template::Piece::Placeholder(e) = piece {
                            exprs.push(e);
                        }
                    }
                }
                for e in exprs {
                    same_tree(&env, e);
                    checked += 1;
                }
            }
        }
        assert!(checked > 250, "only {checked} expressions were compared");
    }

    /// The grammar's corners.
    #[test]
    fn pratt_parser_gives_the_reference_tree_for_the_grammar() {
        let env = crate::rules::cel_env();
        for source in [
            "a.b.c[0]['k'] + -x * 2 / 3 % 4 - 1u",
            "!(a || b) && c ? d : e ? f : g",
            "x in [1, 2.5, 'three', b'four', r'raw\\n', \"\"\"long\"\"\", null, true]",
            "{'a': 1, 'b': {'c': [2, 3]}}['b'].c[1] <= 3.0e2",
            "has(a.b) && a.all(x, x > 0) && a.exists(x, x == 1) && a.exists_one(x, x < 0)",
            "a.map(x, x * 2).filter(x, x > 2).map(x, x > 3, x)",
            "size(s) > 0 && s.startsWith('a') && s.matches('^[A-Z]{2}$') && int('1') == 1",
            "'\\u00e9\\x41\\101\\t' + \"\\\"quoted\\\"\"",
            "(1 + 2) * (3 - (4 / 5)) == 0x1F && -9223372036854775808 < 0",
        ] {
            same_tree(&env, source);
        }
    }

    /// The extension macros, which the Pratt parser leaves as plain calls, go to the
    /// reference parser, which expands them.
    #[test]
    fn an_extension_macro_is_expanded_by_the_reference_parser() {
        let env = crate::rules::cel_env();
        for source in [
            "[3, 1, 2].sortBy(x, -x)",
            "math.greatest(1, 2, 3) - math.least([1, 2])",
        ] {
            let fast = PrattParser::new().parse(source).expect("parses");
            assert!(calls_any(&fast, &EXTENSION_MACROS), "{source}");
            let tree = parse(&env, Parser::Pratt, source).expect("parses");
            assert!(
                !calls_any(&tree, &EXTENSION_MACROS),
                "{source} left unexpanded"
            );
            let reference = parse(&env, Parser::Reference, source).expect("parses");
            assert_eq!(shape_of(&tree), shape_of(&reference), "{source}");
        }
    }

    /// What the Pratt parser rejects and the reference one accepts (optional
    /// selection, which the Pratt parser leaves off) is the reference parser's.
    #[test]
    fn what_the_pratt_parser_rejects_goes_to_the_reference_parser() {
        let env = crate::rules::cel_env();
        let source = "a.?b";
        assert!(PrattParser::new().parse(source).is_err());
        let tree = parse(&env, Parser::Pratt, source).expect("the reference parser accepts it");
        let reference = parse(&env, Parser::Reference, source).expect("parses");
        assert_eq!(shape_of(&tree), shape_of(&reference));
    }

    #[test]
    fn an_error_is_worded_by_the_reference_parser() {
        let env = crate::rules::cel_env();
        for source in ["1 +", "a.b(", "'open", "[1, 2"] {
            assert!(PrattParser::new().parse(source).is_err(), "{source}");
            assert!(parse(&env, Parser::Reference, source).is_err(), "{source}");
            assert_eq!(
                parse(&env, Parser::Pratt, source),
                parse(&env, Parser::Reference, source),
                "{source}"
            );
        }
    }
}
