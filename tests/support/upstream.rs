//! Validation of rendered documents against the real upstream CRD schemas.
//!
//! The CRDs are verbatim copies kept in `../shared/schemas/upstream/` beside the repository (each
//! folder's README.txt names the tag). [`UpstreamSchemas::load`] reads every
//! `CustomResourceDefinition` there and turns the `openAPIV3Schema` of each served version into a
//! draft 7 JSON Schema that behaves like an API server asked for `fieldValidation=Strict`:
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
//! Core `v1` `Secret` has no CRD and gets a built-in schema written from the Kubernetes API
//! reference (`data` values must be base64).
//!
//! Not checked (an API server, an admission webhook or a controller would do it):
//!
//! - key uniqueness of `x-kubernetes-list-type: map` lists, defaults, size limits (256 KiB of
//!   annotations, 1 MiB per Secret), the keys a Secret `type` requires (`tls.crt`, ...);
//! - validating and defaulting webhooks (CAPI, CAPA, CAPZ, ESO) and controller-side rules such as
//!   Argo CD's "`destination.server` XOR `destination.name`";
//! - CEL rules (`x-kubernetes-validations`). The copied CRDs have these, all listed at run time by
//!   [`UpstreamSchemas::unchecked_cel_rules`]:
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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::{env, fs, thread};

use base64::Engine as _;
use jsonschema::{Draft, Validator};
use serde::Deserialize as _;
use serde_json::{Map, Value, json};

/// The environment variable that points at the shared folder (the one holding `schemas/`).
const SHARED_ENV: &str = "FLEETC_SHARED";

/// The environment variable that turns a missing shared folder into a test failure.
const REQUIRE_ENV: &str = "FLEETC_REQUIRE_SHARED";

/// A DNS-1123 label (`metadata.namespace`); at most 63 characters, checked apart.
const DNS1123_LABEL: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

/// A DNS-1123 subdomain (`metadata.name`); at most 253 characters, checked apart.
const DNS1123_SUBDOMAIN: &str =
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// A qualified name (label and annotation keys): an optional DNS-1123 subdomain prefix and `/`,
/// then a name of at most 63 characters.
const QUALIFIED_NAME: &str = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

/// The length limit of a qualified name's prefix (at most 253 characters).
const QUALIFIED_NAME_PREFIX: &str = "^([^/]{1,253}/)?[^/]*$";

/// A label value; at most 63 characters, checked apart.
const LABEL_VALUE: &str = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

/// A Secret (or `ConfigMap`) data key: not `.`, not starting with `..`; at most 253 characters,
/// checked apart.
const DATA_KEY: &str = r"^(?!\.\.)(?!\.$)[-._a-zA-Z0-9]+$";

/// The label used in errors for the built-in core schemas.
const BUILT_IN: &str = "built-in";

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

/// Validators for every served version of every upstream CRD, plus core `v1` `Secret`.
pub struct UpstreamSchemas {
    /// Keyed by (`apiVersion`, kind).
    kinds: BTreeMap<(String, String), KindVersion>,
    cel_rules: Vec<CelRule>,
}

/// What the copied CRDs say about one (`apiVersion`, kind) pair.
#[derive(Default)]
struct KindVersion {
    /// One validator per copied CRD that serves this version.
    served: Vec<SourceValidator>,
    /// The copied CRDs that define this version without serving it.
    unserved: Vec<String>,
}

/// A compiled schema and the file it comes from.
struct SourceValidator {
    source: String,
    validator: Validator,
}

impl UpstreamSchemas {
    /// Reads every CRD under `<shared>/schemas/upstream/` and compiles each served version.
    ///
    /// Panics with the file name when a file cannot be read or holds something other than a CRD.
    pub fn load(shared: &Path) -> UpstreamSchemas {
        let root = shared.join("schemas").join("upstream");
        let mut schemas = UpstreamSchemas {
            kinds: BTreeMap::new(),
            cel_rules: Vec::new(),
        };
        for file in yaml_files(&root) {
            let source = source_label(&root, &file);
            let text = fs::read_to_string(&file)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
            for crd in documents(&text) {
                schemas.add_crd(&source, &crd);
            }
        }
        schemas.add_served("v1", "Secret", BUILT_IN, &secret_schema());
        schemas
    }

    /// Checks `doc` against the schema of its `apiVersion` and `kind`.
    ///
    /// Each error reads `<JSON pointer>: <message>`, prefixed with `[<file>] ` when several
    /// copied CRDs define this version.
    pub fn validate(&self, doc: &Value) -> Result<(), Vec<String>> {
        let (api_version, kind) = type_of(doc)?;
        let key = (api_version.to_owned(), kind.to_owned());
        let Some(version) = self.kinds.get(&key) else {
            return Err(vec![format!("no upstream schema for {api_version} {kind}")]);
        };
        if version.served.is_empty() {
            return Err(vec![format!(
                "{api_version} {kind} is not served (defined but `served: false` in {})",
                version.unserved.join(", ")
            )]);
        }
        let labelled = version.served.len() > 1;
        let errors: Vec<String> = version
            .served
            .iter()
            .flat_map(|schema| schema.errors(doc, labelled))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
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

    /// The CEL rules of the served versions, which [`UpstreamSchemas::validate`] cannot check.
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
    fn add_crd(&mut self, source: &str, crd: &Value) {
        let found = crd.get("kind").and_then(Value::as_str);
        assert_eq!(
            found,
            Some("CustomResourceDefinition"),
            "{source}: expected only CustomResourceDefinitions under schemas/upstream"
        );
        let group = text_at(crd, "/spec/group", source);
        let kind = text_at(crd, "/spec/names/kind", source);
        let versions = crd
            .pointer("/spec/versions")
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{source}: CRD {kind} has no spec.versions list"));
        for version in versions {
            let api_version = format!("{group}/{}", text_at(version, "/name", source));
            if version.get("served") == Some(&Value::Bool(true)) {
                let schema = version
                    .pointer("/schema/openAPIV3Schema")
                    .unwrap_or_else(|| {
                        panic!("{source}: {api_version} {kind} has no schema.openAPIV3Schema")
                    });
                let (schema, rules) = crd_schema(schema.clone());
                self.note_cel_rules(&api_version, kind, rules);
                self.add_served(&api_version, kind, source, &schema);
            } else {
                self.entry(&api_version, kind)
                    .unserved
                    .push(source.to_owned());
            }
        }
    }

    /// Compiles `schema` as one served schema of (`api_version`, `kind`).
    fn add_served(&mut self, api_version: &str, kind: &str, source: &str, schema: &Value) {
        let validator = compile(schema, &format!("{source}: {api_version} {kind}"));
        let source = source.to_owned();
        self.entry(api_version, kind)
            .served
            .push(SourceValidator { source, validator });
    }

    fn note_cel_rules(&mut self, api_version: &str, kind: &str, rules: Vec<(String, String)>) {
        self.cel_rules
            .extend(rules.into_iter().map(|(path, rule)| CelRule {
                api_version: api_version.to_owned(),
                kind: kind.to_owned(),
                path,
                rule,
            }));
    }

    fn entry(&mut self, api_version: &str, kind: &str) -> &mut KindVersion {
        self.kinds
            .entry((api_version.to_owned(), kind.to_owned()))
            .or_default()
    }
}

impl SourceValidator {
    /// The errors of `doc` as `<pointer>: <message>`, prefixed with the source if `labelled`.
    fn errors(&self, doc: &Value, labelled: bool) -> Vec<String> {
        self.validator
            .iter_errors(doc)
            .map(|error| {
                let pointer = error.instance_path().as_str();
                let pointer = if pointer.is_empty() { "/" } else { pointer };
                let error = format!("{pointer}: {error}");
                if labelled {
                    format!("[{}] {error}", self.source)
                } else {
                    error
                }
            })
            .collect()
    }
}

/// The `apiVersion` and `kind` of a document, or the error saying which is missing.
fn type_of(doc: &Value) -> Result<(&str, &str), Vec<String>> {
    let field = |name: &str| doc.get(name).and_then(Value::as_str);
    match (field("apiVersion"), field("kind")) {
        (Some(api_version), Some(kind)) => Ok((api_version, kind)),
        _ => Err(vec![
            "/: the document needs string `apiVersion` and `kind` fields".to_owned(),
        ]),
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

/// Every `*.yaml` / `*.yml` file under `dir`, recursively, sorted.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
            .path();
        if path.is_dir() {
            files.extend(yaml_files(&path));
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// `file` relative to `root`, with `/` separators, for error messages.
fn source_label(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).unwrap_or(file);
    let parts: Vec<_> = relative.iter().map(|part| part.to_string_lossy()).collect();
    parts.join("/")
}

/// The string at `pointer` in a CRD document.
fn text_at<'a>(value: &'a Value, pointer: &str, source: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{source}: no string at {pointer}"))
}

/// Compiles a converted schema; `what` names it if it does not compile.
fn compile(schema: &Value, what: &str) -> Validator {
    jsonschema::options()
        .with_draft(Draft::Draft7)
        .offline()
        .should_validate_formats(true)
        .with_format("byte", is_base64)
        .build(schema)
        .unwrap_or_else(|error| {
            let at = error.schema_path().as_str();
            panic!("{what}: the converted schema does not compile: {error} (at {at})")
        })
}

/// Whether `text` is standard, padded base64 (how the API server decodes `[]byte` fields).
fn is_base64(text: &str) -> bool {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .is_ok()
}

/// A CRD version's `openAPIV3Schema` as a strict draft 7 JSON Schema, and the CEL rules found
/// in it as (path, rule).
fn crd_schema(mut schema: Value) -> (Value, Vec<(String, String)>) {
    let mut rules = Vec::new();
    convert(&mut schema, "", &mut rules);
    let root = schema
        .as_object_mut()
        .expect("an openAPIV3Schema is an object");
    let properties = root.entry("properties").or_insert_with(|| json!({}));
    properties["metadata"] = object_meta_schema();
    let required = root.entry("required").or_insert_with(|| json!([]));
    if let Value::Array(required) = required {
        for field in ["apiVersion", "kind", "metadata"] {
            if !required.iter().any(|known| known == field) {
                required.push(json!(field));
            }
        }
    }
    (schema, rules)
}

/// Converts one structural schema node (and everything below it) in place; see the module docs.
fn convert(node: &mut Value, path: &str, rules: &mut Vec<(String, String)>) {
    let Value::Object(schema) = node else { return };
    convert_children(schema, path, rules);
    note_cel(schema, path, rules);
    let preserve_unknown = take_flag(schema, "x-kubernetes-preserve-unknown-fields");
    let int_or_string = take_flag(schema, "x-kubernetes-int-or-string");
    let nullable = take_flag(schema, "nullable");
    let set = schema.get("x-kubernetes-list-type").and_then(Value::as_str) == Some("set");
    schema.retain(|keyword, _| !keyword.starts_with("x-kubernetes-"));
    if int_or_string {
        schema.insert("type".to_owned(), json!(["integer", "string"]));
    }
    if set {
        schema.insert("uniqueItems".to_owned(), json!(true));
    }
    let is_object = schema.get("type").and_then(Value::as_str) == Some("object");
    if is_object && !preserve_unknown && !schema.contains_key("additionalProperties") {
        schema.insert("additionalProperties".to_owned(), json!(false));
        // Without `properties`, a false `additionalProperties` reports the value, not the key.
        schema.entry("properties").or_insert_with(|| json!({}));
    }
    if nullable {
        allow_null(schema);
    }
}

/// Converts the sub-schemas of `schema`: properties, items, map values and logical junctors.
fn convert_children(
    schema: &mut Map<String, Value>,
    path: &str,
    rules: &mut Vec<(String, String)>,
) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for (name, child) in properties {
            convert(child, &format!("{path}/{name}"), rules);
        }
    }
    for keyword in ["items", "additionalProperties"] {
        if let Some(child) = schema.get_mut(keyword) {
            convert(child, &format!("{path}/*"), rules);
        }
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = schema.get_mut(keyword) {
            for branch in branches {
                convert(branch, path, rules);
            }
        }
    }
    if let Some(negated) = schema.get_mut("not") {
        convert(negated, path, rules);
    }
}

/// Records the `x-kubernetes-validations` rules of `schema`.
fn note_cel(schema: &Map<String, Value>, path: &str, rules: &mut Vec<(String, String)>) {
    let Some(Value::Array(validations)) = schema.get("x-kubernetes-validations") else {
        return;
    };
    for validation in validations {
        let rule = validation
            .get("rule")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let path = if path.is_empty() { "/" } else { path };
        rules.push((path.to_owned(), rule.to_owned()));
    }
}

/// Removes the boolean `keyword` from `schema`; whether it was `true`.
fn take_flag(schema: &mut Map<String, Value>, keyword: &str) -> bool {
    schema.remove(keyword) == Some(Value::Bool(true))
}

/// Lets a `nullable: true` schema accept `null` too.
fn allow_null(schema: &mut Map<String, Value>) {
    match schema.get_mut("type") {
        Some(Value::String(single)) => {
            let single = single.clone();
            schema.insert("type".to_owned(), json!([single, "null"]));
        }
        Some(Value::Array(types)) => types.push(json!("null")),
        _ => {}
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        values.push(Value::Null);
    }
    if let Some(Value::Array(branches)) = schema.get_mut("anyOf") {
        branches.push(json!({"type": "null"}));
    }
}

/// The part of `ObjectMeta` a client may set, with the API server's syntax rules.
fn object_meta_schema() -> Value {
    let qualified_name = json!({
        "allOf": [{"pattern": QUALIFIED_NAME}, {"pattern": QUALIFIED_NAME_PREFIX}]
    });
    json!({
        "type": "object",
        "required": ["name"],
        "additionalProperties": false,
        "properties": {
            "name": {"type": "string", "maxLength": 253, "pattern": DNS1123_SUBDOMAIN},
            "generateName": {"type": "string"},
            "namespace": {"type": "string", "maxLength": 63, "pattern": DNS1123_LABEL},
            "labels": {
                "type": "object",
                "propertyNames": qualified_name,
                "additionalProperties": {"type": "string", "maxLength": 63, "pattern": LABEL_VALUE}
            },
            "annotations": {
                "type": "object",
                "propertyNames": qualified_name,
                "additionalProperties": {"type": "string"}
            },
            "finalizers": {"type": "array", "items": {"type": "string", "pattern": QUALIFIED_NAME}}
        }
    })
}

/// Core `v1` `Secret`, from the Kubernetes API reference: keys of `data` and `stringData` are
/// config-map keys (at most 253 of `[-._a-zA-Z0-9]`, not `.`, `..` or `..`-prefixed); `data`
/// values are base64.
fn secret_schema() -> Value {
    let key = json!({"type": "string", "maxLength": 253, "pattern": DATA_KEY});
    json!({
        "type": "object",
        "required": ["apiVersion", "kind", "metadata"],
        "additionalProperties": false,
        "properties": {
            "apiVersion": {"const": "v1"},
            "kind": {"const": "Secret"},
            "metadata": object_meta_schema(),
            "type": {"type": "string"},
            "immutable": {"type": "boolean"},
            "data": {
                "type": "object",
                "propertyNames": key,
                "additionalProperties": {"type": "string", "format": "byte"}
            },
            "stringData": {
                "type": "object",
                "propertyNames": key,
                "additionalProperties": {"type": "string"}
            }
        }
    })
}
