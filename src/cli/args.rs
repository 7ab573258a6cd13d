//! The command line's shape (clap). Defaults come from `workbench::defaults`, the same values
//! the window uses.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::cases::{Merge, Role};
use crate::detect::{DetectorKind, Level};
use crate::eval::{Costs, Split};
use crate::log::{parse_duration_ms, parse_instant};
use crate::predict::Target;
use crate::rules::{ListKind, RuleAction};
use crate::sample::Scenario;
use crate::words::Language;
use crate::workbench::{LabelFilter, RiskFilter, defaults};

#[derive(Parser, Debug)]
#[command(
    name = "vigil",
    version,
    about = "Vigil: a fraud analyst's workbench for e-commerce behaviour logs",
    long_about = "Vigil: a fraud analyst's workbench for e-commerce behaviour logs.\n\nWith no command it opens the triage window on LOG (default: the bundled sample).",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub window: WindowArgs,
}

/// `vigil [LOG]`: the triage window.
#[derive(Args, Debug, Default)]
pub struct WindowArgs {
    /// The log to open (default: the bundled sample shop).
    pub log: Option<PathBuf>,
    /// A TOML mapping file naming which column plays which role.
    #[arg(long = "map", value_name = "MAP.toml")]
    pub map: Option<PathBuf>,
    /// The text's character encoding (utf-8, gbk, gb18030, big5, utf-16le, windows-1252, ...);
    /// detected when not given.
    #[arg(long)]
    pub encoding: Option<String>,
    /// The workspace (labels, notes, audit); default: `<log>.vigil.db` beside the log.
    #[arg(long, value_name = "W.vigil.db")]
    pub workspace: Option<PathBuf>,
    /// The detector to score with (default: the last one used, else ensemble).
    #[arg(long)]
    pub detector: Option<DetectorKind>,
    /// Sign labels with this name (default: the OS user).
    #[arg(long)]
    pub author: Option<String>,
    /// Measure frame times while a retrain runs, write them to this JSON file, and quit.
    #[arg(long, value_name = "FILE.json")]
    pub frame_report: Option<PathBuf>,
    /// With --frame-report: measure while Live mode follows the log for this many seconds
    /// (something else appends to it), instead of during a retrain.
    #[arg(long = "frame-live", value_name = "SECS", requires = "frame_report")]
    pub frame_live_secs: Option<u64>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load a log and print the load report: rows, users, time range, rejects, mapping.
    Inspect {
        /// The log: CSV/TSV/whitespace text (optionally .gz), NDJSON or Parquet.
        log: PathBuf,
        /// A TOML mapping file naming which column plays which role.
        #[arg(long = "map", value_name = "MAP.toml")]
        map: Option<PathBuf>,
        /// The text's character encoding (utf-8, gbk, gb18030, big5, utf-16le, windows-1252, ...);
        /// detected when not given.
        #[arg(long)]
        encoding: Option<String>,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// The report's language: en or zh-CN.
        #[arg(long, default_value = "en")]
        lang: Language,
    },
    /// Generate a synthetic shop log with injected fraud and its ground truth.
    GenSample {
        #[arg(long, default_value_t = 5000)]
        users: usize,
        #[arg(long, default_value_t = 30)]
        days: u32,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Output log: .csv, .csv.gz or .parquet.
        #[arg(long)]
        out: PathBuf,
        /// Where to write `user,label,scenario`.
        #[arg(long)]
        labels_out: Option<PathBuf>,
        /// Which shop: `shop` (every fraud pattern), `entity-drift` (mostly compromised
        /// checkouts that only the seller and the timing give away, new ones every week) or
        /// `sparse-entity` (card payments at thousands of terminals, each seeing about one a
        /// day; compromised terminals and stolen cards, new ones every day) or `takeover`
        /// (crews take over established accounts on devices they share across victims).
        #[arg(long, value_enum, default_value = "shop")]
        scenario: Scenario,
    },
    /// Train a detector on a log and write the model directory.
    Train(TrainArgs),
    /// Score every user (or event) of a log with a trained model or a detector trained on the spot.
    Score(ScoreArgs),
    /// Compare detectors on held-out labelled users: ROC-AUC, AP, precision@100, P/R/F1, timings.
    Eval(EvalArgs),
    /// Group the accounts into k-means segments: a 2-D view, each account's distance from its
    /// segment, and a profile per segment.
    Segments(SegmentsArgs),
    /// Predict behaviour at a cut-off: purchase or churn probability, or the next event, from
    /// what happened before it, graded against a baseline when the log goes on past it.
    Predict(PredictArgs),
    /// Move analyst labels in and out of a workspace.
    #[command(subcommand)]
    Labels(LabelsCommand),
    /// Write, keep and backtest analyst rules (`n:pay_fail >= 3 and amount_max < 10`)
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Allow and block lists of entity values (user, device, ip, seller, card, ...)
    #[command(subcommand)]
    Lists(ListsCommand),
    /// Follow a growing log (or a folder of new files), score new events as they arrive and
    /// print one JSON line per alert until Ctrl+C; resumes where the last watch stopped.
    Watch(WatchArgs),
    /// A team's workspace: roles, copying a workspace into another (a file into PostgreSQL).
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Assign accounts to an analyst (a lead's action): those listed in a file, or the queue
    /// a filter gives on a log (scored by the workspace's kept model), riskiest first.
    Assign(AssignArgs),
    /// One stage of the cluster job (`spark/vigil_score.py`) on one part of a log.
    #[command(subcommand)]
    Worker(super::worker::WorkerCommand),
}

#[derive(clap::Args, Debug)]
pub struct AssignArgs {
    /// The workspace: a file or postgres://user@host/db[?schema=NAME].
    #[arg(long, value_name = "W")]
    pub workspace: PathBuf,
    /// The analyst who gets them.
    #[arg(long)]
    pub to: String,
    /// A file with one account per line (a header `user` is skipped).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "log",
        conflicts_with = "log"
    )]
    pub users: Option<PathBuf>,
    /// The log whose queue is filtered (instead of --users).
    #[arg(long, value_name = "LOG")]
    pub log: Option<PathBuf>,
    #[arg(long = "map", value_name = "MAP.toml", requires = "log")]
    pub map: Option<PathBuf>,
    /// The least risk: any, suspicious or high.
    #[arg(long, value_parser = parse_risk, default_value = "any", requires = "log")]
    pub risk: RiskFilter,
    /// Which accounts by label: no-verdict (the default), all, unlabelled, fraud, legit, unsure.
    #[arg(long, value_parser = parse_label_filter, default_value = "no-verdict", requires = "log")]
    pub label: LabelFilter,
    /// Only accounts whose id contains this.
    #[arg(long, requires = "log")]
    pub search: Option<String>,
    /// Only the riskiest this many of the filtered queue.
    #[arg(long, requires = "log")]
    pub top: Option<usize>,
    /// Act as this member (default: the database's user, or the OS user for a file).
    #[arg(long)]
    pub author: Option<String>,
}

fn parse_risk(s: &str) -> Result<RiskFilter, String> {
    match s {
        "any" => Ok(RiskFilter::Any),
        "suspicious" => Ok(RiskFilter::SuspiciousUp),
        "high" => Ok(RiskFilter::High),
        _ => Err("expected any, suspicious or high".into()),
    }
}

fn parse_label_filter(s: &str) -> Result<LabelFilter, String> {
    match s {
        "no-verdict" => Ok(LabelFilter::NoVerdict),
        "all" => Ok(LabelFilter::All),
        "unlabelled" => Ok(LabelFilter::Unlabelled),
        "fraud" => Ok(LabelFilter::Fraud),
        "legit" => Ok(LabelFilter::Legit),
        "unsure" => Ok(LabelFilter::Unsure),
        _ => Err("expected no-verdict, all, unlabelled, fraud, legit or unsure".into()),
    }
}

#[derive(Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// Give a member a role: lead (thresholds, rules, lists, assignment, roles) or analyst.
    Grant {
        #[arg(long, value_name = "W")]
        workspace: PathBuf,
        /// lead or analyst.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The member (a database user, or an --author name).
        member: String,
        /// Act as this member (default: the database's user, or the OS user for a file).
        #[arg(long)]
        author: Option<String>,
    },
    /// List the members and their roles.
    Members {
        #[arg(long, value_name = "W")]
        workspace: PathBuf,
    },
    /// Copy labels, notes, the audit log, rules, lists, settings and the kept model from one
    /// workspace into another (typically a file into postgres://...).
    Copy {
        #[arg(long, value_name = "W")]
        from: PathBuf,
        #[arg(long, value_name = "W")]
        to: PathBuf,
        /// When the target already holds verdicts: `newer` keeps both histories and each
        /// account takes the newer decision (without it the copy is refused).
        #[arg(long, value_parser = parse_merge)]
        merge: Option<Merge>,
    },
    /// Change a team setting (a lead's).
    Set {
        #[arg(long, value_name = "W")]
        workspace: PathBuf,
        /// For how many minutes another analyst's decision counts as recent: a verdict over
        /// it asks first, and `labels import` skips it (default 30).
        #[arg(long, value_name = "MINUTES")]
        recent_decision_minutes: u32,
        /// Act as this member (default: the database's user, or the OS user for a file).
        #[arg(long)]
        author: Option<String>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "expected lead or analyst".to_string())
}

fn parse_merge(s: &str) -> Result<Merge, String> {
    match s {
        "newer" => Ok(Merge::Newer),
        _ => Err("expected newer".to_string()),
    }
}

#[derive(clap::Args, Debug)]
pub struct WatchArgs {
    /// The log file that grows, or a folder that new NDJSON/CSV/Parquet files are dropped into.
    pub source: PathBuf,
    /// The log the accounts' past is read from (default: SOURCE itself; needed for a folder).
    #[arg(long, value_name = "LOG")]
    pub history: Option<PathBuf>,
    #[arg(long = "map", value_name = "MAP.toml")]
    pub map: Option<PathBuf>,
    /// The workspace with the kept model, thresholds, rules and lists; the alerts and the
    /// read position are stored there (default: beside the history log).
    #[arg(long, value_name = "W.vigil.db")]
    pub workspace: Option<PathBuf>,
    /// Score with this model directory (written by `vigil train`) instead of the workspace's
    /// kept model; the workspace still holds the rules, lists, alerts and read position.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Append each alert here as one JSON line.
    #[arg(long, value_name = "ALERTS.ndjson")]
    pub alerts: Option<PathBuf>,
    /// The longest wait between two looks at the source, in milliseconds.
    #[arg(long, default_value_t = defaults::WATCH_POLL_MS)]
    pub poll_ms: u64,
    /// Also print how many events each look scored and how long it took (to stderr).
    #[arg(long)]
    pub verbose: bool,
}

#[derive(Subcommand, Debug)]
pub enum ListsCommand {
    /// Add the entries of a CSV `list,role,value` file (list: allow or block).
    Import {
        #[arg(long, value_name = "W.vigil.db")]
        workspace: PathBuf,
        file: PathBuf,
        /// Sign the entries with this name (default: the OS user).
        #[arg(long)]
        author: Option<String>,
    },
    /// Write every entry as `list,role,value`.
    Export {
        #[arg(long, value_name = "W.vigil.db")]
        workspace: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Add values of one role to a list.
    Add {
        #[arg(long, value_name = "W.vigil.db")]
        workspace: PathBuf,
        /// allow or block.
        #[arg(long, value_parser = parse_list_kind)]
        list: ListKind,
        /// user, or an entity column of the log (device, ip, seller, card, ...).
        #[arg(long)]
        role: String,
        #[arg(required = true)]
        values: Vec<String>,
        #[arg(long)]
        author: Option<String>,
    },
}

fn parse_list_kind(s: &str) -> Result<ListKind, String> {
    ListKind::parse(s).ok_or_else(|| "expected allow or block".to_string())
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Backtest a rule (or every saved rule) on a log: hits, precision and recall against the
    /// labels known so far (the log's and the workspace's verdicts), overlap with the model's
    /// flags, and the hits riskiest first.
    Test {
        /// The log: CSV/TSV/whitespace text (optionally .gz), NDJSON or Parquet.
        log: PathBuf,
        #[arg(long, value_name = "MAP.toml")]
        map: Option<PathBuf>,
        /// The workspace (verdicts, saved rules, kept model); default: `<log>.vigil.db`.
        #[arg(long, value_name = "W.vigil.db")]
        workspace: Option<PathBuf>,
        /// The rule to test; without it, every saved rule is.
        #[arg(long, value_name = "EXPR")]
        rule: Option<String>,
        /// How many hits to list per rule.
        #[arg(long, default_value_t = 20)]
        show: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Save a rule in a workspace (a new version when the name exists).
    Save {
        #[arg(long, value_name = "W.vigil.db")]
        workspace: PathBuf,
        #[arg(long)]
        name: String,
        /// flag_suspicious, flag_high or allow.
        #[arg(long, default_value = "flag_suspicious", value_parser = parse_action)]
        action: RuleAction,
        /// Save it switched off.
        #[arg(long)]
        off: bool,
        /// Sign it with this name (default: the OS user).
        #[arg(long)]
        author: Option<String>,
        expression: String,
    },
    /// List the saved rules (latest version of each).
    List {
        #[arg(long, value_name = "W.vigil.db")]
        workspace: PathBuf,
    },
}

fn parse_action(s: &str) -> Result<RuleAction, String> {
    RuleAction::parse(s).ok_or_else(|| {
        let names: Vec<&str> = RuleAction::ALL.iter().map(|a| a.name()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

#[derive(Subcommand, Debug)]
pub enum LabelsCommand {
    /// Write `user,label,author,ts,note` (the latest label per user) to a CSV file.
    Export {
        /// The workspace file (`<log>.vigil.db` beside the log by default in the app).
        #[arg(long)]
        workspace: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Add the labels of a CSV `user,label[,author][,ts][,note]` file, as imported.
    Import {
        #[arg(long)]
        workspace: PathBuf,
        labels: PathBuf,
        /// Author for rows without one (default: the OS user).
        #[arg(long)]
        author: Option<String>,
        /// Write over accounts another analyst decided recently or holds now (audited as
        /// overwrites); without it they keep their decision and are listed as skipped.
        #[arg(long)]
        overwrite: bool,
    },
}

/// The log and its labels, shared by train, score and eval.
#[derive(Args, Debug)]
pub struct DataArgs {
    /// The log: CSV/TSV/whitespace text (optionally .gz), NDJSON or Parquet.
    pub log: PathBuf,
    /// A TOML mapping file naming which column plays which role.
    #[arg(long = "map", value_name = "MAP.toml")]
    pub map: Option<PathBuf>,
    /// The text's character encoding (utf-8, gbk, gb18030, big5, utf-16le, windows-1252, ...);
    /// detected when not given.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Labels CSV `user,label[,ts]` (adds to the log's own label column).
    #[arg(long, value_name = "L.csv")]
    pub labels: Option<PathBuf>,
    /// How long after its event an imported label becomes known (e.g. 7d, 12h).
    #[arg(long = "label-delay", default_value = defaults::LABEL_DELAY, value_parser = parse_duration_ms)]
    pub label_delay_ms: i64,
}

#[derive(Args, Debug)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long, default_value_t = defaults::DETECTOR)]
    pub detector: DetectorKind,
    /// Train on events before this time (RFC 3339 or YYYY-MM-DD), with the labels known by then.
    #[arg(long = "until", value_parser = parse_instant)]
    pub until_ms: Option<i64>,
    /// Training epochs for the neural detectors (default: chosen from the data size).
    #[arg(long, default_value_t = defaults::EPOCHS)]
    pub epochs: usize,
    #[arg(long, default_value_t = defaults::SEED)]
    pub seed: u64,
    /// How many candidate models the boosted trees' search over time grows (1: the default
    /// settings, no search).
    #[arg(long = "search", default_value_t = crate::detect::DEFAULT_SEARCH_BUDGET, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=64))]
    pub search_budget: usize,
    /// About how many events an event-level model learns from: every labelled fraud event,
    /// and a seeded sample of the rest.
    #[arg(long = "sample-events", default_value_t = crate::detect::MAX_EVENT_TRAIN_ROWS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=crate::detect::MAX_EVENT_TRAIN_ROWS as u64))]
    pub sample_events: usize,
    /// How many accounts a day the team reviews: the account thresholds flag at most that many
    /// (the high one a tenth of them) on the training log, never below the model's own.
    #[arg(long = "capacity", default_value_t = crate::workbench::defaults::DAILY_CAPACITY, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub daily_capacity: usize,
    /// What a missed fraud (a fixed loss, or `amount`: its account's), a review and a wrongly
    /// held good customer cost, e.g. `missed=200,review=5,blocked=20`: the suspicious account
    /// threshold goes where that cost is least on the labelled accounts, instead of the
    /// capacity's.
    #[arg(long, value_name = "missed=X|amount,review=Y,blocked=Z")]
    pub costs: Option<Costs>,
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
    #[arg(long = "from", value_parser = parse_instant)]
    pub from_ms: Option<i64>,
    /// Only output events (or users active) before this time.
    #[arg(long = "until", value_parser = parse_instant)]
    pub until_ms: Option<i64>,
    #[arg(long, default_value_t = defaults::SEED)]
    pub seed: u64,
    #[arg(long)]
    pub out: PathBuf,
    /// The language the reasons are written in: en or zh-CN.
    #[arg(long, default_value = "en")]
    pub lang: Language,
}

#[derive(Args, Debug)]
pub struct SegmentsArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The number of segments (2 or more).
    #[arg(long, conflicts_with = "auto")]
    pub k: Option<usize>,
    /// Choose k by the silhouette over 2..10 (the default when --k is not given).
    #[arg(long)]
    pub auto: bool,
    #[arg(long, default_value_t = defaults::SEED)]
    pub seed: u64,
    /// Write `user,segment,x,y,distance` here.
    #[arg(long, value_name = "ASSIGNMENTS.csv")]
    pub out: Option<PathBuf>,
    /// Place the accounts by this model's reading of each (a behaviour, gru or cnn_gru model
    /// directory) instead of by their features; the profiles still name features.
    #[arg(long = "by-model", value_name = "MODEL_DIR")]
    pub by_model: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// The profiles' language: en or zh-CN.
    #[arg(long, default_value = "en")]
    pub lang: Language,
}

#[derive(Args, Debug)]
pub struct PredictArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long, value_enum)]
    pub target: Target,
    /// The cut-off T (RFC 3339 or YYYY-MM-DD): nothing at or after it is learned from.
    #[arg(long = "at", value_parser = parse_instant)]
    pub at_ms: i64,
    /// How far after T the prediction looks (e.g. 90d).
    #[arg(long = "horizon", value_parser = parse_duration_ms)]
    pub horizon_ms: i64,
    /// Training epochs (default: chosen from the data size).
    #[arg(long, default_value_t = defaults::EPOCHS)]
    pub epochs: usize,
    #[arg(long, default_value_t = defaults::SEED)]
    pub seed: u64,
    /// A behaviour model directory, pretrained on the log before T (`train --detector
    /// behaviour --until T`): the networks also learn from what its next-event head expects
    /// of each user, and both are graded.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Write one line per user here.
    #[arg(long, value_name = "PREDICTIONS.csv")]
    pub out: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// What a missed fraud (a fixed loss, or `amount`: its own), a review and a wrongly held
    /// good customer cost, e.g. `missed=200,review=5,blocked=20`: the cost at each threshold
    /// and the threshold of least cost follow the table.
    #[arg(long, value_name = "missed=X|amount,review=Y,blocked=Z")]
    pub costs: Option<Costs>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Comma-separated detectors to compare (default: all).
    #[arg(long, value_delimiter = ',')]
    pub detectors: Option<Vec<DetectorKind>>,
    #[arg(long, value_enum, default_value = "user")]
    pub level: Level,
    /// random:SEED:TEST_FRACTION, time:T or users:FILE.
    #[arg(long, default_value = defaults::COMPARE_SPLIT)]
    pub split: Split,
    /// With a time split: test only this long after its time (e.g. 7d).
    #[arg(long = "horizon", value_parser = parse_duration_ms)]
    pub horizon_ms: Option<i64>,
    /// At event level: the accounts a day whose precision is reported (the daily review list).
    #[arg(long, default_value_t = defaults::TOP_K)]
    pub top_k: usize,
    #[arg(long, default_value_t = defaults::EPOCHS)]
    pub epochs: usize,
    #[arg(long, default_value_t = defaults::SEED)]
    pub seed: u64,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}
