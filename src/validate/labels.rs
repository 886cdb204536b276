//! Labels and annotations must be what Kubernetes accepts, since they are written onto Secrets
//! and Applications; and the built-in placement labels belong to fleetc.

use std::collections::BTreeMap;

use super::Findings;
use super::clusters::Layers;
use super::vocabulary::cluster_label_problem;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::load::{Pointer, Target};
use crate::model::{BUILTIN_LABELS as BUILTIN, Cluster, Fleet, SECRET_TYPE_LABEL as SECRET_TYPE};
use crate::selector::syntax::{annotation_key_problems, label_key_problems, label_value_problems};

/// What a valid label or annotation key looks like.
const KEY_HELP: &str = "a key is an optional lowercase DNS prefix and `/`, then a name of at most \
    63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit \
    (e.g. `team` or `acme.io/team`)";

/// What a valid label value looks like.
const VALUE_HELP: &str = "a label value is empty or at most 63 letters, digits, `-`, `_` and `.`, \
    starting and ending with a letter or digit; put longer text in an annotation";

/// The one finding for a `what` (label or annotation) key that breaks apimachinery's rules
/// (`problems`), if it breaks any.
pub(crate) fn key_error(
    what: &str,
    key: &str,
    problems: &[String],
    locate: impl FnOnce() -> Option<Location>,
) -> Option<Diagnostic> {
    (!problems.is_empty()).then(|| {
        Diagnostic::error(
            Code::LabelKey,
            format!("{what} key `{key}` is not valid: {}", readable(problems)),
            locate(),
        )
        .with_help(KEY_HELP)
    })
}

/// Checks a map of labels (`annotations: false`) or annotations (`true`): reserved keys, key
/// syntax and, for labels, value syntax. `locate` finds an entry's key or value; it is only
/// called for an entry with a problem (finding positions means reading the file again).
pub(crate) fn check_map(
    map: &BTreeMap<String, String>,
    annotations: bool,
    reserved: &dyn Fn(&str) -> Option<String>,
    locate: &dyn Fn(&str, Target) -> Option<Location>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let what = if annotations { "annotation" } else { "label" };
    for (key, value) in map {
        if let Some(help) = reserved(key) {
            found.push(
                Diagnostic::error(
                    Code::ReservedLabel,
                    format!("{what} `{key}` is reserved"),
                    locate(key, Target::Key),
                )
                .with_help(help),
            );
            continue;
        }
        let key_problems = if annotations {
            annotation_key_problems(key)
        } else {
            label_key_problems(key)
        };
        // One finding per key or value, however many of apimachinery's rules it breaks.
        if !key_problems.is_empty() {
            found.extend(key_error(what, key, &key_problems, || {
                locate(key, Target::Key)
            }));
        }
        let value_problems = if annotations {
            Vec::new()
        } else {
            label_value_problems(value)
        };
        if !value_problems.is_empty() {
            found.push(
                Diagnostic::error(
                    Code::LabelValue,
                    format!(
                        "label `{key}` has a value Kubernetes rejects: {}",
                        readable(&value_problems)
                    ),
                    locate(key, Target::Value),
                )
                .with_help(VALUE_HELP),
            );
        }
    }
    let total: usize = map.iter().map(|(k, v)| k.len() + v.len()).sum();
    if annotations && total > MAX_ANNOTATIONS_BYTES {
        let largest = map.iter().max_by_key(|(k, v)| (k.len() + v.len(), *k));
        if let Some((key, _)) = largest {
            found.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!(
                        "the annotations total {total} bytes; Kubernetes accepts at most \
                         {MAX_ANNOTATIONS_BYTES} (256 KiB) on an object"
                    ),
                    locate(key, Target::Value),
                )
                .with_help("this is the largest; keep large data out of annotations"),
            );
        }
    }
    found
}

/// apimachinery's texts, joined, without the double spaces of its examples
/// (`'MyValue',  or 'my_value'`).
pub(crate) fn readable(problems: &[String]) -> String {
    problems.join("; ").replace("',  or '", "', or '")
}

/// What Kubernetes accepts in an object's annotations, keys and values together.
const MAX_ANNOTATIONS_BYTES: usize = 256 << 10;

/// A cluster's placement labels (its labels plus the built-in keys that are set), after
/// checking its labels and annotations.
pub(crate) fn placement_labels(
    fleet: &Fleet,
    cluster: &Cluster,
    layers: &Layers<'_>,
    findings: &mut Findings<'_>,
) -> BTreeMap<String, String> {
    let reserved = |key: &str| {
        if BUILTIN.contains(&key) {
            Some(format!(
                "fleetc sets the `{key}` label from `spec.{key}`; set that field instead"
            ))
        } else if key == SECRET_TYPE {
            Some("fleetc sets it on every cluster Secret".to_owned())
        } else {
            None
        }
    };
    // Annotations are not placement labels: GitOps Bridge clusters carry `environment` as both.
    let unreserved = |_: &str| None;
    for (field, annotations) in [("labels", false), ("annotations", true)] {
        let map = if annotations {
            &cluster.annotations
        } else {
            &cluster.labels
        };
        let reserved: &dyn Fn(&str) -> Option<String> =
            if annotations { &unreserved } else { &reserved };
        let locate = |key: &str, target| {
            let p = Pointer::root().key("metadata").key(field).key(key);
            layers.locate(findings, &p, target)
        };
        let found = check_map(map, annotations, reserved, &locate);
        findings.diagnostics.extend(found);
    }
    for (key, value) in &cluster.labels {
        if BUILTIN.contains(&key.as_str()) {
            continue;
        }
        if let Some((mut d, target)) = cluster_label_problem(key, value, fleet, false) {
            let p = Pointer::root()
                .key("metadata")
                .key("labels")
                .key(key.clone());
            d.location = layers.locate(findings, &p, target);
            findings.push(d);
        }
    }

    let mut labels = cluster.labels.clone();
    labels.retain(|k, _| !BUILTIN.contains(&k.as_str()));
    let builtins = [
        ("provider", Some(cluster.provider.as_str())),
        ("region", cluster.region.as_deref()),
        ("environment", cluster.environment.as_deref()),
        ("hub", Some(cluster.hub.as_str())),
    ];
    for (key, value) in builtins {
        let Some(value) = value else { continue };
        if let Some((mut d, _)) = cluster_label_problem(key, value, fleet, true) {
            d.location = layers.locate(
                findings,
                &Pointer::root().key("spec").key(key),
                Target::Value,
            );
            findings.push(d);
        }
        for problem in label_value_problems(value) {
            findings.push(
                Diagnostic::error(
                    Code::LabelValue,
                    format!("`spec.{key}` becomes the label `{key}`, but `{value}` is not a valid label value: {problem}"),
                    layers.locate(findings, &Pointer::root().key("spec").key(key), Target::Value),
                )
                .with_help(VALUE_HELP),
            );
        }
        labels.insert(key.to_owned(), value.to_owned());
    }
    labels
}
