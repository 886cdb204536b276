//! No credential may enter the fleet: everything in it is committed and rendered into `out/`.
//! This check runs on the raw documents, so a credential is reported as such (with where it
//! belongs) even where the schema would only call it an unknown field. What counts as a
//! credential is [`crate::model::credential`]'s to say.

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Files, Pointer, Target};
use crate::model::Kind;
use crate::model::credential::{Secret, holds_credential, is_credential_key, secret_in_text};

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
        Kind::Cluster | Kind::ClusterTemplate | Kind::App => KeysCount::Everywhere,
    };
    walk(&doc.value, &Pointer::root(), keys_count, &mut found);
    let keys = found
        .iter()
        .filter_map(|(_, what)| match what {
            Found::Key(key) => Some(key.clone()),
            Found::Shape(_) => None,
        })
        .collect();
    let diagnostics = found
        .into_iter()
        .map(|(pointer, what)| diagnostic(kind, doc, files, &pointer, &what))
        .collect();
    (diagnostics, keys)
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

fn walk(value: &Value, at: &Pointer, keys_count: KeysCount, found: &mut Vec<(Pointer, Found)>) {
    match value {
        Value::String(s) => {
            if let Some(secret) = secret_in_text(s) {
                found.push((at.clone(), Found::Shape(secret)));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &at.clone().index(i), keys_count, found);
            }
        }
        Value::Object(map) => {
            for (key, child) in map {
                let here = at.clone().key(key.clone());
                let inner = match keys_count {
                    KeysCount::OnlyUnder(name) if key == name => KeysCount::Everywhere,
                    other => other,
                };
                let flagged = matches!(inner, KeysCount::Everywhere)
                    && is_credential_key(key)
                    && holds_credential(child);
                if flagged {
                    found.push((here, Found::Key(key.clone())));
                } else {
                    walk(child, &here, inner, found);
                }
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
