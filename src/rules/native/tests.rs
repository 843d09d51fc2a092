use super::*;
use crate::rules::values;
use serde_json::json;

/// A value with its type, maps sorted, for comparing the two evaluators.
pub(crate) fn show(v: &V) -> String {
    match v {
        V::Null => "null".into(),
        V::Bool(b) => format!("bool {b}"),
        V::Int(i) => format!("int {i}"),
        V::UInt(u) => format!("uint {u}"),
        V::Double(d) => format!("double {d:?}"),
        V::Str(s) => format!("string {s:?}"),
        V::Text(s) => format!("string {s:?}"),
        V::Json(Json::Array(a)) => show_list(a.iter().map(|j| show(&V::from_json(j)))),
        V::Json(Json::Object(m)) => show_map(
            m.iter()
                .map(|(k, j)| (format!("string {k:?}"), show(&V::from_json(j)))),
        ),
        V::Json(other) => show(&V::from_json(other)),
        V::List(l) => show_list(l.iter().map(show)),
        V::Bag(l) => {
            let mut items: Vec<String> = l.iter().map(show).collect();
            items.sort();
            format!("bag {}", show_list(items.into_iter()))
        }
        V::Map(m) => show_map(m.iter().map(|(k, v)| (format!("string {k:?}"), show(v)))),
    }
}

fn show_cel(v: &cel::Value) -> String {
    use cel::objects::Key;
    use cel::Value as C;
    match v {
        C::Null => "null".into(),
        C::Bool(b) => format!("bool {b}"),
        C::Int(i) => format!("int {i}"),
        C::UInt(u) => format!("uint {u}"),
        C::Float(d) => format!("double {d:?}"),
        C::String(s) => format!("string {:?}", s.as_str()),
        C::List(l) => show_list(l.iter().map(show_cel)),
        C::Map(m) => show_map(m.map.iter().map(|(k, v)| {
            let k = match k {
                Key::String(s) => format!("string {:?}", s.as_str()),
                other => format!("{other:?}"),
            };
            (k, show_cel(v))
        })),
        other => format!("{other:?}"),
    }
}

/// The interpreter's value shown as the native one is: a list the native
/// evaluator holds as a bag, as a bag.
pub(crate) fn show_cel_as(native: Option<&V>, v: &cel::Value) -> String {
    match (native, v) {
        (Some(V::Bag(_)), cel::Value::List(l)) => {
            let mut items: Vec<String> = l.iter().map(show_cel).collect();
            items.sort();
            format!("bag {}", show_list(items.into_iter()))
        }
        _ => show_cel(v),
    }
}

fn show_list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

fn show_map(entries: impl Iterator<Item = (String, String)>) -> String {
    let mut entries: Vec<String> = entries.map(|(k, v)| format!("{k}: {v}")).collect();
    entries.sort();
    format!("{{{}}}", entries.join(", "))
}

struct Fixed<'a>(&'a Json);

impl<'a> Vars<'a> for Fixed<'a> {
    fn var(&self, name: &str) -> Option<V<'a>> {
        self.0.get(name).map(V::from_json)
    }
}

fn both(source: &str, vars: &Json) -> (Result<String, GiveUp>, Result<String, String>) {
    let env = crate::rules::cel_env();
    let tree = crate::rules::expr::parse(&env, crate::rules::expr::Parser::Reference, source)
        .expect("parses");
    let program = Program::compile(&tree);
    let mine = program
        .as_ref()
        .ok_or(GiveUp)
        .and_then(|p| p.eval(&Fixed(vars)));
    let mut ctx = cel::Context::with_env(std::sync::Arc::new(env));
    crate::rules::register_functions(&mut ctx).expect("helpers register");
    for (k, v) in vars.as_object().expect("a map") {
        ctx.add_variable_as_val(k.clone(), values::from_json(v));
    }
    let theirs = cel::Value::resolve(&tree, &ctx)
        .map(|v| show_cel_as(mine.as_ref().ok(), &v))
        .map_err(|e| e.to_string());
    (mine.map(|v| show(&v)), theirs)
}

fn vars() -> Json {
    json!({
        "o": { "a": { "b": 2.5, "n": 3 }, "s": "héllo", "l": [1, 2.0, "x", null, true], "e": {} },
        "xs": [1, 2, 3],
        "names": ["b", "a"],
    })
}

/// The grammar's corners: each has a native value, and it is the interpreter's.
#[test]
fn native_values_match_the_interpreter_on_the_grammar() {
    let vars = vars();
    for source in [
            "1 + 2 == 3 && 7 / 2 == 3 && -7 / 2 == -3 && -7 % 3 == -1",
            "2.5 * 2.0 - 1.0 / 4.0",
            "1.0 / 0.0",
            "-(1) + 2 > -4 && -(2.5) < 0.0 && -o.a.n == -3",
            "1 < 2.5 && 2.5 >= 2 && 3 == 3.0 && 3 != 3.5",
            "'a' < 'b' && 'B' < 'a' && 'é' > 'z'",
            "'1' == 1 || null == 0 || true == 1",
            "null == null",
            "2 in [1, 2.0] && !('c' in ['a', 'b']) && 'x' in o.l && null in o.l",
            "'a' in o && 'b' in o.a && !('z' in o.a) && 'k' in {'k': 1}",
            "has(o.a.b) && !has(o.a.c) && !has(o.e.x)",
            "o.a.b + 1.0 == 3.5 && o.a.n * 2 == 6",
            "o['a']['b'] == o.a.b && o.l[1] == 2 && {'k': [1, 2]}['k'][1] == 2",
            "size(o.s) == 5 && o.s.size() == 5 && size(o.l) == 5 && size(o.a) == 2 && size({}) == 0",
            "o.s.substring(1, 3) + o.s.substring(4)",
            "o.s.startsWith('hé') && o.s.endsWith('lo') && o.s.contains('ll')",
            "' \\tNone\\u00a0 '.trim().lowerAscii() == 'none' && 'TacoCÆt'.lowerAscii() == 'tacocÆt'",
            "o.s.trim() + '|' + ' x '.trim() + '|' + ''.trim()",
            "[1, 2] + [3] + xs",
            "xs.all(x, x > 0) && xs.exists(x, x > 2) && xs.exists_one(x, x > 2)",
            "xs.map(x, x * 2)",
            "xs.filter(x, x % 2 == 1).map(x, string(x))",
            "xs.map(x, x > 1, double(x))",
            "o.a.all(k, k != 'c') && o.a.exists(k, k == 'n')",
            "names.join('-') + names.join()",
            "o.a.n > 2 ? 'big' : 'small'",
            "false || true && !false",
            "string(12) + string(o.s) + string(18446744073709551615u)",
            "double(3) + double(2.5)",
            "sum([1, 2.5, 0.25]) == 3.75 && sum([]) == 0.0",
            "days_until('2024-01-01', '2024-03-01') == 60",
            "years_between('2020-02-29', '2024-02-28') == 3",
            "valid_isin('US0378331005') && valid_cusip('037833100') && !valid_cusip('037833101')",
            "consecutive([true, true, false, true]) == 2 && first_true([false, true]) == 1 && first_true([]) == -1",
            "in_last([true, false, true, true], 3) == 2 && in_last([true], 5) == 1 && in_last([true, true], 0) == 0",
            "1u + 2u",
            "[o.a.b, o.s, null, true, {'k': xs}]",
            "names.sort() + ['b', 'a', 'c', 'a'].sort()",
            "o.a.map(k, k).sort() + o.a.filter(k, k != 'b').sort()",
            "size(o.a.map(k, k)) == 2 && 'n' in o.a.filter(k, true) && o.a.map(k, k).all(k, k != 'z')",
            "{'b': 1, 'a': 2}.map(k, k)",
            "o.a.map(k, k).map(k, k + '!')",
            "[3, 1, 2].sort()[0] == 1 && [2.5, -1.0].sort()[0] == -1.0",
            "[3, 1, 2].sort()",
            "[].sort()",
        ] {
            let (mine, theirs) = both(source, &vars);
            let mine = mine.unwrap_or_else(|_| panic!("`{source}` has no native value"));
            assert_eq!(Ok(mine), theirs, "{source}");
        }
}

/// Where the interpreter fails, or the native evaluator cannot be sure of its
/// answer, it gives up instead of answering.
#[test]
fn native_evaluation_gives_up_rather_than_guess() {
    let vars = vars();
    for source in [
        // errors in the interpreter
        "9223372036854775807 + 1",
        "1 / 0",
        "1 % 0",
        "1 + 1.0",
        "'a' + 1",
        "o.missing",
        "o.a.b.c",
        "has(o.s.x)",
        "xs[3]",
        "xs[-1]",
        "o.s.substring(2, 1)",
        "o.s.substring(0, 9)",
        "o.l.all(x, x > 0)",
        "!1",
        "1 ? 2 : 3",
        "sum(['a'])",
        "days_until('2024-13-01', '2024-01-01')",
        "size(1)",
        "undeclared",
        // outside the subset
        "[1, 2] == [1, 2]",
        "b'bytes'",
        // a map's keys come in no fixed order in the interpreter: what depends
        // on their order is its to say
        "{'b': 1, 'a': 2}.map(k, k)[0]",
        "o.a.filter(k, true).join(',')",
        "first_true(o.a.map(k, k == 'n'))",
        "o.a.map(k, k) + ['z']",
        "o.a.map(k, k) == ['b', 'n']",
        "[3, 1.0].sort()",
        "[true, false].sort()",
        "o.a.sort()",
        "math.abs(-1)",
        "o.s.matches('h.*')",
        "int('1')",
        "timestamp('2024-01-01T00:00:00Z')",
    ] {
        let (mine, _) = both(source, &vars);
        assert_eq!(mine, Err(GiveUp), "{source}");
    }
}

/// A macro's work is counted, copies of its accumulator included: past the step
/// budget the interpreter takes over, with its own budget and its own words.
#[test]
fn a_long_loop_spends_the_budget_and_gives_up() {
    let vars =
        json!({ "small": (0..500).collect::<Vec<_>>(), "big": (0..2000).collect::<Vec<_>>() });
    let (mine, theirs) = both("small.map(x, x * 2)[499]", &vars);
    assert_eq!(mine, Ok("int 998".to_owned()));
    assert_eq!(theirs, Ok("int 998".to_owned()));
    let (mine, theirs) = both("big.map(x, x * 2)[1999]", &vars);
    assert_eq!(mine, Err(GiveUp));
    assert_eq!(theirs, Ok("int 3998".to_owned()));
    let (mine, _) = both("big.all(x, big.all(y, x + y >= 0))", &vars);
    assert_eq!(mine, Err(GiveUp));
    // a function reads its argument whole, and is charged for it
    let (mine, theirs) = both("small.all(x, size(small) > 0)", &vars);
    assert_eq!(mine, Ok("bool true".to_owned()));
    assert_eq!(theirs, Ok("bool true".to_owned()));
    let (mine, _) = both("big.all(x, size(big) > 0)", &vars);
    assert_eq!(mine, Err(GiveUp));
    // one rule's expressions share the budget: what its lets spent, its check
    // cannot
    let env = crate::rules::cel_env();
    let tree = crate::rules::expr::parse(&env, crate::rules::expr::Parser::Reference, "1 + 1")
        .expect("parses");
    let program = Program::compile(&tree).expect("native");
    let mut spent = 0;
    assert!(program.eval_with(&Fixed(&vars), &[], &mut spent).is_ok());
    assert_eq!(spent, 3);
    let mut spent = STEPS - 1;
    assert_eq!(
        program
            .eval_with(&Fixed(&vars), &[], &mut spent)
            .map(|v| show(&v)),
        Err(GiveUp)
    );
}
