//! Opening a log file and sniffing what it is: Parquet, NDJSON or delimited text (which
//! delimiter, header or not), plain or gzip, and its character encoding. Only the head of the
//! file is read here.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

use super::encoding::{self, TextEncoding};
use super::error::LoadError;
use super::mapping::{Mapping, normalise_name};

/// Longest line accepted; anything longer is not a behaviour log.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// How much decompressed text the sniffer looks at.
const HEAD_BYTES: usize = MAX_LINE_BYTES + 1;
/// Rows of the head used to detect delimiters, headers and column roles.
pub const SAMPLE_ROWS: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    Byte(u8),
    /// Runs of spaces and tabs; leading and trailing blanks ignored.
    Whitespace,
}

impl Delimiter {
    pub fn name(self) -> String {
        match self {
            Self::Byte(b'\t') => "tab".into(),
            Self::Byte(b) => (b as char).to_string(),
            Self::Whitespace => "whitespace".into(),
        }
    }

    fn from_spec(spec: &str, path: &Path) -> Result<Self, LoadError> {
        match spec {
            "whitespace" => Ok(Self::Whitespace),
            "tab" | "\\t" => Ok(Self::Byte(b'\t')),
            s if s.len() == 1 => Ok(Self::Byte(s.as_bytes()[0])),
            s => Err(LoadError::Mapping {
                path: path.to_path_buf(),
                detail: format!("delimiter '{s}' must be one ASCII character or 'whitespace'"),
            }),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Parquet,
    Ndjson,
    Delimited,
}

/// What the sniffer learned about a file.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    pub kind: Kind,
    pub gzip: bool,
    pub size_bytes: u64,
    /// Text is decoded from this to UTF-8 as it is read.
    pub encoding: TextEncoding,
    /// The head that `identify` returned holds the whole file.
    pub head_complete: bool,
}

impl Source {
    pub fn format_name(&self) -> String {
        let base = match self.kind {
            Kind::Parquet => "parquet",
            Kind::Ndjson => "ndjson",
            Kind::Delimited => "delimited",
        };
        if self.gzip {
            format!("{base}+gzip")
        } else {
            base.into()
        }
    }

    /// A reader over the decompressed text as UTF-8, and a counter of the file bytes consumed so
    /// far (for progress on compressed files).
    pub fn open(&self) -> Result<(Box<dyn Read + Send>, Arc<AtomicU64>), LoadError> {
        let (raw, consumed) = self.open_bytes()?;
        Ok((self.encoding.utf8_reader(raw), consumed))
    }

    /// The decompressed bytes as they are in the file.
    fn open_bytes(&self) -> Result<(Box<dyn Read + Send>, Arc<AtomicU64>), LoadError> {
        let file = File::open(&self.path).map_err(|e| io_error(&self.path, e))?;
        let consumed = Arc::new(AtomicU64::new(0));
        let counted = CountingReader {
            inner: file,
            count: consumed.clone(),
        };
        let reader: Box<dyn Read + Send> = if self.gzip {
            Box::new(MultiGzDecoder::new(BufReader::with_capacity(
                1 << 16,
                counted,
            )))
        } else {
            Box::new(counted)
        };
        Ok((reader, consumed))
    }
}

pub fn io_error(path: &Path, e: std::io::Error) -> LoadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound {
            path: path.to_path_buf(),
        },
        _ => LoadError::Io {
            path: path.to_path_buf(),
            source: e,
        },
    }
}

struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Checks the file exists and is a file, then tells its kind from magic bytes and content, and
/// the encoding of text (`given` names it, else it is detected). The head is returned as UTF-8.
pub fn identify(path: &Path, given: Option<&str>) -> Result<(Source, Vec<u8>), LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return Err(LoadError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    if meta.len() == 0 {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut magic = [0u8; 4];
    let n = File::open(path)
        .and_then(|mut f| read_up_to(&mut f, &mut magic))
        .map_err(|e| io_error(path, e))?;
    let mut source = Source {
        path: path.to_path_buf(),
        kind: Kind::Delimited,
        gzip: magic[..n].starts_with(&[0x1f, 0x8b]),
        size_bytes: meta.len(),
        encoding: TextEncoding::UTF8,
        head_complete: true,
    };
    if &magic[..n] == b"PAR1" {
        source.kind = Kind::Parquet;
        return Ok((source, Vec::new()));
    }
    let (mut reader, _) = source.open_bytes()?;
    let mut head = vec![0u8; HEAD_BYTES];
    let n = read_up_to(&mut reader, &mut head).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => LoadError::NotText {
            path: path.to_path_buf(),
            detail: format!("corrupt gzip data: {e}"),
        },
        _ => io_error(path, e),
    })?;
    head.truncate(n);
    source.head_complete = n < HEAD_BYTES;
    source.encoding = match given {
        Some(label) => encoding::by_label(path, label)?,
        None => encoding::detect(&head, source.head_complete),
    };
    let head = source.encoding.decode_head(head);
    check_text(path, &head, source.head_complete)?;
    let text_start = strip_bom(&head);
    if text_start.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    if text_start.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        source.kind = Kind::Ndjson;
    }
    Ok((source, head))
}

pub fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Binary data is refused up front rather than read as one giant garbage column; a text log
/// with some damaged lines (an undecodable byte, a NUL) is read, and those rows are reported.
fn check_text(path: &Path, head: &[u8], complete: bool) -> Result<(), LoadError> {
    let (damaged, lines) = encoding::damaged_share(head, complete);
    if damaged * 2 > lines {
        let detail = match memchr::memchr(0, head) {
            Some(pos) => format!("binary data: NUL byte at offset {pos}"),
            None => "most lines of its head are not text in any known encoding".to_string(),
        };
        return Err(LoadError::NotText {
            path: path.to_path_buf(),
            detail: format!("{detail}; {damaged} of {lines} lines damaged"),
        });
    }
    Ok(())
}

/// The lines of the head, without the last one when the head cut it off.
pub fn head_lines<'h>(
    path: &Path,
    head: &'h [u8],
    complete: bool,
) -> Result<Vec<&'h str>, LoadError> {
    let text = strip_bom(head);
    let text = match std::str::from_utf8(text) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&text[..e.valid_up_to()]).unwrap_or_default(),
    };
    let mut lines: Vec<&str> = text.split('\n').collect();
    if !complete && lines.len() > 1 {
        lines.pop();
    }
    if let Some(i) = lines.iter().position(|l| l.len() > MAX_LINE_BYTES) {
        return Err(LoadError::LineTooLong {
            path: path.to_path_buf(),
            line: i as u64 + 1,
            limit_mib: MAX_LINE_BYTES >> 20,
        });
    }
    if !complete && lines.len() == 1 {
        return Err(LoadError::LineTooLong {
            path: path.to_path_buf(),
            line: 1,
            limit_mib: MAX_LINE_BYTES >> 20,
        });
    }
    Ok(lines
        .into_iter()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .collect())
}

/// Occurrences of `d` outside double quotes.
fn count_unquoted(line: &str, d: u8) -> usize {
    let mut quoted = false;
    line.bytes()
        .filter(|&b| {
            if b == b'"' {
                quoted = !quoted;
            }
            !quoted && b == d
        })
        .count()
}

fn sniff_delimiter(lines: &[&str]) -> Delimiter {
    let lines = &lines[..lines.len().min(100)];
    let mut best: Option<(u8, usize)> = None;
    for d in [b',', b'\t', b';', b'|'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_unquoted(l, d)).collect();
        let first = counts[0];
        let agree = counts.iter().filter(|&&c| c == first).count();
        // Consistent across (nearly) every line: a real delimiter.
        if first > 0 && agree * 10 >= counts.len() * 9 && best.is_none_or(|(_, n)| first > n) {
            best = Some((d, first));
        }
    }
    if let Some((d, _)) = best {
        return Delimiter::Byte(d);
    }
    let ws_fields = |l: &str| l.split_ascii_whitespace().count();
    if lines.iter().all(|l| ws_fields(l) == ws_fields(lines[0])) && ws_fields(lines[0]) > 1 {
        Delimiter::Whitespace
    } else {
        Delimiter::Byte(b',')
    }
}

/// Splits head lines into fields the way the full reader will.
fn split_rows(lines: &[&str], delimiter: Delimiter) -> Vec<Vec<String>> {
    match delimiter {
        Delimiter::Whitespace => lines
            .iter()
            .map(|l| l.split_ascii_whitespace().map(str::to_string).collect())
            .collect(),
        Delimiter::Byte(d) => {
            let text = lines.join("\n");
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(d)
                .from_reader(text.as_bytes());
            reader
                .records()
                .filter_map(Result::ok)
                .map(|r| r.iter().map(str::to_string).collect())
                .collect()
        }
    }
}

/// A header row holds names: no numbers or times, no value its column repeats below, and either
/// known role names or text above numbers or times (every log has a time column, so a header's
/// time name always sits above times). A first row of text above nothing but text is data.
fn sniff_header(rows: &[Vec<String>]) -> bool {
    let Some(first) = rows.first() else {
        return false;
    };
    let is_num = |s: &str| s.trim().parse::<f64>().is_ok();
    let is_time = |s: &str| super::timeparse::detect(&[s], false).is_some();
    if first
        .iter()
        .any(|f| f.trim().is_empty() || is_num(f) || is_time(f))
    {
        return false;
    }
    let repeated_below = first
        .iter()
        .enumerate()
        .any(|(c, f)| rows[1..].iter().any(|r| r.get(c) == Some(f)));
    if repeated_below {
        return false;
    }
    let known = first.iter().any(|f| {
        let n = normalise_name(f);
        super::mapping::USER_NAMES.contains(&n.as_str())
            || super::mapping::TIME_NAMES.contains(&n.as_str())
    });
    let text_above_values = (0..first.len()).any(|c| {
        rows[1..]
            .iter()
            .filter_map(|r| r.get(c))
            .any(|v| is_num(v) || is_time(v))
    });
    known || text_above_values
}

/// The delimited layout of a file and a sample of its rows.
pub struct DelimitedHead {
    pub delimiter: Delimiter,
    pub has_header: bool,
    pub columns: Vec<String>,
    /// Data rows of the head (header excluded), at most `SAMPLE_ROWS`.
    pub rows: Vec<Vec<String>>,
}

pub fn sniff_delimited(
    source: &Source,
    head: &[u8],
    mapping: &Mapping,
) -> Result<DelimitedHead, LoadError> {
    let path = source.path.as_path();
    let lines = head_lines(path, head, source.head_complete)?;
    if lines.is_empty() {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let delimiter = match &mapping.delimiter {
        Some(spec) => Delimiter::from_spec(spec, path)?,
        None => sniff_delimiter(&lines),
    };
    let sample_lines = &lines[..lines.len().min(SAMPLE_ROWS + 1)];
    let mut rows = split_rows(sample_lines, delimiter);
    let has_header = mapping.has_header.unwrap_or_else(|| sniff_header(&rows));
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let columns = if has_header {
        name_columns(&rows.remove(0))
    } else {
        (1..=width).map(|i| format!("column_{i}")).collect()
    };
    if rows.is_empty() && source.head_complete {
        return Err(LoadError::HeaderOnly {
            path: path.to_path_buf(),
        });
    }
    Ok(DelimitedHead {
        delimiter,
        has_header,
        columns,
        rows,
    })
}

/// Header names, with blanks and repeats made unique so every column can be addressed.
pub fn name_columns(header: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for (i, h) in header.iter().enumerate() {
        let base = match h.trim() {
            "" => format!("column_{}", i + 1),
            t => t.to_string(),
        };
        let mut name = base.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}

/// Column-major samples from row-major rows, padded with empty values.
pub fn column_samples(width: usize, rows: &[Vec<String>]) -> Vec<Vec<String>> {
    (0..width)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).cloned().unwrap_or_default())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(&["a,b,c", "1,2,3"]), Delimiter::Byte(b','));
        assert_eq!(sniff_delimiter(&["a\tb", "1\t2"]), Delimiter::Byte(b'\t'));
        assert_eq!(
            sniff_delimiter(&["a;b;c", "1;\"x;y\";3"]),
            Delimiter::Byte(b';')
        );
        assert_eq!(
            sniff_delimiter(&[" customer_id  date  value", " 00001 19970101  11.77"]),
            Delimiter::Whitespace
        );
    }

    #[test]
    fn sniffs_headers() {
        let rows = |v: &[&[&str]]| -> Vec<Vec<String>> {
            v.iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect()
        };
        assert!(sniff_header(&rows(&[&["user", "ts"], &["1", "2"]])));
        assert!(!sniff_header(&rows(&[
            &["1", "2268318", "pv"],
            &["1", "3", "buy"]
        ])));
        assert!(sniff_header(&rows(&[
            &["用户ID", "时间"],
            &["张三", "2024-01-01"]
        ])));
        // Unknown names decide by what is below them: times, or only text.
        assert!(sniff_header(&rows(&[
            &["who", "when", "what"],
            &["alice", "2024-01-01 10:00:00", "view"],
            &["bob", "2024-01-01 11:00:00", "cart"]
        ])));
        assert!(!sniff_header(&rows(&[
            &["alice", "home", "view"],
            &["bob", "shop", "cart"]
        ])));
        assert!(
            !sniff_header(&rows(&[&["alice", "bob"]])),
            "one row is data"
        );
    }

    #[test]
    fn names_blank_and_repeated_columns() {
        let h: Vec<String> = ["a", "", "a"].iter().map(|s| s.to_string()).collect();
        assert_eq!(name_columns(&h), ["a", "column_2", "a_2"]);
    }
}
