//! What a change does at runtime: the removed objects of a diff sorted by what removing them
//! makes the hub do. Removing a Cluster API `Cluster` destroys the real cluster; removing an
//! Application that carries Argo CD's resources finalizer deletes its workloads; removing a
//! cluster Secret (or the `ExternalSecret` that makes it) disconnects the cluster from Argo CD;
//! removing a Flux hub's `Kustomization` or `HelmRelease` deletes what it applied;
//! removing a Terraform root module orphans what it created. A cluster whose objects leave one
//! hub for another is a move, and a move does all of that on the old hub.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{ObjectDiff, ObjectKey};
use crate::render::RESOURCES_FINALIZER;
use crate::render::layout::Scope;

/// A cluster whose Cluster API `Cluster` is removed from a hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Destroyed {
    pub cluster: String,
    pub hub: String,
    /// The hub its `Cluster` is added to in the same change, for a hub move.
    pub moved_to: Option<String>,
}

/// A cluster whose objects leave one hub for another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HubMove {
    pub cluster: String,
    pub from: String,
    pub to: String,
    /// Whether Cluster API provisions it (then the move destroys and recreates it).
    pub capi: bool,
}

/// The runtime effect of a diff's removals, most dangerous first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Impact {
    /// Clusters Cluster API destroys.
    pub destroyed: Vec<Destroyed>,
    /// Clusters that change hub.
    pub moves: Vec<HubMove>,
    /// Applications removed with the resources finalizer: Argo CD deletes their workloads.
    pub workloads_deleted: Vec<ObjectKey>,
    /// Cluster Secrets and `ExternalSecrets` removed: Argo CD loses the cluster.
    pub disconnected: Vec<ObjectKey>,
    /// Clusters whose Terraform root module is removed: what it created is orphaned until
    /// someone runs `terraform destroy`.
    pub orphaned: Vec<String>,
    /// Applications removed without the finalizer: their workloads keep running, unmanaged.
    pub unmanaged: Vec<ObjectKey>,
}

impl Impact {
    /// Whether the change removes nothing that matters at runtime.
    pub fn is_empty(&self) -> bool {
        self.destroyed.is_empty()
            && self.moves.is_empty()
            && self.workloads_deleted.is_empty()
            && self.disconnected.is_empty()
            && self.orphaned.is_empty()
            && self.unmanaged.is_empty()
    }
}

/// The hub an object is applied to, if it is applied to one.
fn hub_of(key: &ObjectKey) -> Option<&str> {
    match Scope::parse(&key.scope) {
        Scope::Hub(hub) => Some(hub),
        _ => None,
    }
}

fn is_capi_cluster(key: &ObjectKey) -> bool {
    key.kind == "Cluster" && key.api_version.starts_with("cluster.x-k8s.io/")
}

fn is_flux_workload(key: &ObjectKey) -> bool {
    (key.kind == "Kustomization" && key.api_version.starts_with("kustomize.toolkit.fluxcd.io/"))
        || (key.kind == "HelmRelease" && key.api_version.starts_with("helm.toolkit.fluxcd.io/"))
}

/// An Argo CD cluster Secret, the `ExternalSecret` that writes it or a Flux hub's kubeconfig, or
/// the `ConfigMap` of a Flux hub's workload identity for a cluster.
fn is_cluster_secret(key: &ObjectKey) -> bool {
    (key.kind == "Secret" && key.api_version == "v1")
        || (key.kind == "ExternalSecret" && key.api_version.starts_with("external-secrets.io/"))
        || (key.kind == "ConfigMap" && key.api_version == "v1" && key.name.ends_with("-kubeconfig"))
}

/// Sorts the removals of `diff` by what they do (see the module documentation).
pub fn impact(diff: &ObjectDiff) -> Impact {
    let mut impact = Impact::default();
    // Where each cluster's CAPI `Cluster` and cluster Secret are added, to tell moves.
    let added_on = |matches: fn(&ObjectKey) -> bool| -> BTreeMap<&str, &str> {
        diff.added
            .iter()
            .filter(|(k, _)| matches(k))
            .filter_map(|(k, _)| Some((k.name.as_str(), hub_of(k)?)))
            .collect()
    };
    let capi_added = added_on(is_capi_cluster);
    // By cluster: a cluster moving between an Argo CD and a Flux hub changes its Secret's name.
    let secrets_added: BTreeMap<String, &str> = added_on(is_cluster_secret)
        .into_iter()
        .map(|(name, hub)| (cluster_of_secret(name), hub))
        .collect();
    let mut moved = BTreeSet::new();
    for (key, object) in &diff.removed {
        if let Scope::Terraform(cluster) = Scope::parse(&key.scope) {
            if impact.orphaned.last().is_none_or(|c| c != cluster) {
                impact.orphaned.push(cluster.to_owned());
            }
            continue;
        }
        let Some(hub) = hub_of(key) else { continue };
        if is_capi_cluster(key) {
            let moved_to = capi_added
                .get(key.name.as_str())
                .filter(|to| **to != hub)
                .map(|to| (*to).to_owned());
            if let Some(to) = &moved_to {
                moved.insert((key.name.clone(), hub.to_owned(), to.clone()));
            }
            impact.destroyed.push(Destroyed {
                cluster: key.name.clone(),
                hub: hub.to_owned(),
                moved_to,
            });
        } else if is_cluster_secret(key) {
            if let Some(to) = secrets_added
                .get(&cluster_of_secret(&key.name))
                .filter(|to| **to != hub)
            {
                moved.insert((
                    cluster_of_secret(&key.name),
                    hub.to_owned(),
                    (*to).to_owned(),
                ));
            }
            impact.disconnected.push(key.clone());
        } else if is_flux_workload(key) {
            // A Flux hub's Kustomization (with `prune: true`) or HelmRelease takes what it
            // applied along when it goes.
            impact.workloads_deleted.push(key.clone());
        } else if key.kind == "Application" && key.api_version.starts_with("argoproj.io/") {
            if object.text.contains(RESOURCES_FINALIZER) {
                impact.workloads_deleted.push(key.clone());
            } else {
                impact.unmanaged.push(key.clone());
            }
        }
    }
    let capi: BTreeSet<&str> = impact
        .destroyed
        .iter()
        .map(|d| d.cluster.as_str())
        .collect();
    let mut seen = BTreeSet::new();
    for (cluster, from, to) in moved {
        if seen.insert(cluster.clone()) {
            impact.moves.push(HubMove {
                capi: capi.contains(cluster.as_str()),
                cluster,
                from,
                to,
            });
        }
    }
    impact
}

/// The cluster a cluster Secret is named for (`cluster-<name>`, as fleetc names them).
fn cluster_of_secret(name: &str) -> String {
    name.strip_prefix("cluster-")
        .or_else(|| name.strip_suffix("-kubeconfig"))
        .unwrap_or(name)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::RenderedObject;

    fn key(scope: &str, api_version: &str, kind: &str, name: &str) -> ObjectKey {
        ObjectKey {
            scope: scope.into(),
            api_version: api_version.into(),
            kind: kind.into(),
            namespace: None,
            name: name.into(),
        }
    }

    fn object(text: &str) -> RenderedObject {
        RenderedObject {
            line: 1,
            file: "f".into(),
            text: text.into(),
        }
    }

    #[test]
    fn removals_are_sorted_by_what_they_do() {
        let diff = ObjectDiff {
            added: vec![
                (
                    key("hubs/us", "cluster.x-k8s.io/v1beta2", "Cluster", "c1"),
                    object(""),
                ),
                (
                    key(
                        "hubs/us",
                        "external-secrets.io/v1",
                        "ExternalSecret",
                        "cluster-c1",
                    ),
                    object(""),
                ),
            ],
            removed: vec![
                (
                    key("hubs/eu", "argoproj.io/v1alpha1", "Application", "web-c1"),
                    object(&format!("finalizers:\n  - {RESOURCES_FINALIZER}\n")),
                ),
                (
                    key("hubs/eu", "argoproj.io/v1alpha1", "Application", "db-c1"),
                    object("spec: {}\n"),
                ),
                (
                    key("hubs/eu", "cluster.x-k8s.io/v1beta2", "Cluster", "c1"),
                    object(""),
                ),
                (
                    key("hubs/eu", "cluster.x-k8s.io/v1beta2", "Cluster", "c2"),
                    object(""),
                ),
                (
                    key(
                        "hubs/eu",
                        "external-secrets.io/v1",
                        "ExternalSecret",
                        "cluster-c1",
                    ),
                    object(""),
                ),
                (
                    key("terraform/c3", "", "File", "terraform/c3/main.tf.json"),
                    object(""),
                ),
                (
                    key(
                        "terraform/c3",
                        "",
                        "File",
                        "terraform/c3/terraform.tfvars.json",
                    ),
                    object(""),
                ),
            ],
            changed: Vec::new(),
        };
        let impact = impact(&diff);
        assert_eq!(
            impact.destroyed,
            [
                Destroyed {
                    cluster: "c1".into(),
                    hub: "eu".into(),
                    moved_to: Some("us".into())
                },
                Destroyed {
                    cluster: "c2".into(),
                    hub: "eu".into(),
                    moved_to: None
                },
            ]
        );
        assert_eq!(
            impact.moves,
            [HubMove {
                cluster: "c1".into(),
                from: "eu".into(),
                to: "us".into(),
                capi: true
            }]
        );
        assert_eq!(impact.workloads_deleted.len(), 1);
        assert_eq!(impact.workloads_deleted[0].name, "web-c1");
        assert_eq!(impact.unmanaged[0].name, "db-c1");
        assert_eq!(impact.disconnected[0].name, "cluster-c1");
        assert_eq!(impact.orphaned, ["c3"]);
    }
}
