//! Reading every supported layout into the same event table, with rejects, duplicates,
//! warnings, extra events and cancellation.

mod common;

use std::io::Write;
use std::path::Path;

use common::write;
use vigil::log::{self, LoadError, Loaded, Mapping};
use vigil::progress::{CancelFlag, NoProgress};

fn load(p: &Path) -> Loaded {
    log::load(p, &Mapping::default(), &NoProgress).unwrap_or_else(|e| panic!("{e}"))
}

fn load_with(p: &Path, toml: &str) -> Result<Loaded, LoadError> {
    let m = Mapping::from_toml(toml).unwrap();
    log::load(p, &m, &NoProgress)
}

fn users(l: &Loaded) -> Vec<String> {
    (0..l.log.len())
        .map(|i| l.log.columns.user.get(i).unwrap().to_string())
        .collect()
}

const BASIC: &str = "user_id,ts,event,amount\n\
u1,2024-03-01 10:00:00,view,\n\
u1,2024-03-01 10:05:00,order,12.50\n\
u2,2024-03-02T08:00:00Z,login,\n";

#[test]
fn comma_tab_semicolon_and_pipe_give_the_same_table() {
    let dir = tempfile::tempdir().unwrap();
    for (name, d) in [
        ("c.csv", ","),
        ("t.tsv", "\t"),
        ("s.csv", ";"),
        ("p.txt", "|"),
    ] {
        let p = write(dir.path(), name, BASIC.replace(',', d).as_bytes());
        let l = load(&p);
        assert_eq!(l.report.events, 3, "{name}");
        assert_eq!(l.report.users, 2, "{name}");
        assert_eq!(l.report.mapping["amount"], "amount", "{name}");
        let amounts = l.log.columns.amount.as_ref().unwrap();
        assert_eq!(amounts[1], 12.5, "{name}");
        assert!(amounts[0].is_nan(), "{name}");
    }
}

#[test]
fn gzip_bom_and_crlf_are_normal_input() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}{}", BASIC.replace('\n', "\r\n"));
    let p = dir.path().join("log.csv.gz");
    let mut gz =
        flate2::write::GzEncoder::new(std::fs::File::create(&p).unwrap(), Default::default());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap();
    let l = load(&p);
    assert_eq!(l.report.format, "delimited+gzip");
    assert_eq!(
        l.report.columns[0], "user_id",
        "BOM must not stick to the first name"
    );
    assert_eq!(l.report.events, 3);
    assert_eq!(
        l.log.columns.event.get(2),
        Some("login"),
        "no \\r left on values"
    );
}

#[test]
fn chinese_names_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "中文.csv",
        "用户ID,时间,行为,金额,设备\n张三,2024-03-01 10:00:00,浏览,,设备A\n张三,2024-03-01 10:01:00,下单,99.9,设备A\n李四,2024-03-01 11:00:00,浏览,,设备B\n".as_bytes(),
    );
    let l = load(&p);
    assert_eq!(l.report.mapping["user"], "用户ID");
    assert_eq!(l.report.mapping["event"], "行为");
    assert_eq!(l.report.mapping["entity:device"], "设备");
    assert_eq!(l.report.event_types["浏览"], 2);
    assert_eq!(users(&l), ["张三", "张三", "李四"]);
}

#[test]
fn quoted_fields_with_delimiters_and_newlines() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "q.csv",
        b"user,ts,note\nu1,2024-03-01 10:00:00,\"a, b\"\nu2,2024-03-01 10:00:00,\"two\nlines\"\nu3,2024-03-01 10:00:00,x\n",
    );
    let l = load(&p);
    assert_eq!(l.report.rows_read, 3);
    assert_eq!(l.log.columns.row, [0, 1, 2]);
    let note = &l.log.columns.attributes[0];
    assert_eq!(note.name, "note");
    assert_eq!(note.column.get(1), Some("two\nlines"));
}

#[test]
fn rejects_are_counted_by_reason_with_row_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "r.csv",
        b"user,ts,amount\nu1,2024-03-01 10:00:00,1\n,2024-03-01 10:00:00,2\nu2,not a time,3\nu3,2024-03-01 10:00:00,abc\nu4\nu5,,5\nu6,2024-03-02 10:00:00,6\n",
    );
    let l = load(&p);
    let r = &l.report;
    assert_eq!(r.rows_read, 7);
    assert_eq!(r.rows_rejected, 4);
    assert_eq!(r.rows_loaded, 3);
    let said: Vec<String> = r.rejects.iter().map(|s| s.issue.to_string()).collect();
    let reasons: Vec<(&str, u64, u64)> = r
        .rejects
        .iter()
        .zip(&said)
        .map(|(s, said)| (said.as_str(), s.count, s.examples[0].row))
        .collect();
    assert_eq!(
        reasons,
        [
            ("user 'user' is empty", 1, 1),
            ("time 'ts' does not match iso8601", 1, 2),
            (
                "row has too few fields to reach the user and time columns (expected 2 of 3)",
                1,
                4
            ),
            ("time 'ts' is empty", 1, 5),
        ]
    );
    assert_eq!(r.rejects[1].examples[0].value, "not a time");
    // A bad amount is loaded as missing and reported as a warning.
    assert_eq!(
        r.warnings[0].issue.to_string(),
        "amount 'amount' is not a number"
    );
    assert_eq!(r.warnings[0].examples[0].row, 3);
    assert_eq!(l.log.columns.row, [0, 3, 6]);
}

#[test]
fn exact_duplicates_are_removed_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "d.csv",
        b"user,ts,event\nu1,2024-03-01 10:00:00,view\nu1,2024-03-01 10:00:00,view\nu1,2024-03-01 10:00:00,order\nu1,2024-03-01 10:00:00,view\n",
    );
    let l = load(&p);
    assert_eq!(l.report.duplicates_removed, 2);
    assert_eq!(l.report.rows_loaded, 2);
    assert_eq!(l.log.columns.row, [0, 2], "the first copy is kept");
}

#[test]
fn duplicates_are_found_across_chunks_and_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("user,ts,event,payload\n");
    let pad = "p".repeat(200);
    for i in 0..60_000 {
        text.push_str(&format!(
            "u{},2024-03-01 10:{:02}:00,view,{pad}\n",
            i % 5000,
            i % 60
        ));
    }
    let p = write(dir.path(), "big.csv", text.as_bytes());
    let l = load(&p);
    // 60,000 rows of (user = i % 5000, minute = i % 60): lcm(5000, 60) = 15,000 distinct.
    assert_eq!(l.report.rows_read, 60_000);
    assert_eq!(l.report.rows_loaded, 15_000);
    assert_eq!(l.report.duplicates_removed, 45_000);
    assert!(
        l.log.columns.row.windows(2).all(|w| w[0] < w[1]),
        "file order kept"
    );
    assert_eq!(*l.log.columns.row.last().unwrap(), 14_999);
}

#[test]
fn headerless_and_explicit_layout() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "h.txt",
        b"7;20240301;pv\n7;20240302;buy\n8;20240302;pv\n",
    );
    let l = load_with(
        &p,
        "has_header = false\ndelimiter = \";\"\nuser = \"column_1\"\ntime = \"column_2\"\nevent = \"column_3\"",
    )
    .unwrap();
    assert_eq!(l.report.rows_read, 3);
    assert_eq!(l.report.time_format, "%Y%m%d");
    assert_eq!(l.report.time_min.as_deref(), Some("2024-03-01T00:00:00Z"));
    // Columns can also be named by 0-based index in a headerless file.
    let l = load_with(&p, "has_header = false\nuser = \"0\"\ntime = \"1\"").unwrap();
    assert_eq!(l.report.mapping["user"], "column_1");
}

#[test]
fn explicit_time_formats_and_epoch_units() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "e.csv", b"uid,t\na,18.04.2015 02:47\n");
    let l = load_with(&p, "time = \"t\"\ntime_format = \"%d.%m.%Y %H:%M\"").unwrap();
    assert_eq!(l.report.time_min.as_deref(), Some("2015-04-18T02:47:00Z"));
    let p = write(dir.path(), "ms.csv", b"uid,time\na,1429325220000\n");
    let l = load(&p);
    assert_eq!(l.report.time_format, "epoch_ms");
    assert_eq!(l.report.time_min.as_deref(), Some("2015-04-18T02:47:00Z"));
    let l = load_with(&p, "time_format = \"epoch_us\"").unwrap();
    assert_eq!(
        l.report.time_min.as_deref(),
        Some("1970-01-17T13:02:05.220Z")
    );
    let err = load_with(&p, "time_format = \"dd/mm/yyyy\"").unwrap_err();
    assert!(
        err.to_string().contains("time_format 'dd/mm/yyyy'"),
        "{err}"
    );
}

#[test]
fn labels_per_event_and_per_user() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "l.csv",
        b"user,ts,is_fraud\nu1,2024-03-01 10:00:00,0\nu1,2024-03-01 11:00:00,fraud\nu2,2024-03-01 10:00:00,legit\nu3,2024-03-01 10:00:00,\n",
    );
    let l = load(&p);
    let labels = l.report.labels.as_ref().unwrap();
    assert_eq!(
        (labels.level.name(), labels.positive, labels.negative),
        ("event", 1, 2)
    );
    let l = load_with(&p, "label = \"is_fraud\"\nlabel_level = \"user\"").unwrap();
    let labels = l.report.labels.as_ref().unwrap();
    assert_eq!(
        (labels.level.name(), labels.positive, labels.negative),
        ("user", 1, 1)
    );
}

#[test]
fn extra_events_turn_a_row_into_several() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "x.csv",
        b"user_id,signup_time,purchase_time,purchase_value\n1,2/24/2015 22:55,4/18/2015 2:47,34\n2,,6/8/2015 1:38,16\n3,bad,6/8/2015 1:38,16\n",
    );
    let l = load_with(
        &p,
        "time = \"purchase_time\"\nevent_name = \"purchase\"\n[[extra_events]]\ntime = \"signup_time\"\nevent_name = \"signup\"",
    )
    .unwrap();
    // Row 1 has no signup time (that event is skipped); row 2's is unreadable (rejected).
    assert_eq!(l.report.events, 3);
    assert_eq!(l.report.rows_rejected, 1);
    assert_eq!(l.report.rejects[0].examples[0].row, 2);
    assert_eq!(l.log.columns.row, [0, 0, 1]);
    let events: Vec<_> = (0..3)
        .map(|i| l.log.columns.event.get(i).unwrap())
        .collect();
    assert_eq!(events, ["purchase", "signup", "purchase"]);
    let amount = l.log.columns.amount.as_ref().unwrap();
    assert_eq!(amount[0], 34.0);
    assert!(amount[1].is_nan(), "the signup carries no purchase amount");
}

#[test]
fn ndjson_with_numbers_nulls_and_a_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "l.ndjson",
        "{\"user\":\"u1\",\"ts\":1700000000,\"event\":\"view\",\"amount\":null}\n{\"user\":42,\"ts\":1700000060,\"event\":\"order\",\"amount\":9.5,\"ip\":\"1.2.3.4\"}\nnot json\n\n{\"user\":\"u1\",\"ts\":1700000120,\"event\":\"pay\"}\n".as_bytes(),
    );
    let l = load(&p);
    assert_eq!(l.report.format, "ndjson");
    assert_eq!(l.report.rows_read, 4);
    assert_eq!(l.report.rows_loaded, 3);
    assert!(
        l.report.rejects[0]
            .issue
            .to_string()
            .starts_with("line is not a JSON object")
    );
    assert_eq!(l.report.rejects[0].examples[0].row, 2);
    assert_eq!(users(&l), ["u1", "42", "u1"]);
    assert_eq!(l.report.time_min.as_deref(), Some("2023-11-14T22:13:20Z"));
}

#[test]
fn parquet_round_trip_of_a_generated_sample() {
    let dir = tempfile::tempdir().unwrap();
    let config = vigil::sample::SampleConfig {
        users: 300,
        days: 5,
        ..Default::default()
    };
    let s = vigil::sample::generate(&config);
    let csv = dir.path().join("s.csv");
    let pq = dir.path().join("s.parquet");
    vigil::sample::write_log(&s, &csv).unwrap();
    vigil::sample::write_log(&s, &pq).unwrap();
    let a = load(&csv);
    let b = load(&pq);
    assert_eq!(b.report.format, "parquet");
    assert_eq!(a.report.events, s.events.len() as u64);
    assert_eq!(a.report.events, b.report.events);
    assert_eq!(a.report.users, b.report.users);
    assert_eq!(a.report.time_min, b.report.time_min);
    assert_eq!(a.report.time_max, b.report.time_max);
    assert_eq!(a.report.event_types, b.report.event_types);
    assert_eq!(a.report.labels, b.report.labels);
    assert_eq!(a.log.columns.ts_ms, b.log.columns.ts_ms);
}

#[test]
fn cancelling_stops_a_load() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "c.csv", BASIC.as_bytes());
    let cancel = CancelFlag::new();
    cancel.cancel();
    let err = log::load(&p, &Mapping::default(), &cancel).err().unwrap();
    assert!(matches!(err, LoadError::Cancelled { .. }), "{err}");
}

#[test]
fn preview_shows_rows_and_round_trips_its_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.csv", BASIC.as_bytes());
    let pre = log::preview(&p, &Mapping::default()).unwrap();
    assert_eq!(pre.columns, ["user_id", "ts", "event", "amount"]);
    assert_eq!(pre.rows.len(), 3);
    let mapping = pre.to_mapping();
    let again = log::preview(
        &p,
        &Mapping::from_toml(&mapping.to_toml().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(again.plan, pre.plan);
}

/// Records every progress report.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<(String, u64, Option<u64>)>>);

impl vigil::progress::Progress for Recorder {
    fn report(&self, stage: vigil::progress::Stage, done: u64, total: Option<u64>) {
        self.0
            .lock()
            .unwrap()
            .push((stage.to_string(), done, total));
    }
    fn is_cancelled(&self) -> bool {
        false
    }
}

#[test]
fn loading_reports_progress_up_to_the_file_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("user,ts,event\n");
    for i in 0..200_000 {
        text.push_str(&format!(
            "user{},2024-03-01 10:00:{:02},view\n",
            i % 977,
            i % 60
        ));
    }
    let p = write(dir.path(), "progress.csv", text.as_bytes());
    let recorder = Recorder::default();
    log::load(&p, &Mapping::default(), &recorder).unwrap();
    let reports = recorder.0.into_inner().unwrap();
    let size = text.len() as u64;
    assert!(
        reports.len() >= 3,
        "a 6 MB file reports per chunk: {reports:?}"
    );
    assert!(
        reports.windows(2).all(|w| w[0].1 <= w[1].1),
        "progress never goes back"
    );
    assert_eq!(
        reports.last().unwrap(),
        &("done".to_string(), size, Some(size))
    );
}

#[test]
fn headerless_text_file_keeps_its_first_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "nohead.csv",
        b"alice,2024-03-01 10:00:00,view\nbob,2024-03-01 10:01:00,view\nalice,2024-03-01 10:02:00,order\n",
    );
    let l = load(&p);
    assert_eq!(l.report.has_header, Some(false));
    assert_eq!(l.report.rows_read, 3);
    assert_eq!(users(&l), ["alice", "bob", "alice"]);
}

#[test]
fn a_time_like_name_with_other_values_does_not_hide_the_real_time() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "named.csv",
        b"user,updated_at,when\nu1,never,2024-03-01 10:00:00\nu2,soon,2024-03-01 11:00:00\n",
    );
    let l = load(&p);
    assert_eq!(l.report.mapping["time"], "when");
    assert!(l.report.unsure_roles.contains(&vigil::log::Role::Time));
}
