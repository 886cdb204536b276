use std::fs;
use std::path::Path;

use rayon::prelude::*;

use super::scan::{TEMP_SUFFIX, existing_files};
use super::{EmitError, OutputTree};
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
}

impl Drift {
    /// Whether `out/` is current.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compares `tree` with the files in `dir` (in parallel), without writing anything.
pub fn compare(dir: &Path, tree: &OutputTree) -> Result<Drift, EmitError> {
    let existing = existing_files(dir)?;
    let files: Vec<(&str, &[u8])> = tree.iter().collect();
    let states: Vec<Result<State, EmitError>> = files
        .par_iter()
        .map(|(relative, content)| match existing.get(*relative) {
            None => Ok(State::Missing),
            Some(path) => {
                let old = fs::read(path).map_err(EmitError::io(path))?;
                Ok(if old == *content {
                    State::Current
                } else {
                    State::Stale
                })
            }
        })
        .collect();
    let mut drift = Drift::default();
    for ((relative, _), state) in files.iter().zip(states) {
        match state? {
            State::Current => {}
            State::Stale => drift.stale.push((*relative).to_owned()),
            State::Missing => drift.missing.push((*relative).to_owned()),
        }
    }
    for (relative, path) in &existing {
        if tree.get(relative).is_none()
            && !relative.ends_with(TEMP_SUFFIX)
            && fs::read(path).is_ok_and(|c| is_generated(&c))
        {
            drift.extra.push(relative.clone());
        }
    }
    Ok(drift)
}

enum State {
    Current,
    Stale,
    Missing,
}
