//! Placement as set algebra. The clusters' placement labels are indexed once: for every label
//! key, the set of clusters that have it and, per value, the set that has that value. A
//! selector then matches a set of clusters by unions, complements and intersections of those
//! sets, a few machine words per thousand clusters, instead of one map lookup per requirement,
//! app and cluster. The result is exactly [`Selector::matches`] cluster by cluster (a property
//! test checks it).

use std::collections::HashMap;

use crate::model::{Cluster, PlacementRule};
use crate::selector::{Operator, Requirement, Selector};

/// A set of clusters, by index into the fleet's clusters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClusterSet {
    words: Vec<u64>,
    len: usize,
}

impl ClusterSet {
    /// The empty set over `len` clusters.
    pub(crate) fn none(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Every cluster.
    pub(crate) fn all(len: usize) -> Self {
        let mut set = Self::none(len);
        set.words.fill(u64::MAX);
        set.trim();
        set
    }

    /// Clears the bits past `len` in the last word.
    fn trim(&mut self) {
        let used = self.len % 64;
        if used != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << used) - 1;
        }
    }

    pub(crate) fn insert(&mut self, index: usize) {
        self.words[index / 64] |= 1 << (index % 64);
    }

    pub(crate) fn remove(&mut self, index: usize) {
        self.words[index / 64] &= !(1 << (index % 64));
    }

    #[cfg(test)]
    fn contains(&self, index: usize) -> bool {
        self.words[index / 64] & (1 << (index % 64)) != 0
    }

    fn union_with(&mut self, other: &Self) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    fn intersect_with(&mut self, other: &Self) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    fn complement(mut self) -> Self {
        for w in &mut self.words {
            *w = !*w;
        }
        self.trim();
        self
    }

    /// The members, in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(i * 64 + bit)
            })
        })
    }
}

#[derive(Debug)]
struct KeyIndex {
    /// Clusters with the key.
    present: ClusterSet,
    /// Clusters with the key set to each value.
    values: HashMap<String, ClusterSet>,
}

/// The clusters' placement labels, indexed.
#[derive(Debug)]
pub(crate) struct LabelIndex<'c> {
    clusters: &'c [Cluster],
    keys: HashMap<&'c str, KeyIndex>,
}

impl<'c> LabelIndex<'c> {
    /// Indexes the placement labels of `clusters`.
    pub(crate) fn new(clusters: &'c [Cluster]) -> Self {
        let len = clusters.len();
        let mut keys: HashMap<&str, KeyIndex> = HashMap::new();
        for (i, cluster) in clusters.iter().enumerate() {
            for (key, value) in &cluster.placement_labels {
                let entry = keys.entry(key.as_str()).or_insert_with(|| KeyIndex {
                    present: ClusterSet::none(len),
                    values: HashMap::new(),
                });
                entry.present.insert(i);
                entry
                    .values
                    .entry(value.clone())
                    .or_insert_with(|| ClusterSet::none(len))
                    .insert(i);
            }
        }
        Self { clusters, keys }
    }

    fn len(&self) -> usize {
        self.clusters.len()
    }

    /// The clusters with `key` set to one of `values`.
    fn with_values(&self, key: &str, values: &[String]) -> ClusterSet {
        let mut set = ClusterSet::none(self.len());
        if let Some(index) = self.keys.get(key) {
            for value in values {
                if let Some(clusters) = index.values.get(value) {
                    set.union_with(clusters);
                }
            }
        }
        set
    }

    fn present(&self, key: &str) -> ClusterSet {
        self.keys
            .get(key)
            .map_or_else(|| ClusterSet::none(self.len()), |k| k.present.clone())
    }

    /// The clusters one requirement matches.
    fn requirement(&self, r: &Requirement) -> ClusterSet {
        match r.operator() {
            Operator::In => self.with_values(r.key(), r.values()),
            Operator::NotIn => self.with_values(r.key(), r.values()).complement(),
            Operator::Exists => self.present(r.key()),
            Operator::DoesNotExist => self.present(r.key()).complement(),
            // Numeric comparisons (command line only): cluster by cluster.
            Operator::GreaterThan | Operator::LessThan => {
                let mut set = ClusterSet::none(self.len());
                for (i, cluster) in self.clusters.iter().enumerate() {
                    if r.matches(&cluster.placement_labels) {
                        set.insert(i);
                    }
                }
                set
            }
        }
    }

    /// The clusters a selector matches: every requirement's set, intersected.
    pub(crate) fn selector(&self, selector: &Selector) -> ClusterSet {
        let mut set = ClusterSet::all(self.len());
        for r in selector.requirements() {
            set.intersect_with(&self.requirement(r));
        }
        set
    }

    /// The clusters an app lands on (see [`PlacementRule::matches`]): listed in `clusters` or
    /// matched by the selector (an omitted selector matches everything unless `clusters` is
    /// given), and not in `exclude`. `position` finds a cluster by name.
    pub(crate) fn placement(
        &self,
        rule: &PlacementRule,
        position: &dyn Fn(&str) -> Option<usize>,
    ) -> ClusterSet {
        let mut set = match &rule.selector {
            Some(selector) => self.selector(selector),
            None if rule.clusters.is_empty() => ClusterSet::all(self.len()),
            None => ClusterSet::none(self.len()),
        };
        for i in rule.clusters.iter().filter_map(|n| position(n)) {
            set.insert(i);
        }
        for i in rule.exclude.iter().filter_map(|n| position(n)) {
            set.remove(i);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selector::{LabelSelector, LabelSelectorRequirement};
    use proptest::prelude::*;
    use proptest::sample::select;
    use std::collections::BTreeMap;

    fn labels_strategy() -> impl Strategy<Value = BTreeMap<String, String>> {
        proptest::collection::btree_map(
            select(vec!["a", "b", "c", "d"]).prop_map(str::to_owned),
            select(vec!["x", "y", "z", ""]).prop_map(str::to_owned),
            0..4,
        )
    }

    fn requirement_strategy() -> impl Strategy<Value = LabelSelectorRequirement> {
        (
            select(vec!["a", "b", "c", "e"]),
            select(vec!["In", "NotIn", "Exists", "DoesNotExist"]),
            proptest::collection::vec(
                select(vec!["x", "y", "q", ""]).prop_map(str::to_owned),
                1..3,
            ),
        )
            .prop_map(|(key, operator, values)| LabelSelectorRequirement {
                key: key.to_owned(),
                operator: operator.to_owned(),
                values: if operator.contains("Exist") {
                    Vec::new()
                } else {
                    values
                },
            })
    }

    fn cluster(labels: BTreeMap<String, String>) -> Cluster {
        crate::test_fleet::cluster("c", labels)
    }

    proptest! {
        #[test]
        fn the_index_matches_exactly_what_the_selector_matches(
            clusters in proptest::collection::vec(labels_strategy(), 0..80),
            match_labels in proptest::collection::btree_map(
                select(vec!["a", "b"]).prop_map(str::to_owned),
                select(vec!["x", "y"]).prop_map(str::to_owned),
                0..2,
            ),
            expressions in proptest::collection::vec(requirement_strategy(), 0..4),
        ) {
            let selector = Selector::compile(&LabelSelector {
                match_labels,
                match_expressions: expressions,
            })
            .expect("valid selectors");
            let clusters: Vec<Cluster> = clusters.into_iter().map(cluster).collect();
            let index = LabelIndex::new(&clusters);
            let by_index: Vec<usize> = index.selector(&selector).iter().collect();
            let one_by_one: Vec<usize> = clusters
                .iter()
                .enumerate()
                .filter(|(_, c)| selector.matches(&c.placement_labels))
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(by_index, one_by_one);
        }
    }

    #[test]
    fn sets_over_a_partial_last_word() {
        let all = ClusterSet::all(70);
        assert_eq!(all.iter().count(), 70);
        assert_eq!(all.clone().complement().iter().count(), 0);
        let mut some = ClusterSet::none(70);
        some.insert(3);
        some.insert(69);
        assert_eq!(some.iter().collect::<Vec<_>>(), [3, 69]);
        assert_eq!(some.clone().complement().iter().count(), 68);
        assert!(some.contains(69) && !some.contains(68));
    }
}
