//! Newline-delimited JSON: one object per line. Columns are the keys met in the head, in
//! first-seen order; values become text (numbers and booleans as written, null as empty).

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::Ordering;

use serde_json::{Map, Value};

use super::assemble::Assembler;
use super::convert::Converter;
use super::error::LoadError;
use super::issues::Issue;
use super::plan::Plan;
use super::record::SplitRecord;
use super::source::{MAX_LINE_BYTES, SAMPLE_ROWS, Source, head_lines, io_error, strip_bom};
use crate::progress::{Progress, Stage};

/// Lines converted between progress reports and cancel checks.
const BATCH_LINES: usize = 50_000;

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Column names and sample rows from the head of the file.
pub fn sniff(source: &Source, head: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>), LoadError> {
    let lines = head_lines(&source.path, head, source.head_complete)?;
    let objects: Vec<Map<String, Value>> = lines
        .into_iter()
        .take(SAMPLE_ROWS)
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    if objects.is_empty() {
        return Err(LoadError::Format {
            path: source.path.clone(),
            detail: "line 1 is not a JSON object; expected one object per line (NDJSON)".into(),
        });
    }
    let mut columns: Vec<String> = Vec::new();
    for o in &objects {
        for k in o.keys() {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let rows = objects
        .iter()
        .map(|o| {
            columns
                .iter()
                .map(|c| o.get(c).map(value_text).unwrap_or_default())
                .collect()
        })
        .collect();
    Ok((columns, rows))
}

pub fn read(
    source: &Source,
    plan: &Plan,
    progress: &dyn Progress,
    assembler: &mut Assembler,
) -> Result<(), LoadError> {
    let (reader, consumed) = source.open()?;
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut line = Vec::new();
    let mut line_no = 0u64;
    let mut conv = Converter::new(plan);
    let mut in_batch = 0;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| io_error(&source.path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if line.len() > MAX_LINE_BYTES {
            return Err(LoadError::LineTooLong {
                path: source.path.clone(),
                line: line_no,
                limit_mib: MAX_LINE_BYTES >> 20,
            });
        }
        let text = String::from_utf8_lossy(if line_no == 1 {
            strip_bom(&line)
        } else {
            &line
        });
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        conv.at_line(line_no);
        match serde_json::from_str::<Map<String, Value>>(text) {
            Ok(obj) => {
                let values: Vec<String> = plan
                    .columns
                    .iter()
                    .map(|c| obj.get(c).map(value_text).unwrap_or_default())
                    .collect();
                let fields: Vec<&str> = values.iter().map(String::as_str).collect();
                conv.push(&SplitRecord(&fields));
            }
            Err(e) => conv.reject_unreadable(
                Issue::NotJson {
                    detail: e.to_string(),
                },
                text,
            ),
        }
        in_batch += 1;
        if in_batch == BATCH_LINES {
            assembler.absorb(std::mem::replace(&mut conv, Converter::new(plan)).finish());
            in_batch = 0;
            progress.report(
                Stage::Reading,
                consumed.load(Ordering::Relaxed),
                Some(source.size_bytes),
            );
            if progress.is_cancelled() {
                return Err(LoadError::Cancelled {
                    path: source.path.clone(),
                });
            }
        }
    }
    assembler.absorb(conv.finish());
    Ok(())
}
