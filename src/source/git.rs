use std::path::{Path, PathBuf};

use git2::{ObjectType, Repository, TreeWalkMode, TreeWalkResult};

use super::{SourceError, SourceFile, display_path, is_yaml};

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
/// database: no checkout, and the working tree is never touched.
pub fn revision(at: &GitRevision<'_>) -> Result<Vec<SourceFile>, SourceError> {
    let repo = Repository::discover(at.repo_dir)?;
    let workdir = repo.workdir().ok_or_else(|| {
        SourceError::Git("the repository is bare; fleetc needs a working tree".into())
    })?;
    let relative = relative_to(workdir, at.fleet_dir)?;
    let object = repo.revparse_single(at.rev).map_err(|e| {
        SourceError::Git(format!(
            "cannot resolve revision `{}`: {}",
            at.rev,
            e.message()
        ))
    })?;
    let root = object.peel_to_tree()?;
    let tree = if relative.as_os_str().is_empty() {
        root
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
    let mut files = Vec::new();
    let mut failure = None;
    tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
        let name = entry.name().unwrap_or_default();
        if name.starts_with('.') {
            return TreeWalkResult::Skip;
        }
        if entry.kind() != Some(ObjectType::Blob) || !is_yaml(name) {
            return TreeWalkResult::Ok;
        }
        match repo.find_blob(entry.id()) {
            Ok(blob) => {
                files.push(SourceFile {
                    path: display_path(at.display, &format!("{dir}{name}")),
                    bytes: blob.content().to_vec(),
                });
                TreeWalkResult::Ok
            }
            Err(e) => {
                failure = Some(e);
                TreeWalkResult::Abort
            }
        }
    })?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
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
