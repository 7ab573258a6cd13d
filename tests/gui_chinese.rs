//! The window in 简体中文: switched at run time, its words come from the catalogue, and the
//! choice is kept in the settings the window remembers. (Its own process: the language is
//! global to the window, and the other window tests read English labels.)

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use vigil::detect::DetectorKind;
use vigil::gui::i18n::Language;
use vigil::gui::{Command, LaunchOptions, RightTab, VigilApp};
use vigil::sample::{SampleConfig, generate, write_log};
use vigil::words::{Say, segment_name};

use eframe::egui;

fn window(log: &Path, workspace: &Path) -> Harness<'static, VigilApp> {
    let options = LaunchOptions {
        log: log.to_path_buf(),
        workspace: Some(workspace.to_path_buf()),
        detector: Some(DetectorKind::Zscore),
        ..LaunchOptions::default()
    };
    let builder = Harness::builder().with_size(egui::vec2(1400.0, 900.0));
    let builder = match vigil::gui::system_cjk_font() {
        Some(_) => builder,
        None => builder.allow_missing_glyphs(),
    };
    builder.build_eframe(move |cc| VigilApp::new(cc.egui_ctx.clone(), options, None))
}

#[test]
fn the_window_speaks_chinese_when_switched() {
    let dir = tempfile::tempdir().unwrap();
    let sample = generate(&SampleConfig {
        users: 200,
        days: 5,
        seed: 5,
        ..SampleConfig::default()
    });
    let log = dir.path().join("shop.csv");
    write_log(&sample, &log).unwrap();
    let mut h = window(&log, &dir.path().join("ws.db"));
    let start = Instant::now();
    while h.state().triage.is_none() || h.state().is_busy() {
        assert!(start.elapsed() < Duration::from_secs(180), "the log opens");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.step();
    h.get_by_label("Queue");

    h.state_mut().push(Command::SetLanguage(Language::Chinese));
    h.state_mut().push(Command::ShowTab(RightTab::Live));
    h.run_steps(3);
    assert_eq!(h.state().settings.language, Language::Chinese, "remembered");
    h.get_by_label("审核队列");
    h.get_by_label("▶ 开始实时监控");
    h.get_by_label_contains("个账户");
    assert!(
        h.query_by_label("Queue").is_none(),
        "no English heading left"
    );
    // The training moment, the compute device and the load report are said in Chinese too.
    let trained = h.get_by_label_contains("训练于").accesskit_node().value();
    let trained = trained.unwrap_or_default();
    assert!(
        trained.contains('年') && !trained.contains('T'),
        "{trained}"
    );
    h.get_by_label_contains("个线程");
    assert!(h.query_by_label_contains("threads").is_none());

    // What the library says is said in Chinese too: the selected account's reasons.
    let reasons: Vec<String> = {
        let t = h.state().triage.as_ref().unwrap();
        let u = t.selected().expect("an account is selected");
        t.reasons(u)
            .iter()
            .map(|r| r.say(Language::Chinese))
            .collect()
    };
    assert!(!reasons.is_empty(), "the selected account has reasons");
    for reason in &reasons {
        assert!(reason.chars().any(is_cjk), "{reason}");
        h.get_by_label(&format!("• {reason}"));
    }

    // And a segment's profile.
    h.state_mut().push(Command::ShowTab(RightTab::Segments));
    h.state_mut().push(Command::FindSegments {
        k: None,
        by_reading: false,
    });
    let start = Instant::now();
    while h.state().triage.as_ref().unwrap().segments().is_none() || h.state().is_busy() {
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "segments are found"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(3);
    let (profile_line, name) = {
        let s = h.state().triage.as_ref().unwrap().segments().unwrap();
        let p = s
            .profiles
            .iter()
            .find(|p| !p.traits.is_empty())
            .expect("a segment stands out somewhere");
        (
            p.traits[0].say(Language::Chinese),
            segment_name(p, Language::Chinese),
        )
    };
    assert!(profile_line.contains("其他账户"), "{profile_line}");
    // Chinese lines run longer: still nothing is drawn past the window's edge.
    let past: Vec<String> = h
        .query_all(egui_kittest::kittest::By::new())
        .filter_map(|n| {
            let a = n.accesskit_node();
            let r = a.bounding_box()?;
            (r.x1 > 1400.5).then(|| format!("{:?} {:?} at {r:?}", a.label(), a.value()))
        })
        .collect();
    assert!(past.is_empty(), "drawn past the window's edge: {past:?}");
    assert!(name.chars().any(is_cjk), "{name}");
    assert!(
        h.get_all_by_label_contains(&name).count() >= 1,
        "{name} is shown"
    );
    assert!(
        h.get_all_by_label_contains(&profile_line).count() >= 1,
        "{profile_line} is shown"
    );

    h.state_mut().push(Command::SetLanguage(Language::English));
    h.run_steps(3);
    h.get_by_label("Queue");
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}
