//! The render stage: the typed fleet and its placements to every output document, as an
//! in-memory `out/` tree. One module per kind of output; documents are built from typed data
//! and serialized, never assembled as text.
//!
//! Layout: `hubs/<hub>/clusters/<cluster>.yaml` (the cluster Secret or its `ExternalSecret`, then
//! the cluster's Applications by name), `hubs/<hub>/provisioning/<cluster>.yaml` (the Cluster API
//! objects of a CAPI cluster), `hubs/<hub>/kustomization.yaml` (every file of the hub) and
//! `hubs/<hub>/root-application.yaml`; and `terraform/<cluster>/` (the Terraform root module and
//! values of a Terraform cluster).

mod application;
mod capi;
mod cluster_secret;
mod external_secret;
mod facts;
pub mod generated_file;
mod hub;
mod kubeconfig_template;
mod meta;
mod terraform;
#[cfg(test)]
mod test_fleet;
mod yaml;

pub use application::{APP_LABEL, CLUSTER_LABEL, RESOURCES_FINALIZER};
pub use cluster_secret::IN_CLUSTER_SERVER;

use rayon::prelude::*;

use crate::emit::OutputTree;
use crate::model::Fleet;
use crate::place::Placement;
use generated_file::yaml_file;

/// Renders everything. `placements` must be sorted by app, then cluster (as the place stage
/// returns them). Work is spread over the cores; the tree does not depend on the thread count.
pub fn render(fleet: &Fleet, placements: &[Placement]) -> OutputTree {
    let mut by_cluster: Vec<Vec<&Placement>> = vec![Vec::new(); fleet.clusters.len()];
    for p in placements {
        by_cluster[p.cluster].push(p);
    }
    let cluster_files: Vec<(String, Vec<u8>)> = fleet
        .clusters
        .par_iter()
        .zip(by_cluster.par_iter_mut())
        .flat_map_iter(|(cluster, placed)| {
            placed.sort_by(|a, b| a.application.cmp(&b.application));
            let mut documents: Vec<serde_json::Value> = Vec::with_capacity(placed.len() + 1);
            documents.extend(cluster_secret::cluster_secret(cluster, fleet));
            documents.extend(external_secret::external_secret(cluster, fleet));
            documents.extend(placed.iter().map(|p| application::application(fleet, p)));
            let path = format!("hubs/{}/clusters/{}.yaml", cluster.hub, cluster.name);
            let mut files = vec![(path, yaml_file(&documents))];
            if let Some(objects) = capi::provisioning(cluster, fleet) {
                let path = format!("hubs/{}/provisioning/{}.yaml", cluster.hub, cluster.name);
                files.push((path, yaml_file(&objects)));
            }
            files.extend(terraform::files(cluster, fleet));
            files
        })
        .collect();
    let mut tree: OutputTree = cluster_files.into_iter().collect();
    for hub in &fleet.hubs {
        let prefix = format!("hubs/{}/", hub.name);
        let resources: Vec<String> = tree
            .paths()
            .filter_map(|p| p.strip_prefix(&prefix))
            .map(str::to_owned)
            .collect();
        tree.insert(
            format!("{prefix}kustomization.yaml"),
            yaml_file(&[hub::kustomization(&resources)]),
        );
        if let Some(root) = hub::root_application(fleet, hub) {
            tree.insert(format!("{prefix}root-application.yaml"), yaml_file(&[root]));
        }
    }
    tree
}
