//! The `fleetc` binary: runs the library's command line and writes what it produced.

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

fn main() -> ExitCode {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let environment = fleetc::cli::Environment {
        cwd: std::env::current_dir().unwrap_or_else(|_| ".".into()),
        color,
    };
    let outcome = fleetc::cli::run(std::env::args_os(), &environment);
    // A closed pipe (`fleetc ls … | head`) is not a failure.
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(outcome.status.code())
}
