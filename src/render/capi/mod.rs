//! Cluster API objects for clusters with `provisioner: capi`, into
//! `out/hubs/<hub>/provisioning/<cluster>.yaml`: a `cluster.x-k8s.io/v1beta2` Cluster and its
//! provider's objects (CAPA `AWSManaged*`, CAPZ `AzureASOManaged*`, CAPG `GCPManaged*`, the
//! vcluster provider's `VCluster`), with core `MachinePool`s for node pools; or, when the Fleet
//! names a `ClusterClass` for the cloud, the Cluster alone with `spec.topology`.
//!
//! Every object lives in the Fleet's `spec.capi.namespace` on the hub; the CAPI cluster is named
//! like the fleet cluster, so CAPI's `<cluster>-kubeconfig` Secret is the one a `capi` connection
//! reads.

mod aws;
mod azure;
mod cluster;
mod gcp;
mod vcluster;

use serde_json::{Value, json};

use crate::model::{Cluster, Fleet, NodePool, Provider, Provisioner};

/// The API group of infrastructure providers' kinds.
pub(crate) const INFRASTRUCTURE_GROUP: &str = "infrastructure.cluster.x-k8s.io";

/// The API group of control plane providers' kinds.
pub(crate) const CONTROL_PLANE_GROUP: &str = "controlplane.cluster.x-k8s.io";

/// What a provider renders for one cluster: its infrastructure and control plane objects, and
/// one infrastructure machine pool per node pool.
pub(crate) struct ProviderObjects {
    /// The Cluster's `infrastructureRef`.
    pub(crate) infrastructure: Value,
    /// The Cluster's `controlPlaneRef`.
    pub(crate) control_plane: Value,
    /// The objects those refer to, in that order (one, for a vcluster).
    pub(crate) documents: Vec<Value>,
    /// Per node pool: the reference for its `MachinePool` and the object itself.
    pub(crate) pools: Vec<(Value, Value)>,
}

/// A v1beta2 object reference: `{apiGroup, kind, name}` (no apiVersion, no namespace).
pub(crate) fn object_ref(api_group: &str, kind: &str, name: &str) -> Value {
    json!({"apiGroup": api_group, "kind": kind, "name": name})
}

/// A provider's node-pool object in the CAPI namespace, with the reference its `MachinePool`
/// uses: (reference, object).
pub(crate) fn pool_object(
    fleet: &Fleet,
    api_version: &str,
    kind: &str,
    name: &str,
    spec: Value,
) -> (Value, Value) {
    let mut object = json!({
        "apiVersion": api_version,
        "kind": kind,
        "metadata": metadata(fleet, name),
    });
    object["spec"] = spec;
    (object_ref(INFRASTRUCTURE_GROUP, kind, name), object)
}

/// `metadata` of an object in the CAPI namespace.
pub(crate) fn metadata(fleet: &Fleet, name: &str) -> Value {
    json!({"name": name, "namespace": fleet.capi.namespace})
}

/// The Kubernetes version as CAPI and its providers write it (`v1.33`), if declared.
pub(crate) fn version(cluster: &Cluster) -> Option<String> {
    cluster.kubernetes_version.as_ref().map(|v| format!("v{v}"))
}

/// The name of a node pool's `MachinePool` and provider pool object.
pub(crate) fn pool_name(cluster: &Cluster, pool: &NodePool) -> String {
    format!("{}-{}", cluster.name, pool.name)
}

/// Whether Cluster API provisions this cluster (and so it has a provisioning file).
pub(crate) fn provisions(cluster: &Cluster) -> bool {
    cluster.provisioner == Provisioner::Capi && cluster.provider != Provider::Onprem
}

/// The objects of a CAPI cluster, or `None` when Cluster API does not provision it.
pub(crate) fn provisioning(cluster: &Cluster, fleet: &Fleet) -> Option<Vec<Value>> {
    if !provisions(cluster) {
        return None;
    }
    if let Some(class) = fleet.capi.cluster_classes.get(&cluster.provider) {
        return Some(vec![cluster::topology(cluster, fleet, class)]);
    }
    let objects = match cluster.provider {
        Provider::Aws => aws::objects(cluster, fleet),
        Provider::Gcp => gcp::objects(cluster, fleet),
        Provider::Azure => azure::objects(cluster, fleet),
        Provider::Vcluster => vcluster::objects(cluster, fleet),
        Provider::Onprem => return None,
    };
    let mut documents = vec![cluster::with_refs(
        cluster,
        fleet,
        &objects.infrastructure,
        &objects.control_plane,
    )];
    documents.extend(objects.documents);
    for ((pool_ref, pool_object), pool) in objects.pools.into_iter().zip(&cluster.node_pools) {
        documents.push(cluster::machine_pool(cluster, fleet, pool, &pool_ref));
        documents.push(pool_object);
    }
    Some(documents)
}
