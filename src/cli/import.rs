//! `fleetc import FILE...`: writes the fleet that the hub's objects make, and says how it
//! compares with what Argo CD generates; exit 1 when anything was left out or differs.

use std::fmt::Write as _;
use std::fs;

use serde_json::json;

use super::args::{ImportArgs, ListFormat};
use super::{Context, Outcome, Status, display};
use crate::diagnostic::format::{JsonDiagnostic, text};
use crate::import::{self, Comparison};
use crate::source::SourceFile;

pub(crate) fn run(context: &Context, args: &ImportArgs) -> Outcome {
    let mut inputs = Vec::new();
    for path in &args.files {
        let shown = display(path);
        match fs::read(context.cwd.join(path)) {
            Ok(bytes) => inputs.push(SourceFile { path: shown, bytes }),
            Err(e) => return Outcome::failure(format!("{shown}: {e}")),
        }
    }
    let options = import::Options {
        hub: args.hub.clone(),
        fleet_name: args.name.clone(),
        store: args.secret_store.clone(),
        store_provider: args.store_provider.clone(),
        fleet_display: context.fleet_display.clone(),
        now: context.options.now,
    };
    let imported = import::import(inputs, &options);
    let mut written = Vec::new();
    if imported.fleet_findings.is_none() && !args.dry_run {
        match crate::emit::write_new(
            &context.fleet_dir,
            &context.fleet_display,
            &imported.files,
            args.force,
        ) {
            Ok(w) => written = w,
            Err(e @ crate::emit::WriteError::Exists(_)) => {
                return Outcome::failure(format!(
                    "{e}; pass --force to overwrite the fleet's files"
                ));
            }
            Err(e) => return Outcome::failure(e),
        }
    }
    let mut outcome = Outcome::new(if imported.has_findings() {
        Status::Findings
    } else {
        Status::Clean
    });
    match args.format {
        ListFormat::Json => {
            let fleet_findings = imported.fleet_findings.as_ref().map(|(_, d)| as_json(d));
            let report = json!({
                "written": written,
                "findings": as_json(&imported.findings),
                "fleetFindings": fleet_findings,
                "notes": imported.notes,
                "comparisons": imported.comparisons,
            });
            outcome.stdout = serde_json::to_string_pretty(&report).unwrap_or_default();
            outcome.stdout.push('\n');
        }
        ListFormat::Text => {
            let out = &mut outcome.stderr;
            out.push_str(&text(&imported.findings, &imported.inputs, context.color));
            if let Some((files, findings)) = &imported.fleet_findings {
                let _ = writeln!(
                    out,
                    "error: the fleet this import makes does not render, so nothing was written; its findings:"
                );
                out.push_str(&text(findings, files, context.color));
            }
            for note in &imported.notes {
                let _ = writeln!(out, "note: {note}");
            }
            for comparison in &imported.comparisons {
                out.push_str(&summary(comparison));
            }
            match (written.len(), args.dry_run) {
                (_, true) => {
                    let _ = writeln!(out, "dry run: nothing written");
                }
                (0, false) => {}
                (n, false) => {
                    let _ = writeln!(out, "wrote {n} files into {}", context.fleet_display);
                }
            }
        }
    }
    outcome
}

/// One paragraph per imported ApplicationSet or Application.
/// Findings in their JSON form.
fn as_json(diagnostics: &[crate::diagnostic::Diagnostic]) -> Vec<JsonDiagnostic<'_>> {
    diagnostics.iter().map(JsonDiagnostic::from).collect()
}

fn summary(c: &Comparison) -> String {
    let total = c.identical
        + c.differences
            .iter()
            .map(|d| d.cluster.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
    let app = if c.name == c.source {
        String::new()
    } else {
        format!(" (App {})", c.name)
    };
    let mut out = format!(
        "{} {}{app}: {} of {} identical to what Argo CD generates\n",
        c.kind,
        c.source,
        c.identical,
        super::report::plural(total, "Application")
    );
    for d in &c.differences {
        let show = |v: &Option<serde_json::Value>| {
            v.as_ref()
                .map_or_else(|| "nothing".to_owned(), ToString::to_string)
        };
        if d.field.is_empty() {
            let name = |v: &Option<serde_json::Value>| {
                v.as_ref()
                    .and_then(|a| a.pointer("/metadata/name"))
                    .map_or_else(String::new, ToString::to_string)
            };
            let _ = match (&d.argocd, &d.fleetc) {
                (Some(_), None) => writeln!(
                    out,
                    "  - on {}: Argo CD generates Application {}, fleetc renders none",
                    d.cluster,
                    name(&d.argocd)
                ),
                _ => writeln!(
                    out,
                    "  - on {}: fleetc renders Application {}, Argo CD generates none",
                    d.cluster,
                    name(&d.fleetc)
                ),
            };
            continue;
        }
        let _ = writeln!(
            out,
            "  - on {}: {}: Argo CD {}, fleetc {}",
            d.cluster,
            d.field,
            show(&d.argocd),
            show(&d.fleetc)
        );
    }
    out
}
