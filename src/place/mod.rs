//! The place stage: decide, for every app and cluster, whether the app lands there, and with
//! which values. The result is a plain, sorted list of placements: easy to test, explain and diff.

mod application_name;
pub mod selector;
pub mod selector_string;
mod values;

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Pointer, Target};
use crate::model::{App, Fleet, deep_merge};

pub use application_name::application_name;

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

/// The compiled value layers of an app: its `values`, then each override with its index.
struct Layers<'env, 'source> {
    base: Option<values::Layer<'env, 'source>>,
    overrides: Vec<(usize, values::Layer<'env, 'source>)>,
}

fn compile_layers<'env, 'source>(
    app: &'source App,
    env: &'env minijinja::Environment<'static>,
    errors: &mut Vec<(Pointer, String, Option<String>)>,
) -> Layers<'env, 'source> {
    let mut compile =
        |values: &'source Value, at: Pointer| match values::Layer::compile(env, values) {
            Ok(layer) => Some(layer),
            Err(es) => {
                errors.extend(
                    es.into_iter()
                        .map(|e| (at.clone().join(&e.pointer), e.message, None)),
                );
                None
            }
        };
    let base = app
        .values
        .as_ref()
        .and_then(|v| compile(v, Pointer::parse("/spec/values")));
    let overrides = app
        .overrides
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            compile(
                &o.values,
                Pointer::parse("/spec/overrides").index(i).key("values"),
            )
            .map(|l| (i, l))
        })
        .collect();
    Layers { base, overrides }
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
    // (pointer in the app document, message, cluster)
    let mut errors: Vec<(Pointer, String, Option<String>)> = Vec::new();
    let layers = compile_layers(app, env, &mut errors);
    let app_context = values::app_context(app);
    let mut placements = Vec::new();
    for (ci, cluster) in fleet.clusters.iter().enumerate() {
        if !app
            .placement
            .matches(&cluster.name, &cluster.placement_labels)
        {
            continue;
        }
        let context = minijinja::context! {
            cluster => clusters[ci].clone(),
            app => app_context.clone(),
            fleet => fleet_context.clone(),
        };
        let mut merged: Option<Value> = None;
        let mut apply = |layer: &values::Layer<'_, '_>, at: Pointer| match layer.evaluate(&context)
        {
            Ok(v) => deep_merge(
                merged.get_or_insert_with(|| Value::Object(serde_json::Map::new())),
                &v,
            ),
            Err(es) => errors.extend(es.into_iter().map(|e| {
                (
                    at.clone().join(&e.pointer),
                    e.message,
                    Some(cluster.name.clone()),
                )
            })),
        };
        if let Some(base) = &layers.base {
            apply(base, Pointer::parse("/spec/values"));
        }
        for (i, layer) in &layers.overrides {
            if app.overrides[*i]
                .selector
                .matches(&cluster.placement_labels)
            {
                apply(
                    layer,
                    Pointer::parse("/spec/overrides").index(*i).key("values"),
                );
            }
        }
        placements.push(Placement {
            app: index,
            cluster: ci,
            application: application_name(&app.name, &cluster.name),
            values: merged,
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
