//! Diagnostics as a JSON array, for tools: one object per finding with its severity, code,
//! message, file, line, column and help.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'a str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    help: Option<&'a str>,
}

/// Renders diagnostics as a pretty-printed JSON array of objects with `severity`, `code`,
/// `message`, `file`, `line`, `column` and `help` (the last four `null` where unknown).
pub fn json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic<'_>> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            severity: d.severity,
            code: d.code.as_str(),
            message: &d.message,
            file: d.location.as_ref().map(|l| l.file.as_str()),
            line: d.location.as_ref().map(|l| l.line),
            column: d.location.as_ref().map(|l| l.column),
            help: d.help.as_deref(),
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).expect("diagnostics serialize to JSON");
    out.push('\n');
    out
}
