//! The core Cluster API objects: the `cluster.x-k8s.io/v1beta2` Cluster, either referring to its
//! provider's objects or stamped from a `ClusterClass` (`spec.topology`), and one `MachinePool`
//! per node pool of a provider-managed (EKS, GKE, AKS) cluster.

use serde_json::{Map, Value, json};

use super::{metadata, pool_name, version};
use crate::model::{Cluster, ClusterClassRef, Fleet, NodePool};
use crate::render::facts;

/// The annotation that hands a `MachinePool`'s replicas to an autoscaler (here the cloud's own
/// node group autoscaling, between `minSize` and `maxSize`).
pub(crate) const REPLICAS_MANAGED_BY: &str = "cluster.x-k8s.io/replicas-managed-by";

/// The Cluster, with its placement labels, in the CAPI namespace.
fn cluster_object(cluster: &Cluster, fleet: &Fleet, spec: &Value) -> Value {
    let mut meta = metadata(fleet, &cluster.name);
    meta["labels"] = json!(cluster.placement_labels);
    json!({
        "apiVersion": "cluster.x-k8s.io/v1beta2",
        "kind": "Cluster",
        "metadata": meta,
        "spec": spec,
    })
}

/// The Cluster referring to its provider's infrastructure and control plane objects.
pub(crate) fn with_refs(
    cluster: &Cluster,
    fleet: &Fleet,
    infrastructure: &Value,
    control_plane: &Value,
) -> Value {
    cluster_object(
        cluster,
        fleet,
        &json!({
            "infrastructureRef": infrastructure,
            "controlPlaneRef": control_plane,
        }),
    )
}

/// The Cluster stamped from a `ClusterClass`: version, the Fleet's mapped facts as variables,
/// and one machine pool per node pool (its instance type as a per-pool variable override when
/// the class takes one).
pub(crate) fn topology(cluster: &Cluster, fleet: &Fleet, class: &ClusterClassRef) -> Value {
    let mut class_ref = json!({"name": class.name});
    if let Some(namespace) = &class.namespace {
        class_ref["namespace"] = json!(namespace);
    }
    let mut topology = Map::new();
    topology.insert("classRef".into(), class_ref);
    topology.insert("version".into(), json!(version(cluster)));
    let mut variables: Vec<(&str, Value)> = class
        .variables
        .iter()
        .map(|(fact, name)| (name.as_str(), facts::value(*fact, cluster, fleet)))
        .collect();
    variables.sort_by(|a, b| a.0.cmp(b.0));
    if !variables.is_empty() {
        topology.insert(
            "variables".into(),
            variables
                .into_iter()
                .map(|(name, value)| json!({"name": name, "value": value}))
                .collect(),
        );
    }
    if !cluster.node_pools.is_empty() {
        let pools: Vec<Value> = cluster
            .node_pools
            .iter()
            .map(|pool| {
                let mut mp = json!({
                    "class": class.machine_pool_class,
                    "name": pool.name,
                    "replicas": pool.replicas(),
                });
                if let Some(variable) = &class.instance_type_variable {
                    mp["variables"] =
                        json!({"overrides": [{"name": variable, "value": pool.instance_type}]});
                }
                mp
            })
            .collect();
        topology.insert("workers".into(), json!({"machinePools": pools}));
    }
    cluster_object(cluster, fleet, &json!({"topology": topology}))
}

/// The `MachinePool` of one node pool; its nodes need no bootstrap data (the cloud manages
/// them), hence `dataSecretName: ""`.
pub(crate) fn machine_pool(
    cluster: &Cluster,
    fleet: &Fleet,
    pool: &NodePool,
    infrastructure: &Value,
) -> Value {
    let mut meta = metadata(fleet, &pool_name(cluster, pool));
    if pool.min_size != pool.max_size {
        meta["annotations"] = json!({REPLICAS_MANAGED_BY: "external-autoscaler"});
    }
    let mut template_spec = json!({
        "clusterName": cluster.name,
        "bootstrap": {"dataSecretName": ""},
        "infrastructureRef": infrastructure,
    });
    if let Some(v) = version(cluster) {
        template_spec["version"] = json!(v);
    }
    json!({
        "apiVersion": "cluster.x-k8s.io/v1beta2",
        "kind": "MachinePool",
        "metadata": meta,
        "spec": {
            "clusterName": cluster.name,
            "replicas": pool.replicas(),
            "template": {"spec": template_spec},
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::provisioning;
    use crate::test_fleet::fleet;
    use serde_json::json;

    #[test]
    fn topology_replaces_the_provider_objects() {
        let fleet = fleet(
            "  capi:
    namespace: fleet-clusters
    clusterClasses:
      aws:
        name: eks-v1
        namespace: classes
        variables: {name: eksClusterName, region: region, vpcId: vpc}
        instanceTypeVariable: instanceType",
            "apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {name: eks-1}
spec:
  provider: aws
  region: eu-west-1
  hub: hub-eu
  kubernetesVersion: \"1.33\"
  provisioner: capi
  aws: {vpcId: vpc-0abc}
  nodePools: [{name: general, instanceType: m6i.large, minSize: 2, maxSize: 5}]
  connection: {capi: {secretStore: capi-hub}}",
        );
        let docs = provisioning(&fleet.clusters[0], &fleet).expect("a CAPI cluster");
        assert_eq!(docs.len(), 1);
        assert_eq!(
            docs[0]["spec"],
            json!({"topology": {
                "classRef": {"name": "eks-v1", "namespace": "classes"},
                "version": "v1.33",
                "variables": [
                    {"name": "eksClusterName", "value": "eks-1"},
                    {"name": "region", "value": "eu-west-1"},
                    {"name": "vpc", "value": "vpc-0abc"},
                ],
                "workers": {"machinePools": [{
                    "class": "default-worker", "name": "general", "replicas": 2,
                    "variables": {"overrides": [{"name": "instanceType", "value": "m6i.large"}]},
                }]},
            }})
        );
        assert_eq!(docs[0]["metadata"]["namespace"], "fleet-clusters");
    }
}
