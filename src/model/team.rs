//! A team: the Argo CD project it owns, the repositories it may deploy from, the clusters it
//! may deploy to and the namespaces it owns there, and the roles of its members' groups.

use std::collections::BTreeMap;

use crate::load::DocRef;
use crate::selector::Selector;

#[derive(Debug, Clone)]
pub struct Team {
    pub name: String,
    /// The digest of the Team document: equal digests render the same.
    pub digest: super::digest::Digest,
    pub at: DocRef,
    /// The Argo CD project it owns (its name unless it says otherwise).
    pub project: String,
    pub description: Option<String>,
    /// URLs, or Argo CD globs (`*` matches any text).
    pub source_repos: Vec<String>,
    pub clusters: Selector,
    pub namespaces: Vec<TeamNamespace>,
    pub roles: Vec<TeamRole>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamNamespace {
    pub name: String,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRole {
    pub name: String,
    pub groups: Vec<String>,
    pub access: Access,
}

/// What a role may do with the project's Applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Sync,
    Admin,
}

impl Access {
    /// The Argo CD RBAC actions on `applications` the access grants.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Access::Read => &["get"],
            Access::Sync => &["get", "sync"],
            Access::Admin => &["*"],
        }
    }
}

impl Team {
    /// Whether the team may deploy to a cluster with these placement labels.
    pub fn owns_cluster(&self, labels: &BTreeMap<String, String>) -> bool {
        self.clusters.matches(labels)
    }

    /// Whether the team owns namespace `namespace` (on its clusters).
    pub fn owns_namespace(&self, namespace: &str) -> bool {
        self.namespaces.iter().any(|n| n.name == namespace)
    }

    /// Whether the team's apps may deploy from `repo`: one of its `sourceRepos`, where `*`
    /// matches any text, as Argo CD matches an `AppProject`'s.
    pub fn may_use_repo(&self, repo: &str) -> bool {
        self.source_repos
            .iter()
            .any(|pattern| glob_matches(pattern, repo))
    }
}

/// The name of the Application on a cluster's hub that syncs the teams' namespaces onto it.
pub fn namespaces_application_name(cluster: &str) -> String {
    format!("fleetc-namespaces-{cluster}")
}

impl super::Fleet {
    /// The teams whose `clusters` select a cluster with these placement labels.
    pub fn teams_on(&self, labels: &BTreeMap<String, String>) -> Vec<&Team> {
        self.teams
            .iter()
            .filter(|t| t.owns_cluster(labels))
            .collect()
    }
}

/// Whether `text` matches `pattern`, in which `*` stands for any text (none included).
fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn globs_match_as_argo_cd_source_repos_do() {
        assert!(glob_matches(
            "https://github.com/acme/a.git",
            "https://github.com/acme/a.git"
        ));
        assert!(!glob_matches(
            "https://github.com/acme/a.git",
            "https://github.com/acme/a.git2"
        ));
        assert!(glob_matches(
            "https://github.com/acme/*",
            "https://github.com/acme/a.git"
        ));
        assert!(glob_matches("*", "anything"));
        assert!(glob_matches(
            "https://*/acme/*.git",
            "https://github.com/acme/x.git"
        ));
        assert!(!glob_matches(
            "https://*/acme/*.git",
            "https://github.com/other/x.git"
        ));
        assert!(glob_matches("a*b*c", "abc"));
        assert!(!glob_matches("a*b*c", "acb"));
        // The last part must fit after the middle ones, not overlap them.
        assert!(!glob_matches("ab*b", "ab"));
    }
}
