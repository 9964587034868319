//! The font inside `case.html`: the PDF's CJK font, subset to the
//! characters the report uses, as an OpenType `data:` URI.
//!
//! The report then looks the same on a machine without any Chinese font,
//! and still loads nothing from outside. PDF subsetting (krilla's
//! `subsetter`) strips what browsers need (`cmap`, metrics tables), so the
//! web subset is made with allsorts (YesLogic's font toolkit, which
//! subsets CID-keyed CFF fonts such as Noto Sans CJK into a complete font
//! with a Unicode `cmap`). When
//! there is no CJK font, or subsetting fails, the page names system fonts
//! instead; the export never fails for the HTML font.

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset as subset_font, CmapTarget, SubsetProfile};
use rustybuzz::ttf_parser;

use super::fonts::FontFace;

/// An OpenType subset of `face` covering `text`'s characters (and ASCII).
pub fn subset(face: &FontFace, text: &str) -> Option<Vec<u8>> {
    let parsed = ttf_parser::Face::parse(face.data.as_slice(), face.index).ok()?;
    let glyphs: BTreeSet<u16> =
        text.chars().chain((0x20u8..0x7f).map(char::from)).filter_map(|c| parsed.glyph_index(c)).map(|g| g.0).filter(|&g| g != 0).collect();
    // .notdef first, as OpenType requires
    let ids: Vec<u16> = std::iter::once(0).chain(glyphs).collect();
    let file = ReadScope::new(face.data.as_slice()).read::<FontData<'_>>().ok()?;
    let provider = file.table_provider(face.index as usize).ok()?;
    subset_font(&provider, &ids, &SubsetProfile::Minimal, CmapTarget::Unicode).ok().filter(|b| !b.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_keeps_the_characters_and_a_cmap() {
        let Ok(set) = super::super::fonts::find() else {
            eprintln!("note: no CJK font on this machine; the subset is checked by tests/export_case_file.rs under `make test`");
            return;
        };
        let bytes = subset(&set.regular, "辛苦费 kickback").expect("a subset");
        assert!(bytes.len() < set.regular.data.len() / 10, "a subset is small: {} bytes", bytes.len());
        let face = rustybuzz::ttf_parser::Face::parse(&bytes, 0).expect("the subset is a font");
        for c in ['辛', '苦', '费', 'k', 'A'] {
            assert!(face.glyph_index(c).is_some(), "{c} kept");
        }
        assert!(face.glyph_index('红').is_none(), "unused characters are dropped");
    }
}
