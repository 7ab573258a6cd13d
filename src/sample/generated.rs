//! What a generator gives: the shop (or the terminals) it invented, every user with the truth
//! about them, and their events in time order.

use super::config::SampleConfig;
use super::event::Event;
use super::persona::UserTruth;
use super::shop::Shop;

pub struct Sample {
    pub config: SampleConfig,
    pub shop: Shop,
    pub users: Vec<UserTruth>,
    /// Sorted by time.
    pub events: Vec<Event>,
}
