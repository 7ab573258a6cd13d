//! What every value with words has: a sentence in a given language.

use super::language::Language;

/// A value said in `language`; its `Display` is `say(Language::English)`.
pub trait Say {
    fn say(&self, language: Language) -> String;
}
