//! Each command to the call that runs it.

use anyhow::Result;

use super::args::{Command, LabelsCommand};
use super::{inspect, labels, lists, models, predict, rules, segments, team, watch, worker};
use crate::sample::SampleConfig;

/// Runs `command`.
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
            scenario,
        } => inspect::gen_sample(
            SampleConfig {
                users,
                days,
                seed,
                scenario,
                ..SampleConfig::default()
            },
            &out,
            labels_out.as_deref(),
        ),
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
            overwrite,
        }) => labels::import(&workspace, &labels, author, overwrite),
        Command::Rules(command) => rules::run(command),
        Command::Lists(command) => lists::run(command),
        Command::Watch(args) => watch::watch(&args),
        Command::Workspace(command) => team::run(command),
        Command::Assign(args) => team::assign(args),
        Command::Worker(command) => worker::run(command),
    }
}
