//! Broken fleets, one folder per case (see `tests/broken-fleets/README.md`): each case takes a
//! valid fleet from `tests/fixtures/`, changes it in the way its folder holds, and checks what a
//! user would see:
//!
//! - `fleetc validate` prints what the case's reviewed snapshot, `validate.snap`, says: the exit
//!   code and every diagnostic, with its code, file, line, column, the quoted line with the token
//!   marked, the message and the help;
//! - `fleetc render` reaches the same verdict and, on a broken fleet, exits 1 (not 2, not a
//!   panic's 101), shows errors that `validate` shows too (`validate` goes on to evaluate the
//!   value templates of a fleet that is already invalid; `render` stops) and leaves `out/` byte
//!   for byte as the valid fleet rendered it;
//! - `fleetc validate --format json` lists the diagnostics sorted by file, line and column.
//!
//! A new case is a new folder; run `INSTA_UPDATE=always cargo test --test broken_fleets`, or
//! `cargo insta test --review`, and review the snapshot it writes before committing it.

mod support;

use std::collections::BTreeSet;
use std::process::ExitCode;

use libtest_mimic::{Arguments, Trial};
use serde_json::Value;
use support::cases::Case;
use support::fleet::{Run, snapshot};

fn main() -> ExitCode {
    let arguments = Arguments::from_args();
    let trials = Case::all()
        .into_iter()
        .map(|case| {
            Trial::test(case.id(), move || {
                check(&case);
                Ok(())
            })
        })
        .collect();
    libtest_mimic::run(&arguments, trials).exit_code()
}

/// Runs one case; panics (a failed test) on anything unexpected.
fn check(case: &Case) {
    let repo = support::fleet::fixture_repo(&case.base);
    let dir = repo.path();
    case.fleetc(dir, &["render"]).expect_code(0);
    let before = snapshot(&dir.join("out"));
    assert!(!before.is_empty(), "the base fleet renders files into out/");
    case.apply(dir);

    let validate = case.fleetc(dir, &["validate"]);
    assert_verdict(&validate, "`fleetc validate`");

    let render = case.fleetc(dir, &["render"]);
    assert_verdict(&render, "`fleetc render`");
    assert_eq!(
        render.code, validate.code,
        "`fleetc render` and `fleetc validate` disagree\n--- render\n{}\n--- validate\n{}",
        render.stderr, validate.stderr
    );
    if validate.code == Some(1) {
        let (rendered, validated) = (errors(&render.stderr), errors(&validate.stderr));
        assert!(
            !rendered.is_empty() && rendered.iter().all(|e| validated.contains(e)),
            "`fleetc render` shows errors `fleetc validate` does not:\n{rendered:#?}"
        );
        let after = snapshot(&dir.join("out"));
        let changed: BTreeSet<&String> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        assert!(
            changed.is_empty(),
            "`fleetc render` of a broken fleet changed out/: {changed:?}"
        );
    }

    let json = case.fleetc(dir, &["validate", "--format", "json"]);
    assert_eq!(json.code, validate.code, "{}", json.stderr);
    assert_sorted(json.json().as_array().expect("a JSON array of diagnostics"));

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&case.dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(case.about.pins.clone());
    settings.set_input_file(case.dir.join("case.yaml"));
    settings.bind(|| insta::assert_snapshot!("validate", shown(&validate)));
}

/// What a run showed a user, as the snapshot holds it.
fn shown(run: &Run) -> String {
    let mut text = format!("exit: {}\n", run.code.unwrap_or(-1));
    for (stream, output) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        if !output.is_empty() {
            text.push_str("--- ");
            text.push_str(stream);
            text.push('\n');
            text.push_str(output);
        }
    }
    text
}

/// Panics unless the run exited with 0 or 1 and did not panic.
#[track_caller]
fn assert_verdict(run: &Run, what: &str) {
    assert!(
        !run.stderr.contains("panicked"),
        "{what} panicked:\n{}",
        run.stderr
    );
    assert!(
        matches!(run.code, Some(0 | 1)),
        "{what} must exit 0 or 1, not {:?}\n--- stdout\n{}\n--- stderr\n{}",
        run.code,
        run.stdout,
        run.stderr
    );
}

/// The headline and location lines of the errors in a text report.
fn errors(text: &str) -> BTreeSet<&str> {
    text.lines()
        .filter(|line| line.starts_with("error[") || line.trim_start().starts_with("--> "))
        .collect()
}

/// Panics unless the JSON diagnostics are in file, line, column order (unlocated ones first).
#[track_caller]
fn assert_sorted(diagnostics: &[Value]) {
    let keys: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            d["file"].as_str().map(|f| {
                (
                    f.to_owned(),
                    d["line"].as_u64().unwrap_or(0),
                    d["column"].as_u64().unwrap_or(0),
                )
            })
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "diagnostics are not sorted by file, line, column"
    );
}
