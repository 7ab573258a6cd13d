//! `vigil watch`: the live watch on the command line. Alerts go to stdout as JSON lines (and
//! to `--alerts`); progress and warnings to stderr. Ctrl+C stops it after the current look.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;

use super::args::WatchArgs;
use super::progress::TerminalProgress;
use crate::workbench::mapping_from;
use crate::workbench::watch::{WatchEvent, WatchRequest, alert_line, watch as follow};

pub fn watch(args: &WatchArgs) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    // Ctrl+C asks the watch to stop; it finishes the look it is in, so what it stored and
    // what it printed agree.
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
        else {
            return;
        };
        if runtime.block_on(tokio::signal::ctrl_c()).is_ok() {
            on_signal.store(true, Ordering::Relaxed);
        }
    });
    let progress = TerminalProgress::new(false);
    let request = WatchRequest {
        source: args.source.clone(),
        history: args.history.clone(),
        mapping: mapping_from(args.map.as_deref(), None)?,
        workspace: args.workspace.clone(),
        model: args.model.clone(),
        alerts: args.alerts.clone(),
        poll_ms: args.poll_ms,
    };
    let verbose = args.verbose;
    let summary = follow(request, stop, &progress, &mut |event| match event {
        WatchEvent::Started {
            history_events,
            model,
            ..
        } => {
            progress.finish();
            eprintln!(
                "watching {} ({history_events} events of history, model {model}); Ctrl+C stops",
                args.source.display()
            );
        }
        WatchEvent::Alert { id, alert } => match alert_line(id, &alert) {
            Ok(line) => println!("{line}"),
            Err(e) => eprintln!("warning: alert {id} could not be written as JSON: {e}"),
        },
        WatchEvent::Scored { events, millis, .. } => {
            if verbose {
                eprintln!("scored {events} events in {millis:.1} ms");
            }
        }
        WatchEvent::Warning(w) => eprintln!("warning: {w}"),
        WatchEvent::Quiet => {}
    })?;
    eprintln!(
        "stopped: {} events scored, {} alerts",
        summary.events, summary.alerts
    );
    Ok(())
}
