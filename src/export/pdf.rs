//! `case.pdf`: the report laid out on A4 pages with embedded, subset fonts.
//!
//! krilla writes the PDF (fonts subset and embedded, CFF CJK fonts
//! included, text extractable through ToUnicode maps). Layout is ours and
//! deliberately simple: text is shaped with rustybuzz (the shaper krilla
//! itself uses), broken into lines greedily at spaces and between CJK
//! characters (never before closing or after opening CJK punctuation, and
//! anywhere inside a word too long for the line, such as a SHA-256), and
//! glyphs a CJK font lacks are shaped again with the Latin fallback font.
//!
//! Two phases: [`layout`] places everything on pages and says which pages
//! belong to which case; the caller numbers them (Bates numbers depend on
//! each case's attachments, produced right after its pages); [`render`]
//! then draws the pages with their footers.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;

use super::casefile::Role;
use super::fonts::{FontFace, FontSet};
use super::i18n;
use super::report::{Block, Column, ImageBlock, MessageBlock, Report, Run, Style};
use super::ExportError;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 48.0;
const TOP: f32 = 50.0;
const BOTTOM: f32 = PAGE_H - 58.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const LEADING: f32 = 1.45;

type Color = (u8, u8, u8);
const INK: Color = (29, 35, 43);
const MUTED: Color = (95, 107, 120);
const ACCENT: Color = (138, 28, 28);
const HIT_BG: Color = (255, 224, 102);
const REDACT_BG: Color = (43, 47, 54);
const WHITE: Color = (255, 255, 255);
const RULE: Color = (214, 219, 225);
const HEAD_BG: Color = (241, 243, 245);
const MSG_BG: Color = (255, 248, 240);
const CODE: Color = (60, 70, 90);

/// What to draw, in page coordinates (top-left origin, y down).
#[derive(Clone)]
enum Op {
    Rect { x: f32, y: f32, w: f32, h: f32, color: Color },
    Glyphs { font: usize, size: f32, x: f32, y: f32, color: Color, glyphs: Vec<KrillaGlyph>, text: Arc<String> },
    Image { x: f32, y: f32, w: f32, h: f32, image: Image },
}

impl Op {
    fn shifted(&self, dy: f32) -> Op {
        let mut o = self.clone();
        match &mut o {
            Op::Rect { y, .. } | Op::Glyphs { y, .. } | Op::Image { y, .. } => *y += dy,
        }
        o
    }
}

/// A piece of content that is placed whole (a line, a table row, a field).
#[derive(Clone, Default)]
struct Item {
    h: f32,
    ops: Vec<Op>,
    /// Items of one group move to the next page together when they fit on one.
    group: usize,
    /// Keep on the same page as the next item (headings).
    keep_next: bool,
    /// Start a new page (a case's first item).
    break_before: bool,
    /// Table header to repeat when this row starts a page.
    header: Option<usize>,
    section: usize,
}

/// A shaped glyph; advances and offsets in em.
#[derive(Clone)]
struct G {
    font: usize,
    id: u32,
    adv: f32,
    dx: f32,
    dy: f32,
    range: Range<usize>,
    style: Style,
}

/// A shaped paragraph.
struct Para {
    text: Arc<String>,
    glyphs: Vec<G>,
    size: f32,
}

struct Faces<'a> {
    shapers: Vec<rustybuzz::Face<'a>>,
    fonts: Vec<Font>,
    bold: usize,
    fallback: Option<usize>,
}

impl<'a> Faces<'a> {
    fn new(set: &'a FontSet) -> Result<Self, ExportError> {
        let mut shapers = Vec::new();
        let mut fonts = Vec::new();
        let mut add = |f: &'a FontFace| -> Result<usize, ExportError> {
            let bad = || ExportError::MissingFont(format!("{}: the font cannot be read (face {})", f.path.display(), f.index));
            shapers.push(rustybuzz::Face::from_slice(f.data.as_slice(), f.index).ok_or_else(bad)?);
            fonts.push(Font::new(krilla::Data::from(f.data.clone()), f.index).ok_or_else(bad)?);
            Ok(fonts.len() - 1)
        };
        let regular = add(&set.regular)?;
        let bold = match &set.bold {
            Some(b) => add(b)?,
            None => regular,
        };
        let fallback = match &set.fallback {
            Some(f) => Some(add(f)?),
            None => None,
        };
        Ok(Self { shapers, fonts, bold, fallback })
    }

    fn shape(&self, font: usize, text: &str, offset: usize, style: Style, out: &mut Vec<G>) {
        let face = &self.shapers[font];
        let upem = face.units_per_em() as f32;
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        buf.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buf);
        let infos = shaped.glyph_infos();
        let pos = shaped.glyph_positions();
        let start = out.len();
        for (i, (info, p)) in infos.iter().zip(pos).enumerate() {
            let s = info.cluster as usize;
            let e = infos[i..].iter().map(|x| x.cluster as usize).find(|&c| c > s).unwrap_or(text.len());
            out.push(G {
                font,
                id: info.glyph_id,
                adv: p.x_advance as f32 / upem,
                dx: p.x_offset as f32 / upem,
                dy: p.y_offset as f32 / upem,
                range: offset + s..offset + e,
                style,
            });
        }
        // Glyphs this font lacks: shape those clusters with the fallback font.
        let Some(fb) = self.fallback.filter(|&f| f != font) else { return };
        let mut i = start;
        while i < out.len() {
            if out[i].id != 0 {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < out.len() && out[j].id == 0 {
                j += 1;
            }
            let range = out[i].range.start..out[j - 1].range.end;
            let piece = &text[range.start - offset..range.end - offset];
            let mut again = Vec::new();
            self.shape(fb, piece, range.start, style, &mut again);
            let n = again.len();
            out.splice(i..j, again);
            i += n.max(1);
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Characters that must not start a line.
fn no_start(c: char) -> bool {
    "，。、；：！？）」』】》〉”’…%,.;:!?)]}".contains(c)
}

/// Characters that must not end a line.
fn no_end(c: char) -> bool {
    "（「『【《〈“‘([{".contains(c)
}

/// How a piece of text is set.
#[derive(Clone, Copy)]
struct Pen {
    size: f32,
    bold: bool,
    color: Color,
}

fn pen(size: f32, color: Color) -> Pen {
    Pen { size, bold: false, color }
}

struct Layout<'a> {
    faces: Faces<'a>,
    items: Vec<Item>,
    headers: Vec<Item>,
    groups: usize,
    section: usize,
    blur: bool,
    labels: &'static i18n::Labels,
}

impl Layout<'_> {
    fn para(&self, runs: &[Run], size: f32, bold: bool) -> Para {
        let mut text = String::new();
        let mut glyphs = Vec::new();
        for r in runs {
            let offset = text.len();
            text.push_str(&r.text);
            let font = if bold || r.style == Style::Strong { self.faces.bold } else { 0 };
            self.faces.shape(font, &r.text, offset, r.style, &mut glyphs);
        }
        Para { text: Arc::new(text), glyphs, size }
    }

    fn can_break_before(p: &Para, i: usize) -> bool {
        let at = p.glyphs[i].range.start;
        if i == 0 || p.glyphs[i - 1].range.start == at {
            return false;
        }
        let (Some(prev), Some(next)) = (p.text[..at].chars().next_back(), p.text[at..].chars().next()) else { return false };
        if prev.is_whitespace() {
            return !next.is_whitespace();
        }
        (is_cjk(prev) || is_cjk(next)) && !no_start(next) && !no_end(prev)
    }

    /// Line ranges (glyph indices) for a width.
    fn lines(p: &Para, width: f32) -> Vec<Range<usize>> {
        let mut lines = Vec::new();
        let (mut start, mut x, mut last_break) = (0usize, 0f32, None::<usize>);
        let w = |g: &G| g.adv * p.size;
        let mut i = 0;
        while i < p.glyphs.len() {
            let g = &p.glyphs[i];
            if p.text[g.range.clone()].starts_with('\n') {
                lines.push(start..i);
                start = i + 1;
                x = 0.0;
                last_break = None;
                i += 1;
                continue;
            }
            if i > start && Self::can_break_before(p, i) {
                last_break = Some(i);
            }
            if x + w(g) > width && i > start {
                let at = match last_break {
                    Some(b) if b > start => b,
                    // no break opportunity: cut at a cluster boundary
                    _ => (start + 1..=i).rev().find(|&k| p.glyphs[k].range.start != p.glyphs[k - 1].range.start).unwrap_or(i),
                };
                lines.push(start..at);
                start = at;
                while start < i && p.text[p.glyphs[start].range.clone()].chars().all(char::is_whitespace) {
                    start += 1;
                }
                x = p.glyphs[start..i].iter().map(w).sum();
                last_break = None;
            }
            x += w(g);
            i += 1;
        }
        if start < p.glyphs.len() || lines.is_empty() {
            lines.push(start..p.glyphs.len());
        }
        lines
    }

    /// Ops for one line at `x`, baseline `y`; returns its width.
    fn line_ops(p: &Para, line: Range<usize>, x: f32, y: f32, color: Color, ops: &mut Vec<Op>) -> f32 {
        let mut cx = x;
        let mut k = line.start;
        while k < line.end {
            let (font, style) = (p.glyphs[k].font, p.glyphs[k].style);
            let mut e = k;
            while e < line.end && p.glyphs[e].font == font && p.glyphs[e].style == style {
                e += 1;
            }
            let width: f32 = p.glyphs[k..e].iter().map(|g| g.adv * p.size).sum();
            let fg = match style {
                Style::Hit => {
                    ops.push(Op::Rect { x: cx, y: y - p.size * 0.95, w: width, h: p.size * 1.25, color: HIT_BG });
                    INK
                }
                Style::Redacted => {
                    ops.push(Op::Rect { x: cx, y: y - p.size * 0.95, w: width, h: p.size * 1.25, color: REDACT_BG });
                    WHITE
                }
                Style::Muted => MUTED,
                Style::Code => CODE,
                Style::Plain | Style::Strong => color,
            };
            let glyphs = p.glyphs[k..e]
                .iter()
                .map(|g| KrillaGlyph::new(GlyphId::new(g.id), g.adv, g.dx, g.dy, 0.0, g.range.clone(), None))
                .collect();
            ops.push(Op::Glyphs { font, size: p.size, x: cx, y, color: fg, glyphs, text: p.text.clone() });
            cx += width;
            k = e;
        }
        cx - x
    }

    /// Wrapped text as (ops relative to a box top, height).
    fn text_box(&self, runs: &[Run], pen: Pen, x: f32, width: f32) -> (Vec<Op>, f32) {
        let p = self.para(runs, pen.size, pen.bold);
        let lh = pen.size * LEADING;
        let mut ops = Vec::new();
        let lines = Self::lines(&p, width);
        for (n, line) in lines.iter().enumerate() {
            Self::line_ops(&p, line.clone(), x, n as f32 * lh + pen.size * 1.1, pen.color, &mut ops);
        }
        (ops, lines.len() as f32 * lh)
    }

    /// One item per line (paragraphs may break across pages).
    fn text_lines(&mut self, runs: &[Run], pen: Pen, x: f32, width: f32, group: usize) {
        let p = self.para(runs, pen.size, pen.bold);
        let lh = pen.size * LEADING;
        for line in Self::lines(&p, width) {
            let mut ops = Vec::new();
            Self::line_ops(&p, line, x, pen.size * 1.1, pen.color, &mut ops);
            self.push(Item { h: lh, ops, group, ..Default::default() });
        }
    }

    fn push(&mut self, mut item: Item) {
        item.section = self.section;
        self.items.push(item);
    }

    fn space(&mut self, h: f32) {
        self.push(Item { h, ..Default::default() });
    }

    fn new_group(&mut self) -> usize {
        self.groups += 1;
        self.groups
    }

    fn heading(&mut self, level: u8, text: &str, break_before: bool) {
        let (size, color, before) = match level {
            0 => (20.0, ACCENT, 0.0),
            1 => (15.0, ACCENT, 0.0),
            2 => (11.5, INK, 10.0),
            _ => (9.5, INK, 6.0),
        };
        if before > 0.0 && !break_before {
            self.space(before);
        }
        let (mut ops, h) = self.text_box(&[Run { text: text.into(), style: Style::Strong }], Pen { size, bold: true, color }, MARGIN_X, CONTENT_W);
        let mut h = h + 2.0;
        if level == 2 {
            ops.push(Op::Rect { x: MARGIN_X, y: h, w: CONTENT_W, h: 1.0, color: ACCENT });
            h += 5.0;
        }
        self.push(Item { h, ops, keep_next: true, break_before, ..Default::default() });
    }

    fn fields(&mut self, fields: &[(String, Vec<Run>)]) {
        let key_w = 120.0;
        for (k, v) in fields {
            let (mut ops, h1) = self.text_box(&[Run { text: k.clone(), style: Style::Muted }], pen(8.5, MUTED), MARGIN_X, key_w - 6.0);
            let (ops2, h2) = self.text_box(v, pen(8.5, INK), MARGIN_X + key_w, CONTENT_W - key_w);
            ops.extend(ops2);
            self.push(Item { h: h1.max(h2) + 1.5, ops, ..Default::default() });
        }
        self.space(4.0);
    }

    fn row(&self, cells: &[Vec<Run>], columns: &[Column], bg: Option<Color>, bold: bool) -> Item {
        let pad = 3.0;
        let size = 7.5;
        let mut x = MARGIN_X;
        let mut ops = Vec::new();
        let mut boxes = Vec::new();
        let mut h: f32 = 0.0;
        for (c, col) in columns.iter().enumerate() {
            let w = col.width * CONTENT_W;
            let empty = Vec::new();
            let runs = cells.get(c).unwrap_or(&empty);
            let (o, bh) = self.text_box(runs, Pen { size, bold, color: INK }, x + pad, w - 2.0 * pad);
            boxes.push((x, w, o));
            h = h.max(bh);
            x += w;
        }
        let h = h + 2.0 * pad;
        if let Some(bg) = bg {
            ops.push(Op::Rect { x: MARGIN_X, y: 0.0, w: CONTENT_W, h, color: bg });
        }
        for (x, w, o) in boxes {
            ops.extend(o.iter().map(|op| op.shifted(pad)));
            ops.push(Op::Rect { x, y: 0.0, w: 0.5, h, color: RULE });
            ops.push(Op::Rect { x: x + w - 0.5, y: 0.0, w: 0.5, h, color: RULE });
        }
        ops.push(Op::Rect { x: MARGIN_X, y: 0.0, w: CONTENT_W, h: 0.5, color: RULE });
        ops.push(Op::Rect { x: MARGIN_X, y: h - 0.5, w: CONTENT_W, h: 0.5, color: RULE });
        Item { h, ops, ..Default::default() }
    }

    fn table(&mut self, columns: &[Column], rows: &[Vec<Vec<Run>>]) {
        let titles: Vec<Vec<Run>> = columns.iter().map(|c| vec![Run { text: c.title.clone(), style: Style::Strong }]).collect();
        let header = self.row(&titles, columns, Some(HEAD_BG), true);
        self.headers.push(header.clone());
        let hid = self.headers.len() - 1;
        self.push(Item { keep_next: true, ..header });
        for r in rows {
            let item = self.row(r, columns, None, false);
            self.push(Item { header: Some(hid), ..item });
        }
        self.space(6.0);
    }

    fn message(&mut self, m: &MessageBlock) {
        let group = self.new_group();
        let bar = match m.role {
            Role::Hit => ACCENT,
            Role::Case => (199, 125, 0),
            Role::Context => RULE,
        };
        let indent = MARGIN_X + 9.0;
        let width = CONTENT_W - 9.0;
        let start = self.items.len();
        self.space(3.0);
        self.text_lines(&m.meta, pen(7.0, MUTED), indent, width, group);
        self.text_lines(&m.body, pen(9.5, INK), indent, width, group);
        for d in &m.details {
            self.text_lines(d, pen(7.0, INK), indent + 6.0, width - 6.0, group);
        }
        self.space(3.0);
        for it in &mut self.items[start..] {
            it.group = group;
            let mut deco = vec![Op::Rect { x: MARGIN_X, y: 0.0, w: 3.0, h: it.h, color: bar }];
            if m.role == Role::Hit {
                deco.push(Op::Rect { x: MARGIN_X + 3.0, y: 0.0, w: CONTENT_W - 3.0, h: it.h, color: MSG_BG });
            }
            deco.append(&mut it.ops);
            it.ops = deco;
        }
        self.space(3.0);
    }

    fn image(&mut self, img: &ImageBlock) {
        let (bw, bh) = (150.0, 110.0);
        let mut ops = Vec::new();
        let decoded = if self.blur {
            None
        } else {
            std::fs::read(&img.file).ok().and_then(|bytes| {
                let data = krilla::Data::from(bytes);
                match img.mime.as_str() {
                    "image/png" => Image::from_png(data, true).ok(),
                    "image/jpeg" => Image::from_jpeg(data, true).ok(),
                    "image/gif" => Image::from_gif(data, true).ok(),
                    "image/webp" => Image::from_webp(data, true).ok(),
                    _ => None,
                }
            })
        };
        let box_h = match decoded {
            Some(image) => {
                let (w, h) = image.size();
                let scale = (bw / w.max(1) as f32).min(bh / h.max(1) as f32).min(1.0);
                ops.push(Op::Image { x: MARGIN_X, y: 0.0, w: w as f32 * scale, h: h as f32 * scale, image });
                h as f32 * scale
            }
            None => {
                ops.push(Op::Rect { x: MARGIN_X, y: 0.0, w: bw, h: bh, color: HEAD_BG });
                let (o, _) = self.text_box(&[Run { text: self.labels.image_withheld.into(), style: Style::Muted }], pen(7.0, MUTED), MARGIN_X + 6.0, bw - 12.0);
                ops.extend(o.iter().map(|op| op.shifted(6.0)));
                bh
            }
        };
        let (o, ch) = self.text_box(&[Run { text: img.caption.clone(), style: Style::Muted }], pen(6.5, MUTED), MARGIN_X, CONTENT_W);
        ops.extend(o.iter().map(|op| op.shifted(box_h + 2.0)));
        self.push(Item { h: box_h + ch + 8.0, ops, ..Default::default() });
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Heading { level, text } => self.heading(*level, text, false),
            Block::Fields(f) => self.fields(f),
            Block::Paragraph(runs) => {
                self.text_lines(runs, pen(8.5, INK), MARGIN_X, CONTENT_W, 0);
                self.space(4.0);
            }
            Block::Table { columns, rows } => self.table(columns, rows),
            Block::Message(m) => self.message(m),
            Block::Gap(t) => {
                let p = self.para(&[Run { text: format!("⋯ {t} ⋯"), style: Style::Muted }], 7.5, false);
                let w: f32 = p.glyphs.iter().map(|g| g.adv * p.size).sum();
                let mut ops = Vec::new();
                Self::line_ops(&p, 0..p.glyphs.len(), MARGIN_X + (CONTENT_W - w).max(0.0) / 2.0, 7.5 * 1.1, MUTED, &mut ops);
                self.push(Item { h: 7.5 * LEADING + 2.0, ops, ..Default::default() });
            }
            Block::Image(img) => self.image(img),
        }
    }
}

/// The report on pages, before numbering.
pub struct Laid {
    pages: Vec<Vec<Op>>,
    fonts: Vec<Font>,
    /// Pages of each report section (case), front matter with the first.
    pub section_pages: Vec<Range<usize>>,
    title: String,
    lang: super::options::Language,
}

impl Laid {
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }
}

pub fn layout(report: &Report, set: &FontSet) -> Result<Laid, ExportError> {
    let faces = Faces::new(set)?;
    let mut l = Layout { faces, items: Vec::new(), headers: Vec::new(), groups: 0, section: 0, blur: report.blur_images, labels: report.labels() };
    l.heading(0, &report.title, false);
    for b in &report.front {
        l.block(b);
    }
    for (k, sec) in report.sections.iter().enumerate() {
        l.section = k;
        let mut blocks = sec.blocks.iter();
        // The case title starts the case's first page.
        if let Some(Block::Heading { level, text }) = blocks.next() {
            l.heading(*level, text, true);
        }
        for b in blocks {
            l.block(b);
        }
    }
    let (pages, section_pages) = paginate(&l.items, &l.headers, report.sections.len());
    Ok(Laid {
        pages,
        fonts: l.faces.fonts,
        section_pages,
        title: report.title.clone(),
        lang: report.lang,
    })
}

fn paginate(items: &[Item], headers: &[Item], sections: usize) -> (Vec<Vec<Op>>, Vec<Range<usize>>) {
    let mut pages: Vec<Vec<Op>> = vec![Vec::new()];
    let mut first_page = vec![usize::MAX; sections.max(1)];
    let mut y = TOP;
    let group_h = |k: usize| -> f32 {
        let g = items[k].group;
        if g == 0 {
            return items[k].h;
        }
        items[k..].iter().take_while(|i| i.group == g).map(|i| i.h).sum()
    };
    for (k, it) in items.iter().enumerate() {
        let starts_group = it.group != 0 && (k == 0 || items[k - 1].group != it.group);
        let mut need = if starts_group { group_h(k) } else { it.h };
        if it.keep_next {
            if let Some(next) = items.get(k + 1) {
                need = it.h + if next.group != 0 { group_h(k + 1).min(BOTTOM - TOP) } else { next.h };
            }
        }
        let page_empty = y <= TOP;
        let mut fresh = false;
        if !page_empty && (it.break_before || (y + need > BOTTOM && need <= BOTTOM - TOP) || y + it.h > BOTTOM) {
            pages.push(Vec::new());
            y = TOP;
            fresh = true;
        }
        if it.break_before && first_page.get(it.section) == Some(&usize::MAX) {
            first_page[it.section] = pages.len() - 1;
        }
        if fresh {
            if let Some(h) = it.header.and_then(|h| headers.get(h)) {
                let page = pages.last_mut().expect("a page");
                page.extend(h.ops.iter().map(|o| o.shifted(y)));
                y += h.h;
            }
        }
        if fresh && it.ops.is_empty() {
            continue; // no blank space at the top of a page
        }
        let page = pages.last_mut().expect("a page");
        page.extend(it.ops.iter().map(|o| o.shifted(y)));
        y += it.h;
    }
    // the front matter belongs to the first case
    if let Some(f) = first_page.first_mut() {
        *f = 0;
    }
    let mut ranges = Vec::new();
    for s in 0..first_page.len() {
        let start = first_page[s].min(pages.len());
        let end = first_page.get(s + 1).copied().filter(|&e| e != usize::MAX).unwrap_or(pages.len());
        ranges.push(start..end.max(start));
    }
    (pages, ranges)
}

fn fill(c: Color) -> Fill {
    Fill { paint: rgb::Color::new(c.0, c.1, c.2).into(), opacity: NormalizedF32::ONE, rule: FillRule::NonZero }
}

/// Draw the pages with footers (`bates[i]` on page `i`) and write the PDF.
pub fn render(laid: &Laid, bates: &[String], path: &Path) -> Result<(), ExportError> {
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(laid.title.clone())
            .creator(format!("Redline {}", env!("CARGO_PKG_VERSION")))
            .language(laid.lang.tag().into()),
    );
    let footer_font = 0;
    let total = laid.pages.len();
    for (n, ops) in laid.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| ExportError::Pdf("bad page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        for op in ops {
            draw(&mut s, &laid.fonts, op);
        }
        // footer: rule, title, page n of N, Bates number
        let fy = PAGE_H - 34.0;
        draw(&mut s, &laid.fonts, &Op::Rect { x: MARGIN_X, y: fy - 12.0, w: CONTENT_W, h: 0.5, color: RULE });
        let label = bates.get(n).cloned().unwrap_or_default();
        s.set_fill(Some(fill(MUTED)));
        s.draw_text(Point::from_xy(MARGIN_X, fy), laid.fonts[footer_font].clone(), 7.0, &format!("Redline · {}", laid.title), false, krilla::text::TextDirection::Auto);
        let pg = i18n::page_of(laid.lang, n + 1, total);
        s.draw_text(Point::from_xy(PAGE_W / 2.0 - 30.0, fy), laid.fonts[footer_font].clone(), 7.0, &pg, false, krilla::text::TextDirection::Auto);
        s.set_fill(Some(fill(INK)));
        let bold = laid.fonts.len().min(2).saturating_sub(1);
        s.draw_text(Point::from_xy(PAGE_W - MARGIN_X - 70.0, fy), laid.fonts[bold].clone(), 9.0, &label, false, krilla::text::TextDirection::Auto);
        s.finish();
        page.finish();
    }
    let bytes = doc.finish().map_err(|e| ExportError::Pdf(format!("{e:?}")))?;
    std::fs::write(path, bytes).map_err(|e| ExportError::io(path, e))
}

fn draw(s: &mut krilla::surface::Surface, fonts: &[Font], op: &Op) {
    match op {
        Op::Rect { x, y, w, h, color } => {
            let mut pb = PathBuilder::new();
            if let Some(r) = Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) {
                pb.push_rect(r);
            }
            if let Some(path) = pb.finish() {
                s.set_fill(Some(fill(*color)));
                s.draw_path(&path);
            }
        }
        Op::Glyphs { font, size, x, y, color, glyphs, text } => {
            if glyphs.is_empty() {
                return;
            }
            s.set_fill(Some(fill(*color)));
            s.draw_glyphs(Point::from_xy(*x, *y), glyphs, fonts[*font].clone(), text, *size, false);
        }
        Op::Image { x, y, w, h, image } => {
            if let Some(size) = Size::from_wh(*w, *h) {
                s.push_transform(&Transform::from_translate(*x, *y));
                s.draw_image(image.clone(), size);
                s.pop();
            }
        }
    }
}
