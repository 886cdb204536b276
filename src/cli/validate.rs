//! `fleetc validate`: every finding about the fleet, including value templates that fail on
//! some placement, and exit 1 if any is an error.

use super::args::Format;
use super::{Context, Outcome, Status, report};

/// `fleetc validate`: every finding, including value templates that fail on some placement
/// (so every placement is rendered in memory, even in a fleet with other errors), then exit 1
/// if any is an error.
pub(crate) fn run(context: &Context, format: Format) -> Outcome {
    let mut compilation = match context.compile() {
        Ok(c) => c,
        Err(failure) => return failure,
    };
    compilation.evaluate_values();
    let mut outcome = Outcome::new(Status::Clean);
    report::findings(context, &compilation, format, &mut outcome);
    outcome
}
