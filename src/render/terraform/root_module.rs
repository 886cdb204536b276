//! `main.tf.json`: the root module of one cluster. A `terraform` block with the Fleet's
//! `required_version`, one `variable` per mapped input (typed), and the `module` call: `source`
//! and `version` literal (Terraform accepts nothing else there; a local path is written from
//! the root module's folder), each input `${var.<input>}`.

use serde_json::{Map, Value, json};

use super::{MODULE_NAME, inputs};
use crate::model::{Cluster, Fleet, TerraformModule};

/// How the root module in `out/terraform/<cluster>/` names the module: a remote source as it is;
/// a local path (`./modules/x`, `../shared/x`), which the Fleet gives from the folder that holds
/// `out/` (the repository root), three folders up from there (issue 16, finding 19).
fn source_from_root_module(source: &str) -> String {
    if source.starts_with("./") || source.starts_with("../") {
        format!("../../../{}", source.trim_start_matches("./"))
    } else {
        source.to_owned()
    }
}

pub(crate) fn root_module(cluster: &Cluster, fleet: &Fleet, module: &TerraformModule) -> Value {
    let mut call = Map::new();
    call.insert(
        "source".into(),
        json!(source_from_root_module(&module.source)),
    );
    if let Some(version) = &module.version {
        call.insert("version".into(), json!(version));
    }
    let mut variables = Map::new();
    for (input, fact) in inputs(module) {
        call.insert(input.into(), json!(format!("${{var.{input}}}")));
        variables.insert(
            input.into(),
            json!({
                "description": format!("`{}` of cluster {} (from the fleet)", fact.as_str(), cluster.name),
                "type": fact.terraform_type(),
            }),
        );
    }
    let mut root = json!({
        "terraform": {"required_version": fleet.terraform.required_version},
        "module": {MODULE_NAME: call},
    });
    if !variables.is_empty() {
        root["variable"] = Value::Object(variables);
    }
    root
}

#[cfg(test)]
mod tests {
    use super::source_from_root_module;

    #[test]
    fn a_local_module_path_is_written_from_the_root_modules_folder() {
        assert_eq!(
            source_from_root_module("./modules/onprem"),
            "../../../modules/onprem"
        );
        assert_eq!(
            source_from_root_module("../shared/talos"),
            "../../../../shared/talos"
        );
        for remote in [
            "app.terraform.io/acme/eks-cluster/aws",
            "git::https://github.com/acme/terraform-talos-cluster.git?ref=v1.8.0",
        ] {
            assert_eq!(source_from_root_module(remote), remote);
        }
    }
}
