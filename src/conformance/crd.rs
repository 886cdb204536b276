//! A CRD version's `openAPIV3Schema`, made a draft 7 JSON Schema that behaves like an API
//! server asked for `fieldValidation=Strict` (see the module docs of [`super`]), and the built-in
//! schemas of the core kinds fleetc writes.

use base64::Engine as _;
use jsonschema::{Draft, Validator};
use serde_json::{Map, Value, json};

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

/// Compiles a converted schema.
pub(super) fn compile(schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .with_draft(Draft::Draft7)
        .offline()
        .should_validate_formats(true)
        .with_format("byte", is_base64)
        .build(schema)
        .map_err(|error| {
            let at = error.schema_path().as_str();
            format!("the converted schema does not compile: {error} (at {at})")
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
pub(super) fn crd_schema(mut schema: Value) -> (Value, Vec<(String, String)>) {
    let mut rules = Vec::new();
    convert(&mut schema, "", &mut rules);
    let Some(root) = schema.as_object_mut() else {
        return (schema, rules);
    };
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

/// A core `v1` kind's schema: `apiVersion`, `kind`, `metadata` and these other fields, no more.
fn core_schema(kind: &str, metadata: &Value, fields: &Value) -> Value {
    let mut properties = json!({
        "apiVersion": {"const": "v1"},
        "kind": {"const": kind},
        "metadata": metadata,
    });
    if let (Some(all), Some(fields)) = (properties.as_object_mut(), fields.as_object()) {
        all.extend(fields.clone());
    }
    json!({
        "type": "object",
        "required": ["apiVersion", "kind", "metadata"],
        "additionalProperties": false,
        "properties": properties,
    })
}

/// Core `v1` `Namespace`, from the Kubernetes API reference: its name is a DNS-1123 label, and
/// its spec holds only finalizers.
pub(super) fn namespace_schema() -> Value {
    let mut metadata = object_meta_schema();
    metadata["properties"]["name"] =
        json!({"type": "string", "maxLength": 63, "pattern": DNS1123_LABEL});
    let spec = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {"finalizers": {"type": "array", "items": {"type": "string"}}},
    });
    core_schema("Namespace", &metadata, &json!({"spec": spec}))
}

/// Core `v1` `Secret`, from the Kubernetes API reference: keys of `data` and `stringData` are
/// config-map keys (at most 253 of `[-._a-zA-Z0-9]`, not `.`, `..` or `..`-prefixed); `data`
/// values are base64.
pub(super) fn secret_schema() -> Value {
    let key = json!({"type": "string", "maxLength": 253, "pattern": DATA_KEY});
    core_schema(
        "Secret",
        &object_meta_schema(),
        &json!({
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
        }),
    )
}
