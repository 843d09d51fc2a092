//! Random rule expressions over what rules see, for comparing the native evaluator
//! with the interpreter (`tests/evaluators.rs` and the `evaluators` fuzz target).
//! Every name it writes exists, so a pack of them loads; the values range over the
//! corners where two evaluators could differ: big integers, int/double mixes,
//! missing fields, empty lists, NaN-making division, strings against numbers.

/// Picks a number below its argument: a seeded generator in the tests, the fuzzer's
/// bytes in the fuzz target.
pub type Choose<'a> = &'a mut dyn FnMut(u64) -> u64;

const NUMBER_FIELDS: &[&str] = &[
    "expense_ratio_pct",
    "assets_usd",
    "leverage",
    "effective.crypto_pct",
    "effective.private_markets_pct",
    "exposure.crypto_pct",
    "exposure.real_estate_pct",
    "performance.return_1y_pct",
    "index",
    "class_rank",
];
const STRING_FIELDS: &[&str] = &[
    "id",
    "name",
    "asset_class",
    "vehicle",
    "liquidity",
    "ticker",
    "cusip",
    "inception_date",
];
const BOOL_FIELDS: &[&str] = &["qdia", "designated", "exposure_stated", "watch.on"];
const QUARTER_NUMBERS: &[&str] = &[
    "return_1y_pct",
    "return_3y_pct",
    "benchmark_3y_pct",
    "peer_rank_pct",
];
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "0.0",
    "2.5",
    "1e300",
    "-0.0",
    // integers a double cannot hold come from arithmetic: packs may not write them
    "(9007199254740992 + 1)",
    "9007199254740992.0",
    "(9007199254740992 * 1023 + 1)",
    "1u",
    "(9007199254740992u * 2047u + 1u)",
    "100.0",
    "5",
];
const STRINGS: &[&str] = &[
    "''",
    "'digital_asset'",
    "'etf'",
    "'a'",
    "'2026-09-30'",
    "'é'",
];

/// One expression generator: the macro variables in scope, and how deep it may go.
struct Gen<'c> {
    choose: Choose<'c>,
    /// Option-typed macro variables in scope (`option` first).
    options: Vec<String>,
    /// Quarter-typed macro variables in scope.
    quarters: Vec<String>,
    depth: u32,
}

impl Gen<'_> {
    fn below(&mut self, n: u64) -> u64 {
        (self.choose)(n)
    }

    fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[(self.choose)(from.len() as u64) as usize]
    }

    fn option(&mut self) -> String {
        let i = (self.choose)(self.options.len() as u64) as usize;
        self.options[i].clone()
    }

    fn fresh(&self) -> String {
        format!("v{}", self.options.len() + self.quarters.len())
    }

    fn deeper<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.depth += 1;
        let t = f(self);
        self.depth -= 1;
        t
    }

    fn leaf(&self) -> bool {
        self.depth >= 4
    }

    /// Whether one more macro may nest (packs allow three).
    fn may_loop(&self) -> bool {
        self.options.len() - 1 + self.quarters.len() < 3
    }

    fn number(&mut self) -> String {
        let pick = if self.leaf() { 3 } else { 9 };
        match (self.choose)(pick) {
            0 => self.pick(NUMBERS).to_owned(),
            1 | 2 => {
                let o = self.option();
                format!("{o}.{}", self.pick(NUMBER_FIELDS))
            }
            3 => {
                let (a, b) = self.deeper(|g| (g.number(), g.number()));
                let op = self.pick(&["+", "-", "*", "/", "%"]);
                format!("({a} {op} {b})")
            }
            4 => format!("size({})", self.deeper(|g| g.list())),
            5 => format!("double({})", self.deeper(|g| g.number())),
            6 => format!("int({})", self.deeper(|g| g.number())),
            7 => match self.quarters.last().cloned() {
                Some(q) => format!("{q}.{}", self.pick(QUARTER_NUMBERS)),
                None => "menu.effective.crypto_pct".to_owned(),
            },
            _ => {
                let (c, a, b) = self.deeper(|g| (g.boolean(), g.number(), g.number()));
                format!("({c} ? {a} : {b})")
            }
        }
    }

    fn string(&mut self) -> String {
        match self.below(if self.leaf() { 2 } else { 4 }) {
            0 => self.pick(STRINGS).to_owned(),
            1 => {
                let o = self.option();
                format!("{o}.{}", self.pick(STRING_FIELDS))
            }
            2 => format!("label({})", self.deeper(|g| g.string())),
            _ => {
                let (a, b) = self.deeper(|g| (g.string(), g.string()));
                format!("({a} + {b})")
            }
        }
    }

    fn list(&mut self) -> String {
        match self.below(if self.leaf() { 3 } else { 7 }) {
            0 => "option_ids".to_owned(),
            1 => format!("{}.holdings", self.option()),
            2 => format!("{}.history", self.option()),
            3 => {
                let (a, b) = self.deeper(|g| (g.number(), g.number()));
                format!("[{a}, {b}]")
            }
            4 | 5 if !self.may_loop() => "option_ids".to_owned(),
            4 => {
                let v = self.fresh();
                self.options.push(v.clone());
                let n = self.deeper(|g| g.number());
                self.options.pop();
                format!("options.map({v}, {n})")
            }
            5 => {
                let v = self.fresh();
                self.options.push(v.clone());
                let b = self.deeper(|g| g.boolean());
                self.options.pop();
                format!("options.filter({v}, {b})")
            }
            _ => "[]".to_owned(),
        }
    }

    fn boolean(&mut self) -> String {
        match self.below(if self.leaf() { 4 } else { 14 }) {
            0 => {
                let (a, b) = self.deeper(|g| (g.number(), g.number()));
                let op = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
                format!("{a} {op} {b}")
            }
            1 => {
                let o = self.option();
                format!("{o}.{}", self.pick(BOOL_FIELDS))
            }
            2 => {
                let o = self.option();
                format!(
                    "has({o}.{})",
                    self.pick(&[NUMBER_FIELDS, STRING_FIELDS].concat())
                )
            }
            3 => {
                let (a, b) = self.deeper(|g| (g.string(), g.string()));
                let op = self.pick(&["==", "!=", "<"]);
                format!("{a} {op} {b}")
            }
            4 => format!("!({})", self.deeper(|g| g.boolean())),
            5 | 6 => {
                let (a, b) = self.deeper(|g| (g.boolean(), g.boolean()));
                let op = self.pick(&["&&", "||"]);
                format!("({a} {op} {b})")
            }
            7 | 8 if !self.may_loop() => format!("{}.qdia", self.option()),
            7 => {
                let v = self.fresh();
                self.options.push(v.clone());
                let b = self.deeper(|g| g.boolean());
                self.options.pop();
                let m = self.pick(&["all", "exists", "exists_one"]);
                format!("options.{m}({v}, {b})")
            }
            8 => {
                let v = self.fresh();
                let o = self.option();
                self.quarters.push(v.clone());
                let b = self.deeper(|g| g.boolean());
                self.quarters.pop();
                let m = self.pick(&["all", "exists"]);
                format!("{o}.history.{m}({v}, {b})")
            }
            9 => {
                let (x, l) = self.deeper(|g| (g.number(), g.list()));
                format!("{x} in {l}")
            }
            10 => {
                let (s, l) = self.deeper(|g| (g.string(), g.list()));
                format!("{s} in {l}")
            }
            11 => {
                let (s, t) = self.deeper(|g| (g.string(), g.string()));
                let f = self.pick(&["startsWith", "endsWith", "contains"]);
                format!("{s}.{f}({t})")
            }
            12 => format!("{} in option_ids", self.deeper(|g| g.string())),
            _ => {
                let (c, a, b) = self.deeper(|g| (g.boolean(), g.boolean(), g.boolean()));
                format!("({c} ? {a} : {b})")
            }
        }
    }
}

/// A boolean rule expression in option scope.
pub fn expression(choose: Choose) -> String {
    let mut g = Gen {
        choose,
        options: vec!["option".to_owned()],
        quarters: Vec::new(),
        depth: 0,
    };
    g.boolean()
}

/// A pack with one option-scope rule per expression (`TST001` …).
pub fn pack(expressions: &[String]) -> String {
    let mut out = String::from(
        "[pack]\nname = \"generated\"\ntitle = \"Generated\"\ndescription = \"Generated expressions.\"\n",
    );
    for (i, e) in expressions.iter().enumerate() {
        out.push_str(&format!(
            "\n[[rules]]\nid = \"TST{:03}\"\nname = \"generated-{i}\"\nseverity = \"error\"\nscope = \"option\"\n\
             summary = \"Generated.\"\ndescription = \"Generated.\"\nbasis = \"policy\"\n\
             authority = [{{ cite = \"Generated\", kind = \"investment-policy\", status = \"in-force\" }}]\n\
             help = \"none\"\ncheck = {}\nmessage = \"It fails.\"\nat = \"id\"\n",
            i + 1,
            toml_string(e)
        ));
    }
    out
}

fn toml_string(s: &str) -> String {
    format!("'''{s}'''")
}
