//! GKE through CAPG (infrastructure v1beta1, experimental: the provider needs
//! `EXP_CAPG_GKE=true`): a `GCPManagedCluster` (project, region, network), a
//! `GCPManagedControlPlane` (in the infrastructure group, named like the fleet cluster in GKE) and
//! one `GCPManagedMachinePool` per node pool.

use serde_json::json;

use super::{
    INFRASTRUCTURE_GROUP, ProviderObjects, metadata, object_ref, pool_name, pool_object, version,
};
use crate::model::{Cluster, Fleet};

const API_VERSION: &str = "infrastructure.cluster.x-k8s.io/v1beta1";

pub(crate) fn objects(cluster: &Cluster, fleet: &Fleet) -> ProviderObjects {
    let project = cluster.gcp.as_ref().map(|g| g.project.as_str());
    let control_plane_name = format!("{}-control-plane", cluster.name);
    let mut cluster_spec = json!({"project": project, "region": cluster.region});
    if let Some(network) = cluster.gcp.as_ref().and_then(|g| g.network.as_ref()) {
        // With the CRD's defaults said, as the cluster stores them.
        cluster_spec["network"] = json!({"name": network, "mtu": 1460, "minPortsPerVm": 64});
    }
    let infrastructure = json!({
        "apiVersion": API_VERSION,
        "kind": "GCPManagedCluster",
        "metadata": metadata(fleet, &cluster.name),
        "spec": cluster_spec,
    });
    let mut control_plane_spec = json!({
        "clusterName": cluster.name,
        "project": project,
        "location": cluster.region,
    });
    if let Some(v) = version(cluster) {
        control_plane_spec["version"] = json!(v);
    }
    let control_plane = json!({
        "apiVersion": API_VERSION,
        "kind": "GCPManagedControlPlane",
        "metadata": metadata(fleet, &control_plane_name),
        "spec": control_plane_spec,
    });
    let pools = cluster
        .node_pools
        .iter()
        .map(|pool| {
            let name = pool_name(cluster, pool);
            let mut spec = json!({
                "nodePoolName": pool.name,
                "machineType": pool.instance_type,
                "scaling": {
                    "enableAutoscaling": pool.min_size != pool.max_size,
                    "minCount": pool.min_size,
                    "maxCount": pool.max_size,
                },
            });
            if !pool.labels.is_empty() {
                spec["kubernetesLabels"] = json!(pool.labels);
            }
            pool_object(fleet, API_VERSION, "GCPManagedMachinePool", &name, spec)
        })
        .collect();
    ProviderObjects {
        infrastructure: object_ref(INFRASTRUCTURE_GROUP, "GCPManagedCluster", &cluster.name),
        control_plane: object_ref(
            INFRASTRUCTURE_GROUP,
            "GCPManagedControlPlane",
            &control_plane_name,
        ),
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
    fn gke_objects_carry_project_and_location() {
        let fleet = fleet(
            "",
            "apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {name: gke-1}
spec:
  provider: gcp
  region: europe-west1
  hub: hub-eu
  provisioner: capi
  gcp: {project: acme-dev, network: shared-vpc}
  nodePools: [{name: general, instanceType: e2-standard-4, minSize: 1, maxSize: 3}]
  connection: {capi: {secretStore: capi-hub}}",
        );
        let docs = provisioning(&fleet.clusters[0], &fleet).expect("a CAPI cluster");
        assert_eq!(
            docs[1]["spec"],
            json!({"project": "acme-dev", "region": "europe-west1", "network": {"name": "shared-vpc", "mtu": 1460, "minPortsPerVm": 64}})
        );
        assert_eq!(
            docs[2]["spec"],
            json!({"clusterName": "gke-1", "project": "acme-dev", "location": "europe-west1"})
        );
        assert_eq!(
            docs[0]["spec"]["controlPlaneRef"]["apiGroup"],
            "infrastructure.cluster.x-k8s.io"
        );
        assert_eq!(
            docs[3]["metadata"]["annotations"],
            json!({"cluster.x-k8s.io/replicas-managed-by": "external-autoscaler"})
        );
        assert_eq!(
            docs[4]["spec"]["scaling"],
            json!({"enableAutoscaling": true, "minCount": 1, "maxCount": 3})
        );
    }
}
