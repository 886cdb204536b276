//! `fleetc check`: compare `out/` with what `fleetc render` would write, writing nothing, and
//! name every stale, missing, extra or leftover file, as text, JSON or GitHub annotations.

use std::fmt::Write as _;

use super::args::Format;
use super::{Context, Outcome, Status};
use crate::diagnostic::Code;
use crate::diagnostic::format::{
    JsonDiagnostic, github_escape_data, github_escape_property, json_items,
};
use crate::emit::{self, Drift, Snapshot, Taken, Verdict, VerdictCache};
use crate::model::digest::{Digest, digest_of};

/// `fleetc check`: exit 1 when the fleet is invalid or `out/` differs from what `fleetc render`
/// would write, naming every stale, missing or extra file. Nothing is written. The fleet's
/// warnings (an expiry coming, an app that lands nowhere) are shown as `validate` shows them,
/// without changing the exit code.
///
/// When neither the fleet folder nor `out/` changed since the last check of the same build and
/// command line, its answer is given again without compiling ([`VerdictCache`]); `--no-cache`
/// and `--rev` always work the answer out.
pub(crate) fn run(context: &Context, format: Format) -> Outcome {
    let folders = [context.fleet_dir.as_path(), context.out_dir.as_path()];
    let remembered =
        (context.use_cache && context.rev.is_none()).then(|| VerdictCache::open(&context.out_dir));
    let key = verdict_key(context, format, context.color);
    if let Some(verdict) = remembered
        .as_ref()
        .and_then(|cache| cache.recall(key, context.options.now, &folders))
    {
        return Outcome {
            stdout: verdict.stdout,
            stderr: verdict.stderr,
            status: if verdict.code == 0 {
                Status::Clean
            } else {
                Status::Findings
            },
        };
    }
    let taken = Taken::now();
    let before = remembered.as_ref().and_then(|_| Snapshot::take(&folders));
    let (outcome, keep) = answer(context, format);
    let until = match keep {
        Keep::No => return outcome,
        Keep::Always => None,
        Keep::Until(t) => Some(t),
    };
    if let (Some(cache), Some(before)) = (&remembered, before)
        && outcome.status != Status::Failure
    {
        let verdict = Verdict {
            code: outcome.status.code(),
            stdout: outcome.stdout.clone(),
            stderr: outcome.stderr.clone(),
        };
        cache.remember(key, until, before, taken, &folders, verdict);
    }
    outcome
}

/// What a check's answer depends on besides the files: fleetc's build and how it was asked.
fn verdict_key(context: &Context, format: Format, color: bool) -> Digest {
    digest_of(&(
        format!("{:032x}", emit::RenderCache::build_salt()),
        &context.fleet_dir,
        &context.out_dir,
        &context.fleet_display,
        &context.out_display,
        format!("{format:?}"),
        color,
    ))
}

/// How long an answer may be given again while the files stay as they are.
enum Keep {
    /// Not at all: the fleet is invalid (so not every cluster's expiry is known), an expiry is
    /// near (which the answer words relative to now), a stage has a soak time (judged from git
    /// history), or the render cache could not be saved.
    No,
    Always,
    /// Until the first cluster expiry comes within its warning.
    Until(jiff::Timestamp),
}

/// The answer, and how long it may be given again.
fn answer(context: &Context, format: Format) -> (Outcome, Keep) {
    let mut compilation = match context.compile() {
        Ok(c) => c,
        Err(failure) => return (failure, Keep::No),
    };
    let drift = match context.sync(&mut compilation, format, emit::Access::Read, emit::check) {
        Ok(d) => d,
        Err(outcome) => return (outcome, Keep::No),
    };
    let keep = keep(&compilation, &drift);
    let outcome = report(context, format, context.color, &compilation, &drift);
    super::leave_to_exit(compilation);
    (outcome, keep)
}

/// How long the answer about `compilation` and `drift` may be given again.
fn keep(compilation: &crate::compile::Compilation, drift: &Drift) -> Keep {
    // A stage's soak time is judged against git history and the time, which no snapshot of
    // the files sees: such a fleet's answer is always worked out.
    let soaks = |fleet: &crate::model::Fleet| {
        fleet
            .apps
            .iter()
            .any(|a| a.stages.iter().any(|s| s.soak.is_some()))
    };
    match &compilation.fleet {
        Some(fleet)
            if !soaks(fleet)
                && drift.warnings.is_empty()
                && !crate::diagnostic::has_errors(&compilation.diagnostics)
                && !compilation
                    .diagnostics
                    .iter()
                    .any(|d| d.code == Code::Expiry) =>
        {
            match fleet.clusters.iter().filter_map(|c| c.expires).min() {
                Some(first) => Keep::Until(first - crate::validate::EXPIRY_WARNING),
                None => Keep::Always,
            }
        }
        _ => Keep::No,
    }
}

/// After a render that left `out/` exactly as the fleet renders, keeps the answer the
/// pre-commit hook's `fleetc check` (text, no colour) would give, so that the check right
/// after a render is answered at once. `fleet_before` is the snapshot taken before the render
/// compiled the fleet: if a fleet file changed meanwhile, nothing is kept. A render that wrote
/// many files keeps nothing: their content would have to be read back for the snapshot.
pub(crate) fn keep_after_render(
    context: &Context,
    compilation: &crate::compile::Compilation,
    written: &emit::WriteReport,
    fleet_before: Option<Snapshot>,
) {
    /// How many files a render may have written for its check's answer to be kept.
    const MOST_WRITTEN: usize = 500;
    let (Some(fleet_before), true) = (
        fleet_before,
        context.use_cache && context.rev.is_none() && written.written.len() <= MOST_WRITTEN,
    ) else {
        return;
    };
    let drift = Drift {
        files: written.written.len() + written.unchanged,
        unapplied: written.unapplied.clone(),
        warnings: written.warnings.clone(),
        ..Drift::default()
    };
    let until = match keep(compilation, &drift) {
        Keep::No => return,
        Keep::Always => None,
        Keep::Until(t) => Some(t),
    };
    let folders = [context.fleet_dir.as_path(), context.out_dir.as_path()];
    let taken = Taken::now();
    let Some(after) = Snapshot::take(&folders) else {
        return;
    };
    if !after.same_folder(&fleet_before, 0) {
        return;
    }
    let outcome = report(context, Format::Text, false, compilation, &drift);
    let verdict = Verdict {
        code: outcome.status.code(),
        stdout: outcome.stdout,
        stderr: outcome.stderr,
    };
    VerdictCache::open(&context.out_dir).store(
        verdict_key(context, Format::Text, false),
        until,
        after,
        taken,
        &folders,
        verdict,
    );
}

fn report(
    context: &Context,
    format: Format,
    color: bool,
    compilation: &crate::compile::Compilation,
    drift: &Drift,
) -> Outcome {
    let mut outcome = Outcome::new(Status::Clean);
    // Notes (fields marked as not credentials) are for review: `validate` shows them.
    let fleet_warnings: Vec<_> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity != crate::diagnostic::Severity::Note)
        .cloned()
        .collect();
    let fleet_warnings = &fleet_warnings;
    match format {
        Format::Text => outcome.stderr.push_str(&crate::diagnostic::format::text(
            fleet_warnings,
            &compilation.files,
            color,
        )),
        Format::Github => outcome
            .stdout
            .push_str(&crate::diagnostic::format::github(fleet_warnings)),
        Format::Json => {}
    }
    let mut said = drift.warnings.clone();
    said.extend(drift.unapplied.iter().map(|p| unapplied(context, p)));
    warnings(&said, format, &mut outcome);
    // Every JSON finding reads alike, the fleet's and the drift's (issue 16, finding 33).
    let mut json: Vec<JsonDiagnostic<'_>> =
        fleet_warnings.iter().map(JsonDiagnostic::from).collect();
    if drift.is_clean() {
        if format == Format::Json {
            outcome.stdout = json_items(&json);
        }
        if format == Format::Text {
            let _ = writeln!(
                outcome.stderr,
                "{} is up to date ({} files)",
                context.out_display, drift.files
            );
        }
        return outcome;
    }
    outcome.status = Status::Findings;
    let entries = entries(context, drift);
    match format {
        Format::Text => {
            let _ = writeln!(
                outcome.stderr,
                "error: {} is not what `fleetc render` would write:",
                context.out_display
            );
            for (code, path, _) in &entries {
                let state = code.as_str().trim_end_matches("-output");
                let _ = writeln!(outcome.stderr, "  {state:<8} {path}");
            }
            if let Some(hint) = line_endings(context, drift) {
                let _ = writeln!(outcome.stderr, "{hint}");
            }
            let _ = match &context.rev {
                None => writeln!(
                    outcome.stderr,
                    "help: run `fleetc render` and commit {}",
                    context.out_display
                ),
                Some(rev) => writeln!(
                    outcome.stderr,
                    "help: {} is compared with what `{rev}` renders: check out `{rev}`, run `fleetc render` and commit {}",
                    context.out_display, context.out_display
                ),
            };
        }
        Format::Json => {
            json.extend(entries.iter().map(|(code, path, message)| JsonDiagnostic {
                severity: crate::diagnostic::Severity::Error,
                code: code.as_str(),
                message,
                file: Some(path),
                line: None,
                column: None,
                help: Some("run `fleetc render`"),
            }));
            outcome.stdout = json_items(&json);
        }
        Format::Github => {
            for (code, path, message) in &entries {
                let _ = writeln!(
                    outcome.stdout,
                    "::error file={},title=fleetc {code}::{}",
                    github_escape_property(path),
                    github_escape_data(message)
                );
            }
        }
    }
    outcome
}

/// When stale files differ from the render only in line endings, what happened and the
/// `.gitattributes` line that fixes it.
fn line_endings(context: &Context, drift: &Drift) -> Option<String> {
    let n = drift.line_endings.len();
    (n > 0).then(|| {
        let out = context.out_display.trim_end_matches('/');
        format!(
            "note: {n} of these files {} from the render only in line endings (CRLF for LF): git \
             converted them on checkout (`core.autocrlf`). Add `{out}/** -text` to the \
             repository's .gitattributes so git keeps {out}/ byte for byte on every platform, then \
             run `fleetc render`, which writes them back as they are committed.",
            if n == 1 { "differs" } else { "differ" }
        )
    })
}

/// (code, display path, message) for every drifted file, in path order per code.
fn entries(context: &Context, drift: &Drift) -> Vec<(Code, String, String)> {
    let mut out = Vec::new();
    for (code, paths, what) in [
        (
            Code::StaleOutput,
            &drift.stale,
            "differs from what fleetc renders",
        ),
        (Code::MissingOutput, &drift.missing, "is missing"),
        (
            Code::ExtraOutput,
            &drift.extra,
            "is no longer rendered by fleetc",
        ),
        (
            Code::LeftoverOutput,
            &drift.leftovers,
            "is a staging file an interrupted render left",
        ),
    ] {
        for p in paths {
            let path = context.out_path(p);
            let message = if code == Code::StaleOutput && drift.line_endings.contains(p) {
                format!(
                    "{path} differs from what fleetc renders only in line endings (CRLF for LF); add `{}/** -text` to .gitattributes and run `fleetc render`",
                    context.out_display.trim_end_matches('/')
                )
            } else {
                format!("{path} {what}; run `fleetc render`")
            };
            out.push((code, path, message));
        }
    }
    out
}

/// What fleetc says of a hand-written YAML file in a hub's folder of `out/`.
pub(crate) fn unapplied(context: &Context, relative: &str) -> String {
    format!(
        "{} is not a file fleetc writes, and the hub's kustomization does not list it: Argo CD never applies it (declare what it holds in the fleet, or keep it out of {}/hubs/)",
        context.out_path(relative),
        context.out_display.trim_end_matches('/')
    )
}

/// Problems that do not change the answer (the render cache could not be saved, a file in
/// `out/` nothing applies).
fn warnings(warnings: &[String], format: Format, outcome: &mut Outcome) {
    for warning in warnings {
        match format {
            Format::Text | Format::Json => {
                let _ = writeln!(outcome.stderr, "warning: {warning}");
            }
            Format::Github => {
                let _ = writeln!(
                    outcome.stdout,
                    "::warning title=fleetc::{}",
                    github_escape_data(warning)
                );
            }
        }
    }
}
