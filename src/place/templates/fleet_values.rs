//! Every app's templates (values and Application fields), compiled once, evaluated per
//! placement. The render stage asks for a placement's as it writes its Application and drops
//! them right after, so memory does not grow with the number of placements.

use std::sync::OnceLock;

use super::app_layers::{AppLayers, Applied, EvaluatedApp, LayerError};
use super::layer::{self, Scope, Variable};
use super::memory;
use crate::load::{Files, Pointer};
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

impl<'env, 'f> FleetValues<'env, 'f> {
    /// Compiles every app's layers; the templates that do not compile are returned, by app.
    /// `files` locates each template, for the report should it pass the memory bound.
    pub fn new(
        env: &'env minijinja::Environment<'static>,
        fleet: &'f Fleet,
        files: &Files,
    ) -> (Self, Vec<(usize, Vec<LayerError>)>) {
        let mut errors = Vec::new();
        let apps = fleet
            .apps
            .iter()
            .enumerate()
            .map(|(i, app)| {
                let site = |p: &Pointer| memory::site(app, files, p);
                let (layers, failed) = AppLayers::compile(app, env, &site);
                if !failed.is_empty() {
                    errors.push((i, failed));
                }
                layers
            })
            .collect();
        let values = Self {
            fleet,
            apps,
            app_variables: fleet.apps.iter().map(layer::app_variable).collect(),
            cluster_variables: fleet.clusters.iter().map(|_| OnceLock::new()).collect(),
            fleet_variable: layer::fleet_variable(fleet),
        };
        (values, errors)
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

/// The template engine of every value.
pub fn environment() -> minijinja::Environment<'static> {
    layer::environment()
}
