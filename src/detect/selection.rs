//! Model selection over time for the boosted trees: hold out the most recent labelled period,
//! grow a few candidate models (settings and training-window length) on what was known before
//! it, keep the one with the best validation AP, then refit it on every labelled row.
//!
//! Validating on the latest period rather than a random slice is what a model in service
//! meets: fraud that drifts from week to week, and labels that arrive late. A validation row
//! counts only against a model trained on the labels known at the start of its period, and
//! only when its account was not known as fraud then: an analyst has those accounts blocked
//! already, and their later events are the easy ones. What is graded is what the analyst is
//! judged on, the new victims.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::DetectError;
use super::gbdt::{Binned, Gbdt, Settings};
use super::holdout::{cap_keeping_positives, stratified_folds};
use super::parallel::in_parallel;
use crate::features::Matrix;
use crate::log::Label;
use crate::progress::Progress;
use crate::ranked::Ranked;
use crate::time_units::DAY_MS;

/// How many candidate models a search grows unless told otherwise: on the bundled sample the
/// window's retrain stays within a few seconds.
pub const DEFAULT_SEARCH_BUDGET: usize = 4;
/// The most recent share of labelled rows held out for validation.
const VALIDATION_SHARE: f64 = 0.2;
/// A candidate replaces the default only when its validation AP is better by more than this:
/// one validation period's AP is noisy, and a settings change that wins by less is as likely
/// to lose on the next period (on fraud_ecommerce, taking any better AP cost 0.008 test AP).
/// The ensemble's heads offered more columns are held to the same rule.
pub(super) const MIN_GAIN: f64 = 0.005;
/// Candidates are grown on at most this many training rows (all the fraud, a sample of the
/// rest); the chosen one is refitted on them all.
const SEARCH_ROWS: usize = 10_000;

/// What a search may read besides the rows: their times, and the labels' delay.
pub struct SearchPlan<'a> {
    /// Each row's time (ms), where rows have one; without, the validation rows are a random
    /// stratified share.
    pub times: Option<&'a [i64]>,
    /// Each row's account, where rows are events: the held-out period grades only the accounts
    /// not known as fraud when it starts.
    pub accounts: Option<&'a [u32]>,
    /// How long after its event a label becomes known.
    pub label_delay_ms: i64,
    /// How many legit rows each legit row stands for (the rows are a sample): validation AP
    /// is that of the rows they stand for.
    pub legit_weight: f64,
    /// How many candidate models to grow (1: the default settings alone).
    pub budget: usize,
    pub seed: u64,
}

/// How the validation rows were chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holdout {
    /// The labelled rows from this time on; training saw the labels known before it. With
    /// `new_victims`, only those of the accounts not known as fraud at that time.
    RecentPeriod {
        from_ms: i64,
        #[serde(default)]
        new_victims: bool,
    },
    /// A random stratified share (rows without times, or too few fraud rows in the period).
    RandomShare,
}

/// What a search chose, and why: the model records it and `vigil train` prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// The chosen settings, `max_rounds` being the trees the refit grows.
    pub settings: Settings,
    /// Learn only from rows this recent before the latest one (`None`: all of them).
    pub window_ms: Option<i64>,
    pub holdout: Holdout,
    /// The chosen candidate's average precision on the validation rows.
    pub validation_ap: f64,
    pub candidates: usize,
}

impl Selection {
    /// One line for `vigil train`.
    pub fn describe(&self) -> String {
        let s = &self.settings;
        let window = match self.window_ms {
            Some(ms) => format!("the last {:.1} days", ms as f64 / DAY_MS as f64),
            None => "all rows".to_string(),
        };
        let holdout = match self.holdout {
            Holdout::RecentPeriod {
                from_ms,
                new_victims,
            } => format!(
                "the labelled period from {}{}",
                crate::log::timeparse::format_rfc3339(from_ms),
                match new_victims {
                    true => ", accounts not known as fraud then",
                    false => "",
                }
            ),
            Holdout::RandomShare => "three random folds of the labels".to_string(),
        };
        format!(
            "{} leaves, min leaf {}, learning rate {}, {} trees, fraud weight {:.1}, window {window}; validation AP {:.3} on {holdout} ({} candidates)",
            s.max_leaves,
            s.min_leaf_rows,
            s.learning_rate,
            s.max_rounds,
            s.fraud_weight,
            self.validation_ap,
            self.candidates
        )
    }
}

/// The labelled rows split into what a candidate learns from and what grades it: one pair
/// for a period held out, `RANDOM_FOLDS` for random shares (one random fifth grades too
/// noisily: on fraud_ecommerce a candidate 0.006 AP better on one fifth was 0.008 worse on
/// the test users).
struct Split {
    pairs: Vec<(Vec<usize>, Vec<usize>)>,
    holdout: Holdout,
}

/// Each row's target (0/1) and how many legit rows each legit row stands for: what a
/// candidate is graded against.
#[derive(Clone, Copy)]
struct Truth<'a> {
    y: &'a [f32],
    legit_weight: f64,
}

/// Random shares are graded by this many folds, the candidate's AP their mean.
const RANDOM_FOLDS: usize = 3;

/// Holds out the latest labelled period when the rows have times and both halves see fraud,
/// else random stratified folds.
fn split(labelled: &[usize], y: &[f32], plan: &SearchPlan) -> Split {
    let fraud = |r: usize| y[r] > 0.5;
    if let Some(times) = plan.times {
        let mut by_time: Vec<usize> = labelled.to_vec();
        by_time.sort_by_key(|&r| times[r]);
        let cut = ((by_time.len() as f64) * (1.0 - VALIDATION_SHARE)) as usize;
        if let Some(&first) = by_time.get(cut) {
            let from_ms = times[first];
            let known_by = from_ms.saturating_sub(plan.label_delay_ms.max(0));
            let val: Vec<usize> = by_time[cut..].to_vec();
            let train: Vec<usize> = by_time[..cut]
                .iter()
                .copied()
                .filter(|&r| times[r] < known_by)
                .collect();
            let has_fraud = |rows: &[usize]| rows.iter().filter(|&&r| fraud(r)).count() >= 5;
            // Graded on the new victims when enough of the period's fraud is theirs.
            let fresh = plan
                .accounts
                .map(|accounts| new_victims(&val, &by_time[..cut], accounts, times, known_by, y))
                .filter(|fresh| has_fraud(fresh));
            let new_victims = fresh.is_some();
            let val = fresh.unwrap_or(val);
            if has_fraud(&val) && has_fraud(&train) {
                return Split {
                    pairs: vec![(train, val)],
                    holdout: Holdout::RecentPeriod {
                        from_ms,
                        new_victims,
                    },
                };
            }
        }
    }
    let folds = stratified_folds(labelled, fraud, RANDOM_FOLDS, plan.seed);
    let pairs = (0..folds.len())
        .map(|k| {
            let train = (0..folds.len())
                .filter(|&j| j != k)
                .flat_map(|j| folds[j].iter().copied())
                .collect();
            (train, folds[k].clone())
        })
        .collect();
    Split {
        pairs,
        holdout: Holdout::RandomShare,
    }
}

/// The rows of `val` whose account had no fraud row among `before` whose label was known by
/// `known_by` (its time before it).
fn new_victims(
    val: &[usize],
    before: &[usize],
    accounts: &[u32],
    times: &[i64],
    known_by: i64,
    y: &[f32],
) -> Vec<usize> {
    let known: ahash::AHashSet<u32> = before
        .iter()
        .filter(|&&r| y[r] > 0.5 && times[r] < known_by)
        .map(|&r| accounts[r])
        .collect();
    val.iter()
        .copied()
        .filter(|&r| !known.contains(&accounts[r]))
        .collect()
}

/// The most trees a candidate may grow at `learning_rate`: slower learning gets more, and early
/// stopping ends most sooner.
fn max_rounds_at(learning_rate: f32) -> usize {
    (10.0 / learning_rate).round() as usize
}

/// The candidates in the order they are tried: the default first, then a seeded draw from
/// the grid. `fraud_ratio` is legit rows per fraud row.
fn candidates(budget: usize, fraud_ratio: f64, seed: u64) -> Vec<Settings> {
    let balanced = fraud_ratio.sqrt().clamp(1.0, 30.0) as f32;
    let mut grid = Vec::new();
    for max_leaves in [7, 15, 31, 63] {
        for min_leaf_rows in [5, 20, 50] {
            for learning_rate in [0.1f32, 0.2] {
                for fraud_weight in [1.0, balanced] {
                    grid.push(Settings {
                        max_leaves,
                        min_leaf_rows,
                        learning_rate,
                        max_rounds: max_rounds_at(learning_rate),
                        fraud_weight,
                    });
                }
            }
        }
    }
    let first = Settings::default();
    grid.retain(|s| *s != first);
    grid.dedup();
    grid.shuffle(&mut ChaCha8Rng::seed_from_u64(seed ^ 0x5e1ec7));
    std::iter::once(first)
        .chain(grid)
        .take(budget.max(1))
        .collect()
}

/// One split's rows as every candidate grades on them: a copy of its rows alone (so a search
/// of a big table holds the rows it reads, not the table), binned once for all candidates.
struct Prepared {
    sub: Matrix,
    sub_y: Vec<f32>,
    sub_train: Vec<usize>,
    sub_val: Vec<usize>,
    binned: Binned,
    labels: Vec<Label>,
}

impl Prepared {
    fn of(x: &Matrix, y: &[f32], (train, val): (&[usize], &[usize])) -> Self {
        let rows: Vec<usize> = train.iter().chain(val).copied().collect();
        let sub = x.select_rows(&rows);
        let sub_train: Vec<usize> = (0..train.len()).collect();
        Self {
            binned: Binned::of(&sub, &sub_train),
            sub_y: rows.iter().map(|&r| y[r]).collect(),
            sub_val: (train.len()..rows.len()).collect(),
            labels: val.iter().map(|&r| Label::of_fraud(y[r] > 0.5)).collect(),
            sub_train,
            sub,
        }
    }
}

/// One candidate's grade on one split: its model's validation AP and the trees early
/// stopping kept.
fn grade(
    split: &Prepared,
    legit_weight: f64,
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<(f64, usize), DetectError> {
    let model = Gbdt::fit_binned(
        &split.binned,
        &split.sub_y,
        (&split.sub_train, &split.sub_val),
        settings,
        progress,
    )?;
    let ap = Ranked::labelled(
        &model.predict_rows(&split.sub, &split.sub_val),
        &split.labels,
    )
    .average_precision_of_sample(legit_weight);
    Ok((if ap.is_nan() { 0.0 } else { ap }, model.rounds()))
}

/// Candidates graded on every split, side by side: for each, the mean AP and the settings
/// with the mean of the trees early stopping kept.
fn grade_all(
    x: &Matrix,
    truth: Truth,
    pairs: &[(Vec<usize>, Vec<usize>)],
    candidates: &[Settings],
    progress: &dyn Progress,
) -> Result<Vec<(f64, Settings)>, DetectError> {
    let mut sums = vec![(0.0, 0usize); candidates.len()];
    for (train, val) in pairs {
        let split = Prepared::of(x, truth.y, (train, val));
        let grades = in_parallel(candidates, |c| {
            grade(&split, truth.legit_weight, c, progress)
        });
        for (sum, g) in sums.iter_mut().zip(grades) {
            let (ap, rounds) = g?;
            sum.0 += ap;
            sum.1 += rounds;
        }
    }
    let n = pairs.len().max(1);
    Ok(candidates
        .iter()
        .zip(sums)
        .map(|(s, (ap, rounds))| {
            let chosen = Settings {
                max_rounds: rounds.div_ceil(n).max(1),
                ..*s
            };
            (ap / n as f64, chosen)
        })
        .collect())
}

/// A candidate's grade: its mean validation AP over the splits, the settings it was tried
/// with, and the settings to refit with (the trees early stopping kept).
#[derive(Clone, Copy)]
struct Graded {
    ap: f64,
    tried: Settings,
    chosen: Settings,
}

/// The best model so far: its validation AP, settings, and training window.
#[derive(Clone, Copy)]
struct Best {
    ap: f64,
    settings: Settings,
    window_ms: Option<i64>,
}

/// Training on the recent half of the training time only, tried last: drift can make older
/// fraud mislead.
struct RecentHalf {
    window_ms: i64,
    pairs: Vec<(Vec<usize>, Vec<usize>)>,
}

/// Searches settings and window for boosted trees on the `labelled` rows of `x` (targets `y`,
/// 0/1 per row of `x`) within the plan's budget.
pub fn select(
    x: &Matrix,
    y: &[f32],
    labelled: &[usize],
    plan: &SearchPlan,
    progress: &dyn Progress,
) -> Result<Selection, DetectError> {
    let Split { pairs, holdout } = split(labelled, y, plan);
    let ratio = legit_per_fraud(&pairs, y);
    let pairs = capped(pairs, y, plan.seed);
    let budget = plan.budget.max(1);
    let recent = recent_half(&holdout, plan.times, &pairs, y, budget);
    let settings = candidates(budget - usize::from(recent.is_some()), ratio, plan.seed);
    let mut tried = settings.len();
    let truth = Truth {
        y,
        legit_weight: plan.legit_weight,
    };
    let mut best = best_of(&grade_candidates(x, truth, &pairs, &settings, progress)?);
    if let (Some(recent), Some(so_far)) = (recent, best) {
        tried += 1;
        best = Some(with_recent_half(x, truth, recent, so_far, progress)?);
    }
    let best = best.unwrap_or(Best {
        ap: 0.0,
        settings: Settings::default(),
        window_ms: None,
    });
    Ok(Selection {
        settings: Settings {
            // The refit learns from more rows than the candidates did: a few more trees.
            max_rounds: (best.settings.max_rounds as f64 * 1.1).ceil() as usize,
            ..best.settings
        },
        window_ms: best.window_ms,
        holdout,
        validation_ap: best.ap,
        candidates: tried,
    })
}

fn fraud_rows(rows: &[usize], y: &[f32]) -> usize {
    rows.iter().filter(|&&r| y[r] > 0.5).count()
}

/// Legit rows per fraud row on the first split's training side.
fn legit_per_fraud(pairs: &[(Vec<usize>, Vec<usize>)], y: &[f32]) -> f64 {
    let train_rows = pairs.first().map_or(0, |p| p.0.len());
    let fraud = pairs.first().map_or(0, |p| fraud_rows(&p.0, y)).max(1);
    train_rows.saturating_sub(fraud) as f64 / fraud as f64
}

/// Candidates learn from a capped sample of each training side.
fn capped(
    pairs: Vec<(Vec<usize>, Vec<usize>)>,
    y: &[f32],
    seed: u64,
) -> Vec<(Vec<usize>, Vec<usize>)> {
    pairs
        .into_iter()
        .map(|(train, val)| {
            let capped = cap_keeping_positives(train, |r| y[r] > 0.5, SEARCH_ROWS, seed);
            (capped, val)
        })
        .collect()
}

/// With a period held out and a budget of three or more, the recent half of the training
/// time, when it holds enough fraud to learn from.
fn recent_half(
    holdout: &Holdout,
    times: Option<&[i64]>,
    pairs: &[(Vec<usize>, Vec<usize>)],
    y: &[f32],
    budget: usize,
) -> Option<RecentHalf> {
    let (Holdout::RecentPeriod { from_ms, .. }, Some(times), Some((train, val))) =
        (holdout, times, pairs.first())
    else {
        return None;
    };
    if budget < 3 {
        return None;
    }
    let oldest = train.iter().map(|&r| times[r]).min().unwrap_or(*from_ms);
    let window_ms = (from_ms - oldest) / 2;
    let rows: Vec<usize> = train
        .iter()
        .copied()
        .filter(|&r| times[r] >= from_ms - window_ms)
        .collect();
    (fraud_rows(&rows, y) >= 5).then(|| RecentHalf {
        window_ms,
        pairs: vec![(rows, val.clone())],
    })
}

/// Every candidate graded on the first split; with several splits, the default and the best
/// of the rest go on to the others (the rest would rarely win and cost a fit per split).
fn grade_candidates(
    x: &Matrix,
    truth: Truth,
    pairs: &[(Vec<usize>, Vec<usize>)],
    settings: &[Settings],
    progress: &dyn Progress,
) -> Result<Vec<Graded>, DetectError> {
    let first: Vec<Graded> = grade_all(x, truth, &pairs[..1.min(pairs.len())], settings, progress)?
        .into_iter()
        .zip(settings)
        .map(|((ap, chosen), &tried)| Graded { ap, tried, chosen })
        .collect();
    if pairs.len() <= 1 || first.len() <= 1 {
        return Ok(first);
    }
    let challenger = first
        .iter()
        .skip(1)
        .max_by(|a, b| a.ap.total_cmp(&b.ap))
        .copied();
    let finalists: Vec<Graded> = first
        .first()
        .copied()
        .into_iter()
        .chain(challenger)
        .collect();
    let tried: Vec<Settings> = finalists.iter().map(|f| f.tried).collect();
    let rest = grade_all(x, truth, &pairs[1..], &tried, progress)?;
    Ok(finalists
        .into_iter()
        .zip(rest)
        .map(|(f, rest)| over_every_split(f, rest, pairs.len()))
        .collect())
}

/// A finalist's grade over every one of `splits`: its first split's grade (`first`) with the
/// mean of the others (`rest`).
fn over_every_split(first: Graded, rest: (f64, Settings), splits: usize) -> Graded {
    let n = splits as f64;
    let (ap_rest, chosen) = rest;
    let rounds = (first.chosen.max_rounds as f64 + chosen.max_rounds as f64 * (n - 1.0)) / n;
    Graded {
        ap: (first.ap + ap_rest * (n - 1.0)) / n,
        tried: first.tried,
        chosen: Settings {
            max_rounds: rounds.round().max(1.0) as usize,
            ..chosen
        },
    }
}

/// The default, unless another candidate beats it (and every earlier winner) by `MIN_GAIN`.
fn best_of(graded: &[Graded]) -> Option<Best> {
    let mut best: Option<Best> = None;
    for g in graded {
        if best.as_ref().is_none_or(|b| g.ap > b.ap + MIN_GAIN) {
            best = Some(Best {
                ap: g.ap,
                settings: g.chosen,
                window_ms: None,
            });
        }
    }
    best
}

/// The best settings grown afresh on the recent half: it replaces `best` when it wins by
/// `MIN_GAIN`.
fn with_recent_half(
    x: &Matrix,
    truth: Truth,
    recent: RecentHalf,
    best: Best,
    progress: &dyn Progress,
) -> Result<Best, DetectError> {
    let fresh = Settings {
        max_rounds: max_rounds_at(best.settings.learning_rate),
        ..best.settings
    };
    let graded = grade_all(x, truth, &recent.pairs, &[fresh], progress)?;
    let (ap, chosen) = graded.first().copied().unwrap_or((0.0, fresh));
    Ok(match ap > best.ap + MIN_GAIN {
        true => Best {
            ap,
            settings: chosen,
            window_ms: Some(recent.window_ms),
        },
        false => best,
    })
}

/// The chosen model refitted on every labelled row within its window.
pub fn refit(
    x: &Matrix,
    y: &[f32],
    labelled: &[usize],
    times: Option<&[i64]>,
    selection: &Selection,
    progress: &dyn Progress,
) -> Result<Gbdt, DetectError> {
    let rows: Vec<usize> = match (selection.window_ms, times) {
        (Some(window), Some(times)) => {
            let latest = labelled.iter().map(|&r| times[r]).max().unwrap_or(0);
            labelled
                .iter()
                .copied()
                .filter(|&r| times[r] >= latest - window)
                .collect()
        }
        _ => labelled.to_vec(),
    };
    Gbdt::fit(x, y, (&rows, &[]), &selection.settings, progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    /// Fraud in the first half of time looks one way and in the second another: the recent
    /// period must be what grades the candidates, and the refit must learn the recent kind.
    #[test]
    fn the_recent_period_is_held_out_and_the_labels_known_before_it_train() {
        let n = 4000;
        let times: Vec<i64> = (0..n).map(|i| i as i64 * 60_000).collect();
        let a: Vec<f32> = (0..n).map(|i| ((i * 7919) % 100) as f32).collect();
        let b: Vec<f32> = (0..n).map(|i| ((i * 104_729) % 97) as f32).collect();
        let y: Vec<f32> = (0..n)
            .map(|i| f32::from(if i < n / 2 { a[i] > 90.0 } else { b[i] > 88.0 }))
            .collect();
        let x = Matrix::from_columns(&[a, b]);
        let labelled: Vec<usize> = (0..n).collect();
        let plan = SearchPlan {
            times: Some(&times),
            accounts: None,
            label_delay_ms: 10 * 60_000,
            legit_weight: 1.0,
            budget: 4,
            seed: 1,
        };
        let s = select(&x, &y, &labelled, &plan, &NoProgress).unwrap();
        let from = (n as f64 * 0.8) as i64 * 60_000;
        assert_eq!(
            s.holdout,
            Holdout::RecentPeriod {
                from_ms: from,
                new_victims: false
            }
        );
        assert_eq!(s.candidates, 4);
        assert!(s.validation_ap > 0.5, "{s:?}");
        let model = refit(&x, &y, &labelled, Some(&times), &s, &NoProgress).unwrap();
        let p = model.predict(&x);
        let recent: Vec<usize> = (n / 2..n).collect();
        let labels: Vec<Label> = recent
            .iter()
            .map(|&r| Label::of_fraud(y[r] > 0.5))
            .collect();
        let scores: Vec<f32> = recent.iter().map(|&r| p[r]).collect();
        assert!(Ranked::labelled(&scores, &labels).average_precision() > 0.9);
    }

    #[test]
    fn rows_without_times_are_graded_on_a_random_share() {
        let n = 600;
        let a: Vec<f32> = (0..n).map(|i| ((i * 31) % 200) as f32).collect();
        let y: Vec<f32> = a.iter().map(|&v| f32::from(v > 170.0)).collect();
        let x = Matrix::from_columns(&[a]);
        let labelled: Vec<usize> = (0..n).collect();
        let plan = SearchPlan {
            times: None,
            accounts: None,
            label_delay_ms: 0,
            legit_weight: 1.0,
            budget: 1,
            seed: 3,
        };
        let s = select(&x, &y, &labelled, &plan, &NoProgress).unwrap();
        assert_eq!(s.holdout, Holdout::RandomShare);
        assert_eq!(s.candidates, 1);
        assert_eq!(s.settings.max_leaves, Settings::default().max_leaves);
    }

    #[test]
    fn the_held_out_period_grades_only_accounts_not_known_as_fraud_when_it_starts() {
        // Rows 0..4 before the period, 4..8 in it; account 1's fraud at row 1 was known by its
        // start, account 2's at row 3 was not (too recent for its label to have arrived).
        let times = [0, 10, 20, 95, 100, 110, 120, 130];
        let accounts = [1, 1, 2, 2, 1, 2, 3, 1];
        let y = [0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0];
        let val = [4, 5, 6, 7];
        let before = [0, 1, 2, 3];
        let known_by = 100 - 10;
        assert_eq!(
            new_victims(&val, &before, &accounts, &times, known_by, &y),
            [5, 6],
            "account 1's rows are left out; account 2 was not known yet"
        );
    }
}
