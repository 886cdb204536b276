//! AKS through CAPZ's Azure Service Operator kinds (infrastructure v1beta1; the older
//! `AzureManaged*` kinds are deprecated): an `AzureASOManagedCluster` holding the
//! `ResourceGroup`, an `AzureASOManagedControlPlane` (also in the infrastructure group) holding
//! the `ManagedCluster`, and per node pool an `AzureASOManagedMachinePool` holding a
//! `ManagedClustersAgentPool`, the first one in System mode. The ASO objects are inline, as CAPZ
//! expects; their Kubernetes names are fleetc's (DNS labels), their Azure names the
//! declaration's (`azureName`).

use serde_json::{Value, json};

use super::{
    INFRASTRUCTURE_GROUP, ProviderObjects, metadata, object_ref, pool_name, pool_object, version,
};
use crate::model::{Cluster, Fleet};

const API_VERSION: &str = "infrastructure.cluster.x-k8s.io/v1beta1";
const RESOURCE_GROUP_API: &str = "resources.azure.com/v1api20200601";
const CONTAINER_SERVICE_API: &str = "containerservice.azure.com/v1api20240901";

/// The annotation that tells ASO which credential Secret to create a resource with.
pub(crate) const CREDENTIAL_FROM: &str = "serviceoperator.azure.com/credential-from";

/// `metadata` of an inline ASO object.
fn aso_metadata(cluster: &Cluster, name: &str) -> Value {
    let mut meta = json!({"name": name});
    if let Some(secret) = cluster
        .azure
        .as_ref()
        .and_then(|a| a.aso_credential_secret.as_ref())
    {
        meta["annotations"] = json!({CREDENTIAL_FROM: secret});
    }
    meta
}

pub(crate) fn objects(cluster: &Cluster, fleet: &Fleet) -> ProviderObjects {
    let name = cluster.name.as_str();
    let resource_group = cluster.azure.as_ref().map(|a| a.resource_group.as_str());
    let group = json!({
        "apiVersion": RESOURCE_GROUP_API,
        "kind": "ResourceGroup",
        "metadata": aso_metadata(cluster, name),
        "spec": {"azureName": resource_group, "location": cluster.region},
    });
    let managed_cluster = json!({
        "apiVersion": CONTAINER_SERVICE_API,
        "kind": "ManagedCluster",
        "metadata": aso_metadata(cluster, name),
        "spec": {
            "dnsPrefix": name,
            "identity": {"type": "SystemAssigned"},
            "location": cluster.region,
            "networkProfile": {"networkPlugin": "azure"},
            "owner": {"name": name},
            "servicePrincipalProfile": {"clientId": "msi"},
        },
    });
    let infrastructure = json!({
        "apiVersion": API_VERSION,
        "kind": "AzureASOManagedCluster",
        "metadata": metadata(fleet, name),
        "spec": {"resources": [group]},
    });
    let mut control_plane_spec = json!({"resources": [managed_cluster]});
    if let Some(v) = version(cluster) {
        control_plane_spec["version"] = json!(v);
    }
    let control_plane = json!({
        "apiVersion": API_VERSION,
        "kind": "AzureASOManagedControlPlane",
        "metadata": metadata(fleet, name),
        "spec": control_plane_spec,
    });
    let pools = cluster
        .node_pools
        .iter()
        .enumerate()
        .map(|(i, pool)| {
            let pool_object_name = pool_name(cluster, pool);
            let mut spec = json!({
                "azureName": pool.name,
                "mode": if i == 0 { "System" } else { "User" },
                "owner": {"name": name},
                "type": "VirtualMachineScaleSets",
                "vmSize": pool.instance_type,
            });
            if pool.min_size != pool.max_size {
                spec["enableAutoScaling"] = json!(true);
                spec["minCount"] = json!(pool.min_size);
                spec["maxCount"] = json!(pool.max_size);
            }
            if !pool.labels.is_empty() {
                spec["nodeLabels"] = json!(pool.labels);
            }
            let agent_pool = json!({
                "apiVersion": CONTAINER_SERVICE_API,
                "kind": "ManagedClustersAgentPool",
                "metadata": aso_metadata(cluster, &pool_object_name),
                "spec": spec,
            });
            pool_object(
                fleet,
                API_VERSION,
                "AzureASOManagedMachinePool",
                &pool_object_name,
                json!({"resources": [agent_pool]}),
            )
        })
        .collect();
    ProviderObjects {
        infrastructure: object_ref(INFRASTRUCTURE_GROUP, "AzureASOManagedCluster", name),
        control_plane: object_ref(INFRASTRUCTURE_GROUP, "AzureASOManagedControlPlane", name),
        documents: vec![infrastructure, control_plane],
        pools,
    }
}

#[cfg(test)]
mod tests {
    use super::super::provisioning;
    use crate::test_fleet::fleet;
    use serde_json::json;

    #[test]
    fn aks_inlines_the_aso_resources() {
        let fleet = fleet(
            "",
            "apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {name: aks-1}
spec:
  provider: azure
  region: westeurope
  hub: hub-eu
  kubernetesVersion: \"1.33\"
  provisioner: capi
  azure:
    subscriptionId: 6703b2b7-1f7f-4417-adca-a2cb57d78a8e
    resourceGroup: RG_Prod.AKS
    asoCredentialSecret: aso-credential
  nodePools:
    - {name: system, instanceType: Standard_D4s_v5, minSize: 3, maxSize: 3}
    - {name: user1, instanceType: Standard_D8s_v5, minSize: 1, maxSize: 10, labels: {workload: batch}}
  connection: {capi: {secretStore: capi-hub}}",
        );
        let docs = provisioning(&fleet.clusters[0], &fleet).expect("a CAPI cluster");
        let group = &docs[1]["spec"]["resources"][0];
        assert_eq!(group["kind"], "ResourceGroup");
        assert_eq!(group["metadata"]["name"], "aks-1");
        assert_eq!(
            group["spec"],
            json!({"azureName": "RG_Prod.AKS", "location": "westeurope"})
        );
        assert_eq!(
            group["metadata"]["annotations"],
            json!({"serviceoperator.azure.com/credential-from": "aso-credential"})
        );
        assert_eq!(docs[2]["spec"]["version"], "v1.33");
        assert_eq!(
            docs[2]["spec"]["resources"][0]["spec"]["owner"]["name"],
            "aks-1"
        );
        let system = &docs[4]["spec"]["resources"][0]["spec"];
        assert_eq!(system["mode"], "System");
        assert_eq!(system.get("enableAutoScaling"), None);
        let user = &docs[6]["spec"]["resources"][0]["spec"];
        assert_eq!(user["mode"], "User");
        assert_eq!(user["azureName"], "user1");
        assert_eq!(
            (user["minCount"].as_u64(), user["maxCount"].as_u64()),
            (Some(1), Some(10))
        );
        assert_eq!(user["nodeLabels"], json!({"workload": "batch"}));
    }
}
