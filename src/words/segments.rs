//! A segment's profile in words: its name ("high orders per view · low active days"), its traits
//! ("12.00 orders per view (other accounts 0.50)"), its fraud among the labelled members, how k
//! was chosen, and an account's place in it.

use rust_i18n::t;

use super::nouns::noun;
use super::phrase::phrase;
use super::units;
use crate::language::Language;
use crate::language::Say;
use crate::segments::{ChosenBy, SegmentProfile, Trait};

/// How many traits a segment's name is made of.
const NAME_TRAITS: usize = 2;

impl Say for Trait {
    fn say(&self, language: Language) -> String {
        let (inside, rest) = units::two_values(self.unit, self.inside, self.rest, language);
        t!(
            "profile.trait",
            locale = language.code(),
            what = phrase(&self.phrase, &inside, language),
            rest = rest
        )
        .into_owned()
    }
}

/// A segment's short name from its largest differences: "high orders per view · low active
/// days", "浏览下单比高 · 活跃天数低"; "typical accounts" for a segment without any.
pub fn segment_name(p: &SegmentProfile, language: Language) -> String {
    let l = language.code();
    let parts: Vec<String> = p
        .traits
        .iter()
        .take(NAME_TRAITS)
        .map(|t| {
            let what = noun(&t.phrase, &t.feature, language);
            if t.effect > 0.0 {
                t!("profile.name_high", locale = l, what = what)
            } else {
                t!("profile.name_low", locale = l, what = what)
            }
            .into_owned()
        })
        .collect();
    if parts.is_empty() {
        return t!("profile.name_typical", locale = l).into_owned();
    }
    parts.join(" · ")
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
        fraud = language.number(p.fraud as u64),
        labelled = language.number(p.labelled as u64),
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
