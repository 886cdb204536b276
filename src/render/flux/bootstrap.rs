//! A Flux hub's bootstrap, applied once by hand like an Argo CD hub's root Application: a
//! `GitRepository` of the fleet repo and a `Kustomization` that applies `out/hubs/<hub>` from it,
//! both in `flux-system`.

use serde_json::{Value, json};

use crate::model::{Fleet, Hub};

/// The bootstrap objects of a Flux hub, or `None` when the Fleet does not say where its repo
/// lives.
pub(crate) fn objects(fleet: &Fleet, hub: &Hub) -> Option<Vec<Value>> {
    let repo = fleet.repo.as_ref()?;
    let name = fleet.root_application_name(&hub.name)?;
    let path = format!(
        "./{}",
        repo.path_of(&crate::render::layout::hub_dir(&hub.name))
    );
    // The fleet repo's revision read as an app's is (`HEAD`, the Fleet's default, as Flux's
    // `name: HEAD`).
    let reference = match super::source::git_reference(Some(&repo.target_revision)) {
        Some((kind, value)) => json!({kind: value}),
        None => json!({"name": "HEAD"}),
    };
    let url = super::source::git_url(&repo.url);
    let mut source = json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "GitRepository",
        "metadata": {"name": name, "namespace": "flux-system"},
        "spec": {
            "interval": super::INTERVAL,
            "url": url,
            "ref": reference,
            "timeout": super::GIT_TIMEOUT,
        },
    });
    if let Some(secret) = fleet.flux.source_secret(&url) {
        source["spec"]["secretRef"] = json!({"name": secret});
    }
    Some(vec![
        source,
        json!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": name, "namespace": "flux-system"},
            "spec": {
                "interval": super::INTERVAL,
                "sourceRef": {"kind": "GitRepository", "name": name},
                "path": path,
                "prune": true,
                "force": false,
            },
        }),
    ])
}
