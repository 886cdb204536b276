//! What can fail while a fleet is rendered, though it validated: a template (on some clusters,
//! or not compiling at all), an Application too large to store, an object that looks like it
//! holds a secret. Rendering collects them all; [`RenderErrors::diagnostics`] turns them into
//! findings located in the fleet's files.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Pointer, Target};
use crate::model::Fleet;
use crate::place::LayerError;
use crate::render::team_scope::Breach;

/// What failed while rendering, making the fleet invalid: templates (by app, the failing string
/// and message, with the clusters it failed for, none for a syntax error), Applications larger
/// than the API server stores, and rendered objects that look like they hold a secret.
#[derive(Debug, Default)]
pub struct RenderErrors {
    errors: BTreeMap<(usize, Pointer, Code, String), Vec<String>>,
    /// Applications larger than the API server stores: by app, (cluster, bytes), and the limit.
    oversized: BTreeMap<usize, (Vec<(String, usize)>, usize)>,
    /// Rendered objects that look like they hold a secret: what produced each, and what.
    secrets: BTreeMap<(Origin, String), &'static str>,
    /// Clusters whose rendered connection the hub's cluster Secret policy would refuse, with
    /// why.
    policy: BTreeMap<usize, Vec<String>>,
    /// Applications outside their team's scope: by app, breach and where the App document
    /// declares what breaches it, the clusters.
    breaches: BTreeMap<(usize, Breach, String), Vec<String>>,
    /// Placements on Flux hubs the hub cannot deliver: by app, where and why, the clusters.
    unfit: BTreeMap<(usize, String, String), Vec<String>>,
}

/// What a rendered object comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// An app's Application (index into the fleet's apps).
    App(usize),
    /// A cluster's own objects (index into the fleet's clusters).
    Cluster(usize),
}

impl RenderErrors {
    /// Records the failures of one app, on one cluster or (syntax errors) on none.
    pub fn add(&mut self, app: usize, failed: Vec<LayerError>, cluster: Option<&str>) {
        for (pointer, code, message) in failed {
            let clusters = self
                .errors
                .entry((app, pointer, code, message))
                .or_default();
            clusters.extend(cluster.map(str::to_owned));
        }
    }

    /// Records that app `app`'s Application on `cluster` is `bytes` long, over `limit`.
    pub fn add_oversized(&mut self, app: usize, cluster: &str, bytes: usize, limit: usize) {
        let entry = self
            .oversized
            .entry(app)
            .or_insert_with(|| (Vec::new(), limit));
        entry.0.push((cluster.to_owned(), bytes));
    }

    /// Records that the rendered `object` (as users name it: its file and kind and name) looks
    /// like it holds `what`.
    pub fn add_rendered_secret(&mut self, origin: Origin, object: String, what: &'static str) {
        self.secrets.insert((origin, object), what);
    }

    /// Records why the hub's cluster Secret policy would refuse cluster `cluster`'s rendered
    /// connection (nothing when it admits it).
    pub fn add_policy_violations(
        &mut self,
        cluster: usize,
        violations: &[crate::render::secret_policy::Violation],
    ) {
        if !violations.is_empty() {
            let why = violations.iter().map(ToString::to_string).collect();
            self.policy.insert(cluster, why);
        }
    }

    /// Records that app `app`'s Application on `cluster` breaks its team's scope, by what its
    /// document declares at `pointer`.
    pub(crate) fn add_breach(
        &mut self,
        app: usize,
        breach: Breach,
        pointer: String,
        cluster: &str,
    ) {
        self.breaches
            .entry((app, breach, pointer))
            .or_default()
            .push(cluster.to_owned());
    }

    /// Records that app `app`'s placement on `cluster`, a cluster of a Flux hub, cannot be
    /// delivered, for `why`, declared at `pointer` of its App document.
    pub(crate) fn add_unfit(&mut self, app: usize, pointer: String, why: String, cluster: &str) {
        self.unfit
            .entry((app, pointer, why))
            .or_default()
            .push(cluster.to_owned());
    }

    /// Adds every failure of `other`.
    pub fn merge(&mut self, other: RenderErrors) {
        for (key, clusters) in other.unfit {
            self.unfit.entry(key).or_default().extend(clusters);
        }
        for (key, clusters) in other.breaches {
            self.breaches.entry(key).or_default().extend(clusters);
        }
        self.secrets.extend(other.secrets);
        self.policy.extend(other.policy);
        for (key, clusters) in other.errors {
            self.errors.entry(key).or_default().extend(clusters);
        }
        for (app, (clusters, limit)) in other.oversized {
            let entry = self
                .oversized
                .entry(app)
                .or_insert_with(|| (Vec::new(), limit));
            entry.0.extend(clusters);
        }
    }

    /// Forgets the rendered objects that look like they hold a secret: for a fleet whose
    /// checks already found a credential, which the objects rendered from it repeat.
    pub fn forget_rendered_secrets(&mut self) {
        self.secrets.clear();
    }

    /// Whether nothing failed.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
            && self.oversized.is_empty()
            && self.secrets.is_empty()
            && self.policy.is_empty()
            && self.breaches.is_empty()
            && self.unfit.is_empty()
    }

    /// One diagnostic per failing string and message, naming the clusters it failed for, and
    /// one per app whose Application is too large anywhere.
    pub fn diagnostics(self, fleet: &Fleet, files: &Files) -> Vec<Diagnostic> {
        let oversized = self.oversized.into_iter().map(|(app, (mut clusters, limit))| {
            clusters.sort();
            let app = &fleet.apps[app];
            let (cluster, bytes) = clusters
                .iter()
                .max_by_key(|(c, b)| (*b, std::cmp::Reverse(c.clone())))
                .cloned()
                .unwrap_or_default();
            let more = match clusters.len() {
                1 => String::new(),
                n => format!(" (and on {} more clusters)", n - 1),
            };
            Diagnostic::error(
                Code::ObjectSize,
                format!(
                    "the Application of app `{}` on cluster `{cluster}` is {bytes} bytes{more}; \
                     the hub's API server stores objects of at most about {limit} bytes (1.5 MiB)",
                    app.name
                ),
                Some(files.locate(app.at, &Pointer::parse("/spec/values"), Target::Key)),
            )
            .with_help("keep large data out of Helm values: a values file in the app's repository is read by Argo CD, not stored in the Application")
        });
        let mut found: Vec<Diagnostic> = oversized.collect();
        found.extend(self.secrets.into_iter().map(|((origin, object), what)| {
            let (whose, at) = match origin {
                Origin::App(i) => (format!("app `{}`", fleet.apps[i].name), fleet.apps[i].at),
                Origin::Cluster(i) => (
                    format!("cluster `{}`", fleet.clusters[i].name),
                    fleet.clusters[i].origin.cluster,
                ),
            };
            Diagnostic::error(
                Code::Credential,
                format!(
                    "{object}, rendered from {whose}, looks like it holds {what}; fleetc writes \
                     no credential into out/"
                ),
                Some(files.document_location(at)),
            )
            .with_help("find where the value comes from (`fleetc explain`), and keep the secret in a secrets manager")
        }));
        found.extend(self.policy.into_iter().map(|(i, why)| {
            let cluster = &fleet.clusters[i];
            Diagnostic::error(
                Code::Connection,
                format!(
                    "the cluster Secret of cluster `{}` would be refused by its hub's cluster Secret policy: {}",
                    cluster.name,
                    why.join("; ")
                ),
                Some(files.document_location(cluster.origin.cluster)),
            )
            .with_help("connect with a cloud identity (the `eks`, `gke`, `aks` or `capi` forms), or from a secret store whose entry the policy admits")
        }));
        found.extend(self.unfit.into_iter().map(|((app, pointer, why), mut clusters)| {
            clusters.sort();
            let app = &fleet.apps[app];
            Diagnostic::error(
                Code::Engine,
                format!(
                    "app `{}` lands on {} of a Flux hub, but {why}",
                    app.name,
                    on_clusters(&clusters)
                ),
                Some(files.locate(app.at, &Pointer::parse(&pointer), Target::Key)),
            )
            .with_help("place the app only on Argo CD hubs' clusters, or write it as a Flux hub delivers it: one `source` (a git path or a chart), its values, its namespace")
        }));
        found.extend(self.breaches.into_iter().map(|((app, breach, pointer), mut clusters)| {
            clusters.sort();
            let app = &fleet.apps[app];
            Diagnostic::error(
                Code::Team,
                format!(
                    "app `{}` is in the project of team `{}`, but on {} its Application {}",
                    app.name,
                    breach.team(),
                    on_clusters(&clusters),
                    breach.describe(fleet)
                ),
                Some(files.locate(app.at, &Pointer::parse(&pointer), Target::Value)),
            )
            .with_help("an app of a team's project deploys only to the team's clusters and namespaces, from its repositories: change the app's placement, namespace or source, or the Team")
        }));
        found.extend(self.errors
            .into_iter()
            .map(|((app, pointer, code, message), mut clusters)| {
                clusters.sort();
                let app = &fleet.apps[app];
                let on = if clusters.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", on_clusters(&clusters))
                };
                let undefined = message.ends_with("is undefined");
                let what = if is_value(&pointer) { "value template" } else { "template" };
                let d = Diagnostic::error(
                    code,
                    format!("{what} of app `{}` fails{on}: {message}", app.name),
                    Some(files.locate(app.at, &pointer, Target::Value)),
                );
                if code == Code::Credential {
                    d.with_help("put the secret in a Kubernetes Secret on the cluster and point the chart at it, or refer to it (Argo CD's `$secret:key`, a `${VAR}` placeholder)")
                } else if code == Code::UnportableText {
                    d.with_help("drop the character from what the template produces")
                } else if undefined {
                    d.with_help("templates see `cluster` (name, labels, annotations, provider, region, environment, hub, kubernetesVersion), `app` (name, namespace, project), `fleet` (name) and `vars`; use `| default(…)` for a name some clusters lack")
                } else {
                    d.with_help("templated strings are minijinja templates (see https://docs.rs/minijinja for the syntax, filters and tests); to hand `{{ … }}` to Helm's own templating (`tpl`, alert rules), write it inside `{% raw %}…{% endraw %}`")
                }
            }));
        found
    }
}

/// "cluster `a`", or "3 clusters (`a`, `b`, `c`)", and past three "… and 2 more".
fn on_clusters(clusters: &[String]) -> String {
    match clusters {
        [one] => format!("cluster `{one}`"),
        many => format!(
            "{} clusters ({})",
            many.len(),
            crate::diagnostic::first_names(many)
        ),
    }
}

/// Whether `pointer` (into an App document) is in Helm values, rather than an Application
/// field.
fn is_value(pointer: &Pointer) -> bool {
    use crate::load::Segment;
    let key = |s: &Segment, name: &str| matches!(s, Segment::Key(k) if k == name);
    match pointer.segments() {
        [_, overrides, Segment::Index(_), values, ..] if key(overrides, "overrides") => {
            key(values, "values")
        }
        [_, values, ..] => key(values, "values"),
        _ => false,
    }
}
