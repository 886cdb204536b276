//! A file's history: its text at each commit of the first-parent history of `HEAD`, newest
//! first, read from the object database (what a rollout's soak time is judged from).

use std::path::Path;

use git2::Repository;

use super::SourceError;

/// Calls `visit` with each commit's time (seconds since the epoch, the committer's) and the
/// file's text there, from `HEAD` back along first parents, until `visit` returns false, the
/// file is absent, or the history ends. No repository, or no commit yet: no call.
pub fn file_history(
    file: &Path,
    mut visit: impl FnMut(i64, &str) -> bool,
) -> Result<(), SourceError> {
    let Ok(repo) = Repository::discover(file.parent().unwrap_or(file)) else {
        return Ok(());
    };
    let Some(workdir) = repo.workdir() else {
        return Ok(());
    };
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let Ok(relative) = canonical(file)
        .strip_prefix(canonical(workdir))
        .map(Path::to_path_buf)
    else {
        return Ok(());
    };
    if repo.head().is_err() {
        return Ok(());
    }
    let git = |e: git2::Error| SourceError::Git(e.message().to_owned());
    let mut walk = repo.revwalk().map_err(git)?;
    walk.push_head().map_err(git)?;
    walk.simplify_first_parent().map_err(git)?;
    for id in walk {
        let commit = repo.find_commit(id.map_err(git)?).map_err(git)?;
        let tree = commit.tree().map_err(git)?;
        let Ok(entry) = tree.get_path(&relative) else {
            return Ok(());
        };
        let Ok(blob) = repo.find_blob(entry.id()) else {
            return Ok(());
        };
        let text = String::from_utf8_lossy(blob.content());
        if !visit(commit.time().seconds(), &text) {
            return Ok(());
        }
    }
    Ok(())
}
