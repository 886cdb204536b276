//! The label vocabulary of a fleet: the keys a selector may use and the values they may take.
//! A key is known when it is built in (`provider`, `region`, `environment`, `hub`), when the
//! Fleet declares it (`spec.labels`, with a description and, optionally, its allowed values),
//! or when a cluster carries it. A selector key that is none of these matches nothing (or, with
//! `NotIn` and `DoesNotExist`, everything): it is a typo far more often than a plan, so fleetc
//! calls it an error.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{BUILTIN_LABELS, Cluster};

/// One key of the Fleet's declared vocabulary (`spec.labels.<key>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelDeclaration {
    /// What the label means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The values it may take; any value when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

/// What the fleet knows of one label key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelKey {
    /// Whether fleetc sets it from a cluster field.
    pub builtin: bool,
    /// Its declaration in the Fleet, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<LabelDeclaration>,
    /// Each value clusters carry, with how many carry it.
    pub values: BTreeMap<String, usize>,
    /// How many clusters carry the key.
    pub clusters: usize,
}

/// The fleet's label vocabulary (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelVocabulary {
    keys: BTreeMap<String, LabelKey>,
    /// Whether the Fleet declares a vocabulary (then every cluster label must be in it).
    declared: bool,
}

impl LabelVocabulary {
    /// The vocabulary of `declared` (the Fleet's `spec.labels`, if any) and what `clusters`
    /// carry as placement labels.
    pub fn new(
        declared: Option<&BTreeMap<String, LabelDeclaration>>,
        clusters: &[Cluster],
    ) -> Self {
        let mut keys: BTreeMap<String, LabelKey> = BUILTIN_LABELS
            .iter()
            .map(|k| {
                let key = LabelKey {
                    builtin: true,
                    ..LabelKey::default()
                };
                ((*k).to_owned(), key)
            })
            .collect();
        for (key, declaration) in declared.into_iter().flatten() {
            keys.entry(key.clone()).or_default().declared = Some(declaration.clone());
        }
        for cluster in clusters {
            for (key, value) in &cluster.placement_labels {
                let entry = keys.entry(key.clone()).or_default();
                entry.clusters += 1;
                *entry.values.entry(value.clone()).or_default() += 1;
            }
        }
        Self {
            keys,
            declared: declared.is_some(),
        }
    }

    /// Whether a selector may use `key`.
    pub fn knows(&self, key: &str) -> bool {
        self.keys.contains_key(key)
    }

    /// The values `key` may take, when the Fleet restricts them.
    pub fn allowed(&self, key: &str) -> Option<&[String]> {
        self.keys.get(key)?.declared.as_ref()?.values.as_deref()
    }

    /// Whether the Fleet declares a vocabulary.
    pub fn is_declared(&self) -> bool {
        self.declared
    }

    /// Whether the Fleet declares `key` (built-in keys need not be).
    pub fn declares(&self, key: &str) -> bool {
        self.keys
            .get(key)
            .is_some_and(|k| k.builtin || k.declared.is_some())
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &LabelKey)> {
        self.keys.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Every key's name, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.keys.keys().map(String::as_str).collect()
    }
}
