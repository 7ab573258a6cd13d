//! `vigil inspect` (the load report, as a table or JSON) and `vigil gen-sample`.

use std::path::Path;

use anyhow::{Context, Result};

use super::progress::TerminalProgress;
use crate::log;
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
        print!("{}", loaded.report.to_text());
    }
    Ok(())
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
