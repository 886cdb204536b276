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

fn by_app(side: Side<'_>) -> BTreeMap<&str, BTreeSet<&str>> {
    let Some((fleet, placements)) = side else {
        return BTreeMap::new();
    };
    let mut map: BTreeMap<&str, BTreeSet<&str>> = fleet
        .apps
        .iter()
        .map(|a| (a.name.as_str(), BTreeSet::new()))
        .collect();
    for p in placements {
        map.entry(&fleet.apps[p.app].name)
            .or_default()
            .insert(&fleet.clusters[p.cluster].name);
    }
    map
}

fn added_removed<'a>(
    base: &BTreeSet<&'a str>,
    head: &BTreeSet<&'a str>,
) -> (Vec<String>, Vec<String>) {
    let owned = |s: std::collections::btree_set::Difference<'_, &'a str>| {
        s.map(|x| (*x).to_owned()).collect()
    };
    (owned(head.difference(base)), owned(base.difference(head)))
}

fn cluster_names(side: Side<'_>) -> BTreeSet<&str> {
    side.map(|(f, _)| f.clusters.iter().map(|c| c.name.as_str()).collect())
        .unwrap_or_default()
}

fn app_names(side: Side<'_>) -> BTreeSet<&str> {
    side.map(|(f, _)| f.apps.iter().map(|a| a.name.as_str()).collect())
        .unwrap_or_default()
}

/// Compares the placements of two compiled fleets.
pub fn placement_changes(base: Side<'_>, head: Side<'_>) -> PlacementChanges {
    let (before, after) = (by_app(base), by_app(head));
    let empty = BTreeSet::new();
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
