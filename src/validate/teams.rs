//! Teams: each a project of its own, selectors as apimachinery would take them, and no
//! namespace with two owners on one cluster.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::apps::compile_selector;
use super::decode::decode;
use super::{Findings, vocabulary};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Pointer, Target};
use crate::model::digest::digest_of;
use crate::model::label_vocabulary::LabelVocabulary;
use crate::model::{
    Access, Cluster, DEFAULT_PROJECT, Fleet, Team, TeamNamespace, TeamRole, UNSUPPORTED_GLOB,
};
use crate::selector::LabelSelector;

/// The document's `apiVersion` and `kind` were checked when it was classified.
#[derive(Deserialize)]
struct TeamInput {
    metadata: TeamMeta,
    spec: TeamSpec,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TeamMeta {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TeamSpec {
    #[serde(default)]
    project: Option<String>,
    #[serde(default)]
    description: Option<String>,
    source_repos: Vec<String>,
    clusters: LabelSelector,
    namespaces: Vec<NamespaceInput>,
    #[serde(default)]
    roles: Vec<RoleInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamespaceInput {
    name: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleInput {
    name: String,
    groups: Vec<String>,
    access: Access,
}

/// The teams, sorted by name; a team whose selector does not compile is left out (and
/// reported).
pub(crate) fn build(
    documents: &[&Document],
    fleet: &Fleet,
    labels: &LabelVocabulary,
    findings: &mut Findings<'_>,
) -> Vec<Team> {
    let (root_project, clusters) = (fleet.argocd.project.as_str(), &fleet.clusters);
    let mut teams: Vec<Team> = documents
        .iter()
        .filter_map(|doc| build_one(doc, root_project, labels, findings))
        .collect();
    teams.sort_by(|a, b| a.name.cmp(&b.name));
    unique_projects(&teams, findings);
    on_flux_hubs(&teams, fleet, findings);
    shared_namespaces(&teams, clusters, findings);
    teams
}

fn build_one(
    doc: &Document,
    root_project: &str,
    labels: &LabelVocabulary,
    findings: &mut Findings<'_>,
) -> Option<Team> {
    let input: TeamInput = decode(&doc.value, doc.at, &Pointer::root(), findings.files)
        .map_err(|d| findings.push_decode(&[doc.at], d))
        .ok()?;
    let spec = input.spec;
    let project = spec.project.unwrap_or_else(|| input.metadata.name.clone());
    if project == DEFAULT_PROJECT || project == root_project {
        let at = if doc.value.pointer("/spec/project").is_some() {
            "/spec/project"
        } else {
            "/metadata/name"
        };
        findings.push(
            Diagnostic::error(
                Code::InvalidName,
                format!(
                    "team `{}` would own project `{project}`, which the hubs' own Applications use",
                    input.metadata.name
                ),
                findings.at(doc.at, &Pointer::parse(at), Target::Value),
            )
            .with_help("give the team a project of its own (`spec.project`)"),
        );
    }
    for (i, repo) in spec.source_repos.iter().enumerate() {
        if repo.contains(UNSUPPORTED_GLOB) {
            findings.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("`{repo}` uses a character class or alternatives, which fleetc does not match"),
                    findings.at(doc.at, &Pointer::parse("/spec/sourceRepos").index(i), Target::Value),
                )
                .with_help("write `*` (within a path segment), `**` (across them), `?` or `!` (deny), as Argo CD matches them, or list each repository"),
            );
        }
    }
    let at = Pointer::parse("/spec/clusters");
    vocabulary::check_selector(labels, doc, &spec.clusters, &at, findings);
    let selector = compile_selector(doc, &spec.clusters, &at, labels, findings)?;
    super::names::check_unique(
        "namespace of a team",
        spec.namespaces.iter().enumerate().map(|(i, n)| {
            (
                n.name.as_str(),
                doc.at,
                Pointer::parse("/spec/namespaces").index(i).key("name"),
            )
        }),
        findings,
    );
    for (i, n) in spec.namespaces.iter().enumerate() {
        let files = findings.files;
        let locate = |key: &str, target| {
            let at = Pointer::parse("/spec/namespaces")
                .index(i)
                .key("labels")
                .key(key);
            Some(files.locate(doc.at, &at, target))
        };
        let found = super::labels::check_map(&n.labels, false, &|_| None, &locate);
        findings.diagnostics.extend(found);
    }
    Some(Team {
        name: input.metadata.name,
        digest: digest_of(doc.value.as_ref()),
        at: doc.at,
        project,
        description: spec.description,
        source_repos: spec.source_repos,
        clusters: selector,
        namespaces: spec
            .namespaces
            .into_iter()
            .map(|n| TeamNamespace {
                name: n.name,
                labels: n.labels,
            })
            .collect(),
        roles: spec
            .roles
            .into_iter()
            .map(|r| TeamRole {
                name: r.name,
                groups: r.groups,
                access: r.access,
            })
            .collect(),
    })
}

/// Teams are Argo CD projects: a team that selects a cluster of a Flux hub would get no bounds
/// there.
fn on_flux_hubs(teams: &[Team], fleet: &Fleet, findings: &mut Findings<'_>) {
    for team in teams {
        let Some(cluster) = fleet.clusters.iter().find(|c| {
            fleet.engine(&c.hub) == crate::model::Engine::Flux
                && team.owns_cluster(&c.placement_labels)
        }) else {
            continue;
        };
        findings.push(
            Diagnostic::error(
                Code::Engine,
                format!(
                    "team `{}` selects cluster `{}` of Flux hub `{}`, but teams are bounded by Argo CD projects, which only Argo CD hubs have",
                    team.name, cluster.name, cluster.hub
                ),
                findings.at(team.at, &Pointer::parse("/spec/clusters"), Target::Key),
            )
            .with_help("narrow the team's `clusters` to Argo CD hubs' clusters"),
        );
    }
}

/// Two teams that own one project would share its `AppProject`.
fn unique_projects(teams: &[Team], findings: &mut Findings<'_>) {
    let mut owners: HashMap<&str, &Team> = HashMap::new();
    for team in teams {
        if let Some(first) = owners.insert(&team.project, team) {
            findings.push(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!(
                        "teams `{}` and `{}` both own project `{}`",
                        first.name, team.name, team.project
                    ),
                    findings.at(team.at, &Pointer::parse("/metadata/name"), Target::Value),
                )
                .with_help(
                    "each team owns a project of its own (`spec.project`, default the team's name)",
                ),
            );
        }
    }
}

/// A namespace that two teams own on one cluster would have two owners, with two sets of
/// labels.
fn shared_namespaces(teams: &[Team], clusters: &[Cluster], findings: &mut Findings<'_>) {
    for (j, later) in teams.iter().enumerate() {
        for earlier in &teams[..j] {
            for (i, namespace) in later.namespaces.iter().enumerate() {
                if !earlier.owns_namespace(&namespace.name) {
                    continue;
                }
                let Some(cluster) = clusters.iter().find(|c| {
                    earlier.owns_cluster(&c.placement_labels)
                        && later.owns_cluster(&c.placement_labels)
                }) else {
                    continue;
                };
                findings.push(
                    Diagnostic::error(
                        Code::DuplicateName,
                        format!(
                            "teams `{}` and `{}` both own namespace `{}` on cluster `{}`",
                            earlier.name, later.name, namespace.name, cluster.name
                        ),
                        findings.at(
                            later.at,
                            &Pointer::parse("/spec/namespaces").index(i).key("name"),
                            Target::Value,
                        ),
                    )
                    .with_help("a namespace has one owner on a cluster: rename one, or narrow a team's `clusters`"),
                );
            }
        }
    }
}
