//! Writing new files into a folder the user owns (`fleetc init`, `fleetc import`): all of them or,
//! when one exists and overwriting is not asked for, none.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why the files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0} exists")]
    Exists(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Writes `files` (path below `dir`, text) below `dir` (shown as `display`): none when one of them exists
/// and `force` is not given. Returns the paths written, as shown.
pub fn write_new(
    dir: &Path,
    display: &str,
    files: &[(String, String)],
    force: bool,
) -> Result<Vec<String>, WriteError> {
    let shown = |path: &str| format!("{}/{path}", display.trim_end_matches('/'));
    if !force && let Some((path, _)) = files.iter().find(|(p, _)| dir.join(p).exists()) {
        return Err(WriteError::Exists(shown(path)));
    }
    let mut written = Vec::new();
    for (path, text) in files {
        let target: PathBuf = dir.join(path);
        let io = |source| WriteError::Io {
            path: shown(path),
            source,
        };
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io)?;
        }
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .create_new(!force)
            .open(&target)
            .map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        written.push(shown(path));
    }
    Ok(written)
}
