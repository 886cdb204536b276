//! The load stage: fleet files to JSON documents that remember where they came from. Parse
//! problems become diagnostics with file, line and column; nothing here knows the fleet kinds.

mod files;
mod pointer;
mod position;
mod yaml;

pub use files::{DocRef, FileId, Files, Target};
pub use pointer::{Pointer, Segment};

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostic::Location;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Sources;

/// One YAML document of the fleet, as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub at: DocRef,
    pub value: Value,
}

/// Everything the load stage produces.
pub struct Loaded {
    pub files: Files,
    /// In file order, then document order.
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses every file (in parallel); the result does not depend on the thread count. Entries the
/// source refused to read become findings at their path.
pub fn load(sources: Sources) -> Loaded {
    let refused: Vec<Diagnostic> = sources
        .refused
        .iter()
        .map(|r| {
            let location = Some(Location {
                file: r.path.clone(),
                line: 1,
                column: 1,
                length: 1,
            });
            let message = format!("{} {}", r.path, r.why.message());
            let d = if r.why.is_warning() {
                Diagnostic::warning(Code::FleetFile, message, location)
            } else {
                Diagnostic::error(Code::FleetFile, message, location)
            };
            d.with_help(r.why.help())
        })
        .collect();
    let parsed: Vec<_> = sources
        .files
        .into_par_iter()
        .map(|source| match String::from_utf8(source.bytes) {
            Ok(mut text) => {
                // YAML allows a byte order mark; editors on Windows often write one.
                if text.starts_with('\u{FEFF}') {
                    text.remove(0);
                }
                let (mut documents, problems) = yaml::parse(&text);
                // A document with a node JSON cannot hold is not checked further: its stand-in
                // value would only cause confusing follow-up findings.
                documents
                    .retain(|(index, _)| !problems.iter().any(|p| p.document() == Some(*index)));
                (source.path, text, documents, problems, None)
            }
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                (source.path, text, Vec::new(), Vec::new(), Some(valid))
            }
        })
        .collect();

    let mut files = Files::default();
    let mut documents = Vec::new();
    let mut diagnostics = refused;
    for (path, text, docs, problems, bad_encoding) in parsed {
        let file = files.add(path, text);
        if let Some(valid) = bad_encoding {
            let (line, column) = position_after(files.text(file), valid);
            diagnostics.push(
                Diagnostic::error(
                    Code::Encoding,
                    "this file is not valid UTF-8",
                    Some(files.line_column(file, line, column)),
                )
                .with_help(
                    "save the file as UTF-8 (fleetc shows the first byte it cannot read as �)",
                ),
            );
        }
        for (index, value) in docs {
            documents.push(Document {
                at: DocRef { file, index },
                value,
            });
        }
        for problem in problems {
            diagnostics.push(problem_diagnostic(&files, file, problem));
        }
    }
    Loaded {
        files,
        documents,
        diagnostics,
    }
}

/// The 1-based line and column of the character that starts at byte `offset` of the valid UTF-8
/// prefix (the lossy text keeps that prefix byte for byte).
fn position_after(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    (line, column)
}

fn problem_diagnostic(files: &Files, file: FileId, problem: yaml::Problem) -> Diagnostic {
    match problem {
        yaml::Problem::Syntax {
            code,
            line,
            column,
            message,
        } => {
            let location = (code == Code::DuplicateKey)
                .then(|| files.duplicate_key(file, line))
                .flatten()
                .unwrap_or_else(|| files.line_column(file, line, column));
            // A second top-level `apiVersion` is most often a second document with no `---`.
            let second_document = code == Code::DuplicateKey
                && location.column == 1
                && (message.starts_with("duplicate key `apiVersion`")
                    || message.starts_with("duplicate key `kind`"));
            let diagnostic = Diagnostic::error(code, message, Some(location));
            if second_document {
                diagnostic.with_help(
                    "if a second document starts here, separate it from the first with a line `---`",
                )
            } else {
                diagnostic
            }
        }
        yaml::Problem::Node {
            doc,
            pointer,
            code,
            target,
            message,
            help,
        } => {
            let at = DocRef { file, index: doc };
            let diagnostic =
                Diagnostic::error(code, message, Some(files.locate(at, &pointer, target)));
            match help {
                Some(help) => diagnostic.with_help(help),
                None => diagnostic,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn duplicate_keys_point_at_the_second_key() {
        let loaded = load(
            vec![SourceFile {
                path: "fleet/a.yaml".into(),
                bytes: b"a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n".to_vec(),
            }]
            .into(),
        );
        let d = &loaded.diagnostics[0];
        assert_eq!(d.code, Code::DuplicateKey);
        let l = d.location.as_ref().unwrap();
        assert_eq!((l.line, l.column), (5, 3));
    }

    #[test]
    fn bad_encoding_is_a_diagnostic() {
        let loaded = load(
            vec![SourceFile {
                path: "fleet/a.yaml".into(),
                bytes: vec![b'a', b':', b' ', 0xff],
            }]
            .into(),
        );
        assert_eq!(loaded.diagnostics[0].code, Code::Encoding);
    }
}
