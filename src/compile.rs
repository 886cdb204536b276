//! The pipeline from fleet files to placements: load → validate → place. Each stage runs only
//! when the stages before it found no error, and every stage's findings are kept.

use crate::diagnostic::{self, Diagnostic};
use crate::emit::OutputTree;
use crate::load::{Files, load};
use crate::model::Fleet;
use crate::place::{Placement, place};
use crate::render::render;
use crate::source::SourceFile;
use crate::validate::validate;

/// A compiled fleet: the files read, the fleet and its placements when valid, all findings.
pub struct Compilation {
    pub files: Files,
    pub fleet: Option<Fleet>,
    /// Sorted by app, then cluster.
    pub placements: Vec<Placement>,
    /// Sorted for reporting.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    /// Whether the fleet is valid (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.fleet.is_some() && !diagnostic::has_errors(&self.diagnostics)
    }

    /// The rendered `out/` tree, when the fleet is valid.
    pub fn render(&self) -> Option<OutputTree> {
        let fleet = self.fleet.as_ref().filter(|_| self.is_valid())?;
        Some(render(fleet, &self.placements))
    }
}

/// What a compilation depends on besides the fleet files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The time expiries are judged against (the current time, unless a run fixes it).
    pub now: jiff::Timestamp,
}

/// Compiles fleet files.
pub fn compile(sources: Vec<SourceFile>, options: &Options) -> Compilation {
    let loaded = load(sources);
    let mut diagnostics = loaded.diagnostics;
    let load_failed = diagnostic::has_errors(&diagnostics);
    let validated = validate(&loaded.files, &loaded.documents, load_failed, options);
    diagnostics.extend(validated.diagnostics);
    let mut placements = Vec::new();
    let mut fleet = validated.fleet;
    if let Some(f) = &fleet {
        let placed = place(f, &loaded.files);
        placements = placed.placements;
        diagnostics.extend(placed.diagnostics);
    }
    diagnostic::sort(&mut diagnostics);
    if diagnostic::has_errors(&diagnostics) {
        fleet = None;
        placements.clear();
    }
    Compilation {
        files: loaded.files,
        fleet,
        placements,
        diagnostics,
    }
}
