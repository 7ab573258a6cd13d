//! The account view's outlook: for every account of the open log, the chance it buys and the
//! chance it churns in the next horizon after the log ends, and its most likely next event.
//! Three predictions (`predict`) at the log's end, each learned from the log alone.

use rust_i18n::t;

use crate::language::{Language, Say};
use ahash::AHashMap;

use super::error::Result;
use crate::features::Dataset;
use crate::log::UserCode;
use crate::predict::{PredictOptions, Target, predict};
use crate::progress::Progress;
use crate::time_units::DAY_MS;

pub struct Outlook {
    /// The cut-off: just after the log's last event.
    pub at_ms: i64,
    pub horizon_ms: i64,
    /// Per account (NaN where the target does not ask it, as churn asks only the recently
    /// active).
    pub purchase: Vec<f32>,
    pub churn: Vec<f32>,
    /// The most likely next event and its probability.
    pub next: Vec<Option<(String, f32)>>,
    /// Why a target has no figures (a log without purchases), for the status line.
    pub notes: Vec<String>,
}

/// What is predicted for one account over the horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountOutlook {
    pub horizon_days: i64,
    /// The chance it buys, where predicted.
    pub purchase: Option<f32>,
    /// The chance it churns, where predicted (recently active accounts).
    pub churn: Option<f32>,
    /// Its most likely next event and that event's chance.
    pub next: Option<(String, f32)>,
}

impl Outlook {
    /// What is predicted for account `u`, or `None` when nothing is.
    pub fn of(&self, u: UserCode) -> Option<AccountOutlook> {
        let finite = |v: Option<&f32>| v.copied().filter(|p| p.is_finite());
        let o = AccountOutlook {
            horizon_days: self.horizon_ms / DAY_MS,
            purchase: finite(self.purchase.get(u.index())),
            churn: finite(self.churn.get(u.index())),
            next: self.next.get(u.index()).cloned().flatten(),
        };
        (o.purchase.is_some() || o.churn.is_some() || o.next.is_some()).then_some(o)
    }
}

/// A quarter of the log's span in whole days, between 1 and 90: long enough to mean something,
/// short enough to leave the earlier cut-offs history to learn from.
pub fn default_horizon(data: &Dataset) -> i64 {
    let span = data.log.time_range_ms().map_or(0, |(a, b)| b - a);
    (span / 4 / DAY_MS).clamp(1, 90) * DAY_MS
}

/// Predicts all three targets at the end of `data`'s log. A target that cannot be predicted
/// (no purchase type, too little history) leaves its figures out with a note; cancelling or a
/// failing network is an error.
pub fn outlook(data: &Dataset, seed: u64, progress: &dyn Progress) -> Result<Outlook> {
    let at_ms = data.log.time_range_ms().map_or(0, |(_, last)| last + 1);
    let horizon_ms = default_horizon(data);
    let users = data.users();
    let index: AHashMap<&str, usize> = data
        .log
        .users()
        .map(|u| (data.user_name(u), u.index()))
        .collect();
    let mut o = Outlook {
        at_ms,
        horizon_ms,
        purchase: vec![f32::NAN; users],
        churn: vec![f32::NAN; users],
        next: vec![None; users],
        notes: Vec::new(),
    };
    for target in [Target::Purchase, Target::Churn, Target::NextEvent] {
        let options = PredictOptions {
            target,
            at_ms,
            horizon_ms,
            seed,
            epochs: 0,
        };
        let p = match predict(&data.log, &options, None, progress) {
            Ok(p) => p,
            Err(crate::predict::PredictError::Model(e)) => return Err(e.into()),
            Err(e) => {
                o.notes.push(format!("{}: {e}", target.name()));
                continue;
            }
        };
        for r in &p.rows {
            let Some(&u) = index.get(r.user.as_str()) else {
                continue;
            };
            match target {
                Target::Purchase => o.purchase[u] = r.probability,
                Target::Churn => o.churn[u] = r.probability,
                Target::NextEvent => {
                    o.next[u] = Some((p.classes[r.predicted as usize].clone(), r.probability));
                }
            }
        }
    }
    Ok(o)
}

/// "next 7 days: buys 34 % · churns 12 % · next: view (48 %)".
impl Say for AccountOutlook {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        let percent = |p: f32| format!("{:.0} %", p * 100.0);
        let mut parts = Vec::new();
        if let Some(p) = self.purchase {
            parts.push(t!("outlook.buys", locale = l, p = percent(p)));
        }
        if let Some(p) = self.churn {
            parts.push(t!("outlook.churns", locale = l, p = percent(p)));
        }
        if let Some((event, p)) = &self.next {
            parts.push(t!(
                "outlook.next",
                locale = l,
                event = event,
                p = percent(*p)
            ));
        }
        t!(
            "outlook.line",
            locale = l,
            days = self.horizon_days,
            parts = parts.join(" · ")
        )
        .into_owned()
    }
}

impl std::fmt::Display for AccountOutlook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Language::English))
    }
}
