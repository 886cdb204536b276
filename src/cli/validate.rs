use super::args::Format;
use super::{Context, Outcome, Status, report};

/// `fleetc validate`: every finding, then exit 1 if any is an error.
pub(crate) fn run(context: &Context, format: Format) -> Outcome {
    let compilation = match context.compile() {
        Ok(c) => c,
        Err(failure) => return failure,
    };
    let mut outcome = Outcome::new(Status::Clean);
    report::findings(context, &compilation, format, &mut outcome);
    outcome
}
