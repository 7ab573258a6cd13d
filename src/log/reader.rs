//! Reading a log: its head first (`preview`: format, columns, the first rows, the detected
//! plan, which the mapping dialog may correct), then the whole file by that plan (`load`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::assemble::Assembler;
use super::detect::Head;
use super::error::LoadError;
use super::mapping::Mapping;
use super::plan::Plan;
use super::planner::build_plan;
use super::report::{self, LoadReport};
use super::source::{self, Delimiter, Kind};
use super::table::EventLog;
use super::{delimited, ndjson, parquet};
use crate::progress::{Progress, Stage};

/// A loaded log and its report.
#[derive(Debug)]
pub struct Loaded {
    pub log: EventLog,
    pub report: LoadReport,
    pub plan: Plan,
}

/// What the head of a file says, before the whole file is read: the GUI's mapping dialog
/// shows `rows` and `plan` and lets the analyst correct the plan.
pub struct Preview {
    pub path: PathBuf,
    pub format: String,
    pub columns: Vec<String>,
    /// The first data rows, as text.
    pub rows: Vec<Vec<String>>,
    pub plan: Plan,
    source: source::Source,
    layout: Layout,
}

enum Layout {
    Delimited {
        delimiter: Delimiter,
        has_header: bool,
    },
    Ndjson,
    Parquet(Box<parquet::TextColumns>),
}

/// Reads the head of `path` and resolves the mapping (given keys first, the rest detected).
pub fn preview(path: &Path, mapping: &Mapping) -> Result<Preview, LoadError> {
    let (source, head) = source::identify(path, mapping.encoding.as_deref())?;
    let (columns, rows, layout) = match source.kind {
        Kind::Delimited => {
            let h = source::sniff_delimited(&source, &head, mapping)?;
            let layout = Layout::Delimited {
                delimiter: h.delimiter,
                has_header: h.has_header,
            };
            (h.columns, h.rows, layout)
        }
        Kind::Ndjson => {
            let (columns, rows) = ndjson::sniff(&source, &head)?;
            (columns, rows, Layout::Ndjson)
        }
        Kind::Parquet => {
            let data = parquet::read_columns(&source)?;
            if data.height == 0 {
                return Err(LoadError::HeaderOnly {
                    path: path.to_path_buf(),
                });
            }
            (
                data.names.clone(),
                data.sample_rows(),
                Layout::Parquet(Box::new(data)),
            )
        }
    };
    let has_header = match layout {
        Layout::Delimited { has_header, .. } => has_header,
        _ => true,
    };
    let head = Head {
        path,
        samples: source::column_samples(columns.len(), &rows),
        columns: columns.clone(),
        has_header,
    };
    let plan = build_plan(&head, mapping)?;
    Ok(Preview {
        path: path.to_path_buf(),
        format: source.format_name(),
        columns,
        rows,
        plan,
        source,
        layout,
    })
}

impl Preview {
    /// The text's encoding, for the report: "UTF-8", "GBK (guessed)".
    pub fn encoding(&self) -> Option<String> {
        (self.source.kind != Kind::Parquet).then(|| self.source.encoding.describe())
    }

    /// The mapping file that reproduces this preview's plan.
    pub fn to_mapping(&self) -> Mapping {
        let mut mapping = self.to_mapping_without_encoding();
        if self.source.kind != Kind::Parquet && !self.source.encoding.is_utf8() {
            mapping.encoding = Some(self.source.encoding.encoding.name().to_lowercase());
        }
        mapping
    }

    fn to_mapping_without_encoding(&self) -> Mapping {
        match self.layout {
            Layout::Delimited {
                delimiter,
                has_header,
            } => self
                .plan
                .to_mapping(Some(has_header), Some(delimiter.name())),
            _ => self.plan.to_mapping(None, None),
        }
    }

    /// Reads the whole file by this preview's plan (which the caller may have corrected).
    pub fn load(self, progress: &dyn Progress) -> Result<Loaded, LoadError> {
        let started = Instant::now();
        let encoding = self.encoding();
        let source = &self.source;
        let mut assembler = Assembler::new(&self.plan);
        let (delimiter, has_header) = match &self.layout {
            Layout::Delimited {
                delimiter,
                has_header,
            } => {
                delimited::read(
                    source,
                    *delimiter,
                    *has_header,
                    &self.plan,
                    progress,
                    &mut assembler,
                )?;
                (Some(delimiter.name()), Some(*has_header))
            }
            Layout::Ndjson => {
                ndjson::read(source, &self.plan, progress, &mut assembler)?;
                (None, None)
            }
            Layout::Parquet(data) => {
                parquet::convert(source, data, &self.plan, progress, &mut assembler)?;
                (None, None)
            }
        };
        let (log, stats) = assembler.finish();
        if stats.rows_read == 0 {
            return Err(LoadError::HeaderOnly { path: self.path });
        }
        if log.is_empty() {
            let detail = stats
                .rejects
                .stats
                .iter()
                .max_by_key(|s| s.count)
                .map(|s| {
                    let example = s.examples.first();
                    format!(
                        "all {} rows rejected; most often: {} ({}: '{}')",
                        stats.rows_read,
                        s.issue,
                        example.map_or_else(|| "row 0".to_string(), |e| e.place()),
                        example.map_or("", |e| e.value.as_str())
                    )
                })
                .unwrap_or_default();
            return Err(LoadError::NothingLoaded {
                path: self.path,
                detail,
            });
        }
        let report = report::build(report::ReportInput {
            file: self.path.display().to_string(),
            format: self.format,
            encoding,
            delimiter,
            has_header,
            plan: &self.plan,
            log: &log,
            stats: &stats,
            elapsed_secs: started.elapsed().as_secs_f64(),
        });
        progress.report(Stage::Loaded, source.size_bytes, Some(source.size_bytes));
        Ok(Loaded {
            log,
            report,
            plan: self.plan,
        })
    }
}

/// Reads a whole log: detection, mapping, conversion and report in one call.
pub fn load(path: &Path, mapping: &Mapping, progress: &dyn Progress) -> Result<Loaded, LoadError> {
    let started = Instant::now();
    let mut loaded = preview(path, mapping)?.load(progress)?;
    loaded.report.elapsed_secs = started.elapsed().as_secs_f64();
    Ok(loaded)
}
