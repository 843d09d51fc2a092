//! The command line: the arguments (clap is used only here), one module per
//! subcommand, and the one error type a command stops with (`Failure`).

mod check;
mod choice;
mod diff;
mod disclose;
mod import;
mod init;
mod monitor;
mod report;
mod rules;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// Lint 401(k) investment menus against fiduciary policy rules.
#[derive(Debug, Parser)]
#[command(name = "menulint", version = env!("MENULINT_VERSION"), about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check menus against the policy rules.
    Check(Box<check::CheckArgs>),
    /// Compare a proposed menu with the current one: options, plan figures, findings.
    Diff(diff::DiffArgs),
    /// Write the compliance report for the fiduciary committee (HTML, Markdown or PDF).
    Report(report::ReportArgs),
    /// Write the committee's selection dossier: each option's six-factor record.
    Dossier(report::ReportArgs),
    /// Write the participants' comparative chart of the options' performance and fees
    /// (29 CFR 2550.404a-5(d)): HTML, Markdown, PDF or CSV.
    Disclose(disclose::DiscloseArgs),
    /// Convert a recordkeeper or data-vendor lineup export (CSV, XLSX, XLS, ODS) to a menu.
    Import(import::ImportArgs),
    /// The watch list: each option's monitoring status from its quarterly history.
    Monitor(monitor::MonitorArgs),
    /// List the rules in force.
    Rules(rules::RulesArgs),
    /// Explain one rule: what it checks, why, its parameters and examples.
    Explain(rules::ExplainArgs),
    /// Write a commented starter `menulint.toml` and an example menu.
    Init(init::InitArgs),
    /// Print the JSON Schema of the menu format, the config or the lineup mapping.
    Schema(SchemaArgs),
    /// Print a shell's completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Run the language server (LSP over standard input and output) for editors:
    /// findings as you type, hover, completion and quick fixes.
    Server,
    /// Print the man page (roff): `menulint man > menulint.1`, or a command's own,
    /// `menulint man check > menulint-check.1`.
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
struct ManArgs {
    /// The command whose page to print (the top page lists them all).
    command: Option<String>,
}

#[derive(Debug, clap::Args)]
struct CompletionsArgs {
    /// The shell: source the script from its startup file.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
struct SchemaArgs {
    /// Which file's format.
    #[arg(value_enum, default_value_t = SchemaKind::Menu)]
    kind: SchemaKind,
}

/// The file formats menulint publishes a JSON Schema for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SchemaKind {
    Menu,
    Config,
    Mapping,
    Pack,
}

impl SchemaKind {
    /// The schema's text, as built into this menulint.
    pub(crate) fn text(self) -> &'static str {
        match self {
            SchemaKind::Menu => crate::menu::schema::MENU_SCHEMA,
            SchemaKind::Config => crate::policy::config::CONFIG_SCHEMA,
            SchemaKind::Mapping => crate::import::MAPPING_SCHEMA,
            SchemaKind::Pack => crate::rules::PACK_SCHEMA,
        }
    }

    /// Where this version's schema is published: the `#:schema` line of the files
    /// `init` writes, so an editor validates against the menulint that wrote them.
    pub(crate) fn url(self) -> String {
        let name = match self {
            SchemaKind::Menu => "menu",
            SchemaKind::Config => "config",
            SchemaKind::Mapping => "mapping",
            SchemaKind::Pack => "pack",
        };
        let raw = env!("CARGO_PKG_REPOSITORY").replacen(
            "https://github.com/",
            "https://raw.githubusercontent.com/",
            1,
        );
        format!("{raw}/{}/schemas/{name}.schema.json", env!("MENULINT_REV"))
    }
}

/// When to use colour in human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Resolves `auto` against `NO_COLOR` / `FORCE_COLOR` and whether stdout is a terminal.
    pub(crate) fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
                if set("NO_COLOR") || std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
                    false
                } else if set("FORCE_COLOR") {
                    true
                } else {
                    std::io::stdout().is_terminal()
                }
            }
        }
    }
}

/// Why a command stopped before its verdict: printed once, by [`run`], with exit
/// code 2. A command that reaches its verdict returns the verdict's exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A problem outside any file: bad usage, an output that cannot be written.
    Usage(String),
    /// Files that could not be used, each with its diagnostics.
    Inputs {
        reports: Vec<crate::engine::FileReport>,
        color: bool,
    },
}

impl Failure {
    pub(crate) fn usage(msg: impl Into<String>) -> Failure {
        Failure::Usage(msg.into())
    }

    pub(crate) fn inputs(reports: Vec<crate::engine::FileReport>, color: bool) -> Failure {
        Failure::Inputs { reports, color }
    }

    fn print(self) {
        match self {
            Failure::Usage(msg) => note(&format!("error: {msg}")),
            Failure::Inputs { reports, color } => {
                use std::io::Write;
                let style = crate::render::HumanStyle { color, width: 100 };
                let text = crate::render::render_human(&reports, style);
                let _ = write!(std::io::stderr(), "{text}");
            }
        }
    }
}

impl From<crate::engine::Refused> for Failure {
    fn from(r: crate::engine::Refused) -> Failure {
        match r {
            crate::engine::Refused::Usage(msg) => Failure::Usage(msg),
            crate::engine::Refused::Files(reports) => Failure::inputs(reports, false),
        }
    }
}

/// What a command gives: its exit code, or why it stopped.
pub(crate) type Outcome = Result<u8, Failure>;

/// Parses the arguments and runs the command: its verdict's exit code, or 2 when
/// it stopped before one (the failure printed once, here).
pub fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    ExitCode::from(dispatch(cli, &matches).unwrap_or_else(|failure| {
        failure.print();
        crate::engine::exit::NOT_CHECKED
    }))
}

/// Help and version as clap prints them; an argument error with the arguments it
/// quotes made safe for a terminal and a CI log (no escape sequence, no workflow
/// command), exit code 2.
fn usage(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        e.exit();
    }
    let mut text = e.render().to_string();
    // an argument clap quotes is shown with its control characters visible, line
    // breaks included, before the message is made safe line by line
    // (clap's plain rendering drops escape sequences, so the argument is looked for
    // without them too)
    let sequences = regex::Regex::new(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-_])").ok();
    for arg in std::env::args_os().skip(1) {
        let arg = arg.to_string_lossy().into_owned();
        let plain = sequences
            .as_ref()
            .map_or(arg.clone(), |r| r.replace_all(&arg, "").into_owned());
        for form in [arg, plain] {
            let shown = crate::render::escape::terminal(&form);
            if shown != form && !form.is_empty() {
                text = text.replace(&form, &shown);
            }
        }
    }
    let text: String = text
        .lines()
        .map(|l| format!("{}\n", crate::render::escape::terminal(l)))
        .collect();
    eprint!("{}", crate::render::escape::no_workflow_commands(text));
    ExitCode::from(crate::engine::exit::NOT_CHECKED)
}

fn dispatch(cli: Cli, matches: &clap::ArgMatches) -> Outcome {
    use crate::engine::exit;
    match cli.command {
        Command::Check(args) => check::run(*args, matches.subcommand_matches("check")),
        Command::Diff(args) => diff::run(args),
        Command::Report(args) => report::run(args),
        Command::Dossier(args) => report::dossier(args),
        Command::Disclose(args) => disclose::run(args),
        Command::Monitor(args) => monitor::run(args),
        Command::Import(args) => import::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Explain(args) => rules::explain(args),
        Command::Init(args) => init::run(args),
        Command::Completions(args) => {
            use clap::CommandFactory;
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "menulint", &mut script);
            emit(&String::from_utf8_lossy(&script), None, true).map(|()| exit::CLEAN)
        }
        Command::Man(args) => {
            use clap::CommandFactory;
            let top = Cli::command();
            let page_of = match &args.command {
                None => top,
                Some(name) => match top.find_subcommand(name) {
                    // named as the top page refers to it: menulint-check(1)
                    Some(sub) => sub.clone().name(format!("menulint-{name}")),
                    None => {
                        return Err(Failure::usage(format!(
                            "no command `{name}`; `menulint --help` lists them"
                        )))
                    }
                },
            };
            let mut page = Vec::new();
            if let Err(e) = clap_mangen::Man::new(page_of).render(&mut page) {
                return Err(Failure::usage(format!("cannot render the man page: {e}")));
            }
            emit(&String::from_utf8_lossy(&page), None, true).map(|()| exit::CLEAN)
        }
        // as the protocol says: 1 when the editor exited without shutting it down
        Command::Server => crate::server::run()
            .map(|shut_down| {
                if shut_down {
                    exit::CLEAN
                } else {
                    exit::FINDINGS
                }
            })
            .map_err(Failure::usage),
        Command::Schema(args) => emit(args.kind.text(), None, true).map(|()| exit::CLEAN),
    }
}

/// Parses `--as-of`.
pub(crate) fn parse_date(s: &str) -> Result<String, String> {
    if s.len() == 10 && crate::date::days_from_iso(s).is_some() {
        Ok(s.to_owned())
    } else {
        Err(format!("`{s}` is not a date of the form YYYY-MM-DD"))
    }
}

/// Writes a command's text to FILE (atomically; "wrote FILE" on stderr unless
/// `quiet`) or to standard output. A closed pipe (`| head`) ends the output
/// quietly, as for other Unix tools; any other write error is exit code 2.
pub(crate) fn emit(text: &str, file: Option<&std::path::Path>, quiet: bool) -> Result<(), Failure> {
    emit_with(file, quiet, |w| w.write_all(text.as_bytes()))
}

/// As [`emit`], with the text written as it is produced.
pub(crate) fn emit_with(
    file: Option<&std::path::Path>,
    quiet: bool,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    use std::io::Write;
    match file {
        Some(path) => {
            crate::output::write_atomic_with(path, write)
                .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
            if !quiet {
                note(&format!("wrote {}", path.display()));
            }
            Ok(())
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match write(&mut out).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Failure::usage(format!(
                    "cannot write to standard output: {e}"
                ))),
            }
        }
    }
}

/// A line on standard error; a closed or full stderr is not worth a panic.
/// A one-line note on standard error. Its words may carry what the user typed (a
/// rule id, a path): shown with every control character visible, and never as a CI
/// workflow command.
pub(crate) fn note(msg: &str) {
    use crate::render::escape::{no_workflow_commands, terminal};
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{}", no_workflow_commands(terminal(msg)));
}

/// Loads the policy that governs `near` (or the configured one) and checks `menus`
/// with it, for the commands that work on named menus. The menus' reports come
/// first, in order, then any about the config's waivers.
/// The output file, if any, is checked first: it may not be one of the inputs.
pub(crate) fn check_named(
    near: &std::path::Path,
    menus: &[std::path::PathBuf],
    opts: &crate::engine::run::RunOptions,
    output: Option<&std::path::Path>,
    color: bool,
) -> Result<(crate::policy::Policy, Vec<crate::engine::FileReport>), Failure> {
    use crate::engine::run;
    let policy = run::load_policy(near, opts).map_err(|reports| Failure::inputs(reports, color))?;
    let mut inputs = menus.to_vec();
    inputs.extend(policy.input_files());
    inputs.extend(opts.check.history.as_ref().and_then(|h| h.path.clone()));
    if let Some(lo) = &opts.check.lineup {
        inputs.extend(lo.files.iter().cloned());
    }
    inputs.extend(opts.inputs.iter().cloned());
    let outputs: Vec<&std::path::Path> = output.into_iter().collect();
    crate::output::check_outputs(&outputs, &inputs).map_err(Failure::usage)?;
    let reports = run::check_menus(&policy, menus, opts);
    Ok((policy, reports))
}

/// The format an `--output` file's name says, if its extension names one.
fn named_format(path: &std::path::Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "html" | "htm" => "html",
        "md" | "markdown" => "markdown",
        "csv" => "csv",
        "json" => "json",
        "jsonl" | "ndjson" => "json-lines",
        "sarif" => "sarif",
        "xml" => "junit",
        "pdf" => "pdf",
        _ => return None,
    })
}

/// Refuses an `--output` whose name says another format than the one written: a
/// `report.pdf` that holds HTML, or an `out.sarif` that holds human text, would be
/// opened by the wrong program or trusted as what it is not. A name without a known
/// extension is the user's choice.
pub(crate) fn output_matches(format: &str, path: Option<&std::path::Path>) -> Result<(), Failure> {
    let Some(path) = path else { return Ok(()) };
    let Some(named) = named_format(path) else {
        return Ok(());
    };
    if named == format || (named == "json" && matches!(format, "sarif" | "gitlab")) {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "--output {} names a {named} file, but the output is {format}; name the file for its format, or choose the format with --format",
        path.display()
    )))
}

/// A document's format: the one `--format` gives (which the output's name may not
/// contradict), else the one the output's name says (`report.pdf` is a PDF), else
/// `default`.
pub(crate) fn document_format<F>(
    given: Option<F>,
    output: Option<&std::path::Path>,
    default: F,
) -> Result<F, Failure>
where
    F: strum::VariantArray + AsRef<str> + Copy,
{
    let format = given.unwrap_or_else(|| {
        output
            .and_then(named_format)
            .and_then(|n| F::VARIANTS.iter().copied().find(|v| v.as_ref() == n))
            .unwrap_or(default)
    });
    output_matches(format.as_ref(), output)?;
    Ok(format)
}

/// Writes a document's bytes. A PDF is no text for a terminal: without `--output`
/// it goes only to a file or a pipe.
pub(crate) fn emit_document(
    bytes: &[u8],
    pdf: bool,
    file: Option<&std::path::Path>,
) -> Result<(), Failure> {
    use std::io::IsTerminal;
    if pdf && file.is_none() && std::io::stdout().is_terminal() {
        return Err(Failure::usage(
            "a PDF is not text for a terminal: name a file with --output FILE.pdf, or redirect standard output",
        ));
    }
    emit_with(file, false, |w| w.write_all(bytes))
}

/// Which rules judge a menu and which findings count, as `check` decides it: every
/// command that judges a menu takes the same flags, so the committee's documents say
/// what the gate decided.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct Judgement {
    /// The menu in force: options the checked menus add to it are new (rules with
    /// `applies_to = "new"`, such as the selection pack's, check only those).
    #[arg(long, value_name = "CURRENT")]
    pub since: Option<std::path::PathBuf>,
    /// Only these rules (ids or id prefixes, comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Not these rules (ids or id prefixes).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// An extra rule pack file to apply with the configured packs (repeatable).
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<std::path::PathBuf>,
    /// Report only findings that the baseline file does not record.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,
}

impl Judgement {
    /// The rule selection, with the monitoring rules in force when asked.
    pub(crate) fn selection(&self, monitoring: bool) -> crate::policy::Selection {
        crate::policy::Selection {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            packs: self.packs.clone(),
            monitoring,
        }
    }

    /// The files beside the menus these flags name, with a history and a lineup's.
    pub(crate) fn inputs(
        &self,
        history: Option<&std::path::Path>,
        lineup: Option<&LineupArgs>,
    ) -> crate::engine::run::Inputs {
        crate::engine::run::Inputs {
            history: history.map(std::path::Path::to_path_buf),
            map: lineup.and_then(|l| l.map.clone()),
            sheet: lineup.and_then(|l| l.sheet.clone()),
            plan: lineup.and_then(|l| l.plan.clone()),
            overlays: lineup.map(|l| l.overlay.clone()).unwrap_or_default(),
            since: self.since.clone(),
            baseline: self.baseline.clone(),
        }
    }
}

/// How the commands that read menus read lineup exports.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct LineupArgs {
    /// Read lineup exports (.csv, .xlsx, .xls, .ods) named on the command line through
    /// this mapping: a file, or a preset (recordkeeper, vendor).
    #[arg(long, value_name = "MAPPING")]
    pub map: Option<String>,
    /// The workbook sheet that holds the lineup (default: the mapping's, else the sheet
    /// whose header row names the most mapped headers).
    #[arg(long, value_name = "NAME", requires = "map")]
    pub sheet: Option<String>,
    /// The plan a lineup belongs to: a TOML file with [plan] (and any [[waivers]],
    /// and facts per fund as [[options]] with `for`).
    #[arg(long, value_name = "PLAN.toml", requires = "map")]
    pub plan: Option<std::path::PathBuf>,
    /// Facts the lineup export lacks, per fund: a TOML file of [[options]] entries,
    /// each naming its fund with `for` (ticker, CUSIP, ISIN or id). Repeatable.
    #[arg(long, value_name = "FILE", requires = "map")]
    pub overlay: Vec<std::path::PathBuf>,
}

/// Reads the files beside the menu a document is about (`report`, `dossier`,
/// `monitor`, `disclose`); one that cannot be used is reported (exit code 2).
pub(crate) fn read_inputs(
    inputs: &crate::engine::run::Inputs,
    opts: &mut crate::engine::run::RunOptions,
) -> Result<(), Failure> {
    let unusable = inputs.read_into(opts).map_err(Failure::usage)?;
    if unusable.is_empty() {
        Ok(())
    } else {
        Err(Failure::inputs(unusable, false))
    }
}

/// Checks the one menu a command is about (report, dossier, monitor): its policy and
/// its report. A menu that could not be checked is reported (exit code 2).
pub(crate) fn check_one(
    menu: &std::path::Path,
    opts: &crate::engine::run::RunOptions,
    output: Option<&std::path::Path>,
) -> Result<(crate::policy::Policy, crate::engine::FileReport), Failure> {
    let (policy, reports) = check_named(menu, &[menu.to_path_buf()], opts, output, false)?;
    crate::engine::run::menu_report(policy, reports).map_err(|reports| match reports.is_empty() {
        true => Failure::usage("no report for the menu"),
        false => Failure::inputs(reports, false),
    })
}
