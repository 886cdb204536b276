//! What is in `out/`, and reading it without trusting it: only real folders and regular files
//! are accepted below `out/` (a symlink or a FIFO, a socket or a device there is refused before
//! anything is read or written), no symlink is ever followed, and no read is longer than it needs
//! to be.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

use super::EmitError;
use super::staging::STAGING_SUFFIX;

/// The regular files below `out/`: fleetc's files, foreign files and staging files alike.
#[derive(Debug, Default)]
pub(crate) struct Existing {
    /// Relative `/`-path to path on disk, staging files excluded.
    pub(crate) files: BTreeMap<String, PathBuf>,
    /// Staging files an interrupted run left, by relative path.
    pub(crate) staging: BTreeMap<String, PathBuf>,
}

/// Every regular file below `dir` (nothing if `dir` does not exist). Anything else below it is
/// refused; `display` is how the user named `dir`.
pub(crate) fn existing_files(dir: &Path, display: &str) -> Result<Existing, EmitError> {
    let mut existing = Existing::default();
    if dir.exists() {
        walk(dir, "", display, &mut existing)?;
    }
    Ok(existing)
}

fn walk(dir: &Path, relative: &str, display: &str, out: &mut Existing) -> Result<(), EmitError> {
    let entries = fs::read_dir(dir).map_err(EmitError::io(dir))?;
    for entry in entries {
        let entry = entry.map_err(EmitError::io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if relative.is_empty() {
            name.clone()
        } else {
            format!("{relative}/{name}")
        };
        let path = entry.path();
        // The entry's own type: a symlink is a symlink, whatever it points at.
        let kind = entry.file_type().map_err(EmitError::io(&path))?;
        if kind.is_dir() {
            walk(&path, &child, display, out)?;
        } else if kind.is_file() {
            if name.ends_with(STAGING_SUFFIX) {
                out.staging.insert(child, path);
            } else {
                out.files.insert(child, path);
            }
        } else {
            return Err(EmitError::Unsafe {
                path: format!("{}/{child}", display.trim_end_matches('/')),
                what: format!(
                    "is {}; fleetc accepts only folders and regular files below its output \
                     folder and follows no link there: remove it",
                    describe(kind)
                ),
            });
        }
    }
    Ok(())
}

/// What a file type that is neither a folder nor a regular file is.
fn describe(kind: fs::FileType) -> &'static str {
    if kind.is_symlink() {
        return "a symlink";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Opens a file below `out/` for reading: never through a symlink, never blocking on a pipe,
/// and only if it is a regular file.
fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits().cast_signed());
    }
    let file = options.open(path)?;
    if file.metadata()?.is_file() {
        Ok(file)
    } else {
        Err(io::Error::other("not a regular file"))
    }
}

/// Reads at most `limit` bytes of the regular file at `path` into `buffer` (cleared first).
pub(crate) fn read_prefix(path: &Path, limit: usize, buffer: &mut Vec<u8>) -> io::Result<()> {
    buffer.clear();
    let file = open_regular(path)?;
    file.take(u64::try_from(limit).unwrap_or(u64::MAX))
        .read_to_end(buffer)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Hostile inputs C1: a symlinked folder committed inside `out/` made render write outside.
    #[test]
    fn a_symlink_below_out_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("hubs")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("hubs/hub-eu")).unwrap();
        let error = existing_files(dir.path(), "out/").unwrap_err().to_string();
        assert!(
            error.starts_with("out/hubs/hub-eu is a symlink; fleetc accepts only folders and"),
            "{error}"
        );
    }

    /// Hostile inputs M4 (c): `out/x -> /dev/zero` was read until memory ran out.
    #[test]
    fn a_link_to_a_device_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).unwrap();
        let error = existing_files(dir.path(), "out").unwrap_err().to_string();
        assert!(error.starts_with("out/zero.yaml is a symlink"), "{error}");
        let mut buffer = Vec::new();
        assert!(read_prefix(&dir.path().join("zero.yaml"), 1 << 20, &mut buffer).is_err());
    }

    /// Hostile inputs M4 (c): a named pipe in `out/` made render and check wait forever.
    #[test]
    fn a_named_pipe_is_refused_without_waiting_on_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.yaml");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
        )
        .unwrap();
        let error = existing_files(dir.path(), "out").unwrap_err().to_string();
        assert!(
            error.starts_with("out/pipe.yaml is a named pipe"),
            "{error}"
        );
        let mut buffer = Vec::new();
        assert!(read_prefix(&fifo, 16, &mut buffer).is_err());
    }

    #[test]
    fn staging_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.yaml"), "a").unwrap();
        fs::write(dir.path().join(format!(".a.yaml.1{STAGING_SUFFIX}")), "a").unwrap();
        let existing = existing_files(dir.path(), "out").unwrap();
        assert_eq!(existing.files.keys().collect::<Vec<_>>(), ["a.yaml"]);
        assert_eq!(existing.staging.len(), 1);
    }
}
