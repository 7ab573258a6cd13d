//! Everything the analyst can ask for. Panels push commands; the app applies them in `logic`,
//! so a panel never mutates shared state while it draws.

use std::path::PathBuf;

use super::settings::RightTab;
use crate::cases::Verdict;
use crate::detect::{DetectorKind, Thresholds};
use crate::log::Preview;
use crate::log::UserCode;
use crate::rules::{ListEntry, Rule};
use crate::workbench::{Likeness, QueueFilter, RankBy};

pub enum Command {
    /// Ask for a log with the native file dialog (or a typed path where there is none).
    OpenDialog,
    /// Open a log (its column detection may ask for a mapping first).
    Open(PathBuf),
    /// Load with the plan the analyst confirmed; save it as a mapping file when a path is given.
    LoadConfirmed(Box<Preview>, Option<PathBuf>),
    /// The analyst closed the mapping dialog without loading.
    MappingCancelled,
    Select(UserCode),
    /// Move through the queue: +1 next, -1 previous.
    Step(isize),
    Label(Verdict),
    /// Mark or unmark one account for a bulk decision (ctrl-click).
    ToggleMark(UserCode),
    /// Mark the queue from the selection to this account (shift-click).
    MarkRangeTo(UserCode),
    /// Mark the selected account and every account linked to it.
    MarkLinked,
    /// Mark the selected account and the accounts nearest to it in behaviour.
    MarkSimilar(Likeness),
    /// Mark every account of the filtered queue.
    MarkQueue,
    ClearMarks,
    /// Give the verdict that asked first (another analyst holds or decided the account) anyway.
    Overwrite,
    /// Let the other analysts' holds and decisions stand (a bulk decision still labels the
    /// other marked accounts).
    KeepTheirs,
    /// Drop the question, writing nothing.
    DismissConflict,
    /// Assign the marked accounts (or, with none marked, the queue) to this analyst (a lead's).
    Assign(String),
    /// Label every marked account in one action (one undo).
    LabelMarked(Verdict),
    /// Start writing a note on the selected account.
    StartNote,
    Note(String),
    Undo,
    SetThresholds(Thresholds),
    /// Save a rule (a new version when its name exists) and apply the saved rules.
    SaveRule(Rule),
    SetRuleEnabled(String, bool),
    AddToList(ListEntry),
    RemoveFromList(ListEntry),
    SetFilter(QueueFilter),
    SetDetector(DetectorKind),
    SetRetrainEvery(usize),
    SetDailyCapacity(usize),
    ShowTab(RightTab),
    /// Switch the window's language (remembered).
    SetLanguage(crate::words::Language),
    Retrain,
    Compare,
    /// Find the session's segments: `k` of them, or k chosen by the silhouette; the accounts
    /// placed by the model's reading of each (`by_reading`) or by their features.
    FindSegments {
        k: Option<usize>,
        by_reading: bool,
    },
    /// Write the accounts ranked by purchase chance or churn risk, with their segments, to
    /// this CSV file.
    ExportRanked(RankBy, PathBuf),
    /// Predict purchase, churn and the next event after the log's end, for every account.
    PredictBehaviour,
    /// Follow the open log as it grows (Live mode), or stop following it.
    StartLive,
    StopLive,
    CancelJobs,
    Quit,
}
