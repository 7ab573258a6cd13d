//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `../shared/data` beside the repository, or `None` (and a note) when this clone has none.
pub fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared/data is not present beside this clone");
        None
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn vigil(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .output()
        .expect("the vigil binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs `vigil inspect --json` and parses its report.
pub fn inspect_json(log: &Path, map: Option<&Path>) -> serde_json::Value {
    let mut args = vec!["inspect", log.to_str().unwrap(), "--json"];
    if let Some(m) = map {
        args.extend(["--map", m.to_str().unwrap()]);
    }
    let out = vigil(&args);
    assert!(out.status.success(), "inspect failed: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("inspect prints JSON")
}

pub fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// The bundled sample opened as the window opens it, in a workspace under `dir`; `train_now`
/// trains `detector` before returning instead of leaving it to a background retrain.
pub fn open_bundled_sample(
    dir: &Path,
    detector: vigil::detect::DetectorKind,
    train_now: bool,
) -> vigil::workbench::Triage {
    use vigil::workbench::{self, OpenRequest, Opened, Triage};
    let request = OpenRequest {
        path: workbench::bundled_sample(),
        mapping: vigil::log::Mapping::default(),
        mapping_given: false,
        confirmed: None,
        workspace: Some(dir.join("ws.db")),
        detector,
        train_now,
        model: None,
    };
    match workbench::open(request, &vigil::progress::NoProgress).unwrap() {
        Opened::Ready(s, w) => Triage::new(*s, *w).unwrap(),
        Opened::NeedsMapping(_) => panic!("the sample's columns are plain"),
    }
}

/// Each account of `t` (the bundled sample) with its scenario by the generator's truth
/// (`sample_data/shop_labels.csv`): `card_testing`, `legit_browser`, ...
pub fn sample_scenarios(
    t: &vigil::workbench::Triage,
) -> std::collections::HashMap<vigil::log::UserCode, String> {
    let truth = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/shop_labels.csv"),
    )
    .unwrap();
    truth
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split(',');
            let user = f.next()?;
            let scenario = f.nth(1)?;
            Some((t.user_by_name(user)?, scenario.to_string()))
        })
        .collect()
}

pub mod pg;

/// Where a test's workspace lives: every workspace test runs on both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A workspace location for one test: a file `name.db` in `dir`, or a schema of its own on the
/// throwaway server (`None`, with a line saying so, where PostgreSQL is not installed).
pub fn workspace_at(backend: Backend, dir: &Path, name: &str) -> Option<PathBuf> {
    match backend {
        Backend::Sqlite => Some(dir.join(format!("{name}.db"))),
        Backend::Postgres => pg::server().map(|s| PathBuf::from(s.url(name))),
    }
}

/// For each test function `f(Backend)`, a module `f` with a test per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name($crate::common::Backend::Sqlite)
                }
                #[test]
                fn postgres() {
                    super::$name($crate::common::Backend::Postgres)
                }
            }
        )*
    };
}

/// The bundled sample's log read whole: with what is known of its labels (each from when it
/// became known, at the default delay) and its whole-log dataset.
pub fn bundled_sample_featurised() -> (
    std::sync::Arc<vigil::log::EventLog>,
    vigil::features::LabelledLog,
    vigil::features::Dataset,
) {
    use vigil::progress::NoProgress;
    let loaded = vigil::log::load(
        &vigil::workbench::bundled_sample(),
        &vigil::log::Mapping::default(),
        &NoProgress,
    )
    .unwrap();
    let whole = std::sync::Arc::new(loaded.log);
    let delay = vigil::workbench::defaults::label_delay_ms();
    let labelled = vigil::features::LabelledLog::new(whole.clone(), &[], delay);
    let data = vigil::features::Dataset::with_labels(
        whole.clone(),
        labelled.index.clone(),
        labelled.labels.clone(),
        &NoProgress,
    )
    .unwrap();
    (whole, labelled, data)
}

/// Every account of a generated shop labelled by its persona (fraud or legit), known from the
/// start.
pub fn persona_labels(shop: &vigil::sample::Sample) -> Vec<vigil::log::UserLabel> {
    shop.users
        .iter()
        .map(|u| vigil::log::UserLabel {
            user: u.id.clone(),
            label: vigil::log::Label::of_fraud(u.persona.is_fraud()),
            known_at_ms: None,
        })
        .collect()
}
