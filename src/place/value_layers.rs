//! An app's values come in layers: its `values`, then each override whose selector matches the
//! cluster, in order. Each layer is compiled once per app and evaluated per placement.

use serde_json::Value;

use super::template_memory::Site;
use super::values::{Layer, Scope};
use super::values_view::Evaluated;
use crate::diagnostic::Code;
use crate::load::Pointer;
use crate::model::credential::is_marked;
use crate::model::{App, Cluster, deep_merge};

/// Which layer: the app's `values`, or override number `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LayerId {
    Values,
    Override(usize),
}

impl LayerId {
    /// Where the layer's values sit in the App document.
    pub fn pointer(self) -> Pointer {
        match self {
            LayerId::Values => Pointer::parse("/spec/values"),
            LayerId::Override(i) => Pointer::parse("/spec/overrides").index(i).key("values"),
        }
    }
}

/// A value template that failed: where in the App document, what kind of finding, and why.
pub type LayerError = (Pointer, Code, String);

/// An app's compiled layers.
pub(crate) struct AppLayers<'env, 'source> {
    layers: Vec<(LayerId, Layer<'env, 'source>)>,
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
        let sources = app.values.iter().map(|v| (LayerId::Values, v)).chain(
            app.overrides
                .iter()
                .enumerate()
                .map(|(i, o)| (LayerId::Override(i), &o.values)),
        );
        let mut layers = Vec::new();
        let mut errors = Vec::new();
        for (id, values) in sources {
            let in_document = |p: &Pointer| site(&id.pointer().join(p));
            let marked = |p: &Pointer| is_marked(&app.not_credentials, &id.pointer().join(p));
            match Layer::compile(env, values, &in_document, &marked) {
                Ok(layer) => layers.push((id, layer)),
                Err(es) => errors.extend(
                    es.into_iter()
                        .map(|e| (id.pointer().join(&e.pointer), e.code, e.message)),
                ),
            }
        }
        (Self { layers }, errors)
    }

    /// The layers that apply to `cluster`, each evaluated, in order.
    pub(crate) fn evaluate(
        &self,
        app: &App,
        cluster: &Cluster,
        scope: &Scope<'_>,
    ) -> (Vec<(LayerId, Value)>, Vec<LayerError>) {
        let mut evaluated = Vec::new();
        let mut errors = Vec::new();
        for (id, layer) in &self.layers {
            if let LayerId::Override(i) = id
                && !app.overrides[*i]
                    .selector
                    .matches(&cluster.placement_labels)
            {
                continue;
            }
            match layer.evaluate(scope) {
                Ok(v) => evaluated.push((*id, v)),
                Err(es) => errors.extend(
                    es.into_iter()
                        .map(|e| (id.pointer().join(&e.pointer), e.code, e.message)),
                ),
            }
        }
        (evaluated, errors)
    }
}

impl AppLayers<'_, '_> {
    /// The layers that apply to `cluster`, with their templated strings evaluated.
    pub(crate) fn evaluate_holes<'s>(
        &'s self,
        app: &App,
        cluster: &Cluster,
        scope: &Scope<'_>,
    ) -> (Evaluated<'s>, Vec<LayerError>) {
        let mut evaluated = Vec::new();
        let mut errors = Vec::new();
        let mut applied = (self.layers.len() <= 64).then_some(0u64);
        for (position, (id, layer)) in self.layers.iter().enumerate() {
            if let LayerId::Override(i) = id
                && !app.overrides[*i]
                    .selector
                    .matches(&cluster.placement_labels)
            {
                continue;
            }
            if let Some(bits) = &mut applied {
                *bits |= 1 << position;
            }
            match layer.evaluate_holes(scope) {
                Ok(results) => evaluated.push((layer.shape(), results)),
                Err(es) => errors.extend(
                    es.into_iter()
                        .map(|e| (id.pointer().join(&e.pointer), e.code, e.message)),
                ),
            }
        }
        (Evaluated::new(evaluated, applied), errors)
    }
}

/// The final values: every evaluated layer deep-merged in order; `None` when no layer applies.
pub(crate) fn merge(evaluated: &[(LayerId, Value)]) -> Option<Value> {
    let mut iter = evaluated.iter();
    let (_, first) = iter.next()?;
    let mut merged = first.clone();
    for (_, v) in iter {
        deep_merge(&mut merged, v);
    }
    Some(merged)
}
