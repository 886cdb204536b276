//! Diagnostics as GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`),
//! which GitHub shows as annotations on a pull request's files, with the escaping they need.

use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, Severity};

/// Renders diagnostics as GitHub Actions workflow commands (`::error file=…,line=…::message`),
/// which GitHub shows inline on the pull request's files.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut properties = vec![format!(
            "title={}",
            github_escape_property(&format!("fleetc {}", d.code))
        )];
        if let Some(l) = &d.location {
            properties.insert(0, format!("file={}", github_escape_property(&l.file)));
            properties.insert(1, format!("line={}", l.line));
            properties.insert(2, format!("col={}", l.column));
        }
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            github_escape_data(&message)
        );
    }
    out
}

/// Escapes the message part of a workflow command.
pub fn github_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn github_escape_property(s: &str) -> String {
    github_escape_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Location};

    #[test]
    fn escapes_and_locates() {
        let d = Diagnostic::error(
            Code::UnknownField,
            "unknown field `a`\n100%",
            Some(Location {
                file: "fleet/a,b.yaml".into(),
                line: 3,
                column: 5,
                length: 1,
            }),
        )
        .with_help("did you mean: `b`?");
        assert_eq!(
            github(&[d]),
            "::error file=fleet/a%2Cb.yaml,line=3,col=5,title=fleetc unknown-field::\
             unknown field `a`%0A100%25%0Ahelp: did you mean: `b`?\n"
        );
    }
}
