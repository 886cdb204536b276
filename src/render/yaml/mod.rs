//! YAML output, serialized from data (never assembled from text), so no value can inject YAML.
//!
//! A serde `Serializer` that writes block-style YAML straight into a string: typed objects are
//! written in their fields' order without building an intermediate tree. Strings are quoted
//! conservatively: a string is written plain only when every YAML reader, including the YAML 1.1
//! readers Kubernetes tools use (where `yes`, `on`, `0777` or `1:20` are not strings), reads it
//! back as the same string; multi-line text becomes a literal block (`|`), which reads naturally
//! in diffs.
//!
//! [`writer`] lays out mappings and sequences, [`key`] writes mapping keys, [`scalar`] decides
//! how each string is quoted; this module holds the entry points and the slots that let a
//! document be written once and filled per use.

mod key;
mod scalar;
mod writer;

use std::cell::RefCell;
use std::fmt;

use serde::ser::{self, Serialize};

use writer::{At, Writer};

/// Why a value could not be written as YAML (a shape fleetc never renders).
#[derive(Debug)]
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Appends one YAML document holding `value` (a mapping, as every Kubernetes object is).
pub(crate) fn write_document<T: Serialize + ?Sized>(value: &T, out: &mut String) {
    value
        .serialize(Writer {
            out,
            indent: 0,
            at: At::Root,
            marks: None,
        })
        .expect("fleetc renders only mappings, sequences and scalars");
}

/// A value to be written later. In a document written by [`record_document`] it writes nothing
/// and leaves a [`Mark`] saying where the value goes and how it is laid out there; [`write_at`]
/// writes the value at that mark. Writing the rest of a document once and only its slots per
/// use gives the same bytes as writing the whole document each time.
pub(crate) struct Slot(pub(crate) u32);

/// The newtype name a [`Slot`] serializes under, which only this writer knows.
const SLOT: &str = "$fleetc::yaml::Slot";

impl Serialize for Slot {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(SLOT, &self.0)
    }
}

/// Where a [`Slot`] sat in a recorded document: its number, the byte offset of the text it
/// writes, and the layout there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    pub(crate) slot: u32,
    pub(crate) offset: usize,
    indent: usize,
    at: At,
}

/// One YAML document holding `value`, with its slots left open (see [`Slot`]), and where they
/// are, in document order.
pub(crate) fn record_document<T: Serialize + ?Sized>(value: &T) -> (String, Vec<Mark>) {
    let mut out = String::new();
    let marks = RefCell::new(Vec::new());
    value
        .serialize(Writer {
            out: &mut out,
            indent: 0,
            at: At::Root,
            marks: Some(&marks),
        })
        .expect("fleetc renders only mappings, sequences and scalars");
    (out, marks.into_inner())
}

/// Appends `value` as the value of the slot at `mark` (after the text before the mark).
pub(crate) fn write_at<T: Serialize + ?Sized>(value: &T, mark: &Mark, out: &mut String) {
    value
        .serialize(Writer {
            out,
            indent: mark.indent,
            at: mark.at,
            marks: None,
        })
        .expect("fleetc renders only mappings, sequences and scalars");
}

/// Appends a recorded document, calling `write` at each mark to write its slot's value (with
/// [`write_at`]).
pub(crate) fn fill(
    text: &str,
    marks: &[Mark],
    out: &mut String,
    mut write: impl FnMut(&Mark, &mut String),
) {
    let mut done = 0;
    for mark in marks {
        out.push_str(&text[done..mark.offset]);
        write(mark, out);
        done = mark.offset;
    }
    out.push_str(&text[done..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::{Value, json};

    fn yaml<T: Serialize>(v: &T) -> String {
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
    fn slots_filled_later_write_what_the_value_would_have() {
        #[derive(Serialize)]
        struct Doc<T> {
            a: T,
            list: [T; 2],
            nested: Inner<T>,
        }
        #[derive(Serialize)]
        struct Inner<T> {
            inner: T,
            items: [T; 1],
        }
        let (text, marks) = record_document(&Doc {
            a: Slot(0),
            list: [Slot(1), Slot(2)],
            nested: Inner {
                inner: Slot(3),
                items: [Slot(4)],
            },
        });
        assert_eq!(
            marks.iter().map(|m| m.slot).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        let values = [
            json!("x"),
            json!("on"),
            json!({"k": [1, {"m": "yes", "n": {}}], "j": "a\nb\n"}),
            json!([[], [{"x": 1}]]),
            json!("multi\nline\n"),
            json!({}),
            json!(null),
        ];
        for v in &values {
            let mut filled = String::new();
            fill(&text, &marks, &mut filled, |mark, out| {
                write_at(v, mark, out);
            });
            let direct = yaml(&Doc {
                a: v,
                list: [v, v],
                nested: Inner {
                    inner: v,
                    items: [v],
                },
            });
            assert_eq!(filled, direct, "{v}");
        }
    }

    #[test]
    fn a_slot_outside_a_recorded_document_is_refused() {
        let mut out = String::new();
        let refused = std::panic::catch_unwind(move || write_document(&[Slot(0)], &mut out));
        assert!(refused.is_err());
    }

    #[test]
    fn block_layout() {
        let v = json!({
            "apiVersion": "v1",
            "metadata": {"name": "x", "labels": {"argocd.argoproj.io/secret-type": "cluster"}},
            "list": [{"a": 1, "b": [true, null]}, "s", [], {}, [1, [2]]],
            "empty": {},
        });
        assert_eq!(
            yaml(&v),
            "apiVersion: v1\nempty: {}\nlist:\n  - a: 1\n    b:\n      - true\n      - null\n  - s\n  - []\n  - {}\n  -\n    - 1\n    -\n      - 2\nmetadata:\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n  name: x\n"
        );
        assert_eq!(read(&yaml(&v)), v);
    }

    #[test]
    fn typed_structs_keep_their_field_order_and_skip_what_they_skip() {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Object<'a> {
            api_version: &'a str,
            kind: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<u8>,
            spec: Spec,
        }
        #[derive(Serialize)]
        struct Spec {
            replicas: u32,
            ratio: f64,
            tags: Vec<&'static str>,
            empty: Vec<u8>,
        }
        let o = Object {
            api_version: "v1",
            kind: "Thing",
            skipped: None,
            spec: Spec {
                replicas: 3,
                ratio: 0.5,
                tags: vec!["a", "yes"],
                empty: vec![],
            },
        };
        assert_eq!(
            yaml(&o),
            "apiVersion: v1\nkind: Thing\nspec:\n  replicas: 3\n  ratio: 0.5\n  tags:\n    - a\n    - 'yes'\n  empty: []\n"
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
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "1.13.0",
            "0x1F",
            "0o17",
            "0b101",
            "1_000",
            "12e3",
            "1d",
            "190:20:30",
            "1h:2",
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
            // Quantities and durations: their letters are in no number or timestamp.
            "1h",
            "15m",
            "512Mi",
            "250m",
            "8Gi",
            "3s",
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
        assert_eq!(yaml(&json!({"l": ["a\nb"]})), "l:\n  - |-\n    a\n    b\n");
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

    #[test]
    fn numbers_print_as_json_does() {
        let v = json!({"i": -3, "u": 18_446_744_073_709_551_615_u64, "f": 1.5, "e": 1e300});
        assert_eq!(read(&yaml(&v)), v);
    }

    /// Hostile inputs M3: strings that made the output unreadable to libyaml and go-yaml.
    #[test]
    fn strings_readers_once_rejected_are_written_readably() {
        let long_key = "k".repeat(1_500);
        let v = json!({
            "tab": "\tlisten 80;\nfoo",
            "nonchar": "a\u{fffe}b\u{ffff}",
            "bom": "a\u{feff}b",
            "a\u{2028}b": "line separator in a key",
            "p\u{2029}": "x",
            "nel": "a\u{85}b",
            long_key.clone(): {"nested": ["x", {"y": 1}]},
            "list": [{long_key.clone(): "in an item"}],
        });
        let out = yaml(&v);
        assert_eq!(read(&out), v, "{out}");
        assert!(out.contains("tab: \"\\tlisten 80;\\nfoo\""), "{out}");
        assert!(out.contains("\"a\\ufffeb\\uffff\""), "{out}");
        assert!(out.contains("\"a\\u2028b\": line separator"), "{out}");
        assert!(
            out.contains(&format!("? {long_key}\n:\n  nested:")),
            "{out}"
        );
        assert!(
            out.contains(&format!("  - ? {long_key}\n    : in an item")),
            "{out}"
        );
    }

    /// Strings built mostly from what YAML treats specially, so the property below meets the
    /// hard cases often, not once in a billion.
    fn hostile_string() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let special = prop_oneof![
            Just('\n'),
            Just('\t'),
            Just('\r'),
            Just(' '),
            Just(':'),
            Just('#'),
            Just('-'),
            Just('\''),
            Just('"'),
            Just('\\'),
            Just('{'),
            Just('&'),
            Just('*'),
            Just('!'),
            Just('|'),
            Just('>'),
            Just('%'),
            Just('@'),
            Just('`'),
            Just('\u{0}'),
            Just('\u{1b}'),
            Just('\u{85}'),
            Just('\u{a0}'),
            Just('\u{2028}'),
            Just('\u{2029}'),
            Just('\u{feff}'),
            Just('\u{fffe}'),
            Just('\u{ffff}'),
            Just('\u{1f600}'),
        ];
        let pieces = prop_oneof![
            4 => special.prop_map(String::from),
            2 => "[a-z0-9.]{1,6}",
            1 => prop_oneof![
                Just("yes"), Just("null"), Just("~"), Just("0777"), Just("1:20"), Just("---"),
                Just("..."), Just("1e3"), Just(".inf"), Just("0x1F"), Just("2026-01-01"),
            ]
            .prop_map(String::from),
            1 => any::<char>().prop_map(String::from),
        ];
        prop_oneof![
            20 => proptest::collection::vec(pieces, 0..12).prop_map(|p| p.concat()),
            1 => "[a-z]{1000,1030}",
        ]
    }

    fn hostile_tree() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            4 => hostile_string().prop_map(Value::String),
            1 => any::<i64>().prop_map(Value::from),
            1 => any::<bool>().prop_map(Value::from),
            1 => Just(Value::Null),
        ];
        leaf.prop_recursive(3, 24, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(hostile_string(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1_000))]

        /// Whatever strings a fleet holds, as keys or values at any depth, the YAML written
        /// reads back as the same data with an independent reader (libyaml's rules, through
        /// `serde_yaml`).
        #[test]
        fn any_strings_round_trip_through_an_independent_reader(
            doc in proptest::collection::btree_map(hostile_string(), hostile_tree(), 0..6)
        ) {
            let v = Value::Object(doc.into_iter().collect());
            let out = yaml(&v);
            let back: Result<serde_yaml::Value, _> = serde_yaml::from_str(&out);
            let back = back.map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}\n{out}")))?;
            proptest::prop_assert_eq!(serde_json::to_value(back).unwrap(), v, "{}", out);
        }
    }
}
