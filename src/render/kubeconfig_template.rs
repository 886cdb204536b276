//! The ESO templates that turn a Cluster API kubeconfig into an Argo CD cluster connection at
//! runtime, on the hub. CAPI writes each cluster's kubeconfig to the Secret `<cluster>-kubeconfig`
//! (key `value`); the `ExternalSecret` fetches it as `.kubeconfig`, and these Go templates (ESO's
//! v2 engine: Sprig plus `fromYaml`) take from it:
//!
//! - `server`: `clusters[0].cluster.server`;
//! - `config`: `clusters[0].cluster["certificate-authority-data"]` as `caData` (public), and the
//!   auth: cloud identity for EKS (`awsAuthConfig` with the `eksClusterName` fleetc sets), GKE and
//!   AKS (`argocd-k8s-auth`), since their kubeconfig tokens are short-lived; for a vcluster, the
//!   kubeconfig's own client certificate and key (`users[0].user["client-certificate-data"]`,
//!   `["client-key-data"]`).
//!
//! Keys with a dash must be read with `index`, not `.field`. Every value read is base64 or a URL,
//! so it needs no JSON escaping. Nothing from the kubeconfig is ever written to `out/`: ESO reads
//! it on the hub, and only `server` and `config` reach the Argo CD Secret (the template's merge
//! policy is Replace, so the fetched kubeconfig itself is not kept).

use serde_json::{Value, json};

use super::cluster_secret::{aks_env, aws_auth_config, config_text, exec_provider_config};
use super::external_secret::escape_go_template;
use crate::model::{CapiConnection, Cluster, Provider};

/// The data key the kubeconfig is fetched into.
pub(crate) const KUBECONFIG_KEY: &str = "kubeconfig";

/// The key of the kubeconfig in CAPI's Secret (`util/secret` `KubeconfigDataName`).
pub(crate) const KUBECONFIG_PROPERTY: &str = "value";

/// The name of the Secret CAPI writes a cluster's kubeconfig to.
pub(crate) fn kubeconfig_secret(cluster: &Cluster) -> String {
    format!("{}-kubeconfig", cluster.name)
}

/// The `server` template: the API server of the kubeconfig's first cluster.
pub(crate) fn server() -> String {
    format!("{{{{ (index (fromYaml .{KUBECONFIG_KEY}).clusters 0).cluster.server }}}}")
}

/// The variables the `config` template reads, set before its JSON (the `-` trims the newlines
/// between them, so the result is the JSON alone).
fn prelude(with_user: bool) -> String {
    let mut lines = vec![
        format!("{{{{- $kubeconfig := fromYaml .{KUBECONFIG_KEY} -}}}}"),
        "{{- $cluster := (index $kubeconfig.clusters 0).cluster -}}".to_owned(),
        "{{- $caData := index $cluster \"certificate-authority-data\" -}}".to_owned(),
    ];
    if with_user {
        lines.push("{{- $user := (index $kubeconfig.users 0).user -}}".to_owned());
        lines.push("{{- $certData := index $user \"client-certificate-data\" -}}".to_owned());
        lines.push("{{- $keyData := index $user \"client-key-data\" -}}".to_owned());
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The `config` template for a CAPI cluster: the prelude, then Argo CD's config JSON whose CA
/// (and, for a vcluster, client certificate) are the prelude's variables.
pub(crate) fn config(cluster: &Cluster, connection: &CapiConnection) -> String {
    let with_user = matches!(cluster.provider, Provider::Vcluster | Provider::Onprem);
    prelude(with_user) + &config_text(&config_value(cluster, connection))
}

/// The JSON of a CAPI cluster's `config` template, after its prelude: its strings hold the
/// prelude's variables.
pub(crate) fn config_value(cluster: &Cluster, connection: &CapiConnection) -> Value {
    let literal = |s: &str| escape_go_template(s);
    let mut tls = json!({"insecure": false, "caData": "{{ $caData }}"});
    let mut config = serde_json::Map::new();
    match cluster.provider {
        Provider::Aws => {
            let role = connection.role_arn.as_deref().map(literal);
            config.insert(
                "awsAuthConfig".into(),
                aws_auth_config(&literal(&cluster.name), role.as_deref()),
            );
        }
        Provider::Gcp => {
            config.insert(
                "execProviderConfig".into(),
                exec_provider_config(&["gcp"], None),
            );
        }
        Provider::Azure => {
            let (method, client, tenant) = (
                connection.login_method.as_deref().map(literal),
                connection.client_id.as_deref().map(literal),
                connection.tenant_id.as_deref().map(literal),
            );
            let env = aks_env(method.as_deref(), client.as_deref(), tenant.as_deref());
            config.insert(
                "execProviderConfig".into(),
                exec_provider_config(&["azure"], Some(env)),
            );
        }
        Provider::Vcluster | Provider::Onprem => {
            tls["certData"] = json!("{{ $certData }}");
            tls["keyData"] = json!("{{ $keyData }}");
        }
    }
    config.insert("tlsClientConfig".into(), tls);
    Value::Object(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_reads_the_first_cluster() {
        assert_eq!(
            server(),
            "{{ (index (fromYaml .kubeconfig).clusters 0).cluster.server }}"
        );
    }

    #[test]
    fn dashed_keys_are_read_with_index_outside_the_json() {
        let p = prelude(true);
        assert!(p.contains(r#"index $cluster "certificate-authority-data""#));
        assert!(p.contains(r#"index $user "client-key-data""#));
        assert!(
            p.lines()
                .all(|l| l.starts_with("{{-") && l.ends_with("-}}"))
        );
    }
}
