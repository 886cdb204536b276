//! Why an app lands on a cluster, or does not: each selector requirement with the cluster's
//! value and its result, the explicit lists, each override, and where every final Application
//! field and value came from. Plain data; the command line words it.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::application_name;
use super::application_name::Names;
use super::templates::app_layers::{self, AppLayers, Applied, LayerId, Part};
use super::templates::{layer, memory};
use crate::diagnostic::Location;
use crate::load::{Files, Pointer, Target};
use crate::model::{App, Cluster, Fleet, LayerOrigin};
use crate::selector::{Requirement, Selector};

/// One requirement of a selector, judged against the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementCheck {
    /// The requirement in kubectl syntax (`region in (eu-west-1,eu-central-1)`).
    pub requirement: String,
    pub key: String,
    /// The cluster's value for the key, if it has the label.
    pub value: Option<String>,
    pub matches: bool,
}

/// How the placement decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Listed in `exclude`: never placed.
    Excluded,
    /// Listed in `clusters`.
    Listed,
    /// Matched by the selector.
    Selected,
    /// No selector and no `clusters` list: every cluster.
    Everywhere,
    /// Not listed, and the selector does not match.
    NotSelected,
    /// No selector, and `clusters` lists others only.
    NotListed,
    /// Matched (by the selector, or by no selector at all), and chosen by the spread.
    Chosen,
    /// Matched, but the spread does not choose it: outranked in its group, or without the key.
    NotChosen,
}

impl Verdict {
    /// Whether the app lands.
    pub fn lands(self) -> bool {
        matches!(
            self,
            Verdict::Listed | Verdict::Selected | Verdict::Everywhere | Verdict::Chosen
        )
    }
}

/// Where the cluster stands in the app's spread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpreadCheck {
    pub key: String,
    pub count: usize,
    /// The `prefer` selector in kubectl syntax, if any.
    pub prefer: Option<String>,
    /// The cluster's value of the key (`None`: it lacks the label).
    pub value: Option<String>,
    /// Its rank in its group, from 1 (0 without the key).
    pub rank: usize,
    /// How many matched clusters share its value.
    pub of: usize,
    pub preferred: bool,
    pub chosen: bool,
}

/// One override, judged against the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverrideCheck {
    pub index: usize,
    pub location: Location,
    pub requirements: Vec<RequirementCheck>,
    /// Whether the override's `clusters` names the cluster.
    pub named: bool,
    pub applies: bool,
}

/// One final value (or Application field) and the layer that set it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueOrigin {
    /// Dotted path in the Helm values (`serviceAccount.annotations["eks.amazonaws.com/role-arn"]`),
    /// or in the Application (`spec.source.targetRevision`).
    pub path: String,
    pub value: Value,
    /// The layer: `None` for the app's own (`values` in JSON), else the override's or stage's
    /// (`overrides[i]`, `stages[i]`).
    #[serde(serialize_with = "layer_name")]
    pub layer: Option<LayerOrigin>,
    pub location: Location,
    /// The template the value was rendered from, if it was one.
    pub template: Option<String>,
}

/// A layer as JSON names it: `values`, `overrides[i]`, `stages[i]`.
#[allow(
    clippy::ref_option,
    reason = "serde's `serialize_with` passes a reference to the field"
)]
fn layer_name<S: serde::Serializer>(layer: &Option<LayerOrigin>, s: S) -> Result<S::Ok, S::Error> {
    match layer {
        None => s.serialize_str("values"),
        Some(LayerOrigin::Override(i)) => s.serialize_str(&format!("overrides[{i}]")),
        Some(LayerOrigin::Stage(i)) => s.serialize_str(&format!("stages[{i}]")),
    }
}

/// The whole answer to "does this app land on that cluster, and why?".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub app: String,
    pub cluster: String,
    pub hub: String,
    pub verdict: Verdict,
    /// The Application's name, when the app lands.
    pub application: Option<String>,
    pub placement: Location,
    /// `None` when the selector is omitted.
    pub selector: Option<Vec<RequirementCheck>>,
    pub clusters: Vec<String>,
    pub exclude: Vec<String>,
    /// The spread's choice, when the app has one and the cluster is matched but not listed.
    pub spread: Option<SpreadCheck>,
    /// The rollout stage the cluster is in, when the app has stages.
    pub stage: Option<String>,
    pub overrides: Vec<OverrideCheck>,
    /// The Application fields the app sets, leaf by leaf, when the app lands.
    pub fields: Vec<ValueOrigin>,
    /// The vars its templates read, leaf by leaf, when the app lands.
    pub vars: Vec<ValueOrigin>,
    /// The final values, leaf by leaf, when the app lands.
    pub values: Vec<ValueOrigin>,
    /// Templates that fail on this cluster.
    pub errors: Vec<TemplateError>,
}

/// A template that fails on the cluster: where it is, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateError {
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
}

fn check(requirement: &Requirement, labels: &BTreeMap<String, String>) -> RequirementCheck {
    RequirementCheck {
        requirement: requirement.to_string(),
        key: requirement.key().to_owned(),
        value: labels.get(requirement.key()).cloned(),
        matches: requirement.matches(labels),
    }
}

fn checks(selector: &Selector, labels: &BTreeMap<String, String>) -> Vec<RequirementCheck> {
    selector
        .requirements()
        .iter()
        .map(|r| check(r, labels))
        .collect()
}

fn verdict(app: &App, cluster: &Cluster) -> Verdict {
    let p = &app.placement;
    if p.exclude.contains(&cluster.name) {
        Verdict::Excluded
    } else if p.clusters.contains(&cluster.name) {
        Verdict::Listed
    } else {
        match &p.selector {
            Some(s) if s.matches(&cluster.placement_labels) => Verdict::Selected,
            Some(_) => Verdict::NotSelected,
            None if p.clusters.is_empty() => Verdict::Everywhere,
            None => Verdict::NotListed,
        }
    }
}

/// How the app's spread judges the cluster, when it has one and the cluster is matched but not
/// listed.
fn spread_check(fleet: &Fleet, app: &App, cluster: &Cluster) -> Option<SpreadCheck> {
    let spread = app.placement.spread.as_ref()?;
    let candidate = |c: &Cluster| {
        app.placement.matches(&c.name, &c.placement_labels)
            && !app.placement.clusters.contains(&c.name)
    };
    if !candidate(cluster) {
        return None;
    }
    let here = fleet.clusters.iter().position(|c| c.name == cluster.name)?;
    let standings = super::spread::standings(
        &app.name,
        spread,
        &fleet.clusters,
        (0..fleet.clusters.len()).filter(|&i| candidate(&fleet.clusters[i])),
    );
    let standing = standings.get(&here)?;
    Some(SpreadCheck {
        key: spread.key.clone(),
        count: spread.count,
        prefer: spread.prefer.as_ref().map(|p| {
            p.requirements()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        }),
        value: standing.value.clone(),
        rank: standing.rank,
        of: standing.of,
        preferred: standing.preferred,
        chosen: standing.chosen,
    })
}

/// Explains `app` on `cluster` (both must exist in `fleet`).
pub fn explain(fleet: &Fleet, files: &Files, app: &App, cluster: &Cluster) -> Explanation {
    let spread = spread_check(fleet, app, cluster);
    let verdict = match (verdict(app, cluster), &spread) {
        (Verdict::Selected | Verdict::Everywhere, Some(s)) if s.chosen => Verdict::Chosen,
        (Verdict::Selected | Verdict::Everywhere, Some(_)) => Verdict::NotChosen,
        (v, _) => v,
    };
    let locate = |p: &Pointer, t| files.locate(app.at, p, t);
    // The app's own overrides, by their index among them (stages' layers come first).
    let staged = app.stages.len();
    let overrides = app
        .overrides
        .iter()
        .enumerate()
        .skip(staged)
        .map(|(i, o)| OverrideCheck {
            index: i - staged,
            location: locate(&o.origin.pointer(), Target::Value),
            requirements: o
                .selector
                .as_ref()
                .map(|s| checks(s, &cluster.placement_labels))
                .unwrap_or_default(),
            named: o.clusters.contains(&cluster.name),
            applies: o.applies(&cluster.name, &cluster.placement_labels),
        })
        .collect();
    let mut explanation = Explanation {
        app: app.name.clone(),
        cluster: cluster.name.clone(),
        hub: cluster.hub.clone(),
        verdict,
        application: verdict
            .lands()
            .then(|| application_of(fleet, files, app, cluster)),
        placement: locate(&Pointer::parse("/spec/placement"), Target::Key),
        selector: app
            .placement
            .selector
            .as_ref()
            .map(|s| checks(s, &cluster.placement_labels)),
        clusters: app.placement.clusters.clone(),
        exclude: app.placement.exclude.clone(),
        spread,
        stage: app
            .stages_of(&cluster.placement_labels)
            .next()
            .map(|(_, s)| s.name.clone()),
        overrides,
        fields: Vec::new(),
        vars: Vec::new(),
        values: Vec::new(),
        errors: Vec::new(),
    };
    if verdict.lands() {
        let env = layer::environment();
        let site = |p: &Pointer| memory::site(app, files, p);
        let (layers, mut errors) = AppLayers::compile(app, &env, &site);
        let applied = Applied::of(app, cluster);
        let vars = layers.vars(app, &applied);
        let (cluster_variable, app_variable, fleet_variable) = (
            layer::cluster_variable(cluster),
            layer::app_variable(app),
            layer::fleet_variable(fleet),
        );
        let scope = layer::Scope::new(&cluster_variable, &app_variable, &fleet_variable, &vars);
        for part in [Part::Fields, Part::Vars, Part::Values] {
            let evaluated = if part == Part::Vars {
                applied
                    .ids()
                    .filter_map(|id| Some((id, raw_layer(app, part, id)?.clone())))
                    .collect()
            } else {
                let (evaluated, failed) = layers.evaluate(part, &applied, &scope);
                errors.extend(failed);
                evaluated
            };
            if let Some(merged) = app_layers::merge(&evaluated) {
                let found = origins(app, part, &merged, &evaluated, files);
                match part {
                    Part::Fields => explanation.fields = found,
                    Part::Vars => explanation.vars = found,
                    Part::Values => explanation.values = found,
                }
            }
        }
        explanation.errors = errors
            .into_iter()
            .map(|(p, _, message)| TemplateError {
                location: locate(&p, Target::Value),
                message,
            })
            .collect();
    }
    explanation
}

/// The name of `app`'s Application on `cluster`, as the place stage names it (a fleet whose
/// name templates fail is not explained).
fn application_of(fleet: &Fleet, files: &Files, app: &App, cluster: &Cluster) -> String {
    let env = layer::environment();
    let (names, _) = Names::new(&env, fleet, files);
    let a = fleet.apps.iter().position(|a| a.name == app.name);
    let c = fleet.clusters.iter().position(|c| c.name == cluster.name);
    a.zip(c)
        .and_then(|(a, c)| names.name(a, c).ok())
        .unwrap_or_else(|| application_name(&app.name, &cluster.name))
}

/// Every leaf of the final values (scalars, lists and empty mappings) with the last layer that
/// holds its path: deep merging makes that layer the one whose value survived.
fn origins(
    app: &App,
    part: Part,
    merged: &Value,
    evaluated: &[(LayerId, Value)],
    files: &Files,
) -> Vec<ValueOrigin> {
    let mut leaves = Vec::new();
    // Lists of Application fields (sources, value files) are read item by item; a list in
    // values is one value, as Helm sees it.
    collect_leaves(merged, &Pointer::root(), part == Part::Fields, &mut leaves);
    leaves
        .into_iter()
        .map(|(pointer, value)| {
            let layer = evaluated
                .iter()
                .rev()
                .find(|(_, v)| v.pointer(&pointer.to_string()).is_some())
                .map_or(LayerId::Values, |(id, _)| *id);
            let source = part.locate(app, layer, &pointer);
            let raw = raw_layer(app, part, layer).and_then(|v| v.pointer(&pointer.to_string()));
            let template = raw
                .and_then(Value::as_str)
                .filter(|s| crate::model::is_templated(s))
                .map(str::to_owned);
            ValueOrigin {
                path: pointer.dotted(),
                value: value.clone(),
                layer: layer.origin(app),
                location: files.locate(app.at, &source, Target::Value),
                template,
            }
        })
        .collect()
}

fn raw_layer(app: &App, part: Part, layer: LayerId) -> Option<&Value> {
    match (part, layer) {
        (Part::Values, LayerId::Values) => app.values.as_ref(),
        (Part::Fields, LayerId::Values) => Some(&app.fields),
        (Part::Values, LayerId::Override(i)) => app.overrides.get(i)?.values.as_ref(),
        (Part::Fields, LayerId::Override(i)) => app.overrides.get(i)?.fields.as_ref(),
        (Part::Vars, LayerId::Values) => app.vars.as_ref(),
        (Part::Vars, LayerId::Override(i)) => app.overrides.get(i)?.vars.as_ref(),
    }
}

fn collect_leaves<'a>(
    value: &'a Value,
    at: &Pointer,
    into_lists: bool,
    out: &mut Vec<(Pointer, &'a Value)>,
) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                collect_leaves(v, &at.clone().key(k.clone()), into_lists, out);
            }
        }
        Value::Array(items) if into_lists && !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                collect_leaves(item, &at.clone().index(i), into_lists, out);
            }
        }
        other => out.push((at.clone(), other)),
    }
}
