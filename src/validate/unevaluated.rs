//! Pass 1: template syntax only where fleetc evaluates it. In an App, the values (its own and
//! its overrides') and the Application fields (labels, annotations and the `spec` fields an
//! Application has, its own and its overrides') are templates; every other string is copied
//! where it goes as it is, so a `{{` or `{%` in one (in `vars`, in a Cluster's annotations)
//! would reach Argo CD or Terraform literally. It is an error instead.

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Files, Pointer, Step, Target};
use crate::model::{APPLICATION_FIELDS, Kind, is_templated};

/// Whether `at` is where fleetc evaluates templates in a document of `kind`.
fn evaluated(kind: Kind, at: &[Step<'_>]) -> bool {
    if kind != Kind::App {
        return false;
    }
    let key = |s: &Step<'_>, names: &[&str]| matches!(s, Step::Key(k) if names.contains(k));
    let templated = |s: &Step<'_>| key(s, &["values"]) || key(s, &APPLICATION_FIELDS);
    match at {
        [spec, overrides, Step::Index(_), field, ..]
            if key(spec, &["spec"]) && key(overrides, &["overrides"]) =>
        {
            templated(field)
        }
        [spec, field, ..] if key(spec, &["spec"]) => {
            templated(field) || key(field, &["applicationName"])
        }
        [metadata, map, _, ..] => {
            key(metadata, &["metadata"]) && key(map, &["labels", "annotations"])
        }
        _ => false,
    }
}

pub(super) fn scan(kind: Kind, doc: &Document, files: &Files) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    walk(kind, &doc.value, &mut Vec::new(), &mut found);
    found
        .into_iter()
        .map(|at| {
            Diagnostic::error(
                Code::UnevaluatedTemplate,
                format!(
                    "`{}` holds template syntax, but fleetc does not evaluate it here: it would \
                     be copied on as it is",
                    at.dotted()
                ),
                Some(files.locate(doc.at, &at, Target::Value)),
            )
            .with_help(
                "templates work in an App's `values` and Application fields (source, \
                 destination, labels, …); `vars` are data, so template the field that reads \
                 them, or set what varies per cluster with an override",
            )
        })
        .collect()
}

/// Walks `value` at `path` (see [`Step`]).
fn walk<'a>(kind: Kind, value: &'a Value, path: &mut Vec<Step<'a>>, found: &mut Vec<Pointer>) {
    if evaluated(kind, path) {
        return;
    }
    match value {
        Value::String(s) if is_templated(s) => found.push(Pointer::of_path(path)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk(kind, item, path, found);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(Step::Key(k));
                walk(kind, v, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}
