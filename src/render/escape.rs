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
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A complete Markdown code span showing `s` literally (backslash escapes do not
/// work inside one): fenced with more backticks than `s` contains in a row, line
/// breaks as spaces, `|` escaped so a table cell cannot be split.
pub fn markdown_code(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
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

/// Text inside XML or SVG (element content or an attribute value).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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
pub fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A GitHub Actions workflow command's property value (also `:` and `,`).
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_text_is_escaped() {
        assert_eq!(
            github_data("50% off\r\n::error::x"),
            "50%25 off%0D%0A::error::x"
        );
        assert_eq!(github_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
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
