//! `fleetc import` (issue 11) on a GitOps Bridge shaped hub written for these tests
//! (`tests/fixtures/import/`): cluster Secrets with `enable_*` labels and `*_iam_role_arn`
//! annotations, addon ApplicationSets with several sources, `$values` files per environment and
//! cluster, Helm values as a templated text, a per-environment version, goTemplate and
//! fasttemplate, and a hand-written Application. The import's own proof (every Application the
//! fleet renders is the one Argo CD generates) is checked, and then the fleet is rendered and
//! checked as a user would.

mod support;

use std::fs;
use std::path::Path;

use serde_json::Value;
use support::fleet::{Run, fleetc, repo_root, snapshot};

/// `fleetc import` of these fixture files, in a new empty folder.
fn import(files: &[&str], extra: &[&str]) -> (tempfile::TempDir, Run) {
    let dir = tempfile::Builder::new()
        .prefix("fleetc-import")
        .tempdir()
        .expect("temporary folder");
    for file in files {
        fs::copy(
            repo_root().join("tests/fixtures/import").join(file),
            dir.path().join(file),
        )
        .expect("copy the fixture");
    }
    let mut args = vec!["import"];
    args.extend_from_slice(files);
    args.extend_from_slice(extra);
    let run = fleetc(dir.path(), &args);
    (dir, run)
}

/// Imports `secrets.yaml` and `<name>.yaml`, expecting exit `code`; compares the report and
/// the App files written with the reviewed snapshots `<name>-report` and `<name>-apps`; and
/// renders the fleet.
fn reviewed_import(name: &str, code: i32) {
    let (dir, run) = import(&["secrets.yaml", &format!("{name}.yaml")], &[]);
    run.expect_code(code);
    insta::assert_snapshot!(format!("{name}-report"), run.stderr);
    insta::assert_snapshot!(format!("{name}-apps"), apps_written(dir.path()));
    fleetc(dir.path(), &["render"]).expect_code(0);
}

/// The App files an import wrote, one after another, each under its path.
fn apps_written(dir: &Path) -> String {
    let mut apps = String::new();
    for (path, bytes) in snapshot(&dir.join("fleet/apps")) {
        apps.push_str("--- fleet/apps/");
        apps.push_str(&path);
        apps.push('\n');
        apps.push_str(&String::from_utf8_lossy(&bytes));
    }
    apps
}

const HUB: [&str; 3] = ["secrets.yaml", "addons.yaml", "applications.yaml"];

#[test]
fn a_gitops_bridge_hub_imports_into_a_fleet_that_renders_every_application_alike() {
    let (dir, run) = import(&HUB, &[]);
    run.expect_code(0);
    insta::assert_snapshot!("hub-report", run.stderr);
    // The fleet, reviewed as a whole.
    let written = snapshot(&dir.path().join("fleet"));
    let mut listing = String::new();
    for (path, bytes) in &written {
        listing.push_str("--- fleet/");
        listing.push_str(path);
        listing.push('\n');
        listing.push_str(&String::from_utf8_lossy(bytes));
    }
    insta::assert_snapshot!("hub-fleet", listing);
    // And it is a fleet like any other.
    fleetc(dir.path(), &["validate"]).expect_code(0);
    fleetc(dir.path(), &["render"]).expect_code(0);
    fleetc(dir.path(), &["check"]).expect_code(0);
}

#[test]
fn the_report_as_json_counts_identical_applications_per_application_set() {
    let (_dir, run) = import(&HUB, &["--format", "json", "--dry-run"]);
    run.expect_code(0);
    let report = run.json();
    let counts: Vec<(String, u64, usize)> = report["comparisons"]
        .as_array()
        .expect("comparisons")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["identical"].as_u64().unwrap(),
                c["differences"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("addons-cert-manager".to_owned(), 3, 0),
            ("addons-aws-load-balancer-controller".to_owned(), 2, 0),
            ("addons-metrics-server".to_owned(), 3, 0),
            // No cluster enabled it: nothing to compare, and the Fleet declares its label.
            ("addons-karpenter".to_owned(), 0, 0),
            ("guestbook".to_owned(), 1, 0),
        ]
    );
    assert_eq!(
        report["written"],
        serde_json::json!([]),
        "a dry run writes nothing"
    );
}

/// Every credential of the fixtures' Secrets, as it appears in them (base64) and decoded.
fn credentials() -> Vec<String> {
    use base64::Engine as _;
    let mut found = vec![
        "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZsZWV0YyJ9".to_owned(), // the bearer token
        "BEGIN EC PRIVATE KEY".to_owned(),                     // the TLS client key
        "AKIAIOSFODNN7EXAMPLE".to_owned(),                     // exec env: an AWS key id
        "wJalrXUtnFEMI".to_owned(),                            // exec env: its secret
        "correct-horse-battery-staple".to_owned(),             // a password
        "aws-iam-authenticator".to_owned(),                    // the exec config at all
    ];
    // The client key's base64, as `keyData` carries it.
    let key = "-----BEGIN EC PRIVATE KEY-----\n";
    found.push(base64::engine::general_purpose::STANDARD.encode(key)[..24].to_owned());
    found
}

/// The decoded `data` of every Secret in these files, joined, and each `config` as written.
fn secret_data(dir: &Path, files: &[&str]) -> (String, Vec<String>) {
    use base64::Engine as _;
    let mut decoded = String::new();
    let mut configs = Vec::new();
    for file in files {
        let list: Value =
            serde_yaml::from_str(&fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        for item in list["items"].as_array().unwrap() {
            for (key, value) in item["data"].as_object().unwrap() {
                let text = value.as_str().unwrap();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .unwrap();
                decoded.push_str(&String::from_utf8_lossy(&bytes));
                if key == "config" {
                    configs.push(text.to_owned());
                }
            }
        }
    }
    (decoded, configs)
}

fn contains_any(
    files: &std::collections::BTreeMap<String, Vec<u8>>,
    needles: &[String],
) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(bytes);
        for needle in needles {
            if text.contains(needle.as_str()) {
                hits.push(format!("{path}: {needle}"));
            }
        }
    }
    hits
}

#[test]
fn no_credential_of_a_cluster_secret_reaches_the_fleet_or_out() {
    let files = ["secrets.yaml", "credentials.yaml", "addons.yaml"];
    let (dir, run) = import(&files, &[]);
    run.expect_code(0);
    // The inputs do hold them (so the test looks for what is there), inside the Secrets'
    // base64 `config`s, which must not be copied either.
    let (decoded, configs) = secret_data(dir.path(), &files[..2]);
    // (The client key is base64 once more inside `config`: its PEM is looked for in the
    // output, its base64 in both.)
    for needle in credentials().iter().filter(|n| !n.starts_with("BEGIN")) {
        assert!(
            decoded.contains(needle.as_str()),
            "the fixtures hold {needle}"
        );
    }
    let mut needles = credentials();
    needles.extend(configs);
    fleetc(dir.path(), &["render"]).expect_code(0);
    for folder in ["fleet", "out"] {
        let written = snapshot(&dir.path().join(folder));
        assert!(!written.is_empty());
        let hits = contains_any(&written, &needles);
        assert!(hits.is_empty(), "credentials in {folder}/: {hits:?}");
    }
    // The clusters with credentials read their connection from the secret store, and the
    // import says what the store must hold.
    for cluster in ["onprem-1", "edge-exec", "lab-basic"] {
        let text = fs::read_to_string(dir.path().join(format!("fleet/clusters/{cluster}.yaml")))
            .expect("the cluster is imported");
        assert!(
            text.contains("secretStore:\n      name: cluster-secrets"),
            "{text}"
        );
    }
    assert!(
        run.stderr.contains("the properties `server` and `config` of the cluster Secret of `edge-exec`, `lab-basic`, `onprem-1`"),
        "{}",
        run.stderr
    );
}

#[test]
fn what_import_cannot_express_is_a_positioned_finding_and_left_out() {
    let (dir, run) = import(&["secrets.yaml", "unsupported.yaml"], &["--format", "json"]);
    run.expect_code(1);
    let report = run.json();
    let findings: Vec<(String, String, u64, u64)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let at = |line, column| {
        (
            "import".to_owned(),
            "unsupported.yaml".to_owned(),
            line,
            column,
        )
    };
    // The git generator, the unknown function, the annotation a cluster lacks.
    assert_eq!(findings, [at(10, 7), at(42, 13), at(74, 15)], "{report:#}");
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].contains("the `git` generator"),
        "{}",
        messages[0]
    );
    assert!(messages[1].contains("`sha256sum`"), "{}", messages[1]);
    assert!(
        messages[2].contains("on cluster `onprem-1`"),
        "{}",
        messages[2]
    );
    let apps = dir.path().join("fleet/apps");
    assert!(
        !apps.exists() || fs::read_dir(&apps).unwrap().next().is_none(),
        "nothing written for them"
    );
}

#[test]
fn an_application_set_the_fleet_renders_otherwise_is_a_difference() {
    let (_dir, run) = import(&["secrets.yaml", "differs.yaml"], &[]);
    run.expect_code(1);
    insta::assert_snapshot!("differs-report", run.stderr);
}

#[test]
fn import_refuses_to_overwrite_a_fleet_unless_forced() {
    let (dir, run) = import(&HUB, &[]);
    run.expect_code(0);
    let again = fleetc(
        dir.path(),
        &["import", "secrets.yaml", "addons.yaml", "applications.yaml"],
    );
    again.expect_code(2);
    assert!(
        again
            .stderr
            .contains("fleet/fleet.yaml exists; pass --force"),
        "{}",
        again.stderr
    );
    fleetc(
        dir.path(),
        &[
            "import",
            "secrets.yaml",
            "addons.yaml",
            "applications.yaml",
            "--force",
        ],
    )
    .expect_code(0);
}

#[test]
fn the_hub_is_the_in_cluster_secrets_cluster_unless_named() {
    let (dir, run) = import(&HUB, &["--dry-run", "--hub", "hub-eu", "--format", "json"]);
    run.expect_code(1);
    let report: Value = run.json();
    let found = report["findings"].to_string();
    assert!(
        found.contains(
            "cluster Secret `hub-cluster-cluster-secret` is left out: it connects in-cluster"
        ),
        "{report:#}"
    );
    assert!(!Path::new(&dir.path().join("fleet")).exists());
}

/// The GitOps Bridge way to pin a version per environment (a merge of cluster generators)
/// becomes an override of the App's vars; a matrix with a list becomes one App per element.
#[test]
fn a_merge_becomes_overrides_and_a_matrix_one_app_per_element() {
    reviewed_import("generators", 0);
}

/// Argo CD drops every Application of a name two clusters share; the import says so, names
/// them apart, and the comparison shows each as a difference.
#[test]
fn an_application_name_two_clusters_share_is_named_apart_and_reported() {
    let (dir, run) = import(&["secrets.yaml", "collision.yaml"], &[]);
    run.expect_code(1);
    insta::assert_snapshot!("collision-report", run.stderr);
    fleetc(dir.path(), &["render"]).expect_code(0);
    let placements = fleetc(dir.path(), &["ls", "placements", "--format", "json"]).json();
    let names: Vec<&str> = placements
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["application"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["prod-dashboards-onprem-1", "prod-dashboards-spoke-prod"]
    );
}

/// `templatePatch` (issue 11): a patch of list elements and literal values is written once
/// per App (Argo CD's documented example, with `range` and `if`); one whose actions sit inside
/// strings folds into the template; one whose structure depends on the cluster is a finding at
/// the patch. The report compares every Application with the patch applied per cluster.
#[test]
fn a_template_patch_folds_into_the_app_where_it_is_the_same_on_every_cluster() {
    reviewed_import("patches", 1);
}

/// A generator's post-selector (issue 11): on a cluster generator's labels it joins the
/// placement; on a matrix's list it keeps the elements it matches; on anything else (here the
/// cluster's name) it is a finding at the post-selector.
#[test]
fn a_post_selector_on_labels_joins_the_placement_and_on_a_list_keeps_elements() {
    reviewed_import("post-selectors", 1);
}

/// A list generator alone (issue 11): each element's Application goes where its destination
/// says, by server or name, so each element becomes an App placed on that cluster with the
/// element as its vars; an element that sends its Application to a cluster no imported Secret
/// describes is a finding at the element.
#[test]
fn a_list_alone_places_each_element_on_the_cluster_its_destination_names() {
    reviewed_import("lists", 1);
}
