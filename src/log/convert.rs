//! Turns source rows into events by a `Plan`: rejects rows whose user or time cannot be read
//! (counted by reason, with examples), and notes softer problems as warnings.

use super::issues::{Issue, IssueLog};
use super::label::Label;
use super::mapping::LabelLevel;
use super::plan::Role;
use super::plan::{EventRole, Plan};
use super::record::{Record, SplitRecord};
use super::table::EventColumns;

/// Events converted from one run of consecutive rows (a chunk of the file).
pub struct Converted {
    pub columns: EventColumns,
    /// Data rows seen, loaded or not.
    pub rows: u64,
    /// (row, content hash) of every accepted row, for duplicate removal across chunks.
    pub accepted: Vec<(u64, u128)>,
    pub rejects: IssueLog,
    pub warnings: IssueLog,
}

pub struct Converter<'p> {
    plan: &'p Plan,
    out: Converted,
    /// Scratch for one row, reused so that a row costs no allocation: its events' times
    /// (with extra event names), and the codes of its entity and attribute values.
    times: Vec<(i64, Option<u32>)>,
    entity_codes: Vec<u32>,
    attr_codes: Vec<u32>,
    /// The file line where the next row starts, when the reader knows it.
    line: Option<u64>,
}

impl<'p> Converter<'p> {
    pub fn new(plan: &'p Plan) -> Self {
        Self {
            plan,
            out: Converted {
                columns: plan.empty_columns(),
                rows: 0,
                accepted: Vec::new(),
                rejects: IssueLog::default(),
                warnings: IssueLog::default(),
            },
            times: Vec::new(),
            entity_codes: Vec::new(),
            attr_codes: Vec::new(),
            line: None,
        }
    }

    pub fn finish(self) -> Converted {
        self.out
    }

    /// The file line where the next row starts, for the report's examples.
    pub fn at_line(&mut self, line: u64) {
        self.line = Some(line);
    }

    /// Notes a row that could not even be split into fields.
    pub fn reject_unreadable(&mut self, issue: Issue, value: &str) {
        let row = self.out.rows;
        self.out.rows += 1;
        self.out.rejects.add(issue, row, self.line, value);
    }

    /// Notes a warning about the row pushed last.
    pub fn warn_last_row<R: Record + ?Sized>(&mut self, issue: Issue, rec: &R) {
        let row = self.out.rows.saturating_sub(1);
        self.out
            .warnings
            .add(issue, row, self.line, &rec.raw_text());
    }

    pub fn push<R: Record + ?Sized>(&mut self, rec: &R) {
        let row = self.out.rows;
        self.out.rows += 1;
        let p = self.plan;
        let n = rec.field_count();
        let width = p.columns.len();
        if n < p.required_fields() {
            let issue = Issue::TooFewFields {
                required: p.required_fields(),
                width,
            };
            self.out.rejects.add(issue, row, self.line, &rec.raw_text());
            return;
        }
        if n != width {
            // Ragged rows load, but never silently.
            let issue = if n < width {
                Issue::FewerFields { width }
            } else {
                Issue::MoreFields { width }
            };
            let shown = format!("{n} fields: {}", rec.raw_text());
            self.out.warnings.add(issue, row, self.line, &shown);
        }
        match rec.damaged_field() {
            None => self.push_fields(rec, row),
            Some(c) => self.push_repaired(rec, row, c),
        }
    }

    /// A row with damaged text in column `c`: rejected when that is the user or the time (a
    /// damaged id would make up an account), else loaded with its NULs dropped and undecodable
    /// bytes as U+FFFD, and said so.
    fn push_repaired<R: Record + ?Sized>(&mut self, rec: &R, row: u64, c: usize) {
        let p = self.plan;
        let column = p.columns.get(c).cloned();
        if let (true, Some(column)) = (c == p.user || c == p.time.column, column.clone()) {
            let role = if c == p.user { Role::User } else { Role::Time };
            let issue = Issue::DamagedKey { role, column };
            self.out.rejects.add(issue, row, self.line, &rec.raw_text());
            return;
        }
        self.out.warnings.add(
            Issue::DamagedValue { column },
            row,
            self.line,
            &rec.raw_text(),
        );
        let owned: Vec<String> = (0..rec.field_count())
            .map(|i| rec.field(i).replace('\0', ""))
            .collect();
        let fields: Vec<&str> = owned.iter().map(String::as_str).collect();
        self.push_fields(&SplitRecord(&fields), row);
    }

    /// Converts a row whose shape and text were checked.
    fn push_fields<R: Record + ?Sized>(&mut self, rec: &R, row: u64) {
        let p = self.plan;
        let user = rec.field(p.user);
        let user = user.trim();
        if user.is_empty() {
            let issue = Issue::EmptyUser {
                column: p.columns[p.user].clone(),
            };
            self.out.rejects.add(issue, row, self.line, &rec.raw_text());
            return;
        }
        self.times.clear();
        for (i, role) in std::iter::once(&p.time).chain(&p.extra).enumerate() {
            let raw = rec.field(role.column);
            let raw = raw.trim();
            let col = &p.columns[role.column];
            if raw.is_empty() {
                if i == 0 {
                    let issue = Issue::EmptyTime {
                        column: col.clone(),
                    };
                    self.out.rejects.add(issue, row, self.line, &rec.raw_text());
                    return;
                }
                // An extra event with no time did not happen (e.g. no download after a click).
                continue;
            }
            let Some(ts) = role.format.parse(raw) else {
                let issue = Issue::TimeMismatch {
                    column: col.clone(),
                    format: role.format.name(),
                };
                self.out.rejects.add(issue, row, self.line, raw);
                return;
            };
            let name = role
                .event_name
                .as_deref()
                .map(|n| self.out.columns.event.code_of(n));
            self.times.push((ts, name));
        }
        self.out.accepted.push((row, rec.content_hash()));
        self.push_events(rec, row, user);
    }

    fn push_events<R: Record + ?Sized>(&mut self, rec: &R, row: u64, user: &str) {
        let p = self.plan;
        let cols = &mut self.out.columns;
        let user_code = cols.user.code_of(user);
        let main_event = match &p.event {
            EventRole::Column(c) => {
                let v = rec.field(*c);
                let v = v.trim();
                cols.event.code_of(if v.is_empty() { "unknown" } else { v })
            }
            EventRole::Constant(name) => cols.event.code_of(name),
        };
        let amount = p.amount.map(|c| {
            let raw = rec.field(c);
            parse_amount(&raw).unwrap_or_else(|| {
                let issue = Issue::AmountNotNumber {
                    column: p.columns[c].clone(),
                };
                self.out.warnings.add(issue, row, self.line, &raw);
                f64::NAN
            })
        });
        let label = p.label.map(|(c, _)| {
            let raw = rec.field(c);
            parse_label(&raw).unwrap_or_else(|| {
                let issue = Issue::NotALabel {
                    column: p.columns[c].clone(),
                };
                self.out.warnings.add(issue, row, self.line, &raw);
                Label::Unknown
            })
        });
        let item_code = p
            .item
            .and_then(|c| Some(cols.item.as_mut()?.code_of(&rec.field(c))));
        let category_code = p
            .category
            .and_then(|c| Some(cols.category.as_mut()?.code_of(&rec.field(c))));
        self.entity_codes.clear();
        for ((_, c), col) in p.entities.iter().zip(cols.entities.iter_mut()) {
            self.entity_codes.push(col.column.code_of(&rec.field(*c)));
        }
        self.attr_codes.clear();
        for (&c, col) in p.attributes.iter().zip(cols.attributes.iter_mut()) {
            self.attr_codes.push(col.column.code_of(&rec.field(c)));
        }

        for (i, &(ts, name)) in self.times.iter().enumerate() {
            let is_main = i == 0;
            cols.row.push(row);
            cols.user.codes.push(user_code);
            cols.ts_ms.push(ts);
            cols.event.codes.push(name.unwrap_or(main_event));
            if let (Some(v), Some(a)) = (cols.amount.as_mut(), amount) {
                // The amount belongs to the row's main event, not to e.g. its signup.
                v.push(if is_main { a } else { f64::NAN });
            }
            if let (Some(v), Some(l)) = (cols.label.as_mut(), label) {
                let user_level = matches!(p.label, Some((_, LabelLevel::User)));
                v.push(if is_main || user_level {
                    l
                } else {
                    Label::Unknown
                });
            }
            if let (Some(col), Some(c)) = (cols.item.as_mut(), item_code) {
                col.codes.push(c);
            }
            if let (Some(col), Some(c)) = (cols.category.as_mut(), category_code) {
                col.codes.push(c);
            }
            for (col, &c) in cols.entities.iter_mut().zip(&self.entity_codes) {
                col.column.codes.push(c);
            }
            for (col, &c) in cols.attributes.iter_mut().zip(&self.attr_codes) {
                col.column.codes.push(c);
            }
        }
    }
}

/// Reads an amount, tolerating currency signs and thousands separators; empty is NaN.
pub fn parse_amount(raw: &str) -> Option<f64> {
    let s = raw.trim();
    if s.is_empty() {
        return Some(f64::NAN);
    }
    if let Ok(v) = s.parse::<f64>() {
        return Some(v);
    }
    let cleaned: String = s
        .trim_start_matches(['$', '¥', '€', '£', '￥'])
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    cleaned.parse::<f64>().ok()
}

/// Reads a label value: 1/0, true/false, fraud/legit, yes/no. Empty is unknown.
pub fn parse_label(raw: &str) -> Option<Label> {
    const FRAUD: [&str; 7] = ["1", "1.0", "true", "fraud", "yes", "y", "t"];
    const LEGIT: [&str; 7] = ["0", "0.0", "false", "legit", "no", "n", "f"];
    let s = raw.trim();
    // Compared without lower-casing into a new string: this runs once per row.
    let is = |words: &[&str]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
    if s.is_empty() {
        Some(Label::Unknown)
    } else if is(&FRAUD) {
        Some(Label::Fraud)
    } else if is(&LEGIT) {
        Some(Label::Legit)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_labels() {
        assert_eq!(parse_amount("12.5"), Some(12.5));
        assert_eq!(parse_amount("$1,234.50"), Some(1234.5));
        assert_eq!(parse_amount("¥88"), Some(88.0));
        assert!(parse_amount("").unwrap().is_nan());
        assert_eq!(parse_amount("twelve"), None);
        assert_eq!(parse_label("Fraud"), Some(Label::Fraud));
        assert_eq!(parse_label("0"), Some(Label::Legit));
        assert_eq!(parse_label(""), Some(Label::Unknown));
        assert_eq!(parse_label("maybe"), None);
    }
}
