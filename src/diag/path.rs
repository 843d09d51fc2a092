//! Typed paths to values in a TOML document (`options[2].exposure.crypto_pct`).
//!
//! Built once when a file is loaded and carried by spans, findings, fingerprints, the
//! diff and waivers, so no stage parses a path string again.

use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// One step of a [`MenuPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A table key.
    Key(Arc<str>),
    /// An array index, from 0.
    Index(usize),
}

/// A path from the document root; empty for the root itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MenuPath(Vec<Segment>);

impl MenuPath {
    /// The path of the document root itself.
    pub fn root() -> MenuPath {
        MenuPath(Vec::new())
    }

    /// The path of option `i`: `options[i]`.
    pub fn option(i: usize) -> MenuPath {
        MenuPath(vec![Segment::Key("options".into()), Segment::Index(i)])
    }

    /// The path's steps, from the root.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// True for the root path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn push_key(&mut self, key: &str) {
        self.0.push(Segment::Key(key.into()));
    }

    pub(crate) fn push_index(&mut self, i: usize) {
        self.0.push(Segment::Index(i));
    }

    /// Drops the last segment; the root stays the root.
    pub fn pop(&mut self) {
        self.0.pop();
    }

    /// This path followed by a table key.
    pub fn key(mut self, key: &str) -> MenuPath {
        self.push_key(key);
        self
    }

    /// This path followed by an array index.
    pub fn index(mut self, i: usize) -> MenuPath {
        self.push_index(i);
        self
    }

    /// `self` followed by every segment of `rest`.
    pub fn join(&self, rest: &MenuPath) -> MenuPath {
        let mut p = self.clone();
        p.0.extend(rest.0.iter().cloned());
        p
    }

    /// The enclosing value's path; `None` at the root.
    pub fn parent(&self) -> Option<MenuPath> {
        let (_, init) = self.0.split_last()?;
        Some(MenuPath(init.to_vec()))
    }

    /// The first `n` segments.
    pub fn prefix(&self, n: usize) -> MenuPath {
        MenuPath(self.0[..n.min(self.0.len())].to_vec())
    }

    /// True when `self` is `other` or lies inside it.
    pub fn starts_with(&self, other: &MenuPath) -> bool {
        self.0.starts_with(&other.0)
    }

    /// The segments after `prefix`, when `self` lies inside it.
    pub fn strip_prefix(&self, prefix: &MenuPath) -> Option<MenuPath> {
        self.0
            .strip_prefix(prefix.0.as_slice())
            .map(|rest| MenuPath(rest.to_vec()))
    }

    /// The index of the option this path lies in (`options[i]…`).
    pub fn option_index(&self) -> Option<usize> {
        match self.0.as_slice() {
            [Segment::Key(k), Segment::Index(i), ..] if &**k == "options" => Some(*i),
            _ => None,
        }
    }

    /// The part of the path below its option (`.exposure.crypto_pct`), or the whole
    /// path when it is not inside an option: what stays the same when options move.
    pub(crate) fn below_option(&self) -> MenuPath {
        match self.option_index() {
            Some(_) => MenuPath(self.0[2..].to_vec()),
            None => self.clone(),
        }
    }

    /// Parses the written form (`options[2].exposure."odd key"`), as rule packs write
    /// `at` paths. Errors say what is wrong.
    pub fn parse(text: &str) -> Result<MenuPath, String> {
        let mut segs = Vec::new();
        let mut rest = text.trim();
        let mut first = true;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let end = after
                    .find(']')
                    .ok_or_else(|| format!("`{text}`: `[` without `]`"))?;
                let i = after[..end]
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("`{text}`: `[{}]` is not an index", &after[..end]))?;
                segs.push(Segment::Index(i));
                rest = &after[end + 1..];
                first = false;
                continue;
            }
            if !first {
                rest = rest
                    .strip_prefix('.')
                    .ok_or_else(|| format!("`{text}`: expected `.` or `[` before `{rest}`"))?;
            }
            first = false;
            if rest.starts_with('"') {
                let mut de = serde_json::Deserializer::from_str(rest).into_iter::<String>();
                let key = match de.next() {
                    Some(Ok(k)) => k,
                    _ => return Err(format!("`{text}`: unterminated quoted key")),
                };
                rest = &rest[de.byte_offset()..];
                segs.push(Segment::Key(key.into()));
            } else {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let key = &rest[..end];
                if key.is_empty() || !is_bare(key) {
                    return Err(format!("`{text}`: `{key}` is not a key"));
                }
                segs.push(Segment::Key(key.into()));
                rest = &rest[end..];
            }
        }
        Ok(MenuPath(segs))
    }
}

fn is_bare(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl fmt::Display for MenuPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if is_bare(k) {
                        f.write_str(k)?;
                    } else {
                        // a quoted key, as TOML and JSON write it
                        f.write_str(&serde_json::Value::String(k.to_string()).to_string())?;
                    }
                }
            }
        }
        Ok(())
    }
}

impl Serialize for MenuPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_same_text() {
        for text in [
            "",
            "plan",
            "options[2]",
            "options[2].exposure.crypto_pct",
            "options[0].holdings[1].option",
            "a.\"b.c\"[3]",
            "[1]",
        ] {
            assert_eq!(MenuPath::parse(text).unwrap().to_string(), text);
        }
        for bad in ["a..b", "a[x]", "a[1", "\"open", "a b"] {
            assert!(MenuPath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn option_parts() {
        let p = MenuPath::parse("options[3].exposure.crypto_pct").unwrap();
        assert_eq!(p.option_index(), Some(3));
        assert_eq!(p.below_option().to_string(), "exposure.crypto_pct");
        assert_eq!(p.parent().unwrap().to_string(), "options[3].exposure");
        assert_eq!(MenuPath::parse("plan.name").unwrap().option_index(), None);
        assert_eq!(MenuPath::root().parent(), None);
    }
}
