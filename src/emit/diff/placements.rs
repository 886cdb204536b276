//! What a change does to the fleet's shape: per app, the clusters it gains and loses; the
//! clusters and apps added and removed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::Fleet;
use crate::place::Placement;

/// The clusters one app gains and loses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppChange {
    pub app: String,
    pub gained: Vec<String>,
    pub lost: Vec<String>,
}

/// How placements differ between a base fleet and a head fleet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlacementChanges {
    /// Only apps whose clusters changed, by app name.
    pub apps: Vec<AppChange>,
    pub clusters_added: Vec<String>,
    pub clusters_removed: Vec<String>,
    pub apps_added: Vec<String>,
    pub apps_removed: Vec<String>,
}

impl PlacementChanges {
    /// Whether nothing moved.
    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
            && self.clusters_added.is_empty()
            && self.clusters_removed.is_empty()
            && self.apps_added.is_empty()
            && self.apps_removed.is_empty()
    }
}

/// A compiled fleet and its placements; `None` where a revision has no fleet yet.
pub type Side<'a> = Option<(&'a Fleet, &'a [Placement])>;

fn by_app(side: Side<'_>) -> BTreeMap<&str, Vec<&str>> {
    let Some((fleet, placements)) = side else {
        return BTreeMap::new();
    };
    // Placements come sorted by app, then cluster; collect each app's run, then make sure.
    let mut runs: Vec<Vec<&str>> = vec![Vec::new(); fleet.apps.len()];
    for p in placements {
        runs[p.app].push(&fleet.clusters[p.cluster].name);
    }
    fleet
        .apps
        .iter()
        .zip(runs)
        .map(|(app, mut clusters)| {
            clusters.sort_unstable();
            clusters.dedup();
            (app.name.as_str(), clusters)
        })
        .collect()
}

/// What `head` has that `base` has not, and the other way round (both sorted).
fn added_removed<'a>(base: &[&'a str], head: &[&'a str]) -> (Vec<String>, Vec<String>) {
    let (mut gained, mut lost) = (Vec::new(), Vec::new());
    let (mut b, mut h) = (base.iter().peekable(), head.iter().peekable());
    loop {
        match (b.peek(), h.peek()) {
            (Some(x), Some(y)) if x == y => {
                b.next();
                h.next();
            }
            (Some(x), Some(y)) if x < y => lost.push((*b.next().expect("peeked")).to_owned()),
            (Some(_) | None, Some(_)) => {
                gained.push((*h.next().expect("peeked")).to_owned());
            }
            (Some(_), None) => lost.push((*b.next().expect("peeked")).to_owned()),
            (None, None) => return (gained, lost),
        }
    }
}

/// The names of a side's clusters or apps (`pick`), sorted.
fn names<'a>(side: Side<'a>, pick: impl Fn(&'a Fleet) -> Vec<&'a str>) -> Vec<&'a str> {
    let mut names = side.map(|(f, _)| pick(f)).unwrap_or_default();
    names.sort_unstable();
    names
}

fn cluster_names(side: Side<'_>) -> Vec<&str> {
    names(side, |f| {
        f.clusters.iter().map(|c| c.name.as_str()).collect()
    })
}

fn app_names(side: Side<'_>) -> Vec<&str> {
    names(side, |f| f.apps.iter().map(|a| a.name.as_str()).collect())
}

/// Compares the placements of two compiled fleets.
pub fn placement_changes(base: Side<'_>, head: Side<'_>) -> PlacementChanges {
    let (before, after) = rayon::join(|| by_app(base), || by_app(head));
    let empty = Vec::new();
    let names: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    let apps = names
        .into_iter()
        .filter_map(|app| {
            let (gained, lost) = added_removed(
                before.get(app).unwrap_or(&empty),
                after.get(app).unwrap_or(&empty),
            );
            (!gained.is_empty() || !lost.is_empty()).then(|| AppChange {
                app: app.to_owned(),
                gained,
                lost,
            })
        })
        .collect();
    let (clusters_added, clusters_removed) =
        added_removed(&cluster_names(base), &cluster_names(head));
    let (apps_added, apps_removed) = added_removed(&app_names(base), &app_names(head));
    PlacementChanges {
        apps,
        clusters_added,
        clusters_removed,
        apps_added,
        apps_removed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The walk over two sorted runs finds what set differences find.
        #[test]
        fn added_removed_is_the_set_differences(
            base in proptest::collection::btree_set("[a-e]{1,2}", 0..12),
            head in proptest::collection::btree_set("[a-e]{1,2}", 0..12),
        ) {
            let b: Vec<&str> = base.iter().map(String::as_str).collect();
            let h: Vec<&str> = head.iter().map(String::as_str).collect();
            let (gained, lost) = added_removed(&b, &h);
            proptest::prop_assert_eq!(gained, head.difference(&base).cloned().collect::<Vec<_>>());
            proptest::prop_assert_eq!(lost, base.difference(&head).cloned().collect::<Vec<_>>());
        }
    }
}
