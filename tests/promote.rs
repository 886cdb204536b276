//! `fleetc promote` (issue 15): a stage gets another stage's layer by an edit of the App file
//! that changes only the target stage's lines, byte for byte what a person would write; `--check`
//! says whether a promotion is pending and writes nothing.

mod support;

use std::fs;

use support::fleet::{example_copy, fleetc, snapshot};

const FILE: &str = "fleet/apps/ingress-nginx.yaml";

/// `fleetc promote ingress-nginx --from FROM --to TO`, with `extra` arguments.
fn promote(dir: &std::path::Path, from: &str, to: &str, extra: &[&str]) -> support::fleet::Run {
    let mut args = vec!["promote", "ingress-nginx", "--from", from, "--to", to];
    args.extend_from_slice(extra);
    fleetc(dir, &args)
}

const DEV: &str = "    - name: dev\n      selector: {matchLabels: {environment: dev}}\n";
const PROD_VARS: &str = "      vars:\n        chartVersion: \"4.12.4\"              # until 4.13 has run a month in staging\n";

#[test]
fn promoting_writes_the_source_layer_into_the_target_stage_and_nothing_else() {
    let repo = example_copy();
    let dir = repo.path();
    let before = fs::read_to_string(dir.join(FILE)).unwrap();
    let others = |d: &std::path::Path| {
        let mut all = snapshot(&d.join("fleet"));
        all.remove("apps/ingress-nginx.yaml");
        all
    };
    let untouched = others(dir);

    // Pending: shown, exit 1, nothing written.
    let check = promote(dir, "prod", "dev", &["--check"]);
    check.expect_code(1);
    insta::assert_snapshot!("prod-to-dev-diff", check.stdout);
    assert_eq!(fs::read_to_string(dir.join(FILE)).unwrap(), before);

    // Written: the dev stage gains the prod stage's vars, comment and all.
    promote(dir, "prod", "dev", &[]).expect_code(0);
    let expected = before.replacen(DEV, &format!("{DEV}{PROD_VARS}"), 1);
    assert_ne!(
        expected, before,
        "the fixture has the dev stage as written here"
    );
    assert_eq!(fs::read_to_string(dir.join(FILE)).unwrap(), expected);
    assert_eq!(others(dir), untouched, "no other file changes");
    fleetc(dir, &["validate"]).expect_code(0);

    // Done: nothing pending.
    promote(dir, "prod", "dev", &["--check"]).expect_code(0);

    // A layer key both stages have is replaced where the target has it: prod moves on to
    // 4.12.5 (dev's line comes first in the file, prod's second), and promoting again moves dev.
    let moved = fs::read_to_string(dir.join(FILE))
        .unwrap()
        .replacen("\"4.12.4\"", "\"4.12.X\"", 1)
        .replacen("\"4.12.4\"", "\"4.12.5\"", 1)
        .replacen("\"4.12.X\"", "\"4.12.4\"", 1);
    fs::write(dir.join(FILE), &moved).unwrap();
    promote(dir, "prod", "dev", &[]).expect_code(0);
    assert_eq!(
        fs::read_to_string(dir.join(FILE)).unwrap(),
        moved.replacen("\"4.12.4\"", "\"4.12.5\"", 1)
    );
}

/// A source stage without a layer takes the target's away: prod then runs the app's own
/// version, and its Applications say so.
#[test]
fn promoting_an_empty_layer_removes_the_target_layer() {
    let repo = example_copy();
    let dir = repo.path();
    let before = fs::read_to_string(dir.join(FILE)).unwrap();
    promote(dir, "staging", "prod", &[]).expect_code(0);
    let after = fs::read_to_string(dir.join(FILE)).unwrap();
    assert_eq!(after, before.replacen(PROD_VARS, "", 1));
    fleetc(dir, &["render"]).expect_code(0);
    let prod =
        fs::read_to_string(dir.join("out/hubs/hub-eu/clusters/prod-eu-azure-1.yaml")).unwrap();
    let app = prod
        .split("\n---\n")
        .find(|d| d.contains("name: ingress-nginx-prod-eu-azure-1"))
        .expect("the Application");
    assert!(app.contains("targetRevision: '4.13.0'"), "{app}");
}

#[test]
fn what_cannot_be_promoted_says_why() {
    let repo = example_copy();
    let dir = repo.path();
    let unknown = promote(dir, "prod", "qa", &[]);
    unknown.expect_code(2);
    assert_eq!(
        unknown.stderr,
        "error: cannot promote `prod` to `qa` of app `ingress-nginx`: app `ingress-nginx` has no stage `qa` (its stages: dev, staging, prod)\n"
    );
    // A stage written in flow style is not edited.
    let file = dir.join(FILE);
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replacen(
            DEV,
            "    - {name: dev, selector: {matchLabels: {environment: dev}}}\n",
            1,
        ),
    )
    .unwrap();
    let flow = promote(dir, "prod", "dev", &[]);
    flow.expect_code(2);
    assert!(
        flow.stderr.contains("write the stage in block style"),
        "{}",
        flow.stderr
    );
}

/// Commits everything in `dir` at `date` (author and committer).
fn commit_at(dir: &std::path::Path, date: &str, message: &str) {
    for args in [&["add", "-A"][..], &["commit", "-q", "-m", message]] {
        let status = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=fleetc tests",
                "-c",
                "user.email=tests@fleetc.invalid",
            ])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .current_dir(dir)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }
}

/// A stage's soak time (issue 15): prod may take staging's layer only once staging has run it
/// for seven days, judged from the App file's git history; a promotion that skips it is refused
/// by `validate`, in the working tree and after it is committed.
#[test]
fn a_promotion_before_the_soak_time_is_refused_from_git_history() {
    let repo = example_copy();
    let dir = repo.path();
    let file = dir.join(FILE);
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replacen(
            "    - name: prod\n      selector: {matchLabels: {environment: prod}}\n",
            "    - name: prod\n      selector: {matchLabels: {environment: prod}}\n      soak: 7d\n",
            1,
        ),
    )
    .unwrap();
    support::fleet::git(dir, &["init", "-q"]);
    commit_at(dir, "2027-01-01T00:00:00Z", "stages with a soak time");
    // staging gets a new version on day 1.
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replacen(
            "      selector: {matchLabels: {environment: staging}}\n",
            "      selector: {matchLabels: {environment: staging}}\n      vars: {chartVersion: \"4.14.0\"}\n",
            1,
        ),
    )
    .unwrap();
    commit_at(dir, "2027-01-02T00:00:00Z", "staging runs 4.14.0");
    promote(dir, "staging", "prod", &[]).expect_code(0);

    // On day 3 the promotion in the working tree is two days early.
    let early = fleetc(dir, &["validate", "--now", "2027-01-04T00:00:00Z"]);
    early.expect_code(1);
    insta::assert_snapshot!("soak-skipped", early.stderr);
    // On day 9 staging has run it for more than seven days.
    fleetc(dir, &["validate", "--now", "2027-01-10T00:00:00Z"]).expect_code(0);
    // Committed on day 3, the skip stays in the history: refused whenever it is judged.
    commit_at(dir, "2027-01-04T00:00:00Z", "prod runs 4.14.0");
    let later = fleetc(dir, &["validate", "--now", "2027-02-01T00:00:00Z"]);
    later.expect_code(1);
    assert!(
        later
            .stderr
            .contains("takes the layer of `staging` 2 days after `staging` got it"),
        "{}",
        later.stderr
    );
}

/// An App file that is a symlink (fleetc reads it through the link) is not replaced by promote:
/// that would turn the link into a file.
#[cfg(unix)]
#[test]
fn an_app_file_behind_a_symlink_is_not_replaced() {
    let repo = example_copy();
    let dir = repo.path();
    let real = dir.join("fleet/ingress-nginx.yaml.real");
    fs::rename(dir.join(FILE), &real).unwrap();
    std::os::unix::fs::symlink("../ingress-nginx.yaml.real", dir.join(FILE)).unwrap();
    let before = fs::read_to_string(&real).unwrap();
    let run = promote(dir, "prod", "dev", &[]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("is not a regular file"),
        "{}",
        run.stderr
    );
    assert!(
        fs::symlink_metadata(dir.join(FILE))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&real).unwrap(), before);
}
