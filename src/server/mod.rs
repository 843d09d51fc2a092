//! `menulint server`: a Language Server Protocol server over standard input and
//! output, so an editor shows the findings `check` would report while the file is
//! being written. Built on rust-analyzer's `lsp-server` (the message loop, no async
//! runtime) and `lsp-types`.
//!
//! Each menu is checked as `check --stdin-filename FILE` would check the editor's
//! buffer: the config is found from the file's place and read again on every check,
//! so an edited config applies at once. A config is loaded with its packs and rule
//! changes as every menu under it would be, a rule pack as `check --pack` would load
//! it, and a lineup mapping (a file with `[columns]`) as `--map` would read it.
//! Diagnostics carry the rule as their code, its page as the code's address, and the
//! help; hover explains a finding's rule or a key of the file's format (menu, config,
//! pack or mapping schema); completion offers the keys and values it accepts; code
//! actions rename a misspelt key or value to its one suggestion, and add a waiver
//! stub for a rule's finding.

mod text;

use crate::diag::{Finding, Severity, SourceFile};
use crate::engine::run::{run as check_run, RunOptions};
use crate::policy::Policy;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeDescription, CompletionItem, CompletionItemKind,
    CompletionOptions, CompletionParams, CompletionResponse, Diagnostic, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, Hover, HoverContents, HoverParams, HoverProviderCapability,
    MarkupContent, MarkupKind, NumberOrString, PublishDiagnosticsParams, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Url, WorkspaceEdit,
};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use text::Kind;

/// Serves one editor over standard input and output until it shuts the server down.
/// Whether the editor shut the server down before it exited: the protocol's exit
/// code is 0 then, 1 otherwise.
pub fn run() -> Result<bool, String> {
    let (connection, threads) = Connection::stdio();
    let shut_down = serve(connection)?;
    threads.join().map_err(|e| e.to_string())?;
    Ok(shut_down)
}

/// What an open document last showed.
struct Doc {
    /// The document's address as the editor wrote it (its encoding may differ from
    /// the one a file path gives).
    uri: Url,
    text: String,
    kind: Kind,
    /// The findings of its last check, in its own text.
    findings: Vec<Finding>,
}

/// The server's state: the open documents by file, the date menus are checked as
/// of, and what each document's last check said of each file.
struct State {
    docs: HashMap<PathBuf, Doc>,
    as_of: String,
    /// file → (the document whose check said it → its diagnostics there). A file
    /// shows what every open document's check says of it: a config, its own
    /// buffer's mistakes and the waiver audit of each menu under it.
    given: BTreeMap<PathBuf, BTreeMap<PathBuf, Vec<Diagnostic>>>,
}

/// The file a document's address names; two encodings of one path are one file.
fn path_of(uri: &Url) -> PathBuf {
    uri.to_file_path()
        .unwrap_or_else(|()| PathBuf::from(uri.path()))
}

/// The capabilities menulint offers.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), "[".into(), ".".into()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// Serves one connection (standard input and output, or an in-memory one in tests)
/// until the client shuts the server down.
/// `Ok(true)` when the client shut the server down and then said exit; `Ok(false)`
/// when it said exit, or closed the connection, without shutting it down.
pub fn serve(connection: Connection) -> Result<bool, String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    connection.initialize(caps).map_err(|e| e.to_string())?;
    let mut state = State {
        docs: HashMap::new(),
        as_of: crate::date::today(),
        given: BTreeMap::new(),
    };
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(true);
                }
                let resp = state.request(req);
                send(&connection, Message::Response(resp))?;
            }
            Message::Notification(n) if n.method == "exit" => return Ok(false),
            Message::Notification(n) => {
                for out in state.notification(n) {
                    send(&connection, Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(false)
}

fn send(connection: &Connection, msg: Message) -> Result<(), String> {
    connection
        .sender
        .send(msg)
        .map_err(|e| format!("the editor closed the connection: {e}"))
}

fn params<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Option<T> {
    serde_json::from_value(value).ok()
}

impl State {
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        use lsp_types::notification::{
            DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
        };
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Some(p) = params::<DidOpenTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                self.check(p.text_document.uri, p.text_document.text)
            }
            DidChangeTextDocument::METHOD => {
                let Some(mut p) = params::<DidChangeTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                // full sync: the last change holds the whole text
                match p.content_changes.pop() {
                    Some(change) => self.check(p.text_document.uri, change.text),
                    None => Vec::new(),
                }
            }
            DidSaveTextDocument::METHOD => {
                let Some(p) = params::<DidSaveTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                // a saved config or pack changes what every open menu is checked
                // against: check them all again
                let open: Vec<(Url, String)> = self
                    .docs
                    .values()
                    .map(|d| (d.uri.clone(), d.text.clone()))
                    .collect();
                let mut out = Vec::new();
                for (uri, text) in open {
                    out.extend(self.check(uri, text));
                }
                if !self.docs.contains_key(&path_of(&p.text_document.uri)) {
                    if let Some(text) = p.text {
                        out.extend(self.check(p.text_document.uri, text));
                    }
                }
                out
            }
            DidCloseTextDocument::METHOD => {
                let Some(p) = params::<DidCloseTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let path = path_of(&p.text_document.uri);
                self.docs.remove(&path);
                // what it said of every file is withdrawn, its own file's included
                let touched = self.withdraw(&path);
                let mut out: Vec<Notification> =
                    touched.iter().map(|t| self.publish_file(t)).collect();
                if !touched.contains(&path) {
                    out.push(publish(p.text_document.uri, Vec::new()));
                }
                out
            }
            _ => Vec::new(),
        }
    }

    fn request(&mut self, req: Request) -> Response {
        use lsp_types::request::{CodeActionRequest, Completion, HoverRequest};
        let id = req.id.clone();
        let result = match req.method.as_str() {
            HoverRequest::METHOD => params::<HoverParams>(req.params)
                .map(|p| serde_json::to_value(self.hover(&p)).unwrap_or_default()),
            CodeActionRequest::METHOD => params::<CodeActionParams>(req.params)
                .map(|p| serde_json::to_value(self.code_actions(&p)).unwrap_or_default()),
            Completion::METHOD => params::<CompletionParams>(req.params)
                .map(|p| serde_json::to_value(self.completion(&p)).unwrap_or_default()),
            _ => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("menulint does not answer {}", req.method),
                )
            }
        };
        match result {
            Some(value) => Response::new_ok(id, value),
            None => Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                "the request's parameters are not what the protocol says".into(),
            ),
        }
    }

    /// Checks one document and returns the diagnostics to publish: for its own file,
    /// and for each config and pack its check read, each file's diagnostics being
    /// what every open document's check says of it.
    fn check(&mut self, uri: Url, text: String) -> Vec<Notification> {
        let path = path_of(&uri);
        let kind = Kind::of(&path, &text);
        let (own, others) = if text.len() as u64 > crate::menu::load::DEFAULT_MAX_FILE_SIZE {
            // as `check --stdin-filename` refuses it
            let f = Finding::input_error(
                crate::diag::Code::TooLarge,
                format!(
                    "the document is over the limit of {} bytes that check reads",
                    crate::menu::load::DEFAULT_MAX_FILE_SIZE
                ),
                None,
                None,
            );
            (vec![f], Vec::new())
        } else {
            diagnose(kind, &path, &text, &self.as_of)
        };
        let mut says: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        says.insert(
            path.clone(),
            own.iter().map(|f| diagnostic(f, &text)).collect(),
        );
        for (other, findings, other_text) in others {
            says.entry(path_of(&other))
                .or_default()
                .extend(findings.iter().map(|f| diagnostic(f, &other_text)));
        }
        let mut touched = self.withdraw(&path);
        for (file, diagnostics) in says {
            touched.insert(file.clone());
            self.given
                .entry(file)
                .or_default()
                .insert(path.clone(), diagnostics);
        }
        self.docs.insert(
            path,
            Doc {
                uri,
                text,
                kind,
                findings: own,
            },
        );
        touched.iter().map(|t| self.publish_file(t)).collect()
    }

    /// Withdraws what the check of the document at `path` said of every file; the
    /// files it had said something of.
    fn withdraw(&mut self, path: &Path) -> std::collections::BTreeSet<PathBuf> {
        let mut touched = std::collections::BTreeSet::new();
        for (file, by) in self.given.iter_mut() {
            if by.remove(path).is_some() {
                touched.insert(file.clone());
            }
        }
        self.given.retain(|_, by| !by.is_empty());
        touched
    }

    /// A file's diagnostics: what every open document's check says of it, each once,
    /// at the address its editor uses where it is open.
    fn publish_file(&self, file: &Path) -> Notification {
        let mut all: Vec<Diagnostic> = Vec::new();
        for d in self
            .given
            .get(file)
            .into_iter()
            .flat_map(|by| by.values().flatten())
        {
            if !all.contains(d) {
                all.push(d.clone());
            }
        }
        let uri = match self.docs.get(file) {
            Some(doc) => doc.uri.clone(),
            None => Url::from_file_path(file)
                .unwrap_or_else(|()| Url::parse("file:///").expect("a file URL")),
        };
        publish(uri, all)
    }

    fn hover(&self, p: &HoverParams) -> Option<Hover> {
        let pos = &p.text_document_position_params;
        let doc = self.docs.get(&path_of(&pos.text_document.uri))?;
        let offset = text::offset(&doc.text, pos.position);
        let markdown = doc
            .findings
            .iter()
            .find(|f| {
                f.span
                    .as_ref()
                    .is_some_and(|s| s.start <= offset && offset <= s.end)
            })
            .map(explain)
            .or_else(|| text::key_description(doc.kind, &doc.text, offset))?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: None,
        })
    }

    fn code_actions(&self, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Some(doc) = self.docs.get(&path_of(&p.text_document.uri)) else {
            return Vec::new();
        };
        let (from, to) = (
            text::offset(&doc.text, p.range.start),
            text::offset(&doc.text, p.range.end),
        );
        let mut out = Vec::new();
        for f in &doc.findings {
            let Some(span) = &f.span else { continue };
            if span.end < from || span.start > to {
                continue;
            }
            let edit = |range, new_text: String| {
                let mut changes = HashMap::new();
                changes.insert(
                    p.text_document.uri.clone(),
                    vec![TextEdit { range, new_text }],
                );
                WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                }
            };
            if let Some(new) = &f.replacement {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Change to {new}"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic(f, &doc.text)]),
                    edit: Some(edit(text::range(&doc.text, span.clone()), new.clone())),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                }));
            }
            // a menu that lists its waivers inline (`waivers = [...]`) cannot take a
            // `[[waivers]]` table too
            let inline = doc
                .text
                .lines()
                .any(|l| l.split('=').next().map(str::trim) == Some("waivers") && l.contains('='));
            if let (Some(rule), None, false) = (f.rule(), &f.waiver, inline) {
                let end = text::range(&doc.text, doc.text.len()..doc.text.len());
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!(
                        "Add a waiver of {}{} (the committee's reason and approval to fill in)",
                        rule.id,
                        f.option
                            .as_deref()
                            .map(|o| format!(" for {o}"))
                            .unwrap_or_default()
                    ),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic(f, &doc.text)]),
                    edit: Some(edit(
                        end,
                        waiver_stub(&doc.text, &rule.id, f.option.as_deref(), &self.as_of),
                    )),
                    ..CodeAction::default()
                }));
            }
        }
        out
    }

    fn completion(&self, p: &CompletionParams) -> Option<CompletionResponse> {
        let pos = &p.text_document_position;
        let doc = self.docs.get(&path_of(&pos.text_document.uri))?;
        let offset = text::offset(&doc.text, pos.position);
        let items = text::completions(doc.kind, &doc.text, offset)
            .into_iter()
            .map(|c| CompletionItem {
                label: c.label,
                kind: Some(if c.value {
                    CompletionItemKind::ENUM_MEMBER
                } else {
                    CompletionItemKind::PROPERTY
                }),
                detail: c.detail,
                insert_text: c.insert,
                ..CompletionItem::default()
            })
            .collect();
        Some(CompletionResponse::Array(items))
    }
}

fn publish(uri: Url, diagnostics: Vec<Diagnostic>) -> Notification {
    use lsp_types::notification::PublishDiagnostics;
    Notification::new(
        PublishDiagnostics::METHOD.to_owned(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}

/// Checks a document as `check` would: its own findings, and those of each other
/// file (an extended config, a pack) the check read, with that file's text.
#[allow(clippy::type_complexity)]
fn diagnose(
    kind: Kind,
    path: &Path,
    text: &str,
    as_of: &str,
) -> (Vec<Finding>, Vec<(Url, Vec<Finding>, String)>) {
    let source = || SourceFile::new(path.display().to_string(), text.to_owned());
    let mut own = Vec::new();
    let mut others = Vec::new();
    match kind {
        Kind::Pack => {
            if let Err(findings) = crate::rules::load_pack(source()) {
                own = findings;
            }
        }
        Kind::Mapping => {
            if let Err(findings) = crate::import::lineup::parse_mapping(source()) {
                own = findings;
            }
        }
        Kind::Config => {
            // the config with its packs and rule changes, as every menu under it sees it
            let selection = crate::policy::Selection::default();
            let name = crate::diag::display_path(path);
            let errors = match Policy::load_text(path, text.to_owned(), &selection) {
                // its exclude patterns, as a run under it reads them
                Ok(policy) => crate::engine::run::exclude_problems(
                    &RunOptions::default(),
                    Some(path),
                    &policy,
                )
                .into_iter()
                .map(|r| crate::diag::FileErrors::new(name.clone(), None, r.findings))
                .collect(),
                Err(errors) => errors,
            };
            for e in errors {
                if e.path == name {
                    own.extend(e.findings);
                    continue;
                }
                match (e.source, file_url(&e.path)) {
                    (Some(source), Some(u)) => {
                        others.push((u, e.findings, source.text().to_owned()));
                    }
                    // a file it names that could not be read (an extended config, a
                    // pack) is said in the buffer, at no place of it
                    _ => own.extend(e.findings.into_iter().map(|mut f| {
                        f.span = None;
                        f.location = None;
                        f
                    })),
                }
            }
        }
        Kind::Menu => {
            let opts = RunOptions {
                as_of: as_of.to_owned(),
                keep_source: true,
                stdin: Some(text.to_owned()),
                stdin_name: Some(path.to_path_buf()),
                ..RunOptions::default()
            };
            let outcome = check_run(&[PathBuf::from(crate::engine::run::STDIN)], &opts);
            for report in outcome.reports {
                if report.is_menu {
                    // a finding that points into another file (an overlay) is not the
                    // buffer's
                    own.extend(report.findings.into_iter().filter(|f| f.file.is_none()));
                } else if let (Some(u), Some(source)) = (file_url(&report.path), &report.source) {
                    others.push((u, report.findings, source.text().to_owned()));
                }
            }
        }
    }
    (own, others)
}

/// The address of a file a report names (relative to the working directory).
fn file_url(name: &str) -> Option<Url> {
    let file = PathBuf::from(name);
    let file = if file.is_absolute() {
        file
    } else {
        std::env::current_dir().map_or(file.clone(), |d| d.join(&file))
    };
    Url::from_file_path(&file).ok()
}

fn diagnostic(f: &Finding, text: &str) -> Diagnostic {
    let range = f
        .span
        .clone()
        .map_or_else(lsp_types::Range::default, |s| text::range(text, s));
    let severity = if f.waiver.is_some() {
        DiagnosticSeverity::HINT
    } else {
        match f.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }
    };
    let mut message = f.message.clone();
    if let Some(w) = &f.waiver {
        message.push_str(&format!(" (waived until {}: {})", w.expires, w.reason));
    } else if let Some(help) = f.help_text() {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let href = f
        .rule()
        .filter(|r| r.builtin)
        .and_then(|r| Url::parse(&crate::render::rule_page_url(&r.id)).ok());
    Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(f.id().to_owned())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some("menulint".into()),
        message,
        ..Diagnostic::default()
    }
}

/// A finding's rule explained, as hover shows it. The texts are a pack's and a
/// menu's: escaped as Markdown, so none of them is markup in the editor.
fn explain(f: &Finding) -> String {
    use crate::render::escape::markdown as md;
    match f.rule() {
        Some(r) => format!(
            "**{} {}** — {}\n\n{}\n\n*{}*: {}\n\n**What to do:** {}",
            md(&r.id),
            md(&r.name),
            md(&r.summary),
            md(r.description.trim()),
            r.basis.heading(),
            md(&r.citation),
            md(&r.help)
        ),
        None => match f.help_text() {
            Some(h) => format!(
                "**{}** — {}\n\n**What to do:** {}",
                md(f.id()),
                md(&f.message),
                md(h)
            ),
            None => format!("**{}** — {}", md(f.id()), md(&f.message)),
        },
    }
}

/// A `[[waivers]]` table for a rule's finding, to append to the menu: the reason and
/// approval are the committee's to write; it expires a year after the check date.
fn waiver_stub(text: &str, rule: &str, option: Option<&str>, as_of: &str) -> String {
    let expires = crate::date::days_from_iso(as_of)
        .map(|d| crate::date::iso_from_days(d + 365))
        .unwrap_or_else(|| as_of.to_owned());
    let lead = if text.ends_with("\n\n") || text.is_empty() {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let option = option
        .map(|o| format!("option = {}\n", crate::render::escape::toml_string(o)))
        .unwrap_or_default();
    let stub = format!(
        "{lead}[[waivers]]\nrule = \"{rule}\"\n{option}reason = \"TODO: the committee's reason, with its minutes\"\napproved_by = \"TODO: who approved it\"\nexpires = {expires}\n"
    );
    // in the line endings the menu is written in
    if text.contains("\r\n") {
        stub.replace('\n', "\r\n")
    } else {
        stub
    }
}
