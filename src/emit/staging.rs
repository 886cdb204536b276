//! How a file reaches disk: written in full to a staging file beside its target, flushed, then
//! renamed over the target, so a reader (or a run that is killed) sees the old file or the new
//! one, never half of one.
//!
//! A staging file is named `.<target>.<random>.tmp-fleetc` and created exclusively (`O_EXCL`):
//! a file or a symlink that already has the name (planted by a commit, or left by another run)
//! is never opened, let alone written through. A rename replaces a symlink at the target rather
//! than writing where it points.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::EmitError;
use crate::model::digest::digest_of;

/// The suffix of every staging file.
pub(crate) const STAGING_SUFFIX: &str = ".tmp-fleetc";

/// Creates a new, empty staging file beside `target`.
fn create(target: &Path) -> io::Result<(PathBuf, File)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for _ in 0..16 {
        let staged = target.with_file_name(format!(".{name}.{:016x}{STAGING_SUFFIX}", unique()));
        match open_new(&staged) {
            Ok(file) => return Ok((staged, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free staging name")))
}

/// Opens `path` for writing only if nothing (no file, no symlink) has that name yet.
fn open_new(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// A number no other staging file of this or another run is likely to carry: the process, the
/// time and a counter, mixed.
fn unique() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let digest = digest_of(&(
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed),
    ));
    // The low half of the digest is as good as all of it.
    #[allow(clippy::cast_possible_truncation, reason = "keeping 64 bits of a hash")]
    let low = digest as u64;
    low
}

/// Writes `content` to a new staging file beside `target` (creating the target's folder), to be
/// renamed over it later. On failure nothing is left behind.
pub(crate) fn stage(target: &Path, content: &[u8]) -> Result<PathBuf, EmitError> {
    let fail = |source| EmitError::Io {
        path: target.to_path_buf(),
        source,
    };
    if let Some(dir) = target.parent() {
        fs::create_dir_all(dir).map_err(fail)?;
    }
    let (staged, mut file) = create(target).map_err(fail)?;
    if let Err(source) = file.write_all(content).and_then(|()| file.flush()) {
        drop(file);
        let _ = fs::remove_file(&staged);
        return Err(fail(source));
    }
    Ok(staged)
}

/// Writes `content` to `path` atomically and durably: staged, synced, renamed.
pub(crate) fn write_atomically(path: &Path, content: &[u8]) -> Result<(), EmitError> {
    let staged = stage(path, content)?;
    let result = File::open(&staged)
        .and_then(|f| f.sync_data())
        .and_then(|()| fs::rename(&staged, path));
    result.map_err(|source| {
        let _ = fs::remove_file(&staged);
        EmitError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// Makes what was written below `dir` durable: the staged files' contents before they are
/// renamed into place, and the renames afterwards, so that a power loss cannot leave an empty
/// file where a complete one was. On Linux one `syncfs` covers every file; elsewhere each of
/// `files` is synced.
pub(crate) fn flush(dir: &Path, files: &[&Path]) -> Result<(), EmitError> {
    #[cfg(target_os = "linux")]
    {
        let _ = files;
        let handle = File::open(dir).map_err(EmitError::io(dir))?;
        rustix::fs::syncfs(&handle).map_err(|e| EmitError::Io {
            path: dir.to_path_buf(),
            source: e.into(),
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        for file in files {
            if let Ok(handle) = File::open(file) {
                handle.sync_data().map_err(EmitError::io(file))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile inputs M1: a symlink committed under a staging name redirected the write.
    #[cfg(unix)]
    #[test]
    fn a_staging_name_taken_by_a_symlink_is_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "precious").unwrap();
        let planted = dir.path().join(format!(".out.yaml.0{STAGING_SUFFIX}"));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let error = open_new(&planted).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn staged_files_are_complete_and_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a/b/out.yaml");
        write_atomically(&target, b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(dir.path().join("a/b"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "precious").unwrap();
        let target = dir.path().join("app.schema.json");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write_atomically(&target, b"{}").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!fs::symlink_metadata(&target).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "{}");
    }

    #[test]
    fn names_differ_between_calls() {
        assert_ne!(unique(), unique());
    }
}
