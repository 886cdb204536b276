//! Arbitrary text as value templates of an app placed on both clusters of a small fleet: as a
//! value, as an override's value, and inside a list. Compiling and evaluating never panics (a
//! failing template is a finding), and the rendered Applications read back.
#![no_main]

#[path = "../common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let quoted = serde_json::to_string(text).expect("a JSON string");
    let app = format!(
        "apiVersion: fleetc.dev/v1alpha1
kind: App
metadata: {{name: fuzz}}
spec:
  source: {{repoURL: 'https://example.com/r.git', path: p, targetRevision: HEAD}}
  destination: {{namespace: fuzz}}
  values: {{v: {quoted}, list: [a, {quoted}], nested: {{k: {quoted}}}}}
  overrides:
    - selector: {{matchLabels: {{team: payments}}}}
      values: {{v: {quoted}}}
"
    );
    common::check(common::compile_files(vec![
        ("fleet/base.yaml", common::BASE.as_bytes().to_vec()),
        ("fleet/app.yaml", app.into_bytes()),
    ]));
});
