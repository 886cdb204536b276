//! EKS through CAPA (v1beta2): an `AWSManagedControlPlane` with an explicit `eksClusterName`
//! (else CAPA derives `<namespace>_<name>`, and Argo CD's `awsAuthConfig` could not name it), a
//! pass-through `AWSManagedCluster`, and one `AWSManagedMachinePool` (an EKS managed node group)
//! per node pool.

use serde_json::{Value, json};

use super::{
    CONTROL_PLANE_GROUP, INFRASTRUCTURE_GROUP, ProviderObjects, metadata, object_ref, pool_name,
    pool_object, version,
};
use crate::model::{Cluster, Fleet};

const API_VERSION_INFRA: &str = "infrastructure.cluster.x-k8s.io/v1beta2";
const API_VERSION_CONTROL_PLANE: &str = "controlplane.cluster.x-k8s.io/v1beta2";

pub(crate) fn objects(cluster: &Cluster, fleet: &Fleet) -> ProviderObjects {
    let control_plane_name = format!("{}-control-plane", cluster.name);
    let mut spec = json!({
        "eksClusterName": cluster.name,
        "region": cluster.region,
    });
    if let Some(v) = version(cluster) {
        spec["version"] = json!(v);
    }
    if let Some(aws) = &cluster.aws {
        if let Some(role) = &aws.role_name {
            spec["roleName"] = json!(role);
        }
        if let Some(identity) = &aws.identity_ref {
            spec["identityRef"] = json!({"kind": identity.kind, "name": identity.name});
        }
        let mut network = serde_json::Map::new();
        if let Some(vpc) = &aws.vpc_id {
            network.insert("vpc".into(), json!({"id": vpc}));
        }
        if !aws.subnet_ids.is_empty() {
            let subnets: Vec<Value> = aws.subnet_ids.iter().map(|id| json!({"id": id})).collect();
            network.insert("subnets".into(), json!(subnets));
        }
        if !network.is_empty() {
            spec["network"] = Value::Object(network);
        }
    }
    let control_plane = json!({
        "apiVersion": API_VERSION_CONTROL_PLANE,
        "kind": "AWSManagedControlPlane",
        "metadata": metadata(fleet, &control_plane_name),
        "spec": spec,
    });
    let infrastructure = json!({
        "apiVersion": API_VERSION_INFRA,
        "kind": "AWSManagedCluster",
        "metadata": metadata(fleet, &cluster.name),
        "spec": {},
    });
    let pools = cluster
        .node_pools
        .iter()
        .map(|pool| {
            let name = pool_name(cluster, pool);
            let mut spec = json!({
                "eksNodegroupName": pool.name,
                "instanceType": pool.instance_type,
                "scaling": {"minSize": pool.min_size, "maxSize": pool.max_size},
            });
            if !pool.labels.is_empty() {
                spec["labels"] = json!(pool.labels);
            }
            pool_object(
                fleet,
                API_VERSION_INFRA,
                "AWSManagedMachinePool",
                &name,
                spec,
            )
        })
        .collect();
    ProviderObjects {
        infrastructure: object_ref(INFRASTRUCTURE_GROUP, "AWSManagedCluster", &cluster.name),
        control_plane: object_ref(
            CONTROL_PLANE_GROUP,
            "AWSManagedControlPlane",
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
    fn eks_names_its_cluster_and_node_groups() {
        let fleet = fleet(
            "",
            "apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {name: eks-1}
spec:
  provider: aws
  region: eu-west-1
  hub: hub-eu
  kubernetesVersion: \"1.33\"
  provisioner: capi
  aws: {vpcId: vpc-0abc, subnetIds: [subnet-01, subnet-02], roleName: eks-cp}
  nodePools: [{name: general, instanceType: m6i.large, minSize: 2, maxSize: 2, labels: {pool: general}}]
  connection: {capi: {secretStore: capi-hub}}",
        );
        let docs = provisioning(&fleet.clusters[0], &fleet).expect("a CAPI cluster");
        let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            [
                "Cluster",
                "AWSManagedCluster",
                "AWSManagedControlPlane",
                "MachinePool",
                "AWSManagedMachinePool"
            ]
        );
        assert_eq!(
            docs[0]["spec"]["controlPlaneRef"],
            json!({"apiGroup": "controlplane.cluster.x-k8s.io", "kind": "AWSManagedControlPlane", "name": "eks-1-control-plane"})
        );
        assert_eq!(
            docs[2]["spec"],
            json!({
                "eksClusterName": "eks-1", "region": "eu-west-1", "version": "v1.33", "roleName": "eks-cp",
                "network": {"vpc": {"id": "vpc-0abc"}, "subnets": [{"id": "subnet-01"}, {"id": "subnet-02"}]},
            })
        );
        assert_eq!(
            docs[3]["spec"]["template"]["spec"]["bootstrap"],
            json!({"dataSecretName": ""})
        );
        assert_eq!(docs[3]["metadata"].get("annotations"), None);
        assert_eq!(
            docs[4]["spec"],
            json!({"eksNodegroupName": "general", "instanceType": "m6i.large",
                   "scaling": {"minSize": 2, "maxSize": 2}, "labels": {"pool": "general"}})
        );
    }
}
