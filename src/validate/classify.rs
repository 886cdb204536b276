//! Pass 1 starts here: a document's kind. A document that is not a mapping, has no known `kind`
//! or lacks fleetc's `apiVersion` gets a located diagnostic and no kind, and pass 1 checks it
//! no further.

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Files, Pointer, Target};
use crate::model::{API_VERSION, Kind};

use super::suggest;

/// The kind of a document, or the diagnostic that says why it has none: not a mapping, a
/// missing or foreign apiVersion, a missing or unknown kind.
pub(crate) fn classify(doc: &Document, files: &Files) -> Result<Kind, Diagnostic> {
    let locate = |p: &str, t| Some(files.locate(doc.at, &Pointer::parse(p), t));
    let Some(object) = doc.value.as_object() else {
        return Err(Diagnostic::error(
            Code::NotAnObject,
            "a fleet document must be a mapping with apiVersion, kind, metadata and spec",
            Some(files.document_location(doc.at)),
        ));
    };
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    let kind = match object.get("kind") {
        None => {
            return Err(Diagnostic::error(
                Code::UnknownKind,
                "this document has no `kind`",
                Some(files.document_location(doc.at)),
            )
            .with_help(format!(
                "fleetc reads the kinds {}; every *.yaml under the fleet folder is a declaration, \
                 so keep other YAML (a Helm values file, say) outside it",
                kinds.join(", ")
            )));
        }
        Some(value) => {
            if let Some(kind) = value.as_str().and_then(Kind::parse) {
                kind
            } else {
                let found = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                let help = suggest::help(&found, &kinds)
                    .unwrap_or_else(|| format!("fleetc reads the kinds {}", kinds.join(", ")));
                return Err(Diagnostic::error(
                    Code::UnknownKind,
                    format!("unknown kind `{found}`"),
                    locate("/kind", Target::Value),
                )
                .with_help(help));
            }
        }
    };
    match object.get("apiVersion").and_then(|v| v.as_str()) {
        Some(API_VERSION) => Ok(kind),
        Some(other) => Err(Diagnostic::error(
            Code::ApiVersion,
            format!("apiVersion `{other}` is not one fleetc reads"),
            locate("/apiVersion", Target::Value),
        )
        .with_help(format!("use apiVersion: {API_VERSION}"))),
        None => Err(Diagnostic::error(
            Code::ApiVersion,
            format!("this {} has no apiVersion", kind.as_str()),
            locate("/kind", Target::Key),
        )
        .with_help(format!("add apiVersion: {API_VERSION}"))),
    }
}
