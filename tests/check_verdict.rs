//! Issue 14: `check` with nothing changed is answered from the verdict it gave last time (kept
//! in the git directory with a snapshot of the fleet folder and out/), and that answer is never
//! given over a change. For every kind of change (a fleet file edited, added, removed or
//! renamed; a cluster template or a Fleet default changed; out/ edited by hand, added to or
//! removed from), the cached `check` answers exactly as `check --no-cache`, both when the files
//! were just written (racy: their content is compared) and when they are old (their times are).

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::changes;
use support::fleet::{Run, edit, example_repo, fleetc};

/// The verdict file of the repository's out/.
fn verdict(dir: &Path) -> PathBuf {
    fs::read_dir(dir.join(".git/fleetc"))
        .expect("the cache folder")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("check-"))
        })
        .expect("a check verdict")
}

/// What a run answered: its exit code and everything it printed.
fn answer(run: &Run) -> (Option<i32>, String, String) {
    (run.code, run.stdout.clone(), run.stderr.clone())
}

/// Gives every file of the fleet and out/ a modification time long past, so that no file is
/// racy and the snapshot's times alone decide.
fn backdate(dir: &Path) {
    let status = Command::new("find")
        .args([
            "fleet",
            "out",
            "-type",
            "f",
            "-exec",
            "touch",
            "-d",
            "2020-01-01T00:00:00Z",
            "{}",
            "+",
        ])
        .current_dir(dir)
        .status()
        .expect("find and touch run");
    assert!(status.success());
}

type Change = fn(&Path);

/// Every kind of change, each with whether it changes the answer.
const CHANGES: [(&str, Change, bool); 10] = [
    ("a fleet file edited, same size", changes::app_values, true),
    ("a fleet file added", changes::app_added, true),
    ("a fleet file removed", changes::app_removed, true),
    (
        "a fleet file renamed",
        |d| {
            fs::rename(
                d.join("fleet/apps/guestbook.yaml"),
                d.join("fleet/apps/guestbook-renamed.yaml"),
            )
            .unwrap();
        },
        false,
    ),
    (
        "a cluster template changed",
        changes::cluster_template,
        true,
    ),
    ("a Fleet default changed", changes::fleet_default, true),
    (
        "an out/ file edited by hand, same size",
        |d| {
            edit(
                &d.join("out/hubs/hub-eu/clusters/prod-eu-aws-1.yaml"),
                "  name: cluster-prod-eu-aws-1\n  namespace",
                "  name: cluster-prod-eu-aws-9\n  namespace",
            );
        },
        true,
    ),
    (
        "an out/ file removed",
        |d| {
            fs::remove_file(d.join("out/hubs/hub-eu/clusters/prod-eu-aws-1.yaml")).unwrap();
        },
        true,
    ),
    (
        "a file written into out/",
        |d| {
            fs::write(d.join("out/hubs/hub-eu/notes.yaml"), "a: 1\n").unwrap();
        },
        true,
    ),
    (
        "an empty folder made in out/",
        |d| {
            fs::create_dir(d.join("out/hubs/hub-eu/empty")).unwrap();
        },
        false,
    ),
];

#[test]
fn after_any_change_the_cached_check_answers_as_an_uncached_one() {
    for old in [false, true] {
        for (what, change, changes_the_answer) in CHANGES {
            let repo = example_repo();
            let dir = repo.path();
            if old {
                backdate(dir);
            }
            let first = fleetc(dir, &["check"]);
            first.expect_code(0);
            assert!(verdict(dir).exists(), "{what}: the verdict is kept");
            change(dir);
            let cached = answer(&fleetc(dir, &["check"]));
            let uncached = answer(&fleetc(dir, &["check", "--no-cache"]));
            assert_eq!(cached, uncached, "{what} (old files: {old})");
            assert_eq!(
                cached != answer(&first),
                changes_the_answer,
                "{what} (old files: {old}): {cached:?}"
            );
        }
    }
}

/// An edit that keeps a file's size and modification time is still seen, by its change time
/// (which no tool can set back), on a file too old to be racy.
#[test]
fn an_edit_that_restores_the_modification_time_is_still_seen() {
    let repo = example_repo();
    let dir = repo.path();
    backdate(dir);
    fleetc(dir, &["check"]).expect_code(0);
    CHANGES[0].1(dir);
    backdate(dir);
    let cached = answer(&fleetc(dir, &["check"]));
    assert_eq!(cached, answer(&fleetc(dir, &["check", "--no-cache"])));
    assert_eq!(cached.0, Some(1), "{cached:?}");
}

/// The verdict is given as it was kept, without compiling: a kept answer altered by hand is
/// what `check` prints, and `--no-cache` works the answer out instead.
#[test]
fn an_unchanged_repository_is_answered_from_the_kept_verdict() {
    let repo = example_repo();
    let dir = repo.path();
    let first = fleetc(dir, &["check"]);
    first.expect_code(0);
    let again = fleetc(dir, &["check"]);
    assert_eq!(answer(&again), answer(&first));
    let file = verdict(dir);
    let mut kept: serde_json::Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    kept["verdict"]["stderr"] = "as kept\n".into();
    fs::write(&file, serde_json::to_vec(&kept).unwrap()).unwrap();
    assert_eq!(fleetc(dir, &["check"]).stderr, "as kept\n");
    assert_eq!(fleetc(dir, &["check", "--no-cache"]).stderr, first.stderr);
    // Another way of asking is another answer: the format and the build are part of its key.
    let json = fleetc(dir, &["check", "--format", "json"]);
    json.expect_code(0);
    assert_eq!(json.stdout, "[]\n");
}

/// An answer that speaks of an expiry relative to now is never kept; one given while every
/// expiry is more than a week away holds only until the first comes within that week.
#[test]
fn no_verdict_is_given_once_an_expiry_is_near() {
    let repo = example_repo();
    let dir = repo.path();
    // dev-eu-vcluster-1 expires at 2036-06-30T18:00:00Z.
    fleetc(dir, &["check", "--now", "2036-01-01"]).expect_code(0);
    let near = fleetc(dir, &["check", "--now", "2036-06-29"]);
    near.expect_code(0);
    assert!(
        near.stderr
            .contains("expires at 2036-06-30T18:00:00Z (in 1 day"),
        "{}",
        near.stderr
    );
    let later = fleetc(dir, &["check", "--now", "2036-06-30"]);
    assert!(
        later.stderr.contains("(in 18 hours"),
        "worked out again, not the answer of the day before: {}",
        later.stderr
    );
}

/// The check a pre-commit hook runs right after `fleetc render` is answered at once: the render
/// keeps the answer that check would give (text, no colour), which is exactly what
/// `check --no-cache` prints; and a fleet edit after the render is still seen.
#[test]
fn a_render_keeps_the_answer_of_the_check_that_follows_it() {
    let repo = example_repo();
    let dir = repo.path();
    changes::app_values(dir);
    assert!(!verdict_exists(dir), "no verdict before");
    fleetc(dir, &["render"]).expect_code(0);
    assert!(verdict_exists(dir), "the render kept one");
    let kept: serde_json::Value = serde_json::from_slice(&fs::read(verdict(dir)).unwrap()).unwrap();
    let uncached = fleetc(dir, &["check", "--no-cache"]);
    uncached.expect_code(0);
    assert_eq!(kept["verdict"]["stderr"], uncached.stderr.as_str());
    assert_eq!(answer(&fleetc(dir, &["check"])), answer(&uncached));
    changes::fleet_default(dir);
    let cached = answer(&fleetc(dir, &["check"]));
    assert_eq!(cached, answer(&fleetc(dir, &["check", "--no-cache"])));
    assert_eq!(cached.0, Some(1), "{cached:?}");
}

fn verdict_exists(dir: &Path) -> bool {
    fs::read_dir(dir.join(".git/fleetc")).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with("check-"))
    })
}
