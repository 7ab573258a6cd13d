//! `vigil segments`: a call into the application layer and a report per segment, in the
//! language asked for.

use anyhow::Result;
use rust_i18n::t;

use super::args::SegmentsArgs;
use super::models::source;
use super::progress::TerminalProgress;
use crate::eval::metric_text;
use crate::segments::{SegmentProfile, Segmentation};
use crate::words::{Language, Say, fraud_among_labelled, segment_name};
use crate::workbench::{self, SegmentRequest};

pub fn segments(args: &SegmentsArgs) -> Result<()> {
    let language = args.lang;
    let progress = TerminalProgress::in_language(args.json, language);
    let request = SegmentRequest {
        k: args.k,
        seed: args.seed,
        out: args.out.clone(),
        by_model: args.by_model.clone(),
    };
    let done = workbench::segments(&source(&args.data), &request, &progress)?;
    progress.finish();
    let s = &done.segmentation;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&as_json(s, language))?);
        return Ok(());
    }
    let l = language.code();
    println!(
        "{}",
        t!(
            "cli.segments_summary",
            locale = l,
            users = done.users.len(),
            k = s.k,
            chosen_by = s.chosen_by.say(language),
            silhouette = metric_text(s.silhouette, 3)
        )
    );
    for (k, sil) in &s.tried {
        let silhouette = metric_text(*sil, 3);
        let tried = t!(
            "cli.segments_tried",
            locale = l,
            k = k,
            silhouette = silhouette
        );
        println!("  {tried}");
    }
    for p in &s.profiles {
        print_profile(p, language);
    }
    if let Some(out) = &args.out {
        println!("{}", t!("cli.wrote", locale = l, file = out.display()));
    }
    Ok(())
}

/// The segmentation as `--json` prints it.
fn as_json(s: &Segmentation, language: Language) -> serde_json::Value {
    let profiles: Vec<serde_json::Value> = s
        .profiles
        .iter()
        .map(|p| {
            serde_json::json!({
                "segment": p.segment,
                "name": segment_name(p, language),
                "size": p.size,
                "traits": p.traits.iter().map(|t| t.say(language)).collect::<Vec<_>>(),
                "differences": p.traits,
                "labelled": p.labelled,
                "fraud": p.fraud,
                "fraud_rate": p.fraud_rate,
            })
        })
        .collect();
    serde_json::json!({
        "k": s.k,
        "chosen_by": s.chosen_by.say(language),
        "silhouette": s.silhouette,
        "tried": s.tried,
        "profiles": profiles,
    })
}

/// One segment: its line, then what sets it apart.
fn print_profile(p: &SegmentProfile, language: Language) {
    let line = t!(
        "cli.segment_line",
        locale = language.code(),
        segment = p.segment,
        name = segment_name(p, language),
        size = p.size,
        fraud = fraud_among_labelled(p, language)
    );
    println!("{line}");
    for trait_ in &p.traits {
        println!("    {}", trait_.say(language));
    }
}
