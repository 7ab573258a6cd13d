//! Words: every typed value the library has to say to an analyst (why an account scored as it
//! did, what a feature means, a segment's profile, a job's stage, the load report, the
//! behaviour outlook) turned into a sentence in the analyst's language. The sentences live in
//! the one catalogue (`locales/app.yml`), looked up in the language asked for, never a
//! process-wide one; each value's `Display` is its English.

mod issue;
mod language;
mod names;
mod nouns;
mod outlook;
mod phrase;
mod reason;
mod report;
mod say;
mod segments;
mod stage;
mod units;

pub use language::Language;
pub use phrase::{feature, phrase, window};
pub use say::Say;
pub use segments::{fraud_among_labelled, place_in_segment, segment_name};
