//! The render cache: kept in the git directory, never trusted blindly. A cached cluster's files
//! are still compared with `out/` by digest, so a hand-edited file is caught; a changed fleet
//! changes the keys; a broken cache only costs time.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use support::fleet::{Run, edit, example_copy, example_repo, fleetc, git, snapshot};

/// A committed copy of the example in a git repository, `out/` current.
fn repo() -> tempfile::TempDir {
    example_repo()
}

/// The render cache files in the repository's git directory (beside them, `check` keeps its
/// last verdict: `tests/check_verdict.rs`).
fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir.join(".git/fleetc")) else {
        return Vec::new();
    };
    entries
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("render-"))
        })
        .collect()
}

fn stale(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("stale"))
        .map(|l| l.trim().to_owned())
        .collect()
}

#[test]
fn check_and_render_keep_their_cache_in_the_git_directory_only() {
    let dir = repo();
    fleetc(dir.path(), &["check"]).expect_code(0);
    assert_eq!(cache_files(dir.path()).len(), 1, "one cache file for out/");
    fleetc(dir.path(), &["render"]).expect_code(0);
    assert_eq!(
        git(dir.path(), &["status", "--porcelain"]),
        "",
        "nothing new in the work tree"
    );
}

#[test]
fn a_hand_edited_file_is_caught_although_its_cluster_is_cached() {
    let dir = repo();
    fleetc(dir.path(), &["check"]).expect_code(0);
    let file = dir
        .path()
        .join("out/hubs/hub-eu/clusters/prod-eu-aws-1.yaml");
    let committed = fs::read(&file).unwrap();
    edit(
        &file,
        "  name: cluster-prod-eu-aws-1\n  namespace",
        "  name: cluster-prod-eu-aws-9\n  namespace",
    );
    let run = fleetc(dir.path(), &["check"]);
    run.expect_code(1);
    assert_eq!(stale(&run), ["out/hubs/hub-eu/clusters/prod-eu-aws-1.yaml"]);
    let render = fleetc(dir.path(), &["render"]);
    render.expect_code(0);
    assert!(render.stderr.contains("1 written"), "{}", render.stderr);
    assert_eq!(
        fs::read(&file).unwrap(),
        committed,
        "render restores the file"
    );
}

#[test]
fn a_fleet_change_changes_the_keys_of_exactly_the_clusters_it_touches() {
    let dir = repo();
    fleetc(dir.path(), &["render"]).expect_code(0);
    // cert-manager's override applies to `tier: critical` clusters (see tests/review.rs).
    edit(
        &dir.path().join("fleet/apps/cert-manager.yaml"),
        "replicaCount: 2\n        podDisruptionBudget",
        "replicaCount: 3\n        podDisruptionBudget",
    );
    let cached = fleetc(dir.path(), &["check"]);
    let uncached = fleetc(dir.path(), &["--no-cache", "check"]);
    cached.expect_code(1);
    uncached.expect_code(1);
    assert_eq!(stale(&cached), stale(&uncached));
    assert_eq!(stale(&cached).len(), 8, "{}", cached.stderr);
}

#[test]
fn a_broken_cache_only_costs_time() {
    let dir = repo();
    fleetc(dir.path(), &["render"]).expect_code(0);
    for cache in cache_files(dir.path()) {
        fs::write(&cache, b"{ not json").unwrap();
    }
    fleetc(dir.path(), &["check"]).expect_code(0);
    // A cache that lies (every digest wrong) makes check render those clusters' files again.
    fleetc(dir.path(), &["render"]).expect_code(0);
    for cache in cache_files(dir.path()) {
        let mut stored: serde_json::Value =
            serde_json::from_slice(&fs::read(&cache).unwrap()).unwrap();
        for unit in stored["units"].as_array_mut().unwrap() {
            for file in unit[1].as_array_mut().unwrap() {
                file[1] = serde_json::json!("0".repeat(32));
            }
        }
        fs::write(&cache, serde_json::to_vec(&stored).unwrap()).unwrap();
    }
    let before = snapshot(&dir.path().join("out"));
    fleetc(dir.path(), &["render"]).expect_code(0);
    assert_eq!(snapshot(&dir.path().join("out")), before);
    fleetc(dir.path(), &["check"]).expect_code(0);
}

#[test]
fn outside_a_git_repository_there_is_no_cache_and_all_still_works() {
    let dir = example_copy();
    fleetc(dir.path(), &["check"]).expect_code(0);
    fleetc(dir.path(), &["render"]).expect_code(0);
    assert!(!dir.path().join(".git").exists());
}
