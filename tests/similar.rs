//! Similar accounts: on the bundled sample, the accounts nearest in behaviour to a member of a
//! fraud scenario are mostly members of the same scenario, though they share no device.

mod common;

use common::{open_bundled_sample, sample_scenarios};
use vigil::detect::DetectorKind;
use vigil::log::UserCode;
use vigil::workbench::{Likeness, SIMILAR_SHOWN};

#[test]
fn similar_accounts_of_a_ring_member_are_mostly_the_ring() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = open_bundled_sample(dir.path(), DetectorKind::Zscore, false);
    let truth = sample_scenarios(&t);
    let mut report = Vec::new();
    for scenario in [
        "promo_ring",
        "card_testing",
        "bot",
        "fake_reviews",
        "brushing",
    ] {
        // The precision of the top 20, averaged over every member of the scenario.
        let members: Vec<UserCode> = truth
            .iter()
            .filter(|(_, s)| *s == scenario)
            .map(|(&u, _)| u)
            .collect();
        let mut sum = 0.0;
        for &u in &members {
            let near = t.similar_accounts(u, SIMILAR_SHOWN, Likeness::Features);
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
    t.mark_similar(ring_member, SIMILAR_SHOWN, Likeness::Features);
    assert_eq!(t.marked().len(), SIMILAR_SHOWN + 1);
}

/// With a sequence model, accounts can also be compared by the network's own reading of their
/// events; on the sample that reading too puts fraud scenarios' members together.
#[test]
fn a_sequence_model_reads_accounts_alike_within_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let t = open_bundled_sample(dir.path(), DetectorKind::Gru, true);
    let embedding = t.model().embedding.as_ref().expect("a gru reads accounts");
    assert_eq!(embedding.rows, t.users());
    let truth = sample_scenarios(&t);
    let mut report = Vec::new();
    let mut all_fraud = 0.0;
    let scenarios_tried = [
        "promo_ring",
        "card_testing",
        "bot",
        "fake_reviews",
        "brushing",
    ];
    for scenario in scenarios_tried {
        let members: Vec<UserCode> = truth
            .iter()
            .filter(|(_, s)| *s == scenario)
            .map(|(&u, _)| u)
            .collect();
        let (mut same, mut fraud) = (0.0, 0.0);
        for &u in &members {
            let near = t.similar_accounts(u, SIMILAR_SHOWN, Likeness::SequenceModel);
            assert_eq!(near.len(), SIMILAR_SHOWN);
            assert!(near.windows(2).all(|w| w[0].distance <= w[1].distance));
            let scenario_of = |v: UserCode| truth.get(&v).map(String::as_str).unwrap_or("");
            same += near
                .iter()
                .filter(|s| scenario_of(s.user) == scenario)
                .count() as f64;
            fraud += near
                .iter()
                .filter(|s| !scenario_of(s.user).starts_with("legit"))
                .count() as f64;
        }
        let n = (members.len() * SIMILAR_SHOWN) as f64;
        report.push(format!(
            "{scenario} {:.2} (fraud {:.2})",
            same / n,
            fraud / n
        ));
        all_fraud += fraud / n;
    }
    eprintln!(
        "by the sequence model, top {SIMILAR_SHOWN}: {}",
        report.join(", ")
    );
    let mean_fraud = all_fraud / scenarios_tried.len() as f64;
    assert!(
        mean_fraud >= 0.5,
        "fraud among a fraud member's look-alikes: {mean_fraud:.2}"
    );
}
