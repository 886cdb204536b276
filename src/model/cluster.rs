//! A Cluster as the validate stage types it ([`Cluster`]): merged from the Fleet defaults, its
//! template and its own document, with its placement labels and the [`Connection`] by which the
//! hub's Argo CD reaches it (no form carries a credential).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{AwsFacts, AzureFacts, GcpFacts, NodePool, Provisioner, VclusterFacts};
use crate::load::DocRef;

/// A cluster after merging Fleet defaults < template < cluster, with its placement labels.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    /// The digest of the merged declaration: equal digests render the same.
    pub digest: super::digest::Digest,
    pub origin: ClusterOrigin,
    /// The user's labels (without the built-in keys).
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub provider: Provider,
    pub region: Option<String>,
    pub environment: Option<String>,
    pub hub: String,
    pub kubernetes_version: Option<String>,
    pub argocd: ClusterArgoCd,
    pub connection: Connection,
    pub provisioner: Provisioner,
    pub node_pools: Vec<NodePool>,
    pub aws: Option<AwsFacts>,
    pub gcp: Option<GcpFacts>,
    pub azure: Option<AzureFacts>,
    pub vcluster: Option<VclusterFacts>,
    /// When the cluster is to be gone (ephemeral clusters).
    pub expires: Option<jiff::Timestamp>,
    /// `labels` plus the built-in keys `provider`, `region`, `environment` and `hub` (each only
    /// when set): what selectors match, and what the Argo CD cluster Secret carries.
    pub placement_labels: BTreeMap<String, String>,
}

/// The documents a cluster's fields came from, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterOrigin {
    /// The Cluster document.
    pub cluster: DocRef,
    /// The `ClusterTemplate` document, if the cluster names one.
    pub template: Option<DocRef>,
    /// The Fleet document, whose `spec.defaults` apply to every cluster.
    pub fleet: DocRef,
}

/// Where a cluster runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Aws,
    Gcp,
    Azure,
    Onprem,
    Vcluster,
}

impl Provider {
    /// The name used in YAML and in the `provider` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Gcp => "gcp",
            Provider::Azure => "azure",
            Provider::Onprem => "onprem",
            Provider::Vcluster => "vcluster",
        }
    }
}

/// Optional fields of the Argo CD cluster Secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterArgoCd {
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub namespaces: Vec<String>,
    #[serde(default)]
    pub cluster_resources: Option<bool>,
    #[serde(default)]
    pub shard: Option<u32>,
}

/// How the hub's Argo CD reaches the cluster. No form carries a credential.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Connection {
    /// Server and config are read at runtime from a secret store entry, through ESO.
    SecretStore(SecretStoreRef),
    /// The hub's own cluster.
    InCluster(bool),
    /// EKS, with Argo CD's AWS identity (`awsAuthConfig`).
    Eks(EksConnection),
    /// GKE, with Workload Identity (`argocd-k8s-auth gcp`).
    Gke(GkeConnection),
    /// AKS, with Entra workload identity (`argocd-k8s-auth azure`).
    Aks(AksConnection),
    /// A Cluster API cluster: server and CA read at runtime from its `<cluster>-kubeconfig`
    /// Secret through an ESO Kubernetes-provider store; auth by cloud identity (or, for a
    /// vcluster, the kubeconfig's client certificate).
    Capi(CapiConnection),
}

impl Connection {
    /// The API server address the fleet declares, for the forms that declare one.
    pub fn server(&self) -> Option<&str> {
        match self {
            Connection::Eks(c) => Some(&c.server),
            Connection::Gke(c) => Some(&c.server),
            Connection::Aks(c) => Some(&c.server),
            _ => None,
        }
    }

    /// The YAML name of the form.
    pub fn form(&self) -> &'static str {
        match self {
            Connection::SecretStore(_) => "secretStore",
            Connection::InCluster(_) => "inCluster",
            Connection::Eks(_) => "eks",
            Connection::Gke(_) => "gke",
            Connection::Aks(_) => "aks",
            Connection::Capi(_) => "capi",
        }
    }
}

/// A secret store entry holding the connection.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretStoreRef {
    pub name: String,
    #[serde(default)]
    pub key: Option<String>,
}

/// EKS through `awsAuthConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EksConnection {
    pub server: String,
    pub ca_data: String,
    #[serde(default, rename = "roleARN")]
    pub role_arn: Option<String>,
    #[serde(default)]
    pub cluster_name: Option<String>,
}

/// GKE through `argocd-k8s-auth gcp`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GkeConnection {
    pub server: String,
    pub ca_data: String,
}

/// AKS through `argocd-k8s-auth azure`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AksConnection {
    pub server: String,
    pub ca_data: String,
    #[serde(default)]
    pub login_method: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub tenant_id: Option<String>,
}

/// A CAPI cluster's connection, read from its kubeconfig Secret on the hub.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapiConnection {
    /// A Fleet secret store with provider `kubernetes` that reads the CAPI namespace.
    pub secret_store: String,
    /// EKS: the IAM role Argo CD assumes.
    #[serde(default, rename = "roleARN")]
    pub role_arn: Option<String>,
    /// AKS: the kubelogin login method.
    #[serde(default)]
    pub login_method: Option<String>,
    /// AKS: the Entra application (client) ID.
    #[serde(default)]
    pub client_id: Option<String>,
    /// AKS: the Entra tenant ID.
    #[serde(default)]
    pub tenant_id: Option<String>,
}
