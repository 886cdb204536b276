//! Where a fleet comes from: the working tree or any git revision. Both give the same thing, the
//! fleet's YAML files as (display path, bytes), sorted by path, and the entries of the fleet
//! folder that fleetc refuses to read, with why.
//!
//! Both read by the same rules, so a pull request's diff sees what the working tree sees:
//! hidden entries are skipped; a symlink is followed only to a regular file inside the
//! repository (not in its git directory, and in the working tree not ignored by git); a
//! symlinked folder is not followed (a warning says so); a special file, a file over
//! [`MAX_FILE_BYTES`] and a git submodule are refused, since a revision records only a
//! submodule's commit, not its files.

mod git;
mod history;
mod worktree;

pub use git::{GitRevision, revision};
pub use history::file_history;
pub use worktree::worktree;

use std::path::PathBuf;

/// The largest fleet file fleetc reads (a 10,000-cluster fleet in one file is about 5 MiB).
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// What a fleet folder holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    /// The files to read, sorted by path.
    pub files: Vec<SourceFile>,
    /// The entries fleetc did not read, sorted by path.
    pub refused: Vec<Refused>,
}

impl From<Vec<SourceFile>> for Sources {
    fn from(files: Vec<SourceFile>) -> Self {
        Self {
            files,
            refused: Vec::new(),
        }
    }
}

/// An entry of the fleet folder that fleetc did not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The path shown to users, like [`SourceFile::path`].
    pub path: String,
    pub why: Refusal,
}

/// Why an entry was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A symlink that leads out of the repository, into its git directory, or to a file git
    /// ignores.
    SymlinkOutside,
    /// A symlink whose target is missing, or a loop of links.
    SymlinkBroken,
    /// A symlink to something that is not a regular file or a folder.
    SymlinkToSpecial,
    /// A symlink to a folder, which is not followed (a warning, not an error).
    SymlinkedFolder,
    /// A named pipe, socket or device.
    Special,
    /// A git submodule, or another repository nested in the fleet folder.
    Submodule,
    /// A file larger than [`MAX_FILE_BYTES`].
    TooLarge,
}

impl Refusal {
    /// Whether the fleet is still complete without the entry.
    pub fn is_warning(self) -> bool {
        self == Refusal::SymlinkedFolder
    }

    /// Why, in words, after the path.
    pub fn message(self) -> String {
        match self {
            Refusal::SymlinkOutside => {
                "is a symlink that leads out of the repository (or into its \
                git directory, or to a file git ignores); fleetc did not read it"
                    .into()
            }
            Refusal::SymlinkBroken => {
                "is a symlink that does not resolve: its target is missing, or the links loop"
                    .into()
            }
            Refusal::SymlinkToSpecial => {
                "is a symlink to something that is not a regular file; fleetc did not read it"
                    .into()
            }
            Refusal::SymlinkedFolder => "is a symlink to a folder; fleetc does not follow \
                symlinked folders, so the files in it are not part of the fleet"
                .into(),
            Refusal::Special => "is not a regular file (a named pipe, a socket or a device); \
                fleetc did not read it"
                .into(),
            Refusal::Submodule => "is a git submodule (or another repository); a revision \
                records only a submodule's commit, not its files, so fleetc reads none of them"
                .into(),
            Refusal::TooLarge => format!(
                "is larger than {} MiB; fleetc did not read it",
                MAX_FILE_BYTES >> 20
            ),
        }
    }

    /// What to do about it.
    pub fn help(self) -> &'static str {
        match self {
            Refusal::SymlinkOutside | Refusal::SymlinkBroken | Refusal::SymlinkToSpecial => {
                "a symlink in the fleet may point only to a regular file inside the repository; \
                 replace it with the file itself"
            }
            Refusal::SymlinkedFolder => "move the folder into the fleet folder, or remove the link",
            Refusal::Special => "remove it from the fleet folder",
            Refusal::Submodule => "move the submodule's fleet files into the fleet repository",
            Refusal::TooLarge => "split the file; one file per cluster or app is usual",
        }
    }
}

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
        "there is no fleet directory at {0}: run fleetc inside a fleet repo (from its root or any \
         folder below it), pass --fleet, or start one with `fleetc init`"
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

/// The repository-relative path a relative symlink `target` names, from the link at `link`
/// (itself repository-relative, `/`-separated); `None` when it leaves the repository or is
/// absolute.
fn resolve_link(link: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.starts_with('\\') {
        return None;
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for part in target.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// A file name as fleetc shows it: as it is, except that a backslash, a control character or a
/// line or paragraph separator is escaped (`\\`, `\u{1b}`) and a byte that is not UTF-8 is
/// shown as `\xff`. So no name can forge a line of output or a terminal escape, and two
/// different names never look the same.
pub(crate) fn display_name(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                c if c.is_control()
                    || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
                {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

/// The bytes of a file name from the file system.
fn name_bytes(name: &std::ffi::OsStr) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        std::borrow::Cow::Borrowed(name.as_bytes())
    }
    #[cfg(not(unix))]
    {
        std::borrow::Cow::Owned(name.to_string_lossy().into_owned().into_bytes())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile inputs m4: a file name with a newline and an escape forged a line of output, and
    /// two names that are not UTF-8 were shown (and looked up) as the same name.
    #[test]
    fn names_are_shown_escaped_and_distinct() {
        assert_eq!(
            display_name(b"evil\nerror: forged \x1b[31mRED.yaml"),
            "evil\\u{a}error: forged \\u{1b}[31mRED.yaml"
        );
        assert_eq!(display_name(b"a\xff.yaml"), "a\\xff.yaml");
        assert_ne!(display_name(b"a\xff.yaml"), display_name(b"a\xfe.yaml"));
        assert_ne!(display_name(b"a\\xff.yaml"), display_name(b"a\xff.yaml"));
        assert_eq!(display_name("zürich ✓.yaml".as_bytes()), "zürich ✓.yaml");
    }

    #[test]
    fn links_resolve_inside_the_repository_only() {
        assert_eq!(
            resolve_link("fleet/apps/a.yaml", "../shared/b.yaml").as_deref(),
            Some("fleet/shared/b.yaml")
        );
        assert_eq!(
            resolve_link("fleet/a.yaml", "../b.yaml").as_deref(),
            Some("b.yaml")
        );
        assert_eq!(resolve_link("fleet/a.yaml", "../../b.yaml"), None);
        assert_eq!(resolve_link("fleet/a.yaml", "/proc/self/environ"), None);
        assert_eq!(
            resolve_link("a.yaml", "./x/./y.yaml").as_deref(),
            Some("x/y.yaml")
        );
    }
}
