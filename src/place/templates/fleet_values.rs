//! Every app's templates (values and Application fields), compiled once, evaluated per
//! placement. The render stage asks for a placement's as it writes its Application and drops
//! them right after, so memory does not grow with the number of placements.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::app_layers::{AppLayers, Applied, EvaluatedApp, LayerError};
use super::layer::{self, Scope, Variable};
use super::memory;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Pointer, Target};
use crate::model::Fleet;
use crate::place::Placement;

/// The compiled values of every app, with the template contexts of the clusters they meet.
pub struct FleetValues<'env, 'f> {
    fleet: &'f Fleet,
    apps: Vec<AppLayers<'env, 'f>>,
    app_variables: Vec<Variable>,
    /// Built for a cluster when one of its placements is first evaluated.
    cluster_variables: Vec<OnceLock<Variable>>,
    fleet_variable: Variable,
}

/// Value templates that failed: by app, the failing string and message, with the clusters it
/// failed for (none for a syntax error).
#[derive(Debug, Default)]
pub struct ValueErrors {
    errors: BTreeMap<(usize, Pointer, Code, String), Vec<String>>,
    /// Applications larger than the API server stores: by app, (cluster, bytes), and the limit.
    oversized: BTreeMap<usize, (Vec<(String, usize)>, usize)>,
    /// Rendered objects that look like they hold a secret: what produced each, and what.
    secrets: BTreeMap<(Origin, String), &'static str>,
}

/// What a rendered object comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// An app's Application (index into the fleet's apps).
    App(usize),
    /// A cluster's own objects (index into the fleet's clusters).
    Cluster(usize),
}

impl ValueErrors {
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

    /// Adds every failure of `other`.
    pub fn merge(&mut self, other: ValueErrors) {
        self.secrets.extend(other.secrets);
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

    /// Whether nothing failed.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.oversized.is_empty() && self.secrets.is_empty()
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
        found.extend(self.errors
            .into_iter()
            .map(|((app, pointer, code, message), mut clusters)| {
                clusters.sort();
                let app = &fleet.apps[app];
                let on = match clusters.as_slice() {
                    [] => String::new(),
                    [one] => format!(" on cluster `{one}`"),
                    many => {
                        let shown: Vec<String> = many.iter().take(3).map(|c| format!("`{c}`")).collect();
                        let more = many.len().saturating_sub(3);
                        let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
                        format!(" on {} clusters ({}{tail})", many.len(), shown.join(", "))
                    }
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

impl<'env, 'f> FleetValues<'env, 'f> {
    /// Compiles every app's value layers; syntax errors go to `errors`. `files` locates each
    /// template, for the report should it pass the memory bound.
    pub fn new(
        env: &'env minijinja::Environment<'static>,
        fleet: &'f Fleet,
        files: &Files,
        errors: &mut ValueErrors,
    ) -> Self {
        let apps = fleet
            .apps
            .iter()
            .enumerate()
            .map(|(i, app)| {
                let site = |p: &Pointer| memory::site(app, files, p);
                let (layers, failed) = AppLayers::compile(app, env, &site);
                errors.add(i, failed, None);
                layers
            })
            .collect();
        Self {
            fleet,
            apps,
            app_variables: fleet.apps.iter().map(layer::app_variable).collect(),
            cluster_variables: fleet.clusters.iter().map(|_| OnceLock::new()).collect(),
            fleet_variable: layer::fleet_variable(fleet),
        }
    }

    /// The layers of one placement's values and Application fields, evaluated, or what failed
    /// (nothing new, for an app whose templates did not compile: that was reported then).
    pub fn evaluate(&self, placement: &Placement) -> Result<EvaluatedApp<'_>, Vec<LayerError>> {
        let app = &self.fleet.apps[placement.app];
        let cluster = &self.fleet.clusters[placement.cluster];
        let layers = &self.apps[placement.app];
        if layers.is_broken() {
            return Err(Vec::new());
        }
        let applied = Applied::of(app, cluster);
        let vars = layers.vars(app, &applied);
        let scope = Scope::new(
            self.cluster_variables[placement.cluster]
                .get_or_init(|| layer::cluster_variable(cluster)),
            &self.app_variables[placement.app],
            &self.fleet_variable,
            &vars,
        );
        let (evaluated, failed) = layers.evaluate_holes(&applied, &scope);
        if failed.is_empty() {
            Ok(evaluated)
        } else {
            Err(failed)
        }
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

/// The template engine of every value.
pub fn environment() -> minijinja::Environment<'static> {
    layer::environment()
}
