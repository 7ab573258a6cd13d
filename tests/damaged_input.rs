//! Real exports open: other encodings are decoded, and damage is row-level (the damaged rows are
//! rejected or repaired and reported with their row and text; every other row loads).

mod common;

use std::path::Path;

use common::{stderr, stdout, vigil, write};
use vigil::log::{IssueStat, Loaded, Mapping, load};
use vigil::progress::NoProgress;

const NAMES: [&str; 5] = ["张三", "李四", "王五", "赵六", "钱七"];

/// A small Chinese shop log: `rows` purchases by 5 × 17 users.
fn chinese_log(rows: usize) -> String {
    let mut text = String::from("用户ID,时间,行为,金额\n");
    for i in 0..rows {
        text.push_str(&format!(
            "{}{},2024-01-{:02} 10:{:02}:00,购买,{}.5\n",
            NAMES[i % 5],
            i % 17,
            1 + i % 28,
            i % 60,
            i % 50 + 1
        ));
    }
    text
}

/// An ASCII log of `rows` views by 40 users, one line per row (index = data row).
fn ascii_lines(rows: usize) -> Vec<Vec<u8>> {
    let mut lines = vec![b"user,time,event,amount".to_vec()];
    lines.extend((0..rows).map(|i| {
        format!(
            "u{},2024-01-{:02} 10:{:02}:00,view,{i}",
            i % 40,
            1 + i % 28,
            i % 60
        )
        .into_bytes()
    }));
    lines
}

fn joined(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = lines.join(&b'\n');
    out.push(b'\n');
    out
}

fn load_ok(path: &Path) -> Loaded {
    match load(path, &Mapping::default(), &NoProgress) {
        Ok(l) => l,
        Err(e) => panic!("{} should load: {e}", path.display()),
    }
}

fn issue<'a>(issues: &'a [IssueStat], words: &str) -> &'a IssueStat {
    issues
        .iter()
        .find(|s| s.issue.to_string().contains(words))
        .unwrap_or_else(|| panic!("no issue saying '{words}' in {issues:?}"))
}

fn rows_of(stat: &IssueStat) -> Vec<u64> {
    stat.examples.iter().map(|e| e.row).collect()
}

#[test]
fn a_gbk_file_with_chinese_columns_and_user_ids_loads_with_the_right_users() {
    let dir = tempfile::tempdir().unwrap();
    let text = chinese_log(300);
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let p = write(dir.path(), "gbk.csv", &gbk);
    let loaded = load_ok(&p);
    assert_eq!(loaded.report.rows_loaded, 300);
    assert_eq!(loaded.report.rows_rejected, 0);
    assert_eq!(loaded.report.encoding.as_deref(), Some("GBK (guessed)"));
    let users = &loaded.log.columns.user.dict;
    assert_eq!(users.len(), 85);
    for name in ["张三0", "钱七16", "赵六3"] {
        assert!(users.lookup(name).is_some(), "{name} missing");
    }
    assert_eq!(loaded.plan.columns[loaded.plan.user], "用户ID");
    assert!(loaded.log.columns.event.dict.lookup("购买").is_some());
}

#[test]
fn big5_and_utf16_files_load() {
    let dir = tempfile::tempdir().unwrap();
    let traditional = chinese_log(300)
        .replace("用户", "用戶")
        .replace("时间", "時間")
        .replace("行为", "行為")
        .replace("金额", "金額")
        .replace("购买", "購買")
        .replace("张", "張")
        .replace("赵", "趙")
        .replace("钱", "錢");
    let (big5, _, unmappable) = encoding_rs::BIG5.encode(&traditional);
    assert!(!unmappable);
    let p = write(dir.path(), "big5.csv", &big5);
    let loaded = load_ok(&p);
    assert_eq!(loaded.report.encoding.as_deref(), Some("Big5 (guessed)"));
    assert!(loaded.log.columns.user.dict.lookup("張三0").is_some());

    let text = chinese_log(300);
    for (name, bom, le) in [
        ("utf16le_bom.csv", true, true),
        ("utf16be_bom.csv", true, false),
        ("utf16le.csv", false, true),
    ] {
        let mut bytes: Vec<u8> = match (bom, le) {
            (true, true) => vec![0xFF, 0xFE],
            (true, false) => vec![0xFE, 0xFF],
            _ => Vec::new(),
        };
        for u in text.encode_utf16() {
            bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        let loaded = load_ok(&write(dir.path(), name, &bytes));
        assert_eq!(loaded.report.rows_loaded, 300, "{name}");
        assert!(
            loaded.log.columns.user.dict.lookup("李四1").is_some(),
            "{name}"
        );
        assert!(
            loaded
                .report
                .encoding
                .as_deref()
                .unwrap_or("")
                .starts_with("UTF-16"),
            "{name}: {:?}",
            loaded.report.encoding
        );
    }
}

#[test]
fn the_encoding_can_be_given_and_a_wrong_name_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = chinese_log(40);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let p = write(dir.path(), "given.csv", &gbk);
    let path = p.to_str().unwrap();
    let out = vigil(&["inspect", path, "--encoding", "gb18030"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("gb18030 (given)"), "{}", stdout(&out));
    let out = vigil(&["inspect", path, "--encoding", "klingon"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("given.csv") && err.contains("unknown encoding 'klingon'"),
        "{err}"
    );
}

#[test]
fn damaged_bytes_on_three_lines_load_every_other_row_and_report_those_three() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = ascii_lines(2000);
    // Data row r is line r + 1 (after the header).
    lines[101].insert(3, 0xFF); // in the user id: rejected
    lines[701].extend(b"\xC3"); // in the amount: repaired
    lines[1501].insert(20, 0); // a NUL in the time: rejected
    let p = write(dir.path(), "damaged.csv", &joined(&lines));
    let loaded = load_ok(&p);
    let r = &loaded.report;
    assert_eq!(r.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(r.rows_read, 2000);
    assert_eq!(r.rows_loaded, 1998);
    assert_eq!(r.rows_rejected, 2);
    assert_eq!(
        rows_of(issue(&r.rejects, "user 'user' has an undecodable")),
        [100]
    );
    assert_eq!(
        rows_of(issue(&r.rejects, "time 'time' has an undecodable")),
        [1500]
    );
    let repaired = issue(&r.warnings, "'amount' has an undecodable byte");
    assert_eq!(rows_of(repaired), [700]);
    // Examples name the file line too: data row 700 is line 702 (after the header).
    assert_eq!(repaired.examples[0].line, Some(702));
    assert_eq!(repaired.examples[0].place(), "line 702 (row 700)");
    assert!(
        repaired.examples[0].value.starts_with("u20,"),
        "{repaired:?}"
    );
    // The repaired row keeps its event; its damaged amount is missing, and said so.
    let amounts = loaded.log.columns.amount.as_ref().unwrap();
    let row_700 = loaded
        .log
        .columns
        .row
        .iter()
        .position(|&r| r == 700)
        .unwrap();
    assert!(amounts[row_700].is_nan());
    assert_eq!(rows_of(issue(&r.warnings, "is not a number")), [700]);
}

#[test]
fn ragged_rows_are_counted_never_silent() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = ascii_lines(500);
    lines[11].extend(b",extra,more");
    lines[21] = b"u9,2024-01-05 10:00:00,view".to_vec();
    lines[31] = b"u9".to_vec();
    let p = write(dir.path(), "ragged.csv", &joined(&lines));
    let loaded = load_ok(&p);
    let r = &loaded.report;
    assert_eq!(r.rows_loaded, 499);
    assert_eq!(
        rows_of(issue(&r.warnings, "more fields than the 4 columns")),
        [10]
    );
    assert_eq!(
        rows_of(issue(&r.warnings, "fewer fields than the 4 columns")),
        [20]
    );
    assert_eq!(rows_of(issue(&r.rejects, "too few fields")), [30]);
}

#[test]
fn a_quote_that_never_closes_damages_only_its_row() {
    let dir = tempfile::tempdir().unwrap();
    for rows in [300, 200_000] {
        let mut lines = ascii_lines(rows);
        lines[3] = b"u2,2024-01-01 10:00:00,\"view,3".to_vec();
        // A ragged row late in a large file: its line is counted across the reader's chunks.
        let late = rows * 3 / 4;
        lines[late + 1].extend(b",extra");
        let p = write(dir.path(), "quote.csv", &joined(&lines));
        let loaded = load_ok(&p);
        let r = &loaded.report;
        assert_eq!(r.rows_loaded, rows as u64, "{rows} rows");
        let stray = issue(&r.warnings, "never closed");
        assert_eq!(rows_of(stray), [2]);
        assert_eq!(stray.examples[0].line, Some(4), "{rows} rows");
        let ragged = issue(&r.warnings, "more fields");
        assert_eq!(rows_of(ragged), [late as u64]);
        assert_eq!(
            ragged.examples[0].line,
            Some(late as u64 + 2),
            "{rows} rows"
        );
    }
    // Still open at the end of the file.
    let mut lines = ascii_lines(50);
    lines[50] = b"u2,2024-01-01 10:00:00,\"view,3".to_vec();
    let loaded = load_ok(&write(dir.path(), "quote_end.csv", &joined(&lines)));
    assert_eq!(loaded.report.rows_loaded, 50);
    assert_eq!(
        rows_of(issue(&loaded.report.warnings, "never closed")),
        [49]
    );
}

/// Random damage (a few bytes anywhere) must never refuse the file nor lose an undamaged row.
#[test]
fn randomly_damaged_logs_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let clean = ascii_lines(2000);
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for case in 0..60 {
        let mut lines = clean.clone();
        let mut touched = std::collections::BTreeSet::new();
        for _ in 0..3 {
            let line = 1 + (next() % 2000) as usize;
            let at = (next() % lines[line].len() as u64) as usize;
            // Bytes that are no text: invalid UTF-8 or a NUL.
            let bad = [0x00, 0x80, 0xC3, 0xFE, 0xFF][(next() % 5) as usize];
            lines[line][at] = bad;
            touched.insert(line - 1);
        }
        let p = write(dir.path(), &format!("fuzz_{case}.csv"), &joined(&lines));
        let loaded = load_ok(&p);
        let r = &loaded.report;
        assert_eq!(r.rows_read, 2000, "case {case}");
        assert!(
            r.rows_loaded >= 2000 - touched.len() as u64,
            "case {case}: {} loaded, damaged rows {touched:?}: {:?}",
            r.rows_loaded,
            r.rejects
        );
        let reported: u64 = r.rejects.iter().chain(&r.warnings).map(|s| s.count).sum();
        assert!(reported >= 1, "case {case}: damage went unreported");
    }
}
