//! One escaping helper per output kind: whatever a menu, a path, a waiver or a pack
//! writes reaches an output only through one of these.

/// Text inside Markdown (a table cell, a list item): HTML and the Markdown
/// characters that could start markup are neutralised; line breaks become spaces.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_terminal_control(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A complete Markdown code span showing `s` literally (backslash escapes do not
/// work inside one): fenced with more backticks than `s` contains in a row, line
/// breaks as spaces, `|` escaped so a table cell cannot be split.
pub(crate) fn markdown_code(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if is_terminal_control(c) => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .replace('|', "\\|");
    let longest = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') || flat.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// Characters a terminal may act on: C0 and C1 controls, DEL, line and paragraph
/// separators, and bidirectional overrides (which reorder what is shown).
fn is_terminal_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// One line of text for a terminal: every control character (ESC, CR, LF, …)
/// shown as a visible escape (`\u{1b}`), so no text can move the cursor, clear
/// the screen, forge a line or start a CI workflow command.
pub fn terminal(s: &str) -> String {
    if !s.chars().any(|c| is_terminal_control(c) && c != '\t') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_terminal_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A file's text for quoting in a terminal, with every control character other
/// than tab and line ends replaced by `?` bytes: byte offsets (and so spans) stay
/// valid. A CR that does not end a line is replaced too.
pub(crate) fn terminal_source(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let needs = text.char_indices().any(|(i, c)| {
        is_terminal_control(c)
            && c != '\t'
            && c != '\n'
            && !(c == '\r' && bytes.get(i + 1) == Some(&b'\n'))
    });
    if !needs {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let keep = !is_terminal_control(c)
            || c == '\t'
            || c == '\n'
            || (c == '\r' && bytes.get(i + 1) == Some(&b'\n'));
        if keep {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        }
    }
    Some(out)
}

/// Rendered terminal text in which no line starts a CI workflow command
/// (`::error …`, `::add-mask::`): such a line gets a `\` before its `::`.
pub(crate) fn no_workflow_commands(text: String) -> String {
    if !text.contains("::") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if line[indent..].starts_with("::") {
            out.push_str(&line[..indent]);
            out.push('\\');
            out.push_str(&line[indent..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Text for XML 1.0: characters XML cannot carry at all (NUL and other controls,
/// U+FFFE, U+FFFF) become U+FFFD; the XML writer escapes `<`, `&` and quotes.
pub(crate) fn xml_chars(s: &str) -> String {
    let ok = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{d7ff}').contains(&c)
            || ('\u{e000}'..='\u{fffd}').contains(&c)
            || c >= '\u{10000}'
    };
    if s.chars().all(ok) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| if ok(c) { c } else { '\u{fffd}' })
        .collect()
}

/// The bytes a path segment keeps as they are (RFC 3986 unreserved, and `/`).
const PATH_KEEPS: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A path as a URI reference (RFC 3986): relative paths stay relative, absolute
/// ones become `file:` URIs (a Windows drive `C:\x` is `file:///C:/x`, a share
/// `\\srv\x` is `file://srv/x`); every byte outside the unreserved set and `/`
/// is percent-encoded (spaces, `%`, `#`, `?`, non-ASCII). The encoding is the `url`
/// project's `percent-encoding`; `url` itself would bring host-name tables a path
/// never needs.
pub fn uri(path: &str) -> String {
    // a backslash separates directories only in a Windows path; elsewhere it is a
    // character of the file's name
    let b = path.as_bytes();
    let windows = cfg!(windows)
        || path.starts_with("\\\\")
        || (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\');
    let path = if windows {
        path.replace('\\', "/")
    } else {
        path.to_owned()
    };
    let enc = |p: &str| percent_encoding::utf8_percent_encode(p, PATH_KEEPS).to_string();
    let b = path.as_bytes();
    if b.len() >= 2
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && b.get(2).is_none_or(|&c| c == b'/')
    {
        format!("file:///{}:{}", &path[..1], enc(&path[2..]))
    } else if path.starts_with("//") {
        format!("file:{}", enc(&path))
    } else if path.starts_with('/') {
        format!("file://{}", enc(&path))
    } else {
        enc(&path)
    }
}

/// A TOML basic string (`"…"`) on one line that shows as it reads: quotes,
/// backslashes, line breaks and every control, C1, line-separator or bidirectional
/// character written as an escape, so no value starts a line of its own (a
/// `::error::` workflow command) or acts on a terminal.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || is_invisible_control(c)
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') =>
            {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a character would act on the reader rather than show: control characters
/// (ESC, BEL, …) and the bidirectional overrides that reorder the text around them.
fn is_invisible_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for a document (HTML, SVG, a report): invisible controls become U+FFFD, so
/// a name cannot reorder or hide what is printed around it.
pub(crate) fn document_text(s: &str) -> String {
    if !s.chars().any(is_invisible_control) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if is_invisible_control(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Text for a CSV cell that spreadsheets will open: a cell that begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would run as a formula, so it gets a
/// leading `'`, which spreadsheets show as text; invisible controls as in
/// [`document_text`]. (Quoting is the CSV writer's.)
pub(crate) fn csv_cell(s: &str) -> String {
    let s = document_text(s);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// Text inside XML or SVG (element content or an attribute value).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in document_text(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A GitHub Actions workflow command's message (`%`, CR, LF).
pub(crate) fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A GitHub Actions workflow command's property value (also `:` and `,`).
pub(crate) fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_start_a_formula() {
        for hostile in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert!(csv_cell(hostile).starts_with('\''), "{hostile}");
        }
        assert_eq!(csv_cell("Fund = good"), "Fund = good");
        assert_eq!(csv_cell("a\u{202e}b"), "a\u{fffd}b");
    }

    #[test]
    fn github_text_is_escaped() {
        assert_eq!(
            github_data("50% off\r\n::error::x"),
            "50%25 off%0D%0A::error::x"
        );
        assert_eq!(github_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }

    #[test]
    fn terminal_text_cannot_act_on_the_terminal() {
        assert_eq!(terminal("ok"), "ok");
        assert_eq!(
            terminal("a\u{1b}[2Jb\r\n0 errors\u{9b}\u{202e}"),
            "a\\u{1b}[2Jb\\r\\n0 errors\\u{9b}\\u{202e}"
        );
        let src = "a = \"x\u{1b}]8;;http://e\u{7}\"\r\nb\rc\u{9b}d\n";
        let clean = terminal_source(src).unwrap();
        assert_eq!(clean.len(), src.len());
        assert_eq!(clean, "a = \"x?]8;;http://e?\"\r\nb?c??d\n");
        assert_eq!(terminal_source("a\r\nb\tc\n"), None);
    }

    #[test]
    fn no_line_starts_a_workflow_command() {
        assert_eq!(
            no_workflow_commands("ok\n::error ::x\n  ::warning::y\na::b\n".into()),
            "ok\n\\::error ::x\n  \\::warning::y\na::b\n"
        );
    }

    #[test]
    fn xml_and_uri_text() {
        assert_eq!(
            xml_chars("a\u{0}b\u{fffe}\u{ffff}\u{1b}c\td"),
            "a\u{fffd}b\u{fffd}\u{fffd}\u{fffd}c\td"
        );
        assert_eq!(uri("plans/my menu%20.toml"), "plans/my%20menu%2520.toml");
        assert_eq!(uri("/tmp/a#b?.toml"), "file:///tmp/a%23b%3F.toml");
        assert_eq!(uri("caf\u{e9}.toml"), "caf%C3%A9.toml");
        assert_eq!(uri("C:\\plans\\a b.toml"), "file:///C:/plans/a%20b.toml");
        assert_eq!(uri("c:/m.toml"), "file:///c:/m.toml");
        assert_eq!(uri("\\\\srv\\share\\m.toml"), "file://srv/share/m.toml");
        assert_eq!(uri("plans/c:x.toml"), "plans/c%3Ax.toml");
        if !cfg!(windows) {
            assert_eq!(uri("bad\\name.toml"), "bad%5Cname.toml");
        }
        assert_eq!(
            toml_string("a \"b\"\\c\n::error::x\u{1b}[2J\u{9b}\u{202e}"),
            "\"a \\\"b\\\"\\\\c\\n::error::x\\u001B[2J\\u009B\\u202E\""
        );
    }

    #[test]
    fn markdown_code_spans_hold_any_text() {
        assert_eq!(markdown_code("a = 1"), "`a = 1`");
        assert_eq!(markdown_code("x`y\nz|"), "``x`y z\\|``");
        assert_eq!(markdown_code("`"), "`` ` ``");
    }

    #[test]
    fn markdown_cannot_open_markup() {
        assert_eq!(
            markdown("a|b\n# <script>`x`"),
            "a\\|b \\# &lt;script&gt;\\`x\\`"
        );
    }
}
