//! The Fleet's Cluster API settings (`spec.capi`): the namespace CAPI objects live in on the
//! hubs, and the `ClusterClasses` clusters of each cloud are stamped from.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Fact, Provider};

/// `spec.capi`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapiSettings {
    /// The namespace of every CAPI object on the hubs.
    #[serde(default = "default_namespace")]
    pub namespace: String,
    /// The `ClusterClass` per cloud; a cloud without one gets the provider's objects rendered.
    #[serde(default)]
    pub cluster_classes: BTreeMap<Provider, ClusterClassRef>,
}

impl Default for CapiSettings {
    fn default() -> Self {
        Self {
            namespace: default_namespace(),
            cluster_classes: BTreeMap::new(),
        }
    }
}

fn default_namespace() -> String {
    "capi-clusters".into()
}

/// A `ClusterClass` that clusters of one cloud use through `spec.topology`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterClassRef {
    pub name: String,
    /// Default: the Cluster's namespace.
    #[serde(default)]
    pub namespace: Option<String>,
    /// The class's machine pool class that node pools use.
    #[serde(default = "default_machine_pool_class")]
    pub machine_pool_class: String,
    /// Which facts the Cluster passes as which topology variables.
    #[serde(default)]
    pub variables: BTreeMap<Fact, String>,
    /// The machine pool variable that takes each node pool's `instanceType`, if any.
    #[serde(default)]
    pub instance_type_variable: Option<String>,
}

fn default_machine_pool_class() -> String {
    "default-worker".into()
}
