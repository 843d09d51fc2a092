//! Every limit of the rule sandbox, in one place. Packs are data a sponsor writes:
//! a typo must not hang a CI job or exhaust its memory, and each limit below is
//! what stops one kind of runaway expression.

use std::time::Duration;

/// How deep macros (comprehensions) may nest in one expression: each level
/// multiplies the work by a list's size. Checked when the pack loads.
pub(crate) const MAX_NESTED_LOOPS: usize = 3;

/// How deep string-growing calls may nest: `s.replace('x', 'xx')` forty times
/// over is a terabyte. Checked when the pack loads.
pub(crate) const MAX_NESTED_GROWTH: usize = 3;

/// How long one rule may run on one option (or the plan) in the interpreter; past
/// it, its evaluation stops with an error.
pub(crate) const EVAL_TIME_BUDGET: Duration = Duration::from_secs(2);

/// How many variable look-ups one rule may make on one option in the interpreter.
pub(crate) const EVAL_LOOKUP_BUDGET: u64 = 20_000_000;

/// What one rule may spend on one option in the interpreter: the two limits
/// above by default; a smaller one lets a test reach it in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalBudget {
    pub time: Duration,
    pub lookups: u64,
}

impl Default for EvalBudget {
    fn default() -> Self {
        EvalBudget {
            time: EVAL_TIME_BUDGET,
            lookups: EVAL_LOOKUP_BUDGET,
        }
    }
}

/// Largest string (bytes) or list or map (entries) a `let` may hold: a chain of
/// lets doubling a string would otherwise exhaust memory and abort.
pub(crate) const MAX_VALUE_SIZE: usize = 1 << 20;

/// How many steps one native evaluation may take before it hands over to the
/// interpreter, which enforces the rule budget and words its error.
pub(crate) const NATIVE_STEPS: u64 = 1_000_000;

/// The longest string or list a native program builds before handing over.
pub(crate) const NATIVE_MAX_LEN: usize = 1 << 20;

/// Largest compiled `matches` pattern accepted, in bytes of the regex engine's program.
pub(crate) const REGEX_SIZE_LIMIT: usize = 1 << 20;
