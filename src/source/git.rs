//! The fleet at a git revision, read with `git2` straight from the object database: no
//! checkout, and the working tree is never touched. Symlinks are resolved in the revision's own
//! tree, by the same rules as in the working tree.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Repository, Tree};

use super::{
    MAX_FILE_BYTES, Refusal, Refused, SourceError, SourceFile, Sources, display_name, display_path,
    is_yaml, resolve_link,
};

/// Git's file modes.
const MODE_SYMLINK: i32 = 0o120_000;
const MODE_TREE: i32 = 0o040_000;
const MODE_COMMIT: i32 = 0o160_000;

/// A fleet directory at a git revision: which repository, which revision, which folder.
#[derive(Debug, Clone)]
pub struct GitRevision<'a> {
    /// Any directory inside the repository's working tree (usually the current directory).
    pub repo_dir: &'a Path,
    /// Anything `git rev-parse` accepts: a branch, a tag, `HEAD~1`, `origin/main`, a commit.
    pub rev: &'a str,
    /// The fleet directory on disk; its path relative to the repository root is read at `rev`.
    pub fleet_dir: &'a Path,
    /// How the user named the fleet directory, for display paths.
    pub display: &'a str,
}

/// Reads the fleet's YAML files as they are at a git revision, straight from the object
/// database: no checkout, and the working tree is never touched. The rules are the working
/// tree's (see the module documentation).
pub fn revision(at: &GitRevision<'_>) -> Result<Sources, SourceError> {
    // libgit2 hashes every object it reads again to check it against its name (2 % of a diff
    // at 10,000 clusters). git trusts its repository when it reads objects, as fleetc now does:
    // checking the repository is `git fsck`'s job.
    static NO_REHASH: std::sync::Once = std::sync::Once::new();
    NO_REHASH.call_once(|| git2::opts::strict_hash_verification(false));
    let repo = Repository::discover(at.repo_dir).map_err(|_| {
        SourceError::Git(format!(
            "reading the fleet at `{}` needs a git repository, and {} is in none",
            at.rev, at.display
        ))
    })?;
    let workdir = repo.workdir().ok_or_else(|| {
        SourceError::Git("the repository is bare; fleetc needs a working tree".into())
    })?;
    let relative = relative_to(workdir, at.fleet_dir)?;
    let object = repo.revparse_single(at.rev).map_err(|e| {
        // A CI checkout is often shallow: the base of a diff is then not there at all.
        let shallow = if repo
            .head()
            .is_err_and(|h| h.code() == git2::ErrorCode::UnbornBranch)
        {
            "; the repository has no commits yet: commit the fleet first"
        } else if repo.is_shallow() {
            "; this clone is shallow, so older history is missing: fetch it (`git fetch \
             --unshallow`, or `fetch-depth: 0` in actions/checkout)"
        } else {
            ""
        };
        SourceError::Git(format!(
            "cannot resolve revision `{}`: {}{shallow}",
            at.rev,
            e.message()
        ))
    })?;
    let root = object.peel_to_tree()?;
    let tree = if relative.as_os_str().is_empty() {
        root.clone()
    } else {
        let entry = root
            .get_path(&relative)
            .map_err(|_| SourceError::NoFleetAtRevision {
                rev: at.rev.to_owned(),
                dir: relative.clone(),
            })?;
        entry.to_object(&repo)?.into_tree().map_err(|_| {
            SourceError::Git(format!(
                "{} is not a folder at `{}`",
                relative.display(),
                at.rev
            ))
        })?
    };
    let prefix = relative.to_string_lossy().replace('\\', "/");
    let walk = Walk {
        repo: &repo,
        root: &root,
        display: at.display,
    };
    let mut sources = Sources::default();
    walk.tree(&tree, "", Some(&prefix), &mut sources)?;
    sources.files.sort_by(|a, b| a.path.cmp(&b.path));
    sources.refused.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(sources)
}

struct Walk<'a, 'r> {
    repo: &'r Repository,
    /// The revision's whole tree, where symlinks are resolved.
    root: &'a Tree<'r>,
    display: &'a str,
}

impl Walk<'_, '_> {
    /// Reads the fleet files of `tree`: `relative` is its display path below the fleet folder
    /// (empty or ending in `/`), `repo_path` its path in the repository.
    fn tree(
        &self,
        tree: &Tree<'_>,
        relative: &str,
        repo_path: Option<&str>,
        out: &mut Sources,
    ) -> Result<(), SourceError> {
        for entry in tree {
            let name = display_name(entry.name_bytes());
            if name.starts_with('.') {
                continue;
            }
            let child = format!("{relative}{name}");
            // The path git knows the entry by, for resolving symlinks (none when a name on the
            // way is not UTF-8: a symlink below it is then not followed).
            let child_repo = match (repo_path, entry.name().ok()) {
                (Some(""), Some(raw)) => Some(raw.to_owned()),
                (Some(parent), Some(raw)) => Some(format!("{parent}/{raw}")),
                _ => None,
            };
            let refuse = |out: &mut Sources, why| {
                out.refused.push(Refused {
                    path: display_path(self.display, &child),
                    why,
                });
            };
            let blob = match (entry.filemode(), entry.kind()) {
                (MODE_COMMIT, _) | (_, Some(ObjectType::Commit)) => {
                    refuse(out, Refusal::Submodule);
                    continue;
                }
                (_, Some(ObjectType::Tree)) => {
                    let subtree = self.repo.find_tree(entry.id())?;
                    self.tree(&subtree, &format!("{child}/"), child_repo.as_deref(), out)?;
                    continue;
                }
                (MODE_SYMLINK, _) => {
                    let followed = match &child_repo {
                        Some(link) => follow(self.repo, self.root, link, entry.id())?,
                        None => Followed::Refused(Refusal::SymlinkBroken),
                    };
                    match followed {
                        Followed::File(id) if is_yaml(&name) => id,
                        Followed::Folder => {
                            refuse(out, Refusal::SymlinkedFolder);
                            continue;
                        }
                        Followed::Refused(why) if is_yaml(&name) => {
                            refuse(out, why);
                            continue;
                        }
                        Followed::File(_) | Followed::Refused(_) => continue,
                    }
                }
                _ if is_yaml(&name) => entry.id(),
                _ => continue,
            };
            let blob = self.repo.find_blob(blob)?;
            if blob.size() as u64 > MAX_FILE_BYTES {
                refuse(out, Refusal::TooLarge);
            } else {
                out.files.push(SourceFile {
                    path: display_path(self.display, &child),
                    bytes: blob.content().to_vec(),
                });
            }
        }
        Ok(())
    }
}

enum Followed {
    File(git2::Oid),
    Folder,
    Refused(Refusal),
}

/// Where the symlink at `link` (repository-relative, its blob `id` holding the target) leads
/// in the revision's tree `root`: links are followed as the file system would, but never out of
/// the repository.
fn follow(
    repo: &Repository,
    root: &Tree<'_>,
    link: &str,
    id: git2::Oid,
) -> Result<Followed, git2::Error> {
    let mut link = link.to_owned();
    let mut id = id;
    // As many hops as Linux follows before it calls it a loop.
    for _ in 0..40 {
        let blob = repo.find_blob(id)?;
        let Ok(target) = std::str::from_utf8(blob.content()) else {
            return Ok(Followed::Refused(Refusal::SymlinkBroken));
        };
        let Some(resolved) = resolve_link(&link, target) else {
            return Ok(Followed::Refused(Refusal::SymlinkOutside));
        };
        if resolved.is_empty() {
            return Ok(Followed::Folder);
        }
        let Ok(entry) = root.get_path(Path::new(&resolved)) else {
            return Ok(Followed::Refused(Refusal::SymlinkBroken));
        };
        match entry.filemode() {
            MODE_SYMLINK => {
                link = resolved;
                id = entry.id();
            }
            MODE_TREE => return Ok(Followed::Folder),
            MODE_COMMIT => return Ok(Followed::Refused(Refusal::SymlinkToSpecial)),
            _ => return Ok(Followed::File(entry.id())),
        }
    }
    Ok(Followed::Refused(Refusal::SymlinkBroken))
}

/// `dir` relative to the repository's working tree root.
fn relative_to(workdir: &Path, dir: &Path) -> Result<PathBuf, SourceError> {
    let canonical = |p: &Path| {
        p.canonicalize().map_err(|source| SourceError::Io {
            path: p.to_path_buf(),
            source,
        })
    };
    let root = canonical(workdir)?;
    let dir = if dir.exists() {
        canonical(dir)?
    } else {
        // The folder may exist only at the revision: resolve its parent instead.
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        canonical(parent)?.join(dir.file_name().unwrap_or_default())
    };
    dir.strip_prefix(&root).map(Path::to_path_buf).map_err(|_| {
        SourceError::Git(format!(
            "{} is not inside the repository at {}",
            dir.display(),
            root.display()
        ))
    })
}
