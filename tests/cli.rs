//! The command line: `validate`, `ls`, `schema`, usage errors and the `--fleet` / `--out` flags,
//! run against the example fleet.

mod support;

use std::collections::BTreeMap;
use std::fs;

use serde_json::Value;
use support::cases::Case;
use support::fleet::{edit, example_copy, fleetc, repo_root, snapshot};
use support::upstream::documents;

/// The example's clusters: (name, hub, provider), read by hand from `fleet/clusters/` (and
/// `fleet/templates/` for the clusters whose provider comes from a template).
const CLUSTERS: [(&str, &str, &str); 21] = [
    ("dev-eu-aws-1", "hub-eu", "aws"),           // eks-dev-v1
    ("dev-eu-gcp-1", "hub-eu", "gcp"),           // gke-standard-v1
    ("dev-eu-vcluster-1", "hub-eu", "vcluster"), // vcluster-dev-v1
    ("dev-us-aws-1", "hub-us", "aws"),           // eks-dev-v1
    ("dev-us-vcluster-1", "hub-us", "vcluster"), // vcluster-dev-v1
    ("edge-mgmt-1", "hub-mgmt", "onprem"),
    ("hub-eu", "hub-eu", "aws"),
    ("hub-mgmt", "hub-mgmt", "aws"),
    ("hub-us", "hub-us", "aws"),
    ("onprem-eu-1", "hub-eu", "onprem"),
    ("onprem-us-1", "hub-us", "onprem"),
    ("preview-mgmt-1", "hub-mgmt", "vcluster"), // vcluster-preview-v1
    ("preview-mgmt-2", "hub-mgmt", "vcluster"), // vcluster-preview-v1
    ("prod-eu-aws-1", "hub-eu", "aws"),
    ("prod-eu-azure-1", "hub-eu", "azure"),
    ("prod-eu-legacy", "hub-eu", "aws"),
    ("prod-us-aws-1", "hub-us", "aws"),
    ("prod-us-gcp-1", "hub-us", "gcp"), // gke-standard-v1
    ("staging-eu-aws-1", "hub-eu", "aws"),
    ("staging-us-azure-1", "hub-us", "azure"),
    ("staging-us-gcp-1", "hub-us", "gcp"), // gke-standard-v1
];

fn all_cluster_names() -> Vec<&'static str> {
    CLUSTERS.iter().map(|(name, _, _)| *name).collect()
}

fn text_at<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string `{key}` in {value}"))
}

/// The names `fleetc ls clusters -l SELECTOR --format json` lists for the example.
fn selected(selector: &str) -> Vec<String> {
    let run = fleetc(
        &repo_root(),
        &["ls", "clusters", "-l", selector, "--format", "json"],
    );
    run.expect_code(0);
    run.json()
        .as_array()
        .expect("an array of clusters")
        .iter()
        .map(|cluster| text_at(cluster, "name").to_owned())
        .collect()
}

#[test]
fn validate_json_on_the_example_is_an_array_without_errors() {
    let run = fleetc(&repo_root(), &["validate", "--format", "json"]);
    run.expect_code(0);
    let findings = run.json();
    let findings = findings
        .as_array()
        .expect("validate --format json prints an array");
    assert!(
        findings
            .iter()
            .all(|finding| finding["severity"] != "error"),
        "exit 0 with errors: {findings:?}"
    );
}

#[test]
fn validate_json_reports_a_typo_with_its_position() {
    let repo = example_copy();
    let file = "fleet/clusters/prod-eu-aws-1.yaml";
    let path = repo.path().join(file);
    let text = fs::read_to_string(&path).expect("read the cluster");
    let typo = text.replacen(
        "\n  region: eu-central-1\n",
        "\n  regoin: eu-central-1\n",
        1,
    );
    assert_ne!(typo, text, "the cluster sets spec.region");
    fs::write(&path, &typo).expect("write the typo");
    // The typo'd key is at column 3 of its line (two spaces of indentation under `spec:`).
    let line = typo
        .lines()
        .position(|line| line == "  regoin: eu-central-1")
        .expect("the typo is there")
        + 1;

    let run = fleetc(repo.path(), &["validate", "--format", "json"]);
    run.expect_code(1);
    let findings = run.json();
    let findings = findings.as_array().expect("an array");
    assert!(!findings.is_empty());
    for finding in findings {
        for key in ["severity", "code", "message", "file"] {
            assert!(finding[key].is_string(), "`{key}` in {finding}");
        }
        for key in ["line", "column"] {
            assert!(finding.get(key).is_some(), "`{key}` in {finding}");
        }
    }
    let typo_finding = findings
        .iter()
        .find(|finding| text_at(finding, "message").contains("regoin"))
        .unwrap_or_else(|| panic!("no finding names `regoin`: {findings:?}"));
    assert_eq!(typo_finding["severity"], "error");
    assert_eq!(typo_finding["file"], file);
    assert_eq!(typo_finding["line"], line);
    assert_eq!(typo_finding["column"], 3);
}

#[test]
fn ls_clusters_json_lists_every_cluster_with_hub_provider_and_labels() {
    let run = fleetc(&repo_root(), &["ls", "clusters", "--format", "json"]);
    run.expect_code(0);
    let listed = run.json();
    let listed = listed.as_array().expect("an array of clusters");
    let names: Vec<&str> = listed
        .iter()
        .map(|cluster| text_at(cluster, "name"))
        .collect();
    assert_eq!(names, all_cluster_names());

    for (cluster, (name, hub, provider)) in listed.iter().zip(CLUSTERS) {
        assert_eq!(text_at(cluster, "hub"), hub, "{name}");
        assert_eq!(text_at(cluster, "provider"), provider, "{name}");
        let labels = &cluster["labels"];
        // The built-in placement labels, and the Fleet default label every cluster inherits.
        assert_eq!(labels["hub"], hub, "{name}");
        assert_eq!(labels["provider"], provider, "{name}");
        assert_eq!(labels["managed-by"], "platform", "{name}");
    }

    // prod-us-gcp-1: its own labels, gke-standard-v1's (team, tier; the cluster's tier wins),
    // the Fleet default, and the built-in keys.
    let gcp = listed
        .iter()
        .find(|cluster| cluster["name"] == "prod-us-gcp-1")
        .expect("prod-us-gcp-1 is listed");
    let labels: BTreeMap<String, String> =
        serde_json::from_value(gcp["labels"].clone()).expect("labels are a string map");
    let expected: BTreeMap<String, String> = [
        ("dns", "enabled"),
        ("environment", "prod"),
        ("hub", "hub-us"),
        ("ingress", "gateway-api"),
        ("managed-by", "platform"),
        ("provider", "gcp"),
        ("region", "us-central1"),
        ("team", "search"),
        ("tier", "critical"),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value.to_owned()))
    .collect();
    assert_eq!(labels, expected);
}

#[test]
fn ls_clusters_selects_with_equality_and_set_based_requirements() {
    // prod and in eu-central-1 or us-east-1: the two hubs and the two prod AWS clusters there.
    assert_eq!(
        selected("environment=prod,region in (eu-central-1,us-east-1)"),
        ["hub-eu", "hub-us", "prod-eu-aws-1", "prod-us-aws-1"]
    );
}

#[test]
fn ls_clusters_selects_clusters_without_a_label() {
    // Only prod-eu-legacy carries `legacy`.
    let expected: Vec<&str> = all_cluster_names()
        .into_iter()
        .filter(|name| *name != "prod-eu-legacy")
        .collect();
    assert_eq!(selected("!legacy"), expected);
}

#[test]
fn ls_clusters_selects_with_inequality() {
    // Everything but the 9 AWS clusters (provider set directly or by eks-dev-v1).
    assert_eq!(
        selected("provider!=aws"),
        [
            "dev-eu-gcp-1",
            "dev-eu-vcluster-1",
            "dev-us-vcluster-1",
            "edge-mgmt-1",
            "onprem-eu-1",
            "onprem-us-1",
            "preview-mgmt-1",
            "preview-mgmt-2",
            "prod-eu-azure-1",
            "prod-us-gcp-1",
            "staging-us-azure-1",
            "staging-us-gcp-1",
        ]
    );
    // As in Kubernetes, `!=` also matches clusters without the key.
    assert_eq!(selected("legacy!=true"), selected("!legacy"));
}

#[test]
fn ls_clusters_selects_clusters_with_a_label() {
    // Every cluster has a team, from its own labels or from gke-standard-v1 (team: search).
    assert_eq!(selected("team"), all_cluster_names());
    // Only the clusters whose records external-dns manages carry `dns`.
    assert_eq!(
        selected("dns"),
        [
            "prod-eu-aws-1",
            "prod-us-aws-1",
            "prod-us-gcp-1",
            "staging-eu-aws-1"
        ]
    );
}

#[test]
fn ls_clusters_rejects_an_invalid_selector_naming_the_column() {
    // `in` needs a parenthesised list: the error is at `prod`, column 16.
    let run = fleetc(
        &repo_root(),
        &["ls", "clusters", "-l", "environment in prod"],
    );
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "nothing listed: {}", run.stdout);
    insta::assert_snapshot!("ls-invalid-selector", run.stderr);
}

/// `fleetc ls placements --format json [args]` on the example.
fn placements(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["ls", "placements", "--format", "json"];
    all.extend_from_slice(args);
    let run = fleetc(&repo_root(), &all);
    run.expect_code(0);
    run.json()
        .as_array()
        .expect("an array of placements")
        .clone()
}

#[test]
fn ls_placements_json_is_sorted_by_app_then_cluster() {
    let placements = placements(&[]);
    let keys: Vec<(String, String)> = placements
        .iter()
        .map(|placement| {
            for key in ["app", "cluster", "hub", "application"] {
                assert!(placement[key].is_string(), "`{key}` in {placement}");
            }
            (
                text_at(placement, "app").to_owned(),
                text_at(placement, "cluster").to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(keys, sorted);
}

#[test]
fn ls_placements_of_an_app_without_placement_lists_every_cluster() {
    // Without its placement (which keeps it to the Argo CD hubs), guestbook lands on every
    // cluster: one placement per cluster, on the cluster's hub.
    let dir = example_copy();
    edit(
        &dir.path().join("fleet/apps/guestbook.yaml"),
        "  placement:\n    # Every cluster of the Argo CD hubs (the Flux hub's clusters get what Flux delivers).\n    selector:\n      matchExpressions:\n        - {key: hub, operator: NotIn, values: [hub-mgmt]}\n",
        "",
    );
    let run = fleetc(
        dir.path(),
        &["ls", "placements", "--app", "guestbook", "--format", "json"],
    );
    let placements = run.json();
    let found: Vec<(&str, &str, &str, &str)> = placements
        .as_array()
        .expect("an array of placements")
        .iter()
        .map(|placement| {
            (
                text_at(placement, "app"),
                text_at(placement, "cluster"),
                text_at(placement, "hub"),
                text_at(placement, "application"),
            )
        })
        .collect();
    let names: Vec<String> = CLUSTERS
        .iter()
        .map(|(name, _, _)| format!("guestbook-{name}"))
        .collect();
    let expected: Vec<(&str, &str, &str, &str)> = CLUSTERS
        .iter()
        .zip(&names)
        .map(|((name, hub, _), application)| ("guestbook", *name, *hub, application.as_str()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn ls_placements_match_the_applications_in_out() {
    let mut in_out = Vec::new();
    for (path, bytes) in snapshot(&repo_root().join("out")) {
        // The root Applications (root-application.yaml) sync the hub folders: not placements.
        let Some(cluster_file) = path.strip_prefix("hubs/") else {
            continue;
        };
        if !cluster_file.contains("/clusters/") {
            continue;
        }
        let text = String::from_utf8(bytes).expect("UTF-8 output");
        for doc in documents(&text) {
            // A placement's Application (a Flux hub's Kustomization or HelmRelease) names its
            // app; fleetc's own (the teams' namespaces) does not.
            let delivers = ["Application", "Kustomization", "HelmRelease"]
                .contains(&doc["kind"].as_str().unwrap_or_default());
            if delivers && doc["metadata"]["labels"]["fleetc.dev/app"].is_string() {
                in_out.push((path.clone(), text_at(&doc["metadata"], "name").to_owned()));
            }
        }
    }
    let mut listed: Vec<(String, String)> = placements(&[])
        .iter()
        .map(|placement| {
            let file = format!(
                "hubs/{}/clusters/{}.yaml",
                text_at(placement, "hub"),
                text_at(placement, "cluster")
            );
            // The listing names the file as check and render do: below out/.
            assert_eq!(text_at(placement, "file"), format!("out/{file}"));
            (file, text_at(placement, "application").to_owned())
        })
        .collect();
    assert!(!listed.is_empty());
    listed.sort();
    in_out.sort();
    assert_eq!(
        listed.len(),
        in_out.len(),
        "placements vs Applications in out/"
    );
    assert_eq!(listed, in_out);
}

#[test]
fn schema_cluster_is_json_for_the_cluster_kind() {
    let run = fleetc(&repo_root(), &["schema", "cluster"]);
    run.expect_code(0);
    assert_eq!(run.json()["properties"]["kind"]["const"], "Cluster");
}

#[test]
fn schema_write_writes_the_committed_schema_files() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let target = dir.path().join("schemas");
    let target_arg = target.to_str().expect("a UTF-8 path");
    fleetc(dir.path(), &["schema", "--write", target_arg]).expect_code(0);
    let written = snapshot(&target);
    let committed = snapshot(&repo_root().join("schema"));
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        [
            "app.schema.json",
            "cluster-template.schema.json",
            "cluster.schema.json",
            "fleet.schema.json",
            "fleetc.schema.json",
            "team.schema.json",
        ]
    );
    assert!(written == committed, "--write differs from schema/");
}

#[test]
fn committed_schema_files_are_the_embedded_ones() {
    for (kind, file) in [
        ("fleet", "fleet"),
        ("cluster-template", "cluster-template"),
        ("cluster", "cluster"),
        ("app", "app"),
        ("all", "fleetc"),
    ] {
        let run = fleetc(&repo_root(), &["schema", kind]);
        run.expect_code(0);
        let committed = fs::read_to_string(repo_root().join(format!("schema/{file}.schema.json")))
            .expect("read the committed schema");
        assert!(
            run.stdout == committed,
            "`fleetc schema {kind}` differs from schema/{file}.schema.json"
        );
    }
}

#[test]
fn an_unknown_command_is_a_usage_error() {
    let run = fleetc(&repo_root(), &["frobnicate"]);
    run.expect_code(2);
    insta::assert_snapshot!("unknown-command", run.stderr);
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let run = fleetc(&repo_root(), &["render", "--frobnicate"]);
    run.expect_code(2);
    insta::assert_snapshot!("unknown-flag", run.stderr);
}

#[test]
fn a_missing_fleet_dir_is_a_usage_error_that_says_what_to_do() {
    let empty = tempfile::tempdir().expect("temporary folder");
    let said: Vec<String> = ["render", "check", "validate"]
        .iter()
        .map(|command| {
            let run = fleetc(empty.path(), &[command]);
            run.expect_code(2);
            run.stderr
        })
        .collect();
    assert!(said.iter().all(|s| *s == said[0]), "{said:#?}");
    let folder = regex::escape(&empty.path().to_string_lossy());
    insta::with_settings!({filters => [(folder.as_str(), "[DIR]")]}, {
        insta::assert_snapshot!("missing-fleet-dir", said[0]);
    });
    assert!(
        snapshot(empty.path()).is_empty(),
        "nothing is written without a fleet"
    );
}

#[test]
fn help_and_version_exit_0() {
    let help = fleetc(&repo_root(), &["--help"]);
    help.expect_code(0);
    insta::assert_snapshot!("help", help.stdout);
    let version = fleetc(&repo_root(), &["--version"]);
    version.expect_code(0);
    // The version, and the commit it was built from (issue 12), or `unknown` outside git.
    let commit = std::process::Command::new("git")
        .arg("-C")
        .arg(repo_root())
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or_else(
            || "unknown".to_owned(),
            |o| String::from_utf8_lossy(&o.stdout).trim().to_owned(),
        );
    assert_eq!(
        version.stdout,
        format!("fleetc {} (commit {commit})\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn fleet_and_out_flags_render_from_another_cwd() {
    let repo = example_copy();
    let elsewhere = tempfile::tempdir().expect("temporary folder");
    let fleet = repo.path().join("fleet");
    let out = elsewhere.path().join("rendered");
    let (fleet, out_arg) = (
        fleet.to_str().expect("a UTF-8 path"),
        out.to_str().expect("a UTF-8 path"),
    );

    fleetc(
        elsewhere.path(),
        &["render", "--fleet", fleet, "--out", out_arg],
    )
    .expect_code(0);
    assert!(
        snapshot(&out) == snapshot(&repo_root().join("out")),
        "rendering from elsewhere differs from the committed out/"
    );
    fleetc(
        elsewhere.path(),
        &["check", "--fleet", fleet, "--out", out_arg],
    )
    .expect_code(0);
    // The cwd's own (absent) fleet/ and out/ play no part.
    assert_eq!(
        snapshot(elsewhere.path())
            .keys()
            .filter(|path| !path.starts_with("rendered/"))
            .count(),
        0
    );
}

/// Issue 10: `check`, the pre-commit and CI gate, printed no warnings, so nobody heard of a
/// cluster about to expire until the day the fleet turned invalid.
#[test]
fn check_shows_the_fleets_warnings_in_every_format_without_failing() {
    let dir = example_copy();
    // The example's preview expires on 2036-06-30T18:00Z: five days before, it warns.
    let now = "2036-06-25T18:00:00Z";
    let file = "fleet/clusters/dev-eu-vcluster-1.yaml";
    let run = fleetc(dir.path(), &["check", "--format", "github", "--now", now]);
    run.expect_code(0);
    insta::assert_snapshot!("check-warnings-github", run.stdout);

    let run = fleetc(dir.path(), &["check", "--format", "json", "--now", now]);
    run.expect_code(0);
    let findings = run.json();
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(findings[0]["code"], "expiry");
    assert_eq!(findings[0]["file"], file);

    let run = fleetc(dir.path(), &["check", "--now", now]);
    run.expect_code(0);
    insta::assert_snapshot!("check-warnings-text", run.stderr);
}

/// Issue 10: a misspelt key in `ls -l` matched nothing (or, with `notin`, everything), silently.
#[test]
fn ls_clusters_refuses_a_selector_key_no_cluster_carries() {
    for (name, selector) in [
        ("notin", "envirnoment notin (prod)"),
        ("in-a-list", "environment=prod,tierr"),
        ("absent", "!legacyy"),
    ] {
        let run = fleetc(&repo_root(), &["ls", "clusters", "-l", selector]);
        run.expect_code(2);
        insta::assert_snapshot!(format!("ls-unknown-key-{name}"), run.stderr);
    }
}

#[test]
fn ls_labels_lists_every_key_with_its_values_and_how_many_clusters_carry_it() {
    let run = fleetc(&repo_root(), &["ls", "labels", "--format", "json"]);
    run.expect_code(0);
    let rows = run.json();
    let rows = rows.as_array().expect("rows");
    let keys: Vec<&str> = rows.iter().map(|r| text_at(r, "key")).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    let row = |key: &str| rows.iter().find(|r| r["key"] == key).expect("a row");
    assert_eq!(row("hub")["builtin"], true);
    assert_eq!(row("hub")["clusters"], 21);
    assert_eq!(row("hub")["values"]["hub-eu"], 9);
    assert_eq!(row("hub")["values"]["hub-us"], 8);
    assert_eq!(row("hub")["values"]["hub-mgmt"], 4);
    let team = row("team");
    assert_eq!(
        team["declared"]["values"],
        serde_json::json!(["payments", "search", "platform"])
    );
    let carried: u64 = team["values"]
        .as_object()
        .expect("values")
        .values()
        .map(|n| n.as_u64().expect("a count"))
        .sum();
    assert_eq!(carried, team["clusters"].as_u64().expect("a count"));
}

/// Issue 9: Argo CD's label tracking cuts an Application's name to 63 characters, so two long
/// names that start alike would claim each other's resources; a long name is worth a warning.
#[test]
fn validate_warns_of_application_names_over_63_characters() {
    let dir = example_copy();
    let file = "fleet/apps/platform-rbac.yaml";
    let long = "platform-rbac-bindings-for-teams-and-service-accounts";
    edit(
        &dir.path().join(file),
        "name: platform-rbac\n",
        &format!("name: {long}\n"),
    );
    let run = fleetc(dir.path(), &["validate", "--format", "json"]);
    run.expect_code(0);
    let findings = run.json();
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), 1, "{findings:?}");
    let warning = &findings[0];
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["code"], "invalid-name");
    assert_eq!(warning["file"], file);
    let message = warning["message"].as_str().expect("a message");
    // The longest of its Applications; those on the hubs (short names) stay within 63.
    assert!(
        message.contains(&format!(
            "Application `{long}-staging-us-azure-1`, 72 characters"
        )),
        "{message}"
    );
    assert!(message.contains("and 14 more"), "{message}");
}

/// The GitHub format puts each finding on the line it is about, as a workflow annotation.
#[test]
fn github_format_annotates_the_line() {
    let case = Case::named("base-fleet/unknown-field-in-cluster-spec");
    let repo = case.repo();
    let run = fleetc(repo.path(), &["validate", "--format", "github"]);
    run.expect_code(1);
    insta::assert_snapshot!("github-format", run.stdout);
}

/// Issue 10: a selector key the Fleet declares is no typo, even before any cluster carries it;
/// `ls labels` shows it with its description and no clusters.
#[test]
fn a_declared_key_no_cluster_carries_yet_is_listed() {
    let case = Case::named("base-fleet/a-declared-key-no-cluster-carries-yet-is-accepted");
    let repo = case.repo();
    let run = fleetc(repo.path(), &["ls", "labels", "--format", "json"]);
    run.expect_code(0);
    let wave = run
        .json()
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["key"] == "wave")
        .cloned()
        .expect("wave is listed");
    assert_eq!(wave["clusters"], 0);
    assert_eq!(wave["declared"]["description"], "Rollout wave");
}

/// Issue 12: completions and the man page come from the command-line definitions, so every
/// command is in them; the bash script is valid bash.
#[test]
fn completions_and_the_man_page_cover_every_command() {
    let commands = [
        "render", "check", "validate", "diff", "explain", "ls", "import", "schema",
    ];
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = fleetc(&repo_root(), &["completions", shell]);
        run.expect_code(0);
        for command in commands {
            assert!(run.stdout.contains(command), "{shell} completes {command}");
        }
    }
    let bash = fleetc(&repo_root(), &["completions", "bash"]).stdout;
    let dir = tempfile::tempdir().expect("temporary folder");
    let script = dir.path().join("fleetc.bash");
    fs::write(&script, bash).expect("write the script");
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let man = fleetc(&repo_root(), &["man"]);
    man.expect_code(0);
    assert!(man.stdout.contains(".TH fleetc 1"), "{}", man.stdout);
    for command in commands {
        assert!(man.stdout.contains(command), "the man page lists {command}");
    }
}

/// Issue 12: `fleetc init` writes a fleet repo in which `render` and `check` pass at once, for
/// every cloud, and refuses to overwrite anything.
#[test]
fn init_writes_a_fleet_repo_that_renders_and_checks_at_once() {
    for provider in ["aws", "gcp", "azure", "onprem"] {
        let dir = tempfile::tempdir().expect("temporary folder");
        fleetc(
            dir.path(),
            &["init", "repo", "--provider", provider, "--name", "acme"],
        )
        .expect_code(0);
        let repo = dir.path().join("repo");
        let validate = fleetc(&repo, &["validate"]);
        validate.expect_code(0);
        assert!(!validate.stderr.contains("warning"), "{}", validate.stderr);
        fleetc(&repo, &["render"]).expect_code(0);
        fleetc(&repo, &["check"]).expect_code(0);
        let cluster =
            fs::read_to_string(repo.join(format!("fleet/clusters/dev-{provider}-1.yaml")))
                .expect("the cluster");
        assert!(
            cluster.contains(&format!("provider: {provider}\n")),
            "{cluster}"
        );
        // The editors' schema lines resolve.
        for (file, schema) in [
            ("fleet/fleet.yaml", "../schema/fleet.schema.json"),
            ("fleet/apps/guestbook.yaml", "../../schema/app.schema.json"),
        ] {
            let text = fs::read_to_string(repo.join(file)).unwrap();
            assert!(text.starts_with(&format!("# yaml-language-server: $schema={schema}\n")));
            assert!(
                repo.join(file).parent().unwrap().join(schema).is_file(),
                "{file}"
            );
        }
        // The workflow is the one this repository documents and lints.
        assert_eq!(
            fs::read_to_string(repo.join(".github/workflows/fleet.yml")).unwrap(),
            fs::read_to_string(repo_root().join("examples/github/fleet.yml")).unwrap()
        );
        assert_eq!(
            fs::read_to_string(repo.join(".gitattributes"))
                .unwrap()
                .lines()
                .last(),
            Some("/out/** -text")
        );
        // A second init overwrites nothing.
        let before = snapshot(&repo);
        let again = fleetc(dir.path(), &["init", "repo"]);
        again.expect_code(2);
        assert!(
            again
                .stderr
                .contains("exists: `fleetc init` starts a new fleet repo and overwrites nothing"),
            "{}",
            again.stderr
        );
        assert_eq!(snapshot(&repo), before);
    }
}

/// Issue 16 (findings 16 and 30): `ls apps` exists, a misspelt name gets a "did you mean" and
/// the command that lists the names, and `schema KIND --write` is refused rather than ignoring
/// KIND.
#[test]
fn names_that_name_nothing_say_what_was_meant() {
    let run = fleetc(&repo_root(), &["ls", "apps", "--format", "json"]);
    run.expect_code(0);
    let apps = run.json();
    let guestbook = apps
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "guestbook")
        .expect("guestbook is listed");
    // Every cluster but the Flux hub's four.
    assert_eq!(guestbook["clusters"], CLUSTERS.len() - 4);
    assert_eq!(guestbook["file"], "fleet/apps/guestbook.yaml");

    for (args, said) in [
        (
            &["explain", "guestbok", "--cluster", "hub-eu"][..],
            "error: there is no app named `guestbok`: did you mean `guestbook`? (`fleetc ls apps` lists them)\n",
        ),
        (
            &["ls", "placements", "--cluster", "hub-e"][..],
            "error: there is no cluster named `hub-e`: did you mean `hub-eu`? (`fleetc ls clusters` lists them)\n",
        ),
    ] {
        let run = fleetc(&repo_root(), args);
        run.expect_code(2);
        assert_eq!(run.stderr, said);
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let run = fleetc(
        &repo_root(),
        &["schema", "cluster", "--write", dir.path().to_str().unwrap()],
    );
    run.expect_code(2);
    assert!(snapshot(dir.path()).is_empty(), "nothing written");
}

/// Issue 16 (finding 25): fleetc works from any folder of a fleet repo, as git does: it finds
/// the nearest parent that holds `fleet/`, and shows paths from there.
#[test]
fn fleetc_works_from_a_subfolder_of_the_fleet_repo() {
    let dir = example_copy();
    let sub = dir.path().join("fleet/apps");
    fleetc(&sub, &["check"]).expect_code(0);
    edit(
        &dir.path().join("fleet/clusters/hub-eu.yaml"),
        "region:",
        "regoin:",
    );
    let run = fleetc(&sub, &["validate", "--format", "json"]);
    run.expect_code(1);
    let findings = run.json();
    let typo = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unknown-field")
        .expect("the typo is found");
    assert_eq!(typo["file"], "fleet/clusters/hub-eu.yaml");
    // Given --fleet, the folder is taken as it is, from where fleetc runs.
    fleetc(&sub, &["--fleet", ".", "validate"]).expect_code(1);
}

/// Issue 16 (finding 15): `ls` lists what it could read of an invalid fleet, saying it is
/// invalid; `explain` exits 1 when a template fails on the cluster, and JSON gives each error
/// as an object with its file, line and column.
#[test]
fn ls_and_explain_on_a_fleet_with_errors() {
    let dir = example_copy();
    edit(
        &dir.path().join("fleet/clusters/hub-eu.yaml"),
        "region:",
        "regoin:",
    );
    let run = fleetc(dir.path(), &["ls", "clusters", "--format", "json"]);
    run.expect_code(0);
    assert!(
        run.json()
            .as_array()
            .is_some_and(|c| c.len() == CLUSTERS.len())
    );
    assert!(
        run.stderr.starts_with("warning: the fleet is invalid ("),
        "{}",
        run.stderr
    );

    let dir = example_copy();
    let file = "fleet/apps/guestbook.yaml";
    edit(
        &dir.path().join(file),
        "hosts: [\"guestbook.{{ cluster.name }}.acme.example\"]",
        "hosts: [\"guestbook.{{ cluster.annotations.nope }}.acme.example\"]",
    );
    let run = fleetc(
        dir.path(),
        &[
            "explain",
            "guestbook",
            "--cluster",
            "hub-eu",
            "--format",
            "json",
        ],
    );
    run.expect_code(1);
    let errors = run.json()["errors"].clone();
    assert_eq!(errors[0]["file"], file, "{errors:#}");
    assert!(
        errors[0]["line"].is_u64() && errors[0]["column"].is_u64(),
        "{errors:#}"
    );
    assert!(
        errors[0]["message"].as_str().unwrap().contains("nope"),
        "{errors:#}"
    );
}

/// Issue 16 (finding 31): every subcommand's `--help` listed every option of every command
/// (`schema --out --no-cache --now -j`), and `schema --no-cache` was accepted and ignored. Each
/// command now lists and takes only its own; before the command they are still accepted
/// (`fleetc --rev HEAD validate`) where the command takes them, and refused where it does not.
#[test]
fn each_command_lists_and_takes_only_its_own_options() {
    let root = repo_root();
    let options = |args: &[&str]| -> Vec<String> {
        let run = fleetc(&root, args);
        run.expect_code(0);
        run.stdout
            .lines()
            .filter_map(|l| {
                let l = l.trim_start();
                // A short form first (`-j, --jobs`).
                let l = match l.split_once(", ") {
                    Some((short, long)) if short.len() == 2 => long,
                    _ => l,
                };
                l.starts_with("--")
                    .then(|| l.split_whitespace().next().unwrap_or_default().to_owned())
            })
            .collect()
    };
    let mut listed = String::new();
    for command in [
        &["render"][..],
        &["check"],
        &["validate"],
        &["diff"],
        &["explain"],
        &["ls", "clusters"],
        &["import"],
        &["init"],
        &["schema"],
        &["man"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        listed.push_str(&command.join(" "));
        listed.push_str(": ");
        listed.push_str(&options(&args).join(" "));
        listed.push('\n');
    }
    insta::assert_snapshot!("options-per-command", listed);
    let refused = fleetc(&root, &["--no-cache", "schema", "app"]);
    refused.expect_code(2);
    assert_eq!(
        refused.stderr,
        "error: `fleetc schema` takes no `--no-cache`\n"
    );
    fleetc(&root, &["schema", "app", "--no-cache"]).expect_code(2);
}
