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

/// The Terraform files of a cluster, by path below `out/`; none when Terraform does not
/// provision it.
pub(crate) fn files(cluster: &Cluster, fleet: &Fleet) -> Vec<(String, Vec<u8>)> {
    if cluster.provisioner != Provisioner::Terraform {
        return Vec::new();
    }
    let Some(module) = fleet.terraform.modules.get(&cluster.provider) else {
        return Vec::new();
    };
    let dir = format!("terraform/{}", cluster.name);
    vec![
        (
            format!("{dir}/main.tf.json"),
            json_file(&root_module::root_module(cluster, fleet, module)),
        ),
        (
            format!("{dir}/terraform.tfvars.json"),
            json_file(&tfvars::tfvars(cluster, fleet, module)),
        ),
    ]
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
