//! The ESO `ExternalSecret` that produces a cluster's Argo CD Secret when the connection lives in
//! a secret store: name, labels and annotations are written statically from the fleet; only
//! `server` and `config` are read at runtime, from the store entry Terraform wrote, or (for a
//! `capi` connection) templated from the cluster's CAPI kubeconfig Secret.

use std::collections::BTreeMap;

use serde::Serialize;

use super::cluster_secret::{secret_labels, secret_name, static_data};
use super::kubeconfig_template::{self, KUBECONFIG_KEY, KUBECONFIG_PROPERTY, kubeconfig_secret};
use super::meta::ObjectMeta;
use crate::model::{Cluster, Connection, Fleet};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExternalSecret<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta<'a>,
    spec: Spec<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec<'a> {
    refresh_interval: &'a str,
    secret_store_ref: StoreRef<'a>,
    target: Target<'a>,
    data: Vec<DataItem>,
}

#[derive(Serialize)]
struct StoreRef<'a> {
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Target<'a> {
    name: String,
    creation_policy: &'static str,
    deletion_policy: &'static str,
    template: Template<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Template<'a> {
    engine_version: &'static str,
    /// The CRD's default, said, so that out/ is what the cluster stores.
    merge_policy: &'static str,
    #[serde(rename = "type")]
    type_: &'static str,
    metadata: TemplateMeta<'a>,
    data: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct TemplateMeta<'a> {
    labels: BTreeMap<&'a str, &'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<&'a str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DataItem {
    secret_key: &'static str,
    remote_ref: RemoteRef,
}

#[derive(Serialize)]
struct RemoteRef {
    key: String,
    property: &'static str,
}

/// ESO renders template values with Go templates: a literal `{{` must be written as an action
/// that prints it, or ESO would execute it. The action uses a raw string (backquotes), so it
/// stays intact inside JSON text too.
pub(crate) fn escape_go_template(s: &str) -> String {
    s.replace("{{", "{{`{{`}}")
}

/// The `ExternalSecret`, or `None` when the connection does not come from a secret store.
pub(crate) fn external_secret<'a>(
    cluster: &'a Cluster,
    fleet: &'a Fleet,
) -> Option<ExternalSecret<'a>> {
    let mut data: BTreeMap<&'static str, String> = static_data(cluster)
        .into_iter()
        .map(|(k, v)| (k, escape_go_template(&v)))
        .collect();
    let (store, fetched) = match &cluster.connection {
        Connection::SecretStore(store_ref) => {
            let store = fleet.secret_store(&store_ref.name)?;
            let key = store.key_for(&cluster.name, store_ref.key.as_deref());
            data.insert("server", "{{ .server }}".into());
            data.insert("config", "{{ .config }}".into());
            let remote = |property: &'static str| DataItem {
                secret_key: property,
                remote_ref: RemoteRef {
                    key: key.clone(),
                    property,
                },
            };
            (store, vec![remote("config"), remote("server")])
        }
        Connection::Capi(capi) => {
            let store = fleet.secret_store(&capi.secret_store)?;
            data.insert("server", kubeconfig_template::server());
            data.insert("config", kubeconfig_template::config(cluster, capi));
            let item = DataItem {
                secret_key: KUBECONFIG_KEY,
                remote_ref: RemoteRef {
                    key: kubeconfig_secret(cluster),
                    property: KUBECONFIG_PROPERTY,
                },
            };
            (store, vec![item])
        }
        _ => return None,
    };
    let mut metadata = ObjectMeta::named(secret_name(cluster), &fleet.argocd.namespace);
    super::sync_order::connection_first(&mut metadata);
    let es = ExternalSecret {
        api_version: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata,
        spec: Spec {
            refresh_interval: &store.refresh_interval,
            secret_store_ref: StoreRef {
                kind: store.kind.as_str(),
                name: store.store_name(),
            },
            target: Target {
                name: secret_name(cluster),
                creation_policy: "Owner",
                deletion_policy: "Retain",
                template: Template {
                    engine_version: "v2",
                    merge_policy: "Replace",
                    type_: "Opaque",
                    metadata: TemplateMeta {
                        labels: secret_labels(cluster),
                        annotations: cluster
                            .annotations
                            .iter()
                            .map(|(k, v)| (k.as_str(), escape_go_template(v)))
                            .collect(),
                    },
                    data,
                },
            },
            data: fetched,
        },
    };
    Some(es)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fleet::fleet;
    use serde_json::Value;
    use serde_json::json;

    /// A CAPI cluster of `provider` with a `capi` connection (`extra` added to it).
    fn capi_es(provider: &str, extra: &str) -> Value {
        let facts = match provider {
            "gcp" => "  gcp: {project: p}\n",
            "azure" => {
                "  azure: {subscriptionId: 6703b2b7-1f7f-4417-adca-a2cb57d78a8e, resourceGroup: rg}\n  nodePools: [{name: system, instanceType: Standard_D4s_v5, minSize: 1, maxSize: 1}]\n"
            }
            _ => "",
        };
        let fleet = fleet(
            "",
            &format!(
                "apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {{name: c-1}}
spec:
  provider: {provider}
  region: r1
  hub: hub-eu
  provisioner: capi
{facts}  connection: {{capi: {{secretStore: capi-hub{extra}}}}}"
            ),
        );
        serde_json::to_value(
            external_secret(&fleet.clusters[0], &fleet).expect("an ExternalSecret"),
        )
        .expect("an ExternalSecret serializes")
    }

    /// The `config` template as ESO would render it, with these values for its variables.
    fn rendered_config(template: &str) -> Value {
        let json_start = template.find("\n{\n").expect("JSON after the prelude") + 1;
        let prelude = &template[..json_start];
        assert!(
            prelude
                .lines()
                .all(|l| l.starts_with("{{-") && l.ends_with("-}}")),
            "{prelude}"
        );
        let body = template[json_start..]
            .replace("{{ $caData }}", "Q0E=")
            .replace("{{ $certData }}", "Q0VSVA==")
            .replace("{{ $keyData }}", "S0VZ");
        assert!(!body.contains("{{"), "{body}");
        serde_json::from_str(&body).expect("the config is JSON once rendered")
    }

    #[test]
    fn capi_connections_read_the_kubeconfig_secret() {
        let es = capi_es("aws", ", roleARN: arn:aws:iam::111122223333:role/argocd");
        assert_eq!(
            es["spec"]["data"],
            json!([{"secretKey": "kubeconfig", "remoteRef": {"key": "c-1-kubeconfig", "property": "value"}}])
        );
        assert_eq!(
            es["spec"]["secretStoreRef"],
            json!({"kind": "ClusterSecretStore", "name": "capi-kubeconfigs"})
        );
        let data = &es["spec"]["target"]["template"]["data"];
        assert_eq!(
            data["server"],
            "{{ (index (fromYaml .kubeconfig).clusters 0).cluster.server }}"
        );
        assert_eq!(
            rendered_config(data["config"].as_str().unwrap()),
            json!({
                "awsAuthConfig": {"clusterName": "c-1", "roleARN": "arn:aws:iam::111122223333:role/argocd"},
                "tlsClientConfig": {"insecure": false, "caData": "Q0E="},
            })
        );
    }

    #[test]
    fn capi_auth_per_provider() {
        let config = |provider, extra| {
            let es = capi_es(provider, extra);
            rendered_config(
                es["spec"]["target"]["template"]["data"]["config"]
                    .as_str()
                    .unwrap(),
            )
        };
        assert_eq!(
            config("gcp", "")["execProviderConfig"]["args"],
            json!(["gcp"])
        );
        assert_eq!(
            config("azure", ", clientId: abc")["execProviderConfig"]["env"],
            json!({"AAD_LOGIN_METHOD": "workloadidentity", "AZURE_CLIENT_ID": "abc"})
        );
        assert_eq!(
            config("vcluster", "")["tlsClientConfig"],
            json!({"insecure": false, "caData": "Q0E=", "certData": "Q0VSVA==", "keyData": "S0VZ"})
        );
    }

    #[test]
    fn go_template_actions_in_static_text_are_escaped() {
        assert_eq!(escape_go_template("plain"), "plain");
        assert_eq!(escape_go_template("a {{ .x }} b"), "a {{`{{`}} .x }} b");
    }
}
