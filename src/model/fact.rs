//! The facts of a cluster declaration that a Terraform module input or a `ClusterClass`
//! variable can be given. The Fleet maps each fact it wants passed to the name the module or class
//! uses (`spec.terraform.modules.<cloud>.inputs`, `spec.capi.clusterClasses.<cloud>.variables`),
//! because every team's module differs.

use serde::Deserialize;

use super::{Cluster, Provider};

/// One fact. The YAML names are camelCase (`kubernetesVersion`, `vpcId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Fact {
    /// The cluster name.
    Name,
    KubernetesVersion,
    Region,
    Environment,
    /// The placement labels (a string map).
    Labels,
    /// Every node pool, in the shape of the cloud's usual module (see the fleet format docs).
    NodePools,
    /// The first node pool alone (e.g. AKS's default/system pool).
    DefaultNodePool,
    /// The node pools after the first, by name.
    AdditionalNodePools,
    /// Each node pool's Kubernetes labels, by pool name.
    NodePoolLabels,
    /// The secrets-manager key the cluster's `ExternalSecret` reads its connection from.
    ConnectionKey,
    /// `{name, provider, region, environment, labels}` of the cluster.
    Metadata,
    AccountId,
    VpcId,
    SubnetIds,
    RoleName,
    Project,
    Network,
    Subnetwork,
    PodsRange,
    ServicesRange,
    SubscriptionId,
    ResourceGroup,
    /// `/subscriptions/<subscriptionId>/resourceGroups/<resourceGroup>`.
    ResourceGroupId,
}

impl Fact {
    /// The YAML name.
    pub fn as_str(self) -> &'static str {
        match self {
            Fact::Name => "name",
            Fact::KubernetesVersion => "kubernetesVersion",
            Fact::Region => "region",
            Fact::Environment => "environment",
            Fact::Labels => "labels",
            Fact::NodePools => "nodePools",
            Fact::DefaultNodePool => "defaultNodePool",
            Fact::AdditionalNodePools => "additionalNodePools",
            Fact::NodePoolLabels => "nodePoolLabels",
            Fact::ConnectionKey => "connectionKey",
            Fact::Metadata => "metadata",
            Fact::AccountId => "accountId",
            Fact::VpcId => "vpcId",
            Fact::SubnetIds => "subnetIds",
            Fact::RoleName => "roleName",
            Fact::Project => "project",
            Fact::Network => "network",
            Fact::Subnetwork => "subnetwork",
            Fact::PodsRange => "podsRange",
            Fact::ServicesRange => "servicesRange",
            Fact::SubscriptionId => "subscriptionId",
            Fact::ResourceGroup => "resourceGroup",
            Fact::ResourceGroupId => "resourceGroupId",
        }
    }

    /// The cloud whose block holds this fact, or `None` for facts every cluster has.
    pub fn cloud(self) -> Option<Provider> {
        match self {
            Fact::AccountId | Fact::VpcId | Fact::SubnetIds | Fact::RoleName => Some(Provider::Aws),
            Fact::Project
            | Fact::Network
            | Fact::Subnetwork
            | Fact::PodsRange
            | Fact::ServicesRange => Some(Provider::Gcp),
            Fact::SubscriptionId | Fact::ResourceGroup | Fact::ResourceGroupId => {
                Some(Provider::Azure)
            }
            _ => None,
        }
    }

    /// The Terraform type of a root-module variable holding this fact.
    pub fn terraform_type(self) -> &'static str {
        match self {
            Fact::Labels => "map(string)",
            Fact::NodePoolLabels => "map(map(string))",
            Fact::SubnetIds => "list(string)",
            Fact::NodePools | Fact::DefaultNodePool | Fact::AdditionalNodePools => "any",
            Fact::Metadata => {
                "object({name = string, provider = string, region = string, environment = string, labels = map(string)})"
            }
            _ => "string",
        }
    }

    /// The cluster field a cluster must set for this fact to have a value, as a JSON pointer
    /// (`/spec/aws/vpcId`), or `None` when it has one (or the fact is checked elsewhere).
    pub fn missing(self, cluster: &Cluster) -> Option<&'static str> {
        let aws = cluster.aws.as_ref();
        let gcp = cluster.gcp.as_ref();
        let absent = match self {
            Fact::Name
            | Fact::Labels
            | Fact::NodePools
            | Fact::AdditionalNodePools
            | Fact::NodePoolLabels
            | Fact::Metadata
            | Fact::ConnectionKey => false,
            Fact::KubernetesVersion => cluster.kubernetes_version.is_none(),
            Fact::Region => cluster.region.is_none(),
            Fact::Environment => cluster.environment.is_none(),
            Fact::DefaultNodePool => cluster.node_pools.is_empty(),
            Fact::AccountId => aws.and_then(|a| a.account_id.as_ref()).is_none(),
            Fact::VpcId => aws.and_then(|a| a.vpc_id.as_ref()).is_none(),
            Fact::SubnetIds => aws.is_none_or(|a| a.subnet_ids.is_empty()),
            Fact::RoleName => aws.and_then(|a| a.role_name.as_ref()).is_none(),
            Fact::Project => gcp.is_none(),
            Fact::Network => gcp.and_then(|g| g.network.as_ref()).is_none(),
            Fact::Subnetwork => gcp.and_then(|g| g.subnetwork.as_ref()).is_none(),
            Fact::PodsRange => gcp.and_then(|g| g.pods_range.as_ref()).is_none(),
            Fact::ServicesRange => gcp.and_then(|g| g.services_range.as_ref()).is_none(),
            Fact::SubscriptionId | Fact::ResourceGroup | Fact::ResourceGroupId => {
                cluster.azure.is_none()
            }
        };
        absent.then(|| self.field())
    }

    /// Where a cluster sets this fact.
    fn field(self) -> &'static str {
        match self {
            Fact::Name => "/metadata/name",
            Fact::KubernetesVersion => "/spec/kubernetesVersion",
            Fact::Region => "/spec/region",
            Fact::Environment => "/spec/environment",
            Fact::Labels => "/metadata/labels",
            Fact::NodePools
            | Fact::DefaultNodePool
            | Fact::AdditionalNodePools
            | Fact::NodePoolLabels => "/spec/nodePools",
            Fact::ConnectionKey => "/spec/connection/secretStore",
            Fact::Metadata => "/metadata",
            Fact::AccountId => "/spec/aws/accountId",
            Fact::VpcId => "/spec/aws/vpcId",
            Fact::SubnetIds => "/spec/aws/subnetIds",
            Fact::RoleName => "/spec/aws/roleName",
            Fact::Project => "/spec/gcp/project",
            Fact::Network => "/spec/gcp/network",
            Fact::Subnetwork => "/spec/gcp/subnetwork",
            Fact::PodsRange => "/spec/gcp/podsRange",
            Fact::ServicesRange => "/spec/gcp/servicesRange",
            Fact::SubscriptionId => "/spec/azure/subscriptionId",
            Fact::ResourceGroup | Fact::ResourceGroupId => "/spec/azure/resourceGroup",
        }
    }

    /// Whether this fact describes a single value a `ClusterClass` variable can take (node
    /// pools and the Terraform-only connection facts cannot).
    pub fn is_cluster_variable(self) -> bool {
        !matches!(
            self,
            Fact::NodePools
                | Fact::DefaultNodePool
                | Fact::AdditionalNodePools
                | Fact::NodePoolLabels
                | Fact::ConnectionKey
        )
    }
}
