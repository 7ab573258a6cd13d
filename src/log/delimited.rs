//! Reads delimited text (CSV, TSV, semicolon, whitespace runs; plain or gzip) in parallel:
//! one thread cuts the stream into chunks at record boundaries, workers convert chunks into
//! events, and the calling thread joins them in file order, reporting progress and checking
//! the cancel flag between chunks.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

use super::assemble::Assembler;
use super::convert::{Converted, Converter};
use super::error::LoadError;
use super::issues::Issue;
use super::plan::Plan;
use super::record::SplitRecord;
use super::source::{Delimiter, MAX_LINE_BYTES, Source, io_error, strip_bom};
use crate::progress::{Progress, Stage};

/// Bytes per chunk: large enough to amortise hand-offs, small enough for steady progress.
const CHUNK_BYTES: usize = 4 << 20;

struct Chunk {
    seq: usize,
    data: Vec<u8>,
    /// The file line (1-based) where `data` starts.
    first_line: u64,
    /// Offsets in `data` where an opening quote that never closed was taken out.
    removed_quotes: Vec<usize>,
}

/// A quoted field may hold newlines, but one still open after this many lines is a stray quote
/// (`"abc` with no end), which would otherwise swallow the rows after it.
const MAX_QUOTED_LINES: u64 = 64;

/// How many threads convert chunks: `VIGIL_THREADS`, else `RAYON_NUM_THREADS`, else the cores.
pub fn worker_threads() -> usize {
    ["VIGIL_THREADS", "RAYON_NUM_THREADS"]
        .iter()
        .find_map(|k| std::env::var(k).ok()?.parse::<usize>().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1)
}

pub fn read(
    source: &Source,
    delimiter: Delimiter,
    has_header: bool,
    plan: &Plan,
    progress: &dyn Progress,
    assembler: &mut Assembler,
) -> Result<(), LoadError> {
    let (reader, consumed) = source.open()?;
    let stop = AtomicBool::new(false);
    let workers = worker_threads();
    let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(workers);
    let chunk_rx = Mutex::new(chunk_rx);
    let (done_tx, done_rx) = channel::<(usize, Converted)>();
    let quote_delimiter = match delimiter {
        Delimiter::Byte(d) => Some(d),
        Delimiter::Whitespace => None,
    };

    std::thread::scope(|scope| {
        let chunker = std::thread::Builder::new()
            .name("vigil-load-chunker".into())
            .spawn_scoped(scope, || {
                cut_chunks(source, reader, quote_delimiter, chunk_tx, &stop)
            })
            .map_err(|e| io_error(&source.path, e))?;
        for i in 0..workers {
            let done_tx = done_tx.clone();
            let chunk_rx = &chunk_rx;
            std::thread::Builder::new()
                .name(format!("vigil-load-{i}"))
                .spawn_scoped(scope, move || {
                    convert_chunks(chunk_rx, &done_tx, delimiter, has_header, plan)
                })
                .map_err(|e| io_error(&source.path, e))?;
        }
        drop(done_tx);

        let mut pending = BTreeMap::new();
        let mut next = 0;
        for (seq, converted) in done_rx {
            pending.insert(seq, converted);
            while let Some(c) = pending.remove(&next) {
                if !stop.load(Ordering::Relaxed) {
                    assembler.absorb(c);
                }
                next += 1;
            }
            progress.report(
                Stage::Reading,
                consumed.load(Ordering::Relaxed),
                Some(source.size_bytes),
            );
            if progress.is_cancelled() {
                stop.store(true, Ordering::Relaxed);
            }
        }
        let thread_failed = || LoadError::Format {
            path: source.path.clone(),
            detail: "a reader thread failed".into(),
        };
        let sent = chunker.join().unwrap_or_else(|_| Err(thread_failed()))?;
        if stop.load(Ordering::Relaxed) {
            return Err(LoadError::Cancelled {
                path: source.path.clone(),
            });
        }
        // Every chunk cut must have been converted and joined: nothing is lost silently.
        if next != sent {
            return Err(thread_failed());
        }
        Ok(())
    })
}

/// Where a buffer can be cut: just after its last newline outside quotes.
struct Scan {
    cut: Option<usize>,
    /// Newlines before `cut`.
    lines_at_cut: u64,
    /// Where a quoted field opened that is still open at the end of the buffer.
    open_quote: Option<usize>,
    /// An opening quote whose field ran past `MAX_QUOTED_LINES` lines or 1 MiB: not a quote.
    stray_quote: Option<usize>,
}

/// Finds the last record boundary in `buf` (which starts at one) and checks line lengths.
/// Quotes follow the csv crate's rule, so both agree on where records end: a quote opens a
/// field only at the field's start, a doubled quote stays inside, a stray one (`5" screen`)
/// is text. `quote_delimiter` is `None` for whitespace-separated text, which has no quoting.
fn scan(
    buf: &[u8],
    quote_delimiter: Option<u8>,
    lines_before: u64,
    source: &Source,
) -> Result<Scan, LoadError> {
    let too_long = |line: u64| LoadError::LineTooLong {
        path: source.path.clone(),
        line,
        limit_mib: MAX_LINE_BYTES >> 20,
    };
    let mut quoted = false;
    let mut closed_at = None;
    // Where the open quoted field started: byte offset and the lines before it.
    let mut opened = (0, 0u64);
    let mut line_start = 0;
    let mut lines = 0u64;
    let mut result = Scan {
        cut: None,
        lines_at_cut: 0,
        open_quote: None,
        stray_quote: None,
    };
    for pos in memchr::memchr2_iter(b'\n', b'"', buf) {
        if buf[pos] == b'"' {
            let Some(delimiter) = quote_delimiter else {
                continue;
            };
            if quoted {
                quoted = false;
                closed_at = Some(pos);
            } else if pos == 0
                || closed_at == Some(pos - 1)
                || matches!(buf[pos - 1], b'\n' | b'\r')
                || buf[pos - 1] == delimiter
            {
                quoted = true;
                opened = (pos, lines);
            }
            continue;
        }
        if quoted && (pos - opened.0 > MAX_LINE_BYTES || lines - opened.1 >= MAX_QUOTED_LINES) {
            result.stray_quote = Some(opened.0);
            return Ok(result);
        }
        if pos - line_start > MAX_LINE_BYTES {
            return Err(too_long(lines_before + lines + 1));
        }
        lines += 1;
        line_start = pos + 1;
        if !quoted {
            result.cut = Some(pos + 1);
            result.lines_at_cut = lines;
        }
    }
    if buf.len() - line_start > MAX_LINE_BYTES {
        return Err(too_long(lines_before + lines + 1));
    }
    if quoted {
        if buf.len() - opened.0 > MAX_LINE_BYTES {
            result.stray_quote = Some(opened.0);
        } else {
            result.open_quote = Some(opened.0);
        }
    }
    Ok(result)
}

fn cut_chunks(
    source: &Source,
    mut reader: Box<dyn Read + Send>,
    quote_delimiter: Option<u8>,
    tx: SyncSender<Chunk>,
    stop: &AtomicBool,
) -> Result<usize, LoadError> {
    let read_err = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => LoadError::Format {
            path: source.path.clone(),
            detail: format!("corrupt gzip data: {e}"),
        },
        _ => io_error(&source.path, e),
    };
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK_BYTES * 2);
    let mut seq = 0;
    let mut lines_before = 0u64;
    let mut eof = false;
    // Stray quotes taken out of `buf`, by offset: the rows they were in are reported as repaired.
    let mut removed_quotes: Vec<usize> = Vec::new();
    while !eof {
        if stop.load(Ordering::Relaxed) {
            return Ok(seq);
        }
        let target = buf.len() + CHUNK_BYTES;
        while buf.len() < target {
            let start = buf.len();
            buf.resize(target, 0);
            match reader.read(&mut buf[start..]) {
                Ok(0) => {
                    buf.truncate(start);
                    eof = true;
                    break;
                }
                Ok(n) => buf.truncate(start + n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(start),
                Err(e) => return Err(read_err(e)),
            }
        }
        if seq == 0 {
            let bom = buf.len() - strip_bom(&buf).len();
            buf.drain(..bom);
        }
        let s = loop {
            let s = scan(&buf, quote_delimiter, lines_before, source)?;
            // A quote still open at the end of the file never closes either.
            match s.stray_quote.or(s.open_quote.filter(|_| eof)) {
                Some(at) => {
                    buf.remove(at);
                    let i = removed_quotes.partition_point(|&r| r < at);
                    removed_quotes.insert(i, at);
                }
                None => break s,
            }
        };
        let cut = if eof { Some(buf.len()) } else { s.cut };
        let Some(cut) = cut.filter(|&c| c > 0) else {
            continue; // a record longer than one chunk (e.g. a long quoted field): read on
        };
        let rest = buf.split_off(cut);
        let data = std::mem::replace(&mut buf, rest);
        let first_line = lines_before + 1;
        lines_before += s.lines_at_cut;
        let later = removed_quotes.partition_point(|&r| r < cut);
        let carried: Vec<usize> = removed_quotes.drain(later..).map(|r| r - cut).collect();
        let chunk = Chunk {
            seq,
            data,
            first_line,
            removed_quotes: std::mem::replace(&mut removed_quotes, carried),
        };
        if tx.send(chunk).is_err() {
            return Ok(seq);
        }
        seq += 1;
    }
    Ok(seq)
}

fn convert_chunks(
    rx: &Mutex<Receiver<Chunk>>,
    tx: &std::sync::mpsc::Sender<(usize, Converted)>,
    delimiter: Delimiter,
    has_header: bool,
    plan: &Plan,
) {
    loop {
        // The lock is held only while taking the next chunk.
        let next = rx.lock().ok().and_then(|r| r.recv().ok());
        let Some(chunk) = next else { return };
        let skip_header = has_header && chunk.seq == 0;
        let converted = match delimiter {
            Delimiter::Byte(d) => convert_csv(&chunk, d, skip_header, plan),
            Delimiter::Whitespace => {
                convert_whitespace(&chunk.data, chunk.first_line, skip_header, plan)
            }
        };
        if tx.send((chunk.seq, converted)).is_err() {
            return;
        }
    }
}

fn convert_csv(chunk: &Chunk, delimiter: u8, mut skip_header: bool, plan: &Plan) -> Converted {
    let data = chunk.data.as_slice();
    let mut conv = Converter::new(plan);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(data);
    let mut rec = csv::ByteRecord::new();
    let mut removed = chunk.removed_quotes.iter().peekable();
    let line_of = |p: &csv::Position| chunk.first_line + p.line().saturating_sub(1);
    loop {
        match reader.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                if let Some(p) = rec.position() {
                    conv.at_line(line_of(p));
                }
            }
            Err(e) => {
                conv.at_line(line_of(reader.position()));
                conv.reject_unreadable(Issue::NotDelimited, &e.to_string());
                continue;
            }
        }
        // The stray quotes taken out of this record: the row is loaded, and said to be repaired.
        let end = reader.position().byte() as usize;
        let mut repaired = false;
        while removed.next_if(|&&r| r < end).is_some() {
            repaired = true;
        }
        if rec.len() == 1 && rec[0].iter().all(u8::is_ascii_whitespace) {
            continue; // blank line
        }
        if std::mem::take(&mut skip_header) {
            continue;
        }
        conv.push(&rec);
        if repaired {
            conv.warn_last_row(Issue::UnclosedQuote, &rec);
        }
    }
    conv.finish()
}

fn convert_whitespace(
    data: &[u8],
    first_line: u64,
    mut skip_header: bool,
    plan: &Plan,
) -> Converted {
    let mut conv = Converter::new(plan);
    let mut fields: Vec<&str> = Vec::new();
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        conv.at_line(first_line + i as u64);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if std::mem::take(&mut skip_header) {
            continue;
        }
        match std::str::from_utf8(line) {
            Ok(text) => {
                fields.clear();
                fields.extend(text.split_ascii_whitespace());
                conv.push(&SplitRecord(&fields));
            }
            Err(_) => {
                let text = String::from_utf8_lossy(line);
                let owned: Vec<&str> = text.split_ascii_whitespace().collect();
                conv.push(&SplitRecord(&owned));
            }
        }
    }
    conv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Option<usize> {
        let source = Source {
            path: "t.csv".into(),
            kind: super::super::source::Kind::Delimited,
            gzip: false,
            size_bytes: 0,
            encoding: super::super::encoding::TextEncoding::UTF8,
            head_complete: true,
        };
        scan(text.as_bytes(), Some(b','), 0, &source).unwrap().cut
    }

    #[test]
    fn cuts_only_between_records() {
        assert_eq!(cut("a,b\nc,d\ne"), Some(8));
        // A newline inside a quoted field is not a boundary.
        assert_eq!(cut("a,\"x\ny\"\nb,\"open\n"), Some(8));
        // A doubled quote stays inside the field.
        assert_eq!(cut("a,\"say \"\"hi\"\"\n\"\nb"), Some(16));
        // A stray quote mid-field (an inch mark) is text, as for the csv crate.
        assert_eq!(cut("tv,5\" screen\nradio,x\nz"), Some(21));
    }
}
