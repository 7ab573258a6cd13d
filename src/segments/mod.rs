//! User segments: k-means on the standardised account features, k given or chosen by the
//! silhouette, a 2-D projection for display, each account's distance from its segment's centre,
//! and a profile per segment (size, what sets it apart in words, fraud among its labelled
//! members).

mod kmeans;
mod pca;
mod quality;

use serde::Serialize;

pub use kmeans::{KMeans, fit as kmeans};
pub use pca::project_2d;
pub use quality::{adjusted_rand_index, silhouette};

use crate::features::{FeatureTable, Matrix, Scaler};
use crate::log::Label;

/// The k tried when the analyst asks for it to be chosen.
pub const AUTO_K: std::ops::RangeInclusive<usize> = 2..=10;
/// Restarts of k-means; the lowest inertia wins.
const RESTARTS: usize = 4;
/// How many traits a profile names.
const TRAITS: usize = 3;
/// A segment's mean must be this many robust spreads from the population's to be a trait.
const MIN_TRAIT: f32 = 0.5;

#[derive(Clone, Debug, Serialize)]
pub struct SegmentProfile {
    pub segment: usize,
    pub size: usize,
    /// What sets the segment apart, in words, as the members' mean against every account's:
    /// "12.0 orders per view (all accounts 0.50)".
    pub traits: Vec<String>,
    pub labelled: usize,
    pub fraud: usize,
    /// Fraud among the labelled members; NaN with none labelled.
    pub fraud_rate: f64,
}

impl SegmentProfile {
    /// "fraud 12 of 40 labelled (30.0%)", or "no labels".
    pub fn fraud_text(&self) -> String {
        if self.labelled == 0 {
            return "no labels".to_string();
        }
        format!(
            "fraud {} of {} labelled ({:.1}%)",
            self.fraud,
            self.labelled,
            100.0 * self.fraud_rate
        )
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Segmentation {
    pub k: usize,
    /// "given", or "silhouette over k = 2..10".
    pub chosen_by: String,
    pub silhouette: f64,
    /// (k, silhouette) of every k tried.
    pub tried: Vec<(usize, f64)>,
    /// Per account.
    pub assignments: Vec<usize>,
    pub xy: Vec<(f32, f32)>,
    /// Distance from the own segment's centre, in standardised units.
    pub distance: Vec<f32>,
    pub profiles: Vec<SegmentProfile>,
}

/// Segments the accounts of `account` (one row per account). `labels` are the accounts'
/// labels, for the profiles only; `k` None chooses it.
pub fn segment(
    account: &FeatureTable,
    labels: &[Label],
    k: Option<usize>,
    seed: u64,
) -> Segmentation {
    let scaler = Scaler::fit(&account.values);
    let x = scaler.transform(&account.values);
    let (model, chosen_by, tried) = match k {
        Some(k) => (
            kmeans(&x, k, seed, RESTARTS),
            "given".to_string(),
            Vec::new(),
        ),
        None => choose_k(&x, seed),
    };
    let k = model.centres.rows;
    let distance = (0..x.rows)
        .map(|r| {
            let c = model.centres.row(model.assignments[r]);
            x.row(r)
                .iter()
                .zip(c)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f32>()
                .sqrt()
        })
        .collect();
    let profiles = (0..k)
        .map(|s| profile(account, &x, &model, labels, s))
        .collect();
    Segmentation {
        k,
        chosen_by,
        silhouette: silhouette(&x, &model.assignments, k),
        tried,
        assignments: model.assignments,
        xy: project_2d(&x),
        distance,
        profiles,
    }
}

/// The k of `AUTO_K` with the best silhouette (the smaller k on a tie).
fn choose_k(x: &Matrix, seed: u64) -> (KMeans, String, Vec<(usize, f64)>) {
    let mut best: Option<(KMeans, f64)> = None;
    let mut tried = Vec::new();
    for k in AUTO_K.filter(|&k| k < x.rows.max(2)) {
        let m = kmeans(x, k, seed, RESTARTS);
        let s = silhouette(x, &m.assignments, k);
        tried.push((k, s));
        if best.as_ref().is_none_or(|(_, b)| s > *b) {
            best = Some((m, s));
        }
    }
    let how = format!("silhouette over k = {}..{}", AUTO_K.start(), AUTO_K.end());
    match best {
        Some((m, _)) => (m, how, tried),
        None => (kmeans(x, 1, seed, RESTARTS), how, tried),
    }
}

/// The mean of the finite values (counts with many zeros have a median of 0 inside and outside
/// most segments; their means still differ).
fn mean(values: impl Iterator<Item = f32>) -> f32 {
    let (sum, n) = values
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0usize), |(s, n), v| (s + v as f64, n + 1));
    if n == 0 {
        f32::NAN
    } else {
        (sum / n as f64) as f32
    }
}

fn profile(
    account: &FeatureTable,
    x: &Matrix,
    model: &KMeans,
    labels: &[Label],
    s: usize,
) -> SegmentProfile {
    let members: Vec<usize> = (0..x.rows).filter(|&r| model.assignments[r] == s).collect();
    // The features whose segment mean is furthest from the population's (standardised, so
    // the population's centre is about 0).
    let mut far: Vec<(usize, f32)> = (0..x.cols)
        .map(|j| {
            let mean =
                members.iter().map(|&r| x.get(r, j)).sum::<f32>() / members.len().max(1) as f32;
            (j, mean)
        })
        .filter(|&(_, m)| m.abs() >= MIN_TRAIT)
        .collect();
    far.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    let traits = far
        .into_iter()
        .take(TRAITS)
        .map(|(j, _)| {
            let spec = &account.specs[j];
            let inside = mean(members.iter().map(|&r| account.values.get(r, j)));
            let everyone = mean(account.values.column(j));
            format!(
                "{} (all accounts {})",
                spec.say(inside),
                spec.unit.format(everyone)
            )
        })
        .collect();
    let labelled: Vec<Label> = members
        .iter()
        .filter_map(|&r| labels.get(r).copied())
        .filter(|l| l.is_known())
        .collect();
    let fraud = labelled.iter().filter(|l| l.is_fraud()).count();
    SegmentProfile {
        segment: s,
        size: members.len(),
        traits,
        labelled: labelled.len(),
        fraud,
        fraud_rate: if labelled.is_empty() {
            f64::NAN
        } else {
            fraud as f64 / labelled.len() as f64
        },
    }
}
