//! Schema-checked JSON to typed model data (`serde`, with `serde_path_to_error`). The schemas and
//! the types describe the same format, so decoding fails only if they disagree; even then the
//! failure is a diagnostic at the node that failed.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{DocRef, Files, Pointer, Target};

/// Reads schema-checked JSON into a typed value. The schemas and the types describe the same
/// format, so this fails only if they disagree; the failure is still a located diagnostic.
pub(crate) fn decode<T: DeserializeOwned>(
    value: &Value,
    doc: DocRef,
    base: &Pointer,
    files: &Files,
) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = e
            .path()
            .iter()
            .fold(base.clone(), |p, segment| match segment {
                serde_path_to_error::Segment::Seq { index } => p.index(*index),
                serde_path_to_error::Segment::Map { key } => p.key(key.clone()),
                serde_path_to_error::Segment::Enum { variant } => p.key(variant.clone()),
                serde_path_to_error::Segment::Unknown => p,
            });
        Diagnostic::error(
            Code::InvalidValue,
            format!("`{}`: {}", pointer.dotted(), e.inner()),
            Some(files.locate(doc, &pointer, Target::Value)),
        )
    })
}
