//! Issue 14: `diff` renders, in each revision, only the clusters whose render key differs from
//! their namesake's in the other (plus every hub's files). For revisions that differ in an app,
//! a cluster, a cluster template, the Fleet's defaults, and in the clusters themselves (one
//! added, one removed), that diff is exactly the diff of the two full renders.

mod support;

use std::fs;
use std::path::Path;

use fleetc::emit::{changed_trees, diff};
use fleetc::{Options, compile};
use support::changes;
use support::fleet::{NOW, edit, example_copy};

fn compiled(dir: &Path) -> fleetc::Compilation {
    let sources = fleetc::source::worktree(&dir.join("fleet"), "fleet").expect("the fleet");
    compile(
        sources,
        &Options {
            now: NOW.parse().expect("a time"),
        },
    )
}

type Change = fn(&Path);

/// Each change, and whether it leaves some clusters' inputs as they were (a Fleet default is
/// every cluster's).
const CHANGES: [(&str, Change, bool); 6] = [
    ("an app's values", changes::app_values, true),
    (
        "a cluster's labels",
        |d| {
            edit(
                &d.join("fleet/clusters/prod-eu-aws-1.yaml"),
                "tier: critical",
                "tier: standard",
            );
        },
        true,
    ),
    ("a cluster template", changes::cluster_template, true),
    ("a Fleet default", changes::fleet_default, false),
    (
        "a cluster added",
        |d| {
            let cluster = fs::read_to_string(d.join("fleet/clusters/dev-us-aws-1.yaml")).unwrap();
            fs::write(
                d.join("fleet/clusters/dev-us-aws-2.yaml"),
                cluster.replace("name: dev-us-aws-1\n", "name: dev-us-aws-2\n"),
            )
            .unwrap();
        },
        true,
    ),
    (
        "a cluster removed",
        |d| {
            fs::remove_file(d.join("fleet/clusters/staging-eu-aws-1.yaml")).unwrap();
        },
        true,
    ),
];

#[test]
fn the_diff_of_the_changed_clusters_is_the_diff_of_the_full_renders() {
    let base_dir = example_copy();
    let base = compiled(base_dir.path());
    let base_rendering = base.rendering(0).expect("the example renders");
    let (base_full, _) = base_rendering.render_all();
    for (what, change, partial) in CHANGES {
        let head_dir = example_copy();
        change(head_dir.path());
        let head = compiled(head_dir.path());
        let head_rendering = head.rendering(0).expect("the changed example renders");
        let ((base_changed, _), (head_changed, _)) =
            changed_trees(Some(&base_rendering), Some(&head_rendering));
        let (head_full, _) = head_rendering.render_all();
        let full = diff(&base_full, &head_full);
        assert!(!full.is_empty(), "{what}: the change shows");
        assert_eq!(
            base_changed.len() < base_full.len() && head_changed.len() < head_full.len(),
            partial,
            "{what}: only the changed clusters are rendered"
        );
        assert_eq!(diff(&base_changed, &head_changed), full, "{what}");
    }
}
