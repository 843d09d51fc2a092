//! In-process cost of each stage on one realistic synthetic menu (`cargo bench`).

#[path = "support/synth.rs"]
mod synth;

use criterion::{criterion_group, criterion_main, Criterion};
use menulint::diag::SourceFile;
use menulint::engine::check::check_source;
use menulint::engine::evaluate::{evaluate, Evaluation};
use menulint::menu::exposure::look_through;
use menulint::menu::load::parse;
use menulint::menu::Menu;
use menulint::rules::RuleSet;
use std::hint::black_box;
use toml_parser::decoder::Encoding;

fn stages(c: &mut Criterion) {
    let text = synth::menu(42);
    let source = SourceFile::new("bench.toml", text.as_str());
    let rules = RuleSet::builtin().expect("packs load");
    let ev = Evaluation::new(&rules, "2026-11-25", &[]);
    let doc = parse(source.clone()).expect("valid");
    let menu: Menu = serde_json::from_value(doc.value.clone()).expect("typed");
    let lt = look_through(&menu).expect("no cycle");

    c.bench_function("load: parse TOML with spans", |b| {
        b.iter(|| parse(black_box(source.clone())))
    });
    // the floor for a span index built straight from toml_parser's events: lexing
    // and the event parser alone, then with every key and value decoded, which any
    // index must do, before it stores a thing
    c.bench_function(
        "load floor: toml DeTable alone (what the loader parses with)",
        |b| {
            b.iter(|| {
                toml::de::DeTable::parse_recoverable(black_box(&text))
                    .1
                    .len()
            })
        },
    );
    c.bench_function("load floor: toml_parser lexer and events alone", |b| {
        b.iter(|| {
            let tokens = toml_parser::Source::new(black_box(&text)).lex().into_vec();
            toml_parser::parser::parse_document(&tokens, &mut (), &mut ());
            tokens.len()
        })
    });
    c.bench_function(
        "load floor: toml_parser events, keys and values decoded",
        |b| {
            b.iter(|| {
                let source = toml_parser::Source::new(black_box(&text));
                let tokens = source.lex().into_vec();
                let mut decoded = Decoded { source, count: 0 };
                toml_parser::parser::parse_document(&tokens, &mut decoded, &mut ());
                decoded.count
            })
        },
    );
    c.bench_function("validate: JSON Schema", |b| {
        b.iter(|| menulint::menu::schema::validate(black_box(&doc)))
    });
    c.bench_function(
        "evaluate: every built-in rule, opt-in packs included",
        |b| b.iter(|| evaluate(&ev, black_box(&doc), &menu, &lt)),
    );
    c.bench_function("check: whole pipeline", |b| {
        b.iter(|| check_source(&ev, None, black_box(source.clone())))
    });
    c.bench_function(
        "rules: load the built-in packs (their CEL compiles on first use)",
        |b| b.iter(RuleSet::builtin),
    );
}

/// Decodes every key and scalar the event parser reports, keeping nothing.
struct Decoded<'s> {
    source: toml_parser::Source<'s>,
    count: usize,
}

type Sink<'e> = &'e mut dyn toml_parser::ErrorSink;

impl Decoded<'_> {
    fn decode(&mut self, span: toml_parser::Span, key: bool, error: Sink<'_>) {
        let mut out = std::borrow::Cow::Borrowed("");
        if let Some(raw) = self.source.get(span) {
            if key {
                raw.decode_key(&mut out, error);
            } else {
                let _ = raw.decode_scalar(&mut out, error);
            }
        }
        self.count += out.len();
    }
}

impl toml_parser::parser::EventReceiver for Decoded<'_> {
    fn simple_key(&mut self, span: toml_parser::Span, _: Option<Encoding>, error: Sink<'_>) {
        self.decode(span, true, error);
    }

    fn scalar(&mut self, span: toml_parser::Span, _: Option<Encoding>, error: Sink<'_>) {
        self.decode(span, false, error);
    }
}

/// A 10,000-row history (250 options × 40 quarters): read the CSV, then check the
/// menu with the monitoring rules (watch states dated quarter by quarter).
fn monitoring(c: &mut Criterion) {
    let (menu, csv) = synth::monitored(250, 40, 7);
    let rules = RuleSet::builtin().expect("packs load");
    let ev = Evaluation::new(&rules, "2026-11-25", &[]);
    let history = SourceFile::new("history.csv", csv.as_str());
    let source = SourceFile::new("monitored.toml", menu.as_str());
    let file = menulint::import::history::parse_csv(history.clone()).expect("valid history");
    c.bench_function("monitoring: read a 10,000-row history CSV", |b| {
        b.iter(|| menulint::import::history::parse_csv(black_box(history.clone())))
    });
    c.bench_function("monitoring: check 250 options with 40 quarters each", |b| {
        b.iter(|| check_source(&ev, Some(&file), black_box(source.clone())))
    });
}

/// A 5,000-row lineup export through the recordkeeper preset, to the menu TOML.
fn import(c: &mut Criterion) {
    use menulint::import::lineup;
    let csv = synth::lineup_csv(5_000, 3);
    let preset = lineup::preset("recordkeeper").expect("preset");
    let mapping = lineup::parse_mapping(preset).expect("preset parses");
    let mut plan = toml::Table::new();
    plan.insert("plan".into(), toml::Value::Table(toml::Table::new()));
    c.bench_function("import: a 5,000-row lineup to menu TOML", |b| {
        b.iter(|| {
            let l = lineup::read_csv_text("lineup.csv", black_box(&csv), &mapping)
                .expect("valid lineup");
            lineup::to_toml(&l, &plan, "recordkeeper").expect("writable")
        })
    });
}

/// The language server: from a change to a 100-option menu in the editor to its
/// diagnostics published (the in-memory connection an editor's stdio stands for).
fn server(c: &mut Criterion) {
    use lsp_server::{Connection, Message, Notification, Request, RequestId};
    use serde_json::json;
    let text = synth::menu_with(100, 7);
    let dir = tempfile::tempdir().expect("temp dir");
    let uri = format!("file://{}/menu.toml", dir.path().display());
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || menulint::server::serve(server));
    let send_request = |id: i32, method: &str, params: serde_json::Value| {
        client
            .sender
            .send(Message::Request(Request::new(
                RequestId::from(id),
                method.into(),
                params,
            )))
            .expect("send");
    };
    let notify = |method: &str, params: serde_json::Value| {
        client
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .expect("send");
    };
    let published = || loop {
        if let Ok(Message::Notification(n)) = client.receiver.recv() {
            if n.method == "textDocument/publishDiagnostics" {
                return n.params["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    };
    send_request(1, "initialize", json!({ "capabilities": {} }));
    let _ = client.receiver.recv();
    notify("initialized", json!({}));
    notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": text } }),
    );
    published();
    let mut version = 1;
    c.bench_function("server: a change to a 100-option menu, to its diagnostics", |b| {
        b.iter(|| {
            version += 1;
            // an edit a user makes: one more character in a fund's name
            let edited = text.replacen("name = \"", &format!("name = \"{}", version % 10), 1);
            notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }),
            );
            published()
        })
    });
    send_request(2, "shutdown", serde_json::Value::Null);
    let _ = client.receiver.recv();
    notify("exit", serde_json::Value::Null);
    let _ = handle.join();
}

criterion_group!(benches, stages, monitoring, import, server);
criterion_main!(benches);
