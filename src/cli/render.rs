//! `fleetc render`: compile the fleet and, when it is valid, bring `out/` in line with it; one
//! line then says how many files were written, removed and left unchanged.

use std::fmt::Write as _;

use super::args::Format;
use super::report::plural;
use super::{Context, Outcome, Status};
use crate::emit;

/// How many written (and removed) files are named before a count.
const LISTED: usize = 20;

/// `fleetc render`: compile, and when the fleet is valid write `out/`. An invalid fleet leaves
/// `out/` untouched.
pub(crate) fn run(context: &Context) -> Outcome {
    // out/ is the working tree's: writing another revision's output into it would leave the two
    // out of step. `--rev` reads without writing (check, validate, diff, ls, explain).
    if let Some(rev) = &context.rev {
        return Outcome::failure(format!(
            "render writes {} for the working tree's fleet, so it takes no --rev; to see what `{rev}` renders, use `fleetc diff --base {rev}` (or check `{rev}` out and render there)",
            context.out_display
        ));
    }
    // What the fleet folder looked like before it was read: the check the render's answer is
    // kept for must not be given over a fleet file changed meanwhile.
    let fleet_before = (context.use_cache)
        .then(|| emit::Snapshot::take(&[context.fleet_dir.as_path(), context.out_dir.as_path()]));
    let mut compilation = match context.compile() {
        Ok(c) => c,
        Err(failure) => return failure,
    };
    let written = match context.sync(
        &mut compilation,
        Format::Text,
        emit::Access::Write,
        emit::render,
    ) {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    super::check::keep_after_render(context, &compilation, &written, fleet_before.flatten());
    let mut outcome = Outcome::new(Status::Clean);
    if !compilation.diagnostics.is_empty() {
        outcome.stderr.push_str(&crate::diagnostic::format::text(
            &compilation.diagnostics,
            &compilation.files,
            context.color,
        ));
    }
    for warning in &written.warnings {
        let _ = writeln!(outcome.stderr, "warning: {warning}");
    }
    for path in &written.unapplied {
        let _ = writeln!(
            outcome.stderr,
            "warning: {}",
            super::check::unapplied(context, path)
        );
    }
    if compilation.fleet.as_ref().is_some_and(|f| f.repo.is_none()) {
        let _ = writeln!(
            outcome.stderr,
            "note: the Fleet sets no `spec.repo`, so no hub gets a root Application that syncs its \
             folder of {out}: set `spec.repo` to this repository, or apply {out}/hubs/<hub>/ yourself",
            out = context.out_display
        );
    }
    // Which files changed, so that a hand edit render undid is seen (the first few of each).
    for (verb, paths) in [("wrote", &written.written), ("removed", &written.removed)] {
        for path in paths.iter().take(LISTED) {
            let _ = writeln!(outcome.stderr, "{verb} {}", context.out_path(path));
        }
        if paths.len() > LISTED {
            let _ = writeln!(outcome.stderr, "{verb} {} more", paths.len() - LISTED);
        }
    }
    let _ = writeln!(
        outcome.stderr,
        "rendered {} into {}: {} written, {} removed, {} unchanged",
        plural(written.written.len() + written.unchanged, "file"),
        context.out_display,
        written.written.len(),
        written.removed.len(),
        written.unchanged
    );
    outcome
}
