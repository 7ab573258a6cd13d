//! Following a growing log: what was appended since the last look, one complete line at a time.
//!
//! A file is read from the end of its last complete line; a half-written last line is left
//! for the next look (nothing is consumed until its newline is there). A file replaced under
//! the same name (log rotation) is read to its end through the handle still open, then the
//! new file from its start; a file shorter than what was read (truncated in place) is read
//! again from its start. A folder is every file in it, in name order, each followed the same
//! way; a Parquet file dropped in is read whole once its size holds still between two looks.
//! Where each file was read to (`TailPosition`) is what a watch checkpoints.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How much of one file has been consumed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilePosition {
    /// Identifies the file behind the name (device and inode), so a rotation is seen.
    pub id: u64,
    /// Bytes consumed: the end of the last complete line read.
    pub offset: u64,
    /// Data rows consumed (lines after the header).
    pub rows: u64,
    /// For a Parquet file: read whole already.
    #[serde(default)]
    pub done: bool,
}

/// Where a watch has read every file it follows to, by file name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TailPosition {
    pub files: BTreeMap<String, FilePosition>,
}

/// New text lines of one file, or a whole new Parquet file.
#[derive(Debug)]
pub enum Appended {
    Lines {
        file: PathBuf,
        /// The file's header line (with its newline) when it has one, to read the lines by.
        header: Option<Vec<u8>>,
        /// Complete lines, each with its newline.
        lines: Vec<u8>,
        /// The data row of the first line (0-based, after the header).
        first_row: u64,
    },
    Whole {
        file: PathBuf,
    },
}

struct Followed {
    position: FilePosition,
    /// The open handle: a renamed file is still read through it to its end.
    handle: Option<File>,
    header: Option<Vec<u8>>,
    /// A Parquet file's size at the previous look.
    last_size: Option<u64>,
}

pub struct Tail {
    path: PathBuf,
    folder: bool,
    has_header: bool,
    followed: BTreeMap<String, Followed>,
}

fn file_id(meta: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.dev().rotate_left(32) ^ meta.ino()
    }
    #[cfg(not(unix))]
    {
        meta.created()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64)
    }
}

fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Files being written under a temporary name are skipped until renamed.
fn is_candidate(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !(name.starts_with('.') || name.ends_with(".tmp") || name.ends_with(".part"))
}

impl Tail {
    /// Follows `path` (a file, or a folder of files) from `start`: where a previous watch got to,
    /// or, for a file not in it, from its current end (what is there now is history).
    pub fn new(path: &Path, has_header: bool, start: &TailPosition) -> io::Result<Self> {
        let folder = fs::metadata(path)?.is_dir();
        let mut tail = Self {
            path: path.to_path_buf(),
            folder,
            has_header,
            followed: BTreeMap::new(),
        };
        for file in tail.files()? {
            let key = tail.key(&file);
            let meta = fs::metadata(&file)?;
            let position = match start.files.get(&key) {
                Some(p) if p.id == file_id(&meta) && p.offset <= meta.len() => p.clone(),
                _ => tail.end_of(&file, &meta)?,
            };
            tail.followed.insert(
                key,
                Followed {
                    position,
                    handle: None,
                    header: None,
                    last_size: None,
                },
            );
        }
        Ok(tail)
    }

    /// Where every followed file has been read to.
    pub fn position(&self) -> TailPosition {
        TailPosition {
            files: self
                .followed
                .iter()
                .map(|(k, f)| (k.clone(), f.position.clone()))
                .collect(),
        }
    }

    fn key(&self, file: &Path) -> String {
        if self.folder {
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            String::new()
        }
    }

    fn files(&self) -> io::Result<Vec<PathBuf>> {
        if !self.folder {
            return Ok(vec![self.path.clone()]);
        }
        let mut files: Vec<PathBuf> = fs::read_dir(&self.path)?
            .filter_map(|d| d.ok())
            .filter(|d| d.file_type().is_ok_and(|t| t.is_file()))
            .map(|d| d.path())
            .filter(|p| is_candidate(p))
            .collect();
        files.sort();
        Ok(files)
    }

    /// The position at a file's current end (its last complete line), rows counted.
    fn end_of(&self, file: &Path, meta: &fs::Metadata) -> io::Result<FilePosition> {
        let id = file_id(meta);
        if is_parquet(file) {
            return Ok(FilePosition {
                id,
                done: true,
                ..FilePosition::default()
            });
        }
        // Streamed: a log of gigabytes is counted, not held.
        let (mut end, mut lines, mut read) = (0u64, 0u64, 0u64);
        let mut handle = File::open(file)?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = handle.read(&mut buf)?;
            if n == 0 {
                break;
            }
            for (i, _) in buf[..n].iter().enumerate().filter(|(_, b)| **b == b'\n') {
                lines += 1;
                end = read + i as u64 + 1;
            }
            read += n as u64;
        }
        Ok(FilePosition {
            id,
            offset: end,
            rows: lines.saturating_sub(u64::from(self.has_header)),
            done: false,
        })
    }

    /// What was appended since the last look, in file order.
    pub fn poll(&mut self) -> io::Result<Vec<Appended>> {
        let mut out = Vec::new();
        let files = self.files()?;
        for file in &files {
            let key = self.key(file);
            if !self.followed.contains_key(&key) {
                // A new file in the folder, or the followed file created again: read it all.
                self.followed.insert(
                    key.clone(),
                    Followed {
                        position: FilePosition::default(),
                        handle: None,
                        header: None,
                        last_size: None,
                    },
                );
            }
            let has_header = self.has_header;
            let Some(f) = self.followed.get_mut(&key) else {
                continue;
            };
            let meta = match fs::metadata(file) {
                Ok(m) => m,
                // Gone between the listing and now (rotating): looked at next time.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            if is_parquet(file) {
                if !f.position.done {
                    if f.last_size == Some(meta.len()) {
                        f.position.done = true;
                        f.position.id = file_id(&meta);
                        out.push(Appended::Whole { file: file.clone() });
                    }
                    f.last_size = Some(meta.len());
                }
                continue;
            }
            let id = file_id(&meta);
            if f.position.id != 0 && f.position.id != id {
                // Rotated: the rest of the old file first, then the new one from its start.
                if let Some(handle) = f.handle.as_mut() {
                    read_lines(handle, file, f.header.clone(), &mut f.position, &mut out)?;
                }
                *f = Followed {
                    position: FilePosition::default(),
                    handle: None,
                    header: None,
                    last_size: None,
                };
            } else if meta.len() < f.position.offset {
                // Truncated in place: what is there now is new.
                f.position = FilePosition::default();
                f.header = None;
            }
            f.position.id = id;
            if f.handle.is_none() {
                f.handle = Some(File::open(file)?);
            }
            let Some(handle) = f.handle.as_mut() else {
                continue;
            };
            if has_header && f.header.is_none() {
                f.header = read_header(handle)?;
                if f.header.is_none() {
                    continue;
                }
                if f.position.offset == 0 {
                    f.position.offset = f.header.as_ref().map_or(0, |h| h.len() as u64);
                }
            }
            read_lines(handle, file, f.header.clone(), &mut f.position, &mut out)?;
        }
        Ok(out)
    }
}

/// The first line of the file with its newline, or `None` until it is complete.
fn read_header(handle: &mut File) -> io::Result<Option<Vec<u8>>> {
    handle.seek(SeekFrom::Start(0))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = handle.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            head.extend_from_slice(&buf[..=i]);
            return Ok(Some(head));
        }
        head.extend_from_slice(&buf[..n]);
    }
}

/// The complete lines from `position` on; a trailing partial line is left unread.
fn read_lines(
    handle: &mut File,
    file: &Path,
    header: Option<Vec<u8>>,
    position: &mut FilePosition,
    out: &mut Vec<Appended>,
) -> io::Result<()> {
    handle.seek(SeekFrom::Start(position.offset))?;
    let mut bytes = Vec::new();
    handle.read_to_end(&mut bytes)?;
    let Some(last) = bytes.iter().rposition(|&b| b == b'\n') else {
        return Ok(());
    };
    bytes.truncate(last + 1);
    let rows = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    let first_row = position.rows;
    position.offset += bytes.len() as u64;
    position.rows += rows;
    out.push(Appended::Lines {
        file: file.to_path_buf(),
        header,
        lines: bytes,
        first_row,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn lines(out: &[Appended]) -> Vec<String> {
        out.iter()
            .flat_map(|a| match a {
                Appended::Lines { lines, .. } => String::from_utf8_lossy(lines)
                    .lines()
                    .map(str::to_string)
                    .collect(),
                Appended::Whole { file } => vec![file.display().to_string()],
            })
            .collect()
    }

    fn append(path: &Path, text: &str) {
        let mut f = fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn a_half_written_line_waits_for_its_newline() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.csv");
        append(&log, "user,ts\nold,1\n");
        let mut tail = Tail::new(&log, true, &TailPosition::default()).unwrap();
        assert!(
            lines(&tail.poll().unwrap()).is_empty(),
            "what was there is history"
        );
        append(&log, "a,2\nb,");
        assert_eq!(lines(&tail.poll().unwrap()), ["a,2"]);
        append(&log, "3\n");
        let out = tail.poll().unwrap();
        assert_eq!(lines(&out), ["b,3"]);
        match &out[0] {
            Appended::Lines {
                header, first_row, ..
            } => {
                assert_eq!(header.as_deref(), Some(&b"user,ts\n"[..]));
                assert_eq!(*first_row, 2);
            }
            Appended::Whole { .. } => panic!("a text file"),
        }
    }

    #[test]
    fn rotation_reads_the_old_files_rest_then_the_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.csv");
        append(&log, "user,ts\n");
        let mut tail = Tail::new(&log, true, &TailPosition::default()).unwrap();
        append(&log, "a,1\n");
        assert_eq!(lines(&tail.poll().unwrap()), ["a,1"]);
        append(&log, "b,2\n");
        fs::rename(&log, dir.path().join("log.csv.1")).unwrap();
        append(&log, "user,ts\nc,3\nc,33\n");
        assert_eq!(lines(&tail.poll().unwrap()), ["b,2", "c,3", "c,33"]);
        // Truncated in place: read again from the start.
        fs::write(&log, "user,ts\nd,4\n").unwrap();
        assert_eq!(lines(&tail.poll().unwrap()), ["d,4"]);
    }

    #[test]
    fn a_position_resumes_where_it_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.ndjson");
        append(&log, "{\"a\":1}\n");
        let mut tail = Tail::new(&log, false, &TailPosition::default()).unwrap();
        append(&log, "{\"a\":2}\n");
        assert_eq!(lines(&tail.poll().unwrap()), ["{\"a\":2}"]);
        let saved = tail.position();
        append(&log, "{\"a\":3}\n");
        let mut again = Tail::new(&log, false, &saved).unwrap();
        assert_eq!(lines(&again.poll().unwrap()), ["{\"a\":3}"]);
        assert_eq!(again.position().files[""].rows, 3);
    }

    #[test]
    fn a_folder_reads_new_files_and_skips_temporary_ones() {
        let dir = tempfile::tempdir().unwrap();
        append(&dir.path().join("a.csv"), "user,ts\nold,1\n");
        let mut tail = Tail::new(dir.path(), true, &TailPosition::default()).unwrap();
        append(&dir.path().join("b.csv"), "user,ts\nnew,2\n");
        append(&dir.path().join("c.csv.part"), "user,ts\nhalf,3\n");
        assert_eq!(lines(&tail.poll().unwrap()), ["new,2"]);
    }
}
