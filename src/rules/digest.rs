//! The built-in packs as `build.rs` parsed them: static values with their spans,
//! read through serde like the TOML they come from, so one set of pack types serves
//! both and a one-menu run parses no pack at all.

use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};

/// A value of a built-in pack and where it is in the pack's text.
#[derive(Debug)]
pub(crate) struct Node {
    pub start: u32,
    pub end: u32,
    pub value: Value,
}

/// A TOML value; a table keeps its keys in the order the TOML reader gives them.
#[derive(Debug)]
pub enum Value {
    Str(&'static str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime(&'static str),
    Array(&'static [Node]),
    Table(&'static [(&'static str, Node)]),
}

include!(concat!(env!("OUT_DIR"), "/packs.rs"));

/// The built-in pack of that name, as parsed at build time.
pub fn digest(name: &str) -> Option<&'static Node> {
    DIGESTS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, node, _)| node)
}

/// Where each line of the built-in pack of that name starts.
pub(crate) fn line_starts(name: &str) -> Option<&'static [usize]> {
    DIGESTS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(.., lines)| *lines)
}

/// Reads a digest into any type a TOML pack deserializes into, `Spanned` fields
/// and datetimes included.
pub fn read<T: de::Deserialize<'static>>(node: &'static Node) -> Result<T, Error> {
    T::deserialize(NodeDe(node))
}

#[derive(Clone, Copy)]
struct NodeDe(&'static Node);

impl IntoDeserializer<'static, Error> for NodeDe {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl de::Deserializer<'static> for NodeDe {
    type Error = Error;

    fn deserialize_any<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Str(s) => visitor.visit_borrowed_str(s),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Datetime(s) => {
                let d: toml_datetime::Datetime = s.parse().map_err(de::Error::custom)?;
                visitor.visit_map(toml_datetime::de::DatetimeDeserializer::new(d))
            }
            Value::Array(items) => {
                visitor.visit_seq(SeqDeserializer::new(items.iter().map(NodeDe)))
            }
            Value::Table(entries) => visitor.visit_map(MapDeserializer::new(
                entries.iter().map(|(k, v)| (*k, NodeDe(v))),
            )),
        }
    }

    fn deserialize_struct<V: Visitor<'static>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if serde_spanned::de::is_spanned(name) {
            let span = self.0.start as usize..self.0.end as usize;
            return visitor.visit_map(serde_spanned::de::SpannedDeserializer::new(self, span));
        }
        self.deserialize_any(visitor)
    }

    // as in TOML, a value that is there is `Some`; an absent one is a missing field
    fn deserialize_option<V: Visitor<'static>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'static>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'static>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Str(s) => visitor.visit_enum((*s).into_deserializer()),
            _ => Err(de::Error::custom("wanted a string")),
        }
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'static>>
        bool u8 u16 u32 u64 u128 i8 i16 i32 i64 i128 f32 f64 char str string seq
        bytes byte_buf map unit ignored_any unit_struct tuple_struct tuple identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::BUILTIN_PACKS;

    #[test]
    fn every_built_in_pack_has_a_digest_and_every_digest_a_pack() {
        let packs: Vec<&str> = BUILTIN_PACKS.iter().map(|(n, _)| *n).collect();
        let mut digests: Vec<&str> = DIGESTS.iter().map(|(n, ..)| *n).collect();
        let mut sorted = packs.clone();
        sorted.sort_unstable();
        digests.sort_unstable();
        assert_eq!(sorted, digests, "rules/*.toml and BUILTIN_PACKS differ");
    }

    #[test]
    fn a_shipped_pack_has_the_line_index_its_text_gives() {
        for (name, text) in BUILTIN_PACKS {
            let shipped = crate::rules::builtin_pack(name).expect("built-in pack");
            let read = crate::diag::SourceFile::new(shipped.name(), *text);
            for offset in 0..=text.len() + 1 {
                assert_eq!(shipped.position(offset), read.position(offset), "{name}");
            }
            let lines = text.lines().count();
            assert!(lines > 10);
            for line in 1..=lines + 1 {
                assert_eq!(shipped.line_text(line), read.line_text(line), "{name}");
            }
        }
    }

    #[test]
    fn spans_datetimes_and_numbers_read_as_toml_reads_them() {
        use serde::Deserialize;
        #[derive(Debug, Deserialize, PartialEq)]
        struct T {
            s: toml::Spanned<String>,
            d: Option<toml::value::Datetime>,
            v: toml::Value,
            e: crate::diag::Severity,
        }
        static N: Node = Node {
            start: 0,
            end: 9,
            value: Value::Table(&[
                (
                    "s",
                    Node {
                        start: 4,
                        end: 7,
                        value: Value::Str("abc"),
                    },
                ),
                (
                    "d",
                    Node {
                        start: 0,
                        end: 0,
                        value: Value::Datetime("2026-03-31"),
                    },
                ),
                (
                    "v",
                    Node {
                        start: 0,
                        end: 0,
                        value: Value::Array(&[
                            Node {
                                start: 0,
                                end: 0,
                                value: Value::Int(-3),
                            },
                            Node {
                                start: 0,
                                end: 0,
                                value: Value::Float(0.25),
                            },
                            Node {
                                start: 0,
                                end: 0,
                                value: Value::Bool(true),
                            },
                        ]),
                    },
                ),
                (
                    "e",
                    Node {
                        start: 0,
                        end: 0,
                        value: Value::Str("warning"),
                    },
                ),
            ]),
        };
        let t: T = read(&N).unwrap();
        assert_eq!(t.s.span(), 4..7);
        assert_eq!(t.s.get_ref(), "abc");
        assert_eq!(t.d.unwrap().to_string(), "2026-03-31");
        assert_eq!(
            t.v,
            toml::Value::Array(vec![(-3).into(), 0.25.into(), true.into()])
        );
        assert_eq!(t.e, crate::diag::Severity::Warning);
    }
}
