//! The runtime policy for Argo CD cluster Secrets on a hub, as data: a cluster Secret is
//! admitted only when its `config` authenticates with a cloud identity (`awsAuthConfig`, an
//! exec provider) or is the hub's own cluster; never with a bearer token or basic auth; with a
//! client certificate only for the clusters named (those whose kubeconfig Cluster API keeps on
//! the hub: vclusters the hub hosts, Cluster API clusters without a cloud identity); with no
//! `config` key it does not know (Argo CD reads keys without regard to case, so `BearerToken`
//! is a bearer token) and no secret handed to an exec provider; and only with the labels fleetc
//! writes on the hub's cluster Secrets (and those ESO and Argo CD add).
//!
//! The same rule is rendered as a Kyverno `ClusterPolicy` per hub ([`SecretPolicy::kyverno`])
//! and checked by fleetc on every connection it renders ([`SecretPolicy::violations`]), so the
//! policy never rejects what fleetc renders. What a secret store holds is not in the repo: for
//! those clusters the policy is the check, when ESO writes the Secret.

use std::collections::BTreeSet;

use base64::Engine as _;
use serde_json::{Value, json};

use super::cluster_secret::{self, IN_CLUSTER_SERVER};
use super::kubeconfig_template;
use crate::model::{Cluster, Connection, Fleet, Provider, SECRET_TYPE_LABEL};

/// The name of the `ClusterPolicy` on each hub.
pub const POLICY_NAME: &str = "fleetc-argocd-cluster-secrets";

/// The rule for one hub's cluster Secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretPolicy {
    /// The Argo CD namespace, where cluster Secrets live.
    pub namespace: String,
    /// Every label key fleetc writes on the hub's cluster Secrets, and those ESO and Argo CD
    /// add.
    pub labels: BTreeSet<String>,
    /// The names of the Secrets that may authenticate with a client certificate.
    pub client_certificates: BTreeSet<String>,
}

/// What the rule reads of one cluster Secret.
#[derive(Debug, Clone, Default)]
pub struct SecretFacts {
    pub name: String,
    pub labels: Vec<String>,
    /// The API server, when it is known before runtime.
    pub server: Option<String>,
    /// Argo CD's `config`, when it is known before runtime (not for a secret store's entry).
    pub config: Option<Value>,
}

/// Why the rule refuses a cluster Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// `config` holds a long-lived credential: `bearerToken`, `username` or `password`.
    LongLivedCredential(&'static str),
    /// Neither a cloud identity nor the hub's own cluster, nor a named client certificate.
    NoIdentity,
    /// A client certificate on a Secret the policy does not name.
    ClientCertificate,
    /// A label fleetc does not write.
    Label(String),
    /// A key Argo CD reads (its JSON is matched without regard to case) that the rule does not
    /// know: `BearerToken` reads as `bearerToken`.
    UnknownKey(String),
    /// An exec provider handed a secret in its environment or arguments.
    ExecSecret(String),
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::LongLivedCredential(key) => write!(
                f,
                "its config holds `{key}`, a long-lived credential; a cluster Secret authenticates with a cloud identity (awsAuthConfig or an exec provider)"
            ),
            Violation::NoIdentity => f.write_str(
                "its config authenticates with no cloud identity (awsAuthConfig or an exec provider), is not the hub's own cluster, and is not a client certificate the policy names",
            ),
            Violation::ClientCertificate => f.write_str(
                "its config holds a client certificate, which only clusters whose kubeconfig Cluster API keeps on the hub may use",
            ),
            Violation::Label(key) => write!(f, "it carries label `{key}`, which fleetc does not write"),
            Violation::UnknownKey(key) => write!(
                f,
                "its config holds `{key}`, which is none of the keys the policy admits (Argo CD matches keys without regard to case)"
            ),
            Violation::ExecSecret(what) => write!(
                f,
                "its exec provider is handed {what}, which looks like a secret"
            ),
        }
    }
}

/// The keys of `config` that hold a long-lived credential.
const LONG_LIVED: [&str; 3] = ["bearerToken", "username", "password"];

/// The keys of `config` the rule admits; any other (`BearerToken`, which Argo CD would read as
/// `bearerToken`) is refused.
const CONFIG_KEYS: [&str; 5] = [
    "awsAuthConfig",
    "execProviderConfig",
    "tlsClientConfig",
    "proxyUrl",
    "disableCompression",
];

/// The keys of `config.tlsClientConfig` the rule admits.
const TLS_KEYS: [&str; 5] = ["insecure", "serverName", "caData", "certData", "keyData"];

/// Words that mark an exec provider's environment variable or argument as a secret
/// (`AZURE_CLIENT_SECRET`, `--password=…`). `TOKEN` and `KEY` are not among them: kubelogin's
/// `get-token` and Azure's `AZURE_FEDERATED_TOKEN_FILE` are how workload identity works.
const SECRET_WORDS: [&str; 2] = ["SECRET", "PASSWORD"];

/// Labels the tools on the hub add to a cluster Secret: ESO on the Secrets it owns, Argo CD's
/// label tracking on those it applies.
const TOOL_LABELS: [&str; 3] = [
    "app.kubernetes.io/instance",
    "reconcile.external-secrets.io/created-by",
    "reconcile.external-secrets.io/managed",
];

impl SecretPolicy {
    /// The rule for the cluster Secrets of hub `hub`.
    pub fn of_hub(fleet: &Fleet, hub: &str) -> Self {
        let mut labels: BTreeSet<String> = TOOL_LABELS.iter().map(|l| (*l).to_owned()).collect();
        let mut client_certificates = BTreeSet::new();
        for cluster in fleet.clusters.iter().filter(|c| c.hub == hub) {
            labels.extend(
                cluster_secret::secret_labels(cluster)
                    .keys()
                    .map(|k| (*k).to_owned()),
            );
            if uses_client_certificate(cluster) {
                client_certificates.insert(cluster_secret::secret_name(cluster));
            }
        }
        Self {
            namespace: fleet.argocd.namespace.clone(),
            labels,
            client_certificates,
        }
    }

    /// Why the rule refuses a Secret with these facts; empty when it admits it. A fact not
    /// known before runtime passes here: the policy checks it on the hub.
    pub fn violations(&self, secret: &SecretFacts) -> Vec<Violation> {
        let mut found = Vec::new();
        if let Some(config) = &secret.config {
            let present = |value: Option<&Value>| {
                value.is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
            };
            for key in LONG_LIVED {
                if present(config.get(key)) {
                    found.push(Violation::LongLivedCredential(key));
                }
            }
            let named = self.client_certificates.contains(&secret.name);
            let identity = present(config.get("awsAuthConfig"))
                || present(config.get("execProviderConfig"))
                || secret.server.as_deref() == Some(IN_CLUSTER_SERVER)
                || named;
            if !identity {
                found.push(Violation::NoIdentity);
            }
            let unknown = |value: Option<&Value>, known: &[&str]| -> Vec<String> {
                value
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.keys()
                            .filter(|k| {
                                !known.contains(&k.as_str()) && !LONG_LIVED.contains(&k.as_str())
                            })
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default()
            };
            found.extend(
                unknown(Some(config), &CONFIG_KEYS)
                    .into_iter()
                    .chain(unknown(config.get("tlsClientConfig"), &TLS_KEYS))
                    .map(Violation::UnknownKey),
            );
            let exec = config.get("execProviderConfig");
            let secret_like = |text: &str| {
                let upper = text.to_uppercase();
                SECRET_WORDS.iter().any(|w| upper.contains(w))
            };
            let env = exec.and_then(|e| e.get("env")).and_then(Value::as_object);
            for name in env
                .into_iter()
                .flat_map(|m| m.keys())
                .filter(|k| secret_like(k))
            {
                found.push(Violation::ExecSecret(format!("the variable `{name}`")));
            }
            let args = exec.and_then(|e| e.get("args")).and_then(Value::as_array);
            for arg in args
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|a| secret_like(a))
            {
                found.push(Violation::ExecSecret(format!("the argument `{arg}`")));
            }
            let tls = config.get("tlsClientConfig");
            let certificate = ["certData", "keyData"]
                .iter()
                .any(|k| present(tls.and_then(|t| t.get(*k))));
            if certificate && !named {
                found.push(Violation::ClientCertificate);
            }
        }
        found.extend(
            secret
                .labels
                .iter()
                .filter(|k| !self.labels.contains(*k))
                .map(|k| Violation::Label(k.clone())),
        );
        found
    }

    /// The Kyverno `ClusterPolicy` that enforces the rule on the hub, applied before the
    /// cluster Secrets it guards.
    pub fn kyverno(&self) -> Value {
        // ESO and Argo CD write `data` (base64); a Secret applied by hand may use `stringData`.
        let field = |key: &str| {
            format!(
                "request.object.stringData.{key} || base64_decode(request.object.data.{key} || '')"
            )
        };
        // `e30=` is `{}`: a Secret without a config reads as an empty one.
        let config = "parse_json(request.object.stringData.config || base64_decode(request.object.data.config || 'e30='))";
        let present = |path: &str| format!("{{{{ {config}.{path} || '' }}}}");
        let certificates: Vec<&str> = self
            .client_certificates
            .iter()
            .map(String::as_str)
            .collect();
        let name = json!({
            "key": "{{ request.object.metadata.name }}",
            "operator": "AnyNotIn",
            "value": certificates,
        });
        let rule = |rule: &str, message: &str, deny: Value| {
            json!({
                "name": rule,
                "skipBackgroundRequests": true,
                "match": {"any": [{"resources": {
                    "kinds": ["Secret"],
                    "namespaces": [self.namespace],
                    "operations": ["CREATE", "UPDATE"],
                    "selector": {"matchLabels": {SECRET_TYPE_LABEL: "cluster"}},
                }}]},
                "validate": {
                    "failureAction": "Enforce",
                    // Kyverno 1.13 lets a Secret that already breaks the rule be updated
                    // unless told otherwise.
                    "allowExistingViolations": false,
                    "message": message,
                    "deny": {"conditions": deny},
                },
            })
        };
        let credentials: Vec<Value> = LONG_LIVED
            .iter()
            .map(|key| json!({"key": present(key), "operator": "NotEquals", "value": ""}))
            .collect();
        let config_keys: Vec<&str> = CONFIG_KEYS.iter().chain(&LONG_LIVED).copied().collect();
        let secret_like = SECRET_WORDS
            .iter()
            .map(|w| format!("contains(to_upper(@), '{w}')"))
            .collect::<Vec<_>>()
            .join(" || ");
        let secrets_in = |list: &str| {
            json!({
                "key": format!("{{{{ length({list}[?{secret_like}]) }}}}"),
                "operator": "GreaterThan",
                "value": 0,
            })
        };
        json!({
            "apiVersion": "kyverno.io/v1",
            "kind": "ClusterPolicy",
            "metadata": {
                "name": POLICY_NAME,
                "annotations": {
                    "argocd.argoproj.io/sync-wave": "-2",
                    "policies.kyverno.io/title": "Argo CD cluster Secrets authenticate with a cloud identity",
                    "policies.kyverno.io/description": "Rendered by fleetc from the fleet: a cluster Secret never carries a bearer token or basic auth, nor a config key the policy does not know, nor a secret handed to its exec provider; it authenticates with awsAuthConfig or an exec provider, is the hub's own cluster, or uses a client certificate only where Cluster API keeps the kubeconfig on the hub (the Secrets named here); and it carries only the labels fleetc, ESO and Argo CD write.",
                },
            },
            "spec": {
                // Said as the API server would default them (so that out/ is what the cluster
                // stores), except the deprecated policy-wide action, whose default is Audit:
                // Enforce, like every rule's `failureAction`, which wins over it. (The rules'
                // fields need Kyverno 1.13 or later, whose CRD has them.)
                "admission": true,
                "background": false,
                "emitWarning": false,
                "validationFailureAction": "Enforce",
                "rules": [
                    rule(
                        "no-long-lived-credentials",
                        "An Argo CD cluster Secret must not carry a bearer token or basic auth: authenticate with a cloud identity (awsAuthConfig or an exec provider).",
                        json!({"any": credentials}),
                    ),
                    rule(
                        "known-config-keys",
                        "An Argo CD cluster Secret's config holds only awsAuthConfig, execProviderConfig, tlsClientConfig (insecure, serverName, caData, certData, keyData), proxyUrl and disableCompression, spelt so (Argo CD reads keys without regard to case), and its exec provider is handed no secret.",
                        json!({"any": [
                            {"key": format!("{{{{ keys({config}) }}}}"), "operator": "AnyNotIn", "value": config_keys},
                            {"key": format!("{{{{ keys({config}.tlsClientConfig || `{{}}`) }}}}"), "operator": "AnyNotIn", "value": TLS_KEYS},
                            secrets_in(&format!("keys({config}.execProviderConfig.env || `{{}}`)")),
                            secrets_in(&format!("({config}.execProviderConfig.args || `[]`)")),
                        ]}),
                    ),
                    rule(
                        "cloud-identity",
                        "An Argo CD cluster Secret must authenticate with a cloud identity (awsAuthConfig or an exec provider), unless it is the hub's own cluster or a client certificate this policy names.",
                        json!({"all": [
                            {"key": present("awsAuthConfig"), "operator": "Equals", "value": ""},
                            {"key": present("execProviderConfig"), "operator": "Equals", "value": ""},
                            {"key": format!("{{{{ {} }}}}", field("server")), "operator": "NotEquals", "value": IN_CLUSTER_SERVER},
                            name.clone(),
                        ]}),
                    ),
                    rule(
                        "client-certificates-named",
                        "Only the cluster Secrets this policy names (kubeconfigs Cluster API keeps on the hub) may authenticate with a client certificate.",
                        json!({"all": [
                            {"key": format!("{{{{ {config}.tlsClientConfig.certData || {config}.tlsClientConfig.keyData || '' }}}}"), "operator": "NotEquals", "value": ""},
                            name,
                        ]}),
                    ),
                    rule(
                        "fleetc-labels",
                        "An Argo CD cluster Secret carries only the labels fleetc writes (and ESO's and Argo CD's own): declare a label in the fleet.",
                        json!({"any": [{
                            "key": "{{ keys(request.object.metadata.labels || `{}`) }}",
                            "operator": "AnyNotIn",
                            "value": self.labels,
                        }]}),
                    ),
                ],
            },
        })
    }
}

impl SecretPolicy {
    /// The rule a rendered policy ([`SecretPolicy::kyverno`]) enforces, read back from it;
    /// `None` when `policy` is not one fleetc renders.
    pub fn from_kyverno(policy: &Value) -> Option<Self> {
        let rules = policy.pointer("/spec/rules")?.as_array()?;
        let rule = |name: &str| rules.iter().find(|r| r["name"] == name);
        let conditions = |name: &str, all_or_any: &str| {
            rule(name)?
                .pointer(&format!("/validate/deny/conditions/{all_or_any}"))?
                .as_array()
        };
        let strings = |v: &Value| -> Option<BTreeSet<String>> {
            v.as_array()?
                .iter()
                .map(|s| s.as_str().map(str::to_owned))
                .collect()
        };
        let namespace = rule("cloud-identity")?
            .pointer("/match/any/0/resources/namespaces/0")?
            .as_str()?
            .to_owned();
        let client_certificates = strings(&conditions("cloud-identity", "all")?.last()?["value"])?;
        let labels = strings(&conditions("fleetc-labels", "any")?.first()?["value"])?;
        Some(Self {
            namespace,
            labels,
            client_certificates,
        })
    }
}

impl SecretFacts {
    /// What the rule reads of a cluster Secret document (`stringData` or base64 `data`); a
    /// `config` that is not JSON reads as an empty one, as the policy's `parse_json` fails.
    pub fn of_secret(secret: &Value) -> Self {
        let field = |key: &str| -> Option<String> {
            if let Some(text) = secret.pointer(&format!("/stringData/{key}")) {
                return text.as_str().map(str::to_owned);
            }
            let encoded = secret.pointer(&format!("/data/{key}"))?.as_str()?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()?;
            String::from_utf8(bytes).ok()
        };
        Self {
            name: text_at(secret, "/metadata/name"),
            labels: keys_at(secret, "/metadata/labels"),
            server: field("server"),
            config: Some(
                field("config")
                    .and_then(|c| serde_json::from_str(&c).ok())
                    .unwrap_or_else(|| json!({})),
            ),
        }
    }

    /// What the rule reads, before runtime, of the Secret an `ExternalSecret` fleetc renders
    /// will write: its name and labels, and the `config` its template builds when fleetc
    /// wrote that (a Cluster API kubeconfig's); `None` for a secret store's entry.
    pub fn of_external_secret(external_secret: &Value) -> Self {
        let template = external_secret.pointer("/spec/target/template");
        let config = template
            .and_then(|t| t.pointer("/data/config"))
            .and_then(Value::as_str)
            .and_then(|text| {
                // The prelude's lines set variables and write nothing.
                let json: String = text
                    .lines()
                    .filter(|l| !l.starts_with("{{-"))
                    .collect::<Vec<_>>()
                    .join("\n");
                serde_json::from_str(&json).ok()
            });
        Self {
            name: text_at(external_secret, "/spec/target/name"),
            labels: template.map_or_else(Vec::new, |t| keys_at(t, "/metadata/labels")),
            server: None,
            config,
        }
    }
}

fn text_at(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn keys_at(value: &Value, pointer: &str) -> Vec<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Whether the cluster's connection authenticates with the client certificate of a kubeconfig
/// Cluster API keeps on the hub.
fn uses_client_certificate(cluster: &Cluster) -> bool {
    matches!(cluster.connection, Connection::Capi(_))
        && matches!(cluster.provider, Provider::Vcluster | Provider::Onprem)
}

/// What fleetc renders of a cluster's Secret (whole, or as an `ExternalSecret`'s template),
/// as the rule reads it.
pub(crate) fn facts(cluster: &Cluster) -> SecretFacts {
    let (server, config) = match &cluster.connection {
        Connection::Capi(capi) => (None, Some(kubeconfig_template::config_value(cluster, capi))),
        Connection::SecretStore(_) => (None, None),
        _ => match cluster_secret::connection(cluster) {
            Some((server, config)) => (Some(server), Some(config)),
            None => (None, None),
        },
    };
    SecretFacts {
        name: cluster_secret::secret_name(cluster),
        labels: cluster_secret::secret_labels(cluster)
            .into_keys()
            .map(str::to_owned)
            .collect(),
        server,
        config,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> SecretPolicy {
        SecretPolicy {
            namespace: "argocd".into(),
            labels: ["argocd.argoproj.io/secret-type", "team"]
                .map(String::from)
                .into(),
            client_certificates: ["cluster-v-1".to_owned()].into(),
        }
    }

    /// The rendered policy states the rule fleetc checks: read back, it is the same rule.
    #[test]
    fn the_rendered_policy_reads_back_as_its_rule() {
        assert_eq!(
            SecretPolicy::from_kyverno(&policy().kyverno()),
            Some(policy())
        );
        let mut no_certificates = policy();
        no_certificates.client_certificates.clear();
        assert_eq!(
            SecretPolicy::from_kyverno(&no_certificates.kyverno()),
            Some(no_certificates)
        );
    }

    #[test]
    fn identities_pass_and_their_absence_fails() {
        let facts = |name: &str, server: Option<&str>, config: Value| SecretFacts {
            name: name.into(),
            labels: vec!["team".into()],
            server: server.map(str::to_owned),
            config: Some(config),
        };
        let p = policy();
        let admitted = [
            facts(
                "cluster-a",
                None,
                json!({"awsAuthConfig": {"clusterName": "a"}}),
            ),
            facts(
                "cluster-g",
                None,
                json!({"execProviderConfig": {"command": "argocd-k8s-auth"}}),
            ),
            facts(
                "cluster-hub",
                Some(IN_CLUSTER_SERVER),
                json!({"tlsClientConfig": {"insecure": false}}),
            ),
            facts(
                "cluster-v-1",
                None,
                json!({"tlsClientConfig": {"certData": "c", "keyData": "k"}}),
            ),
        ];
        for secret in &admitted {
            assert_eq!(p.violations(secret), [], "{}", secret.name);
        }
        // An empty identity is none; so is the hub's address on a Secret for another server.
        assert_eq!(
            p.violations(&facts(
                "cluster-x",
                Some("https://10.0.0.1"),
                json!({"awsAuthConfig": ""})
            )),
            [Violation::NoIdentity]
        );
        // A config not known before runtime is left to the hub's policy; labels are not.
        let mut store = facts("cluster-s", None, Value::Null);
        store.config = None;
        store.labels.push("owner".into());
        assert_eq!(p.violations(&store), [Violation::Label("owner".into())]);
    }
}
