//! The Fleet document, and the fleet assembled from all documents.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;
use serde_json::Value;

use super::decode::decode;
use super::names::check_unique;
use super::shared::Sharing;
use super::{Documents, Findings, apps, clusters, provisioners, teams, vocabulary};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Pointer, Target};
use crate::model::label_vocabulary::{LabelDeclaration, LabelVocabulary};
use crate::model::{
    ArgoCd, CapiSettings, Fleet, FluxSettings, Hub, Repo, SecretStore, TerraformSettings,
};

/// The document's `apiVersion` and `kind` were checked when it was classified.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FleetInput {
    metadata: NameOnly,
    spec: FleetSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameOnly {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FleetSpec {
    #[serde(default)]
    repo: Option<Repo>,
    #[serde(default)]
    argocd: ArgoCd,
    #[serde(default)]
    flux: FluxSettings,
    hubs: Vec<Hub>,
    #[serde(default)]
    labels: Option<BTreeMap<String, LabelDeclaration>>,
    #[serde(default)]
    secret_stores: Vec<SecretStore>,
    #[serde(default)]
    capi: CapiSettings,
    #[serde(default)]
    terraform: TerraformSettings,
    #[serde(default)]
    #[allow(dead_code)]
    defaults: Option<Value>,
}

/// Assembles the fleet from schema-valid documents.
pub(crate) fn build(
    docs: &Documents<'_>,
    findings: &mut Findings<'_>,
    sharing: &mut Sharing<'_>,
) -> Option<Fleet> {
    let fleet_doc = match docs.fleets.as_slice() {
        [] => {
            findings.push(
                Diagnostic::error(Code::MissingFleet, "the fleet has no Fleet document", None)
                    .with_help("add fleet/fleet.yaml with `kind: Fleet`: the fleet's name, hubs and secret stores"),
            );
            return None;
        }
        [one] => *one,
        [first, rest @ ..] => {
            let first_at = findings.files.document_location(first.at);
            for doc in rest {
                findings.push(
                    Diagnostic::error(
                        Code::DuplicateFleet,
                        format!(
                            "a fleet has exactly one Fleet document; the first is at {}:{}:{}",
                            first_at.file, first_at.line, first_at.column
                        ),
                        findings.at(doc.at, &Pointer::parse("/kind"), Target::Value),
                    )
                    .with_help("merge the two Fleet documents into one"),
                );
            }
            return None;
        }
    };
    let input: FleetInput = decode(
        &fleet_doc.value,
        fleet_doc.at,
        &Pointer::root(),
        findings.files,
    )
    .map_err(|d| findings.push_decode(&[fleet_doc.at], d))
    .ok()?;
    let spec = input.spec;
    check_unique(
        "hub",
        spec.hubs.iter().enumerate().map(|(i, h)| {
            (
                h.name.as_str(),
                fleet_doc.at,
                Pointer::parse("/spec/hubs").index(i).key("name"),
            )
        }),
        findings,
    );
    check_unique(
        "secret store",
        spec.secret_stores.iter().enumerate().map(|(i, s)| {
            (
                s.name.as_str(),
                fleet_doc.at,
                Pointer::parse("/spec/secretStores").index(i).key("name"),
            )
        }),
        findings,
    );
    let name_pointer = Pointer::parse("/metadata/name");
    for (what, list) in [
        ("cluster template", &docs.templates),
        ("cluster", &docs.clusters),
        ("app", &docs.apps),
        ("team", &docs.teams),
    ] {
        check_unique(
            what,
            list.iter()
                .map(|d| (name_of(d), d.at, name_pointer.clone())),
            findings,
        );
    }
    // A name the schema refused is no name to resolve, or to suggest.
    let templates: HashMap<&str, &crate::load::Document> = docs
        .templates
        .iter()
        .rev()
        .map(|d| (name_of(d), *d))
        .filter(|(name, _)| !name.is_empty())
        .collect();

    let mut fleet = Fleet {
        name: input.metadata.name,
        digest: crate::model::digest::digest_of(fleet_doc.value.as_ref()),
        at: fleet_doc.at,
        repo: spec.repo,
        argocd: spec.argocd,
        flux: spec.flux,
        hubs: spec.hubs,
        labels: spec.labels,
        secret_stores: spec.secret_stores,
        capi: spec.capi,
        terraform: spec.terraform,
        clusters: Vec::new(),
        apps: Vec::new(),
        teams: Vec::new(),
        not_credential_texts: Vec::new(),
    };
    for doc in docs
        .fleets
        .iter()
        .chain(&docs.templates)
        .chain(&docs.clusters)
        .chain(&docs.apps)
        .chain(&docs.teams)
    {
        super::credentials::marked_texts(doc, &mut fleet.not_credential_texts);
    }
    provisioners::check(&fleet, findings);
    vocabulary::check_declarations(&fleet, fleet_doc, findings);
    fleet.clusters = clusters::resolve(
        &fleet,
        fleet_doc,
        &templates,
        &docs.clusters,
        findings,
        sharing,
    );
    shared_servers(&fleet, findings);
    let names: BTreeSet<&str> = docs
        .clusters
        .iter()
        .map(|d| name_of(d))
        .filter(|name| !name.is_empty())
        .collect();
    let labels = LabelVocabulary::new(fleet.labels.as_ref(), &fleet.clusters);
    fleet.apps = apps::build(&docs.apps, &names, &labels, findings);
    fleet.teams = teams::build(&docs.teams, &fleet, &labels, findings);
    Some(fleet)
}

/// Two clusters of one hub that declare the same API server: Argo CD knows a cluster by its
/// server, so one cluster Secret would stand for both (a copied file whose server was not
/// changed, most often).
fn shared_servers(fleet: &Fleet, findings: &mut Findings<'_>) {
    let mut seen: HashMap<(&str, &str), &str> = HashMap::new();
    for cluster in &fleet.clusters {
        let Some(server) = cluster.connection.server() else {
            continue;
        };
        if let Some(first) = seen.insert((cluster.hub.as_str(), server), &cluster.name) {
            let form = cluster.connection.form();
            let pointer = Pointer::parse(&format!("/spec/connection/{form}/server"));
            findings.push(
                Diagnostic::error(
                    Code::Connection,
                    format!(
                        "clusters `{first}` and `{}` of hub `{}` both connect to {server}: Argo CD knows a cluster by its server, so one cluster Secret would stand for both",
                        cluster.name, cluster.hub
                    ),
                    findings.at(cluster.origin.cluster, &pointer, Target::Value),
                )
                .with_help("give each cluster its own API server (a copied cluster file keeps the old one)"),
            );
        }
    }
}

/// A document's `metadata.name` (schema-checked to be there; empty when the schema refused it).
fn name_of(doc: &crate::load::Document) -> &str {
    doc.value
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}
