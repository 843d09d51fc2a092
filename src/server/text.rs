//! What the server reads from a document's text: protocol positions (UTF-16 code
//! units, as editors count them) to byte offsets and back, the table and key at the
//! cursor, and the description, keys and values the document's format gives there.

use lsp_types::{Position, Range};
use serde_json::Value;
use std::path::Path;
use std::sync::OnceLock;

/// The byte offset of a position; a position past a line's end is its end.
pub(crate) fn offset(text: &str, pos: Position) -> usize {
    let mut start = 0;
    for _ in 0..pos.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0;
    for (i, c) in text[start..line_end].char_indices() {
        if units >= pos.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    line_end
}

/// The position of a byte offset (clamped to the text, and to a character boundary).
pub(crate) fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    Position::new(line as u32, character as u32)
}

/// The range of a byte span.
pub(crate) fn range(text: &str, span: std::ops::Range<usize>) -> Range {
    Range::new(position(text, span.start), position(text, span.end))
}

/// What a document is, which decides its schema and how it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An investment menu.
    Menu,
    /// A `menulint.toml` (or `.menulint.toml`).
    Config,
    /// A rule pack.
    Pack,
    /// A lineup mapping.
    Mapping,
}

impl Kind {
    /// A config by its name, as discovery finds one; a pack or a mapping by the tables
    /// only such a file has; a config another extends (`org.toml`) by its keys, where
    /// it has no plan or options; any other TOML document is a menu.
    pub(crate) fn of(path: &Path, text: &str) -> Kind {
        const CONFIG_KEYS: [&str; 7] = [
            "extends",
            "packs",
            "exclude",
            "extend-exclude",
            "allow_no_rules",
            "brokerage_windows_are_options",
            "incomplete",
        ];
        // each line without its comment (a header may carry one)
        let lines = || {
            text.lines()
                .map(|l| l.split('#').next().unwrap_or_default().trim())
        };
        // a table's header, or one of its sub-tables' (`[columns.name]`)
        let has = |header: &str| {
            let sub = format!("{}.", header.trim_end_matches(']'));
            lines().any(|l| l == header || l.starts_with(&sub))
        };
        let top_key = |l: &str| {
            l.split('=')
                .next()
                .map(str::trim)
                .unwrap_or_default()
                .to_owned()
        };
        let dotted = |table: &str| lines().any(|l| top_key(l).starts_with(&format!("{table}.")));
        // a config extends a .toml file, a mapping a preset by its name
        let extends_preset = lines().any(|l| {
            top_key(l) == "extends" && !l.split('=').nth(1).unwrap_or_default().contains(".toml")
        });
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if crate::policy::config::CONFIG_FILES.contains(&name) {
            Kind::Config
        } else if has("[pack]") || has("[[rules]]") {
            Kind::Pack
        } else if has("[columns]")
            || has("[lineup]")
            || has("[defaults]")
            || dotted("columns")
            || dotted("defaults")
            || extends_preset
        {
            Kind::Mapping
        } else if !has("[plan]")
            && !has("[[options]]")
            && (has("[rules]")
                || dotted("rules")
                || lines().any(|l| CONFIG_KEYS.contains(&top_key(l).as_str())))
        {
            Kind::Config
        } else {
            Kind::Menu
        }
    }

    fn schema(self) -> &'static Value {
        static SCHEMAS: OnceLock<[Value; 4]> = OnceLock::new();
        let all = SCHEMAS.get_or_init(|| {
            [
                crate::menu::schema::MENU_SCHEMA,
                crate::policy::config::CONFIG_SCHEMA,
                crate::rules::PACK_SCHEMA,
                crate::import::MAPPING_SCHEMA,
            ]
            .map(|text| serde_json::from_str(text).unwrap_or_default())
        });
        &all[self as usize]
    }
}

/// A schema node with its `$ref` followed (references within `root` only).
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..8 {
        let Some(r) = node.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(found) = r
            .strip_prefix("#/")
            .and_then(|p| p.split('/').try_fold(root, |n, k| n.get(k)))
        else {
            break;
        };
        node = found;
    }
    node
}

/// A schema node's description: its own, before the one its `$ref` gives.
fn description<'a>(root: &'a Value, node: &'a Value) -> Option<&'a str> {
    node.get("description")
        .or_else(|| resolve(root, node).get("description"))
        .and_then(Value::as_str)
}

/// A schema node found for a path: the schema it is in (its `$ref`s resolve
/// there), the node, and the description written where it is referenced.
struct Found {
    root: &'static Value,
    node: &'static Value,
    description: Option<&'static str>,
}

impl Found {
    /// The keys the node's table takes: its own, or those of the first branch of
    /// its `oneOf` that is a table (a mapping column is a header or a table).
    fn properties(&self) -> Option<&'static serde_json::Map<String, Value>> {
        branches(self.root, self.node)
            .into_iter()
            .find_map(|n| n.get("properties").and_then(Value::as_object))
    }

    /// The values the node accepts, if it lists them.
    fn values(&self) -> Option<&'static Vec<Value>> {
        self.node.get("enum").and_then(Value::as_array)
    }
}

/// A node and, where it is a choice (`oneOf`, `anyOf`), each of its branches.
fn branches(root: &'static Value, node: &'static Value) -> Vec<&'static Value> {
    let mut all = vec![node];
    for choice in ["oneOf", "anyOf"] {
        if let Some(list) = node.get(choice).and_then(Value::as_array) {
            all.extend(list.iter().map(|b| resolve(root, b)));
        }
    }
    all
}

/// The schema node of a path of table and key names (`options`, `exposure`,
/// `crypto_pct`) in `root`; an array's node is its items', a table of free keys
/// (`[rules.ID]`) its entries', and a choice's the branch that has the key.
fn node_in(root: &'static Value, path: &[String]) -> Option<Found> {
    let mut node = resolve(root, root);
    let mut described = description(root, root);
    for seg in path {
        let next = branches(root, node).into_iter().find_map(|n| {
            n.get("properties")
                .and_then(|p| p.get(seg))
                .or_else(|| n.get("additionalProperties").filter(|a| a.is_object()))
        })?;
        described = description(root, next);
        node = resolve(root, next);
        if node.get("type").and_then(Value::as_str) == Some("array") {
            if let Some(items) = node.get("items") {
                node = resolve(root, items);
            }
        }
    }
    Some(Found {
        root,
        node,
        description: described,
    })
}

/// A menu option's field as a mapping names it (`performance.return_1y_pct`, one
/// quoted key, or dotted keys), as the path of the menu format's node.
fn option_field(field: &[String]) -> Vec<String> {
    std::iter::once("options".to_owned())
        .chain(field.iter().flat_map(|f| f.split('.').map(str::to_owned)))
        .collect()
}

/// The schema node of a path in a document of `kind`. A mapping names the menu's
/// option fields: a `[defaults]` value is one (the menu format's node), a
/// `[columns]` key is one (described as the menu describes it) whose value is a
/// column's header or spec (the mapping format's node); its `[plan]` is the menu's.
fn node_at(kind: Kind, path: &[String]) -> Option<Found> {
    if kind == Kind::Mapping {
        let menu = Kind::Menu.schema();
        match path.first().map(String::as_str) {
            Some("defaults") if path.len() > 1 => return node_in(menu, &option_field(&path[1..])),
            Some("plan") => return node_in(menu, path),
            Some("columns") if path.len() == 2 => {
                let spec = node_in(kind.schema(), path)?;
                let description = node_in(menu, &option_field(&path[1..]))
                    .and_then(|f| f.description)
                    .or(spec.description);
                return Some(Found {
                    description,
                    ..spec
                });
            }
            _ => {}
        }
    }
    node_in(kind.schema(), path)
}

/// A key a completion offers: its name, its description, and the text to insert
/// where the name alone would not be the key (a dotted field is quoted).
type Offered = (String, Option<String>, Option<String>);

/// The keys a table takes.
fn keys_of(kind: Kind, table: &[String]) -> Vec<Offered> {
    if kind == Kind::Mapping
        && table.len() == 1
        && matches!(table[0].as_str(), "columns" | "defaults")
    {
        return crate::import::lineup::column_names()
            .into_iter()
            .map(|field| {
                let described = node_at(kind, &[table[0].clone(), field.clone()])
                    .and_then(|f| f.description)
                    .map(str::to_owned);
                // bare, `a.b` would be a table `a` with a key `b`
                let insert = field.contains('.').then(|| format!("\"{field}\""));
                (field, described, insert)
            })
            .collect();
    }
    let Some(found) = node_at(kind, table) else {
        return Vec::new();
    };
    found
        .properties()
        .map(|props| {
            props
                .iter()
                .map(|(k, v)| {
                    let described = description(found.root, v).map(str::to_owned);
                    (k.clone(), described, None)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The names of a dotted TOML key or table header (`a."b.c".d`): bare parts split
/// at dots, quoted ones kept whole.
fn key_parts(key: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = key.trim();
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            parts.push(quoted[..end].to_owned());
            rest = quoted.get(end + 1..).unwrap_or_default();
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            parts.push(rest[..end].trim().to_owned());
            rest = &rest[end..];
        }
        rest = rest
            .trim_start()
            .strip_prefix('.')
            .unwrap_or(rest)
            .trim_start();
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// The keys written in the table whose line starts at `line_start` (from its header
/// to the next), but for that line's own.
fn keys_in_block(text: &str, line_start: usize) -> std::collections::BTreeSet<String> {
    let is_header = |l: &str| l.trim_start().starts_with('[');
    let own = text[..line_start.min(text.len())].matches('\n').count();
    let lines: Vec<&str> = text.lines().collect();
    let first = (0..own.min(lines.len()))
        .rev()
        .find(|&i| is_header(lines[i]))
        .map_or(0, |i| i + 1);
    let last = (own + 1..lines.len())
        .find(|&i| is_header(lines[i]))
        .unwrap_or(lines.len());
    (first..last)
        .filter(|&i| i != own)
        .filter_map(|i| assigned_key(lines[i]))
        .map(|(parts, _)| parts.join("."))
        .collect()
}

/// The table path in force at `offset`: the last `[a.b]` or `[[a]]` header above it.
fn table_at(text: &str, offset: usize) -> Vec<String> {
    let before = &text[..offset.min(text.len())];
    for line in before.lines().rev() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix('[') {
            let h = h.trim_start_matches('[');
            // the header ends at the last `]` before any comment
            let h = h.split('#').next().unwrap_or_default();
            let h = h.trim_end().trim_end_matches(']');
            return key_parts(h);
        }
    }
    Vec::new()
}

/// The key a line assigns (`key = …`, `a.b = …`, `"a.b" = …`): its names, and the
/// byte range of the key in the line.
fn assigned_key(line: &str) -> Option<(Vec<String>, std::ops::Range<usize>)> {
    let eq = line.find('=')?;
    let raw = &line[..eq];
    let key = raw.trim();
    let bare = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    };
    let quoted = key.len() > 2
        && key.starts_with('"')
        && key.ends_with('"')
        && !key[1..key.len() - 1].contains('"');
    if !bare(key) && !quoted {
        return None;
    }
    let start = raw.find(key)?;
    Some((key_parts(key), start..start + key.len()))
}

fn line_around(text: &str, offset: usize) -> (usize, &str) {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    (start, &text[start..end])
}

/// Whether `offset` is inside a multi-line string (`"""…"""` or `'''…'''`), where
/// a line that looks like `key = value` is text, not a key.
fn in_multiline_string(text: &str, offset: usize) -> bool {
    let mut before = &text[..offset.min(text.len())];
    while !text.is_char_boundary(before.len()) {
        before = &before[..before.len() - 1];
    }
    let mut open: Option<&str> = None;
    let mut rest = before;
    while let Some(i) = rest
        .find(r#"""""#)
        .into_iter()
        .chain(rest.find("'''"))
        .min()
    {
        let quote = &rest[i..i + 3];
        open = match open {
            None => Some(quote),
            Some(q) if q == quote => None,
            other => other,
        };
        rest = &rest[i + 3..];
    }
    open.is_some()
}

/// The format's description of the key under the cursor, for hover.
pub(crate) fn key_description(kind: Kind, text: &str, offset: usize) -> Option<String> {
    if in_multiline_string(text, offset) {
        return None;
    }
    let (start, line) = line_around(text, offset);
    let (key, at) = assigned_key(line)?;
    if !(start + at.start..=start + at.end).contains(&offset) {
        return None;
    }
    let mut path = table_at(text, start);
    path.extend(key);
    let found = node_at(kind, &path)?;
    let description = found.description?;
    let values = found
        .values()
        .map(|v| {
            let names: Vec<String> = v
                .iter()
                .filter_map(Value::as_str)
                .map(|s| format!("`{s}`"))
                .collect();
            format!("\n\nAccepted: {}", names.join(", "))
        })
        .unwrap_or_default();
    // the key as written is the document's text: shown as code, never as markup
    let key = crate::render::escape::markdown_code(&path.join("."));
    Some(format!("{key}: {description}{values}"))
}

/// One completion: what it shows, what it inserts, and whether it is a value.
pub(crate) struct Completion {
    pub label: String,
    pub detail: Option<String>,
    pub insert: Option<String>,
    pub value: bool,
}

/// The keys of the table at the cursor, or the accepted values of the key whose
/// value is being written.
pub(crate) fn completions(kind: Kind, text: &str, offset: usize) -> Vec<Completion> {
    if in_multiline_string(text, offset) {
        return Vec::new();
    }
    let (start, line) = line_around(text, offset);
    let typed = &line[..(offset - start).min(line.len())];
    let table = table_at(text, start);
    if let Some((key, _)) = assigned_key(typed) {
        // a value: the key's accepted ones, quoted unless a quote is already typed
        let mut path = table;
        path.extend(key);
        let value = typed[typed.find('=').map_or(0, |i| i + 1)..].trim_start();
        let quoted = value.starts_with('"') || value.starts_with('\'');
        // a value already closed, or a bare one begun (a number, a table), takes none
        if (quoted && value[1..].contains(&value[..1])) || (!quoted && !value.is_empty()) {
            return Vec::new();
        }
        return node_at(kind, &path)
            .and_then(|f| f.values())
            .map(|values| {
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|v| Completion {
                        label: v.to_owned(),
                        detail: None,
                        insert: Some(if quoted {
                            v.to_owned()
                        } else {
                            format!("\"{v}\"")
                        }),
                        value: true,
                    })
                    .collect()
            })
            .unwrap_or_default();
    }
    if !typed
        .trim_start()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Vec::new();
    }
    // a key the table already has would be written twice
    let written = keys_in_block(text, start);
    keys_of(kind, &table)
        .into_iter()
        .filter(|(label, _, _)| !written.contains(label))
        .map(|(label, detail, insert)| Completion {
            label,
            detail,
            insert,
            value: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "a = \"é😀\"\nb = 1\n";
        let p = position(text, text.find('b').unwrap());
        assert_eq!(p, Position::new(1, 0));
        // é is one unit, the emoji two
        let after_emoji = text.find('😀').unwrap() + '😀'.len_utf8();
        assert_eq!(position(text, after_emoji), Position::new(0, 8));
        assert_eq!(offset(text, Position::new(0, 8)), after_emoji);
        assert_eq!(offset(text, Position::new(0, 99)), text.find('\n').unwrap());
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn a_documents_kind_is_told_by_its_name_or_its_tables() {
        let kind = |name: &str, text: &str| Kind::of(Path::new(name), text);
        assert_eq!(kind("menulint.toml", ""), Kind::Config);
        assert_eq!(kind(".menulint.toml", "[plan]\n"), Kind::Config);
        assert_eq!(
            kind("org.toml", "[rules.ACM001]\nseverity = \"off\"\n"),
            Kind::Config
        );
        assert_eq!(kind("org.toml", "packs = [\"crypto\"]\n"), Kind::Config);
        assert_eq!(kind("acme.toml", "[pack]\nname = \"acme\"\n"), Kind::Pack);
        assert_eq!(
            kind(
                "map.toml",
                "extends = \"recordkeeper\"\n\n[defaults]\nqdia = false\n"
            ),
            Kind::Mapping
        );
        assert_eq!(
            kind("map.toml", "[columns]\nname = \"Fund\"\n"),
            Kind::Mapping
        );
        for (name, text, want) in [
            (
                "map.toml",
                "[columns] # headers\nname = \"Fund\"\n",
                Kind::Mapping,
            ),
            (
                "map.toml",
                "[columns.name]\nheader = \"Fund\"\n",
                Kind::Mapping,
            ),
            ("map.toml", "extends = \"recordkeeper\"\n", Kind::Mapping),
            ("map.toml", "columns.name = \"Fund\"\n", Kind::Mapping),
            ("org.toml", "extends = \"base.toml\"\n", Kind::Config),
            (
                "org.toml",
                "rules.ACM001.severity = \"off\"\n",
                Kind::Config,
            ),
            (
                "org.toml",
                "[rules]\nACM001 = { severity = \"off\" }\n",
                Kind::Config,
            ),
        ] {
            assert_eq!(kind(name, text), want, "{text}");
        }
        assert_eq!(
            kind("plan.toml", "schema_version = 1\n[plan]\nname = \"P\"\n"),
            Kind::Menu
        );
        assert_eq!(kind("new.toml", ""), Kind::Menu);
    }

    /// A line inside a multi-line string is text: no hover, no completion there.
    #[test]
    fn a_multi_line_strings_lines_are_text() {
        let text = "[[options]]\nname = \"\"\"\nasset_class = x\n\"\"\"\nasset_class = \"etf\"\n";
        let inside = text.find("asset_class = x").unwrap() + 2;
        assert!(in_multiline_string(text, inside));
        assert_eq!(key_description(Kind::Menu, text, inside), None);
        assert!(completions(Kind::Menu, text, inside).is_empty());
        let after = text.rfind("asset_class").unwrap() + 2;
        assert!(!in_multiline_string(text, after));
        assert!(key_description(Kind::Menu, text, after).is_some());
        assert!(in_multiline_string("a = \'\'\'\n\"\"\"\n", 9));
    }

    #[test]
    fn keys_and_headers_split_as_toml_reads_them() {
        assert_eq!(key_parts("a.b"), ["a", "b"]);
        assert_eq!(
            key_parts("columns.\"performance.return_1y_pct\""),
            ["columns", "performance.return_1y_pct"]
        );
        assert_eq!(key_parts(" a . \"b c\" "), ["a", "b c"]);
        let text = "[columns.\"performance.return_1y_pct\"] # the 1-year column\nheader = \"1Y\"\n";
        assert_eq!(
            table_at(text, text.len()),
            ["columns", "performance.return_1y_pct"]
        );
    }

    /// A mapping's columns name the menu's option fields (a dotted one quoted, as
    /// a bare dotted key would be a table); a column's value is a header or a spec,
    /// never one of the field's values; a default is one of the field's values.
    #[test]
    fn a_mapping_names_the_menus_fields_and_gives_headers_and_specs() {
        let text = "[columns]\n\nasset_class = \"\n\"performance.return_1y_pct\" = \"1 Year\"\n\n[columns.vehicle]\nunit = \"\n\n[defaults]\nasset_class = \"\n";
        let at = |needle: &str| text.find(needle).unwrap() + needle.len();
        let keys = completions(Kind::Mapping, text, text.find("\n\n").unwrap() + 1);
        let dotted = keys
            .iter()
            .find(|c| c.label == "performance.return_5y_pct")
            .expect("the 5-year return");
        assert_eq!(
            dotted.insert.as_deref(),
            Some("\"performance.return_5y_pct\"")
        );
        // the 1-year return and the asset class are written already
        assert!(keys.iter().all(|c| c.label != "performance.return_1y_pct"));
        assert!(dotted.detail.is_some());
        assert!(keys.iter().all(|c| c.label != "asset_class"));
        assert!(keys
            .iter()
            .any(|c| c.label == "vehicle" && c.insert.is_none()));
        // a column's value is its header: no field values are offered
        assert!(completions(Kind::Mapping, text, at("asset_class = \"")).is_empty());
        // a quoted dotted key is described as the menu describes the field
        let hover = key_description(Kind::Mapping, text, text.find("performance.").unwrap() + 2)
            .expect("a description");
        assert!(
            hover.starts_with("`columns.performance.return_1y_pct`: "),
            "{hover}"
        );
        // a column's spec: its keys, and the units it takes
        let spec = completions(Kind::Mapping, text, at("[columns.vehicle]\n"));
        let names: Vec<&str> = spec.iter().map(|c| c.label.as_str()).collect();
        for key in ["header", "letter", "values", "unit", "optional"] {
            assert!(names.contains(&key), "{names:?}");
        }
        let units = completions(Kind::Mapping, text, at("unit = \""));
        assert!(
            units.iter().any(|c| c.label == "percent"),
            "{}",
            units.len()
        );
        // a default is the field's value
        let defaults = completions(Kind::Mapping, text, at("[defaults]\nasset_class = \""));
        assert!(defaults.iter().any(|c| c.label == "target_date"));
    }

    #[test]
    fn the_menu_format_describes_and_completes_the_key_at_the_cursor() {
        let text = "[plan]\nname = \"X\"\n\n[[options]]\nasset_class = \"\"\nexpense_\n";
        let at = text.find("asset_class").unwrap() + 2;
        let hover = key_description(Kind::Menu, text, at).expect("a description");
        assert!(hover.starts_with("`options.asset_class`: "), "{hover}");
        // a key the document writes is shown as code, never as markup
        let hostile = "[rules.\"*x* [a](http://b)\"]\nseverity = \"off\"\n";
        let shown = key_description(Kind::Config, hostile, hostile.find("severity").unwrap() + 1)
            .expect("a description");
        assert!(
            shown.starts_with("`rules.*x* [a](http://b).severity`: "),
            "{shown}"
        );
        assert!(hover.contains("`digital_asset`"), "{hover}");
        // inside the quotes: the accepted values, unquoted
        let values = completions(Kind::Menu, text, text.find("\"\"\n").unwrap() + 1);
        assert!(values
            .iter()
            .any(|c| c.label == "target_date" && c.insert.as_deref() == Some("target_date")));
        // a key being typed: the table's keys
        let keys = completions(Kind::Menu, text, text.find("expense_").unwrap() + 8);
        assert!(keys
            .iter()
            .any(|c| c.label == "expense_ratio_pct" && c.detail.is_some()));
        assert!(keys.iter().all(|c| !c.value));
        let plan = completions(Kind::Menu, "[plan]\n\n", 7);
        assert!(plan.iter().any(|c| c.label == "glossary_url"));
        // a key the table has is not offered again; a value closed takes none; a
        // literal string's value goes in bare
        let written = "[plan]\nname = \"P\"\n\n[[options]]\nname = \"X\"\n";
        let keys = completions(Kind::Menu, written, written.find("\n\n").unwrap() + 1);
        assert!(
            keys.iter().all(|c| c.label != "name") && keys.iter().any(|c| c.label == "sponsor")
        );
        let keys = completions(Kind::Menu, written, written.len());
        assert!(
            keys.iter().all(|c| c.label != "name") && keys.iter().any(|c| c.label == "vehicle")
        );
        let closed = "[[options]]\nvehicle = \"etf\" ";
        assert!(completions(Kind::Menu, closed, closed.len()).is_empty());
        let literal = "[[options]]\nvehicle = 'e";
        let values = completions(Kind::Menu, literal, literal.len());
        assert!(
            values.iter().any(|c| c.insert.as_deref() == Some("etf")),
            "{}",
            values.len()
        );
    }
}
