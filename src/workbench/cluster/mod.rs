//! Scoring a log too large for one machine on a cluster (`spark/vigil_score.py`). The cluster
//! shuffles the log by a group key and hands each part to `vigil worker`, which runs vigil's
//! own code on it. Every stage's part holds whole groups, so what it computes for them is what
//! the whole log gives:
//! - `plan`: the mapping every part is read with, resolved once from the log's head;
//! - `users`, by user over the whole log: what is known of each user's label, the event
//!   types' counts (summed by the cluster: the account features' per-type columns), and the
//!   rows the window's features read (the window and its look-back: all the family stages get),
//!   and one row of each (entity value, user) pair;
//! - `sharing`, by an entity's value over those pairs' rows (its users, not its events): the
//!   most other users each account met on one value (the cluster keeps the largest);
//! - `blocks`, for the event type's family over any part of the rows the window reads, and for
//!   a busy entity value's over parts of whole (value, user) pairs: the blocks of time each row
//!   belongs to, and the part's share of the blocks' counts;
//! - `features`, by a family's key (user, entity value, or a block of time of the event type's
//!   family or of busy entity values) over the window with its look-back: that family's event
//!   features of the window's events;
//! - `score`, by user over the whole log, with the window's event features joined: the event
//!   and account rows `vigil score` writes;
//! - `collect`, for a training set instead of scores (the stages before it read the log as of
//!   a cut-off: `users --as-of-until`), by user with every event's features joined: the part's
//!   share of the training sample and every account's features, which the cluster gathers into
//!   a training set (`training_set`) that `vigil train` reads.

mod blocks;
mod collect;
mod exchange;
mod features;
mod given;
mod part;
mod score;
mod training_set;
mod users;

pub use blocks::{BlocksRequest, blocks_of_part};
pub use collect::{CollectRequest, Collected, collect_part};
pub use exchange::read_users_known;
pub use features::{FeaturesRequest, InBlock, family_features_of_part};
pub use part::{PartSource, resolve_mapping};
pub use score::{PartScored, ScorePartRequest, score_part};
pub use training_set::{
    TRAINING_SET_FORMAT, TrainingSet, TrainingSetMeta, is_training_set, load_training_set,
};
pub use users::{UsersRequest, sharing_of_part, users_of_part};
