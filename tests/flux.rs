//! Flux hubs (issue 18): the example's hub-mgmt delivers with Flux. Placements that read one
//! repository share its source; each `Kustomization` or `HelmRelease` reaches its cluster through
//! the right kubeconfig (Cluster API's Secret, one ESO writes from a secret store, none for the
//! hub itself); a placement change shows in `diff` as deleting workloads, like an Argo CD one;
//! an Argo CD field on a Flux hub's cluster is an `engine` error at the field.

mod support;

use std::collections::BTreeMap;
use std::fs;

use serde_json::Value;
use support::fleet::{edit, example_copy, example_repo, fleetc, git};
use support::upstream::documents;

/// The documents of a file of the example's rendered `out/`, in a copy rendered afresh.
fn rendered(files: &[&str]) -> BTreeMap<String, Vec<Value>> {
    let repo = example_copy();
    fleetc(repo.path(), &["render"]).expect_code(0);
    files
        .iter()
        .map(|f| {
            let text = fs::read_to_string(repo.path().join("out").join(f)).expect("a file");
            ((*f).to_owned(), documents(&text))
        })
        .collect()
}

fn by_name<'d>(docs: &'d [Value], kind: &str, name: &str) -> &'d Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn placements_share_their_sources_and_reach_each_cluster_by_its_kubeconfig() {
    let out = rendered(&[
        "hubs/hub-mgmt/sources.yaml",
        "hubs/hub-mgmt/clusters/edge-mgmt-1.yaml",
        "hubs/hub-mgmt/clusters/preview-mgmt-1.yaml",
        "hubs/hub-mgmt/clusters/hub-mgmt.yaml",
        "hubs/hub-mgmt/kustomization.yaml",
    ]);
    // Two apps read platform-apps at main, one a chart repository: two sources in all.
    let sources = &out["hubs/hub-mgmt/sources.yaml"];
    let kinds: Vec<&str> = sources
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["GitRepository", "HelmRepository"]);
    let git = &sources[0];
    assert_eq!(
        git["spec"]["url"],
        "https://github.com/acme/platform-apps.git"
    );
    assert_eq!(git["spec"]["ref"]["branch"], "main");
    let helm = &sources[1];
    assert_eq!(
        helm["spec"]["url"],
        "https://stefanprodan.github.io/podinfo"
    );

    // The edge cluster: its kubeconfig from Vault through ESO, on the hub.
    let edge = &out["hubs/hub-mgmt/clusters/edge-mgmt-1.yaml"];
    let es = by_name(edge, "ExternalSecret", "edge-mgmt-1-kubeconfig");
    assert_eq!(es["spec"]["target"]["name"], "edge-mgmt-1-kubeconfig");
    assert_eq!(es["spec"]["data"][0]["secretKey"], "value");
    assert_eq!(
        es["spec"]["data"][0]["remoteRef"]["key"],
        "clusters/edge-mgmt-1"
    );
    assert_eq!(es["spec"]["data"][0]["remoteRef"]["property"], "kubeconfig");
    let baseline = by_name(edge, "Kustomization", "edge-baseline-edge-mgmt-1");
    let monitoring = by_name(edge, "Kustomization", "edge-monitoring-edge-mgmt-1");
    for kustomization in [baseline, monitoring] {
        assert_eq!(
            kustomization["spec"]["sourceRef"]["name"],
            git["metadata"]["name"]
        );
        assert_eq!(kustomization["spec"]["prune"], true);
        assert_eq!(
            kustomization["spec"]["kubeConfig"]["secretRef"],
            serde_json::json!({"name": "edge-mgmt-1-kubeconfig", "key": "value"})
        );
    }
    assert_eq!(baseline["spec"]["path"], "./edge/baseline");
    assert_eq!(baseline["spec"]["targetNamespace"], "edge-system");
    let release = by_name(edge, "HelmRelease", "podinfo-edge-mgmt-1");
    assert_eq!(release["spec"]["chart"]["spec"]["chart"], "podinfo");
    assert_eq!(release["spec"]["chart"]["spec"]["version"], "6.9.2");
    assert_eq!(
        release["spec"]["chart"]["spec"]["sourceRef"]["name"],
        helm["metadata"]["name"]
    );
    assert_eq!(release["spec"]["targetNamespace"], "podinfo");
    assert_eq!(release["spec"]["install"]["createNamespace"], true);
    // The app's values, templated for the cluster, with the prod override.
    assert_eq!(
        release["spec"]["values"]["ui"]["message"],
        "served from edge-mgmt-1"
    );
    assert_eq!(release["spec"]["values"]["replicaCount"], 2);

    // The preview vcluster: Cluster API's own kubeconfig Secret, which fleetc does not render.
    let preview = &out["hubs/hub-mgmt/clusters/preview-mgmt-1.yaml"];
    assert!(preview.iter().all(|d| d["kind"] != "ExternalSecret"));
    let release = by_name(preview, "HelmRelease", "podinfo-preview-mgmt-1");
    assert_eq!(
        release["spec"]["kubeConfig"]["secretRef"],
        serde_json::json!({"name": "preview-mgmt-1-kubeconfig", "key": "value"})
    );
    assert!(
        release["spec"]["values"].get("replicaCount").is_none(),
        "a dev cluster"
    );

    // The hub itself: no kubeconfig.
    let hub = &out["hubs/hub-mgmt/clusters/hub-mgmt.yaml"];
    let release = by_name(hub, "HelmRelease", "podinfo-hub-mgmt");
    assert!(release["spec"].get("kubeConfig").is_none());
    // No Argo CD object on a Flux hub.
    for docs in out.values() {
        for doc in docs {
            let api = doc["apiVersion"].as_str().unwrap_or_default();
            assert!(!api.starts_with("argoproj.io/"), "{doc}");
        }
    }
    let kustomization = &out["hubs/hub-mgmt/kustomization.yaml"][0];
    assert!(
        kustomization["resources"]
            .as_array()
            .unwrap()
            .contains(&Value::from("sources.yaml"))
    );
}

#[test]
fn a_placement_change_on_a_flux_hub_shows_in_diff_as_deleting_workloads() {
    let repo = example_repo();
    edit(
        &repo.path().join("fleet/apps/podinfo.yaml"),
        "      matchLabels: {hub: hub-mgmt}\n",
        "      matchLabels: {hub: hub-mgmt}\n    exclude: [edge-mgmt-1]\n",
    );
    git(repo.path(), &["commit", "-qam", "podinfo leaves the edge"]);
    let run = fleetc(
        repo.path(),
        &["diff", "--base", "HEAD~1", "--format", "json"],
    );
    run.expect_code(0);
    let report = run.json();
    let removed = report["objects"]["removed"].as_array().unwrap();
    assert_eq!(removed.len(), 1, "{report}");
    assert_eq!(removed[0]["kind"], "HelmRelease");
    assert_eq!(removed[0]["name"], "podinfo-edge-mgmt-1");
    let deleted = report["impact"]["workloadsDeleted"].as_array().unwrap();
    assert_eq!(deleted.len(), 1, "{report}");
    assert_eq!(deleted[0]["name"], "podinfo-edge-mgmt-1");
    let placements = &report["placements"];
    assert!(
        placements.to_string().contains("edge-mgmt-1"),
        "{placements}"
    );
    // The gate names it, as for an Argo CD Application.
    let text = fleetc(repo.path(), &["diff", "--base", "HEAD~1"]);
    assert!(
        text.stdout.contains("podinfo-edge-mgmt-1"),
        "{}",
        text.stdout
    );
}

#[test]
fn an_argo_cd_field_on_a_flux_hubs_cluster_is_an_error_at_the_field() {
    let repo = example_copy();
    edit(
        &repo.path().join("fleet/apps/podinfo.yaml"),
        "  destination:\n    namespace: podinfo\n",
        "  destination:\n    namespace: podinfo\n  syncPolicy:\n    automated: {prune: true}\n",
    );
    let run = fleetc(repo.path(), &["validate", "--format", "json"]);
    run.expect_code(1);
    let findings = run.json();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding["code"], "engine");
    assert_eq!(finding["file"], "fleet/apps/podinfo.yaml");
    assert_eq!(finding["line"], 16, "{finding}");
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("4 clusters"), "{message}");
    assert!(message.contains("sync policy"), "{message}");
}

#[test]
fn explain_names_what_a_flux_hub_delivers() {
    let repo = example_copy();
    for (app, kind) in [
        ("podinfo", "HelmRelease"),
        ("edge-baseline", "Kustomization"),
    ] {
        let run = fleetc(repo.path(), &["explain", app, "--cluster", "edge-mgmt-1"]);
        run.expect_code(0);
        let first = run.stdout.lines().next().unwrap_or_default();
        assert!(
            first.contains(&format!("{kind} `{app}-edge-mgmt-1` on hub `hub-mgmt`")),
            "{first}"
        );
    }
}

#[test]
fn a_team_selecting_a_flux_hubs_cluster_is_an_error() {
    let repo = example_copy();
    edit(
        &repo.path().join("fleet/clusters/edge-mgmt-1.yaml"),
        "    team: platform\n",
        "    team: payments\n",
    );
    let run = fleetc(repo.path(), &["validate", "--format", "json"]);
    run.expect_code(1);
    let findings = run.json();
    // (The team's apps that land there are `engine` errors too, for their Argo CD fields.)
    let engine: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "engine" && f["file"] == "fleet/teams/payments.yaml")
        .collect();
    assert_eq!(engine.len(), 1, "{findings:#}");
    let message = engine[0]["message"].as_str().unwrap();
    assert!(
        message.contains("cluster `edge-mgmt-1` of Flux hub `hub-mgmt`"),
        "{message}"
    );
}

/// Review of issue 18: Flux's AWS identity names an EKS cluster by its ARN (account and region
/// needed) and assumes no role; so moving an EKS cluster connected for Argo CD to the Flux hub
/// names what is missing, at the connection.
#[test]
fn an_eks_cluster_on_a_flux_hub_needs_its_account_and_no_role() {
    let repo = example_copy();
    let file = repo.path().join("fleet/clusters/prod-us-aws-1.yaml");
    edit(&file, "  hub: hub-us\n", "  hub: hub-mgmt\n");
    // Its team's apps follow it, and so do Argo CD's fields; only the connection is judged here.
    let run = fleetc(repo.path(), &["validate", "--format", "json"]);
    run.expect_code(1);
    let findings = run.json();
    let connection: Vec<String> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "engine" && f["file"] == "fleet/clusters/prod-us-aws-1.yaml")
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(connection.len(), 2, "{findings:#}");
    assert!(connection[0].contains("`aws.accountId`"), "{connection:?}");
    assert!(connection[1].contains("`roleARN`"), "{connection:?}");
}

/// A private repository's sources name the Secret of the longest URL prefix they start with
/// (as Argo CD picks a repository credential template); a public one names none; the fleet
/// repo's bootstrap source is matched too.
#[test]
fn sources_of_private_repositories_name_their_secret() {
    let repo = example_copy();
    edit(
        &repo.path().join("fleet/fleet.yaml"),
        "      - url: https://github.com/acme/\n        secretName: github-acme\n",
        "      - url: https://github.com/acme/\n        secretName: github-acme\n\
         \x20     - url: https://github.com/acme/platform-\n        secretName: platform-repos\n\
         \x20     - url: https://github.com/acme/platform-\n        secretName: not-the-first\n",
    );
    fleetc(repo.path(), &["render"]).expect_code(0);
    let read = |f: &str| {
        documents(&fs::read_to_string(repo.path().join("out/hubs/hub-mgmt").join(f)).unwrap())
    };
    let secret = |doc: &Value| doc["spec"]["secretRef"]["name"].as_str().map(str::to_owned);
    let sources = read("sources.yaml");
    let by_url = |url: &str| {
        sources
            .iter()
            .find(|d| d["spec"]["url"] == url)
            .unwrap_or_else(|| panic!("no source of {url}"))
    };
    assert_eq!(
        secret(by_url("https://github.com/acme/platform-apps.git")).as_deref(),
        Some("platform-repos"),
        "the longest prefix, the first of equal ones"
    );
    assert_eq!(
        secret(by_url("https://stefanprodan.github.io/podinfo")),
        None
    );
    let bootstrap = read("bootstrap.yaml");
    let fleet_source = bootstrap
        .iter()
        .find(|d| d["kind"] == "GitRepository")
        .expect("the bootstrap's source");
    assert_eq!(
        fleet_source["spec"]["url"],
        "https://github.com/acme/fleet.git"
    );
    assert_eq!(secret(fleet_source).as_deref(), Some("github-acme"));
}

/// CRD defaults, said: a chart in git (a path with values) becomes a `HelmRelease` whose chart
/// says `version: '*'`, the CRD's default (Flux does not read it for a chart in git), and is
/// reconciled per revision; nothing in it is left for the API server to default.
#[test]
fn a_chart_in_git_says_every_version_and_each_revision() {
    let repo = example_copy();
    edit(
        &repo.path().join("fleet/apps/edge-monitoring.yaml"),
        "  destination:\n",
        "  values:\n    retention: 7d\n  destination:\n",
    );
    fleetc(repo.path(), &["render"]).expect_code(0);
    let text = fs::read_to_string(
        repo.path()
            .join("out/hubs/hub-mgmt/clusters/edge-mgmt-1.yaml"),
    )
    .expect("the edge cluster's file");
    let docs = documents(&text);
    let release = by_name(&docs, "HelmRelease", "edge-monitoring-edge-mgmt-1");
    let chart = &release["spec"]["chart"]["spec"];
    assert_eq!(chart["chart"], "./edge/monitoring");
    assert_eq!(chart["version"], "*");
    assert_eq!(chart["reconcileStrategy"], "Revision");
    if let Some(schemas) = support::upstream::upstream() {
        assert_eq!(schemas.defaulted(release), Vec::new());
    }
}

/// The fleet repo's bootstrap source takes its URL as a `GitRepository` does (a scp-like
/// `git@host:path` as `ssh://git@host/path`, which the CRD requires), and its Secret is matched
/// on that form.
#[test]
fn the_bootstrap_source_of_a_scp_like_fleet_repo_is_ssh() {
    let repo = example_copy();
    let fleet = repo.path().join("fleet/fleet.yaml");
    edit(
        &fleet,
        "url: https://github.com/acme/fleet.git",
        "url: git@github.com:acme/fleet.git",
    );
    edit(
        &fleet,
        "      - url: https://github.com/acme/\n",
        "      - url: ssh://git@github.com/acme/\n",
    );
    fleetc(repo.path(), &["render"]).expect_code(0);
    let text = fs::read_to_string(repo.path().join("out/hubs/hub-mgmt/bootstrap.yaml")).unwrap();
    let docs = documents(&text);
    let source = docs
        .iter()
        .find(|d| d["kind"] == "GitRepository")
        .expect("the bootstrap's source");
    assert_eq!(source["spec"]["url"], "ssh://git@github.com/acme/fleet.git");
    assert_eq!(source["spec"]["secretRef"]["name"], "github-acme");
}
