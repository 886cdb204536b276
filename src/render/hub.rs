//! Per hub: a `kustomization.yaml` that lists the hub's files, so `kubectl kustomize
//! out/hubs/<hub>` builds and one root Application can sync the folder; and that root
//! Application, applied once to bootstrap the hub.

use serde_json::{Value, json};

use super::cluster_secret::IN_CLUSTER_SERVER;
use crate::model::{Fleet, Hub};

/// The Kustomization listing `resources` (paths relative to the hub's folder, sorted).
pub(crate) fn kustomization(resources: &[String]) -> Value {
    json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    })
}

/// The root Application that syncs `out/hubs/<hub>` onto the hub, or `None` when the Fleet does
/// not say where its repo lives.
pub(crate) fn root_application(fleet: &Fleet, hub: &Hub) -> Option<Value> {
    let name = fleet.root_application_name(&hub.name)?;
    let destination = json!({"server": IN_CLUSTER_SERVER, "namespace": fleet.argocd.namespace});
    out_folder_application(
        fleet,
        &name,
        &super::layout::hub_dir(&hub.name),
        &destination,
    )
}

/// An Application in the root Applications' project that syncs a folder of out/ from the
/// fleet repo to `destination`, automatically; `None` when the Fleet does not say where its
/// repo lives.
pub(crate) fn out_folder_application(
    fleet: &Fleet,
    name: &str,
    folder: &str,
    destination: &Value,
) -> Option<Value> {
    let repo = fleet.repo.as_ref()?;
    Some(json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": name,
            "namespace": fleet.argocd.namespace,
        },
        "spec": {
            "project": fleet.argocd.project,
            "source": {
                "repoURL": repo.url,
                "targetRevision": repo.target_revision,
                "path": repo.path_of(folder),
            },
            "destination": destination,
            "syncPolicy": {
                "automated": {"prune": true, "selfHeal": true},
            },
        },
    }))
}
