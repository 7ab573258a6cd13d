//! Each kind of bad input exits with status 2 and one line on stderr that names the file and
//! the cause; none panics.

mod common;

use common::{stderr, vigil, write};

/// Runs `vigil inspect` and checks the failure is one clear line.
fn fails_clearly(args: &[&str], must_mention: &[&str]) -> String {
    let mut full = vec!["inspect"];
    full.extend_from_slice(args);
    let out = vigil(&full);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "status for {args:?}: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    for m in must_mention {
        assert!(err.contains(m), "'{m}' missing from: {err}");
    }
    err
}

#[test]
fn missing_file() {
    fails_clearly(&["no/such/log.csv"], &["no/such/log.csv", "not found"]);
}

#[test]
fn a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().to_str().unwrap();
    fails_clearly(&[p], &[p, "is a directory"]);
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "empty.csv", b"");
    fails_clearly(&[p.to_str().unwrap()], &["empty.csv", "empty"]);
    let blank = write(dir.path(), "blank.csv", b"\n\r\n  \n");
    fails_clearly(&[blank.to_str().unwrap()], &["blank.csv", "empty"]);
}

#[test]
fn header_only() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "header.csv", b"user_id,ts,event\r\n");
    fails_clearly(&[p.to_str().unwrap()], &["header.csv", "no data rows"]);
}

#[test]
fn binary_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let p = write(dir.path(), "garbage.bin", &bytes);
    fails_clearly(
        &[p.to_str().unwrap()],
        &["garbage.bin", "not look like a text log"],
    );
}

#[test]
fn corrupt_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "log.csv.gz",
        b"\x1f\x8b\x08\x00garbage-not-deflate",
    );
    fails_clearly(&[p.to_str().unwrap()], &["log.csv.gz"]);
}

#[test]
fn corrupt_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "log.parquet",
        b"PAR1 this is not really parquet PAR1",
    );
    fails_clearly(&[p.to_str().unwrap()], &["log.parquet", "Parquet"]);
}

#[test]
fn mapping_naming_a_missing_column() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(dir.path(), "log.csv", b"user,ts\nu1,2024-01-01 10:00:00\n");
    let map = write(dir.path(), "m.toml", b"amount = \"price\"\n");
    fails_clearly(
        &[log.to_str().unwrap(), "--map", map.to_str().unwrap()],
        &["log.csv", "amount = \"price\"", "columns: user, ts"],
    );
}

#[test]
fn invalid_toml() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(dir.path(), "log.csv", b"user,ts\nu1,2024-01-01 10:00:00\n");
    let map = write(dir.path(), "bad.toml", b"user = \"u\"\ntime = \n");
    fails_clearly(
        &[log.to_str().unwrap(), "--map", map.to_str().unwrap()],
        &["bad.toml", "line 2"],
    );
}

#[test]
fn unknown_mapping_key() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(dir.path(), "log.csv", b"user,ts\nu1,2024-01-01 10:00:00\n");
    let map = write(
        dir.path(),
        "typo.toml",
        b"user = \"user\"\ntimestamp_col = \"ts\"\n",
    );
    fails_clearly(
        &[log.to_str().unwrap(), "--map", map.to_str().unwrap()],
        &["typo.toml", "timestamp_col", "line 2"],
    );
}

#[test]
fn missing_mapping_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(dir.path(), "log.csv", b"user,ts\nu1,2024-01-01 10:00:00\n");
    fails_clearly(
        &[log.to_str().unwrap(), "--map", "nowhere.toml"],
        &["nowhere.toml", "not found"],
    );
}

#[test]
fn no_user_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "nouser.csv",
        b"ip,ts\n1.2.3.4,2024-01-01 10:00:00\n",
    );
    fails_clearly(
        &[p.to_str().unwrap()],
        &["nouser.csv", "no user column", "ip, ts"],
    );
}

#[test]
fn no_time_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "notime.csv", b"user,event\nu1,view\nu2,order\n");
    fails_clearly(&[p.to_str().unwrap()], &["notime.csv", "no time column"]);
}

#[test]
fn time_column_matching_no_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "badtime.csv",
        b"user,timestamp\nu1,yesterday\nu2,last week\n",
    );
    fails_clearly(
        &[p.to_str().unwrap()],
        &["badtime.csv", "'timestamp'", "no time format", "yesterday"],
    );
}

#[test]
fn a_line_of_several_megabytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut content = b"user,ts,note\nu1,2024-01-01 10:00:00,ok\n".to_vec();
    for i in 0..200 {
        content.extend_from_slice(format!("u{i},2024-01-01 10:00:00,fine\n").as_bytes());
    }
    content.extend_from_slice(b"u9,2024-01-01 10:00:00,");
    content.extend(std::iter::repeat_n(b'x', 5 << 20));
    content.push(b'\n');
    let p = write(dir.path(), "long.csv", &content);
    fails_clearly(
        &[p.to_str().unwrap()],
        &["long.csv", "line 203", "longer than 1 MiB"],
    );
    // The same as the very first line, and in NDJSON.
    let first = [b"user,ts,".as_slice(), &vec![b'y'; 3 << 20]].concat();
    let p = write(dir.path(), "first.csv", &first);
    fails_clearly(&[p.to_str().unwrap()], &["first.csv", "line 1"]);
}

#[test]
fn every_row_rejected_names_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    // The header says the time column; a few readable values make detection succeed, the
    // full read then rejects the rest. Here no value at all is readable.
    let p = write(
        dir.path(),
        "allbad.csv",
        b"user,ts\n,2024-01-01 10:00:00\n,2024-01-02 10:00:00\n",
    );
    fails_clearly(
        &[p.to_str().unwrap()],
        &["allbad.csv", "user 'user' is empty", "row 0"],
    );
}

#[test]
fn gen_sample_to_an_unknown_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.xlsx");
    let o = vigil(&[
        "gen-sample",
        "--users",
        "50",
        "--days",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown output format"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_ndjson_line_of_several_megabytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut content = b"{\"user\":\"u1\",\"ts\":\"".to_vec();
    content.extend(std::iter::repeat_n(b'z', 2 << 20));
    content.extend_from_slice(b"\"}\n");
    let p = write(dir.path(), "huge.ndjson", &content);
    fails_clearly(
        &[p.to_str().unwrap()],
        &["huge.ndjson", "line 1", "longer than 1 MiB"],
    );
}
