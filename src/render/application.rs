//! One Argo CD Application per placement: the app's source with the placement's Helm values,
//! destination by cluster name, in the hub's Argo CD namespace.

use serde::Serialize;
use serde_json::{Map, Value};

use super::generated_file::YamlFile;
use std::collections::BTreeMap;

use crate::emit::ObjectId;
use crate::model::{App, Cluster, Fleet};
use crate::place::{Placement, ValuesView};

/// The finalizer that makes Argo CD delete an Application's resources with it, as
/// `ApplicationSets` do by default.
pub const RESOURCES_FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// The label naming the app an Application comes from.
pub const APP_LABEL: &str = "fleetc.dev/app";

/// The label naming the cluster an Application deploys to.
pub const CLUSTER_LABEL: &str = "fleetc.dev/cluster";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Application<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata<'a>,
    spec: Spec<'a>,
}

/// An Application's metadata, borrowed from the app (written once per placement: no copies).
#[derive(Serialize)]
struct Metadata<'a> {
    name: &'a str,
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
    cluster: &'a str,
}

impl Serialize for Labels<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let ours = [(APP_LABEL, self.app_name), (CLUSTER_LABEL, self.cluster)];
        let mut map = serializer.serialize_map(Some(self.app.len() + ours.len()))?;
        let mut theirs = self.app.iter().peekable();
        for (key, value) in ours {
            while let Some((k, v)) = theirs.next_if(|(k, _)| k.as_str() < key) {
                map.serialize_entry(k, v)?;
            }
            map.serialize_entry(key, value)?;
        }
        for (k, v) in theirs {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec<'a> {
    project: &'a str,
    source: Source<'a>,
    destination: Destination<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sync_policy: Option<&'a Value>,
}

/// The app's source, with the placement's values added to its Helm options.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Source<'a> {
    #[serde(rename = "repoURL")]
    repo_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    chart: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_revision: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    helm: Option<Helm<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kustomize: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    directory: Option<&'a Value>,
}

/// The declared Helm options, then `valuesObject`.
struct Helm<'a> {
    options: Option<&'a Map<String, Value>>,
    values: Option<&'a ValuesView<'a>>,
}

impl Serialize for Helm<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let options = self.options.into_iter().flatten();
        let len = self.options.map_or(0, Map::len) + usize::from(self.values.is_some());
        let mut map = serializer.serialize_map(Some(len))?;
        for (key, value) in options {
            map.serialize_entry(key, value)?;
        }
        if let Some(values) = self.values {
            map.serialize_entry("valuesObject", values)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Destination<'a> {
    name: &'a str,
    namespace: &'a str,
}

/// Appends the Application of one placement, with its values, to its cluster's file.
pub(crate) fn write(
    file: &mut YamlFile,
    fleet: &Fleet,
    placement: &Placement,
    values: Option<&ValuesView<'_>>,
) {
    let app: &App = &fleet.apps[placement.app];
    let cluster: &Cluster = &fleet.clusters[placement.cluster];
    let namespace = &fleet.argocd.namespace;
    let metadata = Metadata {
        name: &placement.application,
        namespace,
        labels: Labels {
            app: &app.labels,
            app_name: &app.name,
            cluster: &cluster.name,
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
    let application = Application {
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
                name: &cluster.name,
                namespace: &app.destination_namespace,
            },
            sync_policy: app.sync_policy.as_ref(),
        },
    };
    let id = ObjectId {
        api_version: API_VERSION.into(),
        kind: KIND.into(),
        namespace: Some(namespace.clone()),
        name: placement.application.clone(),
    };
    file.push(id, &application);
}

const API_VERSION: &str = "argoproj.io/v1alpha1";
const KIND: &str = "Application";
