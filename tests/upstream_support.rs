//! Tests of `support::upstream` itself: good documents pass, and each kind of mistake fails with
//! an error naming where it is. Every test skips (or fails under `FLEETC_REQUIRE_SHARED=1`) when
//! `../shared` is not beside the repository.

mod support;

use serde_json::{Value, json};
use support::upstream::{UpstreamSchemas, documents, upstream};

/// The single document of `yaml`.
fn document(yaml: &str) -> Value {
    let mut docs = documents(yaml);
    assert_eq!(docs.len(), 1, "expected exactly one document in:\n{yaml}");
    docs.remove(0)
}

/// `doc` after `change`.
fn changed(mut doc: Value, change: impl FnOnce(&mut Value)) -> Value {
    change(&mut doc);
    doc
}

/// Asserts that `doc` is accepted.
fn assert_valid(schemas: &UpstreamSchemas, doc: &Value) {
    if let Err(errors) = schemas.validate(doc) {
        panic!(
            "expected a valid document, got:\n{}\n{doc:#}",
            errors.join("\n")
        );
    }
}

/// Asserts that `doc` is rejected with an error that starts with `pointer` and mentions `text`.
fn assert_invalid(schemas: &UpstreamSchemas, doc: &Value, pointer: &str, text: &str) {
    let errors = schemas
        .validate(doc)
        .expect_err("expected the document to be rejected");
    let prefix = format!("{pointer}: ");
    assert!(
        errors
            .iter()
            .any(|error| error.starts_with(&prefix) && error.contains(text)),
        "expected an error at {pointer} mentioning {text:?}, got:\n{}",
        errors.join("\n")
    );
}

fn application() -> Value {
    document(
        r#"
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook-prod-eu-1
  namespace: argocd
  labels:
    app.kubernetes.io/managed-by: fleetc
    fleetc.dev/cluster: prod-eu-1
  annotations:
    argocd.argoproj.io/sync-wave: "1"
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: default
  destination:
    name: prod-eu-1
    namespace: guestbook
  source:
    repoURL: https://charts.example.com
    chart: guestbook
    targetRevision: 1.2.3
    helm:
      releaseName: guestbook
      valuesObject:
        replicas: 2
        ingress: {enabled: true, hosts: [guestbook.example.com]}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true]
"#,
    )
}

fn external_secret() -> Value {
    document(
        r#"
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: cluster-prod-eu-1
  namespace: argocd
  labels:
    fleetc.dev/cluster: prod-eu-1
spec:
  refreshInterval: 1h0m0s
  secretStoreRef:
    kind: ClusterSecretStore
    name: fleet-aws
  target:
    name: cluster-prod-eu-1
    creationPolicy: Owner
    template:
      engineVersion: v2
      type: Opaque
      metadata:
        labels:
          argocd.argoproj.io/secret-type: cluster
          environment: prod
      data:
        name: prod-eu-1
        server: "{{ .server }}"
        config: "{{ .config }}"
  data:
    - secretKey: server
      remoteRef: {key: fleet/clusters/prod-eu-1, property: server}
    - secretKey: config
      remoteRef: {key: fleet/clusters/prod-eu-1, property: config}
"#,
    )
}

fn secret() -> Value {
    document(
        r#"
apiVersion: v1
kind: Secret
metadata:
  name: cluster-dev-1
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster
type: Opaque
stringData:
  name: dev-1
  server: https://dev-1.example.com
  config: '{"tlsClientConfig": {"insecure": false}}'
"#,
    )
}

fn capi_cluster() -> Value {
    document(
        r"
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata:
  name: eks1
  namespace: fleet
spec:
  clusterNetwork:
    pods: {cidrBlocks: [192.168.0.0/16]}
  infrastructureRef:
    apiGroup: infrastructure.cluster.x-k8s.io
    kind: AWSManagedCluster
    name: eks1
  controlPlaneRef:
    apiGroup: controlplane.cluster.x-k8s.io
    kind: AWSManagedControlPlane
    name: eks1-control-plane
",
    )
}

#[test]
fn good_application_passes() {
    let Some(schemas) = upstream() else { return };
    assert_valid(schemas, &application());
}

#[test]
fn application_with_unknown_spec_field_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(application(), |doc| doc["spec"]["surprise"] = json!(true));
    assert_invalid(schemas, &doc, "/spec", "surprise");
}

#[test]
fn application_without_destination_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(application(), |doc| {
        doc["spec"]
            .as_object_mut()
            .expect("spec is a map")
            .remove("destination");
    });
    assert_invalid(schemas, &doc, "/spec", "destination");
}

#[test]
fn application_with_bad_name_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(application(), |doc| {
        doc["metadata"]["name"] = json!("Bad_Name");
    });
    assert_invalid(schemas, &doc, "/metadata/name", "Bad_Name");
}

#[test]
fn application_with_64_character_label_value_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(application(), |doc| {
        doc["metadata"]["labels"]["team"] = json!("a".repeat(64));
    });
    assert_invalid(schemas, &doc, "/metadata/labels/team", "longer than 63");
}

#[test]
fn application_with_63_character_label_value_passes() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(application(), |doc| {
        doc["metadata"]["labels"]["team"] = json!("a".repeat(63));
    });
    assert_valid(schemas, &doc);
}

#[test]
fn application_with_bad_label_key_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(application(), |doc| {
        doc["metadata"]["labels"]["-team"] = json!("a");
    });
    assert_invalid(schemas, &doc, "/metadata/labels", "-team");
}

#[test]
fn application_with_server_set_metadata_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(application(), |doc| doc["metadata"]["uid"] = json!("1234"));
    assert_invalid(schemas, &doc, "/metadata", "uid");
}

#[test]
fn application_without_name_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(application(), |doc| {
        doc["metadata"]
            .as_object_mut()
            .expect("metadata is a map")
            .remove("name");
    });
    assert_invalid(schemas, &doc, "/metadata", "name");
}

#[test]
fn int_or_string_accepts_both_and_nothing_else() {
    let Some(schemas) = upstream() else { return };
    let with_count = |count: Value| {
        changed(application(), |doc| {
            doc["spec"]["source"]["kustomize"] =
                json!({"replicas": [{"name": "web", "count": count}]});
        })
    };
    assert_valid(schemas, &with_count(json!(2)));
    assert_valid(schemas, &with_count(json!("2")));
    assert_invalid(
        schemas,
        &with_count(json!(true)),
        "/spec/source/kustomize/replicas/0/count",
        "",
    );
}

#[test]
fn nullable_field_accepts_null() {
    let Some(schemas) = upstream() else { return };
    let identity = document(
        r"
apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: AWSClusterStaticIdentity
metadata: {name: fleet}
spec:
  secretRef: fleet-aws-credentials
  allowedNamespaces: null
",
    );
    assert_valid(schemas, &identity);
}

#[test]
fn good_external_secret_passes() {
    let Some(schemas) = upstream() else { return };
    assert_valid(schemas, &external_secret());
}

#[test]
fn external_secret_v1beta1_is_not_served() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(external_secret(), |doc| {
        doc["apiVersion"] = json!("external-secrets.io/v1beta1");
    });
    let errors = schemas
        .validate(&doc)
        .expect_err("v1beta1 must be rejected");
    assert!(errors[0].contains("is not served"), "{errors:?}");
}

#[test]
fn external_secret_with_bad_store_kind_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(external_secret(), |doc| {
        doc["spec"]["secretStoreRef"]["kind"] = json!("Vault");
    });
    assert_invalid(schemas, &doc, "/spec/secretStoreRef/kind", "Vault");
}

#[test]
fn good_secret_passes() {
    let Some(schemas) = upstream() else { return };
    assert_valid(schemas, &secret());
    let with_data = changed(secret(), |doc| {
        doc["data"] = json!({"token": "c2VjcmV0", ".dockerconfigjson": "e30=", "empty": ""});
        doc["immutable"] = json!(true);
    });
    assert_valid(schemas, &with_data);
}

#[test]
fn secret_with_data_that_is_not_base64_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(secret(), |doc| doc["data"] = json!({"a": "not base64!"}));
    assert_invalid(schemas, &doc, "/data/a", "not base64!");
}

#[test]
fn secret_with_bad_key_or_unknown_field_fails() {
    let Some(schemas) = upstream() else { return };
    let bad_key = changed(secret(), |doc| doc["stringData"]["a/b"] = json!("x"));
    assert_invalid(schemas, &bad_key, "/stringData", "a/b");
    let dot_dot = changed(secret(), |doc| doc["data"] = json!({"..data": ""}));
    assert_invalid(schemas, &dot_dot, "/data", "..data");
    let unknown = changed(secret(), |doc| doc["spec"] = json!({}));
    assert_invalid(schemas, &unknown, "/", "spec");
}

#[test]
fn cluster_v1beta2_with_refs_passes() {
    let Some(schemas) = upstream() else { return };
    assert_valid(schemas, &capi_cluster());
}

#[test]
fn cluster_v1beta2_with_v1beta1_topology_class_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = changed(capi_cluster(), |doc| {
        doc["spec"]["topology"] = json!({"class": "eks-v1", "version": "v1.33.1"});
    });
    assert_invalid(schemas, &doc, "/spec/topology", "classRef");
    assert_invalid(schemas, &doc, "/spec/topology", "class");
}

#[test]
fn aws_managed_control_plane_passes() {
    let Some(schemas) = upstream() else { return };
    let doc = document(
        r"
apiVersion: controlplane.cluster.x-k8s.io/v1beta2
kind: AWSManagedControlPlane
metadata:
  name: eks1-control-plane
  namespace: fleet
spec:
  eksClusterName: eks1
  region: eu-west-1
  version: v1.33
",
    );
    assert_valid(schemas, &doc);
}

#[test]
fn vcluster_must_suit_every_copied_crd_of_its_version() {
    let Some(schemas) = upstream() else { return };
    let vcluster = document(
        r#"
apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1
kind: VCluster
metadata: {name: vc1, namespace: fleet}
spec:
  helmRelease:
    values: "controlPlane: {}"
    chart: {name: vcluster, repo: https://charts.loft.sh, version: ""}
"#,
    );
    assert_valid(schemas, &vcluster);
    let only_new = changed(vcluster, |doc| {
        doc["spec"]["helmRelease"]["valuesObject"] = json!({"controlPlane": {}});
    });
    let errors = schemas
        .validate(&only_new)
        .expect_err("v0.2.2 has no valuesObject");
    assert!(
        errors.iter().any(
            |error| error.starts_with("[cluster-api-provider-vcluster/v0.2.2_")
                && error.contains("/spec/helmRelease: ")
                && error.contains("valuesObject")
        ),
        "{errors:?}"
    );
}

#[test]
fn unknown_kind_fails() {
    let Some(schemas) = upstream() else { return };
    let doc = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
    let errors = schemas
        .validate(&doc)
        .expect_err("an unknown kind must be rejected");
    assert_eq!(errors, ["no upstream schema for example.com/v1 Widget"]);
}

#[test]
fn validate_yaml_names_the_failing_document() {
    let Some(schemas) = upstream() else { return };
    let bad = changed(secret(), |doc| doc["metadata"]["name"] = json!("Bad_Name"));
    let yaml = format!("---\n{}\n---\n{}\n", yaml_of(&secret()), yaml_of(&bad));
    let errors = schemas
        .validate_yaml(&yaml)
        .expect_err("the second document is bad");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("document 1 (Secret Bad_Name): /metadata/name: "),
        "{errors:?}"
    );
}

#[test]
fn documents_skips_empty_documents() {
    let docs = documents("---\n---\na: 1\n---\n# only a comment\n---\nb: [x]\n");
    assert_eq!(docs, [json!({"a": 1}), json!({"b": ["x"]})]);
}

#[test]
fn served_versions_are_the_expected_ones() {
    let Some(schemas) = upstream() else { return };
    let served = schemas.served();
    for expected in [
        ("argoproj.io/v1alpha1", "Application"),
        ("external-secrets.io/v1", "ExternalSecret"),
        ("external-secrets.io/v1", "ClusterSecretStore"),
        ("cluster.x-k8s.io/v1beta2", "Cluster"),
        ("cluster.x-k8s.io/v1beta1", "Cluster"),
        (
            "controlplane.cluster.x-k8s.io/v1beta2",
            "AWSManagedControlPlane",
        ),
        (
            "infrastructure.cluster.x-k8s.io/v1beta1",
            "AzureASOManagedControlPlane",
        ),
        (
            "infrastructure.cluster.x-k8s.io/v1beta1",
            "GCPManagedControlPlane",
        ),
        ("infrastructure.cluster.x-k8s.io/v1alpha1", "VCluster"),
        ("v1", "Secret"),
    ] {
        assert!(
            served.contains(&expected),
            "{expected:?} is not served: {served:?}"
        );
    }
    assert!(!served.contains(&("external-secrets.io/v1beta1", "ExternalSecret")));
    assert!(!served.contains(&(
        "controlplane.cluster.x-k8s.io/v1beta1",
        "AWSManagedControlPlane"
    )));
}

#[test]
fn unchecked_cel_rules_are_the_documented_ones() {
    let Some(schemas) = upstream() else { return };
    let mut kinds: Vec<String> = schemas
        .unchecked_cel_rules()
        .iter()
        .map(|rule| format!("{} {}", rule.api_version, rule.kind))
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "cluster.x-k8s.io/v1beta1 Cluster",
            "cluster.x-k8s.io/v1beta1 ClusterClass",
            "cluster.x-k8s.io/v1beta2 Cluster",
            "cluster.x-k8s.io/v1beta2 ClusterClass",
            "controlplane.cluster.x-k8s.io/v1beta2 AWSManagedControlPlane",
            "controlplane.cluster.x-k8s.io/v1beta2 AWSManagedControlPlaneTemplate",
            "external-secrets.io/v1 ClusterSecretStore",
            "external-secrets.io/v1 SecretStore",
            "helm.toolkit.fluxcd.io/v2 HelmRelease",
            "infrastructure.cluster.x-k8s.io/v1beta1 GCPManagedCluster",
            "kustomize.toolkit.fluxcd.io/v1 Kustomization",
            "source.toolkit.fluxcd.io/v1 GitRepository",
            "source.toolkit.fluxcd.io/v1 HelmChart",
        ],
        "update the CEL list in tests/support/upstream.rs"
    );
}

/// `doc` as YAML.
fn yaml_of(doc: &Value) -> String {
    serde_yaml::to_string(doc).expect("a JSON value serializes as YAML")
}

/// Issue 12: `fleetc validate --output` checks out/ as kubeconform does: the example passes with
/// the upstream CRDs, and an Application with an unknown field is an error at its line.
#[test]
fn validate_output_checks_out_against_the_crds_it_is_given() {
    let Some(shared) = support::upstream::require_shared(
        "validate_output_checks_out_against_the_crds_it_is_given",
    ) else {
        return;
    };
    let crds = shared.join("schemas").join("upstream");
    let crds = crds.to_str().expect("a UTF-8 path");
    let dir = support::fleet::example_copy();
    let run = support::fleet::fleetc(dir.path(), &["validate", "--output", "--crds", crds]);
    run.expect_code(0);
    insta::assert_snapshot!("validate-output-conforms", run.stderr);

    let file = "out/hubs/hub-eu/clusters/prod-eu-aws-1.yaml";
    support::fleet::edit(
        &dir.path().join(file),
        "  name: cert-manager-prod-eu-aws-1\n  namespace: argocd\n",
        "  name: cert-manager-prod-eu-aws-1\n  namespace: argocd\n  colour: blue\n",
    );
    let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
    let line = text.lines().position(|l| l == "  colour: blue").unwrap() + 1;
    let run = support::fleet::fleetc(
        dir.path(),
        &["validate", "--output", "--crds", crds, "--format", "json"],
    );
    run.expect_code(1);
    let found = run.json();
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["code"], "output-schema");
    assert_eq!(found[0]["file"], file);
    assert_eq!(found[0]["line"], line);
    assert!(
        found[0]["message"].as_str().unwrap().contains("colour"),
        "{found:#?}"
    );

    // Without the CRDs, only the core kinds are checked; the others are named, not failed.
    let run = support::fleet::fleetc(dir.path(), &["validate", "--output"]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("warning[output-schema]: no schema for argoproj.io/v1alpha1 Application"),
        "{}",
        run.stderr
    );
}
