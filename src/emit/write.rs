use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::scan::{TEMP_SUFFIX, existing_files};
use super::{EmitError, OutputTree};
use crate::render::generated_file::is_generated;

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

/// Writes `tree` into `dir`: only changed files are rewritten, each atomically (a temporary file
/// renamed into place, so an interrupted run never leaves a half-written file), and files that
/// fleetc generated but no longer renders are removed. Files fleetc did not generate are never
/// touched. The work is spread over the cores.
pub fn write(dir: &Path, tree: &OutputTree) -> Result<WriteReport, EmitError> {
    let existing = existing_files(dir)?;
    let directories: BTreeSet<PathBuf> = tree
        .paths()
        .filter_map(|p| dir.join(p).parent().map(Path::to_path_buf))
        .collect();
    for d in &directories {
        fs::create_dir_all(d).map_err(EmitError::io(d))?;
    }
    let files: Vec<(&str, &[u8])> = tree.iter().collect();
    let outcomes: Vec<Result<Option<String>, EmitError>> = files
        .par_iter()
        .map(|(relative, content)| {
            let path = dir.join(relative);
            if existing.contains_key(*relative) && fs::read(&path).is_ok_and(|old| old == *content)
            {
                return Ok(None);
            }
            write_atomically(&path, content)?;
            Ok(Some((*relative).to_owned()))
        })
        .collect();
    let mut report = WriteReport::default();
    for outcome in outcomes {
        match outcome? {
            Some(path) => report.written.push(path),
            None => report.unchanged += 1,
        }
    }
    for (relative, path) in &existing {
        if tree.get(relative).is_some() {
            continue;
        }
        if relative.ends_with(TEMP_SUFFIX) || fs::read(path).is_ok_and(|c| is_generated(&c)) {
            fs::remove_file(path).map_err(EmitError::io(path))?;
            remove_empty_parents(dir, path);
            if !relative.ends_with(TEMP_SUFFIX) {
                report.removed.push(relative.clone());
            }
        } else {
            report.foreign.push(relative.clone());
        }
    }
    Ok(report)
}

/// Writes `content` to a temporary file beside `path`, then renames it over `path`.
fn write_atomically(path: &Path, content: &[u8]) -> Result<(), EmitError> {
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
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut current = file.parent();
    while let Some(dir) = current {
        if dir == root || !dir.starts_with(root) || fs::remove_dir(dir).is_err() {
            break;
        }
        current = dir.parent();
    }
}
