//! Stage 4: check menus — evaluate the rules ([`evaluate`]) over one file
//! ([`check`]), many files under their configs ([`run`]), and two menus side by
//! side ([`diff`]).

pub mod check;
pub mod diff;
pub mod disclose;
pub mod evaluate;
pub mod examples;
pub mod monitor;
pub mod run;
mod scope;

use crate::diag::{Code, FileErrors, Finding, SourceFile};
use crate::menu::exposure::LookThrough;
use crate::menu::Menu;
use crate::policy::waivers::WaiverState;
use evaluate::Measurement;
use std::sync::Arc;

/// Process exit codes, as documented in the README.
pub mod exit {
    /// Every menu was checked and nothing failed.
    pub const CLEAN: u8 = 0;
    /// A policy finding failed the run.
    pub const FINDINGS: u8 = 1;
    /// Some input could not be checked (bad file, bad rules, bad usage).
    pub const NOT_CHECKED: u8 = 2;
}

/// Why a command's inputs were refused before any menu was judged.
#[derive(Debug)]
pub enum Refused {
    /// A problem outside any file (a missing argument, say).
    Usage(String),
    /// Files that could not be used, each with its diagnostics.
    Files(Vec<FileReport>),
}

/// A checked menu with what the committee's documents show of it: its findings,
/// the policy it was judged by, and each option's monitoring status. The engine
/// computes all of it, so a document's renderer only lays it out.
pub struct Judged<'a> {
    /// The menu's report from the run.
    pub report: &'a FileReport,
    /// The policy it was judged by.
    pub policy: &'a crate::policy::Policy,
    /// The date it was judged as of, `YYYY-MM-DD`.
    pub as_of: &'a str,
    /// Each option's monitoring status; none when the menu has no watch states.
    pub statuses: Vec<monitor::OptionStatus>,
}

impl<'a> Judged<'a> {
    /// Gathers what the documents show of `report`, working out each option's
    /// monitoring status when the menu has watch states.
    pub fn new(
        report: &'a FileReport,
        policy: &'a crate::policy::Policy,
        as_of: &'a str,
    ) -> Judged<'a> {
        let statuses = if report.watch.is_empty() {
            Vec::new()
        } else {
            monitor::statuses(report, policy, as_of)
        };
        Judged {
            report,
            policy,
            as_of,
            statuses,
        }
    }
}

/// Everything said about one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file's path as findings and outputs name it.
    pub path: String,
    /// The file's text, when it was read and an output may quote it.
    pub source: Option<SourceFile>,
    /// What was found in it: input errors, policy findings (waived ones marked) and
    /// notes.
    pub findings: Vec<Finding>,
    /// False when the file could not be checked (its findings are input errors).
    pub checked: bool,
    /// Indices of the config waivers (in [`evaluate::Evaluation::waivers`]) this menu used.
    pub config_waivers_used: Vec<usize>,
    /// The menu's own waivers with their status on the check date.
    pub waivers: Vec<WaiverState>,
    /// Findings left out because the baseline already records them.
    pub baselined: usize,
    /// False for reports about other files (a config, a rule pack).
    pub is_menu: bool,
    /// The menu as read, when it passed the schema.
    pub menu: Option<Arc<Menu>>,
    /// Its look-through exposure, when it could be computed.
    pub exposure: Option<Box<LookThrough>>,
    /// The capped figures, when the evaluation recorded them.
    pub measurements: Vec<Measurement>,
    /// Each option's watch-list state, when watch rules ran.
    pub watch: Vec<evaluate::WatchState>,
    /// The other files its verdict was drawn from (a history, a lineup's files).
    pub audited: Vec<crate::diag::AuditedFile>,
}

impl FileReport {
    /// A report about the run itself rather than a file (see [`crate::diag::COMMAND_LINE`]).
    pub(crate) fn is_run_level(&self) -> bool {
        self.source.is_none() && self.path == crate::diag::COMMAND_LINE
    }

    pub(crate) fn not_checked(
        path: &str,
        source: Option<SourceFile>,
        findings: Vec<Finding>,
    ) -> Self {
        FileReport {
            path: path.to_owned(),
            source,
            findings,
            checked: false,
            config_waivers_used: Vec::new(),
            waivers: Vec::new(),
            baselined: 0,
            is_menu: true,
            menu: None,
            exposure: None,
            measurements: Vec::new(),
            watch: Vec::new(),
            audited: Vec::new(),
        }
    }

    /// The report on a file that is not a menu (a config, a rule pack) and is broken.
    pub(crate) fn from_errors(e: FileErrors) -> Self {
        FileReport {
            is_menu: false,
            ..FileReport::not_checked(&e.path, e.source, e.findings)
        }
    }

    /// Drops what the renderers will not need, so a run over many menus holds only
    /// their findings: the source of a clean file (of every file unless a renderer
    /// quotes it), and the parsed menu unless asked.
    pub(crate) fn compact(&mut self, keep_source: bool, keep_menu: bool) {
        // what identifies each finding is taken while its text and menu are here
        let anchors: Vec<Option<String>> = self
            .findings
            .iter()
            .map(|f| (f.fingerprint.is_empty() && f.anchor.is_empty()).then(|| anchor(self, f)))
            .collect();
        for (f, a) in self.findings.iter_mut().zip(anchors) {
            if let Some(a) = a {
                f.anchor = a;
            }
        }
        // a document about the menu (report, dossier) quotes it even when it is clean
        if !keep_source || (self.findings.is_empty() && !keep_menu) {
            self.source = None;
        }
        if !keep_menu {
            self.menu = None;
            // every output says which figures were assumed from an asset class
            if self
                .exposure
                .as_ref()
                .is_none_or(|lt| lt.assumed.is_empty())
            {
                self.exposure = None;
            }
        }
    }

    /// This file's contribution to the exit code.
    pub fn exit_code(&self, deny_warnings: bool) -> u8 {
        if !self.checked {
            exit::NOT_CHECKED
        } else if self.findings.iter().any(|f| f.is_failing(deny_warnings)) {
            exit::FINDINGS
        } else {
            exit::CLEAN
        }
    }

    /// True when a rule could not be evaluated on this menu.
    fn has_eval_error(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.code() == Some(Code::RuleEval))
    }
}

/// What identifies a finding without a rule's fingerprint, stable from run to run:
/// its code and where it is, an option named by its id, not its position, and the
/// text of the line it points at (which tells two findings at one path apart, two
/// waivers, and moves with the line). Never the message, which may change daily
/// ("expires in 20 days").
pub(crate) fn anchor(r: &FileReport, f: &Finding) -> String {
    let option = f
        .path
        .option_index()
        .and_then(|i| r.menu.as_ref()?.options.get(i));
    let at = match option {
        Some(o) => format!("options[id={}]{}", o.id, f.path.below_option()),
        None => f.path.to_string(),
    };
    let line = match (f.file.as_ref().or(r.source.as_ref()), f.location) {
        (Some(src), Some(l)) => src.line_text(l.line).trim().to_owned(),
        _ => String::new(),
    };
    format!("{}:{at}:{line}", f.id())
}

/// The worst exit code of a run: the code `check` exits with (before `--exit-zero`).
pub fn exit_code(reports: &[FileReport], deny_warnings: bool) -> u8 {
    reports
        .iter()
        .map(|r| r.exit_code(deny_warnings))
        .max()
        .unwrap_or(exit::CLEAN)
}
