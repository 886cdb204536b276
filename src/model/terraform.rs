//! The Fleet's Terraform settings (`spec.terraform`): per cloud, the module a cluster's root
//! module calls and which declaration facts it passes under which input names.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Fact, Provider};

/// `spec.terraform`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TerraformSettings {
    /// The `required_version` constraint of every rendered root module.
    #[serde(default = "default_required_version")]
    pub required_version: String,
    #[serde(default)]
    pub modules: BTreeMap<Provider, TerraformModule>,
}

impl Default for TerraformSettings {
    fn default() -> Self {
        Self {
            required_version: default_required_version(),
            modules: BTreeMap::new(),
        }
    }
}

fn default_required_version() -> String {
    ">= 1.5.7".into()
}

/// A module that provisions clusters of one cloud.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TerraformModule {
    /// The module source, written literally (`terraform-aws-modules/eks/aws`).
    pub source: String,
    /// The version constraint, for registry sources.
    #[serde(default)]
    pub version: Option<String>,
    /// Fact → the module's input name.
    pub inputs: BTreeMap<Fact, String>,
}
