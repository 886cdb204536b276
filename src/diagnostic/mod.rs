//! Diagnostics are data: every problem fleetc finds in a fleet is a [`Diagnostic`] with a stable
//! [`Code`], a severity, a message and, almost always, the file, line and column it is about.
//! Stages collect them; the edge renders them as text, JSON or GitHub workflow annotations.

mod code;
pub mod format;

pub use code::Code;

use serde::Serialize;

/// How bad a finding is. Errors make a fleet invalid (exit 1); warnings do not; notes say
/// what the fleet chose to do differently (a field marked as not a credential), so that review
/// sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// Where in the fleet a diagnostic points: a display path (as the user named it, relative to
/// where fleetc runs) and a 1-based line and column (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// How many characters the underline covers (at least 1).
    #[serde(skip)]
    pub length: u32,
}

/// One finding about the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub location: Option<Location>,
    /// What would be right, where fleetc can tell.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(code: Code, message: impl Into<String>, location: Option<Location>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: bounded(message.into()),
            location,
            help: None,
        }
    }

    /// A warning at `location`.
    pub fn warning(code: Code, message: impl Into<String>, location: Option<Location>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message, location)
        }
    }

    /// A note at `location`.
    pub fn note(code: Code, message: impl Into<String>, location: Option<Location>) -> Self {
        Self {
            severity: Severity::Note,
            ..Self::error(code, message, location)
        }
    }

    /// The same diagnostic with a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic makes the fleet invalid.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (Option<(&str, u32, u32)>, &str, &str) {
        let location = self
            .location
            .as_ref()
            .map(|l| (l.file.as_str(), l.line, l.column));
        (location, self.code.as_str(), self.message.as_str())
    }
}

/// The longest message a diagnostic carries, in bytes: one that quotes a huge value from a fleet
/// file is cut, so no finding floods a log.
const MAX_MESSAGE: usize = 2_000;

fn bounded(mut message: String) -> String {
    use std::fmt::Write as _;
    if message.len() > MAX_MESSAGE {
        let mut cut = MAX_MESSAGE;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        let more = message.len() - cut;
        message.truncate(cut);
        let _ = write!(message, "… ({more} more bytes)");
    }
    message
}

/// Sorts diagnostics into their reporting order (file, line, column, code, message) and drops
/// exact duplicates, so output never depends on the order stages or threads produced them in.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

/// Whether any diagnostic is an error.
/// The first three of `names` as findings list them, and how many more: "`a`, `b`, `c` and 2
/// more".
pub fn first_names<S: AsRef<str>>(names: &[S]) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(3)
        .map(|n| format!("`{}`", n.as_ref()))
        .collect();
    match names.len() {
        n if n > 3 => format!("{} and {} more", shown.join(", "), n - 3),
        _ => shown.join(", "),
    }
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_quoting_a_huge_value_is_cut() {
        let d = Diagnostic::error(
            Code::UnknownKind,
            format!("unknown kind `{}`", "é".repeat(5_000)),
            None,
        );
        assert!(d.message.len() < MAX_MESSAGE + 40, "{}", d.message.len());
        assert!(
            d.message.ends_with("… (8015 more bytes)"),
            "{}",
            &d.message[1990..]
        );
    }
}
