//! The pipeline from fleet files to placements: load → validate → place. Every stage runs as
//! far as it can whatever the stages before it found, so one run reports every finding it can;
//! only a valid fleet is rendered for writing. Rendering (which also evaluates every
//! placement's values) follows: all at once with [`Compilation::render_all`], or a cluster at a
//! time through [`Compilation::rendering`]; [`Compilation::evaluate_values`] evaluates the
//! values of a fleet that may be invalid, for its findings.

use crate::diagnostic::{self, Code, Diagnostic};
use crate::load::{Files, Loaded, load, load_pair};
use crate::model::Fleet;
use crate::model::digest::Digest;
use crate::place::{Placed, Placement, place};
use crate::render::OutputTree;
use crate::render::{RenderErrors, Rendering};
use crate::source::Sources;
use crate::validate::{Earlier, Sharing, Validated, validate_sharing};

/// A compiled fleet: the files read, the fleet and its placements as far as they could be
/// built (see [`Compilation::is_valid`]), all findings.
pub struct Compilation {
    pub files: Files,
    /// `None` when no fleet could be built; a fleet with errors is kept, for more findings and
    /// for `explain`, but never rendered for writing.
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

    /// Evaluates every placement's values, rendering in memory, valid fleet or not; failing
    /// value templates become findings.
    pub fn evaluate_values(&mut self) {
        let Some(fleet) = &self.fleet else { return };
        let (_, errors) = Rendering::new(fleet, &self.files, &self.placements, 0).render_all();
        self.record(errors);
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
    pub fn record(&mut self, mut errors: RenderErrors) -> bool {
        if errors.is_empty() {
            return true;
        }
        let Some(fleet) = &self.fleet else {
            return false;
        };
        // Rendered objects are screened for credentials whatever the fleet's checks found; when
        // those found one, the screen finds it again in what it produced.
        if self
            .diagnostics
            .iter()
            .any(|d| d.code == Code::Credential && d.severity == diagnostic::Severity::Error)
        {
            errors.forget_rendered_secrets();
        }
        if errors.is_empty() {
            return false;
        }
        self.diagnostics
            .extend(errors.diagnostics(fleet, &self.files));
        diagnostic::sort(&mut self.diagnostics);
        false
    }
}

/// Compiles fleet files, up to the placements.
pub fn compile(sources: impl Into<Sources>, options: &Options) -> Compilation {
    compile_loaded(load(sources.into()), options)
}

/// Compiles two versions of a fleet (the sides of a diff), each file content parsed once and
/// each document the sides share checked once, each cluster they share resolved once; the same
/// as two [`compile`]s.
pub fn compile_pair(a: Sources, b: Sources, options: &Options) -> (Compilation, Compilation) {
    let (a, b) = load_pair(a, b);
    let mut earlier = Earlier::default();
    let a_validated = validated(&a, options, &mut Sharing::First(&mut earlier));
    let a_clusters = a_validated.fleet.as_ref().map_or(&[][..], |f| &f.clusters);
    let (a_placed, (b_validated, b_placed)) = rayon::join(
        || placed(&a, &a_validated),
        || {
            let v = validated(&b, options, &mut Sharing::Second(&earlier, a_clusters));
            let p = placed(&b, &v);
            (v, p)
        },
    );
    (
        compilation(a, a_validated, a_placed),
        compilation(b, b_validated, b_placed),
    )
}

/// Compiles loaded fleet files, up to the placements.
fn compile_loaded(loaded: Loaded, options: &Options) -> Compilation {
    let validated = validated(&loaded, options, &mut Sharing::Alone);
    let placed = placed(&loaded, &validated);
    compilation(loaded, validated, placed)
}

/// The loaded files validated.
fn validated(loaded: &Loaded, options: &Options, sharing: &mut Sharing<'_>) -> Validated {
    let load_failed = diagnostic::has_errors(&loaded.diagnostics);
    validate_sharing(
        &loaded.files,
        &loaded.documents,
        load_failed,
        options.now,
        sharing,
    )
}

/// The validated fleet (if any) placed.
fn placed(loaded: &Loaded, validated: &Validated) -> Option<Placed> {
    Some(place(validated.fleet.as_ref()?, &loaded.files))
}

/// The stages' results as one compilation.
fn compilation(loaded: Loaded, validated: Validated, placed: Option<Placed>) -> Compilation {
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(validated.diagnostics);
    let mut placements = Vec::new();
    if let Some(placed) = placed {
        let partial = diagnostic::has_errors(&diagnostics);
        placements = placed.placements;
        // In a fleet with errors, an app may land nowhere because of them.
        diagnostics.extend(
            placed
                .diagnostics
                .into_iter()
                .filter(|d| !partial || d.code != Code::NoPlacement),
        );
    }
    diagnostic::sort(&mut diagnostics);
    Compilation {
        files: loaded.files,
        fleet: validated.fleet,
        placements,
        diagnostics,
    }
}
