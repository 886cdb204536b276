//! The typed fleet: what the validate stage produces and every later stage reads. Input
//! documents are checked against the JSON Schemas first, so these types describe valid data;
//! clusters are already merged with their template and the Fleet defaults.

mod app;
mod capi;
mod cluster;
pub mod credential;
mod deep_merge;
pub mod digest;
mod fact;
mod fleet;
pub mod label_vocabulary;
pub mod portable_text;
mod provisioning;
mod secret_key;
mod source_kind;
mod team;
mod terraform;

pub use app::{
    APPLICATION_FIELDS, App, DEFAULT_PROJECT, LayerOrigin, Override, PlacementRule, STAGE_LABEL,
    STAGE_OWN_KEYS, Spread, Stage,
};
pub use capi::{CapiSettings, ClusterClassRef};
pub use cluster::{
    AksConnection, CapiConnection, Cluster, ClusterArgoCd, ClusterOrigin, Connection,
    EksConnection, GkeConnection, Provider, SecretStoreRef,
};
pub use deep_merge::{deep_merge, deep_merge_owned};
pub use fact::Fact;
pub use fleet::{
    ArgoCd, Engine, Fleet, FluxSettings, Hub, PolicyEngine, Repo, SecretStore, SourceSecret,
    StoreKind, StoreProvider,
};
pub use provisioning::{
    AwsFacts, AwsIdentityRef, AzureFacts, GcpFacts, NodePool, Provisioner, VclusterFacts,
};
pub use secret_key::{key_problem, sanitize_key};
pub use source_kind::{SourceKind, TOOL_KEYS, ValuesTarget, values_target};
pub use team::{
    Access, Team, TeamNamespace, TeamRole, UNSUPPORTED_GLOB, namespaces_application_name,
};
pub use terraform::{TerraformModule, TerraformSettings};

/// The placement labels fleetc derives from cluster fields, each only when the field is set.
pub const BUILTIN_LABELS: [&str; 4] = ["provider", "region", "environment", "hub"];

/// The label that makes a Secret an Argo CD cluster Secret.
pub const SECRET_TYPE_LABEL: &str = "argocd.argoproj.io/secret-type";

/// The prefix of the labels fleetc writes onto Applications (`fleetc.dev/app`, …).
pub const FLEETC_LABEL_PREFIX: &str = "fleetc.dev/";

/// Whether a string holds template syntax (`{{ … }}`, `{% … %}` or `{# … #}`): where fleetc
/// evaluates templates, such a string is one.
pub fn is_templated(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

/// The apiVersion of every fleetc document.
pub const API_VERSION: &str = "fleetc.dev/v1alpha1";

/// The kinds of fleet documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Fleet,
    ClusterTemplate,
    Cluster,
    App,
    Team,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 5] = [
        Kind::Fleet,
        Kind::ClusterTemplate,
        Kind::Cluster,
        Kind::App,
        Kind::Team,
    ];

    /// The `kind:` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Fleet => "Fleet",
            Kind::ClusterTemplate => "ClusterTemplate",
            Kind::Cluster => "Cluster",
            Kind::App => "App",
            Kind::Team => "Team",
        }
    }

    /// The kind named by a `kind:` string, exactly.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
