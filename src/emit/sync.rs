//! Bringing `out/` in line with the fleet, or checking that it is: what `fleetc render` and
//! `fleetc check` do, a cluster at a time and in parallel. A cluster whose key is in the render
//! cache is not rendered: its files' digests are compared with `out/`. Any other cluster is
//! rendered, compared, and (when writing) each differing file is staged beside its target; only
//! when every cluster rendered without a failing value template are the staged files renamed
//! into place, so an invalid fleet leaves `out/` untouched, an interrupted run never leaves a
//! half-written file, and memory holds one cluster's files per worker, not the whole tree.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::EmitError;
use super::cache::{CachedFiles, RenderCache};
use super::out_dir::OutDir;
use super::scan::{Existing, existing_files, read_prefix};
use super::staging::{flush, stage};
use super::write::{WriteReport, remove_empty_parents};
use crate::model::digest::{Digest, digest_bytes};
use crate::render::OutputFile;
use crate::render::RenderErrors;
use crate::render::layout::Scope;
use crate::render::{ClusterRenderer, GENERATED_MARK_LEN, Rendering, is_generated};

/// How `out/` differs from what fleetc renders.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Files whose content differs.
    pub stale: Vec<String>,
    /// Files fleetc renders that `out/` lacks.
    pub missing: Vec<String>,
    /// Files fleetc generated that it no longer renders.
    pub extra: Vec<String>,
    /// Staging files an interrupted run left (a render removes them).
    pub leftovers: Vec<String>,
    /// The stale files that differ from the render only in line endings (`\r\n` for `\n`):
    /// git converted them on checkout (`core.autocrlf`).
    pub line_endings: Vec<String>,
    /// How many files fleetc renders.
    pub files: usize,
    /// YAML files written by hand in a hub's folder, which its kustomization does not list.
    pub unapplied: Vec<String>,
    /// What went wrong without making the answer wrong (the render cache could not be saved).
    pub warnings: Vec<String>,
}

impl Drift {
    /// Whether `out/` is current.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.leftovers.is_empty()
    }
}

/// The longest file fleetc reads back from `out/` to compare with a digest: longer than any
/// file it renders, so a longer file is stale whatever it holds.
const READ_LIMIT: usize = 64 << 20;

/// Why `out/` could not be synced.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Reading or writing `out/` failed.
    #[error(transparent)]
    Io(#[from] EmitError),
    /// Rendering failed (a template, an Application too large, a secret in an object): the
    /// fleet is invalid.
    #[error("rendering the fleet failed")]
    Render(Box<RenderErrors>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Current,
    Stale,
    /// Stale only in its line endings (`\r\n` for `\n`): git converted it on checkout. Told
    /// apart when checking only.
    LineEndings,
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
    existing: &'a Existing,
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
        let Some(on_disk) = self.existing.files.get(path) else {
            return Ok(State::Missing);
        };
        // One byte more than the rendered file tells a longer file from an equal one.
        let limit = content.map_or(READ_LIMIT, |c| c.len() + 1);
        read_prefix(on_disk, limit, buffer).map_err(EmitError::io(on_disk))?;
        let same = match content {
            Some(content) => buffer.as_slice() == content,
            None => digest_bytes(buffer) == digest,
        };
        if same {
            return Ok(State::Current);
        }
        // Only a file with a CRLF in what was read can be the render with CRLFs; only that one
        // is read whole, when what was read stopped at the rendered length.
        if self.mode == Mode::Check && buffer.windows(2).any(|w| w == b"\r\n") {
            if content.is_some() {
                read_prefix(on_disk, READ_LIMIT, buffer).map_err(EmitError::io(on_disk))?;
            }
            if only_line_endings_differ(buffer, digest) {
                return Ok(State::LineEndings);
            }
        }
        Ok(State::Stale)
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
                    (Mode::Write, State::Stale | State::LineEndings | State::Missing) => {
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
    ) -> Result<(Vec<Synced>, RenderErrors), EmitError> {
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
                return Ok((synced, RenderErrors::default()));
            }
        }
        let (files, errors) = renderer.render(index);
        if !errors.is_empty() {
            return Ok((Vec::new(), errors));
        }
        Ok((self.sync_files(files, buffer)?, errors))
    }
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
        return Err(SyncError::Render(Box::new(errors)));
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

/// Every file fleetc renders, compared with `out/` (and staged, when writing), beside what
/// `out/` held: where `check` and `render` both start.
struct Compared {
    existing: Existing,
    files: Vec<(Option<usize>, Synced)>,
}

impl Compared {
    /// Scans `out/`, then renders and compares every cluster and hub file.
    fn new(
        out: &OutDir,
        rendering: &Rendering<'_>,
        cache: &RenderCache,
        mode: Mode,
    ) -> Result<Self, SyncError> {
        let existing = existing_files(out.path(), out.display())?;
        let run = Run {
            dir: out.path(),
            existing: &existing,
            mode,
        };
        let files = sync_all(&run, rendering, cache)?;
        Ok(Self { existing, files })
    }

    /// The paths fleetc renders.
    fn rendered(&self) -> BTreeSet<&str> {
        self.files.iter().map(|(_, s)| s.path.as_str()).collect()
    }

    /// Files in `out/` that fleetc generated and no longer renders (a file says so in its
    /// first line, so only the start of each is read).
    fn extras(&self) -> Vec<(&String, &PathBuf)> {
        let rendered = self.rendered();
        let mut head = Vec::new();
        self.existing
            .files
            .iter()
            .filter(|(relative, path)| {
                !rendered.contains(relative.as_str())
                    && read_prefix(path, GENERATED_MARK_LEN, &mut head).is_ok()
                    && is_generated(&head)
            })
            .collect()
    }

    /// The files in `out/` fleetc neither renders nor generated (`extras` are the generated
    /// ones, from [`Compared::extras`]): the user's, left alone.
    fn foreign(&self, extras: &[(&String, &PathBuf)]) -> Vec<String> {
        let rendered = self.rendered();
        let generated: BTreeSet<&String> = extras.iter().map(|(r, _)| *r).collect();
        self.existing
            .files
            .keys()
            .filter(|r| !rendered.contains(r.as_str()) && !generated.contains(r))
            .cloned()
            .collect()
    }

    /// Makes the cache remember every cluster's files and digests, and saves it. A cache that
    /// cannot be saved (a read-only git directory) makes the next run slower, never wrong, so
    /// it is a warning.
    fn remember(&self, rendering: &Rendering<'_>, cache: &mut RenderCache) -> Vec<String> {
        let mut units: Vec<CachedFiles> = vec![Vec::new(); rendering.len()];
        for (cluster, s) in &self.files {
            if let Some(i) = cluster {
                units[*i].push((s.path.clone(), s.digest));
            }
        }
        cache.replace(
            units
                .into_iter()
                .enumerate()
                .map(|(i, files)| (rendering.key(i), files)),
        );
        match cache.save() {
            Ok(()) => Vec::new(),
            Err(e) => vec![format!(
                "the render cache was not saved ({e}); the next run renders everything again"
            )],
        }
    }
}

/// Compares `out/` with what fleetc renders, writing nothing but the cache.
pub fn check(
    out: &OutDir,
    rendering: &Rendering<'_>,
    cache: &mut RenderCache,
) -> Result<Drift, SyncError> {
    let compared = Compared::new(out, rendering, cache, Mode::Check)?;
    let mut drift = Drift {
        files: compared.files.len(),
        ..Drift::default()
    };
    for (_, s) in &compared.files {
        match s.state {
            State::Current => {}
            State::Stale => drift.stale.push(s.path.clone()),
            State::LineEndings => {
                drift.stale.push(s.path.clone());
                drift.line_endings.push(s.path.clone());
            }
            State::Missing => drift.missing.push(s.path.clone()),
        }
    }
    drift.line_endings.sort();
    drift.stale.sort();
    drift.missing.sort();
    let extras = compared.extras();
    drift.extra = extras.iter().map(|(r, _)| (*r).clone()).collect();
    drift.leftovers = compared.existing.staging.keys().cloned().collect();
    drift.unapplied = unapplied(&compared.foreign(&extras));
    drift.warnings = compared.remember(rendering, cache);
    Ok(drift)
}

/// Of the user's files in `out/`, the YAML ones in a hub's folder: the hub's kustomization lists
/// only fleetc's files, so nothing applies them.
fn unapplied(foreign: &[String]) -> Vec<String> {
    foreign
        .iter()
        .filter(|r| {
            matches!(Scope::of(r), Scope::Hub(_))
                && std::path::Path::new(r.as_str())
                    .extension()
                    .is_some_and(|e| {
                        e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml")
                    })
        })
        .cloned()
        .collect()
}

/// Whether `on_disk`, with each `\r\n` made `\n`, is the file whose digest is `digest`.
fn only_line_endings_differ(on_disk: &[u8], digest: Digest) -> bool {
    if !on_disk.windows(2).any(|w| w == b"\r\n") {
        return false;
    }
    let mut lf = Vec::with_capacity(on_disk.len());
    let mut bytes = on_disk.iter().peekable();
    while let Some(&b) = bytes.next() {
        if b == b'\r' && bytes.peek() == Some(&&b'\n') {
            continue;
        }
        lf.push(b);
    }
    digest_bytes(&lf) == digest
}

/// Writes `out/`: only files that differ, each atomically; removes files fleetc generated and
/// no longer renders, and staging files an interrupted run left; never touches other files.
///
/// Every changed file is staged first and flushed to disk; only then are they renamed into
/// place. When a rename or a removal fails, the others still happen, every staging file is
/// removed, and the error names exactly which files were updated and which were not.
pub fn render(
    out: &OutDir,
    rendering: &Rendering<'_>,
    cache: &mut RenderCache,
) -> Result<WriteReport, SyncError> {
    let dir = out.path();
    let compared = Compared::new(out, rendering, cache, Mode::Write)?;
    let staged: Vec<(&Path, PathBuf, &str)> = compared
        .files
        .iter()
        .filter_map(|(_, s)| {
            s.staged
                .as_deref()
                .map(|staged| (staged, dir.join(&s.path), s.path.as_str()))
        })
        .collect();
    if !staged.is_empty() {
        let staged_paths: Vec<&Path> = staged.iter().map(|(p, _, _)| *p).collect();
        if let Err(e) = flush(dir, &staged_paths) {
            for (p, _, _) in &staged {
                let _ = fs::remove_file(p);
            }
            return Err(e.into());
        }
    }
    let renamed: Vec<(&str, std::io::Result<()>)> = staged
        .par_iter()
        .map(|(staged, target, relative)| {
            let result = fs::rename(staged, target);
            if result.is_err() {
                let _ = fs::remove_file(staged);
            }
            (*relative, result)
        })
        .collect();
    let mut updated = Vec::new();
    let mut failed = Vec::new();
    for (relative, result) in renamed {
        match result {
            Ok(()) => updated.push(out.display_path(relative)),
            Err(e) => failed.push((out.display_path(relative), e)),
        }
    }
    let mut report = WriteReport::default();
    for (_, s) in &compared.files {
        if s.state == State::Current {
            report.unchanged += 1;
        } else {
            report.written.push(s.path.clone());
        }
    }
    report.written.sort();
    if failed.is_empty() {
        // Told apart by their first line, so before the generated ones are removed.
        let extras = compared.extras();
        report.foreign = compared.foreign(&extras);
        report.unapplied = unapplied(&report.foreign);
        for (relative, path) in extras {
            match fs::remove_file(path) {
                Ok(()) => {
                    remove_empty_parents(dir, path);
                    updated.push(out.display_path(relative));
                    report.removed.push(relative.clone());
                }
                Err(e) => failed.push((out.display_path(relative), e)),
            }
        }
    }
    // Left by an interrupted run; no other run is writing (this one holds the lock).
    for path in compared.existing.staging.values() {
        let _ = fs::remove_file(path);
        remove_empty_parents(dir, path);
    }
    if !updated.is_empty() {
        flush(dir, &[]).map_err(SyncError::Io)?;
    }
    if !failed.is_empty() {
        updated.sort();
        failed.sort_by(|a, b| a.0.cmp(&b.0));
        return Err(EmitError::Incomplete { updated, failed }.into());
    }
    report.warnings = compared.remember(rendering, cache);
    Ok(report)
}
