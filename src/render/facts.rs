//! The value of each declaration fact (`model::Fact`) for one cluster: what a Terraform module
//! input or a `ClusterClass` variable is given. Node pools take the shape of the cloud's usual
//! Terraform module, so that the Fleet only maps names:
//!
//! - aws (terraform-aws-modules/eks `eks_managed_node_groups`): a map by pool name of
//!   `{instance_types, min_size, max_size, desired_size, labels}`;
//! - gcp (terraform-google-modules/kubernetes-engine `node_pools`): a list of
//!   `{name, machine_type, min_count, max_count, initial_node_count}` (labels go through
//!   `nodePoolLabels`, the module's `node_pools_labels`);
//! - azure (Azure/avm-res-containerservice-managedcluster `default_agent_pool`, `agent_pools`):
//!   `{name, vm_size, auto_scaling_enabled, min_count, max_count, count_of, node_labels}`, by name;
//! - onprem: a map by pool name of `{instance_type, min_size, max_size, desired_size, labels}`.

use serde_json::{Map, Value, json};

use crate::model::{Cluster, Connection, Fact, Fleet, NodePool, Provider};

/// The fact's value; `Null` where the cluster lacks it (validation reports every mapped fact a
/// cluster lacks, so a valid fleet never renders one).
pub(crate) fn value(fact: Fact, cluster: &Cluster, fleet: &Fleet) -> Value {
    let opt = |s: Option<&String>| s.map_or(Value::Null, |s| json!(s));
    let aws = cluster.aws.as_ref();
    let gcp = cluster.gcp.as_ref();
    let azure = cluster.azure.as_ref();
    match fact {
        Fact::Name => json!(cluster.name),
        Fact::KubernetesVersion => opt(cluster.kubernetes_version.as_ref()),
        Fact::Region => opt(cluster.region.as_ref()),
        Fact::Environment => opt(cluster.environment.as_ref()),
        Fact::Labels => json!(cluster.placement_labels),
        Fact::NodePools => pools(cluster, &cluster.node_pools),
        Fact::DefaultNodePool => cluster
            .node_pools
            .first()
            .map_or(Value::Null, |p| pool(cluster.provider, p)),
        Fact::AdditionalNodePools => by_name(cluster.provider, cluster.node_pools.iter().skip(1)),
        Fact::NodePoolLabels => json!(
            cluster
                .node_pools
                .iter()
                .map(|p| (p.name.clone(), json!(p.labels)))
                .collect::<Map<String, Value>>()
        ),
        Fact::ConnectionKey => connection_key(cluster, fleet).map_or(Value::Null, Value::String),
        Fact::Metadata => json!({
            "name": cluster.name,
            "provider": cluster.provider.as_str(),
            "region": cluster.region,
            "environment": cluster.environment,
            "labels": cluster.placement_labels,
        }),
        Fact::AccountId => opt(aws.and_then(|a| a.account_id.as_ref())),
        Fact::VpcId => opt(aws.and_then(|a| a.vpc_id.as_ref())),
        Fact::SubnetIds => aws.map_or(Value::Null, |a| json!(a.subnet_ids)),
        Fact::RoleName => opt(aws.and_then(|a| a.role_name.as_ref())),
        Fact::Project => gcp.map_or(Value::Null, |g| json!(g.project)),
        Fact::Network => opt(gcp.and_then(|g| g.network.as_ref())),
        Fact::Subnetwork => opt(gcp.and_then(|g| g.subnetwork.as_ref())),
        Fact::PodsRange => opt(gcp.and_then(|g| g.pods_range.as_ref())),
        Fact::ServicesRange => opt(gcp.and_then(|g| g.services_range.as_ref())),
        Fact::SubscriptionId => azure.map_or(Value::Null, |a| json!(a.subscription_id)),
        Fact::ResourceGroup => azure.map_or(Value::Null, |a| json!(a.resource_group)),
        Fact::ResourceGroupId => azure.map_or(Value::Null, |a| json!(a.resource_group_id())),
    }
}

/// The key the cluster's `ExternalSecret` reads its connection from: the same function the
/// `ExternalSecret` uses, so the two agree by construction.
pub(crate) fn connection_key(cluster: &Cluster, fleet: &Fleet) -> Option<String> {
    let Connection::SecretStore(store_ref) = &cluster.connection else {
        return None;
    };
    let store = fleet.secret_store(&store_ref.name)?;
    Some(store.key_for(&cluster.name, store_ref.key.as_deref()))
}

/// Every pool: a list on gcp, a map by name elsewhere.
fn pools(cluster: &Cluster, pools: &[NodePool]) -> Value {
    if cluster.provider == Provider::Gcp {
        json!(
            pools
                .iter()
                .map(|p| pool(cluster.provider, p))
                .collect::<Vec<_>>()
        )
    } else {
        by_name(cluster.provider, pools.iter())
    }
}

fn by_name<'a>(provider: Provider, pools: impl Iterator<Item = &'a NodePool>) -> Value {
    Value::Object(pools.map(|p| (p.name.clone(), pool(provider, p))).collect())
}

/// One pool in the shape of the cloud's module.
fn pool(provider: Provider, p: &NodePool) -> Value {
    match provider {
        Provider::Aws => json!({
            "instance_types": [p.instance_type],
            "min_size": p.min_size,
            "max_size": p.max_size,
            "desired_size": p.replicas(),
            "labels": p.labels,
        }),
        Provider::Gcp => json!({
            "name": p.name,
            "machine_type": p.instance_type,
            "min_count": p.min_size,
            "max_count": p.max_size,
            "initial_node_count": p.replicas(),
        }),
        Provider::Azure => json!({
            "name": p.name,
            "vm_size": p.instance_type,
            "auto_scaling_enabled": p.min_size != p.max_size,
            "min_count": p.min_size,
            "max_count": p.max_size,
            "count_of": p.replicas(),
            "node_labels": p.labels,
        }),
        Provider::Onprem | Provider::Vcluster => json!({
            "instance_type": p.instance_type,
            "min_size": p.min_size,
            "max_size": p.max_size,
            "desired_size": p.replicas(),
            "labels": p.labels,
        }),
    }
}
