//! CJK text: egui's own fonts have no Chinese, Japanese or Korean glyphs, and user ids, event
//! names and attributes in real logs often do. A CJK font the system already has is added as
//! the last fallback, so Latin text keeps egui's fonts. Nothing is bundled or redistributed.

use std::path::PathBuf;

use eframe::egui::{self, FontData, FontFamily, FontInsert, FontPriority, InsertFontFamily};

/// Font files tried in order: (path, face index in a collection). Simplified Chinese faces
/// first, since the platform's logs are mostly Chinese.
const CANDIDATES: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
];

/// `VIGIL_CJK_FONT=/path/to/font.ttf` picks the font instead.
const OVERRIDE_VAR: &str = "VIGIL_CJK_FONT";

/// The CJK font this system offers (the override first), with its face index.
pub fn system_cjk_font() -> Option<(PathBuf, u32)> {
    std::env::var_os(OVERRIDE_VAR)
        .map(|p| (PathBuf::from(p), 0))
        .into_iter()
        .chain(CANDIDATES.iter().map(|(p, i)| (PathBuf::from(p), *i)))
        .find(|(path, _)| path.is_file())
}

/// Adds the system's CJK font; returns its path, or `None` when the system has none (then
/// CJK characters show as boxes, and the status bar says why).
pub fn install_cjk_fallback(ctx: &egui::Context) -> Option<PathBuf> {
    let (path, index) = system_cjk_font()?;
    let bytes = std::fs::read(&path).ok()?;
    let mut data = FontData::from_owned(bytes);
    data.index = index;
    let families = [FontFamily::Proportional, FontFamily::Monospace]
        .into_iter()
        .map(|family| InsertFontFamily {
            family,
            priority: FontPriority::Lowest,
        })
        .collect();
    ctx.add_font(FontInsert {
        name: "vigil-cjk".into(),
        data,
        families,
    });
    Some(path)
}
