//! Gradient-boosted decision trees on histograms (the method of LightGBM and scikit-learn's
//! HistGradientBoosting): the supervised model that thresholds and interactions suit best,
//! and the ensemble's head. Trees grow best-first on 255-bin feature histograms.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::features::Matrix;
use crate::progress::{Progress, Stage};

use super::DetectError;

const BINS: usize = 255;
const L2: f64 = 1.0;
/// Rounds without a better validation loss before stopping.
const PATIENCE: usize = 10;

/// How a model is grown: what model selection (`super::selection`) chooses among.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Leaves per tree (best-first growth): the depth of the interactions a tree learns.
    pub max_leaves: usize,
    /// A split leaves at least this many rows on each side.
    pub min_leaf_rows: usize,
    pub learning_rate: f32,
    /// Trees at most; early stopping on a validation set usually ends sooner.
    pub max_rounds: usize,
    /// How much a fraud row's gradient weighs against a legit one's (1: as the data says).
    pub fraud_weight: f32,
}

impl Default for Settings {
    /// What served before any search: the starting point every search tries first.
    fn default() -> Self {
        Self {
            max_leaves: 31,
            min_leaf_rows: 20,
            learning_rate: 0.1,
            max_rounds: 100,
            fraud_weight: 1.0,
        }
    }
}

/// A node of a tree: a leaf's value, or a split of one feature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredNode", into = "StoredNode")]
enum Node {
    Leaf {
        value: f32,
    },
    Split {
        feature: u32,
        /// Rows with a value ≤ this (or missing) go left.
        threshold: f32,
        left: u32,
        right: u32,
    },
}

impl Node {
    /// A leaf's value (0 for a split, which adds nothing itself).
    fn value(&self) -> f32 {
        match self {
            Node::Leaf { value } => *value,
            Node::Split { .. } => 0.0,
        }
    }
}

/// A node as model files store it: every field, `feature` -1 for a leaf.
#[derive(Clone, Serialize, Deserialize)]
struct StoredNode {
    feature: i32,
    threshold: f32,
    left: u32,
    right: u32,
    value: f32,
}

impl From<StoredNode> for Node {
    fn from(n: StoredNode) -> Self {
        match u32::try_from(n.feature) {
            Ok(feature) => Node::Split {
                feature,
                threshold: n.threshold,
                left: n.left,
                right: n.right,
            },
            Err(_) => Node::Leaf { value: n.value },
        }
    }
}

impl From<Node> for StoredNode {
    fn from(n: Node) -> Self {
        match n {
            Node::Leaf { value } => StoredNode {
                feature: -1,
                threshold: 0.0,
                left: 0,
                right: 0,
                value,
            },
            Node::Split {
                feature,
                threshold,
                left,
                right,
            } => StoredNode {
                feature: i32::try_from(feature).unwrap_or(i32::MAX),
                threshold,
                left,
                right,
                value: 0.0,
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gbdt {
    base: f32,
    trees: Vec<Vec<Node>>,
}

/// Bin edges of one feature: up to `BINS - 1` quantile cut points of its finite values.
fn edges(values: impl Iterator<Item = f32>) -> Vec<f32> {
    let mut v: Vec<f32> = values.filter(|x| x.is_finite()).collect();
    v.sort_unstable_by(f32::total_cmp);
    v.dedup();
    if v.len() < BINS {
        // Midpoints between distinct values.
        return v.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
    }
    let mut e: Vec<f32> = (1..BINS).map(|i| v[i * (v.len() - 1) / BINS]).collect();
    e.dedup();
    e
}

fn bin_of(edges: &[f32], x: f32) -> u8 {
    if x.is_nan() {
        0
    } else {
        edges.partition_point(|&e| e < x) as u8
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Every row of a table in bins (`Binned::of`): what trees are grown from. A search bins
/// each split once for all its candidates.
pub(super) struct Binned {
    rows: usize,
    /// Row-major bins: `features` bins per row, so a row's gradient is read once for all of
    /// its features when histograms are built.
    bins: Vec<u8>,
    /// The same bins column by column, so splitting a node reads one column contiguously.
    columns: Vec<Vec<u8>>,
    features: usize,
    edges: Vec<Vec<f32>>,
}

impl Binned {
    fn bin(&self, row: u32, feature: usize) -> u8 {
        self.columns[feature][row as usize]
    }
}

#[derive(Clone, Copy, Default)]
struct Bucket {
    g: f64,
    h: f64,
    n: u32,
}

struct Split {
    gain: f64,
    feature: usize,
    bin: u8,
}

/// Below this many rows a node's histograms are built on one thread (spawning costs more).
const PARALLEL_ROWS: usize = 8192;
const SLOTS: usize = BINS + 1;

/// Gradient sums per bin of every feature, `SLOTS` buckets per feature.
type Hist = Vec<Bucket>;

/// Adds `rows` to `hist`, row by row.
fn accumulate(b: &Binned, rows: &[u32], g: &[f32], h: &[f32], hist: &mut [Bucket]) {
    let f = b.features;
    for &r in rows {
        let (gr, hr) = (g[r as usize] as f64, h[r as usize] as f64);
        let row = &b.bins[r as usize * f..(r as usize + 1) * f];
        // A feature's buckets as an array of 256: a u8 bin indexes it without a bounds check.
        for (buckets, &bin) in hist.chunks_exact_mut(SLOTS).zip(row) {
            let buckets: &mut [Bucket; SLOTS] = match buckets.try_into() {
                Ok(b) => b,
                Err(_) => continue,
            };
            let bucket = &mut buckets[bin as usize];
            bucket.g += gr;
            bucket.h += hr;
            bucket.n += 1;
        }
    }
}

/// A node's histograms; the rows of a big node are shared among the worker threads, each
/// with histograms of its own that are summed at the end.
fn build_hist(b: &Binned, rows: &[u32], g: &[f32], h: &[f32]) -> Hist {
    let size = b.features * SLOTS;
    let threads = if rows.len() >= PARALLEL_ROWS {
        crate::log::worker_threads()
    } else {
        1
    };
    let mut hist = vec![Bucket::default(); size];
    if threads == 1 {
        accumulate(b, rows, g, h, &mut hist);
        return hist;
    }
    let parts: Vec<Hist> = std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .chunks(rows.len().div_ceil(threads))
            .map(|part| {
                s.spawn(move || {
                    let mut local = vec![Bucket::default(); size];
                    accumulate(b, part, g, h, &mut local);
                    local
                })
            })
            .collect();
        handles.into_iter().filter_map(|t| t.join().ok()).collect()
    });
    for part in parts {
        for (a, p) in hist.iter_mut().zip(part) {
            a.g += p.g;
            a.h += p.h;
            a.n += p.n;
        }
    }
    hist
}

/// The sibling's histograms: the parent's minus the child's (half the work of building them).
fn subtract(parent: &Hist, child: &Hist) -> Hist {
    parent
        .iter()
        .zip(child)
        .map(|(p, c)| Bucket {
            g: p.g - c.g,
            h: p.h - c.h,
            n: p.n - c.n,
        })
        .collect()
}

/// The best split of a node of `rows` rows from its histograms; ties go to the lower feature.
fn best_split(b: &Binned, hist: &Hist, rows: usize, min_leaf: usize) -> Option<Split> {
    if rows < 2 * min_leaf || b.features == 0 {
        return None;
    }
    let (gt, ht) = hist[..SLOTS]
        .iter()
        .fold((0.0, 0.0), |(a, c), k| (a + k.g, c + k.h));
    let parent = gt * gt / (ht + L2);
    let mut best: Option<Split> = None;
    for (f, buckets) in hist.chunks(SLOTS).enumerate() {
        let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0usize);
        for (bin, k) in buckets.iter().enumerate().take(b.edges[f].len() + 1) {
            gl += k.g;
            hl += k.h;
            nl += k.n as usize;
            let nr = rows - nl;
            if nl < min_leaf || nr < min_leaf {
                continue;
            }
            let (gr, hr) = (gt - gl, ht - hl);
            let gain = gl * gl / (hl + L2) + gr * gr / (hr + L2) - parent;
            if gain > 1e-9 && best.as_ref().is_none_or(|s| gain > s.gain) {
                best = Some(Split {
                    gain,
                    feature: f,
                    bin: bin as u8,
                });
            }
        }
    }
    best
}

fn leaf_value(rows: &[u32], g: &[f32], h: &[f32], learning_rate: f32) -> f32 {
    let (gs, hs) = rows.iter().fold((0.0f64, 0.0f64), |(a, c), &r| {
        (a + g[r as usize] as f64, c + h[r as usize] as f64)
    });
    (-gs / (hs + L2)) as f32 * learning_rate
}

/// A leaf that may still be split.
struct Open {
    id: u32,
    rows: Vec<u32>,
    split: Split,
    hist: Hist,
}

fn leaf(rows: &[u32], g: &[f32], h: &[f32], s: &Settings) -> Node {
    Node::Leaf {
        value: leaf_value(rows, g, h, s.learning_rate),
    }
}

/// Grows one tree best-first: always split the leaf with the largest gain next. Returns the
/// tree and the training rows of each of its leaves (so the rows' predictions need no walk).
fn grow(
    b: &Binned,
    rows: Vec<u32>,
    (g, h): (&[f32], &[f32]),
    settings: &Settings,
) -> (Grown, Vec<(u32, Vec<u32>)>) {
    let min_leaf = settings.min_leaf_rows;
    let mut nodes = vec![leaf(&rows, g, h, settings)];
    let mut cuts = vec![0u8];
    let mut open: Vec<Open> = Vec::new();
    let mut done: Vec<(u32, Vec<u32>)> = Vec::new();
    let hist = build_hist(b, &rows, g, h);
    match best_split(b, &hist, rows.len(), min_leaf) {
        Some(split) => open.push(Open {
            id: 0,
            rows,
            split,
            hist,
        }),
        None => done.push((0, rows)),
    }
    let mut leaves = 1;
    while leaves < settings.max_leaves {
        let Some(i) =
            (0..open.len()).max_by(|&x, &y| open[x].split.gain.total_cmp(&open[y].split.gain))
        else {
            break;
        };
        let node = open.swap_remove(i);
        let s = &node.split;
        let (l, r): (Vec<u32>, Vec<u32>) = node
            .rows
            .iter()
            .partition(|&&row| b.bin(row, s.feature) <= s.bin);
        let threshold = b.edges[s.feature]
            .get(s.bin as usize)
            .copied()
            .unwrap_or(f32::INFINITY);
        // Build the smaller child's histograms; the larger one's are the difference.
        let (hist_l, hist_r) = if l.len() <= r.len() {
            let hl = build_hist(b, &l, g, h);
            let hr = subtract(&node.hist, &hl);
            (hl, hr)
        } else {
            let hr = build_hist(b, &r, g, h);
            (subtract(&node.hist, &hr), hr)
        };
        let mut children = [0u32; 2];
        for (k, (rows, hist)) in [(l, hist_l), (r, hist_r)].into_iter().enumerate() {
            let id = nodes.len() as u32;
            nodes.push(leaf(&rows, g, h, settings));
            cuts.push(0);
            match best_split(b, &hist, rows.len(), min_leaf) {
                Some(split) => open.push(Open {
                    id,
                    rows,
                    split,
                    hist,
                }),
                None => done.push((id, rows)),
            }
            children[k] = id;
        }
        nodes[node.id as usize] = Node::Split {
            feature: u32::try_from(s.feature).unwrap_or(u32::MAX),
            threshold,
            left: children[0],
            right: children[1],
        };
        cuts[node.id as usize] = s.bin;
        leaves += 1;
    }
    done.extend(open.into_iter().map(|o| (o.id, o.rows)));
    (Grown { nodes, cuts }, done)
}

/// A tree as grown, with each split's cut in bins beside its threshold: a row's bin is at most
/// the cut exactly when its value is at most the threshold (or missing, bin 0), so training
/// rows are placed from their bins, a byte per feature, rather than from their values.
struct Grown {
    nodes: Vec<Node>,
    cuts: Vec<u8>,
}

impl Grown {
    /// The leaf value of row `r` of `b`.
    fn value_of(&self, b: &Binned, r: usize) -> f32 {
        let row = &b.bins[r * b.features..(r + 1) * b.features];
        let mut i = 0;
        loop {
            match self.nodes[i] {
                Node::Leaf { value } => return value,
                Node::Split {
                    feature,
                    left,
                    right,
                    ..
                } => {
                    let bin = row.get(feature as usize).copied().unwrap_or(0);
                    i = if bin <= self.cuts[i] { left } else { right } as usize;
                }
            }
        }
    }
}

fn predict_tree(nodes: &[Node], row: &[f32]) -> f32 {
    let mut i = 0;
    loop {
        let (feature, threshold, left, right) = match nodes[i] {
            Node::Leaf { value } => return value,
            Node::Split {
                feature,
                threshold,
                left,
                right,
            } => (feature, threshold, left, right),
        };
        // A feature the row lacks counts as missing.
        let x = row.get(feature as usize).copied().unwrap_or(f32::NAN);
        i = if x.is_nan() || x <= threshold {
            left
        } else {
            right
        } as usize;
    }
}

/// Training sets this big build each tree from a gradient-based sample of their rows.
const GOSS_MIN_ROWS: usize = 50_000;
/// The share of rows with the largest gradients every tree sees ...
const GOSS_TOP: f64 = 0.2;
/// ... and the share of the rest sampled, its gradients scaled up to stand for all of them.
const GOSS_OTHER: f64 = 0.1;

/// Gradient-based one-side sampling (LightGBM's GOSS): rows the model already fits well have
/// small gradients and teach a tree little, so each tree's histograms are built from the rows
/// with the largest gradients and a weighted random share of the others.
struct Goss {
    rng: ChaCha8Rng,
    order: Vec<usize>,
}

impl Goss {
    fn new(rows: usize) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(0x6055),
            order: Vec::with_capacity(rows),
        }
    }

    /// This round's rows; the sampled small-gradient rows' `g` and `h` are scaled in place.
    fn rows(&mut self, train: &[usize], g: &mut [f32], h: &mut [f32]) -> Vec<u32> {
        let top = (train.len() as f64 * GOSS_TOP) as usize;
        self.order.clear();
        self.order.extend_from_slice(train);
        if top > 0 && top < self.order.len() {
            self.order
                .select_nth_unstable_by(top - 1, |&a, &b| g[b].abs().total_cmp(&g[a].abs()));
        }
        let weight = ((1.0 - GOSS_TOP) / GOSS_OTHER) as f32;
        let mut rows: Vec<u32> = self.order[..top].iter().map(|&r| r as u32).collect();
        for &r in &self.order[top..] {
            if self.rng.random_bool(GOSS_OTHER) {
                g[r] *= weight;
                h[r] *= weight;
                rows.push(r as u32);
            }
        }
        rows.sort_unstable();
        rows
    }
}

/// The weighted mean log loss of `rows`.
fn log_loss(raw: &[f32], y: &[f32], rows: &[usize], weight: &impl Fn(usize) -> f32) -> f64 {
    let (mut sum, mut weights) = (0.0f64, 0.0f64);
    for &r in rows {
        let p = sigmoid(raw[r]).clamp(1e-7, 1.0 - 1e-7) as f64;
        let w = weight(r) as f64;
        sum -= w * (y[r] as f64 * p.ln() + (1.0 - y[r] as f64) * (1.0 - p).ln());
        weights += w;
    }
    sum / weights.max(1e-9)
}

impl Binned {
    /// Every row of `x` in bins whose edges are quantiles of the `train` rows.
    pub(super) fn of(x: &Matrix, train: &[usize]) -> Self {
        let edges: Vec<Vec<f32>> = (0..x.cols)
            .map(|j| edges(train.iter().map(|&r| x.row(r)[j])))
            .collect();
        let mut bins = Vec::with_capacity(x.rows * x.cols);
        for r in 0..x.rows {
            bins.extend(x.row(r).iter().zip(&edges).map(|(&v, e)| bin_of(e, v)));
        }
        let columns = (0..x.cols)
            .map(|j| (0..x.rows).map(|r| bins[r * x.cols + j]).collect())
            .collect();
        Binned {
            rows: x.rows,
            bins,
            columns,
            features: x.cols,
            edges,
        }
    }
}

impl Gbdt {
    /// Fits on `train` rows of `x` with 0/1 targets `y` (per row of `x`), stopping early on
    /// the `val` rows' log loss.
    pub fn fit(
        x: &Matrix,
        y: &[f32],
        (train, val): (&[usize], &[usize]),
        settings: &Settings,
        progress: &dyn Progress,
    ) -> Result<Self, DetectError> {
        let binned = Binned::of(x, train);
        Self::fit_binned(&binned, y, (train, val), settings, progress)
    }

    /// `fit` on rows already in bins (`Binned::of(x, train)`).
    pub(super) fn fit_binned(
        binned: &Binned,
        y: &[f32],
        (train, val): (&[usize], &[usize]),
        settings: &Settings,
        progress: &dyn Progress,
    ) -> Result<Self, DetectError> {
        // A fraud row weighs `w`: as if each were `w` rows, so the trees learn the odds `w`
        // times higher; taking ln(w) off the start at the end gives the odds back.
        let w = settings.fraud_weight.max(1e-3);
        let weight = |r: usize| if y[r] > 0.5 { w } else { 1.0 };
        let (mut pos, mut all) = (0.0f64, 0.0f64);
        for &r in train {
            pos += (y[r] * weight(r)) as f64;
            all += weight(r) as f64;
        }
        let p0 = (pos / all.max(1.0)).clamp(1e-4, 1.0 - 1e-4);
        let base = (p0 / (1.0 - p0)).ln() as f32;
        let mut raw = vec![base; binned.rows];
        let (mut g, mut h) = (vec![0.0f32; binned.rows], vec![0.0f32; binned.rows]);
        let mut model = Self {
            base,
            trees: Vec::new(),
        };
        let (mut best_loss, mut best_len, mut since) = (f64::INFINITY, 0, 0);
        let mut goss = (train.len() >= GOSS_MIN_ROWS).then(|| Goss::new(train.len()));
        let rounds = settings.max_rounds.max(1);
        for round in 0..rounds {
            if progress.is_cancelled() {
                return Err(DetectError::Cancelled);
            }
            progress.report(Stage::Training("gbdt"), round as u64, Some(rounds as u64));
            for &r in train {
                let p = sigmoid(raw[r]);
                g[r] = (p - y[r]) * weight(r);
                h[r] = (p * (1.0 - p)).max(1e-6) * weight(r);
            }
            let rows = match goss.as_mut() {
                Some(sampler) => sampler.rows(train, &mut g, &mut h),
                None => train.iter().map(|&r| r as u32).collect(),
            };
            let sampled = rows.len() < train.len();
            let (tree, leaves) = grow(binned, rows, (&g, &h), settings);
            if sampled {
                // Rows left out of this tree's histograms are placed by walking it.
                for &r in train.iter().chain(val) {
                    raw[r] += tree.value_of(binned, r);
                }
            } else {
                for (id, rows) in leaves {
                    let value = tree.nodes[id as usize].value();
                    for r in rows {
                        raw[r as usize] += value;
                    }
                }
                for &r in val {
                    raw[r] += tree.value_of(binned, r);
                }
            }
            model.trees.push(tree.nodes);
            if !val.is_empty() {
                let loss = log_loss(&raw, y, val, &weight);
                if loss < best_loss - 1e-7 {
                    (best_loss, best_len, since) = (loss, model.trees.len(), 0);
                } else {
                    since += 1;
                    if since >= PATIENCE {
                        break;
                    }
                }
            }
        }
        if !val.is_empty() {
            model.trees.truncate(best_len.max(1));
        }
        model.base -= w.ln();
        Ok(model)
    }

    /// How many trees the model has: what early stopping chose.
    pub fn rounds(&self) -> usize {
        self.trees.len()
    }

    /// Fraud probability of the given rows of `x`.
    pub fn predict_rows(&self, x: &Matrix, rows: &[usize]) -> Vec<f32> {
        rows.iter().map(|&r| self.probability(x.row(r))).collect()
    }

    fn probability(&self, row: &[f32]) -> f32 {
        sigmoid(self.base + self.trees.iter().map(|t| predict_tree(t, row)).sum::<f32>())
    }

    /// Fraud probability of each row.
    pub fn predict(&self, x: &Matrix) -> Vec<f32> {
        (0..x.rows).map(|r| self.probability(x.row(r))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_are_stored_as_model_files_have_always_had_them() {
        let leaf = r#"{"feature":-1,"threshold":0.0,"left":0,"right":0,"value":0.25}"#;
        let split = r#"{"feature":3,"threshold":1.5,"left":1,"right":2,"value":0.0}"#;
        let nodes: Vec<Node> = serde_json::from_str(&format!("[{split},{leaf},{leaf}]")).unwrap();
        assert_eq!(nodes[1], Node::Leaf { value: 0.25 });
        assert_eq!(predict_tree(&nodes, &[0.0, 0.0, 0.0, 1.0]), 0.25);
        assert_eq!(predict_tree(&nodes, &[0.0, 0.0, 0.0, f32::NAN]), 0.25);
        let again = serde_json::to_string(&nodes[0]).unwrap();
        assert_eq!(again, split);
    }
    use crate::progress::NoProgress;

    #[test]
    fn learns_an_interaction_no_single_feature_shows() {
        // Fraud when both features are high: a tree's job.
        let n = 2000;
        let a: Vec<f32> = (0..n).map(|i| ((i * 7919) % 100) as f32).collect();
        let b: Vec<f32> = (0..n).map(|i| ((i * 104_729) % 97) as f32).collect();
        let y: Vec<f32> = a
            .iter()
            .zip(&b)
            .map(|(a, b)| f32::from(*a > 70.0 && *b > 60.0))
            .collect();
        let x = Matrix::from_columns(&[a, b]);
        let rows: Vec<usize> = (0..n).collect();
        let halves = (&rows[..1500], &rows[1500..]);
        let m = Gbdt::fit(&x, &y, halves, &Settings::default(), &NoProgress).unwrap();
        let p = m.predict(&x);
        let correct = rows[1500..]
            .iter()
            .filter(|&&r| (p[r] > 0.5) == (y[r] > 0.5))
            .count();
        assert!(correct >= 490, "{correct} of 500");
    }

    #[test]
    fn a_row_placed_by_its_bins_lands_where_its_values_lead() {
        // Values off the training rows' edges, ties on them, missing values and infinities.
        let n = 600;
        let a: Vec<f32> = (0..n)
            .map(|i| match i % 50 {
                0 => f32::NAN,
                1 => f32::INFINITY,
                _ => ((i * 37) % 101) as f32 / 3.0,
            })
            .collect();
        let b: Vec<f32> = (0..n).map(|i| ((i * 13) % 7) as f32).collect();
        let y: Vec<f32> = a.iter().map(|&v| f32::from(v > 20.0)).collect();
        let x = Matrix::from_columns(&[a, b]);
        let train: Vec<usize> = (0..n).step_by(2).collect();
        let binned = Binned::of(&x, &train);
        // Gradients that both features explain, so the tree splits on each.
        let g: Vec<f32> = (0..n)
            .map(|r| 0.5 - y[r] + 0.1 * ((r * 13) % 7) as f32)
            .collect();
        let h = vec![0.25; n];
        let rows: Vec<u32> = train.iter().map(|&r| r as u32).collect();
        let (tree, _) = grow(&binned, rows, (&g, &h), &Settings::default());
        assert!(tree.nodes.len() > 3);
        for r in 0..n {
            assert_eq!(
                tree.value_of(&binned, r),
                predict_tree(&tree.nodes, x.row(r)),
                "row {r}"
            );
        }
    }
}
