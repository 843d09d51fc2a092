//! Stage 0, shared by all: source text, paths into it, findings and their codes.

pub mod code;
pub mod finding;
pub mod path;
pub mod source;
pub(crate) mod suggest;

pub use code::Code;
pub use finding::Monitor;
pub use finding::{Acts, Authority, Basis, Finding, Severity};
pub use finding::{
    AppliedWaiver, AuthorityKind, AuthorityStatus, Label, Measured, Origin, RuleInfo, Scope,
};
pub use path::MenuPath;
pub use path::Segment;
pub use source::Location;
pub use source::{SourceFile, Span};
pub(crate) use suggest::{did_you_mean, meant, suggest, suggest_ignoring_case};

/// A path for display and for telling files apart: valid UTF-8 as it is, every
/// byte that is not UTF-8 as `\xNN` (never U+FFFD, which would make `caf\xe9.toml`
/// and `caf\xe8.toml` the same name).
pub(crate) fn display_path(path: &std::path::Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// A path made absolute as written: `.` and `..` resolved by its words, symbolic
/// links not followed. Which policy governs a menu, and whether an exclude drops
/// it, go by the path the user named: a link must never move a menu out from under
/// its repository's config, nor hide a live menu behind an excluded target.
pub(crate) fn named_path(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = std::path::PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The SHA-256 of `bytes`, in lower-case hex, as `sha256sum` prints it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file a document's verdict depends on besides the menu, config and packs (a
/// history, a lineup export, its mapping and plan file), with its hash, so the
/// committee can show which data it judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditedFile {
    /// What the file is to the run, in words: "history", "lineup", "mapping".
    pub role: &'static str,
    /// The file's path, as displayed.
    pub name: String,
    /// The SHA-256 of its bytes, in lower-case hex.
    pub sha256: String,
}

impl AuditedFile {
    /// The file at `path` with the bytes the run read from it: the hash is of what
    /// was judged, never of a later read of a file that may have changed since.
    pub fn of(role: &'static str, path: &std::path::Path, bytes: &[u8]) -> AuditedFile {
        AuditedFile::hashed(role, path, sha256_hex(bytes))
    }

    /// The file at `path` with the hash of the bytes its reader read (a workbook,
    /// an export decoded from another encoding: the text is not the bytes).
    pub fn hashed(role: &'static str, path: &std::path::Path, sha256: String) -> AuditedFile {
        AuditedFile {
            role,
            name: display_path(path),
            sha256,
        }
    }
}

/// What [`FileErrors`] name when the problem is the run itself (an argument that
/// selects no rule), not a file: outputs report those without a location.
pub(crate) const COMMAND_LINE: &str = "command line";

/// Findings about one file that could not be used (a config, a rule pack, a menu
/// that did not load): what every stage returns when it cannot go on.
#[derive(Debug, Clone)]
pub struct FileErrors {
    /// The file's name as outputs print it, or "command line" for the run itself.
    pub path: String,
    /// The file's text, when it was read (the findings' spans point into it).
    pub source: Option<SourceFile>,
    /// What is wrong with the file.
    pub findings: Vec<Finding>,
}

impl FileErrors {
    /// Findings about the file named `path`, with its text when it was read.
    pub fn new(
        path: impl Into<String>,
        source: Option<SourceFile>,
        findings: Vec<Finding>,
    ) -> Self {
        FileErrors {
            path: path.into(),
            source,
            findings,
        }
    }

    /// One finding in a file, at a span, labelled `here`.
    pub fn at(source: &SourceFile, code: Code, span: Option<Span>, msg: impl Into<String>) -> Self {
        let f = Finding::input_error(code, msg, Some(source), span).with_label("here");
        FileErrors::new(source.name(), Some(source.clone()), vec![f])
    }
}
