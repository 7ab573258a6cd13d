//! `vigil segments`: a call into the application layer and a report per segment.

use anyhow::Result;

use super::args::SegmentsArgs;
use super::models::source;
use super::progress::TerminalProgress;
use crate::eval::metric_text;
use crate::workbench::{self, SegmentRequest};

pub fn segments(args: &SegmentsArgs) -> Result<()> {
    let progress = TerminalProgress::new(args.json);
    let request = SegmentRequest {
        k: args.k,
        seed: args.seed,
        out: args.out.clone(),
    };
    let done = workbench::segments(&source(&args.data), &request, &progress)?;
    progress.finish();
    let s = &done.segmentation;
    if args.json {
        let report = serde_json::json!({
            "k": s.k,
            "chosen_by": s.chosen_by,
            "silhouette": s.silhouette,
            "tried": s.tried,
            "profiles": s.profiles,
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "{} accounts in {} segments ({}; silhouette {})",
        done.users.len(),
        s.k,
        s.chosen_by,
        metric_text(s.silhouette, 3)
    );
    for (k, sil) in &s.tried {
        println!("  k = {k}: silhouette {}", metric_text(*sil, 3));
    }
    for p in &s.profiles {
        println!(
            "segment {}: {} accounts, {}",
            p.segment,
            p.size,
            p.fraud_text()
        );
        for t in &p.traits {
            println!("    {t}");
        }
    }
    if let Some(out) = &args.out {
        println!("wrote {}", out.display());
    }
    Ok(())
}
