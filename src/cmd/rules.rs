//! `menulint rules`

use menulint::rules::RuleSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(args: RulesArgs) -> u8 {
    let rules = match RuleSet::builtin() {
        Ok(r) => r,
        Err(reports) => return super::print_load_errors(&reports, false),
    };
    let out = match args.format {
        Format::Table => menulint::render::rules_table(&rules),
        Format::Markdown => menulint::render::rules_markdown(&rules),
        Format::Json => menulint::render::rules_json(&rules),
    };
    print!("{out}");
    0
}
