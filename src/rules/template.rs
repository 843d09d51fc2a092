//! Message and path templates: literal text with `{cel expression}` placeholders.

use super::expr::{format_value, Expr, Parser};
use cel::{Context, Env, ExecutionError};

#[derive(Debug)]
enum Part {
    Text(String),
    Expr(Expr),
}

/// A compiled template; `{{` and `}}` stand for literal braces. A deferred one
/// compiles when it first renders: most rules never fire on a given menu.
pub struct Template {
    source: String,
    parts: std::sync::OnceLock<Result<Vec<Part>, String>>,
    deferred: Option<std::sync::Arc<Env>>,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Template").field(&self.source).finish()
    }
}

impl Template {
    /// Compiles every placeholder; the error names the placeholder and what is wrong.
    pub fn compile(env: &Env, source: &str) -> Result<Template, String> {
        let parts = std::sync::OnceLock::new();
        let _ = parts.set(Ok(Self::parts_of(env, Parser::Reference, source)?));
        Ok(Template {
            source: source.to_owned(),
            parts,
            deferred: None,
        })
    }

    /// A template that compiles on first use (its source is a built-in pack's, known to
    /// be valid), with the Pratt parser.
    pub(crate) fn deferred(env: std::sync::Arc<Env>, source: &str) -> Template {
        Template {
            source: source.to_owned(),
            parts: std::sync::OnceLock::new(),
            deferred: Some(env),
        }
    }

    fn parts(&self) -> Result<&[Part], ExecutionError> {
        self.parts
            .get_or_init(|| match &self.deferred {
                Some(env) => Self::parts_of(env, Parser::Pratt, &self.source),
                None => Err("the template was not compiled".to_owned()),
            })
            .as_deref()
            .map_err(|e| ExecutionError::function_error("template", e.clone()))
    }

    fn parts_of(env: &Env, parser: Parser, source: &str) -> Result<Vec<Part>, String> {
        // the first mistake in reading order is the one reported
        let (pieces, malformed) = split(source);
        let parts = pieces
            .into_iter()
            .map(|piece| match piece {
                Piece::Text(text) => Ok(Part::Text(text)),
                Piece::Placeholder(expr) => Expr::compile(env, parser, expr)
                    .map(Part::Expr)
                    .map_err(|e| format!("in placeholder `{{{expr}}}`: {e}")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        match malformed {
            Some(e) => Err(e),
            None => Ok(parts),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Compiles a deferred template now; the error says what is wrong.
    pub fn force(&self) -> Result<(), String> {
        self.parts().map(|_| ()).map_err(|e| e.to_string())
    }

    pub fn render(&self, ctx: &Context) -> Result<String, ExecutionError> {
        let mut out = String::new();
        for part in self.parts()? {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Expr(e) => out.push_str(&format_value(&e.eval(ctx)?)),
            }
        }
        Ok(out)
    }
}

/// A piece of a template: literal text, or a placeholder's CEL source.
#[derive(Debug, PartialEq)]
pub(crate) enum Piece<'s> {
    Text(String),
    Placeholder(&'s str),
}

/// Splits a template into literal text and placeholders, up to where it is
/// malformed, if it is: the error says where.
pub(crate) fn split(source: &str) -> (Vec<Piece<'_>>, Option<String>) {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|p| p.1) == Some('{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek().map(|p| p.1) == Some('}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let start = i + 1;
                let Some(end) = placeholder_end(source, start) else {
                    return (
                        pieces,
                        Some(format!("unclosed `{{` at character {}", i + 1)),
                    );
                };
                while chars.peek().is_some_and(|p| p.0 < end) {
                    chars.next();
                }
                chars.next(); // the closing brace
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Placeholder(&source[start..end]));
            }
            '}' => {
                let e = format!(
                    "unmatched `}}` at character {}; write `}}}}` for a literal brace",
                    i + 1
                );
                return (pieces, Some(e));
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    (pieces, None)
}

/// Finds the `}` closing a placeholder, skipping nested braces and quoted strings.
fn placeholder_end(s: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s[start..].char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '{' => depth += 1,
            '}' if depth == 0 => return Some(start + i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_placeholders_and_literal_braces() {
        let env = Env::stdlib();
        let t = Template::compile(&env, "{{x}} {1 + 2}% of {'a}b'} {[1.5, 2.0]}").unwrap();
        assert_eq!(
            t.render(&Context::default()).unwrap(),
            "{x} 3% of a}b 1.5, 2"
        );
        assert!(Template::compile(&env, "oops {1 +").is_err());
        assert!(Template::compile(&env, "oops }").is_err());
        assert!(Template::compile(&env, "{1 +}").is_err());
        // the first mistake in reading order is reported
        let e = Template::compile(&env, "{1 +} }").unwrap_err();
        assert!(e.starts_with("in placeholder `{1 +}`"), "{e}");
        let e = Template::compile(&env, "{1} } {1 +}").unwrap_err();
        assert!(e.starts_with("unmatched `}` at character 5"), "{e}");
    }
}
