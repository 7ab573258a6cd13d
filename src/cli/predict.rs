//! `vigil predict`: a call into the application layer and the model beside its baselines.

use anyhow::Result;

use super::args::PredictArgs;
use super::models::source;
use super::progress::TerminalProgress;
use crate::eval::metric_text;
use crate::log::timeparse::format_rfc3339;
use crate::predict::{Figures, PredictOptions};
use crate::workbench::{self, PredictRequest};

pub fn predict(args: &PredictArgs) -> Result<()> {
    let progress = TerminalProgress::new(args.json);
    let request = PredictRequest {
        options: PredictOptions {
            target: args.target,
            at_ms: args.at_ms,
            horizon_ms: args.horizon_ms,
            seed: args.seed,
            epochs: args.epochs,
        },
        model: args.model.clone(),
        out: args.out.clone(),
    };
    let p = workbench::predict(&source(&args.data), &request, &progress)?;
    progress.finish();
    if args.json {
        let mut report = serde_json::to_value(&p)?;
        if let Some(o) = report.as_object_mut() {
            // The per-user rows go to --out; the report is the figures.
            o.remove("rows");
            o.insert("users".into(), p.rows.len().into());
        }
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let days = crate::time_units::days;
    println!(
        "{} at {} for {:.1} days: {} users predicted",
        p.target.name(),
        format_rfc3339(p.at_ms),
        days(p.horizon_ms),
        p.rows.len()
    );
    let cutoffs: Vec<String> = p
        .training_cutoffs
        .iter()
        .map(|&c| format_rfc3339(c))
        .collect();
    println!(
        "learned from {} examples at the cut-offs {} (answers before {})",
        p.training_examples,
        cutoffs.join(", "),
        format_rfc3339(p.at_ms)
    );
    if !p.purchase_types.is_empty() {
        println!("purchases: {}", p.purchase_types.join(", "));
    }
    let Some(e) = &p.evaluation else {
        println!("the log has nothing from the cut-off on: no evaluation");
        return Ok(());
    };
    match e.positive_rate.is_nan() {
        true => println!("graded on {} users", e.users),
        false => println!(
            "graded on {} users (positive rate {})",
            e.users,
            metric_text(e.positive_rate, 3)
        ),
    }
    if let Some(note) = &e.partial {
        println!("note: {note}");
    }
    print!("{}", figures_table(&e.figures));
    if let Some(out) = &args.out {
        println!("wrote {}", out.display());
    }
    Ok(())
}

/// The model and its baselines, one line each.
fn figures_table(figures: &[Figures]) -> String {
    let mut s = format!(
        "{:<28} {:>8} {:>8} {:>9} {:>9}\n",
        "", "ROC-AUC", "AP", "accuracy", "log loss"
    );
    for f in figures {
        s.push_str(&format!(
            "{:<28} {:>8} {:>8} {:>9} {:>9}\n",
            f.name,
            metric_text(f.roc_auc, 4),
            metric_text(f.average_precision, 4),
            metric_text(f.accuracy, 4),
            metric_text(f.log_loss, 4)
        ));
    }
    s
}
