use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::EmitError;

/// The suffix of the temporary files fleetc writes before renaming them into place.
pub(crate) const TEMP_SUFFIX: &str = ".tmp-fleetc";

/// Every regular file below `dir` by relative `/`-path (nothing if `dir` does not exist).
/// Symlinks are listed as files and never followed.
pub(crate) fn existing_files(dir: &Path) -> Result<BTreeMap<String, PathBuf>, EmitError> {
    let mut files = BTreeMap::new();
    if dir.exists() {
        walk(dir, "", &mut files)?;
    }
    Ok(files)
}

fn walk(
    dir: &Path,
    relative: &str,
    files: &mut BTreeMap<String, PathBuf>,
) -> Result<(), EmitError> {
    let entries = fs::read_dir(dir).map_err(EmitError::io(dir))?;
    for entry in entries {
        let entry = entry.map_err(EmitError::io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if relative.is_empty() {
            name
        } else {
            format!("{relative}/{name}")
        };
        let path = entry.path();
        if entry.file_type().map_err(EmitError::io(&path))?.is_dir() {
            walk(&path, &child, files)?;
        } else {
            files.insert(child, path);
        }
    }
    Ok(())
}
