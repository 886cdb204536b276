//! The scope of a team's project, checked on every Application fleetc renders: an Application
//! whose project a team owns deploys only to the team's clusters and namespaces, from the
//! repositories the team may use. Argo CD would refuse to sync anything else; fleetc refuses to
//! render it.

use serde_json::Value;

use crate::model::{App, Cluster, Fleet, Team};

/// Which rule of its team's scope an Application breaks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Breach {
    /// Placed on a cluster the team's `clusters` selector does not match.
    Cluster { team: String },
    /// Deploying into a namespace the team does not own (`None`: no namespace at all).
    Namespace {
        team: String,
        namespace: Option<String>,
    },
    /// Deploying from a repository outside the team's `sourceRepos`.
    Repo { team: String, repo: String },
    /// Having Argo CD create its namespace (`CreateNamespace=true`) or manage the namespace's
    /// metadata: a cluster-scoped `Namespace`, which the team's project does not admit.
    CreatesNamespace { team: String },
}

/// Whether some layer of `app` sets its project: only such an app can be a team's.
pub(crate) fn may_be_a_teams(app: &App) -> bool {
    app.fields.pointer("/spec/project").is_some()
        || app.overrides.iter().any(|o| {
            o.fields
                .as_ref()
                .is_some_and(|f| f.pointer("/spec/project").is_some())
        })
}

/// The team that owns project `project`, if any.
fn owner<'f>(fleet: &'f Fleet, project: &str) -> Option<&'f Team> {
    fleet.teams.iter().find(|t| t.project == project)
}

/// How a placement's Application, from its merged Application `fields` (the App document's
/// shape, whose `spec` is the Application's), placed on a cluster with these placement labels,
/// breaks its team's scope, if its project is a team's.
pub(crate) fn breaches(
    fleet: &Fleet,
    fields: &Value,
    labels: &std::collections::BTreeMap<String, String>,
) -> Vec<Breach> {
    let spec = &fields["spec"];
    let Some(team) = spec["project"].as_str().and_then(|p| owner(fleet, p)) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if !team.owns_cluster(labels) {
        found.push(Breach::Cluster {
            team: team.name.clone(),
        });
    }
    let namespace = spec
        .pointer("/destination/namespace")
        .and_then(Value::as_str);
    if !namespace.is_some_and(|n| team.owns_namespace(n)) {
        found.push(Breach::Namespace {
            team: team.name.clone(),
            namespace: namespace.map(str::to_owned),
        });
    }
    let repos = spec
        .pointer("/source/repoURL")
        .into_iter()
        .chain(
            spec["sources"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.get("repoURL")),
        )
        .filter_map(Value::as_str);
    for repo in repos {
        if !team.may_use_repo(repo) {
            found.push(Breach::Repo {
                team: team.name.clone(),
                repo: repo.to_owned(),
            });
        }
    }
    let creates = spec
        .pointer("/syncPolicy/syncOptions")
        .and_then(Value::as_array)
        .is_some_and(|o| o.iter().any(|o| o == "CreateNamespace=true"));
    if creates
        || spec
            .pointer("/syncPolicy/managedNamespaceMetadata")
            .is_some()
    {
        found.push(Breach::CreatesNamespace {
            team: team.name.clone(),
        });
    }
    found
}

impl Breach {
    /// The team whose scope is breached.
    pub(crate) fn team(&self) -> &str {
        match self {
            Breach::Cluster { team }
            | Breach::Namespace { team, .. }
            | Breach::Repo { team, .. }
            | Breach::CreatesNamespace { team } => team,
        }
    }

    /// What the Application does that its team's scope does not allow.
    pub(crate) fn describe(&self, fleet: &Fleet) -> String {
        let team = fleet.teams.iter().find(|t| t.name == self.team());
        match self {
            Breach::Cluster { .. } => {
                "lands on a cluster outside the team's (its `spec.clusters` selector does not match it)"
                    .to_owned()
            }
            Breach::Namespace { namespace, .. } => {
                let owned: Vec<String> = team
                    .map(|t| t.namespaces.iter().map(|n| format!("`{}`", n.name)).collect())
                    .unwrap_or_default();
                match namespace {
                    Some(ns) => format!(
                        "deploys into namespace `{ns}`, which the team does not own (it owns {})",
                        owned.join(", ")
                    ),
                    None => format!(
                        "has no destination namespace (the team owns {})",
                        owned.join(", ")
                    ),
                }
            }
            Breach::Repo { repo, .. } => {
                format!("deploys from `{repo}`, which is not among the team's `sourceRepos`")
            }
            Breach::CreatesNamespace { .. } => "has Argo CD create its namespace or manage its metadata, a cluster-scoped Namespace the team's project does not admit (fleetc renders the team's namespaces)".to_owned(),
        }
    }
}

/// Where in app `app`'s document the field that makes the breach on `cluster` is declared (see
/// [`App::declared_at`]).
pub(crate) fn declared_at(breach: &Breach, app: &App, cluster: &Cluster) -> String {
    let field = match breach {
        Breach::Cluster { .. } => return "/spec/placement".to_owned(),
        Breach::Namespace { .. } => "/spec/destination/namespace",
        Breach::Repo { .. } => {
            let multi = app.fields.pointer("/spec/sources").is_some();
            if multi {
                "/spec/sources"
            } else {
                "/spec/source"
            }
        }
        Breach::CreatesNamespace { .. } => "/spec/syncPolicy",
    };
    app.declared_at(&cluster.name, &cluster.placement_labels, field)
}
