//! What a long job is doing, for a status bar or a terminal: "event features", "training
//! gbdt", "训练 gbdt".

use rust_i18n::t;

use crate::language::{Language, Say};
use crate::progress::Stage;

impl Say for Stage {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match *self {
            Stage::ReadingHead => t!("stage.reading_head", locale = l),
            Stage::Reading => t!("stage.reading", locale = l),
            Stage::Converting => t!("stage.converting", locale = l),
            Stage::Loaded => t!("stage.loaded", locale = l),
            Stage::AccountFeatures => t!("stage.account_features", locale = l),
            Stage::EventFeatures => t!("stage.event_features", locale = l),
            Stage::LiveFeatures => t!("stage.live_features", locale = l),
            Stage::PredictionFeatures => t!("stage.prediction_features", locale = l),
            Stage::Training(kind) => t!("stage.training", locale = l, kind = kind),
            Stage::TrainingOnCpu(kind) => t!("stage.training_on_cpu", locale = l, kind = kind),
            Stage::TrainingPurchase => t!("stage.training_purchase", locale = l),
            Stage::TrainingChurn => t!("stage.training_churn", locale = l),
            Stage::TrainingNextEvent => t!("stage.training_next_event", locale = l),
            Stage::TrainingBaseline => t!("stage.training_baseline", locale = l),
            Stage::Scoring => t!("stage.scoring", locale = l),
            Stage::ReadingAccounts => t!("stage.reading_accounts", locale = l),
            Stage::Segmenting => t!("stage.segmenting", locale = l),
        }
        .into_owned()
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Language::English))
    }
}
