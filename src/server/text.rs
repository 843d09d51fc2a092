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
    /// A config by its name, as discovery finds one; a pack or a mapping by the table
    /// only such a file has; any other TOML document is a menu.
    pub(crate) fn of(path: &Path, text: &str) -> Kind {
        let has_table = |table: &str| text.lines().any(|l| l.trim() == table);
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if crate::policy::config::CONFIG_FILES.contains(&name) {
            Kind::Config
        } else if has_table("[pack]") {
            Kind::Pack
        } else if has_table("[columns]") {
            Kind::Mapping
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

/// The schema node of a path of table and key names (`options`, `exposure`,
/// `crypto_pct`) in `root`, with the description written where it is referenced;
/// an array's node is its items', and a table of free keys (`[rules.ID]`) its
/// entries'.
fn node_in<'a>(root: &'a Value, path: &[String]) -> Option<(&'a Value, Option<&'a str>)> {
    let mut node = resolve(root, root);
    let mut described = description(root, root);
    for seg in path {
        let next = match node.get("properties").and_then(|p| p.get(seg)) {
            Some(n) => n,
            None => node.get("additionalProperties").filter(|a| a.is_object())?,
        };
        described = description(root, next);
        node = resolve(root, next);
        if node.get("type").and_then(Value::as_str) == Some("array") {
            if let Some(items) = node.get("items") {
                node = resolve(root, items);
            }
        }
    }
    Some((node, described))
}

/// The schema node of a path in a document of `kind`. A mapping's `[columns]` and
/// `[defaults]` name the options' fields, and its `[plan]` the menu's: those are
/// the menu format's.
fn node_at(kind: Kind, path: &[String]) -> Option<(&'static Value, Option<&'static str>)> {
    if kind == Kind::Mapping {
        let menu = Kind::Menu.schema();
        let borrowed = match path.first().map(String::as_str) {
            Some("columns" | "defaults") if path.len() > 1 => {
                node_in(menu, &[&["options".to_owned()], &path[1..]].concat())
            }
            Some("plan") => node_in(menu, path),
            _ => None,
        };
        if borrowed.is_some() {
            return borrowed;
        }
    }
    node_in(kind.schema(), path)
}

/// The keys a table takes, each with its description.
fn keys_of(kind: Kind, table: &[String]) -> Vec<(String, Option<String>)> {
    if kind == Kind::Mapping
        && table.len() == 1
        && matches!(table[0].as_str(), "columns" | "defaults")
    {
        return crate::import::lineup::column_names()
            .into_iter()
            .map(|field| {
                let path: Vec<String> = field.split('.').map(str::to_owned).collect();
                let described = node_at(kind, &[&[table[0].clone()], &path[..]].concat())
                    .and_then(|(_, d)| d)
                    .map(str::to_owned);
                (field, described)
            })
            .collect();
    }
    let root = kind.schema();
    node_at(kind, table)
        .and_then(|(n, _)| n.get("properties"))
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(k, v)| (k.clone(), description(root, v).map(str::to_owned)))
                .collect()
        })
        .unwrap_or_default()
}

/// The table path in force at `offset`: the last `[a.b]` or `[[a]]` header above it.
fn table_at(text: &str, offset: usize) -> Vec<String> {
    let before = &text[..offset.min(text.len())];
    for line in before.lines().rev() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix('[') {
            let h = h.trim_start_matches('[');
            let h = h.split(']').next().unwrap_or_default();
            return h
                .split('.')
                .map(|s| s.trim().trim_matches('"').to_owned())
                .filter(|s| !s.is_empty())
                .collect();
        }
    }
    Vec::new()
}

/// The bare key a line assigns (`key = …`), with the byte range of the key in it.
fn assigned_key(line: &str) -> Option<(&str, std::ops::Range<usize>)> {
    let eq = line.find('=')?;
    let raw = &line[..eq];
    let key = raw.trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    {
        return None;
    }
    let start = raw.find(key)?;
    Some((key, start..start + key.len()))
}

fn line_around(text: &str, offset: usize) -> (usize, &str) {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    (start, &text[start..end])
}

/// The format's description of the key under the cursor, for hover.
pub(crate) fn key_description(kind: Kind, text: &str, offset: usize) -> Option<String> {
    let (start, line) = line_around(text, offset);
    let (key, at) = assigned_key(line)?;
    if !(start + at.start..=start + at.end).contains(&offset) {
        return None;
    }
    let mut path = table_at(text, start);
    path.extend(key.split('.').map(str::to_owned));
    let (node, description) = node_at(kind, &path)?;
    let description = description?;
    let values = node
        .get("enum")
        .and_then(Value::as_array)
        .map(|v| {
            let names: Vec<String> = v
                .iter()
                .filter_map(Value::as_str)
                .map(|s| format!("`{s}`"))
                .collect();
            format!("\n\nAccepted: {}", names.join(", "))
        })
        .unwrap_or_default();
    Some(format!("**{}**: {description}{values}", path.join(".")))
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
    let (start, line) = line_around(text, offset);
    let typed = &line[..(offset - start).min(line.len())];
    let table = table_at(text, start);
    if let Some((key, _)) = assigned_key(typed) {
        // a value: the key's accepted ones, quoted unless a quote is already typed
        let mut path = table;
        path.extend(key.split('.').map(str::to_owned));
        let quoted = typed[typed.find('=').map_or(0, |i| i + 1)..]
            .trim_start()
            .starts_with('"');
        return node_at(kind, &path)
            .and_then(|(n, _)| n.get("enum"))
            .and_then(Value::as_array)
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
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Vec::new();
    }
    keys_of(kind, &table)
        .into_iter()
        .map(|(label, detail)| Completion {
            label,
            detail,
            insert: None,
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
    fn the_menu_format_describes_and_completes_the_key_at_the_cursor() {
        let text = "[plan]\nname = \"X\"\n\n[[options]]\nasset_class = \"\"\nexpense_\n";
        let at = text.find("asset_class").unwrap() + 2;
        let hover = key_description(Kind::Menu, text, at).expect("a description");
        assert!(hover.starts_with("**options.asset_class**"), "{hover}");
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
    }
}
