//! What commands share to report a compilation: its findings in the chosen format (text on
//! stderr, JSON or GitHub annotations on stdout), the one-line summary of the fleet's state, and
//! `plural` for counted words.

use super::args::Format;
use super::{Context, Outcome, Status};
use crate::compile::Compilation;
use crate::diagnostic::format::{github, json, text};
use crate::diagnostic::{Diagnostic, Severity};

/// Writes a compilation's findings in `format`: text goes to stderr with a summary line,
/// machine formats go to stdout. Sets the status to findings when the fleet is invalid.
pub(crate) fn findings(
    context: &Context,
    compilation: &Compilation,
    format: Format,
    outcome: &mut Outcome,
) {
    let diagnostics = &compilation.diagnostics;
    match format {
        Format::Text => {
            outcome
                .stderr
                .push_str(&text(diagnostics, &compilation.files, context.color));
            outcome.stderr.push_str(&summary(context, compilation));
        }
        Format::Json => outcome.stdout.push_str(&json(diagnostics)),
        Format::Github => outcome.stdout.push_str(&github(diagnostics)),
    }
    if !compilation.is_valid() {
        outcome.status = Status::Findings;
    }
}

/// One line on the state of the fleet.
pub(crate) fn summary(context: &Context, compilation: &Compilation) -> String {
    let count = |severity| {
        compilation
            .diagnostics
            .iter()
            .filter(|d: &&Diagnostic| d.severity == severity)
            .count()
    };
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let mut others = Vec::new();
    if warnings > 0 {
        others.push(plural(warnings, "warning"));
    }
    if notes > 0 {
        others.push(plural(notes, "note"));
    }
    let source = match &context.rev {
        Some(rev) => format!("{} at {rev}", context.fleet_display),
        None => context.fleet_display.clone(),
    };
    match &compilation.fleet {
        Some(fleet) if compilation.is_valid() => {
            let extra = if others.is_empty() {
                String::new()
            } else {
                format!(", {}", others.join(", "))
            };
            format!(
                "{source} is valid: {}, {}, {}{extra}\n",
                plural(fleet.clusters.len(), "cluster"),
                plural(fleet.apps.len(), "app"),
                plural(compilation.placements.len(), "placement"),
            )
        }
        _ => {
            let extra = if others.is_empty() {
                String::new()
            } else {
                format!(" and {}", others.join(" and "))
            };
            format!(
                "error: {source} is invalid: {}{extra}\n",
                plural(errors, "error")
            )
        }
    }
}

/// `n thing` or `n things`.
pub(crate) fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}
