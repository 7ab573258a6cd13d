//! Words: every typed value the domain has to say to an analyst (why an account scored as it
//! did, what a feature means, a segment's profile, a job's stage, the load report) turned into
//! a sentence in the analyst's language. The sentences live in the one catalogue
//! (`locales/app.yml`), looked up in the language asked for, never a process-wide one; each
//! value's `Display` is its English. `Language` and `Say` are the leaf `crate::language`
//! (re-exported here); the application layer's own values say themselves beside their types.

mod issue;
mod names;
mod nouns;
mod phrase;
mod reason;
mod report;
mod segments;
mod stage;
mod units;

pub use crate::language::{Language, Say};
pub use phrase::{feature, phrase, window};
pub use segments::{fraud_among_labelled, place_in_segment, segment_name};
