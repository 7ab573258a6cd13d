//! Why an event scored high: its features furthest from the training events, with the
//! linked-entity risk said as an analyst would ("seller s012: 64% of its confirmed events in
//! the last 7 days were fraud (9 of 14 over 30 days)") and the rest with their normal range
//! ("amount 5.20x this user's 30-day mean (normal ≤ 1.80)").

use super::reasons::{Bar, FraudOf, Reason, Says};
use crate::features::{Dataset, Scaler, Window};

/// What an event is (its act, its hour) describes it; it is no evidence against it.
const CONTEXT: [&str; 2] = ["act:", "hour"];

/// The role and window of a risk feature: `seller_fraud_rate_7d` → ("seller", 7 days).
fn risk_feature(name: &str) -> Option<(&str, Window)> {
    let (role, window) = name.rsplit_once("_fraud_rate_")?;
    let window = [Window::Day, Window::Week, Window::Month]
        .into_iter()
        .find(|w| w.suffix() == window)?;
    Some((role, window))
}

/// Whose record a risk role names for event `e`: this account, its event type, its seller.
fn fraud_of(data: &Dataset, role: &str, e: usize) -> FraudOf {
    let c = &data.log.columns;
    let event = || c.event.get(e).unwrap_or("?").to_string();
    let value_of = |entity: &str| {
        c.entities
            .iter()
            .find(|n| n.name == entity)
            .and_then(|n| n.column.get(e))
            .unwrap_or("?")
            .to_string()
    };
    match role {
        "user" => FraudOf::Account,
        "event_type" => FraudOf::EventType(event()),
        paired if paired.ends_with("+event") => {
            let entity = paired.trim_end_matches("+event");
            FraudOf::EntityForEventType {
                role: entity.to_string(),
                value: value_of(entity),
                event: event(),
            }
        }
        entity => FraudOf::Entity {
            role: entity.to_string(),
            value: value_of(entity),
        },
    }
}

/// The top `k` reasons for event `e`'s score.
pub fn event_reasons(data: &Dataset, scaler: &Scaler, e: usize, k: usize) -> Vec<Reason> {
    let Some(r) = data.event_row(e) else {
        return Vec::new();
    };
    let row = data.events.values.row(r);
    Bar::IN_ORDER
        .into_iter()
        .map(|bar| reasons_past(data, scaler, e, row, bar, k))
        .find(|reasons| !reasons.is_empty())
        .unwrap_or_default()
}

/// The top `k` of event `e`'s features that clear `bar`, in words.
fn reasons_past(
    data: &Dataset,
    scaler: &Scaler,
    e: usize,
    row: &[f32],
    bar: Bar,
    k: usize,
) -> Vec<Reason> {
    let specs = &data.events.specs;
    let column = |name: &str| specs.iter().position(|s| s.name == name);
    let mut scored: Vec<(usize, f32)> = row
        .iter()
        .enumerate()
        .filter(|&(j, _)| j < scaler.cols() && j < specs.len())
        .filter(|&(j, _)| !CONTEXT.iter().any(|c| specs[j].name.starts_with(c)))
        .map(|(j, &v)| (j, scaler.z(j, v)))
        .filter(|&(j, z)| {
            // A low fraud rate is no reason for a high score.
            bar.clears(scaler, j, row[j], z) && (risk_feature(&specs[j].name).is_none() || z > 0.0)
        })
        .collect();
    scored.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    let mut out: Vec<Reason> = Vec::new();
    for (j, z) in scored {
        let spec = &specs[j];
        let says = match risk_feature(&spec.name) {
            Some((role, window)) => {
                // One sentence per entity: its strongest window says it.
                let of = fraud_of(data, role, e);
                let said =
                    |r: &Reason| matches!(&r.says, Says::FraudRecord { of: o, .. } if *o == of);
                if out.iter().any(said) {
                    continue;
                }
                let known = column(&format!("{role}_known_30d")).map_or(f32::NAN, |c| row[c]);
                let rate_30d =
                    column(&format!("{role}_fraud_rate_30d")).map_or(f32::NAN, |c| row[c]);
                Says::FraudRecord {
                    of,
                    share: row[j],
                    window,
                    confirmed: (known.is_finite() && rate_30d.is_finite())
                        .then(|| ((rate_30d * known).round(), known)),
                }
            }
            None => bar.says(spec, scaler, j, row[j], z),
        };
        out.push(Reason {
            feature: spec.name.clone(),
            says,
            deviation: z,
        });
        if out.len() == k {
            break;
        }
    }
    out
}
