//! `main.tf.json`: the root module of one cluster. A `terraform` block with the Fleet's
//! `required_version`, one `variable` per mapped input (typed), and the `module` call: `source`
//! and `version` literal (Terraform accepts nothing else there), each input `${var.<input>}`.

use serde_json::{Map, Value, json};

use super::{MODULE_NAME, inputs};
use crate::model::{Cluster, Fleet, TerraformModule};

pub(crate) fn root_module(cluster: &Cluster, fleet: &Fleet, module: &TerraformModule) -> Value {
    let mut call = Map::new();
    call.insert("source".into(), json!(module.source));
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
