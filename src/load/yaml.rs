//! One fleet file's text to JSON values, one per YAML document. Values are read with
//! `serde_yaml`, which also catches duplicate keys; they are then converted to JSON, the data
//! model of the schemas, with every YAML feature JSON cannot express reported at its node.

use serde::Deserialize;
use serde_json::{Map, Number, Value};
use serde_yaml::Value as Yaml;

use super::files::Target;
use super::pointer::Pointer;
use crate::diagnostic::Code;

/// A problem found while reading one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The parser stopped at a 1-based line and column.
    Syntax {
        code: Code,
        line: usize,
        column: usize,
        message: String,
    },
    /// A node that JSON cannot express, reported at its key or its value.
    Node {
        doc: u32,
        pointer: Pointer,
        code: Code,
        target: Target,
        message: String,
        help: Option<String>,
    },
}

impl Problem {
    /// The document a node problem is in.
    pub(crate) fn document(&self) -> Option<u32> {
        match self {
            Problem::Node { doc, .. } => Some(*doc),
            Problem::Syntax { .. } => None,
        }
    }
}

/// The documents of a file that hold something (empty documents are skipped), with their index
/// in the stream, and the problems found.
pub(crate) fn parse(text: &str) -> (Vec<(u32, Value)>, Vec<Problem>) {
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    // `serde_yaml` does not say how a key was written, and only a plain `<<` is a merge key:
    // a file that has one is scanned for how its keys were written.
    let styles = text
        .contains("<<")
        .then(|| super::position::PositionIndex::build(text));
    for (index, de) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        match Yaml::deserialize(de) {
            Ok(Yaml::Null) => {}
            Ok(yaml) => {
                let mut converter = Converter {
                    doc: index,
                    problems: &mut problems,
                    styles: styles.as_ref(),
                };
                documents.push((index, converter.convert(yaml, &Pointer::root())));
            }
            Err(e) => {
                problems.push(syntax_problem(&e));
                // The parser cannot resynchronise after an error: the rest of the file is lost.
                break;
            }
        }
    }
    (documents, problems)
}

fn syntax_problem(e: &serde_yaml::Error) -> Problem {
    let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let raw = e.to_string();
    let (code, message) = if let Some(start) = raw.find("duplicate entry with key ") {
        let key = raw[start + "duplicate entry with key ".len()..]
            .split(" at line ")
            .next()
            .unwrap_or_default();
        (
            Code::DuplicateKey,
            format!(
                "duplicate key `{}`: a mapping may hold a key only once",
                key.trim_matches('"')
            ),
        )
    } else {
        (Code::YamlSyntax, strip_position(&raw))
    };
    Problem::Syntax {
        code,
        line,
        column,
        message,
    }
}

/// Drops the first " at line N column M" from a parser message: the diagnostic carries it.
fn strip_position(message: &str) -> String {
    let Some(start) = message.find(" at line ") else {
        return message.to_owned();
    };
    let rest = &message[start + " at line ".len()..];
    let end = rest.find(',').map_or(rest.len(), |i| i);
    format!("{}{}", &message[..start], &rest[end..])
}

struct Converter<'a> {
    doc: u32,
    problems: &'a mut Vec<Problem>,
    /// How the file's keys were written, when it has a `<<`.
    styles: Option<&'a super::position::PositionIndex>,
}

impl Converter<'_> {
    fn problem(
        &mut self,
        pointer: &Pointer,
        target: Target,
        message: impl Into<String>,
        help: Option<&str>,
    ) {
        self.problems.push(Problem::Node {
            doc: self.doc,
            pointer: pointer.clone(),
            code: Code::UnsupportedYaml,
            target,
            message: message.into(),
            help: help.map(str::to_owned),
        });
    }

    fn convert(&mut self, yaml: Yaml, at: &Pointer) -> Value {
        match yaml {
            Yaml::Null => Value::Null,
            Yaml::Bool(b) => Value::Bool(b),
            Yaml::Number(n) => self.number(&n, at),
            Yaml::String(s) => Value::String(s),
            Yaml::Sequence(items) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| self.convert(item, &at.clone().index(i)))
                    .collect(),
            ),
            Yaml::Mapping(mapping) => {
                let mut object = Map::new();
                for (key, value) in mapping {
                    let written = key_text(&key);
                    if let Some(key) = self.key(key, at) {
                        let child = at.clone().key(key.clone());
                        if object.contains_key(&key) {
                            // `8080` and `"8080"` are two YAML keys but one JSON key.
                            self.problems.push(Problem::Node {
                                doc: self.doc,
                                pointer: child,
                                code: Code::DuplicateKey,
                                target: Target::Key,
                                message: format!("duplicate key `{written}`: this mapping already has the key `{key}` in another form"),
                                help: Some("keys are read as text, so `8080` and \"8080\" are the same key; keep one".into()),
                            });
                            continue;
                        }
                        let value = self.convert(value, &child);
                        object.insert(key, value);
                    }
                }
                Value::Object(object)
            }
            Yaml::Tagged(tagged) => {
                self.problem(
                    at,
                    Target::Value,
                    format!("YAML tag `{}` is not supported", tagged.tag),
                    Some("remove the tag; fleetc reads plain YAML"),
                );
                Value::Null
            }
        }
    }

    fn number(&mut self, n: &serde_yaml::Number, at: &Pointer) -> Value {
        if let Some(i) = n.as_i64() {
            Value::Number(i.into())
        } else if let Some(u) = n.as_u64() {
            Value::Number(u.into())
        } else if let Some(f) = n.as_f64().and_then(Number::from_f64) {
            Value::Number(f)
        } else {
            self.problem(
                at,
                Target::Value,
                format!("`{n}` is not a number JSON can hold"),
                Some("quote it if it is meant as text"),
            );
            Value::Null
        }
    }

    /// Mapping keys become strings, as Kubernetes' YAML reader makes them; keys that cannot be
    /// strings, and merge keys (a plain `<<`; a quoted one is text), are problems.
    fn key(&mut self, key: Yaml, at: &Pointer) -> Option<String> {
        match key {
            Yaml::String(s) if s == "<<" && self.merge_key(at) => {
                self.problem(
                    &at.clone().key("<<"),
                    Target::Key,
                    "YAML merge keys (`<<`) are not supported",
                    Some("write the keys out, or share values through a ClusterTemplate"),
                );
                None
            }
            Yaml::String(s) => Some(s),
            Yaml::Number(n) => Some(n.to_string()),
            Yaml::Bool(b) => Some(b.to_string()),
            other => {
                let kind = match other {
                    Yaml::Null => "null",
                    Yaml::Sequence(_) => "a sequence",
                    Yaml::Mapping(_) => "a mapping",
                    _ => "a tagged value",
                };
                self.problem(
                    at,
                    Target::Value,
                    format!("a mapping key is {kind}; keys must be strings"),
                    None,
                );
                None
            }
        }
    }
}

impl Converter<'_> {
    /// Whether the `<<` key of the mapping at `at` was written plain (a merge key).
    fn merge_key(&self, at: &Pointer) -> bool {
        self.styles
            .and_then(|styles| styles.plain_key(self.doc as usize, &at.clone().key("<<")))
            .unwrap_or(true)
    }
}

/// How a key was written, for messages.
fn key_text(key: &Yaml) -> String {
    match key {
        Yaml::String(s) => format!("\"{s}\""),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_keep_their_stream_index() {
        let (docs, problems) = parse("---\n---\na: 1\n---\nb: [x]\n");
        assert!(problems.is_empty());
        assert_eq!(docs, vec![(1, json!({"a": 1})), (2, json!({"b": ["x"]}))]);
    }

    #[test]
    fn yaml_1_2_scalars() {
        let (docs, _) = parse("a: yes\nb: 1.10\nc: 0x1F\nd: ~\n1: k\ntrue: t\n");
        assert_eq!(
            docs[0].1,
            json!({"a": "yes", "b": 1.1, "c": 31, "d": null, "1": "k", "true": "t"})
        );
    }

    #[test]
    fn duplicate_keys_are_reported_at_their_mapping() {
        let (_, problems) = parse("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!(
            problems,
            vec![Problem::Syntax {
                code: Code::DuplicateKey,
                line: 3,
                column: 3,
                message: "duplicate key `c`: a mapping may hold a key only once".into()
            }]
        );
    }

    #[test]
    fn syntax_errors_stop_the_file_without_looping() {
        let (docs, problems) = parse("a: 1\n---\nb: [\n---\nc: 3\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(problems.len(), 1);
        let Problem::Syntax { code, line, .. } = &problems[0] else {
            panic!("{problems:?}")
        };
        assert_eq!((*code, *line), (Code::YamlSyntax, 4));
    }

    /// Hostile inputs m7: a quoted `'<<'` key, plain text in YAML, was refused as a merge key.
    #[test]
    fn a_quoted_merge_key_is_text() {
        let (docs, problems) = parse("a:\n  '<<': x\nb: {\"<<\": y}\n");
        assert_eq!(problems, vec![], "{problems:?}");
        assert_eq!(docs[0].1, json!({"a": {"<<": "x"}, "b": {"<<": "y"}}));
        let (_, problems) = parse("x: &x {a: 1}\nb:\n  '<<': 1\nc:\n  <<: *x\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn tags_merge_keys_and_nan_are_reported_at_their_node() {
        let (_, problems) =
            parse("x: &x {a: 1}\ny:\n  <<: *x\nz: !secret abc\nn: .nan\n? [a]\n: 1\n");
        let pointers: Vec<String> = problems
            .iter()
            .map(|p| match p {
                Problem::Node { pointer, .. } => pointer.to_string(),
                Problem::Syntax { message, .. } => message.clone(),
            })
            .collect();
        assert_eq!(pointers, vec!["/y/<<", "/z", "/n", ""]);
    }
}
