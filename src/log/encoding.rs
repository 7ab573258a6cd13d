//! Which character encoding a text log is in: given by the analyst, marked by a byte-order mark,
//! or guessed from the head (encoding_rs names and decodes, chardetng guesses). UTF-8 is read as
//! it is, and a few bad bytes in it are damaged rows, not another encoding: each is reported by
//! the row reader. Anything else is decoded to UTF-8 while it is read.

use std::io::Read;
use std::path::Path;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::error::LoadError;

/// How the encoding was chosen, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chosen {
    Given,
    ByteOrderMark,
    Guessed,
}

#[derive(Clone, Copy, Debug)]
pub struct TextEncoding {
    pub encoding: &'static Encoding,
    pub chosen: Chosen,
}

impl TextEncoding {
    pub const UTF8: TextEncoding = TextEncoding {
        encoding: UTF_8,
        chosen: Chosen::Guessed,
    };

    /// Whether the bytes are read as they are (UTF-8) rather than decoded.
    pub fn is_utf8(&self) -> bool {
        self.encoding == UTF_8
    }

    /// "UTF-8", "GBK (guessed)", "UTF-16LE (byte-order mark)".
    pub fn describe(&self) -> String {
        let how = match self.chosen {
            Chosen::Given => "given",
            Chosen::ByteOrderMark => "byte-order mark",
            Chosen::Guessed if self.is_utf8() => return "UTF-8".into(),
            Chosen::Guessed => "guessed",
        };
        format!("{} ({how})", self.encoding.name())
    }

    /// `reader` as UTF-8: passed through for UTF-8, decoded otherwise (bytes the encoding cannot
    /// decode become U+FFFD, which the row reader reports). A byte-order mark is dropped.
    pub fn utf8_reader(&self, reader: Box<dyn Read + Send>) -> Box<dyn Read + Send> {
        if self.is_utf8() {
            return reader;
        }
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(self.encoding))
                .strip_bom(true)
                .build(reader),
        )
    }

    /// The head, decoded the same way as `utf8_reader` decodes the whole file; a damaged
    /// UTF-8 head gets U+FFFD for its bad bytes, so the lines after them can still be sniffed.
    pub fn decode_head(&self, head: Vec<u8>) -> Vec<u8> {
        if self.is_utf8() {
            return match String::from_utf8(head) {
                Ok(text) => text.into_bytes(),
                Err(e) => String::from_utf8_lossy(e.as_bytes())
                    .into_owned()
                    .into_bytes(),
            };
        }
        let bom = Encoding::for_bom(&head).map_or(0, |(_, n)| n);
        let (text, _) = self.encoding.decode_without_bom_handling(&head[bom..]);
        text.into_owned().into_bytes()
    }
}

/// The encoding named by `label` ("gbk", "utf-16le", "latin1", ...), as the WHATWG names them.
pub fn by_label(path: &Path, label: &str) -> Result<TextEncoding, LoadError> {
    let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| LoadError::Mapping {
        path: path.to_path_buf(),
        detail: format!(
            "unknown encoding '{label}'; expected e.g. utf-8, gbk, gb18030, big5, utf-16le, utf-16be, windows-1252"
        ),
    })?;
    Ok(TextEncoding {
        encoding,
        chosen: Chosen::Given,
    })
}

/// The encoding of a file whose first bytes are `head` (`complete`: the head is the whole file).
pub fn detect(head: &[u8], complete: bool) -> TextEncoding {
    if let Some((encoding, _)) = Encoding::for_bom(head) {
        return TextEncoding {
            encoding,
            chosen: Chosen::ByteOrderMark,
        };
    }
    if let Some(encoding) = utf16_by_zeros(head) {
        return TextEncoding {
            encoding,
            chosen: Chosen::Guessed,
        };
    }
    if looks_like_damaged_utf8(head, complete) {
        return TextEncoding::UTF8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(head, complete);
    TextEncoding {
        encoding: detector.guess(None, chardetng::Utf8Detection::Deny),
        chosen: Chosen::Guessed,
    }
}

/// UTF-16 without a byte-order mark: ASCII text then has a zero in every other byte.
fn utf16_by_zeros(head: &[u8]) -> Option<&'static Encoding> {
    let sample = &head[..head.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zeros_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    // Most characters of a log are ASCII; a binary file has zeros on both sides.
    if odd * 10 >= pairs * 7 && even * 10 <= pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// UTF-8, perhaps with a few damaged bytes, rather than another encoding: no invalid sequence;
/// or ten valid multi-byte characters for each invalid sequence; or a valid header line and
/// either more valid multi-byte characters than invalid sequences or at most 2 % of the lines
/// with one. A legacy encoding (GBK, Latin-1) makes most of its non-ASCII characters invalid
/// UTF-8 (fewer than one GBK character in ten happens to read as valid UTF-8), on many lines
/// and usually in the header too.
fn looks_like_damaged_utf8(head: &[u8], complete: bool) -> bool {
    let mut invalid = 0usize;
    let mut multibyte = 0usize;
    let mut damaged_lines = 0usize;
    let mut lines = 0usize;
    let mut header_damaged = false;
    let mut split = head.split(|&b| b == b'\n').peekable();
    while let Some(line) = split.next() {
        // A line (and a character) the head cut off is not evidence.
        let cut = !complete && split.peek().is_none();
        if cut {
            break;
        }
        let mut bad = 0;
        for chunk in line.utf8_chunks() {
            multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
            bad += usize::from(!chunk.invalid().is_empty());
        }
        if bad > 0 {
            header_damaged |= lines == 0;
            damaged_lines += 1;
            invalid += bad;
        }
        lines += 1;
    }
    invalid == 0
        || multibyte >= 10 * invalid
        || (!header_damaged && (multibyte > invalid || damaged_lines * 50 <= lines))
}

/// Lines of the (decoded) head that are damaged: an undecodable byte, a U+FFFD or a NUL.
/// Most of them damaged means binary data, not a log with a few bad rows.
pub fn damaged_share(head: &[u8], complete: bool) -> (usize, usize) {
    let mut damaged = 0;
    let mut lines = 0;
    let mut split = head.split(|&b| b == b'\n').peekable();
    while let Some(line) = split.next() {
        if !complete && split.peek().is_none() && lines > 0 {
            break;
        }
        lines += 1;
        damaged += usize::from(is_damaged(line));
    }
    (damaged, lines)
}

/// Whether text bytes hold a NUL, invalid UTF-8 or U+FFFD (what a decoder made of bad bytes).
pub fn is_damaged(bytes: &[u8]) -> bool {
    // Most rows of a log are ASCII: one fast pass settles them.
    if bytes.is_ascii() {
        return memchr::memchr(0, bytes).is_some();
    }
    memchr::memchr(0, bytes).is_some()
        || match std::str::from_utf8(bytes) {
            Ok(text) => text.contains('\u{FFFD}'),
            Err(_) => true,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_encodings_apart() {
        let utf8 = "用户,时间\n张三,2024-01-01\n".as_bytes();
        assert!(detect(utf8, true).is_utf8());
        let (gbk, _, _) = encoding_rs::GBK
            .encode("用户,时间,金额\n张三,2024-01-01,5\n李四,2024-01-02,6\n王五,2024-01-03,7\n");
        assert_eq!(detect(&gbk, true).encoding.name(), "GBK");
        let mut utf16: Vec<u8> = Vec::new();
        for u in "user,time\nu1,2024-01-01\n".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(detect(&utf16, true).encoding, UTF_16LE);
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(&utf16);
        assert_eq!(detect(&bom, true).chosen, Chosen::ByteOrderMark);
    }

    #[test]
    fn a_few_bad_bytes_leave_utf8_damaged_not_guessed() {
        let mut text: Vec<u8> = b"user,time,amount\n".to_vec();
        for i in 0..200 {
            text.extend(format!("u{i},2024-01-01,{i}\n").as_bytes());
        }
        text[40] = 0xC3;
        text[900] = 0xFF;
        assert!(detect(&text, true).is_utf8());
        assert_eq!(damaged_share(&text, true).0, 2);
        // Chinese UTF-8 with a bad byte in the header is still UTF-8.
        let mut chinese = "用户ID,时间\n".as_bytes().to_vec();
        for i in 0..50 {
            chinese.extend(format!("张三{i},2024-01-01\n").as_bytes());
        }
        chinese[2] = 0xFF;
        assert!(detect(&chinese, true).is_utf8());
    }

    #[test]
    fn unknown_labels_are_errors_naming_examples() {
        let e = by_label(Path::new("a.csv"), "klingon")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown encoding 'klingon'") && e.contains("gbk"),
            "{e}"
        );
        assert_eq!(
            by_label(Path::new("a.csv"), "GB2312")
                .unwrap()
                .encoding
                .name(),
            "GBK"
        );
    }
}
