//! Risk levels and the two cut-offs on a score that give them: a leaf, which the detectors,
//! the rules and the lists all speak of.

use serde::{Deserialize, Serialize};

/// The two cut-offs that turn a score into a risk level.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub suspicious: f32,
    pub high: f32,
}

impl Thresholds {
    pub fn risk(&self, score: f32) -> Risk {
        if score >= self.high {
            Risk::High
        } else if score >= self.suspicious {
            Risk::Suspicious
        } else {
            Risk::Normal
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Normal,
    Suspicious,
    High,
}

impl Risk {
    pub fn name(self) -> &'static str {
        match self {
            Risk::Normal => "normal",
            Risk::Suspicious => "suspicious",
            Risk::High => "high",
        }
    }
}
