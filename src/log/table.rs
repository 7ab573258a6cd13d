//! The canonical event table: one row per event, strings dictionary-encoded.
//!
//! Strings live once in a per-column arena and rows hold `u32` codes, so a 2-million-event log
//! with a dozen columns stays a few hundred bytes per event smaller than a table of `String`s.

use hashbrown::HashTable;

use super::label::Label;
use super::mapping::LabelLevel;
use super::user_code::UserCode;

/// Code of a missing value in a `CatColumn`.
pub const NULL_CODE: u32 = u32::MAX;

/// Distinct strings of one column, each stored once; codes are dense and in first-seen order.
#[derive(Clone, Default)]
pub struct Dict {
    arena: String,
    ends: Vec<usize>,
    table: HashTable<u32>,
    hasher: ahash::RandomState,
}

impl std::fmt::Debug for Dict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dict").field("len", &self.len()).finish()
    }
}

fn slice<'a>(arena: &'a str, ends: &[usize], code: u32) -> &'a str {
    let i = code as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &arena[start..ends[i]]
}

impl Dict {
    /// The code for `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> u32 {
        let Self {
            arena,
            ends,
            table,
            hasher,
        } = self;
        let hash = hasher.hash_one(s);
        if let Some(&code) = table.find(hash, |&c| slice(arena, ends, c) == s) {
            return code;
        }
        let code = ends.len() as u32;
        arena.push_str(s);
        ends.push(arena.len());
        table.insert_unique(hash, code, |&c| hasher.hash_one(slice(arena, ends, c)));
        code
    }

    pub fn get(&self, code: u32) -> &str {
        slice(&self.arena, &self.ends, code)
    }

    /// The code of `s` when it is present.
    pub fn lookup(&self, s: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(s);
        self.table
            .find(hash, |&c| slice(&self.arena, &self.ends, c) == s)
            .copied()
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len() as u32).map(|c| self.get(c))
    }
}

/// A dictionary-encoded string column; empty values are `NULL_CODE`.
#[derive(Clone, Debug, Default)]
pub struct CatColumn {
    pub codes: Vec<u32>,
    pub dict: Dict,
}

impl CatColumn {
    /// Interns a value without pushing it (one value shared by several events of a row).
    pub fn code_of(&mut self, value: &str) -> u32 {
        let v = value.trim();
        if v.is_empty() {
            NULL_CODE
        } else {
            self.dict.intern(v)
        }
    }

    pub fn get(&self, row: usize) -> Option<&str> {
        match self.codes[row] {
            NULL_CODE => None,
            c => Some(self.dict.get(c)),
        }
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Appends `other`'s rows where `keep` says so, translating its codes into this dictionary;
    /// only values a kept row uses are added to it.
    pub(crate) fn append_from(&mut self, other: &CatColumn, keep: &[bool]) {
        let mut remap: Vec<u32> = vec![NULL_CODE; other.dict.len()];
        let kept = keep.iter().filter(|&&k| k).count();
        self.codes.reserve_exact(kept);
        for (&c, _) in other.codes.iter().zip(keep).filter(|(_, k)| **k) {
            let code = match c {
                NULL_CODE => NULL_CODE,
                c => {
                    let slot = &mut remap[c as usize];
                    if *slot == NULL_CODE {
                        *slot = self.dict.intern(other.dict.get(c));
                    }
                    *slot
                }
            };
            self.codes.push(code);
        }
    }

    /// `append_from` when the other table has this column, else `kept` empty values.
    fn append_or_nulls(&mut self, other: Option<&CatColumn>, keep: &[bool], kept: usize) {
        match other {
            Some(other) => self.append_from(other, keep),
            None => self.codes.resize(self.codes.len() + kept, NULL_CODE),
        }
    }
}

/// A column with the name it has in the event table.
#[derive(Clone, Debug, Default)]
pub struct NamedColumn {
    pub name: String,
    pub column: CatColumn,
}

/// The columns of the event table. Optional roles are `None` when the log does not have them.
#[derive(Clone, Debug, Default)]
pub struct EventColumns {
    /// 0-based data-row index in the source file (several events may share one row).
    pub row: Vec<u64>,
    pub user: CatColumn,
    /// Milliseconds since the Unix epoch, UTC.
    pub ts_ms: Vec<i64>,
    pub event: CatColumn,
    /// NaN where the row has no amount.
    pub amount: Option<Vec<f64>>,
    pub item: Option<CatColumn>,
    pub category: Option<CatColumn>,
    /// Linked entities: device, ip, terminal, card, ...
    pub entities: Vec<NamedColumn>,
    /// The log's own label of each event (per user when `label_level` says so).
    pub label: Option<Vec<Label>>,
    /// Every other source column, shown in the event table.
    pub attributes: Vec<NamedColumn>,
}

impl EventColumns {
    pub fn len(&self) -> usize {
        self.ts_ms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ts_ms.is_empty()
    }

    /// Gives back the slack the columns grew while chunks were appended (up to half of
    /// each): a loaded log holds only what it needs.
    pub(crate) fn shrink_to_fit(&mut self) {
        fn cat(c: &mut CatColumn) {
            c.codes.shrink_to_fit();
            c.dict.arena.shrink_to_fit();
            c.dict.ends.shrink_to_fit();
        }
        self.row.shrink_to_fit();
        self.ts_ms.shrink_to_fit();
        cat(&mut self.user);
        cat(&mut self.event);
        if let Some(a) = &mut self.amount {
            a.shrink_to_fit();
        }
        for c in [&mut self.item, &mut self.category].into_iter().flatten() {
            cat(c);
        }
        if let Some(l) = &mut self.label {
            l.shrink_to_fit();
        }
        for n in self.entities.iter_mut().chain(&mut self.attributes) {
            cat(&mut n.column);
        }
    }

    /// Appends the events of `other` where `keep` is true, adding `row_offset` to its rows.
    pub(crate) fn append_from(&mut self, other: &EventColumns, keep: &[bool], row_offset: u64) {
        fn kept<T: Copy>(v: &[T], keep: &[bool]) -> impl Iterator<Item = T> {
            v.iter().zip(keep).filter(|(_, k)| **k).map(|(x, _)| *x)
        }
        // Exact room up front: growing by doubling would leave up to half of each unused.
        let n = keep.iter().filter(|&&k| k).count();
        self.row.reserve_exact(n);
        self.ts_ms.reserve_exact(n);
        if let Some(a) = &mut self.amount {
            a.reserve_exact(n);
        }
        if let Some(l) = &mut self.label {
            l.reserve_exact(n);
        }
        self.row
            .extend(kept(&other.row, keep).map(|r| r + row_offset));
        self.ts_ms.extend(kept(&other.ts_ms, keep));
        self.user.append_from(&other.user, keep);
        self.event.append_from(&other.event, keep);
        // A column `other` lacks (lines appended to a log that all leave a field out) is empty
        // for its events, so every column stays as long as the table.
        if let Some(a) = &mut self.amount {
            match &other.amount {
                Some(b) => a.extend(kept(b, keep)),
                None => a.resize(a.len() + n, f64::NAN),
            }
        }
        for (a, b) in [
            (&mut self.item, &other.item),
            (&mut self.category, &other.category),
        ] {
            if let Some(a) = a {
                a.append_or_nulls(b.as_ref(), keep, n);
            }
        }
        if let Some(a) = &mut self.label {
            match &other.label {
                Some(b) => a.extend(kept(b, keep)),
                None => a.resize(a.len() + n, Label::Unknown),
            }
        }
        for a in self.entities.iter_mut().chain(&mut self.attributes) {
            let b = other
                .entities
                .iter()
                .chain(&other.attributes)
                .find(|b| b.name == a.name);
            a.column.append_or_nulls(b.map(|b| &b.column), keep, n);
        }
    }
}

/// A loaded log: the event table plus what is known about where it came from.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    pub columns: EventColumns,
    pub label_level: Option<LabelLevel>,
}

impl EventLog {
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    pub fn user_count(&self) -> usize {
        self.columns.user.dict.len()
    }

    /// Every user of the log, in code order.
    pub fn users(&self) -> impl DoubleEndedIterator<Item = UserCode> + ExactSizeIterator {
        UserCode::all(self.user_count())
    }

    /// The user called `name`, when the log has one.
    pub fn user_code(&self, name: &str) -> Option<UserCode> {
        self.columns.user.dict.lookup(name).map(UserCode::from_raw)
    }

    /// The name of user `u`.
    pub fn user_name(&self, u: UserCode) -> &str {
        self.columns.user.dict.get(u.raw())
    }

    /// The user of event `e` (`None` for an event without one).
    pub fn user_of(&self, e: usize) -> Option<UserCode> {
        match self.columns.user.codes[e] {
            NULL_CODE => None,
            c => Some(UserCode::from_raw(c)),
        }
    }

    /// Each user's total amount (0 for one without an amount), by user code; `None` for a log
    /// without an amount column.
    pub fn amount_per_user(&self) -> Option<Vec<f64>> {
        let amount = self.columns.amount.as_ref()?;
        let mut sum = vec![0.0; self.user_count()];
        for (e, &a) in amount.iter().enumerate() {
            if let Some(u) = self.user_of(e).filter(|_| a.is_finite()) {
                sum[u.index()] += a;
            }
        }
        Some(sum)
    }

    /// Events per event type, in first-seen order.
    pub fn event_type_counts(&self) -> Vec<(&str, u64)> {
        let mut counts = vec![0u64; self.columns.event.dict.len()];
        for &c in &self.columns.event.codes {
            if c != NULL_CODE {
                counts[c as usize] += 1;
            }
        }
        self.columns.event.dict.iter().zip(counts).collect()
    }

    /// A log of the events where `keep` is true, with the same columns; user and value codes
    /// are renumbered, so only values that remain are in the dictionaries.
    pub fn filtered(&self, keep: &[bool]) -> EventLog {
        let c = &self.columns;
        let empty = |e: &NamedColumn| NamedColumn {
            name: e.name.clone(),
            column: CatColumn::default(),
        };
        let mut columns = EventColumns {
            amount: c.amount.as_ref().map(|_| Vec::new()),
            item: c.item.as_ref().map(|_| CatColumn::default()),
            category: c.category.as_ref().map(|_| CatColumn::default()),
            label: c.label.as_ref().map(|_| Vec::new()),
            entities: c.entities.iter().map(empty).collect(),
            attributes: c.attributes.iter().map(empty).collect(),
            ..EventColumns::default()
        };
        columns.append_from(c, keep, 0);
        EventLog {
            columns,
            label_level: self.label_level,
        }
    }

    /// Appends every event of `other` (a log read with the same mapping, so the same columns),
    /// numbering its rows from `row_offset`.
    pub fn append(&mut self, other: &EventLog, row_offset: u64) {
        self.columns
            .append_from(&other.columns, &vec![true; other.len()], row_offset);
    }

    /// Each event's place among the events read from its data row (a row can hold several:
    /// `extra_events`), in log order: with the row, what names an event in any part of it.
    pub fn places_in_row(&self) -> Vec<u32> {
        let mut seen: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
        self.columns
            .row
            .iter()
            .map(|&row| {
                let n = seen.entry(row).or_insert(0);
                *n += 1;
                *n - 1
            })
            .collect()
    }

    /// This log with its users numbered in the order of `names`, which may name users
    /// without events here (a sample's log that must number accounts as the whole log did);
    /// `Err` with the first user of an event that `names` leaves out, or a name given twice.
    pub fn with_users_in_order(mut self, names: &[String]) -> Result<EventLog, String> {
        let mut dict = Dict::default();
        for (i, name) in names.iter().enumerate() {
            if dict.intern(name) as usize != i {
                return Err(format!("user '{name}' is named twice"));
            }
        }
        let old = &self.columns.user.dict;
        let mut codes = Vec::with_capacity(self.columns.user.codes.len());
        for &c in &self.columns.user.codes {
            codes.push(match c {
                NULL_CODE => NULL_CODE,
                c => {
                    let name = old.get(c);
                    dict.lookup(name)
                        .ok_or_else(|| format!("user '{name}' has events but is not named"))?
                }
            });
        }
        self.columns.user = CatColumn { codes, dict };
        Ok(self)
    }

    /// Earliest and latest event time in ms, or `None` for an empty log.
    pub fn time_range_ms(&self) -> Option<(i64, i64)> {
        let ts = &self.columns.ts_ms;
        Some((*ts.iter().min()?, *ts.iter().max()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_renumber_in_the_order_given_with_users_without_events() {
        let mut log = EventLog::default();
        for (user, ts) in [("b", 1), ("a", 2), ("b", 3)] {
            log.columns.row.push(ts as u64);
            log.columns.ts_ms.push(ts);
            let code = log.columns.user.code_of(user);
            log.columns.user.codes.push(code);
        }
        let names: Vec<String> = ["a", "quiet", "b"].map(String::from).to_vec();
        let renumbered = log.clone().with_users_in_order(&names).unwrap();
        assert_eq!(renumbered.user_count(), 3);
        assert_eq!(renumbered.columns.user.codes, vec![2, 0, 2]);
        assert_eq!(renumbered.user_name(UserCode::from_index(1)), "quiet");
        let err = log.clone().with_users_in_order(&names[..2]).unwrap_err();
        assert!(err.contains("'b' has events"), "{err}");
        let twice: Vec<String> = ["a", "a", "b"].map(String::from).to_vec();
        assert!(
            log.with_users_in_order(&twice)
                .unwrap_err()
                .contains("twice")
        );
    }

    #[test]
    fn dict_interns_once_in_order() {
        let mut d = Dict::default();
        assert_eq!(d.intern("b"), 0);
        assert_eq!(d.intern("用户"), 1);
        assert_eq!(d.intern("b"), 0);
        assert_eq!(d.get(1), "用户");
        assert_eq!(d.lookup("用户"), Some(1));
        assert_eq!(d.lookup("x"), None);
        assert_eq!(d.iter().collect::<Vec<_>>(), ["b", "用户"]);
    }

    #[test]
    fn appending_events_without_an_optional_column_leaves_theirs_empty() {
        let mut a = EventColumns::default();
        a.ts_ms.push(1);
        a.row.push(0);
        let c = a.user.code_of("u1");
        a.user.codes.push(c);
        a.event.codes.push(NULL_CODE);
        a.amount = Some(vec![9.5]);
        a.label = Some(vec![Label::Fraud]);
        let mut device = CatColumn::default();
        let d = device.code_of("d1");
        device.codes.push(d);
        a.entities.push(NamedColumn {
            name: "device".into(),
            column: device,
        });
        // The appended lines have a user, a time and an IP; no amount, label or device.
        let mut b = EventColumns::default();
        b.ts_ms.extend([2, 3]);
        b.row.extend([1, 2]);
        for u in ["u2", "u1"] {
            let c = b.user.code_of(u);
            b.user.codes.push(c);
            b.event.codes.push(NULL_CODE);
        }
        let mut ip = CatColumn::default();
        let i = ip.code_of("1.2.3.4");
        ip.codes.extend([i, i]);
        b.entities.push(NamedColumn {
            name: "ip".into(),
            column: ip,
        });
        a.append_from(&b, &[true, true], 0);
        assert_eq!(a.len(), 3);
        let amount = a.amount.as_ref().unwrap();
        assert_eq!(amount.len(), 3);
        assert!(amount[1].is_nan() && amount[2].is_nan());
        assert_eq!(
            a.label.as_deref(),
            Some(&[Label::Fraud, Label::Unknown, Label::Unknown][..])
        );
        let device = &a.entities[0].column;
        assert_eq!(device.len(), 3);
        assert_eq!(
            (device.get(0), device.get(1), device.get(2)),
            (Some("d1"), None, None)
        );
    }

    #[test]
    fn append_remaps_codes_and_skips_dropped_rows() {
        let mut a = CatColumn::default();
        let c = a.code_of("x");
        a.codes.push(c);
        let mut b = CatColumn::default();
        for v in ["y", "x", "", "y"] {
            let c = b.code_of(v);
            b.codes.push(c);
        }
        a.append_from(&b, &[true, true, true, false]);
        let values: Vec<_> = (0..a.len()).map(|i| a.get(i)).collect();
        assert_eq!(values, [Some("x"), Some("y"), Some("x"), None]);
    }
}
