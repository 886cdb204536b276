//! The fleet in the working tree, read from the file system. A symlink is followed only to a
//! regular file inside the repository's working tree (or, outside a repository, the fleet
//! folder), not in its git directory and not ignored by git.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::{
    MAX_FILE_BYTES, Refusal, Refused, SourceError, SourceFile, Sources, display_name, display_path,
    is_yaml, name_bytes,
};

/// Reads every `*.yaml` / `*.yml` file below `dir` (see the module documentation for what is
/// read and what is refused), sorted by path. `display` is how the user named `dir`.
pub fn worktree(dir: &Path, display: &str) -> Result<Sources, SourceError> {
    let meta = fs::metadata(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SourceError::MissingDir(dir.to_path_buf()),
        _ => SourceError::Io {
            path: dir.to_path_buf(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(SourceError::NotADirectory(dir.to_path_buf()));
    }
    let walk = Walk {
        display,
        boundary: Boundary::of(dir),
    };
    let mut sources = Sources::default();
    walk.folder(dir, "", &mut sources)?;
    sources.files.sort_by(|a, b| a.path.cmp(&b.path));
    sources.refused.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(sources)
}

/// What a symlink may lead to: the repository's working tree (or, outside a repository, the
/// fleet folder), never its git directory, never a file git ignores.
struct Boundary {
    root: PathBuf,
    git_dir: Option<PathBuf>,
    repo: Option<git2::Repository>,
}

impl Boundary {
    fn of(dir: &Path) -> Self {
        let repo = git2::Repository::discover(dir).ok();
        let root = repo
            .as_ref()
            .and_then(|r| r.workdir())
            .and_then(|w| w.canonicalize().ok())
            .or_else(|| dir.canonicalize().ok())
            .unwrap_or_else(|| dir.to_path_buf());
        let git_dir = repo.as_ref().and_then(|r| r.path().canonicalize().ok());
        Self {
            root,
            git_dir,
            repo,
        }
    }

    /// Whether fleetc may read `target` (canonical) through a symlink.
    fn admits(&self, target: &Path) -> bool {
        let Ok(relative) = target.strip_prefix(&self.root) else {
            return false;
        };
        if self.git_dir.as_ref().is_some_and(|g| target.starts_with(g))
            || relative.components().any(|c| c.as_os_str() == ".git")
        {
            return false;
        }
        match &self.repo {
            Some(repo) => !repo.is_path_ignored(relative).unwrap_or(true),
            None => true,
        }
    }
}

struct Walk<'a> {
    display: &'a str,
    boundary: Boundary,
}

impl Walk<'_> {
    fn folder(&self, dir: &Path, relative: &str, out: &mut Sources) -> Result<(), SourceError> {
        for entry in fs::read_dir(dir).map_err(io(dir))? {
            let entry = entry.map_err(io(dir))?;
            let name = display_name(&name_bytes(&entry.file_name()));
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let child = if relative.is_empty() {
                name.clone()
            } else {
                format!("{relative}/{name}")
            };
            let refuse = |out: &mut Sources, why| {
                out.refused.push(Refused {
                    path: display_path(self.display, &child),
                    why,
                });
            };
            // The entry's own type: a symlink is a symlink, whatever it points at.
            let kind = entry.file_type().map_err(io(&path))?;
            if kind.is_dir() {
                if path.join(".git").symlink_metadata().is_ok() {
                    refuse(out, Refusal::Submodule);
                } else {
                    self.folder(&path, &child, out)?;
                }
            } else if kind.is_symlink() {
                match self.follow(&path) {
                    Followed::File(target) if is_yaml(&name) => {
                        self.read(&target, &child, out)?;
                    }
                    Followed::Folder => refuse(out, Refusal::SymlinkedFolder),
                    Followed::Refused(why) if is_yaml(&name) => refuse(out, why),
                    Followed::File(_) | Followed::Refused(_) => {}
                }
            } else if is_yaml(&name) {
                if kind.is_file() {
                    self.read(&path, &child, out)?;
                } else {
                    refuse(out, Refusal::Special);
                }
            }
        }
        Ok(())
    }

    /// Where a symlink leads, and whether fleetc may read it.
    fn follow(&self, link: &Path) -> Followed {
        let Ok(target) = link.canonicalize() else {
            return Followed::Refused(Refusal::SymlinkBroken);
        };
        let Ok(meta) = fs::metadata(&target) else {
            return Followed::Refused(Refusal::SymlinkBroken);
        };
        if meta.is_dir() {
            Followed::Folder
        } else if !self.boundary.admits(&target) {
            Followed::Refused(Refusal::SymlinkOutside)
        } else if meta.is_file() {
            Followed::File(target)
        } else {
            Followed::Refused(Refusal::SymlinkToSpecial)
        }
    }

    /// Reads a regular file, refusing one that is too large.
    fn read(&self, path: &Path, relative: &str, out: &mut Sources) -> Result<(), SourceError> {
        let mut bytes = Vec::new();
        fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(io(path))?;
        let path = display_path(self.display, relative);
        if bytes.len() as u64 > MAX_FILE_BYTES {
            out.refused.push(Refused {
                path,
                why: Refusal::TooLarge,
            });
        } else {
            out.files.push(SourceFile { path, bytes });
        }
        Ok(())
    }
}

enum Followed {
    File(PathBuf),
    Folder,
    Refused(Refusal),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SourceError + '_ {
    move |source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    }
}
