//! No credential may enter the fleet: everything in it is committed and rendered into `out/`.
//! This check runs on the raw documents, so a credential is reported as such (with where it
//! belongs) even where the schema would only call it an unknown field. What counts as a
//! credential is [`crate::model::credential`]'s to say.

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Files, Pointer, Step, Target};
use crate::model::Kind;
use crate::model::credential::{
    Secret, holds_credential, is_credential_key, is_marked, secret_in_text,
};

/// The text of every string in the fields a document marks as not credentials, which the
/// screen of rendered objects passes over.
pub(crate) fn marked_texts(doc: &Document, out: &mut Vec<String>) {
    fn strings(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let listed = doc.value.pointer(MARKS).and_then(Value::as_array);
    for mark in listed.into_iter().flatten().filter_map(Value::as_str) {
        if let Some(value) = doc.value.pointer(mark) {
            strings(value, out);
        }
    }
}

/// Whether a string holds a PEM private key.
pub(crate) fn is_private_key(s: &str) -> bool {
    secret_in_text(s) == Some(Secret::PrivateKey)
}

/// Credentials in one document (see [`crate::model::credential`] for what counts): a
/// credential-named key holding a credential, in a Cluster, a `ClusterTemplate`, an App, or the
/// Fleet's defaults; and a value that looks like a secret (a private key, a token, a password in
/// a URL) anywhere, labels and annotations included. Also returns the flagged key names, which
/// the schema check then leaves to this one.
pub(crate) fn scan(kind: Kind, doc: &Document, files: &Files) -> (Vec<Diagnostic>, Vec<String>) {
    let mut found = Vec::new();
    let keys_count = match kind {
        Kind::Fleet => KeysCount::OnlyUnder("defaults"),
        Kind::Cluster | Kind::ClusterTemplate | Kind::App | Kind::Team => KeysCount::Everywhere,
    };
    walk(&doc.value, &mut Vec::new(), keys_count, &mut found);
    let (marks, mut diagnostics) = check_marks(doc, files);
    found.retain(|(pointer, _)| !is_marked(&marks, pointer));
    let keys = found
        .iter()
        .filter_map(|(_, what)| match what {
            Found::Key(key) => Some(key.clone()),
            Found::Shape(_) => None,
        })
        .collect();
    diagnostics.extend(
        found
            .into_iter()
            .map(|(pointer, what)| diagnostic(kind, doc, files, &pointer, &what)),
    );
    (diagnostics, keys)
}

/// Where the fields marked as not credentials (`metadata.notCredentials`) of a document are
/// listed.
const MARKS: &str = "/metadata/notCredentials";

/// The document's marks that point at one of its fields, as JSON pointer strings; a note for
/// each (so review sees it) and an error for each that points at nothing.
fn check_marks(doc: &Document, files: &Files) -> (Vec<String>, Vec<Diagnostic>) {
    let mut marks = Vec::new();
    let mut diagnostics = Vec::new();
    let listed = doc.value.pointer(MARKS).and_then(Value::as_array);
    for (i, mark) in listed.into_iter().flatten().enumerate() {
        let Some(mark) = mark.as_str().filter(|m| m.starts_with('/')) else {
            continue; // the schema says what is wrong with it
        };
        let at = Some(files.locate(doc.at, &Pointer::parse(MARKS).index(i), Target::Value));
        if doc.value.pointer(mark).is_some() {
            marks.push(mark.to_owned());
            diagnostics.push(Diagnostic::note(
                Code::Credential,
                format!("`{mark}` is marked as not a credential: fleetc does not check it"),
                at,
            ));
        } else {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("`{mark}` marks no field of this document"),
                    at,
                )
                .with_help("a mark is a JSON pointer into the same document, such as `/spec/values/dex/clientSecret`"),
            );
        }
    }
    (marks, diagnostics)
}

/// Where credential-named keys count.
#[derive(Clone, Copy)]
enum KeysCount {
    Everywhere,
    /// Only below a key of this name (the Fleet's `spec.defaults`).
    OnlyUnder(&'static str),
}

enum Found {
    Key(String),
    Shape(Secret),
}

/// Walks `value` at `path` (extended and restored on the way down: a pointer is made only for
/// what is found).
fn walk<'a>(
    value: &'a Value,
    path: &mut Vec<Step<'a>>,
    keys_count: KeysCount,
    found: &mut Vec<(Pointer, Found)>,
) {
    match value {
        Value::String(s) => {
            if let Some(secret) = secret_in_text(s) {
                found.push((Pointer::of_path(path), Found::Shape(secret)));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk(item, path, keys_count, found);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, child) in map {
                let inner = match keys_count {
                    KeysCount::OnlyUnder(name) if key == name => KeysCount::Everywhere,
                    other => other,
                };
                let flagged = matches!(inner, KeysCount::Everywhere)
                    && is_credential_key(key)
                    && holds_credential(child);
                path.push(Step::Key(key));
                if flagged {
                    found.push((Pointer::of_path(path), Found::Key(key.clone())));
                } else {
                    walk(child, path, inner, found);
                }
                path.pop();
            }
        }
        _ => {}
    }
}

fn diagnostic(kind: Kind, doc: &Document, files: &Files, at: &Pointer, what: &Found) -> Diagnostic {
    let (message, target) = match what {
        Found::Key(key) => (format!("`{key}` is a credential"), Target::Key),
        Found::Shape(secret) => (
            format!("this value looks like {}", secret.describe()),
            Target::Value,
        ),
    };
    let location = Some(files.locate(doc.at, at, target));
    let (message, help) = if kind == Kind::App {
        (
            format!("{message}: Helm values are rendered into out/ in plain text"),
            "put it in a Kubernetes Secret on the cluster (for example through an ExternalSecret) \
             and point the chart at it (most charts take an `existingSecret`), or refer to it: \
             Argo CD's `$secret:key`, a `${VAR}` placeholder",
        )
    } else {
        (
            format!(
                "{message}: the fleet is committed and rendered into out/, so it must hold none"
            ),
            "keep the cluster's connection in a secrets manager (Terraform writes it there) and \
             set `spec.connection.secretStore`: fleetc renders an ExternalSecret that reads it on \
             the hub; or use cloud identity (`eks`, `gke`, `aks`), which needs no credential",
        )
    };
    Diagnostic::error(Code::Credential, message, location).with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_keys() {
        assert!(is_private_key(
            "-----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY-----"
        ));
        assert!(!is_private_key("-----BEGIN CERTIFICATE-----\nabc"));
    }
}
