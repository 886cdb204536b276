use std::collections::HashMap;

use super::Placement;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Pointer, Target};
use crate::model::Fleet;

/// The name of the Argo CD Application for an app on a cluster. App and cluster names are
/// DNS-1123 labels, so the result is always a valid DNS-1123 subdomain; distinct pairs can still
/// meet (`a-b` on `c`, `a` on `b-c`), which [`check_collisions`] reports.
pub fn application_name(app: &str, cluster: &str) -> String {
    format!("{app}-{cluster}")
}

/// Two placements on one hub that would produce the same Application name: Argo CD would keep
/// neither, so it is an error, reported at the later app.
pub(crate) fn check_collisions(
    fleet: &Fleet,
    placements: &[Placement],
    files: &Files,
) -> Vec<Diagnostic> {
    let mut seen: HashMap<(&str, &str), &Placement> = HashMap::new();
    let mut diagnostics = Vec::new();
    for p in placements {
        let hub = fleet.clusters[p.cluster].hub.as_str();
        match seen.get(&(hub, p.application.as_str())) {
            None => {
                seen.insert((hub, p.application.as_str()), p);
            }
            Some(first) => {
                let (a1, c1) = (&fleet.apps[first.app], &fleet.clusters[first.cluster]);
                let (a2, c2) = (&fleet.apps[p.app], &fleet.clusters[p.cluster]);
                diagnostics.push(
                    Diagnostic::error(
                        Code::ApplicationNameCollision,
                        format!(
                            "Application `{}` on hub `{hub}` comes from app `{}` on cluster `{}` and from app `{}` on cluster `{}`; Argo CD would drop both",
                            p.application, a1.name, c1.name, a2.name, c2.name
                        ),
                        Some(files.locate(a2.at, &Pointer::parse("/metadata/name"), Target::Value)),
                    )
                    .with_help("rename one of the apps or clusters so that `<app>-<cluster>` differs"),
                );
            }
        }
    }
    diagnostics
}
