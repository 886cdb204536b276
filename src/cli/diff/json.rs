//! The `diff` report as JSON: the impact, refused destroys and deletion gate come before the
//! placement changes and every added, removed and changed object (a changed one with its unified
//! diff, numbered by the lines of its file).

use serde::Serialize;
use serde_json::json;

use super::Report;
use crate::emit::{ObjectKey, RenderedObject, changed_diff};

#[derive(Serialize)]
struct Object<'a> {
    #[serde(flatten)]
    key: &'a ObjectKey,
    file: &'a str,
}

/// The report's JSON, a struct so that the dangerous changes come first in the text too.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Json<'a> {
    base: &'a str,
    head: &'a str,
    changed: bool,
    impact: &'a crate::emit::Impact,
    refused_destroys: &'a [String],
    deletion_gate: Option<serde_json::Value>,
    placements: &'a crate::emit::PlacementChanges,
    objects: serde_json::Value,
}

/// The report as JSON.
pub(crate) fn render(report: &Report) -> String {
    let objects = |list: &[(ObjectKey, RenderedObject)]| -> Vec<serde_json::Value> {
        list.iter()
            .map(|(key, o)| serde_json::to_value(Object { key, file: &o.file }).expect("JSON"))
            .collect()
    };
    let changed: Vec<serde_json::Value> = report
        .objects
        .changed
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(Object {
                key: &c.key,
                file: &c.after.file,
            })
            .expect("JSON");
            v["previousFile"] = json!(c.before.file);
            v["diff"] = json!(changed_diff(c, &report.out));
            v
        })
        .collect();
    let gate = report.gate.as_ref().map(|g| {
        json!({
            "limit": g.limit.to_string(),
            "allowed": g.allowed,
            "deletions": g.deletions.len(),
            "exceeded": g.exceeded(),
            "objects": g.deletions,
        })
    });
    let value = Json {
        base: &report.base,
        head: &report.head,
        changed: !report.is_empty(),
        impact: &report.impact,
        refused_destroys: &report.refused,
        deletion_gate: gate,
        placements: &report.placements,
        objects: json!({
            "added": objects(&report.objects.added),
            "removed": objects(&report.objects.removed),
            "changed": changed,
        }),
    };
    serde_json::to_string_pretty(&value).expect("JSON") + "\n"
}
