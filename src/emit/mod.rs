//! The emit stage: what fleetc renders, held as a map of path to bytes or known by digest from
//! the render cache. [`render`] writes it to `out/`, [`check`] compares it with `out/`, [`diff`]
//! compares two of them.

mod cache;
mod diff;
mod new_files;
mod out_dir;
mod scan;
mod staging;
mod sync;
mod verdict;
mod write;

pub use cache::{CachedFiles, RenderCache};
pub use diff::{
    AppChange, ChangeGroup, ChangedObject, DeletionLimit, Destroyed, Gate, HubMove, Impact,
    ObjectDiff, ObjectKey, PlacementChanges, PlacementSide, RenderedObject, added_diff,
    change_groups, changed_diff, changed_trees, diff, impact, placement_changes, refused_destroys,
};
pub use new_files::{WriteError, write_new};
pub use out_dir::{Access, OutDir};
pub(crate) use staging::write_atomically;
pub use sync::{Drift, SyncError, check, render};
pub use verdict::{Snapshot, Taken, Verdict, VerdictCache};
pub use write::WriteReport;

use std::path::{Path, PathBuf};

/// Writing or reading `out/` failed: the tool's problem, not the fleet's.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("cannot access {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Something in or around `out/` that fleetc refuses to work with (a symlink, a FIFO, an
    /// output folder that holds the fleet).
    #[error("{path} {what}")]
    Unsafe { path: String, what: String },
    /// Some files could not be put in place; others were.
    #[error("{}", incomplete(updated, failed))]
    Incomplete {
        /// Files that were written or removed, as users see them.
        updated: Vec<String>,
        /// Files that were not, with why.
        failed: Vec<(String, std::io::Error)>,
    },
}

fn incomplete(updated: &[String], failed: &[(String, std::io::Error)]) -> String {
    use std::fmt::Write as _;
    let mut text = format!(
        "{} of {} files could not be updated, and no staging file was left:",
        failed.len(),
        failed.len() + updated.len()
    );
    for (path, e) in failed {
        let _ = write!(text, "\n  not updated: {path}: {e}");
    }
    for path in updated {
        let _ = write!(text, "\n  updated:     {path}");
    }
    text.push_str("\nfix the cause and run `fleetc render` again");
    text
}

impl EmitError {
    /// A mapper from an I/O error at `path`.
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EmitError + '_ {
        move |source| EmitError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
