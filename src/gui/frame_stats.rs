//! Frame-time measurement (`vigil LOG --frame-report FILE`): once the log is open a retrain
//! starts (or, with `--frame-live SECS`, Live mode follows the log); while it runs the window
//! repaints continuously and moves through the queue (one account every few frames, as an
//! analyst pressing `j`), and the time of each frame is kept. When the retrain ends (or the
//! seconds have passed) the percentiles go to FILE as JSON and the window closes.

use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

/// Frames between two simulated `j` presses.
const FRAMES_PER_STEP: usize = 4;

pub struct FrameStats {
    report: Option<PathBuf>,
    started: Option<Instant>,
    /// Our own work per frame (logic + layout), ms.
    app_ms: Vec<f64>,
    /// eframe's CPU time of the previous frame (layout, tessellation, paint submission), ms.
    eframe_ms: Vec<f64>,
    /// Start-to-start interval between frames, ms (includes the GPU driver and buffer swap).
    interval_ms: Vec<f64>,
    last_start: Option<Instant>,
    saw_retrain: bool,
    measuring_started: Option<Instant>,
    frames_while_retraining: usize,
    /// Events in the open log when measuring began and at its last frame: what Live mode added.
    events: Option<(usize, usize)>,
    written: bool,
}

#[derive(Serialize)]
struct Summary {
    frames: usize,
    retrain_secs: f64,
    events_at_start: usize,
    events_at_end: usize,
    app_ms: Percentiles,
    eframe_cpu_ms: Percentiles,
    frame_interval_ms: Percentiles,
}

#[derive(Serialize)]
struct Percentiles {
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
}

fn percentiles(v: &[f64]) -> Percentiles {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let at = |q: f64| {
        if s.is_empty() {
            f64::NAN
        } else {
            s[((s.len() - 1) as f64 * q).round() as usize]
        }
    };
    Percentiles {
        p50: at(0.5),
        p95: at(0.95),
        p99: at(0.99),
        max: at(1.0),
    }
}

impl FrameStats {
    pub fn new(report: Option<PathBuf>) -> Self {
        Self {
            report,
            started: None,
            app_ms: Vec::new(),
            eframe_ms: Vec::new(),
            interval_ms: Vec::new(),
            last_start: None,
            saw_retrain: false,
            measuring_started: None,
            frames_while_retraining: 0,
            events: None,
            written: false,
        }
    }

    pub fn is_measuring(&self) -> bool {
        self.report.is_some()
    }

    pub fn begin(&mut self, eframe_cpu_secs: Option<f32>) {
        let now = Instant::now();
        if self.saw_retrain {
            if let Some(last) = self.last_start {
                self.interval_ms.push((now - last).as_secs_f64() * 1e3);
            }
            if let Some(cpu) = eframe_cpu_secs {
                self.eframe_ms.push(f64::from(cpu) * 1e3);
            }
        }
        self.last_start = Some(now);
        self.started = Some(now);
    }

    pub fn end(&mut self) {
        if let Some(s) = self.started.take()
            && self.saw_retrain
        {
            self.app_ms.push(s.elapsed().as_secs_f64() * 1e3);
        }
    }

    /// Called each frame while measuring: the queue step to simulate, if any.
    pub fn drive(&mut self, retraining: bool) -> Option<isize> {
        if retraining && !self.saw_retrain {
            self.saw_retrain = true;
            self.measuring_started = Some(Instant::now());
        }
        if !retraining || !self.saw_retrain {
            return None;
        }
        self.frames_while_retraining += 1;
        self.frames_while_retraining
            .is_multiple_of(FRAMES_PER_STEP)
            .then_some(1)
    }

    /// Seconds since the measured job was first seen running.
    pub fn measured_secs(&self) -> f64 {
        self.measuring_started
            .map_or(0.0, |s| s.elapsed().as_secs_f64())
    }

    /// The retrain that was measured has ended.
    pub fn finished(&mut self, retraining: bool) -> bool {
        let done = self.saw_retrain && !retraining;
        if done {
            self.write_report();
        }
        done
    }

    /// The open log's size at this measured frame.
    pub fn note_events(&mut self, events: usize) {
        let first = self.events.map_or(events, |e| e.0);
        self.events = Some((first, events));
    }

    pub fn write_report(&mut self) {
        let Some(path) = &self.report else { return };
        if self.written || !self.saw_retrain {
            return;
        }
        self.written = true;
        let summary = Summary {
            frames: self.app_ms.len(),
            retrain_secs: self
                .measuring_started
                .map_or(0.0, |s| s.elapsed().as_secs_f64()),
            events_at_start: self.events.map_or(0, |e| e.0),
            events_at_end: self.events.map_or(0, |e| e.1),
            app_ms: percentiles(&self.app_ms),
            eframe_cpu_ms: percentiles(&self.eframe_ms),
            frame_interval_ms: percentiles(&self.interval_ms),
        };
        let text = serde_json::to_string_pretty(&summary).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("vigil: could not write {}: {e}", path.display());
        }
    }
}
