//! What was wrong with a row of a log, in words: "amount 'amount' is not a number".

use rust_i18n::t;

use crate::language::{Language, Say};
use crate::log::{Example, Issue};

impl Say for Issue {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            Issue::TooFewFields { required, width } => t!(
                "issue.too_few_fields",
                locale = l,
                required = required,
                width = width
            ),
            Issue::FewerFields { width } => t!("issue.fewer_fields", locale = l, width = width),
            Issue::MoreFields { width } => t!("issue.more_fields", locale = l, width = width),
            Issue::DamagedKey { role, column } => t!(
                "issue.damaged_key",
                locale = l,
                role = role.name(),
                column = column,
                hint = t!("issue.damage_hint", locale = l)
            ),
            Issue::DamagedValue { column } => {
                let column = match column {
                    Some(c) => format!("'{c}'"),
                    None => t!("issue.an_extra_field", locale = l).into_owned(),
                };
                t!(
                    "issue.damaged_value",
                    locale = l,
                    column = column,
                    hint = t!("issue.damage_hint", locale = l)
                )
            }
            Issue::EmptyUser { column } => t!("issue.empty_user", locale = l, column = column),
            Issue::EmptyTime { column } => t!("issue.empty_time", locale = l, column = column),
            Issue::TimeMismatch { column, format } => t!(
                "issue.time_mismatch",
                locale = l,
                column = column,
                format = format
            ),
            Issue::AmountNotNumber { column } => {
                t!("issue.amount_not_number", locale = l, column = column)
            }
            Issue::NotALabel { column } => t!("issue.not_a_label", locale = l, column = column),
            Issue::NotJson { detail } => t!("issue.not_json", locale = l, detail = detail),
            Issue::NotDelimited => t!("issue.not_delimited", locale = l),
            Issue::UnclosedQuote => t!("issue.unclosed_quote", locale = l),
            Issue::AppendedUnread { first_row, detail } => t!(
                "issue.appended_unread",
                locale = l,
                first_row = first_row,
                detail = detail
            ),
        }
        .into_owned()
    }
}

impl Say for Example {
    /// "line 12 (row 10): 'abc'", or "row 10: 'abc'".
    fn say(&self, language: Language) -> String {
        let l = language.code();
        let place = match self.line {
            Some(line) => t!("issue.at_line", locale = l, line = line, row = self.row),
            None => t!("issue.at_row", locale = l, row = self.row),
        };
        format!("{place}: '{}'", self.value)
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Language::English))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Role;

    #[test]
    fn issues_read_as_before_in_english_and_in_chinese() {
        let amount = Issue::AmountNotNumber {
            column: "amount".into(),
        };
        assert_eq!(amount.to_string(), "amount 'amount' is not a number");
        assert!(amount.say(Language::Chinese).contains("不是数字"));
        let damaged = Issue::DamagedKey {
            role: Role::User,
            column: "user".into(),
        };
        assert_eq!(
            damaged.to_string(),
            "user 'user' has an undecodable byte or a NUL (a damaged row, or another encoding: see --encoding)"
        );
        let too_few = Issue::TooFewFields {
            required: 2,
            width: 3,
        };
        assert_eq!(
            too_few.to_string(),
            "row has too few fields to reach the user and time columns (expected 2 of 3)"
        );
    }
}
