//! `vigil train`, `vigil score` and `vigil eval`: the detectors, headless.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::{TerminalProgress, load_mapping};
use crate::detect::{
    DetectorKind, Level, TrainOptions, align_features, load_model, new_detector, save_model,
};
use crate::eval::{self, EvalRow, Split};
use crate::features::Dataset;
use crate::log::{self, UserLabel, parse_duration_ms, parse_instant, timeparse::format_rfc3339};
use crate::progress::Progress;

/// The log and its labels, shared by the three commands.
#[derive(Args, Debug)]
pub struct DataArgs {
    /// The log: CSV/TSV/whitespace text (optionally .gz), NDJSON or Parquet.
    pub log: PathBuf,
    /// A TOML mapping file naming which column plays which role.
    #[arg(long = "map", value_name = "MAP.toml")]
    pub map: Option<PathBuf>,
    /// Labels CSV `user,label[,ts]` (adds to the log's own label column).
    #[arg(long, value_name = "L.csv")]
    pub labels: Option<PathBuf>,
    /// How long after its event an imported label becomes known (e.g. 7d, 12h).
    #[arg(long, default_value = "7d", value_parser = parse_duration_ms)]
    pub label_delay: i64,
}

#[derive(Args, Debug)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long, default_value = "ensemble")]
    pub detector: DetectorKind,
    /// Train on events before this time (RFC 3339 or YYYY-MM-DD), with the labels known by then.
    #[arg(long, value_parser = parse_instant)]
    pub until: Option<i64>,
    /// Training epochs for the neural detectors (default: chosen from the data size).
    #[arg(long, default_value_t = 0)]
    pub epochs: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// The model directory to write.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// A model directory written by `vigil train`.
    #[arg(
        long,
        conflicts_with = "detector",
        required_unless_present = "detector"
    )]
    pub model: Option<PathBuf>,
    /// Train this detector on the log first, then score.
    #[arg(long)]
    pub detector: Option<DetectorKind>,
    #[arg(long, value_enum, default_value = "user")]
    pub level: Level,
    /// Only output events (or users active) from this time on.
    #[arg(long, value_parser = parse_instant)]
    pub from: Option<i64>,
    /// Only output events (or users active) before this time.
    #[arg(long, value_parser = parse_instant)]
    pub until: Option<i64>,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Comma-separated detectors to compare (default: all).
    #[arg(long, value_delimiter = ',')]
    pub detectors: Option<Vec<DetectorKind>>,
    #[arg(long, value_enum, default_value = "user")]
    pub level: Level,
    /// random:SEED:TEST_FRACTION, time:T or users:FILE.
    #[arg(long, default_value = "random:0:0.3")]
    pub split: Split,
    #[arg(long, default_value_t = 0)]
    pub epochs: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn progress(quiet: bool) -> TerminalProgress {
    TerminalProgress {
        enabled: !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()),
    }
}

/// Loads the log, its labels and features.
fn dataset(args: &DataArgs, progress: &dyn Progress) -> Result<Arc<Dataset>> {
    let mapping = load_mapping(args.map.as_deref())?;
    let loaded = log::load(&args.log, &mapping, progress)?;
    let labels: Vec<UserLabel> = match &args.labels {
        Some(p) => log::read_labels(p)?,
        None => Vec::new(),
    };
    if let Some(p) = &args.labels {
        let known = labels
            .iter()
            .filter(|l| loaded.log.columns.user.dict.lookup(&l.user).is_some())
            .count();
        if known == 0 {
            bail!(
                "{}: none of its {} labelled users is in {}",
                p.display(),
                labels.len(),
                args.log.display()
            );
        }
    }
    Ok(Arc::new(Dataset::build(
        Arc::new(loaded.log),
        &labels,
        args.label_delay,
        progress,
    )?))
}

pub fn train(args: &TrainArgs) -> Result<()> {
    let progress = progress(false);
    let full = dataset(&args.data, &progress)?;
    let data = match args.until {
        Some(t) => {
            let before = full.before(t, &progress)?;
            if before.log.is_empty() {
                bail!(
                    "{}: no events before {}",
                    args.data.log.display(),
                    format_rfc3339(t)
                );
            }
            Arc::new(before)
        }
        None => full,
    };
    let mut detector = new_detector(args.detector);
    let options = TrainOptions {
        seed: args.seed,
        epochs: args.epochs,
        train_users: vec![true; data.users()],
    };
    let started = Instant::now();
    detector.fit(&data, &options, &progress)?;
    let train_secs = started.elapsed().as_secs_f64();
    let metrics = serde_json::json!({ "train_secs": train_secs, "labelled_users": data.labels.labelled_users() });
    let meta = save_model(&args.out, detector.as_ref(), &data, args.seed, metrics)?;
    println!(
        "trained {} on {} events of {} users ({} labelled) in {train_secs:.1} s on {}; thresholds suspicious {:.3}, high {:.3}; wrote {}",
        args.detector,
        data.log.len(),
        data.users(),
        data.labels.labelled_users(),
        meta.device,
        meta.thresholds.user.suspicious,
        meta.thresholds.user.high,
        args.out.display()
    );
    Ok(())
}

pub fn score(args: &ScoreArgs) -> Result<()> {
    let progress = progress(false);
    let mut data = dataset(&args.data, &progress)?;
    let detector = match (&args.model, args.detector) {
        (Some(dir), _) => {
            let (detector, meta) = load_model(dir)?;
            // Only this command holds the dataset, so it can be rearranged in place.
            let data = Arc::get_mut(&mut data).context("the dataset is shared")?;
            let missing = align_features(&meta, dir, data)?;
            if !missing.is_empty() {
                eprintln!(
                    "vigil: note: this log lacks {} of the model's features ({}); they count as typical",
                    missing.len(),
                    missing.join(", ")
                );
            }
            detector
        }
        (None, Some(kind)) => {
            let mut d = new_detector(kind);
            d.fit(&data, &TrainOptions::all_users(&data, args.seed), &progress)?;
            d
        }
        (None, None) => bail!("give --model DIR or --detector NAME"),
    };
    let scores = detector.score(&data, &progress)?;
    let from = args.from.unwrap_or(i64::MIN);
    let until = args.until.unwrap_or(i64::MAX);
    let in_window = |t: i64| t >= from && t < until;
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("{}: cannot create", args.out.display()))?;
    let mut out = csv::Writer::from_writer(std::io::BufWriter::new(file));
    let c = &data.log.columns;
    let mut written = 0usize;
    match args.level {
        Level::User => {
            let thresholds = detector.thresholds(Level::User);
            out.write_record(["user", "score", "risk", "reasons"])?;
            let mut active = vec![false; data.users()];
            for (e, &u) in c.user.codes.iter().enumerate() {
                if in_window(c.ts_ms[e]) {
                    active[u as usize] = true;
                }
            }
            let mut users: Vec<usize> = (0..data.users()).filter(|&u| active[u]).collect();
            users.sort_by(|&a, &b| scores.user[b].total_cmp(&scores.user[a]).then(a.cmp(&b)));
            for u in users {
                let s = scores.user[u];
                let reasons: Vec<String> = detector
                    .explain(&data, u)
                    .into_iter()
                    .map(|r| r.text)
                    .collect();
                out.write_record([
                    data.user_name(u),
                    &format!("{s:.6}"),
                    thresholds.risk(s).name(),
                    &reasons.join("; "),
                ])?;
                written += 1;
            }
        }
        Level::Event => {
            out.write_record(["row", "user", "ts", "score"])?;
            for e in 0..data.log.len() {
                if in_window(c.ts_ms[e]) {
                    let user = data.user_name(c.user.codes[e] as usize);
                    out.write_record([
                        &c.row[e].to_string(),
                        user,
                        &format_rfc3339(c.ts_ms[e]),
                        &format!("{:.6}", scores.event[e]),
                    ])?;
                    written += 1;
                }
            }
        }
    }
    out.flush()
        .with_context(|| format!("{}: cannot write", args.out.display()))?;
    println!(
        "wrote {written} {} scores to {}",
        if args.level == Level::User {
            "user"
        } else {
            "event"
        },
        args.out.display()
    );
    Ok(())
}

pub fn eval(args: &EvalArgs) -> Result<()> {
    let progress = progress(args.json);
    let full = dataset(&args.data, &progress)?;
    let setup = eval::setup(full, &args.split, &progress)?;
    let kinds = args
        .detectors
        .clone()
        .unwrap_or_else(|| DetectorKind::ALL.to_vec());
    let rows = eval::compare(
        &setup,
        &kinds,
        args.level,
        args.seed,
        args.epochs,
        &progress,
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        print!("{}", table(&rows));
    }
    Ok(())
}

/// The comparison as an aligned table.
pub fn table(rows: &[EvalRow]) -> String {
    let mut s = format!(
        "{:<12} {:>7} {:>7} {:>7} {:>9} {:>7} {:>7} {:>9} {:>9}\n",
        "detector", "roc_auc", "ap", "p@100", "precision", "recall", "f1", "train_s", "score_s"
    );
    for r in rows {
        if let Some(e) = &r.error {
            s.push_str(&format!("{:<12} {e}\n", r.detector));
            continue;
        }
        let m = &r.metrics;
        s.push_str(&format!(
            "{:<12} {:>7.4} {:>7.4} {:>7.3} {:>9.3} {:>7.3} {:>7.3} {:>9.2} {:>9.2}\n",
            r.detector,
            m.roc_auc,
            m.average_precision,
            m.precision_at_100,
            m.precision,
            m.recall,
            m.f1,
            r.train_secs,
            r.score_secs
        ));
    }
    if let Some(r) = rows.iter().find(|r| r.error.is_none()) {
        s.push_str(&format!(
            "test rows: {} fraud, {} legit\n",
            r.metrics.positives, r.metrics.negatives
        ));
    }
    s
}
