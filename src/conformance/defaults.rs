//! What the API server adds to a custom resource: the `default` of every property its CRD's
//! schema declares one for, where the object leaves the property out (Kubernetes' structural
//! defaulting, through objects, maps and list items). An object that says all of them is what
//! the cluster stores, so a GitOps controller comparing the two sees no difference; a default
//! inside a list item is the classic cause of an Application that never stops being out of sync,
//! since lists are compared whole.

use serde_json::Value;

/// The fields the API server would add to `doc` under `schema`: each one's JSON pointer and
/// its default. Top-level `status` is left out: fleetc never writes it, and a controller
/// compares it to nothing.
pub(crate) fn added(schema: &Value, doc: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    if let (Some(properties), Some(object)) = (
        schema.get("properties").and_then(Value::as_object),
        doc.as_object(),
    ) {
        for (key, property) in properties.iter().filter(|(key, _)| *key != "status") {
            walk(
                property,
                object.get(key),
                &format!("/{}", escape(key)),
                &mut found,
            );
        }
    }
    found
}

/// Defaults under `schema` for `value` (`None`: the field is absent) at `at`. A `null` where
/// the schema is not `nullable` counts as absent, as the API server takes it; a default is
/// itself defaulted.
fn walk(schema: &Value, value: Option<&Value>, at: &str, found: &mut Vec<(String, Value)>) {
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let value = value.filter(|v| !v.is_null() || nullable);
    let Some(value) = value else {
        if let Some(default) = schema.get("default") {
            found.push((at.to_owned(), default.clone()));
            walk(schema, Some(default), at, found);
        }
        return;
    };
    match value {
        Value::Object(object) => {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (key, property) in properties {
                    walk(
                        property,
                        object.get(key),
                        &format!("{at}/{}", escape(key)),
                        found,
                    );
                }
            }
            if let Some(values) = schema.get("additionalProperties").filter(|s| s.is_object()) {
                for (key, item) in object {
                    walk(values, Some(item), &format!("{at}/{}", escape(key)), found);
                }
            }
        }
        Value::Array(items) => {
            if let Some(schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    walk(schema, Some(item), &format!("{at}/{i}"), found);
                }
            }
        }
        _ => {}
    }
}

/// A key as a JSON pointer writes it.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_fields_with_a_default_in_objects_maps_and_list_items() {
        let schema = json!({"properties": {
            "spec": {"type": "object", "properties": {
                "mode": {"type": "string", "default": "Audit"},
                "set": {"type": "boolean", "default": true},
                "rules": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "skip": {"type": "boolean", "default": true},
                }}},
                "byName": {"type": "object", "additionalProperties": {
                    "type": "object", "properties": {"weight": {"default": 1}},
                }},
                "absent": {"type": "object", "properties": {"inner": {"default": 2}}},
                "nulled": {"type": "string", "default": "x"},
                "nested": {"type": "object", "default": {}, "properties": {
                    "inner": {"type": "integer", "default": 3},
                }},
            }},
            "status": {"type": "object", "default": {"observedGeneration": -1}},
        }});
        let doc = json!({"spec": {
            "set": false,
            "nulled": null,
            "rules": [{"name": "a"}, {"name": "b", "skip": false}],
            "byName": {"x/y": {}},
        }});
        assert_eq!(
            added(&schema, &doc),
            vec![
                ("/spec/byName/x~1y/weight".to_owned(), json!(1)),
                ("/spec/mode".to_owned(), json!("Audit")),
                ("/spec/nested".to_owned(), json!({})),
                ("/spec/nested/inner".to_owned(), json!(3)),
                ("/spec/nulled".to_owned(), json!("x")),
                ("/spec/rules/0/skip".to_owned(), json!(true)),
            ]
        );
    }
}
