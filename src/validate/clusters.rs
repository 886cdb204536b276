//! Clusters are stamped from layers: the Fleet's `spec.defaults` < the named `ClusterTemplate` <
//! the Cluster itself. This merges the layers, checks the result, and keeps track of which
//! layer each field came from, so a problem in a template is reported in the template.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::shared::Sharing;
use super::{Findings, connection, decode::decode, expiry, labels, provisioning, suggest};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::load::{Document, Pointer, Target};
use crate::model::digest::digest_of;
use crate::model::{
    AwsFacts, AzureFacts, Cluster, ClusterArgoCd, ClusterOrigin, Connection, Fleet, GcpFacts,
    NodePool, Provider, Provisioner, VclusterFacts, deep_merge, deep_merge_owned,
};

/// The merged cluster, as read from the layers.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Merged {
    #[serde(default)]
    metadata: MergedMeta,
    #[serde(default)]
    spec: MergedSpec,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MergedMeta {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MergedSpec {
    provider: Option<Provider>,
    region: Option<String>,
    environment: Option<String>,
    hub: Option<String>,
    kubernetes_version: Option<String>,
    argocd: Option<ClusterArgoCd>,
    connection: Option<Connection>,
    provisioner: Option<Provisioner>,
    node_pools: Option<Vec<NodePool>>,
    aws: Option<AwsFacts>,
    gcp: Option<GcpFacts>,
    azure: Option<AzureFacts>,
    vcluster: Option<VclusterFacts>,
    expires: Option<String>,
}

/// The layers of one cluster.
pub(crate) struct Layers<'a> {
    pub(crate) cluster: &'a Document,
    pub(crate) template: Option<&'a Document>,
    pub(crate) fleet: &'a Document,
}

impl Layers<'_> {
    /// Where the merged field at `pointer` (`/spec/hub`, `/metadata/labels/team`) was set: in the
    /// cluster, else its template, else the Fleet defaults, else (not set anywhere) the cluster.
    pub(crate) fn locate(
        &self,
        findings: &Findings<'_>,
        pointer: &Pointer,
        target: Target,
    ) -> Option<Location> {
        let has = |doc: &Document, p: &Pointer| doc.value.pointer(&p.to_string()).is_some();
        let candidates = [
            Some((self.cluster, pointer.clone())),
            self.template
                .map(|t| (t, Pointer::root().key("template").join(pointer))),
            Some((
                self.fleet,
                Pointer::root().key("spec").key("defaults").join(pointer),
            )),
        ];
        let (doc, p) = candidates
            .into_iter()
            .flatten()
            .find(|(doc, p)| has(doc, p))
            .unwrap_or((self.cluster, pointer.clone()));
        findings.at(doc.at, &p, target)
    }

    /// The cluster's, the template's and the Fleet's document.
    fn documents(&self) -> (&Document, Option<&Document>, &Document) {
        (self.cluster, self.template, self.fleet)
    }

    fn origin(&self) -> ClusterOrigin {
        ClusterOrigin {
            cluster: self.cluster.at,
            template: self.template.map(|t| t.at),
            fleet: self.fleet.at,
        }
    }
}

/// The own layer of a cluster document: its labels, annotations and spec without `template`.
fn own_layer(doc: &Document) -> Value {
    let mut meta = Map::new();
    if let Some(metadata) = doc.value.get("metadata") {
        for key in ["labels", "annotations"] {
            if let Some(v) = metadata.get(key) {
                meta.insert(key.into(), v.clone());
            }
        }
    }
    let spec = match doc.value.get("spec") {
        Some(Value::Object(spec)) => Value::Object(
            spec.iter()
                .filter(|(key, _)| *key != "template")
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        ),
        Some(other) => other.clone(),
        None => Value::Object(Map::new()),
    };
    let mut layer = Map::new();
    layer.insert("metadata".into(), Value::Object(meta));
    layer.insert("spec".into(), spec);
    Value::Object(layer)
}

/// Merges the layers; `spec.connection` is taken whole from the most specific layer that sets
/// it, since two connection forms never combine.
fn merge(layers: &Layers<'_>) -> Value {
    let defaults = layers.fleet.value.pointer("/spec/defaults");
    let template = layers.template.and_then(|t| t.value.get("template"));
    let own = own_layer(layers.cluster);
    let mut merged = Value::Object(Map::new());
    let mut connection = own.pointer("/spec/connection").cloned();
    for layer in [template, defaults].into_iter().flatten() {
        connection = connection.or_else(|| layer.pointer("/spec/connection").cloned());
    }
    for layer in [defaults, template].into_iter().flatten() {
        deep_merge(&mut merged, layer);
    }
    deep_merge_owned(&mut merged, own);
    if let (Some(c), Some(spec)) = (
        connection,
        merged.get_mut("spec").and_then(Value::as_object_mut),
    ) {
        spec.insert("connection".into(), c);
    }
    merged
}

/// Per cluster document: the cluster, the findings of finding its layers, those of resolving
/// them (what the other side of a diff may take), and the layers.
type Resolved<'d, 'f> = (
    Option<Cluster>,
    Findings<'f>,
    Vec<Diagnostic>,
    Option<Layers<'d>>,
);

/// Resolves every cluster document (in parallel; diagnostics stay in document order).
/// `templates` maps template names to their documents. On the second side of a diff, a cluster
/// whose layers are all documents of the first side is taken from there (see [`Sharing`]).
pub(crate) fn resolve(
    fleet: &Fleet,
    fleet_doc: &Document,
    templates: &HashMap<&str, &Document>,
    documents: &[&Document],
    findings: &mut Findings<'_>,
    sharing: &mut Sharing<'_>,
) -> Vec<Cluster> {
    let reuse = sharing.reuse();
    let resolved: Vec<Resolved<'_, '_>> = documents
        .par_iter()
        .map(|doc| {
            let mut found = findings.fork();
            let Some(layers) = layers(fleet_doc, templates, doc, &mut found) else {
                return (None, found, Vec::new(), None);
            };
            let (cluster, resolving) =
                if let Some(shared) = reuse.resolved(layers.documents(), layers.origin()) {
                    (shared.cluster, shared.diagnostics)
                } else {
                    let mut resolving = findings.fork();
                    let cluster = resolve_one(fleet, &layers, &mut resolving);
                    (cluster, resolving.diagnostics)
                };
            (cluster, found, resolving, Some(layers))
        })
        .collect();
    let recording = sharing.record().is_some();
    let mut clusters = Vec::with_capacity(resolved.len());
    let mut records = Vec::new();
    for (cluster, found, resolving, layers) in resolved {
        if let Some(layers) = layers.filter(|_| recording) {
            // The cluster's index for now: its position once sorted is recorded below.
            let index = cluster.as_ref().map(|c| (clusters.len(), c.digest));
            records.push((layers, index, resolving.clone()));
        }
        findings.join(found);
        findings.diagnostics.extend(resolving);
        clusters.extend(cluster);
    }
    // Sorted by name, a stable sort: record where each cluster ends up.
    let mut order: Vec<usize> = (0..clusters.len()).collect();
    order.sort_by(|&a, &b| clusters[a].name.cmp(&clusters[b].name));
    if let Some(earlier) = sharing.record() {
        let mut position = vec![0; order.len()];
        for (sorted, &unsorted) in order.iter().enumerate() {
            position[unsorted] = sorted;
        }
        for (layers, index, diagnostics) in records {
            let at = index.map(|(i, digest)| (position[i], digest));
            earlier.record_resolved(layers.documents(), at, &diagnostics);
        }
    }
    let mut slots: Vec<Option<Cluster>> = clusters.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The layers of a cluster document: `None` (reported) when it names a template that does not
/// exist, or has no name.
fn layers<'a>(
    fleet_doc: &'a Document,
    templates: &HashMap<&str, &'a Document>,
    doc: &'a Document,
    findings: &mut Findings<'_>,
) -> Option<Layers<'a>> {
    let name = doc.value.pointer("/metadata/name")?.as_str()?;
    let template = match doc.value.pointer("/spec/template").and_then(Value::as_str) {
        None => None,
        Some(t) => {
            if let Some(found) = templates.get(t) {
                Some(*found)
            } else if findings.unread.contains(t) {
                return None;
            } else {
                let known: Vec<&str> = templates.keys().copied().collect();
                let mut d = Diagnostic::error(
                    Code::UnknownTemplate,
                    format!("cluster `{name}` names template `{t}`, which does not exist"),
                    findings.at(doc.at, &Pointer::parse("/spec/template"), Target::Value),
                );
                d.help = suggest::help(t, &known);
                findings.push(d);
                return None;
            }
        }
    };
    Some(Layers {
        cluster: doc,
        template,
        fleet: fleet_doc,
    })
}

/// The cluster its layers make, checked. What it finds must follow from the three documents,
/// the Fleet's own fields (not the clusters, apps or teams), `now` and the files' text alone:
/// the other side of a diff takes it for the same documents (see [`Sharing`]), so nothing here
/// may read `Findings::unread` or another document. (`Findings::quiet` is read, but holds
/// nothing for a document both sides share: a repaired document is a new value.)
fn resolve_one(fleet: &Fleet, layers: &Layers<'_>, findings: &mut Findings<'_>) -> Option<Cluster> {
    let (doc, template, fleet_doc) = layers.documents();
    let name = doc.value.pointer("/metadata/name")?.as_str()?.to_owned();
    let merged_value = merge(layers);
    let digest = digest_of(&(&name, &merged_value));
    let merged: Merged = match decode(&merged_value, doc.at, &Pointer::root(), findings.files) {
        Ok(m) => m,
        Err(d) => {
            let at = [Some(doc.at), template.map(|t| t.at), Some(fleet_doc.at)];
            findings.push_decode(&at.into_iter().flatten().collect::<Vec<_>>(), d);
            return None;
        }
    };
    let provider = required(&name, "provider", merged.spec.provider, layers, findings);
    let hub = required(&name, "hub", merged.spec.hub.clone(), layers, findings);
    let connection = required(
        &name,
        "connection",
        merged.spec.connection.clone(),
        layers,
        findings,
    );
    let (provider, hub, connection) = (provider?, hub?, connection?);
    let expires = expiry::check(&name, merged.spec.expires.as_deref(), layers, findings);

    if !fleet.hubs.iter().any(|h| h.name == hub) {
        let known: Vec<&str> = fleet.hubs.iter().map(|h| h.name.as_str()).collect();
        let mut d = Diagnostic::error(
            Code::UnknownHub,
            format!("cluster `{name}` is managed by hub `{hub}`, which the Fleet does not declare"),
            layers.locate(findings, &Pointer::parse("/spec/hub"), Target::Value),
        );
        d.help = suggest::help(&hub, &known);
        findings.push(d);
    }
    let mut cluster = Cluster {
        name,
        digest,
        origin: layers.origin(),
        labels: merged.metadata.labels,
        annotations: merged.metadata.annotations,
        provider,
        region: merged.spec.region,
        environment: merged.spec.environment,
        hub,
        kubernetes_version: merged.spec.kubernetes_version,
        argocd: merged.spec.argocd.unwrap_or_default(),
        connection,
        provisioner: merged.spec.provisioner.unwrap_or_default(),
        node_pools: merged.spec.node_pools.unwrap_or_default(),
        aws: merged.spec.aws,
        gcp: merged.spec.gcp,
        azure: merged.spec.azure,
        vcluster: merged.spec.vcluster,
        expires,
        placement_labels: BTreeMap::new(),
    };
    cluster.placement_labels = labels::placement_labels(fleet, &cluster, layers, findings);
    connection::check(&cluster, fleet, layers, findings);
    provisioning::check(&cluster, fleet, layers, findings);
    Some(cluster)
}

fn required<T>(
    name: &str,
    field: &str,
    value: Option<T>,
    layers: &Layers<'_>,
    findings: &mut Findings<'_>,
) -> Option<T> {
    let pointer = Pointer::parse("/spec").key(field);
    let removed = [
        Some(layers.cluster.at),
        layers.template.map(|t| t.at),
        Some(layers.fleet.at),
    ]
    .into_iter()
    .flatten()
    .any(|doc| findings.was_removed(doc, &pointer));
    if value.is_none() && !removed {
        let where_ = match layers.template {
            Some(_) => "in the cluster, its template or the Fleet's defaults",
            None => "in the cluster or the Fleet's defaults",
        };
        findings.push(
            Diagnostic::error(
                Code::MissingField,
                format!("cluster `{name}` has no `spec.{field}`"),
                findings.at(layers.cluster.at, &Pointer::parse("/spec"), Target::Key),
            )
            .with_help(format!("set `spec.{field}` {where_}")),
        );
    }
    value
}
