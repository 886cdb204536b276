//! Application names: `<app>-<cluster>` by default, or what an app's `applicationName` template
//! makes on the cluster; and the check that no two placements on one hub, and no placement and
//! the hub's root Application, share a name.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::Placement;
use super::templates::app_layers::Applied;
use super::templates::layer::{self, Layer, Scope, Variable};
use super::templates::memory;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Pointer, Target};
use crate::model::Fleet;
use crate::validate::field_rules::FieldRule;

/// The default name of the Argo CD Application for an app on a cluster. App and cluster names
/// are DNS-1123 labels, so the result is always a valid DNS-1123 subdomain; distinct pairs can
/// still meet (`a-b` on `c`, `a` on `b-c`), which the place stage reports.
pub fn application_name(app: &str, cluster: &str) -> String {
    // Built directly: a fleet names hundreds of thousands of Applications.
    let mut name = String::with_capacity(app.len() + 1 + cluster.len());
    name.push_str(app);
    name.push('-');
    name.push_str(cluster);
    name
}

/// Where an app's name template sits.
fn template_at() -> Pointer {
    Pointer::parse("/spec/applicationName")
}

/// The Application names of a fleet's apps: `<app>-<cluster>`, or what an app's
/// `applicationName` template makes on the cluster.
pub(crate) struct Names<'env, 'f> {
    fleet: &'f Fleet,
    /// Per app, its compiled template, if it has one.
    templates: Vec<Option<Layer<'env, 'f>>>,
    apps: Vec<OnceLock<Variable>>,
    clusters: Vec<OnceLock<Variable>>,
    fleet_variable: Variable,
}

impl<'env, 'f> Names<'env, 'f> {
    /// Compiles every app's name template; a template that does not compile is reported, and
    /// its app named by default.
    pub(crate) fn new(
        env: &'env minijinja::Environment<'static>,
        fleet: &'f Fleet,
        files: &Files,
    ) -> (Self, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let templates = fleet
            .apps
            .iter()
            .map(|app| {
                let template = app.application_name.as_ref()?;
                let site = |_: &Pointer| memory::site(app, files, &template_at());
                Layer::compile(env, template, &site, &|_| false, &|_| None)
                    .map_err(|errors| {
                        diagnostics.extend(
                            errors
                                .into_iter()
                                .map(|e| failure(app, files, &e.message, &[])),
                        );
                    })
                    .ok()
            })
            .collect();
        let names = Self {
            fleet,
            templates,
            apps: fleet.apps.iter().map(|_| OnceLock::new()).collect(),
            clusters: fleet.clusters.iter().map(|_| OnceLock::new()).collect(),
            fleet_variable: layer::fleet_variable(fleet),
        };
        (names, diagnostics)
    }

    /// Whether some app names its Applications itself.
    pub(crate) fn any_templated(&self) -> bool {
        self.templates.iter().any(Option::is_some)
    }

    /// The name of the Application of app `app` on cluster `cluster`, or why its template
    /// cannot make one.
    pub(crate) fn name(&self, app: usize, cluster: usize) -> Result<String, String> {
        let (a, c) = (&self.fleet.apps[app], &self.fleet.clusters[cluster]);
        let Some(template) = &self.templates[app] else {
            return Ok(application_name(&a.name, &c.name));
        };
        let vars = Variable::new(&Applied::of(a, c).vars(a));
        let scope = Scope::new(
            self.clusters[cluster].get_or_init(|| layer::cluster_variable(c)),
            self.apps[app].get_or_init(|| layer::app_variable(a)),
            &self.fleet_variable,
            &vars,
        );
        let value = template.evaluate(&scope).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        match FieldRule::ApplicationName.problem(&value) {
            Some(problem) => Err(problem),
            None => Ok(value.as_str().unwrap_or_default().to_owned()),
        }
    }
}

/// The finding of app `app`'s name template failing with `message` on `clusters`.
pub(crate) fn failure(
    app: &crate::model::App,
    files: &Files,
    message: &str,
    clusters: &[&str],
) -> Diagnostic {
    let on = match clusters {
        [] => String::new(),
        [one] => format!(" on cluster `{one}`"),
        [first, rest @ ..] => format!(" on cluster `{first}` and {} more", rest.len()),
    };
    Diagnostic::error(
        Code::ValueTemplate,
        format!(
            "the Application name template of app `{}` fails{on}: {message}",
            app.name
        ),
        Some(files.locate(app.at, &template_at(), Target::Value)),
    )
    .with_help("`applicationName` must make a DNS-1123 subdomain on every cluster the app lands on: lowercase letters, digits, `-` and `.`; its default is `{{ app.name }}-{{ cluster.name }}`")
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
/// With `templated` (some app names its Applications itself), every placement is compared.
pub(crate) fn check_collisions(
    fleet: &Fleet,
    placements: &[Placement],
    files: &Files,
    templated: bool,
) -> Vec<Diagnostic> {
    let suspects = Suspects::new(fleet);
    let mut seen: foldhash::HashMap<(&str, &str), &Placement> = foldhash::HashMap::default();
    let mut diagnostics = root_collisions(fleet, placements, files);
    let suspect = |p: &&Placement| {
        templated || suspects.could_collide(p.app, &fleet.clusters[p.cluster].name)
    };
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
                    .with_help("rename one of the apps or clusters so that `<app>-<cluster>` differs, or change an app's `applicationName`"),
                );
            }
        }
    }
    diagnostics
}

/// Placements whose Application would take the name of an Application fleetc writes itself on
/// their hub: the hub's root Application, which syncs the hub's folder of out/ (replacing it
/// would stop the hub from syncing at all), or the one that syncs the teams' namespaces onto a
/// cluster.
fn root_collisions(fleet: &Fleet, placements: &[Placement], files: &Files) -> Vec<Diagnostic> {
    let mut reserved: foldhash::HashMap<String, (&str, String)> = fleet
        .hubs
        .iter()
        .filter_map(|h| {
            let name = fleet.root_application_name(&h.name)?;
            let what = format!(
                "hub `{}`'s root Application, which syncs the hub's folder of out/",
                h.name
            );
            Some((name, (h.name.as_str(), what)))
        })
        .collect();
    if fleet.repo.is_some() && !fleet.teams.is_empty() {
        for c in &fleet.clusters {
            if !fleet.teams_on(&c.placement_labels).is_empty() {
                let what = format!(
                    "the Application that syncs the teams' namespaces onto cluster `{}`",
                    c.name
                );
                reserved.insert(
                    crate::model::namespaces_application_name(&c.name),
                    (c.hub.as_str(), what),
                );
            }
        }
    }
    if reserved.is_empty() {
        return Vec::new();
    }
    placements
        .iter()
        .filter_map(|p| {
            let cluster = &fleet.clusters[p.cluster];
            let (hub, what) = reserved.get(&p.application)?;
            (*hub == cluster.hub).then_some((p, cluster, what))
        })
        .map(|(p, cluster, what)| {
            let app = &fleet.apps[p.app];
            let at = if app.application_name.is_some() {
                "/spec/applicationName"
            } else {
                "/metadata/name"
            };
            Diagnostic::error(
                Code::ApplicationNameCollision,
                format!(
                    "Application `{}` of app `{}` on cluster `{}` has the name of {what}",
                    p.application, app.name, cluster.name
                ),
                Some(files.locate(app.at, &Pointer::parse(at), Target::Value)),
            )
            .with_help(
                "rename the app (or its `applicationName`) so its Applications are named otherwise",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fleet::fleet;

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
    fn an_app_may_name_its_applications() {
        // Issue 9: GitOps Bridge names addon Applications `addon-<cluster>-<addon>`.
        let addon = "apiVersion: fleetc.dev/v1alpha1\nkind: App\nmetadata: {name: web}\n\
             spec: {applicationName: \"addon-{{ cluster.name }}-{{ vars.short }}\", \
             vars: {short: w}, source: {repoURL: https://x.invalid/r.git, path: p}, \
             destination: {namespace: n}}\n---\n";
        let text = format!("{}{}{addon}", cluster("x"), cluster("b-y"));
        let compiled = crate::test_fleet::compiled("", &text);
        assert!(
            compiled.diagnostics.is_empty(),
            "{:#?}",
            compiled.diagnostics
        );
        let applications: Vec<&str> = compiled
            .placements
            .iter()
            .map(|p| p.application.as_str())
            .collect();
        assert_eq!(applications, ["addon-b-y-w", "addon-x-w"]);
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
