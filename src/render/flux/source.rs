//! The Flux source a placement reads: a `GitRepository` for a path in a git repository (one per
//! repository and revision), a `HelmRepository` for a chart (one per repository, `type: oci`
//! for an OCI registry). Placements of one hub that read the same repository share the object,
//! listed once in `hubs/<hub>/sources.yaml`; so a source's identity (its `repoURL`, and a git
//! source's `targetRevision`) is read from the app's literal fields and the overrides that
//! apply on the cluster, without templates.

use serde_json::{Value, json};

use crate::model::digest::digest_of;
use crate::model::{App, Cluster, Fleet, deep_merge, is_templated};

/// A source a placement reads, and the object that declares it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Source {
    pub(crate) kind: &'static str,
    pub(crate) name: String,
    pub(crate) url: String,
    /// A git source's reference (`branch`, `tag` or `commit`, and its value).
    pub(crate) reference: Option<(&'static str, String)>,
}

/// Why a placement's source cannot be a Flux source, and where (a pointer into the App
/// document's fields, `/spec/...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unfit {
    pub(crate) field: &'static str,
    pub(crate) message: String,
}

/// The source app `app` reads on `cluster`.
pub(crate) fn of(app: &App, cluster: &Cluster) -> Result<Source, Unfit> {
    if app.fields.pointer("/spec/sources").is_some()
        || app.overrides.iter().any(|o| {
            o.fields
                .as_ref()
                .is_some_and(|f| f.pointer("/spec/sources").is_some())
        })
    {
        return Err(Unfit {
            field: "/spec/sources",
            message:
                "has several sources, which a Flux hub does not deliver (one `source` per app)"
                    .into(),
        });
    }
    let mut source = app
        .fields
        .pointer("/spec/source")
        .cloned()
        .unwrap_or(Value::Null);
    for o in &app.overrides {
        if o.applies(&cluster.name, &cluster.placement_labels)
            && let Some(layer) = o.fields.as_ref().and_then(|f| f.pointer("/spec/source"))
        {
            deep_merge(&mut source, layer);
        }
    }
    let text = |key: &str| source.get(key).and_then(Value::as_str);
    let literal = |field: &'static str, value: Option<&str>| match value {
        Some(v) if is_templated(v) => Err(Unfit {
            field,
            message: format!(
                "templates its `{}` on a Flux hub, whose placements share their sources: write it literally",
                field.rsplit('/').next().unwrap_or(field)
            ),
        }),
        other => Ok(other.map(str::to_owned)),
    };
    let url = literal("/spec/source/repoURL", text("repoURL"))?.unwrap_or_default();
    if text("chart").is_none() && url.starts_with("oci://") {
        return Err(Unfit {
            field: "/spec/source",
            message: "reads an OCI registry without a `chart`, which a Flux hub does not deliver"
                .into(),
        });
    }
    if text("chart").is_some() {
        let oci = url.starts_with("oci://") || !url.contains("://");
        let url = if oci && !url.starts_with("oci://") {
            format!("oci://{url}")
        } else {
            url
        };
        return Ok(Source {
            kind: "HelmRepository",
            name: name("helm", &url, None),
            url,
            reference: None,
        });
    }
    let revision = literal("/spec/source/targetRevision", text("targetRevision"))?;
    let reference = git_reference(revision.as_deref()).ok_or_else(|| Unfit {
        field: "/spec/source/targetRevision",
        message: "tracks `HEAD` (or no revision) on a Flux hub: Flux follows a branch, a tag or a commit, so name one".into(),
    })?;
    let url = git_url(&url);
    Ok(Source {
        kind: "GitRepository",
        name: name("git", &url, Some(&reference)),
        url,
        reference: Some(reference),
    })
}

/// A git URL as a `GitRepository` takes it: scp-like `git@host:path` as `ssh://git@host/path`.
pub(super) fn git_url(url: &str) -> String {
    if url.contains("://") {
        return url.to_owned();
    }
    match url.split_once(':') {
        Some((host, path)) if host.contains('@') => format!("ssh://{host}/{path}"),
        _ => url.to_owned(),
    }
}

/// A git `targetRevision` as a Flux reference: a 40-character hex string is a commit; a full
/// reference (`refs/...`) a `name`; a version (`v1.2.3`, `1.4`, `v2.0.0-rc.1`) a tag; a version
/// range (`1.*`, `>=1.2`, `~1.2`) a `semver` range of tags; anything else but `HEAD` a branch.
pub(super) fn git_reference(revision: Option<&str>) -> Option<(&'static str, String)> {
    let revision = revision.filter(|r| !r.is_empty() && *r != "HEAD")?;
    let hex = revision.len() == 40 && revision.chars().all(|c| c.is_ascii_hexdigit());
    let release = revision.strip_prefix('v').unwrap_or(revision);
    let release = release.split_once('-').map_or(release, |(r, _)| r);
    let version = release.contains('.')
        && release
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
    let range = revision.contains(['*', '^', '~', '>', '<', '=']);
    let kind = if hex {
        "commit"
    } else if revision.starts_with("refs/") {
        "name"
    } else if range {
        "semver"
    } else if version {
        "tag"
    } else {
        "branch"
    };
    Some((kind, revision.to_owned()))
}

/// A source object's name: its kind, the repository's last path segment, and a digest of what
/// identifies it, so two repositories never share a name.
fn name(kind: &str, url: &str, reference: Option<&(&'static str, String)>) -> String {
    let last = url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches(".git")
        .to_lowercase();
    let slug: String = last
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug: String = slug.trim_matches('-').chars().take(40).collect();
    let digest = digest_of(&(kind, url, reference));
    let slug = slug.trim_end_matches('-');
    let short = digest & 0xffff_ffff_ffff_ffff;
    if slug.is_empty() {
        format!("{kind}-{short:016x}")
    } else {
        format!("{kind}-{slug}-{short:016x}")
    }
}

impl Source {
    /// The object that declares the source on the hub.
    pub(crate) fn object(&self, fleet: &Fleet) -> Value {
        let mut spec = json!({"interval": super::INTERVAL, "url": self.url});
        if let Some((kind, value)) = &self.reference {
            spec["ref"] = json!({*kind: value});
        }
        if self.kind == "HelmRepository" && self.url.starts_with("oci://") {
            spec["type"] = json!("oci");
        }
        if let Some(secret) = fleet.flux.source_secret(&self.url) {
            spec["secretRef"] = json!({"name": secret});
        }
        // What the CRD would default, said, so that out/ is what the cluster stores.
        match self.kind {
            "GitRepository" => spec["timeout"] = json!(super::GIT_TIMEOUT),
            "HelmRepository" => spec["provider"] = json!("generic"),
            _ => {}
        }
        json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": self.kind,
            "metadata": {"name": self.name, "namespace": super::namespace(fleet)},
            "spec": spec,
        })
    }

    /// How a `Kustomization` or a chart names the source.
    pub(crate) fn reference(&self) -> Value {
        json!({"kind": self.kind, "name": self.name})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_git_revision_is_a_commit_a_tag_or_a_branch() {
        let commit = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(
            git_reference(Some(commit)),
            Some(("commit", commit.to_owned()))
        );
        assert_eq!(
            git_reference(Some("v3.0.2")),
            Some(("tag", "v3.0.2".into()))
        );
        assert_eq!(git_reference(Some("1.4")), Some(("tag", "1.4".into())));
        assert_eq!(git_reference(Some("main")), Some(("branch", "main".into())));
        assert_eq!(
            git_reference(Some("release-1.2")),
            Some(("branch", "release-1.2".into()))
        );
        assert_eq!(git_reference(Some("HEAD")), None);
        assert_eq!(git_reference(None), None);
    }

    #[test]
    fn source_names_are_labels_that_differ_by_repository_and_revision() {
        let main = ("branch", "main".to_owned());
        let a = name(
            "git",
            "https://github.com/acme/platform-apps.git",
            Some(&main),
        );
        let b = name(
            "git",
            "https://gitlab.com/acme/platform-apps.git",
            Some(&main),
        );
        let c = name("git", "https://github.com/acme/platform-apps.git", None);
        assert!(a.starts_with("git-platform-apps-"), "{a}");
        assert_ne!(a, b);
        assert_ne!(a, c);
        let odd = name("helm", "oci://registry.example/Charts_/", None);
        assert!(odd.starts_with("helm-charts-"), "{odd}");
        assert!(
            odd.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
        );
    }
}
