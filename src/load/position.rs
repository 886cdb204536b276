//! Where each node of a YAML file sits. fleetc reads values with `serde_yaml`, which keeps no
//! positions; when a diagnostic needs one, the file is scanned once more with `saphyr-parser`,
//! and this index maps every (document, pointer) to the spans of the node's key and value.
//! Clean files are never scanned twice.
//!
//! Nodes are stored linked to their parent, each with its own key once, so the index is linear
//! in the size of the file: a long key above many nodes is not copied into each of them.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};

use super::pointer::{Pointer, Segment};

/// A position in a file: 1-based line, 0-based character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    pub(crate) line: u32,
    pub(crate) col: u32,
}

/// The start and end of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NodeSpan {
    pub(crate) start: Mark,
    pub(crate) end: Mark,
}

/// Where a node's key (if it has one) and value are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NodePosition {
    pub(crate) key: Option<NodeSpan>,
    pub(crate) value: NodeSpan,
    /// Whether the key was written plain (not quoted): `<<` is a merge key only then.
    pub(crate) plain_key: bool,
}

/// A node's place under its parent: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(Box<str>),
    Index(usize),
}

/// The nodes of one document: node 0 is the root; a node is found from its parent and step.
#[derive(Debug, Default)]
struct DocumentNodes {
    positions: Vec<NodePosition>,
    children: HashMap<(u32, Step), u32>,
}

impl DocumentNodes {
    fn add(&mut self, parent: Option<(u32, Step)>, position: NodePosition) -> u32 {
        let id = u32::try_from(self.positions.len()).unwrap_or(u32::MAX);
        self.positions.push(position);
        if let Some(link) = parent {
            self.children.insert(link, id);
        }
        id
    }

    /// The node at `pointer`, or its nearest ancestor that exists (and whether it was exact).
    fn find(&self, pointer: &Pointer) -> Option<(NodePosition, bool)> {
        let mut node = 0u32;
        let root = *self.positions.first()?;
        let mut found = root;
        for segment in pointer.segments() {
            let step = match segment {
                Segment::Key(k) => Step::Key(k.as_str().into()),
                Segment::Index(i) => Step::Index(*i),
            };
            match self.children.get(&(node, step)) {
                Some(&child) => {
                    node = child;
                    found = self.positions[child as usize];
                }
                None => return Some((found, false)),
            }
        }
        Some((found, true))
    }
}

/// The positions of all nodes of all documents in one file.
#[derive(Debug, Default)]
pub(crate) struct PositionIndex {
    documents: Vec<DocumentNodes>,
    /// Where each document starts, for diagnostics about a whole document.
    starts: Vec<Mark>,
    /// Every repeated key of a mapping, in file order.
    duplicates: Vec<NodeSpan>,
}

enum Frame {
    Mapping {
        node: u32,
        /// The key just read: its text, span and whether it was plain.
        key: Option<(String, NodeSpan, bool)>,
        seen: std::collections::HashSet<String>,
    },
    Sequence {
        node: u32,
        next: usize,
    },
    /// A complex (non-scalar) mapping key: nothing inside it is indexed.
    Skip,
}

fn mark(m: saphyr_parser::Marker) -> Mark {
    Mark {
        line: u32::try_from(m.line()).unwrap_or(u32::MAX),
        col: u32::try_from(m.col()).unwrap_or(u32::MAX),
    }
}

fn span(s: Span) -> NodeSpan {
    NodeSpan {
        start: mark(s.start),
        end: mark(s.end),
    }
}

impl PositionIndex {
    /// Scans `text`. A file that does not scan to the end keeps what was indexed before the
    /// problem; lookups then fall back to the nearest known ancestor.
    pub(crate) fn build(text: &str) -> Self {
        let mut index = Self::default();
        let mut stack: Vec<Frame> = Vec::new();
        for item in Parser::new_from_str(text) {
            let Ok((event, at)) = item else { break };
            match event {
                Event::DocumentStart(_) => {
                    index.documents.push(DocumentNodes::default());
                    index.starts.push(mark(at.start));
                    stack.clear();
                }
                Event::Scalar(value, style, _, tag) => {
                    let identity = key_identity(&value, style, tag.is_some());
                    let plain = style == saphyr_parser::ScalarStyle::Plain && tag.is_none();
                    index.node(&mut stack, span(at), Some((&value, &identity, plain)));
                }
                Event::Alias(_) => {
                    index.node(&mut stack, span(at), None);
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let sequence = matches!(event, Event::SequenceStart(..));
                    let node = index.node(&mut stack, span(at), None);
                    stack.push(match node {
                        None => Frame::Skip,
                        Some(node) if sequence => Frame::Sequence { node, next: 0 },
                        Some(node) => Frame::Mapping {
                            node,
                            key: None,
                            seen: std::collections::HashSet::new(),
                        },
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some(Frame::Mapping { node, .. } | Frame::Sequence { node, .. }) =
                        stack.pop()
                        && let Some(doc) = index.documents.last_mut()
                        && let Some(pos) = doc.positions.get_mut(node as usize)
                    {
                        pos.value.end = mark(at.end);
                    }
                }
                _ => {}
            }
        }
        index
    }

    /// The position of the node at `pointer` in document `doc`, or of its nearest ancestor.
    pub(crate) fn find(&self, doc: usize, pointer: &Pointer) -> Option<(NodePosition, bool)> {
        self.documents.get(doc)?.find(pointer)
    }

    /// Whether the key of the node at `pointer` in document `doc` was written plain; `None`
    /// when there is no such node.
    pub(crate) fn plain_key(&self, doc: usize, pointer: &Pointer) -> Option<bool> {
        match self.documents.get(doc)?.find(pointer)? {
            (position, true) => Some(position.plain_key),
            (_, false) => None,
        }
    }

    /// The first repeated mapping key at or after `line`.
    pub(crate) fn duplicate_key_from(&self, line: u32) -> Option<NodeSpan> {
        self.duplicates
            .iter()
            .find(|d| d.start.line >= line)
            .copied()
    }

    /// Where document `doc` starts: its root node, or its `---` when it has none.
    pub(crate) fn document_start(&self, doc: usize) -> Option<Mark> {
        let root = self
            .documents
            .get(doc)
            .and_then(|nodes| nodes.positions.first());
        root.map(|pos| pos.value.start)
            .or_else(|| self.starts.get(doc).copied())
    }
}

/// What makes two mapping keys the same key for YAML: a plain scalar that reads as a number,
/// boolean or null is that value (`1` is not `"1"`); anything else is its text.
fn key_identity(text: &str, style: saphyr_parser::ScalarStyle, tagged: bool) -> String {
    let plain = style == saphyr_parser::ScalarStyle::Plain && !tagged;
    let typed = plain
        && (text.parse::<f64>().is_ok()
            || text.starts_with("0x")
            || text.starts_with("0o")
            || matches!(
                text,
                "true"
                    | "True"
                    | "TRUE"
                    | "false"
                    | "False"
                    | "FALSE"
                    | "~"
                    | "null"
                    | "Null"
                    | "NULL"
                    | ""
            ));
    if typed {
        format!("typed:{text}")
    } else {
        format!("text:{text}")
    }
}

impl PositionIndex {
    /// Records one node event and returns the node's id, or `None` when the node is a mapping
    /// key or sits inside a complex key (neither is addressable by a pointer).
    fn node(
        &mut self,
        stack: &mut [Frame],
        at: NodeSpan,
        scalar: Option<(&str, &str, bool)>,
    ) -> Option<u32> {
        let (link, key, plain_key) = match stack.last_mut() {
            None => (None, None, false),
            Some(Frame::Skip) => return None,
            Some(Frame::Sequence { node, next }) => {
                let link = (*node, Step::Index(*next));
                *next += 1;
                (Some(link), None, false)
            }
            Some(Frame::Mapping { node, key, seen }) => {
                if let Some((k, key_span, plain)) = key.take() {
                    (
                        Some((*node, Step::Key(k.into_boxed_str()))),
                        Some(key_span),
                        plain,
                    )
                } else {
                    // This node is a key.
                    if let Some((_, identity, _)) = scalar
                        && !seen.insert(identity.to_owned())
                    {
                        self.duplicates.push(at);
                    }
                    *key = Some((
                        scalar
                            .map(|(text, _, _)| text)
                            .unwrap_or_default()
                            .to_owned(),
                        at,
                        scalar.is_some_and(|(_, _, plain)| plain),
                    ));
                    return None;
                }
            }
        };
        let doc = self.documents.last_mut()?;
        Some(doc.add(
            link,
            NodePosition {
                key,
                value: at,
                plain_key,
            },
        ))
    }
}
