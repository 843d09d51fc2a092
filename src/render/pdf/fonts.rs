//! The typefaces a PDF is set in. They are built into menulint (templates/fonts,
//! with their license) so a document looks the same on every machine and needs
//! nothing installed; the writer embeds only the glyphs a document uses.

use std::sync::OnceLock;

/// One of the three faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Font {
    Regular = 0,
    Bold = 1,
    Mono = 2,
}

impl Font {
    pub(crate) const ALL: [Font; 3] = [Font::Regular, Font::Bold, Font::Mono];
}

const DATA: [&[u8]; 3] = [
    include_bytes!("../../../templates/fonts/DejaVuSansCondensed.ttf"),
    include_bytes!("../../../templates/fonts/DejaVuSansCondensed-Bold.ttf"),
    include_bytes!("../../../templates/fonts/DejaVuSansMono.ttf"),
];

/// A parsed face and the metrics layout needs, in ems.
pub(crate) struct Face {
    pub data: &'static [u8],
    face: ttf_parser::Face<'static>,
    upem: f32,
    pub ascent: f32,
    pub descent: f32,
    pub name: String,
}

impl Face {
    /// The glyph for a character; `.notdef` (0) when the face has none.
    pub(crate) fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// A glyph's advance, in ems.
    pub(crate) fn advance(&self, glyph: u16) -> f32 {
        self.face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .map_or(0.0, |a| a as f32 / self.upem)
    }

    /// The width of a text at a size, in points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
    }

    /// The font's bounding box and cap height, in thousandths of an em (PDF's unit).
    pub(crate) fn metrics(&self) -> ([f32; 4], f32) {
        let b = self.face.global_bounding_box();
        let k = 1000.0 / self.upem;
        let cap = self
            .face
            .capital_height()
            .map_or(self.ascent * 1000.0, |c| c as f32 * k);
        (
            [
                b.x_min as f32 * k,
                b.y_min as f32 * k,
                b.x_max as f32 * k,
                b.y_max as f32 * k,
            ],
            cap,
        )
    }
}

/// The three faces, parsed once.
pub(crate) fn faces() -> Result<&'static [Face; 3], String> {
    static FACES: OnceLock<Result<[Face; 3], String>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let parse = |data: &'static [u8]| -> Result<Face, String> {
                let face = ttf_parser::Face::parse(data, 0)
                    .map_err(|e| format!("a built-in font cannot be read: {e}"))?;
                let upem = face.units_per_em() as f32;
                let name = face
                    .names()
                    .into_iter()
                    .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
                    .and_then(|n| n.to_string())
                    .unwrap_or_else(|| "DejaVuSans".to_owned());
                Ok(Face {
                    data,
                    ascent: face.ascender() as f32 / upem,
                    descent: -(face.descender() as f32) / upem,
                    face,
                    upem,
                    name,
                })
            };
            Ok([parse(DATA[0])?, parse(DATA[1])?, parse(DATA[2])?])
        })
        .as_ref()
        .map_err(Clone::clone)
}
