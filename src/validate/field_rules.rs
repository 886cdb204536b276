//! What an Application field requires of its text, for the fields an app may template: a value
//! the App declares as it is is checked here when the fleet is validated, and what a template
//! produces is checked by the same rule for each cluster.

use serde_json::Value;

use crate::load::{Pointer, Segment};
use crate::selector::syntax::{
    dns1123_label_problems, dns1123_subdomain_problems, label_value_problems,
};

/// Helm's limit on release names (they become parts of object names and labels).
pub(crate) const MAX_RELEASE_NAME: usize = 53;

/// What a field of an app's Application fields (see [`crate::model::App::fields`]) requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldRule {
    /// Any text.
    Text,
    /// A namespace: a DNS-1123 label.
    Namespace,
    /// A label value.
    LabelValue,
    /// A Helm release name.
    ReleaseName,
    /// A number, or text (Kustomize replica counts).
    IntOrString,
    /// The name of an Application: a DNS-1123 subdomain.
    ApplicationName,
}

impl FieldRule {
    /// The rule of the field at `at`, a pointer into Application fields.
    pub(crate) fn at(at: &Pointer) -> Self {
        let keys: Vec<&str> = at
            .segments()
            .iter()
            .map(|s| match s {
                Segment::Key(k) => k.as_str(),
                Segment::Index(_) => "[]",
            })
            .collect();
        match keys.as_slice() {
            ["spec", "destination", "namespace"] => Self::Namespace,
            ["spec", "applicationName"] => Self::ApplicationName,
            ["metadata", "labels", _] => Self::LabelValue,
            ["spec", "source" | "sources", rest @ ..] => match rest {
                ["[]", "helm", "releaseName"] | ["helm", "releaseName"] => Self::ReleaseName,
                ["[]", "kustomize", "replicas", "[]", "count"]
                | ["kustomize", "replicas", "[]", "count"] => Self::IntOrString,
                _ => Self::Text,
            },
            _ => Self::Text,
        }
    }

    /// What is wrong with `value` in a field of this rule, if anything.
    pub(crate) fn problem(self, value: &Value) -> Option<String> {
        let text = match (self, value) {
            (Self::IntOrString, Value::Number(n)) if n.is_i64() => return None,
            (_, Value::String(s)) => s,
            (rule, other) => {
                let kind = match other {
                    Value::Null => "null",
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    Value::Array(_) => "a list",
                    Value::Object(_) => "a map",
                    Value::String(_) => unreachable!("text is handled above"),
                };
                let wanted = if rule == Self::IntOrString {
                    "a whole number or text"
                } else {
                    "text"
                };
                return Some(format!(
                    "the field takes {wanted}, but this produced {kind} (`{other}`); a string \
                     that is one `{{{{ … }}}}` keeps its value's type, so quote the data it \
                     reads or add `| string`"
                ));
            }
        };
        let problems = match self {
            Self::Text | Self::IntOrString => return None,
            Self::Namespace => dns1123_label_problems(text),
            Self::LabelValue => label_value_problems(text),
            Self::ReleaseName => release_name_problems(text),
            Self::ApplicationName => dns1123_subdomain_problems(text),
        };
        let what = match self {
            Self::Namespace => "namespace",
            Self::LabelValue => "label value",
            Self::ApplicationName => "Application name",
            _ => "Helm release name",
        };
        (!problems.is_empty())
            .then(|| format!("`{text}` is not a valid {what}: {}", problems.join("; ")))
    }
}

/// Problems with a Helm release name: at most 53 characters of a DNS-1123 subdomain.
pub(crate) fn release_name_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if name.len() > MAX_RELEASE_NAME {
        problems.push(format!(
            "it is {} characters; Helm allows at most {MAX_RELEASE_NAME}",
            name.len()
        ));
    }
    let label_ok = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !part.starts_with('-')
            && !part.ends_with('-')
    };
    if !name.split('.').all(label_ok) {
        problems.push(
            "it must be lowercase letters, digits, '-' and '.', each part between dots \
             starting and ending with a letter or digit"
                .into(),
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_field_has_its_rule() {
        let rule = |p: &str| FieldRule::at(&Pointer::parse(p));
        assert_eq!(rule("/spec/destination/namespace"), FieldRule::Namespace);
        assert_eq!(rule("/metadata/labels/team"), FieldRule::LabelValue);
        assert_eq!(rule("/metadata/annotations/team"), FieldRule::Text);
        assert_eq!(
            rule("/spec/source/helm/releaseName"),
            FieldRule::ReleaseName
        );
        assert_eq!(
            rule("/spec/sources/1/helm/releaseName"),
            FieldRule::ReleaseName
        );
        assert_eq!(
            rule("/spec/sources/0/kustomize/replicas/2/count"),
            FieldRule::IntOrString
        );
        assert_eq!(rule("/spec/source/targetRevision"), FieldRule::Text);
    }

    #[test]
    fn results_must_suit_their_field() {
        assert_eq!(FieldRule::Text.problem(&json!("1.6.0")), None);
        let number = FieldRule::Text.problem(&json!(1.1)).unwrap();
        assert!(
            number.contains("this produced a number (`1.1`)"),
            "{number}"
        );
        assert_eq!(FieldRule::IntOrString.problem(&json!(3)), None);
        assert!(FieldRule::Namespace.problem(&json!("Team_A")).is_some());
        assert_eq!(FieldRule::Namespace.problem(&json!("team-a")), None);
        assert!(FieldRule::LabelValue.problem(&json!("-x")).is_some());
    }

    #[test]
    fn release_names_follow_helm() {
        assert!(release_name_problems("cert-manager").is_empty());
        assert!(release_name_problems("a.b-c").is_empty());
        assert!(!release_name_problems(&"a".repeat(54)).is_empty());
        assert!(release_name_problems(&"a".repeat(53)).is_empty());
        for bad in ["Upper", "-a", "a-", "a..b", "a_b", ""] {
            assert!(!release_name_problems(bad).is_empty(), "{bad}");
        }
    }
}
