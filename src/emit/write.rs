use std::fs;
use std::io::Write as _;
use std::path::Path;

use super::EmitError;
use super::scan::TEMP_SUFFIX;

/// What writing `out/` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or changed.
    pub written: Vec<String>,
    /// Files fleetc had generated and no longer renders, now removed.
    pub removed: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Files in `out/` that fleetc did not generate, left alone.
    pub foreign: Vec<String>,
}

/// Writes `content` to a temporary file beside `path`, then renames it over `path`.
pub(crate) fn write_atomically(path: &Path, content: &[u8]) -> Result<(), EmitError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(content)?;
        file.flush()?;
        fs::rename(&temp, path)
    })();
    result.map_err(|source| {
        let _ = fs::remove_file(&temp);
        EmitError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// Removes the folders a removed file leaves empty, up to (not including) `root`.
pub(crate) fn remove_empty_parents(root: &Path, file: &Path) {
    let mut current = file.parent();
    while let Some(dir) = current {
        if dir == root || !dir.starts_with(root) || fs::remove_dir(dir).is_err() {
            break;
        }
        current = dir.parent();
    }
}
