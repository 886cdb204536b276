//! Diagnostics as a JSON array, for tools: one object per finding with its severity, code,
//! message, file, line, column and help.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};

/// One finding as JSON, its fields in this order; also built for findings about a whole file
/// (`fleetc check`'s drift), so every JSON finding reads alike.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub severity: Severity,
    pub code: &'a str,
    pub message: &'a str,
    pub file: Option<&'a str>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub help: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            severity: d.severity,
            code: d.code.as_str(),
            message: &d.message,
            file: d.location.as_ref().map(|l| l.file.as_str()),
            line: d.location.as_ref().map(|l| l.line),
            column: d.location.as_ref().map(|l| l.column),
            help: d.help.as_deref(),
        }
    }
}

/// Renders diagnostics as a pretty-printed JSON array of objects with `severity`, `code`,
/// `message`, `file`, `line`, `column` and `help` (the last four `null` where unknown).
pub fn json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic<'_>> = diagnostics.iter().map(JsonDiagnostic::from).collect();
    json_items(&items)
}

/// Renders findings already in their JSON form.
pub fn json_items(items: &[JsonDiagnostic<'_>]) -> String {
    let mut out = serde_json::to_string_pretty(items).expect("diagnostics serialize to JSON");
    out.push('\n');
    out
}
