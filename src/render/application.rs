//! One Argo CD Application per placement: the app's source with the placement's Helm values,
//! destination by cluster name, in the hub's Argo CD namespace.

use serde::Serialize;
use serde_json::{Value, json};

use super::meta::{ObjectMeta, borrowed};
use crate::model::{App, Cluster, Fleet};
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
struct Application<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta<'a>,
    spec: Spec<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec<'a> {
    project: &'a str,
    source: Value,
    destination: Destination<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sync_policy: Option<&'a Value>,
}

#[derive(Serialize)]
struct Destination<'a> {
    name: &'a str,
    namespace: &'a str,
}

/// The Application for one placement.
pub(crate) fn application(fleet: &Fleet, placement: &Placement) -> Value {
    let app: &App = &fleet.apps[placement.app];
    let cluster: &Cluster = &fleet.clusters[placement.cluster];
    let mut metadata = ObjectMeta::named(placement.application.clone(), &fleet.argocd.namespace);
    metadata.labels = borrowed(&app.labels);
    metadata.labels.insert(APP_LABEL, &app.name);
    metadata.labels.insert(CLUSTER_LABEL, &cluster.name);
    metadata.annotations = borrowed(&app.annotations);
    if !app.preserve_resources_on_deletion {
        metadata.finalizers.push(RESOURCES_FINALIZER);
    }
    let mut source = serde_json::to_value(&app.source).expect("a source serializes");
    if let Some(values) = &placement.values {
        let helm = source
            .as_object_mut()
            .expect("a source is a mapping")
            .entry("helm")
            .or_insert_with(|| json!({}));
        helm["valuesObject"] = values.clone();
    }
    let application = Application {
        api_version: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata,
        spec: Spec {
            project: &app.project,
            source,
            destination: Destination {
                name: &cluster.name,
                namespace: &app.destination_namespace,
            },
            sync_policy: app.sync_policy.as_ref(),
        },
    };
    serde_json::to_value(application).expect("an Application serializes")
}
