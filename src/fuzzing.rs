//! What the fuzz targets in `fuzz/` need that the library does not otherwise offer: the YAML
//! writer on its own. Built only with the `fuzzing` feature.

/// One YAML document holding `value`, as fleetc writes every document.
pub fn yaml_document(value: &serde_json::Value) -> String {
    let mut out = String::new();
    crate::render::write_yaml_document(value, &mut out);
    out
}
