//! What the predictions count: which event types are purchases, and the classes the next
//! event is predicted among (the most frequent types, the rest as "other").

use super::request::PredictError;
use crate::features::{Act, act_of};
use crate::log::EventLog;

/// Next-event classes beyond this many types are lumped as "other": a rare type is not worth a
/// class of its own, and a fixed width keeps the one-hot features small.
const MAX_CLASSES: usize = 8;
pub const OTHER: &str = "(other)";

pub struct Vocabulary {
    /// Class names; the last is `OTHER` when some types were lumped.
    pub classes: Vec<String>,
    purchases: Vec<String>,
    /// The event types, kept for the error when none is a purchase.
    types: Vec<String>,
}

impl Vocabulary {
    /// Learned from the events before the cut-off only.
    pub fn new(log: &EventLog) -> Self {
        let mut counts = log.event_type_counts();
        counts.retain(|(_, n)| *n > 0);
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let names: Vec<&str> = counts.iter().map(|(name, _)| *name).collect();
        let mut classes: Vec<String> = names
            .iter()
            .take(MAX_CLASSES)
            .map(|s| s.to_string())
            .collect();
        if names.len() > MAX_CLASSES {
            classes.push(OTHER.to_string());
        }
        let (purchases, types) = match purchase_types(&names) {
            Ok(p) => (p, Vec::new()),
            Err(types) => (Vec::new(), types),
        };
        Self {
            classes,
            purchases,
            types,
        }
    }

    /// An error naming the log's event types when none of them is a purchase.
    pub fn require_purchases(&self) -> Result<(), PredictError> {
        match self.purchases.is_empty() {
            true => Err(PredictError::NoPurchaseType {
                types: self.types.clone(),
            }),
            false => Ok(()),
        }
    }

    /// The class of an event type (unknown types are "other", or the last class).
    pub fn class_of(&self, name: &str) -> u8 {
        self.classes
            .iter()
            .position(|c| c == name)
            .map_or(self.other_class(), |i| i as u8)
    }

    /// The class events of an unknown or missing type fall in.
    pub fn other_class(&self) -> u8 {
        self.classes.len().saturating_sub(1) as u8
    }

    pub fn is_purchase(&self, name: &str) -> bool {
        self.purchases.iter().any(|p| p == name)
    }

    pub fn purchase_types(&self) -> &[String] {
        &self.purchases
    }
}

/// Orders (order, buy, purchase, 下单, ...), else payments; a log whose one event type names
/// no known act (a log without an event column) is a purchase log: every row is an order, as
/// in CDNOW's. Anything else cannot say what a
/// purchase is: then the types it has are given back, for the error.
fn purchase_types(names: &[&str]) -> Result<Vec<String>, Vec<String>> {
    for act in [Act::Order, Act::Pay] {
        let found: Vec<String> = names
            .iter()
            .filter(|n| act_of(n) == act)
            .map(|n| n.to_string())
            .collect();
        if !found.is_empty() {
            return Ok(found);
        }
    }
    match names {
        [only] if act_of(only) == Act::Other => Ok(vec![only.to_string()]),
        _ => Err(names.iter().take(12).map(|s| s.to_string()).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purchases_are_orders_then_payments_then_the_only_type() {
        assert_eq!(purchase_types(&["pv", "buy", "cart"]).unwrap(), ["buy"]);
        assert_eq!(purchase_types(&["view", "pay"]).unwrap(), ["pay"]);
        assert_eq!(purchase_types(&["event"]).unwrap(), ["event"]);
        assert!(purchase_types(&["view"]).is_err());
        assert_eq!(
            purchase_types(&["view", "login"]).unwrap_err(),
            ["view", "login"]
        );
    }
}
