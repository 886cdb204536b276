//! An App as the validate stage types it ([`App`]): its Application fields and name template,
//! `vars`, Helm values and overrides, and the [`PlacementRule`] that decides which clusters it
//! lands on.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::load::{DocRef, Pointer};
use crate::selector::Selector;

/// The fields of an App's `spec` that are fields of its Applications' `spec`, in the order
/// Applications are written. An override may set each of them too.
pub const APPLICATION_FIELDS: [&str; 8] = [
    "project",
    "source",
    "sources",
    "destination",
    "syncPolicy",
    "ignoreDifferences",
    "info",
    "revisionHistoryLimit",
];

/// The Argo CD project of an app that names none.
pub const DEFAULT_PROJECT: &str = "default";

/// An app and where it goes.
#[derive(Debug, Clone)]
pub struct App {
    pub name: String,
    /// The digest of the App document but its placement: equal digests render the same
    /// Applications.
    pub digest: crate::model::digest::Digest,
    pub at: DocRef,
    /// The template of its Applications' names (a JSON string), if it does not take the
    /// default `<app>-<cluster>`.
    pub application_name: Option<Value>,
    /// The Application fields the app declares, in the shape of the App document:
    /// `metadata.labels`, `metadata.annotations`, and in `spec` the [`APPLICATION_FIELDS`] it
    /// sets. Every string in it is a template.
    pub fields: Value,
    /// Data every template of the app reads as `vars` (a JSON object), if any.
    pub vars: Option<Value>,
    pub preserve_resources_on_deletion: bool,
    pub placement: PlacementRule,
    /// Helm values before templating (a JSON object), if any.
    pub values: Option<Value>,
    /// Each stage's layer (in stage order, see [`App::stages`]), then the app's own overrides:
    /// a stage's vars, values and fields apply before any override's.
    pub overrides: Vec<Override>,
    /// The rollout stages, in order: each placement is in exactly one, whose layer applies to it
    /// and whose name its Application carries ([`STAGE_LABEL`]).
    pub stages: Vec<Stage>,
    /// JSON pointers into the App document of fields marked as not credentials.
    pub not_credentials: Vec<String>,
}

impl App {
    /// Where in the App document the Application field at `field` (a pointer into
    /// [`App::fields`], `/spec/...`) that applies on a cluster is declared: the last override
    /// (or stage) that applies there and sets it, or the app's own (a missing node is shown at
    /// its nearest ancestor).
    pub fn declared_at(
        &self,
        cluster: &str,
        labels: &BTreeMap<String, String>,
        field: &str,
    ) -> String {
        let layer = self.overrides.iter().rev().find(|o| {
            o.applies(cluster, labels)
                && o.fields
                    .as_ref()
                    .is_some_and(|f| f.pointer(field).is_some())
        });
        match layer {
            // An override's fields sit in its entry of the App document without the `spec` level.
            Some(o) => format!(
                "{}{}",
                o.origin.pointer(),
                field.strip_prefix("/spec").unwrap_or(field)
            ),
            None => field.to_owned(),
        }
    }

    /// Whether the app has Helm values, its own or an override's.
    pub fn has_values(&self) -> bool {
        self.values.is_some() || self.overrides.iter().any(|o| o.values.is_some())
    }

    /// A text field of the app's own `fields` (before overrides) that holds no template, by its
    /// JSON pointer (`/spec/destination/namespace`).
    pub fn declared(&self, pointer: &str) -> Option<&str> {
        self.fields
            .pointer(pointer)
            .and_then(Value::as_str)
            .filter(|s| !crate::model::is_templated(s))
    }
}

/// A rollout stage: a name and the clusters it holds (its layer is in [`App::overrides`]).
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: String,
    pub selector: Selector,
    /// How long the stage before it must have run a layer before this stage may take it.
    pub soak: Option<jiff::SignedDuration>,
}

impl App {
    /// The stages whose selectors match a cluster's labels (one, in a valid fleet's placement).
    pub fn stages_of<'a>(
        &'a self,
        labels: &'a BTreeMap<String, String>,
    ) -> impl Iterator<Item = (usize, &'a Stage)> + 'a {
        self.stages
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.selector.matches(labels))
    }
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
    /// A number of the selected clusters per value of a label key, instead of all of them.
    pub spread: Option<Spread>,
}

/// `placement.spread`: of the clusters the selector matches, `count` per value of the label
/// `key` (clusters without it are not chosen), those matching `prefer` first, the rest in the
/// order of a score of the app's and the cluster's names (rendezvous hashing: adding or
/// removing one cluster moves at most one placement of its group). Clusters listed in
/// `clusters` are placed whatever the spread.
#[derive(Debug, Clone)]
pub struct Spread {
    pub key: String,
    pub count: usize,
    pub prefer: Option<Selector>,
}

impl PlacementRule {
    /// Whether the placement matches a cluster with this name and these placement labels:
    /// listed in `clusters` or matched by the selector (an omitted selector matches everything
    /// unless `clusters` is given), and not in `exclude`. With a `spread`, the app lands on
    /// the listed ones and those of the matched that the spread chooses (`place::spread`).
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

/// What changes on the clusters a selector matches, or that it names: values, vars, and
/// Application fields.
#[derive(Debug, Clone)]
pub struct Override {
    /// `None` when the override names its clusters only.
    pub selector: Option<Selector>,
    /// Clusters it applies to by name, whatever their labels.
    pub clusters: Vec<String>,
    pub values: Option<Value>,
    pub vars: Option<Value>,
    /// The [`APPLICATION_FIELDS`] it sets, in the shape of [`App::fields`] (under `spec`), if
    /// any.
    pub fields: Option<Value>,
    /// Which entry of the App document it is: an override, or a stage's layer.
    pub origin: LayerOrigin,
}

/// Where a layer of [`App::overrides`] is declared: override `i` of `spec.overrides`, or the
/// layer of stage `i` of `spec.stages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerOrigin {
    Override(usize),
    Stage(usize),
}

impl LayerOrigin {
    /// The entry in the App document: `/spec/overrides/<i>` or `/spec/stages/<i>`.
    pub fn pointer(self) -> Pointer {
        match self {
            LayerOrigin::Override(i) => Pointer::parse("/spec/overrides").index(i),
            LayerOrigin::Stage(i) => Pointer::parse("/spec/stages").index(i),
        }
    }
}

/// The keys of a stage that are its own, not its layer's.
pub const STAGE_OWN_KEYS: [&str; 3] = ["name", "selector", "soak"];

/// The label every Application of a staged app carries: the name of its cluster's stage.
pub const STAGE_LABEL: &str = "fleetc.dev/stage";

impl Override {
    /// Whether the override applies to the cluster `name` with these placement labels: it is
    /// named, or its selector matches.
    pub fn applies(&self, name: &str, labels: &std::collections::BTreeMap<String, String>) -> bool {
        self.clusters.iter().any(|c| c == name)
            || self.selector.as_ref().is_some_and(|s| s.matches(labels))
    }
}
