//! The frame benchmark (`vigil LOG --frame-report FILE`): once the log is open a retrain
//! starts (or, with `--frame-live SECS`, Live mode follows the log); while it runs the window
//! repaints continuously and moves through the queue (one account every few frames, as an
//! analyst pressing `j`), and the time of each frame is kept. When the retrain ends (or the
//! seconds have passed) the percentiles go to FILE as JSON and the window closes.
//!
//! `FrameBench` is all the window knows of it: a frame's start and end, what job to start once
//! the log is open, and what to do each frame (`BenchStep`).

use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

/// Frames between two simulated `j` presses.
const FRAMES_PER_STEP: usize = 4;

/// The job whose frames are measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeasuredJob {
    Retrain,
    /// Live mode, for this many seconds.
    Live {
        secs: u64,
    },
}

/// What the window does this frame while measuring.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BenchStep {
    /// Move through the queue by this much (an analyst pressing `j`).
    pub step: Option<isize>,
    /// The measured job ended: the report is written, the window closes.
    pub close: bool,
}

/// The benchmark, when the window was started with `--frame-report`.
pub struct FrameBench {
    stats: Option<FrameStats>,
    job: MeasuredJob,
}

impl FrameBench {
    pub fn new(report: Option<PathBuf>, live_secs: Option<u64>) -> Self {
        Self {
            stats: report.map(FrameStats::new),
            job: match live_secs {
                Some(secs) => MeasuredJob::Live { secs },
                None => MeasuredJob::Retrain,
            },
        }
    }

    /// The job to start once the log is open, when measuring.
    pub fn job(&self) -> Option<MeasuredJob> {
        self.stats.as_ref().map(|_| self.job)
    }

    pub fn begin_frame(&mut self, eframe_cpu_secs: Option<f32>) {
        if let Some(s) = &mut self.stats {
            s.begin(eframe_cpu_secs);
        }
    }

    pub fn end_frame(&mut self) {
        if let Some(s) = &mut self.stats {
            s.end();
        }
    }

    /// Each frame's logic while measuring: whether the measured job still runs (`retraining`,
    /// `live_running`), the open log's size; returns what the window does now (`None` when
    /// not measuring).
    pub fn drive(
        &mut self,
        retraining: bool,
        live_running: bool,
        events: Option<usize>,
    ) -> Option<BenchStep> {
        let stats = self.stats.as_mut()?;
        let busy = match self.job {
            MeasuredJob::Live { secs } => live_running && stats.measured_secs() < secs as f64,
            MeasuredJob::Retrain => retraining,
        };
        if let Some(n) = events {
            stats.note_events(n);
        }
        Some(BenchStep {
            step: stats.drive(busy),
            close: stats.finished(busy),
        })
    }

    /// Writes the report of what was measured so far (the window is closing).
    pub fn finish(&mut self) {
        if let Some(s) = &mut self.stats {
            s.write_report();
        }
    }
}

struct FrameStats {
    report: PathBuf,
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
    fn new(report: PathBuf) -> Self {
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

    fn begin(&mut self, eframe_cpu_secs: Option<f32>) {
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

    fn end(&mut self) {
        if let Some(s) = self.started.take()
            && self.saw_retrain
        {
            self.app_ms.push(s.elapsed().as_secs_f64() * 1e3);
        }
    }

    /// Called each frame while measuring: the queue step to simulate, if any.
    fn drive(&mut self, retraining: bool) -> Option<isize> {
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
    fn measured_secs(&self) -> f64 {
        self.measuring_started
            .map_or(0.0, |s| s.elapsed().as_secs_f64())
    }

    /// The retrain that was measured has ended.
    fn finished(&mut self, retraining: bool) -> bool {
        let done = self.saw_retrain && !retraining;
        if done {
            self.write_report();
        }
        done
    }

    /// The open log's size at this measured frame.
    fn note_events(&mut self, events: usize) {
        let first = self.events.map_or(events, |e| e.0);
        self.events = Some((first, events));
    }

    fn write_report(&mut self) {
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
        let written = serde_json::to_string_pretty(&summary)
            .map_err(std::io::Error::other)
            .and_then(|text| std::fs::write(&self.report, text));
        if let Err(e) = written {
            eprintln!("vigil: could not write {}: {e}", self.report.display());
        }
    }
}
