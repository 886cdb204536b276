//! The `metadata` of the objects fleetc renders ([`ObjectMeta`]): name and namespace, and
//! labels, annotations and finalizers, each left out of the YAML when empty.

use std::collections::BTreeMap;

use serde::Serialize;

/// The `metadata` fleetc sets on the objects it renders.
#[derive(Debug, Serialize)]
pub(crate) struct ObjectMeta<'a> {
    pub(crate) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) namespace: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) labels: BTreeMap<&'a str, &'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<&'a str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) finalizers: Vec<&'static str>,
}

impl<'a> ObjectMeta<'a> {
    /// A name in a namespace, with nothing else yet.
    pub(crate) fn named(name: String, namespace: &'a str) -> Self {
        Self {
            name,
            namespace: Some(namespace),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            finalizers: Vec::new(),
        }
    }
}

/// Borrows a `String` map as `&str` pairs.
pub(crate) fn borrowed(map: &BTreeMap<String, String>) -> BTreeMap<&str, &str> {
    map.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
