//! What the library says to an analyst, in both languages: every feature of a generated shop
//! has a phrase in Chinese as well as in English, every job stage is said in both, and the
//! command line writes the load report, the reasons and the segment profiles in Chinese when
//! asked (`--lang zh-CN`), English otherwise.

mod common;

use std::sync::Arc;

use common::{stderr, stdout, vigil};
use vigil::features::Dataset;
use vigil::log::{self, Mapping};
use vigil::progress::{NoProgress, Stage};
use vigil::sample::{SampleConfig, generate, write_log};
use vigil::words::{Language, Say, feature};

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn shop(dir: &std::path::Path) -> std::path::PathBuf {
    let sample = generate(&SampleConfig {
        users: 150,
        days: 12,
        seed: 11,
        ..SampleConfig::default()
    });
    let path = dir.join("shop.csv");
    write_log(&sample, &path).unwrap();
    path
}

#[test]
fn every_feature_of_a_shop_is_said_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let path = shop(dir.path());
    let loaded = log::load(&path, &Mapping::default(), &NoProgress).unwrap();
    let data = Dataset::build(Arc::new(loaded.log), &[], 0, &NoProgress).unwrap();
    let specs = data.account.specs.iter().chain(&data.events.specs);
    let mut said = 0;
    for spec in specs {
        let english = feature(spec, 3.0, Language::English);
        let chinese = feature(spec, 3.0, Language::Chinese);
        assert!(!english.contains("%{"), "{}: {english}", spec.name);
        assert!(has_cjk(&chinese), "{}: {chinese}", spec.name);
        assert_ne!(english, chinese, "{}", spec.name);
        said += 1;
    }
    assert!(said > 60, "{said} features");
}

#[test]
fn every_stage_is_said_in_both_languages() {
    let stages = [
        Stage::ReadingHead,
        Stage::Reading,
        Stage::Converting,
        Stage::Loaded,
        Stage::AccountFeatures,
        Stage::EventFeatures,
        Stage::LiveFeatures,
        Stage::PredictionFeatures,
        Stage::Training("gbdt"),
        Stage::TrainingOnCpu("gru"),
        Stage::TrainingPurchase,
        Stage::TrainingChurn,
        Stage::TrainingNextEvent,
        Stage::TrainingBaseline,
        Stage::Scoring,
        Stage::ReadingAccounts,
        Stage::Segmenting,
    ];
    for stage in stages {
        let chinese = stage.say(Language::Chinese);
        assert!(has_cjk(&chinese), "{stage:?}: {chinese}");
        assert_ne!(stage.to_string(), chinese);
    }
    assert_eq!(Stage::Training("gbdt").to_string(), "training gbdt");
}

#[test]
fn the_command_line_speaks_chinese_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = shop(dir.path());
    let log = path.to_str().unwrap();

    let english = vigil(&["inspect", log]);
    assert!(english.status.success(), "{}", stderr(&english));
    assert!(
        stdout(&english).starts_with("file "),
        "{}",
        stdout(&english)
    );
    let chinese = vigil(&["inspect", log, "--lang", "zh-CN"]);
    assert!(chinese.status.success(), "{}", stderr(&chinese));
    let report = stdout(&chinese);
    assert!(report.starts_with("文件"), "{report}");
    assert!(
        report.contains("读取") && report.contains("载入"),
        "{report}"
    );

    let scores = dir.path().join("scores.csv");
    let scored = vigil(&[
        "score",
        log,
        "--detector",
        "zscore",
        "--out",
        scores.to_str().unwrap(),
        "--lang",
        "zh-CN",
    ]);
    assert!(scored.status.success(), "{}", stderr(&scored));
    let csv = std::fs::read_to_string(&scores).unwrap();
    let top = csv.lines().nth(1).expect("a scored account");
    assert!(
        has_cjk(top),
        "the riskiest account's reasons in Chinese: {top}"
    );

    let segments = vigil(&["segments", log, "--k", "3", "--lang", "zh-CN"]);
    assert!(segments.status.success(), "{}", stderr(&segments));
    let text = stdout(&segments);
    assert!(text.contains("分群") && text.contains("其他账户"), "{text}");

    let bad = vigil(&["inspect", log, "--lang", "fr"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("use en or zh-CN"), "{}", stderr(&bad));
}
