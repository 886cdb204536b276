//! Teams (issue 18): each hub's `AppProject` of a team lists exactly the team's namespaces on
//! the team's clusters that hub manages; each team's cluster gets exactly its namespaces, never
//! pruned; moving an app of the team's project outside them is a `team` error naming the
//! cluster. (Broken-fleet cases pin the other rules: namespaces set by an override,
//! repositories, a team app creating its namespace, projects and namespaces with two owners.)

mod support;

use std::collections::BTreeSet;
use std::fs;

use serde_json::Value;
use support::fleet::{edit, example_copy, fleetc};
use support::upstream::documents;

/// `(cluster, namespace)` pairs of an `AppProject`'s destinations.
fn destinations(project: &Value) -> BTreeSet<(String, String)> {
    project["spec"]["destinations"]
        .as_array()
        .expect("destinations")
        .iter()
        .map(|d| {
            (
                d["name"].as_str().expect("a cluster name").to_owned(),
                d["namespace"].as_str().expect("a namespace").to_owned(),
            )
        })
        .collect()
}

#[test]
fn each_hubs_app_project_lists_exactly_the_teams_namespaces_on_its_clusters() {
    let repo = example_copy();
    fleetc(repo.path(), &["render"]).expect_code(0);
    let clusters = fleetc(repo.path(), &["ls", "clusters", "--format", "json"]).json();
    let clusters = clusters.as_array().expect("a list of clusters");
    for (team, project, label, namespaces) in [
        (
            "payments",
            "payments",
            "payments",
            &["payments", "payments-batch"][..],
        ),
        ("search", "search-apps", "search", &["search"][..]),
    ] {
        for hub in ["hub-eu", "hub-us"] {
            let path = repo
                .path()
                .join(format!("out/hubs/{hub}/projects/{project}.yaml"));
            let text = fs::read_to_string(&path).expect("the team's AppProject");
            let [doc] = documents(&text).try_into().expect("one document");
            assert_eq!(doc["kind"], "AppProject");
            assert_eq!(doc["metadata"]["name"], project);
            assert_eq!(doc["metadata"]["labels"]["fleetc.dev/team"], team);
            assert_eq!(
                doc["spec"]["clusterResourceWhitelist"],
                serde_json::json!([])
            );
            let expected: BTreeSet<(String, String)> = clusters
                .iter()
                .filter(|c| c["hub"] == hub && c["labels"]["team"] == label)
                .flat_map(|c| {
                    let name = c["name"].as_str().expect("a name").to_owned();
                    namespaces
                        .iter()
                        .map(move |n| (name.clone(), (*n).to_owned()))
                })
                .collect();
            assert!(!expected.is_empty(), "{team} has clusters on {hub}");
            assert_eq!(destinations(&doc), expected, "{project} on {hub}");
        }
    }
    // Each hub's kustomization lists its projects, so the root Application applies them.
    let kustomization =
        fs::read_to_string(repo.path().join("out/hubs/hub-eu/kustomization.yaml")).expect("read");
    assert!(kustomization.contains("  - projects/payments.yaml\n"));
    assert!(kustomization.contains("  - projects/search-apps.yaml\n"));
}

#[test]
fn an_app_of_a_teams_project_on_another_teams_cluster_is_an_error_naming_it() {
    let repo = example_copy();
    // checkout is the payments team's; list a search cluster by name as well.
    edit(
        &repo.path().join("fleet/apps/checkout.yaml"),
        "      matchLabels: {team: payments}\n  values:",
        "      matchLabels: {team: payments}\n    clusters: [staging-us-gcp-1]\n  values:",
    );
    let run = fleetc(repo.path(), &["validate", "--format", "json"]);
    run.expect_code(1);
    let json = run.json();
    let diagnostics = json.as_array().expect("diagnostics");
    let teams: Vec<&Value> = diagnostics.iter().filter(|d| d["code"] == "team").collect();
    assert_eq!(teams.len(), 1, "{diagnostics:#?}");
    let message = teams[0]["message"].as_str().expect("a message");
    assert!(message.contains("team `payments`"), "{message}");
    assert!(message.contains("cluster `staging-us-gcp-1`"), "{message}");
    assert_eq!(teams[0]["file"], "fleet/apps/checkout.yaml");
    // Render refuses too, and writes nothing.
    fleetc(repo.path(), &["render"]).expect_code(1);
}

#[test]
fn each_teams_cluster_gets_exactly_its_namespaces_and_they_are_never_pruned() {
    let repo = example_copy();
    fleetc(repo.path(), &["render"]).expect_code(0);
    let clusters = fleetc(repo.path(), &["ls", "clusters", "--format", "json"]).json();
    for cluster in clusters.as_array().expect("a list of clusters") {
        let name = cluster["name"].as_str().expect("a name");
        let expected: &[(&str, Option<&str>)] = match cluster["labels"]["team"].as_str() {
            Some("payments") => &[
                ("payments", Some("restricted")),
                ("payments-batch", Some("baseline")),
            ],
            Some("search") => &[("search", None)],
            _ => &[],
        };
        let path = repo
            .path()
            .join(format!("out/clusters/{name}/namespaces.yaml"));
        if expected.is_empty() {
            assert!(!path.exists(), "{name} belongs to no team");
            continue;
        }
        let text = fs::read_to_string(&path).expect("the cluster's namespaces");
        let found: Vec<(String, Option<String>)> = documents(&text)
            .iter()
            .map(|ns| {
                assert_eq!(ns["kind"], "Namespace");
                assert_eq!(
                    ns["metadata"]["annotations"]["argocd.argoproj.io/sync-options"],
                    "Prune=false,Delete=false"
                );
                assert!(ns["metadata"]["labels"]["fleetc.dev/team"].is_string());
                (
                    ns["metadata"]["name"].as_str().expect("a name").to_owned(),
                    ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
                        .as_str()
                        .map(str::to_owned),
                )
            })
            .collect();
        let expected: Vec<(String, Option<String>)> = expected
            .iter()
            .map(|(n, level)| ((*n).to_owned(), level.map(str::to_owned)))
            .collect();
        assert_eq!(found, expected, "{name}");
    }
}
