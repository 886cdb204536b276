//! An Argo CD cluster Secret, turned into a fleetc Cluster: its name, labels and annotations;
//! provider, region and environment from what the Secret says (and which field said it); and a
//! connection that carries no credential: in-cluster, a cloud identity (`eks`, `gke`, `aks`), or
//! a reference to the secret store that holds the Secret's `server` and `config`. Nothing of the
//! Secret's `config` but the server, the CA certificate and the cloud identity's names is kept.

use serde_json::{Map, Value, json};

use super::objects::{Object, SECRET_TYPE_LABEL};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Target};
use crate::render::IN_CLUSTER_SERVER;
use crate::selector::syntax::dns1123_label_problems;

/// Annotations `kubectl` and controllers write that are not the fleet's.
const DROPPED_ANNOTATIONS: [&str; 1] = ["kubectl.kubernetes.io/last-applied-configuration"];

/// A cluster read from its Secret.
#[derive(Debug, Clone)]
pub(super) struct Imported {
    pub(super) name: String,
    /// The Secret's labels, as Argo CD's cluster generator sees them (with the secret type).
    pub(super) secret_labels: Map<String, Value>,
    pub(super) annotations: Map<String, Value>,
    pub(super) server: String,
    /// The Secret's `project`.
    pub(super) project: Option<String>,
    /// The fleetc Cluster document.
    pub(super) document: Value,
    /// Whether the connection is a secret-store reference (the store must hold the Secret).
    pub(super) via_store: bool,
    /// What the import took from where, for the user.
    pub(super) notes: Vec<String>,
}

/// Where the fleet says things about the import.
pub(super) struct Settings<'a> {
    pub(super) hub: &'a str,
    pub(super) store: &'a str,
}

/// Reads one cluster Secret; `None` (with a finding) when it cannot be a fleetc Cluster.
pub(super) fn import(
    secret: &Object,
    files: &Files,
    settings: &Settings<'_>,
    findings: &mut Vec<Diagnostic>,
) -> Option<Imported> {
    let field = |key: &str| secret.secret_field(key);
    let leave_out = |findings: &mut Vec<Diagnostic>, pointer: &str, why: String| {
        findings.push(Diagnostic::error(
            Code::Import,
            format!("cluster Secret `{}` is left out: {why}", secret.name()),
            Some(secret.locate(files, pointer, Target::Value)),
        ));
        None
    };
    let Some(name) = field("name") else {
        return leave_out(findings, "/data", "it has no `name`".into());
    };
    let Some(server) = field("server") else {
        return leave_out(findings, "/data", "it has no `server`".into());
    };
    if let Some(problem) = dns1123_label_problems(&name).first() {
        return leave_out(
            findings,
            "/data/name",
            format!(
                "a fleetc cluster name must be a DNS-1123 label, and `{name}` is not ({problem})"
            ),
        );
    }
    let config: Value = field("config")
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or(Value::Null);

    let labels_in = secret
        .value
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let annotations: Map<String, Value> = secret
        .value
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(k, _)| !DROPPED_ANNOTATIONS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut notes = Vec::new();
    let mut spec = Map::new();
    let mut labels = Map::new();
    for (key, value) in &labels_in {
        match key.as_str() {
            SECRET_TYPE_LABEL => {}
            // The built-in placement labels are the Cluster's fields.
            "environment" | "region" | "provider" => {
                spec.insert(key.clone(), value.clone());
                notes.push(format!("{key} from the label `{key}`"));
            }
            "hub" => {
                return leave_out(
                    findings,
                    "/metadata/labels/hub",
                    "its label `hub` is fleetc's own: the hub is `--hub`".into(),
                );
            }
            _ => {
                labels.insert(key.clone(), value.clone());
            }
        }
    }
    let text = |map: &Map<String, Value>, key: &str| {
        map.get(key).and_then(Value::as_str).map(str::to_owned)
    };
    let aws = config.get("awsAuthConfig");
    let exec = config.get("execProviderConfig");
    let exec_kind = exec
        .filter(|e| e.get("command").and_then(Value::as_str) == Some("argocd-k8s-auth"))
        .and_then(|e| e.pointer("/args/0"))
        .and_then(Value::as_str);
    if !spec.contains_key("provider") {
        let (provider, why) = if aws.is_some() {
            ("aws", "`config.awsAuthConfig`")
        } else if server.contains(".eks.amazonaws.com") {
            ("aws", "the EKS server address")
        } else if exec_kind == Some("gcp") {
            ("gcp", "`argocd-k8s-auth gcp`")
        } else if exec_kind == Some("azure") || server.contains(".azmk8s.io") {
            ("azure", "the AKS connection")
        } else if annotations.contains_key("aws_region")
            || annotations.contains_key("aws_cluster_name")
        {
            ("aws", "the `aws_*` annotations")
        } else {
            ("onprem", "nothing naming a cloud")
        };
        spec.insert("provider".into(), provider.into());
        notes.push(format!("provider {provider} from {why}"));
    }
    if !spec.contains_key("region") {
        if let Some(region) = text(&annotations, "aws_region") {
            notes.push(format!("region {region} from the annotation `aws_region`"));
            spec.insert("region".into(), region.into());
        } else if let Some(region) = eks_region(&server) {
            notes.push(format!("region {region} from the EKS server address"));
            spec.insert("region".into(), region.into());
        }
    }
    spec.insert("hub".into(), settings.hub.into());

    let ca = config
        .pointer("/tlsClientConfig/caData")
        .and_then(Value::as_str);
    let holds_credential = ["bearerToken", "password", "username"]
        .iter()
        .any(|k| config.get(*k).is_some())
        || config.pointer("/tlsClientConfig/keyData").is_some()
        || config.pointer("/tlsClientConfig/certData").is_some()
        || exec.is_some_and(|e| e.get("env").is_some() || exec_kind.is_none());
    let mut via_store = false;
    let connection = if server == IN_CLUSTER_SERVER {
        if name != settings.hub {
            return leave_out(
                findings,
                "/data/server",
                format!(
                    "it connects in-cluster, which fleetc allows only for the hub's own cluster, and the hub is `{}` (pass `--hub {name}` if this is the hub)",
                    settings.hub
                ),
            );
        }
        json!({"inCluster": true})
    } else if let (Some(aws), Some(ca), false) = (aws, ca, holds_credential) {
        let mut eks = json!({"server": server, "caData": ca});
        if let Some(role) = aws.get("roleARN").and_then(Value::as_str) {
            eks["roleARN"] = role.into();
        }
        if let Some(cluster) = aws.get("clusterName").and_then(Value::as_str)
            && cluster != name
        {
            eks["clusterName"] = cluster.into();
        }
        json!({"eks": eks})
    } else if let (Some("gcp"), Some(ca), false) = (exec_kind, ca, holds_credential) {
        json!({"gke": {"server": server, "caData": ca}})
    } else {
        via_store = true;
        json!({"secretStore": {"name": settings.store}})
    };
    spec.insert("connection".into(), connection);
    if let Some(project) = field("project") {
        spec.insert("argocd".into(), json!({"project": project}));
    }

    let mut metadata = json!({"name": name});
    if !labels.is_empty() {
        metadata["labels"] = Value::Object(labels);
    }
    if !annotations.is_empty() {
        metadata["annotations"] = Value::Object(annotations.clone());
    }
    let document = json!({
        "apiVersion": "fleetc.dev/v1alpha1",
        "kind": "Cluster",
        "metadata": metadata,
        "spec": spec,
    });
    let mut secret_labels = labels_in;
    secret_labels.insert(SECRET_TYPE_LABEL.into(), "cluster".into());
    Some(Imported {
        name,
        secret_labels,
        annotations,
        server,
        project: field("project"),
        document,
        via_store,
        notes,
    })
}

/// The region in an EKS API server address (`https://<id>.<shard>.<region>.eks.amazonaws.com`).
fn eks_region(server: &str) -> Option<String> {
    let host = server.strip_prefix("https://")?.split('/').next()?;
    let rest = host.strip_suffix(".eks.amazonaws.com")?;
    rest.rsplit('.').next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_of_an_eks_server() {
        assert_eq!(
            eks_region("https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(eks_region("https://10.0.0.1"), None);
    }
}
