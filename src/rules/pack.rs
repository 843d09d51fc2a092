//! Rule packs: TOML files of rules, read with spans and compiled once.

use super::expr::{Expr, Parser};
use super::refs;
use super::template::Template;
use super::view::Ty;
use crate::diag::{
    Acts, Authority, AuthorityKind, AuthorityStatus, Basis, Code, Finding, Monitor, RuleInfo,
    Scope, Severity, SourceFile, Span,
};
use cel::Env;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use toml::Spanned;

/// The packs shipped in the binary, by name.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    ("crypto", include_str!("../../rules/crypto.toml")),
    ("scope", include_str!("../../rules/scope.toml")),
    ("disclosure", include_str!("../../rules/disclosure.toml")),
    ("structure", include_str!("../../rules/structure.toml")),
    ("fees", include_str!("../../rules/fees.toml")),
    ("selection", include_str!("../../rules/selection.toml")),
    ("monitoring", include_str!("../../rules/monitoring.toml")),
];

/// The pack format's JSON Schema, for editors (a pack's `#:schema` line, the language
/// server's hover and completion) and `menulint schema pack`.
pub const PACK_SCHEMA: &str = include_str!("../../schemas/pack.schema.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackToml {
    pack: PackHeader,
    #[serde(default)]
    rules: Vec<Spanned<RuleToml>>,
}

/// A pack's own description.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    /// How configs, `--select` and listings name the pack (`crypto`).
    pub name: String,
    /// Its title, for listings and documents.
    pub title: String,
    /// What the pack is for, in a sentence or two.
    pub description: String,
    /// In force when a config names no packs; `false` makes a pack opt-in.
    #[serde(default = "in_force")]
    pub default: bool,
}

fn in_force() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleToml {
    id: Spanned<String>,
    name: Spanned<String>,
    severity: Severity,
    scope: Scope,
    summary: String,
    description: String,
    basis: Basis,
    /// Who acts on a finding; by default the basis decides (`Acts::default_for`).
    acts: Option<Acts>,
    #[serde(rename = "authority")]
    authorities: Vec<Spanned<AuthorityToml>>,
    help: String,
    advice: Option<String>,
    #[serde(default)]
    params: BTreeMap<String, toml::Value>,
    #[serde(default, rename = "let")]
    lets: BTreeMap<String, Spanned<String>>,
    when: Option<Spanned<String>>,
    /// What the rule needs to be decided at all: when it is false the figure the rule
    /// caps is not computed, and the verdict is "incomplete", never a pass.
    requires: Option<RequiresToml>,
    check: Spanned<String>,
    message: Spanned<String>,
    at: Spanned<String>,
    label: Option<Spanned<String>>,
    #[serde(default)]
    also: Vec<AlsoToml>,
    measure: Option<MeasureToml>,
    /// `watch`: failing puts the option on the watch list (evaluated quarter by
    /// quarter to date it); `replace`: failing recommends replacing it.
    monitor: Option<Monitor>,
    #[serde(default)]
    examples: Vec<ExampleToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorityToml {
    cite: String,
    kind: AuthorityKind,
    status: AuthorityStatus,
    issued: Option<toml::value::Datetime>,
    effective: Option<toml::value::Datetime>,
    rescinded: Option<toml::value::Datetime>,
    url: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasureToml {
    figure: String,
    value: Spanned<String>,
    limit: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequiresToml {
    check: Spanned<String>,
    message: Spanned<String>,
    /// What to add so the rule can be decided.
    help: String,
    /// The same, in the committee's documents' words (no field names).
    advice: Option<String>,
    /// Where the finding points (a template, as the rule's `at`); the option or the
    /// plan without it.
    at: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlsoToml {
    at: Spanned<String>,
    label: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleToml {
    title: String,
    fails: bool,
    menu: String,
}

/// A secondary label: where, and what it says.
#[derive(Debug)]
pub(crate) struct Also {
    pub at: Template,
    pub label: Template,
}

/// The figure a rule caps, so that reports chart it and the diff can tell a
/// finding that got worse: `check` holds `value <= limit`.
#[derive(Debug)]
pub(crate) struct Measure {
    pub value: Expr,
    pub limit: Expr,
}

/// A menu shipped with a rule to show (and test) when it passes or fails.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Example {
    /// What the example shows, in words.
    pub title: String,
    /// Whether the rule fails on it (the tests hold it to this).
    pub fails: bool,
    /// Its `[[options]]` (and any tables they need), as TOML; the plan header is added.
    pub menu: String,
}

impl Example {
    /// The example as a complete menu: a plan header, then the example's options.
    pub fn to_source(&self, rule_id: &str, index: usize) -> SourceFile {
        let text = format!(
            "schema_version = 1\n\n[plan]\nname = \"Example Plan\"\nsponsor = \"Example Sponsor\"\n\n{}",
            self.menu
        );
        SourceFile::new(format!("{rule_id}-example-{}.toml", index + 1), text)
    }
}

/// A rule: its texts (an [`RuleInfo`] that findings share), its parameters, and its
/// CEL, compiled once — when the pack loads for a sponsor's pack (so a mistake is
/// reported at load), on first use for a built-in pack (tested here, and most of a
/// one-menu run would otherwise go to compiling rules that are off or never fire).
pub struct Rule {
    /// Its id, name, texts, severity and authority, which its findings share.
    pub info: Arc<RuleInfo>,
    /// Parameters with their effective values.
    pub params: BTreeMap<String, serde_json::Value>,
    /// Parameters as the pack sets them, before any config override.
    pub defaults: BTreeMap<String, serde_json::Value>,
    /// The rule's CEL as written.
    pub logic: Logic,
    /// What a `measure` measures, in words.
    pub measure_figure: Option<String>,
    compiled: OnceLock<Result<Compiled, String>>,
    env: Arc<Env>,
    /// Menus it passes and fails, shown by `explain` and run by the tests.
    pub examples: Vec<Example>,
    /// False when the config or the command line switched the rule off.
    pub enabled: bool,
    /// Its pack is opt-in (`default = false`): in force only where a config's `packs`
    /// names it (or, for monitoring, with a history).
    pub opt_in: bool,
    /// Where the rule is defined: the pack file's name and the `[[rules]]` header.
    pub file: String,
    /// The `[[rules]]` header's bytes in the pack file.
    pub span: Span,
    /// `file:line` of the `[[rules]]` header, for messages.
    pub location: String,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.info.id).finish()
    }
}

/// A rule's CEL as written, with where each piece is in its pack.
#[derive(Debug, Clone)]
pub struct Logic {
    /// Named values, `let = { name = "expr" }`, bound in name order.
    pub lets: Vec<(String, Spanned<String>)>,
    /// The guard: the rule applies only where it holds.
    pub when: Option<Spanned<String>>,
    /// `requires`: its check, the message when it does not hold, what to add, and
    /// where it points.
    pub requires: Option<Requires>,
    /// True when compliant.
    pub check: Spanned<String>,
    /// The figure `check` caps and its limit (`value <= limit`).
    pub measure: Option<(Spanned<String>, Spanned<String>)>,
    /// The finding's message (a template).
    pub message: Spanned<String>,
    /// The field the finding points at (a template, relative to the option).
    pub at: Spanned<String>,
    /// The text under the pointed-at field (a template).
    pub label: Option<Spanned<String>>,
    /// Further places to label: where and what (templates).
    pub also: Vec<(Spanned<String>, Spanned<String>)>,
}

/// A rule's `requires`, as written.
#[derive(Debug, Clone)]
pub struct Requires {
    pub check: Spanned<String>,
    pub message: Spanned<String>,
    pub help: String,
    pub at: Option<Spanned<String>>,
}

/// A rule's `requires`, compiled.
#[derive(Debug)]
pub(crate) struct CompiledRequires {
    pub check: Expr,
    pub message: Template,
    pub help: String,
    pub at: Option<Template>,
}

/// A rule's CEL, compiled.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub lets: Vec<(String, Expr)>,
    /// Whether `check` reads a `let`; when not, the lets wait until the check fails, as
    /// only the message needs them.
    pub check_uses_lets: bool,
    pub when: Option<Expr>,
    /// When it is false, the rule is not decided: an incomplete finding.
    pub requires: Option<CompiledRequires>,
    pub check: Expr,
    pub measure: Option<Measure>,
    pub message: Template,
    pub at: Template,
    pub label: Option<Template>,
    pub also: Vec<Also>,
}

impl Rule {
    /// Compiles the rule's CEL and its templates (a built-in rule's compile on first
    /// use): the first problem, if any, in words.
    pub fn compile_all(&self) -> Result<(), String> {
        let c = self.compiled()?;
        [&c.message, &c.at]
            .into_iter()
            .chain(c.label.iter())
            .chain(c.also.iter().flat_map(|a| [&a.at, &a.label]))
            .try_for_each(|t| {
                t.force()
                    .map_err(|e| format!("template {:?}: {e}", t.source()))
            })
    }

    /// The rule's compiled CEL; compiles it on first use.
    pub(crate) fn compiled(&self) -> Result<&Compiled, String> {
        self.compiled
            .get_or_init(|| {
                compile_logic(&self.env, &self.logic).map_err(|errors| {
                    errors
                        .into_iter()
                        .map(|(_, m)| m)
                        .collect::<Vec<_>>()
                        .join("; ")
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Compiles a rule's CEL (templates too, unless `defer_templates`); every error with
/// its span.
fn compile_logic(env: &Arc<Env>, logic: &Logic) -> Result<Compiled, Vec<(Span, String)>> {
    compile_with(env, logic, true)
}

/// A built-in rule (`builtin`) compiles with the Pratt parser and defers its
/// templates; a sponsor's compiles whole with the reference parser.
fn compile_with(
    env: &Arc<Env>,
    logic: &Logic,
    builtin: bool,
) -> Result<Compiled, Vec<(Span, String)>> {
    let parser = if builtin {
        Parser::Pratt
    } else {
        Parser::Reference
    };
    let mut errors = Vec::new();
    let mut expr = |s: &Spanned<String>| match Expr::compile(env, parser, s.get_ref()) {
        Ok(e) => Some(e),
        Err(msg) => {
            errors.push((s.span(), format!("invalid CEL expression: {msg}")));
            None
        }
    };
    let lets: Vec<(String, Option<Expr>)> = logic
        .lets
        .iter()
        .map(|(k, v)| (k.clone(), expr(v)))
        .collect();
    let when = logic.when.as_ref().map(&mut expr);
    let requires_check = logic.requires.as_ref().map(|r| expr(&r.check));
    let check = expr(&logic.check);
    let measure = logic.measure.as_ref().map(|(v, l)| (expr(v), expr(l)));
    let mut template = |s: &Spanned<String>| -> Option<Template> {
        if builtin {
            return Some(Template::deferred(env.clone(), s.get_ref()));
        }
        match Template::compile(env, s.get_ref()) {
            Ok(t) => Some(t),
            Err(msg) => {
                errors.push((s.span(), format!("invalid template: {msg}")));
                None
            }
        }
    };
    let message = template(&logic.message);
    let requires_message = logic.requires.as_ref().map(|r| template(&r.message));
    let requires_at = logic
        .requires
        .as_ref()
        .and_then(|r| r.at.as_ref())
        .map(&mut template);
    let at = template(&logic.at);
    let label = logic.label.as_ref().map(&mut template);
    let also: Vec<(Option<Template>, Option<Template>)> = logic
        .also
        .iter()
        .map(|(a, l)| (template(a), template(l)))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let missing = || {
        vec![(
            logic.check.span(),
            "the rule could not be compiled".to_owned(),
        )]
    };
    let lets: Vec<(String, Expr)> = lets
        .into_iter()
        .map(|(k, e)| e.map(|e| (k, e)))
        .collect::<Option<_>>()
        .ok_or_else(missing)?;
    let check = check.ok_or_else(missing)?;
    let when = when.map_or(Ok(None), |w| w.map(Some).ok_or_else(missing))?;
    let label = label.map_or(Ok(None), |l| l.map(Some).ok_or_else(missing))?;
    let requires = match (requires_check, requires_message) {
        (Some(Some(check)), Some(Some(message))) => Some(CompiledRequires {
            check,
            message,
            help: logic
                .requires
                .as_ref()
                .map(|r| r.help.clone())
                .unwrap_or_default(),
            at: match requires_at {
                Some(Some(at)) => Some(at),
                Some(None) => return Err(missing()),
                None => None,
            },
        }),
        (None, None) => None,
        _ => return Err(missing()),
    };
    let also = also
        .into_iter()
        .map(|(a, l)| Some(Also { at: a?, label: l? }))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(missing)?;
    let measure = match measure {
        None => None,
        Some((Some(value), Some(limit))) => Some(Measure { value, limit }),
        Some(_) => return Err(missing()),
    };
    Ok(Compiled {
        check_uses_lets: lets.iter().any(|(name, _)| check.uses(name)),
        lets,
        when,
        requires,
        check,
        measure,
        message: message.ok_or_else(missing)?,
        at: at.ok_or_else(missing)?,
        label,
        also,
    })
}

impl std::ops::Deref for Rule {
    type Target = RuleInfo;

    fn deref(&self) -> &RuleInfo {
        &self.info
    }
}

/// A loaded pack: its header, source and rules.
#[derive(Debug)]
pub struct Pack {
    /// Its `[pack]` table.
    pub header: PackHeader,
    /// The pack file, for findings about it.
    pub source: SourceFile,
    /// Its rules, in the file's order.
    pub rules: Vec<Rule>,
    /// What is wrong but does not stop the pack from loading (a rescinded authority).
    pub warnings: Vec<Finding>,
}

/// The CEL environment every rule is compiled against.
pub(crate) fn cel_env() -> Env {
    let mut env = Env::stdlib();
    // the extensions only add functions; failing here is a build defect
    env.add_extension(cel::extensions::strings)
        .and_then(|()| env.add_extension(cel::extensions::lists))
        .and_then(|()| env.add_extension(cel::extensions::math))
        .and_then(|()| super::functions::add_matches(&mut env))
        .and_then(|()| super::functions::add_ordered_keys(&mut env))
        .expect("CEL extensions register");
    env
}

/// Parses and compiles one pack, with every check a sponsor's pack gets. Every
/// problem is a finding in the pack file.
pub fn load_pack(source: SourceFile) -> Result<Pack, Vec<Finding>> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    load_pack_in(ENV.get_or_init(|| Arc::new(cel_env())), source)
}

/// As [`load_pack`], in the environment of the rule set the pack joins.
pub(crate) fn load_pack_in(env: &Arc<Env>, source: SourceFile) -> Result<Pack, Vec<Finding>> {
    load(env, source, false)
}

/// Loads a built-in pack (a source whose text is one of [`BUILTIN_PACKS`]) from its
/// build-time digest (see `build.rs`); its CEL is known good and compiles on first use.
/// `None` for any other source.
pub(crate) fn load_builtin(
    env: &Arc<Env>,
    source: &SourceFile,
) -> Option<Result<Pack, Vec<Finding>>> {
    let node = super::digest::digest(builtin_name(source)?)?;
    Some(match super::digest::read::<PackToml>(node) {
        Ok(parsed) => build(env, source.clone(), parsed, true),
        Err(e) => Err(vec![Finding::input_error(
            Code::RulePack,
            format!("the built-in pack does not read: {e}"),
            Some(source),
            None,
        )]),
    })
}

/// The name of the built-in pack whose text `source` has.
pub(crate) fn builtin_name(source: &SourceFile) -> Option<&'static str> {
    BUILTIN_PACKS
        .iter()
        .find(|(_, text)| *text == source.text())
        .map(|(name, _)| *name)
}

fn load(env: &Arc<Env>, source: SourceFile, deferred: bool) -> Result<Pack, Vec<Finding>> {
    let parsed: PackToml = toml::from_str(source.text()).map_err(|e| {
        vec![
            Finding::input_error(Code::RulePack, e.message().trim(), Some(&source), e.span())
                .with_label("here")
                .with_help("see the rule-pack format in README.md (\"Writing rules\")")
                .with_suggested_name(&source),
        ]
    })?;
    build(env, source, parsed, deferred)
}

/// Checks a parsed pack and makes its rules; `deferred` for a built-in pack.
fn build(
    env: &Arc<Env>,
    source: SourceFile,
    parsed: PackToml,
    deferred: bool,
) -> Result<Pack, Vec<Finding>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut rules = Vec::new();
    let mut functions = refs::Functions::new(env.clone());
    for spanned in parsed.rules {
        let rule_span = spanned.span();
        let r = spanned.into_inner();
        let mut err = |span: Span, msg: String| {
            errors.push(
                Finding::input_error(Code::RulePack, msg, Some(&source), Some(span))
                    .with_label("here"),
            );
        };
        let id_ok = r.id.get_ref().len() == 6
            && r.id.get_ref()[..3].bytes().all(|b| b.is_ascii_uppercase())
            && r.id.get_ref()[3..].bytes().all(|b| b.is_ascii_digit());
        if !id_ok {
            err(
                r.id.span(),
                format!(
                    "rule id `{}` must be three capitals and three digits, like ABC123",
                    r.id.get_ref()
                ),
            );
        }
        let name_ok = !r.name.get_ref().is_empty()
            && r.name
                .get_ref()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !name_ok {
            err(
                r.name.span(),
                format!("rule name `{}` must be kebab-case", r.name.get_ref()),
            );
        }
        for (name, value) in &r.lets {
            // a dotted name would shadow a field (`option.name`) in CEL's name resolution
            let identifier = name
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !identifier {
                err(
                    value.span(),
                    format!(
                        "`let` name `{name}` is not a name CEL can read: use letters, digits \
                         and `_`, not starting with a digit"
                    ),
                );
            } else if super::view::is_variable(name) {
                err(
                    value.span(),
                    format!("`let` cannot rebind `{name}`, a variable every rule sees"),
                );
            }
        }
        if r.authorities.is_empty() {
            errors.push(
                Finding::input_error(
                    Code::RulePack,
                    format!(
                        "rule {} names no authority; add at least one [[rules.authority]]",
                        r.id.get_ref()
                    ),
                    Some(&source),
                    Some(r.id.span()),
                )
                .with_label("here")
                .with_help("cite the regulation, guidance or investment policy the rule comes from, with its kind and status"),
            );
        }
        let authorities: Vec<Authority> = r
            .authorities
            .iter()
            .map(|a| {
                let span = a.span();
                let a = a.get_ref();
                if a.status.is_void() {
                    warnings.push(
                        Finding::input_error(
                            Code::Authority,
                            format!(
                                "rule {} cites {}, which is {}{}",
                                r.id.get_ref(),
                                a.cite,
                                a.status.as_str(),
                                a.rescinded.map_or(String::new(), |d| format!(" (since {d})"))
                            ),
                            Some(&source),
                            Some(span),
                        )
                        .with_label(a.status.as_str())
                        .with_help("cite the authority in force instead, or mark the rule as investment policy")
                        .with_severity(Severity::Warning),
                    );
                }
                Authority {
                    cite: a.cite.clone(),
                    kind: a.kind,
                    status: a.status,
                    issued: a.issued.map(|d| d.to_string()),
                    effective: a.effective.map(|d| d.to_string()),
                    rescinded: a.rescinded.map(|d| d.to_string()),
                    url: a.url.clone(),
                    note: a.note.clone(),
                }
            })
            .collect();
        let citation = authorities
            .iter()
            .map(Authority::short)
            .collect::<Vec<_>>()
            .join("; ");
        let params: BTreeMap<String, serde_json::Value> = r
            .params
            .iter()
            .map(|(k, v)| (k.clone(), toml_to_json(v)))
            .collect();
        let measure_figure = r.measure.as_ref().map(|m| m.figure.clone());
        let undecided_advice = r.requires.as_ref().and_then(|q| q.advice.clone());
        let logic = Logic {
            lets: r.lets.into_iter().collect(),
            when: r.when,
            requires: r.requires.map(|q| Requires {
                check: q.check,
                message: q.message,
                help: q.help,
                at: q.at,
            }),
            check: r.check,
            measure: r.measure.map(|m| (m.value, m.limit)),
            message: r.message,
            at: r.at,
            label: r.label,
            also: r.also.into_iter().map(|a| (a.at, a.label)).collect(),
        };
        // a sponsor's pack compiles now, templates too, so its mistakes show at load
        let compiled = OnceLock::new();
        if !deferred {
            match compile_with(env, &logic, false) {
                Ok(c) => {
                    // a built-in pack passes this in tests
                    let names = check_names(
                        env,
                        &mut functions,
                        r.id.get_ref(),
                        &logic,
                        &params,
                        &source,
                    );
                    if !names.is_empty() {
                        errors.extend(names);
                        continue;
                    }
                    let _ = compiled.set(Ok(c));
                }
                Err(errs) => {
                    for (span, msg) in errs {
                        errors.push(
                            Finding::input_error(Code::RulePack, msg, Some(&source), Some(span))
                                .with_label("here"),
                        );
                    }
                    continue;
                }
            }
        }
        rules.push(Rule {
            info: Arc::new(RuleInfo {
                id: r.id.into_inner(),
                name: r.name.into_inner(),
                pack: parsed.pack.name.clone(),
                severity: r.severity,
                scope: r.scope,
                summary: r.summary,
                description: r.description,
                help: r.help,
                advice: r.advice,
                undecided_advice,
                basis: r.basis,
                acts: r.acts.unwrap_or(Acts::default_for(r.basis)),
                authorities,
                citation,
                monitor: r.monitor,
                builtin: deferred,
            }),
            defaults: params.clone(),
            params,
            logic,
            measure_figure,
            compiled,
            env: env.clone(),
            examples: r
                .examples
                .into_iter()
                .map(|e| Example {
                    title: e.title,
                    fails: e.fails,
                    menu: e.menu,
                })
                .collect(),
            enabled: true,
            opt_in: !parsed.pack.default,
            file: source.name().to_owned(),
            location: format!("{}:{}", source.name(), source.position(rule_span.start).0),
            span: rule_span,
        });
    }
    if errors.is_empty() {
        Ok(Pack {
            header: parsed.pack,
            source,
            rules,
            warnings,
        })
    } else {
        Err(errors)
    }
}

/// Every name the rule's expressions and templates read must exist (see `refs`):
/// a variable, a field along any path, a declared parameter, a function. `when`
/// sees no `let`; each `let` sees those bound before it (alphabetical order).
pub(crate) fn check_names(
    env: &Arc<Env>,
    functions: &mut refs::Functions,
    rule_id: &str,
    logic: &Logic,
    params: &BTreeMap<String, serde_json::Value>,
    source: &SourceFile,
) -> Vec<Finding> {
    let mut found = Vec::new();
    walk_names(env, functions, logic, params, |s, offset, checked| {
        for p in checked.problems {
            let within = offset + p.span.start..offset + p.span.end;
            found.push(
                Finding::input_error(
                    Code::RulePack,
                    format!("rule {rule_id}: {}", p.message),
                    Some(source),
                    Some(locate(source, s, within)),
                )
                .with_label("used here")
                .with_help(p.help),
            );
        }
    });
    found
}

/// The variables and fields a rule reads, each by its path from a rule variable
/// (see [`refs::Checked::reads`]), deepest paths only, with their types.
pub(crate) fn reads(env: &Arc<Env>, rule: &Rule) -> BTreeMap<String, Ty> {
    let mut functions = refs::Functions::new(env.clone());
    let mut all = BTreeMap::new();
    walk_names(
        env,
        &mut functions,
        &rule.logic,
        &rule.params,
        |_, _, checked| {
            all.extend(checked.reads);
        },
    );
    refs::leaves(all)
}

/// Checks each expression and template placeholder of a rule in the scope it runs
/// in, and hands `visit` each result with its expression and the offset within it.
fn walk_names(
    env: &Arc<Env>,
    functions: &mut refs::Functions,
    logic: &Logic,
    params: &BTreeMap<String, serde_json::Value>,
    mut visit: impl FnMut(&Spanned<String>, usize, refs::Checked),
) {
    let base = refs::Scope::base(params);
    let names: Vec<String> = logic.lets.iter().map(|(n, _)| n.clone()).collect();
    // `when` runs before the `let`s; `requires` after them
    if let Some(w) = &logic.when {
        let scope = refs::Scope {
            vars: base.clone(),
            later: &names,
        };
        visit(w, 0, refs::check(env, functions, w.get_ref(), &scope));
    }
    let mut vars = base;
    for (i, (name, e)) in logic.lets.iter().enumerate() {
        let scope = refs::Scope {
            vars: vars.clone(),
            later: &names[i..],
        };
        let checked = refs::check(env, functions, e.get_ref(), &scope);
        let ty = checked.ty.clone();
        visit(e, 0, checked);
        vars.push((name.clone(), ty));
    }
    let scope = refs::Scope { vars, later: &[] };
    let mut exprs = vec![&logic.check];
    exprs.extend(logic.requires.iter().map(|r| &r.check));
    exprs.extend(logic.measure.iter().flat_map(|(v, l)| [v, l]));
    for e in exprs {
        visit(e, 0, refs::check(env, functions, e.get_ref(), &scope));
    }
    let mut templates = vec![&logic.message, &logic.at];
    templates.extend(logic.label.iter());
    templates.extend(logic.also.iter().flat_map(|(a, l)| [a, l]));
    templates.extend(
        logic
            .requires
            .iter()
            .flat_map(|r| r.at.iter().chain([&r.message])),
    );
    for t in templates {
        let text = t.get_ref().as_str();
        for piece in super::template::split(text).0 {
            if let super::template::Piece::Placeholder(e) = piece {
                let offset = e.as_ptr() as usize - text.as_ptr() as usize;
                visit(t, offset, refs::check(env, functions, e, &scope));
            }
        }
    }
}

/// The span in the pack of `within` (a range of the expression's text): exact when
/// the TOML string holds the text as written (no escapes), else the whole string.
fn locate(source: &SourceFile, s: &Spanned<String>, within: Span) -> Span {
    let span = s.span();
    let raw = source.text().get(span.clone()).unwrap_or_default();
    let text = s.get_ref();
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        let Some(inner) = raw.strip_prefix(quote).and_then(|r| r.strip_suffix(quote)) else {
            continue;
        };
        // a multi-line string drops the newline right after its opening quotes
        let skip = if quote.len() == 3 {
            inner.len()
                - inner
                    .strip_prefix("\r\n")
                    .or_else(|| inner.strip_prefix('\n'))
                    .unwrap_or(inner)
                    .len()
        } else {
            0
        };
        if inner.get(skip..) == Some(text.as_str()) {
            let start = span.start + quote.len() + skip;
            return start + within.start..start + within.end;
        }
        break;
    }
    span
}

/// TOML to JSON, with dates as ISO strings (as in menus).
pub(crate) fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {

    /// The keys (or values) serde says a table (or an enum) takes, from its error on
    /// one it does not: the schema is held to the reader itself, not to a copy.
    fn expected_by_reader(pack: &str) -> Vec<String> {
        let err = match toml::from_str::<PackToml>(pack) {
            Ok(_) => panic!("{pack} parses"),
            Err(e) => e.message().to_owned(),
        };
        let list = &err[err.find("expected").unwrap_or_else(|| panic!("{err}"))..];
        let mut keys: Vec<String> = list
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        keys.sort();
        keys
    }

    fn schema_keys(node: &serde_json::Value) -> Vec<String> {
        let mut keys: Vec<String> = node["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn the_pack_schema_is_the_pack_format() {
        let schema: serde_json::Value = serde_json::from_str(PACK_SCHEMA).unwrap();
        let defs = &schema["$defs"];
        let rule = &defs["rule"];
        let header = "[pack]\nname = \"a\"\ntitle = \"b\"\ndescription = \"c\"\n";
        let cases = [
            ("bogus = 1\n".to_owned(), &schema),
            (
                "[pack]\nbogus = 1\n".to_owned(),
                &schema["properties"]["pack"],
            ),
            (format!("{header}[[rules]]\nbogus = 1\n"), rule),
            (
                format!("{header}[[rules]]\nauthority = [{{ bogus = 1 }}]\n"),
                &defs["authority"],
            ),
            (
                format!("{header}[[rules]]\nrequires = {{ bogus = 1 }}\n"),
                &rule["properties"]["requires"],
            ),
            (
                format!("{header}[[rules]]\nmeasure = {{ bogus = 1 }}\n"),
                &rule["properties"]["measure"],
            ),
            (
                format!("{header}[[rules]]\nalso = [{{ bogus = 1 }}]\n"),
                &rule["properties"]["also"]["items"],
            ),
            (
                format!("{header}[[rules]]\n[[rules.examples]]\nbogus = 1\n"),
                &rule["properties"]["examples"]["items"],
            ),
        ];
        for (pack, node) in cases {
            assert_eq!(expected_by_reader(&pack), schema_keys(node), "{pack}");
        }
        // every enum the schema offers is the reader's
        let mut enums: Vec<(String, &serde_json::Value)> =
            ["severity", "scope", "basis", "acts", "monitor"]
                .into_iter()
                .map(|key| {
                    let pack = format!("{header}[[rules]]\n{key} = \"bogus\"\n");
                    (pack, &rule["properties"][key])
                })
                .collect();
        enums.extend(["kind", "status"].into_iter().map(|key| {
            let pack = format!("{header}[[rules]]\nauthority = [{{ {key} = \"bogus\" }}]\n");
            (pack, &defs["authority"]["properties"][key])
        }));
        for (pack, node) in enums {
            let mut values: Vec<String> = node["enum"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect();
            values.sort();
            assert_eq!(expected_by_reader(&pack), values, "{pack}");
        }
        // and every built-in pack is valid against it
        let validator = jsonschema::validator_for(&schema).unwrap();
        for (name, text) in BUILTIN_PACKS {
            let value: toml::Value = toml::from_str(text).unwrap();
            let json = toml_to_json(&value);
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{name}: {errors:#?}");
        }
        let wrong = serde_json::json!({ "pack": { "name": "a", "title": "b" } });
        assert!(!validator.is_valid(&wrong));
    }
    use super::*;

    /// Everything a loaded pack holds, spans included, as text to compare.
    fn fingerprint(pack: &Pack) -> String {
        let mut out = format!("{:?}\n", pack.header);
        for r in &pack.rules {
            out.push_str(&format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{} {:?} {}\n",
                r.info,
                r.params,
                r.defaults,
                r.logic,
                r.measure_figure,
                r.examples,
                r.file,
                r.span,
                r.location
            ));
        }
        for w in &pack.warnings {
            out.push_str(&format!("{w:?}\n"));
        }
        out
    }

    /// The build-time digest must give the rules that reading the pack's TOML gives,
    /// every span included: findings point into the text, which still ships.
    #[test]
    fn every_built_in_pack_reads_the_same_from_its_digest_as_from_its_toml() {
        let env = Arc::new(cel_env());
        for (name, _) in BUILTIN_PACKS {
            let source = crate::rules::builtin_pack(name).expect("built-in pack");
            let from_toml = load(&env, source.clone(), true).expect("TOML loads");
            let from_digest = load_builtin(&env, &source)
                .expect("a built-in pack has a digest")
                .expect("digest loads");
            assert!(!from_toml.rules.is_empty(), "{name}: no rules");
            assert_eq!(fingerprint(&from_digest), fingerprint(&from_toml), "{name}");
        }
    }

    /// Every name a built-in rule reads exists: the pack check finds nothing in the
    /// shipped packs (it runs when a sponsor's pack loads, and here for ours).
    #[test]
    fn every_name_the_built_in_rules_read_exists() {
        let env = Arc::new(cel_env());
        let mut functions = refs::Functions::new(env.clone());
        let mut rules = 0;
        let mut problems = Vec::new();
        for (name, _) in BUILTIN_PACKS {
            let source = crate::rules::builtin_pack(name).expect("built-in pack");
            let pack = load(&env, source.clone(), true).expect("loads");
            for rule in &pack.rules {
                rules += 1;
                let found = check_names(
                    &env,
                    &mut functions,
                    &rule.id,
                    &rule.logic,
                    &rule.defaults,
                    &source,
                );
                problems.extend(found.into_iter().map(|f| format!("{name}: {}", f.message)));
            }
        }
        assert!(rules > 40, "only {rules} rules");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
