//! The emit stage: what fleetc renders, held as a map of path to bytes or known by digest from
//! the render cache. [`render`] writes it to `out/`, [`check`] compares it with `out/`, [`diff`]
//! compares two of them.

mod cache;
mod diff;
mod scan;
mod sync;
mod tree;
mod write;

pub use cache::{CachedFiles, RenderCache};
pub use diff::{ChangedObject, ObjectDiff, ObjectKey, RenderedObject, diff};
pub use sync::{Drift, SyncError, check, render};
pub use tree::{ObjectId, OutputFile, OutputTree};
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
