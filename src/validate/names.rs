//! Unique names: a hub, secret store, cluster template, cluster or app declared twice is an
//! error at each later declaration, which points back to the first.

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{DocRef, Pointer, Target};

use super::Findings;

/// Reports every name that is declared twice (each later declaration, pointing back to the
/// first). `what` names the kind of thing ("cluster", "hub").
pub(crate) fn check_unique<'a>(
    what: &str,
    items: impl IntoIterator<Item = (&'a str, DocRef, Pointer)>,
    findings: &mut Findings<'_>,
) {
    let mut first: HashMap<&str, (DocRef, Pointer)> = HashMap::new();
    for (name, doc, pointer) in items {
        if let Some((first_doc, first_pointer)) = first.get(name) {
            let earlier = findings
                .files
                .locate(*first_doc, first_pointer, Target::Value);
            findings.push(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!(
                        "{what} `{name}` is declared twice; the first is at {}:{}:{}",
                        earlier.file, earlier.line, earlier.column
                    ),
                    findings.at(doc, &pointer, Target::Value),
                )
                .with_help(format!("give each {what} a unique name")),
            );
        } else {
            first.insert(name, (doc, pointer));
        }
    }
}
