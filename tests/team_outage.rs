//! A team's server restarts: the workspace comes back by itself. Alone in its test binary, as
//! it stops the server the other tests of a binary share.

mod common;

use std::path::Path;
use std::time::Duration;

use vigil::cases::{Source, Verdict, Workspace};

#[test]
fn a_workspace_comes_back_by_itself_after_the_server_restarts() {
    let Some(server) = common::pg::server() else {
        return;
    };
    let at = server.url("restart");
    let mut ws = Workspace::open(Path::new(&at)).unwrap();
    ws.set_verdict("before", Verdict::Fraud, "ann", Source::Analyst)
        .unwrap();
    server.restart_after(Duration::from_secs(1));
    // The first statement after the restart finds the connection gone and opens a new one.
    let again = ws
        .set_verdict("after", Verdict::Legit, "ann", Source::Analyst)
        .or_else(|_| ws.set_verdict("after", Verdict::Legit, "ann", Source::Analyst));
    assert!(again.is_ok(), "{again:?}");
    assert_eq!(ws.cases().unwrap().len(), 2);
}
