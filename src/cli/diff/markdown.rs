//! The `diff` report in Markdown, for a pull-request comment or a job summary: `[!CAUTION]` alerts
//! for dangerous changes, the placement and object summary, then as many per-object diffs as fit
//! in [`LIMIT`] characters.

use std::fmt::Write as _;

use super::{Report, dangers};
use crate::cli::report::plural;
use crate::emit::{ObjectKey, added_diff, change_groups};

/// The most characters a pull-request comment may hold (GitHub's limit is 65,536).
pub(crate) const LIMIT: usize = 65_000;

/// How many names a list shows before "and N more".
const NAMES: usize = 30;

/// The report for a pull-request comment or a job summary, at most `limit` characters: the
/// summary first; then as many per-object diffs as fit, and how many were left out.
pub(crate) fn render(report: &Report, limit: usize) -> String {
    let mut out = summary(report);
    let tail_reserve = 400;
    let mut left_out = 0;
    let mut blocks: Vec<(&str, String)> = Vec::new();
    for group in change_groups(&report.objects.changed, &report.out) {
        let [first, rest @ ..] = group.objects.as_slice() else {
            continue;
        };
        let mut title = format!("<code>{}</code>", escape(&first.key.to_string()));
        let mut listed = String::new();
        if !rest.is_empty() {
            let _ = write!(title, " and {} alike", plural(rest.len(), "more object"));
            listed.push_str("\nThe same change applies to:\n\n");
            for other in rest.iter().take(NAMES) {
                let _ = writeln!(
                    listed,
                    "- `{}`",
                    escape_outside_code(&other.key.to_string())
                );
            }
            if rest.len() > NAMES {
                let _ = writeln!(listed, "- … and {} more", rest.len() - NAMES);
            }
        }
        blocks.push(("Changed objects", details(&title, &listed, &group.diff)));
    }
    for (key, object) in &report.objects.added {
        let title = format!("<code>{}</code>", escape(&key.to_string()));
        blocks.push((
            "New objects",
            details(&title, "", &added_diff(key, object, &report.out)),
        ));
    }
    let mut section = "";
    for (heading, block) in blocks {
        let head = if heading == section {
            String::new()
        } else {
            format!("\n#### {heading}\n")
        };
        if left_out == 0
            && out.chars().count() + head.chars().count() + block.chars().count() + tail_reserve
                <= limit
        {
            out.push_str(&head);
            out.push_str(&block);
            section = heading;
        } else {
            left_out += 1;
        }
    }
    if left_out > 0 {
        let _ = write!(
            out,
            "\n_{} left out to keep this under {limit} characters; run `fleetc diff --base {}` to see them all._\n",
            plural(left_out, "object diff"),
            report.base
        );
    }
    truncate(out, limit)
}

/// The report when a side does not compile: its findings, so the summary says why.
pub(crate) fn invalid(label: &str, findings: &str) -> String {
    let fence = fence_for(findings);
    format!(
        "### fleetc diff: the fleet at `{}` is invalid\n\n\
         Nothing can be compared until it validates. `fleetc validate` says:\n\n{fence}text\n{findings}{fence}\n",
        escape(label)
    )
}

/// A collapsed block: its title, what it applies to, and a diff.
fn details(title: &str, listed: &str, diff: &str) -> String {
    let fence = fence_for(diff);
    format!(
        "\n<details><summary>{title}</summary>\n{listed}\n{fence}diff\n{diff}{fence}\n\n</details>\n"
    )
}

fn summary(report: &Report) -> String {
    let mut out = format!("### fleetc diff: `{}` → `{}`\n\n", report.base, report.head);
    if report.is_empty() {
        out.push_str("No change: both render the same objects.\n");
        return out;
    }
    for danger in dangers(&report.impact) {
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> **This change {}**: {}.",
            danger.title, danger.meaning
        );
        for item in danger.items.iter().take(NAMES) {
            let _ = writeln!(out, "> - {}", escape_outside_code(item));
        }
        if danger.items.len() > NAMES {
            let _ = writeln!(out, "> - … and {} more", danger.items.len() - NAMES);
        }
        out.push('\n');
    }
    if !report.refused.is_empty() {
        let names: Vec<String> = report
            .refused
            .iter()
            .map(|c| format!("`--allow-destroy {c}`"))
            .collect();
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> **Refused**: destroying a cluster needs {}.\n",
            names.join(" ")
        );
    }
    if let Some(gate) = report.gate.as_ref().filter(|g| g.exceeded()) {
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> This change removes {} of every kind; `--max-deletions {}` allows {}.\n",
            plural(gate.deletions.len(), "object"),
            gate.limit,
            gate.allowed
        );
    }
    let p = &report.placements;
    if !p.apps.is_empty() {
        out.push_str("| app | gains | loses |\n|---|---|---|\n");
        for change in &p.apps {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                change.app,
                names(&change.gained),
                names(&change.lost)
            );
        }
        out.push('\n');
    }
    for (what, list) in [
        ("Clusters added", &p.clusters_added),
        ("Clusters removed", &p.clusters_removed),
        ("Apps added", &p.apps_added),
        ("Apps removed", &p.apps_removed),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "**{what}:** {}  ", names(list));
        }
    }
    let o = &report.objects;
    let _ = writeln!(
        out,
        "\n**Objects:** {} added, {} removed, {} changed\n",
        o.added.len(),
        o.removed.len(),
        o.changed.len()
    );
    for (sign, list) in [("+", &o.added), ("-", &o.removed)] {
        let keys: Vec<&ObjectKey> = list.iter().map(|(k, _)| k).collect();
        object_list(&mut out, sign, &keys);
    }
    let changed: Vec<&ObjectKey> = o.changed.iter().map(|c| &c.key).collect();
    object_list(&mut out, "~", &changed);
    out
}

fn object_list(out: &mut String, sign: &str, keys: &[&ObjectKey]) {
    for key in keys.iter().take(NAMES) {
        let _ = writeln!(out, "- `{sign}` {}", escape(&key.to_string()));
    }
    if keys.len() > NAMES {
        let _ = writeln!(out, "- `{sign}` … and {} more", keys.len() - NAMES);
    }
}

/// A list of names in backticks, the first few, then how many more.
fn names(list: &[String]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = list.iter().take(NAMES).map(|n| format!("`{n}`")).collect();
    match list.len().saturating_sub(NAMES) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// Escapes text that mixes names in backticks with plain words: only `<`, `>` and `&` outside
/// backticks would be read as HTML, and `|` matters only in tables.
fn escape_outside_code(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes text that goes into Markdown outside code.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}

/// A code fence longer than any run of backticks in `text`, so no content can close it.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

/// A hard stop at `limit` characters, should the summary alone be longer.
fn truncate(out: String, limit: usize) -> String {
    if out.chars().count() <= limit {
        return out;
    }
    let note = "\n\n_(cut at the comment size limit)_\n";
    let keep: String = out.chars().take(limit - note.chars().count()).collect();
    keep + note
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outlast_backticks_in_the_content() {
        assert_eq!(fence_for("a"), "```");
        assert_eq!(fence_for("x ```` y"), "`````");
    }
}
