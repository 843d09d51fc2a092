//! CSV records with each field's place in the text. The csv crate gives a
//! record's position but not its fields'; csv-core, which it is built on, reads a
//! field at a time and says how many bytes each took, so a finding can point at
//! the cell without the text being tokenised a second time.

use crate::diag::Span;

/// One record: its fields, unquoted, and where each is in the text (quotes
/// included; an empty field is the one byte after it, so a label has a place).
pub(crate) struct Record {
    /// Where the record's first field starts.
    pub start: usize,
    /// The fields' values, quotes removed and doubled quotes made single.
    pub fields: Vec<String>,
    /// Each field's bytes in the text.
    pub spans: Vec<Span>,
}

impl Record {
    /// The spans of the first `n` fields, a row short of them padded with empty
    /// spans where it ends (a short row's missing cells are at its end).
    pub fn spans_for(&self, n: usize) -> Vec<Span> {
        let mut spans = self.spans.clone();
        let end = spans.last().map_or(self.start, |s| s.end);
        spans.resize(n.max(spans.len()), end..end);
        spans
    }
}

/// The records of `text` from byte `from` on; with `comment`, lines starting with
/// that byte are not records. Line ends may be LF, CR LF or CR.
pub(crate) fn records(text: &str, from: usize, comment: Option<u8>) -> Records<'_> {
    Records {
        text: text.as_bytes(),
        pos: from.min(text.len()),
        comment,
        reader: csv_core::ReaderBuilder::new().comment(comment).build(),
        done: false,
    }
}

/// The iterator [`records`] gives.
pub(crate) struct Records<'a> {
    text: &'a [u8],
    pos: usize,
    comment: Option<u8>,
    reader: csv_core::Reader,
    done: bool,
}

impl Records<'_> {
    /// Where a field the reader consumed from `from` really starts: a record's
    /// first read also takes the line end before it (a CR LF's LF) and any comment
    /// lines.
    fn skip_to_field(&self, mut at: usize, first: bool) -> usize {
        if !first {
            return at;
        }
        loop {
            while matches!(self.text.get(at), Some(b'\r' | b'\n')) {
                at += 1;
            }
            let line_start = at == 0 || matches!(self.text.get(at - 1), Some(b'\r' | b'\n'));
            match (self.comment, self.text.get(at)) {
                (Some(c), Some(&b)) if b == c && line_start => {
                    while !matches!(self.text.get(at), None | Some(b'\r' | b'\n')) {
                        at += 1;
                    }
                }
                _ => return at,
            }
        }
    }

    /// Where a field that ends at `end` (after its delimiter or line end) stops.
    fn field_end(&self, from: usize, mut end: usize) -> usize {
        if end > from && self.text.get(end - 1) == Some(&b',') {
            return end - 1;
        }
        while end > from && matches!(self.text.get(end - 1), Some(b'\r' | b'\n')) {
            end -= 1;
        }
        end
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        use csv_core::ReadFieldResult;
        if self.done {
            return None;
        }
        let mut fields = Vec::new();
        let mut spans = Vec::new();
        let mut start = None;
        let mut buf = [0u8; 4096];
        loop {
            let consumed_from = self.pos;
            let mut value = Vec::new();
            let result = loop {
                // once the text is consumed, the empty rest tells the reader it ended
                let (result, nin, nout) = self.reader.read_field(&self.text[self.pos..], &mut buf);
                self.pos += nin;
                value.extend_from_slice(&buf[..nout]);
                match result {
                    ReadFieldResult::InputEmpty | ReadFieldResult::OutputFull => continue,
                    other => break other,
                }
            };
            let record_end = match result {
                ReadFieldResult::Field { record_end } => record_end,
                ReadFieldResult::End => {
                    self.done = true;
                    return (!fields.is_empty()).then_some(Record {
                        start: start.unwrap_or(self.pos),
                        fields,
                        spans,
                    });
                }
                // asked for more input or room: the loop above gave it
                ReadFieldResult::InputEmpty | ReadFieldResult::OutputFull => continue,
            };
            let from = self.skip_to_field(consumed_from, fields.is_empty());
            let end = self.field_end(from, self.pos);
            start.get_or_insert(from);
            spans.push(from..end.max(from + 1).min(self.text.len().max(from)));
            // the text is UTF-8 and the reader splits it only at ASCII bytes
            fields.push(String::from_utf8_lossy(&value).into_owned());
            if record_end {
                return Some(Record {
                    start: start.unwrap_or(from),
                    fields,
                    spans,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str, comment: Option<u8>) -> Vec<(Vec<String>, Vec<&str>)> {
        records(text, 0, comment)
            .map(|r| {
                let shown = r.spans.iter().map(|s| &text[s.clone()]).collect();
                (r.fields, shown)
            })
            .collect()
    }

    #[test]
    fn fields_keep_their_place_in_the_text() {
        let text = "a,\"b, \"\"c\"\"\",d\r\n\"x\ny\",,z\n# note\nlast";
        let got = all(text, Some(b'#'));
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, ["a", "b, \"c\"", "d"]);
        assert_eq!(got[0].1, ["a", "\"b, \"\"c\"\"\"", "d"]);
        assert_eq!(got[1].0, ["x\ny", "", "z"]);
        // an empty field is the byte after it
        assert_eq!(got[1].1, ["\"x\ny\"", ",", "z"]);
        assert_eq!(got[2].0, ["last"]);
        assert_eq!(got[2].1, ["last"]);
        // without comments, the note is a record
        assert_eq!(all(text, None).len(), 4);
    }

    #[test]
    fn records_start_at_their_first_field() {
        let text = "h1,h2\r\n\r\nv1,v2\r\n";
        let starts: Vec<usize> = records(text, 0, None).map(|r| r.start).collect();
        assert_eq!(starts, [0, 9]);
        assert_eq!(records("", 0, None).count(), 0);
        // a field longer than the reader's buffer is whole
        let long = "x".repeat(10_000);
        let got: Vec<Record> = records(&long, 0, None).collect();
        assert_eq!(got[0].fields, std::slice::from_ref(&long));
        assert_eq!(got[0].spans[0], 0..10_000);
        assert_eq!(got[0].spans.len(), 1);
    }
}
