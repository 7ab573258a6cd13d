//! Similar accounts: on the bundled sample, the accounts nearest in behaviour to a member of a
//! fraud scenario are mostly members of the same scenario, though they share no device.

use std::collections::HashMap;
use std::path::Path;

use vigil::detect::DetectorKind;
use vigil::log::Mapping;
use vigil::progress::NoProgress;
use vigil::workbench::{self, OpenRequest, Opened, SIMILAR_SHOWN, Triage};

fn open_sample(dir: &Path) -> Triage {
    let request = OpenRequest {
        path: workbench::bundled_sample(),
        mapping: Mapping::default(),
        mapping_given: false,
        confirmed: None,
        workspace: Some(dir.join("ws.db")),
        detector: DetectorKind::Zscore,
        train_now: false,
    };
    match workbench::open(request, &NoProgress).unwrap() {
        Opened::Ready(s, w) => Triage::new(*s, w).unwrap(),
        Opened::NeedsMapping(_) => panic!("the sample's columns are plain"),
    }
}

/// Each account's scenario by the generator's truth.
fn scenarios(t: &Triage) -> HashMap<usize, String> {
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
            let u = t.session.data.log.columns.user.dict.lookup(user)?;
            Some((u as usize, scenario.to_string()))
        })
        .collect()
}

#[test]
fn similar_accounts_of_a_ring_member_are_mostly_the_ring() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = open_sample(dir.path());
    let truth = scenarios(&t);
    let mut report = Vec::new();
    for scenario in [
        "promo_ring",
        "card_testing",
        "bot",
        "fake_reviews",
        "brushing",
    ] {
        // The precision of the top 20, averaged over every member of the scenario.
        let members: Vec<usize> = truth
            .iter()
            .filter(|(_, s)| *s == scenario)
            .map(|(&u, _)| u)
            .collect();
        let mut sum = 0.0;
        for &u in &members {
            let near = t.session.similar_accounts(u, SIMILAR_SHOWN);
            assert_eq!(near.len(), SIMILAR_SHOWN);
            assert!(near.windows(2).all(|w| w[0].distance <= w[1].distance));
            assert!(near.iter().all(|s| s.user != u));
            let same = near
                .iter()
                .filter(|s| truth.get(&s.user).map(String::as_str) == Some(scenario))
                .count();
            sum += same as f64 / SIMILAR_SHOWN as f64;
        }
        let precision = sum / members.len() as f64;
        report.push(format!("{scenario} {precision:.2}"));
        assert!(
            precision >= 0.6,
            "{scenario}: precision of the top 20 {precision:.2}"
        );
    }
    eprintln!(
        "precision of the top {SIMILAR_SHOWN} similar accounts: {}",
        report.join(", ")
    );

    // One action marks the account and its look-alikes for a bulk label.
    let ring_member = *truth.iter().find(|(_, s)| *s == "promo_ring").unwrap().0;
    t.mark_similar(ring_member, SIMILAR_SHOWN);
    assert_eq!(t.marked.len(), SIMILAR_SHOWN + 1);
}
