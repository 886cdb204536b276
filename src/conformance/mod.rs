//! Checking rendered documents the way `kubeconform` does: against the `openAPIV3Schema` of the
//! CRDs that define them (a folder of upstream CRD YAML, as Argo CD, ESO, Cluster API and its
//! providers publish them) and the built-in schemas of the core kinds fleetc writes.
//! [`Schemas::load`] turns each served version into a draft 7 JSON Schema that behaves like an
//! API server asked for `fieldValidation=Strict`:
//!
//! - Unknown fields are errors. Every `type: object` schema that has neither
//!   `additionalProperties` nor `x-kubernetes-preserve-unknown-fields: true` gets
//!   `additionalProperties: false`. An object schema without `properties` therefore accepts only
//!   `{}`, as the API server prunes (and under Strict rejects) every field of it.
//! - `x-kubernetes-int-or-string: true` accepts an integer or a string.
//! - `nullable: true` also accepts `null`.
//! - `x-kubernetes-list-type: set` requires unique items.
//! - `format: byte` is checked as base64 and `date-time` / `uri` by the jsonschema crate;
//!   `int32`, `int64` and `duration` stay annotations.
//! - `metadata`, which a CRD declares only as `type: object`, is checked by the `ObjectMeta`
//!   schema of this module: `name` required, only the fields a client may set.
//!
//! Core `v1` `Secret` and `Namespace` have no CRD and get built-in schemas written from the
//! Kubernetes API reference (`data` values must be base64; a namespace's name is a DNS-1123
//! label).
//!
//! Not checked (an API server, an admission webhook or a controller would do it):
//!
//! - key uniqueness of `x-kubernetes-list-type: map` lists, defaults, size limits (256 KiB of
//!   annotations, 1 MiB per Secret), the keys a Secret `type` requires (`tls.crt`, ...);
//! - validating and defaulting webhooks (CAPI, CAPA, CAPZ, ESO) and controller-side rules such as
//!   Argo CD's "`destination.server` XOR `destination.name`";
//! - CEL rules (`x-kubernetes-validations`). The copied CRDs have these, all listed at run time by
//!   [`Schemas::unchecked_cel_rules`]:
//!   - `controlplane.cluster.x-k8s.io/v1beta2` `AWSManagedControlPlane` (and
//!     `AWSManagedControlPlaneTemplate` under `spec.template`):
//!     `spec.network.vpc.carrierGatewayId` starts with `cagw-`;
//!     `spec.network.vpc.elasticIpPool.publicIpv4PoolFallbackOrder` is `none` or `amazon-pool`.
//!   - `infrastructure.cluster.x-k8s.io/v1beta1` `GCPManagedCluster`:
//!     `spec.network.firewall.firewallRules[].{sourceRanges,destinationRanges}` are IPs or CIDRs.
//!   - `cluster.x-k8s.io` `Cluster` (under `spec.topology`) and `ClusterClass`, `v1beta1` and
//!     `v1beta2`: `unhealthyMachineConditions[].type` of the control plane and machine deployment
//!     health checks is none of `Ready`, `Available`, `HealthCheckSucceeded`, `OwnerRemediated`,
//!     `ExternallyRemediated`.
//!   - `external-secrets.io/v1` `SecretStore` and `ClusterSecretStore`, under `spec.provider`:
//!     `aws.customSessionTags` has no `esoNamespace` / `esoStoreName` / `esoStoreKind` key, and
//!     "exactly one" / "at least one" / "at most one" field rules on `crd`, `doppler.auth`,
//!     `nebiusmysterybox.auth`, `onepasswordSDK`, `openBao`, `openBao.auth`,
//!     `openBao.auth.appRole`, `pulumi`, `pulumi.auth`, `secretserver` and
//!     `secretserver.{username,password,token}`.
//!   - Flux: `helm.toolkit.fluxcd.io/v2` `HelmRelease` (exactly one of `spec.kubeConfig`'s
//!     `configMapRef` and `secretRef`; one of `chart` and `chartRef`; `retryInterval` only with
//!     the matching remediation strategy), `kustomize.toolkit.fluxcd.io/v1` `Kustomization`
//!     (the same `kubeConfig` rule), `source.toolkit.fluxcd.io/v1` `GitRepository`
//!     (`serviceAccountName` only with provider `azure`) and `HelmChart` (`verify` only for a
//!     `HelmRepository` source).
//!   - The Argo CD, `ExternalSecret`, `ClusterExternalSecret`, CAPZ, vcluster, Kyverno and the
//!     other Flux CRDs have none.
//!
//! When several copied CRDs define the same version of a kind (the vcluster provider's
//! `infrastructure.cluster.x-k8s.io/v1alpha1` `VCluster` at v0.3.0-alpha.2 and at v0.2.2), a
//! document must be accepted by all of them; each error then names the file it comes from.

mod crd;
mod defaults;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use jsonschema::Validator;
use serde_json::Value;

/// The label used for the built-in core schemas.
const BUILT_IN: &str = "built-in";

/// A CEL rule (`x-kubernetes-validations`) of a served CRD version, which is not checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CelRule {
    /// `<group>/<version>`.
    pub api_version: String,
    /// The CRD's kind.
    pub kind: String,
    /// Where the rule sits, as a JSON pointer in which `*` stands for any item or map value.
    pub path: String,
    /// The CEL expression.
    pub rule: String,
}

/// One way a document breaks its schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Where, as a JSON pointer into the document (empty: the document).
    pub pointer: String,
    /// Whether the pointer names a field that should not be there (point at its key).
    pub unexpected: bool,
    pub message: String,
    /// The CRD file of the schema, when several files define the document's version.
    pub source: Option<String>,
}

/// Why a document could not be checked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unchecked {
    #[error("the document has no string `apiVersion` and `kind`")]
    NoType,
    #[error("no schema for {0} {1}: pass the folder of its CRD with --crds")]
    Unknown(String, String),
    #[error("{0} {1} is not served (defined but `served: false` in {2})")]
    NotServed(String, String, String),
}

/// Why the CRDs could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: {1}")]
    Invalid(String, String),
}

/// Validators for every served version of every CRD read, plus the core kinds fleetc writes.
pub struct Schemas {
    /// Keyed by (`apiVersion`, kind).
    kinds: BTreeMap<(String, String), KindVersion>,
    cel_rules: Vec<CelRule>,
}

/// What the CRDs say about one (`apiVersion`, kind) pair.
#[derive(Default)]
struct KindVersion {
    /// One validator per CRD file that serves this version.
    served: Vec<SourceValidator>,
    /// The CRD files that define this version without serving it.
    unserved: Vec<String>,
}

/// A compiled schema, the schema as the CRD writes it (for its defaults) and the file it comes
/// from.
struct SourceValidator {
    source: String,
    validator: Validator,
    schema: Value,
}

impl Schemas {
    /// The built-in schemas of the core kinds only (`v1` `Secret` and `Namespace`).
    pub fn core() -> Self {
        let mut schemas = Self {
            kinds: BTreeMap::new(),
            cel_rules: Vec::new(),
        };
        for (kind, schema) in [
            ("Secret", crd::secret_schema()),
            ("Namespace", crd::namespace_schema()),
        ] {
            let validator = crd::compile(&schema).expect("a built-in core schema");
            schemas.entry("v1", kind).served.push(SourceValidator {
                source: BUILT_IN.to_owned(),
                validator,
                schema,
            });
        }
        schemas
    }

    /// The core kinds and every `CustomResourceDefinition` in the `*.yaml` and `*.yml` files
    /// under each folder (recursively); any other document there is an error. Files are named
    /// relative to their folder.
    pub fn load(folders: &[PathBuf]) -> Result<Self, LoadError> {
        let mut schemas = Self::core();
        for root in folders {
            for file in yaml_files(root)? {
                let source = source_label(root, &file);
                let text = fs::read_to_string(&file).map_err(|e| LoadError::Io {
                    path: file.display().to_string(),
                    source: e,
                })?;
                for crd in documents(&text).map_err(|e| LoadError::Invalid(source.clone(), e))? {
                    schemas
                        .add_crd(&source, &crd)
                        .map_err(|e| LoadError::Invalid(source.clone(), e))?;
                }
            }
        }
        Ok(schemas)
    }

    /// Checks `doc` against the schema of its `apiVersion` and `kind`; when several CRD files
    /// define that version, it must suit all of them.
    pub fn validate(&self, doc: &Value) -> Result<Vec<Violation>, Unchecked> {
        let field = |name: &str| doc.get(name).and_then(Value::as_str);
        let (Some(api_version), Some(kind)) = (field("apiVersion"), field("kind")) else {
            return Err(Unchecked::NoType);
        };
        let key = (api_version.to_owned(), kind.to_owned());
        let Some(version) = self.kinds.get(&key) else {
            return Err(Unchecked::Unknown(key.0, key.1));
        };
        if version.served.is_empty() {
            return Err(Unchecked::NotServed(
                key.0,
                key.1,
                version.unserved.join(", "),
            ));
        }
        let labelled = version.served.len() > 1;
        Ok(version
            .served
            .iter()
            .flat_map(|schema| {
                schema
                    .validator
                    .iter_errors(doc)
                    .map(move |error| violation(&error, labelled.then(|| schema.source.clone())))
            })
            .collect())
    }

    /// The fields the API server would add to `doc` (its CRD's defaults, outside `status`), with
    /// their defaults: empty when `doc` says everything its kind defaults, or has no schema here.
    /// When several CRD files define its version, what any of them would add.
    pub fn defaulted(&self, doc: &Value) -> Vec<(String, Value)> {
        let field = |name: &str| doc.get(name).and_then(Value::as_str);
        let (Some(api_version), Some(kind)) = (field("apiVersion"), field("kind")) else {
            return Vec::new();
        };
        let Some(version) = self.kinds.get(&(api_version.to_owned(), kind.to_owned())) else {
            return Vec::new();
        };
        let mut added: Vec<(String, Value)> = version
            .served
            .iter()
            .flat_map(|s| defaults::added(&s.schema, doc))
            .collect();
        added.sort_by(|a, b| a.0.cmp(&b.0));
        added.dedup_by(|a, b| a.0 == b.0);
        added
    }

    /// The CEL rules of the served versions, which [`Schemas::validate`] cannot check.
    pub fn unchecked_cel_rules(&self) -> &[CelRule] {
        &self.cel_rules
    }

    /// The (`apiVersion`, kind) pairs that have a served schema, sorted.
    pub fn served(&self) -> Vec<(&str, &str)> {
        self.kinds
            .iter()
            .filter(|(_, version)| !version.served.is_empty())
            .map(|((api_version, kind), _)| (api_version.as_str(), kind.as_str()))
            .collect()
    }

    /// Registers every version of one CRD document from `source`.
    fn add_crd(&mut self, source: &str, crd: &Value) -> Result<(), String> {
        let text = |value: &Value, pointer: &str| -> Result<String, String> {
            value
                .pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("no string at {pointer}"))
        };
        if crd.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
            return Err("expected only CustomResourceDefinitions".into());
        }
        let group = text(crd, "/spec/group")?;
        let kind = text(crd, "/spec/names/kind")?;
        let versions = crd
            .pointer("/spec/versions")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("CRD {kind} has no spec.versions list"))?;
        for version in versions {
            let api_version = format!("{group}/{}", text(version, "/name")?);
            if version.get("served") == Some(&Value::Bool(true)) {
                let schema = version
                    .pointer("/schema/openAPIV3Schema")
                    .ok_or_else(|| format!("{api_version} {kind} has no schema.openAPIV3Schema"))?;
                let written = schema.clone();
                let (schema, rules) = crd::crd_schema(schema.clone());
                self.cel_rules
                    .extend(rules.into_iter().map(|(path, rule)| CelRule {
                        api_version: api_version.clone(),
                        kind: kind.clone(),
                        path,
                        rule,
                    }));
                let validator =
                    crd::compile(&schema).map_err(|e| format!("{api_version} {kind}: {e}"))?;
                self.entry(&api_version, &kind)
                    .served
                    .push(SourceValidator {
                        source: source.to_owned(),
                        validator,
                        schema: written,
                    });
            } else {
                self.entry(&api_version, &kind)
                    .unserved
                    .push(source.to_owned());
            }
        }
        Ok(())
    }

    fn entry(&mut self, api_version: &str, kind: &str) -> &mut KindVersion {
        self.kinds
            .entry((api_version.to_owned(), kind.to_owned()))
            .or_default()
    }
}

/// A schema error as a violation: a field that should not be there is pointed at itself.
fn violation(error: &jsonschema::ValidationError<'_>, source: Option<String>) -> Violation {
    let mut pointer = error.instance_path().as_str().to_owned();
    let mut unexpected = false;
    if let jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected: fields } =
        error.kind()
        && let Some(field) = fields.first()
    {
        pointer = format!("{pointer}/{}", field.replace('~', "~0").replace('/', "~1"));
        unexpected = true;
    }
    Violation {
        pointer,
        unexpected,
        message: error.to_string(),
        source,
    }
}

/// The documents of a YAML stream (empty ones skipped).
fn documents(text: &str) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value: serde_yaml::Value =
            serde::Deserialize::deserialize(document).map_err(|e| e.to_string())?;
        if !value.is_null() {
            out.push(serde_json::to_value(value).map_err(|e| e.to_string())?);
        }
    }
    Ok(out)
}

/// Every `*.yaml` / `*.yml` file under `dir`, recursively, sorted.
fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |e| LoadError::Io {
        path: dir.display().to_string(),
        source: e,
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            files.extend(yaml_files(&path)?);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// `file` relative to `root`, with `/` separators, for messages.
fn source_label(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).unwrap_or(file);
    let parts: Vec<_> = relative.iter().map(|part| part.to_string_lossy()).collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The built-in `Namespace` schema takes what fleetc renders for a team and refuses what an
    /// API server would: a name that is no DNS-1123 label, a field the kind lacks.
    #[test]
    fn a_namespace_is_checked_as_the_api_server_would() {
        let schemas = Schemas::core();
        let namespace = |name: &str, extra: Value| {
            let mut doc = json!({
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {
                    "name": name,
                    "labels": {"fleetc.dev/team": "payments"},
                    "annotations": {"argocd.argoproj.io/sync-options": "Prune=false,Delete=false"},
                },
            });
            if let (Some(doc), Some(extra)) = (doc.as_object_mut(), extra.as_object()) {
                doc.extend(extra.clone());
            }
            doc
        };
        let count = |doc: &Value| schemas.validate(doc).map(|v| v.len()).ok();
        assert_eq!(count(&namespace("payments", json!({}))), Some(0));
        assert_eq!(count(&namespace("Payments_1", json!({}))), Some(1));
        assert_eq!(count(&namespace(&"a".repeat(64), json!({}))), Some(1));
        assert_eq!(count(&namespace("payments", json!({"data": {}}))), Some(1));
        assert_eq!(
            count(&namespace(
                "payments",
                json!({"spec": {"finalizers": ["kubernetes"]}})
            )),
            Some(0)
        );
    }
}
