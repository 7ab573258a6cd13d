//! The window's language. Every user-facing string comes from one catalogue,
//! `locales/app.yml` (rust-i18n, English and 简体中文, compiled in): the window's own words are
//! looked up with `t!` in the window's language; what the library says (reasons, profiles,
//! stages, the load report, the names of its values) is said by `words` in that language.

pub use rust_i18n::t;

pub use crate::words::{Language, Say};

/// `value` in the window's language now.
pub fn say(value: &impl Say) -> String {
    value.say(Language::current())
}

/// A count as the window's language writes it, thousands grouped (`1,499`).
pub fn count(n: impl TryInto<u64>) -> String {
    Language::current().number(n.try_into().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t!("key"...)` of the source: the window's, the command line's and `words`'.
    fn keys_in_source() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![root];
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
    fn every_key_the_program_uses_is_in_both_languages() {
        let keys = keys_in_source();
        assert!(keys.len() > 250, "found {} keys", keys.len());
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
            assert_ne!(r.say(Language::Chinese), r.name());
        }
        for v in [Verdict::Fraud, Verdict::Legit, Verdict::Unsure] {
            assert_ne!(v.say(Language::Chinese), v.name());
        }
    }
}
