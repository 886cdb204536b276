//! A placement on a Flux hub: a `Kustomization` (`kustomize.toolkit.fluxcd.io/v1`) for a path
//! in a git repository, or a `HelmRelease` (`helm.toolkit.fluxcd.io/v2`) for a chart (or a path
//! with Helm options or values), with the app's values, its destination namespace as target,
//! and the cluster's `kubeConfig`. The fields only Argo CD understands are refused here, at the
//! field, rather than dropped.

use serde_json::{Map, Value, json};

use super::source::{Source, Unfit};
use crate::model::{App, Fleet};
use crate::place::Placement;
use crate::render::{APP_LABEL, CLUSTER_LABEL};

/// The Application fields a Flux hub has no counterpart for, with what they are.
const ARGO_ONLY: [(&str, &str); 6] = [
    ("/spec/project", "an Argo CD project"),
    ("/spec/syncPolicy", "Argo CD's sync policy"),
    ("/spec/ignoreDifferences", "Argo CD's `ignoreDifferences`"),
    ("/spec/info", "Argo CD's `info`"),
    (
        "/spec/revisionHistoryLimit",
        "Argo CD's `revisionHistoryLimit`",
    ),
    ("/spec/source/ref", "a `ref` source"),
];

/// The keys of `source.helm` a `HelmRelease` takes. (Not `valueFiles`: Flux's `valuesFiles`
/// replace the chart's own `values.yaml` and, for a chart in git, are read from the
/// repository's root, so the same list would mean something else.)
const HELM_KEYS: [&str; 1] = ["releaseName"];

/// The fields of a placement's merged Application fields that a Flux hub cannot deliver.
pub(crate) fn argo_only(fields: &Value) -> Vec<Unfit> {
    let mut found: Vec<Unfit> = ARGO_ONLY
        .iter()
        .filter(|(pointer, _)| fields.pointer(pointer).is_some())
        .map(|(pointer, what)| Unfit {
            field: pointer,
            message: format!("sets {what}, which a Flux hub does not understand"),
        })
        .collect();
    for tool in ["directory", "kustomize", "plugin"] {
        if fields.pointer(&format!("/spec/source/{tool}")).is_some() {
            found.push(Unfit {
                field: "/spec/source",
                message: format!(
                    "sets Argo CD's `{tool}` options, which a Flux hub does not understand"
                ),
            });
        }
    }
    if let Some(helm) = fields
        .pointer("/spec/source/helm")
        .and_then(Value::as_object)
    {
        for key in helm.keys().filter(|k| !HELM_KEYS.contains(&k.as_str())) {
            found.push(Unfit {
                field: "/spec/source/helm",
                message: format!(
                    "sets Argo CD's `helm.{key}`, which a Flux hub does not take (it takes `releaseName` and the app's `values`)"
                ),
            });
        }
    }
    found
}

/// Whether an app is delivered by `HelmRelease`s (a chart, `helm` options or values in any of
/// its layers) rather than `Kustomization`s: decided per app, so that an override's values
/// do not make the kind differ from cluster to cluster.
pub fn delivers_with_helm(app: &App) -> bool {
    let helm = |fields: &Value| {
        fields.pointer("/spec/source/chart").is_some()
            || fields.pointer("/spec/source/helm").is_some()
    };
    app.has_values()
        || helm(&app.fields)
        || app
            .overrides
            .iter()
            .any(|o| o.fields.as_ref().is_some_and(helm))
}

/// The `Kustomization` or `HelmRelease` that delivers placement `p`, from its merged Application
/// `fields` and Helm `values`; named like the Application it stands for.
pub(crate) fn object(
    fleet: &Fleet,
    p: &Placement,
    fields: &Value,
    values: Option<Value>,
    source: &Source,
    kube_config: Option<&Value>,
) -> Value {
    let (app, cluster, name) = (
        &fleet.apps[p.app],
        &fleet.clusters[p.cluster],
        &p.application,
    );
    let text = |pointer: &str| fields.pointer(pointer).and_then(Value::as_str);
    let namespace = text("/spec/destination/namespace");
    let mut labels = object_of(fields.pointer("/metadata/labels"));
    labels.insert(APP_LABEL.into(), json!(app.name));
    labels.insert(CLUSTER_LABEL.into(), json!(cluster.name));
    let mut metadata = json!({
        "name": name,
        "namespace": super::namespace(fleet),
        "labels": labels,
    });
    let annotations = object_of(fields.pointer("/metadata/annotations"));
    if !annotations.is_empty() {
        metadata["annotations"] = Value::Object(annotations);
    }
    let helm = fields.pointer("/spec/source/helm");
    let chart = text("/spec/source/chart");
    let path = text("/spec/source/path");
    let mut spec = Map::new();
    spec.insert("interval".into(), json!(super::INTERVAL));
    let kind = if delivers_with_helm(app) {
        let mut chart_spec = json!({
            "chart": chart.map_or_else(|| relative(path.unwrap_or(".")), str::to_owned),
            "sourceRef": source.reference(),
        });
        // A repository chart's version; any (`*`, the CRD's default, said) for a chart in git,
        // whose version Flux does not read, or with no `targetRevision`.
        let version = text("/spec/source/targetRevision").filter(|_| chart.is_some());
        chart_spec["version"] = json!(version.unwrap_or("*"));
        // A chart in git: every commit is a new revision, as Argo CD reads it (Flux would
        // otherwise wait for the chart's version to change). A chart from a repository is
        // reconciled by version, the CRD's default, said.
        chart_spec["reconcileStrategy"] = json!(if chart.is_none() {
            "Revision"
        } else {
            "ChartVersion"
        });
        spec.insert("chart".into(), json!({"spec": chart_spec}));
        // The release is named after the app, as on Argo CD hubs (`helm.releaseName` wins).
        let release = helm
            .and_then(|h| h.get("releaseName"))
            .and_then(Value::as_str)
            .unwrap_or(&app.name);
        spec.insert("releaseName".into(), json!(release));
        if let Some(ns) = namespace {
            spec.insert("targetNamespace".into(), json!(ns));
            spec.insert("storageNamespace".into(), json!(ns));
            // No `syncPolicy` on a Flux hub: the release creates its namespace.
            spec.insert("install".into(), json!({"createNamespace": true}));
        }
        if let Some(values) = values {
            spec.insert("values".into(), values);
        }
        "HelmRelease"
    } else {
        spec.insert("sourceRef".into(), source.reference());
        spec.insert("path".into(), json!(relative(path.unwrap_or("."))));
        // Removing the `Kustomization` deletes what it applied, as an Argo CD Application with
        // the resources finalizer does.
        spec.insert("prune".into(), json!(true));
        // The CRD's default, said: changed immutable fields fail the apply.
        spec.insert("force".into(), json!(false));
        if let Some(ns) = namespace {
            spec.insert("targetNamespace".into(), json!(ns));
        }
        "Kustomization"
    };
    if let Some(kube_config) = kube_config {
        spec.insert("kubeConfig".into(), kube_config.clone());
    }
    let api_version = if kind == "HelmRelease" {
        "helm.toolkit.fluxcd.io/v2"
    } else {
        "kustomize.toolkit.fluxcd.io/v1"
    };
    json!({
        "apiVersion": api_version,
        "kind": kind,
        "metadata": metadata,
        "spec": spec,
    })
}

/// A path in a source as Flux writes it: `./` and the path.
fn relative(path: &str) -> String {
    let path = path.trim_start_matches("./").trim_start_matches('/');
    if path.is_empty() || path == "." {
        "./".to_owned()
    } else {
        format!("./{path}")
    }
}

fn object_of(value: Option<&Value>) -> Map<String, Value> {
    value
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}
