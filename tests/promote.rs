//! `fleetc promote` (issue 15): a stage gets another stage's layer by an edit of the App file
//! that changes only the target stage's lines, byte for byte what a person would write; `--check`
//! says whether a promotion is pending and writes nothing.

mod support;

use std::fs;

use support::fleet::{example_copy, fleetc, snapshot};

const FILE: &str = "fleet/apps/ingress-nginx.yaml";

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
    let check = fleetc(
        dir,
        &[
            "promote",
            "ingress-nginx",
            "--from",
            "prod",
            "--to",
            "dev",
            "--check",
        ],
    );
    check.expect_code(1);
    insta::assert_snapshot!("prod-to-dev-diff", check.stdout);
    assert_eq!(fs::read_to_string(dir.join(FILE)).unwrap(), before);

    // Written: the dev stage gains the prod stage's vars, comment and all.
    fleetc(
        dir,
        &["promote", "ingress-nginx", "--from", "prod", "--to", "dev"],
    )
    .expect_code(0);
    let expected = before.replacen(DEV, &format!("{DEV}{PROD_VARS}"), 1);
    assert_ne!(
        expected, before,
        "the fixture has the dev stage as written here"
    );
    assert_eq!(fs::read_to_string(dir.join(FILE)).unwrap(), expected);
    assert_eq!(others(dir), untouched, "no other file changes");
    fleetc(dir, &["validate"]).expect_code(0);

    // Done: nothing pending.
    fleetc(
        dir,
        &[
            "promote",
            "ingress-nginx",
            "--from",
            "prod",
            "--to",
            "dev",
            "--check",
        ],
    )
    .expect_code(0);

    // A layer key both stages have is replaced where the target has it: prod moves on to
    // 4.12.5 (dev's line comes first in the file, prod's second), and promoting again moves dev.
    let moved = fs::read_to_string(dir.join(FILE))
        .unwrap()
        .replacen("\"4.12.4\"", "\"4.12.X\"", 1)
        .replacen("\"4.12.4\"", "\"4.12.5\"", 1)
        .replacen("\"4.12.X\"", "\"4.12.4\"", 1);
    fs::write(dir.join(FILE), &moved).unwrap();
    fleetc(
        dir,
        &["promote", "ingress-nginx", "--from", "prod", "--to", "dev"],
    )
    .expect_code(0);
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
    fleetc(
        dir,
        &[
            "promote",
            "ingress-nginx",
            "--from",
            "staging",
            "--to",
            "prod",
        ],
    )
    .expect_code(0);
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
    let unknown = fleetc(
        dir,
        &["promote", "ingress-nginx", "--from", "prod", "--to", "qa"],
    );
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
    let flow = fleetc(
        dir,
        &["promote", "ingress-nginx", "--from", "prod", "--to", "dev"],
    );
    flow.expect_code(2);
    assert!(
        flow.stderr.contains("write the stage in block style"),
        "{}",
        flow.stderr
    );
}
