//! What writing `out/` reports ([`WriteReport`]), and the tidying after a file is removed: the
//! folders it leaves empty are removed too, up to `out/` itself.

use std::fs;
use std::path::Path;

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
    /// Of those, the YAML files in a hub's folder: its kustomization does not list them.
    pub unapplied: Vec<String>,
    /// What went wrong without making the output wrong (the render cache could not be saved).
    pub warnings: Vec<String>,
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
