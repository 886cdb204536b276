//! Rollout stages (`spec.stages`) partition an app's placements: every cluster the app lands on
//! is in exactly one stage. A cluster no stage holds, or one that two stages hold, is an error
//! naming the clusters, at the stages or at the later stage's selector.

use std::collections::BTreeMap;

use super::Placement;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Pointer, Target};
use crate::model::{App, Fleet};

/// How many clusters a finding names before it counts the rest.
const NAMED: usize = 5;

fn names(clusters: &[&str]) -> String {
    let shown: Vec<String> = clusters
        .iter()
        .take(NAMED)
        .map(|c| format!("`{c}`"))
        .collect();
    match clusters.len().saturating_sub(NAMED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The findings for an app's placements that its stages leave out or share.
pub(super) fn check(
    fleet: &Fleet,
    app: &App,
    placements: &[Placement],
    files: &Files,
) -> Vec<Diagnostic> {
    if app.stages.is_empty() {
        return Vec::new();
    }
    let mut unstaged: Vec<&str> = Vec::new();
    let mut shared: BTreeMap<(usize, usize), Vec<&str>> = BTreeMap::new();
    for p in placements {
        let cluster = &fleet.clusters[p.cluster];
        let stages: Vec<usize> = app
            .stages_of(&cluster.placement_labels)
            .map(|(i, _)| i)
            .collect();
        match stages.as_slice() {
            [] => unstaged.push(&cluster.name),
            [_] => {}
            [first, second, ..] => shared
                .entry((*first, *second))
                .or_default()
                .push(&cluster.name),
        }
    }
    let mut found = Vec::new();
    if !unstaged.is_empty() {
        found.push(
            Diagnostic::error(
                Code::Stage,
                format!(
                    "app `{}` lands on {} that no stage holds: every cluster it lands on must be in exactly one stage",
                    app.name,
                    names(&unstaged)
                ),
                Some(files.locate(app.at, &Pointer::parse("/spec/stages"), Target::Key)),
            )
            .with_help("widen a stage's selector to hold them, or add a stage for them"),
        );
    }
    for ((first, second), clusters) in shared {
        let (a, b) = (&app.stages[first].name, &app.stages[second].name);
        found.push(
            Diagnostic::error(
                Code::Stage,
                format!(
                    "stages `{a}` and `{b}` of app `{}` both hold {}: a cluster is in exactly one stage",
                    app.name,
                    names(&clusters)
                ),
                Some(files.locate(
                    app.at,
                    &Pointer::parse("/spec/stages").index(second).key("selector"),
                    Target::Key,
                )),
            )
            .with_help(
                "make the stages' selectors exclusive, so that each cluster matches one: give one of \
                 them a requirement the other's clusters fail (`NotIn`, `DoesNotExist`)",
            ),
        );
    }
    found
}
