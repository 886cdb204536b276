//! The hooks in `.pre-commit-hooks.yaml`, run by the real pre-commit framework in a temporary
//! fleet repo: a commit with a stale `out/` is refused with a message that says what to run, and
//! after `fleetc render` it goes through.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::fleet::{edit, example_copy, fleetc, repo_root};

/// `pre-commit`, when installed; otherwise a skip, or a failure when tools are required.
fn pre_commit(test: &str) -> Option<String> {
    support::tools::available("pre-commit", &["--version"], test).then(|| "pre-commit".to_owned())
}

/// Runs a command in `dir` with the freshly built fleetc first on PATH and pre-commit's cache in
/// a temporary folder.
fn run(dir: &Path, home: &Path, program: &str, args: &[&str]) -> Output {
    let fleetc_dir = Path::new(env!("CARGO_BIN_EXE_fleetc"))
        .parent()
        .expect("bin folder")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(fleetc_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home.join("pre-commit"))
        .env("FLEETC_NOW", support::fleet::NOW)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "fleetc tests")
        .env("GIT_AUTHOR_EMAIL", "tests@fleetc.invalid")
        .env("GIT_COMMITTER_NAME", "fleetc tests")
        .env("GIT_COMMITTER_EMAIL", "tests@fleetc.invalid")
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"))
}

fn ok(output: &Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{what} failed:\n{text}");
    text
}

/// A git repository holding this repo's current `.pre-commit-hooks.yaml`, as pre-commit clones
/// hook repositories; returns its commit.
fn hooks_repo(dir: &Path, home: &Path) -> String {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(
        repo_root().join(".pre-commit-hooks.yaml"),
        dir.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    ok(
        &run(dir, home, "git", &["init", "-q", "-b", "main"]),
        "git init",
    );
    ok(&run(dir, home, "git", &["add", "-A"]), "git add");
    ok(
        &run(
            dir,
            home,
            "git",
            &["-c", "commit.gpgsign=false", "commit", "-q", "-m", "hooks"],
        ),
        "git commit",
    );
    ok(
        &run(dir, home, "git", &["rev-parse", "HEAD"]),
        "git rev-parse",
    )
    .trim()
    .to_owned()
}

/// A new git repository in `dir` with pre-commit's hooks installed.
fn install_hooks(dir: &Path, home: &Path, pre_commit: &str) {
    ok(
        &run(dir, home, "git", &["init", "-q", "-b", "main"]),
        "git init",
    );
    ok(
        &run(dir, home, pre_commit, &["install"]),
        "pre-commit install",
    );
}

/// `git add -A` and a commit (through the hooks) with `message`.
fn commit(dir: &Path, home: &Path, message: &str) -> Output {
    ok(&run(dir, home, "git", &["add", "-A"]), "git add");
    run(
        dir,
        home,
        "git",
        &["-c", "commit.gpgsign=false", "commit", "-m", message],
    )
}

#[test]
fn a_stale_out_is_refused_until_fleetc_render() {
    let Some(pre_commit) = pre_commit("a_stale_out_is_refused_until_fleetc_render") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let hooks = home.path().join("hooks");
    let rev = hooks_repo(&hooks, home.path());

    let fleet = example_copy();
    let dir = fleet.path();
    std::fs::write(
        dir.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: fleetc-validate-system\n      - id: fleetc-check-system\n",
            hooks.display()
        ),
    )
    .unwrap();
    install_hooks(dir, home.path(), &pre_commit);
    ok(&commit(dir, home.path(), "a current fleet"), "first commit");

    // Change where an app goes without rendering: out/ is now stale.
    edit(
        &dir.join("fleet/apps/cert-manager.yaml"),
        "values: [vcluster]}",
        "values: [vcluster, gcp]}",
    );
    let refused = commit(dir, home.path(), "cert-manager off GCP");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(
        !refused.status.success(),
        "the commit went through:\n{text}"
    );
    assert!(text.contains("run `fleetc render`"), "{text}");
    assert!(
        text.contains("out/hubs/hub-eu/clusters/dev-eu-gcp-1.yaml"),
        "{text}"
    );

    fleetc(dir, &["render"]).expect_code(0);
    let passed = ok(
        &commit(dir, home.path(), "cert-manager off GCP, rendered"),
        "commit after render",
    );
    assert!(
        passed.contains("fleetc check") && passed.contains("Passed"),
        "{passed}"
    );
}

/// Issue 12: the repo `fleetc init` writes commits through its own pre-commit hook once
/// rendered. (The hook is pointed at this repository's hooks, in their `-system` form, so that
/// pre-commit does not build fleetc.)
#[test]
fn an_initialised_fleet_repo_commits_through_its_pre_commit_hook() {
    let Some(pre_commit) =
        pre_commit("an_initialised_fleet_repo_commits_through_its_pre_commit_hook")
    else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let hooks = home.path().join("hooks");
    let rev = hooks_repo(&hooks, home.path());
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    fleetc(dir, &["init"]).expect_code(0);
    let config = std::fs::read_to_string(dir.join(".pre-commit-config.yaml")).unwrap();
    let written = format!(
        "  - repo: https://github.com/fleetc/fleetc\n    rev: v{}\n    hooks:\n      - id: fleetc-check\n",
        env!("CARGO_PKG_VERSION")
    );
    assert!(config.contains(&written), "{config}");
    std::fs::write(
        dir.join(".pre-commit-config.yaml"),
        config.replace(
            &written,
            &format!(
                "  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: fleetc-check-system\n",
                hooks.display()
            ),
        ),
    )
    .unwrap();
    install_hooks(dir, home.path(), &pre_commit);
    fleetc(dir, &["render"]).expect_code(0);
    let passed = ok(&commit(dir, home.path(), "a new fleet"), "the first commit");
    assert!(
        passed.contains("fleetc check") && passed.contains("Passed"),
        "{passed}"
    );
}
