use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::load::DocRef;
use crate::place::selector::Selector;

/// An app and where it goes.
#[derive(Debug, Clone)]
pub struct App {
    pub name: String,
    /// The digest of the App document but its placement: equal digests render the same
    /// Applications.
    pub digest: crate::model::digest::Digest,
    pub at: DocRef,
    /// Copied onto every Application.
    pub labels: BTreeMap<String, String>,
    /// Copied onto every Application.
    pub annotations: BTreeMap<String, String>,
    pub project: String,
    pub source: AppSource,
    pub destination_namespace: String,
    /// Argo CD's syncPolicy, passed through as declared.
    pub sync_policy: Option<Value>,
    pub preserve_resources_on_deletion: bool,
    pub placement: PlacementRule,
    /// Helm values before templating (a JSON object), if any.
    pub values: Option<Value>,
    pub overrides: Vec<Override>,
    /// JSON pointers into the App document of fields marked as not credentials.
    pub not_credentials: Vec<String>,
}

/// The Argo CD source, as declared (values are added at render time).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppSource {
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_revision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kustomize: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<Value>,
}

/// Which clusters an app lands on.
#[derive(Debug, Clone)]
pub struct PlacementRule {
    /// `None` when the selector is omitted.
    pub selector: Option<Selector>,
    /// Explicit names added to what the selector matches.
    pub clusters: Vec<String>,
    /// Explicit names removed whatever else matches.
    pub exclude: Vec<String>,
}

impl PlacementRule {
    /// Whether the app lands on a cluster with this name and these placement labels: listed in
    /// `clusters` or matched by the selector (an omitted selector matches everything unless
    /// `clusters` is given), and not in `exclude`.
    pub fn matches(&self, name: &str, labels: &BTreeMap<String, String>) -> bool {
        if self.exclude.iter().any(|n| n == name) {
            return false;
        }
        if self.clusters.iter().any(|n| n == name) {
            return true;
        }
        match &self.selector {
            Some(selector) => selector.matches(labels),
            None => self.clusters.is_empty(),
        }
    }
}

/// Values that apply to the clusters a selector matches.
#[derive(Debug, Clone)]
pub struct Override {
    pub selector: Selector,
    pub values: Value,
}
