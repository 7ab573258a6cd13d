//! Event features for events as they arrive. Every group's cursor (each user, event type,
//! entity value and entity value × event type) is kept between events, so a new event's
//! features cost a few map lookups: nothing of the log is featurised again. A log's events
//! pushed here in time order get the features the whole-log pass gives them.

use ahash::AHashMap;

use super::FeatureError;
use super::event::{Layout, RiskColumns, act_index, time_order};
use super::event_state::{ActivityCursor, RiskCursor, UserCursor};
use super::knowledge::LabelKnowledge;
use super::spec::FeatureSpec;
use crate::log::{EventLog, Label, LabelLevel, NULL_CODE};
use crate::progress::{Progress, Stage};

/// One entity role's cursors, by value code (and event type code for the paired risk).
#[derive(Default)]
struct EntityCursors {
    activity: AHashMap<u32, ActivityCursor>,
    risk: AHashMap<u32, RiskCursor>,
    paired: AHashMap<(u32, u32), RiskCursor>,
}

/// An event and its features.
pub type EventRow = (usize, Vec<f32>);

/// Labelled events `(time, known at, is fraud)` per group, gathered before the cursors start.
type Labelled<K> = AHashMap<K, Vec<(i64, i64, bool)>>;
/// One entity role's labelled events: by value, and by value and event type.
type EntityLabelled = (Labelled<u32>, Labelled<(u32, u32)>);

pub struct LiveFeatures {
    layout: Layout,
    delay_ms: i64,
    /// The act of each event type code; grows as new types arrive.
    acts: Vec<Option<usize>>,
    users: AHashMap<u32, UserCursor>,
    user_risk: AHashMap<u32, RiskCursor>,
    type_risk: AHashMap<u32, RiskCursor>,
    entities: Vec<EntityCursors>,
    /// Per user code: the account's label and when it became known, which its new events
    /// carry (as the whole-log pass gives a labelled account's later events its label).
    user_labels: Vec<(Label, i64)>,
}

/// Every labelled event of a history (its time, when its label became known, whether fraud),
/// by the groups whose risk counts it: its user, its event type, each entity's value and
/// (value, event type) pair.
struct LabelledGroups {
    by_user: Labelled<u32>,
    by_type: Labelled<u32>,
    by_entity: Vec<EntityLabelled>,
}

impl LabelledGroups {
    fn of(log: &EventLog, labels: &LabelKnowledge, order: &[u32]) -> Self {
        let c = &log.columns;
        let mut g = Self {
            by_user: AHashMap::new(),
            by_type: AHashMap::new(),
            by_entity: c.entities.iter().map(|_| Default::default()).collect(),
        };
        for &e in order {
            let e = e as usize;
            let (label, known_at) = labels.event_label(log, e, log.user_of(e));
            if !label.is_known() {
                continue;
            }
            let item = (c.ts_ms[e], known_at, label.is_fraud());
            let kind = c.event.codes[e];
            g.by_user.entry(c.user.codes[e]).or_default().push(item);
            if kind != NULL_CODE {
                g.by_type.entry(kind).or_default().push(item);
            }
            for (entity, (own, paired)) in c.entities.iter().zip(&mut g.by_entity) {
                let v = entity.column.codes[e];
                if v != NULL_CODE {
                    own.entry(v).or_default().push(item);
                    if kind != NULL_CODE {
                        paired.entry((v, kind)).or_default().push(item);
                    }
                }
            }
        }
        g
    }
}

impl LiveFeatures {
    /// The state after every event of `log` (the history), with `labels` as what is known:
    /// each labelled event counts from when its label became known (which may be after the
    /// history's end: `labels` should be the log's own, not those known by its end). An event
    /// pushed later counts by its own label where the log labels events (known `delay` after
    /// it, as in the whole-log pass), else by its account's label.
    ///
    /// Also returns the features of the history's events from `rows_from_ms` on, in time
    /// order (a sequence model reads them with the new events of their day).
    pub fn warm(
        log: &EventLog,
        labels: &LabelKnowledge,
        rows_from_ms: i64,
        progress: &dyn Progress,
    ) -> Result<(Self, Vec<EventRow>), FeatureError> {
        let order = time_order(log);
        let mut live = Self::knowing(log, labels, LabelledGroups::of(log, labels, &order));
        let rows = live.replay(log, &order, rows_from_ms, progress)?;
        Ok((live, rows))
    }

    /// The state before any event, with the risk cursors over every labelled event of each
    /// group (each counts from when its label becomes known).
    fn knowing(log: &EventLog, labels: &LabelKnowledge, groups: LabelledGroups) -> Self {
        let delay_ms = labels.delay_ms;
        let cursors = |m: Labelled<u32>| -> AHashMap<u32, RiskCursor> {
            m.into_iter()
                .map(|(k, v)| (k, RiskCursor::new(v.into_iter(), delay_ms)))
                .collect()
        };
        let mut live = Self {
            layout: Layout::of(log),
            delay_ms,
            acts: Vec::new(),
            users: AHashMap::new(),
            user_risk: cursors(groups.by_user),
            type_risk: cursors(groups.by_type),
            entities: Vec::new(),
            user_labels: labels
                .user
                .iter()
                .zip(&labels.user_known_at_ms)
                .map(|(&l, &k)| (l, k))
                .collect(),
        };
        for (own, paired) in groups.by_entity {
            live.entities.push(EntityCursors {
                activity: AHashMap::new(),
                risk: cursors(own),
                paired: paired
                    .into_iter()
                    .map(|(k, v)| (k, RiskCursor::new(v.into_iter(), delay_ms)))
                    .collect(),
            });
        }
        live
    }

    /// Steps through the history's events in time `order`; the features of those from
    /// `rows_from_ms` on.
    fn replay(
        &mut self,
        log: &EventLog,
        order: &[u32],
        rows_from_ms: i64,
        progress: &dyn Progress,
    ) -> Result<Vec<EventRow>, FeatureError> {
        let mut rows = Vec::new();
        for (i, &e) in order.iter().enumerate() {
            if i % 65_536 == 0 {
                if progress.is_cancelled() {
                    return Err(FeatureError::Cancelled);
                }
                progress.report(Stage::LiveFeatures, i as u64, Some(order.len() as u64));
            }
            // Their labels are in the cursors already.
            let e = e as usize;
            if log.columns.ts_ms[e] >= rows_from_ms {
                let mut row = vec![f32::NAN; self.layout.specs.len()];
                self.step(log, e, false, |col, v| row[col] = v);
                rows.push((e, row));
            } else {
                self.step(log, e, false, |_, _| {});
            }
        }
        Ok(rows)
    }

    /// The feature columns, as the whole-log pass names them.
    pub fn specs(&self) -> &[FeatureSpec] {
        &self.layout.specs
    }

    /// The features of event `e` of `log` (the history this state was warmed on, with new
    /// events appended), which must not be earlier than the events pushed before it.
    pub fn push(&mut self, log: &EventLog, e: usize) -> Vec<f32> {
        let mut row = vec![f32::NAN; self.layout.specs.len()];
        self.step(log, e, true, |col, v| row[col] = v);
        row
    }

    fn step(&mut self, log: &EventLog, e: usize, new: bool, mut set: impl FnMut(usize, f32)) {
        let c = &log.columns;
        let (t, user, kind) = (c.ts_ms[e], c.user.codes[e], c.event.codes[e]);
        let amount = c.amount.as_ref().map_or(f64::NAN, |a| a[e]);
        let act = self.act_of(log, kind);
        // A new event counts once its label is known, after its own features: its own label
        // where the log labels events, else its account's (as `LabelKnowledge::event_label`).
        let own = c
            .label
            .as_ref()
            .filter(|_| new && log.label_level == Some(LabelLevel::Event))
            .map(|l| l[e])
            .filter(|l| l.is_known())
            .map(|l| (t.saturating_add(self.delay_ms), l.is_fraud()));
        let label = own.or_else(|| {
            let user = log.user_of(e)?;
            self.user_labels
                .get(user.index())
                .filter(|(l, _)| l.is_known() && new)
                .map(|&(l, known_at)| (known_at, l.is_fraud()))
        });
        let layout = &self.layout;
        let delay_ms = self.delay_ms;
        let fresh = || RiskCursor::new(std::iter::empty(), delay_ms);
        let count =
            |cursor: &mut RiskCursor, cols: &RiskColumns, set: &mut dyn FnMut(usize, f32)| {
                cols.write_risk(&cursor.advance(t), set);
                if let Some((known_at, fraud)) = label {
                    cursor.add(t, known_at, fraud);
                }
            };

        let row = self.users.entry(user).or_default().push(t, amount);
        layout.user.write(&row, &mut set);
        layout.write_what(act, t, &mut set);
        count(
            self.user_risk.entry(user).or_insert_with(fresh),
            &layout.own,
            &mut set,
        );
        if kind != NULL_CODE {
            count(
                self.type_risk.entry(kind).or_insert_with(fresh),
                &layout.kind,
                &mut set,
            );
        }
        let roles = c
            .entities
            .iter()
            .zip(&layout.entities)
            .zip(&mut self.entities);
        for ((entity, (own, paired)), cursors) in roles {
            let v = entity.column.codes[e];
            if v == NULL_CODE {
                continue;
            }
            count(cursors.risk.entry(v).or_insert_with(fresh), own, &mut set);
            let activity = cursors.activity.entry(v).or_default().push(t, user);
            own.write_activity(&activity, &mut set);
            if kind != NULL_CODE {
                count(
                    cursors.paired.entry((v, kind)).or_insert_with(fresh),
                    paired,
                    &mut set,
                );
            }
        }
    }

    fn act_of(&mut self, log: &EventLog, kind: u32) -> Option<usize> {
        if kind == NULL_CODE {
            return None;
        }
        let dict = &log.columns.event.dict;
        while self.acts.len() < dict.len() {
            self.acts.push(act_index(dict.get(self.acts.len() as u32)));
        }
        self.acts.get(kind as usize).copied().flatten()
    }
}
