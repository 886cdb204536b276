//! What `check` answered last time, with the state of every file the answer came from, so that
//! a repository in which nothing changed is answered without reading, validating or rendering
//! the fleet.
//!
//! The answer is kept with a snapshot of the fleet folder and `out/`: every entry's path and
//! type, and for files their size, modification and change times and inode. It is given again
//! only when a new snapshot is the same, entry for entry. A file changed within the clock's
//! resolution of the snapshot can keep its times, so a file modified in the two seconds before
//! the snapshot was taken (a racy one, as git calls it) is also kept by content digest, and its
//! content compared. The answer is stored only when the snapshots taken before and after the
//! run agree, only for a fleet without symlinks (whose targets a snapshot would not see), and
//! only while no cluster expiry is near, since `check` words those relative to the time.
//!
//! Like the render cache, it lives in the git directory, one file per `out/` folder, and a
//! missing or unreadable one only costs time.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::staging::write_atomically;
use crate::model::digest::{Digest, digest_bytes};

/// A command's answer, as it was printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The exit code (0 or 1; a tool failure is never kept).
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

/// The state of the files under some folders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    /// The folder's index among the snapshot's folders, `/`, and the path below it.
    path: String,
    kind: Kind,
    len: u64,
    modified: i128,
    changed: i128,
    inode: u64,
    /// The content digest (hex) of a racy file, compared instead of trusting its times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Kind {
    File,
    Folder,
    /// A symlink, FIFO or other: a snapshot holding one is never trusted.
    Other,
}

/// How long before a snapshot a file's modification makes it racy, in nanoseconds: well above
/// any file system's time resolution.
const RACY_NS: i128 = 2_000_000_000;

impl Snapshot {
    /// The state of everything under `folders` (a missing folder is empty), or `None` when it
    /// cannot be taken or holds what a snapshot does not follow (a symlink, a special file).
    pub fn take(folders: &[&Path]) -> Option<Self> {
        let mut entries = Vec::new();
        for (i, folder) in folders.iter().enumerate() {
            match fs::symlink_metadata(folder) {
                Ok(meta) if meta.is_dir() => walk(folder, &i.to_string(), &mut entries).ok()?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                // A folder that is a symlink or a file, or cannot be read.
                _ => return None,
            }
        }
        if entries.iter().any(|e| e.kind == Kind::Other) {
            return None;
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Some(Self { entries })
    }

    /// Whether the files are as this snapshot says: the same entries with the same times, and
    /// for racy files the same content.
    fn holds(&self, now: &Snapshot, folders: &[&Path]) -> bool {
        self.entries.len() == now.entries.len()
            && self.entries.iter().zip(&now.entries).all(|(kept, seen)| {
                let same = kept.path == seen.path
                    && kept.kind == seen.kind
                    && kept.len == seen.len
                    && kept.modified == seen.modified
                    && kept.changed == seen.changed
                    && kept.inode == seen.inode;
                same && kept
                    .digest
                    .as_ref()
                    .is_none_or(|d| content_digest(folders, &kept.path).as_ref() == Some(d))
            })
    }

    /// Whether the entries under folder `index` are the same in both snapshots.
    pub fn same_folder(&self, other: &Snapshot, index: usize) -> bool {
        let prefix = format!("{index}/");
        let under = |s: &Snapshot| -> Vec<Entry> {
            s.entries
                .iter()
                .filter(|e| e.path.starts_with(&prefix))
                .cloned()
                .collect()
        };
        under(self) == under(other)
    }

    /// Marks the files modified shortly before `taken` (nanoseconds since the epoch) as racy,
    /// with their content digests; `None` when one cannot be read.
    fn with_racy_digests(mut self, taken: i128, folders: &[&Path]) -> Option<Self> {
        for entry in &mut self.entries {
            if entry.kind == Kind::File
                && (entry.modified >= taken - RACY_NS || entry.changed >= taken - RACY_NS)
            {
                entry.digest = Some(content_digest(folders, &entry.path)?);
            }
        }
        Some(self)
    }
}

fn walk(dir: &Path, prefix: &str, entries: &mut Vec<Entry>) -> std::io::Result<()> {
    for item in fs::read_dir(dir)? {
        let item = item?;
        let name = item.file_name();
        let path = format!("{prefix}/{}", name.to_string_lossy());
        let meta = item.path().symlink_metadata()?;
        let kind = if meta.is_dir() {
            Kind::Folder
        } else if meta.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        let (modified, changed, inode) = times(&meta);
        entries.push(Entry {
            path: path.clone(),
            kind,
            len: if kind == Kind::File { meta.len() } else { 0 },
            modified: if kind == Kind::File { modified } else { 0 },
            changed: if kind == Kind::File { changed } else { 0 },
            inode: if kind == Kind::File { inode } else { 0 },
            digest: None,
        });
        if kind == Kind::Folder {
            walk(&item.path(), &path, entries)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn times(meta: &fs::Metadata) -> (i128, i128, u64) {
    use std::os::unix::fs::MetadataExt as _;
    let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
    (
        ns(meta.mtime(), meta.mtime_nsec()),
        ns(meta.ctime(), meta.ctime_nsec()),
        meta.ino(),
    )
}

#[cfg(not(unix))]
fn times(_meta: &fs::Metadata) -> (i128, i128, u64) {
    // Without change times and inodes, every file is kept by its content.
    (i128::MAX, i128::MAX, 0)
}

/// The content digest (hex) of a snapshot entry's file.
fn content_digest(folders: &[&Path], path: &str) -> Option<String> {
    let (index, relative) = path.split_once('/')?;
    let folder = folders.get(index.parse::<usize>().ok()?)?;
    let bytes = fs::read(folder.join(relative)).ok()?;
    Some(format!("{:032x}", digest_bytes(&bytes)))
}

/// Nanoseconds since the epoch, now.
fn clock() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX))
}

/// The moment a snapshot is taken, to mark racy files by.
#[derive(Debug, Clone, Copy)]
pub struct Taken(i128);

impl Taken {
    pub fn now() -> Self {
        Self(clock())
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    /// What the answer depends on besides the files: fleetc's build and the command line.
    key: String,
    /// The answer holds until this time (the first cluster expiry warning, in seconds since
    /// the epoch), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<i64>,
    snapshot: Snapshot,
    verdict: Verdict,
}

const FORMAT: u32 = 1;

/// The remembered answer of one `out/` folder.
#[derive(Debug)]
pub struct VerdictCache {
    path: Option<PathBuf>,
}

impl VerdictCache {
    /// The cache of `out_dir`, in the git directory of its repository (none outside one).
    pub fn open(out_dir: &Path) -> Self {
        Self {
            path: super::cache::location(out_dir, "check"),
        }
    }

    /// The answer given for `key` when the files under `folders` are as they were then and
    /// `now` is before any expiry warning.
    pub fn recall(&self, key: Digest, now: jiff::Timestamp, folders: &[&Path]) -> Option<Verdict> {
        let bytes = fs::read(self.path.as_ref()?).ok()?;
        let stored: Stored = serde_json::from_slice(&bytes).ok()?;
        if stored.format != FORMAT
            || stored.key != format!("{key:032x}")
            || stored.until.is_some_and(|until| now.as_second() >= until)
        {
            return None;
        }
        let seen = Snapshot::take(folders)?;
        stored
            .snapshot
            .holds(&seen, folders)
            .then_some(stored.verdict)
    }

    /// Keeps `verdict` for `key`, when the files under `folders` are still as `before` (taken
    /// at `taken`, before the answer was worked out) found them. Failing to keep it is not an
    /// error: the next run works the answer out again.
    pub fn remember(
        &self,
        key: Digest,
        until: Option<jiff::Timestamp>,
        before: Snapshot,
        taken: Taken,
        folders: &[&Path],
        verdict: Verdict,
    ) {
        if self.path.is_none() || Snapshot::take(folders).as_ref() != Some(&before) {
            return;
        }
        self.store(key, until, before, taken, folders, verdict);
    }

    /// Keeps `verdict` for `key` with `snapshot`, taken at `taken` after the answer was worked
    /// out (so nothing can have changed between the two).
    pub fn store(
        &self,
        key: Digest,
        until: Option<jiff::Timestamp>,
        snapshot: Snapshot,
        taken: Taken,
        folders: &[&Path],
        verdict: Verdict,
    ) {
        let Some(path) = &self.path else {
            return;
        };
        let Some(snapshot) = snapshot.with_racy_digests(taken.0, folders) else {
            return;
        };
        let stored = Stored {
            format: FORMAT,
            key: format!("{key:032x}"),
            until: until.map(jiff::Timestamp::as_second),
            snapshot,
            verdict,
        };
        let bytes = serde_json::to_vec(&stored).expect("the verdict serializes");
        if let Some(dir) = path.parent()
            && fs::create_dir_all(dir).is_err()
        {
            return;
        }
        let _ = write_atomically(path, &bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temporary folder");
        fs::create_dir(dir.path().join("a")).unwrap();
        fs::write(dir.path().join("a/x.yaml"), "x: 1\n").unwrap();
        dir
    }

    #[test]
    fn a_snapshot_holds_until_anything_under_it_changes() {
        let dir = folder();
        let folders = [dir.path()];
        let taken = Taken::now();
        let before = Snapshot::take(&folders)
            .unwrap()
            .with_racy_digests(taken.0, &folders)
            .unwrap();
        assert!(before.entries.iter().any(|e| e.digest.is_some()), "racy");
        assert!(before.holds(&Snapshot::take(&folders).unwrap(), &folders));
        // The same size and, within the clock's resolution, possibly the same times: the
        // content digest of the racy file tells.
        fs::write(dir.path().join("a/x.yaml"), "x: 2\n").unwrap();
        assert!(!before.holds(&Snapshot::take(&folders).unwrap(), &folders));
        fs::write(dir.path().join("a/x.yaml"), "x: 1\n").unwrap();
        fs::write(dir.path().join("a/y.yaml"), "").unwrap();
        assert!(!before.holds(&Snapshot::take(&folders).unwrap(), &folders));
        fs::remove_file(dir.path().join("a/y.yaml")).unwrap();
        fs::create_dir(dir.path().join("b")).unwrap();
        assert!(!before.holds(&Snapshot::take(&folders).unwrap(), &folders));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_makes_no_snapshot() {
        let dir = folder();
        std::os::unix::fs::symlink("x.yaml", dir.path().join("a/link.yaml")).unwrap();
        assert!(Snapshot::take(&[dir.path()]).is_none());
    }
}
