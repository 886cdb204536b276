//! One Argo CD Application per placement: the app's source with the placement's Helm values,
//! destination by cluster name, in the hub's Argo CD namespace. Written once per app as a
//! [program](super::program) whose slots each placement fills.

use serde::Serialize;
use serde_json::{Map, Value};

use std::collections::BTreeMap;

use super::yaml::Slot;
use crate::emit::ObjectId;
use crate::model::{App, Fleet};
use crate::place::Placement;

/// The finalizer that makes Argo CD delete an Application's resources with it, as
/// `ApplicationSets` do by default.
pub const RESOURCES_FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// The label naming the app an Application comes from.
pub const APP_LABEL: &str = "fleetc.dev/app";

/// The label naming the cluster an Application deploys to.
pub const CLUSTER_LABEL: &str = "fleetc.dev/cluster";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Application<'a, V> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata<'a>,
    spec: Spec<'a, V>,
}

/// An Application's metadata, borrowed from the app; the name is written per placement.
#[derive(Serialize)]
struct Metadata<'a> {
    name: Slot,
    namespace: &'a str,
    labels: Labels<'a>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    finalizers: &'static [&'static str],
}

/// The app's labels and fleetc's two, in key order.
struct Labels<'a> {
    app: &'a BTreeMap<String, String>,
    app_name: &'a str,
}

impl Serialize for Labels<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let ours = [
            (APP_LABEL, Label::Text(self.app_name)),
            (CLUSTER_LABEL, Label::Slot(Slot(CLUSTER))),
        ];
        let mut map = serializer.serialize_map(Some(self.app.len() + ours.len()))?;
        let mut theirs = self.app.iter().peekable();
        for (key, value) in ours {
            while let Some((k, v)) = theirs.next_if(|(k, _)| k.as_str() < key) {
                map.serialize_entry(k, v)?;
            }
            map.serialize_entry(key, &value)?;
        }
        for (k, v) in theirs {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One of fleetc's label values: known per app, or written per placement.
#[derive(Serialize)]
#[serde(untagged)]
enum Label<'a> {
    Text(&'a str),
    Slot(Slot),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec<'a, V> {
    project: &'a str,
    source: Source<'a, V>,
    destination: Destination<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sync_policy: Option<&'a Value>,
}

/// The app's source, with the placement's values added to its Helm options.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Source<'a, V> {
    #[serde(rename = "repoURL")]
    repo_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    chart: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_revision: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    helm: Option<Helm<'a, V>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kustomize: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    directory: Option<&'a Value>,
}

/// The declared Helm options, then `valuesObject`.
struct Helm<'a, V> {
    options: Option<&'a Map<String, Value>>,
    values: Option<V>,
}

impl<V: Serialize> Serialize for Helm<'_, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let options = self.options.into_iter().flatten();
        let len = self.options.map_or(0, Map::len) + usize::from(self.values.is_some());
        let mut map = serializer.serialize_map(Some(len))?;
        for (key, value) in options {
            map.serialize_entry(key, value)?;
        }
        if let Some(values) = &self.values {
            map.serialize_entry("valuesObject", values)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Destination<'a> {
    name: Slot,
    namespace: &'a str,
}

/// Slot [`NAME`] of an Application holds its name.
pub(super) const NAME: u32 = 0;

/// Slot [`CLUSTER`] holds its cluster's name (a label, and the destination).
pub(super) const CLUSTER: u32 = 1;

/// The Application of `app` with `values` as its Helm values, its name and cluster left as
/// slots [`NAME`] and [`CLUSTER`] (see [`Slot`]).
pub(super) fn application<'a, V>(
    fleet: &'a Fleet,
    app: &'a App,
    values: Option<V>,
) -> Application<'a, V> {
    let metadata = Metadata {
        name: Slot(NAME),
        namespace: &fleet.argocd.namespace,
        labels: Labels {
            app: &app.labels,
            app_name: &app.name,
        },
        annotations: &app.annotations,
        finalizers: if app.preserve_resources_on_deletion {
            &[]
        } else {
            &[RESOURCES_FINALIZER]
        },
    };
    let declared_helm = app.source.helm.as_ref().and_then(Value::as_object);
    let helm = (declared_helm.is_some() || values.is_some()).then_some(Helm {
        options: declared_helm,
        values,
    });
    let source = &app.source;
    Application {
        api_version: API_VERSION,
        kind: KIND,
        metadata,
        spec: Spec {
            project: &app.project,
            source: Source {
                repo_url: &source.repo_url,
                chart: source.chart.as_deref(),
                path: source.path.as_deref(),
                target_revision: source.target_revision.as_deref(),
                helm,
                kustomize: source.kustomize.as_ref(),
                directory: source.directory.as_ref(),
            },
            destination: Destination {
                name: Slot(CLUSTER),
                namespace: &app.destination_namespace,
            },
            sync_policy: app.sync_policy.as_ref(),
        },
    }
}

/// The identity of the Application of `placement`.
pub(super) fn id(fleet: &Fleet, placement: &Placement) -> ObjectId {
    ObjectId {
        api_version: API_VERSION.into(),
        kind: KIND.into(),
        namespace: Some(fleet.argocd.namespace.clone()),
        name: placement.application.clone(),
    }
}

const API_VERSION: &str = "argoproj.io/v1alpha1";
const KIND: &str = "Application";
