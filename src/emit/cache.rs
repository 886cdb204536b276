//! What fleetc rendered last time, so an unchanged fleet is not rendered again: for each
//! cluster's key (a digest of everything its files depend on, and of fleetc itself), the paths
//! and content digests of the files it rendered. `check` and `render` then only read `out/` and
//! compare digests for clusters whose key is cached.
//!
//! The cache lives in the git directory of the repository that holds `out/` (never in the working
//! tree, so it is never committed), one file per `out/` folder. A missing or unreadable cache is
//! an empty one: it can make fleetc slower, never wrong, because a key covers all a cluster's
//! inputs and a cached digest is always compared with the file on disk.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::EmitError;
use super::staging::write_atomically;
use crate::model::digest::{Digest, digest_bytes};

/// The files of one cluster: path below `out/` and content digest.
pub type CachedFiles = Vec<(String, Digest)>;

/// The render cache of one `out/` folder.
#[derive(Debug, Default)]
pub struct RenderCache {
    path: Option<PathBuf>,
    units: HashMap<Digest, CachedFiles>,
    changed: bool,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    /// Key (hex) to files (path, digest hex).
    units: Vec<(String, Vec<(String, String)>)>,
}

const FORMAT: u32 = 1;

impl RenderCache {
    /// A cache that remembers nothing.
    pub fn disabled() -> Self {
        Self::default()
    }

    /// The cache of `out_dir` when `enabled` (`--no-cache` disables it).
    pub fn for_out(out_dir: &Path, enabled: bool) -> Self {
        if enabled {
            Self::open(out_dir)
        } else {
            Self::disabled()
        }
    }

    /// An identity of this fleetc build, which every render key includes (as the salt of
    /// [`crate::render::Rendering::new`]): a cache written by one build of fleetc is never
    /// trusted by another. It is a digest of the build's sources, manifest, lock file, compiler
    /// and profile, made by `build.rs`.
    pub fn build_salt() -> Digest {
        Digest::from_str_radix(env!("FLEETC_BUILD_DIGEST"), 16)
            .expect("build.rs writes a hex digest")
    }

    /// The cache of `out_dir`, from the git directory of the repository that holds it (empty,
    /// and never saved, outside a repository).
    pub fn open(out_dir: &Path) -> Self {
        let Some(path) = location(out_dir, "render") else {
            return Self::disabled();
        };
        let units = fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|stored| stored.format == FORMAT)
            .map(|stored| decode(stored.units))
            .unwrap_or_default();
        Self {
            path: Some(path),
            units,
            changed: false,
        }
    }

    /// The files rendered for `key`, if remembered.
    pub fn get(&self, key: Digest) -> Option<&CachedFiles> {
        self.units.get(&key)
    }

    /// Remembers exactly these clusters' files (forgetting others, so the cache does not grow).
    pub fn replace(&mut self, units: impl IntoIterator<Item = (Digest, CachedFiles)>) {
        let units: HashMap<Digest, CachedFiles> = units.into_iter().collect();
        if units != self.units {
            self.units = units;
            self.changed = true;
        }
    }

    /// Writes the cache back if it changed (atomically, like every file fleetc writes).
    pub fn save(&self) -> Result<(), EmitError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if !self.changed {
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(EmitError::io(dir))?;
        }
        let mut units: Vec<(String, Vec<(String, String)>)> = self
            .units
            .iter()
            .map(|(key, files)| {
                let files = files
                    .iter()
                    .map(|(p, d)| (p.clone(), format!("{d:032x}")))
                    .collect();
                (format!("{key:032x}"), files)
            })
            .collect();
        units.sort_unstable();
        let bytes = serde_json::to_vec(&Stored {
            format: FORMAT,
            units,
        })
        .expect("the cache serializes");
        write_atomically(path, &bytes)
    }
}

fn decode(units: Vec<(String, Vec<(String, String)>)>) -> HashMap<Digest, CachedFiles> {
    units
        .into_iter()
        .filter_map(|(key, files)| {
            let key = Digest::from_str_radix(&key, 16).ok()?;
            let files = files
                .into_iter()
                .map(|(path, digest)| Some((path, Digest::from_str_radix(&digest, 16).ok()?)))
                .collect::<Option<CachedFiles>>()?;
            Some((key, files))
        })
        .collect()
}

/// `<git dir>/fleetc/<what>-<digest of out/'s path in the work tree>.json` (`what` is the
/// cache: `render`, `check`).
pub(super) fn location(out_dir: &Path, what: &str) -> Option<PathBuf> {
    let probe = if out_dir.exists() {
        out_dir
    } else {
        out_dir.parent()?
    };
    let repo = git2::Repository::discover(probe).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let out = match out_dir.canonicalize() {
        Ok(p) => p,
        Err(_) => out_dir
            .parent()?
            .canonicalize()
            .ok()?
            .join(out_dir.file_name()?),
    };
    let relative = out.strip_prefix(&workdir).ok()?;
    let id = digest_bytes(relative.to_string_lossy().as_bytes());
    let id = format!("{id:032x}");
    Some(
        repo.path()
            .join("fleetc")
            .join(format!("{what}-{}.json", &id[..16])),
    )
}
