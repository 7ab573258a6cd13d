//! The languages Vigil speaks (English and 简体中文), numbers and moments as each writes them,
//! and `Say`, what every value with words has: a sentence in a given language. A leaf: any
//! folder may import it, and `words/` (with the types that say themselves) builds on it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Language {
    #[default]
    English,
    Chinese,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Chinese];

    /// The catalogue's locale code.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Chinese => "zh-CN",
        }
    }

    /// The language's name in itself, as a language switch lists it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Chinese => "简体中文",
        }
    }

    /// Makes this the language of catalogue lookups that name none (the window's own words)
    /// from now on.
    pub fn apply(self) {
        rust_i18n::set_locale(self.code());
    }

    /// The language of catalogue lookups that name none.
    pub fn current() -> Self {
        if rust_i18n::locale().starts_with("zh") {
            Language::Chinese
        } else {
            Language::English
        }
    }

    /// A count with thousands grouped (`24,306`; the same digits in Chinese).
    pub fn number(self, n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// A moment (ms since the epoch, UTC) to the minute or second: `2026-10-02 17:20` /
    /// `2026年10月02日 17:20`.
    pub fn date_time(self, ms: i64, seconds: bool) -> String {
        let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
            return format!("{ms} ms");
        };
        let time = if seconds { "%H:%M:%S" } else { "%H:%M" };
        let date = match self {
            Language::English => "%Y-%m-%d",
            Language::Chinese => "%Y年%m月%d日",
        };
        t.format(&format!("{date} {time}")).to_string()
    }

    /// The day of a moment, without its year (which the top bar's range gives): `10-11` /
    /// `10月11日`.
    pub fn day(self, ms: i64) -> String {
        let format = match self {
            Language::English => "%m-%d",
            Language::Chinese => "%m月%d日",
        };
        match chrono::DateTime::from_timestamp_millis(ms) {
            Some(t) => t.format(format).to_string(),
            None => format!("{ms} ms"),
        }
    }

    /// The time of day of a moment (UTC, as every time Vigil shows): `10:02`.
    pub fn clock(self, ms: i64) -> String {
        match chrono::DateTime::from_timestamp_millis(ms) {
            Some(t) => t.format("%H:%M").to_string(),
            None => format!("{ms} ms"),
        }
    }
}

/// A value said in `language`; its `Display` is `say(Language::English)`.
pub trait Say {
    fn say(&self, language: Language) -> String;
}

impl std::str::FromStr for Language {
    type Err = String;

    /// `en` or `zh-CN` (also `english`, `zh`, `chinese`, any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "en" | "english" => Ok(Language::English),
            "zh" | "zh-cn" | "zh_cn" | "chinese" => Ok(Language::Chinese),
            other => Err(format!("unknown language '{other}': use en or zh-CN")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_follow_the_language() {
        assert_eq!(Language::English.number(24306), "24,306");
        assert_eq!(Language::English.number(999), "999");
        assert_eq!(Language::Chinese.number(1_234_567), "1,234,567");
        let ms = 1_759_425_609_000; // 2025-10-02 17:20:09 UTC
        assert_eq!(Language::English.date_time(ms, true), "2025-10-02 17:20:09");
        assert_eq!(
            Language::Chinese.date_time(ms, false),
            "2025年10月02日 17:20"
        );
        assert_eq!("zh-CN".parse::<Language>(), Ok(Language::Chinese));
        assert_eq!("EN".parse::<Language>(), Ok(Language::English));
        assert!("fr".parse::<Language>().is_err());
    }
}
