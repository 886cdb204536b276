//! A team's Argo CD `AppProject` on a hub: the repositories it may deploy from, a destination
//! for each of its namespaces on each of its clusters the hub manages (none on a hub that
//! manages none of them), no cluster-scoped resources, and a role per group of its members.

use serde_json::{Value, json};

use super::RESOURCES_FINALIZER;
use crate::model::{Fleet, Team};

/// The label fleetc puts on a team's objects.
pub(crate) const TEAM_LABEL: &str = "fleetc.dev/team";

/// The `AppProject` of `team` on hub `hub`. Every hub has one, with no destinations where the
/// hub manages none of the team's clusters: a project does not come and go with clusters.
pub(crate) fn app_project(fleet: &Fleet, team: &Team, hub: &str) -> Value {
    let clusters: Vec<&str> = fleet
        .clusters
        .iter()
        .filter(|c| c.hub == hub && team.owns_cluster(&c.placement_labels))
        .map(|c| c.name.as_str())
        .collect();
    let destinations: Vec<Value> = clusters
        .iter()
        .flat_map(|cluster| {
            team.namespaces
                .iter()
                .map(move |n| json!({"name": cluster, "namespace": n.name}))
        })
        .collect();
    let roles: Vec<Value> = team
        .roles
        .iter()
        .map(|role| {
            let subject = format!("proj:{}:{}", team.project, role.name);
            let mut policies: Vec<String> = role
                .access
                .actions()
                .iter()
                .map(|action| {
                    format!("p, {subject}, applications, {action}, {}/*, allow", team.project)
                })
                .collect();
            // Argo CD 3 grants reading an Application's logs on its own.
            if role.access != crate::model::Access::Admin {
                policies.push(format!("p, {subject}, logs, get, {}/*, allow", team.project));
            }
            json!({
                "name": role.name,
                "description": format!("{} access for team {}", access_name(role.access), team.name),
                "groups": role.groups,
                "policies": policies,
            })
        })
        .collect();
    let mut spec = json!({
        "sourceRepos": team.source_repos,
        "destinations": destinations,
        // Empty: Argo CD refuses every cluster-scoped resource to the project's Applications.
        "clusterResourceWhitelist": [],
    });
    if let Some(description) = &team.description {
        spec["description"] = json!(description);
    }
    if !roles.is_empty() {
        spec["roles"] = json!(roles);
    }
    json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": {
            "name": team.project,
            "namespace": fleet.argocd.namespace,
            "labels": {TEAM_LABEL: team.name},
            // Argo CD keeps a project while Applications still use it.
            "finalizers": [RESOURCES_FINALIZER],
        },
        "spec": spec,
    })
}

fn access_name(access: crate::model::Access) -> &'static str {
    match access {
        crate::model::Access::Read => "Read",
        crate::model::Access::Sync => "Sync",
        crate::model::Access::Admin => "Admin",
    }
}
