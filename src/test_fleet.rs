//! The fixture of the crate's unit tests: a fleet written as YAML, compiled the way the command
//! line compiles it.

use std::collections::BTreeMap;

use crate::compile::{Compilation, Options, compile};
use crate::model::{Cluster, Fleet};
use crate::source::SourceFile;

/// A Fleet document with two hubs, a kubernetes store and the given extra `spec` YAML (indented
/// by two spaces), followed by `rest` (more documents).
pub(crate) fn fleet(spec: &str, rest: &str) -> Fleet {
    let compiled = compiled(spec, rest);
    assert!(compiled.is_valid(), "{:#?}", compiled.diagnostics);
    compiled.fleet.expect("a valid fleet")
}

/// A cluster named `name` with these placement labels (and nothing else of note), for tests of
/// what reads only names and labels.
pub(crate) fn cluster(name: &str, labels: BTreeMap<String, String>) -> Cluster {
    static TEMPLATE: std::sync::OnceLock<Cluster> = std::sync::OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let fleet = fleet(
            "",
            "apiVersion: fleetc.dev/v1alpha1\nkind: Cluster\nmetadata: {name: c}\n\
             spec: {provider: aws, hub: hub-eu, connection: {secretStore: {name: aws-eu}}}\n",
        );
        fleet.clusters[0].clone()
    });
    let mut c = template.clone();
    c.name = name.to_owned();
    c.placement_labels = labels;
    c
}

/// The same fleet, compiled, valid or not.
pub(crate) fn compiled(spec: &str, rest: &str) -> Compilation {
    let text = format!(
        "apiVersion: fleetc.dev/v1alpha1
kind: Fleet
metadata: {{name: acme}}
spec:
  hubs: [{{name: hub-eu}}]
  secretStores:
    - {{name: capi-hub, provider: kubernetes, storeName: capi-kubeconfigs}}
    - {{name: aws-eu, provider: aws}}
{spec}
---
{rest}"
    );
    compile(
        vec![SourceFile {
            path: "fleet/test.yaml".into(),
            bytes: text.into_bytes(),
        }],
        &Options {
            now: "2026-11-21T00:00:00Z".parse().expect("a time"),
        },
    )
}
