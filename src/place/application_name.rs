use std::collections::HashSet;

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

/// Which placements could produce another app's Application name: `<a>-<c>` equals
/// `<a2>-<c2>` for different apps only when one app is the other followed by `-<x>` (`a2` is
/// `a-x`) and the first cluster is `<x>-<c2>`. Few placements pass; only those are compared.
struct Suspects<'f> {
    /// Per app, each `x` such that `<app>-<x>` is an app too.
    longer: Vec<Vec<&'f str>>,
    /// Per app that is `<a>-<x>` for an app `a`, each `c` such that `<x>-<c>` is a cluster.
    shorter: Vec<HashSet<&'f str>>,
}

impl<'f> Suspects<'f> {
    fn new(fleet: &'f Fleet) -> Self {
        let mut longer = vec![Vec::new(); fleet.apps.len()];
        let mut shorter = vec![HashSet::new(); fleet.apps.len()];
        for (i, short) in fleet.apps.iter().enumerate() {
            for (j, long) in fleet.apps.iter().enumerate() {
                let Some(x) = long
                    .name
                    .strip_prefix(short.name.as_str())
                    .and_then(|rest| rest.strip_prefix('-'))
                else {
                    continue;
                };
                longer[i].push(x);
                shorter[j].extend(
                    fleet
                        .clusters
                        .iter()
                        .filter_map(|c| after_prefix(&c.name, x)),
                );
            }
        }
        Self { longer, shorter }
    }

    /// Whether app `app` on cluster `cluster` could meet another app's Application.
    fn could_collide(&self, app: usize, cluster: &str) -> bool {
        self.longer[app]
            .iter()
            .any(|x| after_prefix(cluster, x).is_some())
            || self.shorter[app].contains(cluster)
    }
}

/// What follows `<prefix>-` in `name`, if `name` starts with it.
fn after_prefix<'n>(name: &'n str, prefix: &str) -> Option<&'n str> {
    name.strip_prefix(prefix)?.strip_prefix('-')
}

/// Two placements on one hub that would produce the same Application name: Argo CD would keep
/// neither, so it is an error, reported at the later app.
pub(crate) fn check_collisions(
    fleet: &Fleet,
    placements: &[Placement],
    files: &Files,
) -> Vec<Diagnostic> {
    let suspects = Suspects::new(fleet);
    let mut seen: foldhash::HashMap<(&str, &str), &Placement> = foldhash::HashMap::default();
    let mut diagnostics = Vec::new();
    let suspect = |p: &&Placement| suspects.could_collide(p.app, &fleet.clusters[p.cluster].name);
    for p in placements.iter().filter(suspect) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::test_fleet::fleet;

    fn cluster(name: &str) -> String {
        format!(
            "apiVersion: fleetc.dev/v1alpha1\nkind: Cluster\nmetadata: {{name: {name}}}\n\
             spec: {{provider: aws, hub: hub-eu, connection: {{secretStore: {{name: aws-eu}}}}}}\n---\n"
        )
    }

    fn app(name: &str) -> String {
        format!(
            "apiVersion: fleetc.dev/v1alpha1\nkind: App\nmetadata: {{name: {name}}}\n\
             spec: {{source: {{repoURL: https://x.invalid/r.git, path: p}}, destination: {{namespace: n}}, \
             placement: {{selector: {{matchLabels: {{hub: nowhere}}}}}}}}\n---\n"
        )
    }

    #[test]
    fn only_placements_whose_names_can_meet_are_suspects() {
        let apps = ["a", "a-b", "ab", "c", "web", "web-api", "webx"].map(app);
        let clusters = ["x", "b-x", "b-y", "api-x"].map(cluster);
        let f = fleet("", &format!("{}{}", clusters.concat(), apps.concat()));
        let suspects = Suspects::new(&f);
        let mut flagged = Vec::new();
        for (i, a) in f.apps.iter().enumerate() {
            for c in &f.clusters {
                if suspects.could_collide(i, &c.name) {
                    flagged.push(format!("{}-{}", a.name, c.name));
                }
            }
        }
        // `a` on `b-x` meets `a-b` on `x`, and `web` on `api-x` meets `web-api` on `x`; `a` on
        // `b-y` could meet `a-b` on `y`, a cluster this fleet lacks.
        assert_eq!(
            flagged,
            ["a-b-x", "a-b-y", "a-b-x", "web-api-x", "web-api-x"]
        );
    }
}
