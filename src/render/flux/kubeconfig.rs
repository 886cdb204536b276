//! How Flux on the hub reaches a cluster: `spec.kubeConfig` of its `Kustomizations` and
//! `HelmReleases`, and the object it names.
//!
//! - a Cluster API cluster (`capi` connection): the `<cluster>-kubeconfig` Secret Cluster API
//!   writes (key `value`); fleetc renders nothing for it;
//! - a secret store (`secretStore`): an `ExternalSecret` that writes `<cluster>-kubeconfig`
//!   (key `value`) from the store entry's `kubeconfig` property;
//! - a cloud identity (`eks`, `gke`, `aks`): a `ConfigMap` `<cluster>-kubeconfig` for Flux's
//!   workload identity (Flux 2.7 or later: `provider`, `address`, `ca.crt`, and an EKS cluster's
//!   ARN as `cluster`), named by `configMapRef`: no secret at all;
//! - the hub itself (`inCluster`): no kubeconfig.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::model::{Cluster, Connection, Fleet};

/// The key of the kubeconfig in the Secret Flux reads (as Cluster API writes it).
const KEY: &str = "value";

/// The property of a secret store entry that holds a Flux hub's kubeconfig of a cluster.
pub(crate) const STORE_PROPERTY: &str = "kubeconfig";

/// The name of a cluster's kubeconfig Secret (Cluster API's, or the one ESO writes from a
/// secret store) or `ConfigMap`.
pub(crate) fn name(cluster: &Cluster) -> String {
    format!("{}-kubeconfig", cluster.name)
}

/// The object fleetc renders for a cluster's kubeconfig (if any), and the `kubeConfig` of its
/// Flux objects (none for the hub itself).
pub(crate) fn access(fleet: &Fleet, cluster: &Cluster) -> (Option<Value>, Option<Value>) {
    let namespace = super::namespace(fleet);
    let secret_ref = || Some(json!({"secretRef": {"name": name(cluster), "key": KEY}}));
    match &cluster.connection {
        Connection::InCluster(_) => (None, None),
        Connection::Capi(_) => (None, secret_ref()),
        Connection::SecretStore(store_ref) => {
            let Some(store) = fleet.secret_store(&store_ref.name) else {
                return (None, secret_ref());
            };
            let es = json!({
                "apiVersion": "external-secrets.io/v1",
                "kind": "ExternalSecret",
                "metadata": {"name": name(cluster), "namespace": namespace},
                "spec": {
                    "refreshInterval": store.refresh_interval,
                    "secretStoreRef": {"kind": store.kind.as_str(), "name": store.store_name()},
                    "target": {
                        "name": name(cluster),
                        "creationPolicy": "Owner",
                        "deletionPolicy": "Retain",
                    },
                    "data": [{
                        "secretKey": KEY,
                        "remoteRef": {
                            "key": store.key_for(&cluster.name, store_ref.key.as_deref()),
                            "property": STORE_PROPERTY,
                        },
                    }],
                },
            });
            (Some(es), secret_ref())
        }
        Connection::Eks(c) => {
            // Flux's AWS identity names the cluster by its ARN (validation requires the
            // account and the region of an EKS cluster on a Flux hub).
            let arn = format!(
                "arn:aws:eks:{}:{}:cluster/{}",
                cluster.region.as_deref().unwrap_or_default(),
                cluster
                    .aws
                    .as_ref()
                    .and_then(|a| a.account_id.as_deref())
                    .unwrap_or_default(),
                c.cluster_name.as_deref().unwrap_or(&cluster.name)
            );
            identity(fleet, cluster, "aws", Some(&arn), &c.server, &c.ca_data)
        }
        Connection::Gke(c) => identity(fleet, cluster, "gcp", None, &c.server, &c.ca_data),
        Connection::Aks(c) => identity(fleet, cluster, "azure", None, &c.server, &c.ca_data),
    }
}

/// The `ConfigMap` of Flux's workload identity for a cloud cluster, and its `configMapRef`.
fn identity(
    fleet: &Fleet,
    cluster: &Cluster,
    provider: &str,
    resource: Option<&str>,
    server: &str,
    ca_data: &str,
) -> (Option<Value>, Option<Value>) {
    // `caData` is the base64 of a PEM certificate (validated); Flux takes the PEM itself.
    let ca = base64::engine::general_purpose::STANDARD
        .decode(ca_data.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default();
    let mut config_map = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name(cluster), "namespace": super::namespace(fleet)},
        "data": {"provider": provider, "address": server, "ca.crt": ca},
    });
    if let Some(resource) = resource {
        config_map["data"]["cluster"] = json!(resource);
    }
    (
        Some(config_map),
        Some(json!({"configMapRef": {"name": name(cluster)}})),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fleet::fleet;

    /// A cloud cluster on a Flux hub is reached with Flux's workload identity: a `ConfigMap` with
    /// no secret in it, the CA as PEM.
    #[test]
    fn a_cloud_cluster_gets_a_workload_identity_config_map() {
        let fleet = fleet(
            "",
            "apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {name: c-1}
spec:
  provider: aws
  region: eu-central-1
  hub: hub-eu
  aws: {accountId: \"123456789012\"}
  connection:
    eks:
      server: https://5A43A661C1A832B0AA8BF8DD3762FC43.gr7.eu-west-1.eks.amazonaws.com
      caData: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJpakNDQVRHZ0F3SUJBZ0lVUkR6SlVzRG1UVUxJNEhyNGxUTHB2SVgydDhNd0NnWUlLb1pJemowRUF3SXcKR3pFWk1CY0dBMVVFQXd3UWNISnZaQzFsZFMxaGQzTXRNUzFqWVRBZUZ3MHlOakV4TWpFd056VTFNRFphRncwegpOakV4TVRnd056VTFNRFphTUJzeEdUQVhCZ05WQkFNTUVIQnliMlF0WlhVdFlYZHpMVEV0WTJFd1dUQVRCZ2NxCmhrak9QUUlCQmdncWhrak9QUU1CQndOQ0FBVFY5c0t6aW5LdFk2dEZmdCs2N3ZkekxqZmx2R25BWFZ1VFNhZnkKWlI0a1VZbE9rOXBSUnpPNjB1aTg2WkxCUGR6TG45Y1ZySmZ2SFl6b2pMR21Fc2tVbzFNd1VUQWRCZ05WSFE0RQpGZ1FVdjhhcUJDVTUyTHNkbEVlRmk3SFNhSWd1eDdnd0h3WURWUjBqQkJnd0ZvQVV2OGFxQkNVNTJMc2RsRWVGCmk3SFNhSWd1eDdnd0R3WURWUjBUQVFIL0JBVXdBd0VCL3pBS0JnZ3Foa2pPUFFRREFnTkhBREJFQWlCbVNRZ2kKYy96Q1grVm8wWnNmWmhRRi9oME12WnI5b0hjb0xSMzdLM0I2bFFJZ2F3UEJPbTlUdm5Jb2trRS9JWjJuZytHeApoNFluSmVER3AzYURqV285VmdVPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==
",
        );
        let (object, kube_config) = access(&fleet, &fleet.clusters[0]);
        let object = object.expect("a ConfigMap");
        assert_eq!(object["kind"], "ConfigMap");
        assert_eq!(object["metadata"]["name"], "c-1-kubeconfig");
        assert_eq!(object["data"]["provider"], "aws");
        assert_eq!(
            object["data"]["cluster"],
            "arn:aws:eks:eu-central-1:123456789012:cluster/c-1"
        );
        assert_eq!(
            object["data"]["address"],
            "https://5A43A661C1A832B0AA8BF8DD3762FC43.gr7.eu-west-1.eks.amazonaws.com"
        );
        let ca = object["data"]["ca.crt"].as_str().expect("the CA");
        assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");
        assert_eq!(
            kube_config,
            Some(json!({"configMapRef": {"name": "c-1-kubeconfig"}}))
        );
    }
}
