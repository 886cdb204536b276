//! The output folder, checked and locked before anything in it is read or written.
//!
//! `out/` is fleetc's own tree. Whatever a commit puts there, fleetc never reads, writes or
//! deletes anything outside it: `out` itself must be a real folder (not a symlink), it must not
//! hold the fleet, the repository's root or its git directory (fleetc removes the files it
//! generated below `out/`, and nothing else may be at risk of that), and below it only real
//! folders and regular files are accepted ([`super::scan`]). Runs on one `out/` are serialised:
//! `render` holds an exclusive lock on the folder while it works, `check` a shared one.

use std::fs::{self, File};
use std::path::{Component, Path, PathBuf};

use super::EmitError;

/// What a run does with `out/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only reads it (`check`); waits for a run that writes.
    Read,
    /// Writes it (`render`); waits for every other run.
    Write,
}

/// A checked output folder, locked for as long as this value lives.
#[derive(Debug)]
pub struct OutDir {
    path: PathBuf,
    display: String,
    _lock: Option<File>,
}

impl OutDir {
    /// Checks `path` as an output folder for the fleet in `fleet_dir` and locks it (creating it
    /// when writing). `display` is how the user named it.
    pub fn open(
        path: &Path,
        display: &str,
        fleet_dir: &Path,
        access: Access,
    ) -> Result<Self, EmitError> {
        let refuse = |what: String| EmitError::Unsafe {
            path: display.to_owned(),
            what,
        };
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_symlink() => {
                return Err(refuse(
                    "is a symlink; fleetc writes its output only into a real folder, so that \
                     no commit can point it elsewhere"
                        .into(),
                ));
            }
            Ok(meta) if !meta.is_dir() => return Err(refuse("is not a folder".into())),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(EmitError::io(path)(e)),
        }
        let out = resolve(path).map_err(EmitError::io(path))?;
        let contains = |inner: &Path| inner.starts_with(&out);
        if let Ok(fleet) = resolve(fleet_dir)
            && contains(&fleet)
        {
            return Err(refuse(format!(
                "holds the fleet folder {}; fleetc removes the files it generated below its \
                 output folder, so the output needs a folder of its own (the default is `out`)",
                fleet_dir.display()
            )));
        }
        if let Ok(repo) = git2::Repository::discover(existing_ancestor(&out)) {
            if let Some(root) = repo.workdir().and_then(|w| w.canonicalize().ok())
                && contains(&root)
            {
                return Err(refuse(
                    "holds the root of the git repository; fleetc removes the files it \
                     generated below its output folder, so the output needs a folder of its own \
                     (the default is `out`)"
                        .into(),
                ));
            }
            if let Ok(git_dir) = repo.path().canonicalize()
                && (out.starts_with(&git_dir) || contains(&git_dir))
            {
                return Err(refuse("is inside the git directory".into()));
            }
        }
        if access == Access::Write {
            fs::create_dir_all(path).map_err(EmitError::io(path))?;
        }
        let lock = lock(path, access)?;
        Ok(Self {
            path: path.to_path_buf(),
            display: display.to_owned(),
            _lock: lock,
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder as the user named it.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// A path below the folder as users see it.
    pub fn display_path(&self, relative: &str) -> String {
        format!("{}/{relative}", self.display.trim_end_matches('/'))
    }
}

/// Locks the folder (when it exists): exclusively for a writer, shared for a reader. Waits for
/// the lock, so concurrent runs on one `out/` take turns instead of deleting each other's
/// staging files.
fn lock(path: &Path, access: Access) -> Result<Option<File>, EmitError> {
    #[cfg(unix)]
    {
        let handle = match File::open(path) {
            Ok(handle) => handle,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && access == Access::Read => {
                return Ok(None);
            }
            Err(e) => return Err(EmitError::io(path)(e)),
        };
        let locked = match access {
            Access::Write => handle.lock(),
            Access::Read => handle.lock_shared(),
        };
        locked.map_err(EmitError::io(path))?;
        Ok(Some(handle))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, access);
        Ok(None)
    }
}

/// `path` made absolute with every symlink resolved, also when it (or its last components)
/// does not exist yet.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut resolved = canonical;
            for component in rest.iter().rev() {
                resolved.push(component);
            }
            return Ok(normalize(&resolved));
        }
        let Some(parent) = existing.parent() else {
            return Ok(normalize(&absolute));
        };
        if let Some(last) = existing.components().next_back() {
            rest.push(last.as_os_str().to_os_string());
        }
        existing = parent;
    }
}

/// `path` without `.` and `..` components (lexically).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The nearest ancestor of `path` (or itself) that exists.
fn existing_ancestor(path: &Path) -> &Path {
    path.ancestors()
        .find(|p| p.exists())
        .unwrap_or(Path::new("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        fs::create_dir_all(dir.path().join("fleet")).unwrap();
        dir
    }

    fn open(root: &Path, out: &str) -> Result<OutDir, EmitError> {
        OutDir::open(&root.join(out), out, &root.join("fleet"), Access::Write)
    }

    /// Hostile inputs m7: `--out .` deleted the repository's own committed `out/`.
    #[test]
    fn an_output_folder_that_holds_the_fleet_or_the_repo_is_refused() {
        let dir = repo();
        for out in [".", "..", "fleet/..", "./", "nope/../.."] {
            let error = open(dir.path(), out).unwrap_err().to_string();
            assert!(
                error.contains("holds the fleet folder") || error.contains("holds the root"),
                "{out}: {error}"
            );
        }
        assert!(open(dir.path(), ".git/out").is_err());
        assert!(open(dir.path(), "out").is_ok());
        assert!(open(dir.path(), "build/out").is_ok());
    }

    /// Hostile inputs C1: `out` committed as a symlink made render write where it pointed.
    #[cfg(unix)]
    #[test]
    fn an_output_folder_that_is_a_symlink_is_refused() {
        let dir = repo();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("out")).unwrap();
        let error = open(dir.path(), "out").unwrap_err().to_string();
        assert_eq!(
            error,
            "out is a symlink; fleetc writes its output only into a real folder, so that no \
             commit can point it elsewhere"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_second_writer_waits_for_the_first() {
        use std::sync::mpsc;
        let dir = repo();
        let first = open(dir.path(), "out").unwrap();
        let (sender, receiver) = mpsc::channel();
        let root = dir.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            let second = open(&root, "out").unwrap();
            sender.send(()).unwrap();
            drop(second);
        });
        assert!(
            receiver
                .recv_timeout(std::time::Duration::from_millis(200))
                .is_err(),
            "the second writer must wait"
        );
        drop(first);
        receiver
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the second writer goes on once the first is done");
        waiter.join().unwrap();
    }
}
