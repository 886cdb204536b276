//! The place stage: decide, for every app and cluster, whether the app lands there, and with
//! which values. The result is a plain, sorted list of placements: easy to test, explain and diff.

mod application_name;
mod changes;
mod explain;
pub mod selector;
pub mod selector_string;
mod value_layers;
mod values;

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Pointer, Target};
use crate::model::{App, Fleet};
use value_layers::AppLayers;

pub use application_name::application_name;
pub use changes::{AppChange, PlacementChanges, Side as PlacementSide, placement_changes};
pub use explain::{Explanation, OverrideCheck, RequirementCheck, ValueOrigin, Verdict, explain};
pub use value_layers::LayerId;

/// One app on one cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Index into [`Fleet::apps`].
    pub app: usize,
    /// Index into [`Fleet::clusters`].
    pub cluster: usize,
    /// The Argo CD Application's name.
    pub application: String,
    /// The final Helm values, if the app has any.
    pub values: Option<Value>,
}

/// What the place stage produces.
pub struct Placed {
    /// Sorted by app name, then cluster name.
    pub placements: Vec<Placement>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Places every app (apps in parallel; the result does not depend on the thread count).
pub fn place(fleet: &Fleet, files: &Files) -> Placed {
    let env = values::environment();
    let clusters: Vec<minijinja::Value> = fleet
        .clusters
        .par_iter()
        .map(values::cluster_context)
        .collect();
    let fleet_context = values::fleet_context(fleet);
    let per_app: Vec<(Vec<Placement>, Vec<Diagnostic>)> = fleet
        .apps
        .par_iter()
        .enumerate()
        .map(|(index, app)| place_app(fleet, index, app, &env, &clusters, &fleet_context, files))
        .collect();
    let mut placements = Vec::new();
    let mut diagnostics = Vec::new();
    for (p, d) in per_app {
        placements.extend(p);
        diagnostics.extend(d);
    }
    diagnostics.extend(application_name::check_collisions(
        fleet,
        &placements,
        files,
    ));
    Placed {
        placements,
        diagnostics,
    }
}

fn place_app(
    fleet: &Fleet,
    index: usize,
    app: &App,
    env: &minijinja::Environment<'static>,
    clusters: &[minijinja::Value],
    fleet_context: &minijinja::Value,
    files: &Files,
) -> (Vec<Placement>, Vec<Diagnostic>) {
    let (layers, compile_errors) = AppLayers::compile(app, env);
    // (pointer in the app document, message, cluster)
    let mut errors: Vec<(Pointer, String, Option<String>)> = compile_errors
        .into_iter()
        .map(|(p, m)| (p, m, None))
        .collect();
    let app_context = values::app_context(app);
    let mut placements = Vec::new();
    for (ci, cluster) in fleet.clusters.iter().enumerate() {
        if !app
            .placement
            .matches(&cluster.name, &cluster.placement_labels)
        {
            continue;
        }
        let context = value_layers::context(&clusters[ci], &app_context, fleet_context);
        let (evaluated, failed) = layers.evaluate(app, cluster, &context);
        errors.extend(
            failed
                .into_iter()
                .map(|(p, m)| (p, m, Some(cluster.name.clone()))),
        );
        placements.push(Placement {
            app: index,
            cluster: ci,
            application: application_name(&app.name, &cluster.name),
            values: value_layers::merge(&evaluated),
        });
    }
    let mut diagnostics = template_diagnostics(app, errors, files);
    if placements.is_empty() {
        diagnostics.push(
            Diagnostic::warning(
                Code::NoPlacement,
                format!("app `{}` lands on no cluster", app.name),
                Some(files.locate(app.at, &Pointer::parse("/spec/placement"), Target::Key)),
            )
            .with_help("check the selector's keys and values against the clusters' labels (`fleetc ls clusters -l …`)"),
        );
    }
    (placements, diagnostics)
}

/// One diagnostic per failing string and message, naming the clusters it failed for.
fn template_diagnostics(
    app: &App,
    errors: Vec<(Pointer, String, Option<String>)>,
    files: &Files,
) -> Vec<Diagnostic> {
    let mut grouped: Vec<((Pointer, String), Vec<String>)> = Vec::new();
    for (pointer, message, cluster) in errors {
        let key = (pointer, message);
        match grouped.iter_mut().find(|(k, _)| *k == key) {
            Some((_, clusters)) => clusters.extend(cluster),
            None => grouped.push((key, cluster.into_iter().collect())),
        }
    }
    grouped
        .into_iter()
        .map(|((pointer, message), clusters)| {
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
            Diagnostic::error(
                Code::ValueTemplate,
                format!("value template of app `{}` fails{on}: {message}", app.name),
                Some(files.locate(app.at, &pointer, Target::Value)),
            )
            .with_help("value templates see `cluster` (name, labels, annotations, provider, region, environment, hub, kubernetesVersion), `app` and `fleet`; use `| default(…)` for a name some clusters lack")
        })
        .collect()
}
