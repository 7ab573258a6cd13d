//! `vigil`: with no command, the triage window; otherwise the headless CLI. Bad input exits
//! with status 2 and one line on stderr.

use std::process::ExitCode;

use clap::Parser;
use vigil::cli::{Cli, WindowArgs, run};
use vigil::gui::LaunchOptions;
use vigil::workbench::bundled_sample;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn launch(w: WindowArgs) -> LaunchOptions {
    LaunchOptions {
        log: w.log.unwrap_or_else(bundled_sample),
        map: w.map,
        encoding: w.encoding,
        workspace: w.workspace,
        detector: w.detector,
        author: w.author,
        frame_report: w.frame_report,
        frame_live_secs: w.frame_live_secs,
    }
}

/// The error and its causes on one line; a cause whose words its parent already says is left
/// out (library errors quote their source).
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => run(command),
        None => vigil::gui::run(launch(cli.window)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vigil: {}", one_line(&e));
            ExitCode::from(2)
        }
    }
}
