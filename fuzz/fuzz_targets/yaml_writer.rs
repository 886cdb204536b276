//! The YAML writer on arbitrary data: strings (split from the input at NUL bytes) become keys
//! and values of nested mappings and lists, and what is written reads back as the same data
//! with an independent reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut pieces = text.split('\0');
    let mut root = Map::new();
    let mut depth = 0usize;
    while let (Some(key), Some(value)) = (pieces.next(), pieces.next()) {
        // The first character of a key chooses where its value goes.
        let value = match key.chars().next() {
            Some('[') => Value::Array(vec![Value::from(value), Value::from(key)]),
            Some('{') if depth < 8 => {
                depth += 1;
                let mut inner = Map::new();
                inner.insert(value.to_owned(), Value::from(key));
                Value::Object(inner)
            }
            Some('#') => value
                .parse::<i64>()
                .map_or_else(|_| Value::from(value), Value::from),
            _ => Value::from(value),
        };
        root.insert(key.to_owned(), value);
    }
    let document = Value::Object(root);
    let written = fleetc::fuzzing::yaml_document(&document);
    let read: serde_yaml::Value = serde_yaml::from_str(&written)
        .unwrap_or_else(|e| panic!("does not read back: {e}\n{written}"));
    let read = serde_json::to_value(read).expect("YAML as JSON");
    assert_eq!(read, document, "{written}");
});
