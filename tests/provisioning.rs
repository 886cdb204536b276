//! Provisioning, shown with the real consumers of the output:
//!
//! 1. every Cluster API document (and every `ExternalSecret` that reads a CAPI kubeconfig)
//!    validates against the upstream CRDs of cluster-api and each provider;
//! 2. every rendered Terraform folder passes the real `terraform init -backend=false`,
//!    `terraform validate` and `terraform plan` against local stub modules that declare the
//!    configured inputs, and an input a module lacks fails;
//! 3. the key a Terraform cluster's module call publishes and the key its `ExternalSecret` reads
//!    are the same string, sanitised for its backend (AWS, Vault, GCP, Azure);
//! 4. an expiry warns in the week before it and fails from it on, judged at `--now`.
//!
//! Each runs on the committed example `out/` and on `tests/fixtures/provisioning`, a fleet with a
//! Cluster API cluster of every provider (rendered with and without `ClusterClasses`) and a
//! Terraform cluster of every cloud, each publishing to another backend.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::fleet::{Run, copy_dir, edit, fixture_repo, fleetc, repo_root, snapshot};
use support::upstream::{documents, upstream};

/// The time the fixture is rendered at (its vcluster expires on 2027-06-30).
const NOW: &str = "2026-11-21T00:00:00Z";

/// The fixture's `spec.capi`, before `with_cluster_classes` adds a class for every provider.
const CAPI_SETTINGS: &str = "  capi:\n    namespace: capi-system-clusters\n";

/// A temporary fleet repo holding a copy of `tests/fixtures/provisioning/fleet`.
fn fixture() -> tempfile::TempDir {
    fixture_repo("provisioning")
}

/// The fixture with a `ClusterClass` for every provider.
fn with_cluster_classes(repo: &Path) {
    edit(
        &repo.join("fleet/fleet.yaml"),
        CAPI_SETTINGS,
        &format!(
            "{CAPI_SETTINGS}    clusterClasses:
      aws:
        name: eks-managed-v1
        namespace: capi-classes
        variables: {{name: eksClusterName, region: region, vpcId: vpcID, subnetIds: subnetIDs}}
        instanceTypeVariable: instanceType
      gcp:
        name: gke-v1
        variables: {{project: project, region: region, labels: resourceLabels}}
        machinePoolClass: gke-pool
      azure:
        name: aks-v1
        variables: {{resourceGroup: resourceGroup, subscriptionId: subscriptionID, region: location}}
        instanceTypeVariable: vmSize
      vcluster:
        name: vcluster-v1
"
        ),
    );
}

/// Renders the fleet in `repo` at [`NOW`] and returns `out/` by relative path.
fn render(repo: &Path) -> BTreeMap<String, Vec<u8>> {
    fleetc(repo, &["render", "--now", NOW]).expect_code(0);
    snapshot(&repo.join("out"))
}

/// A rendered tree: its name, `out/` by relative path, and its Fleet document.
type Tree = (&'static str, BTreeMap<String, Vec<u8>>, Value);

/// The `out/` trees the tests check: the committed example's, the fixture's, and the fixture's
/// with `ClusterClasses`, each with its `fleet/fleet.yaml`.
fn trees() -> Vec<Tree> {
    let fleet_of = |repo: &Path| -> Value {
        let text = fs::read_to_string(repo.join("fleet/fleet.yaml")).expect("read fleet.yaml");
        documents(&text).remove(0)
    };
    let plain = fixture();
    let classes = fixture();
    with_cluster_classes(classes.path());
    vec![
        (
            "example",
            snapshot(&repo_root().join("out")),
            fleet_of(&repo_root()),
        ),
        ("fixture", render(plain.path()), fleet_of(plain.path())),
        (
            "fixture with ClusterClasses",
            render(classes.path()),
            fleet_of(classes.path()),
        ),
    ]
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("UTF-8 output")
}

fn at<'a>(doc: &'a Value, pointer: &str) -> &'a str {
    doc.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

// 1. Cluster API documents against the upstream CRDs.

#[test]
fn every_capi_document_validates_against_the_upstream_crds() {
    let Some(schemas) = upstream() else { return };
    let mut errors = Vec::new();
    let mut kinds = BTreeSet::new();
    for (name, tree, _) in trees() {
        let mut topologies = 0;
        for (path, bytes) in &tree {
            let parts: Vec<&str> = path.split('/').collect();
            let ["hubs", hub, folder, file] = parts[..] else {
                continue;
            };
            if folder == "provisioning" {
                let kustomization = text(&tree[&format!("hubs/{hub}/kustomization.yaml")]);
                assert!(
                    kustomization.contains(&format!("  - provisioning/{file}\n")),
                    "{name}: {path} is not in its hub's kustomization"
                );
                for doc in documents(text(bytes)) {
                    kinds.insert(at(&doc, "/kind").to_owned());
                    if doc.pointer("/spec/topology").is_some() {
                        topologies += 1;
                    }
                }
            }
            if let Err(found) = schemas.validate_yaml(text(bytes)) {
                errors.extend(found.into_iter().map(|e| format!("{name}: {path}: {e}")));
            }
        }
        if name == "fixture with ClusterClasses" {
            assert_eq!(topologies, 4, "{name}: a topology Cluster per provider");
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    for kind in [
        "Cluster",
        "MachinePool",
        "AWSManagedCluster",
        "AWSManagedControlPlane",
        "AWSManagedMachinePool",
        "AzureASOManagedCluster",
        "AzureASOManagedControlPlane",
        "AzureASOManagedMachinePool",
        "GCPManagedCluster",
        "GCPManagedControlPlane",
        "GCPManagedMachinePool",
        "VCluster",
    ] {
        assert!(kinds.contains(kind), "no {kind} was checked: {kinds:?}");
    }
}

#[test]
fn capi_connections_read_the_kubeconfig_secret_capi_writes() {
    let repo = fixture();
    let out = render(repo.path());
    for cluster in ["capi-aws", "capi-gcp", "capi-azure", "capi-vcluster"] {
        let file = text(&out[&format!("hubs/hub-a/clusters/{cluster}.yaml")]);
        let es = documents(file).remove(0);
        assert_eq!(at(&es, "/kind"), "ExternalSecret", "{cluster}");
        assert_eq!(
            at(&es, "/spec/data/0/remoteRef/key"),
            format!("{cluster}-kubeconfig")
        );
        assert_eq!(at(&es, "/spec/data/0/remoteRef/property"), "value");
        assert_eq!(at(&es, "/spec/secretStoreRef/name"), "capi-kubeconfigs");
        let provisioning = text(&out[&format!("hubs/hub-a/provisioning/{cluster}.yaml")]);
        let capi_cluster = documents(provisioning).remove(0);
        assert_eq!(at(&capi_cluster, "/metadata/name"), cluster);
        assert_eq!(
            at(&capi_cluster, "/metadata/namespace"),
            "capi-system-clusters"
        );
    }
    let eks = documents(text(&out["hubs/hub-a/provisioning/capi-aws.yaml"]));
    let control_plane = eks
        .iter()
        .find(|d| d["kind"] == "AWSManagedControlPlane")
        .expect("an AWSManagedControlPlane");
    assert_eq!(at(control_plane, "/spec/eksClusterName"), "capi-aws");
    let es = documents(text(&out["hubs/hub-a/clusters/capi-aws.yaml"])).remove(0);
    assert!(
        at(&es, "/spec/target/template/data/config").contains("\"clusterName\": \"capi-aws\""),
        "awsAuthConfig names the EKS cluster CAPA creates"
    );
}

// 2. Terraform root modules against local stub modules.

/// Whether `terraform` can run; otherwise the test is skipped (or fails when tools are required).
fn terraform_available(test: &str) -> bool {
    support::tools::available("terraform", &["version"], test)
}

/// The stub module that stands for a module source (see tests/fixtures/terraform-stubs).
fn stub_for(source: &str) -> &'static str {
    match source {
        "app.terraform.io/acme/eks-cluster/aws" => "eks-cluster",
        "app.terraform.io/acme/gke-cluster/google" => "gke-cluster",
        "app.terraform.io/acme/aks-cluster/azurerm" => "aks-cluster",
        s if s.starts_with("git::https://github.com/acme/terraform-talos-cluster.git") => {
            "talos-cluster"
        }
        other => panic!("no stub module stands for {other}"),
    }
}

/// Runs `terraform` with `args` in `dir`, isolated from any user configuration and the network.
fn terraform(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new("terraform")
        .args(args)
        .current_dir(dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", dir.join("empty.tfrc"))
        .env("TF_DATA_DIR", dir.join(".terraform"))
        .env("TF_PLUGIN_CACHE_DIR", dir.join(".plugins"))
        .env_remove("TF_CLI_ARGS")
        .output()
        .expect("terraform runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Copies a rendered Terraform folder beside the stub modules, points each module call at its
/// stub (dropping `version`, which local sources reject), then runs `terraform init
/// -backend=false`, `terraform validate` and `terraform plan` (which loads
/// `terraform.tfvars.json`; validate does not). `Err` holds what terraform said, on a failure or
/// a warning.
fn terraform_check(files: &BTreeMap<String, Vec<u8>>, folder: &str) -> Result<(), String> {
    let work = tempfile::Builder::new()
        .prefix("fleetc-terraform")
        .tempdir()
        .expect("temporary folder");
    let dir = work.path();
    copy_dir(
        &repo_root().join("tests/fixtures/terraform-stubs"),
        &dir.join("stubs"),
    );
    fs::create_dir_all(dir.join(".plugins")).expect("plugin cache");
    fs::write(dir.join("empty.tfrc"), "").expect("empty CLI configuration");
    let prefix = format!("{folder}/");
    for (path, bytes) in files {
        let Some(name) = path.strip_prefix(&prefix) else {
            continue;
        };
        let mut bytes = bytes.clone();
        if name == "main.tf.json" {
            let mut root: Value = serde_json::from_slice(&bytes).expect("main.tf.json is JSON");
            let calls = root["module"].as_object_mut().expect("module calls");
            for call in calls.values_mut() {
                let source = call["source"].as_str().expect("a literal source");
                call["source"] = Value::String(format!("./stubs/{}", stub_for(source)));
                call.as_object_mut()
                    .expect("a module call")
                    .remove("version");
            }
            bytes = serde_json::to_vec_pretty(&root).expect("JSON");
        }
        fs::write(dir.join(name), bytes).expect("write a Terraform file");
    }
    let steps: [&[&str]; 3] = [
        &["init", "-backend=false", "-input=false", "-no-color"],
        &["validate", "-no-color"],
        &[
            "plan",
            "-input=false",
            "-lock=false",
            "-refresh=false",
            "-no-color",
        ],
    ];
    for args in steps {
        let run = terraform(dir, args);
        let said = format!("{}{}", run.stdout, run.stderr);
        if run.code != Some(0) || said.contains("Warning") {
            return Err(format!(
                "terraform {} in {folder} (exit {:?}):\n{said}",
                args.join(" "),
                run.code
            ));
        }
    }
    Ok(())
}

/// The Terraform folders of a tree (`terraform/<cluster>`).
fn terraform_folders(tree: &BTreeMap<String, Vec<u8>>) -> BTreeSet<String> {
    tree.keys()
        .filter(|p| p.starts_with("terraform/"))
        .filter_map(|p| p.rsplit_once('/').map(|(folder, _)| folder.to_owned()))
        .collect()
}

#[test]
fn every_terraform_folder_passes_terraform_validate_against_stub_modules() {
    if !terraform_available("every_terraform_folder_passes_terraform_validate_against_stub_modules")
    {
        return;
    }
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, tree, _) in trees() {
        for folder in terraform_folders(&tree) {
            let files: BTreeSet<&str> = tree
                .keys()
                .filter_map(|p| p.strip_prefix(&format!("{folder}/")))
                .collect();
            assert_eq!(
                files,
                BTreeSet::from(["main.tf.json", "terraform.tfvars.json"]),
                "{name}: {folder}"
            );
            if let Err(e) = terraform_check(&tree, &folder) {
                failures.push(format!("{name}: {e}"));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // 5 in the example, 4 in each fixture tree.
    assert_eq!(checked, 13);
}

#[test]
fn an_input_the_module_lacks_fails_terraform_validate() {
    if !terraform_available("an_input_the_module_lacks_fails_terraform_validate") {
        return;
    }
    let repo = fixture();
    // The aws module is told to take the account id as `account_id`, which the module (like the
    // real terraform-aws-modules/eks) does not declare.
    edit(
        &repo.path().join("fleet/fleet.yaml"),
        "          vpcId: vpc_id\n",
        "          vpcId: vpc_id\n          accountId: account_id\n",
    );
    let out = render(repo.path());
    let said = terraform_check(&out, "terraform/tf-aws").expect_err("validate must fail");
    assert!(
        said.contains("terraform validate") && said.contains("Extraneous JSON object property"),
        "{said}"
    );
    assert!(said.contains("\"account_id\""), "{said}");
    // The other clusters are untouched by the aws mapping.
    terraform_check(&out, "terraform/tf-gcp").expect("the gcp module still validates");
}

#[test]
fn terraform_ignores_the_marker_key_in_a_variables_file_but_warns_of_other_keys() {
    if !terraform_available(
        "terraform_ignores_the_marker_key_in_a_variables_file_but_warns_of_other_keys",
    ) {
        return;
    }
    // Why terraform.tfvars.json can carry fleetc's marker as its `"//"` key: Terraform skips it
    // in a variables file as in a configuration file, while any other undeclared key warns.
    let marker = r#""//": "Code generated by fleetc. DO NOT EDIT.""#;
    for (extra, warns) in [("", false), (r#", "undeclared": 1"#, true)] {
        let work = tempfile::tempdir().expect("temporary folder");
        let dir = work.path();
        fs::write(dir.join("empty.tfrc"), "").expect("empty CLI configuration");
        fs::write(
            dir.join("main.tf.json"),
            format!(r#"{{{marker}, "variable": {{"name": {{"type": "string"}}}}, "output": {{"name": {{"value": "${{var.name}}"}}}}}}"#),
        )
        .expect("write main.tf.json");
        fs::write(
            dir.join("terraform.tfvars.json"),
            format!(r#"{{{marker}, "name": "x"{extra}}}"#),
        )
        .expect("write terraform.tfvars.json");
        let init = terraform(
            dir,
            &["init", "-backend=false", "-input=false", "-no-color"],
        );
        assert_eq!(init.code, Some(0), "{}{}", init.stdout, init.stderr);
        let plan = terraform(dir, &["plan", "-input=false", "-lock=false", "-no-color"]);
        let said = format!("{}{}", plan.stdout, plan.stderr);
        assert_eq!(plan.code, Some(0), "{said}");
        assert_eq!(
            said.contains("Value for undeclared variable"),
            warns,
            "{said}"
        );
        assert!(!said.contains("\"//\""), "{said}");
    }
}

// 3. The key Terraform publishes is the key the ExternalSecret reads.

/// Whether `key` is a valid secret name on the backend of `provider` (written from each
/// backend's naming rules, independently of fleetc's sanitiser).
fn valid_on_backend(provider: &str, key: &str) -> bool {
    let only = |extra: &str, max: usize| {
        !key.is_empty()
            && key.len() <= max
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
    };
    match provider {
        // AWS Secrets Manager: letters, digits and /_+=.@-, at most 512.
        "aws" => only("/_+=.@-", 512),
        // Vault KV: path segments separated by single slashes.
        "vault" => {
            only("/_.-", 1024)
                && !key.starts_with('/')
                && !key.ends_with('/')
                && !key.contains("//")
        }
        // GCP Secret Manager: [A-Za-z0-9_-]{1,255}.
        "gcp" => only("_-", 255),
        // Azure Key Vault: [0-9a-zA-Z-]{1,127}.
        "azure" => only("-", 127),
        other => panic!("unknown backend {other}"),
    }
}

#[test]
fn terraform_publishes_the_key_its_external_secret_reads() {
    let mut backends = BTreeSet::new();
    let mut keys = BTreeMap::new();
    for (name, tree, fleet) in trees() {
        for folder in terraform_folders(&tree) {
            let cluster = folder.trim_start_matches("terraform/");
            let tfvars: Value =
                serde_json::from_slice(&tree[&format!("{folder}/terraform.tfvars.json")])
                    .expect("tfvars are JSON");
            let cluster_file = tree
                .iter()
                .find_map(|(p, b)| {
                    p.ends_with(&format!("/clusters/{cluster}.yaml"))
                        .then(|| text(b))
                })
                .unwrap_or_else(|| panic!("{name}: {cluster} has no cluster file"));
            let es = documents(cluster_file).remove(0);
            assert_eq!(at(&es, "/kind"), "ExternalSecret", "{name}: {cluster}");
            let read: BTreeSet<&str> = es["spec"]["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|item| at(item, "/remoteRef/key"))
                .collect();
            assert_eq!(read.len(), 1, "{name}: {cluster} reads one key: {read:?}");
            let read = read.into_iter().next().unwrap_or_default();

            let provider = at(&es, "/spec/target/template/metadata/labels/provider");
            let input = at(
                &fleet,
                &format!("/spec/terraform/modules/{provider}/inputs/connectionKey"),
            );
            assert!(
                !input.is_empty(),
                "{name}: no connectionKey input for {provider}"
            );
            assert_eq!(
                tfvars[input].as_str(),
                Some(read),
                "{name}: {cluster} publishes under another key than its ExternalSecret reads"
            );

            let store_name = at(&es, "/spec/secretStoreRef/name");
            let store = fleet["spec"]["secretStores"]
                .as_array()
                .expect("secret stores")
                .iter()
                .find(|s| s["storeName"].as_str().or(s["name"].as_str()) == Some(store_name))
                .unwrap_or_else(|| panic!("{name}: no store {store_name}"));
            let backend = at(store, "/provider");
            assert!(
                valid_on_backend(backend, read),
                "{name}: `{read}` is not a valid {backend} secret name"
            );
            backends.insert(backend.to_owned());
            if name == "fixture" {
                keys.insert(cluster.to_owned(), read.to_owned());
            }
        }
    }
    assert_eq!(
        backends,
        BTreeSet::from(["aws", "azure", "gcp", "vault"].map(str::to_owned))
    );
    // The fixture's prefixes each break their backend's rules until sanitised.
    assert_eq!(
        keys,
        BTreeMap::from(
            [
                ("tf-aws", "fleet-clusters/tf-aws"),
                ("tf-azure", "argocd-cluster-tf-azure"),
                ("tf-gcp", "argocd-clusters-tf-gcp"),
                ("tf-onprem", "kv/clusters/tf-onprem"),
            ]
            .map(|(c, k)| (c.to_owned(), k.to_owned()))
        )
    );
}

// 4. Expiry, judged at --now.

/// `fleetc validate --format json --now <now>` on `repo`: the exit code and the findings.
fn validate_at(repo: &Path, now: &str) -> (Option<i32>, Vec<Value>) {
    let run = fleetc(repo, &["validate", "--format", "json", "--now", now]);
    let findings = run.json().as_array().cloned().unwrap_or_default();
    (run.code, findings)
}

/// The 1-based line of the first line of `file` in `repo` that contains `needle` after the
/// first line that contains `anchor`.
fn line_of(repo: &Path, file: &str, anchor: &str, needle: &str) -> u64 {
    let text = fs::read_to_string(repo.join(file)).expect("read a fleet file");
    let start = text
        .lines()
        .position(|l| l.contains(anchor))
        .unwrap_or_else(|| panic!("{anchor:?} not in {file}"));
    let found = text
        .lines()
        .skip(start)
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not after {anchor:?} in {file}"));
    u64::try_from(start + found + 1).expect("a line number")
}

/// The one finding of `findings`, which must have this severity and code and be at this line
/// of `file`.
fn only_finding<'a>(findings: &'a [Value], severity: &str, file: &str, line: u64) -> &'a Value {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding["severity"], severity, "{finding}");
    assert_eq!(finding["code"], "expiry", "{finding}");
    assert_eq!(finding["file"], file, "{finding}");
    assert_eq!(finding["line"], line, "{finding}");
    finding
}

#[test]
fn expiry_is_silent_until_a_week_before() {
    let repo = fixture();
    // capi-vcluster expires on 2027-06-30, that is at its midnight UTC.
    let (code, findings) = validate_at(repo.path(), "2027-06-22T23:59:59Z");
    assert_eq!(code, Some(0));
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn expiry_warns_in_the_week_before() {
    let repo = fixture();
    let file = "fleet/clusters/capi.yaml";
    let line = line_of(repo.path(), file, "name: capi-vcluster", "expires:");
    for (now, left) in [
        ("2027-06-23T00:00:00Z", "in 7 days"),
        ("2027-06-25", "in 5 days"),
        ("2027-06-29T22:00:00Z", "in 2 hours"),
    ] {
        let (code, findings) = validate_at(repo.path(), now);
        assert_eq!(code, Some(0), "a warning does not fail validation ({now})");
        let finding = only_finding(&findings, "warning", file, line);
        let message = finding["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("`capi-vcluster` expires at 2027-06-30T00:00:00Z")
                && message.contains(left),
            "{now}: {message}"
        );
    }
}

#[test]
fn expiry_fails_from_the_expiry_on() {
    let repo = fixture();
    let file = "fleet/clusters/capi.yaml";
    let line = line_of(repo.path(), file, "name: capi-vcluster", "expires:");
    for now in ["2027-06-30T00:00:00Z", "2028-01-01"] {
        let (code, findings) = validate_at(repo.path(), now);
        assert_eq!(code, Some(1), "{now}");
        let finding = only_finding(&findings, "error", file, line);
        assert!(
            finding["message"]
                .as_str()
                .is_some_and(|m| m.contains("`capi-vcluster` expired at 2027-06-30T00:00:00Z")),
            "{finding}"
        );
        assert!(
            finding["help"]
                .as_str()
                .is_some_and(|h| h.contains("delete") && h.contains("spec.expires")),
            "{finding}"
        );
    }
    // Nothing is rendered from a fleet with an expired cluster.
    let render = fleetc(repo.path(), &["render", "--now", "2027-07-01"]);
    render.expect_code(1);
    assert!(!repo.path().join("out").exists());
}

#[test]
fn now_decides_and_text_output_points_at_the_expiry() {
    let repo = fixture();
    let file = "fleet/clusters/capi.yaml";
    let line = line_of(repo.path(), file, "name: capi-vcluster", "expires:");
    let before = fleetc(repo.path(), &["validate", "--now", "2026-11-21"]);
    before.expect_code(0);
    let after = fleetc(
        repo.path(),
        &["validate", "--now", "2027-07-01T12:00:00+02:00"],
    );
    after.expect_code(1);
    let said = format!("{}{}", after.stdout, after.stderr);
    assert!(said.contains("error[expiry]"), "{said}");
    assert!(said.contains(&format!("{file}:{line}:")), "{said}");
    assert!(said.contains("1 day ago"), "{said}");
    let bad = fleetc(repo.path(), &["validate", "--now", "next tuesday"]);
    bad.expect_code(2);
}

#[test]
fn an_expiry_set_by_a_template_is_reported_in_the_template() {
    let repo = fixture();
    fs::write(
        repo.path().join("fleet/templates.yaml"),
        "apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: preview-v1
template:
  spec:
    expires: 2027-01-10T12:00:00Z
",
    )
    .expect("write a template");
    edit(
        &repo.path().join("fleet/clusters/capi.yaml"),
        "  provider: vcluster\n",
        "  provider: vcluster\n  template: preview-v1\n",
    );
    edit(
        &repo.path().join("fleet/clusters/capi.yaml"),
        "  expires: \"2027-06-30\"\n",
        "",
    );
    let (code, findings) = validate_at(repo.path(), "2027-01-09");
    assert_eq!(code, Some(0));
    let line = line_of(repo.path(), "fleet/templates.yaml", "template:", "expires:");
    only_finding(&findings, "warning", "fleet/templates.yaml", line);
}

/// Issue 10: the example's preview once expired on 2027-06-30, after which the README's first
/// command failed. It now warns only from 2036-06-23T18:00Z, and expires a week later.
#[test]
fn the_example_stays_valid_for_years() {
    let file = "fleet/clusters/dev-eu-vcluster-1.yaml";
    let line = line_of(&repo_root(), file, "spec:", "expires:");
    for now in ["2027-07-01", "2036-06-23T17:59:59Z"] {
        let (code, findings) = validate_at(&repo_root(), now);
        assert_eq!(code, Some(0), "{now}");
        assert!(findings.is_empty(), "{now}: {findings:#?}");
    }
    let (code, findings) = validate_at(&repo_root(), "2036-06-30T18:00:00Z");
    assert_eq!(code, Some(1));
    only_finding(&findings, "error", file, line);
}
