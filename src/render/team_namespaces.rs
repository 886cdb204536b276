//! The teams' namespaces on a cluster: `out/clusters/<cluster>/namespaces.yaml` holds a
//! `Namespace` for each namespace of each team whose `clusters` select the cluster, with the
//! team's labels, and the cluster's hub syncs that folder onto the cluster through an
//! Application of its own in the cluster's file. Removing a namespace from a team never deletes
//! it, or what runs in it: the Namespaces carry `Prune=false,Delete=false`, so Argo CD shows
//! the Application out of sync until someone deletes the namespace by hand, and the
//! Application has no resources finalizer.

use serde_json::{Value, json};

use super::CLUSTER_LABEL;
use super::app_project::TEAM_LABEL;
use super::layout;
use crate::model::{Cluster, Fleet, Team, namespaces_application_name};

/// The sync options that keep a namespace when Argo CD would prune or delete it.
const KEEP: &str = "Prune=false,Delete=false";

/// The `Namespace` objects of `teams` (those on one cluster), by team, then namespace.
pub(crate) fn namespaces(teams: &[&Team]) -> Vec<Value> {
    teams
        .iter()
        .flat_map(|team| {
            team.namespaces.iter().map(move |n| {
                let mut labels = serde_json::Map::new();
                for (k, v) in &n.labels {
                    labels.insert(k.clone(), json!(v));
                }
                labels.insert(TEAM_LABEL.to_owned(), json!(team.name));
                json!({
                    "apiVersion": "v1",
                    "kind": "Namespace",
                    "metadata": {
                        "name": n.name,
                        "labels": labels,
                        "annotations": {"argocd.argoproj.io/sync-options": KEEP},
                    },
                })
            })
        })
        .collect()
}

/// The Application on the cluster's hub that syncs its namespaces folder onto it; `None`
/// when the Fleet does not say where its repo lives: then whoever applies the hubs' folders
/// (there are no root Applications either) applies the namespaces folders too.
pub(crate) fn application(fleet: &Fleet, cluster: &Cluster) -> Option<Value> {
    let mut application = super::hub::out_folder_application(
        fleet,
        &namespaces_application_name(&cluster.name),
        &layout::namespaces_dir(&cluster.name),
        &json!({"name": cluster.name}),
    )?;
    application["metadata"]["labels"] = json!({CLUSTER_LABEL: cluster.name});
    // Retried: a first sync that fails (the cluster's connection not there yet) is not tried
    // again for the same revision otherwise.
    application["spec"]["syncPolicy"]["retry"] =
        json!({"limit": 5, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"}});
    Some(application)
}
