//! Parquet through polars, both ways. Every column is read as text so that the one converter
//! handles all formats; typed timestamps arrive as ISO 8601 text and are read back by the ISO
//! parser. Writing takes plain Rust columns, so callers never see polars.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use super::assemble::Assembler;
use super::convert::Converter;
use super::error::LoadError;
use super::plan::Plan;
use super::record::SplitRecord;
use super::source::{SAMPLE_ROWS, Source, io_error};
use crate::progress::{Progress, Stage};

/// Rows converted between progress reports and cancel checks.
const BATCH_ROWS: usize = 100_000;

/// A Parquet file's columns, each as text.
pub struct TextColumns {
    pub names: Vec<String>,
    columns: Vec<StringChunked>,
    pub height: usize,
}

impl TextColumns {
    fn value(&self, c: usize, row: usize) -> &str {
        self.columns[c].get(row).unwrap_or("")
    }

    pub fn sample_rows(&self) -> Vec<Vec<String>> {
        (0..self.height.min(SAMPLE_ROWS))
            .map(|r| {
                (0..self.names.len())
                    .map(|c| self.value(c, r).to_string())
                    .collect()
            })
            .collect()
    }
}

pub fn read_columns(source: &Source) -> Result<TextColumns, LoadError> {
    let format_err = |e: PolarsError| LoadError::Format {
        path: source.path.clone(),
        detail: format!("cannot read Parquet: {e}"),
    };
    let file = File::open(&source.path).map_err(|e| io_error(&source.path, e))?;
    let df = ParquetReader::new(file).finish().map_err(format_err)?;
    let names = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let columns = df
        .columns()
        .iter()
        .map(|c| {
            let text = c.cast(&DataType::String).map_err(format_err)?;
            text.str().cloned().map_err(format_err)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TextColumns {
        names,
        columns,
        height: df.height(),
    })
}

pub fn convert(
    source: &Source,
    data: &TextColumns,
    plan: &Plan,
    progress: &dyn Progress,
    assembler: &mut Assembler,
) -> Result<(), LoadError> {
    let mut fields: Vec<&str> = Vec::with_capacity(data.names.len());
    for start in (0..data.height).step_by(BATCH_ROWS) {
        let mut conv = Converter::new(plan);
        for row in start..(start + BATCH_ROWS).min(data.height) {
            fields.clear();
            fields.extend((0..data.names.len()).map(|c| data.value(c, row)));
            conv.push(&SplitRecord(&fields));
        }
        assembler.absorb(conv.finish());
        progress.report(Stage::Converting, start as u64, Some(data.height as u64));
        if progress.is_cancelled() {
            return Err(LoadError::Cancelled {
                path: source.path.clone(),
            });
        }
    }
    Ok(())
}

/// One column to write, in plain Rust types.
pub enum ColumnData {
    /// `None` is a null.
    Text(Vec<Option<String>>),
    Float(Vec<Option<f64>>),
    Int(Vec<i32>),
    /// Milliseconds since the Unix epoch, written as a Parquet timestamp.
    TimestampMs(Vec<i64>),
}

/// Writes named columns of equal length as one Parquet file.
pub fn write_table(path: &Path, columns: Vec<(&str, ColumnData)>) -> PolarsResult<()> {
    let columns = columns
        .into_iter()
        .map(|(name, data)| match data {
            ColumnData::Text(v) => Ok(Column::new(name.into(), v)),
            ColumnData::Float(v) => Ok(Column::new(name.into(), v)),
            ColumnData::Int(v) => Ok(Column::new(name.into(), v)),
            ColumnData::TimestampMs(v) => {
                Column::new(name.into(), v).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            }
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    let mut df = DataFrame::new_infer_height(columns)?;
    let file = File::create(path).map_err(PolarsError::from)?;
    ParquetWriter::new(file).finish(&mut df)?;
    Ok(())
}

/// Every column of a Parquet file as numbers (a null is NaN), by name in file order: for
/// tables vigil itself writes, such as a cluster's event features.
pub fn read_number_columns(path: &Path) -> PolarsResult<NumberColumns> {
    let file = File::open(path).map_err(PolarsError::from)?;
    let df = ParquetReader::new(file).finish()?;
    df.columns()
        .iter()
        .map(|c| {
            let numbers = c.cast(&DataType::Float64)?;
            let values = numbers.f64()?.iter().map(|v| v.unwrap_or(f64::NAN));
            Ok((c.name().to_string(), values.collect()))
        })
        .collect()
}

/// Named columns of numbers, in file order.
pub type NumberColumns = Vec<(String, Vec<f64>)>;

/// A Parquet table vigil itself writes with a text column `key` naming each row (an account)
/// and numbers in the others: the names, and the other columns by name in file order.
pub fn read_named_rows(path: &Path, key: &str) -> PolarsResult<(Vec<String>, NumberColumns)> {
    let file = File::open(path).map_err(PolarsError::from)?;
    let df = ParquetReader::new(file).finish()?;
    let names = df
        .column(key)?
        .str()?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.map(str::to_string).ok_or_else(|| {
                PolarsError::ComputeError(format!("row {}: no `{key}`", i + 1).into())
            })
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    let columns = df
        .columns()
        .iter()
        .filter(|c| c.name().as_str() != key)
        .map(|c| {
            let numbers = c.cast(&DataType::Float64)?;
            let values = numbers.f64()?.iter().map(|v| v.unwrap_or(f64::NAN));
            Ok((c.name().to_string(), values.collect()))
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    Ok((names, columns))
}
