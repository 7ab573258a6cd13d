//! `vigil`: the command-line entry point. Bad input exits with status 2 and one line on stderr.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use vigil::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        // TODO(gui issue): open the workbench window on the bundled sample.
        let _ = Cli::command().print_help();
        return ExitCode::SUCCESS;
    };
    match run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vigil: {e:#}");
            ExitCode::from(2)
        }
    }
}
