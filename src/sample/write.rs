//! Writes a generated sample: the log as CSV, gzip CSV or Parquet (by extension), and the
//! ground-truth user labels with their scenario.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::DateTime;
use flate2::Compression;
use flate2::write::GzEncoder;

use super::event::Event;
use super::generated::Sample;
use super::shop::{CATEGORIES, CITIES};
use crate::log::{self, ColumnData};

/// Column names of a generated log, in order.
pub const LOG_COLUMNS: [&str; 12] = [
    "user_id", "ts", "event", "item", "category", "seller", "amount", "device", "ip", "city",
    "promo", "is_fraud",
];

fn ts_text(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

fn ip_text(ip: u32) -> String {
    let b = ip.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

fn amount_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The text of each column for one event.
fn row_text(sample: &Sample, e: &Event) -> [String; 12] {
    let item = e.item.map(|i| &sample.shop.items[i as usize]);
    [
        sample.users[e.user as usize].id.clone(),
        ts_text(e.ts_ms),
        e.kind.name().to_string(),
        e.item.map(|i| format!("i{i:05}")).unwrap_or_default(),
        item.map(|i| CATEGORIES[i.category as usize].0.to_string())
            .unwrap_or_default(),
        item.map(|i| format!("s{:03}", i.seller))
            .unwrap_or_default(),
        e.amount_cents.map(amount_text).unwrap_or_default(),
        format!("d{:08x}", e.device),
        ip_text(e.ip),
        CITIES[e.city as usize].to_string(),
        if e.promo {
            "NEW20".into()
        } else {
            String::new()
        },
        (e.fraud as u8).to_string(),
    ]
}

fn create(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
    }
    File::create(path).with_context(|| format!("{}: cannot create", path.display()))
}

fn write_csv(sample: &Sample, out: impl Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(LOG_COLUMNS)?;
    for e in &sample.events {
        w.write_record(row_text(sample, e))?;
    }
    w.flush()?;
    Ok(())
}

fn write_parquet(sample: &Sample, path: &Path) -> Result<()> {
    let rows: Vec<[String; 12]> = sample.events.iter().map(|e| row_text(sample, e)).collect();
    let text = |i: usize| {
        let values = rows
            .iter()
            .map(|r| Some(r[i].clone()).filter(|s| !s.is_empty()))
            .collect();
        (LOG_COLUMNS[i], ColumnData::Text(values))
    };
    let events = &sample.events;
    let columns = vec![
        text(0),
        (
            "ts",
            ColumnData::TimestampMs(events.iter().map(|e| e.ts_ms).collect()),
        ),
        text(2),
        text(3),
        text(4),
        text(5),
        (
            "amount",
            ColumnData::Float(
                events
                    .iter()
                    .map(|e| e.amount_cents.map(|c| c as f64 / 100.0))
                    .collect(),
            ),
        ),
        text(7),
        text(8),
        text(9),
        text(10),
        (
            "is_fraud",
            ColumnData::Int(events.iter().map(|e| e.fraud as i32).collect()),
        ),
    ];
    log::write_parquet(path, columns).with_context(|| format!("{}: cannot write", path.display()))
}

/// Writes the log in the format its extension names: `.csv`, `.csv.gz` or `.parquet`.
pub fn write_log(sample: &Sample, path: &Path) -> Result<()> {
    let name = path.to_string_lossy().to_lowercase();
    if name.ends_with(".csv.gz") {
        let gz = GzEncoder::new(BufWriter::new(create(path)?), Compression::default());
        let mut w = BufWriter::new(gz);
        write_csv(sample, &mut w)?;
        w.into_inner()
            .map_err(|e| e.into_error())?
            .finish()?
            .flush()?;
    } else if name.ends_with(".csv") {
        let mut w = BufWriter::new(create(path)?);
        write_csv(sample, &mut w)?;
        w.flush()?;
    } else if name.ends_with(".parquet") {
        create(path)?; // the folder, and a clear error if the file cannot be made
        write_parquet(sample, path)?;
    } else {
        bail!(
            "{}: unknown output format; use .csv, .csv.gz or .parquet",
            path.display()
        );
    }
    Ok(())
}

/// Writes `user,label,scenario`: 1 for fraud accounts, with the scenario or legit segment.
pub fn write_labels(sample: &Sample, path: &Path) -> Result<()> {
    let mut w = csv::Writer::from_writer(BufWriter::new(create(path)?));
    w.write_record(["user", "label", "scenario"])?;
    let mut users: Vec<_> = sample.users.iter().collect();
    users.sort_by(|a, b| a.id.cmp(&b.id));
    for u in users {
        let label = if u.persona.is_fraud() { "1" } else { "0" };
        w.write_record([u.id.as_str(), label, u.persona.name()])?;
    }
    w.flush()?;
    Ok(())
}
