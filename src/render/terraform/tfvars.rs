//! `terraform.tfvars.json`: the value of every root variable, one per mapped input, taken from
//! the cluster's declaration (Terraform loads this file by itself).

use serde_json::{Map, Value};

use super::inputs;
use crate::model::{Cluster, Fleet, TerraformModule};
use crate::render::facts;

pub(crate) fn tfvars(cluster: &Cluster, fleet: &Fleet, module: &TerraformModule) -> Value {
    Value::Object(
        inputs(module)
            .into_iter()
            .map(|(input, fact)| (input.to_owned(), facts::value(fact, cluster, fleet)))
            .collect::<Map<String, Value>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::files;
    use crate::render::generated_file::JSON_COMMENT;
    use crate::test_fleet::fleet;
    use serde_json::{Value, json};

    fn parsed(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).expect("JSON")
    }

    #[test]
    fn root_module_and_values_follow_the_mapping() {
        let fleet = fleet(
            "  terraform:
    modules:
      aws:
        source: terraform-aws-modules/eks/aws
        version: \"~> 21.0\"
        inputs:
          name: name
          kubernetesVersion: kubernetes_version
          nodePools: eks_managed_node_groups
          connectionKey: connection_secret_name
          metadata: cluster_metadata",
            "apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {name: eks-1, labels: {team: a}}
spec:
  provider: aws
  region: eu-west-1
  hub: hub-eu
  kubernetesVersion: \"1.33\"
  provisioner: terraform
  nodePools: [{name: general, instanceType: m6i.large, minSize: 1, maxSize: 3, desiredSize: 2}]
  connection: {secretStore: {name: aws-eu}}",
        );
        let files = files(&fleet.clusters[0], &fleet);
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "terraform/eks-1/main.tf.json",
                "terraform/eks-1/terraform.tfvars.json"
            ]
        );
        let main = parsed(&files[0].1);
        assert_eq!(main["//"], JSON_COMMENT);
        assert_eq!(main["terraform"], json!({"required_version": ">= 1.5.7"}));
        assert_eq!(
            main["module"]["cluster"],
            json!({
                "source": "terraform-aws-modules/eks/aws",
                "version": "~> 21.0",
                "cluster_metadata": "${var.cluster_metadata}",
                "connection_secret_name": "${var.connection_secret_name}",
                "eks_managed_node_groups": "${var.eks_managed_node_groups}",
                "kubernetes_version": "${var.kubernetes_version}",
                "name": "${var.name}",
            })
        );
        assert_eq!(main["variable"]["name"]["type"], "string");
        assert_eq!(main["variable"]["eks_managed_node_groups"]["type"], "any");
        let vars = parsed(&files[1].1);
        assert_eq!(
            vars,
            json!({
                "//": JSON_COMMENT,
                "cluster_metadata": {
                    "name": "eks-1", "provider": "aws", "region": "eu-west-1", "environment": null,
                    "labels": {"team": "a", "provider": "aws", "region": "eu-west-1", "hub": "hub-eu"},
                },
                "connection_secret_name": "argocd/clusters/eks-1",
                "eks_managed_node_groups": {"general": {
                    "instance_types": ["m6i.large"], "min_size": 1, "max_size": 3, "desired_size": 2,
                    "labels": {},
                }},
                "kubernetes_version": "1.33",
                "name": "eks-1",
            })
        );
    }
}
