//! Counted problems with examples: rejected rows and non-fatal warnings in the load report.
//! Each problem is a value (`Issue`, with the columns and numbers it names); `words` says it.

use serde::Serialize;

use super::plan::Role;

/// What was wrong with a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Issue {
    /// The row ends before its user or time column (rejected).
    TooFewFields {
        required: usize,
        width: usize,
    },
    /// The row has fewer fields than the header: the missing ones are empty.
    FewerFields {
        width: usize,
    },
    /// The row has more fields than the header: the extra ones are not loaded.
    MoreFields {
        width: usize,
    },
    /// The user or time column has an undecodable byte or a NUL (rejected: a damaged id
    /// would make up an account).
    DamagedKey {
        role: Role,
        column: String,
    },
    /// Another column (`None`: a field past the header) has one; loaded without it.
    DamagedValue {
        column: Option<String>,
    },
    EmptyUser {
        column: String,
    },
    EmptyTime {
        column: String,
    },
    /// The time is not in the column's format (its name).
    TimeMismatch {
        column: String,
        format: String,
    },
    /// The amount is not a number: loaded as missing.
    AmountNotNumber {
        column: String,
    },
    /// The label is not one a label column holds: loaded as unknown.
    NotALabel {
        column: String,
    },
    /// The line is not a JSON object (the parser's words).
    NotJson {
        detail: String,
    },
    /// The row cannot be split into fields.
    NotDelimited,
    /// A quote opened and never closed: dropped, and the row read as text.
    UnclosedQuote,
    /// Lines appended to a watched log from `first_row` could not be read (why, as the load
    /// error says it).
    AppendedUnread {
        first_row: u64,
        detail: String,
    },
}

/// How many examples each reason keeps.
pub const MAX_EXAMPLES: usize = 5;
/// Longest example value kept, in characters.
const MAX_EXAMPLE_CHARS: usize = 120;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Example {
    /// 0-based data-row index.
    pub row: u64,
    /// 1-based line of the file where the row starts (text files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub value: String,
}

impl Example {
    /// "line 12 (row 10)" where the file line is known, else "row 10".
    pub fn place(&self) -> String {
        match self.line {
            Some(line) => format!("line {line} (row {})", self.row),
            None => format!("row {}", self.row),
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct IssueStat {
    pub issue: Issue,
    pub count: u64,
    pub examples: Vec<Example>,
}

/// Issues by reason, in the order first met.
#[derive(Clone, Debug, Default)]
pub struct IssueLog {
    pub stats: Vec<IssueStat>,
}

impl IssueLog {
    pub fn add(&mut self, issue: Issue, row: u64, line: Option<u64>, value: &str) {
        let stat = self.stat_mut(issue);
        stat.count += 1;
        if stat.examples.len() < MAX_EXAMPLES {
            let mut value: String = value.chars().take(MAX_EXAMPLE_CHARS).collect();
            if value.chars().count() == MAX_EXAMPLE_CHARS {
                value.push('…');
            }
            stat.examples.push(Example { row, line, value });
        }
    }

    /// Adds the issues of a later chunk whose rows start at `row_offset`.
    pub fn merge(&mut self, other: IssueLog, row_offset: u64) {
        for s in other.stats {
            let mine = self.stat_mut(s.issue);
            mine.count += s.count;
            let room = MAX_EXAMPLES - mine.examples.len();
            mine.examples
                .extend(s.examples.into_iter().take(room).map(|e| Example {
                    row: e.row + row_offset,
                    ..e
                }));
        }
    }

    /// The entry for `issue`, added (empty) when new.
    fn stat_mut(&mut self, issue: Issue) -> &mut IssueStat {
        let i = match self.stats.iter().position(|s| s.issue == issue) {
            Some(i) => i,
            None => {
                self.stats.push(IssueStat {
                    issue,
                    count: 0,
                    examples: Vec::new(),
                });
                self.stats.len() - 1
            }
        };
        &mut self.stats[i]
    }

    pub fn total(&self) -> u64 {
        self.stats.iter().map(|s| s.count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_offsets_rows_and_caps_examples() {
        let mut a = IssueLog::default();
        for r in 0..4 {
            a.add(Issue::NotDelimited, r, None, "x");
        }
        let mut b = IssueLog::default();
        for r in 0..3 {
            b.add(Issue::NotDelimited, r, None, "y");
        }
        b.add(
            Issue::EmptyUser {
                column: "user".into(),
            },
            2,
            Some(9),
            "",
        );
        a.merge(b, 100);
        assert_eq!(a.stats[0].count, 7);
        assert_eq!(a.stats[0].examples.len(), MAX_EXAMPLES);
        assert_eq!(a.stats[0].examples[4].row, 100);
        assert_eq!(a.stats[1].examples[0].row, 102);
        assert_eq!(
            a.stats[1].examples[0].line,
            Some(9),
            "lines are the file's already"
        );
        assert_eq!(a.total(), 8);
    }
}
