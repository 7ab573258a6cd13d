//! The headless face of Vigil: each command is a thin call into the application layer
//! (`workbench`) that prints a table for people or JSON for scripts.

mod args;
mod dispatch;
mod inspect;
mod labels;
mod lists;
mod models;
mod predict;
mod progress;
mod rules;
mod segments;
mod team;
mod watch;
mod worker;

pub use args::{
    Cli, Command, DataArgs, EvalArgs, LabelsCommand, ListsCommand, PredictArgs, RulesCommand,
    ScoreArgs, SegmentsArgs, TrainArgs, WatchArgs, WindowArgs,
};
pub use dispatch::run;
pub use models::table;
