//! YAML output, serialized from data (never assembled from text), so no value can inject YAML.
//!
//! The emitter writes block-style YAML and quotes conservatively: a string is written plain only
//! when every YAML reader, including the YAML 1.1 readers Kubernetes tools use (where `yes`,
//! `on`, `0777` or `1:20` are not strings), reads it back as the same string.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// Appends one YAML document holding `value` (a mapping, as every Kubernetes object is).
pub(crate) fn write_document(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => write_map(map, 0, false, out),
        other => {
            write_inline(other, out);
            out.push('\n');
        }
    }
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Writes a mapping's entries at `level`. With `continued`, the first entry follows a `- ` that
/// is already written.
fn write_map(map: &Map<String, Value>, level: usize, continued: bool, out: &mut String) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !continued {
            indent(out, level);
        }
        write_string(key, out);
        out.push(':');
        write_value_after_key(value, level, out);
    }
}

/// Writes what follows `key:` (or `-`): an inline scalar, a block scalar, or a nested block.
fn write_value_after_key(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(map, level + 2, false, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_sequence(items, level + 2, out);
        }
        Value::String(s) if block_scalar_fits(s) => {
            out.push(' ');
            write_block_scalar(s, level + 2, out);
        }
        other => {
            out.push(' ');
            write_inline(other, out);
            out.push('\n');
        }
    }
}

fn write_sequence(items: &[Value], level: usize, out: &mut String) {
    for item in items {
        indent(out, level);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                out.push(' ');
                write_map(map, level + 2, true, out);
            }
            other => write_value_after_key(other, level, out),
        }
    }
}

/// Scalars and empty collections on one line.
fn write_inline(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(s, out),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// A one-line string: plain when safe, else single-quoted, else double-quoted with escapes.
fn write_string(s: &str, out: &mut String) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if s.chars().all(|c| !c.is_control()) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        write_double_quoted(s, out);
    }
}

fn write_double_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Words that YAML 1.1 or 1.2 readers turn into booleans or null.
const RESERVED: [&str; 10] = [
    "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
];

/// Whether `s` can be written without quotes and still read back as this string everywhere.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Numbers, timestamps, `.inf` and every YAML indicator start with something else.
    if !(first.is_ascii_alphabetic() || first == '/' || first == '_') {
        return false;
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
        return false;
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || " -_./:=@+,~()".contains(c);
    s.chars().all(allowed) && !s.ends_with([' ', ':']) && !s.contains(": ") && !s.contains("  ")
}

/// Multi-line text is written as a literal block (`|`), which reads naturally in diffs, unless it
/// holds what a block cannot (control characters, a first line that starts with a space).
fn block_scalar_fits(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && s.chars().all(|c| c == '\n' || !c.is_control() || c == '\t')
        && !s.lines().any(|l| l.ends_with(' '))
}

fn write_block_scalar(s: &str, level: usize, out: &mut String) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    out.push('\n');
    for line in s.split_terminator('\n') {
        if !line.is_empty() {
            indent(out, level);
            out.push_str(line);
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(v: &Value) -> String {
        let mut out = String::new();
        write_document(v, &mut out);
        out
    }

    /// Reads YAML back with the project's YAML reader.
    fn read(s: &str) -> Value {
        let y: serde_yaml::Value = serde_yaml::from_str(s).unwrap();
        serde_json::to_value(y).unwrap()
    }

    #[test]
    fn block_layout() {
        let v = json!({
            "apiVersion": "v1",
            "metadata": {"name": "x", "labels": {"argocd.argoproj.io/secret-type": "cluster"}},
            "list": [{"a": 1, "b": [true, null]}, "s", [], {}],
            "empty": {},
        });
        assert_eq!(
            yaml(&v),
            "apiVersion: v1\nempty: {}\nlist:\n  - a: 1\n    b:\n      - true\n      - null\n  - s\n  - []\n  - {}\nmetadata:\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n  name: x\n"
        );
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "yes",
            "No",
            "ON",
            "off",
            "y",
            "true",
            "null",
            "~",
            "",
            "1.33",
            "0777",
            "1:20",
            "1e3",
            ".inf",
            "-x",
            "- x",
            "a: b",
            "a #b",
            "#c",
            "{{ x }}",
            "*ref",
            "&a",
            "!tag",
            "x:",
            "  lead",
            "trail ",
            "@at",
            "%p",
            "`b`",
            "'q'",
            "\"d\"",
            "|",
            ">",
            "<<",
            "2026-01-01",
            "=",
            "ümlaut",
            "a  b",
        ] {
            let out = yaml(&json!({ "k": s }));
            assert_ne!(out, format!("k: {s}\n"), "{s:?} must be quoted");
            assert_eq!(read(&out), json!({ "k": s }), "{s:?} round-trips: {out}");
        }
    }

    #[test]
    fn ordinary_strings_stay_plain() {
        for s in [
            "prod-eu-1",
            "https://github.com/acme/fleet.git",
            "arn:aws:iam::111122223333:role/x",
            "CreateNamespace=true",
            "eks.amazonaws.com/role-arn",
            "Hello world",
        ] {
            assert_eq!(yaml(&json!({ "k": s })), format!("k: {s}\n"));
        }
    }

    #[test]
    fn multi_line_strings_are_literal_blocks_that_round_trip() {
        for s in [
            "a\nb",
            "a\nb\n",
            "a\n\nb\n\n",
            "{\n  \"x\": 1\n}",
            " lead\nx",
            "tab\tx\ny",
            "a \nb",
        ] {
            let v = json!({"outer": {"k": s}, "list": [s]});
            let out = yaml(&v);
            assert_eq!(read(&out), v, "{s:?}: {out}");
        }
        assert_eq!(yaml(&json!({"k": "a\nb\n"})), "k: |\n  a\n  b\n");
        assert_eq!(yaml(&json!({"k": "a\n\nb"})), "k: |-\n  a\n\n  b\n");
    }

    #[test]
    fn control_characters_are_escaped() {
        let v = json!({"k": "bell\u{7}", "nul": "a\u{0}b"});
        let out = yaml(&v);
        assert!(out.contains("\"bell\\u0007\""), "{out}");
        assert_eq!(read(&out), v);
    }

    #[test]
    fn keys_are_quoted_like_values() {
        let v = json!({"on": 1, "80": "http", "a b": 2});
        let out = yaml(&v);
        assert_eq!(read(&out), v, "{out}");
        assert!(out.contains("'on': 1"), "{out}");
    }
}
