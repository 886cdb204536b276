//! The `diff` report for a terminal or a log (coloured when asked): the summary, then a unified
//! diff per changed object; and the errors `diff` gives when it refuses to destroy a cluster or a
//! change removes more than `--max-deletions` allows.

use std::fmt::Write as _;

use super::{Gate, Report, dangers};
use crate::cli::report::plural;
use crate::emit::{ObjectKey, added_diff, change_groups};

/// How many objects of a group of alike changes are named before "and N more".
const LISTED: usize = 30;

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The report for a terminal or a log: the summary, then a unified diff per changed object.
pub(crate) fn render(report: &Report, color: bool) -> String {
    let paint = |style: &str, text: &str| {
        if color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    };
    let mut out = format!("fleetc diff: {} → {}\n", report.base, report.head);
    if report.is_empty() {
        out.push_str("no change: both render the same objects\n");
        return out;
    }
    out.push('\n');
    for danger in dangers(&report.impact) {
        let _ = writeln!(
            out,
            "{}",
            paint(
                RED,
                &format!("THIS CHANGE {}:", danger.title.to_uppercase())
            )
        );
        let _ = writeln!(out, "  ({})", danger.meaning);
        for item in &danger.items {
            let _ = writeln!(out, "  - {item}");
        }
        out.push('\n');
    }
    let p = &report.placements;
    if !p.apps.is_empty() {
        out.push_str("placements:\n");
        for change in &p.apps {
            let mut parts = Vec::new();
            if !change.gained.is_empty() {
                parts.push(paint(GREEN, &format!("+{}", change.gained.join(" +"))));
            }
            if !change.lost.is_empty() {
                parts.push(paint(RED, &format!("-{}", change.lost.join(" -"))));
            }
            let _ = writeln!(out, "  {}: {}", change.app, parts.join(" "));
        }
    }
    for (what, names) in [
        ("clusters added", &p.clusters_added),
        ("clusters removed", &p.clusters_removed),
        ("apps added", &p.apps_added),
        ("apps removed", &p.apps_removed),
    ] {
        if !names.is_empty() {
            let _ = writeln!(out, "{what}: {}", names.join(", "));
        }
    }
    let o = &report.objects;
    let _ = writeln!(
        out,
        "objects: {} added, {} removed, {} changed",
        o.added.len(),
        o.removed.len(),
        o.changed.len()
    );
    let line = |sign: &str, style: &str, key: &ObjectKey| paint(style, &format!("  {sign} {key}"));
    for (key, _) in &o.added {
        let _ = writeln!(out, "{}", line("+", GREEN, key));
    }
    for (key, _) in &o.removed {
        let _ = writeln!(out, "{}", line("-", RED, key));
    }
    for c in &o.changed {
        let _ = writeln!(out, "{}", line("~", CYAN, &c.key));
    }
    let mut diffs: Vec<String> = Vec::new();
    for group in change_groups(&o.changed, &report.out) {
        let mut text = String::new();
        if let [first, rest @ ..] = group.objects.as_slice()
            && !rest.is_empty()
        {
            let _ = writeln!(
                text,
                "{} change alike; the diff of the first stands for all:",
                plural(group.objects.len(), "object")
            );
            let _ = writeln!(text, "  {}", first.key);
            for other in rest.iter().take(LISTED) {
                let _ = writeln!(text, "  {}", other.key);
            }
            if rest.len() > LISTED {
                let _ = writeln!(text, "  … and {} more", rest.len() - LISTED);
            }
        }
        text.push_str(&group.diff);
        diffs.push(text);
    }
    for (key, object) in &o.added {
        diffs.push(added_diff(key, object, &report.out));
    }
    for diff in diffs {
        out.push('\n');
        for l in diff.lines() {
            let styled = if !color {
                l.to_owned()
            } else if l.starts_with("+++") || l.starts_with("---") {
                paint(BOLD, l)
            } else if l.starts_with('+') {
                paint(GREEN, l)
            } else if l.starts_with('-') {
                paint(RED, l)
            } else if l.starts_with("@@") {
                paint(CYAN, l)
            } else {
                l.to_owned()
            };
            out.push_str(&styled);
            out.push('\n');
        }
    }
    out
}

/// What `diff` says when the change destroys a cluster no `--allow-destroy` names.
pub(crate) fn destroy_refusal(report: &Report) -> String {
    let mut out = format!(
        "error: this change destroys {}: Cluster API deletes the real cluster when its `Cluster` \
         leaves the hub:\n",
        plural(report.refused.len(), "cluster")
    );
    for d in report
        .impact
        .destroyed
        .iter()
        .filter(|d| report.refused.contains(&d.cluster))
    {
        let _ = match &d.moved_to {
            Some(to) => writeln!(out, "  - {} on {} (moved to {to})", d.cluster, d.hub),
            None => writeln!(out, "  - {} on {}", d.cluster, d.hub),
        };
    }
    if report.impact.destroyed.iter().any(|d| d.moved_to.is_some()) {
        let _ = writeln!(out, "note: {}", super::MOVE_ADVICE);
    }
    let names: Vec<String> = report
        .refused
        .iter()
        .map(|c| format!("--allow-destroy {c}"))
        .collect();
    let _ = writeln!(
        out,
        "help: if destroying it is intended, pass {} (or --allow-destroy all)",
        names.join(" ")
    );
    out
}

/// What the deletion gate says when the change deletes too much.
pub(crate) fn gate_failure(gate: &Gate) -> String {
    let mut out = format!(
        "error: this change removes {} of every kind; --max-deletions {} allows {}:\n",
        plural(gate.deletions.len(), "object"),
        gate.limit,
        gate.allowed
    );
    for key in &gate.deletions {
        let _ = writeln!(out, "  - {key}");
    }
    out.push_str("help: a mistyped selector can empty a region; if these deletions are intended, raise --max-deletions for this change\n");
    out
}
