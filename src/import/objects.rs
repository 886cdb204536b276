//! The Kubernetes objects `fleetc import` reads, as `kubectl get -o yaml` prints them: single
//! documents, several in a file, or a `kind: List` of items; each kept with where it was
//! written, so a finding points at its file, line and column.

use serde_json::{Map, Value};

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::load::{DocRef, Document, Files, Pointer, Target};

/// The label that makes a Secret an Argo CD cluster Secret.
pub(super) const SECRET_TYPE_LABEL: &str = "argocd.argoproj.io/secret-type";

/// One object of the input, and where it is.
#[derive(Debug, Clone)]
pub(super) struct Object {
    pub(super) at: DocRef,
    /// Where the object sits in its document (`/items/3` in a List, the root otherwise).
    pub(super) base: Pointer,
    pub(super) value: Value,
}

impl Object {
    /// The location of a field of the object (`pointer` is relative to the object).
    pub(super) fn locate(&self, files: &Files, pointer: &str, target: Target) -> Location {
        files.locate(
            self.at,
            &self.base.clone().join(&Pointer::parse(pointer)),
            target,
        )
    }

    /// A string at `pointer` (relative to the object).
    pub(super) fn text(&self, pointer: &str) -> Option<&str> {
        self.value.pointer(pointer).and_then(Value::as_str)
    }

    /// A field of a Secret's data: `stringData` as written, or `data` decoded from base64.
    pub(super) fn secret_field(&self, key: &str) -> Option<String> {
        use base64::Engine as _;
        if let Some(v) = self.text(&format!("/stringData/{key}")) {
            return Some(v.to_owned());
        }
        let encoded = self.text(&format!("/data/{key}"))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?;
        String::from_utf8(bytes).ok()
    }

    pub(super) fn kind(&self) -> &str {
        self.text("/kind").unwrap_or_default()
    }

    pub(super) fn name(&self) -> &str {
        self.text("/metadata/name").unwrap_or_default()
    }
}

/// The sources of an Application spec: `source`, or each of `sources`.
pub(super) fn application_sources(spec: &mut Map<String, Value>) -> Vec<&mut Value> {
    if spec.contains_key("source") {
        return spec.get_mut("source").into_iter().collect();
    }
    match spec.get_mut("sources") {
        Some(Value::Array(list)) => list.iter_mut().collect(),
        _ => Vec::new(),
    }
}

/// What the input holds, by kind.
#[derive(Debug, Default)]
pub(super) struct Objects {
    /// Argo CD cluster Secrets.
    pub(super) secrets: Vec<Object>,
    pub(super) application_sets: Vec<Object>,
    pub(super) applications: Vec<Object>,
}

/// Sorts the documents' objects by kind; anything else is a warning that names it.
pub(super) fn sort(
    documents: &[Document],
    files: &Files,
    findings: &mut Vec<Diagnostic>,
) -> Objects {
    let mut objects = Objects::default();
    for doc in documents {
        let items: Vec<Object> = match doc.value.get("kind").and_then(Value::as_str) {
            Some("List") => doc
                .value
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, item)| Object {
                    at: doc.at,
                    base: Pointer::parse("/items").index(i),
                    value: item.clone(),
                })
                .collect(),
            _ => vec![Object {
                at: doc.at,
                base: Pointer::root(),
                value: Value::clone(&doc.value),
            }],
        };
        for object in items {
            let api = object.text("/apiVersion").unwrap_or_default().to_owned();
            match (api.as_str(), object.kind()) {
                ("v1", "Secret")
                    if object.value.pointer(&format!(
                        "/metadata/labels/{}",
                        SECRET_TYPE_LABEL.replace('/', "~1")
                    )) == Some(&Value::from("cluster")) =>
                {
                    objects.secrets.push(object);
                }
                (api, "ApplicationSet") if api.starts_with("argoproj.io/") => {
                    objects.application_sets.push(object);
                }
                (api, "Application") if api.starts_with("argoproj.io/") => {
                    objects.applications.push(object);
                }
                (_, kind) => findings.push(
                    Diagnostic::warning(
                        Code::Import,
                        format!(
                            "{} `{}` is not an Argo CD cluster Secret, ApplicationSet or Application: left out",
                            if kind.is_empty() { "an object with no kind" } else { kind },
                            object.name()
                        ),
                        Some(object.locate(files, "/kind", Target::Value)),
                    ),
                ),
            }
        }
    }
    objects
}
