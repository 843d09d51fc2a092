//! Pages written as a PDF file: each face embedded as a CID font subset to the
//! glyphs used, with a ToUnicode map so text can be searched and copied. Nothing in
//! the file depends on the clock or on chance (no creation date unless asked, no
//! random document ID: a timestamp the user asks for is in the text), so the same
//! pages give the same bytes.

use super::fonts::{Face, Font};
use super::layout::{Geometry, Item, Page};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;

/// A face's glyphs as the document uses them.
struct Used {
    remap: subsetter::GlyphRemapper,
    /// new glyph id → the text it stands for
    text: BTreeMap<u16, String>,
}

/// A PDF's document information.
pub(crate) struct Meta<'a> {
    pub title: &'a str,
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    // writing to a Vec cannot fail
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// Writes the pages.
pub(crate) fn write(
    pages: &[Page],
    faces: &[Face; 3],
    g: Geometry,
    meta: &Meta,
) -> Result<Vec<u8>, String> {
    // glyphs first: a face's subset numbers its glyphs anew, and the page contents
    // address glyphs by those numbers
    let mut used: Vec<Used> = Font::ALL
        .iter()
        .map(|_| Used {
            remap: subsetter::GlyphRemapper::new(),
            text: BTreeMap::new(),
        })
        .collect();
    let mut encoded: Vec<Vec<Vec<u8>>> = Vec::with_capacity(pages.len());
    for page in pages {
        let mut runs = Vec::new();
        for item in &page.items {
            if let Item::Text { font, text, .. } = item {
                let face = &faces[*font as usize];
                let u = &mut used[*font as usize];
                let mut bytes = Vec::with_capacity(text.len() * 2);
                for c in text.chars() {
                    let new = u.remap.remap(face.glyph(c));
                    if new != 0 {
                        u.text.entry(new).or_insert_with(|| c.to_string());
                    }
                    bytes.extend_from_slice(&new.to_be_bytes());
                }
                runs.push(bytes);
            }
        }
        encoded.push(runs);
    }

    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let catalog = next.bump();
    let tree = next.bump();
    let info = next.bump();
    let font_refs: Vec<Ref> = Font::ALL.iter().map(|_| next.bump()).collect();
    let page_refs: Vec<(Ref, Ref)> = pages.iter().map(|_| (next.bump(), next.bump())).collect();

    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_refs.iter().map(|p| p.0))
        .count(pages.len() as i32);
    {
        let mut doc = pdf.document_info(info);
        doc.title(TextStr(meta.title));
        doc.producer(TextStr(concat!("menulint ", env!("CARGO_PKG_VERSION"))));
    }

    let names: Vec<String> = Font::ALL.iter().map(|f| format!("F{}", *f as u8)).collect();
    for (n, (page, (page_ref, content_ref))) in pages.iter().zip(&page_refs).enumerate() {
        let mut content = Content::new();
        let mut runs = encoded[n].iter();
        for item in &page.items {
            match item {
                Item::Text {
                    x,
                    y,
                    font,
                    size,
                    italic,
                    ..
                } => {
                    let Some(bytes) = runs.next() else { continue };
                    let y = g.height - y;
                    content.begin_text();
                    content.set_font(Name(names[*font as usize].as_bytes()), *size);
                    // an oblique slant stands for italics: the faces have no italic
                    let skew = if *italic { 0.2 } else { 0.0 };
                    content.set_text_matrix([1.0, 0.0, skew, 1.0, *x, y]);
                    content.show(Str(bytes));
                    content.end_text();
                }
                Item::Fill { x, y, w, h, gray } => {
                    content.set_fill_gray(*gray);
                    content.rect(*x, g.height - y - h, *w, *h);
                    content.fill_nonzero();
                    content.set_fill_gray(0.0);
                }
                Item::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    gray,
                } => {
                    content.set_stroke_gray(*gray);
                    content.set_line_width(*width);
                    content.move_to(*x1, g.height - y1);
                    content.line_to(*x2, g.height - y2);
                    content.stroke();
                }
            }
        }
        let data = deflate(&content.finish().into_vec());
        pdf.stream(*content_ref, &data).filter(Filter::FlateDecode);
        let mut p = pdf.page(*page_ref);
        p.media_box(Rect::new(0.0, 0.0, g.width, g.height));
        p.parent(tree);
        p.contents(*content_ref);
        let mut resources = p.resources();
        let mut fonts = resources.fonts();
        for f in Font::ALL {
            if used[f as usize].remap.num_gids() > 1 {
                fonts.pair(Name(names[f as usize].as_bytes()), font_refs[f as usize]);
            }
        }
    }

    for f in Font::ALL {
        let u = &used[f as usize];
        if u.remap.num_gids() <= 1 {
            continue;
        }
        embed(
            &mut pdf,
            &mut next,
            font_refs[f as usize],
            &faces[f as usize],
            u,
        )?;
    }
    Ok(pdf.finish())
}

const SYSTEM: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

fn embed(pdf: &mut Pdf, next: &mut Ref, id: Ref, face: &Face, u: &Used) -> Result<(), String> {
    let (cid, descriptor, cmap_ref, file) = (next.bump(), next.bump(), next.bump(), next.bump());
    let subset = subsetter::subset(face.data, 0, &u.remap)
        .map_err(|e| format!("the font {} cannot be subset: {e:?}", face.name))?;
    // the subset's name carries a tag derived from the glyphs it holds, as PDF asks
    let tag: String = {
        let mut h: u32 = 2_166_136_261;
        for g in u.remap.remapped_gids() {
            h = (h ^ u32::from(g)).wrapping_mul(16_777_619);
        }
        (0..6)
            .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
            .collect()
    };
    let base = format!("{tag}+{}", face.name);

    pdf.type0_font(id)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_ref);

    let mut c = pdf.cid_font(cid);
    c.subtype(CidFontType::Type2);
    c.base_font(Name(base.as_bytes()));
    c.system_info(SYSTEM);
    c.font_descriptor(descriptor);
    c.cid_to_gid_map_predefined(Name(b"Identity"));
    let widths: Vec<f32> = u
        .remap
        .remapped_gids()
        .map(|old| face.advance(old) * 1000.0)
        .collect();
    c.widths().consecutive(0, widths);
    c.finish();

    let (bbox, cap) = face.metrics();
    let mut flags = FontFlags::SYMBOLIC;
    if face.name.contains("Mono") {
        flags |= FontFlags::FIXED_PITCH;
    }
    pdf.font_descriptor(descriptor)
        .name(Name(base.as_bytes()))
        .flags(flags)
        .bbox(Rect::new(bbox[0], bbox[1], bbox[2], bbox[3]))
        .italic_angle(0.0)
        .ascent(face.ascent * 1000.0)
        .descent(-face.descent * 1000.0)
        .cap_height(cap)
        .stem_v(if face.name.contains("Bold") {
            140.0
        } else {
            80.0
        })
        .font_file2(file);

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), SYSTEM);
    for (g, text) in &u.text {
        cmap.pair_with_multiple(*g, text.chars());
    }
    let cmap_data = cmap.finish();
    pdf.cmap(cmap_ref, &cmap_data)
        .writing_mode(pdf_writer::writers::WMode::Horizontal);

    let data = deflate(&subset);
    pdf.stream(file, &data).filter(Filter::FlateDecode);
    Ok(())
}
