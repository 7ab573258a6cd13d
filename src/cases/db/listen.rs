//! Listening to a team's workspace: a thread with a connection of its own that waits for the
//! NOTIFY every write sends (`postgres.rs`) and rings whoever asked.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::postgres::{Pg, connect};
use crate::cases::location::PgUrl;
use crate::cases::sql::DbError;

/// A thread that listens for the writes of one workspace and rings for each (and once more
/// after its connection came back, as writes may have been missed meanwhile). It stops when
/// dropped.
pub(crate) struct Listener {
    stop: Arc<AtomicBool>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// How long the listening thread waits for a notification before it looks whether to stop.
const LISTEN_TICK: Duration = Duration::from_millis(500);

pub(crate) fn listen(
    url: &PgUrl,
    default_user: &str,
    ring: Box<dyn Fn() + Send>,
) -> Result<Listener, DbError> {
    let first = listening(url, default_user)?;
    let stop = Arc::new(AtomicBool::new(false));
    let (url, user, stopped) = (url.clone(), default_user.to_string(), stop.clone());
    std::thread::Builder::new()
        .name("vigil-listen".into())
        .spawn(move || {
            let mut pg = Some(first);
            while !stopped.load(Ordering::Relaxed) {
                match &mut pg {
                    Some(p) => match p.heard(LISTEN_TICK) {
                        Ok(true) => ring(),
                        Ok(false) => {}
                        // Gone: listen again once the server is back.
                        Err(_) => pg = None,
                    },
                    None => {
                        std::thread::sleep(LISTEN_TICK * 4);
                        pg = listening(&url, &user).ok();
                        if pg.is_some() {
                            ring();
                        }
                    }
                }
            }
        })
        .map_err(|e| DbError::new(format!("cannot start listening: {e}")))?;
    Ok(Listener { stop })
}

/// A connection that listens on the workspace's channel.
fn listening(url: &PgUrl, default_user: &str) -> Result<Pg, DbError> {
    let mut pg = connect(url, default_user)?;
    pg.listen_here()?;
    Ok(pg)
}
