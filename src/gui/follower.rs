//! The window's follower: a thread with a connection of its own to the workspace that reads
//! what other windows and commands changed when the workspace's bell rings (a team's server) or every so
//! often (a file), so the window takes it in without ever waiting on the database.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use eframe::egui;

use crate::cases::{ChangeBell, Origin, Workspace};
use crate::workbench::{TeamDelta, Triage, read_delta};

/// Where nothing rings, how often the follower looks: well inside the 2 s a team expects a
/// verdict to take to reach every window.
const LOOK_EVERY: Duration = Duration::from_millis(700);
/// Where a bell rings, the follower still looks this often (a ring missed while away).
const LOOK_WITH_BELL: Duration = Duration::from_secs(5);

/// What the follower heard.
pub enum Followed {
    /// Others changed something: the triage takes it in (`apply_delta`).
    Delta(Box<TeamDelta>),
    /// The workspace cannot be reached (said once until it is back).
    Away(String),
    /// It can be again.
    Back,
}

pub struct Follower {
    heard: Receiver<Followed>,
    // Held so that the listening thread lives as long as the follower; dropping both ends
    // the follower's thread (its wake channel closes).
    _bell: Option<ChangeBell>,
    wake: Sender<()>,
    /// The window found the workspace away on its own: the follower's next good look says
    /// it is back, even when the follower itself never saw it go.
    doubted: Arc<AtomicBool>,
}

impl Follower {
    /// Follows the workspace of `t` for `t`'s analyst, from `t`'s mark on.
    pub fn start(t: &Triage, ctx: egui::Context) -> Self {
        let (wake, woken) = channel::<()>();
        let (tell, heard) = channel();
        let ring = wake.clone();
        let bell = t
            .workspace()
            .bell(Box::new(move || {
                let _ = ring.send(());
            }))
            .unwrap_or(None);
        let every = match bell {
            Some(_) => LOOK_WITH_BELL,
            None => LOOK_EVERY,
        };
        let doubted = Arc::new(AtomicBool::new(false));
        let watch = Watch {
            doubted: doubted.clone(),
            location: t.workspace().path().to_path_buf(),
            me: t.me().to_string(),
            mine: t.workspace().origin().clone(),
            mark: t.team_mark(),
            every,
        };
        let spawned = std::thread::Builder::new()
            .name("vigil-follow".into())
            .spawn(move || watch.run(&woken, &tell, &ctx));
        if let Err(e) = spawned {
            eprintln!("vigil: other windows' changes will not be followed: {e}");
        }
        Self {
            heard,
            _bell: bell,
            wake,
            doubted,
        }
    }

    /// The window could not reach the workspace: look now, and say when it is back.
    pub fn doubt(&self) {
        self.doubted.store(true, Ordering::Relaxed);
        let _ = self.wake.send(());
    }

    /// Everything heard since the last call, oldest first.
    pub fn take(&self) -> Vec<Followed> {
        self.heard.try_iter().collect()
    }
}

/// The follower thread's state.
struct Watch {
    location: PathBuf,
    me: String,
    /// The window's own writes, which it has already.
    mine: Origin,
    doubted: Arc<AtomicBool>,
    mark: i64,
    every: Duration,
}

impl Watch {
    fn run(mut self, woken: &Receiver<()>, tell: &Sender<Followed>, ctx: &egui::Context) {
        let mut ws: Option<Workspace> = None;
        let mut away = false;
        loop {
            if let Err(RecvTimeoutError::Disconnected) = woken.recv_timeout(self.every) {
                return;
            }
            // Several rings at once are one look.
            while woken.try_recv().is_ok() {}
            let heard: Vec<Followed> = match self.look(&mut ws) {
                Ok(delta) => {
                    self.mark = delta.mark();
                    let doubted = self.doubted.swap(false, Ordering::Relaxed);
                    let back = (std::mem::take(&mut away) || doubted).then_some(Followed::Back);
                    let delta = delta.any().then(|| Followed::Delta(Box::new(delta)));
                    back.into_iter().chain(delta).collect()
                }
                Err(e) if !away => {
                    away = true;
                    vec![Followed::Away(e)]
                }
                Err(_) => Vec::new(),
            };
            let mut said = false;
            for f in heard {
                said |= tell.send(f).is_ok();
            }
            if said {
                ctx.request_repaint();
            }
        }
    }

    /// Reads what others changed after the mark, opening the follower's own connection to the
    /// workspace first when it has none yet.
    fn look(&self, ws: &mut Option<Workspace>) -> Result<TeamDelta, String> {
        if ws.is_none() {
            *ws = Some(Workspace::open(&self.location).map_err(|e| e.to_string())?);
        }
        let Some(w) = ws.as_ref() else {
            return Err("no connection to the workspace".to_string());
        };
        read_delta(w, self.mark, &self.me, &self.mine).map_err(|e| e.to_string())
    }
}
