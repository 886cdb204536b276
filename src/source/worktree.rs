use std::fs;
use std::path::Path;

use super::{SourceError, SourceFile, display_path, is_yaml};

/// Reads every `*.yaml` / `*.yml` file below `dir` (hidden files and folders skipped, symlinked
/// folders not followed), sorted by path. `display` is how the user named `dir`.
pub fn worktree(dir: &Path, display: &str) -> Result<Vec<SourceFile>, SourceError> {
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
    let mut files = Vec::new();
    walk(dir, "", display, &mut files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn walk(
    dir: &Path,
    relative: &str,
    display: &str,
    files: &mut Vec<SourceFile>,
) -> Result<(), SourceError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SourceError::Io { path, source }
    };
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let child = if relative.is_empty() {
            name.clone()
        } else {
            format!("{relative}/{name}")
        };
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            walk(&path, &child, display, files)?;
        } else if is_yaml(&name) && fs::metadata(&path).map_err(io(&path))?.is_file() {
            let bytes = fs::read(&path).map_err(io(&path))?;
            files.push(SourceFile {
                path: display_path(display, &child),
                bytes,
            });
        }
    }
    Ok(())
}
