//! `fleetc completions SHELL` and `fleetc man`: the shell completion scripts and the man page,
//! generated from the same command-line definitions that parse the arguments, so they never
//! drift from them.

use clap::CommandFactory as _;

use super::args::Cli;
use super::{Outcome, Status};

/// The completion script for `shell`.
pub(crate) fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "fleetc", &mut script);
    let mut outcome = Outcome::new(Status::Clean);
    outcome.stdout = String::from_utf8_lossy(&script).into_owned();
    outcome
}

/// The man page, in roff.
pub(crate) fn man() -> Outcome {
    let mut page = Vec::new();
    let mut outcome = Outcome::new(Status::Clean);
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => outcome.stdout = String::from_utf8_lossy(&page).into_owned(),
        Err(e) => return Outcome::failure(format!("cannot write the man page: {e}")),
    }
    outcome
}
