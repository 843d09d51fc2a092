//! A document's Markdown read into the blocks a page is set from. The PDF is typeset
//! from the same Markdown the `markdown` format writes, so the two never differ in
//! what they say; every text arrives here already escaped for Markdown, and the
//! parser gives it back literally.

use pulldown_cmark::{Alignment, Event, Options, Parser, Tag, TagEnd};

/// How a run of text is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Style {
    pub bold: bool,
    pub italic: bool,
    pub mono: bool,
}

/// A run of text in one style; `\n` in it is a line break.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Span {
    pub text: String,
    pub style: Style,
}

/// A column's alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// What a page is made of, in the document's order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph {
        spans: Vec<Span>,
        /// Inside a block quote: set off with a bar.
        quote: bool,
    },
    Item {
        spans: Vec<Span>,
        depth: usize,
        marker: String,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Span>>,
        rows: Vec<Vec<Vec<Span>>>,
    },
    Code(String),
    Rule,
}

/// The text of spans, without styles (a heading's, for the document's title).
pub(crate) fn plain(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

#[derive(Default)]
struct TableBuilder {
    align: Vec<Align>,
    head: Vec<Vec<Span>>,
    rows: Vec<Vec<Vec<Span>>>,
    row: Vec<Vec<Span>>,
    in_head: bool,
}

/// Reads Markdown (CommonMark with tables) into blocks.
pub(crate) fn parse(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let (mut bold, mut italic, mut quote) = (0u32, 0u32, 0u32);
    // each open list: the next number of an ordered one
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut item_marker: Option<String> = None;
    let mut table: Option<TableBuilder> = None;
    let mut code: Option<String> = None;
    let mut links: Vec<String> = Vec::new();

    let style = |bold: u32, italic: u32, mono: bool| Style {
        bold: bold > 0,
        italic: italic > 0,
        mono,
    };
    let flush_item = |spans: &mut Vec<Span>,
                      marker: &mut Option<String>,
                      lists: &[Option<u64>],
                      out: &mut Vec<Block>| {
        if let Some(marker) = marker.take() {
            trim_end(spans);
            out.push(Block::Item {
                spans: std::mem::take(spans),
                depth: lists.len().saturating_sub(1),
                marker,
            });
        }
    };

    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic = italic.saturating_sub(1),
            Event::Start(Tag::BlockQuote(_)) => quote += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote = quote.saturating_sub(1),
            Event::Start(Tag::List(start)) => {
                // a list inside an item: the item's own text comes first
                flush_item(&mut spans, &mut item_marker, &lists, &mut out);
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                spans.clear();
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}.");
                        *n += 1;
                        m
                    }
                    _ => "•".to_owned(),
                };
                item_marker = Some(marker);
            }
            Event::End(TagEnd::Item) => flush_item(&mut spans, &mut item_marker, &lists, &mut out),
            Event::Start(Tag::Paragraph) | Event::Start(Tag::Heading { .. })
                if item_marker.is_some() && !spans.is_empty() =>
            {
                push(&mut spans, "\n", Style::default());
            }
            Event::End(TagEnd::Paragraph) if item_marker.is_none() => {
                trim_end(&mut spans);
                if !spans.is_empty() {
                    out.push(Block::Paragraph {
                        spans: std::mem::take(&mut spans),
                        quote: quote > 0,
                    });
                }
            }
            Event::End(TagEnd::Heading(level)) if item_marker.is_none() => {
                out.push(Block::Heading {
                    level: level as u8,
                    spans: std::mem::take(&mut spans),
                });
            }
            Event::Start(Tag::Table(align)) => {
                table = Some(TableBuilder {
                    align: align
                        .iter()
                        .map(|a| match a {
                            Alignment::Right => Align::Right,
                            Alignment::Center => Align::Center,
                            Alignment::Left | Alignment::None => Align::Left,
                        })
                        .collect(),
                    ..TableBuilder::default()
                })
            }
            Event::Start(Tag::TableHead) => {
                if let Some(t) = &mut table {
                    t.in_head = true;
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some(t) = &mut table {
                    trim_end(&mut spans);
                    t.row.push(std::mem::take(&mut spans));
                }
            }
            Event::End(TagEnd::TableHead) | Event::End(TagEnd::TableRow) => {
                if let Some(t) = &mut table {
                    let row = std::mem::take(&mut t.row);
                    if t.in_head {
                        t.head = row;
                        t.in_head = false;
                    } else {
                        t.rows.push(row);
                    }
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = table.take() {
                    out.push(Block::Table {
                        align: t.align,
                        head: t.head,
                        rows: t.rows,
                    });
                }
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(c) = code.take() {
                    out.push(Block::Code(c.trim_end_matches('\n').to_owned()));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                // a printed page cannot be clicked: the address follows its text
                if let Some(url) = links.pop() {
                    let text: String = plain(&spans);
                    if !url.is_empty() && !text.ends_with(url.as_str()) {
                        push(&mut spans, &format!(" ({url})"), style(bold, italic, false));
                    }
                }
            }
            Event::Text(t) => match &mut code {
                Some(c) => c.push_str(&t),
                None => push(&mut spans, &t, style(bold, italic, false)),
            },
            Event::Code(t) => push(&mut spans, &t, style(bold, italic, true)),
            Event::Html(t) | Event::InlineHtml(t) => {
                push(&mut spans, &t, style(bold, italic, false))
            }
            Event::SoftBreak => push(&mut spans, " ", style(bold, italic, false)),
            Event::HardBreak => push(&mut spans, "\n", style(bold, italic, false)),
            Event::Rule => out.push(Block::Rule),
            _ => {}
        }
    }
    flush_item(&mut spans, &mut item_marker, &lists, &mut out);
    out
}

/// Appends text, joining it to the last span when the style is the same.
fn push(spans: &mut Vec<Span>, text: &str, style: Style) {
    match spans.last_mut() {
        Some(last) if last.style == style => last.text.push_str(text),
        _ => spans.push(Span {
            text: text.to_owned(),
            style,
        }),
    }
}

fn trim_end(spans: &mut Vec<Span>) {
    while let Some(last) = spans.last_mut() {
        let kept = last.text.trim_end().len();
        last.text.truncate(kept);
        if last.text.is_empty() {
            spans.pop();
        } else {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(b: &Block) -> String {
        match b {
            Block::Heading { spans, .. }
            | Block::Paragraph { spans, .. }
            | Block::Item { spans, .. } => plain(spans),
            Block::Table { head, rows, .. } => {
                let row =
                    |r: &Vec<Vec<Span>>| r.iter().map(|c| plain(c)).collect::<Vec<_>>().join(" | ");
                std::iter::once(row(head))
                    .chain(rows.iter().map(row))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            Block::Code(c) => c.clone(),
            Block::Rule => "---".into(),
        }
    }

    #[test]
    fn markdown_becomes_blocks_with_their_text_given_back_literally() {
        let md = "# Title *x*\n\nA **bold** word, `code` and \\*stars\\* \\<b\\>.\n\n\
                  > **Note:** quoted\n\n- one\n- two\n  1. inner\n\n\
                  | A | B |\n|---|---:|\n| a \\| b | 1 |\n\n[site](https://x.example)\n";
        let blocks = parse(md);
        let texts: Vec<String> = blocks.iter().map(text).collect();
        assert_eq!(
            texts,
            [
                "Title x",
                "A bold word, code and *stars* <b>.",
                "Note: quoted",
                "one",
                "two",
                "inner",
                "A | B\na | b | 1",
                "site (https://x.example)",
            ]
        );
        assert!(matches!(&blocks[0], Block::Heading { level: 1, .. }));
        assert!(matches!(&blocks[2], Block::Paragraph { quote: true, .. }));
        assert!(
            matches!(&blocks[5], Block::Item { depth: 1, marker, .. } if marker == "1."),
            "{blocks:?}"
        );
        let Block::Table { align, .. } = &blocks[6] else {
            panic!("{blocks:?}")
        };
        assert_eq!(align, &[Align::Left, Align::Right]);
        let Block::Paragraph { spans, .. } = &blocks[1] else {
            panic!()
        };
        assert!(spans.iter().any(|s| s.text == "bold" && s.style.bold));
        assert!(spans.iter().any(|s| s.text == "code" && s.style.mono));
    }
}
