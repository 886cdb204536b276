//! Compiled Kubernetes label selectors, with apimachinery's semantics
//! (`LabelSelectorAsSelector`, `Requirement.Matches`, v0.36).
//!
//! A [`Selector`] is the AND of its [`Requirement`]s; no requirement at all matches everything.
//! Both the YAML form ([`Selector::compile`]) and the command-line string form
//! ([`string::parse`](super::string::parse)) build the same `Selector`.

use std::collections::BTreeMap;
use std::fmt;

use crate::selector::syntax::{label_key_problems, label_value_problems};
use crate::selector::{LabelSelector, LabelSelectorRequirement};

/// How a requirement relates a label to its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    /// The key is present and its value is one of the values.
    In,
    /// The key is absent, or its value is none of the values.
    NotIn,
    /// The key is present, whatever its value (also `""`).
    Exists,
    /// The key is absent.
    DoesNotExist,
    /// The key is present and its value, as an integer, is greater (string syntax only).
    GreaterThan,
    /// The key is present and its value, as an integer, is smaller (string syntax only).
    LessThan,
}

impl Operator {
    /// The operators a `matchExpressions` item may name.
    pub const EXPRESSION_OPERATORS: [Operator; 4] = [
        Operator::In,
        Operator::NotIn,
        Operator::Exists,
        Operator::DoesNotExist,
    ];

    /// The operator's name as Kubernetes spells it (`In`, `NotIn`, `Exists`, `DoesNotExist`,
    /// `Gt`, `Lt`).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::In => "In",
            Operator::NotIn => "NotIn",
            Operator::Exists => "Exists",
            Operator::DoesNotExist => "DoesNotExist",
            Operator::GreaterThan => "Gt",
            Operator::LessThan => "Lt",
        }
    }

    /// The `matchExpressions` operator spelt exactly `name` (case-sensitive); `Gt` and `Lt` are
    /// not among them.
    pub fn from_expression(name: &str) -> Option<Operator> {
        Self::EXPRESSION_OPERATORS
            .into_iter()
            .find(|op| op.as_str() == name)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One requirement of a selector: a key, an operator and a set of values.
#[derive(Debug, Clone)]
pub struct Requirement {
    key: String,
    operator: Operator,
    /// Sorted and deduplicated.
    values: Vec<String>,
    /// Written as `key: value` in `matchLabels` (shown back that way); the same requirement as
    /// `key in (value)`.
    label: bool,
}

// A requirement is what it selects: how it was written does not make it another.
impl PartialEq for Requirement {
    fn eq(&self, other: &Self) -> bool {
        (&self.key, self.operator, &self.values) == (&other.key, other.operator, &other.values)
    }
}

impl Eq for Requirement {}

impl std::hash::Hash for Requirement {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.key, self.operator, &self.values).hash(state);
    }
}

impl Requirement {
    /// A requirement from parts that the caller has already validated; sorts and deduplicates
    /// the values.
    pub(crate) fn new(key: impl Into<String>, operator: Operator, mut values: Vec<String>) -> Self {
        values.sort();
        values.dedup();
        Requirement {
            key: key.into(),
            operator,
            values,
            label: false,
        }
    }

    /// `key: value` of `matchLabels`.
    fn label(key: &str, value: &str) -> Self {
        Requirement {
            label: true,
            ..Requirement::new(key, Operator::In, vec![value.to_owned()])
        }
    }

    /// The label key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The values, sorted and without duplicates (empty for `Exists` and `DoesNotExist`).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Whether `labels` satisfy this requirement. Values compare byte for byte.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            Operator::In => value.is_some_and(|v| self.has_value(v)),
            Operator::NotIn => value.is_none_or(|v| !self.has_value(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => self.compares(value),
        }
    }

    fn has_value(&self, value: &str) -> bool {
        self.values
            .binary_search_by(|v| v.as_str().cmp(value))
            .is_ok()
    }

    /// `Gt`/`Lt`: the label and the single value both parse as `i64` and compare.
    fn compares(&self, value: Option<&String>) -> bool {
        let (Some(label), [bound]) = (value, self.values.as_slice()) else {
            return false;
        };
        let (Ok(label), Ok(bound)) = (label.parse::<i64>(), bound.parse::<i64>()) else {
            return false;
        };
        if self.operator == Operator::GreaterThan {
            label > bound
        } else {
            label < bound
        }
    }
}

impl fmt::Display for Requirement {
    /// The kubectl form: `key in (a,b)`, `key notin (a)`, `key`, `!key`, `key>3`, `key<3`; and
    /// `key=value` for a `matchLabels` entry, as it was written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = &self.key;
        let values = self.values.join(",");
        match self.operator {
            Operator::In if self.label => write!(f, "{key}={values}"),
            Operator::In => write!(f, "{key} in ({values})"),
            Operator::NotIn => write!(f, "{key} notin ({values})"),
            Operator::Exists => write!(f, "{key}"),
            Operator::DoesNotExist => write!(f, "!{key}"),
            Operator::GreaterThan => write!(f, "{key}>{values}"),
            Operator::LessThan => write!(f, "{key}<{values}"),
        }
    }
}

/// A compiled label selector: the AND of its requirements, sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

impl Selector {
    /// The selector that matches every label set.
    pub fn everything() -> Self {
        Selector::default()
    }

    /// A selector from validated requirements; sorts them by key, keeping the order of
    /// requirements on the same key.
    pub(crate) fn from_requirements(mut requirements: Vec<Requirement>) -> Self {
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Selector { requirements }
    }

    /// Compiles a YAML selector exactly as apimachinery's `LabelSelectorAsSelector` does, and
    /// reports every problem (not just the first) with its path inside the selector.
    pub fn compile(sel: &LabelSelector) -> Result<Selector, Vec<SelectorError>> {
        let mut errors = Vec::new();
        let mut requirements = Vec::new();
        for (key, value) in &sel.match_labels {
            let path = || vec![PathSegment::key("matchLabels"), PathSegment::key(key)];
            push_invalid(&mut errors, &path, key, label_key_problems(key));
            push_invalid(&mut errors, &path, value, label_value_problems(value));
            requirements.push(Requirement::label(key, value));
        }
        for (index, expr) in sel.match_expressions.iter().enumerate() {
            if let Some(requirement) = compile_expression(index, expr, &mut errors) {
                requirements.push(requirement);
            }
        }
        if errors.is_empty() {
            Ok(Selector::from_requirements(requirements))
        } else {
            Err(errors)
        }
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// Whether this selector has no requirement, and so matches everything.
    pub fn is_everything(&self) -> bool {
        self.requirements.is_empty()
    }
}

impl fmt::Display for Selector {
    /// The requirements in kubectl form, comma-joined; `""` for [`Selector::everything`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, requirement) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{requirement}")?;
        }
        Ok(())
    }
}

/// Compiles `matchExpressions[index]`, adding its problems to `errors`.
fn compile_expression(
    index: usize,
    expr: &LabelSelectorRequirement,
    errors: &mut Vec<SelectorError>,
) -> Option<Requirement> {
    let before = errors.len();
    let path = |tail: &[PathSegment]| {
        let mut path = vec![
            PathSegment::key("matchExpressions"),
            PathSegment::Index(index),
        ];
        path.extend_from_slice(tail);
        path
    };
    let key_path = || path(&[PathSegment::key("key")]);
    push_invalid(errors, &key_path, &expr.key, label_key_problems(&expr.key));
    let operator = Operator::from_expression(&expr.operator);
    match operator {
        None => errors.push(SelectorError {
            path: path(&[PathSegment::key("operator")]),
            message: bad_operator_message(&expr.operator),
        }),
        Some(op) => {
            if let Some(message) = value_count_problem(op, expr.values.len()) {
                errors.push(SelectorError {
                    path: path(&[PathSegment::key("values")]),
                    message,
                });
            }
        }
    }
    for (i, value) in expr.values.iter().enumerate() {
        let value_path = || path(&[PathSegment::key("values"), PathSegment::Index(i)]);
        push_invalid(errors, &value_path, value, label_value_problems(value));
    }
    match operator {
        Some(op) if errors.len() == before => {
            Some(Requirement::new(expr.key.clone(), op, expr.values.clone()))
        }
        _ => None,
    }
}

/// `In`/`NotIn` need values, `Exists`/`DoesNotExist` forbid them.
fn value_count_problem(op: Operator, count: usize) -> Option<String> {
    match op {
        Operator::In | Operator::NotIn if count == 0 => {
            Some("Required value: must be specified when `operator` is 'In' or 'NotIn'".to_owned())
        }
        Operator::Exists | Operator::DoesNotExist if count > 0 => Some(
            "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                .to_owned(),
        ),
        _ => None,
    }
}

/// `"in" is not a valid label selector operator`, with a hint.
fn bad_operator_message(operator: &str) -> String {
    let base = format!("{operator:?} is not a valid label selector operator");
    let near = Operator::EXPRESSION_OPERATORS
        .into_iter()
        .find(|op| op.as_str().eq_ignore_ascii_case(operator));
    match near {
        Some(op) => format!("{base}; did you mean \"{op}\"?"),
        None => {
            format!("{base}; supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"")
        }
    }
}

/// One `Invalid value` error per problem, at `path()`.
fn push_invalid(
    errors: &mut Vec<SelectorError>,
    path: &dyn Fn() -> Vec<PathSegment>,
    value: &str,
    problems: Vec<String>,
) {
    errors.extend(problems.into_iter().map(|problem| SelectorError {
        path: path(),
        message: format!("Invalid value: {value:?}: {problem}"),
    }));
}

/// A problem in a YAML selector, with its place relative to the selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError {
    /// Where in the selector, e.g. `matchExpressions`, `2`, `operator`.
    pub path: Vec<PathSegment>,
    /// What is wrong, in apimachinery's words.
    pub message: String,
}

/// One step of a [`SelectorError`] path: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// A field name or a map key.
    Key(String),
    /// A list index.
    Index(usize),
}

impl PathSegment {
    fn key(name: &str) -> Self {
        PathSegment::Key(name.to_owned())
    }
}

impl fmt::Display for SelectorError {
    /// `matchExpressions[2].operator: message`; a map key that is not a plain word is quoted:
    /// `matchLabels["example.com/tier"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.path.iter().enumerate() {
            match segment {
                PathSegment::Index(index) => write!(f, "[{index}]")?,
                PathSegment::Key(key) if is_plain_word(key) && i == 0 => f.write_str(key)?,
                PathSegment::Key(key) if is_plain_word(key) => write!(f, ".{key}")?,
                PathSegment::Key(key) => write!(f, "[{key:?}]")?,
            }
        }
        if !self.path.is_empty() {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SelectorError {}

fn is_plain_word(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn expr(key: &str, operator: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.to_owned(),
            operator: operator.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    fn selector(
        match_labels: &[(&str, &str)],
        match_expressions: Vec<LabelSelectorRequirement>,
    ) -> LabelSelector {
        LabelSelector {
            match_labels: labels(match_labels),
            match_expressions,
        }
    }

    fn compiled(sel: &LabelSelector) -> Selector {
        match Selector::compile(sel) {
            Ok(compiled) => compiled,
            Err(errors) => panic!("unexpected errors: {errors:?}"),
        }
    }

    fn errors(sel: &LabelSelector) -> Vec<SelectorError> {
        Selector::compile(sel).expect_err("selector should be rejected")
    }

    fn one_expr(key: &str, operator: &str, values: &[&str]) -> Selector {
        compiled(&selector(&[], vec![expr(key, operator, values)]))
    }

    fn k(name: &str) -> PathSegment {
        PathSegment::Key(name.to_owned())
    }

    fn i(index: usize) -> PathSegment {
        PathSegment::Index(index)
    }

    /// The only error of `sel`: its path and a fragment of its message.
    fn assert_single_error(sel: &LabelSelector, path: &[PathSegment], fragment: &str) {
        let errors = errors(sel);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, path);
        assert!(
            errors[0].message.contains(fragment),
            "{:?} lacks {fragment:?}",
            errors[0]
        );
    }

    #[test]
    fn in_matches_present_key_with_listed_value_only() {
        let sel = one_expr("env", "In", &["prod", "staging"]);
        assert!(sel.matches(&labels(&[("env", "prod")])));
        assert!(sel.matches(&labels(&[("env", "staging"), ("x", "y")])));
        assert!(!sel.matches(&labels(&[("env", "dev")])));
        assert!(!sel.matches(&labels(&[])));
        assert!(!sel.matches(&labels(&[("other", "prod")])));
    }

    #[test]
    fn not_in_matches_absent_key() {
        let sel = one_expr("env", "NotIn", &["prod"]);
        assert!(sel.matches(&labels(&[])));
        assert!(sel.matches(&labels(&[("other", "prod")])));
        assert!(sel.matches(&labels(&[("env", "dev")])));
        assert!(sel.matches(&labels(&[("env", "")])));
        assert!(!sel.matches(&labels(&[("env", "prod")])));
    }

    #[test]
    fn exists_and_does_not_exist() {
        let exists = one_expr("legacy", "Exists", &[]);
        let absent = one_expr("legacy", "DoesNotExist", &[]);
        for (set, present) in [
            (labels(&[("legacy", "true")]), true),
            (labels(&[("legacy", "")]), true),
            (labels(&[]), false),
            (labels(&[("Legacy", "true")]), false),
        ] {
            assert_eq!(exists.matches(&set), present, "{set:?}");
            assert_eq!(absent.matches(&set), !present, "{set:?}");
        }
    }

    #[test]
    fn greater_and_less_than_compare_integers() {
        let gt = Selector::from_requirements(vec![Requirement::new(
            "n",
            Operator::GreaterThan,
            vec!["1".to_owned()],
        )]);
        let lt = Selector::from_requirements(vec![Requirement::new(
            "n",
            Operator::LessThan,
            vec!["1".to_owned()],
        )]);
        let cases = [("2", true, false), ("1", false, false), ("0", false, true)];
        for (value, greater, less) in cases {
            assert_eq!(gt.matches(&labels(&[("n", value)])), greater, "{value}");
            assert_eq!(lt.matches(&labels(&[("n", value)])), less, "{value}");
        }
        assert!(gt.matches(&labels(&[("n", "0010")])));
        assert!(lt.matches(&labels(&[("n", "-5")])));
        for value in ["v2", "", "1.5", "99999999999999999999"] {
            assert!(!gt.matches(&labels(&[("n", value)])), "{value}");
            assert!(!lt.matches(&labels(&[("n", value)])), "{value}");
        }
        assert!(!gt.matches(&labels(&[])));
        assert!(!lt.matches(&labels(&[])));
    }

    #[test]
    fn omitted_and_empty_selectors_match_everything() {
        let all = [labels(&[]), labels(&[("a", "b")]), labels(&[("x", "")])];
        let empty = compiled(&LabelSelector::default());
        assert!(empty.is_everything());
        assert_eq!(empty, Selector::everything());
        assert_eq!(empty.to_string(), "");
        for set in &all {
            assert!(empty.matches(set));
            assert!(Selector::everything().matches(set));
        }
    }

    #[test]
    fn match_labels_is_in_with_one_value() {
        let from_labels = compiled(&selector(&[("env", "prod")], vec![]));
        let from_expr = one_expr("env", "In", &["prod"]);
        assert_eq!(from_labels, from_expr);
        assert_eq!(from_labels.requirements()[0].operator(), Operator::In);
        assert!(!from_labels.is_everything());
        assert!(from_labels.matches(&labels(&[("env", "prod")])));
        assert!(!from_labels.matches(&labels(&[("env", "dev")])));
        assert!(!from_labels.matches(&labels(&[])));
    }

    #[test]
    fn match_labels_and_expressions_are_anded() {
        let sel = compiled(&selector(
            &[("env", "prod")],
            vec![
                expr("region", "In", &["eu", "us"]),
                expr("legacy", "DoesNotExist", &[]),
            ],
        ));
        assert!(sel.matches(&labels(&[("env", "prod"), ("region", "eu")])));
        assert!(!sel.matches(&labels(&[("env", "prod"), ("region", "ap")])));
        assert!(!sel.matches(&labels(&[("env", "dev"), ("region", "eu")])));
        assert!(!sel.matches(&labels(&[
            ("env", "prod"),
            ("region", "eu"),
            ("legacy", "")
        ])));
    }

    #[test]
    fn duplicate_keys_are_anded() {
        let sel = compiled(&selector(
            &[("env", "prod")],
            vec![
                expr("env", "In", &["prod", "dev"]),
                expr("env", "NotIn", &["dev"]),
            ],
        ));
        assert_eq!(sel.requirements().len(), 3);
        assert!(sel.matches(&labels(&[("env", "prod")])));
        assert!(!sel.matches(&labels(&[("env", "dev")])));
        let contradiction = compiled(&selector(
            &[],
            vec![expr("env", "In", &["a"]), expr("env", "In", &["b"])],
        ));
        for value in ["a", "b", "c"] {
            assert!(!contradiction.matches(&labels(&[("env", value)])));
        }
        let exists_and_not = compiled(&selector(
            &[],
            vec![expr("k", "Exists", &[]), expr("k", "DoesNotExist", &[])],
        ));
        assert!(!exists_and_not.matches(&labels(&[])));
        assert!(!exists_and_not.matches(&labels(&[("k", "v")])));
    }

    #[test]
    fn keys_and_values_are_case_sensitive() {
        let sel = one_expr("Env", "In", &["Prod"]);
        assert!(sel.matches(&labels(&[("Env", "Prod")])));
        assert!(!sel.matches(&labels(&[("env", "Prod")])));
        assert!(!sel.matches(&labels(&[("Env", "prod")])));
        assert!(!sel.matches(&labels(&[("ENV", "PROD")])));
    }

    #[test]
    fn values_compare_byte_for_byte() {
        let sel = one_expr("n", "In", &["1"]);
        assert!(sel.matches(&labels(&[("n", "1")])));
        assert!(!sel.matches(&labels(&[("n", "01")])));
        let sel = compiled(&selector(&[("n", "01")], vec![]));
        assert!(!sel.matches(&labels(&[("n", "1")])));
        assert!(sel.matches(&labels(&[("n", "01")])));
    }

    #[test]
    fn empty_string_values() {
        let sel = one_expr("k", "In", &[""]);
        assert!(sel.matches(&labels(&[("k", "")])));
        assert!(!sel.matches(&labels(&[])));
        assert!(!sel.matches(&labels(&[("k", "v")])));
        let not = one_expr("k", "NotIn", &[""]);
        assert!(!not.matches(&labels(&[("k", "")])));
        assert!(not.matches(&labels(&[])));
        assert!(not.matches(&labels(&[("k", "v")])));
        let from_labels = compiled(&selector(&[("k", "")], vec![]));
        assert!(from_labels.matches(&labels(&[("k", "")])));
        assert!(!from_labels.matches(&labels(&[])));
    }

    #[test]
    fn values_are_sorted_and_deduplicated_and_requirements_sorted_by_key() {
        let sel = compiled(&selector(
            &[("b", "x")],
            vec![
                expr("c", "In", &["z", "a", "z", ""]),
                expr("a", "Exists", &[]),
            ],
        ));
        let keys: Vec<&str> = sel.requirements().iter().map(Requirement::key).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(sel.requirements()[2].values(), ["", "a", "z"]);
        // A `matchLabels` entry is shown as it was written (issue 16, finding 34).
        assert_eq!(sel.to_string(), "a,b=x,c in (,a,z)");
    }

    #[test]
    fn display_uses_kubectl_forms() {
        let sel = compiled(&selector(
            &[],
            vec![
                expr("w", "In", &["b", "a"]),
                expr("x", "NotIn", &["a"]),
                expr("y", "Exists", &[]),
                expr("z", "DoesNotExist", &[]),
            ],
        ));
        assert_eq!(sel.to_string(), "w in (a,b),x notin (a),y,!z");
        let gt = Requirement::new("n", Operator::GreaterThan, vec!["3".to_owned()]);
        let lt = Requirement::new("n", Operator::LessThan, vec!["3".to_owned()]);
        assert_eq!(gt.to_string(), "n>3");
        assert_eq!(lt.to_string(), "n<3");
    }

    #[test]
    fn operators_are_case_sensitive() {
        for (bad, hint) in [
            ("in", "In"),
            ("IN", "In"),
            ("notin", "NotIn"),
            ("notIn", "NotIn"),
            ("exists", "Exists"),
            ("doesnotexist", "DoesNotExist"),
        ] {
            let sel = selector(&[], vec![expr("k", bad, &["v"])]);
            let expected =
                format!("{bad:?} is not a valid label selector operator; did you mean \"{hint}\"?");
            assert_single_error(
                &sel,
                &[k("matchExpressions"), i(0), k("operator")],
                &expected,
            );
        }
    }

    #[test]
    fn unknown_operators_are_rejected() {
        for bad in ["", "Gt", "Lt", "Equals", "=", "!=", "Not In", " In"] {
            let sel = selector(&[], vec![expr("k", "Exists", &[]), expr("k", bad, &["1"])]);
            let expected = format!("{bad:?} is not a valid label selector operator; supported");
            assert_single_error(
                &sel,
                &[k("matchExpressions"), i(1), k("operator")],
                &expected,
            );
        }
        assert_eq!(Operator::from_expression("Gt"), None);
    }

    #[test]
    fn in_and_not_in_need_values() {
        for op in ["In", "NotIn"] {
            let sel = selector(&[], vec![expr("k", op, &[])]);
            assert_single_error(
                &sel,
                &[k("matchExpressions"), i(0), k("values")],
                "Required value: must be specified when `operator` is 'In' or 'NotIn'",
            );
        }
    }

    #[test]
    fn exists_and_does_not_exist_forbid_values() {
        for op in ["Exists", "DoesNotExist"] {
            let sel = selector(&[], vec![expr("k", op, &["v"])]);
            assert_single_error(
                &sel,
                &[k("matchExpressions"), i(0), k("values")],
                "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            );
            let empty_value = selector(&[], vec![expr("k", op, &[""])]);
            assert_single_error(
                &empty_value,
                &[k("matchExpressions"), i(0), k("values")],
                "",
            );
        }
    }

    #[test]
    fn bad_expression_keys() {
        let long_name = "a".repeat(64);
        let cases = [
            ("", "name part must be non-empty"),
            (
                long_name.as_str(),
                "name part must be no more than 63 characters",
            ),
            ("a/b/c", "a valid label key must consist of"),
            (
                "Example.com/name",
                "prefix part a lowercase RFC 1123 subdomain",
            ),
            ("/name", "prefix part must be non-empty"),
            (
                "bad key",
                "name part must consist of alphanumeric characters",
            ),
            ("-key", "name part must consist of alphanumeric characters"),
            ("kéy", "name part must consist of alphanumeric characters"),
        ];
        for (key, fragment) in cases {
            let sel = selector(&[], vec![expr(key, "Exists", &[])]);
            let errors = errors(&sel);
            let path = [k("matchExpressions"), i(0), k("key")];
            assert!(errors.iter().all(|e| e.path == path), "{key:?}: {errors:?}");
            assert!(
                errors.iter().any(|e| e.message.contains(fragment)),
                "{key:?}: {errors:?}"
            );
            assert!(
                errors[0]
                    .message
                    .starts_with(&format!("Invalid value: {key:?}: "))
            );
        }
    }

    #[test]
    fn valid_unusual_keys_and_values() {
        let prefix = "a".repeat(253);
        let key = format!("{prefix}/{}", "B".repeat(63));
        let sel = one_expr(&key, "In", &["", "A-1_b.C", &"v".repeat(63)]);
        assert!(sel.matches(&labels(&[(&key, "A-1_b.C")])));
        assert!(
            compiled(&selector(&[("UPPER", "Case")], vec![]))
                .matches(&labels(&[("UPPER", "Case")]))
        );
    }

    #[test]
    fn bad_expression_values() {
        let too_long = "v".repeat(64);
        let cases = [
            (too_long.as_str(), "must be no more than 63 characters"),
            ("a/b", "a valid label must be an empty string"),
            ("a:b", "a valid label must be an empty string"),
            ("a b", "a valid label must be an empty string"),
            ("é", "a valid label must be an empty string"),
            ("-a", "a valid label must be an empty string"),
        ];
        for (value, fragment) in cases {
            let sel = selector(&[], vec![expr("k", "In", &["ok", value])]);
            let path = [k("matchExpressions"), i(0), k("values"), i(1)];
            assert_single_error(&sel, &path, fragment);
        }
    }

    #[test]
    fn bad_match_labels_keys_and_values() {
        let path = [k("matchLabels"), k("Bad/key")];
        let sel = selector(&[("Bad/key", "ok")], vec![]);
        assert_single_error(&sel, &path, "Invalid value: \"Bad/key\": prefix part");
        let path = [k("matchLabels"), k("region")];
        let sel = selector(&[("region", "eu west")], vec![]);
        assert_single_error(
            &sel,
            &path,
            "Invalid value: \"eu west\": a valid label must",
        );
        let sel = selector(&[("region", &"x".repeat(64))], vec![]);
        assert_single_error(&sel, &path, "must be no more than 63 characters");
        let sel = selector(&[("region", "http://x")], vec![]);
        assert_single_error(&sel, &path, "a valid label must");
    }

    #[test]
    fn compile_reports_every_error() {
        let sel = selector(
            &[("ok", "fine"), ("a/b/c", "x:y")],
            vec![
                expr("region", "in", &["eu"]),
                expr("k", "In", &[]),
                expr("k", "Exists", &["v"]),
                expr("UPPER.example/k", "NotIn", &["a", "b c", "-d"]),
                expr("fine", "DoesNotExist", &[]),
            ],
        );
        let errors = errors(&sel);
        let paths: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let expected_paths = [
            "matchLabels[\"a/b/c\"]: Invalid value: \"a/b/c\"",
            "matchLabels[\"a/b/c\"]: Invalid value: \"x:y\"",
            "matchExpressions[0].operator: \"in\" is not a valid",
            "matchExpressions[1].values: Required value",
            "matchExpressions[2].values: Forbidden",
            "matchExpressions[3].key: Invalid value: \"UPPER.example/k\": prefix part",
            "matchExpressions[3].values[1]: Invalid value: \"b c\"",
            "matchExpressions[3].values[2]: Invalid value: \"-d\"",
        ];
        assert_eq!(errors.len(), expected_paths.len(), "{paths:#?}");
        for (got, want) in paths.iter().zip(expected_paths) {
            assert!(got.starts_with(want), "{got:?} should start with {want:?}");
        }
    }

    #[test]
    fn error_display_quotes_unusual_keys() {
        let error = SelectorError {
            path: vec![k("matchLabels"), k("app.kubernetes.io/name")],
            message: "m".to_owned(),
        };
        assert_eq!(
            error.to_string(),
            "matchLabels[\"app.kubernetes.io/name\"]: m"
        );
        let error = SelectorError {
            path: vec![],
            message: "m".to_owned(),
        };
        assert_eq!(error.to_string(), "m");
        let error = SelectorError {
            path: vec![k("matchLabels"), k("tier")],
            message: "m".into(),
        };
        assert_eq!(error.to_string(), "matchLabels.tier: m");
    }

    #[test]
    fn operator_names() {
        let names: Vec<&str> = [
            Operator::In,
            Operator::NotIn,
            Operator::Exists,
            Operator::DoesNotExist,
            Operator::GreaterThan,
            Operator::LessThan,
        ]
        .into_iter()
        .map(Operator::as_str)
        .collect();
        assert_eq!(names, ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]);
        for op in Operator::EXPRESSION_OPERATORS {
            assert_eq!(Operator::from_expression(op.as_str()), Some(op));
            assert_eq!(op.to_string(), op.as_str());
        }
    }
}
