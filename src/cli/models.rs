//! `vigil train`, `vigil score` and `vigil eval`: each a call into the application layer and
//! a report of what it did.

use anyhow::Result;
use rust_i18n::t;

use super::args::{DataArgs, EvalArgs, ScoreArgs, TrainArgs};
use super::progress::TerminalProgress;
use crate::detect::{DetectorKind, Level};
use crate::eval::{COST_THRESHOLDS, CostPoint, Costs, EvalRow, MissedFraud, metric_text};
use crate::workbench::{
    self, ByCost, CompareRequest, DataSource, ModelChoice, ScoreRequest, TrainRequest,
};

pub(super) fn source(args: &DataArgs) -> DataSource {
    DataSource {
        log: args.log.clone(),
        map: args.map.clone(),
        encoding: args.encoding.clone(),
        labels: args.labels.clone(),
        label_delay_ms: args.label_delay_ms,
    }
}

pub fn train(args: &TrainArgs) -> Result<()> {
    let progress = TerminalProgress::new(false);
    let request = TrainRequest {
        detector: args.detector,
        until_ms: args.until_ms,
        epochs: args.epochs,
        seed: args.seed,
        search_budget: args.search_budget,
        sample_events: args.sample_events,
        daily_capacity: args.daily_capacity,
        costs: args.costs,
        out: args.out.clone(),
    };
    let t = workbench::train(&source(&args.data), &request, &progress)?;
    progress.finish();
    let m = &t.meta;
    let r = &m.training;
    println!(
        "trained {} on {} events of {} users in {:.1} s on {}; thresholds suspicious {:.3}, high {:.3}; wrote {}",
        m.detector,
        t.events,
        t.users,
        r.train_secs,
        m.device,
        m.thresholds.user.suspicious,
        m.thresholds.user.high,
        args.out.display()
    );
    println!(
        "labels: {} users labelled, {} not yet known; {} events labelled ({} fraud), {} not yet known (left out, not taken as legit)",
        r.labelled_users, r.unknown_users, r.labelled_events, r.fraud_events, r.unknown_events
    );
    say_by_cost(t.by_cost.as_ref(), args.costs.is_some());
    if t.kept_pretrained {
        println!(
            "kept the encoder pretrained on these events in {}: only the heads learnt the labels (train into another directory to pretrain again)",
            args.out.display()
        );
    }
    if let Some((sample, kept)) = t.sample {
        let others = kept as u64 - sample.positive.min(kept as u64);
        println!(
            "events learnt from: every fraud event ({}) and {} of the {} others, each standing for {:.1}",
            sample.positive,
            others,
            sample.other,
            1.0 / sample.other_share()
        );
    }
    for (level, chosen) in [
        ("accounts", &m.selection.user),
        ("events", &m.selection.event),
    ] {
        if let Some(s) = chosen {
            println!("chosen for {level}: {}", s.describe());
        }
    }
    if let Some(s) = &m.self_supervision {
        let share = |v: f64| format!("{:.1} %", v * 100.0);
        let line = t!(
            "model.next_type",
            locale = "en",
            events = s.events,
            model = share(s.next_type_accuracy),
            account = share(s.account_habit_accuracy),
            log = share(s.log_habit_accuracy)
        );
        println!("{line}");
        if !s.learnt_sequences() {
            println!("{}", t!("model.no_sequences", locale = "en"));
        }
    }
    Ok(())
}

pub fn score(args: &ScoreArgs) -> Result<()> {
    let progress = TerminalProgress::in_language(false, args.lang);
    let model = match (&args.model, args.detector) {
        (Some(dir), _) => ModelChoice::Dir(dir.clone()),
        (None, Some(kind)) => ModelChoice::Train(kind),
        (None, None) => anyhow::bail!("give --model DIR or --detector NAME"),
    };
    let request = ScoreRequest {
        block_events: None,
        model,
        level: args.level,
        from_ms: args.from_ms,
        until_ms: args.until_ms,
        seed: args.seed,
        out: args.out.clone(),
        language: args.lang,
    };
    let outcome = workbench::score_to_csv(&source(&args.data), &request, &progress)?;
    progress.finish();
    let l = args.lang.code();
    if !outcome.missing_features.is_empty() {
        let note = t!(
            "cli.missing_features",
            locale = l,
            n = outcome.missing_features.len(),
            names = outcome.missing_features.join(", ")
        );
        eprintln!("vigil: {note}");
    }
    let file = args.out.display();
    let wrote = match args.level {
        Level::User => t!(
            "cli.wrote_user_scores",
            locale = l,
            n = outcome.written,
            file = file
        ),
        Level::Event => t!(
            "cli.wrote_event_scores",
            locale = l,
            n = outcome.written,
            file = file
        ),
    };
    println!("{wrote}");
    if let Some(d) = outcome.per_day {
        let flags = t!(
            "cli.flagged_per_day",
            locale = l,
            suspicious = format!("{:.3}", d.thresholds.suspicious),
            s = format!("{:.1}", d.suspicious),
            high = format!("{:.3}", d.thresholds.high),
            h = format!("{:.1}", d.high),
            days = d.days
        );
        println!("{flags}");
    }
    Ok(())
}

pub fn eval(args: &EvalArgs) -> Result<()> {
    let progress = TerminalProgress::new(args.json);
    let data = source(&args.data).load(&progress)?;
    let request = CompareRequest {
        split: args.split.clone(),
        detectors: args
            .detectors
            .clone()
            .unwrap_or_else(|| DetectorKind::ALL.to_vec()),
        level: args.level,
        seed: args.seed,
        epochs: args.epochs,
        horizon_ms: args.horizon_ms,
        top_k: args.top_k,
        costs: args.costs,
    };
    let rows = workbench::compare(data.into(), &request, &progress)?;
    progress.finish();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        print!("{}", table(&rows));
        if let Some(costs) = &args.costs {
            print!("{}", cost_table(&rows, costs));
        }
    }
    Ok(())
}

/// Where the suspicious threshold went by cost, when costs were given.
fn say_by_cost(by_cost: Option<&ByCost>, asked: bool) {
    match (by_cost, asked) {
        (Some(c), _) => println!(
            "suspicious by cost: {:.3}, costing {:.0} on the {} labelled accounts (out of fold where the model has it), against {:.0} at the capacity's {:.3}",
            c.least.threshold,
            c.least.cost,
            c.accounts,
            c.at_capacity.cost,
            c.at_capacity.threshold
        ),
        (None, true) => {
            println!("no labelled account to count the costs on: the thresholds are the capacity's")
        }
        (None, false) => {}
    }
}

/// The comparison as an aligned table (a dash where a metric is undefined).
pub fn table(rows: &[EvalRow]) -> String {
    let mut s = format!(
        "{:<12} {:>7} {:>7} {:>7} {:>9} {:>7} {:>7} {:>9} {:>9}\n",
        "detector", "roc_auc", "ap", "p@100", "precision", "recall", "f1", "train_s", "score_s"
    );
    for r in rows {
        if let Some(e) = &r.error {
            s.push_str(&format!("{:<12} {e}\n", r.detector));
            continue;
        }
        let m = &r.metrics;
        s.push_str(&format!(
            "{:<12} {:>7} {:>7} {:>7} {:>9} {:>7} {:>7} {:>9.2} {:>9.2}\n",
            r.detector,
            metric_text(m.roc_auc, 4),
            metric_text(m.average_precision, 4),
            metric_text(m.precision_at_100, 3),
            metric_text(m.precision, 3),
            metric_text(m.recall, 3),
            metric_text(m.f1, 3),
            r.train_secs,
            r.score_secs
        ));
    }
    if let Some(r) = rows.iter().find(|r| r.error.is_none()) {
        s.push_str(&format!(
            "test rows: {} fraud, {} legit\n",
            r.metrics.positives, r.metrics.negatives
        ));
    }
    for r in rows.iter().filter(|r| r.error.is_none()) {
        if let (Some(p), Some(k)) = (r.daily_top_k_precision, r.top_k) {
            s.push_str(&format!(
                "{}: the top {k} accounts a day, precision {}",
                r.detector,
                metric_text(p, 3)
            ));
            if let Some(ap) = r.new_victims_ap {
                let ap = metric_text(ap, 4);
                s.push_str(&format!(
                    "; AP on accounts not known as fraud at the split {ap}"
                ));
            }
            s.push('\n');
        }
    }
    s
}

/// The cost of each detector's rows over the threshold: at its own threshold, at
/// `COST_THRESHOLDS` and at the least costly one.
pub fn cost_table(rows: &[EvalRow], costs: &Costs) -> String {
    let missed = match costs.missed {
        MissedFraud::Each(loss) => format!("{loss}"),
        MissedFraud::Amount => "its amount".to_string(),
    };
    let mut s = format!(
        "cost of the test rows: a missed fraud {missed}, a review {}, a good one held {}\n",
        costs.review, costs.blocked_legit
    );
    let mut head = format!(
        "{:<12} {:>16} {:>24}",
        "detector", "at its threshold", "least"
    );
    for t in COST_THRESHOLDS {
        head.push_str(&format!(" {:>9}", format!("≥{t}")));
    }
    s.push_str(&head);
    s.push('\n');
    let point = |p: &CostPoint| format!("{:.0} ({:.3})", p.cost, p.threshold);
    for r in rows.iter().filter(|r| r.error.is_none()) {
        let Some(c) = &r.cost else { continue };
        s.push_str(&format!(
            "{:<12} {:>16} {:>24}",
            r.detector,
            point(&c.at_threshold),
            format!("{} {} flagged", point(&c.least), c.least.flagged)
        ));
        for p in &c.grid {
            s.push_str(&format!(" {:>9.0}", p.cost));
        }
        s.push('\n');
    }
    s
}
