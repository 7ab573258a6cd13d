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
        Opened::Ready(s, w) => Triage::new(*s, w).unwrap(),
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
