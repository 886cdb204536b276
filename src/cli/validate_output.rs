//! `fleetc validate --output [--crds DIR...]`: every document in `out/` checked as `kubeconform`
//! does, against the CRDs in the given folders and the built-in schemas of core kinds, each
//! failure at its file, line and column.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::args::Format;
use super::{Context, Outcome, Status};
use crate::conformance::{Schemas, Unchecked};
use crate::diagnostic::{self, Code, Diagnostic, format};
use crate::load::{Pointer, Target, load};
use crate::source::{self, SourceError};

pub(crate) fn run(context: &Context, format: Format, crds: &[PathBuf]) -> Outcome {
    let folders: Vec<PathBuf> = crds.iter().map(|d| context.cwd.join(d)).collect();
    let schemas = match Schemas::load(&folders) {
        Ok(s) => s,
        Err(e) => return Outcome::failure(e),
    };
    let sources = match source::worktree(&context.out_dir, &context.out_display) {
        Ok(s) => s,
        Err(SourceError::MissingDir(_)) => {
            return Outcome::failure(format!(
                "there is no {} to check: run `fleetc render` first",
                context.out_display
            ));
        }
        Err(e) => return Outcome::failure(e),
    };
    let loaded = load(sources);
    let mut found = loaded.diagnostics;
    let mut checked = 0;
    let mut unknown = 0;
    for doc in &loaded.documents {
        // A kustomization file is kustomize's configuration, not an object the API server takes.
        let api_version = doc
            .value
            .get("apiVersion")
            .and_then(serde_json::Value::as_str);
        if api_version.is_some_and(|a| a.starts_with("kustomize.config.k8s.io/")) {
            continue;
        }
        match schemas.validate(&doc.value) {
            Ok(violations) => {
                checked += 1;
                for v in violations {
                    let target = if v.unexpected {
                        Target::Key
                    } else {
                        Target::Value
                    };
                    let at = loaded
                        .files
                        .locate(doc.at, &Pointer::parse(&v.pointer), target);
                    let message = match &v.source {
                        Some(source) => format!("{} (the schema of {source})", v.message),
                        None => v.message,
                    };
                    found.push(Diagnostic::error(Code::OutputSchema, message, Some(at)));
                }
            }
            Err(e) => {
                let at = Some(loaded.files.document_location(doc.at));
                found.push(match e {
                    Unchecked::Unknown(..) => {
                        unknown += 1;
                        Diagnostic::warning(Code::OutputSchema, e.to_string(), at)
                    }
                    _ => Diagnostic::error(Code::OutputSchema, e.to_string(), at),
                });
            }
        }
    }
    diagnostic::sort(&mut found);
    let errors = found
        .iter()
        .filter(|d| d.severity == diagnostic::Severity::Error)
        .count();
    let mut outcome = Outcome::new(if errors > 0 {
        Status::Findings
    } else {
        Status::Clean
    });
    match format {
        Format::Text => {
            outcome
                .stderr
                .push_str(&format::text(&found, &loaded.files, context.color));
            let _ = if errors > 0 {
                writeln!(
                    outcome.stderr,
                    "error: {} holds {} in {}",
                    context.out_display,
                    super::report::plural(errors, "error"),
                    super::report::plural(loaded.documents.len(), "document")
                )
            } else {
                writeln!(
                    outcome.stderr,
                    "{} conforms: {} checked against their schemas{}",
                    context.out_display,
                    super::report::plural(checked, "document"),
                    if unknown > 0 {
                        format!(", {unknown} without one")
                    } else {
                        String::new()
                    }
                )
            };
        }
        Format::Json => outcome.stdout = format::json(&found),
        Format::Github => outcome.stdout = format::github(&found),
    }
    outcome
}
