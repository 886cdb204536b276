//! `fleetc init [DIR]`: a fleet repo that works at once: a Fleet with one hub and one secret
//! store, one cluster of the chosen cloud, one app, the JSON Schemas editors read, a
//! `.gitattributes` that keeps `out/` byte for byte, the pre-commit hook and a GitHub workflow.
//! `fleetc render` and `fleetc check` pass in it straight away. Nothing is overwritten.

use std::fmt::Write as _;
use std::path::Path;

use super::args::InitProvider;
use super::{Outcome, Status, display};
use crate::emit::write_new;
use crate::validate::schema::FILES;

/// The GitHub workflow every fleet repo gets: the example this repository documents and lints.
const WORKFLOW: &str = include_str!("../../examples/github/fleet.yml");

/// The files of a new fleet repo.
fn files(name: &str, provider: InitProvider) -> Vec<(String, String)> {
    let (cloud, store, region) = match provider {
        InitProvider::Aws => ("aws", "aws", Some("eu-west-1")),
        InitProvider::Gcp => ("gcp", "gcp", Some("europe-west1")),
        InitProvider::Azure => ("azure", "azure", Some("westeurope")),
        InitProvider::Onprem => ("onprem", "vault", None),
    };
    let cluster = format!("dev-{cloud}-1");
    let version = env!("CARGO_PKG_VERSION");
    let mut out =
        vec![
        (
            "fleet/fleet.yaml".to_owned(),
            format!(
                "# yaml-language-server: $schema=../schema/fleet.schema.json
#
# The fleet: its hubs (one Argo CD each) and the secret stores that hold cluster connections.
# The reference is https://github.com/fleetc/fleetc/blob/main/docs/fleet-format.md.
apiVersion: fleetc.dev/v1alpha1
kind: Fleet
metadata:
  name: {name}
spec:
  # Where this repository lives: each hub then gets a root Application that syncs its folder of
  # out/. Until it is set, apply out/hubs/hub/ yourself.
  # repo:
  #   url: https://github.com/acme/fleet.git
  hubs:
    - name: hub
  secretStores:
    # Terraform (or whatever creates a cluster) writes its connection here, under
    # argocd/clusters/<cluster>, with the properties `server` and `config`.
    - name: cluster-secrets
      provider: {store}
"
            ),
        ),
        (
            format!("fleet/clusters/{cluster}.yaml"),
            format!(
                "# yaml-language-server: $schema=../../schema/cluster.schema.json
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata:
  name: {cluster}
  labels:
    team: platform
spec:
  provider: {cloud}
{}  environment: dev
  hub: hub
  connection:
    secretStore:
      name: cluster-secrets
",
                region.map_or_else(String::new, |r| format!("  region: {r}\n"))
            ),
        ),
        (
            "fleet/apps/guestbook.yaml".to_owned(),
            "# yaml-language-server: $schema=../../schema/app.schema.json
#
# One Argo CD Application per dev cluster, named guestbook-<cluster>.
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata:
  name: guestbook
spec:
  source:
    repoURL: https://github.com/argoproj/argocd-example-apps.git
    path: guestbook
    targetRevision: HEAD
  destination:
    namespace: guestbook
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true]
  placement:
    selector:
      matchLabels: {environment: dev}
"
            .to_owned(),
        ),
        (
            ".gitattributes".to_owned(),
            "# out/ is compared byte for byte with what fleetc renders: no line-ending conversion.
/out/** -text
"
            .to_owned(),
        ),
        (
            ".pre-commit-config.yaml".to_owned(),
            format!(
                "# Refuses a commit whose fleet is invalid or whose out/ is not what `fleetc render`
# writes. Install with `pre-commit install`.
repos:
  - repo: https://github.com/fleetc/fleetc
    rev: v{version}
    hooks:
      - id: fleetc-check
"
            ),
        ),
        (".github/workflows/fleet.yml".to_owned(), WORKFLOW.to_owned()),
    ];
    for (file, text) in FILES {
        out.push((format!("schema/{file}"), text.to_owned()));
    }
    out
}

/// `fleetc init [DIR]`.
pub(crate) fn run(cwd: &Path, dir: &Path, provider: InitProvider, name: &str) -> Outcome {
    if let Some(problem) = crate::selector::syntax::dns1123_label_problems(name).first() {
        return Outcome::failure(format!(
            "the fleet's name `{name}` is not a DNS-1123 label: {problem}"
        ));
    }
    let shown = display(dir);
    let files = files(name, provider);
    let written = match write_new(&cwd.join(dir), &shown, &files, false) {
        Ok(w) => w,
        Err(e @ crate::emit::WriteError::Exists(_)) => {
            return Outcome::failure(format!(
                "{e}: `fleetc init` starts a new fleet repo and overwrites nothing"
            ));
        }
        Err(e) => return Outcome::failure(e),
    };
    let mut outcome = Outcome::new(Status::Clean);
    for path in &written {
        let _ = writeln!(outcome.stderr, "wrote {path}");
    }
    let into = if shown == "." {
        String::new()
    } else {
        format!("cd {shown} && ")
    };
    let _ = writeln!(
        outcome.stderr,
        "next: {into}fleetc render && fleetc check, then commit fleet/, out/ and the rest"
    );
    outcome
}
