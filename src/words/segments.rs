//! A segment's profile in words: its traits ("12.0 orders per view (all accounts 0.50)"), its
//! fraud among the labelled members, how k was chosen, and an account's place in it.

use rust_i18n::t;

use super::language::Language;
use super::phrase::phrase;
use super::say::Say;
use super::units;
use crate::segments::{ChosenBy, SegmentProfile, Trait};

impl Say for Trait {
    fn say(&self, language: Language) -> String {
        t!(
            "profile.trait",
            locale = language.code(),
            what = phrase(
                &self.phrase,
                &units::value(self.unit, self.inside, language),
                language
            ),
            everyone = units::value(self.unit, self.everyone, language)
        )
        .into_owned()
    }
}

impl Say for ChosenBy {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            ChosenBy::Given => t!("profile.k_given", locale = l),
            ChosenBy::Silhouette { from, to } => {
                t!("profile.k_by_silhouette", locale = l, from = from, to = to)
            }
        }
        .into_owned()
    }
}

/// "fraud 12 of 40 labelled (30.0%)", or "no labels".
pub fn fraud_among_labelled(p: &SegmentProfile, language: Language) -> String {
    let l = language.code();
    if p.labelled == 0 {
        return t!("profile.no_labels", locale = l).into_owned();
    }
    t!(
        "profile.fraud",
        locale = l,
        fraud = p.fraud,
        labelled = p.labelled,
        share = format!("{:.1}", 100.0 * p.fraud_rate)
    )
    .into_owned()
}

/// "segment 3, 0.84 from its centre".
pub fn place_in_segment(segment: usize, distance: f32, language: Language) -> String {
    t!(
        "profile.place",
        locale = language.code(),
        segment = segment,
        distance = format!("{distance:.2}")
    )
    .into_owned()
}

impl std::fmt::Display for Trait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Language::English))
    }
}

impl std::fmt::Display for ChosenBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Language::English))
    }
}
