//! The Application fields an App passes on (issue 9): for each of them, fleetc accepts what the
//! upstream Application CRD accepts and refuses what it refuses, and what it accepts it renders
//! into an Application the CRD accepts. Each case is judged three ways: by `fleetc validate` (the
//! field in an App), by the upstream CRD (the field in an Application), and by the verdict written
//! in the case, so a change in either schema shows up here.
//!
//! Skips (or fails under `FLEETC_REQUIRE_SHARED=1`) when `../shared` is not beside the repository.

mod support;

use fleetc::source::SourceFile;
use fleetc::{Options, compile};
use serde_json::{Value, json};
use support::upstream::{documents, upstream};

/// A Fleet with one hub, and that hub as its one cluster (`tests/fixtures/one-hub/`).
const FLEET: &str = include_str!("fixtures/one-hub/fleet/fleet.yaml");

/// Where a case sets its field: in the spec, in the (Helm) source, or in a source of `sources`.
#[derive(Clone, Copy)]
enum In {
    Spec,
    Source,
    Sources,
}

/// An App whose source is a chart, and an Application with the same source; `field` set at
/// `key` in both.
fn documents_with(place: In, key: &str, field: &Value) -> (Value, Value) {
    let source =
        json!({"repoURL": "https://charts.example.com", "chart": "web", "targetRevision": "1.0.0"});
    let mut app = json!({
        "apiVersion": "fleetc.dev/v1alpha1",
        "kind": "App",
        "metadata": {"name": "web"},
        "spec": {"source": source, "destination": {"namespace": "web"}},
    });
    let mut application = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "web-hub-eu", "namespace": "argocd"},
        "spec": {"project": "default", "source": source, "destination": {"name": "hub-eu", "namespace": "web"}},
    });
    for doc in [&mut app, &mut application] {
        let spec = &mut doc["spec"];
        match place {
            In::Spec => spec[key] = field.clone(),
            In::Source => spec["source"][key] = field.clone(),
            In::Sources => {
                let mut with = spec["source"].clone();
                with[key] = field.clone();
                spec.as_object_mut().expect("a spec").remove("source");
                spec["sources"] = json!([with]);
            }
        }
    }
    (app, application)
}

/// `text` as the one fleet file, compiled at the tests' time.
fn compiled(text: String) -> fleetc::Compilation {
    compile(
        vec![SourceFile {
            path: "fleet/fleet.yaml".into(),
            bytes: text.into_bytes(),
        }],
        &Options {
            now: support::fleet::NOW.parse().expect("a time"),
        },
    )
}

/// The fleet with `app` in it, compiled: its diagnostics (as `code: message`), and the
/// Application it renders when it is valid.
fn fleetc_verdict(app: &Value) -> Result<Value, Vec<String>> {
    let text = format!("{FLEET}---\n{}", serde_json::to_string(app).expect("JSON"));
    let mut compiled = compiled(text);
    let tree = compiled.render_all();
    let errors: Vec<String> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == fleetc::diagnostic::Severity::Error)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    match tree {
        Some(tree) if errors.is_empty() => {
            let file = tree
                .get("hubs/hub-eu/clusters/hub-eu.yaml")
                .expect("the cluster file");
            let text = String::from_utf8(file.to_vec()).expect("UTF-8");
            Ok(documents(&text)
                .into_iter()
                .find(|d| d["kind"] == "Application")
                .expect("the Application"))
        }
        _ => Err(errors),
    }
}

/// The cases: where, which field, its value, and whether Argo CD's CRD accepts it.
fn cases() -> Vec<(In, &'static str, Value, bool)> {
    use In::{Source, Sources, Spec};
    vec![
        // ignoreDifferences: kind is required; the rest are optional.
        (
            Spec,
            "ignoreDifferences",
            json!([{"kind": "Secret", "jsonPointers": ["/data"]}]),
            true,
        ),
        (
            Spec,
            "ignoreDifferences",
            json!([{"group": "apps", "kind": "Deployment", "name": "web", "namespace": "web", "jqPathExpressions": [".spec.replicas"], "managedFieldsManagers": ["kube-controller-manager"]}]),
            true,
        ),
        (
            Spec,
            "ignoreDifferences",
            json!([{"group": "apps", "jsonPointers": ["/spec/replicas"]}]),
            false,
        ),
        (
            Spec,
            "ignoreDifferences",
            json!([{"kind": "Secret", "jsonPointers": "/data"}]),
            false,
        ),
        (
            Spec,
            "ignoreDifferences",
            json!([{"kind": "Secret", "pointers": ["/data"]}]),
            false,
        ),
        // info: name and value, both required.
        (
            Spec,
            "info",
            json!([{"name": "owner", "value": "platform"}]),
            true,
        ),
        (Spec, "info", json!([{"name": "owner"}]), false),
        // revisionHistoryLimit: an integer.
        (Spec, "revisionHistoryLimit", json!(3), true),
        (Spec, "revisionHistoryLimit", json!("3"), false),
        (Spec, "revisionHistoryLimit", json!(1.5), false),
        // syncPolicy: automated.enabled (Argo CD 3.2+), retry.refresh, managedNamespaceMetadata.
        (
            Spec,
            "syncPolicy",
            json!({"automated": {"enabled": false, "prune": true}}),
            true,
        ),
        (
            Spec,
            "syncPolicy",
            json!({"automated": {"enabled": "no"}}),
            false,
        ),
        (
            Spec,
            "syncPolicy",
            json!({"retry": {"limit": 2, "refresh": true, "backoff": {"duration": "5s", "factor": 2, "maxDuration": "3m"}}}),
            true,
        ),
        (
            Spec,
            "syncPolicy",
            json!({"managedNamespaceMetadata": {"labels": {"team": "web"}, "annotations": {"a": "b"}}}),
            true,
        ),
        (
            Spec,
            "syncPolicy",
            json!({"managedNamespaceMetadata": {"labels": {"team": 1}}}),
            false,
        ),
        // Helm options.
        (
            Source,
            "helm",
            json!({"parameters": [{"name": "image.tag", "value": "v2", "forceString": true}]}),
            true,
        ),
        (
            Source,
            "helm",
            json!({"parameters": [{"name": "image.tag", "forceString": "yes"}]}),
            false,
        ),
        (
            Source,
            "helm",
            json!({"fileParameters": [{"name": "config", "path": "files/config.json"}]}),
            true,
        ),
        (
            Source,
            "helm",
            json!({"fileParameters": [{"name": "config", "file": "files/config.json"}]}),
            false,
        ),
        (
            Source,
            "helm",
            json!({"valueFiles": ["values-prod.yaml"], "ignoreMissingValueFiles": true, "skipSchemaValidation": true, "skipCrds": true, "skipTests": true}),
            true,
        ),
        (
            Source,
            "helm",
            json!({"ignoreMissingValueFiles": "true"}),
            false,
        ),
        (
            Source,
            "helm",
            json!({"releaseName": "web", "namespace": "web", "kubeVersion": "1.33", "apiVersions": ["monitoring.coreos.com/v1"], "passCredentials": false, "version": "v3"}),
            true,
        ),
        (Source, "helm", json!({"valueFile": ["values.yaml"]}), false),
        // Kustomize options, in a path source.
        (
            Sources,
            "kustomize",
            json!({"patches": [{"target": {"kind": "Deployment", "name": "web", "labelSelector": "app=web"}, "patch": "- op: replace\n  path: /spec/replicas\n  value: 2\n", "options": {"allowNameChange": true}}]}),
            true,
        ),
        (
            Sources,
            "kustomize",
            json!({"patches": [{"path": "patches/replicas.yaml", "options": {"allowNameChange": "yes"}}]}),
            false,
        ),
        (
            Sources,
            "kustomize",
            json!({"components": ["../../components/monitoring"], "ignoreMissingComponents": true}),
            true,
        ),
        (
            Sources,
            "kustomize",
            json!({"replicas": [{"name": "web", "count": 3}, {"name": "worker", "count": "2"}]}),
            true,
        ),
        (
            Sources,
            "kustomize",
            json!({"replicas": [{"name": "web"}]}),
            false,
        ),
        (
            Sources,
            "kustomize",
            json!({"replicas": [{"name": "web", "count": true}]}),
            false,
        ),
        (
            Sources,
            "kustomize",
            json!({"namePrefix": "web-", "images": ["nginx=nginx:1.27"], "commonLabels": {"team": "web"}, "forceCommonLabels": true, "labelWithoutSelector": true}),
            true,
        ),
        (
            Sources,
            "kustomize",
            json!({"commonLabels": {"team": 1}}),
            false,
        ),
        // Directory and plugin options, in a path source.
        (
            Sources,
            "directory",
            json!({"recurse": true, "jsonnet": {"extVars": [{"name": "env", "value": "prod", "code": false}], "tlas": [{"name": "x", "value": "1"}], "libs": ["vendor"]}}),
            true,
        ),
        (
            Sources,
            "directory",
            json!({"jsonnet": {"extVars": [{"name": "env"}]}}),
            false,
        ),
        (
            Sources,
            "plugin",
            json!({"name": "cmp", "env": [{"name": "ENV", "value": "prod"}], "parameters": [{"name": "a", "string": "b"}, {"name": "c", "array": ["d"]}, {"name": "e", "map": {"f": "g"}}]}),
            true,
        ),
        (Sources, "plugin", json!({"env": [{"name": "ENV"}]}), false),
        // A source's own fields.
        (Sources, "ref", json!("values"), true),
        (Sources, "name", json!("chart"), true),
        (Sources, "ref", json!(1), false),
    ]
}

#[test]
fn fleetc_accepts_what_the_application_crd_accepts_and_nothing_else() {
    let Some(schemas) = upstream() else { return };
    let mut disagreements = Vec::new();
    for (place, key, field, accepted) in cases() {
        // A chart takes Helm options; the other tools need a path.
        let (mut app, mut application) = documents_with(place, key, &field);
        if key != "helm" && matches!(place, In::Sources) {
            for doc in [&mut app, &mut application] {
                let source = &mut doc["spec"]["sources"][0];
                let source = source.as_object_mut().expect("a source");
                source.remove("chart");
                source.insert("path".into(), json!("web"));
            }
        }
        let upstream_accepts = schemas.validate(&application).is_ok();
        let ours = fleetc_verdict(&app);
        let case = format!("{key}: {field}");
        if upstream_accepts != accepted {
            disagreements.push(format!(
                "{case}: the CRD says {upstream_accepts}, the case {accepted}"
            ));
        }
        match (&ours, accepted) {
            (Ok(rendered), true) => {
                if let Err(errors) = schemas.validate(rendered) {
                    disagreements.push(format!(
                        "{case}: the rendered Application is refused: {errors:?}"
                    ));
                }
                let written = match place {
                    In::Spec => &rendered["spec"][key],
                    In::Source => &rendered["spec"]["source"][key],
                    In::Sources => &rendered["spec"]["sources"][0][key],
                };
                // Helm gets the release name fleetc adds; everything else as written.
                let mut expected = field.clone();
                if key == "helm" && expected.get("releaseName").is_none() {
                    expected["releaseName"] = json!("web");
                }
                if *written != expected {
                    disagreements.push(format!("{case}: rendered as {written}"));
                }
            }
            (Err(errors), true) => {
                disagreements.push(format!("{case}: fleetc refuses it: {errors:?}"));
            }
            (Ok(_), false) => disagreements.push(format!("{case}: fleetc accepts it")),
            (Err(errors), false) => {
                if errors.is_empty() {
                    disagreements.push(format!("{case}: refused without an error"));
                }
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn a_chart_in_git_is_released_under_the_apps_name_on_every_cluster() {
    // Pins a bug (issue 9 review): a path source that gets values only from an override was
    // given Helm options, and so the app's release name, only where the override applied;
    // elsewhere Argo CD named the release after the Application.
    let text = format!(
        "{FLEET}---
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {{name: dev-1}}
spec: {{provider: aws, region: eu-west-1, environment: dev, hub: hub-eu, connection: {{secretStore: {{name: aws-eu}}}}}}
---
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata: {{name: web}}
spec:
  source: {{repoURL: https://github.com/acme/charts.git, path: charts/web}}
  destination: {{namespace: web}}
  overrides:
    - selector: {{matchLabels: {{environment: dev}}}}
      values: {{replicas: 1}}
"
    );
    let mut compiled = compiled(text);
    let tree = compiled.render_all();
    let Some(tree) = tree else {
        panic!("an invalid fleet: {:#?}", compiled.diagnostics);
    };
    for (cluster, values) in [("hub-eu", None), ("dev-1", Some(json!({"replicas": 1})))] {
        let file = tree
            .get(&format!("hubs/hub-eu/clusters/{cluster}.yaml"))
            .expect("the cluster file");
        let docs = documents(std::str::from_utf8(file).expect("UTF-8"));
        let application = docs
            .iter()
            .find(|d| d["kind"] == "Application")
            .expect("the Application");
        let helm = &application["spec"]["source"]["helm"];
        assert_eq!(helm["releaseName"], "web", "{cluster}: {application}");
        assert_eq!(helm.get("valuesObject").cloned(), values, "{cluster}");
    }
}
