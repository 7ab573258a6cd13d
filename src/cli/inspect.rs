//! `vigil inspect` (the load report, as a table or JSON) and `vigil gen-sample`.

use std::path::Path;

use anyhow::{Context, Result};

use super::progress::TerminalProgress;
use crate::log::{self, LoadReport};
use crate::sample::{self, SampleConfig};
use crate::workbench::mapping_from;

pub fn inspect(path: &Path, map: Option<&Path>, encoding: Option<&str>, json: bool) -> Result<()> {
    let mapping = mapping_from(map, encoding)?;
    let progress = TerminalProgress::new(json);
    let loaded = log::load(path, &mapping, &progress)?;
    progress.finish();
    if json {
        println!("{}", serde_json::to_string_pretty(&loaded.report)?);
    } else {
        print!("{}", report_text(&loaded.report));
    }
    Ok(())
}

/// The load report as an aligned table.
pub fn report_text(r: &LoadReport) -> String {
    let mut out = String::new();
    let mut line = |k: &str, v: String| out.push_str(&format!("{k:<11} {v}\n"));
    line("file", r.file.clone());
    let layout = match (&r.delimiter, r.has_header) {
        (Some(d), Some(h)) => format!(
            " (delimiter {}, {})",
            if d.chars().count() == 1 {
                format!("'{d}'")
            } else {
                d.clone()
            },
            if h { "header" } else { "no header" }
        ),
        _ => String::new(),
    };
    let encoding = r
        .encoding
        .as_ref()
        .map(|e| format!(", text in {e}"))
        .unwrap_or_default();
    line("format", format!("{}{layout}{encoding}", r.format));
    line(
        "rows",
        format!(
            "{} read, {} loaded, {} rejected, {} duplicates removed",
            r.rows_read, r.rows_loaded, r.rows_rejected, r.duplicates_removed
        ),
    );
    line("users", r.users.to_string());
    let mut types: Vec<_> = r.event_types.iter().collect();
    types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let types: Vec<String> = types.iter().map(|(k, v)| format!("{k} {v}")).collect();
    line("events", format!("{} ({})", r.events, types.join(", ")));
    line(
        "time",
        format!(
            "{} .. {} (read as {})",
            r.time_min.as_deref().unwrap_or("-"),
            r.time_max.as_deref().unwrap_or("-"),
            r.time_format
        ),
    );
    let mapping: Vec<String> = r.mapping.iter().map(|(k, v)| format!("{k}={v}")).collect();
    line("mapping", mapping.join("  "));
    if !r.unsure_roles.is_empty() {
        line(
            "unsure",
            format!(
                "{} (check them, or give a --map file)",
                r.unsure_roles.join(", ")
            ),
        );
    }
    if let Some(l) = &r.labels {
        line(
            "labels",
            format!(
                "{} level: {} fraud, {} legit",
                l.level, l.positive, l.negative
            ),
        );
    }
    for (title, issues) in [("rejected", &r.rejects), ("warning", &r.warnings)] {
        for s in issues {
            let examples: Vec<String> = s
                .examples
                .iter()
                .map(|e| format!("{}: '{}'", e.place(), e.value))
                .collect();
            line(
                title,
                format!("{} × {} (e.g. {})", s.count, s.reason, examples.join("; ")),
            );
        }
    }
    line("took", format!("{:.2} s", r.elapsed_secs));
    out
}

pub fn gen_sample(
    users: usize,
    days: u32,
    seed: u64,
    out: &Path,
    labels: Option<&Path>,
) -> Result<()> {
    anyhow::ensure!(users > 0, "--users must be at least 1");
    anyhow::ensure!(days > 0, "--days must be at least 1");
    let config = SampleConfig {
        users,
        days,
        seed,
        ..SampleConfig::default()
    };
    let s = sample::generate(&config);
    sample::write_log(&s, out)?;
    if let Some(labels) = labels {
        sample::write_labels(&s, labels)
            .with_context(|| format!("{}: cannot write labels", labels.display()))?;
    }
    let fraud = s.users.iter().filter(|u| u.persona.is_fraud()).count();
    println!(
        "wrote {} events of {} users ({} fraudulent) to {}",
        s.events.len(),
        s.users.len(),
        fraud,
        out.display()
    );
    Ok(())
}
