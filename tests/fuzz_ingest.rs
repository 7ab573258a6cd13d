//! Fuzzing the reader and the mapping detector with proptest: whatever the bytes (random, or a
//! real log with random bytes changed, inserted or cut), opening a file returns a log or a
//! clear error, and never panics or hangs. Each property runs `CASES` inputs.

use std::path::Path;

use proptest::prelude::*;
use vigil::log::{LoadError, Mapping, load};
use vigil::progress::NoProgress;

const CASES: u32 = 300;

/// A small log with quotes, Chinese text, amounts and an entity, as real exports have.
fn clean_log() -> Vec<u8> {
    let mut text = String::from("user_id,event_time,event,amount,device,note\n");
    for i in 0..120 {
        text.push_str(&format!(
            "用户{},2024-03-{:02} 1{}:{:02}:00,{},{}.{:02},d{},\"a, \"\"quoted\"\" note {i}\"\n",
            i % 13,
            1 + i % 28,
            i % 10,
            i % 60,
            ["view", "cart", "order", "pay"][i % 4],
            i % 90,
            i % 100,
            i % 7
        ));
    }
    text.into_bytes()
}

/// Opens `bytes` as a file: any outcome but a panic is fine, and an error names the file.
fn open(dir: &Path, bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = dir.join("fuzz.csv");
    std::fs::write(&path, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    match load(&path, &Mapping::default(), &NoProgress) {
        Ok(loaded) => {
            let r = &loaded.report;
            prop_assert!(
                r.rows_loaded + r.rows_rejected + r.duplicates_removed <= r.rows_read,
                "more rows accounted for than read: {:?}",
                r
            );
        }
        Err(e) => {
            prop_assert!(!matches!(e, LoadError::Cancelled { .. }), "{}", e);
            prop_assert!(e.to_string().contains("fuzz.csv"), "{}", e);
        }
    }
    Ok(())
}

/// One change to a byte string: overwrite, insert or delete at a position (as a fraction).
#[derive(Clone, Debug)]
enum Edit {
    Set(f64, u8),
    Insert(f64, u8),
    Delete(f64),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Bytes that break things: quotes, separators, newlines, NUL, invalid UTF-8 leads.
    let nasty = prop_oneof![
        Just(b'"'),
        Just(b','),
        Just(b'\n'),
        Just(b'\r'),
        Just(0u8),
        Just(0xC3u8),
        Just(0xFFu8),
        any::<u8>()
    ];
    prop_oneof![
        (0.0..1.0f64, nasty.clone()).prop_map(|(p, b)| Edit::Set(p, b)),
        (0.0..1.0f64, nasty).prop_map(|(p, b)| Edit::Insert(p, b)),
        (0.0..1.0f64).prop_map(Edit::Delete),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let at = |p: f64, len: usize| ((p * len as f64) as usize).min(len.saturating_sub(1));
    match *edit {
        Edit::Set(p, b) if !bytes.is_empty() => {
            let i = at(p, bytes.len());
            bytes[i] = b;
        }
        Edit::Insert(p, b) => {
            let i = at(p, bytes.len() + 1);
            bytes.insert(i, b);
        }
        Edit::Delete(p) if !bytes.is_empty() => {
            let i = at(p, bytes.len());
            bytes.remove(i);
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn a_real_log_with_random_damage_opens_or_fails_clearly(
        edits in prop::collection::vec(edit(), 1..12),
        cut in prop::option::of(0.0..1.0f64),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = clean_log();
        for e in &edits {
            apply(&mut bytes, e);
        }
        if let Some(p) = cut {
            bytes.truncate((p * bytes.len() as f64) as usize);
        }
        open(dir.path(), &bytes)?;
    }

    #[test]
    fn random_bytes_open_or_fail_clearly(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().unwrap();
        open(dir.path(), &bytes)?;
    }

    #[test]
    fn random_text_rows_open_or_fail_clearly(
        rows in prop::collection::vec("[a-z0-9,\"; \t|:./-]{0,40}", 0..60),
    ) {
        let dir = tempfile::tempdir().unwrap();
        open(dir.path(), rows.join("\n").as_bytes())?;
    }
}
