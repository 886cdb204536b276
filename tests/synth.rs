//! The synthetic fleet generator of the benchmarks (`examples/synth.rs`) writes what issue 5 asks
//! of it: the same bytes for the same sizes, a fleet fleetc accepts, apps that each land on
//! about 30% of the clusters through selectors that together use every operator, over several
//! hubs and providers.

mod support;

#[allow(
    dead_code,
    reason = "the example's command-line entry point is not used here"
)]
#[path = "../examples/synth.rs"]
mod synth;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use support::fleet::{fleetc, snapshot};

const CLUSTERS: usize = 400;
const APPS: usize = 16;

fn generate(dir: &Path, seed: u64) {
    synth::run(&synth::Args {
        clusters: CLUSTERS,
        apps: APPS,
        hubs: None,
        seed,
        dir: dir.to_path_buf(),
    })
    .expect("synth writes the fleet");
}

#[test]
fn the_same_sizes_and_seed_write_the_same_bytes() {
    let (a, b, c) = (tempdir(), tempdir(), tempdir());
    generate(a.path(), synth::DEFAULT_SEED);
    generate(b.path(), synth::DEFAULT_SEED);
    generate(c.path(), synth::DEFAULT_SEED + 1);
    let first = snapshot(&a.path().join("fleet"));
    assert_eq!(first.len(), 1 + 6 + CLUSTERS + APPS, "{:?}", first.keys());
    assert_eq!(first, snapshot(&b.path().join("fleet")));
    assert_ne!(
        first,
        snapshot(&c.path().join("fleet")),
        "another seed, another fleet"
    );
    assert!(
        snapshot(&a.path().join("out")).is_empty(),
        "out/ starts empty"
    );
}

#[test]
fn the_fleet_is_valid_and_each_app_lands_on_about_30_percent() {
    let dir = tempdir();
    generate(dir.path(), synth::DEFAULT_SEED);
    fleetc(dir.path(), &["validate"]).expect_code(0);

    let clusters = fleetc(dir.path(), &["ls", "clusters", "--format", "json"])
        .expect_code(0)
        .json();
    let clusters = clusters.as_array().expect("an array");
    assert_eq!(clusters.len(), CLUSTERS);
    let distinct = |field: &str| {
        clusters
            .iter()
            .filter_map(|c| c.pointer(field).and_then(Value::as_str))
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    assert!(distinct("/hub") >= 2, "clusters over two or more hubs");
    assert!(
        distinct("/labels/provider") >= 4,
        "clusters over the providers"
    );

    let placements = fleetc(dir.path(), &["ls", "placements", "--format", "json"])
        .expect_code(0)
        .json();
    let mut per_app: BTreeMap<&str, usize> = BTreeMap::new();
    for p in placements.as_array().expect("an array") {
        *per_app
            .entry(p["app"].as_str().expect("an app name"))
            .or_default() += 1;
    }
    assert_eq!(per_app.len(), APPS, "every app is placed: {per_app:?}");
    for (app, count) in per_app {
        // Between 25% and 35%.
        assert!(
            4 * count >= CLUSTERS && 20 * count <= 7 * CLUSTERS,
            "{app} lands on {count} of {CLUSTERS} clusters"
        );
    }

    let mut selectors = String::new();
    for (path, bytes) in snapshot(&dir.path().join("fleet/apps")) {
        let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{path} is text"));
        selectors.push_str(&text);
    }
    for operator in ["In", "NotIn", "Exists", "DoesNotExist"] {
        assert!(
            selectors.contains(&format!("operator: {operator},"))
                || selectors.contains(&format!("operator: {operator}}}")),
            "no app uses operator {operator}"
        );
    }
    assert!(
        selectors.contains("matchLabels:"),
        "no app uses matchLabels"
    );
    assert!(
        selectors.contains("{{ cluster."),
        "values template the cluster"
    );
    assert!(selectors.contains("overrides:"), "apps have overrides");
}

#[test]
fn the_rendered_fleet_checks_clean() {
    let dir = tempdir();
    generate(dir.path(), synth::DEFAULT_SEED);
    fleetc(dir.path(), &["render"]).expect_code(0);
    fleetc(dir.path(), &["check"]).expect_code(0);
    assert!(
        snapshot(&dir.path().join("out")).len() > CLUSTERS,
        "a file per cluster, and more"
    );
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}
