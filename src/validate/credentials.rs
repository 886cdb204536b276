//! No credential may enter the fleet: everything in it is committed and rendered into `out/`.
//! This check runs on the raw documents, so a credential is reported as such (with where it
//! belongs) even where the schema would only call it an unknown field.

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Files, Pointer, Target};
use crate::model::Kind;

/// Endings of key names (lowercased, without `_`, `-` and `.`) that hold secrets.
const SECRET_KEY_ENDINGS: [&str; 12] = [
    "password",
    "passwd",
    "token",
    "privatekey",
    "keydata",
    "clientkey",
    "clientsecret",
    "secretaccesskey",
    "secretkey",
    "apikey",
    "kubeconfig",
    "credentials",
];

/// Whether a mapping key names a credential (`bearerToken`, `password`, `client_secret`, …).
pub(crate) fn is_credential_key(key: &str) -> bool {
    let normal: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    let last = normal.rsplit('/').next().unwrap_or_default();
    SECRET_KEY_ENDINGS
        .iter()
        .any(|ending| last.ends_with(ending))
}

/// Whether a string holds a PEM private key.
pub(crate) fn is_private_key(s: &str) -> bool {
    s.contains("-----BEGIN") && s.contains("PRIVATE KEY-----")
}

/// Credentials in one document: any credential-named key with a value in a Cluster, a
/// `ClusterTemplate` or the Fleet's defaults; credential-named keys with text in an App's values;
/// and PEM private keys anywhere. Also returns the flagged key names, which the schema check
/// then leaves to this one.
pub(crate) fn scan(kind: Kind, doc: &Document, files: &Files) -> (Vec<Diagnostic>, Vec<String>) {
    let mut found = Vec::new();
    match kind {
        Kind::Cluster | Kind::ClusterTemplate => {
            walk(
                &doc.value,
                &Pointer::root(),
                Strictness::AnyValue,
                &mut found,
            );
        }
        Kind::Fleet => {
            walk(
                &doc.value,
                &Pointer::root(),
                Strictness::KeysOnlyUnder("defaults"),
                &mut found,
            );
        }
        Kind::App => walk(&doc.value, &Pointer::root(), Strictness::Text, &mut found),
    }
    let keys = found
        .iter()
        .filter_map(|(_, what)| match what {
            Found::Key(key) => Some(key.clone()),
            Found::PrivateKey => None,
        })
        .collect();
    let diagnostics = found
        .into_iter()
        .map(|(pointer, what)| diagnostic(kind, doc, files, &pointer, &what))
        .collect();
    (diagnostics, keys)
}

#[derive(Clone, Copy)]
enum Strictness {
    /// A credential-named key is an error whatever its value.
    AnyValue,
    /// A credential-named key is an error when its value is non-empty text or a number.
    Text,
    /// Credential-named keys count only below a key of this name (Fleet `spec.defaults`).
    KeysOnlyUnder(&'static str),
}

enum Found {
    Key(String),
    PrivateKey,
}

fn walk(value: &Value, at: &Pointer, strictness: Strictness, found: &mut Vec<(Pointer, Found)>) {
    match value {
        Value::String(s) if is_private_key(s) => found.push((at.clone(), Found::PrivateKey)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &at.clone().index(i), strictness, found);
            }
        }
        Value::Object(map) => {
            for (key, child) in map {
                let here = at.clone().key(key.clone());
                let inner = match strictness {
                    Strictness::KeysOnlyUnder(name) if key == name => Strictness::AnyValue,
                    other => other,
                };
                let flagged = is_credential_key(key)
                    && match inner {
                        Strictness::AnyValue => !child.is_null(),
                        Strictness::Text => match child {
                            Value::String(s) => !s.is_empty(),
                            Value::Number(_) => true,
                            _ => false,
                        },
                        Strictness::KeysOnlyUnder(_) => false,
                    };
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
        Found::PrivateKey => ("this value is a PEM private key".to_owned(), Target::Value),
    };
    let location = Some(files.locate(doc.at, at, target));
    let (message, help) = if kind == Kind::App {
        (
            format!("{message}: Helm values are rendered into out/ in plain text"),
            "put it in a Kubernetes Secret on the cluster (for example through an ExternalSecret) \
             and point the chart at it; most charts take an `existingSecret`",
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
    fn credential_key_names() {
        for key in [
            "bearerToken",
            "password",
            "adminPassword",
            "keyData",
            "client_secret",
            "aws_secret_access_key",
            "privateKey",
            "kubeconfig",
            "acme.io/api-token",
        ] {
            assert!(is_credential_key(key), "{key}");
        }
        for key in [
            "external_secrets_iam_role_arn",
            "karpenter_sqs_queue_name",
            "existingSecret",
            "tokenTTL",
            "caData",
            "passwordSecretRef",
            "automountServiceAccountToken_enabled",
        ] {
            assert!(!is_credential_key(key), "{key}");
        }
    }

    #[test]
    fn private_keys() {
        assert!(is_private_key(
            "-----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY-----"
        ));
        assert!(!is_private_key("-----BEGIN CERTIFICATE-----\nabc"));
    }
}
