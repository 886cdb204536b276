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
    /// URLs, or Argo CD globs (see [`Team::may_use_repo`]).
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

    /// Whether the team's apps may deploy from `repo`, as Argo CD decides it for an
    /// `AppProject`'s `sourceRepos`: both sides normalised as git URLs (lower case, without
    /// `.git`); `*` matches within a path segment, `**` across them, `?` one character; a
    /// `!pattern` that matches refuses the repository whatever else matches, and one that does
    /// not match admits it.
    pub fn may_use_repo(&self, repo: &str) -> bool {
        let repo = normalize_git_url(repo);
        let mut admitted = false;
        for pattern in &self.source_repos {
            match pattern.strip_prefix('!') {
                Some(denied) => {
                    if glob_matches(&normalize_git_url(denied), &repo) {
                        return false;
                    }
                    admitted = true;
                }
                None => admitted |= glob_matches(&normalize_git_url(pattern), &repo),
            }
        }
        admitted
    }
}

/// Characters of Argo CD's source globs that fleetc does not match: character classes and
/// alternatives.
pub const UNSUPPORTED_GLOB: [char; 4] = ['[', ']', '{', '}'];

/// A git URL as Argo CD compares them: trimmed, in lower case, an scp-like `git@host:path`
/// written `git@host/path`, without a trailing `.git`.
fn normalize_git_url(url: &str) -> String {
    let mut url = url.trim().to_lowercase();
    if !url.contains("://")
        && let Some(at) = url.find('@')
        && let Some(colon) = url[at..].find(':')
    {
        url.replace_range((at + colon)..=(at + colon), "/");
    }
    url.strip_suffix(".git").map(str::to_owned).unwrap_or(url)
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

/// Whether `text` matches `pattern`: `**` stands for any text, `*` for any text without `/`,
/// `?` for one character but `/`.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Dynamic programming over (pattern position, text position): at[j] says whether the
    // pattern so far matches the first j characters of the text.
    let mut at = vec![false; t.len() + 1];
    at[0] = true;
    let mut i = 0;
    while i < p.len() {
        let mut next = vec![false; t.len() + 1];
        if p[i] == '*' {
            let crosses = p.get(i + 1) == Some(&'*');
            for j in 0..=t.len() {
                // Extend a match at j over the following characters.
                next[j] = at[j] || (j > 0 && next[j - 1] && (crosses || t[j - 1] != '/'));
            }
            i += if crosses { 2 } else { 1 };
        } else {
            for j in 1..=t.len() {
                let one = if p[i] == '?' {
                    t[j - 1] != '/'
                } else {
                    p[i] == t[j - 1]
                };
                next[j] = at[j - 1] && one;
            }
            i += 1;
        }
        at = next;
    }
    at[t.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_as_argo_cd_source_repos_do() {
        assert!(glob_matches(
            "https://github.com/acme/a",
            "https://github.com/acme/a"
        ));
        assert!(!glob_matches(
            "https://github.com/acme/a",
            "https://github.com/acme/ab"
        ));
        assert!(glob_matches(
            "https://github.com/acme/*",
            "https://github.com/acme/a"
        ));
        // `*` stays within a path segment; `**` crosses them.
        assert!(!glob_matches(
            "https://github.com/*",
            "https://github.com/acme/a"
        ));
        assert!(glob_matches(
            "https://github.com/**",
            "https://github.com/acme/a"
        ));
        assert!(glob_matches("*", "anything"));
        assert!(glob_matches(
            "https://*/acme/*-api",
            "https://github.com/acme/x-api"
        ));
        assert!(!glob_matches(
            "https://*/acme/*-api",
            "https://github.com/other/x-api"
        ));
        assert!(glob_matches("a?c", "abc"));
        assert!(!glob_matches("a?c", "a/c"));
        assert!(glob_matches("a*b*c", "abc"));
        assert!(!glob_matches("a*b*c", "acb"));
        assert!(!glob_matches("ab*b", "ab"));
    }

    #[test]
    fn repositories_are_compared_as_argo_cd_normalises_them() {
        let team = |repos: &[&str]| Team {
            name: "t".into(),
            digest: 0,
            at: crate::load::DocRef {
                file: crate::load::FileId(0),
                index: 0,
            },
            project: "t".into(),
            description: None,
            source_repos: repos.iter().map(|r| (*r).to_owned()).collect(),
            clusters:
                crate::selector::Selector::compile(&crate::selector::LabelSelector::default())
                    .expect("{}"),
            namespaces: Vec::new(),
            roles: Vec::new(),
        };
        let payments = team(&["https://github.com/acme/payments-*.git"]);
        assert!(payments.may_use_repo("https://github.com/acme/payments-api.git"));
        assert!(payments.may_use_repo("https://GitHub.com/acme/Payments-API"));
        assert!(!payments.may_use_repo("https://github.com/acme/search.git"));
        let ssh = team(&["git@github.com:acme/*.git"]);
        assert!(ssh.may_use_repo("git@github.com:acme/x.git"));
        // A deny pattern refuses what it matches and admits the rest.
        let deny = team(&["!https://github.com/acme/secret.git"]);
        assert!(!deny.may_use_repo("https://github.com/acme/secret"));
        assert!(deny.may_use_repo("https://github.com/acme/other"));
        let both = team(&[
            "https://github.com/acme/*",
            "!https://github.com/acme/secret",
        ]);
        assert!(!both.may_use_repo("https://github.com/acme/secret.git"));
        assert!(both.may_use_repo("https://github.com/acme/open.git"));
    }
}
