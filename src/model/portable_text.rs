//! Text that every consumer of `out/` can carry. fleetc's YAML writer can write any string, but
//! Kubernetes tooling turns YAML into JSON and back with go-yaml (`kubectl kustomize`, which
//! the hub's root Application runs, and Argo CD), and go-yaml rejects some characters and keys
//! that JSON allows: one such string in one value stops a whole hub from syncing. So fleetc
//! refuses them where they are written, with a finding.
//!
//! Found by running `kubectl kustomize` (v5) on each character and key length: the C1 control
//! characters except NEL, DEL, U+FFFE and U+FFFF are "control characters" to go-yaml anywhere;
//! NEL (U+0085) breaks a mapping key, and in a value kustomize writes it back unescaped, where
//! YAML 1.1 readers take it for a line break (so fleetc refuses it too); and a key whose JSON
//! form (as Go's encoder escapes it: `<`, `>`, `&`, U+2028, U+2029 and control characters take
//! six characters) is longer than about 1,020 characters is not found to be a key.

use serde_json::Value;

use crate::load::{Pointer, Step};

/// The longest key, counted in the characters of its JSON form, that fleetc writes.
pub const MAX_KEY_JSON_CHARS: usize = 1_000;

/// What is wrong with a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unportable {
    /// A character go-yaml rejects.
    Character(char),
    /// A key too long to be read as a key; its length in JSON characters.
    LongKey(usize),
}

impl Unportable {
    /// What is wrong, in words.
    pub fn message(self, is_key: bool) -> String {
        let what = if is_key { "key" } else { "string" };
        match self {
            Unportable::Character(c) => format!(
                "this {what} holds the character U+{:04X}, which Kubernetes tooling (go-yaml, as \
                 in `kubectl kustomize` and Argo CD) rejects; the hub would stop syncing",
                u32::from(c)
            ),
            Unportable::LongKey(n) => format!(
                "this key is {n} characters long as JSON; Kubernetes tooling (go-yaml) does not \
                 read a key longer than about 1,020, so fleetc writes none over \
                 {MAX_KEY_JSON_CHARS}"
            ),
        }
    }
}

/// Whether `c` cannot be carried: DEL, the C1 control characters (NEL among them), U+FFFE and
/// U+FFFF.
fn rejected(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// The problem with `s` as a string value, if any.
pub fn value_problem(s: &str) -> Option<Unportable> {
    if s.is_ascii() && !s.as_bytes().contains(&0x7f) {
        return None;
    }
    s.chars().find(|&c| rejected(c)).map(Unportable::Character)
}

/// The problem with `s` as a mapping key, if any.
pub fn key_problem(s: &str) -> Option<Unportable> {
    if let Some(c) = s.chars().find(|&c| rejected(c)) {
        return Some(Unportable::Character(c));
    }
    let json = json_chars(s);
    (json > MAX_KEY_JSON_CHARS).then_some(Unportable::LongKey(json))
}

/// The length of `s` in characters once Go's JSON encoder has quoted and escaped it.
fn json_chars(s: &str) -> usize {
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' => 2,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            c if u32::from(c) < 0x20 => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// Every problem in `value`: the pointer, whether the key (not the value) is at fault, and what.
pub fn problems(value: &Value) -> Vec<(Pointer, bool, Unportable)> {
    let mut found = Vec::new();
    walk(value, &mut Vec::new(), &mut found);
    found
}

fn walk<'a>(
    value: &'a Value,
    path: &mut Vec<Step<'a>>,
    out: &mut Vec<(Pointer, bool, Unportable)>,
) {
    match value {
        Value::String(s) => {
            if let Some(p) = value_problem(s) {
                out.push((Pointer::of_path(path), false, p));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk(item, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(Step::Key(k));
                if let Some(p) = key_problem(k) {
                    out.push((Pointer::of_path(path), true, p));
                }
                walk(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_go_yaml_rejects() {
        for c in [
            '\u{7f}', '\u{80}', '\u{85}', '\u{9f}', '\u{fffe}', '\u{ffff}',
        ] {
            assert_eq!(
                value_problem(&format!("a{c}b")),
                Some(Unportable::Character(c))
            );
        }
        for c in [
            '\u{0}', '\u{1b}', '\t', '\u{a0}', '\u{2028}', '\u{feff}', '😀',
        ] {
            assert_eq!(value_problem(&format!("a{c}b")), None, "{c:?}");
        }
        assert_eq!(
            key_problem("a\u{85}b"),
            Some(Unportable::Character('\u{85}'))
        );
    }

    #[test]
    fn keys_are_measured_as_go_writes_them_in_json() {
        assert_eq!(key_problem(&"x".repeat(998)), None);
        assert_eq!(
            key_problem(&"x".repeat(999)),
            Some(Unportable::LongKey(1_001))
        );
        // `<` is `\u003c` in Go's JSON: 170 of them are 1,022 characters.
        assert_eq!(
            key_problem(&"<".repeat(170)),
            Some(Unportable::LongKey(1_022))
        );
        assert_eq!(key_problem(&"<".repeat(160)), None);
    }
}
