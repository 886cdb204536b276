//! The pipeline from fleet files to placements: load → validate → place. Each stage runs only
//! when the stages before it found no error, and every stage's findings are kept. Rendering
//! (which also evaluates every placement's values) follows: all at once with
//! [`Compilation::render_all`], or a cluster at a time through [`Compilation::rendering`].

use crate::diagnostic::{self, Diagnostic};
use crate::emit::OutputTree;
use crate::load::{Files, load};
use crate::model::Fleet;
use crate::model::digest::Digest;
use crate::place::{Placement, ValueErrors, place};
use crate::render::Rendering;
use crate::source::Sources;
use crate::validate::validate;

/// A compiled fleet: the files read, the fleet and its placements when valid, all findings.
pub struct Compilation {
    pub files: Files,
    /// `None` when the fleet is invalid.
    pub fleet: Option<Fleet>,
    /// Sorted by app, then cluster.
    pub placements: Vec<Placement>,
    /// Sorted for reporting.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a compilation depends on besides the fleet files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The time expiries are judged against (the current time, unless a run fixes it).
    pub now: jiff::Timestamp,
}

impl Compilation {
    /// Whether the fleet is valid so far (warnings allowed): value templates are judged when
    /// the placements are rendered.
    pub fn is_valid(&self) -> bool {
        self.fleet.is_some() && !diagnostic::has_errors(&self.diagnostics)
    }

    /// The fleet's output, to be rendered on demand; `None` when the fleet is invalid. `salt`
    /// goes into every cluster's key.
    pub fn rendering(&self, salt: Digest) -> Option<Rendering<'_>> {
        let fleet = self.fleet.as_ref().filter(|_| self.is_valid())?;
        Some(Rendering::new(fleet, &self.files, &self.placements, salt))
    }

    /// Renders everything; failing value templates become findings and the fleet invalid.
    pub fn render_all(&mut self) -> Option<OutputTree> {
        let (tree, errors) = self.rendering(0)?.render_all();
        if self.record(errors) {
            Some(tree)
        } else {
            None
        }
    }

    /// Adds the findings of value templates that failed; whether there were none.
    pub fn record(&mut self, errors: ValueErrors) -> bool {
        if errors.is_empty() {
            return true;
        }
        let Some(fleet) = &self.fleet else {
            return false;
        };
        self.diagnostics
            .extend(errors.diagnostics(fleet, &self.files));
        diagnostic::sort(&mut self.diagnostics);
        false
    }
}

/// Compiles fleet files, up to the placements.
pub fn compile(sources: impl Into<Sources>, options: &Options) -> Compilation {
    let loaded = load(sources.into());
    let mut diagnostics = loaded.diagnostics;
    let load_failed = diagnostic::has_errors(&diagnostics);
    let validated = validate(&loaded.files, &loaded.documents, load_failed, options);
    diagnostics.extend(validated.diagnostics);
    let mut fleet = validated.fleet;
    let mut placements = Vec::new();
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
