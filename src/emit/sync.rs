//! Bringing `out/` in line with the fleet, or checking that it is: what `fleetc render` and
//! `fleetc check` do, a cluster at a time and in parallel. A cluster whose key is in the render
//! cache is not rendered: its files' digests are compared with `out/`. Any other cluster is
//! rendered, compared, and (when writing) each differing file is staged beside its target; only
//! when every cluster rendered without a failing value template are the staged files renamed
//! into place, so an invalid fleet leaves `out/` untouched, an interrupted run never leaves a
//! half-written file, and memory holds one cluster's files per worker, not the whole tree.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::cache::{CachedFiles, RenderCache};
use super::scan::{TEMP_SUFFIX, existing_files};
use super::write::{WriteReport, remove_empty_parents};
use super::{EmitError, OutputFile};
use crate::model::digest::{Digest, digest_bytes};
use crate::place::ValueErrors;
use crate::render::generated_file::is_generated;
use crate::render::{ClusterRenderer, Rendering};

/// How `out/` differs from what fleetc renders.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Files whose content differs.
    pub stale: Vec<String>,
    /// Files fleetc renders that `out/` lacks.
    pub missing: Vec<String>,
    /// Files fleetc generated that it no longer renders.
    pub extra: Vec<String>,
    /// How many files fleetc renders.
    pub files: usize,
}

impl Drift {
    /// Whether `out/` is current.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Why `out/` could not be synced.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Reading or writing `out/` failed.
    #[error(transparent)]
    Io(#[from] EmitError),
    /// Value templates failed: the fleet is invalid.
    #[error("value templates failed")]
    Values(ValueErrors),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Current,
    Stale,
    Missing,
}

/// What syncing one file found, and the staged file that replaces it (when writing).
struct Synced {
    path: String,
    digest: Digest,
    state: State,
    staged: Option<PathBuf>,
}

/// Writing or only comparing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Check,
    Write,
}

/// Everything one run shares.
struct Run<'a> {
    dir: &'a Path,
    existing: &'a BTreeMap<String, PathBuf>,
    mode: Mode,
}

impl Run<'_> {
    /// A file's state on disk: compared byte for byte with `content` when it was rendered, or
    /// by digest when only the cache knows it. `buffer` is the worker's read buffer.
    fn state(
        &self,
        path: &str,
        digest: Digest,
        content: Option<&[u8]>,
        buffer: &mut Vec<u8>,
    ) -> Result<State, EmitError> {
        let Some(on_disk) = self.existing.get(path) else {
            return Ok(State::Missing);
        };
        buffer.clear();
        fs::File::open(on_disk)
            .and_then(|mut f| f.read_to_end(buffer))
            .map_err(EmitError::io(on_disk))?;
        let same = match content {
            Some(content) => buffer.as_slice() == content,
            None => digest_bytes(buffer) == digest,
        };
        Ok(if same { State::Current } else { State::Stale })
    }

    /// Compares rendered files with disk and, when writing, stages those that differ.
    fn sync_files(
        &self,
        files: Vec<(String, OutputFile)>,
        buffer: &mut Vec<u8>,
    ) -> Result<Vec<Synced>, EmitError> {
        files
            .into_iter()
            .map(|(path, file)| {
                let digest = digest_bytes(&file.bytes);
                let state = self.state(&path, digest, Some(&file.bytes), buffer)?;
                let staged = match (self.mode, state) {
                    (Mode::Write, State::Stale | State::Missing) => {
                        Some(stage(&self.dir.join(&path), &file.bytes)?)
                    }
                    _ => None,
                };
                Ok(Synced {
                    path,
                    digest,
                    state,
                    staged,
                })
            })
            .collect()
    }

    /// One cluster: from the cache when its key is known (rendering it anyway when writing and a
    /// file differs on disk), else rendered.
    fn sync_cluster(
        &self,
        index: usize,
        renderer: &ClusterRenderer<'_, '_, '_>,
        cached: Option<&CachedFiles>,
        buffer: &mut Vec<u8>,
    ) -> Result<(Vec<Synced>, ValueErrors), EmitError> {
        if let Some(cached) = cached {
            let mut synced = Vec::with_capacity(cached.len());
            for (path, digest) in cached {
                let state = self.state(path, *digest, None, buffer)?;
                synced.push(Synced {
                    path: path.clone(),
                    digest: *digest,
                    state,
                    staged: None,
                });
            }
            if self.mode == Mode::Check || synced.iter().all(|s| s.state == State::Current) {
                return Ok((synced, ValueErrors::default()));
            }
        }
        let (files, errors) = renderer.render(index);
        if !errors.is_empty() {
            return Ok((Vec::new(), errors));
        }
        Ok((self.sync_files(files, buffer)?, errors))
    }
}

/// Writes `content` to a temporary file beside `target`, to be renamed over it later.
fn stage(target: &Path, content: &[u8]) -> Result<PathBuf, EmitError> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = target.with_file_name(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()));
    let result = (|| {
        if let Some(dir) = temp.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut file = fs::File::create(&temp)?;
        file.write_all(content)?;
        file.flush()
    })();
    result.map_err(|source| {
        let _ = fs::remove_file(&temp);
        EmitError::Io {
            path: target.to_path_buf(),
            source,
        }
    })?;
    Ok(temp)
}

/// Syncs every cluster and hub file; on failing value templates, removes what it staged.
fn sync_all(
    run: &Run<'_>,
    rendering: &Rendering<'_>,
    cache: &RenderCache,
) -> Result<Vec<(Option<usize>, Synced)>, SyncError> {
    let (clusters, mut errors) = rendering.with_renderer(|renderer| {
        (0..rendering.len())
            .into_par_iter()
            .map_init(Vec::new, |buffer, i| {
                run.sync_cluster(i, renderer, cache.get(rendering.key(i)), buffer)
                    .map(|(synced, errors)| (i, synced, errors))
            })
            .collect::<Vec<Result<_, EmitError>>>()
    });
    let mut synced: Vec<(Option<usize>, Synced)> = Vec::new();
    let mut failure = None;
    for result in clusters {
        match result {
            Ok((i, files, failed)) => {
                errors.merge(failed);
                synced.extend(files.into_iter().map(|s| (Some(i), s)));
            }
            Err(e) => failure = Some(e),
        }
    }
    let discard = |synced: &[(Option<usize>, Synced)]| {
        for (_, s) in synced {
            if let Some(staged) = &s.staged {
                let _ = fs::remove_file(staged);
            }
        }
    };
    if let Some(e) = failure {
        discard(&synced);
        return Err(e.into());
    }
    if !errors.is_empty() {
        discard(&synced);
        return Err(SyncError::Values(errors));
    }
    let paths: Vec<&str> = synced.iter().map(|(_, s)| s.path.as_str()).collect();
    let hub_files = rendering.hub_files(paths);
    match run.sync_files(hub_files, &mut Vec::new()) {
        Ok(hub) => synced.extend(hub.into_iter().map(|s| (None, s))),
        Err(e) => {
            discard(&synced);
            return Err(e.into());
        }
    }
    Ok(synced)
}

/// What the cache should remember: every cluster's files and digests.
fn cache_units(
    rendering: &Rendering<'_>,
    synced: &[(Option<usize>, Synced)],
) -> Vec<(Digest, CachedFiles)> {
    let mut units: Vec<CachedFiles> = vec![Vec::new(); rendering.len()];
    for (cluster, s) in synced {
        if let Some(i) = cluster {
            units[*i].push((s.path.clone(), s.digest));
        }
    }
    units
        .into_iter()
        .enumerate()
        .map(|(i, files)| (rendering.key(i), files))
        .collect()
}

/// Files in `out/` that fleetc generated and no longer renders.
fn extras<'e>(
    rendered: &BTreeSet<&str>,
    existing: &'e BTreeMap<String, PathBuf>,
) -> Vec<(&'e String, &'e PathBuf)> {
    existing
        .iter()
        .filter(|(relative, path)| {
            !rendered.contains(relative.as_str())
                && !relative.ends_with(TEMP_SUFFIX)
                && fs::read(path).is_ok_and(|c| is_generated(&c))
        })
        .collect()
}

/// Compares `out/` with what fleetc renders, writing nothing but the cache.
pub fn check(
    dir: &Path,
    rendering: &Rendering<'_>,
    cache: &mut RenderCache,
) -> Result<Drift, SyncError> {
    let existing = existing_files(dir)?;
    let run = Run {
        dir,
        existing: &existing,
        mode: Mode::Check,
    };
    let synced = sync_all(&run, rendering, cache)?;
    let mut drift = Drift {
        files: synced.len(),
        ..Drift::default()
    };
    for (_, s) in &synced {
        match s.state {
            State::Current => {}
            State::Stale => drift.stale.push(s.path.clone()),
            State::Missing => drift.missing.push(s.path.clone()),
        }
    }
    drift.stale.sort();
    drift.missing.sort();
    let rendered: BTreeSet<&str> = synced.iter().map(|(_, s)| s.path.as_str()).collect();
    drift.extra = extras(&rendered, &existing)
        .into_iter()
        .map(|(r, _)| r.clone())
        .collect();
    cache.replace(cache_units(rendering, &synced));
    cache.save()?;
    Ok(drift)
}

/// Writes `out/`: only files that differ, each atomically; removes files fleetc generated and
/// no longer renders (and temporary files an interrupted run left); never touches other files.
pub fn render(
    dir: &Path,
    rendering: &Rendering<'_>,
    cache: &mut RenderCache,
) -> Result<WriteReport, SyncError> {
    let existing = existing_files(dir)?;
    let run = Run {
        dir,
        existing: &existing,
        mode: Mode::Write,
    };
    let synced = sync_all(&run, rendering, cache)?;
    synced
        .par_iter()
        .filter_map(|(_, s)| s.staged.as_ref().map(|staged| (staged, dir.join(&s.path))))
        .map(|(staged, target)| fs::rename(staged, &target).map_err(EmitError::io(&target)))
        .collect::<Result<(), EmitError>>()?;
    let mut report = WriteReport::default();
    for (_, s) in &synced {
        if s.state == State::Current {
            report.unchanged += 1;
        } else {
            report.written.push(s.path.clone());
        }
    }
    report.written.sort();
    let rendered: BTreeSet<&str> = synced.iter().map(|(_, s)| s.path.as_str()).collect();
    let extra: BTreeSet<&String> = extras(&rendered, &existing)
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    for (relative, path) in &existing {
        if rendered.contains(relative.as_str()) {
            continue;
        }
        if relative.ends_with(TEMP_SUFFIX) {
            // Left by an interrupted run (it may share this run's name, already renamed away).
            let _ = fs::remove_file(path);
            remove_empty_parents(dir, path);
        } else if extra.contains(relative) {
            fs::remove_file(path).map_err(EmitError::io(path))?;
            remove_empty_parents(dir, path);
            report.removed.push(relative.clone());
        } else {
            report.foreign.push(relative.clone());
        }
    }
    cache.replace(cache_units(rendering, &synced));
    cache.save()?;
    Ok(report)
}
