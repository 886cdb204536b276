//! `fleetc diff`: render two revisions of the fleet in memory and say what the change does.

mod json;
mod markdown;
mod text;

use super::args::{DeletionLimit, DiffArgs, DiffFormat, Format};
use super::{Context, Outcome, Status, report};
use crate::emit::{ObjectDiff, ObjectKey, OutputTree, diff};
use crate::model::Fleet;
use crate::place::{Placement, PlacementChanges, placement_changes};
use crate::source::SourceError;

/// One side of the comparison.
pub(crate) struct Side {
    /// `HEAD`, `origin/main`, `working tree`.
    pub(crate) label: String,
    /// `None` when the revision has no fleet folder yet.
    compiled: Option<(Fleet, Vec<Placement>)>,
    tree: OutputTree,
}

/// The deletion gate's verdict.
pub(crate) struct Gate {
    pub(crate) limit: DeletionLimit,
    pub(crate) allowed: usize,
    pub(crate) deletions: Vec<ObjectKey>,
}

impl Gate {
    pub(crate) fn exceeded(&self) -> bool {
        self.deletions.len() > self.allowed
    }
}

/// Everything a diff report shows.
pub(crate) struct Report {
    pub(crate) base: String,
    pub(crate) head: String,
    pub(crate) placements: PlacementChanges,
    pub(crate) objects: ObjectDiff,
    pub(crate) gate: Option<Gate>,
    /// Where out/ lives, for file names in the report.
    pub(crate) out: String,
}

impl Report {
    pub(crate) fn is_empty(&self) -> bool {
        self.placements.is_empty() && self.objects.is_empty()
    }
}

pub(crate) fn run(context: &Context, args: &DiffArgs) -> Outcome {
    let head_rev = args.head.as_deref().or(context.rev.as_deref());
    let (base, head) = rayon::join(
        || side(context, Some(&args.base)),
        || side(context, head_rev),
    );
    let (base, head) = match (base, head) {
        (Ok(b), Ok(h)) => (b, h),
        (Err(o), _) | (_, Err(o)) => return o,
    };
    let placements = placement_changes(
        base.compiled.as_ref().map(|(f, p)| (f, p.as_slice())),
        head.compiled.as_ref().map(|(f, p)| (f, p.as_slice())),
    );
    let objects = diff(&base.tree, &head.tree);
    let gate = args.max_deletions.map(|limit| {
        let total = base.compiled.as_ref().map_or(0, |(fleet, placements)| {
            placements.len()
                + fleet.clusters.len()
                + if fleet.repo.is_some() {
                    fleet.hubs.len()
                } else {
                    0
                }
        });
        let allowed = match limit {
            DeletionLimit::Count(n) => n,
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss
            )]
            DeletionLimit::Percent(p) => (total as f64 * p / 100.0).floor() as usize,
        };
        Gate {
            limit,
            allowed,
            deletions: objects.deletions().into_iter().cloned().collect(),
        }
    });
    let report = Report {
        base: base.label,
        head: head.label,
        placements,
        objects,
        gate,
        out: context.out_display.clone(),
    };
    let mut outcome = Outcome::new(Status::Clean);
    match args.format {
        DiffFormat::Text => outcome.stdout = text::render(&report, context.color),
        DiffFormat::Markdown => outcome.stdout = markdown::render(&report, markdown::LIMIT),
        DiffFormat::Json => outcome.stdout = json::render(&report),
    }
    if let Some(gate) = report.gate.as_ref().filter(|g| g.exceeded()) {
        outcome.status = Status::Findings;
        outcome.stderr = text::gate_failure(gate);
    } else if args.exit_code && !report.is_empty() {
        outcome.status = Status::Findings;
    }
    outcome
}

/// Reads, compiles and renders one side; an invalid fleet ends the run with its findings.
fn side(context: &Context, rev: Option<&str>) -> Result<Side, Outcome> {
    let label = rev.map_or_else(|| "the working tree".to_owned(), str::to_owned);
    let sources = match context.sources_at(rev) {
        Ok(s) => s,
        Err(SourceError::NoFleetAtRevision { .. }) => {
            return Ok(Side {
                label: format!("{label} (no fleet)"),
                compiled: None,
                tree: OutputTree::default(),
            });
        }
        Err(e) => return Err(Outcome::failure(e)),
    };
    let compilation = crate::compile::compile(sources, &context.options);
    let Some(tree) = compilation.render() else {
        let mut outcome = Outcome::new(Status::Findings);
        outcome.stderr =
            format!("error: the fleet at {label} is invalid, so it cannot be compared\n");
        report::findings(context, &compilation, Format::Text, &mut outcome);
        return Err(outcome);
    };
    let fleet = compilation.fleet.expect("a rendered fleet is valid");
    Ok(Side {
        label,
        compiled: Some((fleet, compilation.placements)),
        tree,
    })
}

/// The unified diff of one changed object.
pub(crate) fn unified(before: &str, after: &str, old_name: &str, new_name: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}
