//! The emit stage: the rendered tree is a map of path to bytes. `render` writes it to `out/`,
//! `check` compares it with `out/`, `diff` compares two of them.

mod compare;
mod diff;
mod scan;
mod tree;
mod write;

pub use compare::{Drift, compare};
pub use diff::{ChangedObject, ObjectDiff, ObjectKey, RenderedObject, diff};
pub use tree::OutputTree;
pub use write::{WriteReport, write};

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
