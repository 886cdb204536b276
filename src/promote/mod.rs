//! Promotion: give one rollout stage of an app the layer of another (its `vars`, `values` and
//! Application fields: everything but its `name` and `selector`), by editing the App's file as
//! a person would. Each layer key of the target stage is replaced by the source's lines, removed
//! when the source lacks it, or added after the target's last key; every other line of the file,
//! comments and all, stays byte for byte.
//!
//! The edit works on block-style YAML, which is how stages are written. It is checked before it
//! is returned: the edited file must read as the same documents, but for the target stage,
//! whose layer must now equal the source's. Anything else (flow style, a layer key first in its
//! entry) is refused with what to do instead.

pub mod soak;

use serde_json::{Map, Value};

use crate::compile::Compilation;
use crate::load::{Pointer, Target};
use crate::model::STAGE_OWN_KEYS;

/// An edit of one file: its path as the fleet shows it, and its text before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion {
    pub path: String,
    pub before: String,
    pub after: String,
}

impl Promotion {
    /// Whether the target stage has the source's layer already.
    pub fn is_done(&self) -> bool {
        self.before == self.after
    }
}

/// The promotion of stage `from` of app `app` to stage `to`, in a valid compiled fleet.
pub fn promote(
    compilation: &Compilation,
    app: &str,
    from: &str,
    to: &str,
) -> Result<Promotion, String> {
    let fleet = compilation
        .fleet
        .as_ref()
        .filter(|_| compilation.is_valid())
        .ok_or("the fleet is invalid: `fleetc validate` says why")?;
    let app = fleet
        .app(app)
        .ok_or_else(|| format!("there is no app `{app}`"))?;
    let index = |name: &str| {
        app.stages
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = app.stages.iter().map(|s| s.name.as_str()).collect();
                format!(
                    "app `{}` has no stage `{name}` (its stages: {})",
                    app.name,
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                )
            })
    };
    let (source, target) = (index(from)?, index(to)?);
    if source == target {
        return Err("a stage is promoted to another stage".into());
    }
    let files = &compilation.files;
    let text = files.text(app.at.file);
    let documents = documents_of(text)?;
    let document = documents
        .get(app.at.index as usize)
        .ok_or("the App's document is not where it was read")?;
    let entry = |i: usize| -> Result<&Map<String, Value>, String> {
        document
            .pointer(&format!("/spec/stages/{i}"))
            .and_then(Value::as_object)
            .ok_or_else(|| "the stage is not a mapping".to_owned())
    };
    let (from_entry, to_entry) = (entry(source)?, entry(target)?);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // A key's lines: where the App file has it, and how deep.
    let block = |stage: usize, key: &str| -> Result<Block, String> {
        let at = Pointer::parse("/spec/stages").index(stage).key(key);
        let location = files.locate(app.at, &at, Target::Key);
        key_block(&lines, location.line as usize, location.column as usize).ok_or_else(|| {
            format!(
                "`{key}` of stage `{}` is not written as a block mapping key on its own line (line {}); write the stage in block style, with `name` first, to promote it",
                app.stages[stage].name, location.line
            )
        })
    };
    let layer =
        |entry: &Map<String, Value>| -> Vec<String> { layer_of(entry).keys().cloned().collect() };
    // The source's layer keys, in the order the file writes them.
    let mut from_blocks: Vec<(String, Block)> = layer(from_entry)
        .into_iter()
        .map(|k| block(source, &k).map(|b| (k, b)))
        .collect::<Result<_, _>>()?;
    from_blocks.sort_by_key(|(_, b)| b.start);
    // `name` opens the entry (on its `- ` line); every other key is on a line of its own.
    let to_blocks: Vec<(String, Block)> = to_entry
        .keys()
        .filter(|k| *k != "name")
        .map(|k| block(target, k).map(|b| (k.clone(), b)))
        .collect::<Result<_, _>>()?;
    let indent = to_blocks
        .iter()
        .find(|(k, _)| k == "selector")
        .map_or(0, |(_, b)| b.indent);
    let text_of = |b: &Block| -> String {
        let shifted: Vec<String> = lines[b.start..b.end]
            .iter()
            .map(|l| reindent(l, b.indent, indent))
            .collect();
        shifted.concat()
    };
    // Edits as (first line, end line, new text), applied from the bottom up.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (key, b) in &to_blocks {
        if STAGE_OWN_KEYS.contains(&key.as_str()) {
            continue;
        }
        let replacement = from_blocks
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, fb)| text_of(fb))
            .unwrap_or_default();
        edits.push((b.start, b.end, replacement));
    }
    let end_of_entry = to_blocks.iter().map(|(_, b)| b.end).max().unwrap_or(0);
    let added: String = from_blocks
        .iter()
        .filter(|(k, _)| !to_entry.contains_key(k))
        .map(|(_, b)| text_of(b))
        .collect();
    if !added.is_empty() {
        edits.push((end_of_entry, end_of_entry, added));
    }
    edits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    for (start, end, replacement) in edits {
        let mut new_lines: Vec<String> = replacement
            .split_inclusive('\n')
            .map(str::to_owned)
            .collect();
        if let (Some(last), true) = (new_lines.last_mut(), end == out.len()) {
            // The file's last line may lack its line break; the replacement keeps the file's.
            if !lines.last().is_some_and(|l| l.ends_with('\n')) {
                *last = last.trim_end_matches('\n').to_owned();
            }
        }
        out.splice(start..end, new_lines.drain(..));
    }
    let after = out.concat();
    check(
        &documents,
        &documents_of(&after)?,
        app.at.index as usize,
        source,
        target,
    )?;
    Ok(Promotion {
        path: files.path(app.at.file).to_owned(),
        before: text.to_owned(),
        after,
    })
}

/// A stage entry's layer: its keys but its own (`name`, `selector`, `soak`).
pub(crate) fn layer_of(stage: &Map<String, Value>) -> Map<String, Value> {
    stage
        .iter()
        .filter(|(k, _)| !STAGE_OWN_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The lines of a block mapping key: from its line to the line before the next one as shallow
/// as the key (blank lines and comments deeper than the key stay with it; trailing blank lines
/// do not).
#[derive(Debug, Clone, Copy)]
struct Block {
    start: usize,
    end: usize,
    /// The key's column, from 0.
    indent: usize,
}

/// The block of the key at `line` and `column` (both from 1), when it is a block mapping key
/// alone at the start of its line (not after `- `).
fn key_block(lines: &[&str], line: usize, column: usize) -> Option<Block> {
    let start = line.checked_sub(1)?;
    let indent = column.checked_sub(1)?;
    let first = lines.get(start)?;
    if leading_spaces(first) != indent {
        return None;
    }
    let mut end = start + 1;
    let mut last_content = start + 1;
    while let Some(l) = lines.get(end) {
        let blank = l.trim().is_empty();
        if !blank && leading_spaces(l) <= indent {
            break;
        }
        end += 1;
        if !blank {
            last_content = end;
        }
    }
    Some(Block {
        start,
        end: last_content,
        indent,
    })
}

fn leading_spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `line` moved from indentation `from` to `to` (blank lines as they are).
fn reindent(line: &str, from: usize, to: usize) -> String {
    if line.trim().is_empty() || from == to {
        return line.to_owned();
    }
    let spaces = leading_spaces(line);
    let kept = spaces.saturating_sub(from);
    format!("{}{}", " ".repeat(to + kept), &line[spaces..])
}

/// The documents of a YAML text, as JSON.
pub(crate) fn documents_of(text: &str) -> Result<Vec<Value>, String> {
    use serde::Deserialize as _;
    serde_yaml::Deserializer::from_str(text)
        .map(|d| {
            serde_yaml::Value::deserialize(d)
                .map_err(|e| e.to_string())
                .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string()))
        })
        .collect()
}

/// The edit did what it should: the same documents, but for the target stage, whose layer is
/// now the source's.
fn check(
    before: &[Value],
    after: &[Value],
    document: usize,
    source: usize,
    target: usize,
) -> Result<(), String> {
    let refuse = || {
        Err("the file is laid out in a way the promotion cannot edit safely; copy the layer by hand".to_owned())
    };
    if before.len() != after.len() {
        return refuse();
    }
    let layer = |doc: &Value, stage: usize| -> Map<String, Value> {
        doc.pointer(&format!("/spec/stages/{stage}"))
            .and_then(Value::as_object)
            .map(layer_of)
            .unwrap_or_default()
    };
    for (i, (b, a)) in before.iter().zip(after).enumerate() {
        if i != document {
            if a != b {
                return refuse();
            }
            continue;
        }
        if layer(a, target) != layer(b, source) {
            return refuse();
        }
        let mut expected = b.clone();
        let mut entry = b
            .pointer(&format!("/spec/stages/{target}"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        entry.retain(|k, _| STAGE_OWN_KEYS.contains(&k.as_str()));
        entry.extend(layer(b, source));
        if let Some(slot) = expected.pointer_mut(&format!("/spec/stages/{target}")) {
            *slot = Value::Object(entry);
        }
        if *a != expected {
            return refuse();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_block_keeps_deeper_lines_and_comments_and_drops_trailing_blank_lines() {
        let text = "  vars:\n    a: 1\n    # why\n\n    b: 2\n\n  values:\n    c: 3\n";
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let b = key_block(&lines, 1, 3).unwrap();
        assert_eq!((b.start, b.end, b.indent), (0, 5, 2));
        assert!(key_block(&lines, 1, 5).is_none(), "not the key's column");
    }

    /// A richer layout: the source has three layer keys (one nested, with a comment), the
    /// target one of them and a comment after it; the promotion replaces, adds in the source's
    /// order, and leaves the comment, the other stage and the rest of the file as they were.
    #[test]
    fn a_promotion_replaces_adds_and_keeps_everything_else() {
        let app = "apiVersion: fleetc.dev/v1alpha1
kind: App
metadata: {name: web}
spec:
  source: {repoURL: 'https://example.com/web.git', path: web, targetRevision: v1}
  destination: {namespace: web}
  values: {replicas: 1}
  stages:
    - name: canary
      selector: {matchLabels: {tier: canary}}
      values:
        replicas: 2    # two, to see the canary under load
        image: {tag: v2}
      vars: {note: canary}
      source: {targetRevision: v2}
    - name: main
      selector: {matchExpressions: [{key: tier, operator: DoesNotExist}]}
      values:
        replicas: 3
      # main stays on v1 until the canary has run a day
";
        let clusters = "apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {name: hub-eu}
spec: {provider: aws, hub: hub-eu, connection: {inCluster: true}}
---
apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {name: c1, labels: {tier: canary}}
spec: {provider: aws, hub: hub-eu, connection: {secretStore: {name: aws-eu}}}
---
";
        let compiled = crate::test_fleet::compiled("", &format!("{clusters}{app}"));
        assert!(compiled.is_valid(), "{:#?}", compiled.diagnostics);
        let p = promote(&compiled, "web", "canary", "main").expect("a promotion");
        let expected = p.before.replacen(
            "      values:
        replicas: 3
",
            "      values:
        replicas: 2    # two, to see the canary under load
        image: {tag: v2}
      vars: {note: canary}
      source: {targetRevision: v2}
",
            1,
        );
        assert_ne!(expected, p.before);
        assert_eq!(p.after, expected);
    }

    #[test]
    fn reindenting_moves_every_line_alike() {
        assert_eq!(reindent("    a: 1\n", 2, 6), "        a: 1\n");
        assert_eq!(reindent("\n", 2, 6), "\n");
    }
}
