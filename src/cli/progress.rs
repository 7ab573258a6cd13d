//! Progress on stderr, only when a person is watching it.

use std::io::IsTerminal;

use crate::progress::{Progress, Stage};
use crate::words::{Language, Say};

pub struct TerminalProgress {
    enabled: bool,
    language: Language,
}

impl TerminalProgress {
    /// Shown when stderr is a terminal and the output is not meant for a script.
    pub fn new(quiet: bool) -> Self {
        Self::in_language(quiet, Language::English)
    }

    /// Stages said in `language`.
    pub fn in_language(quiet: bool, language: Language) -> Self {
        Self {
            enabled: !quiet && std::io::stderr().is_terminal(),
            language,
        }
    }

    /// Clears the progress line before the command prints its result.
    pub fn finish(&self) {
        if self.enabled {
            eprint!("\r\x1b[K");
        }
    }
}

impl Progress for TerminalProgress {
    fn report(&self, stage: Stage, done: u64, total: Option<u64>) {
        if let (true, Some(total)) = (self.enabled, total.filter(|t| *t > 0)) {
            let stage = stage.say(self.language);
            eprint!("\r{stage}: {:>3}%", done * 100 / total);
        }
    }
    fn is_cancelled(&self) -> bool {
        false
    }
}
