//! The Fleet document, typed: [`Fleet`], which holds the whole validated fleet (clusters and
//! apps sorted by name), and the settings of its `spec` defined here: the repo the hubs' root
//! Applications sync ([`Repo`]), [`ArgoCd`], the hubs and the ESO secret stores.

use serde::Deserialize;

use super::{App, CapiSettings, Cluster, TerraformSettings};
use crate::load::DocRef;

/// The whole validated fleet.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub name: String,
    /// The digest of the Fleet document (its hubs, stores, settings and defaults).
    pub digest: super::digest::Digest,
    /// The Fleet document.
    pub at: DocRef,
    pub repo: Option<Repo>,
    pub argocd: ArgoCd,
    pub flux: FluxSettings,
    pub hubs: Vec<Hub>,
    /// The declared label vocabulary (`spec.labels`), if any.
    pub labels:
        Option<std::collections::BTreeMap<String, super::label_vocabulary::LabelDeclaration>>,
    pub secret_stores: Vec<SecretStore>,
    pub capi: CapiSettings,
    pub terraform: TerraformSettings,
    /// Sorted by name.
    pub clusters: Vec<Cluster>,
    /// Sorted by name.
    pub apps: Vec<App>,
    /// Sorted by name.
    pub teams: Vec<super::Team>,
    /// The text of every field the fleet marks as not a credential (`metadata.notCredentials`):
    /// the screen of rendered objects passes over what looks like a secret inside them.
    pub not_credential_texts: Vec<String>,
}

impl Fleet {
    /// Whether `text` (something that looks like a secret) lies inside a field the fleet marks
    /// as not a credential.
    pub fn marked_not_credential(&self, text: &str) -> bool {
        self.not_credential_texts.iter().any(|t| t.contains(text))
    }
}

impl Fleet {
    /// The cluster with this name.
    pub fn cluster(&self, name: &str) -> Option<&Cluster> {
        self.clusters
            .binary_search_by(|c| c.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.clusters[i])
    }

    /// The app with this name.
    pub fn app(&self, name: &str) -> Option<&App> {
        self.apps
            .binary_search_by(|a| a.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.apps[i])
    }

    /// The secret store with this name.
    pub fn secret_store(&self, name: &str) -> Option<&SecretStore> {
        self.secret_stores.iter().find(|s| s.name == name)
    }

    /// The delivery engine of hub `hub` (Argo CD for a hub the Fleet does not declare).
    pub fn engine(&self, hub: &str) -> Engine {
        self.hubs
            .iter()
            .find(|h| h.name == hub)
            .map_or(Engine::Argocd, |h| h.engine)
    }

    /// The name of hub `hub`'s root Application (the one that syncs its folder of `out/`), when
    /// the Fleet says where its repo lives and so has one.
    pub fn root_application_name(&self, hub: &str) -> Option<String> {
        self.repo.as_ref().map(|_| format!("{}-{hub}", self.name))
    }
}

/// Where the fleet repo lives, for the hubs' root Applications.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Repo {
    pub url: String,
    #[serde(default = "default_revision")]
    pub target_revision: String,
    #[serde(default = "default_out")]
    pub path: String,
}

impl Repo {
    /// The path in the repository of a folder of out/ (`hubs/eu` is `out/hubs/eu`).
    pub fn path_of(&self, out_folder: &str) -> String {
        format!("{}/{out_folder}", self.path.trim_end_matches('/'))
    }
}

fn default_revision() -> String {
    "HEAD".into()
}

fn default_out() -> String {
    "out".into()
}

/// Argo CD settings shared by every hub.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArgoCd {
    #[serde(default = "default_namespace")]
    pub namespace: String,
    #[serde(default = "default_project")]
    pub project: String,
    /// The admission policy rendered per hub for its cluster Secrets, if any.
    #[serde(default)]
    pub cluster_secret_policy: Option<PolicyEngine>,
}

/// Flux settings shared by the Flux hubs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FluxSettings {
    /// The Secrets of private repositories' credentials, by URL prefix.
    #[serde(default)]
    pub source_secrets: Vec<SourceSecret>,
}

/// The Secret a Flux source of a private repository names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceSecret {
    /// A prefix of the URLs it holds the credentials of.
    pub url: String,
    pub secret_name: String,
}

impl FluxSettings {
    /// The Secret a source at `url` names: that of the longest prefix `url` starts with (the
    /// first of equal ones), as Argo CD picks a repository credential template.
    pub fn source_secret(&self, url: &str) -> Option<&str> {
        self.source_secrets
            .iter()
            .filter(|s| url.starts_with(&s.url))
            .min_by_key(|s| std::cmp::Reverse(s.url.len()))
            .map(|s| s.secret_name.as_str())
    }
}

/// The admission controller a rendered policy is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyEngine {
    Kyverno,
}

impl Default for ArgoCd {
    fn default() -> Self {
        Self {
            namespace: default_namespace(),
            project: default_project(),
            cluster_secret_policy: None,
        }
    }
}

fn default_namespace() -> String {
    "argocd".into()
}

fn default_project() -> String {
    "default".into()
}

/// An Argo CD instance (and Cluster API management cluster).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hub {
    pub name: String,
    /// What delivers apps from the hub to its clusters.
    #[serde(default)]
    pub engine: Engine,
}

/// A hub's delivery engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Argo CD: a cluster Secret per cluster and an Application per placement.
    #[default]
    Argocd,
    /// Flux on a management cluster: a kubeconfig reference per cluster and a `Kustomization`
    /// or `HelmRelease` per placement.
    Flux,
}

/// Which secrets manager a store reads from; it decides how keys are sanitised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreProvider {
    Aws,
    Vault,
    Gcp,
    Azure,
    /// ESO's Kubernetes provider: Secrets in a namespace of the hub (CAPI kubeconfigs).
    Kubernetes,
}

impl StoreProvider {
    /// The name used in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreProvider::Aws => "aws",
            StoreProvider::Vault => "vault",
            StoreProvider::Gcp => "gcp",
            StoreProvider::Azure => "azure",
            StoreProvider::Kubernetes => "kubernetes",
        }
    }
}

/// The kind of the ESO store object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum StoreKind {
    #[default]
    ClusterSecretStore,
    SecretStore,
}

impl StoreKind {
    /// The Kubernetes kind string.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::ClusterSecretStore => "ClusterSecretStore",
            StoreKind::SecretStore => "SecretStore",
        }
    }
}

/// An ESO store that holds cluster connections.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretStore {
    pub name: String,
    pub provider: StoreProvider,
    #[serde(default)]
    store_name: Option<String>,
    #[serde(default)]
    pub kind: StoreKind,
    #[serde(default)]
    key_prefix: Option<String>,
    #[serde(default = "default_refresh")]
    pub refresh_interval: String,
}

fn default_refresh() -> String {
    "1h".into()
}

impl SecretStore {
    /// The store object's `metadata.name` on the hub.
    pub fn store_name(&self) -> &str {
        self.store_name.as_deref().unwrap_or(&self.name)
    }

    /// The prefix of the keys cluster connections are stored under.
    pub fn key_prefix(&self) -> &str {
        match (&self.key_prefix, self.provider) {
            (Some(prefix), _) => prefix,
            (None, StoreProvider::Aws | StoreProvider::Vault) => "argocd/clusters/",
            (None, StoreProvider::Gcp | StoreProvider::Azure | StoreProvider::Kubernetes) => {
                "argocd-cluster-"
            }
        }
    }
}
