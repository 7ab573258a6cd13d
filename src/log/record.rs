//! One source row, whatever the format: a CSV record, a whitespace-split line or a row of
//! Parquet/NDJSON values. The converter reads fields through this trait only.

use std::borrow::Cow;

use xxhash_rust::xxh3::{Xxh3, xxh3_128_with_seed};

use super::encoding::is_damaged;

pub trait Record {
    fn field_count(&self) -> usize;
    /// The field's text; invalid UTF-8 is replaced rather than failing the row.
    fn field(&self, i: usize) -> Cow<'_, str>;
    /// A 128-bit hash of every field, for removing exact duplicate rows.
    fn content_hash(&self) -> u128;
    /// The first field holding damaged text (an undecodable byte, U+FFFD or a NUL), if any.
    fn damaged_field(&self) -> Option<usize>;
    /// The whole row as text, for reject examples; a NUL is shown as ␀.
    fn raw_text(&self) -> String {
        (0..self.field_count())
            .map(|i| self.field(i).replace('\0', "␀"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Seed from the field lengths (FNV-1a), so ("ab","c") and ("a","bc") hash apart while the
/// bytes themselves are hashed in one pass.
fn lengths_seed(lengths: impl Iterator<Item = usize>) -> u64 {
    lengths.fold(0xcbf2_9ce4_8422_2325, |h, n| {
        (h ^ n as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Record for csv::ByteRecord {
    fn field_count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> Cow<'_, str> {
        match self.get(i) {
            Some(b) => String::from_utf8_lossy(b),
            None => Cow::Borrowed(""),
        }
    }
    fn content_hash(&self) -> u128 {
        // A ByteRecord keeps its fields back to back: one contiguous slice to hash.
        xxh3_128_with_seed(self.as_slice(), lengths_seed(self.iter().map(<[u8]>::len)))
    }
    fn damaged_field(&self) -> Option<usize> {
        // The row is checked whole first: damage is rare.
        if !is_damaged(self.as_slice()) {
            return None;
        }
        self.iter().position(is_damaged)
    }
}

/// Fields already split into string slices (whitespace-separated text, Parquet, NDJSON).
pub struct SplitRecord<'a, 'b>(pub &'b [&'a str]);

impl Record for SplitRecord<'_, '_> {
    fn field_count(&self) -> usize {
        self.0.len()
    }
    fn field(&self, i: usize) -> Cow<'_, str> {
        Cow::Borrowed(self.0.get(i).copied().unwrap_or(""))
    }
    fn content_hash(&self) -> u128 {
        // Streaming over the fields equals hashing their concatenation, as for ByteRecord.
        let mut h = Xxh3::with_seed(lengths_seed(self.0.iter().map(|f| f.len())));
        for f in self.0 {
            h.update(f.as_bytes());
        }
        h.digest128()
    }
    fn damaged_field(&self) -> Option<usize> {
        self.0.iter().position(|f| is_damaged(f.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_separates_field_boundaries() {
        let a = SplitRecord(&["ab", "c"]).content_hash();
        let b = SplitRecord(&["a", "bc"]).content_hash();
        let c = SplitRecord(&["ab", "c"]).content_hash();
        assert_ne!(a, b);
        assert_eq!(a, c);
        let rec = csv::ByteRecord::from(vec!["ab", "c"]);
        assert_eq!(rec.content_hash(), a);
    }
}
