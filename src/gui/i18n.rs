//! The window's languages. Every user-facing string of the window comes from one catalogue,
//! `locales/app.yml` (rust-i18n, English and 简体中文, compiled in), looked up with `t!`;
//! numbers and times are formatted for the language here.

use serde::{Deserialize, Serialize};

pub use rust_i18n::t;

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

    /// The language's name in itself, as the switch lists it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Chinese => "简体中文",
        }
    }

    /// Makes this the window's language from the next frame on.
    pub fn apply(self) {
        rust_i18n::set_locale(self.code());
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

    /// The window's language now.
    pub fn current() -> Self {
        if rust_i18n::locale().starts_with("zh") {
            Language::Chinese
        } else {
            Language::English
        }
    }
}

/// An application-layer name (a risk, a verdict, a filter) in the window's language: the
/// catalogue's `GROUP.NAME`, the name itself where the catalogue lacks it.
pub fn name_of(group: &str, name: &str) -> String {
    let key = format!("{group}.{name}");
    let text = t!(&key);
    if text == key.as_str() {
        name.to_string()
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t!("key"...)` of the window's source.
    fn keys_in_source() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/gui");
        let mut files = vec![root.clone()];
        let mut keys = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.ends_with("i18n.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // `t!("` not inside another macro's name (`format!("` ends the same way).
            for (at, _) in text.match_indices("t!(\"") {
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &text[at + 4..];
                if let Some(end) = rest.find('"') {
                    keys.push(rest[..end].to_string());
                }
            }
        }
        keys
    }

    #[test]
    fn every_key_the_window_uses_is_in_both_languages() {
        let keys = keys_in_source();
        assert!(keys.len() > 100, "found {} keys", keys.len());
        for key in keys {
            for locale in ["en", "zh-CN"] {
                let text = t!(&key, locale = locale);
                assert_ne!(text, key.as_str(), "{key} has no {locale} text");
            }
        }
    }

    #[test]
    fn names_of_the_application_layer_are_translated() {
        use crate::cases::Verdict;
        use crate::detect::Risk;
        for r in [Risk::Normal, Risk::Suspicious, Risk::High] {
            let key = format!("risk.{}", r.name());
            assert_ne!(t!(&key, locale = "zh-CN"), r.name());
        }
        for v in [Verdict::Fraud, Verdict::Legit, Verdict::Unsure] {
            let key = format!("verdict.{}", v.name());
            assert_ne!(t!(&key, locale = "zh-CN"), v.name());
        }
        assert_eq!(name_of("no_such_group", "kept"), "kept");
    }

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
    }
}
