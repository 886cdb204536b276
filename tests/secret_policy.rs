//! The cluster Secret policy each hub gets (issue 18): every cluster Secret fleetc renders for
//! the example fleet passes the rule its hub's rendered policy states, as fleetc checks it, and
//! a Secret that carries a long-lived credential, a client certificate the policy does not name,
//! or a label fleetc does not write fails it.

mod support;

use std::collections::BTreeMap;

use fleetc::render::secret_policy::{SecretFacts, SecretPolicy, Violation};
use serde_json::{Value, json};
use support::fleet::{example_copy, fleetc, snapshot};
use support::upstream::documents;

/// Per hub, the rule of its rendered policy and the facts of every cluster Secret it renders
/// (whole, or through an `ExternalSecret`), by Secret name.
fn rendered() -> BTreeMap<String, (SecretPolicy, BTreeMap<String, SecretFacts>)> {
    let repo = example_copy();
    fleetc(repo.path(), &["render"]).expect_code(0);
    let mut hubs: BTreeMap<String, (Option<SecretPolicy>, BTreeMap<String, SecretFacts>)> =
        BTreeMap::new();
    for (path, bytes) in snapshot(&repo.path().join("out")) {
        let parts: Vec<&str> = path.split('/').collect();
        let (hub, file) = match parts[..] {
            // The Flux hub has no Argo CD cluster Secrets.
            ["hubs", "hub-mgmt", ..] => continue,
            ["hubs", hub, "clusters", _] | ["hubs", hub, "cluster-secret-policy.yaml"] => {
                (hub.to_owned(), parts[2])
            }
            _ => continue,
        };
        let entry = hubs.entry(hub).or_default();
        for doc in documents(&String::from_utf8(bytes).expect("UTF-8 output")) {
            match doc["kind"].as_str() {
                Some("ClusterPolicy") if file == "cluster-secret-policy.yaml" => {
                    entry.0 = Some(SecretPolicy::from_kyverno(&doc).expect("fleetc's policy"));
                }
                Some("Secret") => {
                    let facts = SecretFacts::of_secret(&doc);
                    entry.1.insert(facts.name.clone(), facts);
                }
                Some("ExternalSecret") => {
                    let facts = SecretFacts::of_external_secret(&doc);
                    entry.1.insert(facts.name.clone(), facts);
                }
                _ => {}
            }
        }
    }
    hubs.into_iter()
        .map(|(hub, (policy, secrets))| {
            let policy = policy.unwrap_or_else(|| panic!("hub {hub} has no cluster Secret policy"));
            (hub, (policy, secrets))
        })
        .collect()
}

#[test]
fn every_cluster_secret_the_example_renders_passes_its_hubs_policy() {
    let hubs = rendered();
    assert_eq!(hubs.keys().collect::<Vec<_>>(), ["hub-eu", "hub-us"]);
    let mut checked = 0;
    let mut configs_known = 0;
    for (hub, (policy, secrets)) in &hubs {
        for (name, facts) in secrets {
            assert_eq!(policy.violations(facts), [], "{name} on {hub}");
            checked += 1;
            configs_known += usize::from(facts.config.is_some());
        }
    }
    // Every cluster of the example has a Secret. The 8 whose connection a secret store holds
    // (written there by Terraform, or kept in Vault) are checked by their name and labels here,
    // and by the policy on the hub when ESO writes them; the other 9 configs are fleetc's own.
    assert_eq!(checked, 17);
    assert_eq!(configs_known, 9);
    // The vcluster the EU hub hosts is the one client certificate its policy names.
    let (eu, _) = &hubs["hub-eu"];
    assert_eq!(
        eu.client_certificates.iter().collect::<Vec<_>>(),
        ["cluster-dev-eu-vcluster-1"]
    );
}

#[test]
fn a_secret_with_a_long_lived_credential_or_a_foreign_label_fails_the_policy() {
    let hubs = rendered();
    let (policy, _) = &hubs["hub-eu"];
    // What `argocd cluster add` writes: a service account's bearer token.
    let token = json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "cluster-onprem-eu-1",
            "namespace": "argocd",
            "labels": {"argocd.argoproj.io/secret-type": "cluster", "team": "payments"},
        },
        "stringData": {
            "name": "onprem-eu-1",
            "server": "https://10.40.0.10:6443",
            "config": r#"{"bearerToken": "not-a-real-token", "tlsClientConfig": {"insecure": false}}"#,
        },
    });
    assert_eq!(
        policy.violations(&SecretFacts::of_secret(&token)),
        [
            Violation::LongLivedCredential("bearerToken"),
            Violation::NoIdentity
        ]
    );
    // The same in base64 `data`, as ESO writes it, with basic auth instead.
    let basic = r#"{"username": "admin", "password": "not-a-password", "awsAuthConfig": {"clusterName": "x"}}"#;
    let encoded = |s: &str| {
        use base64::Engine as _;
        Value::from(base64::engine::general_purpose::STANDARD.encode(s))
    };
    let mut data = token.clone();
    data.as_object_mut()
        .expect("an object")
        .remove("stringData");
    data["data"] = json!({"server": encoded("https://10.40.0.10:6443"), "config": encoded(basic)});
    assert_eq!(
        policy.violations(&SecretFacts::of_secret(&data)),
        [
            Violation::LongLivedCredential("username"),
            Violation::LongLivedCredential("password")
        ]
    );
    // A client certificate on a cluster whose kubeconfig is not Cluster API's on the hub.
    let mut certificate = token.clone();
    certificate["stringData"]["config"] =
        json!(r#"{"tlsClientConfig": {"certData": "Y2VydA==", "keyData": "a2V5"}}"#);
    assert_eq!(
        policy.violations(&SecretFacts::of_secret(&certificate)),
        [Violation::NoIdentity, Violation::ClientCertificate]
    );
    // Argo CD reads `config` keys without regard to case: `BearerToken` is a bearer token.
    let mut cased = token.clone();
    cased["stringData"]["config"] =
        json!(r#"{"BearerToken": "not-a-real-token", "awsAuthConfig": {"clusterName": "x"}}"#);
    assert_eq!(
        policy.violations(&SecretFacts::of_secret(&cased)),
        [Violation::UnknownKey("BearerToken".into())]
    );
    // An exec provider handed a secret is no cloud identity.
    let mut exec = token.clone();
    exec["stringData"]["config"] = json!(
        r#"{"execProviderConfig": {"command": "kubelogin", "args": ["get-token", "--password=x"], "env": {"AZURE_CLIENT_SECRET": "x", "AZURE_FEDERATED_TOKEN_FILE": "/var/run/token"}}}"#
    );
    assert_eq!(
        policy.violations(&SecretFacts::of_secret(&exec)),
        [
            Violation::ExecSecret("the variable `AZURE_CLIENT_SECRET`".into()),
            Violation::ExecSecret("the argument `--password=x`".into())
        ]
    );
    // ESO's labels on a Secret it owns, and Argo CD's tracking label, are admitted.
    let mut tools = token.clone();
    tools["stringData"]["config"] = json!(r#"{"execProviderConfig": {"command": "kubelogin"}}"#);
    tools["metadata"]["labels"]["reconcile.external-secrets.io/managed"] = json!("true");
    tools["metadata"]["labels"]["reconcile.external-secrets.io/created-by"] = json!("abc");
    tools["metadata"]["labels"]["app.kubernetes.io/instance"] = json!("acme-hub-eu");
    assert_eq!(policy.violations(&SecretFacts::of_secret(&tools)), []);
    // A label fleetc does not write, on an otherwise admitted Secret.
    let mut label = token;
    label["stringData"]["config"] = json!(r#"{"execProviderConfig": {"command": "kubelogin"}}"#);
    label["metadata"]["labels"]["owner"] = json!("someone");
    assert_eq!(
        policy.violations(&SecretFacts::of_secret(&label)),
        [Violation::Label("owner".into())]
    );
}
