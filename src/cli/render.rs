use std::fmt::Write as _;

use super::args::Format;
use super::report::{self, plural};
use super::{Context, Outcome, Status};
use crate::emit;

/// `fleetc render`: compile, and when the fleet is valid write `out/`. An invalid fleet leaves
/// `out/` untouched.
pub(crate) fn run(context: &Context) -> Outcome {
    let compilation = match context.compile() {
        Ok(c) => c,
        Err(failure) => return failure,
    };
    let mut outcome = Outcome::new(Status::Clean);
    let Some(tree) = compilation.render() else {
        report::findings(context, &compilation, Format::Text, &mut outcome);
        return outcome;
    };
    if !compilation.diagnostics.is_empty() {
        outcome.stderr.push_str(&crate::diagnostic::format::text(
            &compilation.diagnostics,
            &compilation.files,
            context.color,
        ));
    }
    let written = match emit::write(&context.out_dir, &tree) {
        Ok(r) => r,
        Err(e) => return Outcome::failure(e),
    };
    let _ = writeln!(
        outcome.stderr,
        "rendered {} into {}: {} written, {} removed, {} unchanged",
        plural(tree.len(), "file"),
        context.out_display,
        written.written.len(),
        written.removed.len(),
        written.unchanged
    );
    outcome
}
