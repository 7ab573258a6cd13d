//! The headless face of Vigil: each command is a thin call into the library that prints a
//! table for people or JSON for scripts.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::cases;
use crate::log::{self, LoadReport, Mapping};
use crate::progress::Progress;
use crate::sample::{self, SampleConfig};

mod models;

pub use models::{DataArgs, EvalArgs, ScoreArgs, TrainArgs};

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
    /// The workspace (labels, notes, audit); default: `<log>.vigil.db` beside the log.
    #[arg(long, value_name = "W.vigil.db")]
    pub workspace: Option<PathBuf>,
    /// The detector to score with (default: the last one used, else ensemble).
    #[arg(long)]
    pub detector: Option<crate::detect::DetectorKind>,
    /// Sign labels with this name (default: the OS user).
    #[arg(long)]
    pub author: Option<String>,
    /// Measure frame times while a retrain runs, write them to this JSON file, and quit.
    #[arg(long, value_name = "FILE.json")]
    pub frame_report: Option<PathBuf>,
}

impl WindowArgs {
    pub fn into_launch(self) -> crate::gui::LaunchOptions {
        crate::gui::LaunchOptions {
            log: self.log.unwrap_or_else(crate::gui::bundled_sample),
            map: self.map,
            workspace: self.workspace,
            detector: self.detector,
            author: self.author,
            frame_report: self.frame_report,
        }
    }
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
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
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
    },
    /// Train a detector on a log and write the model directory.
    Train(TrainArgs),
    /// Score every user (or event) of a log with a trained model or a detector trained on the spot.
    Score(ScoreArgs),
    /// Compare detectors on held-out labelled users: ROC-AUC, AP, precision@100, P/R/F1, timings.
    Eval(EvalArgs),
    /// Move analyst labels in and out of a workspace.
    #[command(subcommand)]
    Labels(LabelsCommand),
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
    },
}

/// Progress on stderr, only when a person is watching it.
pub(crate) struct TerminalProgress {
    pub(crate) enabled: bool,
}

impl Progress for TerminalProgress {
    fn report(&self, stage: &str, done: u64, total: Option<u64>) {
        if let (true, Some(total)) = (self.enabled, total.filter(|t| *t > 0)) {
            eprint!("\r{stage}: {:>3}%", done * 100 / total);
        }
    }
    fn is_cancelled(&self) -> bool {
        false
    }
}

pub fn load_mapping(map: Option<&Path>) -> Result<Mapping> {
    Ok(match map {
        Some(p) => Mapping::from_file(p)?,
        None => Mapping::default(),
    })
}

pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Inspect { log, map, json } => inspect(&log, map.as_deref(), json),
        Command::GenSample {
            users,
            days,
            seed,
            out,
            labels_out,
        } => gen_sample(users, days, seed, &out, labels_out.as_deref()),
        Command::Train(args) => models::train(&args),
        Command::Score(args) => models::score(&args),
        Command::Eval(args) => models::eval(&args),
        Command::Labels(LabelsCommand::Export { workspace, out }) => {
            let ws = open_workspace(&workspace)?;
            let n = cases::export_labels(&ws, &out)?;
            println!("wrote {n} labels to {}", out.display());
            Ok(())
        }
        Command::Labels(LabelsCommand::Import {
            workspace,
            labels,
            author,
        }) => {
            let mut ws = open_workspace(&workspace)?;
            let author = author.unwrap_or_else(cases::os_user);
            let n = cases::import_labels(&mut ws, &labels, &author)?;
            println!("imported {n} labels into {}", workspace.display());
            Ok(())
        }
    }
}

/// Opens an existing workspace: exporting from or importing into a file that is not there is
/// a typo more often than a wish for a new workspace.
fn open_workspace(path: &Path) -> Result<cases::Workspace> {
    anyhow::ensure!(path.is_file(), "{}: no such workspace file", path.display());
    Ok(cases::Workspace::open(path)?)
}

fn inspect(path: &Path, map: Option<&Path>, json: bool) -> Result<()> {
    let mapping = load_mapping(map)?;
    let progress = TerminalProgress {
        enabled: std::io::stderr().is_terminal() && !json,
    };
    let loaded = log::load(path, &mapping, &progress)?;
    if progress.enabled {
        eprint!("\r");
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&loaded.report)?);
    } else {
        print!("{}", report_text(&loaded.report));
    }
    Ok(())
}

/// The load report as an aligned table.
pub fn report_text(r: &LoadReport) -> String {
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{k:<11} {v}\n"));
    line("file", r.file.clone());
    let layout = match (&r.delimiter, r.has_header) {
        (Some(d), Some(h)) => format!(
            " (delimiter {}, {})",
            if d.chars().count() == 1 {
                format!("'{d}'")
            } else {
                d.clone()
            },
            if h { "header" } else { "no header" }
        ),
        _ => String::new(),
    };
    line("format", format!("{}{layout}", r.format));
    line(
        "rows",
        format!(
            "{} read, {} loaded, {} rejected, {} duplicates removed",
            r.rows_read, r.rows_loaded, r.rows_rejected, r.duplicates_removed
        ),
    );
    line("users", r.users.to_string());
    let mut types: Vec<_> = r.event_types.iter().collect();
    types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let types: Vec<String> = types.iter().map(|(k, v)| format!("{k} {v}")).collect();
    line("events", format!("{} ({})", r.events, types.join(", ")));
    line(
        "time",
        format!(
            "{} .. {} (read as {})",
            r.time_min.as_deref().unwrap_or("-"),
            r.time_max.as_deref().unwrap_or("-"),
            r.time_format
        ),
    );
    let mapping: Vec<String> = r.mapping.iter().map(|(k, v)| format!("{k}={v}")).collect();
    line("mapping", mapping.join("  "));
    if !r.unsure_roles.is_empty() {
        line(
            "unsure",
            format!(
                "{} (check them, or give a --map file)",
                r.unsure_roles.join(", ")
            ),
        );
    }
    if let Some(l) = &r.labels {
        line(
            "labels",
            format!(
                "{} level: {} fraud, {} legit",
                l.level, l.positive, l.negative
            ),
        );
    }
    for (title, issues) in [("rejected", &r.rejects), ("warning", &r.warnings)] {
        for s in issues {
            let examples: Vec<String> = s
                .examples
                .iter()
                .map(|e| format!("row {}: '{}'", e.row, e.value))
                .collect();
            line(
                title,
                format!("{} × {} (e.g. {})", s.count, s.reason, examples.join("; ")),
            );
        }
    }
    line("took", format!("{:.2} s", r.elapsed_secs));
    out
}

fn gen_sample(users: usize, days: u32, seed: u64, out: &Path, labels: Option<&Path>) -> Result<()> {
    anyhow::ensure!(users > 0, "--users must be at least 1");
    anyhow::ensure!(days > 0, "--days must be at least 1");
    let config = SampleConfig {
        users,
        days,
        seed,
        ..SampleConfig::default()
    };
    let s = sample::generate(&config);
    sample::write_log(&s, out)?;
    if let Some(labels) = labels {
        sample::write_labels(&s, labels)
            .with_context(|| format!("{}: cannot write labels", labels.display()))?;
    }
    let fraud = s.users.iter().filter(|u| u.persona.is_fraud()).count();
    println!(
        "wrote {} events of {} users ({} fraudulent) to {}",
        s.events.len(),
        s.users.len(),
        fraud,
        out.display()
    );
    Ok(())
}
