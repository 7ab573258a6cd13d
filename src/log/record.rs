//! One source row, whatever the format: a CSV record, a whitespace-split line or a row of
//! Parquet/NDJSON values. The converter reads fields through this trait only.

use std::borrow::Cow;

use xxhash_rust::xxh3::Xxh3;

pub trait Record {
    fn field_count(&self) -> usize;
    /// The field's text; invalid UTF-8 is replaced rather than failing the row.
    fn field(&self, i: usize) -> Cow<'_, str>;
    /// A 128-bit hash of every field, for removing exact duplicate rows.
    fn content_hash(&self) -> u128;
    /// The whole row as text, for reject examples.
    fn raw_text(&self) -> String {
        (0..self.field_count())
            .map(|i| self.field(i).into_owned())
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn hash_fields<'a>(fields: impl Iterator<Item = &'a [u8]>) -> u128 {
    let mut h = Xxh3::new();
    for f in fields {
        // The length keeps ("ab","c") and ("a","bc") apart.
        h.update(&(f.len() as u32).to_le_bytes());
        h.update(f);
    }
    h.digest128()
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
        hash_fields(self.iter())
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
        hash_fields(self.0.iter().map(|s| s.as_bytes()))
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
