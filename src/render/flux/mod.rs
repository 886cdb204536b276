//! What a Flux hub renders for its clusters, instead of Argo CD's objects: a reference to each
//! cluster's kubeconfig ([`kubeconfig`]), a `Kustomization` or `HelmRelease` per placement
//! ([`workload`]) reading a source the hub's placements share ([`source`]), and the hub's own
//! bootstrap ([`bootstrap`]). Every Flux object lives in the Cluster API namespace, where
//! Cluster API writes the kubeconfig Secrets a `kubeConfig.secretRef` must find.

pub(super) mod bootstrap;
pub(super) mod kubeconfig;
pub(super) mod source;
pub mod workload;

use crate::model::Fleet;

/// The namespace of every Flux object fleetc renders on a hub.
pub(crate) fn namespace(fleet: &Fleet) -> &str {
    &fleet.capi.namespace
}

/// How often Flux reconciles what fleetc renders.
pub(crate) const INTERVAL: &str = "10m";

/// A `GitRepository`'s `timeout` as its CRD defaults it: fleetc says what the API server would
/// default, so that out/ is what the cluster stores (`fleetc::conformance`).
pub(crate) const GIT_TIMEOUT: &str = "60s";

/// Writes placement `p`'s `Kustomization` or `HelmRelease` into its cluster's file, or records why
/// the hub cannot deliver it: a field only Argo CD understands, a source Flux cannot share.
pub(super) fn deliver(
    fleet: &Fleet,
    p: &crate::place::Placement,
    values: &crate::place::FleetValues<'_, '_>,
    kube_config: Option<&serde_json::Value>,
    file: &mut super::generated_file::YamlFile,
    failed: &mut super::RenderErrors,
) {
    let (app, cluster) = (&fleet.apps[p.app], &fleet.clusters[p.cluster]);
    let evaluated = match values.evaluate(p) {
        Ok(evaluated) => evaluated,
        Err(e) => {
            failed.add(p.app, e, Some(&cluster.name));
            return;
        }
    };
    let fields = evaluated.fields.merged().unwrap_or(serde_json::Value::Null);
    let mut unfit = workload::argo_only(&fields);
    let source = source::of(app, cluster).map_err(|u| unfit.push(u)).ok();
    if !unfit.is_empty() {
        for u in unfit {
            let at = app.declared_at(&cluster.name, &cluster.placement_labels, u.field);
            failed.add_unfit(p.app, at, u.message, &cluster.name);
        }
        return;
    }
    let Some(source) = source else { return };
    let values = evaluated.values.merged();
    let object = workload::object(fleet, p, &fields, values, &source, kube_config);
    file.push_value(&object);
    super::screen(
        fleet,
        failed,
        file.last_document(),
        super::Origin::App(p.app),
        || {
            format!(
                "the {} `{}` in {}",
                object["kind"].as_str().unwrap_or_default(),
                p.application,
                super::cluster_file(cluster)
            )
        },
    );
}
