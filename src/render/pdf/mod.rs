//! PDF documents, typeset from the Markdown the same document renders to, so the
//! PDF says exactly what the Markdown and HTML say. menulint sets the pages itself
//! (blocks → lines and tables → pages) and writes them with pdf-writer, the fonts
//! built in and subset: offline, with no browser, the same bytes for the same
//! inputs. docs/pdf.md compares the engines this was chosen over.

mod blocks;
mod fonts;
mod layout;
mod write;

/// The paper a PDF is set on.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::AsRefStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case", ascii_case_insensitive)]
pub enum Paper {
    /// US Letter, 8.5 × 11 in.
    #[default]
    Letter,
    /// ISO A4, 210 × 297 mm.
    A4,
}

impl Paper {
    fn geometry(self) -> layout::Geometry {
        let (width, height) = match self {
            Paper::Letter => (612.0, 792.0),
            Paper::A4 => (595.28, 841.89),
        };
        layout::Geometry {
            width,
            height,
            margin: 54.0,
        }
    }
}

/// Typesets a document's Markdown as a PDF on `paper`. The first heading is the
/// document's title, in its properties and in every page's footer.
pub fn typeset(markdown: &str, paper: Paper) -> Result<Vec<u8>, String> {
    let faces = fonts::faces()?;
    let blocks = blocks::parse(markdown);
    let title = blocks
        .iter()
        .find_map(|b| match b {
            blocks::Block::Heading { spans, .. } => Some(blocks::plain(spans)),
            _ => None,
        })
        .unwrap_or_default();
    let g = paper.geometry();
    let pages = layout::layout(&blocks, faces, g, &title);
    write::write(&pages, faces, g, &write::Meta { title: &title })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_markdown_gives_the_same_bytes_and_the_paper_sets_the_page() {
        let md = "# Title\n\nSome **bold** text and a `code` span.\n\n| A | B |\n|---|---:|\n| x | 1 |\n";
        let a = typeset(md, Paper::Letter).expect("typesets");
        assert_eq!(a, typeset(md, Paper::Letter).expect("typesets"));
        assert!(a.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&a);
        assert!(text.contains("/MediaBox [0 0 612 792]"), "{text}");
        let a4 = typeset(md, Paper::A4).expect("typesets");
        assert!(String::from_utf8_lossy(&a4).contains("/MediaBox [0 0 595.28 841.89]"));
        // the faces are embedded, subset
        assert_eq!(text.matches("/FontFile2").count(), 3);
        assert!(a.len() < 60_000, "{} bytes", a.len());
    }
}
