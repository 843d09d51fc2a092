//! Source text with a line index, so byte spans become 1-based lines and columns.

use std::ops::Range;
use std::sync::Arc;

/// A byte range into a [`SourceFile`].
pub type Span = Range<usize>;

/// A file's text, shared cheaply between findings and renderers.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
    line_starts: Arc<[usize]>,
}

/// A 1-based start and end position; columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The shared text, for renderers that need an owned handle.
    pub fn text_arc(&self) -> Arc<str> {
        self.text.clone()
    }

    /// 1-based (line, column) of a byte offset; offsets past the end clamp to it.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
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

    /// Moves an offset back onto a character boundary inside the text.
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
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
}
