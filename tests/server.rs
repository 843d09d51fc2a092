//! `menulint server`, the language server: driven in process through an in-memory
//! connection (the protocol as an editor speaks it), and by a real editor, Neovim's
//! built-in client, run headless.

use crate::common::*;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::path::Path;

/// An editor's side of the conversation.
struct Client {
    conn: Connection,
    next: i32,
    server: Option<std::thread::JoinHandle<Result<bool, String>>>,
}

impl Client {
    fn start() -> Client {
        let (server, conn) = Connection::memory();
        let handle = std::thread::spawn(move || menulint::server::serve(server));
        let mut c = Client {
            conn,
            next: 1,
            server: Some(handle),
        };
        let caps = c.request("initialize", json!({ "capabilities": {} }));
        assert!(caps["capabilities"]["hoverProvider"] == true, "{caps}");
        c.notify("initialized", json!({}));
        c
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = RequestId::from(self.next);
        self.next += 1;
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(std::time::Duration::from_secs(60))
            {
                Ok(Message::Response(r)) if r.id == id => {
                    assert!(r.error.is_none(), "{method}: {:?}", r.error);
                    return r.result.unwrap_or(Value::Null);
                }
                Ok(_) => continue,
                Err(e) => panic!("{method}: no answer: {e}"),
            }
        }
    }

    /// The diagnostics the server publishes next for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(std::time::Duration::from_secs(60))
            {
                Ok(Message::Notification(n))
                    if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri =>
                {
                    return n.params["diagnostics"].as_array().unwrap().clone();
                }
                Ok(_) => continue,
                Err(e) => panic!("no diagnostics for {uri}: {e}"),
            }
        }
    }

    /// Every diagnostics notification waiting, as (address, diagnostics), in order.
    fn waiting(&self) -> Vec<(String, Vec<Value>)> {
        let mut got = Vec::new();
        while let Ok(msg) = self
            .conn
            .receiver
            .recv_timeout(std::time::Duration::from_millis(300))
        {
            if let Message::Notification(n) = msg {
                if n.method == "textDocument/publishDiagnostics" {
                    got.push((
                        n.params["uri"].as_str().unwrap().to_owned(),
                        n.params["diagnostics"].as_array().unwrap().clone(),
                    ));
                }
            }
        }
        got
    }

    fn open(&self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": text } }),
        );
        self.diagnostics(uri)
    }

    fn change(&self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
        );
        self.diagnostics(uri)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let result = self.server.take().unwrap().join().unwrap();
        assert_eq!(result, Ok(true), "shut down, then exit");
    }
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// (code, 1-based line) of each diagnostic, as `check`'s JSON gives (rule, line).
fn located(diags: &[Value]) -> Vec<(String, u64)> {
    diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap() + 1,
            )
        })
        .collect()
}

/// The buffer's diagnostics are `check`'s findings of the same text: every rule at
/// its line, with its page and its help.
#[test]
fn an_open_menu_gets_the_findings_check_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("menu.toml");
    std::fs::write(&path, PROBLEMS).unwrap();
    let (_, json) = check_json(&[path.to_str().unwrap()]);
    let expected: Vec<(String, u64)> = first_findings(&json)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let client = Client::start();
    let uri = uri_of(&path);
    // the buffer, not the file on disk, is what is checked
    std::fs::write(&path, "not a menu").unwrap();
    let diags = client.open(&uri, PROBLEMS);
    assert_eq!(located(&diags), expected);
    let leverage = diags.iter().find(|d| d["code"] == "SCO003").unwrap();
    assert_eq!(leverage["severity"], 1);
    assert!(leverage["message"].as_str().unwrap().contains("\nhelp: "));
    assert!(leverage["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/docs/rules/SCO003.md"));
    // fixing a problem in the buffer clears its diagnostic
    let fixed = PROBLEMS.replace("leverage = 3.0\n", "");
    let after = client.change(&uri, &fixed);
    assert_eq!(after.len(), diags.len() - 1);
    assert!(after.iter().all(|d| d["code"] != "SCO003"));
}

/// A misspelt key is renamed by its quick fix, and a rule's finding can be waived
/// with a stub the committee fills in; hover explains the rule, or the key.
#[test]
fn quick_fixes_hover_and_completion() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("menu.toml");
    let text = BITCOIN.replacen("expense_ratio_pct", "expense_ration_pct", 1);
    assert_ne!(text, BITCOIN);
    let mut client = Client::start();
    let uri = uri_of(&path);
    let diags = client.open(&uri, &text);
    let typo = diags
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("expense_ration_pct")
        })
        .unwrap_or_else(|| panic!("{diags:#?}"))
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": typo["range"], "context": { "diagnostics": [typo] } }),
    );
    let rename = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Change to expense_ratio_pct")
        .unwrap_or_else(|| panic!("{actions:#}"));
    let edit = &rename["edit"]["changes"][&uri][0];
    assert_eq!(edit["range"], typo["range"]);
    assert_eq!(edit["newText"], "expense_ratio_pct");
    // applied, the menu is the clean sample again
    assert!(client.change(&uri, BITCOIN).is_empty());

    // hover: a key of the menu format
    let line = line_of(BITCOIN, "asset_class = ") - 1;
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 2 } }),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.starts_with("`options.asset_class`: "), "{shown}");

    // a rule's finding: hover explains it, and a waiver stub is offered
    let no_glossary = BITCOIN.replacen("glossary_url", "# glossary_url", 1);
    let diags = client.change(&uri, &no_glossary);
    let finding = diags
        .iter()
        .find(|d| d["code"] == "DIS011")
        .unwrap()
        .clone();
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": finding["range"]["start"] }),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.starts_with("**DIS011 glossary-provided**"), "{shown}");
    assert!(shown.contains("29 CFR 2550.404a-5(d)(1)(vi)"));
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": finding["range"], "context": { "diagnostics": [finding] } }),
    );
    let waiver = &actions[0];
    assert!(waiver["title"]
        .as_str()
        .unwrap()
        .starts_with("Add a waiver of DIS011"));
    let stub = waiver["edit"]["changes"][&uri][0]["newText"]
        .as_str()
        .unwrap();
    assert!(stub.contains("[[waivers]]\nrule = \"DIS011\"\n"), "{stub}");
    // the stub is a waiver menulint accepts: with it the finding is waived, a hint
    let waived = client.change(&uri, &format!("{no_glossary}{stub}"));
    let hint = waived.iter().find(|d| d["code"] == "DIS011").unwrap();
    assert_eq!(hint["severity"], 4, "{hint}");

    // completion: the accepted values of the key being written
    let text = format!("{BITCOIN}\n[[options]]\nvehicle = \"");
    client.change(&uri, &text);
    let last = text.lines().count() as u64 - 1;
    let items = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": last, "character": 11 } }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"mutual_fund") && labels.contains(&"cit"),
        "{labels:?}"
    );
}

/// The config is found from the file's place, as `check` finds it, and read again
/// when it changes: a rule it switches off leaves the diagnostics at once.
#[test]
fn the_config_is_found_and_read_again_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let menu = dir.path().join("plans").join("menu.toml");
    let config = dir.path().join("menulint.toml");
    write(&menu, PROBLEMS);
    std::fs::write(&config, "").unwrap();
    let client = Client::start();
    let uri = uri_of(&menu);
    let before = client.open(&uri, PROBLEMS);
    assert!(before.iter().any(|d| d["code"] == "SCO003"));
    std::fs::write(&config, "[rules.SCO003]\nseverity = \"off\"\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri_of(&config) } }),
    );
    let after = client.diagnostics(&uri);
    assert_eq!(after.len(), before.len() - 1);
    assert!(after.iter().all(|d| d["code"] != "SCO003"));
    // a broken config is reported in the config, at its line
    std::fs::write(&config, "[rules.SCO003]\nseverty = \"off\"\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri_of(&config) } }),
    );
    let mut got = None;
    for _ in 0..3 {
        let n = client
            .conn
            .receiver
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap();
        if let Message::Notification(n) = n {
            if n.params["uri"] == uri_of(&config) {
                got = Some(n.params["diagnostics"].as_array().unwrap().clone());
                break;
            }
        }
    }
    let config_diags = got.expect("the config's diagnostics");
    assert_eq!(config_diags.len(), 1, "{config_diags:#?}");
    assert_eq!(config_diags[0]["range"]["start"]["line"], 1);
}

/// A real editor: Neovim's built-in client, headless, opens a menu, receives the
/// diagnostics, applies the quick fix for a misspelt key, and writes the file.
#[test]
fn neovim_shows_the_findings_and_applies_a_quick_fix() {
    if !have("nvim") {
        return tool_missing("the editor test needs Neovim (Debian package `neovim`)");
    }
    let dir = tempfile::tempdir().unwrap();
    let menu = dir.path().join("menu.toml");
    std::fs::write(
        &menu,
        BITCOIN.replacen("expense_ratio_pct", "expense_ration_pct", 1),
    )
    .unwrap();
    let report = dir.path().join("diagnostics.txt");
    let bin = assert_cmd::cargo::cargo_bin("menulint");
    let script = dir.path().join("test.lua");
    std::fs::write(
        &script,
        format!(
            r#"
local report = io.open({report:?}, "w")
local id = vim.lsp.start_client({{ name = "menulint", cmd = {{ {bin:?}, "server" }}, root_dir = {root:?} }})
vim.cmd("edit " .. {menu:?})
vim.lsp.buf_attach_client(0, id)
local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ""
  report:write(code .. " " .. (d.lnum + 1) .. " " .. d.message:gsub("\n.*", "") .. "\n")
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  if d.message:find("expense_ration_pct", 1, true) then
    vim.api.nvim_win_set_cursor(0, {{ d.lnum + 1, d.col }})
  end
end
local params = vim.lsp.util.make_range_params()
params.context = {{ diagnostics = {{}} }}
local answers = vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 30000) or {{}}
for _, answer in pairs(answers) do
  for _, action in ipairs(answer.result or {{}}) do
    if action.title:find("^Change to") then
      report:write("applied: " .. action.title .. "\n")
      vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
    end
  end
end
vim.cmd("write")
report:close()
vim.cmd("qall!")
"#,
            report = report.display().to_string(),
            bin = bin.display().to_string(),
            root = dir.path().display().to_string(),
            menu = menu.display().to_string(),
        ),
    )
    .unwrap();
    let out = std::process::Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .current_dir(dir.path())
        .output()
        .expect("nvim runs");
    let got = std::fs::read_to_string(&report).unwrap_or_else(|_| {
        panic!(
            "Neovim wrote nothing: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let line = line_of(BITCOIN, "expense_ratio_pct");
    assert!(
        got.contains(&format!(
            "menulint::schema {line} unknown key `expense_ration_pct`"
        )),
        "{got}"
    );
    assert!(
        got.contains("applied: Change to expense_ratio_pct"),
        "{got}"
    );
    // the editor applied the fix and wrote the file: it is the clean sample again
    assert_eq!(std::fs::read_to_string(&menu).unwrap(), BITCOIN);
}

/// A rule pack and a lineup mapping get their own load errors, at their lines.
#[test]
fn packs_and_mappings_get_their_load_errors() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::start();
    let pack = include_str!("packs/custom.toml");
    let pack_uri = uri_of(&dir.path().join("acme.toml"));
    assert!(client.open(&pack_uri, pack).is_empty(), "the pack loads");
    let broken = pack.replacen("check = \"", "check = \"option.no_such_field && ", 1);
    assert_ne!(broken, pack);
    let diags = client.change(&pack_uri, &broken);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0]["message"]
        .as_str()
        .unwrap()
        .contains("no_such_field"));
    let line = broken
        .lines()
        .position(|l| l.contains("no_such_field"))
        .unwrap();
    assert_eq!(diags[0]["range"]["start"]["line"], line as u64);

    let mapping = include_str!("../templates/mappings/recordkeeper.toml");
    let map_uri = uri_of(&dir.path().join("map.toml"));
    assert!(
        client.open(&map_uri, mapping).is_empty(),
        "the preset reads"
    );
    let diags = client.change(
        &map_uri,
        &mapping.replacen("[lineup]", "[lineup]\nskipp = 1", 1),
    );
    assert!(!diags.is_empty());
    assert!(
        diags[0]["message"].as_str().unwrap().contains("skipp"),
        "{diags:#?}"
    );
}

/// Each quick fix offered for a diagnostic: its title, and the text it writes over
/// which part of the document's text.
fn fixes(
    client: &mut Client,
    uri: &str,
    text: &str,
    diag: &Value,
) -> Vec<(String, String, String)> {
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": diag["range"], "context": { "diagnostics": [diag] } }),
    );
    actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let edit = &a["edit"]["changes"][uri][0];
            let (start, end) = (&edit["range"]["start"], &edit["range"]["end"]);
            assert_eq!(start["line"], end["line"], "{edit}");
            let line = text
                .lines()
                .nth(start["line"].as_u64().unwrap() as usize)
                .unwrap();
            let over = &line[start["character"].as_u64().unwrap() as usize
                ..end["character"].as_u64().unwrap() as usize];
            (
                a["title"].as_str().unwrap().to_owned(),
                over.to_owned(),
                edit["newText"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A misspelt key or value in a config, a pack or a mapping is renamed to the name
/// meant, as in a menu: over exactly what is written, keeping its quotes.
#[test]
fn misspelt_names_in_every_format_have_their_quick_fix() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start();
    let pack = include_str!("packs/custom.toml");
    let mapping = include_str!("../templates/mappings/recordkeeper.toml");
    let cases = [
        (
            "menulint.toml",
            "[rules.CRY001]\nseverty = \"off\"\n".to_owned(),
            ("severty", "severity"),
        ),
        (
            "menulint.toml",
            "[rules.CRY001]\nseverity = \"of\"\n".to_owned(),
            ("\"of\"", "\"off\""),
        ),
        (
            "menulint.toml",
            "pakcs = [\"crypto\"]\n".to_owned(),
            ("pakcs", "packs"),
        ),
        (
            "menulint.toml",
            "[rules.CRY004]\nparams = { max_pcct = 3.0 }\n".to_owned(),
            ("max_pcct", "max_pct"),
        ),
        (
            "acme.toml",
            pack.replacen("basis = ", "basi = ", 1),
            ("basi", "basis"),
        ),
        (
            "acme.toml",
            pack.replacen("basis = \"policy\"", "basis = \"polcy\"", 1),
            ("\"polcy\"", "\"policy\""),
        ),
        (
            "map.toml",
            mapping.replacen("[lineup]", "[lineup]\nskipp = []", 1),
            ("skipp", "skip"),
        ),
        (
            "map.toml",
            mapping.replacen("\nname = ", "\nnmae = ", 1),
            ("nmae", "name"),
        ),
        (
            "map.toml",
            "extends = \"recordkeper\"\n".to_owned(),
            ("\"recordkeper\"", "\"recordkeeper\""),
        ),
        (
            "map.toml",
            "extends = \"recordkeeper\"\n\n[defaults]\nasset_clss = \"balanced\"\n".to_owned(),
            ("asset_clss", "asset_class"),
        ),
    ];
    for (i, (name, text, (written, meant))) in cases.into_iter().enumerate() {
        let sub = dir.path().join(i.to_string());
        std::fs::create_dir(&sub).unwrap();
        let uri = uri_of(&sub.join(name));
        let diags = client.open(&uri, &text);
        // the diagnostic of the misspelt name (a mapping may say more: a field
        // nothing feeds then)
        let bare = written.trim_matches('"');
        let diag = diags
            .iter()
            .find(|d| d["message"].as_str().unwrap().contains(bare))
            .unwrap_or_else(|| panic!("{name}: {diags:#?}"));
        let got = fixes(&mut client, &uri, &text, diag);
        assert_eq!(
            got,
            [(
                format!("Change to {meant}"),
                written.to_owned(),
                meant.to_owned()
            )],
            "{name}: {text}"
        );
    }
}

/// The labels of a completion answer.
fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect()
}

/// A config, a rule pack and a mapping are each read as their own format: the
/// config's own mistakes (not a menu's) as its diagnostics, and each format's keys
/// described on hover and offered on completion, from its schema.
#[test]
fn configs_packs_and_mappings_are_read_as_their_own_formats() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start();
    let at = |text: &str, needle: &str| {
        let line = text.lines().position(|l| l.contains(needle)).unwrap();
        let character = text.lines().nth(line).unwrap().find(needle).unwrap();
        json!({ "line": line, "character": character + 1 })
    };

    // a config: a clean one has no diagnostics (it is not a menu missing its plan)
    let config = "[rules.CRY001]\nseverity = \"warning\"\n";
    let uri = uri_of(&dir.path().join("menulint.toml"));
    assert_eq!(client.open(&uri, config), Vec::<Value>::new());
    // its mistakes where they are written: a misspelt key, a rule no pack has
    let diags = client.change(&uri, "[rules.CRY001]\nseverty = \"off\"\n");
    assert_eq!(located(&diags), [("menulint::config".to_owned(), 2)]);
    let diags = client.change(&uri, "[rules.CRY999]\nseverity = \"off\"\n");
    assert_eq!(
        located(&diags),
        [("menulint::config".to_owned(), 1)],
        "{diags:#?}"
    );
    assert!(diags[0]["message"].as_str().unwrap().contains("CRY999"));
    let typing = format!("{config}\n[[waivers]]\n\n");
    client.change(&uri, &typing);
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": at(config, "severity") }),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.starts_with("`rules.CRY001.severity`: The rule's severity"),
        "{shown}"
    );
    assert!(shown.contains("`off`"), "{shown}");
    let keys = labels(&client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 4, "character": 0 } }),
    ));
    for key in ["rule", "option", "reason", "approved_by", "expires"] {
        assert!(keys.contains(&key.to_owned()), "{keys:?}");
    }
    // a key with a dash, as it is being typed
    let typing = "extend-";
    client.change(&uri, typing);
    let keys = labels(&client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 7 } }),
    ));
    assert!(keys.contains(&"extend-exclude".to_owned()), "{keys:?}");
    let typing = "[rules.CRY001]\nseverity = \n";
    client.change(&uri, typing);
    let values = labels(&client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 11 } }),
    ));
    assert_eq!(values, ["error", "warning", "info", "off"]);

    // a config another extends is a config too, by its keys
    let org = uri_of(&dir.path().join("org.toml"));
    assert_eq!(client.open(&org, config), Vec::<Value>::new());

    // a rule pack
    let pack = include_str!("packs/custom.toml");
    let uri = uri_of(&dir.path().join("acme.toml"));
    assert!(client.open(&uri, pack).is_empty());
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": at(pack, "basis = ") }),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.starts_with("`rules.basis`: law:"), "{shown}");
    assert!(shown.contains("`safe-harbor`"), "{shown}");
    let typing = format!("{pack}\n[[rules]]\nbasis = \"");
    client.change(&uri, &typing);
    let last = typing.lines().count() - 1;
    let values = labels(&client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": last, "character": 9 } }),
    ));
    assert_eq!(values, ["law", "safe-harbor", "policy", "data-quality"]);
    let typing = format!("{pack}\n[[rules]]\nad");
    client.change(&uri, &typing);
    let keys = labels(&client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": last, "character": 2 } }),
    ));
    for key in ["advice", "authority", "measure", "requires", "examples"] {
        assert!(keys.contains(&key.to_owned()), "{keys:?}");
    }

    // a mapping: its columns name the menu's option fields, described as the menu
    // format describes them
    let mapping = include_str!("../templates/mappings/recordkeeper.toml");
    let uri = uri_of(&dir.path().join("map.toml"));
    assert!(client.open(&uri, mapping).is_empty());
    let line = mapping
        .lines()
        .position(|l| l.trim() == "[columns]")
        .unwrap()
        + 1;
    let keys = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 0 } }),
    );
    let crypto = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["label"] == "exposure.crypto_pct")
        .unwrap_or_else(|| panic!("{keys:#}"));
    assert!(crypto["detail"].as_str().is_some_and(|d| !d.is_empty()));
    // the preset maps the expense ratio already: it is not offered twice
    assert!(!labels(&keys).contains(&"expense_ratio_pct".to_owned()));
    let key = mapping
        .lines()
        .nth(line)
        .unwrap()
        .split(" = ")
        .next()
        .unwrap();
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 1 } }),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.starts_with(&format!("`columns.{key}`: ")), "{shown}");
}

/// A config shows what every open document's check says of it: the waiver audit of
/// the menus under it stays while the config itself is open, and opening a file
/// under another config clears nothing. Two encodings of one path are one file.
#[test]
fn a_config_shows_what_every_open_check_says_of_it() {
    let dir = tempfile::tempdir().unwrap();
    // a directory whose name an editor percent-encodes differently
    let plan = dir.path().join("plan (2026) a+b");
    std::fs::create_dir(&plan).unwrap();
    let config = plan.join("menulint.toml");
    let config_text = "[[waivers]]\nrule = \"FEE001\"\nreason = \"r\"\napproved_by = \"c\"\nexpires = 2020-01-01\n";
    std::fs::write(&config, config_text).unwrap();
    let menu = plan.join("menu.toml");
    std::fs::write(&menu, PROBLEMS).unwrap();
    let encoded = |p: &Path| {
        uri_of(p)
            .replace(' ', "%20")
            .replace('(', "%28")
            .replace(')', "%29")
            .replace('+', "%2B")
    };
    let client = Client::start();
    client.open(&encoded(&menu), PROBLEMS);
    let expired = |diags: &[Value]| {
        diags
            .iter()
            .any(|d| d["code"] == "menulint::waiver-expired")
    };
    let said = client.waiting();
    let (uri, diags) = said
        .iter()
        .rev()
        .find(|(u, _)| u.ends_with("menulint.toml"))
        .expect("the config's diagnostics");
    assert!(expired(diags), "{said:#?}");
    // open, the config shows its own check and the menu's audit of its waivers, at
    // the address the editor gave it (one file, not two)
    let shown = client.open(&encoded(&config), config_text);
    assert!(expired(&shown), "{shown:#?}");
    let said = client.waiting();
    assert!(
        said.iter()
            .all(|(u, _)| u == &encoded(&config) || !u.ends_with("menulint.toml")),
        "{uri} {said:#?}"
    );
    // a file under no config of this one clears nothing of it
    let other = dir.path().join("other.toml");
    client.open(&uri_of(&other), BITCOIN);
    let said = client.waiting();
    assert!(
        said.iter()
            .all(|(u, d)| !u.ends_with("menulint.toml") || expired(d)),
        "{said:#?}"
    );
}

/// An editor that says exit without shutting the server down gets exit code 1, as
/// the protocol says; after a shutdown, 0.
#[test]
fn exit_without_shutdown_is_a_failure() {
    let (server, conn) = Connection::memory();
    let handle = std::thread::spawn(move || menulint::server::serve(server));
    conn.sender
        .send(Message::Request(Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({ "capabilities": {} }),
        )))
        .unwrap();
    conn.sender
        .send(Message::Notification(Notification::new(
            "initialized".into(),
            json!({}),
        )))
        .unwrap();
    conn.sender
        .send(Message::Notification(Notification::new(
            "exit".into(),
            Value::Null,
        )))
        .unwrap();
    assert_eq!(handle.join().unwrap(), Ok(false));
    let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let input = [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#,
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        r#"{"jsonrpc":"2.0","method":"exit"}"#,
    ]
    .map(frame)
    .concat();
    let out = menulint()
        .arg("server")
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
