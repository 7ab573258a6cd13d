//! Segmenting accounts: k-means on the standardised account features, k given or chosen by the
//! silhouette over the k an analyst can read, with the 2-D view, each account's distance from
//! its centre and the profiles.

use serde::Serialize;

use super::kmeans::{KMeans, fit as kmeans};
use super::pca::project_2d;
use super::profile::{SegmentProfile, profile};
use super::quality::silhouette;
use super::standardise::standardise;
use crate::features::{FeatureTable, Matrix};
use crate::log::Label;

/// The k tried when the analyst asks for it to be chosen. Not from 2: the silhouette is
/// highest for two groups on most logs (the few odd accounts against everyone else), which
/// tells an analyst nothing; the personas they read an account against (browsers, regular
/// buyers, bargain hunters, big spenders, new accounts, rings) need four or more. On the bundled
/// sample the best silhouette over 4..12 picks k = 8, adjusted Rand index 0.36 against the
/// generator's personas; from 2 it picked k = 2 (about 0.03).
pub const AUTO_K: std::ops::RangeInclusive<usize> = 4..=12;
/// Restarts of k-means; the lowest inertia wins.
const RESTARTS: usize = 4;

/// How k was set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChosenBy {
    /// The analyst gave it.
    Given,
    /// The best silhouette over k = `from..=to`.
    Silhouette { from: usize, to: usize },
}

#[derive(Clone, Debug, Serialize)]
pub struct Segmentation {
    pub k: usize,
    pub chosen_by: ChosenBy,
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
    let x = standardise(&account.values);
    segment_in(&x, (account, &x), labels, (k, seed))
}

/// `segment`, the accounts placed by `space` instead of their features (one row per account:
/// a model's reading of each, such as the behaviour model's embedding), standardised. The
/// profiles still say how each segment's members differ in their features: a reading's
/// columns have no meaning an analyst can read.
pub fn segment_by(
    space: &Matrix,
    account: &FeatureTable,
    labels: &[Label],
    k: Option<usize>,
    seed: u64,
) -> Segmentation {
    let features = standardise(&account.values);
    segment_in(&standardise(space), (account, &features), labels, (k, seed))
}

/// Segments the standardised rows `x` (one per account), profiled by `account`'s features
/// (`features`: their standardised values).
fn segment_in(
    x: &Matrix,
    (account, features): (&FeatureTable, &Matrix),
    labels: &[Label],
    (k, seed): (Option<usize>, u64),
) -> Segmentation {
    let (model, chosen_by, tried) = match k {
        Some(k) => (kmeans(x, k, seed, RESTARTS), ChosenBy::Given, Vec::new()),
        None => choose_k(x, seed),
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
        .map(|s| profile(account, features, &model.assignments, labels, s))
        .collect();
    Segmentation {
        k,
        chosen_by,
        silhouette: silhouette(x, &model.assignments, k),
        tried,
        assignments: model.assignments,
        xy: project_2d(x),
        distance,
        profiles,
    }
}

/// The k of `AUTO_K` with the best silhouette (the smaller k on a tie); for a log of a few
/// accounts, the ks it has room for.
fn choose_k(x: &Matrix, seed: u64) -> (KMeans, ChosenBy, Vec<(usize, f64)>) {
    let mut best: Option<(KMeans, f64)> = None;
    let mut tried = Vec::new();
    let most = x.rows.saturating_sub(1).max(2);
    let ks = (*AUTO_K.start()).min(most)..=(*AUTO_K.end()).min(most);
    for k in ks.clone() {
        let m = kmeans(x, k, seed, RESTARTS);
        let s = silhouette(x, &m.assignments, k);
        tried.push((k, s));
        if best.as_ref().is_none_or(|(_, b)| s > *b) {
            best = Some((m, s));
        }
    }
    let how = ChosenBy::Silhouette {
        from: *ks.start(),
        to: *ks.end(),
    };
    match best {
        Some((m, _)) => (m, how, tried),
        None => (kmeans(x, 1, seed, RESTARTS), how, tried),
    }
}
