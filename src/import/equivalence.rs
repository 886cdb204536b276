//! The proof of an import: the Applications the imported fleet renders, compared with the
//! Applications Argo CD generates from what was imported, field by field. fleetc's own labels
//! (`fleetc.dev/app`, `fleetc.dev/cluster`) are left out of the comparison; everything else
//! Argo CD would act on (name, namespace, finalizers, labels, annotations, project, sources,
//! values, destination, sync policy, ignored differences) must be the same.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::render::{APP_LABEL, CLUSTER_LABEL, OutputTree};

/// What the comparison found for one imported ApplicationSet or Application.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The App.
    pub name: String,
    /// `ApplicationSet` or `Application`.
    pub kind: String,
    /// The name of the ApplicationSet or Application the App was made from.
    pub source: String,
    /// Applications that are the same.
    pub identical: usize,
    pub differences: Vec<Difference>,
}

/// One way an Application differs.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    pub cluster: String,
    /// The field, as a JSON pointer into the Application (empty: the whole Application).
    pub field: String,
    /// What Argo CD generates there (`None`: nothing).
    pub argocd: Option<Value>,
    /// What fleetc renders there (`None`: nothing).
    pub fleetc: Option<Value>,
}

/// The Applications of a rendered tree, by app and cluster, in comparison form.
pub fn applications(tree: &OutputTree) -> BTreeMap<(String, String), Value> {
    let mut found = BTreeMap::new();
    for path in tree.paths() {
        let Some(file) = tree.file(path) else {
            continue;
        };
        for (id, range) in &file.objects {
            if id.kind != "Application" {
                continue;
            }
            let Ok(text) = std::str::from_utf8(&file.bytes[range.clone()]) else {
                continue;
            };
            let Ok(mut value) = serde_yaml::from_str::<Value>(text) else {
                continue;
            };
            let label = |key: &str| {
                value
                    .pointer(&format!("/metadata/labels/{}", key.replace('/', "~1")))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            let (Some(app), Some(cluster)) = (label(APP_LABEL), label(CLUSTER_LABEL)) else {
                continue;
            };
            if let Some(labels) = value
                .pointer_mut("/metadata/labels")
                .and_then(Value::as_object_mut)
            {
                labels.remove(APP_LABEL);
                labels.remove(CLUSTER_LABEL);
            }
            found.insert((app, cluster), comparable(value));
        }
    }
    found
}

/// An Application with empty maps and lists dropped (Argo CD treats them as absent).
pub fn comparable(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, comparable(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(list) => Value::Array(list.into_iter().map(comparable).collect()),
        other => other,
    }
}

/// An Application with each Helm source's `values` text read as YAML and merged under its
/// `valuesObject`, as Helm reads them: how fleetc, which writes `valuesObject` only, is compared.
fn values_as_object(mut app: Value) -> Value {
    let Some(spec) = app.get_mut("spec").and_then(Value::as_object_mut) else {
        return app;
    };
    for source in super::objects::application_sources(spec) {
        let Some(Value::Object(helm)) = source.get_mut("helm") else {
            continue;
        };
        let Some(Value::String(text)) = helm.get("values").cloned() else {
            continue;
        };
        let Ok(mut values) = serde_yaml::from_str::<Value>(&text) else {
            continue;
        };
        if let Some(object) = helm.get("valuesObject") {
            crate::model::deep_merge(&mut values, object);
        }
        helm.remove("values");
        helm.insert("valuesObject".into(), values);
    }
    app
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Null)
        || v.as_object().is_some_and(serde_json::Map::is_empty)
        || v.as_array().is_some_and(Vec::is_empty)
}

/// Compares what Argo CD generates for an app (by cluster) with what fleetc renders for it.
pub fn compare(
    (name, kind, source): (&str, &str, &str),
    expected: &BTreeMap<String, Value>,
    rendered: &BTreeMap<(String, String), Value>,
) -> Comparison {
    let actual: BTreeMap<&str, &Value> = rendered
        .iter()
        .filter(|((app, _), _)| app == name)
        .map(|((_, cluster), v)| (cluster.as_str(), v))
        .collect();
    let clusters: BTreeSet<&str> = expected
        .keys()
        .map(String::as_str)
        .chain(actual.keys().copied())
        .collect();
    let mut comparison = Comparison {
        name: name.to_owned(),
        kind: kind.to_owned(),
        source: source.to_owned(),
        identical: 0,
        differences: Vec::new(),
    };
    for cluster in clusters {
        let argocd = expected
            .get(cluster)
            .map(|v| comparable(values_as_object(v.clone())));
        let fleetc = actual.get(cluster).map(|v| (*v).clone());
        let mut found = Vec::new();
        match (&argocd, &fleetc) {
            (Some(a), Some(f)) => differ(a, f, "", &mut found),
            _ => found.push((String::new(), argocd.clone(), fleetc.clone())),
        }
        if found.is_empty() {
            comparison.identical += 1;
        }
        comparison
            .differences
            .extend(found.into_iter().map(|(field, argocd, fleetc)| Difference {
                cluster: cluster.to_owned(),
                field,
                argocd,
                fleetc,
            }));
    }
    comparison
}

type Found = Vec<(String, Option<Value>, Option<Value>)>;

fn differ(a: &Value, f: &Value, at: &str, found: &mut Found) {
    match (a, f) {
        (Value::Object(am), Value::Object(fm)) => {
            let keys: BTreeSet<&String> = am.keys().chain(fm.keys()).collect();
            for key in keys {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (am.get(key), fm.get(key)) {
                    (Some(x), Some(y)) => differ(x, y, &here, found),
                    (x, y) => found.push((here, x.cloned(), y.cloned())),
                }
            }
        }
        _ if a == f => {}
        _ => found.push((at.to_owned(), Some(a.clone()), Some(f.clone()))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn empty_maps_are_absent_and_differences_are_named_by_field() {
        let expected = BTreeMap::from([
            (
                "a".to_owned(),
                json!({"metadata": {"name": "x-a", "labels": {}}, "spec": {"project": "default"}}),
            ),
            (
                "b".to_owned(),
                json!({"metadata": {"name": "x-b"}, "spec": {"project": "default"}}),
            ),
        ]);
        let rendered = BTreeMap::from([
            (
                ("x".to_owned(), "a".to_owned()),
                json!({"metadata": {"name": "x-a"}, "spec": {"project": "default"}}),
            ),
            (
                ("x".to_owned(), "b".to_owned()),
                json!({"metadata": {"name": "x-b"}, "spec": {"project": "ops"}}),
            ),
            (
                ("x".to_owned(), "c".to_owned()),
                json!({"metadata": {"name": "x-c"}}),
            ),
        ]);
        let c = compare(("x", "ApplicationSet", "x"), &expected, &rendered);
        assert_eq!(c.identical, 1);
        let found: Vec<(&str, &str)> = c
            .differences
            .iter()
            .map(|d| (d.cluster.as_str(), d.field.as_str()))
            .collect();
        assert_eq!(found, [("b", "/spec/project"), ("c", "")]);
    }
}
