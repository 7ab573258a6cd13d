//! `vigil`: with no command, the triage window; otherwise the headless CLI. Bad input exits
//! with status 2 and one line on stderr.

use std::process::ExitCode;

use clap::Parser;
use vigil::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => run(command),
        None => vigil::gui::run(cli.window.into_launch()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vigil: {e:#}");
            ExitCode::from(2)
        }
    }
}
