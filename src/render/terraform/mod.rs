//! Terraform/OpenTofu inputs for clusters with `provisioner: terraform`, into
//! `out/terraform/<cluster>/`: `main.tf.json`, a root module that calls the module the Fleet
//! configures for the cluster's cloud, and `terraform.tfvars.json`, the values. Which facts are
//! passed, under which input names, is the Fleet's mapping (`spec.terraform.modules.<cloud>`);
//! among them the secrets-manager key the cluster's `ExternalSecret` reads (`connectionKey`, from
//! the same `SecretStore::key_for`) and its metadata, so what Terraform publishes is what ESO
//! reads.
//!
//! Root variables are named like the module inputs they feed. Only the two files carry the
//! generated-by marker, so a team may keep its own files beside them (a `backend.tf`, providers):
//! fleetc leaves those alone.

mod root_module;
mod tfvars;

use crate::model::{Cluster, Fact, Fleet, Provisioner, TerraformModule};
use crate::render::generated_file::json_file;

/// The name of the module call in every root module.
pub(crate) const MODULE_NAME: &str = "cluster";

/// The module that provisions a cluster, when Terraform does.
fn module_of<'f>(cluster: &Cluster, fleet: &'f Fleet) -> Option<&'f TerraformModule> {
    (cluster.provisioner == Provisioner::Terraform)
        .then(|| fleet.terraform.modules.get(&cluster.provider))
        .flatten()
}

/// The paths below `out/` of a cluster's Terraform files (root module, values); none when
/// Terraform does not provision it.
pub(crate) fn paths(cluster: &Cluster, fleet: &Fleet) -> Vec<String> {
    if module_of(cluster, fleet).is_none() {
        return Vec::new();
    }
    let dir = crate::render::layout::terraform_dir(&cluster.name);
    vec![
        format!("{dir}/main.tf.json"),
        format!("{dir}/terraform.tfvars.json"),
    ]
}

/// The Terraform files of a cluster, by path below `out/` (as [`paths`] names them).
pub(crate) fn files(cluster: &Cluster, fleet: &Fleet) -> Vec<(String, Vec<u8>)> {
    let Some(module) = module_of(cluster, fleet) else {
        return Vec::new();
    };
    let contents = [
        json_file(&root_module::root_module(cluster, fleet, module)),
        json_file(&tfvars::tfvars(cluster, fleet, module)),
    ];
    paths(cluster, fleet).into_iter().zip(contents).collect()
}

/// The module's inputs as (input name, fact), sorted by input name.
fn inputs(module: &TerraformModule) -> Vec<(&str, Fact)> {
    let mut inputs: Vec<(&str, Fact)> = module
        .inputs
        .iter()
        .map(|(fact, input)| (input.as_str(), *fact))
        .collect();
    inputs.sort_unstable();
    inputs
}
