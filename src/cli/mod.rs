//! The headless face of Vigil: each command is a thin call into the application layer
//! (`workbench`) that prints a table for people or JSON for scripts.

mod args;
mod inspect;
mod labels;
mod lists;
mod models;
mod predict;
mod progress;
mod rules;
mod segments;
mod watch;

use anyhow::Result;

pub use args::{
    Cli, Command, DataArgs, EvalArgs, LabelsCommand, ListsCommand, PredictArgs, RulesCommand,
    ScoreArgs, SegmentsArgs, TrainArgs, WatchArgs, WindowArgs,
};
pub use models::table;

pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Inspect {
            log,
            map,
            encoding,
            json,
            lang,
        } => inspect::inspect(&log, map.as_deref(), encoding.as_deref(), json, lang),
        Command::GenSample {
            users,
            days,
            seed,
            out,
            labels_out,
        } => inspect::gen_sample(users, days, seed, &out, labels_out.as_deref()),
        Command::Train(args) => models::train(&args),
        Command::Score(args) => models::score(&args),
        Command::Eval(args) => models::eval(&args),
        Command::Segments(args) => segments::segments(&args),
        Command::Predict(args) => predict::predict(&args),
        Command::Labels(LabelsCommand::Export { workspace, out }) => {
            labels::export(&workspace, &out)
        }
        Command::Labels(LabelsCommand::Import {
            workspace,
            labels,
            author,
        }) => labels::import(&workspace, &labels, author),
        Command::Rules(command) => rules::run(command),
        Command::Lists(command) => lists::run(command),
        Command::Watch(args) => watch::watch(&args),
    }
}
