//! `menulint rules` and `menulint explain`

use super::{Failure, Outcome};
use crate::engine::exit;
use crate::policy::config::discover;
use crate::policy::{Policy, Selection};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// The config file to use, instead of the nearest `menulint.toml` above the current directory.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Write the listing to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Every built-in rule and every rule of the config's packs, with its state (in
    /// force, off, or in an opt-in pack and what puts it in force); table format.
    #[arg(long)]
    all: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// The rule, by id or name.
    rule: String,
    /// The config file to use, instead of the nearest `menulint.toml` above the current directory.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The date examples are checked as of (YYYY-MM-DD); defaults to today.
    #[arg(long, value_parser = super::parse_date)]
    as_of: Option<String>,
    /// Write the explanation to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn policy(config: Option<PathBuf>) -> Result<Policy, Failure> {
    let path = config.or_else(|| discover(&std::env::current_dir().unwrap_or_default()));
    Policy::load(path.as_deref(), &Selection::default()).map_err(|errors| {
        let reports: Vec<_> = errors
            .into_iter()
            .map(crate::engine::FileReport::from_errors)
            .collect();
        Failure::inputs(reports, false)
    })
}

pub(crate) fn run(args: RulesArgs) -> Outcome {
    let policy = policy(args.config)?;
    if args.all && args.format != Format::Table {
        return Err(Failure::usage(
            "--all lists the rules as a table; leave out --format",
        ));
    }
    let out = match args.format {
        Format::Table if args.all => {
            let builtin = crate::rules::RuleSet::builtin()
                .map_err(|_| Failure::usage("the built-in packs did not load"))?;
            crate::render::rules_table_all(&policy.rules, &builtin)
        }
        Format::Table => crate::render::rules_table(&policy.rules),
        Format::Markdown => crate::render::rules_markdown(&policy.rules),
        Format::Json => crate::render::rules_json(&policy.rules),
    };
    super::emit(&out, args.output.as_deref(), false).map(|()| exit::CLEAN)
}

pub(crate) fn explain(args: ExplainArgs) -> Outcome {
    let policy = policy(args.config)?;
    if let Some(code) = crate::diag::Code::all().find(|c| {
        c.as_str() == args.rule || c.as_str().strip_prefix("menulint::") == Some(&args.rule)
    }) {
        let text = format!(
            "{code}\n\n{}.\n\nmenulint reports it itself, about the input rather than a policy rule; {}\n",
            code.description(),
            if code.is_input_error() {
                "the file could not be checked (exit code 2)."
            } else {
                "it does not stop the file from being checked."
            }
        );
        return super::emit(&text, args.output.as_deref(), false).map(|()| exit::CLEAN);
    }
    let Some(rule) = policy.rules.rule(&args.rule) else {
        return Err(Failure::usage(format!(
            "no rule `{}`; `menulint rules` lists them",
            args.rule
        )));
    };
    let as_of = args.as_of.unwrap_or_else(crate::date::today);
    let examples = crate::engine::examples::run_examples(&policy.rules, rule, &as_of);
    let reads = crate::rules::reads(&policy.rules.env, rule);
    let text = crate::render::explain(rule, &examples, &reads);
    super::emit(&text, args.output.as_deref(), false).map(|()| exit::CLEAN)
}
