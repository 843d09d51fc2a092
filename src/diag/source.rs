//! Source text with a line index, so byte spans become 1-based lines and columns.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::ops::Range;
use std::sync::Arc;

/// A byte range into a [`SourceFile`].
pub type Span = Range<usize>;

/// A file's text, shared cheaply between findings and renderers.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: Held<str>,
    line_starts: Held<[usize]>,
    /// A `\r` not followed by `\n`, which miette counts as a line break and the index does not.
    bare_cr: bool,
}

/// Two sources are the same file when they have the same name and text.
impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text() == other.text()
    }
}

/// A 1-based start and end position; columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    /// Line of the start, from 1.
    pub line: usize,
    /// Column of the start, from 1, in characters.
    pub column: usize,
    /// Line of the end, from 1.
    pub end_line: usize,
    /// Column just past the end, from 1, in characters (the end is exclusive).
    pub end_column: usize,
}

/// Read at run time, or shipped in the binary: the built-in packs' text and line
/// index, which a run would otherwise copy and compute.
#[derive(Debug)]
enum Held<T: ?Sized + 'static> {
    Shared(Arc<T>),
    Static(&'static T),
}

impl<T: ?Sized> Clone for Held<T> {
    fn clone(&self) -> Self {
        match self {
            Held::Shared(t) => Held::Shared(t.clone()),
            Held::Static(t) => Held::Static(t),
        }
    }
}

impl<T: ?Sized> std::ops::Deref for Held<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Held::Shared(t) => t,
            Held::Static(t) => t,
        }
    }
}

impl SourceFile {
    /// A file read at run time, named `name`; its line index is computed here.
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let line_starts: Arc<[usize]> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let bytes = text.as_bytes();
        let bare_cr = text
            .match_indices('\r')
            .any(|(i, _)| bytes.get(i + 1) != Some(&b'\n'));
        SourceFile {
            name: name.into(),
            text: Held::Shared(text),
            line_starts: Held::Shared(line_starts),
            bare_cr,
        }
    }

    /// A file shipped in the binary, with its line index (`line_starts` as
    /// [`SourceFile::new`] would compute it; it must have no bare `\r`).
    pub(crate) fn shipped(
        name: impl Into<Arc<str>>,
        text: &'static str,
        line_starts: &'static [usize],
    ) -> Self {
        SourceFile {
            name: name.into(),
            text: Held::Static(text),
            line_starts: Held::Static(line_starts),
            bare_cr: false,
        }
    }

    /// The file's name as findings print it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The same text under another name (sharing it, not copying it).
    pub fn renamed(&self, name: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            ..self.clone()
        }
    }

    /// The file's whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based (line, column) of a byte offset; offsets past the end clamp to it.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        (line + 1, column)
    }

    /// The location of a span; the end is exclusive, so it names the last character's column + 1.
    pub fn location(&self, span: &Span) -> Location {
        let (line, column) = self.position(span.start);
        let (end_line, end_column) = self.position(span.end.max(span.start));
        Location {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The text of one 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The 0-based line an offset falls on; offsets past the end are on the last line.
    fn line_index(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// Moves an offset back onto a character boundary inside the text.
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Snippets for miette, cut from the lines around the span: miette's own `str` source
/// scans the text from its start for every snippet, which made rendering quadratic in
/// a large menu with many findings. The answer is the same as miette's, byte for byte.
impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let bytes = self.text.as_bytes();
        if span.offset() > bytes.len() {
            // miette's own scan would slice past the end and panic
            return Err(MietteError::OutOfBounds);
        }
        let named = |c: Box<dyn SpanContents<'a> + 'a>, shift: usize, lines: usize| {
            Box::new(MietteSpanContents::new_named(
                self.name.to_string(),
                c.data(),
                (c.span().offset() + shift, c.span().len()).into(),
                c.line() + lines,
                c.column(),
                c.line_count() + lines,
            )) as Box<dyn SpanContents<'a> + 'a>
        };
        if self.bare_cr {
            return Ok(named(bytes.read_span(span, before, after)?, 0, 0));
        }
        // one line more on each side than miette keeps, so its scan of the window ends
        // exactly where a scan of the whole text would
        let first = self.line_index(span.offset()).saturating_sub(before + 1);
        let last = self.line_index(span.offset() + span.len()) + after + 2;
        let start = self.line_starts[first];
        let end = self.line_starts.get(last).copied().unwrap_or(bytes.len());
        let local = SourceSpan::new((span.offset().saturating_sub(start)).into(), span.len());
        let window = &bytes[start..end];
        Ok(named(
            window.read_span(&local, before, after)?,
            start,
            first,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let f = SourceFile::new("m.toml", "a = 1\nné = \"x\"\r\nz");
        assert_eq!(f.position(0), (1, 1));
        assert_eq!(f.position(6), (2, 1));
        // 'é' is two bytes but one column
        assert_eq!(f.position(9), (2, 3));
        assert_eq!(f.position(17), (3, 1));
        assert_eq!(f.position(999), (3, 2));
        assert_eq!(f.line_text(2), "né = \"x\"");
        assert_eq!(f.line_text(9), "");
    }

    #[test]
    fn snippets_match_miettes_own_for_every_span() {
        let texts = [
            "a = 1\nb = 2\n\n[plan]\nname = \"x\"\nsponsor = \"y\"\n",
            "a = 1\r\nb = 2\r\n\r\nc = 3",
            "one\rtwo\nthree\r\nfour",
            "no newline at all",
            "\n\n\n",
            "",
        ];
        for text in texts {
            let ours = SourceFile::new("m.toml", text);
            let theirs = miette::NamedSource::new("m.toml", text.to_owned());
            let past = SourceSpan::new((text.len() + 1).into(), 0);
            assert!(ours.read_span(&past, 1, 1).is_err());
            for offset in 0..=text.len() {
                for len in [0, 1, 3, 8, 40] {
                    for (before, after) in [(0, 0), (1, 1), (2, 3)] {
                        let span = SourceSpan::new(offset.into(), len);
                        let a = ours.read_span(&span, before, after);
                        let b = theirs.read_span(&span, before, after);
                        let (a, b) = match (a, b) {
                            (Ok(a), Ok(b)) => (a, b),
                            (Err(_), Err(_)) => continue,
                            (a, b) => panic!(
                                "{text:?} {offset}+{len}: {:?} vs {:?}",
                                a.is_ok(),
                                b.is_ok()
                            ),
                        };
                        let what = format!("{text:?} {offset}+{len} ({before}, {after})");
                        assert_eq!(a.data(), b.data(), "{what}");
                        assert_eq!(a.span(), b.span(), "{what}");
                        assert_eq!(a.line(), b.line(), "{what}");
                        assert_eq!(a.column(), b.column(), "{what}");
                        assert_eq!(a.line_count(), b.line_count(), "{what}");
                        assert_eq!(a.name(), b.name(), "{what}");
                    }
                }
            }
        }
    }
}
