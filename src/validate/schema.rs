//! The JSON Schemas in `schema/`, embedded in the binary, and the translation of their errors
//! into diagnostics that point at the offending key or value and say what would be right.

use std::sync::LazyLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use super::suggest;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Files, Pointer, Target};
use crate::model::Kind;

/// The schema files, as shipped in `schema/`.
pub const FILES: [(&str, &str); 6] = [
    (
        "fleet.schema.json",
        include_str!("../../schema/fleet.schema.json"),
    ),
    (
        "cluster-template.schema.json",
        include_str!("../../schema/cluster-template.schema.json"),
    ),
    (
        "cluster.schema.json",
        include_str!("../../schema/cluster.schema.json"),
    ),
    (
        "app.schema.json",
        include_str!("../../schema/app.schema.json"),
    ),
    (
        "team.schema.json",
        include_str!("../../schema/team.schema.json"),
    ),
    (
        "fleetc.schema.json",
        include_str!("../../schema/fleetc.schema.json"),
    ),
];

const BASE: &str = "https://schema.fleetc.invalid/v1alpha1/";

/// The schema file of a kind.
pub fn file_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Fleet => "fleet.schema.json",
        Kind::ClusterTemplate => "cluster-template.schema.json",
        Kind::Cluster => "cluster.schema.json",
        Kind::App => "app.schema.json",
        Kind::Team => "team.schema.json",
    }
}

/// The text of a schema file by name.
pub fn text_of(file: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, text)| *text)
}

struct Schemas {
    parsed: Vec<(&'static str, Value)>,
    validators: Vec<(Kind, Validator)>,
}

static SCHEMAS: LazyLock<Schemas> = LazyLock::new(|| {
    let parsed: Vec<(&'static str, Value)> = FILES
        .iter()
        .map(|(name, text)| {
            let value = serde_json::from_str(text).expect("embedded schemas are valid JSON");
            (*name, value)
        })
        .collect();
    let registry = jsonschema::Registry::new()
        .extend(
            parsed
                .iter()
                .map(|(name, value)| (format!("{BASE}{name}"), value.clone())),
        )
        .and_then(jsonschema::RegistryBuilder::prepare)
        .expect("embedded schemas register");
    let validators = Kind::ALL
        .into_iter()
        .map(|kind| {
            let file = file_of(kind);
            let schema = &parsed
                .iter()
                .find(|(n, _)| *n == file)
                .expect("kind schema")
                .1;
            let validator = jsonschema::options()
                .with_base_uri(format!("{BASE}{file}"))
                .with_registry(&registry)
                .build(schema)
                .expect("embedded schemas compile");
            (kind, validator)
        })
        .collect();
    Schemas { parsed, validators }
});

/// Checks one document against its kind's schema. `skip` says which unknown keys another check
/// reports better (credentials), so they are not reported twice. Every node the schema rejects
/// is added to `broken` (an unknown key, a value of the wrong type or outside its choices), so
/// the checks that do not depend on it can still run on the rest of the document.
pub(crate) fn check(
    kind: Kind,
    doc: &Document,
    files: &Files,
    skip: &dyn Fn(&str) -> bool,
    broken: &mut Vec<Pointer>,
) -> Vec<Diagnostic> {
    let schemas = &*SCHEMAS;
    let validator = &schemas
        .validators
        .iter()
        .find(|(k, _)| *k == kind)
        .expect("a validator per kind")
        .1;
    let mut out = Vec::new();
    for error in validator.iter_errors(&doc.value) {
        translate(&error, doc, files, skip, &mut out);
        let at = pointer_of(&error);
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                broken.extend(unexpected.iter().map(|k| at.clone().key(k.clone())));
            }
            ValidationErrorKind::PropertyNames { error: inner } => {
                if let Some(key) = inner.instance().as_str() {
                    broken.push(at.clone().key(key));
                }
            }
            ValidationErrorKind::Required { .. } => {}
            _ => broken.push(at),
        }
    }
    out
}

fn pointer_of(error: &ValidationError<'_>) -> Pointer {
    error
        .instance_path()
        .iter()
        .fold(Pointer::root(), |p, segment| match segment {
            LocationSegment::Property(key) => p.key(key.as_ref()),
            LocationSegment::Index(i) => p.index(i),
        })
}

fn translate(
    error: &ValidationError<'_>,
    doc: &Document,
    files: &Files,
    skip: &dyn Fn(&str) -> bool,
    out: &mut Vec<Diagnostic>,
) {
    let at = pointer_of(error);
    let locate = |p: &Pointer, t: Target| Some(files.locate(doc.at, p, t));
    let field = field_name(&at);
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_properties(error);
            let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
            for key in unexpected.iter().filter(|k| !skip(k)) {
                let mut d = Diagnostic::error(
                    Code::UnknownField,
                    format!("unknown field `{key}`{}", in_field(&field)),
                    locate(&at.clone().key(key.clone()), Target::Key),
                );
                d.help = suggest::help(key, &allowed);
                out.push(d);
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            out.push(Diagnostic::error(
                Code::MissingField,
                format!("missing required field `{name}`{}", in_field(&field)),
                locate(&at, Target::Key),
            ));
        }
        ValidationErrorKind::Type { kind } => {
            let expected = expected_types(kind);
            let found = describe(error.instance());
            // An empty value (`spec:` with nothing after it) has no text to point at: its key.
            let target = if error.instance().is_null() {
                Target::Key
            } else {
                Target::Value
            };
            let mut d = Diagnostic::error(
                Code::WrongType,
                format!("`{field}` must be {expected}, found {found}"),
                locate(&at, target),
            );
            if expected.contains("string")
                && matches!(&**error.instance(), Value::Number(_) | Value::Bool(_))
            {
                d.help = Some(format!(
                    "quote the value so YAML reads it as text: {}: \"{}\"",
                    last_key(&at),
                    source_text(files, doc, &at).unwrap_or_else(|| error.instance().to_string())
                ));
            }
            out.push(d);
        }
        ValidationErrorKind::Enum { options } => {
            let choices: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let found = describe(error.instance());
            let mut d = Diagnostic::error(
                Code::InvalidValue,
                format!("`{field}` cannot be {found}"),
                locate(&at, Target::Value),
            );
            d.help = error
                .instance()
                .as_str()
                .and_then(|s| suggest::help(s, &choices))
                .or_else(|| suggest::help("", &choices));
            out.push(d);
        }
        ValidationErrorKind::Constant { expected_value } => out.push(Diagnostic::error(
            Code::InvalidValue,
            format!(
                "`{field}` must be {expected_value}, found {}",
                describe(error.instance())
            ),
            locate(&at, Target::Value),
        )),
        ValidationErrorKind::Pattern { pattern } => {
            let found = describe(error.instance());
            let (code, rule) = pattern_rule(pattern);
            out.push(Diagnostic::error(
                code,
                format!("`{field}` cannot be {found}: {rule}"),
                locate(&at, Target::Value),
            ));
        }
        ValidationErrorKind::PropertyNames { error: inner } => {
            // A key outside a closed set of names (`propertyNames: {enum}`): report it at the
            // key, with the nearest allowed name.
            let key = inner.instance().as_str().unwrap_or_default().to_owned();
            let choices: Vec<&str> = match inner.kind() {
                ValidationErrorKind::Enum { options } => options
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            let mut d = Diagnostic::error(
                Code::UnknownField,
                format!("unknown key `{key}`{}", in_field(&field)),
                locate(&at.clone().key(key.clone()), Target::Key),
            );
            d.help = suggest::help(&key, &choices).or_else(|| {
                (!choices.is_empty()).then(|| format!("the keys here are {}", choices.join(", ")))
            });
            out.push(d);
        }
        ValidationErrorKind::MinProperties { .. } | ValidationErrorKind::MaxProperties { .. }
            if is_one_of_object(error) =>
        {
            out.extend(one_of_diagnostic(
                error,
                &field,
                skip,
                locate(&at, Target::Key),
            ));
        }
        _ => out.push(Diagnostic::error(
            Code::InvalidValue,
            format!("`{field}`: {}", error.masked()),
            locate(&at, Target::Value),
        )),
    }
}

/// The dotted name of the field an error is about (`spec.region`), or `document` at the root.
fn field_name(at: &Pointer) -> String {
    let dotted = at.dotted();
    if dotted.is_empty() {
        "document".into()
    } else {
        dotted
    }
}

fn in_field(field: &str) -> String {
    if field == "document" {
        String::new()
    } else {
        format!(" in `{field}`")
    }
}

fn last_key(at: &Pointer) -> String {
    match at.last() {
        Some(crate::load::Segment::Key(k)) => k.clone(),
        _ => "value".into(),
    }
}

/// The value as it is written in the file, where it is a single plain scalar.
fn source_text(files: &Files, doc: &Document, at: &Pointer) -> Option<String> {
    let location = files.locate(doc.at, at, Target::Value);
    let line = files
        .text(doc.at.file)
        .lines()
        .nth(location.line as usize - 1)?;
    let text: String = line
        .chars()
        .skip(location.column as usize - 1)
        .take(location.length as usize)
        .collect();
    (!text.is_empty()).then_some(text)
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("`{s}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn expected_types(kind: &TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "object" => "a mapping".to_owned(),
        "array" => "a list".to_owned(),
        "integer" => "an integer".to_owned(),
        other => format!("a {other}"),
    };
    match kind {
        TypeKind::Single(t) => name(t),
        TypeKind::Multiple(ts) => ts
            .into_iter()
            .map(|t| name(&t))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

/// What a schema pattern means, in words.
fn pattern_rule(pattern: &str) -> (Code, String) {
    match pattern {
        "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" => (
            Code::InvalidName,
            "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending \
             with a letter or digit"
                .into(),
        ),
        "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" => (
            Code::InvalidName,
            "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each part \
             starting and ending with a letter or digit"
                .into(),
        ),
        "^https://" => (Code::InvalidValue, "must be an https:// URL".into()),
        "^arn:" => (Code::InvalidValue, "must be an ARN (arn:aws:iam::…)".into()),
        "^[0-9]+\\.[0-9]+(\\.[0-9]+)?$" => (
            Code::InvalidValue,
            "must be a version like \"1.33\" or \"1.33.2\"".into(),
        ),
        p if p.contains("ns|us") => (
            Code::InvalidValue,
            "must be a duration like 1h, 30m or 1h30m".into(),
        ),
        p => (Code::InvalidValue, format!("must match the pattern {p}")),
    }
}

/// Where the failing keyword sits in the embedded schemas: (file, JSON pointer).
fn keyword_location(error: &ValidationError<'_>) -> Option<(&'static Value, Pointer)> {
    let uri = error.absolute_keyword_location()?.to_string();
    let (file_uri, fragment) = uri.split_once('#').unwrap_or((uri.as_str(), ""));
    let file = file_uri.rsplit('/').next()?;
    let schema = &SCHEMAS.parsed.iter().find(|(n, _)| *n == file)?.1;
    Some((schema, Pointer::parse(fragment)))
}

fn schema_node<'a>(schema: &'a Value, pointer: &Pointer) -> Option<&'a Value> {
    pointer
        .segments()
        .iter()
        .try_fold(schema, |node, segment| match segment {
            crate::load::Segment::Key(k) => node.get(k),
            crate::load::Segment::Index(i) => node.get(i),
        })
}

/// The schema object that holds the failing keyword.
fn failing_object(error: &ValidationError<'_>) -> Option<&'static Value> {
    let (schema, pointer) = keyword_location(error)?;
    schema_node(schema, &pointer.parent()?)
}

/// The property names the schema object allows, for "did you mean".
fn allowed_properties(error: &ValidationError<'_>) -> Vec<String> {
    failing_object(error)
        .and_then(|o| o.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// Objects that hold exactly one of their properties (`minProperties: 1, maxProperties: 1`).
fn is_one_of_object(error: &ValidationError<'_>) -> bool {
    failing_object(error).is_some_and(|o| {
        o.get("minProperties") == Some(&Value::from(1))
            && o.get("maxProperties") == Some(&Value::from(1))
    })
}

/// "Exactly one of" broken; `None` when the extra keys are credentials, which are reported as
/// such and are not a second form.
fn one_of_diagnostic(
    error: &ValidationError<'_>,
    field: &str,
    skip: &dyn Fn(&str) -> bool,
    location: Option<crate::diagnostic::Location>,
) -> Option<Diagnostic> {
    let allowed = allowed_properties(error);
    let choices: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
    let keys: Vec<&String> = error
        .instance()
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    let given: Vec<String> = keys
        .iter()
        .filter(|k| !skip(k))
        .map(|k| format!("`{k}`"))
        .collect();
    if given.len() == 1 && keys.len() > 1 {
        return None;
    }
    let message = if given.is_empty() {
        format!(
            "`{field}` is empty: it needs exactly one of {}",
            choices.join(", ")
        )
    } else {
        format!("`{field}` sets {}: choose exactly one", given.join(" and "))
    };
    Some(
        Diagnostic::error(Code::InvalidValue, message, location)
            .with_help(format!("the forms are {}", choices.join(", "))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_parses_and_compiles() {
        assert_eq!(SCHEMAS.parsed.len(), FILES.len());
        assert_eq!(SCHEMAS.validators.len(), Kind::ALL.len());
    }
}
