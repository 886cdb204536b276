//! Ephemeral clusters through the vcluster provider (infrastructure v1alpha1): one `VCluster`,
//! referred to as both the infrastructure and the control plane, that installs the vcluster Helm
//! chart on the hub (the management cluster hosts its vclusters). Values are written as the
//! `values` string, which both the v0.2 and the v0.3 provider read.

use serde_json::{Value, json};

use super::{INFRASTRUCTURE_GROUP, ProviderObjects, metadata, object_ref};
use crate::model::{Cluster, Fleet};
use crate::render::yaml::write_document;

/// The chart the provider installs.
const CHART: &str = "vcluster";
const CHART_REPO: &str = "https://charts.loft.sh";

pub(crate) fn objects(cluster: &Cluster, fleet: &Fleet) -> ProviderObjects {
    let facts = cluster.vcluster.clone().unwrap_or_default();
    let mut helm_release = json!({
        "chart": {
            "name": CHART,
            "repo": CHART_REPO,
            "version": facts.chart_version.unwrap_or_default(),
        },
    });
    if let Some(values) = facts
        .values
        .filter(|v| v.as_object().is_some_and(|m| !m.is_empty()))
    {
        helm_release["values"] = Value::String(values_text(&values));
    }
    let vcluster = json!({
        "apiVersion": "infrastructure.cluster.x-k8s.io/v1alpha1",
        "kind": "VCluster",
        "metadata": metadata(fleet, &cluster.name),
        "spec": {"helmRelease": helm_release},
    });
    let reference = object_ref(INFRASTRUCTURE_GROUP, "VCluster", &cluster.name);
    ProviderObjects {
        infrastructure: reference.clone(),
        control_plane: reference,
        documents: vec![vcluster],
        pools: Vec::new(),
    }
}

/// vcluster.yaml text of the values, serialized by fleetc's YAML emitter.
fn values_text(values: &Value) -> String {
    let mut out = String::new();
    write_document(values, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::super::provisioning;
    use crate::test_fleet::fleet;
    use serde_json::json;

    #[test]
    fn one_vcluster_is_both_refs() {
        let fleet = fleet(
            "",
            "apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {name: pr-42}
spec:
  provider: vcluster
  hub: hub-eu
  provisioner: capi
  expires: \"2027-06-30\"
  vcluster:
    chartVersion: 0.26.0
    values: {sync: {toHost: {ingresses: {enabled: true}}}}
  connection: {capi: {secretStore: capi-hub}}",
        );
        let docs = provisioning(&fleet.clusters[0], &fleet).expect("a CAPI cluster");
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0]["spec"]["infrastructureRef"],
            docs[0]["spec"]["controlPlaneRef"]
        );
        assert_eq!(
            docs[1]["spec"]["helmRelease"],
            json!({
                "chart": {"name": "vcluster", "repo": "https://charts.loft.sh", "version": "0.26.0"},
                "values": "sync:\n  toHost:\n    ingresses:\n      enabled: true\n",
            })
        );
    }
}
