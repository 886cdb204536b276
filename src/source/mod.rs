//! Where a fleet comes from: the working tree or any git revision. Both give the same thing, the
//! fleet's YAML files as (display path, bytes), sorted by path.

mod git;
mod worktree;

pub use git::{GitRevision, revision};
pub use worktree::worktree;

use std::path::PathBuf;

/// One fleet file as read, before any parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path shown to users: the fleet directory as given, then the path below it, with `/`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Reading the fleet failed in a way that is not the fleet's fault.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(
        "there is no fleet directory at {0}: run fleetc from the fleet repo's root or pass --fleet"
    )]
    MissingDir(PathBuf),
    #[error("{0} is not a directory")]
    NotADirectory(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("git: {0}")]
    Git(String),
    #[error("revision `{rev}` has no folder {}", dir.display())]
    NoFleetAtRevision { rev: String, dir: PathBuf },
}

impl From<git2::Error> for SourceError {
    fn from(e: git2::Error) -> Self {
        SourceError::Git(e.message().to_owned())
    }
}

/// Whether a file name is a fleet document by its extension.
fn is_yaml(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Joins a display prefix and a relative `/`-separated path.
fn display_path(prefix: &str, relative: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() || prefix == "." {
        relative.to_owned()
    } else {
        format!("{prefix}/{relative}")
    }
}
