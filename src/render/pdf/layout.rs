//! Blocks set on pages: lines broken to the measure, tables sized to their content,
//! and the page breaks a careful typesetter makes — a heading never ends a page, a
//! table row is never split (unless it is taller than a page), a table's header
//! repeats on every page it continues on.

use super::blocks::{Align, Block, Span, Style};
use super::fonts::{Face, Font};

/// A page's size and margins, in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    pub width: f32,
    pub height: f32,
    pub margin: f32,
}

/// What is drawn on a page. `y` is measured down from the page's top edge; the
/// writer turns it into PDF's upward coordinates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// A run of text in one face; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        font: Font,
        size: f32,
        italic: bool,
        text: String,
    },
    /// A filled rectangle whose top-left corner is at (x, y).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: f32,
    },
    /// A straight line.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        gray: f32,
    },
}

/// One page's drawing.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Page {
    pub items: Vec<Item>,
}

const BODY: f32 = 10.0;
const TABLE: f32 = 9.0;
const CODE: f32 = 8.5;
const FOOTER: f32 = 8.0;
const LEADING: f32 = 1.32;
const CELL_X: f32 = 4.0;
const CELL_Y: f32 = 2.5;

fn font_of(style: Style) -> Font {
    if style.mono {
        Font::Mono
    } else if style.bold {
        Font::Bold
    } else {
        Font::Regular
    }
}

#[derive(Debug, Clone)]
struct Piece {
    style: Style,
    text: String,
    width: f32,
}

#[derive(Debug, Clone, Default)]
struct Line {
    pieces: Vec<Piece>,
    width: f32,
}

impl Line {
    fn push(&mut self, p: Piece) {
        self.width += p.width;
        match self.pieces.last_mut() {
            Some(last) if last.style == p.style => {
                last.text.push_str(&p.text);
                last.width += p.width;
            }
            _ => self.pieces.push(p),
        }
    }
}

#[derive(Debug, Default)]
struct Word {
    parts: Vec<Piece>,
    width: f32,
    /// The space before it (in the style it was written in), if any.
    space: Option<Piece>,
    /// A line break comes before it.
    broken: bool,
}

struct Setter<'a> {
    faces: &'a [Face; 3],
}

impl Setter<'_> {
    fn face(&self, style: Style) -> &Face {
        &self.faces[font_of(style) as usize]
    }

    fn piece(&self, style: Style, text: String, size: f32) -> Piece {
        let width = self.face(style).width(&text, size);
        Piece { style, text, width }
    }

    /// A long word (an address, an identifier) may break after `/`, `-`, `_`, `?`, `&`
    /// or `=`: it is cut into pieces set without a space between them, so a narrow
    /// column wraps it where a reader expects, not at any letter.
    fn split_long(&self, word: Word, size: f32) -> Vec<Word> {
        const LONG: usize = 16;
        let chars: usize = word.parts.iter().map(|p| p.text.chars().count()).sum();
        if chars <= LONG {
            return vec![word];
        }
        let mut out = Vec::new();
        let mut cur = Word {
            space: word.space,
            broken: word.broken,
            ..Word::default()
        };
        let mut seen = 0;
        for part in word.parts {
            let mut piece = Piece {
                style: part.style,
                text: String::new(),
                width: 0.0,
            };
            for c in part.text.chars() {
                seen += 1;
                piece.text.push(c);
                piece.width += self
                    .face(part.style)
                    .width(c.encode_utf8(&mut [0; 4]), size);
                if matches!(c, '/' | '-' | '_' | '?' | '&' | '=') && seen < chars {
                    cur.width += piece.width;
                    cur.parts.push(std::mem::replace(
                        &mut piece,
                        Piece {
                            style: part.style,
                            text: String::new(),
                            width: 0.0,
                        },
                    ));
                    out.push(std::mem::take(&mut cur));
                }
            }
            if !piece.text.is_empty() {
                cur.width += piece.width;
                cur.parts.push(piece);
            }
        }
        if !cur.parts.is_empty() {
            out.push(cur);
        }
        out
    }

    fn words(&self, spans: &[Span], size: f32) -> Vec<Word> {
        let mut words = Vec::new();
        let mut word = Word::default();
        let mut space: Option<Piece> = None;
        let mut broken = false;
        let finish = |word: &mut Word, words: &mut Vec<Word>| {
            if !word.parts.is_empty() {
                words.push(std::mem::take(word));
            }
        };
        for span in spans {
            for c in span.text.chars() {
                if c == '\n' {
                    finish(&mut word, &mut words);
                    space = None;
                    broken = true;
                } else if c == ' ' || c.is_control() || c.is_whitespace() {
                    finish(&mut word, &mut words);
                    if space.is_none() && (!words.is_empty() || broken) {
                        space = Some(self.piece(span.style, " ".into(), size));
                    }
                } else {
                    if word.parts.is_empty() {
                        word.space = space.take();
                        word.broken = std::mem::take(&mut broken);
                    }
                    let w = self
                        .face(span.style)
                        .width(c.encode_utf8(&mut [0; 4]), size);
                    word.width += w;
                    match word.parts.last_mut() {
                        Some(p) if p.style == span.style => {
                            p.text.push(c);
                            p.width += w;
                        }
                        _ => word.parts.push(Piece {
                            style: span.style,
                            text: c.to_string(),
                            width: w,
                        }),
                    }
                }
            }
        }
        finish(&mut word, &mut words);
        words
            .into_iter()
            .flat_map(|w| self.split_long(w, size))
            .collect()
    }

    /// Breaks spans into lines no wider than `measure`; a word wider than the
    /// measure is broken between characters, so nothing is ever cut off.
    fn lines(&self, spans: &[Span], size: f32, measure: f32) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut line = Line::default();
        for word in self.words(spans, size) {
            let space = word.space.as_ref().map_or(0.0, |s| s.width);
            if word.broken || (!line.pieces.is_empty() && line.width + space + word.width > measure)
            {
                lines.push(std::mem::take(&mut line));
            } else if !line.pieces.is_empty() {
                if let Some(s) = word.space {
                    line.push(s);
                }
            }
            if word.width <= measure || measure <= 0.0 {
                word.parts.into_iter().for_each(|p| line.push(p));
                continue;
            }
            for part in word.parts {
                for c in part.text.chars() {
                    let p = self.piece(part.style, c.to_string(), size);
                    if !line.pieces.is_empty() && line.width + p.width > measure {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push(p);
                }
            }
        }
        if !line.pieces.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// The narrowest a text can be set (its widest word, or one character when the
    /// word is wider than `cap`) and its width on one line.
    fn extent(&self, spans: &[Span], size: f32, cap: f32) -> (f32, f32) {
        let (mut min, mut max, mut line) = (0f32, 0f32, 0f32);
        for w in self.words(spans, size) {
            if w.broken {
                line = 0.0;
            } else if line > 0.0 {
                line += w.space.as_ref().map_or(0.0, |s| s.width);
            }
            line += w.width;
            max = max.max(line);
            min = min.max(w.width.min(cap));
        }
        (min, max)
    }
}

/// A table's type size and column widths.
struct Grid {
    widths: Vec<f32>,
    size: f32,
}

fn emboldened(spans: &[Span]) -> Vec<Span> {
    spans
        .iter()
        .map(|s| Span {
            text: s.text.clone(),
            style: Style {
                bold: true,
                ..s.style
            },
        })
        .collect()
}

struct Layout<'a> {
    set: Setter<'a>,
    g: Geometry,
    pages: Vec<Page>,
    y: f32,
}

impl Layout<'_> {
    fn top(&self) -> f32 {
        self.g.margin
    }
    fn bottom(&self) -> f32 {
        self.g.height - self.g.margin
    }
    fn measure(&self) -> f32 {
        self.g.width - 2.0 * self.g.margin
    }
    fn room(&self) -> f32 {
        self.bottom() - self.y
    }
    fn at_top(&self) -> bool {
        self.y <= self.top() + 0.01
    }
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        self.pages.last_mut().expect("a page was just added")
    }
    fn new_page(&mut self) {
        self.page();
        self.pages.push(Page::default());
        self.y = self.top();
    }
    fn draw(&mut self, item: Item) {
        self.page().items.push(item);
    }
    fn space(&mut self, h: f32) {
        if !self.at_top() {
            self.y += h;
        }
    }

    /// Draws one line whose top is at `top`, starting at `x`.
    fn line(&mut self, line: &Line, x: f32, top: f32, size: f32) {
        let face = &self.set.faces[0];
        let lead = size * LEADING;
        let baseline =
            top + (lead - (face.ascent + face.descent) * size) / 2.0 + face.ascent * size;
        let mut x = x;
        for p in &line.pieces {
            let text = p.text.clone();
            self.draw(Item::Text {
                x,
                y: baseline,
                font: font_of(p.style),
                size,
                italic: p.style.italic,
                text,
            });
            x += p.width;
        }
    }

    fn paragraph(&mut self, spans: &[Span], size: f32, indent: f32, marker: Option<&str>) {
        let lead = size * LEADING;
        let lines = self.set.lines(spans, size, self.measure() - indent);
        // no paragraph starts on a page's last line
        if self.room() < lead * lines.len().min(2) as f32 && !self.at_top() {
            self.new_page();
        }
        let x = self.g.margin + indent;
        if let Some(m) = marker {
            let style = Style::default();
            let w = self.set.face(style).width(m, size);
            let top = self.y;
            let marker = Line {
                pieces: vec![self.set.piece(style, m.to_owned(), size)],
                width: w,
            };
            self.line(&marker, x - w - 4.0, top, size);
        }
        for l in &lines {
            if self.room() < lead && !self.at_top() {
                self.new_page();
            }
            let top = self.y;
            self.line(l, x, top, size);
            self.y += lead;
        }
    }

    /// The least height a block needs at the foot of a page (its first lines, or a
    /// table's header and first row): a heading is kept with it.
    fn opening(&self, block: Option<&Block>) -> f32 {
        let m = self.measure();
        match block {
            Some(Block::Paragraph { spans, .. }) | Some(Block::Item { spans, .. }) => {
                BODY * LEADING * self.set.lines(spans, BODY, m).len().min(2) as f32
            }
            Some(Block::Table {
                align, head, rows, ..
            }) => {
                let grid = self.grid(align.len(), head, rows);
                let mut h = self.row_height(head, &grid, true);
                if let Some(r) = rows.first() {
                    h += self.row_height(r, &grid, false);
                }
                h
            }
            Some(Block::Code(_)) => 2.0 * CODE * LEADING,
            _ => 0.0,
        }
    }

    fn heading(&mut self, level: u8, spans: &[Span], next: Option<&Block>) {
        let size = match level {
            1 => 17.0,
            2 => 13.5,
            3 => 11.5,
            _ => BODY,
        };
        self.space(if level <= 2 { 14.0 } else { 9.0 });
        let lines = self.set.lines(&emboldened(spans), size, self.measure());
        let own = lines.len() as f32 * size * LEADING + 4.0;
        if self.room() < own + self.opening(next) && !self.at_top() {
            self.new_page();
        }
        for l in &lines {
            let top = self.y;
            self.line(l, self.g.margin, top, size);
            self.y += size * LEADING;
        }
        if level == 1 {
            let (x1, x2, y) = (self.g.margin, self.g.width - self.g.margin, self.y + 1.0);
            self.draw(Item::Line {
                x1,
                y1: y,
                x2,
                y2: y,
                width: 0.8,
                gray: 0.3,
            });
            self.y += 6.0;
        } else {
            self.y += 3.0;
        }
    }

    /// A table's type size and column widths: each column's content on one line
    /// when the table fits the measure; else each column gets its widest word and
    /// the rest is shared by need. A table too wide for that is set a size smaller
    /// (down to 7.5 pt) before any word is broken.
    fn grid(&self, n: usize, head: &[Vec<Span>], rows: &[Vec<Vec<Span>>]) -> Grid {
        let m = self.measure();
        // a word wider than this (a hash, a JSON value) breaks in any case
        let cap = m * 0.3;
        let head: Vec<Vec<Span>> = head.iter().map(|c| emboldened(c)).collect();
        let mut fit = None;
        for size in [TABLE, 8.5, 8.0, 7.5] {
            let mut min = vec![0f32; n];
            let mut max = vec![0f32; n];
            for row in std::iter::once(&head).chain(rows) {
                for (i, cell) in row.iter().enumerate().take(n) {
                    let (lo, hi) = self.set.extent(cell, size, cap);
                    min[i] = min[i].max(lo + 2.0 * CELL_X);
                    max[i] = max[i].max(hi + 2.0 * CELL_X);
                }
            }
            let smin: f32 = min.iter().sum();
            fit = Some((size, min, max));
            if smin <= m {
                break;
            }
        }
        let Some((size, min, max)) = fit else {
            return Grid {
                widths: Vec::new(),
                size: TABLE,
            };
        };
        let (smin, smax): (f32, f32) = (min.iter().sum(), max.iter().sum());
        let widths = if smax <= m {
            // the spare width goes to the columns in proportion to their content
            let k = m / smax.max(1.0);
            max.iter().map(|w| w * k).collect()
        } else if smin <= m {
            let spare = m - smin;
            let need = (smax - smin).max(1.0);
            min.iter()
                .zip(&max)
                .map(|(lo, hi)| lo + (hi - lo) * spare / need)
                .collect()
        } else {
            min.iter().map(|w| w * m / smin).collect()
        };
        Grid { widths, size }
    }

    fn cell_lines(&self, row: &[Vec<Span>], grid: &Grid, bold: bool) -> Vec<Vec<Line>> {
        grid.widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let cell = row.get(i).map_or(&[][..], Vec::as_slice);
                let spans = if bold {
                    emboldened(cell)
                } else {
                    cell.to_vec()
                };
                self.set.lines(&spans, grid.size, w - 2.0 * CELL_X)
            })
            .collect()
    }

    fn row_height(&self, row: &[Vec<Span>], grid: &Grid, bold: bool) -> f32 {
        let lines = self.cell_lines(row, grid, bold);
        let n = lines.iter().map(Vec::len).max().unwrap_or(1);
        n as f32 * grid.size * LEADING + 2.0 * CELL_Y
    }

    /// Draws a row's lines `from..to` of each cell at the cursor.
    fn row(&mut self, cells: &[Vec<Line>], grid: &Grid, align: &[Align], from: usize, to: usize) {
        let lead = grid.size * LEADING;
        let top = self.y;
        let mut x = self.g.margin;
        for (i, (lines, w)) in cells.iter().zip(&grid.widths).enumerate() {
            for (k, l) in lines.iter().enumerate().take(to).skip(from) {
                let lx = match align.get(i).copied().unwrap_or(Align::Left) {
                    Align::Left => x + CELL_X,
                    Align::Right => x + w - CELL_X - l.width,
                    Align::Center => x + (w - l.width) / 2.0,
                };
                let ltop = top + CELL_Y + (k - from) as f32 * lead;
                self.line(l, lx, ltop, grid.size);
            }
            x += w;
        }
        let rows = cells
            .iter()
            .map(|c| c.len().min(to).saturating_sub(from))
            .max()
            .unwrap_or(0)
            .max(1);
        self.y += rows as f32 * lead + 2.0 * CELL_Y;
    }

    fn rule_below(&mut self, width: f32, gray: f32) {
        let (x1, x2, y) = (self.g.margin, self.g.width - self.g.margin, self.y);
        self.draw(Item::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            gray,
        });
    }

    fn header(&mut self, head: &[Vec<Line>], grid: &Grid, align: &[Align]) {
        if head.iter().all(|c| c.iter().all(|l| l.pieces.is_empty())) {
            return;
        }
        let n = head.iter().map(Vec::len).max().unwrap_or(1);
        let h = n as f32 * grid.size * LEADING + 2.0 * CELL_Y;
        let (x, y, w) = (self.g.margin, self.y, self.measure());
        self.draw(Item::Fill {
            x,
            y,
            w,
            h,
            gray: 0.92,
        });
        self.row(head, grid, align, 0, n);
        self.rule_below(0.6, 0.45);
    }

    fn table(&mut self, align: &[Align], head: &[Vec<Span>], rows: &[Vec<Vec<Span>>]) {
        let grid = self.grid(align.len(), head, rows);
        let head_h = self.row_height(head, &grid, true);
        let head = self.cell_lines(head, &grid, true);
        let lead = grid.size * LEADING;
        self.space(4.0);
        let first = rows
            .first()
            .map_or(0.0, |r| self.row_height(r, &grid, false));
        if self.room() < head_h + first && !self.at_top() {
            self.new_page();
        }
        self.header(&head, &grid, align);
        for r in rows {
            let cells = self.cell_lines(r, &grid, false);
            let n = cells.iter().map(Vec::len).max().unwrap_or(1);
            let mut from = 0;
            loop {
                let fits = ((self.room() - 2.0 * CELL_Y) / lead).floor().max(0.0) as usize;
                if n - from <= fits {
                    self.row(&cells, &grid, align, from, n);
                    break;
                }
                // a row taller than a whole page is the one row that is split
                let page = ((self.bottom() - self.top() - head_h - 2.0 * CELL_Y) / lead).floor();
                if (n - from) as f32 > page && fits > 0 {
                    self.row(&cells, &grid, align, from, from + fits);
                    from += fits;
                }
                self.new_page();
                self.header(&head, &grid, align);
            }
            self.rule_below(0.3, 0.78);
        }
        self.y += 6.0;
    }

    fn code(&mut self, text: &str) {
        let style = Style {
            mono: true,
            ..Style::default()
        };
        let lead = CODE * LEADING;
        self.space(4.0);
        for raw in text.lines() {
            let span = [Span {
                text: raw.to_owned(),
                style,
            }];
            for l in self.set.lines(&span, CODE, self.measure() - 8.0) {
                if self.room() < lead && !self.at_top() {
                    self.new_page();
                }
                let (x, y, w) = (self.g.margin, self.y, self.measure());
                self.draw(Item::Fill {
                    x,
                    y,
                    w,
                    h: lead,
                    gray: 0.95,
                });
                let top = self.y;
                self.line(&l, self.g.margin + 4.0, top, CODE);
                self.y += lead;
            }
        }
        self.y += 6.0;
    }

    fn block(&mut self, block: &Block, next: Option<&Block>) {
        match block {
            Block::Heading { level, spans } => self.heading(*level, spans, next),
            Block::Paragraph { spans, quote } => {
                self.space(5.0);
                let (start, page) = (self.y, self.pages.len());
                self.paragraph(spans, BODY, if *quote { 10.0 } else { 0.0 }, None);
                if *quote && page == self.pages.len() {
                    let (x, h) = (self.g.margin, self.y - start);
                    self.draw(Item::Fill {
                        x,
                        y: start,
                        w: 2.5,
                        h,
                        gray: 0.55,
                    });
                }
            }
            Block::Item {
                spans,
                depth,
                marker,
            } => {
                self.space(1.5);
                let indent = 14.0 + 14.0 * *depth as f32;
                self.paragraph(spans, BODY, indent, Some(marker));
            }
            Block::Table { align, head, rows } => self.table(align, head, rows),
            Block::Code(text) => self.code(text),
            Block::Rule => {
                self.space(6.0);
                self.rule_below(0.5, 0.6);
                self.y += 6.0;
            }
        }
    }
}

/// Sets the blocks on pages, each page footed with `footer` and its number.
pub(crate) fn layout(blocks: &[Block], faces: &[Face; 3], g: Geometry, footer: &str) -> Vec<Page> {
    let mut l = Layout {
        set: Setter { faces },
        g,
        pages: vec![Page::default()],
        y: g.margin,
    };
    for (i, b) in blocks.iter().enumerate() {
        l.block(b, blocks.get(i + 1));
    }
    let n = l.pages.len();
    let base = g.height - g.margin / 2.0;
    let regular = &faces[Font::Regular as usize];
    for (i, page) in l.pages.iter_mut().enumerate() {
        let number = format!("Page {} of {n}", i + 1);
        let nw = regular.width(&number, FOOTER);
        let room = g.width - 2.0 * g.margin - nw - 24.0;
        page.items.push(Item::Text {
            x: g.margin,
            y: base,
            font: Font::Regular,
            size: FOOTER,
            italic: false,
            text: fit(regular, footer, FOOTER, room),
        });
        page.items.push(Item::Text {
            x: g.width - g.margin - nw,
            y: base,
            font: Font::Regular,
            size: FOOTER,
            italic: false,
            text: number,
        });
    }
    l.pages
}

/// A text cut to a width, with an ellipsis where it is cut.
fn fit(face: &Face, text: &str, size: f32, width: f32) -> String {
    if face.width(text, size) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if face.width(&out, size) + face.width("…", size) > width {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::super::blocks::parse;
    use super::*;

    const LETTER: Geometry = Geometry {
        width: 612.0,
        height: 792.0,
        margin: 54.0,
    };

    fn texts(page: &Page) -> Vec<(f32, String)> {
        page.items
            .iter()
            .filter_map(|i| match i {
                Item::Text { y, text, size, .. } if *size > FOOTER => Some((*y, text.clone())),
                _ => None,
            })
            .collect()
    }

    fn faces() -> &'static [Face; 3] {
        super::super::fonts::faces().expect("the built-in fonts load")
    }

    #[test]
    fn a_heading_never_ends_a_page_and_a_row_is_never_split() {
        // enough paragraphs to push the heading and then each row toward a page's foot
        for filler in 20..60 {
            let mut md = String::from("# Report\n\n");
            for i in 0..filler {
                md.push_str(&format!("Paragraph {i} of filler text.\n\n"));
            }
            md.push_str("## Findings\n\n| # | Finding |\n|---|---|\n");
            for i in 0..40 {
                md.push_str(&format!(
                    "| {i} | start{i} of a finding long enough to wrap over two or more lines of its cell, so that a careless page break would split it end{i} |\n"
                ));
            }
            let pages = layout(&parse(&md), faces(), LETTER, "Report");
            let mut rows = 0;
            for (n, page) in pages.iter().enumerate() {
                let t = texts(page);
                let last = t.iter().max_by(|a, b| a.0.total_cmp(&b.0)).expect("text");
                assert_ne!(
                    last.1, "Findings",
                    "filler {filler}: page {n} ends with a heading"
                );
                let words: Vec<&str> = t.iter().flat_map(|(_, s)| s.split(' ')).collect();
                for i in 0..40 {
                    let (start, end) = (format!("start{i}"), format!("end{i}"));
                    assert_eq!(
                        words.contains(&start.as_str()),
                        words.contains(&end.as_str()),
                        "filler {filler}: row {i} is split at page {n}"
                    );
                    rows += usize::from(words.contains(&start.as_str()));
                }
            }
            assert_eq!(rows, 40);
        }
    }

    #[test]
    fn a_table_continued_on_a_new_page_repeats_its_header() {
        let mut md = String::from("| Option | Fee |\n|---|---:|\n");
        for i in 0..120 {
            md.push_str(&format!("| Fund {i} | 0.{i:02}% |\n"));
        }
        let pages = layout(&parse(&md), faces(), LETTER, "x");
        assert!(pages.len() >= 3, "{}", pages.len());
        for page in &pages {
            assert!(texts(page).iter().any(|(_, s)| s == "Option"));
        }
        // every row is drawn once
        let rows: usize = pages
            .iter()
            .map(|p| {
                texts(p)
                    .iter()
                    .filter(|(_, s)| s.starts_with("Fund "))
                    .count()
            })
            .sum();
        assert_eq!(rows, 120);
    }

    #[test]
    fn nothing_is_cut_off_a_word_wider_than_its_column_is_broken() {
        let hash = "a".repeat(300);
        let md = format!("| Input | SHA-256 |\n|---|---|\n| menu | {hash} |\n\n{hash}\n");
        let pages = layout(&parse(&md), faces(), LETTER, "x");
        let mut all = String::new();
        for p in &pages {
            for i in &p.items {
                if let Item::Text {
                    x,
                    text,
                    size,
                    font,
                    ..
                } = i
                {
                    assert!(*x >= LETTER.margin - 0.01, "{x}");
                    let w = faces()[*font as usize].width(text, *size);
                    assert!(x + w <= LETTER.width - LETTER.margin + 1.0, "{x} + {w}");
                    all.push_str(text);
                }
            }
        }
        assert_eq!(
            all.matches('a').count() - "Page of".matches('a').count() * pages.len(),
            600
        );
    }

    #[test]
    fn a_long_footer_is_cut_with_an_ellipsis() {
        let long = "Investment menu compliance report — ".repeat(10);
        let pages = layout(&parse("text"), faces(), LETTER, &long);
        let footer = pages[0]
            .items
            .iter()
            .find_map(|i| match i {
                Item::Text { text, size, .. } if *size == FOOTER && text.ends_with('…') => {
                    Some(text.clone())
                }
                _ => None,
            })
            .expect("a cut footer");
        assert!(footer.len() < long.len());
    }
}
