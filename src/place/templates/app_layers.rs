//! An app's templated data comes in layers: its own (`values`, and its Application fields), then
//! each override whose selector matches the cluster, in order. Each layer is compiled once per
//! app and evaluated per placement; `vars` are merged the same way and read by every template.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use super::layer::{Layer, Scope, Variable};
use super::memory::Site;
use super::view::Evaluated;
use crate::diagnostic::Code;
use crate::load::{Pointer, Segment};
use crate::model::credential::is_marked;
use crate::model::{App, Cluster, LayerOrigin, deep_merge};
use crate::validate::field_rules::FieldRule;

/// Which layer: the app's own, or override number `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LayerId {
    Values,
    Override(usize),
}

impl LayerId {
    /// Where the layer is declared in the App document: the app's `spec`, or the override's
    /// (or stage's) entry.
    fn base(self, app: &App) -> Pointer {
        match self.origin(app) {
            None => Pointer::parse("/spec"),
            Some(origin) => origin.pointer(),
        }
    }

    /// Where the layer is declared: `None` for the app's own.
    pub fn origin(self, app: &App) -> Option<LayerOrigin> {
        match self {
            LayerId::Values => None,
            LayerId::Override(i) => Some(
                app.overrides
                    .get(i)
                    .map_or(LayerOrigin::Override(i), |o| o.origin),
            ),
        }
    }

    /// Where `at`, a pointer into the layer's Application fields (shaped as
    /// [`App::fields`]), sits in the App document.
    fn field_pointer(self, app: &App, at: &Pointer) -> Pointer {
        match self {
            LayerId::Values => at.clone(),
            LayerId::Override(_) => {
                let below_spec = match at.segments() {
                    [Segment::Key(spec), rest @ ..] if spec == "spec" => rest,
                    all => all,
                };
                below_spec.iter().fold(self.base(app), |p, s| match s {
                    Segment::Key(k) => p.key(k.clone()),
                    Segment::Index(n) => p.index(*n),
                })
            }
        }
    }
}

/// What a layer holds: Helm values, Application fields, or vars (data the templates of the
/// other two read; never templates themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Values,
    Fields,
    Vars,
}

impl Part {
    /// Where `at`, a pointer into this part of layer `id` of `app`, sits in the App document.
    pub fn locate(self, app: &App, id: LayerId, at: &Pointer) -> Pointer {
        match self {
            Part::Values => id.base(app).key("values").join(at),
            Part::Fields => id.field_pointer(app, at),
            Part::Vars => id.base(app).key("vars").join(at),
        }
    }
}

/// A template that failed: where in the App document, what kind of finding, and why.
pub type LayerError = (Pointer, Code, String);

/// The layers that apply to one cluster: the overrides whose selectors match it.
pub(crate) struct Applied {
    overrides: Vec<usize>,
    /// Bit 0 for the app's own layer, bit `i + 1` for override `i`, when the app has fewer than
    /// 64 overrides: placements with the same set share how their layers merge.
    bits: Option<u64>,
}

impl Applied {
    /// The layers of `app` that apply to `cluster`.
    pub(crate) fn of(app: &App, cluster: &Cluster) -> Self {
        let overrides: Vec<usize> = app
            .overrides
            .iter()
            .enumerate()
            .filter(|(_, o)| o.applies(&cluster.name, &cluster.placement_labels))
            .map(|(i, _)| i)
            .collect();
        let bits = (app.overrides.len() < 64)
            .then(|| overrides.iter().fold(1u64, |bits, i| bits | 1 << (i + 1)));
        Self { overrides, bits }
    }

    /// The app's `vars` with the matching overrides' merged over them.
    pub(crate) fn vars(&self, app: &App) -> Value {
        let mut merged = app.vars.clone().unwrap_or_else(|| serde_json::json!({}));
        for i in &self.overrides {
            if let Some(vars) = &app.overrides[*i].vars {
                deep_merge(&mut merged, vars);
            }
        }
        merged
    }

    /// The layers, in order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = LayerId> + '_ {
        std::iter::once(LayerId::Values).chain(self.overrides.iter().map(|i| LayerId::Override(*i)))
    }

    fn contains(&self, id: LayerId) -> bool {
        match id {
            LayerId::Values => true,
            LayerId::Override(i) => self.overrides.binary_search(&i).is_ok(),
        }
    }
}

/// An app's compiled layers.
pub(crate) struct AppLayers<'env, 'source> {
    app: &'source App,
    /// Whether a template of the app failed to compile: its layers are incomplete, so none of
    /// its Applications is rendered (the failure is reported where it was found).
    broken: bool,
    values: Vec<(LayerId, Layer<'env, 'source>)>,
    fields: Vec<(LayerId, Layer<'env, 'source>)>,
    /// The merged vars of each set of applied layers met so far; `None` when the app has no
    /// vars.
    vars: Option<Mutex<HashMap<u64, Arc<Variable>>>>,
    /// The vars of an app without any.
    no_vars: Arc<Variable>,
}

/// A placement's layers, evaluated: its values and its Application fields.
pub struct EvaluatedApp<'a> {
    pub values: Evaluated<'a>,
    pub fields: Evaluated<'a>,
}

impl EvaluatedApp<'_> {
    /// Which of the app's layers apply (bit 0 its own, bit `i + 1` override `i`); `None` when
    /// the app has too many overrides to tell.
    pub fn applied(&self) -> Option<u64> {
        self.fields.applied()
    }
}

impl<'env, 'source> AppLayers<'env, 'source> {
    /// Compiles every layer of `app`; syntax errors are returned, and those layers left out.
    /// `site` gives each templated string (by its pointer in the App document) its report
    /// should it pass the memory bound.
    pub(crate) fn compile(
        app: &'source App,
        env: &'env minijinja::Environment<'static>,
        site: &dyn Fn(&Pointer) -> Site,
    ) -> (Self, Vec<LayerError>) {
        let overrides = || app.overrides.iter().enumerate();
        let values = app.values.iter().map(|v| (LayerId::Values, v)).chain(
            overrides().filter_map(|(i, o)| o.values.as_ref().map(|v| (LayerId::Override(i), v))),
        );
        let fields = std::iter::once((LayerId::Values, &app.fields)).chain(
            overrides().filter_map(|(i, o)| o.fields.as_ref().map(|f| (LayerId::Override(i), f))),
        );
        let mut errors = Vec::new();
        let mut compile_part =
            |part: Part, sources: &mut dyn Iterator<Item = (LayerId, &'source Value)>| {
                let mut layers = Vec::new();
                for (id, data) in sources {
                    let in_document = |p: &Pointer| part.locate(app, id, p);
                    let compiled = Layer::compile(
                        env,
                        data,
                        &|p| site(&in_document(p)),
                        &|p| is_marked(&app.not_credentials, &in_document(p)),
                        &|p| (part == Part::Fields).then(|| FieldRule::at(p)),
                    );
                    match compiled {
                        Ok(layer) => layers.push((id, layer)),
                        Err(es) => errors.extend(
                            es.into_iter()
                                .map(|e| (in_document(&e.pointer), e.code, e.message)),
                        ),
                    }
                }
                layers
            };
        let values = compile_part(Part::Values, &mut { values });
        let fields = compile_part(Part::Fields, &mut { fields });
        let has_vars = app.vars.is_some() || app.overrides.iter().any(|o| o.vars.is_some());
        let layers = Self {
            app,
            broken: !errors.is_empty(),
            values,
            fields,
            vars: has_vars.then(Mutex::default),
            no_vars: Arc::new(Variable::new(&serde_json::json!({}))),
        };
        (layers, errors)
    }

    /// The `vars` of placements to which `applied` applies.
    pub(crate) fn vars(&self, app: &App, applied: &Applied) -> Arc<Variable> {
        let Some(cache) = &self.vars else {
            return Arc::clone(&self.no_vars);
        };
        let merge = || Arc::new(Variable::new(&applied.vars(app)));
        let Some(bits) = applied.bits else {
            return merge();
        };
        let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(cache.entry(bits).or_insert_with(merge))
    }

    /// The layers of `part` that `applied` names, each evaluated, in order.
    pub(crate) fn evaluate(
        &self,
        part: Part,
        applied: &Applied,
        scope: &Scope<'_>,
    ) -> (Vec<(LayerId, Value)>, Vec<LayerError>) {
        let mut evaluated = Vec::new();
        let mut errors = Vec::new();
        for (id, layer) in self.part(part) {
            if !applied.contains(*id) {
                continue;
            }
            match layer.evaluate(scope) {
                Ok(v) => evaluated.push((*id, v)),
                Err(es) => errors.extend(
                    es.into_iter()
                        .map(|e| (part.locate(self.app, *id, &e.pointer), e.code, e.message)),
                ),
            }
        }
        (evaluated, errors)
    }

    fn part(&self, part: Part) -> &[(LayerId, Layer<'env, 'source>)] {
        match part {
            Part::Values => &self.values,
            Part::Fields => &self.fields,
            Part::Vars => &[],
        }
    }
}

impl AppLayers<'_, '_> {
    /// Whether a template of the app failed to compile (see [`AppLayers::compile`]).
    pub(crate) fn is_broken(&self) -> bool {
        self.broken
    }

    /// The layers that `applied` names, with their templated strings evaluated.
    pub(crate) fn evaluate_holes<'s>(
        &'s self,
        applied: &Applied,
        scope: &Scope<'_>,
    ) -> (EvaluatedApp<'s>, Vec<LayerError>) {
        let mut errors = Vec::new();
        let mut evaluate = |part: Part| {
            let mut evaluated = Vec::new();
            for (id, layer) in self.part(part) {
                if !applied.contains(*id) {
                    continue;
                }
                match layer.evaluate_holes(scope) {
                    Ok(results) => evaluated.push((layer.shape(), results)),
                    Err(es) => errors.extend(
                        es.into_iter()
                            .map(|e| (part.locate(self.app, *id, &e.pointer), e.code, e.message)),
                    ),
                }
            }
            Evaluated::new(evaluated, applied.bits)
        };
        let fields = evaluate(Part::Fields);
        let values = evaluate(Part::Values);
        (EvaluatedApp { values, fields }, errors)
    }
}

/// The merged layers: every evaluated layer deep-merged in order; `None` when no layer applies.
pub(crate) fn merge(evaluated: &[(LayerId, Value)]) -> Option<Value> {
    let mut iter = evaluated.iter();
    let (_, first) = iter.next()?;
    let mut merged = first.clone();
    for (_, v) in iter {
        deep_merge(&mut merged, v);
    }
    Some(merged)
}
