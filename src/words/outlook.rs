//! An account's behaviour outlook in words: "next 7 days: buys 34 % · churns 12 % · next:
//! view (48 %)".

use rust_i18n::t;

use super::language::Language;
use super::say::Say;
use crate::workbench::AccountOutlook;

impl Say for AccountOutlook {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        let percent = |p: f32| format!("{:.0} %", p * 100.0);
        let mut parts = Vec::new();
        if let Some(p) = self.purchase {
            parts.push(t!("outlook.buys", locale = l, p = percent(p)));
        }
        if let Some(p) = self.churn {
            parts.push(t!("outlook.churns", locale = l, p = percent(p)));
        }
        if let Some((event, p)) = &self.next {
            parts.push(t!(
                "outlook.next",
                locale = l,
                event = event,
                p = percent(*p)
            ));
        }
        t!(
            "outlook.line",
            locale = l,
            days = self.horizon_days,
            parts = parts.join(" · ")
        )
        .into_owned()
    }
}

impl std::fmt::Display for AccountOutlook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Language::English))
    }
}
