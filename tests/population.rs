//! The population view: each segment's weekly share of the active accounts, counted again here
//! from the log file, and the ranking by purchase chance or churn risk, written with segments.

mod common;

use std::collections::{HashMap, HashSet};

use vigil::progress::NoProgress;
use vigil::sample::{self, SampleConfig};
use vigil::words::{Language, segment_name};
use vigil::workbench::{
    DataSource, Outlook, RankBy, defaults, ranked, segment_dataset, segment_weeks, write_ranked,
};

#[test]
fn weekly_shares_count_each_active_account_once_per_week_and_the_ranking_exports() {
    let dir = tempfile::tempdir().unwrap();
    let shop = sample::generate(&SampleConfig {
        users: 400,
        days: 24,
        seed: 5,
        ..SampleConfig::default()
    });
    let path = dir.path().join("shop.csv");
    sample::write_log(&shop, &path).unwrap();
    let source = DataSource {
        log: path.clone(),
        map: None,
        encoding: None,
        labels: None,
        label_delay_ms: defaults::label_delay_ms(),
    };
    let data = source
        .load_labelled(&NoProgress)
        .unwrap()
        .featurise_accounts(&NoProgress)
        .unwrap();
    let s = segment_dataset(&data, &data.labels.user, (Some(5), 3), None, &NoProgress).unwrap();
    let weeks = segment_weeks(&data.log, &s);
    // 24 days from a Thursday (2026-10-01) touch 4 or 5 Monday weeks.
    assert!(
        (4..=5).contains(&weeks.starts_ms.len()),
        "{:?}",
        weeks.starts_ms
    );
    let day = 86_400_000i64;
    assert!(
        weeks
            .starts_ms
            .iter()
            .all(|&m| (m - 4 * day) % (7 * day) == 0)
    );

    // The same count straight from the file: (week, user) pairs, each user in its segment.
    let segment_of: HashMap<&str, usize> = data
        .log
        .users()
        .map(|u| (data.user_name(u), s.assignments[u.index()]))
        .collect();
    let mut active: HashSet<(usize, String)> = HashSet::new();
    let mut r = csv::Reader::from_path(&path).unwrap();
    for row in r.records() {
        let row = row.unwrap();
        let ts = chrono::DateTime::parse_from_rfc3339(&row[1])
            .unwrap()
            .timestamp_millis();
        let w = weeks.starts_ms.iter().rposition(|&m| m <= ts).unwrap();
        active.insert((w, row[0].to_string()));
    }
    for (w, &n) in weeks.active.iter().enumerate() {
        let users: Vec<&str> = active
            .iter()
            .filter(|(aw, _)| *aw == w)
            .map(|(_, u)| u.as_str())
            .collect();
        assert_eq!(n, users.len(), "week {w}");
        for (seg, shares) in weeks.shares.iter().enumerate() {
            let inside = users.iter().filter(|u| segment_of[**u] == seg).count();
            assert!((shares[w] - inside as f32 / n as f32).abs() < 1e-6);
        }
        let total: f32 = weeks.shares.iter().map(|sh| sh[w]).sum();
        assert!((total - 1.0).abs() < 1e-5, "week {w}: {total}");
    }

    // A hand-made outlook: purchase for every account, churn for some, NaN elsewhere.
    let users = data.users();
    let outlook = Outlook {
        at_ms: 0,
        horizon_ms: 7 * day,
        purchase: (0..users).map(|u| (u % 97) as f32 / 100.0).collect(),
        churn: (0..users)
            .map(|u| if u % 3 == 0 { 0.5 } else { f32::NAN })
            .collect(),
        next: vec![Some(("view".to_string(), 0.4)); users],
        notes: Vec::new(),
    };
    let by_purchase = ranked(&outlook, RankBy::Purchase);
    assert_eq!(by_purchase.len(), users);
    assert!(by_purchase.windows(2).all(|w| w[0].1 >= w[1].1));
    let by_churn = ranked(&outlook, RankBy::Churn);
    assert_eq!(by_churn.len(), users.div_ceil(3));

    let out = dir.path().join("churn.csv");
    let name_of = |u: vigil::log::UserCode| data.user_name(u).to_string();
    let n = write_ranked(
        &out,
        &by_churn,
        &outlook,
        Some(&s),
        name_of,
        Language::Chinese,
    )
    .unwrap();
    assert_eq!(n, by_churn.len());
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "user",
            "segment",
            "segment_name",
            "purchase",
            "churn",
            "next_event",
            "next_p"
        ]
    );
    let first = r.records().next().unwrap().unwrap();
    let (u, _) = by_churn[0];
    let seg = s.assignments[u.index()];
    assert_eq!(&first[0], data.user_name(u));
    assert_eq!(first[1].parse::<usize>().unwrap(), seg);
    assert_eq!(&first[2], segment_name(&s.profiles[seg], Language::Chinese));
    assert_eq!(&first[4], "0.500000");

    // An output that cannot be written says which file.
    let bad = dir.path().join("missing/churn.csv");
    let e = write_ranked(&bad, &by_churn, &outlook, None, name_of, Language::English)
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing/churn.csv"), "{e}");
}
