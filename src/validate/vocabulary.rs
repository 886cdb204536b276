//! The label vocabulary (see [`crate::model::label_vocabulary`]): the Fleet's declarations are
//! valid label keys and values, clusters carry only declared keys and allowed values (checked
//! with the rest of their labels, in [`super::labels`]), and every selector key is known and
//! every selector value allowed.

use super::{Findings, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Pointer, Target};
use crate::model::label_vocabulary::LabelVocabulary;
use crate::model::{BUILTIN_LABELS, Fleet};
use crate::selector::LabelSelector;
use crate::selector::syntax::{label_key_problems, label_value_problems};

/// What fleetc says about a key the fleet does not know.
fn unknown_key_help(key: &str, vocabulary: &LabelVocabulary) -> String {
    let names = vocabulary.names();
    let known = suggest::help(key, &names).unwrap_or_else(|| {
        format!(
            "the keys clusters carry or the Fleet declares are {}",
            names
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    format!("{known}; a key no cluster carries yet can be declared in the Fleet's `spec.labels`")
}

/// The declared vocabulary: its keys are label keys, its values label values.
pub(super) fn check_declarations(fleet: &Fleet, doc: &Document, findings: &mut Findings<'_>) {
    let Some(declared) = &fleet.labels else {
        return;
    };
    let base = Pointer::parse("/spec/labels");
    for (key, declaration) in declared {
        for problem in label_key_problems(key) {
            findings.push(Diagnostic::error(
                Code::LabelKey,
                format!("label key `{key}` is not valid: {problem}"),
                findings.at(doc.at, &base.clone().key(key.clone()), Target::Key),
            ));
        }
        for (i, value) in declaration.values.iter().flatten().enumerate() {
            for problem in label_value_problems(value) {
                let at = base.clone().key(key.clone()).key("values").index(i);
                findings.push(Diagnostic::error(
                    Code::LabelValue,
                    format!("`{value}` is not a valid value of label `{key}`: {problem}"),
                    findings.at(doc.at, &at, Target::Value),
                ));
            }
        }
    }
}

/// A cluster's label (or built-in field) against the declared vocabulary: the error, if any,
/// and whether it is about the key (else the value).
pub(super) fn cluster_label_problem(
    key: &str,
    value: &str,
    fleet: &Fleet,
    builtin: bool,
) -> Option<(Diagnostic, Target)> {
    let declared = fleet.labels.as_ref()?;
    match declared.get(key) {
        None if builtin => None,
        None => {
            let names: Vec<&str> = declared
                .keys()
                .map(String::as_str)
                .chain(BUILTIN_LABELS)
                .collect();
            let help = suggest::help(key, &names).map_or_else(
                || "declare it in the Fleet's `spec.labels`".to_owned(),
                |h| format!("{h} (or declare `{key}` in the Fleet's `spec.labels`)"),
            );
            Some((
                Diagnostic::error(
                    Code::LabelVocabulary,
                    format!("label `{key}` is not in the fleet's label vocabulary"),
                    None,
                )
                .with_help(help),
                Target::Key,
            ))
        }
        Some(declaration) => {
            let allowed = declaration.values.as_deref()?;
            if allowed.iter().any(|v| v == value) {
                return None;
            }
            let choices: Vec<&str> = allowed.iter().map(String::as_str).collect();
            let help = suggest::help(value, &choices);
            let mut d = Diagnostic::error(
                Code::LabelVocabulary,
                format!("`{value}` is not one of the values the Fleet allows for label `{key}`"),
                None,
            );
            d.help = help.or_else(|| Some(format!("allowed: {}", choices.join(", "))));
            Some((d, Target::Value))
        }
    }
}

/// Every key of a selector is known to the fleet, and every value it compares with is one the
/// Fleet allows for its key. `at` is where the selector sits in `doc`.
/// Checks a label key a spread groups clusters by: its syntax, and against the vocabulary.
pub(super) fn check_key(
    vocabulary: &LabelVocabulary,
    doc: &Document,
    key: &str,
    at: &Pointer,
    findings: &mut Findings<'_>,
) {
    let problems = crate::selector::syntax::label_key_problems(key);
    match super::labels::key_error("label", key, &problems, || {
        findings.at(doc.at, at, Target::Value)
    }) {
        Some(d) => findings.push(d),
        None => unknown_key(
            vocabulary,
            doc,
            key,
            at,
            Target::Value,
            "this spread would choose no cluster",
            findings,
        ),
    }
}

/// A key no cluster carries and the Fleet does not declare: most likely a typo, whose
/// `consequence` the finding says.
fn unknown_key(
    vocabulary: &LabelVocabulary,
    doc: &Document,
    key: &str,
    at: &Pointer,
    target: Target,
    consequence: &str,
    findings: &mut Findings<'_>,
) {
    if !vocabulary.knows(key) {
        findings.push(
            Diagnostic::error(
                Code::LabelVocabulary,
                format!(
                    "no cluster carries the label `{key}` and the Fleet does not declare it: \
                     {consequence}"
                ),
                findings.at(doc.at, at, target),
            )
            .with_help(unknown_key_help(key, vocabulary)),
        );
    }
}

pub(super) fn check_selector(
    vocabulary: &LabelVocabulary,
    doc: &Document,
    selector: &LabelSelector,
    at: &Pointer,
    findings: &mut Findings<'_>,
) {
    let mut key_at = Vec::new();
    let mut values_at = Vec::new();
    for (key, value) in &selector.match_labels {
        let pointer = at.clone().key("matchLabels").key(key.clone());
        key_at.push((key, pointer.clone(), Target::Key));
        values_at.push((key, value, pointer, Target::Value));
    }
    for (i, expression) in selector.match_expressions.iter().enumerate() {
        let base = at.clone().key("matchExpressions").index(i);
        key_at.push((&expression.key, base.clone().key("key"), Target::Value));
        for (j, value) in expression.values.iter().enumerate() {
            let pointer = base.clone().key("values").index(j);
            values_at.push((&expression.key, value, pointer, Target::Value));
        }
    }
    // A key that is not a label key is reported by the selector's compilation, once.
    key_at.retain(|(key, _, _)| crate::selector::syntax::label_key_problems(key).is_empty());
    for (key, pointer, target) in key_at {
        unknown_key(
            vocabulary,
            doc,
            key,
            &pointer,
            target,
            "this selector would treat every cluster as lacking it",
            findings,
        );
    }
    for (key, value, pointer, target) in values_at {
        let Some(allowed) = vocabulary.allowed(key) else {
            continue;
        };
        if allowed.iter().any(|v| v == value) {
            continue;
        }
        let choices: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let mut d = Diagnostic::error(
            Code::LabelVocabulary,
            format!("`{value}` is not one of the values the Fleet allows for label `{key}`"),
            findings.at(doc.at, &pointer, target),
        );
        d.help = suggest::help(value, &choices)
            .or_else(|| Some(format!("allowed: {}", choices.join(", "))));
        findings.push(d);
    }
}
