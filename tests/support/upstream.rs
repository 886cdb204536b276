//! Validation of rendered documents against the real upstream CRD schemas, through fleetc's own
//! [`fleetc::conformance::Schemas`] (the checks `fleetc validate --output` makes; its module docs
//! say what is checked and what is not).
//!
//! The CRDs are verbatim copies kept in `../shared/schemas/upstream/` beside the repository (each
//! folder's README.txt names the tag). When several copied CRDs define the same version of a kind
//! (the vcluster provider's `infrastructure.cluster.x-k8s.io/v1alpha1` `VCluster` at
//! v0.3.0-alpha.2 and at v0.2.2), a document must be accepted by all of them; each error then
//! names the file it comes from.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::{env, thread};

pub use fleetc::conformance::CelRule;
use fleetc::conformance::{Schemas, Unchecked};
use serde::Deserialize as _;
use serde_json::Value;

/// The environment variable that points at the shared folder (the one holding `schemas/`).
const SHARED_ENV: &str = "FLEETC_SHARED";

/// The environment variable that turns a missing shared folder into a failure.
const REQUIRE_ENV: &str = "FLEETC_REQUIRE_SHARED";

/// Where the shared folder is: `$FLEETC_SHARED` if set, else `../shared` beside the crate root
/// if it exists.
///
/// Panics when `$FLEETC_SHARED` is set to something that is not a directory.
pub fn shared_dir() -> Option<PathBuf> {
    if let Some(dir) = env::var_os(SHARED_ENV).filter(|dir| !dir.is_empty()) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "{SHARED_ENV}={} is not a directory",
            dir.display()
        );
        return Some(dir);
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared");
    beside.is_dir().then_some(beside)
}

/// The shared folder for `test`, or `None` (after saying so on stderr) when it is absent.
///
/// Panics instead when `FLEETC_REQUIRE_SHARED=1`, so that CI cannot skip silently.
#[allow(clippy::print_stderr, reason = "a skipped test must say so")]
pub fn require_shared(test: &str) -> Option<PathBuf> {
    if let Some(dir) = shared_dir() {
        return Some(dir);
    }
    assert!(
        env::var(REQUIRE_ENV).as_deref() != Ok("1"),
        "{test}: ../shared (the upstream schemas) is not beside the repo and {SHARED_ENV} is not \
         set, but {REQUIRE_ENV}=1 requires it"
    );
    eprintln!(
        "skipping {test}: ../shared (the upstream schemas) is not beside the repo; \
         set {SHARED_ENV} or {REQUIRE_ENV}=1"
    );
    super::skips::record(
        test,
        "../shared (the upstream schemas) is not beside the repository",
    );
    None
}

/// The upstream schemas, loaded once per test binary; `None` when the shared folder is absent
/// (see [`require_shared`], which is called with the current test's name).
pub fn upstream() -> Option<&'static UpstreamSchemas> {
    static SCHEMAS: OnceLock<UpstreamSchemas> = OnceLock::new();
    let test = thread::current().name().unwrap_or("test").to_owned();
    let shared = require_shared(&test)?;
    Some(SCHEMAS.get_or_init(|| UpstreamSchemas::load(&shared)))
}

/// The documents of a multi-document YAML string as JSON values; empty documents are skipped.
///
/// Panics when a document is not valid YAML or has no JSON form.
pub fn documents(yaml: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(yaml)
        .enumerate()
        .filter_map(|(index, document)| {
            let value = serde_yaml::Value::deserialize(document)
                .unwrap_or_else(|error| panic!("YAML document {index} does not parse: {error}"));
            (!value.is_null()).then(|| {
                serde_json::to_value(value).unwrap_or_else(|error| {
                    panic!("YAML document {index} cannot be turned into JSON: {error}")
                })
            })
        })
        .collect()
}

/// Validators for every served version of every upstream CRD, plus core `v1` `Secret`.
pub struct UpstreamSchemas(Schemas);

impl UpstreamSchemas {
    /// Reads every CRD under `<shared>/schemas/upstream/` and compiles each served version.
    ///
    /// Panics with the file name when a file cannot be read or holds something other than a CRD.
    pub fn load(shared: &Path) -> UpstreamSchemas {
        let root = shared.join("schemas").join("upstream");
        UpstreamSchemas(Schemas::load(&[root]).unwrap_or_else(|e| panic!("{e}")))
    }

    /// Checks `doc` against the schema of its `apiVersion` and `kind`.
    ///
    /// Each error reads `<JSON pointer>: <message>`, prefixed with `[<file>] ` when several
    /// copied CRDs define this version.
    pub fn validate(&self, doc: &Value) -> Result<(), Vec<String>> {
        match self.0.validate(doc) {
            Ok(violations) if violations.is_empty() => Ok(()),
            Ok(violations) => Err(violations
                .into_iter()
                .map(|v| {
                    // A field that should not be there is reported at its parent, as jsonschema
                    // reports it.
                    let pointer = if v.unexpected {
                        v.pointer.rsplit_once('/').map_or("", |(parent, _)| parent)
                    } else {
                        &v.pointer
                    };
                    let pointer = if pointer.is_empty() { "/" } else { pointer };
                    let error = format!("{pointer}: {}", v.message);
                    match v.source {
                        Some(source) => format!("[{source}] {error}"),
                        None => error,
                    }
                })
                .collect()),
            Err(Unchecked::NoType) => Err(vec![
                "/: the document needs string `apiVersion` and `kind` fields".to_owned(),
            ]),
            Err(Unchecked::Unknown(api_version, kind)) => {
                Err(vec![format!("no upstream schema for {api_version} {kind}")])
            }
            Err(e @ Unchecked::NotServed(..)) => Err(vec![e.to_string()]),
        }
    }

    /// Checks every document of a multi-document YAML string; each error is prefixed with the
    /// document's index, kind and name.
    pub fn validate_yaml(&self, yaml: &str) -> Result<(), Vec<String>> {
        let errors: Vec<String> = documents(yaml)
            .iter()
            .enumerate()
            .flat_map(|(index, doc)| {
                let label = document_label(index, doc);
                self.validate(doc)
                    .err()
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |error| format!("{label}: {error}"))
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The fields the API server would add to `doc` from its CRD's defaults (outside `status`).
    pub fn defaulted(&self, doc: &Value) -> Vec<(String, Value)> {
        self.0.defaulted(doc)
    }

    /// The CEL rules of the served versions, which [`UpstreamSchemas::validate`] cannot check.
    pub fn unchecked_cel_rules(&self) -> &[CelRule] {
        self.0.unchecked_cel_rules()
    }

    /// The (`apiVersion`, kind) pairs that have a served schema, sorted.
    pub fn served(&self) -> Vec<(&str, &str)> {
        self.0.served()
    }
}

/// `document <index> (<kind> <name>)`, for errors about one document of many.
fn document_label(index: usize, doc: &Value) -> String {
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("?");
    let name = doc
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("?");
    format!("document {index} ({kind} {name})")
}
