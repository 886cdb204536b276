//! What a diff renders: for each side, only the files of clusters whose render key differs from
//! their namesake's on the other side (equal keys render equal files, so the rest is skipped),
//! and every hub's files.

use std::collections::HashMap;

use crate::model::digest::Digest;
use crate::render::{OutputTree, RenderErrors, Rendering};

/// The files that can differ between `base` and `head` (`None` for a side without a fleet),
/// rendered for each, with the templates that failed on each side.
pub fn changed_trees(
    base: Option<&Rendering<'_>>,
    head: Option<&Rendering<'_>>,
) -> ((OutputTree, RenderErrors), (OutputTree, RenderErrors)) {
    let (base_keys, head_keys) = (keys(base), keys(head));
    rayon::join(
        || render_changed(base, &head_keys),
        || render_changed(head, &base_keys),
    )
}

/// Each cluster's render key, by name.
fn keys(rendering: Option<&Rendering<'_>>) -> HashMap<String, Digest> {
    let Some(r) = rendering else {
        return HashMap::new();
    };
    r.fleet()
        .clusters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.clone(), r.key(i)))
        .collect()
}

/// The files of the clusters of `rendering` whose key differs from `other`'s, and the hubs'.
fn render_changed(
    rendering: Option<&Rendering<'_>>,
    other: &HashMap<String, Digest>,
) -> (OutputTree, RenderErrors) {
    let Some(r) = rendering else {
        return (OutputTree::default(), RenderErrors::default());
    };
    let clusters = &r.fleet().clusters;
    let changed: Vec<usize> = (0..r.len())
        .filter(|&i| other.get(&clusters[i].name) != Some(&r.key(i)))
        .collect();
    let (rendered, errors) = r.render_clusters(&changed);
    let mut tree: OutputTree = rendered.into_iter().flat_map(|(_, files)| files).collect();
    let all: Vec<String> = (0..r.len()).flat_map(|i| r.paths(i)).collect();
    tree.extend(r.hub_files(all.iter().map(String::as_str)));
    (tree, errors)
}
