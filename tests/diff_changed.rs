//! Issue 14: `diff` renders, in each revision, only the clusters whose render key differs from
//! their namesake's in the other (plus every hub's files). For revisions that differ in an app,
//! a cluster, a cluster template, the Fleet's defaults, and in the clusters themselves (one
//! added, one removed), that diff is exactly the diff of the two full renders. And it compiles
//! the two revisions as a pair, checking and resolving once what they share: each side of the
//! pair is exactly what compiling it alone gives.

mod support;

use std::fs;
use std::path::Path;

use fleetc::emit::{changed_trees, diff};
use fleetc::{Options, compile, compile_pair};
use support::changes;
use support::fleet::{NOW, edit, example_copy};

fn compiled(dir: &Path) -> fleetc::Compilation {
    compile(sources(dir), &options())
}

fn sources(dir: &Path) -> fleetc::source::Sources {
    fleetc::source::worktree(&dir.join("fleet"), "fleet").expect("the fleet")
}

fn options() -> Options {
    Options {
        now: NOW.parse().expect("a time"),
    }
}

/// Everything a compilation holds that later stages read: its findings, its fleet (with where
/// each cluster, app and team came from, by file number) and its placements.
fn summary(c: &fleetc::Compilation) -> String {
    format!("{:#?}\n{:#?}\n{:#?}", c.diagnostics, c.fleet, c.placements)
}

/// The two sides, compiled as a pair, are what each compiles to alone.
fn assert_pair_compiles_alone(base: &Path, head: &Path, what: &str) {
    let (pair_base, pair_head) = compile_pair(sources(base), sources(head), &options());
    assert_eq!(
        summary(&pair_base),
        summary(&compiled(base)),
        "{what}: base"
    );
    assert_eq!(
        summary(&pair_head),
        summary(&compiled(head)),
        "{what}: head"
    );
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

/// The pair shares the checks and clusters of the documents both sides have; with every kind of
/// change, including files added and removed (which renumber the files after them, so a shared
/// cluster's origin differs between the sides), each side is what it compiles to alone.
#[test]
fn each_side_of_a_pair_compiles_as_it_would_alone() {
    let base_dir = example_copy();
    let renamed: (&str, Change) = ("a cluster file renamed", |d| {
        let clusters = d.join("fleet/clusters");
        fs::rename(
            clusters.join("dev-eu-aws-1.yaml"),
            clusters.join("zz-dev-eu-aws-1.yaml"),
        )
        .unwrap();
    });
    let changes = CHANGES.iter().map(|(what, change, _)| (*what, *change));
    for (what, change) in changes.chain([renamed]) {
        let head_dir = example_copy();
        change(head_dir.path());
        assert_pair_compiles_alone(base_dir.path(), head_dir.path(), what);
        // The other way round: what the base has, the head lacks.
        assert_pair_compiles_alone(head_dir.path(), base_dir.path(), what);
    }
}

/// Findings are shared too: documents both sides hold that the schema rejects in part, that
/// name a template that does not exist, whose cluster names a hub that does not exist, or that
/// declare a cluster another file declares too, are reported on each side as if it were
/// compiled alone, whatever else changed.
#[test]
fn a_pair_with_broken_documents_reports_each_side_as_alone() {
    let base_dir = example_copy();
    let broken = |d: &Path| {
        let clusters = d.join("fleet/clusters");
        for (file, from, to) in [
            ("prod-eu-aws-1.yaml", "hub: hub-eu", "hub: hub-nowhere"),
            (
                "prod-us-aws-1.yaml",
                "environment: prod\n",
                "environment: [prod]\n",
            ),
            (
                "dev-us-aws-1.yaml",
                "\n  template: eks-dev-v2\n",
                "\n  template: eks-dev-v9\n",
            ),
            (
                "dev-eu-aws-1.yaml",
                "\n  hub: hub-eu\n",
                "\n  hub: [hub-eu]\n",
            ),
        ] {
            edit(&clusters.join(file), from, to);
        }
        // The same cluster twice: one name, two documents, each resolved.
        fs::copy(
            clusters.join("onprem-eu-1.yaml"),
            clusters.join("onprem-eu-1-copy.yaml"),
        )
        .unwrap();
    };
    broken(base_dir.path());
    let base = compiled(base_dir.path());
    for code in [
        "unknown-hub",
        "unknown-template",
        "wrong-type",
        "duplicate-name",
    ] {
        assert!(
            base.diagnostics.iter().any(|d| d.code.as_str() == code),
            "the broken fleet reports {code}: {:#?}",
            base.diagnostics
        );
    }
    for (what, change, _) in CHANGES {
        let head_dir = example_copy();
        broken(head_dir.path());
        change(head_dir.path());
        assert_pair_compiles_alone(base_dir.path(), head_dir.path(), what);
    }
}
