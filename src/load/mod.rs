//! The load stage: fleet files to JSON documents that remember where they came from. Parse
//! problems become diagnostics with file, line and column; nothing here knows the fleet kinds.

mod files;
mod pointer;
mod position;
mod yaml;

pub use files::{DocRef, FileId, Files, Target};
pub use pointer::{Pointer, Segment, Step};

use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostic::Location;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Refused, SourceFile, Sources};

/// One YAML document of the fleet, as JSON. The value is shared: the two sides of a diff hold
/// the same one for a file they have in common (see [`load_pair`]), and a later stage may take
/// that as proof that the document is the same on both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub at: DocRef,
    pub value: Arc<Value>,
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
    let Sources { files, refused } = sources;
    let parsed: Vec<Parsed> = files.into_par_iter().map(Parsed::new).collect();
    assemble(&refused, parsed.into_iter())
}

/// Loads two versions of a fleet (the sides of a diff), parsing each distinct file content
/// once: a file whose path and bytes both sides share is read for the second side from the
/// first's parse. The result is the same as two [`load`]s.
pub fn load_pair(a: Sources, b: Sources) -> (Loaded, Loaded) {
    let shared: std::collections::HashMap<(&str, &[u8]), usize> = a
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| ((f.path.as_str(), f.bytes.as_slice()), i))
        .collect();
    // For each of b's files, the index of the same file in a, if any.
    let same: Vec<Option<usize>> = b
        .files
        .iter()
        .map(|f| shared.get(&(f.path.as_str(), f.bytes.as_slice())).copied())
        .collect();
    drop(shared);
    let Sources {
        files: a_files,
        refused: a_refused,
    } = a;
    let Sources {
        files: b_files,
        refused: b_refused,
    } = b;
    let a_parsed: Vec<Parsed> = a_files.into_par_iter().map(Parsed::new).collect();
    let b_parsed: Vec<Parsed> = b_files
        .into_par_iter()
        .zip(same)
        .map(|(file, same)| match same {
            Some(i) => a_parsed[i].clone(),
            None => Parsed::new(file),
        })
        .collect();
    rayon::join(
        || assemble(&a_refused, a_parsed.into_iter()),
        || assemble(&b_refused, b_parsed.into_iter()),
    )
}

/// One file as parsed, before it joins [`Files`].
#[derive(Clone)]
struct Parsed {
    path: String,
    text: String,
    documents: Vec<(u32, Arc<Value>)>,
    problems: Vec<yaml::Problem>,
    /// For a file that is not UTF-8, the length of its valid prefix.
    bad_encoding: Option<usize>,
}

impl Parsed {
    fn new(source: SourceFile) -> Self {
        match String::from_utf8(source.bytes) {
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
                Self {
                    path: source.path,
                    text,
                    documents: documents
                        .into_iter()
                        .map(|(index, value)| (index, Arc::new(value)))
                        .collect(),
                    problems,
                    bad_encoding: None,
                }
            }
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                Self {
                    path: source.path,
                    text,
                    documents: Vec::new(),
                    problems: Vec::new(),
                    bad_encoding: Some(valid),
                }
            }
        }
    }
}

/// The files parsed, in order, with the refused entries' findings first.
fn assemble(refused: &[Refused], parsed: impl Iterator<Item = Parsed>) -> Loaded {
    let mut diagnostics: Vec<Diagnostic> = refused.iter().map(refused_diagnostic).collect();
    let mut files = Files::default();
    let mut documents = Vec::new();
    for Parsed {
        path,
        text,
        documents: docs,
        problems,
        bad_encoding,
    } in parsed
    {
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

/// The finding of an entry the source did not read.
fn refused_diagnostic(r: &Refused) -> Diagnostic {
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

    /// A diff's two sides share the parse of the files they have in common; each side must
    /// still read exactly as if it were loaded alone: shared, changed, added and removed files,
    /// a file with a parse problem, and one that is not UTF-8.
    #[test]
    fn a_pair_loads_as_two_loads() {
        let file = |path: &str, bytes: &[u8]| SourceFile {
            path: path.into(),
            bytes: bytes.to_vec(),
        };
        let a = Sources::from(vec![
            file("fleet/both.yaml", b"a: 1\n---\nb: 2\n"),
            file("fleet/changed.yaml", b"c: 1\n"),
            file("fleet/gone.yaml", b"g: 1\n"),
            file("fleet/same-problem.yaml", b"a: 1\na: 2\n"),
        ]);
        let b = Sources::from(vec![
            file("fleet/added.yaml", b"n: [1, 2]\n"),
            file("fleet/both.yaml", b"a: 1\n---\nb: 2\n"),
            file("fleet/changed.yaml", b"c: 2\n"),
            file("fleet/latin1.yaml", &[b'a', b':', b' ', 0xe9]),
            file("fleet/same-problem.yaml", b"a: 1\na: 2\n"),
            // The same bytes as a file of the other side, at another path.
            file("fleet/zz-copy.yaml", b"g: 1\n"),
        ]);
        let summary = |l: &Loaded| {
            use crate::diagnostic::format::SourceText as _;
            let texts: Vec<(&str, &str)> = l
                .documents
                .iter()
                .map(|d| (l.files.path(d.at.file), l.files.text(d.at.file)))
                .chain(l.diagnostics.iter().filter_map(|d| {
                    let file = &d.location.as_ref()?.file;
                    Some((file.as_str(), l.files.source_text(file).unwrap_or("(none)")))
                }))
                .collect();
            format!("{:?}\n{:?}\n{texts:?}", l.documents, l.diagnostics)
        };
        let (pair_a, pair_b) = load_pair(a.clone(), b.clone());
        assert_eq!(summary(&pair_a), summary(&load(a)));
        assert_eq!(summary(&pair_b), summary(&load(b)));
        assert_eq!(pair_b.documents.len(), 5);
        assert_eq!(pair_b.diagnostics.len(), 2, "{:?}", pair_b.diagnostics);
    }
}
