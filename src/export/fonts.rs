//! Finding fonts for `case.pdf` on this machine.
//!
//! The report mixes Chinese and Latin text, so the main font must cover
//! both: Noto Sans CJK (Debian: `fonts-noto-cjk`, which `make` installs) or
//! any font fontconfig finds for `zh-cn` that has Chinese glyphs. Fonts are
//! not bundled: Noto CJK is 20 MB per weight, and every platform Redline
//! runs on has a Chinese font to install. `REDLINE_CJK_FONT=/path/font.ttc`
//! (optionally `:INDEX`) chooses one by hand. A general-purpose font
//! (DejaVu Sans) is used, when present, for the few symbols the CJK font
//! lacks. krilla embeds only the glyphs used (subset), so the PDF stays
//! small whatever the font's size.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use rustybuzz::ttf_parser;

use super::ExportError;

/// One face of a font file.
#[derive(Clone)]
pub struct FontFace {
    pub path: PathBuf,
    pub index: u32,
    pub family: String,
    pub data: Arc<Vec<u8>>,
}

impl std::fmt::Debug for FontFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}#{})", self.family, self.path.display(), self.index)
    }
}

pub struct FontSet {
    pub regular: FontFace,
    pub bold: Option<FontFace>,
    pub fallback: Option<FontFace>,
}

/// What to install when no font with Chinese glyphs is found.
pub const INSTALL_HINT: &str = "case.pdf needs a font with Chinese characters and none was found: install one \
(Debian/Ubuntu: `sudo apt-get install fonts-noto-cjk`; Fedora: `sudo dnf install google-noto-sans-cjk-fonts`; \
macOS and Windows have one already), or set REDLINE_CJK_FONT=/path/to/font.ttc, or export without the PDF (--no-pdf)";

const KNOWN: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:\\Windows\\Fonts\\msyh.ttc",
    "C:\\Windows\\Fonts\\simsun.ttc",
];

const FALLBACK: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];

pub fn find() -> Result<FontSet, ExportError> {
    let regular = find_cjk().ok_or_else(|| ExportError::MissingFont(INSTALL_HINT.into()))?;
    let bold = bold_of(&regular);
    let fallback = FALLBACK.iter().find_map(|p| load(Path::new(p), None));
    Ok(FontSet { regular, bold, fallback })
}

fn find_cjk() -> Option<FontFace> {
    if let Some(v) = std::env::var_os("REDLINE_CJK_FONT") {
        let v = v.to_string_lossy().into_owned();
        let (path, index) = match v.rsplit_once(':') {
            Some((p, i)) if i.parse::<u32>().is_ok() && !p.is_empty() => (p.to_string(), i.parse().ok()),
            _ => (v.clone(), None),
        };
        return load(Path::new(&path), index);
    }
    for family in ["Noto Sans CJK SC", "Source Han Sans SC", ":lang=zh-cn"] {
        if let Some((path, index)) = fc_match(family) {
            if let Some(f) = load(&path, Some(index)) {
                return Some(f);
            }
        }
    }
    KNOWN.iter().find_map(|p| load(Path::new(p), None))
}

/// `fc-match`'s file and face index for a pattern.
fn fc_match(pattern: &str) -> Option<(PathBuf, u32)> {
    let out = Command::new("fc-match").args(["-f", "%{file}\n%{index}", pattern]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines = text.lines();
    let file = lines.next().filter(|f| !f.is_empty())?;
    let index = lines.next().and_then(|i| i.trim().parse().ok()).unwrap_or(0);
    Some((PathBuf::from(file), index))
}

fn covers_chinese(face: &ttf_parser::Face) -> bool {
    ['中', '文', '红', 'A', '1'].iter().all(|&c| face.glyph_index(c).is_some())
}

fn family_name(face: &ttf_parser::Face) -> String {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::FAMILY)
        .find_map(|n| n.to_string())
        .unwrap_or_default()
}

/// Load a face: `index`, or in a collection the Simplified Chinese face
/// (family ending in "SC") or else the first face with Chinese glyphs.
/// `None` when the file is missing or has no Chinese glyphs (unless it is
/// the Latin fallback, which is loaded as is).
fn load(path: &Path, index: Option<u32>) -> Option<FontFace> {
    let data = std::fs::read(path).ok()?;
    let count = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
    let wanted_cjk = !FALLBACK.iter().any(|f| Path::new(f) == path);
    let candidates: Vec<u32> = match index {
        Some(i) => vec![i],
        None => (0..count).collect(),
    };
    let mut best: Option<(u32, String)> = None;
    for i in candidates {
        let Ok(face) = ttf_parser::Face::parse(&data, i) else { continue };
        if wanted_cjk && !covers_chinese(&face) {
            continue;
        }
        let family = family_name(&face);
        let sc = family.ends_with(" SC") || family.contains("SC ");
        if best.is_none() || sc {
            best = Some((i, family));
            if sc || !wanted_cjk {
                break;
            }
        }
    }
    let (index, family) = best?;
    Some(FontFace { path: path.to_path_buf(), index, family, data: Arc::new(data) })
}

/// The bold weight next to a regular font (`…-Regular.ttc` → `…-Bold.ttc`).
fn bold_of(regular: &FontFace) -> Option<FontFace> {
    let name = regular.path.file_name()?.to_str()?;
    if !name.contains("Regular") {
        return None;
    }
    let bold = regular.path.with_file_name(name.replace("Regular", "Bold"));
    let data = std::fs::read(&bold).ok()?;
    let face = ttf_parser::Face::parse(&data, regular.index).ok()?;
    if !covers_chinese(&face) {
        return None;
    }
    let family = family_name(&face);
    Some(FontFace { path: bold, index: regular.index, family, data: Arc::new(data) })
}
