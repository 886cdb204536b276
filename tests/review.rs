//! Git-native review: `diff` between revisions of real git repositories built in temporary
//! folders, the deletion gate, `--rev` leaving the working tree alone, and `explain`.

mod support;

use std::fs;
use std::path::Path;

use serde_json::Value;
use support::fleet::{Run, edit, example_copy, fleetc, git, snapshot};

/// A git repository holding a copy of the example fleet, committed once.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        let repo = Self {
            dir: example_copy(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.commit("base");
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        git(self.path(), args)
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    fn file(&self, relative: &str) -> std::path::PathBuf {
        self.path().join(relative)
    }

    fn fleetc(&self, args: &[&str]) -> Run {
        fleetc(self.path(), args)
    }
}

/// cert-manager goes everywhere but vclusters; this makes it skip GCP clusters too.
fn drop_cert_manager_from_gcp(repo: &Repo) {
    edit(
        &repo.file("fleet/apps/cert-manager.yaml"),
        "values: [vcluster]}",
        "values: [vcluster, gcp]}",
    );
}

/// The GCP clusters of the example fleet (by provider, read off fleet/clusters and templates).
const GCP_CLUSTERS: [&str; 3] = ["dev-eu-gcp-1", "prod-us-gcp-1", "staging-us-gcp-1"];

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|o| o["name"].as_str().expect("a name").to_owned())
        .collect()
}

#[test]
fn a_selector_change_shows_exactly_the_placements_gained_and_lost() {
    let repo = Repo::new();
    drop_cert_manager_from_gcp(&repo);
    repo.commit("cert-manager: not on GCP");
    let run = repo.fleetc(&[
        "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json",
    ]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["changed"], true);
    assert_eq!(
        report["placements"]["apps"],
        serde_json::json!([{"app": "cert-manager", "gained": [], "lost": GCP_CLUSTERS}])
    );
    for list in [
        "clusters_added",
        "clusters_removed",
        "apps_added",
        "apps_removed",
    ] {
        assert_eq!(report["placements"][list], serde_json::json!([]), "{list}");
    }
    let removed = names(&report["objects"]["removed"]);
    let expected: Vec<String> = GCP_CLUSTERS
        .iter()
        .map(|c| format!("cert-manager-{c}"))
        .collect();
    assert_eq!(removed, expected);
    assert_eq!(report["objects"]["added"], serde_json::json!([]));
    assert_eq!(report["objects"]["changed"], serde_json::json!([]));

    let text = repo.fleetc(&["diff", "--base", "HEAD~1", "--head", "HEAD"]);
    text.expect_code(0);
    insta::assert_snapshot!("diff-placements-lost", text.stdout);
}

#[test]
fn a_value_change_shows_a_unified_diff_of_each_changed_object() {
    let repo = Repo::new();
    edit(
        &repo.file("fleet/apps/cert-manager.yaml"),
        "replicaCount: 2\n        podDisruptionBudget",
        "replicaCount: 3\n        podDisruptionBudget",
    );
    let run = repo.fleetc(&["diff"]);
    run.expect_code(0);
    // The override applies to `tier: critical` clusters that get cert-manager (not vclusters).
    let critical = [
        "hub-eu",
        "hub-us",
        "onprem-eu-1",
        "prod-eu-aws-1",
        "prod-eu-azure-1",
        "prod-eu-legacy",
        "prod-us-aws-1",
        "prod-us-gcp-1",
    ];
    // One changed Application per `tier: critical` cluster, each with the one line changed.
    insta::assert_snapshot!("diff-value-change", run.stdout);
    // Issue 14: the same change on many objects is one hunk, with the objects it applies to.
    assert!(
        run.stdout
            .contains("8 objects change alike; the diff of the first stands for all:"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("+        replicaCount: 3").count(), 1);
    for cluster in critical {
        assert!(
            run.stdout
                .contains(&format!("Application argocd/cert-manager-{cluster}\n")),
            "{cluster}: {}",
            run.stdout
        );
    }
}

#[test]
fn moving_and_reformatting_fleet_files_changes_no_object() {
    let repo = Repo::new();
    // Move an app into a sub-folder, rewrite a cluster with its keys in another order and in
    // flow style, and add comments: none of it changes what the fleet means.
    fs::create_dir_all(repo.file("fleet/apps/web")).unwrap();
    fs::rename(
        repo.file("fleet/apps/guestbook.yaml"),
        repo.file("fleet/apps/web/guestbook.yaml"),
    )
    .unwrap();
    let cluster = repo.file("fleet/clusters/hub-eu.yaml");
    let value: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(&cluster).unwrap()).unwrap();
    let mapping = value.as_mapping().unwrap();
    let mut reordered = serde_yaml::Mapping::new();
    let entries: Vec<_> = mapping.iter().collect();
    for (k, v) in entries.into_iter().rev() {
        reordered.insert(k.clone(), v.clone());
    }
    fs::write(
        &cluster,
        format!(
            "# reordered\n{}",
            serde_yaml::to_string(&reordered).unwrap()
        ),
    )
    .unwrap();
    let app = repo.file("fleet/apps/cert-manager.yaml");
    let text = fs::read_to_string(&app)
        .unwrap()
        .replace("  values:\n", "  values:   # Helm values\n");
    fs::write(&app, text).unwrap();
    repo.commit("move and reformat");
    let run = repo.fleetc(&["diff", "--base", "HEAD~1", "--head", "HEAD", "--exit-code"]);
    run.expect_code(0);
    insta::assert_snapshot!("diff-no-change", run.stdout);
    assert_eq!(
        repo.fleetc(&[
            "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
        ])
        .json()["changed"],
        false
    );
}

#[test]
fn exit_code_reports_a_difference() {
    let repo = Repo::new();
    repo.fleetc(&["diff", "--exit-code"]).expect_code(0);
    drop_cert_manager_from_gcp(&repo);
    repo.fleetc(&["diff", "--exit-code"]).expect_code(1);
    repo.fleetc(&["diff"]).expect_code(0);
}

#[test]
fn reading_other_revisions_leaves_the_working_tree_byte_identical() {
    let repo = Repo::new();
    drop_cert_manager_from_gcp(&repo);
    repo.commit("cert-manager: not on GCP");
    // Leave an uncommitted change in the working tree as well.
    edit(
        &repo.file("fleet/apps/cert-manager.yaml"),
        "enabled: true\n    prometheus",
        "enabled: false\n    prometheus",
    );
    let before = snapshot(repo.path());
    let status = repo.git(&["status", "--porcelain"]);
    repo.fleetc(&["diff", "--base", "HEAD~1", "--head", "HEAD"])
        .expect_code(0);
    repo.fleetc(&["diff", "--base", "HEAD~1"]).expect_code(0);
    repo.fleetc(&["--rev", "HEAD~1", "validate"]).expect_code(0);
    let placements = repo.fleetc(&[
        "--rev",
        "HEAD~1",
        "ls",
        "placements",
        "--app",
        "cert-manager",
        "--format",
        "json",
    ]);
    placements.expect_code(0);
    // At HEAD~1 cert-manager was still on the GCP clusters.
    let clusters: Vec<String> = placements
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["cluster"].as_str().unwrap().to_owned())
        .collect();
    for gcp in GCP_CLUSTERS {
        assert!(clusters.contains(&gcp.to_owned()), "{gcp} at HEAD~1");
    }
    assert_eq!(snapshot(repo.path()), before, "the working tree changed");
    assert_eq!(repo.git(&["status", "--porcelain"]), status);
}

#[test]
fn an_unknown_revision_is_a_tool_failure() {
    let repo = Repo::new();
    let run = repo.fleetc(&["diff", "--base", "no-such-branch"]);
    run.expect_code(2);
    assert!(run.stderr.contains("no-such-branch"), "{}", run.stderr);
}

#[test]
fn a_revision_without_a_fleet_diffs_as_everything_added() {
    let repo = Repo::new();
    fs::rename(repo.file("fleet"), repo.file("fleet-later")).unwrap();
    repo.commit("no fleet yet");
    fs::rename(repo.file("fleet-later"), repo.file("fleet")).unwrap();
    let run = repo.fleetc(&["diff", "--format", "json"]);
    run.expect_code(0);
    let report = run.json();
    assert!(
        report["base"].as_str().unwrap().contains("no fleet"),
        "{report}"
    );
    assert_eq!(
        report["placements"]["clusters_added"]
            .as_array()
            .unwrap()
            .len(),
        21
    );
    assert!(report["objects"]["removed"].as_array().unwrap().is_empty());
}

/// Issue 14: on an invalid fleet the markdown report was empty, so the pull request's summary
/// said nothing exactly when it mattered; it now holds the findings.
#[test]
fn an_invalid_side_in_markdown_is_a_report_of_its_findings() {
    let repo = Repo::new();
    edit(
        &repo.file("fleet/clusters/hub-eu.yaml"),
        "region:",
        "regoin:",
    );
    let run = repo.fleetc(&["diff", "--format", "markdown"]);
    run.expect_code(1);
    insta::assert_snapshot!("diff-invalid-side-markdown", run.stdout);
}

/// Issue 14: new objects were listed without their content.
#[test]
fn new_objects_show_their_content() {
    let repo = Repo::new();
    edit(
        &repo.file("fleet/apps/guestbook.yaml"),
        "  placement:\n",
        "  placement:\n    exclude: [dev-eu-aws-1]\n",
    );
    repo.commit("guestbook leaves dev-eu-aws-1");
    let run = repo.fleetc(&["diff", "--base", "HEAD", "--head", "HEAD~1"]);
    run.expect_code(0);
    let text = &run.stdout;
    assert!(
        text.contains("objects: 1 added, 0 removed, 0 changed"),
        "{text}"
    );
    assert!(text.contains("--- /dev/null\n+++ b/out/hubs/hub-eu/clusters/dev-eu-aws-1.yaml (Application guestbook-dev-eu-aws-1)\n"), "{text}");
    assert!(text.contains("+  name: guestbook-dev-eu-aws-1\n"), "{text}");
    let md = repo
        .fleetc(&[
            "diff", "--base", "HEAD", "--head", "HEAD~1", "--format", "markdown",
        ])
        .stdout;
    assert!(md.contains("#### New objects"), "{md}");
    assert!(md.contains("+  name: guestbook-dev-eu-aws-1\n"), "{md}");
}

#[test]
fn an_invalid_side_is_reported_as_findings() {
    let repo = Repo::new();
    edit(
        &repo.file("fleet/clusters/hub-eu.yaml"),
        "region:",
        "regoin:",
    );
    let run = repo.fleetc(&["diff"]);
    run.expect_code(1);
    insta::assert_snapshot!("diff-invalid-side", run.stderr);
}

mod deletion_gate {
    use super::*;

    fn repo_deleting_three_applications() -> Repo {
        let repo = Repo::new();
        drop_cert_manager_from_gcp(&repo);
        repo
    }

    #[test]
    fn under_or_at_the_limit_passes() {
        let repo = repo_deleting_three_applications();
        repo.fleetc(&["diff", "--max-deletions", "3"])
            .expect_code(0);
        // 5% of every object the base renders (108 Applications, 17 cluster Secrets, the
        // Cluster API objects and Terraform files, each hub's kustomization and root
        // Application) allows more than 3.
        repo.fleetc(&["diff", "--max-deletions", "5%"])
            .expect_code(0);
    }

    #[test]
    fn over_the_limit_fails_and_lists_what_would_go() {
        let repo = repo_deleting_three_applications();
        let run = repo.fleetc(&["diff", "--max-deletions", "2"]);
        run.expect_code(1);
        insta::assert_snapshot!("deletion-gate-exceeded", run.stderr);
        // 1% of the base's objects allows 1.
        repo.fleetc(&["diff", "--max-deletions", "1%"])
            .expect_code(1);
        let json = repo.fleetc(&["diff", "--max-deletions", "2", "--format", "json"]);
        json.expect_code(1);
        let gate = &json.json()["deletionGate"];
        assert_eq!(
            (
                gate["allowed"].as_u64(),
                gate["deletions"].as_u64(),
                gate["exceeded"].as_bool()
            ),
            (Some(2), Some(3), Some(true))
        );
    }

    /// Issue 10: `--max-deletions` counted Applications and cluster Secrets only, not the
    /// Cluster API objects or Terraform files a removed cluster takes along.
    #[test]
    fn removing_a_cluster_counts_every_object_it_takes_along() {
        let repo = Repo::new();
        fs::remove_file(repo.file("fleet/clusters/staging-us-azure-1.yaml")).unwrap();
        let listed = repo.fleetc(&[
            "--rev",
            "HEAD",
            "ls",
            "placements",
            "--cluster",
            "staging-us-azure-1",
            "--format",
            "json",
        ]);
        let applications = listed.json().as_array().unwrap().len();
        let json = repo.fleetc(&["diff", "--max-deletions", "0", "--format", "json"]);
        let json = json.json();
        let removed = json["objects"]["removed"].as_array().unwrap();
        let kinds: std::collections::BTreeSet<&str> = removed
            .iter()
            .map(|o| o["kind"].as_str().unwrap())
            .collect();
        // staging-us-azure-1 is provisioned by Terraform: its two files go with it. It is a
        // payments cluster: the team's two namespaces, and the Application that syncs them onto
        // it, go too.
        assert_eq!(
            kinds.into_iter().collect::<Vec<_>>(),
            ["Application", "ExternalSecret", "File", "Namespace"]
        );
        assert_eq!(removed.len(), applications + 1 + 2 + 1 + 2);
        assert_eq!(json["deletionGate"]["deletions"], removed.len());
        let run = repo.fleetc(&["diff", "--max-deletions", "0"]);
        run.expect_code(1);
        assert!(
            run.stderr
                .contains(&format!("removes {} objects of every kind", removed.len())),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("argocd/cluster-staging-us-azure-1"),
            "{}",
            run.stderr
        );
        assert!(
            run.stdout.contains("ORPHANS 1 TERRAFORM ROOT MODULE"),
            "{}",
            run.stdout
        );
    }

    #[test]
    fn a_bad_limit_is_a_usage_error() {
        let repo = Repo::new();
        repo.fleetc(&["diff", "--max-deletions", "ten"])
            .expect_code(2);
        repo.fleetc(&["diff", "--max-deletions", "120%"])
            .expect_code(2);
    }
}

#[test]
fn markdown_stays_under_the_comment_limit_and_says_what_it_left_out() {
    let repo = Repo::new();
    // A large value on every cluster's guestbook: 17 changed objects of about 8 kB each.
    let big: String = (0..400).fold(String::new(), |mut text, i| {
        use std::fmt::Write as _;
        let _ = writeln!(text, "      line {i:03} of a long configuration value");
        text
    });
    edit(
        &repo.file("fleet/apps/guestbook.yaml"),
        "\n  values:\n",
        &format!("\n  values:\n    notes: |\n{big}"),
    );
    let run = repo.fleetc(&["diff", "--format", "markdown"]);
    run.expect_code(0);
    let md = &run.stdout;
    assert!(
        md.chars().count() <= 65_000,
        "{} characters",
        md.chars().count()
    );
    assert!(
        md.contains("**Objects:** 0 added, 0 removed, 17 changed"),
        "the summary is kept"
    );
    let shown = md.matches("<details>").count();
    assert!(shown > 0 && shown < 17, "{shown} diffs shown");
    assert!(
        md.contains(&format!("{} left out", plural(17 - shown))),
        "{}",
        &md[md.len().saturating_sub(400)..]
    );
    // Every shown diff is whole: its fence is closed.
    assert_eq!(md.matches("```diff").count(), shown);
    assert_eq!(md.matches("</details>").count(), shown);
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 object diff".into()
    } else {
        format!("{n} object diffs")
    }
}

#[test]
fn a_small_markdown_diff_holds_every_object() {
    let repo = Repo::new();
    drop_cert_manager_from_gcp(&repo);
    edit(
        &repo.file("fleet/apps/cert-manager.yaml"),
        "replicaCount: 2\n        podDisruptionBudget",
        "replicaCount: 3\n        podDisruptionBudget",
    );
    let md = repo.fleetc(&["diff", "--format", "markdown"]).stdout;
    assert!(
        md.contains("| `cert-manager` |  | `dev-eu-gcp-1`, `prod-us-gcp-1`, `staging-us-gcp-1` |"),
        "{md}"
    );
    assert!(!md.contains("left out"), "{md}");
    // The seven alike changes are one block that names the other six.
    assert_eq!(md.matches("<details>").count(), 1, "{md}");
    assert!(md.contains("and 6 more objects alike</summary>"), "{md}");
    assert_eq!(md.matches("\n- `hubs/").count(), 6, "{md}");
}

mod explain {
    use super::*;

    fn explain(app: &str, cluster: &str) -> String {
        let run = fleetc(
            &support::fleet::repo_root(),
            &["explain", app, "--cluster", cluster],
        );
        run.expect_code(0);
        run.stdout
    }

    /// The line of `text` for the field or value at dotted `path`.
    fn line_of<'t>(text: &'t str, path: &str) -> &'t str {
        text.lines()
            .find(|l| l.trim_start().starts_with(path))
            .unwrap_or_else(|| panic!("no line for {path} in:\n{text}"))
    }

    #[test]
    fn a_match_with_overrides_and_value_origins() {
        insta::assert_snapshot!(explain("team-payments", "prod-eu-aws-1"));
    }

    #[test]
    fn a_match_with_templated_values() {
        insta::assert_snapshot!(explain("karpenter", "dev-eu-aws-1"));
    }

    #[test]
    fn a_miss_on_not_in() {
        insta::assert_snapshot!(explain("cert-manager", "dev-eu-vcluster-1"));
    }

    #[test]
    fn an_exclusion_wins_over_a_matching_selector() {
        insta::assert_snapshot!(explain("data-residency", "prod-eu-legacy"));
    }

    /// Issue 15: a spread says where the cluster ranks in its group and why it is or is not
    /// chosen (blackbox-exporter: two workload clusters per region, preferring `tier: standard`).
    #[test]
    fn a_spread_ranks_the_cluster_in_its_group() {
        let outranked = explain("blackbox-exporter", "prod-eu-aws-1");
        insta::assert_snapshot!(outranked);
        let preferred = explain("blackbox-exporter", "dev-eu-aws-1");
        assert!(
            preferred.contains("✓ cluster has region=eu-central-1: rank 2 of 3, preferred"),
            "{preferred}"
        );
        let json = fleetc(
            &support::fleet::repo_root(),
            &[
                "explain",
                "blackbox-exporter",
                "--cluster",
                "dev-eu-aws-1",
                "--format",
                "json",
            ],
        );
        let spread = &json.json()["spread"];
        assert_eq!(
            spread,
            &serde_json::json!({"key": "region", "count": 2, "prefer": "tier=standard",
                "value": "eu-central-1", "rank": 2, "of": 3, "preferred": true, "chosen": true})
        );
    }

    #[test]
    fn overrides_that_apply_set_the_values_they_name() {
        let text = explain("team-payments", "prod-eu-aws-1");
        assert!(text.contains("✓ #2"), "{text}");
        assert!(text.contains("✗ #0"), "{text}");
        let quota = line_of(&text, "resourceQuota.pods");
        assert!(quota.contains("override #2"), "{quota}");
    }

    #[test]
    fn an_overridden_target_revision_names_the_override_that_set_it() {
        // Issue 9: cert-manager's override #0 pins production to the release before.
        let text = explain("cert-manager", "prod-eu-aws-1");
        let revision = line_of(&text, "spec.source.targetRevision");
        assert!(revision.contains("v1.17.4"), "{revision}");
        assert!(
            revision.contains("override #0 at fleet/apps/cert-manager.yaml:36:25"),
            "{revision}"
        );
        let dev = explain("cert-manager", "dev-eu-aws-1");
        let revision = line_of(&dev, "spec.source.targetRevision");
        assert!(revision.contains("v1.18.2"), "{revision}");
        assert!(
            revision.contains("app at fleet/apps/cert-manager.yaml:14:21"),
            "{revision}"
        );
    }

    #[test]
    fn templated_fields_show_their_template_and_vars_their_override() {
        // Issue 9: ingress-nginx reads its chart's version from a var that production sets (since
        // issue 15, in its `prod` stage).
        let text = explain("ingress-nginx", "prod-eu-azure-1");
        let files = line_of(&text, "spec.sources[1].helm.valueFiles[0]");
        assert!(files.contains("environments/prod/addons"), "{files}");
        let version = line_of(&text, "spec.sources[1].targetRevision");
        assert!(version.contains("4.12.4"), "{version}");
        assert!(
            version.contains("from {{ vars.chartVersion }}"),
            "{version}"
        );
        let var = line_of(&text, "chartVersion");
        assert!(
            var.contains("4.12.4  stage `prod` at fleet/apps/ingress-nginx.yaml:61:23"),
            "{var}"
        );
    }

    #[test]
    fn json_form() {
        let run = fleetc(
            &support::fleet::repo_root(),
            &[
                "explain",
                "cert-manager",
                "--cluster",
                "dev-eu-vcluster-1",
                "--format",
                "json",
            ],
        );
        let e = run.json();
        assert_eq!(e["verdict"], "notSelected");
        let provider = e["selector"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == "provider")
            .expect("the provider requirement");
        assert_eq!(provider["matches"], false);
        assert_eq!(provider["value"], "vcluster");
        assert_eq!(e["application"], Value::Null);
    }

    #[test]
    fn unknown_names_are_usage_errors() {
        let run = fleetc(
            &support::fleet::repo_root(),
            &["explain", "nope", "--cluster", "hub-eu"],
        );
        run.expect_code(2);
        insta::assert_snapshot!("explain-unknown-app", run.stderr);
    }
}

/// Issue 10: changes classified by what they do at runtime; a hub move of a Cluster API
/// cluster destroyed it and `diff --max-deletions 10%` passed.
mod runtime_effect {
    use super::*;

    /// The preview vcluster, which Cluster API provisions on hub-eu, moved to hub-us.
    fn repo_moving_the_vcluster() -> Repo {
        let repo = Repo::new();
        edit(
            &repo.file("fleet/clusters/dev-eu-vcluster-1.yaml"),
            "  hub: hub-eu\n",
            "  hub: hub-us\n",
        );
        repo
    }

    #[test]
    fn a_hub_move_of_a_capi_cluster_is_refused_as_a_destroy_and_called_a_move() {
        let repo = repo_moving_the_vcluster();
        let run = repo.fleetc(&["diff", "--max-deletions", "10%"]);
        run.expect_code(1);
        // The refusal, and a report that opens with the dangerous changes, most dangerous first.
        insta::assert_snapshot!("hub-move-of-a-capi-cluster-refusal", run.stderr);
        insta::assert_snapshot!("hub-move-of-a-capi-cluster-report", run.stdout);
    }

    #[test]
    fn allow_destroy_names_the_clusters_a_change_may_destroy() {
        let repo = repo_moving_the_vcluster();
        repo.fleetc(&["diff", "--allow-destroy", "dev-eu-vcluster-1"])
            .expect_code(0);
        repo.fleetc(&["diff", "--allow-destroy", "all"])
            .expect_code(0);
        repo.fleetc(&["diff", "--allow-destroy", "dev-eu-aws-1"])
            .expect_code(1);
        let json = repo.fleetc(&["diff", "--format", "json"]);
        json.expect_code(1);
        let report = json.json();
        assert_eq!(
            report["refusedDestroys"],
            serde_json::json!(["dev-eu-vcluster-1"])
        );
        assert_eq!(
            report["impact"]["destroyed"],
            serde_json::json!([{"cluster": "dev-eu-vcluster-1", "hub": "hub-eu", "movedTo": "hub-us"}])
        );
        assert_eq!(
            report["impact"]["moves"],
            serde_json::json!([{"cluster": "dev-eu-vcluster-1", "from": "hub-eu", "to": "hub-us", "capi": true}])
        );
    }

    #[test]
    fn the_markdown_opens_with_the_dangerous_changes() {
        let repo = repo_moving_the_vcluster();
        let run = repo.fleetc(&["diff", "--format", "markdown"]);
        run.expect_code(1);
        let (title, rest) = run.stdout.split_once("\n\n").expect("a title");
        assert!(title.starts_with("### fleetc diff:"), "{title}");
        assert!(
            rest.starts_with("> [!CAUTION]\n> **This change destroys 1 cluster**:"),
            "{}",
            run.stdout
        );
        assert!(
            rest.contains(
                "> **Refused**: destroying a cluster needs `--allow-destroy dev-eu-vcluster-1`."
            ),
            "{}",
            run.stdout
        );
    }

    #[test]
    fn max_deletions_zero_fails_for_every_kind_of_removed_object() {
        /// What a case is called, the change it makes, and the kinds it must remove.
        type Case<'a> = (&'a str, &'a dyn Fn(&Repo), &'a [&'a str]);
        // Each change removes objects of another kind.
        let cases: [Case<'_>; 4] = [
            (
                "an app",
                &|repo| fs::remove_file(repo.file("fleet/apps/guestbook.yaml")).unwrap(),
                &["Application"],
            ),
            (
                "a Cluster API cluster",
                &|repo| fs::remove_file(repo.file("fleet/clusters/prod-us-gcp-1.yaml")).unwrap(),
                &["Cluster", "GCPManagedCluster", "GCPManagedControlPlane"],
            ),
            (
                "a Terraform cluster",
                &|repo| {
                    fs::remove_file(repo.file("fleet/clusters/staging-us-azure-1.yaml")).unwrap();
                },
                &["File", "ExternalSecret"],
            ),
            (
                "the fleet repo (the hubs' root Applications)",
                &|repo| {
                    edit(
                        &repo.file("fleet/fleet.yaml"),
                        "  repo:\n    # Each hub gets a root Application that syncs out/hubs/<hub>/ from here.\n    url: https://github.com/acme/fleet.git\n    targetRevision: main\n    path: out\n",
                        "",
                    );
                },
                &["Application"],
            ),
        ];
        for (what, change, kinds) in cases {
            let repo = Repo::new();
            change(&repo);
            let run = repo.fleetc(&[
                "diff",
                "--max-deletions",
                "0",
                "--allow-destroy",
                "all",
                "--format",
                "json",
            ]);
            run.expect_code(1);
            let report = run.json();
            let removed: Vec<&str> = report["objects"]["removed"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["kind"].as_str().unwrap())
                .collect();
            for kind in kinds {
                assert!(removed.contains(kind), "{what}: no {kind} in {removed:?}");
            }
            assert_eq!(
                report["deletionGate"]["deletions"],
                removed.len(),
                "{what}: every removed object counts"
            );
            assert_eq!(report["deletionGate"]["exceeded"], true, "{what}");
        }
    }
}

/// Issue 16 (findings 22e and 41): a diff whose base is missing from a shallow CI clone says the
/// clone is shallow and how to fetch the history; outside a git repository it says it needs one.
#[test]
fn a_diff_without_its_base_says_why() {
    let repo = Repo::new();
    repo.commit("second");
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let run = fleetc(
        &clones.path().join("shallow"),
        &["diff", "--base", "HEAD~1"],
    );
    run.expect_code(2);
    insta::assert_snapshot!("diff-base-missing-from-a-shallow-clone", run.stderr);

    let plain = support::fleet::example_copy();
    let run = fleetc(plain.path(), &["diff"]);
    run.expect_code(2);
    assert_eq!(
        run.stderr,
        "error: git: reading the fleet at `HEAD` needs a git repository, and fleet is in none\n"
    );
}

/// Issue 16 (finding 21): `render --rev` wrote a revision's output into the working tree's
/// out/; it is refused. `diff --rev A --head B` ignored `--rev`; it is refused. `check --rev`
/// says what to do for that revision, not "run fleetc render".
#[test]
fn rev_means_read_a_revision_and_never_write_or_go_unheard() {
    let repo = Repo::new();
    drop_cert_manager_from_gcp(&repo);
    repo.commit("cert-manager off GCP");
    let render = repo.fleetc(&["--rev", "HEAD~1", "render"]);
    render.expect_code(2);
    let diff = repo.fleetc(&[
        "--rev", "HEAD", "diff", "--base", "HEAD~1", "--head", "HEAD",
    ]);
    diff.expect_code(2);
    // out/ is still what HEAD~1 renders.
    repo.fleetc(&["--rev", "HEAD~1", "check"]).expect_code(0);
    let check = repo.fleetc(&["--rev", "HEAD", "check"]);
    check.expect_code(1);
    insta::assert_snapshot!(
        "rev-refusals-and-check-help",
        format!(
            "--- render --rev\n{}--- diff --rev --head\n{}--- check --rev\n{}",
            render.stderr, diff.stderr, check.stderr
        )
    );
}
