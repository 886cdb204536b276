//! The place stage: decide, for every app and cluster, whether the app lands there, and with
//! which values. The result is a plain, sorted list of placements: easy to test, explain and diff.
//! Values are compiled once per app ([`FleetValues`]) and evaluated per placement as its
//! Application is rendered.

mod application_name;
mod explain;
mod label_index;
pub mod spread;
mod stages;
mod team_namespaces;
pub(crate) mod templates;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Pointer, Target};
use crate::model::{App, Fleet};
use label_index::LabelIndex;

pub use application_name::application_name;
pub use explain::{
    Explanation, OverrideCheck, RequirementCheck, SpreadCheck, ValueOrigin, Verdict, explain,
};
pub use templates::app_layers::{EvaluatedApp, LayerError, LayerId, Part};
pub use templates::fleet_values::{FleetValues, environment as value_environment};
pub use templates::memory::{BoundedAllocator, OnExceeded, Report, TEMPLATE_MEMORY};
pub use templates::plan::Plan;
pub use templates::view::{Evaluated, ValuesView};

/// One app on one cluster. Its values are evaluated when the Application is rendered (see
/// [`FleetValues`]), so a fleet of any size never holds all of them at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Index into [`Fleet::apps`].
    pub app: usize,
    /// Index into [`Fleet::clusters`].
    pub cluster: usize,
    /// The Argo CD Application's name.
    pub application: String,
}

/// What the place stage produces.
pub struct Placed {
    /// Sorted by app name, then cluster name.
    pub placements: Vec<Placement>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Decides every placement (apps in parallel; the result does not depend on the thread count),
/// and reports apps that land nowhere and Application names that collide.
pub fn place(fleet: &Fleet, files: &Files) -> Placed {
    let index = LabelIndex::new(&fleet.clusters);
    let env = templates::layer::environment();
    let (names, mut diagnostics) = application_name::Names::new(&env, fleet, files);
    let per_app: Vec<(Vec<Placement>, Vec<Diagnostic>)> = fleet
        .apps
        .par_iter()
        .enumerate()
        .map(|(i, app)| place_app(fleet, &index, &names, i, app, files))
        .collect();
    let mut placements = Vec::new();
    for (p, d) in per_app {
        placements.extend(p);
        diagnostics.extend(d);
    }
    diagnostics.extend(application_name::check_collisions(
        fleet,
        &placements,
        files,
        names.any_templated(),
    ));
    Placed {
        placements,
        diagnostics,
    }
}

fn place_app(
    fleet: &Fleet,
    labels: &LabelIndex<'_>,
    names: &application_name::Names<'_, '_>,
    index: usize,
    app: &App,
    files: &Files,
) -> (Vec<Placement>, Vec<Diagnostic>) {
    let position = |name: &str| {
        fleet
            .clusters
            .binary_search_by(|c| c.name.as_str().cmp(name))
            .ok()
    };
    let mut failed: std::collections::BTreeMap<String, Vec<&str>> =
        std::collections::BTreeMap::new();
    let placements: Vec<Placement> = placed(fleet, labels, app, &position)
        .into_iter()
        .map(|ci| {
            let cluster = &fleet.clusters[ci].name;
            let application = names.name(index, ci).unwrap_or_else(|message| {
                failed.entry(message).or_default().push(cluster);
                application_name(&app.name, cluster)
            });
            Placement {
                app: index,
                cluster: ci,
                application,
            }
        })
        .collect();
    let failures = failed
        .iter()
        .map(|(message, clusters)| application_name::failure(app, files, message, clusters));
    let nowhere = placements.is_empty().then(|| {
        Diagnostic::warning(
            Code::NoPlacement,
            format!("app `{}` lands on no cluster", app.name),
            Some(files.locate(app.at, &Pointer::parse("/spec/placement"), Target::Key)),
        )
        .with_help("check the selector's keys and values against the clusters' labels (`fleetc ls clusters -l …`)")
    });
    let long = long_names(app, &placements, files);
    let staging = stages::check(fleet, app, &placements, files);
    let scope = scope_mismatches(fleet, app, &placements, files);
    let namespace_owner = team_namespaces::check(fleet, app, &placements, files);
    let found = nowhere
        .into_iter()
        .chain(long)
        .chain(namespace_owner)
        .chain(failures)
        .chain(scope)
        .chain(staging)
        .collect();
    (placements, found)
}

/// The clusters an app lands on (indices, in order): what its placement rule matches, and with
/// a spread only the chosen of those its selector matched, plus the ones it lists.
fn placed(
    fleet: &Fleet,
    labels: &LabelIndex<'_>,
    app: &App,
    position: &dyn Fn(&str) -> Option<usize>,
) -> Vec<usize> {
    let matched = labels.placement(&app.placement, position);
    let Some(spread) = &app.placement.spread else {
        return matched.iter().collect();
    };
    let listed = |i: usize| app.placement.clusters.contains(&fleet.clusters[i].name);
    let standings = spread::standings(
        &app.name,
        spread,
        &fleet.clusters,
        matched.iter().filter(|&i| !listed(i)),
    );
    matched
        .iter()
        .filter(|&i| listed(i) || standings.get(&i).is_some_and(|s| s.chosen))
        .collect()
}

/// Warnings for an app placed on project-scoped clusters (`spec.argocd.project` and
/// `namespaces`) whose scope it is outside: Argo CD refuses to sync such an Application. Only
/// the app's own literal `project` and destination namespace are judged; where an override may
/// change them, nothing is said.
fn scope_mismatches(
    fleet: &Fleet,
    app: &App,
    placements: &[Placement],
    files: &Files,
) -> Vec<Diagnostic> {
    let overridden = app.overrides.iter().any(|o| {
        o.fields.as_ref().is_some_and(|f| {
            f.pointer("/spec/project").is_some() || f.pointer("/spec/destination").is_some()
        })
    });
    if overridden {
        return Vec::new();
    }
    let project = if app.fields.pointer("/spec/project").is_some() {
        app.declared("/spec/project")
    } else {
        Some(crate::model::DEFAULT_PROJECT)
    };
    let namespace = app.declared("/spec/destination/namespace");
    let mut projects: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut namespaces = Vec::new();
    for p in placements {
        let cluster = &fleet.clusters[p.cluster];
        if let (Some(scope), Some(project)) = (&cluster.argocd.project, project)
            && scope != project
        {
            projects.entry(scope).or_default().push(&cluster.name);
        }
        if let Some(ns) = namespace
            && !cluster.argocd.namespaces.is_empty()
            && !cluster.argocd.namespaces.iter().any(|n| n == ns)
        {
            namespaces.push(cluster.name.as_str());
        }
    }
    let names = |clusters: &[&str]| crate::diagnostic::first_names(clusters);
    let mut found = Vec::new();
    for (scope, clusters) in projects {
        let pointer = if app.fields.pointer("/spec/project").is_some() {
            "/spec/project"
        } else {
            "/spec"
        };
        found.push(
            Diagnostic::warning(
                Code::ClusterScope,
                format!(
                    "app `{}` is in project `{}`, but {} {} scoped to project `{scope}`: Argo CD refuses to sync it there",
                    app.name,
                    project.unwrap_or_default(),
                    names(&clusters),
                    if clusters.len() == 1 { "is" } else { "are" }
                ),
                Some(files.locate(app.at, &Pointer::parse(pointer), Target::Key)),
            )
            .with_help("give the app that project (or an override that does, for those clusters), or place it elsewhere"),
        );
    }
    if !namespaces.is_empty() {
        found.push(
            Diagnostic::warning(
                Code::ClusterScope,
                format!(
                    "app `{}` deploys into namespace `{}`, which {} {} Argo CD to (`spec.argocd.namespaces`): Argo CD refuses to sync it there",
                    app.name,
                    namespace.unwrap_or_default(),
                    names(&namespaces),
                    if namespaces.len() == 1 { "does not allow" } else { "do not allow" }
                ),
                Some(files.locate(
                    app.at,
                    &Pointer::parse("/spec/destination/namespace"),
                    Target::Value,
                )),
            )
            .with_help("deploy into one of those namespaces, add this one to the clusters' list, or place the app elsewhere"),
        );
    }
    found
}

/// Argo CD's label tracking puts an Application's name in a label value, cut to 63 characters.
const TRACKED_NAME: usize = 63;

/// A warning when some of an app's Application names are longer than label tracking keeps.
fn long_names(app: &App, placements: &[Placement], files: &Files) -> Option<Diagnostic> {
    let long: Vec<&str> = placements
        .iter()
        .map(|p| p.application.as_str())
        .filter(|name| name.len() > TRACKED_NAME)
        .collect();
    let longest = long
        .iter()
        .max_by_key(|name| (name.len(), std::cmp::Reverse(**name)))?;
    let more = match long.len() {
        1 => String::new(),
        n => format!(" (and {} more of its Applications)", n - 1),
    };
    Some(
        Diagnostic::warning(
            Code::InvalidName,
            format!(
                "app `{}` makes Application `{longest}`, {} characters{more}: with label \
                 tracking, Argo CD cuts the name to {TRACKED_NAME} in the \
                 `app.kubernetes.io/instance` label, so Applications whose names start alike \
                 can claim each other's resources",
                app.name,
                longest.len()
            ),
            Some(files.locate(app.at, &Pointer::parse("/metadata/name"), Target::Value)),
        )
        .with_help("shorten the app's or the clusters' names, or keep Argo CD on annotation tracking (its default since 3.0)"),
    )
}
