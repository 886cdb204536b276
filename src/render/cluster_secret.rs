//! The Argo CD cluster Secret, rendered whole where the declaration fully determines a
//! credential-free connection: the hub itself, or cloud identity (EKS `awsAuthConfig`, GKE and
//! AKS through `argocd-k8s-auth`). Its name, labels and extra keys are shared with the
//! `ExternalSecret` that produces it in the other case.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::meta::{ObjectMeta, borrowed};
use super::tree::ObjectId;
use crate::model::{Cluster, Connection, Fleet, SECRET_TYPE_LABEL};

/// The API server address of a hub's own cluster.
pub const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";

/// The name of a cluster's Argo CD Secret (and of the `ExternalSecret` that makes it).
pub(crate) fn secret_name(cluster: &Cluster) -> String {
    format!("cluster-{}", cluster.name)
}

/// The Secret's labels: the placement labels and the Argo CD secret type.
pub(crate) fn secret_labels(cluster: &Cluster) -> BTreeMap<&str, &str> {
    let mut labels = borrowed(&cluster.placement_labels);
    labels.insert(SECRET_TYPE_LABEL, "cluster");
    labels
}

/// The Secret's data keys other than `server` and `config`.
pub(crate) fn static_data(cluster: &Cluster) -> BTreeMap<&'static str, String> {
    let mut data = BTreeMap::new();
    data.insert("name", cluster.name.clone());
    let a = &cluster.argocd;
    if let Some(project) = &a.project {
        data.insert("project", project.clone());
    }
    if !a.namespaces.is_empty() {
        data.insert("namespaces", a.namespaces.join(","));
    }
    if let Some(cluster_resources) = a.cluster_resources {
        data.insert("clusterResources", cluster_resources.to_string());
    }
    if let Some(shard) = a.shard {
        data.insert("shard", shard.to_string());
    }
    data
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Secret<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta<'a>,
    #[serde(rename = "type")]
    type_: &'static str,
    string_data: BTreeMap<&'static str, String>,
}

/// `awsAuthConfig`: Argo CD reaches EKS with its AWS identity, optionally assuming a role.
pub(crate) fn aws_auth_config(cluster_name: &str, role_arn: Option<&str>) -> Value {
    let mut aws = json!({"clusterName": cluster_name});
    if let Some(role) = role_arn {
        aws["roleARN"] = json!(role);
    }
    aws
}

/// `execProviderConfig` running `argocd-k8s-auth` with `args` (`gcp`, `azure`).
pub(crate) fn exec_provider_config(args: &[&str], env: Option<Value>) -> Value {
    let mut e = json!({
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": "argocd-k8s-auth",
        "args": args,
    });
    if let Some(env) = env {
        e["env"] = env;
    }
    e
}

/// The environment of `argocd-k8s-auth azure`: the kubelogin login method (default workload
/// identity) and the Entra client and tenant.
pub(crate) fn aks_env(
    login_method: Option<&str>,
    client_id: Option<&str>,
    tenant_id: Option<&str>,
) -> Value {
    let mut env = serde_json::Map::new();
    env.insert(
        "AAD_LOGIN_METHOD".into(),
        json!(login_method.unwrap_or("workloadidentity")),
    );
    if let Some(id) = client_id {
        env.insert("AZURE_CLIENT_ID".into(), json!(id));
    }
    if let Some(id) = tenant_id {
        env.insert("AZURE_TENANT_ID".into(), json!(id));
    }
    Value::Object(env)
}

/// The `config` data key: the JSON Argo CD reads, pretty-printed, ending with a newline.
pub(crate) fn config_text(config: &Value) -> String {
    let mut text = serde_json::to_string_pretty(config).expect("config serializes");
    text.push('\n');
    text
}

/// The server and `config` JSON of a credential-free connection; `None` for a secret store or a
/// CAPI kubeconfig, which ESO reads at runtime.
pub(crate) fn connection(cluster: &Cluster) -> Option<(String, Value)> {
    let tls = |ca: &str| json!({"insecure": false, "caData": ca});
    Some(match &cluster.connection {
        Connection::SecretStore(_) | Connection::Capi(_) => return None,
        Connection::InCluster(_) => (
            IN_CLUSTER_SERVER.to_owned(),
            json!({"tlsClientConfig": {"insecure": false}}),
        ),
        Connection::Eks(c) => {
            let name = c.cluster_name.as_deref().unwrap_or(&cluster.name);
            (
                c.server.clone(),
                json!({"awsAuthConfig": aws_auth_config(name, c.role_arn.as_deref()), "tlsClientConfig": tls(&c.ca_data)}),
            )
        }
        Connection::Gke(c) => (
            c.server.clone(),
            json!({"execProviderConfig": exec_provider_config(&["gcp"], None), "tlsClientConfig": tls(&c.ca_data)}),
        ),
        Connection::Aks(c) => {
            let env = aks_env(
                c.login_method.as_deref(),
                c.client_id.as_deref(),
                c.tenant_id.as_deref(),
            );
            (
                c.server.clone(),
                json!({"execProviderConfig": exec_provider_config(&["azure"], Some(env)), "tlsClientConfig": tls(&c.ca_data)}),
            )
        }
    })
}

/// The cluster Secret, or `None` when the connection comes from a secret store.
pub(crate) fn cluster_secret<'a>(cluster: &'a Cluster, fleet: &'a Fleet) -> Option<Secret<'a>> {
    let (server, config) = connection(cluster)?;
    let mut metadata = ObjectMeta::named(secret_name(cluster), &fleet.argocd.namespace);
    metadata.labels = secret_labels(cluster);
    metadata.annotations = borrowed(&cluster.annotations);
    super::sync_order::connection_first(&mut metadata);
    let mut data = static_data(cluster);
    data.insert("server", server);
    data.insert("config", config_text(&config));
    let secret = Secret {
        api_version: "v1",
        kind: "Secret",
        metadata,
        type_: "Opaque",
        string_data: data,
    };
    Some(secret)
}

/// The identity of a cluster's Secret, or of the `ExternalSecret` of the same name.
pub(crate) fn secret_id(
    cluster: &Cluster,
    fleet: &Fleet,
    kind: &'static str,
    api_version: &'static str,
) -> ObjectId {
    ObjectId {
        api_version: api_version.into(),
        kind: kind.into(),
        namespace: Some(fleet.argocd.namespace.clone()),
        name: secret_name(cluster),
    }
}
