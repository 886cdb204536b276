//! The layout of `out/`, defined once: every path fleetc writes is made here, and what reads
//! `out/` back (diff, impact, the command line) asks here which hub or Terraform root a path
//! belongs to.
//!
//! `hubs/<hub>/clusters/<cluster>.yaml` holds a cluster's Secret or `ExternalSecret` and its
//! Applications; `hubs/<hub>/provisioning/<cluster>.yaml` its Cluster API objects;
//! `hubs/<hub>/kustomization.yaml`, `hubs/<hub>/root-application.yaml` and (when the Fleet asks
//! for it) `hubs/<hub>/cluster-secret-policy.yaml` are the hub's own, and so is
//! `hubs/<hub>/projects/<project>.yaml`, a team's `AppProject`; a Flux hub has
//! `hubs/<hub>/sources.yaml` (its placements' sources) and `hubs/<hub>/bootstrap.yaml` instead
//! of a root Application;
//! `terraform/<cluster>/` holds a Terraform cluster's root module and values;
//! `clusters/<cluster>/namespaces.yaml` the teams' namespaces on a cluster, which an Application
//! on its hub syncs onto it.

/// The folder of hub `hub`, which its root Application syncs.
pub fn hub_dir(hub: &str) -> String {
    format!("{HUBS}/{hub}")
}

/// Where cluster `cluster` of hub `hub` has its Secret or `ExternalSecret` and Applications.
pub fn cluster_file(hub: &str, cluster: &str) -> String {
    format!("{HUBS}/{hub}/clusters/{cluster}.yaml")
}

/// Where a Cluster API cluster's objects go.
pub fn provisioning_file(hub: &str, cluster: &str) -> String {
    format!("{HUBS}/{hub}/provisioning/{cluster}.yaml")
}

/// The Kustomization of hub `hub`, listing its files.
pub fn kustomization_file(hub: &str) -> String {
    format!("{HUBS}/{hub}/kustomization.yaml")
}

/// The admission policy for hub `hub`'s cluster Secrets.
pub fn secret_policy_file(hub: &str) -> String {
    format!("{HUBS}/{hub}/cluster-secret-policy.yaml")
}

/// The `AppProject` of project `project` on hub `hub`.
pub fn project_file(hub: &str, project: &str) -> String {
    format!("{HUBS}/{hub}/projects/{project}.yaml")
}

/// The folder of the teams' namespaces on cluster `cluster`, which an Application on its hub
/// syncs onto it.
pub fn namespaces_dir(cluster: &str) -> String {
    format!("{CLUSTERS}/{cluster}")
}

/// The teams' namespaces on cluster `cluster`.
pub fn namespaces_file(cluster: &str) -> String {
    format!("{CLUSTERS}/{cluster}/namespaces.yaml")
}

/// The Flux sources of hub `hub`'s placements.
pub fn sources_file(hub: &str) -> String {
    format!("{HUBS}/{hub}/sources.yaml")
}

/// The bootstrap of Flux hub `hub` (its root Application's counterpart), applied once by hand.
pub fn bootstrap_file(hub: &str) -> String {
    format!("{HUBS}/{hub}/bootstrap.yaml")
}

/// The root Application of hub `hub`.
pub fn root_application_file(hub: &str) -> String {
    format!("{HUBS}/{hub}/root-application.yaml")
}

/// The Terraform root module folder of cluster `cluster`.
pub fn terraform_dir(cluster: &str) -> String {
    format!("{TERRAFORM}/{cluster}")
}

/// Where the objects of a file are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// To hub `0`, by its root Application.
    Hub(&'a str),
    /// By the Terraform root module of cluster `0`.
    Terraform(&'a str),
    /// To cluster `0`, by an Application on its hub.
    Cluster(&'a str),
    /// Somewhere fleetc does not know.
    Other,
}

impl<'a> Scope<'a> {
    /// The scope of the file at `path` (`hubs/eu/clusters/a.yaml` is applied to hub `eu`).
    pub fn of(path: &'a str) -> Self {
        let mut parts = path.splitn(3, '/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(HUBS), Some(hub), Some(_)) => Scope::Hub(hub),
            (Some(TERRAFORM), Some(cluster), Some(_)) => Scope::Terraform(cluster),
            (Some(CLUSTERS), Some(cluster), Some(_)) => Scope::Cluster(cluster),
            _ => Scope::Other,
        }
    }

    /// The scope named as [`scope_name`] names it.
    pub fn parse(name: &'a str) -> Self {
        match name.split_once('/') {
            Some((HUBS, hub)) => Scope::Hub(hub),
            Some((TERRAFORM, cluster)) => Scope::Terraform(cluster),
            Some((CLUSTERS, cluster)) => Scope::Cluster(cluster),
            _ => Scope::Other,
        }
    }
}

/// How a file's scope is named in a diff: `hubs/<hub>`, `terraform/<cluster>`,
/// `clusters/<cluster>`, or the file's own path.
pub fn scope_name(path: &str) -> String {
    match Scope::of(path) {
        Scope::Hub(hub) => hub_dir(hub),
        Scope::Terraform(cluster) => terraform_dir(cluster),
        Scope::Cluster(cluster) => namespaces_dir(cluster),
        Scope::Other => path.to_owned(),
    }
}

const HUBS: &str = "hubs";
const TERRAFORM: &str = "terraform";
const CLUSTERS: &str = "clusters";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_belongs_to_its_scope() {
        for (path, scope) in [
            (cluster_file("eu", "a"), Scope::Hub("eu")),
            (provisioning_file("eu", "a"), Scope::Hub("eu")),
            (project_file("eu", "p"), Scope::Hub("eu")),
            (secret_policy_file("eu"), Scope::Hub("eu")),
            (namespaces_file("a"), Scope::Cluster("a")),
            (sources_file("eu"), Scope::Hub("eu")),
            (bootstrap_file("eu"), Scope::Hub("eu")),
            (kustomization_file("eu"), Scope::Hub("eu")),
            (root_application_file("eu"), Scope::Hub("eu")),
            (
                format!("{}/main.tf.json", terraform_dir("a")),
                Scope::Terraform("a"),
            ),
            ("README.md".to_owned(), Scope::Other),
            ("hubs".to_owned(), Scope::Other),
        ] {
            assert_eq!(Scope::of(&path), scope, "{path}");
            assert_eq!(Scope::parse(&scope_name(&path)), scope, "{path}");
        }
    }
}
