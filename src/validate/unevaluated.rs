//! Pass 1: template syntax only where fleetc evaluates it. Value strings (an App's `values` and
//! its overrides' `values`) are templates; every other string is copied to `out/` as it is, so a
//! `{{` or `{%` in one (a templated `targetRevision`, say, as an `ApplicationSet` would write it)
//! would reach Argo CD literally, on every cluster. It is an error instead.

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Files, Pointer, Segment, Target};
use crate::model::Kind;

/// Whether a string holds template syntax.
fn templated(s: &str) -> bool {
    s.contains("{{") || s.contains("{%")
}

/// Whether `at` is where fleetc evaluates templates in a document of `kind`.
fn evaluated(kind: Kind, at: &Pointer) -> bool {
    if kind != Kind::App {
        return false;
    }
    let key = |s: &Segment, name: &str| matches!(s, Segment::Key(k) if k == name);
    match at.segments() {
        [spec, overrides, Segment::Index(_), values, ..]
            if key(spec, "spec") && key(overrides, "overrides") =>
        {
            key(values, "values")
        }
        [spec, values, ..] => key(spec, "spec") && key(values, "values"),
        _ => false,
    }
}

pub(super) fn scan(kind: Kind, doc: &Document, files: &Files) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    walk(kind, &doc.value, &Pointer::root(), &mut found);
    found
        .into_iter()
        .map(|at| {
            Diagnostic::error(
                Code::UnevaluatedTemplate,
                format!(
                    "`{}` holds template syntax, but fleetc evaluates templates only in `values`: \
                     Argo CD would get the braces as they are, on every cluster",
                    at.dotted()
                ),
                Some(files.locate(doc.at, &at, Target::Value)),
            )
            .with_help(
                "set what varies per cluster with an override whose selector picks the clusters, \
                 or move it into `values`",
            )
        })
        .collect()
}

fn walk(kind: Kind, value: &Value, at: &Pointer, found: &mut Vec<Pointer>) {
    if evaluated(kind, at) {
        return;
    }
    match value {
        Value::String(s) if templated(s) => found.push(at.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(kind, item, &at.clone().index(i), found);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                walk(kind, v, &at.clone().key(k.clone()), found);
            }
        }
        _ => {}
    }
}
