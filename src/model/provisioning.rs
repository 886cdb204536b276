//! How a cluster is provisioned, and the facts provisioning needs: node pools and one block of
//! facts per cloud. Terraform inputs and Cluster API objects are both rendered from these, so the
//! two provisioners read the same declaration.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// What creates the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provisioner {
    /// Something outside the fleet (fleetc only registers the cluster with its hub).
    #[default]
    None,
    /// A Terraform/OpenTofu root module in `out/terraform/<cluster>/`.
    Terraform,
    /// Cluster API objects in `out/hubs/<hub>/provisioning/<cluster>.yaml`.
    Capi,
}

impl Provisioner {
    /// The name used in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            Provisioner::None => "none",
            Provisioner::Terraform => "terraform",
            Provisioner::Capi => "capi",
        }
    }
}

/// A group of worker nodes of one instance type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodePool {
    pub name: String,
    /// EC2 instance type (aws), GCE machine type (gcp), Azure VM size (azure).
    pub instance_type: String,
    pub min_size: u32,
    pub max_size: u32,
    #[serde(default)]
    pub desired_size: Option<u32>,
    /// Kubernetes labels of the pool's nodes.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl NodePool {
    /// How many nodes the pool starts with: `desiredSize`, else `minSize`.
    pub fn replicas(&self) -> u32 {
        self.desired_size.unwrap_or(self.min_size)
    }
}

/// AWS facts (`spec.aws`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsFacts {
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// IAM role of the EKS control plane.
    #[serde(default)]
    pub role_name: Option<String>,
    /// The CAPA identity that provisions the cluster.
    #[serde(default)]
    pub identity_ref: Option<AwsIdentityRef>,
}

/// A CAPA cluster identity.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsIdentityRef {
    pub kind: String,
    pub name: String,
}

/// GCP facts (`spec.gcp`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GcpFacts {
    pub project: String,
    #[serde(default)]
    pub network: Option<String>,
    #[serde(default)]
    pub subnetwork: Option<String>,
    /// Name of the subnetwork's secondary range for pods.
    #[serde(default)]
    pub pods_range: Option<String>,
    /// Name of the subnetwork's secondary range for services.
    #[serde(default)]
    pub services_range: Option<String>,
}

/// Azure facts (`spec.azure`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AzureFacts {
    pub subscription_id: String,
    pub resource_group: String,
    /// Name of the Azure Service Operator credential Secret (in the CAPI namespace) that CAPZ's
    /// ASO resources are created with; without it ASO uses its global credential.
    #[serde(default)]
    pub aso_credential_secret: Option<String>,
}

impl AzureFacts {
    /// The Azure resource ID of the resource group.
    pub fn resource_group_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}",
            self.subscription_id, self.resource_group
        )
    }
}

/// vcluster facts (`spec.vcluster`); the host cluster is the hub.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VclusterFacts {
    /// Version of the vcluster Helm chart; default: the provider's choice (the latest).
    #[serde(default)]
    pub chart_version: Option<String>,
    /// vcluster.yaml values, passed to the chart.
    #[serde(default)]
    pub values: Option<Value>,
}
