//! What several panels share: the colours of risk, score and segments, an account's label in
//! words, a file's name.

use std::path::Path;

use eframe::egui::{self, Color32};

use crate::detect::Risk;
use crate::gui::i18n::say;
use crate::log::{Label, UserCode};
use crate::workbench::Triage;

/// The segments' colours, in order (they repeat past ten).
const PALETTE: [Color32; 10] = [
    Color32::from_rgb(86, 156, 214),
    Color32::from_rgb(230, 159, 0),
    Color32::from_rgb(0, 158, 115),
    Color32::from_rgb(204, 121, 167),
    Color32::from_rgb(240, 228, 66),
    Color32::from_rgb(0, 114, 178),
    Color32::from_rgb(213, 94, 0),
    Color32::from_rgb(150, 150, 150),
    Color32::from_rgb(120, 200, 255),
    Color32::from_rgb(170, 110, 60),
];

/// Colour of a segment, shared by the segments' view, their profiles and the population.
pub fn segment_colour(segment: usize) -> Color32 {
    PALETTE[segment % PALETTE.len()]
}

/// Colour of a risk level, shared by the queue, the account view and the plots.
pub fn risk_colour(risk: Risk) -> Color32 {
    match risk {
        Risk::High => Color32::from_rgb(220, 60, 60),
        Risk::Suspicious => Color32::from_rgb(230, 160, 40),
        Risk::Normal => Color32::from_rgb(110, 170, 110),
    }
}

/// Colour of a score in [0, 1]: green through amber to red.
pub fn score_colour(score: f32) -> Color32 {
    let s = score.clamp(0.0, 1.0);
    let lerp = |a: u8, b: u8, t: f32| (f32::from(a) + (f32::from(b) - f32::from(a)) * t) as u8;
    let (lo, mid, hi) = ((90, 170, 110), (235, 180, 50), (220, 50, 50));
    let (from, to, t) = if s < 0.5 {
        (lo, mid, s * 2.0)
    } else {
        (mid, hi, (s - 0.5) * 2.0)
    };
    Color32::from_rgb(
        lerp(from.0, to.0, t),
        lerp(from.1, to.1, t),
        lerp(from.2, to.2, t),
    )
}

/// A filled dot in `colour`, drawn rather than written: it needs no font to have the glyph.
pub fn dot(ui: &mut egui::Ui, colour: Color32) {
    let size = ui.spacing().interact_size.y * 0.5;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    ui.painter()
        .circle_filled(rect.center(), size * 0.4, colour);
}

/// A label as a word: the analyst's verdict, else the log's label.
pub fn label_text(t: &Triage, u: UserCode) -> String {
    match (t.verdict(u), t.label_of(u)) {
        (Some(v), _) => say(&v),
        (None, Label::Fraud) => rust_i18n::t!("label.fraud_log").into_owned(),
        (None, Label::Legit) => rust_i18n::t!("label.legit_log").into_owned(),
        (None, Label::Unknown) => String::new(),
    }
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
