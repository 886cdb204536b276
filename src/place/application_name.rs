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

/// The apps whose Applications could meet another app's: `<a>-<c>` equals `<a2>-<c2>` for
/// different apps only when one app's name is the other's followed by `-…` (`a` and `a-b`).
fn suspects(fleet: &Fleet) -> Vec<bool> {
    let names: Vec<&str> = fleet.apps.iter().map(|a| a.name.as_str()).collect();
    names
        .iter()
        .map(|a| {
            names.iter().any(|b| {
                let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
                long.len() > short.len()
                    && long.starts_with(short)
                    && long.as_bytes()[short.len()] == b'-'
            })
        })
        .collect()
}

/// Two placements on one hub that would produce the same Application name: Argo CD would keep
/// neither, so it is an error, reported at the later app.
pub(crate) fn check_collisions(
    fleet: &Fleet,
    placements: &[Placement],
    files: &Files,
) -> Vec<Diagnostic> {
    let suspects = suspects(fleet);
    let mut seen: foldhash::HashMap<(&str, &str), &Placement> = foldhash::HashMap::default();
    let mut diagnostics = Vec::new();
    for p in placements.iter().filter(|p| suspects[p.app]) {
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
             spec: {{source: {{repoURL: https://x.invalid/r.git, path: p}}, destination: {{namespace: n}}}}\n---\n"
        )
    }

    #[test]
    fn only_dash_prefixed_app_names_are_suspects() {
        let docs = [
            app("a"),
            app("a-b"),
            app("ab"),
            app("c"),
            app("web"),
            app("web-api"),
            app("webx"),
        ]
        .concat();
        let f = fleet("", &format!("{}{docs}", cluster("x")));
        let flagged: Vec<&str> = suspects(&f)
            .iter()
            .zip(&f.apps)
            .filter(|(s, _)| **s)
            .map(|(_, a)| a.name.as_str())
            .collect();
        assert_eq!(flagged, ["a", "a-b", "web", "web-api"]);
    }
}
