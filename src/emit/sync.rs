//! Bringing `out/` in line with the fleet, or checking that it is: what `fleetc render` and
//! `fleetc check` do. Clusters whose key is in the render cache are not rendered: their files'
//! digests are compared with `out/`. Everything else is rendered (in parallel), and only the
//! files that differ are written, each atomically; nothing is written when a value template
//! fails, so an invalid fleet leaves `out/` untouched.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::cache::{CachedFiles, RenderCache};
use super::scan::{TEMP_SUFFIX, existing_files};
use super::write::{WriteReport, remove_empty_parents, write_atomically};
use super::{EmitError, OutputFile};
use crate::model::digest::{Digest, digest_bytes};
use crate::place::ValueErrors;
use crate::render::Rendering;
use crate::render::generated_file::is_generated;

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

/// A file fleetc renders: its content digest, its content when rendered in this run, and the
/// cluster it belongs to (none for a hub's files).
struct Planned {
    digest: Digest,
    content: Option<Vec<u8>>,
    cluster: Option<usize>,
}

/// Every file fleetc renders, rendering only the clusters the cache does not know.
fn plan(
    rendering: &Rendering<'_>,
    cache: &RenderCache,
) -> Result<BTreeMap<String, Planned>, SyncError> {
    let (cached, missed): (Vec<usize>, Vec<usize>) =
        (0..rendering.len()).partition(|&i| cache.get(rendering.key(i)).is_some());
    let (rendered, errors) = rendering.render_clusters(&missed);
    if !errors.is_empty() {
        return Err(SyncError::Values(errors));
    }
    let mut planned = BTreeMap::new();
    for i in cached {
        for (path, digest) in cache.get(rendering.key(i)).into_iter().flatten() {
            planned.insert(
                path.clone(),
                Planned {
                    digest: *digest,
                    content: None,
                    cluster: Some(i),
                },
            );
        }
    }
    let fresh: Vec<(String, Planned)> = rendered
        .into_par_iter()
        .flat_map_iter(|(i, files)| {
            files
                .into_iter()
                .map(move |(path, file)| (path, planned_file(file, Some(i))))
        })
        .collect();
    planned.extend(fresh);
    let hub_files = rendering.hub_files(planned.keys().map(String::as_str));
    planned.extend(
        hub_files
            .into_iter()
            .map(|(path, file)| (path, planned_file(file, None))),
    );
    Ok(planned)
}

fn planned_file(file: OutputFile, cluster: Option<usize>) -> Planned {
    Planned {
        digest: digest_bytes(&file.bytes),
        content: Some(file.bytes),
        cluster,
    }
}

/// What the cache should remember: every cluster's files and digests.
fn cache_units(
    rendering: &Rendering<'_>,
    planned: &BTreeMap<String, Planned>,
) -> Vec<(Digest, CachedFiles)> {
    let mut units: Vec<CachedFiles> = vec![Vec::new(); rendering.len()];
    for (path, p) in planned {
        if let Some(i) = p.cluster {
            units[i].push((path.clone(), p.digest));
        }
    }
    units
        .into_iter()
        .enumerate()
        .map(|(i, files)| (rendering.key(i), files))
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Current,
    Stale,
    Missing,
}

/// Each planned file's state on disk (read and digested in parallel).
fn states(
    planned: &BTreeMap<String, Planned>,
    existing: &BTreeMap<String, PathBuf>,
) -> Result<Vec<(String, State)>, EmitError> {
    let entries: Vec<(&String, &Planned)> = planned.iter().collect();
    entries
        .par_iter()
        // One read buffer per worker, reused for every file it reads.
        .map_init(Vec::new, |buffer: &mut Vec<u8>, (relative, p)| {
            let Some(path) = existing.get(*relative) else {
                return Ok(((*relative).clone(), State::Missing));
            };
            buffer.clear();
            fs::File::open(path)
                .and_then(|mut f| f.read_to_end(buffer))
                .map_err(EmitError::io(path))?;
            let same = match &p.content {
                Some(content) => buffer == content,
                None => digest_bytes(buffer) == p.digest,
            };
            Ok((
                (*relative).clone(),
                if same { State::Current } else { State::Stale },
            ))
        })
        .collect()
}

/// Files in `out/` that fleetc generated and no longer renders.
fn extras<'e>(
    planned: &BTreeMap<String, Planned>,
    existing: &'e BTreeMap<String, PathBuf>,
) -> Vec<(&'e String, &'e PathBuf)> {
    existing
        .iter()
        .filter(|(relative, path)| {
            !planned.contains_key(*relative)
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
    let planned = plan(rendering, cache)?;
    let existing = existing_files(dir)?;
    let mut drift = Drift {
        files: planned.len(),
        ..Drift::default()
    };
    for (path, state) in states(&planned, &existing)? {
        match state {
            State::Current => {}
            State::Stale => drift.stale.push(path),
            State::Missing => drift.missing.push(path),
        }
    }
    drift.extra = extras(&planned, &existing)
        .into_iter()
        .map(|(r, _)| r.clone())
        .collect();
    cache.replace(cache_units(rendering, &planned));
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
    let mut planned = plan(rendering, cache)?;
    let existing = existing_files(dir)?;
    let states = states(&planned, &existing)?;
    let to_write: Vec<String> = states
        .into_iter()
        .filter(|(_, s)| *s != State::Current)
        .map(|(p, _)| p)
        .collect();
    // Cached clusters whose files differ on disk (edited by hand, say) are rendered now.
    let unrendered: BTreeSet<usize> = to_write
        .iter()
        .filter_map(|p| {
            planned
                .get(p)
                .filter(|p| p.content.is_none())
                .and_then(|p| p.cluster)
        })
        .collect();
    let (rendered, errors) = rendering.render_clusters(&unrendered.into_iter().collect::<Vec<_>>());
    if !errors.is_empty() {
        return Err(SyncError::Values(errors));
    }
    for (i, files) in rendered {
        for (path, file) in files {
            planned.insert(path, planned_file(file, Some(i)));
        }
    }
    let directories: BTreeSet<PathBuf> = to_write
        .iter()
        .filter_map(|p| dir.join(p).parent().map(Path::to_path_buf))
        .collect();
    for d in &directories {
        fs::create_dir_all(d).map_err(EmitError::io(d))?;
    }
    to_write
        .par_iter()
        .map(|relative| {
            let content = planned[relative].content.as_deref().unwrap_or_default();
            write_atomically(&dir.join(relative), content)
        })
        .collect::<Result<(), EmitError>>()?;
    let mut report = WriteReport {
        unchanged: planned.len() - to_write.len(),
        written: to_write,
        ..WriteReport::default()
    };
    let extra: BTreeSet<&String> = extras(&planned, &existing)
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    for (relative, path) in &existing {
        if planned.contains_key(relative) {
            continue;
        }
        if extra.contains(relative) || relative.ends_with(TEMP_SUFFIX) {
            fs::remove_file(path).map_err(EmitError::io(path))?;
            remove_empty_parents(dir, path);
            if !relative.ends_with(TEMP_SUFFIX) {
                report.removed.push(relative.clone());
            }
        } else {
            report.foreign.push(relative.clone());
        }
    }
    cache.replace(cache_units(rendering, &planned));
    cache.save()?;
    Ok(report)
}
