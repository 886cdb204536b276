//! Each provisioning declaration a provisioner could not act on is a located diagnostic: the
//! right code, at the file and line of the field (through the layers), saying what is wrong.
//! Every case edits `tests/fixtures/provisioning` (valid as it is) and runs `fleetc validate`.

mod support;

use std::fs;

use serde_json::Value;
use support::fleet::{copy_dir, edit, fleetc, repo_root};

const FLEET: &str = "fleet/fleet.yaml";
const TERRAFORM: &str = "fleet/clusters/terraform.yaml";
const CAPI: &str = "fleet/clusters/capi.yaml";

/// One broken fleet: edits of the fixture, and the finding expected.
struct Case {
    name: &'static str,
    /// (file, text, replacement) applied in order; each text occurs once.
    edits: &'static [(&'static str, &'static str, &'static str)],
    code: &'static str,
    file: &'static str,
    /// The finding's line is the first line containing `needle` at or after the first line
    /// containing `anchor`.
    anchor: &'static str,
    needle: &'static str,
    /// Words the message must contain.
    message: &'static [&'static str],
    /// Words the help must contain.
    help: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "a cloud block on another cloud's cluster",
        edits: &[(
            TERRAFORM,
            "  region: eu-west-1\n  provisioner: terraform\n",
            "  region: eu-west-1\n  provisioner: terraform\n  gcp: {project: wrong}\n",
        )],
        code: "provisioning",
        file: TERRAFORM,
        anchor: "name: tf-aws",
        needle: "gcp: {project: wrong}",
        message: &["`spec.gcp` holds gcp facts", "`tf-aws` has provider aws"],
        help: &["remove `spec.gcp`", "`spec.aws`"],
    },
    Case {
        name: "Cluster API on onprem",
        edits: &[(
            TERRAFORM,
            "  provisioner: terraform\n  nodePools:\n    - {name: workers",
            "  provisioner: capi\n  nodePools:\n    - {name: workers",
        )],
        code: "provisioning",
        file: TERRAFORM,
        anchor: "name: tf-onprem",
        needle: "provisioner: capi",
        message: &["not for onprem cluster `tf-onprem`"],
        help: &["terraform"],
    },
    Case {
        name: "a GKE Cluster API cluster without its project",
        edits: &[(CAPI, "  gcp: {project: acme-test, network: net}\n", "")],
        code: "provisioning",
        file: CAPI,
        anchor: "name: capi-gcp",
        needle: "spec:",
        message: &["`capi-gcp` (gcp) needs `spec.gcp.project`"],
        help: &["set `spec.gcp`"],
    },
    Case {
        name: "an AKS Cluster API cluster without node pools",
        edits: &[(
            CAPI,
            "  nodePools:\n    - {name: system, instanceType: Standard_D4s_v5, minSize: 3, maxSize: 3}\n    - {name: user1, instanceType: Standard_D8s_v5, minSize: 1, maxSize: 5, labels: {pool: user}}\n",
            "",
        )],
        code: "provisioning",
        file: CAPI,
        anchor: "name: capi-azure",
        needle: "spec:",
        message: &["needs at least one node pool"],
        help: &["spec.nodePools"],
    },
    Case {
        name: "Terraform for a vcluster",
        edits: &[(
            CAPI,
            "  provisioner: capi\n  expires:",
            "  provisioner: terraform\n  expires:",
        )],
        code: "provisioning",
        file: CAPI,
        anchor: "name: capi-vcluster",
        needle: "provisioner: terraform",
        message: &["no Terraform for vcluster `capi-vcluster`"],
        help: &["provisioner: capi"],
    },
    Case {
        name: "a Terraform cluster of a cloud without a module",
        edits: &[(
            FLEET,
            "      onprem:\n        source: git::https://github.com/acme/terraform-talos-cluster.git?ref=v1.8.0\n        inputs:\n          name: cluster_name\n          region: site\n          kubernetesVersion: kubernetes_version\n          nodePools: node_groups\n          connectionKey: vault_secret_path\n          metadata: cluster_metadata\n",
            "",
        )],
        code: "provisioning",
        file: TERRAFORM,
        anchor: "name: tf-onprem",
        needle: "provisioner: terraform",
        message: &["configures no Terraform module for onprem clusters"],
        help: &["spec.terraform.modules.onprem"],
    },
    Case {
        name: "a Terraform cluster that does not connect through a secret store",
        edits: &[(
            TERRAFORM,
            "    secretStore: {name: aws-sm}\n",
            "    eks: {server: \"https://eks.example\", caData: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1J}\n",
        )],
        code: "provisioning",
        file: TERRAFORM,
        anchor: "name: tf-aws",
        needle: "connection:",
        message: &["Terraform cluster `tf-aws` connects through `eks`"],
        help: &["secretStore"],
    },
    Case {
        name: "a fact the Terraform module takes that the cluster lacks",
        edits: &[(TERRAFORM, "    vpcId: vpc-0abc123\n", "")],
        code: "provisioning",
        file: TERRAFORM,
        anchor: "name: tf-aws",
        needle: "  aws:",
        message: &[
            "aws Terraform module takes `vpc_id` from `spec.aws.vpcId`",
            "`tf-aws` does not set",
        ],
        help: &["set `spec.aws.vpcId`", "remove `vpcId`"],
    },
    Case {
        name: "a fact the ClusterClass takes that the cluster lacks",
        edits: &[(
            FLEET,
            "  capi:\n    namespace: capi-system-clusters\n",
            "  capi:\n    namespace: capi-system-clusters\n    clusterClasses:\n      gcp: {name: gke-v1, variables: {subnetwork: subnetwork}}\n",
        )],
        code: "provisioning",
        file: CAPI,
        anchor: "name: capi-gcp",
        needle: "  gcp:",
        message: &["gcp ClusterClass `gke-v1` takes `subnetwork` from `spec.gcp.subnetwork`"],
        help: &["spec.gcp.subnetwork"],
    },
    Case {
        name: "a capi connection through a store that is not Kubernetes",
        edits: &[(
            CAPI,
            "    capi: {secretStore: capi}\n---\napiVersion: fleetc.dev/v1alpha1\nkind: Cluster\nmetadata:\n  name: capi-azure",
            "    capi: {secretStore: gcp-sm}\n---\napiVersion: fleetc.dev/v1alpha1\nkind: Cluster\nmetadata:\n  name: capi-azure",
        )],
        code: "connection",
        file: CAPI,
        anchor: "name: capi-gcp",
        needle: "secretStore: gcp-sm",
        message: &["store `gcp-sm` has provider gcp"],
        help: &["provider: kubernetes"],
    },
    Case {
        name: "a capi connection through an unknown store",
        edits: &[(
            CAPI,
            "  expires: \"2027-06-30\"\n  vcluster:\n    chartVersion: 0.26.0\n    values: {controlPlane: {statefulSet: {resources: {limits: {memory: 2Gi}}}}}\n  connection:\n    capi: {secretStore: capi}\n",
            "  expires: \"2027-06-30\"\n  vcluster:\n    chartVersion: 0.26.0\n    values: {controlPlane: {statefulSet: {resources: {limits: {memory: 2Gi}}}}}\n  connection:\n    capi: {secretStore: capy}\n",
        )],
        code: "unknown-secret-store",
        file: CAPI,
        anchor: "name: capi-vcluster",
        needle: "secretStore: capy",
        message: &["secret store `capy`"],
        help: &["`capi`"],
    },
    Case {
        name: "a capi connection on a cluster Cluster API does not provision",
        edits: &[(
            TERRAFORM,
            "    secretStore: {name: gcp-sm}\n",
            "    capi: {secretStore: capi}\n",
        )],
        code: "connection",
        file: TERRAFORM,
        anchor: "name: tf-gcp",
        needle: "capi: {secretStore: capi}",
        message: &["`tf-gcp-kubeconfig`", "provisioned by terraform"],
        help: &["provisioner: capi"],
    },
    Case {
        name: "an identity field of another cloud in a capi connection",
        edits: &[(
            CAPI,
            "    capi: {secretStore: capi, roleARN: \"arn:aws:iam::111122223333:role/argocd\"}\n",
            "    capi: {secretStore: capi, tenantId: abc}\n",
        )],
        code: "connection",
        file: CAPI,
        anchor: "name: capi-aws",
        needle: "tenantId: abc",
        message: &[
            "`tenantId` is for azure clusters",
            "`capi-aws` has provider aws",
        ],
        help: &["remove `tenantId`"],
    },
    Case {
        name: "a module input of another cloud's fact",
        edits: &[(
            FLEET,
            "          vpcId: vpc_id\n",
            "          vpcId: vpc_id\n          project: gcp_project\n",
        )],
        code: "provisioning",
        file: FLEET,
        anchor: "aws:",
        needle: "project: gcp_project",
        message: &[
            "`project` is a fact of gcp clusters",
            "which aws clusters do not have",
        ],
        help: &["`spec.aws`"],
    },
    Case {
        name: "two facts to one module input",
        edits: &[(
            FLEET,
            "          region: region\n          vpcId",
            "          region: name\n          vpcId",
        )],
        code: "provisioning",
        file: FLEET,
        anchor: "aws:",
        needle: "region: name",
        message: &["input `name` is given both `name` and `region`"],
        help: &["its own input"],
    },
    Case {
        name: "a module input named like a meta-argument",
        edits: &[(
            FLEET,
            "          labels: tags\n          connectionKey: connection_secret_name\n          metadata: cluster_metadata\n      gcp:",
            "          labels: version\n          connectionKey: connection_secret_name\n          metadata: cluster_metadata\n      gcp:",
        )],
        code: "provisioning",
        file: FLEET,
        anchor: "aws:",
        needle: "labels: version",
        message: &["`version` is a meta-argument of Terraform's module block"],
        help: &["module's own input name"],
    },
    Case {
        name: "a module without the connection key",
        edits: &[(FLEET, "          connectionKey: vault_secret_path\n", "")],
        code: "provisioning",
        file: FLEET,
        anchor: "onprem:",
        needle: "inputs:",
        message: &["onprem Terraform module is given no `connectionKey`"],
        help: &["connectionKey: connection_secret_name"],
    },
    Case {
        name: "a misspelt fact",
        edits: &[(
            FLEET,
            "          vpcId: vpc_id\n",
            "          vpcID: vpc_id\n",
        )],
        code: "unknown-field",
        file: FLEET,
        anchor: "aws:",
        needle: "vpcID: vpc_id",
        message: &["unknown key `vpcID`"],
        help: &["`vpcId`"],
    },
    Case {
        name: "an aws ClusterClass that does not take the cluster name",
        edits: &[(
            FLEET,
            "  capi:\n    namespace: capi-system-clusters\n",
            "  capi:\n    namespace: capi-system-clusters\n    clusterClasses:\n      aws:\n        name: eks-v1\n",
        )],
        code: "provisioning",
        file: FLEET,
        anchor: "clusterClasses:",
        needle: "aws:",
        message: &[
            "aws ClusterClass `eks-v1` is given no `name`",
            "eksClusterName",
        ],
        help: &["name: eksClusterName"],
    },
    Case {
        name: "node pools as a ClusterClass variable",
        edits: &[(
            FLEET,
            "  capi:\n    namespace: capi-system-clusters\n",
            "  capi:\n    namespace: capi-system-clusters\n    clusterClasses:\n      vcluster:\n        name: vc-v1\n        variables: {nodePools: pools}\n",
        )],
        code: "provisioning",
        file: FLEET,
        anchor: "clusterClasses:",
        needle: "nodePools: pools",
        message: &["`nodePools` cannot be a ClusterClass variable"],
        help: &["instanceTypeVariable"],
    },
    Case {
        name: "a node pool whose minimum is above its maximum",
        edits: &[(
            TERRAFORM,
            "{name: general, instanceType: e2-standard-4, minSize: 1, maxSize: 3",
            "{name: general, instanceType: e2-standard-4, minSize: 5, maxSize: 3",
        )],
        code: "provisioning",
        file: TERRAFORM,
        anchor: "name: tf-gcp",
        needle: "minSize: 5",
        message: &["node pool `general` has minSize 5 above maxSize 3"],
        help: &["at most maxSize"],
    },
    Case {
        name: "a desired size outside the pool's range",
        edits: &[(TERRAFORM, "desiredSize: 2", "desiredSize: 9")],
        code: "provisioning",
        file: TERRAFORM,
        anchor: "name: tf-aws",
        needle: "desiredSize: 9",
        message: &["desiredSize 9 outside minSize 1 .. maxSize 4"],
        help: &["between minSize and maxSize"],
    },
    Case {
        name: "two node pools of one name",
        edits: &[(CAPI, "{name: burst,", "{name: general,")],
        code: "provisioning",
        file: CAPI,
        anchor: "name: capi-aws",
        needle: "instanceType: c6i.xlarge",
        message: &["node pool `general` is declared twice in cluster `capi-aws`"],
        help: &["unique name"],
    },
    Case {
        name: "a node pool name AKS rejects",
        edits: &[(
            CAPI,
            "{name: user1, instanceType: Standard_D8s_v5, minSize: 1",
            "{name: user-pool, instanceType: Standard_D8s_v5, minSize: 1",
        )],
        code: "provisioning",
        file: CAPI,
        anchor: "name: capi-azure",
        needle: "name: user-pool",
        message: &["AKS rejects the node pool name `user-pool`"],
        help: &["1 to 12 lower case letters and digits"],
    },
    Case {
        name: "a node label Kubernetes rejects",
        edits: &[(
            CAPI,
            "labels: {pool: general}}\n    - {name: burst",
            "labels: {pool: gen eral}}\n    - {name: burst",
        )],
        code: "label-value",
        file: CAPI,
        anchor: "name: capi-aws",
        needle: "gen eral",
        message: &["node label `pool: gen eral`"],
        help: &[],
    },
    Case {
        name: "node pools on a vcluster",
        edits: &[(
            CAPI,
            "  provider: vcluster\n",
            "  provider: vcluster\n  nodePools: [{name: a, instanceType: x, minSize: 1, maxSize: 1}]\n",
        )],
        code: "provisioning",
        file: CAPI,
        anchor: "name: capi-vcluster",
        needle: "nodePools:",
        message: &["vcluster `capi-vcluster` declares node pools"],
        help: &["remove `spec.nodePools`"],
    },
    Case {
        name: "an expiry that is not a time",
        edits: &[(
            CAPI,
            "  expires: \"2027-06-30\"\n",
            "  expires: end of june\n",
        )],
        code: "invalid-value",
        file: CAPI,
        anchor: "name: capi-vcluster",
        needle: "expires: end of june",
        message: &["`end of june`, which is not a time"],
        help: &["RFC 3339", "2027-06-30"],
    },
    Case {
        name: "an EKS connection naming another EKS cluster on a CAPI cluster",
        edits: &[(
            CAPI,
            "    capi: {secretStore: capi, roleARN: \"arn:aws:iam::111122223333:role/argocd\"}\n",
            "    eks: {server: \"https://eks.example\", caData: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1J, clusterName: other}\n",
        )],
        code: "provisioning",
        file: CAPI,
        anchor: "name: capi-aws",
        needle: "clusterName: other",
        message: &[
            "names the EKS cluster of `capi-aws` `capi-aws`",
            "not `other`",
        ],
        help: &["remove `clusterName`"],
    },
];

/// The 1-based line of the first line containing `needle` at or after the first containing
/// `anchor`.
fn line_of(text: &str, anchor: &str, needle: &str) -> Option<u64> {
    let start = text.lines().position(|l| l.contains(anchor))?;
    let found = text.lines().skip(start).position(|l| l.contains(needle))?;
    u64::try_from(start + found + 1).ok()
}

/// What is wrong with `case`'s findings, if anything.
fn check(case: &Case) -> Result<(), String> {
    let repo = tempfile::Builder::new()
        .prefix("fleetc-provisioning-diagnostics")
        .tempdir()
        .expect("temporary folder");
    let root = repo.path();
    copy_dir(
        &repo_root().join("tests/fixtures/provisioning/fleet"),
        &root.join("fleet"),
    );
    for (file, from, to) in case.edits {
        edit(&root.join(file), from, to);
    }
    let run = fleetc(
        root,
        &[
            "validate",
            "--format",
            "json",
            "--now",
            "2026-11-21T00:00:00Z",
        ],
    );
    if run.code != Some(1) {
        return Err(format!("exit {:?}, not 1:\n{}", run.code, run.stdout));
    }
    let text = fs::read_to_string(root.join(case.file)).expect("read the fleet file");
    let line = line_of(&text, case.anchor, case.needle).ok_or_else(|| {
        format!(
            "{:?} after {:?} is not in {}",
            case.needle, case.anchor, case.file
        )
    })?;
    let findings = run.json();
    let findings = findings.as_array().cloned().unwrap_or_default();
    let matches = |f: &Value| {
        let has = |key: &str, words: &[&str]| {
            let text = f[key].as_str().unwrap_or_default();
            words.iter().all(|w| text.contains(w))
        };
        f["code"] == case.code
            && f["severity"] == "error"
            && f["file"] == case.file
            && f["line"] == line
            && has("message", case.message)
            && has("help", case.help)
    };
    if findings.iter().any(matches) {
        Ok(())
    } else {
        Err(format!(
            "expected {} at {}:{line} with {:?} (help {:?}); found:\n{}",
            case.code,
            case.file,
            case.message,
            case.help,
            serde_json::to_string_pretty(&findings).unwrap_or_default()
        ))
    }
}

#[test]
fn the_fixture_is_valid_as_it_is() {
    let repo = tempfile::tempdir().expect("temporary folder");
    copy_dir(
        &repo_root().join("tests/fixtures/provisioning/fleet"),
        &repo.path().join("fleet"),
    );
    let run = fleetc(repo.path(), &["validate", "--now", "2026-11-21"]);
    run.expect_code(0);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(said.contains("fleet is valid"), "{said}");
    assert!(!said.contains("warning"), "{said}");
}

#[test]
fn every_broken_provisioning_declaration_is_a_located_error() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|case| check(case).err().map(|e| format!("{}: {e}", case.name)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
