//! Spread placement (`placement.spread`): of the clusters an app's selector matches, a number
//! per value of a label key. Within each value's group the clusters are ranked: those matching
//! `prefer` first, then by a score of the app's and the cluster's names, highest first
//! (rendezvous hashing), then by name. The first `count` are chosen.
//!
//! The choice depends only on the app's name and the clusters' names and labels, never on
//! file order or threads. A cluster that joins a group either ranks within the first `count`,
//! and pushes out exactly one, or does not, and changes nothing; a cluster that leaves lets in
//! at most one: the fewest placements a change of one cluster can move.

use std::collections::BTreeMap;

use crate::model::{Cluster, Spread};

/// A cluster's score for an app: a hash of both names.
fn score(app: &str, cluster: &str) -> u64 {
    let mut text = Vec::with_capacity(app.len() + cluster.len() + 1);
    text.extend_from_slice(app.as_bytes());
    text.push(0);
    text.extend_from_slice(cluster.as_bytes());
    xxhash_rust::xxh3::xxh3_64(&text)
}

/// Where a candidate cluster stands in its group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The cluster's value of the key (`None`: it lacks the label and is in no group).
    pub value: Option<String>,
    /// Its rank in the group, from 1.
    pub rank: usize,
    /// How many candidates the group holds.
    pub of: usize,
    /// Whether it matches `prefer`.
    pub preferred: bool,
    /// Whether it is among the first `count`.
    pub chosen: bool,
}

/// Each candidate's standing, by cluster index (`candidates` are indices into `clusters`).
pub fn standings(
    app: &str,
    spread: &Spread,
    clusters: &[Cluster],
    candidates: impl IntoIterator<Item = usize>,
) -> BTreeMap<usize, Standing> {
    let mut groups: BTreeMap<&str, Vec<(bool, u64, &str, usize)>> = BTreeMap::new();
    let mut standings = BTreeMap::new();
    for i in candidates {
        let cluster = &clusters[i];
        let preferred = spread
            .prefer
            .as_ref()
            .is_some_and(|p| p.matches(&cluster.placement_labels));
        match cluster.placement_labels.get(&spread.key) {
            Some(value) => groups.entry(value).or_default().push((
                preferred,
                score(app, &cluster.name),
                &cluster.name,
                i,
            )),
            None => {
                standings.insert(
                    i,
                    Standing {
                        value: None,
                        rank: 0,
                        of: 0,
                        preferred,
                        chosen: false,
                    },
                );
            }
        }
    }
    for (value, mut members) in groups {
        members.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        let of = members.len();
        for (rank, (preferred, _, _, i)) in members.into_iter().enumerate() {
            standings.insert(
                i,
                Standing {
                    value: Some(value.to_owned()),
                    rank: rank + 1,
                    of,
                    preferred,
                    chosen: rank < spread.count,
                },
            );
        }
    }
    standings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selector::{LabelSelector, Selector};

    fn cluster(name: &str, labels: &[(&str, &str)]) -> Cluster {
        crate::test_fleet::cluster(
            name,
            labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    fn spread(count: usize, prefer: Option<(&str, &str)>) -> Spread {
        Spread {
            key: "region".into(),
            count,
            prefer: prefer.map(|(k, v)| {
                Selector::compile(&LabelSelector {
                    match_labels: [(k.to_owned(), v.to_owned())].into(),
                    match_expressions: Vec::new(),
                })
                .expect("a selector")
            }),
        }
    }

    fn chosen(app: &str, s: &Spread, clusters: &[Cluster]) -> Vec<String> {
        standings(app, s, clusters, 0..clusters.len())
            .into_iter()
            .filter(|(_, st)| st.chosen)
            .map(|(i, _)| clusters[i].name.clone())
            .collect()
    }

    fn fleet(n: usize) -> Vec<Cluster> {
        let mut clusters: Vec<Cluster> = (0..n)
            .map(|i| {
                let tier = if i % 3 == 0 { "standard" } else { "critical" };
                cluster(
                    &format!("c{i:04}"),
                    &[("region", ["eu", "us", "ap"][(i / 3) % 3]), ("tier", tier)],
                )
            })
            .collect();
        clusters.push(cluster("no-region", &[("tier", "standard")]));
        clusters.sort_by(|a, b| a.name.cmp(&b.name));
        clusters
    }

    #[test]
    fn count_per_value_preferred_first_and_none_without_the_key() {
        let clusters = fleet(30);
        let s = spread(2, Some(("tier", "standard")));
        let st = standings("app", &s, &clusters, 0..clusters.len());
        let mut per_value: BTreeMap<Option<String>, usize> = BTreeMap::new();
        for standing in st.values().filter(|s| s.chosen) {
            *per_value.entry(standing.value.clone()).or_default() += 1;
            assert!(
                standing.preferred,
                "each region has standard clusters to prefer"
            );
        }
        assert_eq!(
            per_value.values().copied().collect::<Vec<_>>(),
            [2, 2, 2],
            "{per_value:?}"
        );
        assert!(!per_value.contains_key(&None));
        let lacking = clusters.iter().position(|c| c.name == "no-region").unwrap();
        assert!(!st[&lacking].chosen);
    }

    #[test]
    fn the_choice_does_not_depend_on_the_order_of_the_candidates() {
        let clusters = fleet(40);
        let s = spread(3, None);
        let forward = standings("app", &s, &clusters, 0..clusters.len());
        let backward = standings("app", &s, &clusters, (0..clusters.len()).rev());
        assert_eq!(forward, backward);
    }

    /// Adding one cluster to a fleet of 1,000 moves at most one placement of its group (the new
    /// cluster in, one out), and removing one lets in at most one; other groups do not move.
    #[test]
    fn one_cluster_more_or_less_moves_the_fewest_placements() {
        let clusters = fleet(1000);
        for prefer in [None, Some(("tier", "standard"))] {
            let s = spread(5, prefer);
            let before: std::collections::BTreeSet<String> =
                chosen("app", &s, &clusters).into_iter().collect();
            for (i, added) in [("zzz-new", "eu"), ("a-new", "us"), ("m-new", "ap")]
                .into_iter()
                .enumerate()
            {
                let mut more = clusters.clone();
                more.push(cluster(
                    added.0,
                    &[("region", added.1), ("tier", "standard")],
                ));
                more.sort_by(|a, b| a.name.cmp(&b.name));
                let after: std::collections::BTreeSet<String> =
                    chosen("app", &s, &more).into_iter().collect();
                let gained = after.difference(&before).count();
                let lost = before.difference(&after).count();
                assert!(
                    gained <= 1 && lost <= 1 && gained == lost,
                    "{i}: +{gained} -{lost}"
                );
                assert!(gained == 0 || after.contains(added.0));
            }
            for removed in before.iter().take(3) {
                let fewer: Vec<Cluster> = clusters
                    .iter()
                    .filter(|c| &c.name != removed)
                    .cloned()
                    .collect();
                let after: std::collections::BTreeSet<String> =
                    chosen("app", &s, &fewer).into_iter().collect();
                assert_eq!(before.difference(&after).collect::<Vec<_>>(), [removed]);
                assert_eq!(after.difference(&before).count(), 1, "one takes its place");
            }
        }
    }
}
