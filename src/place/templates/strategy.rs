//! Test support: values layers with templated strings, and what they evaluate to.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::layer::Shape;

/// The shape of a layer's values.
pub(crate) fn shape(value: &Value) -> Shape<'_> {
    super::layer::shape_for_tests(value)
}

/// A small JSON tree with templated strings (`{{ … }}`) among its leaves.
pub(crate) fn tree() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!(null)),
        Just(json!(1)),
        Just(json!("text")),
        Just(json!("{{ t }}")),
        Just(json!([1, "{{ t }}"])),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        proptest::collection::btree_map(
            proptest::sample::select(vec!["a", "b", "c"]).prop_map(str::to_owned),
            inner,
            0..3,
        )
        .prop_map(|m| Value::Object(m.into_iter().collect()))
    })
}

/// What a layer evaluates to eagerly: each templated string replaced by its result.
pub(crate) fn eager(value: &Value, results: &mut std::slice::Iter<'_, Value>) -> Value {
    match value {
        Value::String(s) if s.contains("{{") => results.next().expect("a result").clone(),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), eager(v, results)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| eager(v, results)).collect()),
        other => other.clone(),
    }
}

/// How many templated strings a layer holds.
pub(crate) fn count_holes(value: &Value) -> usize {
    match value {
        Value::String(s) if s.contains("{{") => 1,
        Value::Object(m) => m.values().map(count_holes).sum(),
        Value::Array(items) => items.iter().map(count_holes).sum(),
        _ => 0,
    }
}
