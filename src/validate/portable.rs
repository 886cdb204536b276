//! Pass 1: every string and key of a document is one that Kubernetes tooling can carry to the
//! hub (see [`crate::model::portable_text`]). A fleet file's strings reach `out/` as values,
//! labels, annotations and Helm values keys; checking them all here catches each at its
//! position, before anything is rendered.

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Files, Target};
use crate::model::portable_text::problems;

pub(super) fn scan(doc: &Document, files: &Files) -> Vec<Diagnostic> {
    problems(&doc.value)
        .into_iter()
        .map(|(pointer, is_key, problem)| {
            let target = if is_key { Target::Key } else { Target::Value };
            Diagnostic::error(
                Code::UnportableText,
                problem.message(is_key),
                Some(files.locate(doc.at, &pointer, target)),
            )
            .with_help(if is_key {
                "shorten the key, or drop the character"
            } else {
                "drop the character; a value that must hold it can be base64-encoded"
            })
        })
        .collect()
}
