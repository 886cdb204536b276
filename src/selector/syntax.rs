//! Kubernetes name and label syntax: label keys and values, DNS-1123 labels and subdomains,
//! annotation keys.
//!
//! Every function returns the list of problems with its input, empty when the input is valid.
//! The rules and the wording follow apimachinery's validators (`IsQualifiedName`,
//! `IsValidLabelValue`, `IsDNS1123Label`, `IsDNS1123Subdomain`); the checks are hand-written
//! character tests rather than regular expressions. Lengths are counted in bytes, as upstream
//! does; any string with a non-ASCII character is invalid anyway.

/// Longest label value, and longest name part of a label key.
const LABEL_MAX_LEN: usize = 63;
/// Longest DNS-1123 label.
const DNS1123_LABEL_MAX_LEN: usize = 63;
/// Longest DNS-1123 subdomain (and so the longest label key prefix).
const DNS1123_SUBDOMAIN_MAX_LEN: usize = 253;

const NAME_PART_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must \
     start and end with an alphanumeric character";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric \
     characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case \
     alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case \
     alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/// Problems with a label key: a qualified name, `[prefix/]name`.
pub fn label_key_problems(key: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let parts: Vec<&str> = key.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            prefix_problems(prefix, &mut problems);
            *name
        }
        _ => {
            problems.push(format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. \
                 'example.com/MyName')",
                with_examples(NAME_PART_MSG, &["MyName", "my.name", "123-abc"])
            ));
            return problems;
        }
    };
    if name.is_empty() {
        problems.push("name part must be non-empty".to_owned());
    } else if name.len() > LABEL_MAX_LEN {
        problems.push(format!("name part {}", max_len_message(LABEL_MAX_LEN)));
    }
    if !is_qualified_name_part(name) {
        problems.push(format!(
            "name part {}",
            with_examples(NAME_PART_MSG, &["MyName", "my.name", "123-abc"])
        ));
    }
    problems
}

/// Problems with a label value: at most 63 characters, empty or alphanumeric at both ends.
pub fn label_value_problems(value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.len() > LABEL_MAX_LEN {
        problems.push(max_len_message(LABEL_MAX_LEN));
    }
    if !value.is_empty() && !is_qualified_name_part(value) {
        problems.push(with_examples(
            LABEL_VALUE_MSG,
            &["MyValue", "my_value", "12345"],
        ));
    }
    problems
}

/// Problems with a DNS-1123 label (namespace names, fleet, cluster and app names).
pub fn dns1123_label_problems(s: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if s.len() > DNS1123_LABEL_MAX_LEN {
        problems.push(max_len_message(DNS1123_LABEL_MAX_LEN));
    }
    if !is_dns1123_label(s) {
        if is_dns1123_subdomain(s) {
            problems.push("must not contain dots".to_owned());
        } else {
            problems.push(with_examples(DNS1123_LABEL_MSG, &["my-name", "123-abc"]));
        }
    }
    problems
}

/// Problems with a DNS-1123 subdomain (names of Secrets, Applications and other objects).
pub fn dns1123_subdomain_problems(s: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if s.len() > DNS1123_SUBDOMAIN_MAX_LEN {
        problems.push(max_len_message(DNS1123_SUBDOMAIN_MAX_LEN));
    }
    if !is_dns1123_subdomain(s) {
        problems.push(with_examples(DNS1123_SUBDOMAIN_MSG, &["example.com"]));
    }
    problems
}

/// Problems with an annotation key: a qualified name, checked case-insensitively as
/// apimachinery's `ValidateAnnotations` does (so an uppercase prefix is fine here).
pub fn annotation_key_problems(key: &str) -> Vec<String> {
    label_key_problems(&key.to_lowercase())
}

/// Adds the problems of the `prefix` part of a label key.
fn prefix_problems(prefix: &str, problems: &mut Vec<String>) {
    if prefix.is_empty() {
        problems.push("prefix part must be non-empty".to_owned());
        return;
    }
    problems.extend(
        dns1123_subdomain_problems(prefix)
            .into_iter()
            .map(|problem| format!("prefix part {problem}")),
    );
}

/// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`
fn is_qualified_name_part(s: &str) -> bool {
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
fn is_dns1123_label(s: &str) -> bool {
    let is_end = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            is_end(first) && is_end(last) && bytes.iter().all(|b| is_end(b) || *b == b'-')
        }
        _ => false,
    }
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`: dot-separated DNS-1123
/// labels, with no per-label length limit.
fn is_dns1123_subdomain(s: &str) -> bool {
    s.split('.').all(is_dns1123_label)
}

fn max_len_message(max: usize) -> String {
    format!("must be no more than {max} characters")
}

/// `msg (e.g. 'a',  or 'b')`, in apimachinery's wording.
fn with_examples(msg: &str, examples: &[&str]) -> String {
    let quoted: Vec<String> = examples.iter().map(|e| format!("'{e}'")).collect();
    format!("{msg} (e.g. {})", quoted.join(",  or "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(problems: &[String], fragment: &str) -> bool {
        problems.iter().any(|p| p.contains(fragment))
    }

    #[test]
    fn label_keys_that_are_valid() {
        for key in [
            "a",
            "A",
            "1",
            "MyName",
            "my.name",
            "123-abc",
            "a_b",
            "a-b.c_D",
            "example.com/MyName",
            "app.kubernetes.io/name",
            "0.1.2.domain/99",
            "this-is-a-dns.domain.com/key-with-dash",
            "argocd.argoproj.io/secret-type",
            &"a".repeat(63),
            &format!("{}/{}", "a".repeat(253), "b".repeat(63)),
        ] {
            assert_eq!(label_key_problems(key), Vec::<String>::new(), "{key}");
        }
    }

    #[test]
    fn empty_label_key_reports_empty_name_and_syntax() {
        let problems = label_key_problems("");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0], "name part must be non-empty");
        assert!(problems[1].starts_with("name part must consist of alphanumeric"));
    }

    #[test]
    fn label_key_name_too_long() {
        let problems = label_key_problems(&"a".repeat(64));
        assert_eq!(
            problems,
            vec!["name part must be no more than 63 characters".to_owned()]
        );
        let prefixed = label_key_problems(&format!("example.com/{}", "a".repeat(64)));
        assert_eq!(
            prefixed,
            vec!["name part must be no more than 63 characters".to_owned()]
        );
    }

    #[test]
    fn label_key_with_two_slashes() {
        let problems = label_key_problems("a/b/c");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("a valid label key must consist of"));
        assert!(problems[0].ends_with(
            "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ));
        assert_eq!(label_key_problems("//").len(), 1);
    }

    #[test]
    fn label_key_prefix_rules() {
        let upper = label_key_problems("Example.com/name");
        assert_eq!(upper.len(), 1);
        assert!(upper[0].starts_with("prefix part a lowercase RFC 1123 subdomain"));
        assert!(upper[0].ends_with("(e.g. 'example.com')"));
        assert_eq!(
            label_key_problems("/name"),
            vec!["prefix part must be non-empty".to_owned()]
        );
        let long = label_key_problems(&format!("{}/name", "a".repeat(254)));
        assert_eq!(
            long,
            vec!["prefix part must be no more than 253 characters".to_owned()]
        );
        assert!(has(
            &label_key_problems("a..b/name"),
            "prefix part a lowercase RFC 1123"
        ));
        assert!(has(
            &label_key_problems("-a/name"),
            "prefix part a lowercase RFC 1123"
        ));
        assert!(has(
            &label_key_problems("a_b/name"),
            "prefix part a lowercase RFC 1123"
        ));
    }

    #[test]
    fn label_key_empty_prefix_and_empty_name() {
        let problems = label_key_problems("/");
        assert_eq!(problems[0], "prefix part must be non-empty");
        assert_eq!(problems[1], "name part must be non-empty");
        assert_eq!(problems.len(), 3);
        let no_name = label_key_problems("example.com/");
        assert_eq!(no_name[0], "name part must be non-empty");
    }

    #[test]
    fn label_key_bad_characters() {
        for key in [
            "-a", "a-", ".a", "a.", "_a", "a b", "a:b", "a@b", "é", "a\u{0}", "a*",
        ] {
            let problems = label_key_problems(key);
            assert_eq!(problems.len(), 1, "{key}: {problems:?}");
            assert_eq!(
                problems[0],
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must \
                 start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or \
                 '123-abc')"
            );
        }
    }

    #[test]
    fn label_values() {
        for value in [
            "", "a", "A", "1", "MyValue", "my_value", "12345", "a.b-c_d", "01",
        ] {
            assert!(label_value_problems(value).is_empty(), "{value}");
        }
        assert!(label_value_problems(&"v".repeat(63)).is_empty());
        assert_eq!(
            label_value_problems(&"v".repeat(64)),
            vec!["must be no more than 63 characters".to_owned()]
        );
        for value in [
            "a/b", "a:b", "a b", " a", "é", "-a", "a-", ".a", "_a", "a\n",
        ] {
            let problems = label_value_problems(value);
            assert_eq!(problems.len(), 1, "{value}");
            assert!(problems[0].starts_with("a valid label must be an empty string or consist"));
            assert!(problems[0].ends_with("(e.g. 'MyValue',  or 'my_value',  or '12345')"));
        }
        // Too long and badly formed: both problems.
        assert_eq!(
            label_value_problems(&format!("-{}", "a".repeat(63))).len(),
            2
        );
    }

    #[test]
    fn non_ascii_length_is_counted_in_bytes() {
        // 32 two-byte characters: 64 bytes, as apimachinery counts.
        let problems = label_value_problems(&"é".repeat(32));
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn dns1123_labels() {
        for s in ["a", "0", "my-name", "123-abc", "a--b", &"a".repeat(63)] {
            assert!(dns1123_label_problems(s).is_empty(), "{s}");
        }
        assert_eq!(
            dns1123_label_problems(&"a".repeat(64)),
            vec!["must be no more than 63 characters".to_owned()]
        );
        assert_eq!(
            dns1123_label_problems("a.b"),
            vec!["must not contain dots".to_owned()]
        );
        for s in ["", "A", "-a", "a-", "a_b", "a b", "a..b", ".a"] {
            let problems = dns1123_label_problems(s);
            assert_eq!(problems.len(), 1, "{s}");
            assert!(
                problems[0].starts_with("a lowercase RFC 1123 label must consist"),
                "{s}"
            );
            assert!(problems[0].ends_with("(e.g. 'my-name',  or '123-abc')"));
        }
    }

    #[test]
    fn dns1123_subdomains() {
        let long_label = "a".repeat(100);
        for s in [
            "a",
            "a.b",
            "example.com",
            "a-b.c-d",
            &"a".repeat(253),
            &long_label,
        ] {
            assert!(dns1123_subdomain_problems(s).is_empty(), "{s}");
        }
        assert_eq!(
            dns1123_subdomain_problems(&"a".repeat(254)),
            vec!["must be no more than 253 characters".to_owned()]
        );
        for s in [
            "", ".", "a.", ".a", "a..b", "A.b", "a_b", "a.-b", "a-.b", "a b",
        ] {
            let problems = dns1123_subdomain_problems(s);
            assert_eq!(problems.len(), 1, "{s}");
            assert!(problems[0].starts_with("a lowercase RFC 1123 subdomain must consist"));
        }
    }

    #[test]
    fn annotation_keys_ignore_case() {
        assert!(annotation_key_problems("Example.COM/Foo").is_empty());
        assert!(!label_key_problems("Example.COM/Foo").is_empty());
        assert!(annotation_key_problems("addons_repo_url").is_empty());
        assert!(annotation_key_problems("aws_load_balancer_controller_iam_role_arn").is_empty());
        assert!(has(&annotation_key_problems("a/b/c"), "a valid label key"));
        assert!(has(
            &annotation_key_problems(""),
            "name part must be non-empty"
        ));
        assert!(has(
            &annotation_key_problems("a b"),
            "name part must consist"
        ));
    }
}
