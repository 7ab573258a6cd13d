//! `vigil inspect` (the load report, as a table or JSON) and `vigil gen-sample`.

use std::path::Path;

use anyhow::{Context, Result};

use super::progress::TerminalProgress;
use crate::log;
use crate::sample::{self, SampleConfig};
use crate::words::{Language, Say};
use crate::workbench::mapping_from;

/// Prints the load report of `path`, in `language`: a table, or one JSON object whose
/// rejects and warnings carry their reason in words beside the issue as data.
pub fn inspect(
    path: &Path,
    map: Option<&Path>,
    encoding: Option<&str>,
    json: bool,
    language: Language,
) -> Result<()> {
    let mapping = mapping_from(map, encoding)?;
    let progress = TerminalProgress::in_language(json, language);
    let loaded = log::load(path, &mapping, &progress)?;
    progress.finish();
    let report = &loaded.report;
    if json {
        let mut value = serde_json::to_value(report)?;
        for (key, issues) in [("rejects", &report.rejects), ("warnings", &report.warnings)] {
            let said = value.get_mut(key).and_then(serde_json::Value::as_array_mut);
            for (entry, stat) in said.into_iter().flatten().zip(issues) {
                if let Some(entry) = entry.as_object_mut() {
                    entry.insert("reason".into(), stat.issue.say(language).into());
                }
            }
        }
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print!("{}", report.say(language));
    }
    Ok(())
}

pub fn gen_sample(config: SampleConfig, out: &Path, labels: Option<&Path>) -> Result<()> {
    anyhow::ensure!(config.users > 0, "--users must be at least 1");
    anyhow::ensure!(config.days > 0, "--days must be at least 1");
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
