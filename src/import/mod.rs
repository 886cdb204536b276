//! `fleetc import`: an Argo CD hub's cluster Secrets, ApplicationSets and Applications, read as
//! `kubectl get -o yaml` prints them, turned into a fleet, with the proof that the fleet renders
//! the Applications Argo CD generates.
//!
//! The import reads the objects (`objects`), makes a Cluster of each cluster Secret
//! (`secret`), an App of each ApplicationSet it can express exactly (`appset`) and of each
//! hand-written Application, then compiles and renders the fleet it would write, in memory, and
//! compares every Application with what Argo CD generates ([`equivalence`]). What it cannot
//! express is a finding at the construct, and that object is left out: never approximated.

mod appset;
pub mod equivalence;
mod objects;
mod patch;
mod secret;
pub mod template;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::compile::{Options as CompileOptions, compile};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Target, load};
use crate::render::{RESOURCES_FINALIZER, write_yaml_document};
use crate::source::SourceFile;
pub use equivalence::{Comparison, Difference};
use secret::Imported as Cluster;

/// What the import is told.
#[derive(Debug, Clone)]
pub struct Options {
    /// The hub the clusters belong to; by default the in-cluster Secret's cluster, or `hub`.
    pub hub: Option<String>,
    /// The Fleet's name.
    pub fleet_name: String,
    /// The secret store that holds the connections of clusters with credentials.
    pub store: String,
    /// Its backend: aws, vault, gcp or azure.
    pub store_provider: String,
    /// How the fleet folder is shown (`fleet`): where the written files are said to be.
    pub fleet_display: String,
    /// When the imported fleet is compiled (expiry).
    pub now: jiff::Timestamp,
}

/// What the import made of its input.
pub struct Imported {
    /// The input files, to locate findings.
    pub inputs: Files,
    /// Findings about the input: what is left out, and why.
    pub findings: Vec<Diagnostic>,
    /// The fleet's files: path below the fleet folder, and text.
    pub files: Vec<(String, String)>,
    /// What the import decided from what (provider from which field, store entries needed).
    pub notes: Vec<String>,
    /// Per imported ApplicationSet and Application, the comparison with Argo CD.
    pub comparisons: Vec<Comparison>,
    /// When the fleet the import would write does not compile or render (a gap in the import):
    /// its files and findings.
    pub fleet_findings: Option<(Files, Vec<Diagnostic>)>,
}

impl Imported {
    /// Whether anything differs, was left out, or fails: the import is not proven.
    pub fn has_findings(&self) -> bool {
        crate::diagnostic::has_errors(&self.findings)
            || self.fleet_findings.is_some()
            || self.comparisons.iter().any(|c| !c.differences.is_empty())
    }
}

/// Imports the objects in `inputs`.
pub fn import(inputs: Vec<SourceFile>, options: &Options) -> Imported {
    let loaded = load(inputs.into());
    let files = loaded.files;
    let mut findings = loaded.diagnostics;
    let objects = objects::sort(&loaded.documents, &files, &mut findings);
    let mut notes = Vec::new();

    let hub = options.hub.clone().unwrap_or_else(|| {
        objects
            .secrets
            .iter()
            .find_map(in_cluster_name)
            .unwrap_or_else(|| "hub".to_owned())
    });
    let settings = secret::Settings {
        hub: &hub,
        store: &options.store,
    };
    let mut clusters: Vec<Cluster> = Vec::new();
    for s in &objects.secrets {
        if let Some(c) = secret::import(s, &files, &settings, &mut findings) {
            if clusters.iter().any(|other| other.name == c.name) {
                findings.push(Diagnostic::error(
                    Code::Import,
                    format!(
                        "a second cluster Secret for cluster `{}` is left out",
                        c.name
                    ),
                    Some(s.locate(&files, "/data/name", Target::Value)),
                ));
                continue;
            }
            clusters.push(c);
        }
    }
    clusters.sort_by(|a, b| a.name.cmp(&b.name));
    for c in &clusters {
        notes.push(format!("cluster {}: {}", c.name, c.notes.join(", ")));
    }
    let mut sets = Vec::new();
    for set in &objects.application_sets {
        for imported in appset::import(set, &files, &clusters, &mut findings) {
            for (name, on) in &imported.collisions {
                findings.push(Diagnostic::warning(
                    Code::ImportDifference,
                    format!(
                        "ApplicationSet `{}` generates Application `{name}` for clusters {}, and Argo CD drops every one of them; the imported App names them apart",
                        set.name(),
                        on.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                    ),
                    Some(set.locate(&files, "/spec/template/metadata/name", Target::Value)),
                ));
            }
            sets.push(imported);
        }
    }
    let mut applications = Vec::new();
    let mut generated = 0;
    for application in &objects.applications {
        if owned_by_a_set(application) {
            generated += 1;
            continue;
        }
        if let Some(imported) = plain_application(application, &files, &clusters, &mut findings) {
            applications.push(imported);
        }
    }
    if generated > 0 {
        notes.push(format!(
            "Applications owned by an ApplicationSet, left to it: {generated}"
        ));
    }
    let stores: Vec<&Cluster> = clusters.iter().filter(|c| c.via_store).collect();
    if !stores.is_empty() {
        notes.push(format!(
            "the secret store `{}` ({}) must hold, under argocd/clusters/<cluster>, the properties `server` and `config` of the cluster Secret of {}",
            options.store,
            options.store_provider,
            stores
                .iter()
                .map(|c| format!("`{}`", c.name))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    // The fleet.
    let mut documents: Vec<(String, Value)> = Vec::new();
    documents.push((
        "fleet.yaml".into(),
        fleet_document(options, &hub, &clusters, &sets, &applications),
    ));
    for c in &clusters {
        documents.push((format!("clusters/{}.yaml", c.name), c.document.clone()));
    }
    for s in &sets {
        documents.push((format!("apps/{}.yaml", s.name), s.document.clone()));
    }
    for a in &applications {
        documents.push((format!("apps/{}.yaml", a.name), a.document.clone()));
    }
    let files_out: Vec<(String, String)> = documents
        .into_iter()
        .map(|(path, doc)| {
            let mut text = String::new();
            write_yaml_document(&doc, &mut text);
            (path, text)
        })
        .collect();

    // The proof.
    let display = options.fleet_display.trim_end_matches('/');
    let sources: Vec<SourceFile> = files_out
        .iter()
        .map(|(path, text)| SourceFile {
            path: format!("{display}/{path}"),
            bytes: text.clone().into_bytes(),
        })
        .collect();
    let mut compilation = compile(sources, &CompileOptions { now: options.now });
    let mut comparisons = Vec::new();
    let mut fleet_findings = None;
    match compilation.render_all() {
        Some(tree) => {
            let rendered = equivalence::applications(&tree);
            for s in &sets {
                comparisons.push(equivalence::compare(
                    (&s.name, "ApplicationSet", s.object.name()),
                    &s.expected,
                    &rendered,
                ));
            }
            for a in &applications {
                comparisons.push(equivalence::compare(
                    (&a.name, "Application", &a.name),
                    &a.expected,
                    &rendered,
                ));
            }
        }
        None => {
            fleet_findings = Some((compilation.files, compilation.diagnostics));
        }
    }
    Imported {
        inputs: files,
        findings,
        files: files_out,
        notes,
        comparisons,
        fleet_findings,
    }
}

/// The cluster name of an in-cluster Secret.
fn in_cluster_name(secret: &objects::Object) -> Option<String> {
    (secret.secret_field("server")? == crate::render::IN_CLUSTER_SERVER)
        .then(|| secret.secret_field("name"))?
}

/// Whether an Application was generated by an ApplicationSet.
fn owned_by_a_set(application: &objects::Object) -> bool {
    application
        .value
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(|refs| refs.iter().any(|r| r["kind"] == "ApplicationSet"))
}

/// The Fleet: its hub, the store when a cluster needs one, and the label vocabulary when an
/// app selects on a key no imported cluster carries (a key fleetc would otherwise take for a
/// typo).
fn fleet_document(
    options: &Options,
    hub: &str,
    clusters: &[Cluster],
    sets: &[appset::Imported],
    applications: &[PlainApplication],
) -> Value {
    let mut spec = Map::new();
    spec.insert("hubs".into(), json!([{"name": hub}]));
    let namespaces: BTreeSet<&str> = sets
        .iter()
        .map(|s| s.object.text("/metadata/namespace").unwrap_or("argocd"))
        .chain(applications.iter().map(|a| a.namespace.as_str()))
        .collect();
    if let [only] = namespaces.iter().copied().collect::<Vec<_>>().as_slice()
        && *only != "argocd"
    {
        spec.insert("argocd".into(), json!({"namespace": only}));
    }
    if clusters.iter().any(|c| c.via_store) {
        spec.insert(
            "secretStores".into(),
            json!([{"name": options.store, "provider": options.store_provider}]),
        );
    }
    let carried: BTreeSet<String> = clusters
        .iter()
        .flat_map(|c| {
            c.document
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
        })
        .collect();
    let builtin = ["provider", "region", "environment", "hub"];
    let selected: BTreeSet<String> = sets
        .iter()
        .flat_map(|s| selector_keys(&s.document))
        .filter(|k| !builtin.contains(&k.as_str()))
        .collect();
    let missing: Vec<&String> = selected.difference(&carried).collect();
    if !missing.is_empty() {
        let mut labels = Map::new();
        for key in &carried {
            labels.insert(key.clone(), json!({}));
        }
        for key in missing {
            labels.insert(
                key.clone(),
                json!({"description": "selected by an imported ApplicationSet; no imported cluster carries it yet"}),
            );
        }
        spec.insert("labels".into(), Value::Object(labels));
    }
    json!({
        "apiVersion": "fleetc.dev/v1alpha1",
        "kind": "Fleet",
        "metadata": {"name": options.fleet_name},
        "spec": spec,
    })
}

/// The label keys an App's selectors (its placement's and its overrides') name.
fn selector_keys(app: &Value) -> Vec<String> {
    let overrides = app["spec"]["overrides"].as_array().into_iter().flatten();
    let selectors = std::iter::once(&app["spec"]["placement"]["selector"])
        .chain(overrides.map(|o| &o["selector"]));
    let mut keys = Vec::new();
    for selector in selectors {
        keys.extend(
            selector["matchLabels"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone()),
        );
        keys.extend(
            selector["matchExpressions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["key"].as_str().map(str::to_owned)),
        );
    }
    keys
}

/// A hand-written Application, imported as an App placed on its one cluster.
struct PlainApplication {
    name: String,
    namespace: String,
    document: Value,
    expected: BTreeMap<String, Value>,
}

fn plain_application(
    application: &objects::Object,
    files: &Files,
    clusters: &[Cluster],
    findings: &mut Vec<Diagnostic>,
) -> Option<PlainApplication> {
    let name = application.name().to_owned();
    let leave_out = |findings: &mut Vec<Diagnostic>, pointer: &str, why: String| {
        findings.push(Diagnostic::error(
            Code::Import,
            format!("Application `{name}` is left out: {why}"),
            Some(application.locate(files, pointer, Target::Key)),
        ));
        None
    };
    if let Some(problem) = crate::selector::syntax::dns1123_label_problems(&name).first() {
        return leave_out(
            findings,
            "/metadata/name",
            format!("its name becomes an app's name, a DNS-1123 label ({problem})"),
        );
    }
    let spec = application.value.get("spec").cloned().unwrap_or(json!({}));
    let destination = &spec["destination"];
    let cluster = match (destination["server"].as_str(), destination["name"].as_str()) {
        (Some(server), _) => clusters.iter().find(|c| c.server == server),
        (None, Some(n)) => clusters.iter().find(|c| c.name == n),
        _ => None,
    };
    let Some(cluster) = cluster else {
        return leave_out(
            findings,
            "/spec/destination",
            "its destination is no imported cluster".into(),
        );
    };
    for key in spec.as_object().into_iter().flatten().map(|(k, _)| k) {
        if !crate::model::APPLICATION_FIELDS.contains(&key.as_str()) {
            return leave_out(
                findings,
                &format!("/spec/{key}"),
                format!("`spec.{key}` is not read yet"),
            );
        }
    }
    let finalizers = application
        .value
        .pointer("/metadata/finalizers")
        .cloned()
        .unwrap_or(json!([]));
    let preserve = match finalizers.as_array().map(Vec::as_slice) {
        Some([]) | None => true,
        Some([only]) if only == RESOURCES_FINALIZER => false,
        _ => {
            return leave_out(
                findings,
                "/metadata/finalizers",
                format!("fleetc gives Applications the finalizer `{RESOURCES_FINALIZER}` or none"),
            );
        }
    };
    let mut app_spec = Map::new();
    app_spec.insert("applicationName".into(), name.clone().into());
    for key in appset::carried_fields() {
        if let Some(v) = spec.get(key) {
            app_spec.insert(key.into(), literal(v.clone()));
        }
    }
    if let Some(ns) = destination.get("namespace") {
        app_spec.insert("destination".into(), json!({"namespace": ns}));
    }
    if preserve {
        app_spec.insert("preserveResourcesOnDeletion".into(), true.into());
    }
    app_spec.insert("placement".into(), json!({"clusters": [cluster.name]}));
    appset::default_release_names(&mut app_spec, &name);
    let mut metadata = json!({"name": name});
    let mut expected_meta = json!({
        "name": name,
        "namespace": application.text("/metadata/namespace").unwrap_or("argocd"),
        "finalizers": finalizers,
    });
    for key in ["labels", "annotations"] {
        let kept: Map<String, Value> = application
            .value
            .pointer(&format!("/metadata/{key}"))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(k, _)| {
                !k.starts_with("kubectl.kubernetes.io/") && !k.starts_with("argocd.argoproj.io/")
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !kept.is_empty() {
            metadata[key] = literal(Value::Object(kept.clone()));
            expected_meta[key] = Value::Object(kept);
        }
    }
    let mut expected_spec = spec.as_object().cloned().unwrap_or_default();
    appset::default_release_names(&mut expected_spec, &name);
    let mut dest = json!({"name": cluster.name});
    if let Some(ns) = destination.get("namespace") {
        dest["namespace"] = ns.clone();
    }
    expected_spec.insert("destination".into(), dest);
    let expected = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": expected_meta,
        "spec": expected_spec,
    });
    Some(PlainApplication {
        namespace: application
            .text("/metadata/namespace")
            .unwrap_or("argocd")
            .to_owned(),
        document: json!({
            "apiVersion": "fleetc.dev/v1alpha1",
            "kind": "App",
            "metadata": metadata,
            "spec": app_spec,
        }),
        expected: BTreeMap::from([(cluster.name.clone(), expected)]),
        name,
    })
}

/// A value written as it is: a string with template syntax is kept from evaluation.
fn literal(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(template::translate::literal_text(&s)),
        Value::Array(list) => Value::Array(list.into_iter().map(literal).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, literal(v))).collect())
        }
        other => other,
    }
}
