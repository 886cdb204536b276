//! `fleetc diff`: render two revisions of the fleet in memory and say what the change does.

mod json;
mod markdown;
mod text;

use super::args::{DiffArgs, DiffFormat, Format};
use super::{Context, Outcome, Status, report};
use crate::compile::Compilation;
use crate::emit::{
    Gate, Impact, ObjectDiff, PlacementChanges, PlacementSide, changed_trees, diff, impact,
    placement_changes, refused_destroys,
};
use crate::render::{OutputTree, Rendering};
use crate::source::SourceError;

/// One side of the comparison.
pub(crate) struct Side {
    /// `HEAD`, `origin/main`, `working tree`.
    pub(crate) label: String,
    /// `None` when the revision has no fleet folder yet.
    compiled: Option<Compilation>,
}

/// Everything a diff report shows.
pub(crate) struct Report {
    pub(crate) base: String,
    pub(crate) head: String,
    /// What the removals do at runtime, most dangerous first.
    pub(crate) impact: Impact,
    /// The clusters the change would destroy that no `--allow-destroy` names.
    pub(crate) refused: Vec<String>,
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
    if args.head.is_some() && context.rev.is_some() {
        return Outcome::failure(
            "--rev and --head both name the revision to compare: give one of them",
        );
    }
    let head_rev = args.head.as_deref().or(context.rev.as_deref());
    let (base, head) = match sides(context, &args.base, head_rev, args.format) {
        Ok(sides) => sides,
        Err(outcome) => return outcome,
    };
    let (mut base, mut head) = (base, head);
    let (base_tree, head_tree) = match rendered_trees(context, &mut base, &mut head, args.format) {
        Ok(trees) => trees,
        Err(outcome) => return outcome,
    };
    let placements = placement_changes(fleet_of(&base), fleet_of(&head));
    let objects = diff(&base_tree, &head_tree);
    let impact = impact(&objects);
    let refused = refused_destroys(&impact, &args.allow_destroy);
    let gate = args.max_deletions.map(|limit| {
        let base_objects = rendering_of(&base).map_or(0, |r| r.objects());
        let deletions = objects.removed.iter().map(|(k, _)| k.clone()).collect();
        Gate::new(limit, base_objects, deletions)
    });
    let report = Report {
        base: base.label.clone(),
        head: head.label.clone(),
        impact,
        refused,
        placements,
        objects,
        gate,
        out: context.out_display.clone(),
    };
    super::leave_to_exit((base, head, base_tree, head_tree));
    let mut outcome = Outcome::new(Status::Clean);
    match args.format {
        DiffFormat::Text => outcome.stdout = text::render(&report, context.color),
        DiffFormat::Markdown => outcome.stdout = markdown::render(&report, markdown::LIMIT),
        DiffFormat::Json => outcome.stdout = json::render(&report),
    }
    if !report.refused.is_empty() {
        outcome.status = Status::Findings;
        outcome.stderr.push_str(&text::destroy_refusal(&report));
    }
    if let Some(gate) = report.gate.as_ref().filter(|g| g.exceeded()) {
        outcome.status = Status::Findings;
        outcome.stderr.push_str(&text::gate_failure(gate));
    } else if args.exit_code && !report.is_empty() {
        outcome.status = Status::Findings;
    }
    outcome
}

/// Reads and compiles both sides, each file content parsed once; an invalid fleet ends the run
/// with its findings (the base's first).
fn sides(
    context: &Context,
    base: &str,
    head: Option<&str>,
    format: DiffFormat,
) -> Result<(Side, Side), Outcome> {
    let label =
        |rev: Option<&str>| rev.map_or_else(|| "the working tree".to_owned(), str::to_owned);
    let (base_sources, head_sources) =
        rayon::join(|| read(context, Some(base)), || read(context, head));
    let (base_sources, head_sources) = (base_sources?, head_sources?);
    let (base_compiled, head_compiled) = match (base_sources, head_sources) {
        (Some(b), Some(h)) => {
            let (b, h) = crate::compile::compile_pair(b, h, &context.options);
            (Some(b), Some(h))
        }
        (b, h) => rayon::join(
            || b.map(|s| crate::compile::compile(s, &context.options)),
            || h.map(|s| crate::compile::compile(s, &context.options)),
        ),
    };
    let side = |rev: Option<&str>, compiled: Option<Compilation>| match compiled {
        None => Ok(Side {
            label: format!("{} (no fleet)", label(rev)),
            compiled: None,
        }),
        Some(c) if !c.is_valid() => Err(invalid(context, &label(rev), &c, format)),
        Some(c) => Ok(Side {
            label: label(rev),
            compiled: Some(c),
        }),
    };
    Ok((side(Some(base), base_compiled)?, side(head, head_compiled)?))
}

/// The fleet files at a revision (`None`: the working tree); `None` when the revision has no
/// fleet folder yet.
fn read(context: &Context, rev: Option<&str>) -> Result<Option<crate::source::Sources>, Outcome> {
    match context.sources_at(rev) {
        Ok(s) => Ok(Some(s)),
        Err(SourceError::NoFleetAtRevision { .. }) => Ok(None),
        Err(e) => Err(Outcome::failure(e)),
    }
}

/// A side's compiled fleet and placements, for the placement summary.
fn fleet_of(side: &Side) -> PlacementSide<'_> {
    let c = side.compiled.as_ref()?;
    Some((c.fleet.as_ref()?, c.placements.as_slice()))
}

fn rendering_of(side: &Side) -> Option<Rendering<'_>> {
    side.compiled.as_ref().and_then(|c| c.rendering(0))
}

/// A side that is invalid ends the run with its findings; in Markdown they are also the report,
/// so a pull request's summary says why there is no diff.
fn invalid(
    context: &Context,
    label: &str,
    compilation: &Compilation,
    format: DiffFormat,
) -> Outcome {
    let mut outcome = Outcome::new(Status::Findings);
    outcome.stderr = format!("error: the fleet at {label} is invalid, so it cannot be compared\n");
    report::findings(context, compilation, Format::Text, &mut outcome);
    if format == DiffFormat::Markdown {
        let findings =
            crate::diagnostic::format::text(&compilation.diagnostics, &compilation.files, false);
        outcome.stdout = markdown::invalid(label, &findings);
    }
    outcome
}

/// The files that can differ between the sides, rendered for each (see [`changed_trees`]);
/// templates that fail on a side end the run with that side's findings.
fn rendered_trees(
    context: &Context,
    base: &mut Side,
    head: &mut Side,
    format: DiffFormat,
) -> Result<(OutputTree, OutputTree), Outcome> {
    let (base_rendering, head_rendering) =
        rayon::join(|| rendering_of(base), || rendering_of(head));
    let ((base_tree, base_errors), (head_tree, head_errors)) =
        changed_trees(base_rendering.as_ref(), head_rendering.as_ref());
    drop((base_rendering, head_rendering));
    for (side, errors) in [(base, base_errors), (head, head_errors)] {
        if let Some(compilation) = side.compiled.as_mut()
            && !compilation.record(errors)
        {
            return Err(invalid(context, &side.label, compilation, format));
        }
    }
    Ok((base_tree, head_tree))
}

/// One class of dangerous change in a report: a title with its count, what it means at runtime,
/// and its objects.
pub(crate) struct Danger {
    pub(crate) title: String,
    pub(crate) meaning: &'static str,
    pub(crate) items: Vec<String>,
}

/// What a safe hub move takes, said wherever a move is reported.
pub(crate) const MOVE_ADVICE: &str = "a hub move deletes on the old hub what it creates on the \
    new one. To move safely: first, in a change of its own, set `spec.preserveResourcesOnDeletion: \
    true` on the apps placed on the cluster and let the old hub sync, so that its Applications \
    lose the resources finalizer and their removal leaves the workloads running; for a Cluster API \
    cluster, move its objects to the new hub with `clusterctl move` before merging, or the old \
    hub deletes the cluster; then merge the move (with `--allow-destroy <cluster>` once the \
    objects have moved)";

/// The report's dangerous changes, most dangerous first.
pub(crate) fn dangers(impact: &Impact) -> Vec<Danger> {
    use crate::cli::report::plural;
    let mut out = Vec::new();
    let mut push = |title: String, meaning, items: Vec<String>| {
        if !items.is_empty() {
            out.push(Danger {
                title,
                meaning,
                items,
            });
        }
    };
    push(
        format!("destroys {}", plural(impact.destroyed.len(), "cluster")),
        "its Cluster API `Cluster` is removed from the hub, and Cluster API deletes the real \
         cluster, its nodes and its data",
        impact
            .destroyed
            .iter()
            .map(|d| match &d.moved_to {
                Some(to) => format!("`{}` on `{}` (recreated on `{to}`)", d.cluster, d.hub),
                None => format!("`{}` on `{}`", d.cluster, d.hub),
            })
            .collect(),
    );
    push(
        format!(
            "moves {} between hubs",
            plural(impact.moves.len(), "cluster")
        ),
        MOVE_ADVICE,
        impact
            .moves
            .iter()
            .map(|m| format!("`{}`: `{}` → `{}`", m.cluster, m.from, m.to))
            .collect(),
    );
    push(
        format!(
            "deletes the workloads of {}",
            plural(impact.workloads_deleted.len(), "Application")
        ),
        "the Applications carry Argo CD's resources finalizer: removing them deletes what they \
         deployed",
        impact
            .workloads_deleted
            .iter()
            .map(ToString::to_string)
            .collect(),
    );
    push(
        format!(
            "disconnects {} from Argo CD",
            plural(impact.disconnected.len(), "cluster")
        ),
        "its cluster Secret (or the ExternalSecret that makes it) is removed: the hub's Argo CD \
         loses the cluster",
        impact
            .disconnected
            .iter()
            .map(ToString::to_string)
            .collect(),
    );
    push(
        format!(
            "orphans {}",
            plural(impact.orphaned.len(), "Terraform root module")
        ),
        "its root module leaves out/, but what it created stays until someone runs \
         `terraform destroy` in it",
        impact
            .orphaned
            .iter()
            .map(|c| crate::render::layout::terraform_dir(c))
            .collect(),
    );
    push(
        format!(
            "removes {} without their workloads",
            plural(impact.unmanaged.len(), "Application")
        ),
        "the Applications carry no resources finalizer: what they deployed keeps running, \
         unmanaged",
        impact.unmanaged.iter().map(ToString::to_string).collect(),
    );
    out
}
