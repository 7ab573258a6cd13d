//! `vigil worker`: one stage of the cluster job (`spark/vigil_score.py`) on one part of a log,
//! files in and out. The job calls it; a person need not (see `workbench::cluster`).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::{Args, Subcommand};

use crate::features::EventFamily;
use crate::log::{parse_duration_ms, parse_instant};
use crate::progress::NoProgress;
use crate::words::{Language, Say};
use crate::workbench::cluster::{
    BlocksRequest, CollectRequest, FeaturesRequest, InBlock, PartSource, ScorePartRequest,
    UsersRequest, blocks_of_part, collect_part, family_features_of_part, read_users_known,
    resolve_mapping, score_part, sharing_of_part, users_of_part,
};
use crate::workbench::defaults;

#[derive(Subcommand, Debug)]
pub enum WorkerCommand {
    /// Write the mapping every part is read with, resolved on the log's first rows.
    Plan(PlanArgs),
    /// Over whole users: what is known of each user's label, and the events per type.
    Users(UsersArgs),
    /// Over whole values of an entity (all its events, or one of each of its users'): each
    /// account's `shared:<entity>` value.
    Sharing(SharingArgs),
    /// Over rows the window reads (for an entity, whole (value, user) pairs): each row's blocks
    /// of time for the family, and the part's share of the blocks' counts.
    Blocks(BlocksArgs),
    /// Over whole groups of a family, with their look-back: that family's event features.
    Features(FeaturesArgs),
    /// Over whole users, with the window's event features: event and account scores.
    Score(ScoreArgs),
    /// Over whole users as of --until, with every event's features: the part's share of a
    /// training set (its sampled events, every account's features).
    Collect(CollectArgs),
}

/// `vigil worker plan`'s arguments.
#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The log's first rows, written as the job writes its parts.
    head: PathBuf,
    #[arg(long = "map", value_name = "MAP.toml")]
    map: Option<PathBuf>,
    #[arg(long, value_name = "RESOLVED.toml")]
    out: PathBuf,
    /// `column,entity`: each entity column and its entity's name (`device_id`: `device`).
    #[arg(long, value_name = "ENTITIES.csv")]
    entities_out: Option<PathBuf>,
}

/// `vigil worker users`'s arguments.
#[derive(Args, Debug)]
pub struct UsersArgs {
    #[command(flatten)]
    part: PartArgs,
    /// Labels CSV `user,label[,ts]`.
    #[arg(long, value_name = "L.csv")]
    labels: Option<PathBuf>,
    #[arg(long, value_name = "USERS.csv")]
    users_out: PathBuf,
    #[arg(long, value_name = "TYPES.csv")]
    types_out: PathBuf,
    /// The rows the part's reading turned away, as JSON (`vigil inspect --json`'s rejects).
    #[arg(long, value_name = "REJECTS.json")]
    rejects_out: PathBuf,
    #[command(flatten)]
    window: WindowArgs,
    /// `row`: the data rows whose events the window's features read.
    #[arg(long, value_name = "ROWS.csv")]
    rows_out: PathBuf,
    /// `entity,row`: one row of each (value, user) pair of each entity (`sharing` reads).
    #[arg(long, value_name = "PAIRS.csv")]
    pairs_out: PathBuf,
    /// Read the part as `vigil train --until` reads a log: the events before --until, with
    /// the labels known then (a training set's first stage).
    #[arg(long = "as-of-until", requires = "until_ms")]
    as_of_until: bool,
    /// `positive,other`: the part's events by training target (fraud, and the rest).
    #[arg(long, value_name = "TARGETS.csv")]
    targets_out: Option<PathBuf>,
}

/// `vigil worker sharing`'s arguments.
#[derive(Args, Debug)]
pub struct SharingArgs {
    #[command(flatten)]
    part: PartArgs,
    #[arg(long)]
    entity: String,
    #[arg(long, value_name = "SHARING.csv")]
    out: PathBuf,
}

/// `vigil worker blocks`'s arguments.
#[derive(Args, Debug)]
pub struct BlocksArgs {
    #[command(flatten)]
    part: PartArgs,
    #[command(flatten)]
    known: KnownArgs,
    /// `event_type` or `entity:NAME`.
    #[arg(long)]
    family: String,
    #[command(flatten)]
    window: WindowArgs,
    /// How long a block of time is (e.g. 1d, 6h).
    #[arg(long, value_parser = parse_duration_ms)]
    block: i64,
    #[arg(long, value_name = "ROWS.csv")]
    rows_out: PathBuf,
    #[arg(long, value_name = "COUNTS.csv")]
    counts_out: PathBuf,
}

/// `vigil worker features`'s arguments.
#[derive(Args, Debug)]
pub struct FeaturesArgs {
    #[command(flatten)]
    part: PartArgs,
    #[command(flatten)]
    known: KnownArgs,
    /// `user`, `event_type` or `entity:NAME`.
    #[arg(long)]
    family: String,
    #[command(flatten)]
    window: WindowArgs,
    /// For `event_type` or an entity: the part is this block of time (`blocks`)...
    #[arg(long, requires_all = ["block_length", "counts"])]
    block: Option<i64>,
    /// ... of this length ...
    #[arg(long = "block-length", value_parser = parse_duration_ms)]
    block_length: Option<i64>,
    /// ... with every block's counts, summed over the `blocks` parts.
    #[arg(long, value_name = "COUNTS.csv")]
    counts: Option<PathBuf>,
    #[arg(long, value_name = "FEATURES.parquet")]
    out: PathBuf,
}

/// `vigil worker score`'s arguments.
#[derive(Args, Debug)]
pub struct ScoreArgs {
    #[command(flatten)]
    part: PartArgs,
    #[command(flatten)]
    known: KnownArgs,
    #[arg(long)]
    model: PathBuf,
    #[arg(long, value_name = "FEATURES.parquet")]
    features: PathBuf,
    /// `event,events`: each event type's count over the whole log.
    #[arg(long, value_name = "TYPES.csv")]
    type_counts: PathBuf,
    #[command(flatten)]
    window: WindowArgs,
    #[arg(long, default_value = "en")]
    lang: Language,
    #[arg(long, value_name = "EVENTS.csv")]
    events_out: PathBuf,
    #[arg(long, value_name = "ACCOUNTS.csv")]
    accounts_out: PathBuf,
}

/// `vigil worker collect`'s arguments.
#[derive(Args, Debug)]
pub struct CollectArgs {
    #[command(flatten)]
    part: PartArgs,
    #[command(flatten)]
    known: KnownArgs,
    #[arg(long, value_name = "FEATURES.parquet")]
    features: PathBuf,
    /// `event,events`: each event type's count before --until, over the whole log.
    #[arg(long, value_name = "TYPES.csv")]
    type_counts: PathBuf,
    #[arg(long = "until", value_parser = parse_instant)]
    until_ms: i64,
    /// `positive,other`: the whole log's events by training target (`users`, summed).
    #[arg(long, value_name = "TARGETS.csv")]
    targets: PathBuf,
    /// About how many events the sample holds.
    #[arg(long = "sample-events", default_value_t = crate::detect::MAX_EVENT_TRAIN_ROWS)]
    sample_events: usize,
    #[arg(long, default_value_t = defaults::SEED)]
    seed: u64,
    #[arg(long, value_name = "EVENTS.csv")]
    events_out: PathBuf,
    #[arg(long, value_name = "ACCOUNTS.parquet")]
    accounts_out: PathBuf,
}

#[derive(Args, Debug)]
pub struct PartArgs {
    /// The part, as the job wrote it.
    part: PathBuf,
    /// The resolved mapping (`vigil worker plan`).
    #[arg(long = "map", value_name = "RESOLVED.toml")]
    map: PathBuf,
    #[arg(long = "label-delay", default_value = defaults::LABEL_DELAY, value_parser = parse_duration_ms)]
    label_delay_ms: i64,
    /// `row`: the log's data row of each of the part's, in order (else the part's own).
    #[arg(long = "rows", value_name = "ROWS.csv")]
    rows: Option<PathBuf>,
    /// Read the labels as known before this time (a training set's cut-off).
    #[arg(long = "known-before", value_parser = parse_instant)]
    known_before_ms: Option<i64>,
}

impl PartArgs {
    fn source(&self) -> PartSource {
        PartSource {
            part: self.part.clone(),
            map: self.map.clone(),
            label_delay_ms: self.label_delay_ms,
            rows: self.rows.clone(),
            known_before_ms: self.known_before_ms,
        }
    }
}

#[derive(Args, Debug)]
pub struct KnownArgs {
    /// What is known of the users' labels (`vigil worker users`, all parts).
    #[arg(long = "users", value_name = "USERS.csv")]
    users: PathBuf,
}

#[derive(Args, Debug)]
pub struct WindowArgs {
    #[arg(long = "from", value_parser = parse_instant)]
    from_ms: Option<i64>,
    #[arg(long = "until", value_parser = parse_instant)]
    until_ms: Option<i64>,
}

impl WindowArgs {
    fn bounds(&self) -> (i64, i64) {
        (
            self.from_ms.unwrap_or(i64::MIN),
            self.until_ms.unwrap_or(i64::MAX),
        )
    }
}

fn family(name: &str) -> Result<EventFamily> {
    Ok(match name {
        "user" => EventFamily::User,
        "event_type" => EventFamily::EventType,
        _ => match name.strip_prefix("entity:") {
            Some(entity) if !entity.is_empty() => EventFamily::Entity(entity.to_string()),
            _ => bail!("unknown family '{name}'; expected user, event_type or entity:NAME"),
        },
    })
}

pub fn run(command: WorkerCommand) -> Result<()> {
    let progress = NoProgress;
    match command {
        WorkerCommand::Plan(a) => {
            let entities_out = a.entities_out.as_deref();
            resolve_mapping(&a.head, a.map.as_deref(), &a.out, entities_out)?;
        }
        WorkerCommand::Users(a) => users(a, &progress)?,
        WorkerCommand::Sharing(a) => {
            sharing_of_part(&a.part.source(), &a.entity, &a.out, &progress)?;
        }
        WorkerCommand::Blocks(a) => blocks(a, &progress)?,
        WorkerCommand::Features(a) => features(a, &progress)?,
        WorkerCommand::Score(a) => score(a, &progress)?,
        WorkerCommand::Collect(a) => collect(a, &progress)?,
    }
    say_peak_memory();
    Ok(())
}

fn users(a: UsersArgs, progress: &NoProgress) -> Result<()> {
    let (from_ms, until_ms) = a.window.bounds();
    let request = UsersRequest {
        as_of_until: a.as_of_until,
        targets_out: a.targets_out.as_deref(),
        source: a.part.source(),
        labels: a.labels.as_deref(),
        from_ms,
        until_ms,
        users_out: &a.users_out,
        types_out: &a.types_out,
        rows_out: &a.rows_out,
        pairs_out: &a.pairs_out,
    };
    let report = users_of_part(&request, progress)?;
    write_rejects(&a.rejects_out, &report)
}

fn blocks(a: BlocksArgs, progress: &NoProgress) -> Result<()> {
    if a.block <= 0 {
        bail!("--block: expected a positive length of time, such as 1d or 6h");
    }
    let (from_ms, until_ms) = a.window.bounds();
    let request = BlocksRequest {
        source: a.part.source(),
        family: family(&a.family)?,
        from_ms,
        until_ms,
        block_ms: a.block,
        rows_out: a.rows_out,
        counts_out: a.counts_out,
    };
    blocks_of_part(&request, &read_users_known(&a.known.users)?, progress)?;
    Ok(())
}

fn features(a: FeaturesArgs, progress: &NoProgress) -> Result<()> {
    let (from_ms, until_ms) = a.window.bounds();
    let block = match (a.block, a.block_length, a.counts) {
        (Some(block), Some(block_ms), Some(counts)) => Some(InBlock {
            block_ms,
            block,
            counts,
        }),
        _ => None,
    };
    let request = FeaturesRequest {
        source: a.part.source(),
        family: family(&a.family)?,
        from_ms,
        until_ms,
        block,
        out: a.out,
    };
    family_features_of_part(&request, &read_users_known(&a.known.users)?, progress)?;
    Ok(())
}

fn score(a: ScoreArgs, progress: &NoProgress) -> Result<()> {
    let (from_ms, until_ms) = a.window.bounds();
    let request = ScorePartRequest {
        source: a.part.source(),
        model: a.model,
        features: a.features,
        type_counts: a.type_counts,
        from_ms,
        until_ms,
        language: a.lang,
        events_out: a.events_out,
        accounts_out: a.accounts_out,
    };
    score_part(&request, &read_users_known(&a.known.users)?, progress)?;
    Ok(())
}

fn collect(a: CollectArgs, progress: &NoProgress) -> Result<()> {
    let request = CollectRequest {
        source: a.part.source(),
        features: a.features,
        type_counts: a.type_counts,
        until_ms: a.until_ms,
        targets: a.targets,
        sample_events: a.sample_events,
        seed: a.seed,
        events_out: a.events_out,
        accounts_out: a.accounts_out,
    };
    collect_part(&request, &read_users_known(&a.known.users)?, progress)?;
    Ok(())
}

/// The stage's peak resident memory, `peak_kib N` on standard output, where the system says it
/// (Linux): the job's benchmark reports each stage's largest worker. The parent's own memory at
/// the fork would blur a figure taken from outside.
fn say_peak_memory() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    if let Some(kib) = peak {
        println!("peak_kib {kib}");
    }
}

/// The rows a part's reading turned away, with their reason in words (English).
fn write_rejects(path: &Path, report: &crate::log::LoadReport) -> Result<()> {
    let rejects: Vec<serde_json::Value> = report
        .rejects
        .iter()
        .map(|stat| {
            serde_json::json!({
                "reason": stat.issue.say(Language::English),
                "count": stat.count,
                "rows": stat.examples.iter().map(|e| e.row).collect::<Vec<_>>(),
                "values": stat.examples.iter().map(|e| e.value.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    std::fs::write(path, serde_json::to_string(&rejects)?)?;
    Ok(())
}
