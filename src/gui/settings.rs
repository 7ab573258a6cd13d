//! What the window remembers between runs (per machine, not per log).

use serde::{Deserialize, Serialize};

use super::i18n::Language;
use crate::detect::DetectorKind;
use crate::workbench::defaults;

/// The key the settings are stored under in eframe's storage.
pub const SETTINGS_KEY: &str = "vigil-settings";

/// The right-hand side's tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RightTab {
    #[default]
    Distribution,
    Model,
    Segments,
    Rules,
    Live,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct AppSettings {
    /// Retrain after this many new labels (0: only on command).
    pub retrain_every: usize,
    pub detector: DetectorKind,
    pub right_tab: RightTab,
    /// The window's language, switched in the top bar.
    pub language: Language,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            retrain_every: defaults::RETRAIN_EVERY,
            detector: defaults::DETECTOR,
            right_tab: RightTab::Distribution,
            language: Language::default(),
        }
    }
}
