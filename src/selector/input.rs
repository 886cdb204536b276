//! The Kubernetes `LabelSelector` as written in fleet YAML (`spec.placement.selector`,
//! `spec.overrides[].selector`). This is the raw input; [`Selector::compile`](super::Selector::compile)
//! checks and compiles it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A Kubernetes label selector: `matchLabels` AND `matchExpressions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelector {
    /// `key: value` pairs, each one the same as an `In` expression with that single value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    /// Set-based requirements, all of which must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` item. The operator stays a string so that a bad spelling is reported
/// by the selector compiler, with a hint, rather than as a deserialisation error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelectorRequirement {
    /// The label key the requirement applies to.
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist` (case-sensitive).
    pub operator: String,
    /// The values for `In` and `NotIn`; must be empty for `Exists` and `DoesNotExist`.
    #[serde(default)]
    pub values: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserializes_both_parts() {
        let sel: LabelSelector = serde_json::from_str(
            r#"{"matchLabels": {"environment": "prod"},
                "matchExpressions": [{"key": "region", "operator": "In", "values": ["a", "b"]},
                                     {"key": "legacy", "operator": "DoesNotExist"}]}"#,
        )
        .expect("valid selector");
        assert_eq!(
            sel.match_labels.get("environment").map(String::as_str),
            Some("prod")
        );
        assert_eq!(sel.match_expressions.len(), 2);
        assert_eq!(sel.match_expressions[0].values, ["a", "b"]);
        assert_eq!(sel.match_expressions[1].operator, "DoesNotExist");
        assert!(sel.match_expressions[1].values.is_empty());
    }

    #[test]
    fn empty_object_is_the_default() {
        let sel: LabelSelector = serde_json::from_str("{}").expect("empty selector");
        assert_eq!(sel, LabelSelector::default());
    }

    #[test]
    fn operator_is_kept_verbatim() {
        let req: LabelSelectorRequirement =
            serde_json::from_str(r#"{"key": "k", "operator": "in", "values": ["v"]}"#)
                .expect("any operator string deserializes");
        assert_eq!(req.operator, "in");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = serde_json::from_str::<LabelSelector>(r#"{"matchLabel": {"a": "b"}}"#)
            .expect_err("misspelt field");
        assert!(
            err.to_string().contains("unknown field `matchLabel`"),
            "{err}"
        );
        let err = serde_json::from_str::<LabelSelectorRequirement>(
            r#"{"key": "k", "operator": "In", "value": ["v"]}"#,
        )
        .expect_err("misspelt field");
        assert!(err.to_string().contains("unknown field `value`"), "{err}");
    }

    #[test]
    fn key_and_operator_are_required() {
        assert!(serde_json::from_str::<LabelSelectorRequirement>(r#"{"key": "k"}"#).is_err());
        assert!(
            serde_json::from_str::<LabelSelectorRequirement>(r#"{"operator": "Exists"}"#).is_err()
        );
    }

    #[test]
    fn serializes_without_empty_parts() {
        let sel = LabelSelector::default();
        assert_eq!(serde_json::to_string(&sel).expect("serializes"), "{}");
        let sel = LabelSelector {
            match_labels: BTreeMap::from([("a".to_owned(), "b".to_owned())]),
            match_expressions: vec![LabelSelectorRequirement {
                key: "k".to_owned(),
                operator: "Exists".to_owned(),
                values: vec![],
            }],
        };
        assert_eq!(
            serde_json::to_string(&sel).expect("serializes"),
            r#"{"matchLabels":{"a":"b"},"matchExpressions":[{"key":"k","operator":"Exists","values":[]}]}"#
        );
    }
}
