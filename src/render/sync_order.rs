//! The order in which a hub's root Application applies and prunes what fleetc renders: a
//! cluster's connection (its Argo CD cluster Secret, or the `ExternalSecret` that makes it) is
//! created before the Applications that deploy to the cluster and pruned after them. Without
//! this, removing a cluster from the fleet prunes its Secret and its Applications together, and
//! the Applications, which carry the resources finalizer, either hang (their cluster is gone) or
//! leave their workloads behind (argoproj/argo-cd#4198).

use super::meta::ObjectMeta;

/// Argo CD's sync wave annotation: lower waves are applied first, and pruned last.
const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";

/// Argo CD's per-resource sync options annotation.
const SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";

/// Marks a cluster's connection object: applied in wave -1 (Applications are in wave 0), and
/// pruned last (`PruneLast=true`).
pub(crate) fn connection_first(metadata: &mut ObjectMeta<'_>) {
    metadata.annotations.insert(SYNC_WAVE, "-1");
    metadata.annotations.insert(SYNC_OPTIONS, "PruneLast=true");
}
