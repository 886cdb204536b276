//! `fleetc promote APP --from STAGE --to STAGE [--check]`: edit the App's file so that the
//! target stage has the source stage's layer, print the diff, and with `--check` only say
//! whether the promotion is pending.

use std::fmt::Write as _;

use super::args::Format;
use super::{Context, Outcome, Status, report};
use crate::promote::promote;

pub(crate) fn run(context: &Context, app: &str, from: &str, to: &str, check: bool) -> Outcome {
    let compilation = match context.compile() {
        Ok(c) => c,
        Err(failure) => return failure,
    };
    if !compilation.is_valid() {
        let mut outcome = Outcome::new(Status::Findings);
        report::findings(context, &compilation, Format::Text, &mut outcome);
        return outcome;
    }
    let promotion = match promote(&compilation, app, from, to) {
        Ok(p) => p,
        Err(why) => {
            return Outcome::failure(format!(
                "cannot promote `{from}` to `{to}` of app `{app}`: {why}"
            ));
        }
    };
    let mut outcome = Outcome::new(Status::Clean);
    if promotion.is_done() {
        let _ = writeln!(
            outcome.stderr,
            "stage `{to}` of app `{app}` has the layer of `{from}` already: nothing to promote"
        );
        return outcome;
    }
    outcome.stdout = similar::TextDiff::from_lines(&promotion.before, &promotion.after)
        .unified_diff()
        .header(
            &format!("a/{}", promotion.path),
            &format!("b/{}", promotion.path),
        )
        .to_string();
    if check {
        outcome.status = Status::Findings;
        let _ = writeln!(
            outcome.stderr,
            "promotion pending: stage `{to}` of app `{app}` differs from `{from}` (the diff above); run it without --check to write it"
        );
        return outcome;
    }
    let path = context.fleet_file(&promotion.path);
    // The App's file is replaced by a new one: a symlink would be replaced, not written through.
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.file_type().is_file()) {
        return Outcome::failure(format!(
            "{} is not a regular file (a symlink?): promote edits a fleet file in place; copy the diff above into the file it points to",
            promotion.path
        ));
    }
    if let Err(e) = crate::emit::write_atomically(&path, promotion.after.as_bytes()) {
        return Outcome::failure(e);
    }
    let _ = writeln!(
        outcome.stderr,
        "promoted `{from}` to `{to}` of app `{app}` in {}; review the diff with `fleetc diff`, then render and commit",
        promotion.path
    );
    outcome
}
